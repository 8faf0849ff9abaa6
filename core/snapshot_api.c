/*
 * The public snapshot operations: check arguments and flags (libvirt's rules), resolve keys
 * against the forest, dispatch to the driver table. A NULL driver entry is
 * VSNAP_EUNSUPPORTED; every error leaves here prefixed with the domain (and snapshot).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/error.h"
#include "xml/schema_validate.h"
#include "core/forest.h"
#include "core/revert_clear.h"

static const char *dom_name(const vsnap_domain *dom)
{
	if (dom->info.name)
		return dom->info.name;
	return dom->info.id ? dom->info.id : "?";
}

static int check_domain(const vsnap_domain *dom, const char *what)
{
	if (!dom || !dom->conn || !dom->conn->driver)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"%s: no domain given", what);
	return 0;
}

static int invalid(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int invalid(const char *fmt, ...)
{
	char *msg = NULL;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (rc < 0)
		return vsnap__error_oom();
	rc = vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID, "%s", msg);
	free(msg);
	return rc;
}

static int unsupported(const vsnap_domain *dom, const char *op)
{
	return vsnap__error_set(VSNAP_EUNSUPPORTED, VSNAP_ERRCLASS_SNAPSHOT, "%s cannot %s",
		dom->conn->driver->name, op);
}

int vsnap_forest_get(vsnap_forest **out, vsnap_domain *dom)
{
	vsnap_forest_data data;
	int rc;

	if (out)
		*out = NULL;
	if ((rc = check_domain(dom, "listing snapshots")) < 0)
		return rc;
	if (!out)
		return invalid("listing snapshots of domain '%s': no output given", dom_name(dom));
	memset(&data, 0, sizeof(data));
	if (!dom->conn->driver->snapshot_load)
		rc = unsupported(dom, "list snapshots");
	else if ((rc = dom->conn->driver->snapshot_load(&data, dom)) == 0)
		rc = vsnap__forest_build(out, &data);
	vsnap__forest_data_clear(&data);
	if (rc < 0)
		return vsnap__error_prefix("listing snapshots of domain '%s'", dom_name(dom));
	return 0;
}

#define CREATE_FLAGS (VSNAP_SNAPSHOT_CREATE_REDEFINE | VSNAP_SNAPSHOT_CREATE_CURRENT | \
	VSNAP_SNAPSHOT_CREATE_NO_METADATA | VSNAP_SNAPSHOT_CREATE_HALT | \
	VSNAP_SNAPSHOT_CREATE_DISK_ONLY | VSNAP_SNAPSHOT_CREATE_REUSE_EXT | \
	VSNAP_SNAPSHOT_CREATE_QUIESCE | VSNAP_SNAPSHOT_CREATE_ATOMIC | \
	VSNAP_SNAPSHOT_CREATE_LIVE | VSNAP_SNAPSHOT_CREATE_VALIDATE)

/* libvirt's flag rules of virDomainSnapshotCreateXML. */
static int check_create_flags(unsigned int flags)
{
	if (flags & ~CREATE_FLAGS)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"unknown snapshot creation flags 0x%x", flags & ~CREATE_FLAGS);
	if ((flags & VSNAP_SNAPSHOT_CREATE_CURRENT) && !(flags & VSNAP_SNAPSHOT_CREATE_REDEFINE))
		return invalid("the 'current' flag requires the 'redefine' flag");
	if ((flags & VSNAP_SNAPSHOT_CREATE_REDEFINE) && (flags & VSNAP_SNAPSHOT_CREATE_NO_METADATA))
		return invalid("the 'redefine' and 'no-metadata' flags are mutually exclusive");
	if ((flags & VSNAP_SNAPSHOT_CREATE_REDEFINE) && (flags & VSNAP_SNAPSHOT_CREATE_HALT))
		return invalid("the 'redefine' and 'halt' flags are mutually exclusive");
	return 0;
}

/* Checks that need the parsed def, then dispatches. Takes ownership of def. */
static int create_def(char **name_out, vsnap_domain *dom, vsnap_snapshot_def *def,
	unsigned int flags)
{
	char *name = NULL;
	int rc;

	if ((flags & VSNAP_SNAPSHOT_CREATE_REDEFINE) && (flags & VSNAP_SNAPSHOT_CREATE_DISK_ONLY) &&
		def->state != VSNAP_SNAPSHOT_DISK_SNAPSHOT)
		rc = invalid("the 'disk-only' flag requires state 'disk-snapshot' in snapshot '%s'",
			def->name);
	else if (!(flags & VSNAP_SNAPSHOT_CREATE_REDEFINE) &&
		(flags & VSNAP_SNAPSHOT_CREATE_DISK_ONLY) &&
		def->memory != VSNAP_SNAPSHOT_LOCATION_DEFAULT &&
		def->memory != VSNAP_SNAPSHOT_LOCATION_NO)
		rc = invalid("disk-only snapshot '%s' cannot save memory state", def->name);
	else if (!def->name || !*def->name)
		rc = invalid("a snapshot name must not be empty");
	else if (!dom->conn->driver->snapshot_create)
		rc = unsupported(dom, (flags & VSNAP_SNAPSHOT_CREATE_REDEFINE) ?
			"redefine snapshots" : "create snapshots");
	else
		rc = dom->conn->driver->snapshot_create(&name, dom, def, flags);
	if (rc == 0 && !name && !(name = strdup(def->name)))
		rc = vsnap__error_oom();
	if (rc < 0) {
		free(name);
		rc = vsnap__error_prefix("%s snapshot '%s' of domain '%s'",
			(flags & VSNAP_SNAPSHOT_CREATE_REDEFINE) ? "redefining" : "creating",
			def->name ? def->name : "", dom_name(dom));
	} else if (name_out) {
		*name_out = name;
	} else {
		free(name);
	}
	vsnap__snapshot_def_free(def);
	return rc;
}

/* A def with the creation time and generated name of create input without XML. */
static int default_def(vsnap_snapshot_def **out, const char *name, const char *description)
{
	vsnap_snapshot_def *def = vsnap__snapshot_def_new();
	long long now = (long long)time(NULL);
	int failed = 0;

	*out = NULL;
	if (!def)
		return vsnap__error_oom();
	def->creation_time = now;
	if (name)
		failed = !(def->name = strdup(name));
	else if (asprintf(&def->name, "%lld", now) < 0)
		failed = 1, def->name = NULL;
	if (description && !(def->description = strdup(description)))
		failed = 1;
	if (failed) {
		vsnap__snapshot_def_free(def);
		return vsnap__error_oom();
	}
	*out = def;
	return 0;
}

int vsnap_snapshot_create_xml(char **name_out, vsnap_domain *dom, const char *xml,
	unsigned int flags)
{
	vsnap_snapshot_def *def = NULL;
	int rc;

	if (name_out)
		*name_out = NULL;
	if ((rc = check_domain(dom, "creating a snapshot")) < 0)
		return rc;
	if ((rc = check_create_flags(flags)) == 0 && !xml && (flags & VSNAP_SNAPSHOT_CREATE_REDEFINE))
		rc = invalid("redefining a snapshot needs its XML");
	if (rc == 0 && xml && (flags & VSNAP_SNAPSHOT_CREATE_VALIDATE))
		rc = vsnap__xml_schema_validate(xml, "domainsnapshot");
	if (rc == 0 && xml)
		rc = vsnap__snapshot_def_parse(&def, xml, (flags & VSNAP_SNAPSHOT_CREATE_REDEFINE) ?
			VSNAP_SNAPSHOT_PARSE_REDEFINE : VSNAP_SNAPSHOT_PARSE_CREATE,
			(long long)time(NULL));
	else if (rc == 0)
		rc = default_def(&def, NULL, NULL);
	if (rc < 0)
		return vsnap__error_prefix("creating a snapshot of domain '%s'", dom_name(dom));
	return create_def(name_out, dom, def, flags);
}

int vsnap_snapshot_create(char **name_out, vsnap_domain *dom, const char *name,
	const char *description, unsigned int flags)
{
	vsnap_snapshot_def *def = NULL;
	int rc;

	if (name_out)
		*name_out = NULL;
	if ((rc = check_domain(dom, "creating a snapshot")) < 0)
		return rc;
	if ((rc = check_create_flags(flags)) == 0 && (flags & VSNAP_SNAPSHOT_CREATE_REDEFINE))
		rc = invalid("redefining a snapshot needs its XML");
	if (rc == 0)
		rc = default_def(&def, name, description);
	if (rc < 0)
		return vsnap__error_prefix("creating snapshot '%s' of domain '%s'",
			name ? name : "", dom_name(dom));
	return create_def(name_out, dom, def, flags);
}

/* Loads the forest and resolves `key`; the caller frees *forest. */
static int resolve(vsnap_forest **forest, vsnap_snapshot **snap, vsnap_domain *dom,
	const char *key)
{
	int rc;

	*snap = NULL;
	if ((rc = vsnap_forest_get(forest, dom)) < 0)
		return rc;
	return vsnap_forest_lookup(snap, *forest, key);
}

#define REVERT_FLAGS (VSNAP_SNAPSHOT_REVERT_RUNNING | VSNAP_SNAPSHOT_REVERT_PAUSED | \
	VSNAP_SNAPSHOT_REVERT_FORCE | VSNAP_SNAPSHOT_REVERT_DELETE_CHILDREN | \
	VSNAP_SNAPSHOT_REVERT_DISCARD)
#define REVERT_CLEAR_FLAGS (VSNAP_SNAPSHOT_REVERT_DELETE_CHILDREN | VSNAP_SNAPSHOT_REVERT_DISCARD)

int vsnap_snapshot_revert(vsnap_domain *dom, const char *key, unsigned int flags)
{
	vsnap_forest *forest = NULL;
	vsnap_snapshot *snap = NULL;
	int rc;

	if ((rc = check_domain(dom, "reverting to a snapshot")) < 0)
		return rc;
	if (!key)
		rc = invalid("no snapshot given");
	else if (flags & ~REVERT_FLAGS)
		rc = vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"unknown revert flags 0x%x", flags & ~REVERT_FLAGS);
	else if ((flags & VSNAP_SNAPSHOT_REVERT_RUNNING) && (flags & VSNAP_SNAPSHOT_REVERT_PAUSED))
		rc = invalid("the 'running' and 'paused' flags are mutually exclusive");
	else if (!dom->conn->driver->snapshot_revert)
		rc = unsupported(dom, "revert to snapshots");
	else if (flags & REVERT_CLEAR_FLAGS)
		rc = vsnap__snapshot_revert_clear(dom, key, flags);
	else if ((rc = resolve(&forest, &snap, dom, key)) == 0)
		rc = dom->conn->driver->snapshot_revert(dom, snap->def, &forest->data, flags);
	vsnap_forest_free(forest);
	if (rc < 0)
		return vsnap__error_prefix("reverting domain '%s' to snapshot '%s'", dom_name(dom),
			key ? key : "");
	return 0;
}

#define DELETE_FLAGS (VSNAP_SNAPSHOT_DELETE_CHILDREN | VSNAP_SNAPSHOT_DELETE_METADATA_ONLY | \
	VSNAP_SNAPSHOT_DELETE_CHILDREN_ONLY | VSNAP_SNAPSHOT_DELETE_NO_CONSOLIDATE)

int vsnap_snapshot_delete(vsnap_domain *dom, const char *key, unsigned int flags)
{
	vsnap_forest *forest = NULL;
	vsnap_snapshot *snap = NULL;
	int rc;

	if ((rc = check_domain(dom, "deleting a snapshot")) < 0)
		return rc;
	if (!key)
		rc = invalid("no snapshot given");
	else if (flags & ~DELETE_FLAGS)
		rc = vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"unknown delete flags 0x%x", flags & ~DELETE_FLAGS);
	else if ((flags & VSNAP_SNAPSHOT_DELETE_CHILDREN) &&
		(flags & VSNAP_SNAPSHOT_DELETE_CHILDREN_ONLY))
		rc = invalid("the 'children' and 'children-only' flags are mutually exclusive");
	else if (!dom->conn->driver->snapshot_delete)
		rc = unsupported(dom, "delete snapshots");
	else if ((rc = resolve(&forest, &snap, dom, key)) == 0)
		rc = dom->conn->driver->snapshot_delete(dom, snap->def, &forest->data, flags);
	vsnap_forest_free(forest);
	if (rc < 0)
		return vsnap__error_prefix("deleting snapshot '%s' of domain '%s'", key ? key : "",
			dom_name(dom));
	return 0;
}

int vsnap_snapshot_edit(vsnap_domain *dom, const char *key, const char *new_name,
	const char *new_description)
{
	vsnap_forest *forest = NULL;
	vsnap_snapshot *snap = NULL;
	int rc;

	if ((rc = check_domain(dom, "editing a snapshot")) < 0)
		return rc;
	if (!key)
		rc = invalid("no snapshot given");
	else if (!new_name && !new_description)
		rc = invalid("nothing to change: give a new name or description");
	else if (new_name && !*new_name)
		rc = invalid("a snapshot name must not be empty");
	else if (!dom->conn->driver->snapshot_edit)
		rc = unsupported(dom, "edit snapshots");
	else if ((rc = resolve(&forest, &snap, dom, key)) == 0)
		rc = dom->conn->driver->snapshot_edit(dom, snap->def, new_name, new_description);
	vsnap_forest_free(forest);
	if (rc < 0)
		return vsnap__error_prefix("editing snapshot '%s' of domain '%s'", key ? key : "",
			dom_name(dom));
	return 0;
}

int vsnap_snapshot_delete_all(vsnap_domain *dom, unsigned int flags)
{
	const unsigned int known = VSNAP_SNAPSHOT_DELETE_METADATA_ONLY |
		VSNAP_SNAPSHOT_DELETE_NO_CONSOLIDATE;
	int rc;

	if ((rc = check_domain(dom, "deleting all snapshots")) < 0)
		return rc;
	if (flags & ~known)
		rc = vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"unknown flags 0x%x for deleting all snapshots", flags & ~known);
	else if (!dom->conn->driver->snapshot_delete_all)
		rc = unsupported(dom, "delete all snapshots");
	else
		rc = dom->conn->driver->snapshot_delete_all(dom, flags);
	if (rc < 0)
		return vsnap__error_prefix("deleting all snapshots of domain '%s'", dom_name(dom));
	return 0;
}

int vsnap_domain_needs_consolidation(int *out, vsnap_domain *dom)
{
	int rc;

	if (out)
		*out = 0;
	if ((rc = check_domain(dom, "checking consolidation")) < 0)
		return rc;
	if (!out)
		rc = invalid("no output given");
	else if (!dom->conn->driver->needs_consolidation)
		rc = unsupported(dom, "tell whether disks need consolidation");
	else
		rc = dom->conn->driver->needs_consolidation(out, dom);
	if (rc < 0)
		return vsnap__error_prefix("checking whether domain '%s' needs consolidation",
			dom_name(dom));
	return 0;
}

int vsnap_domain_consolidate(vsnap_domain *dom, unsigned int flags)
{
	int rc;

	if ((rc = check_domain(dom, "consolidating disks")) < 0)
		return rc;
	if (flags)
		rc = vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"unknown consolidation flags 0x%x", flags);
	else if (!dom->conn->driver->consolidate)
		rc = unsupported(dom, "consolidate disks");
	else
		rc = dom->conn->driver->consolidate(dom, flags);
	if (rc < 0)
		return vsnap__error_prefix("consolidating the disks of domain '%s'", dom_name(dom));
	return 0;
}

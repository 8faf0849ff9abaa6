/*
 * snap_create.c: snapshot creation: REDEFINE, the plan (which disks take part and how, from
 * the <domainsnapshot> <disks>, the domain's snapshot= attributes and the flags), the
 * metadata, and the dispatch to internal or external creation.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemudrv/qemu_priv.h"
#include "core/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define refuse(code, fmt, a, b) vsnap__error_set((code), VSNAP_ERRCLASS_SNAPSHOT, fmt, (a), \
	(b) ? (const char *)(b) : "")

/* The <disks><disk> entry for a domain disk: by target or by source path. */
static const vsnap_snapshot_disk_def *find_entry(const vsnap_snapshot_def *def,
	const vsnap_domain_disk_def *disk)
{
	for (size_t i = 0; i < def->ndisks; i++) {
		const char *n = def->disks[i].name;
		if (n && ((disk->target_dev && !strcmp(n, disk->target_dev)) ||
		    (disk->src_file && !strcmp(n, disk->src_file))))
			return &def->disks[i];
	}
	return NULL;
}

static int plan_disks(vsnap_qemu_plan_disk *plan, vsnap_qemu_dom *d,
	const vsnap_snapshot_def *def, int memory, unsigned int flags)
{
	/* Offline snapshots default to internal, as libvirt's; --disk-only and external memory
	 * default to external disks. */
	int disk_only = (flags & VSNAP_SNAPSHOT_CREATE_DISK_ONLY) ||
		memory == VSNAP_SNAPSHOT_LOCATION_EXTERNAL;
	int rc;

	/* Every <disks> entry must name a disk of the domain. */
	for (size_t i = 0; i < def->ndisks; i++) {
		int found = 0;
		for (size_t j = 0; j < d->def->ndisks; j++)
			found |= find_entry(def, d->def->disks[j]) == &def->disks[i];
		if (!found)
			return refuse(VSNAP_EINVALID, "snapshot <disk name='%s'>: domain has no such "
				"disk%s", def->disks[i].name, NULL);
	}
	for (size_t i = 0; i < d->def->ndisks; i++) {
		vsnap_domain_disk_def *k = d->def->disks[i];
		const vsnap_snapshot_disk_def *e = find_entry(def, k);
		int loc = e && e->location ? e->location : k->snapshot;

		plan[i].disk = k;
		if (k->transient && (loc == VSNAP_SNAPSHOT_LOCATION_INTERNAL ||
		    loc == VSNAP_SNAPSHOT_LOCATION_EXTERNAL) && e)
			return refuse(VSNAP_EINVALID, "disk '%s' is transient and cannot take part in "
				"a snapshot%s", k->target_dev, NULL);
		if (!vsnap__qemu_disk_snapshottable(k))
			loc = VSNAP_SNAPSHOT_LOCATION_NO;
		else if (loc == VSNAP_SNAPSHOT_LOCATION_DEFAULT)
			loc = disk_only ? VSNAP_SNAPSHOT_LOCATION_EXTERNAL :
				VSNAP_SNAPSHOT_LOCATION_INTERNAL;
		if (loc == VSNAP_SNAPSHOT_LOCATION_MANUAL)
			return refuse(VSNAP_EUNSUPPORTED, "disk '%s': snapshot='manual' is not "
				"supported by the QEMU driver%s", k->target_dev, NULL);
		plan[i].location = loc;
		if (loc == VSNAP_SNAPSHOT_LOCATION_NO)
			continue;
		if ((rc = vsnap__qemu_disk_format(&plan[i].format, d, k)) < 0)
			return rc;
		if (loc == VSNAP_SNAPSHOT_LOCATION_INTERNAL && strcmp(plan[i].format, "qcow2"))
			return refuse(VSNAP_EUNSUPPORTED, "disk '%s' is %s: internal snapshots need "
				"qcow2 (a disk-only, external snapshot works)", k->target_dev,
				plan[i].format);
		if (loc != VSNAP_SNAPSHOT_LOCATION_EXTERNAL)
			continue;
		if (e && e->driver_type && strcmp(e->driver_type, "qcow2"))
			return refuse(VSNAP_EUNSUPPORTED, "disk '%s': external overlays are qcow2, "
				"not '%s'", k->target_dev, e->driver_type);
		if (e && e->source_file) {
			if (e->source_file[0] != '/')
				return refuse(VSNAP_EINVALID, "disk '%s': overlay path '%s' is not "
					"absolute", k->target_dev, e->source_file);
			if (!(plan[i].file = strdup(e->source_file)))
				return vsnap__error_oom();
		} else if ((rc = vsnap__qemu_free_name(&plan[i].file, k->src_file, def->name)) < 0) {
			return rc;
		}
		struct stat st;
		int exists = stat(plan[i].file, &st) == 0;
		if ((flags & VSNAP_SNAPSHOT_CREATE_REUSE_EXT) && !exists)
			return refuse(VSNAP_ENOTFOUND, "disk '%s': overlay '%s' to reuse does not "
				"exist", k->target_dev, plan[i].file);
		if (!(flags & VSNAP_SNAPSHOT_CREATE_REUSE_EXT) && exists)
			return refuse(VSNAP_EEXISTS, "disk '%s': overlay '%s' exists already (reuse "
				"it with --reuse-external)", k->target_dev, plan[i].file);
	}
	return 0;
}

/* Internal and external disks in one snapshot, or a checkpoint over external disks: no. */
static int check_plan(const vsnap_qemu_plan_disk *plan, size_t n, int memory, int running)
{
	int nint = 0, next = 0;

	for (size_t i = 0; i < n; i++) {
		nint += plan[i].location == VSNAP_SNAPSHOT_LOCATION_INTERNAL;
		next += plan[i].location == VSNAP_SNAPSHOT_LOCATION_EXTERNAL;
	}
	if (nint && next)
		return refuse(VSNAP_EUNSUPPORTED, "mixing internal and external disks in one "
			"snapshot is not supported%s%s", "", NULL);
	if (memory == VSNAP_SNAPSHOT_LOCATION_INTERNAL && next)
		return refuse(VSNAP_EUNSUPPORTED, "an internal checkpoint needs internal disk "
			"snapshots; use <memory snapshot='external'> with external disks%s%s", "", NULL);
	if (memory == VSNAP_SNAPSHOT_LOCATION_EXTERNAL && nint)
		return refuse(VSNAP_EUNSUPPORTED, "external memory state needs external disk "
			"snapshots%s%s", "", NULL);
	if (running && memory == VSNAP_SNAPSHOT_LOCATION_NO && nint)
		return refuse(VSNAP_EUNSUPPORTED, "QEMU cannot take an internal disk-only snapshot "
			"of a running domain; take a checkpoint or an external snapshot%s%s", "", NULL);
	if (!nint && !next && memory != VSNAP_SNAPSHOT_LOCATION_INTERNAL)
		return refuse(VSNAP_EINVALID, "no disk takes part in the snapshot%s%s", "", NULL);
	if (!nint && memory == VSNAP_SNAPSHOT_LOCATION_INTERNAL)
		return refuse(VSNAP_EUNSUPPORTED, "a checkpoint needs at least one qcow2 disk to "
			"hold the memory state%s%s", "", NULL);
	return 0;
}

/*
 * libvirt's rule for checkpoints: memory state goes with every disk the guest can write.
 * Reverting would pair the saved memory (its caches, its file systems' state) with the
 * later contents of a disk left out, which corrupts that disk's file systems.
 */
static int check_memory_covers_disks(const vsnap_qemu_plan_disk *plan, size_t n, int memory)
{
	if (memory != VSNAP_SNAPSHOT_LOCATION_INTERNAL && memory != VSNAP_SNAPSHOT_LOCATION_EXTERNAL)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (plan[i].location == VSNAP_SNAPSHOT_LOCATION_NO &&
		    vsnap__qemu_disk_snapshottable(plan[i].disk))
			return refuse(VSNAP_EINVALID, "disk '%s' is left out (snapshot='no') of a "
				"snapshot that saves memory state: reverting would pair that memory with "
				"the disk's later contents; include the disk or take a disk-only snapshot "
				"(--disk-only)%s", plan[i].disk->target_dev, NULL);
	return 0;
}

static int plan_has_external(const vsnap_qemu_plan_disk *plan, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (plan[i].location == VSNAP_SNAPSHOT_LOCATION_EXTERNAL)
			return 1;
	return 0;
}

static int fill_disks(vsnap_snapshot_def *snap, const vsnap_qemu_plan_disk *plan, size_t n)
{
	if (!(snap->disks = calloc(n ? n : 1, sizeof(*snap->disks))))
		return vsnap__error_oom();
	snap->ndisks = n;
	for (size_t i = 0; i < n; i++) {
		vsnap_snapshot_disk_def *e = &snap->disks[i];
		e->location = plan[i].location;
		if (!(e->name = strdup(plan[i].disk->target_dev)))
			return vsnap__error_oom();
		if (plan[i].location == VSNAP_SNAPSHOT_LOCATION_EXTERNAL &&
		    (!(e->source_file = strdup(plan[i].file)) || !(e->driver_type = strdup("qcow2"))))
			return vsnap__error_oom();
	}
	return 0;
}

static int redefine(vsnap_qemu_dom *d, const vsnap_forest_data *f,
	const vsnap_snapshot_def *def, unsigned int flags)
{
	vsnap_snapshot_def *copy = NULL;
	int current = (flags & VSNAP_SNAPSHOT_CREATE_CURRENT) || def->is_current;
	int rc;

	if (def->state == VSNAP_SNAPSHOT_NOSTATE)
		return refuse(VSNAP_EINVALID, "redefined snapshot '%s' has no <state>%s",
			def->name, NULL);
	if (def->parent && !strcmp(def->parent, def->name))
		return refuse(VSNAP_EINVALID, "snapshot '%s' cannot be its own parent%s",
			def->name, NULL);
	/* Nor its own ancestor: deletes walk the tree by parent links. The walk is bounded by
	 * the number of snapshots, in case the store has a cycle already. */
	const char *up = def->parent;
	for (size_t steps = 0; up && steps <= f->count; steps++) {
		const vsnap_snapshot_def *p = vsnap__qemu_meta_find(f, up);
		if (!p)
			break;
		if (p->parent && !strcmp(p->parent, def->name))
			return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_SNAPSHOT,
				"parent '%s' of snapshot '%s' would create a cycle: it descends from "
				"'%s'", def->parent, def->name, def->name);
		up = p->parent;
	}
	if ((rc = vsnap__snapshot_def_copy(&copy, def)) < 0)
		return rc;
	if (!copy->domain_xml && (rc = vsnap__domain_def_format(&copy->domain_xml, d->def, 0, 0)) < 0)
		goto cleanup;
	if ((rc = vsnap__qemu_meta_save(d, copy, current)) < 0)
		goto cleanup;
	if (current)
		rc = vsnap__qemu_meta_set_current(d, f, NULL);
	if (rc == 0 && current)
		rc = vsnap__qemu_meta_save(d, copy, 1);
cleanup:
	vsnap__snapshot_def_free(copy);
	return rc;
}

/* Internal snapshots write into the domain's images: they must be its own. */
static int check_owners(vsnap_qemu_dom *d, const vsnap_qemu_plan_disk *plan, size_t n,
	const char *name)
{
	char *what = NULL;
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (plan[i].location != VSNAP_SNAPSHOT_LOCATION_INTERNAL)
			continue;
		if (!what && asprintf(&what, "creating snapshot '%s'", name) < 0)
			return vsnap__error_oom();
		rc = vsnap__qemu_owner_check(d, plan[i].disk->src_file, what);
	}
	free(what);
	return rc;
}

/* The record of this create: what a killed create leaves to undo or to finish. */
static int create_intent(vsnap_qemu_intent *in, vsnap_qemu_dom *d,
	const vsnap_snapshot_def *snap, const vsnap_qemu_plan_disk *plan, size_t n, int state,
	unsigned int flags)
{
	int rc = 0;

	in->op = QEMU_INTENT_CREATE;
	/* Only an external checkpoint stops the vCPUs itself (snapshot-save resumes them). */
	in->was_running = snap->memory == VSNAP_SNAPSHOT_LOCATION_EXTERNAL &&
		state == VSNAP_DOMAIN_RUNNING && !(flags & VSNAP_SNAPSHOT_CREATE_HALT);
	if (!(in->snapshot = strdup(snap->name)) ||
	    (snap->memory_file && !(in->memory_file = strdup(snap->memory_file))))
		return vsnap__error_oom();
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (plan[i].location == VSNAP_SNAPSHOT_LOCATION_INTERNAL)
			rc = vsnap__qemu_intent_add(in, QEMU_STEP_TAG, plan[i].disk->target_dev,
				plan[i].disk->src_file, NULL, NULL, snap->name);
		else if (plan[i].location == VSNAP_SNAPSHOT_LOCATION_EXTERNAL)
			rc = vsnap__qemu_intent_add(in, QEMU_STEP_NEW_OVERLAY, plan[i].disk->target_dev,
				plan[i].file, plan[i].disk->src_file, plan[i].format, NULL);
	}
	if (rc == 0 && !(flags & VSNAP_SNAPSHOT_CREATE_NO_METADATA))
		rc = vsnap__snapshot_def_format(&in->snapshot_xml, snap, 0, 1);
	if (rc == 0)
		rc = vsnap__domain_def_format(&in->domain_xml, d->def, 0, 0);
	return rc;
}

int vsnap__qemu_snapshot_create(char **name_out, vsnap_domain *dom,
	const vsnap_snapshot_def *def, unsigned int flags)
{
	vsnap_qemu_dom d;
	vsnap_forest_data f;
	vsnap_snapshot_def *snap = NULL;
	vsnap_qemu_plan_disk *plan = NULL;
	vsnap_qemu_intent in;
	size_t n = 0;
	int rc, state = VSNAP_DOMAIN_SHUTOFF, memory, logged = 0;

	memset(&f, 0, sizeof(f));
	memset(&in, 0, sizeof(in));
	if ((rc = vsnap__store_check_name("snapshot", def->name)) < 0)
		return rc;
	if ((rc = vsnap__qemu_dom_open(&d, dom->conn, dom->info.name, 1)) < 0)
		return rc;
	if ((rc = vsnap__qemu_meta_load(&f, &d)) < 0)
		goto cleanup;
	if (flags & VSNAP_SNAPSHOT_CREATE_REDEFINE) {
		rc = redefine(&d, &f, def, flags);
		goto cleanup;
	}
	if (vsnap__qemu_meta_find(&f, def->name)) {
		rc = refuse(VSNAP_EEXISTS, "snapshot '%s' exists already%s", def->name, NULL);
		goto cleanup;
	}
	if (flags & VSNAP_SNAPSHOT_CREATE_QUIESCE) {
		rc = refuse(VSNAP_EUNSUPPORTED, "domain '%s' has no guest agent channel: cannot "
			"quiesce file systems%s", d.name, NULL);
		goto cleanup;
	}
	if (flags & VSNAP_SNAPSHOT_CREATE_LIVE) {
		rc = refuse(VSNAP_EUNSUPPORTED, "domain '%s': live checkpoints are not supported: "
			"the guest is paused while its memory is saved%s", d.name, NULL);
		goto cleanup;
	}
	if ((rc = vsnap__qemu_dom_state(&state, &d)) < 0)
		goto cleanup;
	memory = def->memory;
	if (flags & VSNAP_SNAPSHOT_CREATE_DISK_ONLY)
		memory = VSNAP_SNAPSHOT_LOCATION_NO;
	if (memory == VSNAP_SNAPSHOT_LOCATION_DEFAULT)
		memory = d.pid ? VSNAP_SNAPSHOT_LOCATION_INTERNAL : VSNAP_SNAPSHOT_LOCATION_NO;
	if (!d.pid && memory != VSNAP_SNAPSHOT_LOCATION_NO) {
		rc = refuse(VSNAP_EOPERATION, "domain '%s' is not running: there is no memory "
			"state to save%s", d.name, NULL);
		goto cleanup;
	}
	if (memory == VSNAP_SNAPSHOT_LOCATION_MANUAL) {
		rc = refuse(VSNAP_EUNSUPPORTED, "memory snapshot='manual' is not supported%s%s",
			"", NULL);
		goto cleanup;
	}
	n = d.def->ndisks;
	if (!(plan = calloc(n ? n : 1, sizeof(*plan)))) {
		rc = vsnap__error_oom();
		goto cleanup;
	}
	if ((rc = plan_disks(plan, &d, def, memory, flags)) < 0 ||
	    (rc = check_plan(plan, n, memory, d.pid != 0)) < 0 ||
	    (rc = check_memory_covers_disks(plan, n, memory)) < 0)
		goto cleanup;

	if (!(snap = vsnap__snapshot_def_new()) || !(snap->name = strdup(def->name)) ||
	    (def->description && !(snap->description = strdup(def->description))) ||
	    (f.current_id && !(snap->parent = strdup(f.current_id)))) {
		rc = vsnap__error_oom();
		goto cleanup;
	}
	snap->creation_time = def->creation_time ? def->creation_time : (long long)time(NULL);
	snap->memory = memory;
	snap->quiesced = -1;
	snap->state = !d.pid ? VSNAP_SNAPSHOT_SHUTOFF :
		memory == VSNAP_SNAPSHOT_LOCATION_NO ? VSNAP_SNAPSHOT_DISK_SNAPSHOT :
		state == VSNAP_DOMAIN_PAUSED ? VSNAP_SNAPSHOT_PAUSED : VSNAP_SNAPSHOT_RUNNING;
	if (memory == VSNAP_SNAPSHOT_LOCATION_EXTERNAL) {
		char *base = vsnap__store_path(d.store, "/snapshots/", d.name, "/");
		if (def->memory_file)
			snap->memory_file = strdup(def->memory_file);
		else if (base && asprintf(&snap->memory_file, "%s%s.mem", base, def->name) < 0)
			snap->memory_file = NULL;
		free(base);
		if (!snap->memory_file) {
			rc = vsnap__error_oom();
			goto cleanup;
		}
		/* QEMU writes it with `cat > file` and it is recorded as a file vsnap made (so it
		 * goes with the snapshot): never take over a file that exists. The daemonized QEMU
		 * runs in '/', so the path must be absolute too. */
		struct stat st;
		if (snap->memory_file[0] != '/') {
			rc = refuse(VSNAP_EINVALID, "memory state file '%s' is not an absolute path%s",
				snap->memory_file, NULL);
			goto cleanup;
		}
		if (lstat(snap->memory_file, &st) == 0) {
			rc = refuse(VSNAP_EEXISTS, "memory state file '%s' exists already%s",
				snap->memory_file, NULL);
			goto cleanup;
		}
	}
	if ((rc = fill_disks(snap, plan, n)) < 0 ||
	    (rc = vsnap__domain_def_format(&snap->domain_xml, d.def, 0, 0)) < 0)
		goto cleanup;

	if ((rc = check_owners(&d, plan, n, snap->name)) < 0 ||
	    (rc = create_intent(&in, &d, snap, plan, n, state, flags)) < 0 ||
	    (rc = vsnap__qemu_intent_write(&d, &in)) < 0)
		goto cleanup;
	logged = 1;
	if (memory == VSNAP_SNAPSHOT_LOCATION_EXTERNAL || plan_has_external(plan, n))
		rc = vsnap__qemu_create_external(&d, snap, plan, n, d.pid != 0, flags);
	else
		rc = vsnap__qemu_create_internal(&d, snap, plan, n, d.pid != 0, flags);
	if (rc < 0)
		goto cleanup;
	vsnap__crash_point("create-before-metadata");
	if (!(flags & VSNAP_SNAPSHOT_CREATE_NO_METADATA)) {
		vsnap__qemu_screenshot_keep(&d, snap->name, flags);
		/* New current first: after a crash here the newest <active> wins on load. */
		if ((rc = vsnap__qemu_meta_save(&d, snap, 1)) < 0)
			goto cleanup;
		vsnap__crash_point("create-before-current");
		if ((rc = vsnap__qemu_meta_set_current(&d, &f, NULL)) < 0)
			goto cleanup;
	}
	if ((rc = vsnap__qemu_intent_done(&d)) < 0)
		goto cleanup;
	logged = 0;
	if ((flags & VSNAP_SNAPSHOT_CREATE_HALT) && d.pid)
		rc = vsnap__qemu_dom_kill(&d);
	if (rc == 0 && name_out && !(*name_out = strdup(snap->name)))
		rc = vsnap__error_oom();
cleanup:
	if (rc < 0 && logged)
		rc = vsnap__qemu_intent_abort(&d, rc);
	vsnap__qemu_intent_clear(&in);
	for (size_t i = 0; plan && i < n; i++) {
		free(plan[i].file);
		free(plan[i].format);
	}
	free(plan);
	vsnap__snapshot_def_free(snap);
	vsnap__forest_data_clear(&f);
	vsnap__qemu_dom_close(&d);
	return rc;
}

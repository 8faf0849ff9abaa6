/*
 * snapshot_move.c: vsnap_snapshot_move (include/vsnap/snapshot_move.h), built from public
 * operations (forest, get_xml, create --redefine, delete --metadata) and one driver
 * primitive, snapshot_check_data, on the destination.
 *
 * Why the order is safe: steps 1-3 only add metadata on the destination and never change
 * the source, so the source keeps the truth until the destination provably has all of it.
 * Step 4 first removes the source's current mark (a redefine without CURRENT): deleting the
 * current snapshot would otherwise make its parent current, and a re-run after an
 * interruption there would move the destination's current snapshot to that parent.
 * VSNAP_TEST_CRASH_AT=move-redefined|move-uncurrent|move-deleted (tests only) ends the
 * process there as a SIGKILL would, after the first redefine / the current mark's removal /
 * the first metadata delete.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/error.h"
#include "core/forest.h"

#define MOVE_FLAGS (VSNAP_SNAPSHOT_MOVE_DEFINE | VSNAP_SNAPSHOT_MOVE_COPY)

typedef struct {
	vsnap_domain *src, *dst;
	const char *dst_uri;
	vsnap_forest *from;          /* the source's forest, read once */
	vsnap_snapshot **order;      /* parents first */
	size_t n;
	char **xml;                  /* order[i] as XML */
	char *have;                  /* 1: the destination has order[i] already, identical */
} move;

static void crash_point(const char *step)
{
	const char *at = getenv("VSNAP_TEST_CRASH_AT");

	if (at && !strcmp(at, step))
		_exit(86);
}

static const char *src_name(const move *m)
{
	return m->src->info.name ? m->src->info.name : "?";
}

/* The destination's domain of the same name and UUID; defined from the source's on request. */
static int open_destination(move *m, vsnap_conn *dst, unsigned int flags)
{
	char *xml = NULL;
	int rc = vsnap_domain_lookup(&m->dst, dst, src_name(m));

	if (rc == VSNAP_ENOTFOUND && (flags & VSNAP_SNAPSHOT_MOVE_DEFINE)) {
		vsnap_error_clear();
		if ((rc = vsnap_domain_get_xml(&xml, m->src, 0)) == 0)
			rc = vsnap_domain_define(&m->dst, dst, xml, 0);
		free(xml);
		if (rc < 0)
			return vsnap__error_prefix("defining domain '%s' on '%s'", src_name(m),
				m->dst_uri);
	} else if (rc == VSNAP_ENOTFOUND) {
		return vsnap__error_prefix("domain '%s' is not defined on '%s' (define it there "
			"first, or ask for it: --define)", src_name(m), m->dst_uri);
	} else if (rc < 0) {
		return rc;
	}
	const char *a = m->src->info.uuid, *b = m->dst->info.uuid;
	if (a && b && strcasecmp(a, b))
		return vsnap__error_set(VSNAP_EEXISTS, VSNAP_ERRCLASS_SNAPSHOT,
			"domain '%s' on '%s' has UUID %s, the source's has %s: not the same domain",
			src_name(m), m->dst_uri, b, a);
	return 0;
}

/* Step 1: what the destination has already, and whether it sees every snapshot's data. */
static int check_destination(move *m)
{
	const vsnap_driver *drv = m->dst->conn->driver;
	vsnap_forest *there = NULL;
	int rc;

	if ((rc = vsnap_forest_get(&there, m->dst)) < 0)
		return rc;
	for (size_t i = 0; rc == 0 && i < m->n; i++) {
		const char *name = vsnap_snapshot_name(m->order[i]);
		vsnap_snapshot *same = NULL;
		char *xml = NULL;

		if ((rc = vsnap_snapshot_get_xml(&m->xml[i], m->order[i], 0)) < 0)
			break;
		if (vsnap_forest_lookup(&same, there, name) == 0) {
			if ((rc = vsnap_snapshot_get_xml(&xml, same, 0)) == 0 && strcmp(xml, m->xml[i]))
				rc = vsnap__error_set(VSNAP_EEXISTS, VSNAP_ERRCLASS_SNAPSHOT,
					"snapshot '%s' exists on '%s' with other metadata: delete it there "
					"(snapshot-delete --metadata) and run again", name, m->dst_uri);
			free(xml);
			m->have[i] = rc == 0;
		} else {
			vsnap_error_clear();   /* not there yet: the usual case */
		}
		if (rc == 0 && (rc = drv->snapshot_check_data(m->dst, m->order[i]->def)) < 0)
			vsnap__error_prefix("snapshot '%s': its data is not usable from '%s' (nothing "
				"was changed)", name, m->dst_uri);
	}
	vsnap_forest_free(there);
	return rc;
}

/* Step 2: redefine what is missing, parents first; then the current mark. */
static int redefine(move *m, size_t *redefined)
{
	vsnap_snapshot *cur = vsnap_forest_current(m->from);
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < m->n; i++) {
		if (m->have[i])
			continue;
		if ((rc = vsnap_snapshot_create_xml(NULL, m->dst, m->xml[i],
				VSNAP_SNAPSHOT_CREATE_REDEFINE)) < 0)
			return vsnap__error_prefix("on '%s' (the source is unchanged)", m->dst_uri);
		(*redefined)++;
		crash_point("move-redefined");
	}
	for (size_t i = 0; cur && i < m->n; i++)
		if (m->order[i] == cur && (rc = vsnap_snapshot_create_xml(NULL, m->dst, m->xml[i],
				VSNAP_SNAPSHOT_CREATE_REDEFINE | VSNAP_SNAPSHOT_CREATE_CURRENT)) < 0)
			return vsnap__error_prefix("on '%s' (the source is unchanged)", m->dst_uri);
	return rc;
}

/* Step 3: the destination, read back, has every snapshot as the source has it. */
static int verify(move *m)
{
	vsnap_forest *there = NULL;
	vsnap_snapshot *cur = vsnap_forest_current(m->from), *s = NULL;
	int rc;

	if ((rc = vsnap_forest_get(&there, m->dst)) < 0)
		return rc;
	for (size_t i = 0; rc == 0 && i < m->n; i++) {
		const char *name = vsnap_snapshot_name(m->order[i]);
		char *xml = NULL;

		if ((rc = vsnap_forest_lookup(&s, there, name)) == 0 &&
		    (rc = vsnap_snapshot_get_xml(&xml, s, 0)) == 0 && strcmp(xml, m->xml[i]))
			rc = vsnap__error_set(VSNAP_ERROR, VSNAP_ERRCLASS_SNAPSHOT,
				"snapshot '%s' reads back differently on '%s'", name, m->dst_uri);
		free(xml);
	}
	if (rc == 0 && cur && (!(s = vsnap_forest_current(there)) ||
	    strcmp(vsnap_snapshot_name(s), vsnap_snapshot_name(cur))))
		rc = vsnap__error_set(VSNAP_ERROR, VSNAP_ERRCLASS_SNAPSHOT,
			"snapshot '%s' is not current on '%s' after the move",
			vsnap_snapshot_name(cur), m->dst_uri);
	vsnap_forest_free(there);
	if (rc < 0)
		return vsnap__error_prefix("checking '%s' after redefining (the source is "
			"unchanged)", m->dst_uri);
	return 0;
}

/* Between 3 and 4: the files the driver made for the snapshots go with them. */
static int hand_over(move *m)
{
	const vsnap_driver *drv = m->dst->conn->driver;
	int rc;

	if (drv != m->src->conn->driver || !drv->snapshot_files_handover)
		return 0;
	if ((rc = drv->snapshot_files_handover(m->src, m->dst)) < 0)
		return vsnap__error_prefix("handing the snapshots' files over to '%s' (the source "
			"still has its metadata)", m->dst_uri);
	return 0;
}

/* Step 4: metadata only, on the source: the current mark, then leaves first. */
static int drop_source(move *m)
{
	vsnap_snapshot *cur = vsnap_forest_current(m->from);
	int rc = 0;

	for (size_t i = 0; cur && i < m->n; i++)
		if (m->order[i] == cur)
			rc = vsnap_snapshot_create_xml(NULL, m->src, m->xml[i],
				VSNAP_SNAPSHOT_CREATE_REDEFINE);
	if (rc == 0 && cur)
		crash_point("move-uncurrent");
	for (size_t i = m->n; rc == 0 && i-- > 0;) {
		rc = vsnap_snapshot_delete(m->src, vsnap_snapshot_name(m->order[i]),
			VSNAP_SNAPSHOT_DELETE_METADATA_ONLY);
		if (rc == 0)
			crash_point("move-deleted");
	}
	if (rc < 0)
		return vsnap__error_prefix("every snapshot is on '%s'; removing the source's "
			"metadata stopped (run the same move again to finish)", m->dst_uri);
	return 0;
}

static int check_args(vsnap_domain *src, vsnap_conn *dst, unsigned int flags)
{
	if (!src || !src->conn || !dst)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"moving snapshots: no source domain or destination connection given");
	if (flags & ~MOVE_FLAGS)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"unknown snapshot move flags 0x%x", flags & ~MOVE_FLAGS);
	if (src->conn == dst || (src->conn->uri && dst->uri && !strcmp(src->conn->uri, dst->uri)))
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"the source and the destination are the same connection");
	/* Only a driver that can check data knows metadata apart from it (ESX does not). */
	if (!dst->driver->snapshot_check_data || !src->conn->driver->snapshot_check_data)
		return vsnap__error_set(VSNAP_EUNSUPPORTED, VSNAP_ERRCLASS_SNAPSHOT,
			"%s keeps snapshot metadata and data together: its snapshots cannot move "
			"between connections", !dst->driver->snapshot_check_data ? dst->driver->name :
			src->conn->driver->name);
	return 0;
}

int vsnap_snapshot_move(size_t *redefined, size_t *present, vsnap_domain *src,
	vsnap_conn *dst, unsigned int flags)
{
	move m;
	size_t nredef = 0;
	int rc;

	if (redefined)
		*redefined = 0;
	if (present)
		*present = 0;
	if ((rc = check_args(src, dst, flags)) < 0)
		return rc;
	memset(&m, 0, sizeof(m));
	m.src = src;
	m.dst_uri = dst->uri ? dst->uri : "?";
	if ((rc = vsnap_forest_get(&m.from, src)) < 0 ||
	    (rc = vsnap_forest_list(&m.order, &m.n, m.from, NULL, VSNAP_LIST_TOPOLOGICAL)) < 0)
		goto cleanup;
	if ((rc = open_destination(&m, dst, flags)) < 0)
		goto cleanup;
	if (!(m.xml = calloc(m.n + 1, sizeof(*m.xml))) || !(m.have = calloc(m.n + 1, 1))) {
		rc = vsnap__error_oom();
		goto cleanup;
	}
	if ((rc = check_destination(&m)) < 0 || (rc = redefine(&m, &nredef)) < 0 ||
	    (rc = verify(&m)) < 0)
		goto cleanup;
	if (!(flags & VSNAP_SNAPSHOT_MOVE_COPY))
		rc = hand_over(&m);
	if (rc == 0 && !(flags & VSNAP_SNAPSHOT_MOVE_COPY))
		rc = drop_source(&m);
	if (redefined)
		*redefined = nredef;
	if (present)
		for (size_t i = 0; i < m.n; i++)
			*present += (size_t)m.have[i];
cleanup:
	for (size_t i = 0; m.xml && i < m.n; i++)
		free(m.xml[i]);
	free(m.xml);
	free(m.have);
	vsnap_snapshot_list_free(m.order);
	vsnap_forest_free(m.from);
	vsnap_domain_free(m.dst);
	if (rc < 0)
		return vsnap__error_prefix("moving the snapshots of domain '%s' to '%s'",
			src_name(&m), m.dst_uri);
	return 0;
}

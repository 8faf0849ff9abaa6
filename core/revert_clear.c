/*
 * revert_clear.c: revert with VSNAP_SNAPSHOT_REVERT_DELETE_CHILDREN and/or _DISCARD (seed
 * 001), composed of the driver's own revert and delete, reported as one operation.
 *
 * Order: a driver with revert_before_prune (ESX) reverts first, then removes each child
 * subtree (one RemoveSnapshot_Task each; with DISCARD one removal of the snapshot and its
 * subtree); the others (QEMU) delete the children first, so that the revert finds no image
 * built on the snapshot's and works in place, then revert, then (DISCARD) delete the
 * snapshot. What a crash or a failure leaves is always a prefix of these steps, each one a
 * complete driver operation (crash-safe on its own), and running the same command again
 * finishes the rest: children already gone are not looked for, a revert already done is done
 * again (it only returns to the same state), the DISCARD delete runs last.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/forest.h"
#include "core/revert_clear.h"
#include "core/strbuf.h"

typedef struct {
	vsnap_domain *dom;
	const vsnap_forest *forest;
	vsnap__strbuf done;   /* "deleted child 'a', reverted" for the error message */
} composite;

static const char *dom_name(const vsnap_domain *dom)
{
	return dom->info.name ? dom->info.name : dom->info.id ? dom->info.id : "?";
}

/* The failure of one step (`step` says what it did), after what the steps before it did. */
static int step_failed(composite *c, const char *step)
{
	if (c->done.len && vsnap__strbuf_check(&c->done) == 0)
		return vsnap__error_prefix("%s done; %s failed (run the same command again to "
			"finish)", vsnap__strbuf_cstr(&c->done), step);
	return vsnap__error_prefix("%s failed", step);
}

static void step_done(composite *c, const char *step)
{
	if (c->done.len)
		vsnap__strbuf_append(&c->done, ", ");
	vsnap__strbuf_append(&c->done, step);
	vsnap__progress_next(c->dom->conn);
}

static int revert(composite *c, const vsnap_snapshot *snap, unsigned int flags)
{
	int rc = c->dom->conn->driver->snapshot_revert(c->dom, snap->def, &c->forest->data, flags);
	char step[300];

	snprintf(step, sizeof(step), "reverting to '%s'", snap->def->name);
	if (rc < 0)
		return step_failed(c, step);
	snprintf(step, sizeof(step), "reverted to '%s'", snap->def->name);
	step_done(c, step);
	return 0;
}

static int delete(composite *c, const vsnap_snapshot *snap, unsigned int flags)
{
	int rc = c->dom->conn->driver->snapshot_delete(c->dom, snap->def, &c->forest->data, flags);
	const char *tail = (flags & VSNAP_SNAPSHOT_DELETE_CHILDREN) && snap->nchildren ?
		" and its children" : "";
	char step[300];

	snprintf(step, sizeof(step), "%s '%s'%s", rc < 0 ? "deleting" : "deleted",
		snap->def->name, tail);
	if (rc < 0)
		return step_failed(c, step);
	step_done(c, step);
	return 0;
}

static int delete_children(composite *c, const vsnap_snapshot *snap)
{
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < snap->nchildren; i++)
		rc = delete(c, snap->children[i], VSNAP_SNAPSHOT_DELETE_CHILDREN);
	return rc;
}

/*
 * Deleting first must not end in a refused revert: the refusal both drivers make (a running
 * guest reverted to a snapshot without memory loses its state) is checked before.
 */
static int check_force(vsnap_domain *dom, const vsnap_snapshot *snap, unsigned int flags)
{
	vsnap_domain_info info;
	int rc, active;

	if ((flags & VSNAP_SNAPSHOT_REVERT_FORCE) || vsnap_snapshot_has_memory(snap) ||
	    !dom->conn->driver->domain_get_info)
		return 0;
	memset(&info, 0, sizeof(info));
	if ((rc = dom->conn->driver->domain_get_info(&info, dom)) < 0)
		return rc;
	active = info.state == VSNAP_DOMAIN_RUNNING || info.state == VSNAP_DOMAIN_PAUSED;
	vsnap_domain_info_clear(&info);
	if (active)
		return vsnap__error_set(VSNAP_EOPERATION, VSNAP_ERRCLASS_SNAPSHOT,
			"domain '%s' is running and snapshot '%s' has no memory state: reverting "
			"stops the running guest; use --force (nothing was deleted)", dom_name(dom),
			snap->def->name);
	return 0;
}

static char *describe(const vsnap_snapshot *snap, int prune, int discard)
{
	char *s = NULL;

	if (asprintf(&s, "reverting to snapshot '%s'%s%s", snap->def->name,
			prune ? " and deleting its children" : "",
			discard ? (prune ? " and the snapshot" : " and deleting the snapshot") : "") < 0)
		return NULL;
	return s;
}

int vsnap__snapshot_revert_clear(vsnap_domain *dom, const char *key, unsigned int flags)
{
	const vsnap_driver *drv = dom->conn->driver;
	const unsigned int revert_flags = flags & (VSNAP_SNAPSHOT_REVERT_RUNNING |
		VSNAP_SNAPSHOT_REVERT_PAUSED | VSNAP_SNAPSHOT_REVERT_FORCE);
	const int prune = (flags & VSNAP_SNAPSHOT_REVERT_DELETE_CHILDREN) != 0;
	const int discard = (flags & VSNAP_SNAPSHOT_REVERT_DISCARD) != 0;
	composite c = { dom, NULL, VSNAP__STRBUF_INIT };
	vsnap_forest *forest = NULL;
	vsnap_snapshot *snap = NULL;
	char *what = NULL;
	int rc;

	if (!drv->snapshot_delete)
		return vsnap__error_set(VSNAP_EUNSUPPORTED, VSNAP_ERRCLASS_SNAPSHOT,
			"%s cannot delete snapshots, so it cannot revert with --delete-children or "
			"--discard", drv->name);
	if ((rc = vsnap_forest_get(&forest, dom)) < 0)
		return rc;
	if ((rc = vsnap_forest_lookup(&snap, forest, key)) < 0)
		goto cleanup;
	c.forest = forest;
	if (!(what = describe(snap, prune, discard))) {
		rc = vsnap__error_oom();
		goto cleanup;
	}
	if (drv->revert_before_prune) {
		vsnap__progress_begin(dom->conn, what, 1u + (discard ? 1u :
			prune ? (unsigned int)snap->nchildren : 0u));
		rc = revert(&c, snap, revert_flags);
		if (rc == 0 && discard)
			rc = delete(&c, snap, prune ? VSNAP_SNAPSHOT_DELETE_CHILDREN : 0);
		else if (rc == 0 && prune)
			rc = delete_children(&c, snap);
	} else {
		vsnap__progress_begin(dom->conn, what, 1u + (unsigned int)discard +
			(prune ? (unsigned int)snap->nchildren : 0u));
		rc = check_force(dom, snap, flags);
		if (rc == 0 && prune)
			rc = delete_children(&c, snap);
		if (rc == 0)
			rc = revert(&c, snap, revert_flags);
		if (rc == 0 && discard)
			rc = delete(&c, snap, 0);
	}
	vsnap__progress_end(dom->conn);
cleanup:
	free(what);
	vsnap__strbuf_clear(&c.done);
	vsnap_forest_free(forest);
	return rc;
}

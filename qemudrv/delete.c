/*
 * delete.c: deleting snapshots anywhere in the tree. Children move to the deleted snapshot's
 * parent. Internal: the tag goes from every image holding it (branch copies included).
 * External: the data merges where that shortens a chain without losing anything (merge.c);
 * otherwise the snapshot's image stays as a plain backing file, and images nothing needs any
 * more are removed. So no remaining snapshot or the domain loses data.
 * Order of steps: data first (images stay valid at each step), then references, then
 * metadata; a crash at any point leaves a store that loads and matches the images.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemudrv/qemu_priv.h"
#include "core/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Removes tag `s->name` from every image holding it; online through QMP for open images.
 * `check_only`: changes nothing, only refuses what cannot be done (a tag in a read-only
 * backing image of the running domain), so the refusal comes before the metadata goes. */
static int drop_tags(vsnap_qemu_dom *d, const vsnap_forest_data *f, const vsnap_snapshot_def *s,
	int check_only)
{
	vsnap_qemu_files files;
	vsnap_qemu_plan_disk *plan = NULL;
	char **nodes = NULL, *args = NULL;
	int rc, online = 0;

	if ((rc = vsnap__qemu_files_scan(&files, d, f)) < 0)
		return rc;
	if (!(plan = calloc(d->def->ndisks + 1, sizeof(*plan)))) {
		rc = vsnap__error_oom();
		goto cleanup;
	}
	for (size_t i = 0; rc == 0 && i < files.n; i++) {
		int has = 0, top = 0, disk;
		for (size_t t = 0; t < files.v[i].ntags; t++)
			has |= !strcmp(files.v[i].tags[t], s->name);
		if (!has)
			continue;
		if ((disk = vsnap__qemu_running_disk(d, &files, files.v[i].path, &top)) < 0) {
			if (!check_only)
				rc = vsnap__img_snapshot_delete(files.v[i].path, s->name);
			vsnap__qemu_probe_forget(d, files.v[i].path);
		} else if (top) {
			plan[disk].disk = d->def->disks[disk];
			plan[disk].location = VSNAP_SNAPSHOT_LOCATION_INTERNAL;
			online = 1;
		} else {
			rc = vsnap__error_set(VSNAP_EOPERATION, VSNAP_ERRCLASS_SNAPSHOT,
				"internal snapshot '%s' lives in '%s', a read-only backing image of the "
				"running domain '%s'; destroy the domain to delete it", s->name,
				files.v[i].path, d->name);
		}
	}
	if (rc == 0 && online && !check_only) {
		for (size_t i = 0; i < d->def->ndisks; i++)
			if (!plan[i].disk)
				plan[i].disk = d->def->disks[i];
		if ((rc = vsnap__qemu_disk_nodes(&nodes, d)) == 0 &&
		    (rc = vsnap__qemu_snapjob_args(&args, "vsnap-del", s->name, nodes, plan,
				d->def->ndisks, 0)) == 0 &&
		    (rc = vsnap__qmp_run(NULL, d->qmp, "snapshot-delete", args)) == 0)
			rc = vsnap__qmp_job_wait(d->qmp, "vsnap-del", "deleting the internal snapshot",
				QEMU_JOB_TIMEOUT_MS);
		vsnap__qemu_probe_forget(d, NULL);
	}
cleanup:
	free(args);
	free(plan);
	vsnap__qemu_files_clear(&files);
	return rc;
}

/* The images a delete may change (tags inside them, merges into them) are the snapshot's
 * own: none may be another domain's. */
static int check_owners(vsnap_qemu_dom *d, const vsnap_forest_data *f,
	const vsnap_snapshot_def *s)
{
	vsnap_domain_def *sd = NULL;
	char *what = NULL;
	int rc;

	(void)f;
	if (!s->domain_xml)
		return 0;
	if ((rc = vsnap__qemu_meta_domain(&sd, s)) < 0)
		return rc;
	if (asprintf(&what, "deleting snapshot '%s'", s->name) < 0)
		rc = vsnap__error_oom();
	for (size_t i = 0; rc == 0 && i < sd->ndisks; i++)
		if (sd->disks[i]->src_file && vsnap__qemu_disk_snapshottable(sd->disks[i]))
			rc = vsnap__qemu_owner_check(d, sd->disks[i]->src_file, what);
	free(what);
	vsnap__domain_def_free(sd);
	return rc;
}

static int is_internal(const vsnap_snapshot_def *s)
{
	int internal = s->memory == VSNAP_SNAPSHOT_LOCATION_INTERNAL;

	for (size_t i = 0; i < s->ndisks; i++)
		internal |= s->disks[i].location == VSNAP_SNAPSHOT_LOCATION_INTERNAL;
	return internal;
}

int vsnap__qemu_delete_steps(vsnap_qemu_dom *d, vsnap_forest_data *f,
	const vsnap_snapshot_def *s_in, int metadata_only)
{
	/* The copy in the forest when it is still there (loops below skip it by pointer). */
	vsnap_snapshot_def *fs = vsnap__qemu_meta_find(f, s_in->name);
	const vsnap_snapshot_def *s = fs ? fs : s_in;
	vsnap_domain_def *sd = NULL;
	int rc = 0, internal = is_internal(s);

	if (!metadata_only && s->domain_xml && (rc = vsnap__qemu_meta_domain(&sd, s)) < 0)
		return rc;
	/* Metadata goes before data: merging overwrites the snapshot's own image contents, so
	 * the snapshot must not stay listed. Until the references move, the emptied overlay on
	 * top keeps every reader right. Children move up to the parent. */
	for (size_t i = 0; rc == 0 && i < f->count; i++) {
		vsnap_snapshot_def *c = f->defs[i];
		/* In a store with a parent cycle, the grandparent may be the child itself: then
		 * it becomes a root (and s, its own parent at worst, is no child of itself). */
		int up = s->parent && strcmp(s->parent, c->name);
		if (c == s || !c->parent || strcmp(c->parent, s->name))
			continue;
		free(c->parent);
		c->parent = up ? strdup(s->parent) : NULL;
		if (up && !c->parent)
			rc = vsnap__error_oom();
		else
			rc = vsnap__qemu_meta_save(d, c, c->is_current);
	}
	if (rc < 0)
		goto cleanup;
	vsnap__crash_point("delete-reparented");
	if (s_in->is_current || s->is_current) {
		if ((rc = vsnap__qemu_meta_set_current(d, f, s->parent)) < 0)
			goto cleanup;
		/* Keep the in-memory flags in step: the merge below may save these defs again. */
		for (size_t i = 0; i < f->count; i++)
			f->defs[i]->is_current = s->parent && !strcmp(f->defs[i]->name, s->parent);
	}
	if ((rc = vsnap__qemu_meta_remove(d, s->name)) < 0)
		goto cleanup;
	vsnap__crash_point("delete-removed");
	if (sd && (rc = vsnap__qemu_merge_external(d, f, s, sd)) < 0)
		goto cleanup;
	if (!metadata_only && internal)
		rc = drop_tags(d, f, s, 0);
cleanup:
	vsnap__domain_def_free(sd);
	return rc;
}

static int delete_one(vsnap_qemu_dom *d, vsnap_forest_data *f, const char *name,
	int metadata_only)
{
	vsnap_snapshot_def *s = vsnap__qemu_meta_find(f, name);
	vsnap_qemu_intent in;
	int rc = 0;

	if (!s)
		return vsnap__error_set(VSNAP_ENOTFOUND, VSNAP_ERRCLASS_SNAPSHOT,
			"snapshot '%s' vanished", name);
	/* Refuse what cannot be done before anything changes. */
	if (!metadata_only && is_internal(s) && (rc = drop_tags(d, f, s, 1)) < 0)
		return rc;
	if (!metadata_only && (rc = check_owners(d, f, s)) < 0)
		return rc;
	memset(&in, 0, sizeof(in));
	in.op = QEMU_INTENT_DELETE;
	in.metadata_only = metadata_only;
	if (!(in.snapshot = strdup(s->name)) ||
	    (f->current_id && !(in.old_current = strdup(f->current_id))))
		rc = vsnap__error_oom();
	if (rc == 0 && (rc = vsnap__snapshot_def_format(&in.snapshot_xml, s, 0, s->is_current)) == 0 &&
	    (rc = vsnap__qemu_intent_write(d, &in)) == 0) {
		if ((rc = vsnap__qemu_delete_steps(d, f, s, metadata_only)) == 0)
			rc = vsnap__qemu_intent_done(d);
		else
			rc = vsnap__qemu_intent_abort(d, rc);
	}
	vsnap__qemu_intent_clear(&in);
	return rc;
}

static int listed(char **v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], name))
			return 1;
	return 0;
}

/* Names of the descendants of `name`, leaves first (post-order). A parent cycle in a damaged
 * store ends where it meets `top` or a name already taken, instead of recursing forever. */
static int collect(char ***v, size_t *n, const vsnap_forest_data *f, const char *name,
	const char *top)
{
	for (size_t i = 0; i < f->count; i++) {
		const vsnap_snapshot_def *c = f->defs[i];
		if (!c->parent || strcmp(c->parent, name) || !strcmp(c->name, top) ||
		    listed(*v, *n, c->name))
			continue;
		int rc = collect(v, n, f, c->name, top);
		if (rc < 0)
			return rc;
		char **p = realloc(*v, (*n + 1) * sizeof(**v));
		if (!p)
			return vsnap__error_oom();
		*v = p;
		if (!((*v)[*n] = strdup(c->name)))
			return vsnap__error_oom();
		(*n)++;
	}
	return 0;
}

int vsnap__qemu_snapshot_delete(vsnap_domain *dom, const vsnap_snapshot_def *snap_in,
	const vsnap_forest_data *forest_in, unsigned int flags)
{
	vsnap_qemu_dom d;
	vsnap_forest_data f;
	char **names = NULL;
	size_t n = 0;
	int metadata_only = (flags & VSNAP_SNAPSHOT_DELETE_METADATA_ONLY) != 0;
	int rc;

	(void)forest_in;
	memset(&f, 0, sizeof(f));
	if ((rc = vsnap__qemu_dom_open(&d, dom->conn, dom->info.name, 1)) < 0)
		return rc;
	if ((rc = vsnap__qemu_meta_load(&f, &d)) < 0)
		goto cleanup;
	if (!vsnap__qemu_meta_find(&f, snap_in->name)) {
		rc = vsnap__error_set(VSNAP_ENOTFOUND, VSNAP_ERRCLASS_SNAPSHOT,
			"snapshot '%s' vanished", snap_in->name);
		goto cleanup;
	}
	if (flags & (VSNAP_SNAPSHOT_DELETE_CHILDREN | VSNAP_SNAPSHOT_DELETE_CHILDREN_ONLY))
		rc = collect(&names, &n, &f, snap_in->name, snap_in->name);
	if (rc == 0 && !(flags & VSNAP_SNAPSHOT_DELETE_CHILDREN_ONLY)) {
		char **p = realloc(names, (n + 1) * sizeof(*names));
		if (!p || !(p[n] = strdup(snap_in->name))) {
			names = p ? p : names;
			rc = vsnap__error_oom();
		} else {
			names = p;
			n++;
		}
	}
	for (size_t i = 0; rc == 0 && i < n; i++) {
		/* Re-read between deletes: each one rewrites parents and references. */
		vsnap__forest_data_clear(&f);
		if ((rc = vsnap__qemu_meta_load(&f, &d)) == 0)
			rc = delete_one(&d, &f, names[i], metadata_only);
	}
	if (rc == 0 && !metadata_only) {
		vsnap__forest_data_clear(&f);
		if ((rc = vsnap__qemu_meta_load(&f, &d)) == 0)
			rc = vsnap__qemu_gc(&d, &f);
	}
cleanup:
	vsnap__qemu_strv_free(names, n);
	vsnap__forest_data_clear(&f);
	vsnap__qemu_dom_close(&d);
	return rc;
}

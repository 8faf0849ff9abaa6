/*
 * delete.c: deleting snapshots anywhere in the tree. Children move to the deleted snapshot's
 * parent. Internal: the tag goes from every image holding it (branch copies included).
 * External: when exactly one image X is built on the snapshot's image F, X still matters and
 * holds no internal snapshots, X is committed into F (block-commit online, qemu-img commit + rebase offline) and
 * everything that named X names F; otherwise F stays as a plain backing file, and images
 * nothing needs any more are removed. So no remaining snapshot or the domain loses data.
 * Order of steps: data first (images stay valid at each step), then references, then
 * metadata; a crash at any point leaves a store that loads and matches the images.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemudrv/qemu_priv.h"
#include "core/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int location_of(const vsnap_snapshot_def *s, const char *target)
{
	for (size_t i = 0; i < s->ndisks; i++)
		if (s->disks[i].name && !strcmp(s->disks[i].name, target))
			return s->disks[i].location;
	return VSNAP_SNAPSHOT_LOCATION_NO;
}

static int canon_eq(const char *a, const char *canon_b)
{
	char *c = a ? vsnap__qemu_canon(a) : NULL;
	int eq = c && !strcmp(c, canon_b);
	free(c);
	return eq;
}

/* Is `file` the base of another snapshot's external disk, or in a needed chain? */
static int needed_elsewhere(const vsnap_qemu_files *files, vsnap_qemu_dom *d,
	const vsnap_forest_data *f, const vsnap_snapshot_def *skip, const char *file)
{
	for (size_t i = 0; i < d->def->ndisks; i++) {
		const char *p = d->def->disks[i]->src_file;
		char *c = p ? vsnap__qemu_canon(p) : NULL;
		while (c) {
			int hit = !strcmp(c, file);
			const vsnap_qemu_file *e = vsnap__qemu_files_get(files, c);
			free(c);
			if (hit)
				return 1;
			c = e && e->backing ? strdup(e->backing) : NULL;
		}
	}
	for (size_t i = 0; i < f->count; i++) {
		vsnap_domain_def *sd = NULL;
		if (f->defs[i] == skip || vsnap__qemu_meta_domain(&sd, f->defs[i]) < 0) {
			vsnap_error_clear();
			continue;
		}
		for (size_t j = 0; j < sd->ndisks; j++) {
			char *c = sd->disks[j]->src_file ? vsnap__qemu_canon(sd->disks[j]->src_file) : NULL;
			while (c) {
				int hit = !strcmp(c, file);
				const vsnap_qemu_file *e = vsnap__qemu_files_get(files, c);
				free(c);
				if (hit) {
					vsnap__domain_def_free(sd);
					return 1;
				}
				c = e && e->backing ? strdup(e->backing) : NULL;
			}
		}
		vsnap__domain_def_free(sd);
	}
	return 0;
}

/* Format node of an image file in the running QEMU (query-named-block-nodes). */
static int node_of(char **out, vsnap_qemu_dom *d, const char *file)
{
	qjson *nodes = NULL;
	int rc;

	*out = NULL;
	if ((rc = vsnap__qmp_run(&nodes, d->qmp, "query-named-block-nodes", "{\"flat\":true}")) < 0)
		return rc;
	for (const qjson *n = nodes ? nodes->child : NULL; n && !*out; n = n->next) {
		const char *drv = vsnap__json_get_str(n, "drv");
		const char *fn = vsnap__json_get_str(n, "file");
		const char *name = vsnap__json_get_str(n, "node-name");
		if (drv && strcmp(drv, "file") && fn && name && canon_eq(fn, file) &&
		    !(*out = strdup(name)))
			rc = vsnap__error_oom();
	}
	vsnap__json_free(nodes);
	if (rc == 0 && !*out)
		rc = vsnap__error_set(VSNAP_EQEMU, VSNAP_ERRCLASS_QEMU,
			"image '%s' is not open in the running QEMU", file);
	return rc;
}

/* Index of the disk whose running chain contains `file`, or -1. *top: it is the top. */
static int running_disk(vsnap_qemu_dom *d, const vsnap_qemu_files *files, const char *file,
	int *top)
{
	for (size_t i = 0; d->pid && i < d->def->ndisks; i++) {
		char *c = d->def->disks[i]->src_file ? vsnap__qemu_canon(d->def->disks[i]->src_file) :
			NULL;
		int first = 1;
		while (c) {
			const vsnap_qemu_file *e = vsnap__qemu_files_get(files, c);
			if (!strcmp(c, file)) {
				free(c);
				*top = first;
				return (int)i;
			}
			free(c);
			c = e && e->backing ? strdup(e->backing) : NULL;
			first = 0;
		}
	}
	return -1;
}

static int commit_online(vsnap_qemu_dom *d, int disk, int top, const char *x, const char *base)
{
	char **roots = NULL, *xn = NULL, *bn = NULL, *args = NULL;
	int rc;

	if ((rc = vsnap__qemu_disk_nodes(&roots, d)) < 0)
		return rc;
	if (!roots[disk]) {
		rc = vsnap__error_set(VSNAP_EQEMU, VSNAP_ERRCLASS_QEMU, "disk '%s' is not attached",
			d->def->disks[disk]->target_dev);
		goto cleanup;
	}
	if ((rc = node_of(&xn, d, x)) < 0 || (rc = node_of(&bn, d, base)) < 0)
		goto cleanup;
	if (asprintf(&args, "{\"job-id\":\"vsnap-commit\",\"device\":\"%s\",\"top-node\":\"%s\","
			"\"base-node\":\"%s\",\"auto-dismiss\":false}", roots[disk], xn, bn) < 0) {
		rc = vsnap__error_oom();
		goto cleanup;
	}
	if ((rc = vsnap__qmp_run(NULL, d->qmp, "block-commit", args)) == 0)
		rc = vsnap__qmp_block_job_wait(d->qmp, "vsnap-commit", top, "merging snapshot data",
			QEMU_JOB_TIMEOUT_MS);
	vsnap__qemu_graph_changed(d);
	/* X left the chain. A node made by -blockdev belongs to the monitor and would stay,
	 * still holding F as its backing file: the next snapshot of F would find F "busy"
	 * ("node is used as backing hd"). Nodes QEMU made itself are gone already. */
	if (rc == 0) {
		free(args);
		args = NULL;
		if (asprintf(&args, "{\"node-name\":\"%s\"}", xn) < 0) {
			rc = vsnap__error_oom();
			goto cleanup;
		}
		if (vsnap__qmp_run(NULL, d->qmp, "blockdev-del", args) < 0)
			vsnap_error_clear();
	}
cleanup:
	free(args);
	free(xn);
	free(bn);
	return rc;
}

/* The disks of `def` on image `from` move to `to`; *changed says whether any did. */
static int rename_in(vsnap_domain_def *def, const char *from, const char *to, const char *to_fmt,
	int *changed)
{
	*changed = 0;
	for (size_t i = 0; i < def->ndisks; i++) {
		vsnap_domain_disk_def *k = def->disks[i];
		int rc;

		if (!canon_eq(k->src_file, from))
			continue;
		if ((rc = vsnap__qemu_disk_set_source(k, to, to_fmt)) < 0)
			return rc;
		*changed = 1;
	}
	return 0;
}

/* Every reference to image `from` (domain, other snapshots' <domain>) becomes `to`. */
static int rename_refs(vsnap_qemu_dom *d, const vsnap_forest_data *f,
	const vsnap_snapshot_def *skip, const char *from, const char *to, const char *to_fmt)
{
	int rc = 0, changed = 0;

	if ((rc = rename_in(d->def, from, to, to_fmt, &changed)) == 0 && changed)
		rc = vsnap__qemu_dom_save(d);
	for (size_t i = 0; rc == 0 && i < f->count; i++) {
		vsnap_snapshot_def *s = f->defs[i];
		vsnap_domain_def *sd = NULL;
		changed = 0;
		/* The deleted snapshot's file is gone: saving it would bring it back. */
		if (s == skip)
			continue;
		if ((rc = vsnap__qemu_meta_domain(&sd, s)) < 0)
			break;
		if ((rc = rename_in(sd, from, to, to_fmt, &changed)) == 0 && changed) {
			free(s->domain_xml);
			s->domain_xml = NULL;
			if ((rc = vsnap__domain_def_format(&s->domain_xml, sd, 0, 0)) == 0)
				rc = vsnap__qemu_meta_save(d, s, s->is_current);
		}
		vsnap__domain_def_free(sd);
	}
	return rc;
}

/* Merges external disk data of `s` where that shortens a chain without losing anything. */
static int merge_external(vsnap_qemu_dom *d, const vsnap_forest_data *f,
	const vsnap_snapshot_def *s, const vsnap_domain_def *sd)
{
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < sd->ndisks; i++) {
		vsnap_qemu_files files;
		const vsnap_domain_disk_def *k = sd->disks[i];
		const char *x = NULL;
		char *base, *xc = NULL;
		int top = 0, disk;

		if (!k->target_dev || !k->src_file ||
		    location_of(s, k->target_dev) != VSNAP_SNAPSHOT_LOCATION_EXTERNAL)
			continue;
		if (!(base = vsnap__qemu_canon(k->src_file)))
			return vsnap__error_oom();
		if ((rc = vsnap__qemu_files_scan(&files, d, f)) < 0) {
			free(base);
			return rc;
		}
		/* F must have one image on it, that image must matter, and nothing else may need
		 * F's own contents (another snapshot's base, or the domain's current image). */
		if (vsnap__qemu_files_dependents(&files, base, &x) == 1 && x &&
		    (xc = strdup(x)) && needed_elsewhere(&files, d, f, s, xc)) {
			int base_needed = 0;
			for (size_t j = 0; j < f->count && !base_needed; j++) {
				vsnap_domain_def *od = NULL;
				if (f->defs[j] == s || vsnap__qemu_meta_domain(&od, f->defs[j]) < 0) {
					vsnap_error_clear();
					continue;
				}
				for (size_t m = 0; m < od->ndisks; m++)
					if (od->disks[m]->target_dev && canon_eq(od->disks[m]->src_file, base) &&
					    location_of(f->defs[j], od->disks[m]->target_dev) ==
						VSNAP_SNAPSHOT_LOCATION_EXTERNAL)
						base_needed = 1;
				vsnap__domain_def_free(od);
			}
			for (size_t j = 0; j < d->def->ndisks; j++)
				base_needed |= canon_eq(d->def->disks[j]->src_file, base);
			/* Internal snapshots inside X would not survive a commit (nor a stream). */
			const vsnap_qemu_file *xe = vsnap__qemu_files_get(&files, xc);
			base_needed |= xe && xe->ntags > 0;
			const vsnap_qemu_file *fe = vsnap__qemu_files_get(&files, base);
			const char *fmt = fe && fe->format ? fe->format : "qcow2";
			if (!base_needed) {
				if ((disk = running_disk(d, &files, xc, &top)) >= 0) {
					rc = commit_online(d, disk, top, xc, base);
				} else {
					/* A commit changes data, not what a probe reads (format, backing,
					 * tags): only the rebased images' backing changes. */
					rc = vsnap__img_commit(xc);
					for (size_t j = 0; rc == 0 && j < files.n; j++)
						if (files.v[j].backing && !strcmp(files.v[j].backing, xc)) {
							rc = vsnap__img_rebase_unsafe(files.v[j].path, base, fmt);
							if (rc == 0)
								rc = vsnap__qemu_probe_set_backing(d, files.v[j].path,
									base, fmt);
						}
				}
				if (rc == 0) {
					vsnap__crash_point("delete-merged");
					rc = rename_refs(d, f, s, xc, base, fmt);
				}
			}
		}
		free(xc);
		free(base);
		vsnap__qemu_files_clear(&files);
	}
	return rc;
}

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
		if ((disk = running_disk(d, &files, files.v[i].path, &top)) < 0) {
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
	if (sd && (rc = merge_external(d, f, s, sd)) < 0)
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

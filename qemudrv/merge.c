/*
 * merge.c: the data half of deleting an external snapshot. When exactly one image X is built
 * on the snapshot's image F, X still matters and holds no internal snapshots, X is committed
 * into F (block-commit online, qemu-img commit + rebase offline) and everything that named X
 * names F. Otherwise nothing changes here and F stays a plain backing file.
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
int vsnap__qemu_running_disk(vsnap_qemu_dom *d, const vsnap_qemu_files *files, const char *file,
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

int vsnap__qemu_merge_external(vsnap_qemu_dom *d, const vsnap_forest_data *f,
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
				if ((disk = vsnap__qemu_running_disk(d, &files, xc, &top)) >= 0) {
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

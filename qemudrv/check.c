/*
 * check.c: `snapshot-check`: the domain's metadata against its images, overlays and run
 * state. Repairs only what cannot lose data: finishing an interrupted change (as any next
 * change would), dropping tags no snapshot names from the domain's own images while it is
 * shut off, deleting files vsnap made that nothing needs, dropping <disks> sources that name
 * removed overlays, and making the definition follow the images a running QEMU has open.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemudrv/qemu_priv.h"
#include "vsnap/check.h"
#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
	vsnap_check_item *v;
	size_t n;
	int repair;
} report;

static int note(report *r, int kind, const char *subject, int repairable, int repaired,
	const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static int note(report *r, int kind, const char *subject, int repairable, int repaired,
	const char *fmt, ...)
{
	vsnap_check_item *p = realloc(r->v, (r->n + 1) * sizeof(*p));
	va_list ap;
	int len;

	if (!p)
		return vsnap__error_oom();
	r->v = p;
	p = &r->v[r->n];
	memset(p, 0, sizeof(*p));
	p->kind = kind;
	p->repairable = repairable;
	p->repaired = repaired;
	va_start(ap, fmt);
	len = vasprintf(&p->message, fmt, ap);
	va_end(ap);
	if (len < 0 || !(p->subject = strdup(subject ? subject : ""))) {
		if (len >= 0)
			free(p->message);
		return vsnap__error_oom();
	}
	r->n++;
	return 0;
}

static int named_by_snapshot(const vsnap_forest_data *f, const char *tag)
{
	return vsnap__qemu_meta_find(f, tag) != NULL;
}

static int is_internal_disk(const vsnap_snapshot_def *s, const char *target)
{
	for (size_t i = 0; i < s->ndisks; i++)
		if (s->disks[i].name && target && !strcmp(s->disks[i].name, target))
			return s->disks[i].location == VSNAP_SNAPSHOT_LOCATION_INTERNAL;
	return 0;
}

/* Parents, the current mark, images and tags each snapshot needs, <disks> sources. */
static int check_snapshots(report *r, vsnap_qemu_dom *d, vsnap_forest_data *f)
{
	int rc = 0;

	if (f->count && !f->current_id)
		rc = note(r, VSNAP_CHECK_CURRENT, d->name, 0, 0, "no snapshot is current: the next "
			"snapshot will have no parent; revert to the snapshot the disks are on, or "
			"redefine one with --current");
	for (size_t i = 0; rc == 0 && i < f->count; i++) {
		vsnap_snapshot_def *s = f->defs[i];
		vsnap_domain_def *sd = NULL;
		int stale = 0;
		if (s->parent && !vsnap__qemu_meta_find(f, s->parent))
			rc = note(r, VSNAP_CHECK_PARENT, s->name, 0, 0, "parent '%s' of snapshot '%s' "
				"does not exist; redefine it with another <parent>", s->parent, s->name);
		for (size_t j = 0; rc == 0 && j < s->ndisks; j++) {
			const char *src = s->disks[j].source_file;
			if (!src || access(src, F_OK) == 0)
				continue;
			rc = note(r, VSNAP_CHECK_STALE_SOURCE, src, 1, r->repair, "snapshot '%s' "
				"<disks> names overlay '%s', which is gone (the snapshot's own data is in "
				"the images of its <domain>)", s->name, src);
			if (r->repair) {
				free(s->disks[j].source_file);
				s->disks[j].source_file = NULL;
				stale = 1;
			}
		}
		if (rc == 0 && stale)
			rc = vsnap__qemu_meta_save(d, s, s->is_current);
		if (rc < 0 || !s->domain_xml || vsnap__qemu_meta_domain(&sd, s) < 0) {
			vsnap_error_clear();
			continue;
		}
		for (size_t j = 0; rc == 0 && j < sd->ndisks; j++) {
			const vsnap_domain_disk_def *k = sd->disks[j];
			const vsnap_img_info *info;
			if (!k->src_file || !vsnap__qemu_disk_snapshottable(k))
				continue;
			if (access(k->src_file, F_OK) < 0) {
				rc = note(r, VSNAP_CHECK_MISSING_IMAGE, k->src_file, 0, 0, "snapshot '%s' "
					"needs image '%s' (disk %s), which is missing: restore it, or drop the "
					"snapshot with snapshot-delete --metadata", s->name, k->src_file,
					k->target_dev);
				continue;
			}
			if (!is_internal_disk(s, k->target_dev))
				continue;
			if (vsnap__qemu_probe(&info, d, k->src_file) < 0) {
				rc = note(r, VSNAP_CHECK_BAD_IMAGE, k->src_file, 0, 0, "%s",
					vsnap_error_last()->message);
				vsnap_error_clear();
			} else if (!vsnap__img_has_snapshot(info, s->name)) {
				rc = note(r, VSNAP_CHECK_MISSING_TAG, k->src_file, 0, 0, "internal snapshot "
					"'%s' is not in image '%s' (disk %s): it cannot be reverted to; drop it "
					"with snapshot-delete --metadata", s->name, k->src_file, k->target_dev);
			}
		}
		vsnap__domain_def_free(sd);
	}
	return rc;
}

/* Is `path` in the chain the running QEMU has open? */
static int open_by_qemu(vsnap_qemu_dom *d, const vsnap_qemu_files *files, const char *path)
{
	for (size_t i = 0; d->pid && i < d->def->ndisks; i++) {
		char *c = d->def->disks[i]->src_file ? vsnap__qemu_canon(d->def->disks[i]->src_file) :
			NULL;
		for (size_t depth = 0; c && depth < files->n + 1; depth++) {
			const vsnap_qemu_file *e = vsnap__qemu_files_get(files, c);
			int hit = !strcmp(c, path);
			free(c);
			if (hit)
				return 1;
			c = e && e->backing ? strdup(e->backing) : NULL;
		}
		free(c);
	}
	return 0;
}

/* The domain's images: its own, readable, and their tags all named by snapshots. */
static int check_images(report *r, vsnap_qemu_dom *d, vsnap_forest_data *f)
{
	vsnap_qemu_files files;
	int rc;

	for (size_t i = 0; i < d->def->ndisks; i++) {
		const char *src = d->def->disks[i]->src_file;
		if (src && access(src, F_OK) < 0 &&
		    (rc = note(r, VSNAP_CHECK_MISSING_IMAGE, src, 0, 0, "the domain's disk %s "
			"names image '%s', which is missing: restore it or revert to a snapshot",
			d->def->disks[i]->target_dev, src)) < 0)
			return rc;
	}
	if ((rc = vsnap__qemu_files_scan(&files, d, f)) < 0)
		return rc;
	for (size_t i = 0; rc == 0 && i < files.n; i++) {
		const vsnap_qemu_file *e = &files.v[i];
		int shared = vsnap__qemu_owner_check(d, e->path, "a snapshot operation") < 0;
		if (shared) {
			rc = note(r, VSNAP_CHECK_SHARED_IMAGE, e->path, 0, 0, "%s",
				vsnap_error_last()->message);
			vsnap_error_clear();
			continue;   /* its tags may be the other domain's */
		}
		for (size_t t = 0; rc == 0 && t < e->ntags; t++) {
			if (named_by_snapshot(f, e->tags[t]))
				continue;
			int running = open_by_qemu(d, &files, e->path);
			int fixed = 0;
			if (r->repair && !running) {
				if ((rc = vsnap__img_snapshot_delete(e->path, e->tags[t])) < 0)
					break;
				vsnap__qemu_probe_forget(d, e->path);
				fixed = 1;
			}
			rc = note(r, VSNAP_CHECK_ORPHAN_TAG, e->tags[t], !running, fixed,
				"image '%s' holds internal snapshot '%s', which no snapshot of domain '%s' "
				"names (left by an interrupted create, or made by hand)%s", e->path,
				e->tags[t], d->name, running ? "; the running QEMU has the image open: "
				"destroy the domain, then repair" : "");
		}
		if (rc == 0 && !open_by_qemu(d, &files, e->path) && vsnap__img_check(e->path) < 0) {
			rc = note(r, VSNAP_CHECK_BAD_IMAGE, e->path, 0, 0, "%s (leaked clusters are "
				"harmless: 'qemu-img check -r leaks' reclaims them)",
				vsnap_error_last()->message);
			vsnap_error_clear();
		}
	}
	vsnap__qemu_files_clear(&files);
	return rc;
}

static int check_orphan_files(report *r, vsnap_qemu_dom *d, vsnap_forest_data *f)
{
	char **v = NULL;
	size_t n = 0;
	int rc;

	if ((rc = vsnap__qemu_gc_list(&v, &n, d, f)) < 0)
		return rc;
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = note(r, VSNAP_CHECK_ORPHAN_FILE, v[i], 1, r->repair, "'%s' was made by vsnap "
			"for domain '%s' and neither the domain nor any snapshot needs it", v[i], d->name);
	if (rc == 0 && n && r->repair)
		rc = vsnap__qemu_gc(d, f);
	vsnap__qemu_strv_free(v, n);
	return rc;
}

/* A running QEMU whose open images differ from the definition. */
static int check_running(report *r, vsnap_qemu_dom *d)
{
	char *before = NULL, *after = NULL;
	int rc;

	if (!d->pid)
		return 0;
	if ((rc = vsnap__domain_def_format(&before, d->def, 0, 0)) < 0)
		return rc;
	if (r->repair) {
		rc = vsnap__qemu_sync_running(d);
	} else {
		/* Look without saving: sync a copy of the definition. */
		vsnap_domain_def *keep = d->def, *copy = NULL;
		char *path = d->def_path;
		if ((rc = vsnap__domain_def_parse(&copy, before, 0)) == 0) {
			d->def = copy;
			d->def_path = NULL;
			rc = vsnap__qemu_sync_running_nosave(d);
			d->def = keep;
			d->def_path = path;
			if (rc == 0)
				rc = vsnap__domain_def_format(&after, copy, 0, 0);
		}
		vsnap__domain_def_free(copy);
		if (rc == 0 && strcmp(before, after))
			rc = note(r, VSNAP_CHECK_RUNNING_DEF, d->name, 1, 0, "the running QEMU "
				"writes to other images than the definition of '%s' names", d->name);
		free(before);
		free(after);
		return rc;
	}
	if (rc == 0 && (rc = vsnap__domain_def_format(&after, d->def, 0, 0)) == 0 &&
	    strcmp(before, after))
		rc = note(r, VSNAP_CHECK_RUNNING_DEF, d->name, 1, 1, "the running QEMU wrote to "
			"other images than the definition of '%s' named: the definition follows it now",
			d->name);
	free(before);
	free(after);
	return rc;
}

int vsnap__qemu_domain_check(vsnap_check_item **out, size_t *count, vsnap_domain *dom,
	unsigned int flags)
{
	vsnap_qemu_dom d;
	vsnap_forest_data f;
	vsnap_qemu_intent in;
	report r = { NULL, 0, (flags & VSNAP_CHECK_REPAIR) != 0 };
	int rc, had_intent;

	memset(&f, 0, sizeof(f));
	memset(&in, 0, sizeof(in));
	memset(&d, 0, sizeof(d));
	/* Read the intent first: with --repair, the open below finishes it. */
	d.store = &((vsnap_qemu_conn *)dom->conn->priv)->store;
	d.name = dom->info.name;
	had_intent = vsnap__qemu_intent_read(&in, &d) == 0 && in.op;
	vsnap_error_clear();
	if ((rc = vsnap__qemu_dom_open(&d, dom->conn, dom->info.name,
			r.repair ? QEMU_OPEN_LOCK : QEMU_OPEN_LOCK_AS_IS)) < 0) {
		vsnap__qemu_intent_clear(&in);
		return rc;
	}
	if (had_intent)
		rc = note(&r, VSNAP_CHECK_INTERRUPTED, in.snapshot, 1, r.repair, "an interrupted %s "
			"of snapshot '%s' (vsnap was killed)%s", vsnap__qemu_intent_op_name(in.op),
			in.snapshot, r.repair ? ": finished (or undone, for a create that had not "
			"switched disks)" : ": --repair, or any next change of the domain, finishes it "
			"(a create that had not switched disks yet is undone)");
	if (rc == 0 && (rc = vsnap__qemu_meta_load(&f, &d)) == 0 && (r.repair || !had_intent)) {
		if ((rc = check_running(&r, &d)) == 0 && (rc = check_snapshots(&r, &d, &f)) == 0 &&
		    (rc = check_images(&r, &d, &f)) == 0)
			rc = check_orphan_files(&r, &d, &f);
	}
	vsnap__qemu_intent_clear(&in);
	vsnap__forest_data_clear(&f);
	vsnap__qemu_dom_close(&d);
	if (rc < 0) {
		vsnap_check_items_free(r.v, r.n);
		return rc;
	}
	*out = r.v;
	*count = r.n;
	return 0;
}

/*
 * meta.c: snapshot metadata, one <domainsnapshot> file per snapshot as libvirt keeps it
 * internally (snapshots/<dom>/<name>.xml, <active>1</active> on the current one).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemudrv/qemu_priv.h"
#include "core/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

typedef struct {
	vsnap_snapshot_def *def;
	long long mtime_ns;
	size_t depth;      /* ancestors among the loaded snapshots */
} loaded;

/*
 * Creation order: creationTime, then depth (a parent made in the same second as its child
 * comes first), then the name. Not the file's mtime: a snapshot's file is rewritten when the
 * current snapshot moves, so it says nothing of when the snapshot was made.
 */
static int cmp_loaded(const void *a, const void *b)
{
	const loaded *x = a, *y = b;

	if (x->def->creation_time != y->def->creation_time)
		return x->def->creation_time < y->def->creation_time ? -1 : 1;
	if (x->depth != y->depth)
		return x->depth < y->depth ? -1 : 1;
	return strcmp(x->def->name, y->def->name);
}

/* Depth of every loaded snapshot by parent name; a walk stops after n steps (a cycle). */
static void set_depths(loaded *l, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *p = l[i].def->parent;
		size_t depth = 0;

		while (p && depth < n) {
			size_t j = 0;

			while (j < n && strcmp(l[j].def->name, p) != 0)
				j++;
			if (j == n)
				break;
			depth++;
			p = l[j].def->parent;
		}
		l[i].depth = depth;
	}
}

static char *snap_path(vsnap_qemu_dom *d, const char *name)
{
	char *dir = vsnap__store_path(d->store, "/snapshots/", d->name, "/");
	char *p = NULL;

	if (dir && asprintf(&p, "%s%s.xml", dir, name) < 0) {
		vsnap__error_oom();
		p = NULL;
	}
	free(dir);
	return p;
}

int vsnap__qemu_meta_load(vsnap_forest_data *out, vsnap_qemu_dom *d)
{
	char *dir = vsnap__store_path(d->store, "/snapshots/", d->name, NULL);
	char **names = NULL;
	size_t n = 0, nl = 0;
	loaded *l = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!dir)
		return VSNAP_ENOMEM;
	if ((rc = vsnap__store_list(&names, &n, dir, ".xml")) < 0)
		goto cleanup;
	if (n && !(l = calloc(n, sizeof(*l)))) {
		rc = vsnap__error_oom();
		goto cleanup;
	}
	for (size_t i = 0; i < n; i++) {
		char *path = snap_path(d, names[i]), *xml = NULL;
		struct stat st;
		if (!path) {
			rc = VSNAP_ENOMEM;
			goto cleanup;
		}
		rc = vsnap__store_read(&xml, path);
		if (rc == 0 && (rc = vsnap__snapshot_def_parse(&l[nl].def, xml,
				VSNAP_SNAPSHOT_PARSE_REDEFINE, 0)) < 0)
			vsnap__error_prefix("snapshot metadata '%s'", path);
		if (rc == 0 && stat(path, &st) == 0)
			l[nl].mtime_ns = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
		free(xml);
		free(path);
		if (rc < 0)
			goto cleanup;
		nl++;
	}
	set_depths(l, nl);
	if (nl)
		qsort(l, nl, sizeof(*l), cmp_loaded);
	if (nl && !(out->defs = calloc(nl, sizeof(*out->defs)))) {
		rc = vsnap__error_oom();
		goto cleanup;
	}
	/* After a crash between clearing and setting <active> there may be two: the file written
	 * last (the newest mtime) wins. */
	long long current_mtime = 0;
	for (size_t i = 0; i < nl; i++) {
		out->defs[out->count++] = l[i].def;
		if (l[i].def->is_current && (!out->current_id || l[i].mtime_ns >= current_mtime)) {
			free(out->current_id);
			current_mtime = l[i].mtime_ns;
			if (!(out->current_id = strdup(l[i].def->name))) {
				rc = vsnap__error_oom();
				l[i].def = NULL;
				goto cleanup;
			}
		}
		l[i].def = NULL;
	}
	for (size_t i = 0; i < out->count; i++)
		out->defs[i]->is_current = out->current_id && !strcmp(out->current_id,
			out->defs[i]->name);
cleanup:
	for (size_t i = 0; l && i < nl; i++)
		vsnap__snapshot_def_free(l[i].def);
	free(l);
	vsnap__qemu_strv_free(names, n);
	free(dir);
	if (rc < 0)
		vsnap__forest_data_clear(out);
	return rc;
}

static int meta_save(vsnap_qemu_dom *d, const vsnap_snapshot_def *def, int current, int sync_dir);

int vsnap__qemu_meta_save(vsnap_qemu_dom *d, const vsnap_snapshot_def *def, int current)
{
	return meta_save(d, def, current, 1);
}

static int meta_save(vsnap_qemu_dom *d, const vsnap_snapshot_def *def, int current, int sync_dir)
{
	char *dir = vsnap__store_path(d->store, "/snapshots/", d->name, NULL);
	char *path = NULL, *xml = NULL;
	int rc;

	if (!dir)
		return VSNAP_ENOMEM;
	if ((rc = vsnap__store_mkdir(dir)) < 0 || !(path = snap_path(d, def->name))) {
		rc = rc < 0 ? rc : VSNAP_ENOMEM;
		goto cleanup;
	}
	if ((rc = vsnap__snapshot_def_format(&xml, def, 0, current)) < 0)
		goto cleanup;
	rc = vsnap__store_write_ex(path, xml, strlen(xml), sync_dir);
cleanup:
	free(xml);
	free(path);
	free(dir);
	return rc;
}

int vsnap__qemu_meta_remove(vsnap_qemu_dom *d, const char *name)
{
	char *path = snap_path(d, name);
	int rc;

	if (!path)
		return VSNAP_ENOMEM;
	rc = vsnap__store_remove(path);
	free(path);
	if (rc == 0)
		vsnap__qemu_screenshot_forget(d, name);
	return rc;
}

vsnap_snapshot_def *vsnap__qemu_meta_find(const vsnap_forest_data *forest, const char *name)
{
	for (size_t i = 0; forest && name && i < forest->count; i++)
		if (!strcmp(forest->defs[i]->name, name))
			return forest->defs[i];
	return NULL;
}

int vsnap__qemu_meta_set_current(vsnap_qemu_dom *d, const vsnap_forest_data *forest,
	const char *name)
{
	int rc;

	/* Clear first: a crash in between leaves no current snapshot rather than a wrong one.
	 * A clear needs no folder sync of its own: the write that follows (the new current, a
	 * removal, the next metadata) syncs the folder, and a clear lost to a power failure
	 * leaves two marks, of which the newest wins on load. */
	for (size_t i = 0; i < forest->count; i++) {
		const vsnap_snapshot_def *s = forest->defs[i];
		int want = name && !strcmp(s->name, name);
		if (s->is_current && !want && (rc = meta_save(d, s, 0, 0)) < 0)
			return rc;
	}
	for (size_t i = 0; name && i < forest->count; i++) {
		const vsnap_snapshot_def *s = forest->defs[i];
		if (!strcmp(s->name, name) && (rc = vsnap__qemu_meta_save(d, s, 1)) < 0)
			return rc;
	}
	/* In step with the files: a later save of one of these defs keeps the right mark. */
	for (size_t i = 0; i < forest->count; i++)
		forest->defs[i]->is_current = name && !strcmp(forest->defs[i]->name, name);
	return 0;
}

int vsnap__qemu_meta_domain(vsnap_domain_def **out, const vsnap_snapshot_def *snap)
{
	int rc;

	*out = NULL;
	if (!snap->domain_xml)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_QEMU,
			"snapshot '%s' has no <domain> in its metadata", snap->name);
	if ((rc = vsnap__domain_def_parse(out, snap->domain_xml, 0)) < 0)
		return vsnap__error_prefix("the <domain> of snapshot '%s'", snap->name);
	return 0;
}

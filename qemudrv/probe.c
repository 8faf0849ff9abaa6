/*
 * probe.c: what each image is (format, backing file, internal snapshot tags), asked once per
 * operation. While QEMU runs, one query-block gives the whole open chain of every disk (the
 * same facts qemu-img info would, without a process per image); images outside it are read
 * with qemu-img info. A change to an image forgets that image; a change to QEMU's block
 * graph forgets everything, so nothing stale is ever used.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemudrv/qemu_priv.h"
#include "core/error.h"

#include <stdlib.h>
#include <string.h>

static vsnap_qemu_probe *find(vsnap_qemu_dom *d, const char *canon)
{
	for (size_t i = 0; i < d->nprobes; i++)
		if (!strcmp(d->probes[i].path, canon))
			return &d->probes[i];
	return NULL;
}

/* Takes `info` (moved) for `canon` (copied). */
static int add(vsnap_qemu_dom *d, const char *canon, vsnap_img_info *info)
{
	vsnap_qemu_probe *p = realloc(d->probes, (d->nprobes + 1) * sizeof(*p));
	char *c = strdup(canon);

	if (!p || !c) {
		free(c);
		if (p)
			d->probes = p;
		vsnap__img_info_clear(info);
		return vsnap__error_oom();
	}
	d->probes = p;
	p[d->nprobes].path = c;
	p[d->nprobes].info = *info;
	memset(info, 0, sizeof(*info));
	d->nprobes++;
	return 0;
}

static int dup_str(char **out, const char *s)
{
	if (s && !(*out = strdup(s)))
		return vsnap__error_oom();
	return 0;
}

/* One ImageInfo of query-block (and its backing-image chain) into the cache. */
static int seed_image(vsnap_qemu_dom *d, const qjson *img)
{
	for (; img; img = vsnap__json_get(img, "backing-image")) {
		const char *fn = vsnap__json_get_str(img, "filename");
		const char *bk = vsnap__json_get_str(img, "full-backing-filename");
		const qjson *snaps = vsnap__json_get(img, "snapshots");
		vsnap_img_info info;
		char *c;
		int rc;

		if (!bk)
			bk = vsnap__json_get_str(img, "backing-filename");
		if (!fn || fn[0] != '/')
			return 0;   /* json: pseudo-names: leave those to qemu-img */
		memset(&info, 0, sizeof(info));
		if ((rc = dup_str(&info.format, vsnap__json_get_str(img, "format"))) < 0 ||
		    (rc = dup_str(&info.backing, bk)) < 0 ||
		    (rc = dup_str(&info.backing_format,
			vsnap__json_get_str(img, "backing-filename-format"))) < 0) {
			vsnap__img_info_clear(&info);
			return rc;
		}
		info.virtual_size = (unsigned long long)vsnap__json_get_num(img, "virtual-size", 0);
		if (vsnap__json_len(snaps) &&
		    !(info.snapshots = calloc(vsnap__json_len(snaps), sizeof(char *)))) {
			vsnap__img_info_clear(&info);
			return vsnap__error_oom();
		}
		for (const qjson *s = snaps ? snaps->child : NULL; s; s = s->next) {
			const char *name = vsnap__json_get_str(s, "name");
			if (name && !(info.snapshots[info.nsnapshots++] = strdup(name))) {
				vsnap__img_info_clear(&info);
				return vsnap__error_oom();
			}
		}
		if (!(c = vsnap__qemu_canon(fn))) {
			vsnap__img_info_clear(&info);
			return vsnap__error_oom();
		}
		rc = find(d, c) ? (vsnap__img_info_clear(&info), 0) : add(d, c, &info);
		free(c);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int seed_from_qemu(vsnap_qemu_dom *d)
{
	qjson *blocks = NULL;
	int rc;

	d->graph_seeded = 1;
	if (!d->qmp)
		return 0;
	if ((rc = vsnap__qmp_run(&blocks, d->qmp, "query-block", NULL)) < 0)
		return rc;
	for (const qjson *b = blocks ? blocks->child : NULL; rc == 0 && b; b = b->next)
		rc = seed_image(d, vsnap__json_get(vsnap__json_get(b, "inserted"), "image"));
	vsnap__json_free(blocks);
	return rc;
}

int vsnap__qemu_probe(const vsnap_img_info **out, vsnap_qemu_dom *d, const char *file)
{
	vsnap_img_info info;
	vsnap_qemu_probe *p;
	char *c = vsnap__qemu_canon(file);
	int rc;

	*out = NULL;
	if (!c)
		return vsnap__error_oom();
	if (!d->graph_seeded && (rc = seed_from_qemu(d)) < 0)
		goto cleanup;
	if (!(p = find(d, c))) {
		d->probe_runs++;
		if ((rc = vsnap__img_info(&info, c)) < 0 || (rc = add(d, c, &info)) < 0)
			goto cleanup;
		p = find(d, c);
	}
	*out = &p->info;
	rc = 0;
cleanup:
	free(c);
	return rc;
}

void vsnap__qemu_probe_forget(vsnap_qemu_dom *d, const char *file)
{
	char *c = file ? vsnap__qemu_canon(file) : NULL;

	for (size_t i = 0; i < d->nprobes;) {
		if (!file || (c && !strcmp(d->probes[i].path, c))) {
			free(d->probes[i].path);
			vsnap__img_info_clear(&d->probes[i].info);
			d->probes[i] = d->probes[--d->nprobes];
		} else {
			i++;
		}
	}
	free(c);
	if (!file)
		d->graph_seeded = 0;
}

int vsnap__qemu_probe_set_backing(vsnap_qemu_dom *d, const char *file, const char *backing,
	const char *fmt)
{
	char *c = vsnap__qemu_canon(file);
	vsnap_qemu_probe *p = c ? find(d, c) : NULL;
	char *b = strdup(backing), *f = fmt ? strdup(fmt) : NULL;

	free(c);
	if (!b || (fmt && !f)) {
		free(b);
		free(f);
		return vsnap__error_oom();
	}
	if (!p) {
		free(b);
		free(f);
		return 0;
	}
	free(p->info.backing);
	free(p->info.backing_format);
	p->info.backing = b;
	p->info.backing_format = f;
	return 0;
}

void vsnap__qemu_graph_changed(vsnap_qemu_dom *d)
{
	vsnap__qemu_probe_forget(d, NULL);
	vsnap__qemu_strv_free(d->nodes, d->nnodes);
	d->nodes = NULL;
	d->nnodes = 0;
}

void vsnap__qemu_probe_clear(vsnap_qemu_dom *d)
{
	vsnap__qemu_graph_changed(d);
	free(d->probes);
	d->probes = NULL;
}

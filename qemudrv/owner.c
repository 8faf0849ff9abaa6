/*
 * owner.c: image ownership across the domains of one root. Every image a domain uses — its
 * disks, their backing chains, and the images its snapshots' definitions name — belongs to
 * that domain. A snapshot operation of another domain that would change such an image
 * (a tag added, applied or dropped, data merged into it) is refused with the owner's name:
 * two domains defined on one qcow2 would otherwise overwrite each other's state.
 * Built once per operation, only when an operation is about to change an image in place.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemudrv/qemu_priv.h"
#include "core/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	char *path;     /* canonical */
	char *domain;
} owned;

struct vsnap_qemu_owners {
	owned *v;
	size_t n;
};

static int add(struct vsnap_qemu_owners *o, const char *canon, const char *dom)
{
	owned *p;

	for (size_t i = 0; i < o->n; i++)
		if (!strcmp(o->v[i].path, canon))
			return 0;
	if (!(p = realloc(o->v, (o->n + 1) * sizeof(*p))))
		return vsnap__error_oom();
	o->v = p;
	if (!(p[o->n].path = strdup(canon)) || !(p[o->n].domain = strdup(dom))) {
		free(p[o->n].path);
		return vsnap__error_oom();
	}
	o->n++;
	return 0;
}

/* `file` and its backing chain, as `dom`'s. Unreadable images are skipped: they cannot be
 * changed by us either. */
static int add_chain(vsnap_qemu_dom *d, struct vsnap_qemu_owners *o, const char *file,
	const char *dom)
{
	char *c = vsnap__qemu_canon(file);
	int rc = 0;

	for (size_t depth = 0; c && rc == 0 && depth < 256; depth++) {
		const vsnap_img_info *info;
		rc = add(o, c, dom);
		if (rc < 0 || vsnap__qemu_probe(&info, d, c) < 0) {
			vsnap_error_clear();
			break;
		}
		free(c);
		c = info->backing ? vsnap__qemu_canon(info->backing) : NULL;
	}
	free(c);
	return rc;
}

static int add_def(vsnap_qemu_dom *d, struct vsnap_qemu_owners *o, const char *xml,
	const char *dom)
{
	vsnap_domain_def *def = NULL;
	int rc = 0;

	if (vsnap__domain_def_parse(&def, xml, 0) < 0) {
		vsnap_error_clear();
		return 0;
	}
	for (size_t i = 0; rc == 0 && i < def->ndisks; i++)
		if (def->disks[i]->src_file && !def->disks[i]->readonly && !def->disks[i]->shareable)
			rc = add_chain(d, o, def->disks[i]->src_file, dom);
	vsnap__domain_def_free(def);
	return rc;
}

/* Another domain's definition and its snapshots' definitions. */
static int add_domain(vsnap_qemu_dom *d, struct vsnap_qemu_owners *o, const char *dom)
{
	char *path = vsnap__store_path(d->store, "/domains/", dom, ".xml");
	char *dir = vsnap__store_path(d->store, "/snapshots/", dom, NULL);
	char *xml = NULL, **names = NULL;
	size_t n = 0;
	int rc = 0;

	if (!path || !dir) {
		rc = VSNAP_ENOMEM;
		goto cleanup;
	}
	if (vsnap__store_read(&xml, path) == 0)
		rc = add_def(d, o, xml, dom);
	vsnap_error_clear();
	free(xml);
	xml = NULL;
	if (rc == 0 && vsnap__store_list(&names, &n, dir, ".xml") < 0)
		vsnap_error_clear();
	for (size_t i = 0; rc == 0 && i < n; i++) {
		vsnap_snapshot_def *s = NULL;
		char *sp = NULL;
		if (asprintf(&sp, "%s/%s.xml", dir, names[i]) < 0) {
			rc = vsnap__error_oom();
			break;
		}
		if (vsnap__store_read(&xml, sp) == 0 &&
		    vsnap__snapshot_def_parse(&s, xml, VSNAP_SNAPSHOT_PARSE_REDEFINE, 0) == 0 &&
		    s->domain_xml)
			rc = add_def(d, o, s->domain_xml, dom);
		vsnap_error_clear();
		vsnap__snapshot_def_free(s);
		free(xml);
		xml = NULL;
		free(sp);
	}
cleanup:
	vsnap__qemu_strv_free(names, n);
	free(path);
	free(dir);
	return rc;
}

static int build(vsnap_qemu_dom *d)
{
	struct vsnap_qemu_owners *o = calloc(1, sizeof(*o));
	char *dir = vsnap__store_path(d->store, "/domains", NULL, NULL);
	char **names = NULL;
	size_t n = 0;
	int rc;

	if (!o || !dir) {
		free(o);
		free(dir);
		return vsnap__error_oom();
	}
	d->owners = o;
	rc = vsnap__store_list(&names, &n, dir, ".xml");
	for (size_t i = 0; rc == 0 && i < n; i++)
		if (strcmp(names[i], d->name))
			rc = add_domain(d, o, names[i]);
	vsnap__qemu_strv_free(names, n);
	free(dir);
	return rc;
}

int vsnap__qemu_owner_check(vsnap_qemu_dom *d, const char *file, const char *what)
{
	char *c;
	int rc = 0;

	if (!d->owners && (rc = build(d)) < 0)
		return rc;
	if (!d->owners->n)
		return 0;
	if (!(c = vsnap__qemu_canon(file)))
		return vsnap__error_oom();
	for (size_t i = 0; i < d->owners->n; i++) {
		if (strcmp(d->owners->v[i].path, c))
			continue;
		rc = vsnap__error_set(VSNAP_EOPERATION, VSNAP_ERRCLASS_SNAPSHOT,
			"domain '%s': %s would change image '%s', which domain '%s' also uses "
			"(directly, as a backing file or in its snapshots); give each domain its "
			"own image (an overlay: qemu-img create -f qcow2 -b '%s' -F qcow2 NEW)",
			d->name, what, c, d->owners->v[i].domain, c);
		break;
	}
	free(c);
	return rc;
}

void vsnap__qemu_owners_free(vsnap_qemu_dom *d)
{
	if (!d->owners)
		return;
	for (size_t i = 0; i < d->owners->n; i++) {
		free(d->owners->v[i].path);
		free(d->owners->v[i].domain);
	}
	free(d->owners->v);
	free(d->owners);
	d->owners = NULL;
}

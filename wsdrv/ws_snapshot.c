/*
 * ws_snapshot.c: a VM's snapshot forest from its .vmsd, through the .vmsd reader of vmx/
 * (vsnap_vmsd_to_xml: a <snapshots> document, one <domainsnapshot> per snapshotN, in N order) plus the keys the
 * forest needs beside it: snapshotN.uid becomes the driver id (display names need not be
 * unique), snapshotN.parent the parent link, snapshot.current the current one. A snapshot
 * whose .vmsn has a .vmem beside it holds memory: it was taken while the VM ran.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "wsdrv/ws_priv.h"
#include "vmx/vmx_priv.h"
#include "xml/snapshot_def.h"
#include "core/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static vsnap_ws_conn *priv_of(vsnap_domain *dom)
{
	return dom->conn->priv;
}

static int file_exists(const char *path)
{
	struct stat st;
	return path && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* "<stem>.<ext>" for "<stem>.vmsn". Free it. */
static char *sibling(const char *vmsn, const char *ext)
{
	size_t n = strlen(vmsn);
	const char *dot = strrchr(vmsn, '.'), *slash = strrchr(vmsn, '/');
	char *p = NULL;

	if (dot && (!slash || dot > slash))
		n = (size_t)(dot - vmsn);
	if (asprintf(&p, "%.*s.%s", (int)n, vmsn, ext) < 0) {
		vsnap__error_oom();
		return NULL;
	}
	return p;
}

/* Index of the snapshotN whose uid is `uid` in `conf`, or -1. */
static int index_of_uid(const vsnap__vmx_conf *conf, const char *uid)
{
	for (int i = 0; i < 100000; i++) {
		const vsnap__vmx_entry *e = vsnap__vmx_conf_getf(conf, "snapshot%d.uid", i);
		if (!e)
			return -1;
		if (!strcmp(e->value, uid))
			return i;
	}
	return -1;
}

/* Fills the backend facts of the def of snapshotN from the .vmsd and the folder. */
static int complete_def(vsnap_snapshot_def *def, const vsnap__vmx_conf *conf, int i,
	const vsnap_ws_vm *vm)
{
	const vsnap__vmx_entry *uid = vsnap__vmx_conf_getf(conf, "snapshot%d.uid", i);
	const vsnap__vmx_entry *parent = vsnap__vmx_conf_getf(conf, "snapshot%d.parent", i);
	const vsnap__vmx_entry *file = vsnap__vmx_conf_getf(conf, "snapshot%d.filename", i);
	char *vmsn = NULL, *vmem = NULL;
	int rc = 0;

	free(def->id);
	free(def->parent);
	def->id = def->parent = NULL;
	if (vsnap__str_dup(&def->id, uid->value) < 0 ||
	    (parent && *parent->value && vsnap__str_dup(&def->parent, parent->value) < 0))
		return VSNAP_ENOMEM;
	if (file && *file->value && (!(vmsn = vsnap__ws_join(vm->dir, file->value)) ||
	    !(vmem = sibling(vmsn, "vmem"))))
		rc = VSNAP_ENOMEM;
	def->quiesced = -1;
	if (file_exists(vmem)) {
		def->state = VSNAP_SNAPSHOT_RUNNING;
		def->memory = VSNAP_SNAPSHOT_LOCATION_INTERNAL;
	} else {
		def->state = VSNAP_SNAPSHOT_SHUTOFF;
		def->memory = VSNAP_SNAPSHOT_LOCATION_NO;
	}
	free(vmsn);
	free(vmem);
	return rc;
}

/*
 * Parses one document as full metadata. The .vmsd has no run state: a placeholder <state>
 * goes in when the reader wrote none (complete_def() sets the real one from the folder).
 */
static int parse_one(vsnap_snapshot_def **def, const char *doc)
{
	static const char open_tag[] = "<domainsnapshot>";
	const char *at = strstr(doc, open_tag);
	char *copy = NULL;
	int rc;

	if (strstr(doc, "<state>") || !at)
		return vsnap__snapshot_def_parse(def, doc, VSNAP_SNAPSHOT_PARSE_REDEFINE, 0);
	at += sizeof(open_tag) - 1;
	if (asprintf(&copy, "%.*s<state>shutoff</state>%s", (int)(at - doc), doc, at) < 0)
		return vsnap__error_oom();
	rc = vsnap__snapshot_def_parse(def, copy, VSNAP_SNAPSHOT_PARSE_REDEFINE, 0);
	free(copy);
	return rc;
}

/* Splits the <domainsnapshot> elements of vsnap_vmsd_to_xml()'s <snapshots> document, and
 * parses each as a document of its own. */
static int parse_docs(vsnap_forest_data *out, char *xml, const char *source)
{
	static const char end_tag[] = "</domainsnapshot>";
	char *p = xml, *start, *end;
	int rc = 0;

	while (rc == 0 && (start = strstr(p, "<domainsnapshot")) && (end = strstr(start, end_tag))) {
		vsnap_snapshot_def *def = NULL, **nd;
		char saved;

		end += sizeof(end_tag) - 1;
		saved = *end;
		*end = '\0';
		rc = parse_one(&def, start);
		*end = saved;
		p = end;
		if (rc < 0)
			return vsnap__error_prefix("snapshot %zu of '%s'", out->count, source);
		if (!(nd = realloc(out->defs, (out->count + 1) * sizeof(*nd)))) {
			vsnap__snapshot_def_free(def);
			return vsnap__error_oom();
		}
		out->defs = nd;
		out->defs[out->count++] = def;
	}
	return rc;
}

static int load_vm(vsnap_forest_data *out, const vsnap_ws_vm *vm)
{
	vsnap_vmx_options opts = VSNAP_VMX_OPTIONS_INIT;
	vsnap__vmx_conf *conf = NULL;
	char *path = vsnap__ws_vmsd_path(vm), *text = NULL, *xml = NULL;
	size_t len = 0, n = 0;
	int rc;

	if (!path)
		return VSNAP_ENOMEM;
	if ((rc = vsnap__ws_read(&text, &len, path, WS_MAX_CONFIG_BYTES)) == VSNAP_ENOTFOUND) {
		/* No .vmsd: a VM that never had a snapshot. */
		vsnap_error_clear();
		rc = 0;
		goto cleanup;
	}
	opts.source_name = path;
	if (rc < 0 || (rc = vsnap_vmsd_to_xml(&xml, text, len, &opts, 0)) < 0 ||
	    (rc = vsnap__vmx_conf_parse(&conf, text, len, path)) < 0 ||
	    (rc = parse_docs(out, xml, path)) < 0)
		goto cleanup;
	while (vsnap__vmx_conf_getf(conf, "snapshot%zu.uid", n))
		n++;
	if (n != out->count) {
		rc = vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_VMX,
			"'%s': %zu snapshots read, but %zu snapshotN.uid keys", path, out->count, n);
		goto cleanup;
	}
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = complete_def(out->defs[i], conf, (int)i, vm);
	const vsnap__vmx_entry *cur = vsnap__vmx_conf_get(conf, "snapshot.current");
	if (rc == 0 && cur && index_of_uid(conf, cur->value) >= 0)
		rc = vsnap__str_dup(&out->current_id, cur->value);
cleanup:
	if (rc < 0)
		vsnap__forest_data_clear(out);
	vsnap__vmx_conf_free(conf);
	free(xml);
	free(text);
	free(path);
	return rc;
}

int vsnap__ws_snapshot_load(vsnap_forest_data *out, vsnap_domain *dom)
{
	vsnap_ws_vm vm;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = vsnap__ws_find(&vm, priv_of(dom), dom->info.id)) < 0)
		return rc;
	rc = load_vm(out, &vm);
	vsnap__ws_vm_clear(&vm);
	return rc;
}

int vsnap__ws_vmsn_path(char **out, const vsnap_ws_vm *vm, const char *uid)
{
	vsnap__vmx_conf *conf = NULL;
	char *path = vsnap__ws_vmsd_path(vm), *text = NULL;
	const vsnap__vmx_entry *e = NULL;
	size_t len = 0;
	int rc, i;

	*out = NULL;
	if (!path)
		return VSNAP_ENOMEM;
	if ((rc = vsnap__ws_read(&text, &len, path, WS_MAX_CONFIG_BYTES)) == 0 &&
	    (rc = vsnap__vmx_conf_parse(&conf, text, len, path)) == 0 &&
	    (i = index_of_uid(conf, uid)) >= 0 &&
	    (e = vsnap__vmx_conf_getf(conf, "snapshot%d.filename", i)) && *e->value &&
	    !(*out = vsnap__ws_join(vm->dir, e->value)))
		rc = VSNAP_ENOMEM;
	vsnap__vmx_conf_free(conf);
	free(text);
	free(path);
	return rc;
}

int vsnap__ws_snapshot_screenshot(unsigned char **out, size_t *len, vsnap_domain *dom,
	const vsnap_snapshot_def *snap, const vsnap_forest_data *forest)
{
	vsnap_ws_vm vm;
	char *vmsn = NULL, *png = NULL, *text = NULL;
	size_t n = 0;
	int rc;

	(void)forest;
	if ((rc = vsnap__ws_find(&vm, priv_of(dom), dom->info.id)) < 0)
		return rc;
	if ((rc = vsnap__ws_vmsn_path(&vmsn, &vm, snap->id)) < 0)
		goto cleanup;
	if (!vmsn) {
		rc = vsnap__error_set(VSNAP_ENOTFOUND, VSNAP_ERRCLASS_VMX,
			"snapshot '%s' names no .vmsn file (snapshotN.filename) in its .vmsd",
			snap->name);
		goto cleanup;
	}
	if (!(png = sibling(vmsn, "png"))) {
		rc = VSNAP_ENOMEM;
		goto cleanup;
	}
	/* A picture saved beside the .vmsn first, else the one inside it. */
	if (file_exists(png)) {
		if ((rc = vsnap__ws_read(&text, &n, png, 64u << 20)) == 0) {
			*out = (unsigned char *)text;
			*len = n;
		}
	} else if (file_exists(vmsn)) {
		rc = vsnap__ws_png_extract(out, len, vmsn, WS_MAX_VMSN_SCAN_BYTES);
		if (rc == VSNAP_ENOTFOUND)
			rc = vsnap__error_set(VSNAP_ENOTFOUND, VSNAP_ERRCLASS_VMX,
				"snapshot '%s' has no screenshot: no '%s', and '%s' holds no PNG image "
				"(the VM was not running when it was taken)", snap->name, png, vmsn);
	} else {
		rc = vsnap__error_set(VSNAP_ENOTFOUND, VSNAP_ERRCLASS_VMX,
			"snapshot '%s' has no screenshot: neither '%s' nor '%s' exists", snap->name,
			png, vmsn);
	}
cleanup:
	free(png);
	free(vmsn);
	vsnap__ws_vm_clear(&vm);
	return rc;
}

/*
 * esx_screenshot.c: screenshots on ESX/vCenter.
 * Now: CreateScreenshot_Task writes a PNG beside the VM's files and names it in its result;
 * the file is downloaded over the datastore HTTP path (as dumpxml downloads the .vmx).
 * Of a snapshot: the VM's layoutEx, read once, lists its files with their types; the
 * snapshot's screenshot is the file of type "screenshot" named as its .vmsn (the file its
 * layoutEx.snapshot[].dataKey points at) with ".png" for ".vmsn".
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "esxdrv/esx_private.h"
#include "core/error.h"

#include <stdlib.h>
#include <string.h>

static int download(unsigned char **out, size_t *len, vsnap_conn *conn, const char *datacenter,
	const char *ds_path)
{
	char *data = NULL;
	int rc = vsnap__vs_datastore_get(&data, len, esx_priv_of(conn)->client, datacenter,
		ds_path);

	esx_sync_requests(conn);
	if (rc < 0)
		return rc;
	*out = (unsigned char *)data;
	return 0;
}

int esx_domain_screenshot(unsigned char **out, size_t *len, vsnap_domain *dom,
	unsigned int screen)
{
	esx_priv *priv = esx_priv_of(dom->conn);
	const vsnap_vs_vm_info *info = NULL;
	vsnap_vs_moref vm;
	char *path = NULL, *datacenter = NULL;
	int rc;

	if (screen)
		return vsnap__error_set(VSNAP_EUNSUPPORTED, VSNAP_ERRCLASS_ESX,
			"VM '%s': ESX takes screenshots of the first screen only (screen 0)",
			dom->info.name);
	if ((rc = esx_info_get(&info, dom->conn, dom->info.id)))
		return vsnap_error_last()->code;
	/* The file lands on a datastore of the VM's datacenter. */
	if (info->datacenter && !(datacenter = strdup(info->datacenter)))
		return vsnap__error_oom();
	esx_vm_ref(&vm, dom);
	esx_info_forget(priv);
	rc = vsnap__vs_vm_screenshot(&path, priv->client, &vm);
	esx_sync_requests(dom->conn);
	if (rc == 0 && (rc = download(out, len, dom->conn, datacenter, path)) < 0)
		vsnap__error_prefix("cannot download the screenshot %s", path);
	free(path);
	free(datacenter);
	return rc;
}

/* "[ds] web/web-Snapshot3.vmsn" -> "[ds] web/web-Snapshot3.png". NULL: out of memory. */
static char *png_name(const char *vmsn)
{
	const char *dot = strrchr(vmsn, '.');
	size_t n = dot ? (size_t)(dot - vmsn) : strlen(vmsn);
	char *p = malloc(n + 5);

	if (!p) {
		vsnap__error_oom();
		return NULL;
	}
	memcpy(p, vmsn, n);
	memcpy(p + n, ".png", 5);
	return p;
}

static const vsnap_vs_file *file_by_key(const vsnap_vs_vm_info *info, int key)
{
	for (size_t i = 0; i < info->nfiles; i++)
		if (info->files[i].key == key)
			return &info->files[i];
	return NULL;
}

/* The screenshot file of snapshot `moref` in the layout, or NULL after setting the error. */
static const vsnap_vs_file *find_shot(const vsnap_vs_vm_info *info, const char *moref,
	const char *label)
{
	const vsnap_vs_file *data = NULL;
	char *want;

	for (size_t i = 0; i < info->nsnapshot_files && !data; i++)
		if (info->snapshot_files[i].snapshot &&
		    !strcmp(info->snapshot_files[i].snapshot, moref))
			data = file_by_key(info, info->snapshot_files[i].data_key);
	if (!data || !data->name) {
		vsnap__error_set(VSNAP_ENOTFOUND, VSNAP_ERRCLASS_ESX,
			"snapshot '%s': the VM's layoutEx names no .vmsn for it", label);
		return NULL;
	}
	if (!(want = png_name(data->name)))
		return NULL;
	for (size_t i = 0; i < info->nfiles; i++) {
		const vsnap_vs_file *f = &info->files[i];
		if (f->name && f->type && !strcmp(f->type, "screenshot") && !strcmp(f->name, want)) {
			free(want);
			return f;
		}
	}
	vsnap__error_set(VSNAP_ENOTFOUND, VSNAP_ERRCLASS_ESX,
		"snapshot '%s' has no screenshot: layoutEx lists no file '%s' of type 'screenshot' "
		"(ESX keeps one only for snapshots of a powered-on VM)", label, want);
	free(want);
	return NULL;
}

int esx_snapshot_screenshot(unsigned char **out, size_t *len, vsnap_domain *dom,
	const vsnap_snapshot_def *snap, const vsnap_forest_data *forest)
{
	esx_priv *priv = esx_priv_of(dom->conn);
	vsnap_vs_vm_info *info = NULL;
	const vsnap_vs_file *shot;
	vsnap_vs_moref vm;
	int rc;

	(void)forest;
	esx_vm_ref(&vm, dom);
	rc = vsnap__vs_vm_info(&info, priv->client, &vm, VSNAP_VS_INFO_LAYOUT);
	esx_sync_requests(dom->conn);
	if (rc < 0)
		return rc;
	if (!(shot = find_shot(info, snap->id ? snap->id : "", snap->name)))
		rc = vsnap_error_last()->code;
	else if ((rc = download(out, len, dom->conn, info->datacenter, shot->name)) < 0)
		vsnap__error_prefix("cannot download the screenshot %s", shot->name);
	vsnap__vs_vm_info_free(info);
	return rc;
}

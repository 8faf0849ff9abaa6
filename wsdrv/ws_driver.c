/*
 * ws_driver.c: the driver table of VMware Workstation / Fusion / Player VM folders.
 *   vmwarews:///PATH   vmwarefusion:///PATH   vmwareplayer:///PATH
 *   vmwarews:///session?root=DIR   (libvirt's vmware driver names; default root below)
 * PATH or DIR: one VM folder, a folder of VM folders, or a .vmx file. Read-only: every
 * changing operation refuses, since changing a VM needs vmrun and the product.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "wsdrv/ws_priv.h"
#include "core/error.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static vsnap_ws_conn *priv_of(vsnap_conn *conn)
{
	return conn->priv;
}

static const char *flavour_of(const char *scheme)
{
	if (!strcmp(scheme, "vmwarefusion"))
		return "Fusion";
	if (!strcmp(scheme, "vmwareplayer"))
		return "Player";
	return "Workstation";
}

/* Where the products keep VMs by default, for vmware*:///session without root=. */
static int default_root(char **out, const char *flavour)
{
	const char *home = getenv("HOME");

	if (!home || !*home)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_CONF,
			"no root= given and HOME is not set");
	if (asprintf(out, "%s/%s", home, strcmp(flavour, "Fusion") ? "vmware" :
		"Virtual Machines.localized") < 0) {
		*out = NULL;
		return vsnap__error_oom();
	}
	return 0;
}

static int ws_open(vsnap_conn *conn, const vsnap_uri *uri)
{
	vsnap_ws_conn *c;
	const char *root = vsnap__uri_param(uri, "root");
	char *path = NULL;
	int rc = 0;

	if (uri->host && *uri->host)
		return vsnap__error_set(VSNAP_EUNSUPPORTED, VSNAP_ERRCLASS_CONF,
			"URI '%s': VMware %s folders are local only (no host)", conn->uri,
			flavour_of(uri->scheme));
	if (!(c = calloc(1, sizeof(*c))))
		return vsnap__error_oom();
	c->flavour = flavour_of(uri->scheme);
	if (root)
		rc = vsnap__str_dup(&path, root);
	else if (!uri->path || !strcmp(uri->path, "/session") || !strcmp(uri->path, "/"))
		rc = default_root(&path, c->flavour);
	else
		rc = vsnap__str_dup(&path, uri->path);
	if (rc == 0 && path[0] != '/')
		rc = vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_CONF,
			"URI '%s': root '%s' must be an absolute path", conn->uri, path);
	if (rc == 0) {
		/* "/vms/" and "/vms" are one root: ids are paths below it. */
		size_t n = strlen(path);
		while (n > 1 && path[n - 1] == '/')
			path[--n] = '\0';
		if (access(path, R_OK) < 0)
			rc = vsnap__error_os("URI '%s': VM folder '%s'", conn->uri, path);
	}
	if (rc < 0) {
		free(path);
		free(c);
		return rc;
	}
	c->root = path;
	conn->priv = c;
	return 0;
}

static void ws_close(vsnap_conn *conn)
{
	vsnap_ws_conn *c = priv_of(conn);

	if (c)
		free(c->root);
	free(c);
	conn->priv = NULL;
}

static int ws_domain_list(vsnap_domain_info **out, size_t *count, vsnap_conn *conn,
	unsigned int flags)
{
	vsnap_ws_vm *vms = NULL;
	vsnap_domain_info *list = NULL;
	size_t n = 0, k = 0;
	int rc;

	if ((rc = vsnap__ws_scan(&vms, &n, priv_of(conn))) < 0)
		return rc;
	if (n && !(list = calloc(n, sizeof(*list))))
		rc = vsnap__error_oom();
	for (size_t i = 0; rc == 0 && i < n; i++) {
		vsnap_domain_info *info = &list[k];
		if ((rc = vsnap__ws_vm_info(info, &vms[i])) < 0)
			break;
		int active = info->state != VSNAP_DOMAIN_SHUTOFF;
		if (flags && !((flags & VSNAP_LIST_DOMAINS_ACTIVE) && active) &&
		    !((flags & VSNAP_LIST_DOMAINS_INACTIVE) && !active))
			vsnap_domain_info_clear(info);
		else
			k++;
	}
	vsnap__ws_vms_free(vms, n);
	if (rc < 0) {
		vsnap_domain_info_list_free(list, k);
		return rc;
	}
	*out = list;
	*count = k;
	return 0;
}

static int ws_domain_lookup(vsnap_domain_info *out, vsnap_conn *conn, const char *key)
{
	vsnap_ws_vm vm;
	int rc;

	if ((rc = vsnap__ws_find(&vm, priv_of(conn), key)) < 0)
		return rc;
	rc = vsnap__ws_vm_info(out, &vm);
	vsnap__ws_vm_clear(&vm);
	return rc;
}

static int ws_domain_get_info(vsnap_domain_info *out, vsnap_domain *dom)
{
	return ws_domain_lookup(out, dom->conn, dom->info.id);
}

static int ws_domain_get_xml(char **out, vsnap_domain *dom, unsigned int flags)
{
	vsnap_ws_vm vm;
	vsnap_domain_def *def = NULL;
	int rc;

	(void)flags;
	if ((rc = vsnap__ws_find(&vm, priv_of(dom->conn), dom->info.id)) < 0)
		return rc;
	if ((rc = vsnap__ws_vm_def(&def, &vm)) == 0)
		rc = vsnap__domain_def_format(out, def, 0, 0);
	vsnap__domain_def_free(def);
	vsnap__ws_vm_clear(&vm);
	return rc;
}

/* Every change: one clear refusal naming the product and the way to do it there. */
static int read_only(const vsnap_conn *conn, const char *what)
{
	const vsnap_ws_conn *c = conn->priv;

	return vsnap__error_set(VSNAP_EUNSUPPORTED, VSNAP_ERRCLASS_VMX,
		"read-only backend: vmrun is not available, so VMware %s folders cannot %s here "
		"(use VMware %s or vmrun on the host that runs it)", c->flavour, what, c->flavour);
}

static int ws_define(vsnap_domain_info *out, vsnap_conn *conn, const char *xml,
	unsigned int flags)
{
	(void)out, (void)xml, (void)flags;
	return read_only(conn, "define domains");
}

static int ws_undefine(vsnap_domain *dom, unsigned int flags)
{
	(void)flags;
	return read_only(dom->conn, "undefine domains");
}

static int ws_start(vsnap_domain *dom, unsigned int flags)
{
	(void)flags;
	return read_only(dom->conn, "start domains");
}

static int ws_shutdown(vsnap_domain *dom, unsigned int flags)
{
	(void)flags;
	return read_only(dom->conn, "shut domains down");
}

static int ws_destroy(vsnap_domain *dom, unsigned int flags)
{
	(void)flags;
	return read_only(dom->conn, "stop domains");
}

static int ws_suspend(vsnap_domain *dom, unsigned int flags)
{
	(void)flags;
	return read_only(dom->conn, "suspend domains");
}

static int ws_resume(vsnap_domain *dom, unsigned int flags)
{
	(void)flags;
	return read_only(dom->conn, "resume domains");
}

static int ws_reset(vsnap_domain *dom, unsigned int flags)
{
	(void)flags;
	return read_only(dom->conn, "reset domains");
}

static int ws_delete_all(vsnap_domain *dom, unsigned int flags)
{
	(void)flags;
	return read_only(dom->conn, "delete snapshots");
}

static int ws_consolidate(vsnap_domain *dom, unsigned int flags)
{
	(void)flags;
	return read_only(dom->conn, "consolidate disks");
}

static int ws_snapshot_create(char **name_out, vsnap_domain *dom,
	const vsnap_snapshot_def *def, unsigned int flags)
{
	(void)name_out, (void)def;
	return read_only(dom->conn, (flags & VSNAP_SNAPSHOT_CREATE_REDEFINE) ?
		"redefine snapshots" : "create snapshots");
}

static int ws_snapshot_revert(vsnap_domain *dom, const vsnap_snapshot_def *snap,
	const vsnap_forest_data *forest, unsigned int flags)
{
	(void)snap, (void)forest, (void)flags;
	return read_only(dom->conn, "revert to snapshots");
}

static int ws_snapshot_delete(vsnap_domain *dom, const vsnap_snapshot_def *snap,
	const vsnap_forest_data *forest, unsigned int flags)
{
	(void)snap, (void)forest, (void)flags;
	return read_only(dom->conn, "delete snapshots");
}

static int ws_snapshot_edit(vsnap_domain *dom, const vsnap_snapshot_def *snap,
	const char *new_name, const char *new_description)
{
	(void)snap, (void)new_name, (void)new_description;
	return read_only(dom->conn, "edit snapshots");
}

static int ws_needs_consolidation(int *out, vsnap_domain *dom)
{
	(void)dom;
	*out = 0;   /* consolidation is an ESX notion */
	return 0;
}

static int ws_domain_screenshot(unsigned char **out, size_t *len, vsnap_domain *dom,
	unsigned int screen)
{
	(void)out, (void)len, (void)screen;
	return read_only(dom->conn, "show a running VM's console (snapshot-screenshot reads "
		"the screenshots kept with snapshots)");
}

static const char *const ws_schemes[] = { "vmwarews", "vmwarefusion", "vmwareplayer", NULL };

const vsnap_driver vsnap__ws_driver = {
	.name = "vmwarews",
	.schemes = ws_schemes,
	.open = ws_open,
	.close = ws_close,
	.domain_list = ws_domain_list,
	.domain_lookup = ws_domain_lookup,
	.domain_get_info = ws_domain_get_info,
	.domain_get_xml = ws_domain_get_xml,
	.domain_define = ws_define,
	.domain_undefine = ws_undefine,
	.domain_start = ws_start,
	.domain_shutdown = ws_shutdown,
	.domain_destroy = ws_destroy,
	.domain_suspend = ws_suspend,
	.domain_resume = ws_resume,
	.domain_reset = ws_reset,
	.snapshot_load = vsnap__ws_snapshot_load,
	.snapshot_create = ws_snapshot_create,
	.snapshot_revert = ws_snapshot_revert,
	.snapshot_delete = ws_snapshot_delete,
	.snapshot_edit = ws_snapshot_edit,
	.snapshot_delete_all = ws_delete_all,
	.needs_consolidation = ws_needs_consolidation,
	.consolidate = ws_consolidate,
	.domain_screenshot = ws_domain_screenshot,
	.snapshot_screenshot = vsnap__ws_snapshot_screenshot,
};

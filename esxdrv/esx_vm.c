/*
 * Finding VMs and reading them: the one-read cache described in esx_private.h, and the
 * lookup by key (vsphere/vmfind.c: name, MoRef, UUID, inventory path; a duplicated name is
 * VSNAP_EAMBIGUOUS, listing the MoRefs).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "esxdrv/esx_private.h"
#include "core/error.h"

#include <stdlib.h>
#include <string.h>
#include <stdio.h>

void esx_info_forget(esx_priv *priv)
{
	vsnap__vs_vm_info_free(priv->info);
	priv->info = NULL;
}

void esx_info_keep(vsnap_conn *conn, vsnap_vs_vm_info *info)
{
	esx_priv *priv = esx_priv_of(conn);

	esx_info_forget(priv);
	priv->info = info;
	priv->info_stamp = vsnap__vs_request_count(priv->client);
	priv->info_time_ms = esx_now_ms();
}

static int info_fresh(const esx_priv *priv, const char *moref)
{
	return priv->info && priv->info->vm.moref.value && moref &&
		strcmp(priv->info->vm.moref.value, moref) == 0 &&
		priv->info_stamp == vsnap__vs_request_count(priv->client) &&
		esx_now_ms() - priv->info_time_ms <= ESX_INFO_MAX_AGE_MS;
}

static int fetch(vsnap_conn *conn, const char *moref)
{
	esx_priv *priv = esx_priv_of(conn);
	vsnap_vs_moref ref = { (char *)"VirtualMachine", (char *)moref };
	vsnap_vs_vm_info *info = NULL;
	int rc = vsnap__vs_vm_info(&info, priv->client, &ref, 0);

	esx_sync_requests(conn);
	if (rc)
		return rc;
	esx_info_keep(conn, info);
	return 0;
}

int esx_info_get(const vsnap_vs_vm_info **out, vsnap_conn *conn, const char *moref)
{
	esx_priv *priv = esx_priv_of(conn);
	int rc;

	*out = NULL;
	if (!info_fresh(priv, moref) && (rc = fetch(conn, moref)))
		return vsnap__error_prefix("cannot read VM %s", moref);
	*out = priv->info;
	return 0;
}

void esx_vm_ref(vsnap_vs_moref *out, const vsnap_domain *dom)
{
	out->type = (char *)"VirtualMachine";
	out->value = dom->info.id;
}

static int ambiguous(const char *key, vsnap_vs_vm_info **infos, size_t n)
{
	char list[512] = "";
	size_t used = 0;

	for (size_t i = 0; i < n && used < sizeof(list) - 1; i++)
		used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "",
			infos[i]->vm.moref.value);
	return vsnap__error_set(VSNAP_EAMBIGUOUS, VSNAP_ERRCLASS_ESX,
		"%zu VMs are named '%s' (MoRefs %s): name one by 'moref:VALUE', its UUID or its "
		"inventory path", n, key, list);
}

/*
 * Resolves the key without reading other VMs' snapshots, then reads the VM once
 * (vsnap__vs_vm_info_find); the read is cached for the next reader (esx_private.h).
 */
int esx_vm_find(const vsnap_vs_vm_info **out, vsnap_conn *conn, const char *key)
{
	esx_priv *priv = esx_priv_of(conn);
	vsnap_vs_vm_info **infos = NULL;
	size_t n = 0;
	int rc;

	*out = NULL;
	rc = vsnap__vs_vm_info_find(&infos, &n, priv->client, key, priv->host_moref, 0);
	esx_sync_requests(conn);
	if (rc)
		return vsnap__error_prefix("cannot look up VM '%s' on %s", key, conn->uri);
	if (n == 0)
		rc = vsnap__error_set(VSNAP_ENOTFOUND, VSNAP_ERRCLASS_ESX,
			"no VM with name, UUID, MoRef or inventory path '%s' on %s", key, conn->uri);
	else if (n > 1)
		rc = ambiguous(key, infos, n);
	if (rc == 0) {
		esx_info_keep(conn, infos[0]);
		infos[0] = NULL;
		*out = priv->info;
	}
	vsnap__vs_vm_infos_free(infos, n);
	return rc;
}

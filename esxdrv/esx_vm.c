/*
 * Finding VMs and reading them: the one-read cache described in esx_private.h, and the
 * lookup by MoRef, UUID or name (duplicate names are VSNAP_EAMBIGUOUS, listing MoRefs).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "esxdrv/esx_private.h"
#include "core/error.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

/* vpx:// sees only the VMs of the host its URI names. */
static int in_scope(const esx_priv *priv, const vsnap_vs_vm *vm)
{
	return !priv->host_moref || (vm->host && strcmp(vm->host, priv->host_moref) == 0);
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

/* ESX host agents number VMs ("42"); vCenter names them "vm-42". */
static int looks_like_moref(const char *key)
{
	const char *p = key;

	if (strncmp(p, "vm-", 3) == 0)
		p += 3;
	if (!*p)
		return 0;
	for (; *p; p++)
		if (!isdigit((unsigned char)*p))
			return 0;
	return 1;
}

/* 1 when the last error is the vSphere fault `name`. */
static int fault_is(const char *name)
{
	const vsnap_error *e = vsnap_error_last();

	return e->fault && strcmp(e->fault, name) == 0;
}

static int ambiguous(const char *key, vsnap_vs_vm_info **infos, size_t n)
{
	char list[512] = "";
	size_t used = 0;

	for (size_t i = 0; i < n && used < sizeof(list) - 1; i++)
		used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "",
			infos[i]->vm.moref.value);
	return vsnap__error_set(VSNAP_EAMBIGUOUS, VSNAP_ERRCLASS_ESX,
		"%zu VMs are named '%s' (MoRefs %s): name one by its MoRef or UUID", n, key, list);
}

/*
 * One read over all VMs (of the URI's host on vpx://) that returns the matches with their
 * forests: the lookup and the next snapshot_load share it (esx_private.h).
 */
static int by_search(const vsnap_vs_vm_info **out, vsnap_conn *conn, const char *key)
{
	esx_priv *priv = esx_priv_of(conn);
	vsnap_vs_vm_info **infos = NULL;
	size_t n = 0, pick = 0, nmoref = 0, nuuid = 0;
	int rc = vsnap__vs_vm_info_find(&infos, &n, priv->client, key, priv->host_moref, 0);

	esx_sync_requests(conn);
	if (rc)
		return vsnap__error_prefix("cannot look up VM '%s' on %s", key, conn->uri);
	/* A MoRef or UUID match is unique by nature and wins over names. */
	for (size_t i = 0; i < n; i++) {
		const vsnap_vs_vm *vm = &infos[i]->vm;

		if (vm->moref.value && strcmp(vm->moref.value, key) == 0)
			pick = i, nmoref++;
		else if (!nmoref && vm->uuid && strcasecmp(vm->uuid, key) == 0)
			pick = i, nuuid++;
	}
	if (n == 0)
		rc = vsnap__error_set(VSNAP_ENOTFOUND, VSNAP_ERRCLASS_ESX,
			"no VM with name, UUID or MoRef '%s' on %s", key, conn->uri);
	else if (n > 1 && nmoref != 1 && nuuid != 1)
		rc = ambiguous(key, infos, n);
	if (rc == 0) {
		esx_info_keep(conn, infos[pick]);
		infos[pick] = NULL;
		*out = priv->info;
	}
	vsnap__vs_vm_infos_free(infos, n);
	return rc;
}

int esx_vm_find(const vsnap_vs_vm_info **out, vsnap_conn *conn, const char *key)
{
	esx_priv *priv = esx_priv_of(conn);

	*out = NULL;
	if (looks_like_moref(key)) {
		const vsnap_vs_vm_info *info = NULL;

		if (esx_info_get(&info, conn, key) == 0) {
			if (in_scope(priv, &info->vm)) {
				*out = info;
				return 0;
			}
		} else if (!fault_is("ManagedObjectNotFound")) {
			return vsnap_error_last()->code;
		}
		/* Not a VM MoRef after all (or not on this host): it may still be a name. */
	}
	return by_search(out, conn, key);
}

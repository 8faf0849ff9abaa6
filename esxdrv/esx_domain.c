/*
 * Domains on ESX: listing, lookup, information, power operations and the domain XML (the
 * VM's .vmx downloaded from its datastore and translated by the vmx layer).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "esxdrv/esx_private.h"
#include "core/error.h"
#include "vsnap/vmx.h"

#include <stdlib.h>
#include <string.h>

int esx_domain_list(vsnap_domain_info **out, size_t *count, vsnap_conn *conn,
	unsigned int flags)
{
	esx_priv *priv = esx_priv_of(conn);
	vsnap_vs_vm *vms = NULL;
	vsnap_domain_info *list = NULL;
	size_t n = 0, kept = 0;
	int rc = vsnap__vs_vm_list(&vms, &n, priv->client);

	esx_sync_requests(conn);
	if (rc)
		return vsnap__error_prefix("cannot list the VMs of %s", conn->uri);
	if (n && !(list = calloc(n, sizeof(*list)))) {
		vsnap__vs_vms_free(vms, n);
		return vsnap__error_oom();
	}
	for (size_t i = 0; i < n; i++) {
		int state = esx_power_to_domain_state(vms[i].power_state);
		int active = state == VSNAP_DOMAIN_RUNNING || state == VSNAP_DOMAIN_PAUSED;

		if (priv->host_moref && (!vms[i].host || strcmp(vms[i].host, priv->host_moref)))
			continue;
		if (flags && !((flags & VSNAP_LIST_DOMAINS_ACTIVE) && active) &&
			!((flags & VSNAP_LIST_DOMAINS_INACTIVE) && !active))
			continue;
		if ((rc = esx_vm_to_info(&list[kept], &vms[i], -1)))
			break;
		kept++;
	}
	vsnap__vs_vms_free(vms, n);
	if (rc) {
		vsnap_domain_info_list_free(list, kept);
		return rc;
	}
	*out = list;
	*count = kept;
	return 0;
}

int esx_domain_lookup(vsnap_domain_info *out, vsnap_conn *conn, const char *key)
{
	const vsnap_vs_vm_info *info = NULL;
	int rc = esx_vm_find(&info, conn, key);

	if (rc)
		return rc;
	return esx_vm_to_info(out, &info->vm, info->nroots > 0);
}

int esx_domain_get_info(vsnap_domain_info *out, vsnap_domain *dom)
{
	const vsnap_vs_vm_info *info = NULL;
	int rc = esx_info_get(&info, dom->conn, dom->info.id);

	if (rc)
		return vsnap_error_last()->code;
	if ((rc = esx_vm_to_info(out, &info->vm, info->nroots > 0)))
		return rc;
	dom->info.state = out->state;
	return 0;
}

int esx_domain_get_xml(char **out, vsnap_domain *dom, unsigned int flags)
{
	esx_priv *priv = esx_priv_of(dom->conn);
	const vsnap_vs_vm_info *info = NULL;
	vsnap_vmx_options vo;
	char *vmx = NULL, *filled = NULL, *dir = NULL, *slash;
	size_t len = 0;
	int rc;

	(void)flags;
	vsnap_vmx_options_init(&vo, VSNAP_VMX_OPTIONS_VERSION);
	if ((rc = esx_info_get(&info, dom->conn, dom->info.id)))
		return vsnap_error_last()->code;
	if (!info->datacenter) {
		/* A lookup read from a vpx host walks no datacenter: read the VM itself. */
		esx_info_forget(priv);
		if ((rc = esx_info_get(&info, dom->conn, dom->info.id)))
			return vsnap_error_last()->code;
	}
	/* An inaccessible or orphaned VM (its datastore gone) has no config: nothing to read. */
	if (!info->vm.vmx_path)
		return vsnap__error_set(VSNAP_ENOTFOUND, VSNAP_ERRCLASS_ESX,
			"VM '%s': the server reports no configuration (config.files.vmPathName is "
			"unset): is the VM inaccessible or orphaned?", dom->info.name);
	if (!info->datacenter)
		return vsnap__error_set(VSNAP_ENOTFOUND, VSNAP_ERRCLASS_ESX,
			"VM '%s': the server did not report the datacenter it is in", dom->info.name);
	/* The vmx layer resolves bare disk names against "[ds] dir", the .vmx's directory. */
	if (!(dir = strdup(info->vm.vmx_path)))
		return vsnap__error_oom();
	if ((slash = strrchr(dir, '/')))
		*slash = '\0';
	vo.datastore_dir = dir;
	vo.datacenter_path = info->datacenter;
	vo.source_name = info->vm.vmx_path;
	rc = vsnap__vs_datastore_get(&vmx, &len, priv->client, info->datacenter,
		info->vm.vmx_path);
	esx_sync_requests(dom->conn);
	if (rc)
		vsnap__error_prefix("cannot download %s", info->vm.vmx_path);
	else if (!(rc = esx_vmx_fill(&filled, &len, dom->conn, &info->vm, vmx, len)) &&
		 (rc = vsnap_vmx_to_domain_xml(out, NULL, filled, len, &vo, 0)))
		vsnap__error_prefix("cannot translate %s", info->vm.vmx_path);
	free(filled);
	free(vmx);
	free(dir);
	return rc;
}

/* Every power operation: one vSphere call, the cache dropped, the state noted. */
static int power(vsnap_domain *dom, vsnap_vs_power_op op, int new_state)
{
	esx_priv *priv = esx_priv_of(dom->conn);
	vsnap_vs_moref vm;
	int rc;

	esx_vm_ref(&vm, dom);
	esx_info_forget(priv);
	rc = vsnap__vs_vm_power(priv->client, &vm, op);
	esx_sync_requests(dom->conn);
	if (rc == 0 && new_state != VSNAP_DOMAIN_NOSTATE)
		dom->info.state = new_state;
	return rc;
}

int esx_domain_start(vsnap_domain *dom, unsigned int flags)
{
	if (flags & VSNAP_DOMAIN_START_PAUSED)
		return vsnap__error_set(VSNAP_EUNSUPPORTED, VSNAP_ERRCLASS_ESX,
			"ESX cannot start VM '%s' paused: powering on always runs the guest "
			"(suspend it once it runs)", dom->info.name);
	return power(dom, VSNAP_VS_POWER_ON, VSNAP_DOMAIN_RUNNING);
}

int esx_domain_shutdown(vsnap_domain *dom, unsigned int flags)
{
	/* ShutdownGuest asks VMware Tools and returns at once: the state is not known yet. */
	(void)flags;
	return power(dom, VSNAP_VS_POWER_SHUTDOWN_GUEST, VSNAP_DOMAIN_NOSTATE);
}

int esx_domain_destroy(vsnap_domain *dom, unsigned int flags)
{
	(void)flags;
	return power(dom, VSNAP_VS_POWER_OFF, VSNAP_DOMAIN_SHUTOFF);
}

int esx_domain_suspend(vsnap_domain *dom, unsigned int flags)
{
	/* As libvirt's ESX driver: "suspend" is SuspendVM, which reads back as paused. */
	(void)flags;
	return power(dom, VSNAP_VS_POWER_SUSPEND, VSNAP_DOMAIN_PAUSED);
}

int esx_domain_resume(vsnap_domain *dom, unsigned int flags)
{
	const vsnap_vs_vm_info *info = NULL;

	/* PowerOnVM would also start a VM that is off: resume only what is suspended. */
	(void)flags;
	if (esx_info_get(&info, dom->conn, dom->info.id))
		return vsnap_error_last()->code;
	if (esx_power_to_domain_state(info->vm.power_state) != VSNAP_DOMAIN_PAUSED)
		return vsnap__error_set(VSNAP_EOPERATION, VSNAP_ERRCLASS_ESX,
			"VM is not suspended (power state %s)",
			info->vm.power_state ? info->vm.power_state : "unknown");
	return power(dom, VSNAP_VS_POWER_ON, VSNAP_DOMAIN_RUNNING);
}

int esx_domain_reset(vsnap_domain *dom, unsigned int flags)
{
	(void)flags;
	return power(dom, VSNAP_VS_POWER_RESET, VSNAP_DOMAIN_RUNNING);
}

/*
 * Revert on ESX. The server applies the power state recorded in the snapshot: a memory
 * snapshot of a running VM powers the VM on, a suspended one leaves it suspended, a
 * powered-off (or memory-less) one leaves it off. On top of that:
 *  - the safety valve of seed 001: reverting a running VM to a snapshot without memory
 *    throws its running state away, so it needs VSNAP_SNAPSHOT_REVERT_FORCE;
 *  - RUNNING / PAUSED (PAUSED = suspended on ESX) are carried out with power operations
 *    after the revert, from the power state read back once the revert is done.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "esxdrv/esx_private.h"
#include "core/error.h"

#include <string.h>

static int power_op(vsnap_domain *dom, const vsnap_snapshot_def *snap, vsnap_vs_power_op op,
	const char *what)
{
	esx_priv *priv = esx_priv_of(dom->conn);
	vsnap_vs_moref vm;
	int rc;

	esx_vm_ref(&vm, dom);
	if ((rc = vsnap__vs_vm_power(priv->client, &vm, op)))
		vsnap__error_prefix("VM '%s' was reverted to snapshot '%s', but %s failed",
			dom->info.name, snap->name, what);
	return rc;
}

/* Brings the VM from its post-revert power state to running or suspended. */
static int reach_state(vsnap_domain *dom, const vsnap_snapshot_def *snap, int want)
{
	const vsnap_vs_vm_info *info = NULL;
	int now, rc = 0;

	if (esx_info_get(&info, dom->conn, dom->info.id))
		return vsnap__error_prefix("VM '%s' was reverted to snapshot '%s', but reading its "
			"power state failed", dom->info.name, snap->name);
	now = esx_power_to_domain_state(info->vm.power_state);
	esx_info_forget(esx_priv_of(dom->conn));
	if (now != VSNAP_DOMAIN_RUNNING && !(want == VSNAP_DOMAIN_PAUSED && now == want))
		rc = power_op(dom, snap, VSNAP_VS_POWER_ON, "powering it on");
	if (rc == 0 && want == VSNAP_DOMAIN_PAUSED && now != VSNAP_DOMAIN_PAUSED)
		rc = power_op(dom, snap, VSNAP_VS_POWER_SUSPEND, "suspending it (--paused)");
	if (rc == 0)
		dom->info.state = want;
	return rc;
}

int esx_snapshot_revert(vsnap_domain *dom, const vsnap_snapshot_def *snap,
	const vsnap_forest_data *forest, unsigned int flags)
{
	esx_priv *priv = esx_priv_of(dom->conn);
	const vsnap_vs_vm_info *info = NULL;
	vsnap_vs_moref ref = esx_snapshot_ref(snap->id);
	int active, has_memory, rc;

	(void)forest;
	if ((flags & VSNAP_SNAPSHOT_REVERT_RUNNING) && (flags & VSNAP_SNAPSHOT_REVERT_PAUSED))
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"--running and --paused exclude each other");
	/* The forest was read just before: the VM's power state comes with it. */
	if ((rc = esx_info_get(&info, dom->conn, dom->info.id)))
		return vsnap_error_last()->code;
	/* A suspended VM holds guest state too: losing it needs --force as for a running one. */
	active = esx_power_to_domain_state(info->vm.power_state);
	has_memory = snap->state == VSNAP_SNAPSHOT_RUNNING || snap->state == VSNAP_SNAPSHOT_PAUSED;
	if ((active == VSNAP_DOMAIN_RUNNING || active == VSNAP_DOMAIN_PAUSED) && !has_memory &&
	    !(flags & VSNAP_SNAPSHOT_REVERT_FORCE))
		return vsnap__error_set(VSNAP_EOPERATION, VSNAP_ERRCLASS_SNAPSHOT,
			"VM '%s' is %s and snapshot '%s' holds no memory state (%s): reverting "
			"powers the VM off and loses its %s state, which only a forced revert does",
			dom->info.name, active == VSNAP_DOMAIN_RUNNING ? "running" : "suspended",
			snap->name, vsnap_snapshot_state_name(snap->state),
			active == VSNAP_DOMAIN_RUNNING ? "running" : "suspended");
	esx_info_forget(priv);
	rc = vsnap__vs_snapshot_revert(priv->client, &ref, -1, NULL);
	/* On failure core names the domain and the snapshot, vsphere/ the MoRef and the fault. */
	if (rc == 0 && (flags & (VSNAP_SNAPSHOT_REVERT_RUNNING | VSNAP_SNAPSHOT_REVERT_PAUSED))) {
		rc = reach_state(dom, snap, (flags & VSNAP_SNAPSHOT_REVERT_RUNNING) ?
			VSNAP_DOMAIN_RUNNING : VSNAP_DOMAIN_PAUSED);
	} else if (rc == 0) {
		/* What ESX does by itself (see the header comment). */
		dom->info.state = snap->state == VSNAP_SNAPSHOT_RUNNING ? VSNAP_DOMAIN_RUNNING :
			snap->state == VSNAP_SNAPSHOT_PAUSED ? VSNAP_DOMAIN_PAUSED : VSNAP_DOMAIN_SHUTOFF;
	}
	esx_sync_requests(dom->conn);
	return rc;
}

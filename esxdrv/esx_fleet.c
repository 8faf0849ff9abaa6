/*
 * The ESX driver's fleet primitives (core/fleet.h): the VMs under an inventory container, a
 * bulk read of many VMs' forests and file layouts, and tasks started without waiting and
 * waited for together (vsphere/taskset.c). The checks of the single-VM operations (a name
 * already taken, a risky revert without --force) are made here from the bulk read, before any
 * task starts; what needs more than one task per VM (--halt, --running/--paused) goes back to
 * core, which runs it through the single-VM path.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "esxdrv/esx_private.h"
#include "core/error.h"
#include "core/fleet.h"
#include "core/forest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The container an inventory path names; none (value NULL) means the root, or the host of a
 * vpx:// URI. */
static int container_of(vsnap_vs_moref *where, vsnap_conn *conn, const char *folder)
{
	esx_priv *priv = esx_priv_of(conn);
	int rc = 0;

	where->type = where->value = NULL;
	if (folder) {
		/* SearchIndex paths have no leading slash: "DC0/vm/web". */
		while (*folder == '/')
			folder++;
		if ((rc = vsnap__vs_find_by_path(where, priv->client, folder)) == VSNAP_ENOTFOUND)
			rc = vsnap__error_set(VSNAP_ENOTFOUND, VSNAP_ERRCLASS_ESX,
				"no inventory object at '/%s' (give a path such as /DC/vm/folder, "
				"/DC/host/cluster or /DC/host/cluster/host)", folder);
	} else if (priv->host_moref) {
		rc = vsnap__vs_moref_set(where, "HostSystem", priv->host_moref);
	}
	return rc;
}

int esx_inventory_list(vsnap_domain_info **out, size_t *count, vsnap_conn *conn,
	const char *folder)
{
	esx_priv *priv = esx_priv_of(conn);
	vsnap_vs_moref where;
	vsnap_vs_vm *vms = NULL;
	size_t n = 0, k = 0;
	int rc;

	*out = NULL;
	*count = 0;
	if ((rc = container_of(&where, conn, folder)) == 0)
		rc = vsnap__vs_inventory_list(&vms, &n, priv->client, where.value ? &where : NULL);
	vsnap__vs_moref_clear(&where);
	esx_sync_requests(conn);
	if (rc == 0 && n && !(*out = calloc(n, sizeof(**out))))
		rc = vsnap__error_oom();
	for (size_t i = 0; rc == 0 && i < n; i++) {
		/* Templates cannot have snapshots: they are not domains to act on. */
		if (vms[i].is_template == 1)
			continue;
		if ((rc = esx_vm_to_info(&(*out)[k], &vms[i], -1)) < 0)
			vsnap__error_oom();
		else
			k++;
	}
	vsnap__vs_vms_free(vms, n);
	if (rc < 0) {
		vsnap_domain_info_list_free(*out, k);
		*out = NULL;
		return rc;
	}
	*count = k;
	return 0;
}

/* The bytes of layoutEx file `key`, or -1. */
static long long file_size(const vsnap_vs_vm_info *info, int key)
{
	for (size_t i = 0; i < info->nfiles; i++)
		if (info->files[i].key == key)
			return info->files[i].size;
	return -1;
}

static const vsnap_vs_snapshot_layout *layout_of(const vsnap_vs_vm_info *info, const char *moref)
{
	for (size_t i = 0; moref && i < info->nsnapshot_files; i++)
		if (info->snapshot_files[i].snapshot &&
		    !strcmp(info->snapshot_files[i].snapshot, moref))
			return &info->snapshot_files[i];
	return NULL;
}

/* Bytes of the files among `keys` that `except` (sorted keys) does not hold. */
static long long files_beyond(const vsnap_vs_vm_info *info, const int *keys, size_t n,
	const int *except, size_t nexcept)
{
	long long total = 0, size;

	for (size_t i = 0; i < n; i++)
		if (!vsnap__vs_has_key(except, nexcept, keys[i]) &&
		    (size = file_size(info, keys[i])) > 0)
			total += size;
	return total;
}

/*
 * The bytes a snapshot holds, from layoutEx (govc's reckoning, and the memory file besides):
 * its state (.vmsn) and memory (.vmem) files; the delta disks its chains have beyond its
 * parent's, i.e. what was written between the two (a root's chains are the VM's base disks,
 * not snapshot data); and for the current snapshot, the running deltas, the files of the
 * chains in use that no snapshot's chains hold (what was written since). -1: not in layoutEx.
 */
static long long snapshot_size(const vsnap_vs_vm_info *info, const char *moref,
	const char *parent, int is_current)
{
	const vsnap_vs_snapshot_layout *l = layout_of(info, moref), *p = layout_of(info, parent);
	long long data, mem, total;

	if (!l || (data = file_size(info, l->data_key)) < 0)
		return -1;
	mem = l->memory_key >= 0 ? file_size(info, l->memory_key) : 0;
	total = data + (mem > 0 ? mem : 0);
	if (p)
		total += files_beyond(info, l->disk_files, l->ndisk_files, p->disk_files,
			p->ndisk_files);
	if (is_current)
		for (size_t i = 0; i < info->ndisk_files; i++) {
			int key = info->disk_files[i], held = 0;
			long long size;

			for (size_t j = 0; j < info->nsnapshot_files && !held; j++)
				held = vsnap__vs_has_key(info->snapshot_files[j].disk_files,
					info->snapshot_files[j].ndisk_files, key);
			if (!held && (size = file_size(info, key)) > 0)
				total += size;
		}
	return total;
}

static int fill_entry(vsnap__inventory_entry *e, const vsnap_vs_vm_info *info)
{
	int rc;

	if (!info) {
		e->code = VSNAP_ENOTFOUND;
		return asprintf(&e->message, "VM '%s' (%s) is gone: the server returned nothing "
			"for it", e->info.name, e->info.id) < 0 ? (e->message = NULL,
			vsnap__error_oom()) : 0;
	}
	e->info.state = esx_power_to_domain_state(info->vm.power_state);
	e->consolidation_needed = info->vm.consolidation_needed;
	if ((rc = esx_forest_from_info(&e->forest, info)) < 0)
		return rc;
	if (e->forest.count && !(e->bytes = calloc(e->forest.count, sizeof(*e->bytes))))
		return vsnap__error_oom();
	for (size_t j = 0; j < e->forest.count; j++) {
		const vsnap_snapshot_def *d = e->forest.defs[j];

		e->bytes[j] = snapshot_size(info, d->id, d->parent, e->forest.current_id &&
			d->id && !strcmp(d->id, e->forest.current_id));
	}
	return 0;
}

int esx_inventory_read(vsnap__inventory_entry *entries, size_t n, vsnap_conn *conn)
{
	esx_priv *priv = esx_priv_of(conn);
	vsnap_vs_moref *refs = calloc(n + 1, sizeof(*refs));
	vsnap_vs_vm_info **infos = NULL;
	int rc;

	if (!refs)
		return vsnap__error_oom();
	for (size_t i = 0; i < n; i++) {
		refs[i].type = (char *)"VirtualMachine";
		refs[i].value = entries[i].info.id;
	}
	rc = vsnap__vs_inventory_read(&infos, priv->client, refs, n);
	esx_sync_requests(conn);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = fill_entry(&entries[i], infos[i]);
	if (infos)
		vsnap__vs_vm_infos_free(infos, n);
	free(refs);
	return rc;
}

int esx_inventory_scan(vsnap__inventory_entry **out, size_t *count, vsnap_conn *conn,
	const char *folder)
{
	esx_priv *priv = esx_priv_of(conn);
	vsnap_vs_moref where;
	vsnap_vs_vm_info **infos = NULL;
	size_t n = 0, k = 0;
	int rc;

	*out = NULL;
	*count = 0;
	if ((rc = container_of(&where, conn, folder)) == 0)
		rc = vsnap__vs_inventory_scan(&infos, &n, priv->client, where.value ? &where : NULL);
	vsnap__vs_moref_clear(&where);
	esx_sync_requests(conn);
	if (rc == 0 && n && !(*out = calloc(n, sizeof(**out))))
		rc = vsnap__error_oom();
	for (size_t i = 0; rc == 0 && i < n; i++) {
		vsnap__inventory_entry *e = &(*out)[k];

		if (infos[i]->vm.is_template == 1)
			continue;
		k++;
		if ((rc = esx_vm_to_info(&e->info, &infos[i]->vm, -1)) < 0)
			rc = vsnap__error_oom();
		else
			rc = fill_entry(e, infos[i]);
	}
	vsnap__vs_vm_infos_free(infos, n);
	if (rc < 0) {
		for (size_t i = 0; i < k; i++)
			vsnap__inventory_entry_clear(&(*out)[i]);
		free(*out);
		*out = NULL;
		return rc;
	}
	*count = k;
	return 0;
}

/* ---- tasks ---- */

static int name_taken(const vsnap_forest *forest, const char *name)
{
	for (size_t i = 0; forest && i < vsnap_forest_count(forest); i++)
		if (!strcmp(vsnap_snapshot_name(vsnap_forest_at(forest, i)), name))
			return 1;
	return 0;
}

/* The request for `job`, or 1 when core must run it the single-VM way. */
static int build_request(vsnap_vs_task_request *req, char **wire, const vsnap__fleet_job *j)
{
	int state = j->dom->state;
	vsnap_snapshot *snap = NULL;

	memset(req, 0, sizeof(*req));
	switch (j->op) {
	case VSNAP_FLEET_CREATE:
		if (j->flags & ~(unsigned int)(VSNAP_SNAPSHOT_CREATE_DISK_ONLY |
				VSNAP_SNAPSHOT_CREATE_QUIESCE | VSNAP_SNAPSHOT_CREATE_ATOMIC |
				VSNAP_SNAPSHOT_CREATE_LIVE))
			return 1;
		if (name_taken(j->forest, j->snapshot_name))
			return vsnap__error_set(VSNAP_EEXISTS, VSNAP_ERRCLASS_SNAPSHOT,
				"VM '%s' has a snapshot named '%s' already", j->dom->name,
				j->snapshot_name);
		req->kind = VSNAP_VS_TASK_CREATE;
		req->description = j->description ? j->description : "";
		req->b1 = !(j->flags & VSNAP_SNAPSHOT_CREATE_DISK_ONLY) &&
			state == VSNAP_DOMAIN_RUNNING;
		req->b2 = (j->flags & VSNAP_SNAPSHOT_CREATE_QUIESCE) != 0;
		if (esx_name_encode(wire, j->snapshot_name) < 0)
			return VSNAP_ENOMEM;
		req->name = *wire;
		return 0;
	case VSNAP_FLEET_REVERT:
		if (j->flags & (VSNAP_SNAPSHOT_REVERT_RUNNING | VSNAP_SNAPSHOT_REVERT_PAUSED))
			return 1;
		if (vsnap_forest_lookup(&snap, j->forest, j->snapshot_id) < 0)
			return vsnap_error_last()->code;
		if ((state == VSNAP_DOMAIN_RUNNING || state == VSNAP_DOMAIN_PAUSED) &&
		    !vsnap_snapshot_has_memory(snap) && !(j->flags & VSNAP_SNAPSHOT_REVERT_FORCE))
			return vsnap__error_set(VSNAP_EOPERATION, VSNAP_ERRCLASS_SNAPSHOT,
				"VM '%s' is %s and snapshot '%s' holds no memory state: reverting "
				"powers the VM off and loses its state; use --force to revert anyway",
				j->dom->name, state == VSNAP_DOMAIN_RUNNING ? "running" : "suspended",
				j->snapshot_name);
		req->kind = VSNAP_VS_TASK_REVERT;
		return 0;
	case VSNAP_FLEET_DELETE:
		if (j->flags & ~(unsigned int)(VSNAP_SNAPSHOT_DELETE_CHILDREN |
				VSNAP_SNAPSHOT_DELETE_NO_CONSOLIDATE))
			return 1;
		req->kind = VSNAP_VS_TASK_REMOVE;
		req->b1 = (j->flags & VSNAP_SNAPSHOT_DELETE_CHILDREN) != 0;
		req->b2 = (j->flags & VSNAP_SNAPSHOT_DELETE_NO_CONSOLIDATE) ? 0 : -1;
		return 0;
	case VSNAP_FLEET_DELETE_ALL:
		if (j->flags & ~(unsigned int)VSNAP_SNAPSHOT_DELETE_NO_CONSOLIDATE)
			return 1;
		req->kind = VSNAP_VS_TASK_REMOVE_ALL;
		req->b2 = (j->flags & VSNAP_SNAPSHOT_DELETE_NO_CONSOLIDATE) ? 0 : -1;
		return 0;
	default:
		req->kind = VSNAP_VS_TASK_CONSOLIDATE;
		return 0;
	}
}

int esx_task_start(vsnap_conn *conn, size_t slot, const vsnap__fleet_job *job)
{
	esx_priv *priv = esx_priv_of(conn);
	vsnap_vs_task_request req;
	vsnap_vs_moref vm = { (char *)"VirtualMachine", job->dom->id };
	vsnap_vs_moref snap = { (char *)"VirtualMachineSnapshot", (char *)job->snapshot_id };
	vsnap_vs_moref task = { NULL, NULL };
	char *wire = NULL;
	int rc;

	if ((rc = build_request(&req, &wire, job)) != 0) {
		free(wire);
		return rc;
	}
	req.obj = job->op == VSNAP_FLEET_REVERT || job->op == VSNAP_FLEET_DELETE ? &snap : &vm;
	if (!priv->fleet)
		rc = vsnap__vs_taskset_new(&priv->fleet);
	esx_info_forget(priv);
	if (rc == 0 && (rc = vsnap__vs_task_start(&task, priv->client, &req)) == 0)
		rc = vsnap__vs_taskset_add(priv->fleet, &task, slot);
	esx_sync_requests(conn);
	vsnap__vs_moref_clear(&task);
	free(wire);
	return rc;
}

int esx_task_wait(vsnap__task_end **ends, size_t *count, vsnap_conn *conn)
{
	esx_priv *priv = esx_priv_of(conn);
	vsnap_vs_task_end *vends = NULL;
	size_t n = 0;
	int rc;

	*ends = NULL;
	*count = 0;
	if (!priv->fleet)
		return 0;
	/* One second at most: a Ctrl-C is acted on within it. */
	rc = vsnap__vs_taskset_wait(&vends, &n, priv->fleet, priv->client, 1);
	esx_sync_requests(conn);
	if (rc == 0 && n && !(*ends = calloc(n, sizeof(**ends))))
		rc = vsnap__error_oom();
	for (size_t i = 0; i < n; i++) {
		if (rc == 0) {
			(*ends)[i].slot = vends[i].slot;
			(*ends)[i].code = vends[i].code;
			(*ends)[i].message = vends[i].message;
			(*ends)[i].cancelled = vends[i].cancelled;
		} else {
			free(vends[i].message);
		}
	}
	free(vends);
	if (rc == 0)
		*count = n;
	return rc;
}

void esx_task_cancel_all(vsnap_conn *conn)
{
	esx_priv *priv = esx_priv_of(conn);

	if (priv->fleet)
		vsnap__vs_taskset_cancel(priv->fleet, priv->client);
	esx_sync_requests(conn);
}

void esx_task_finish(vsnap_conn *conn)
{
	esx_priv *priv = esx_priv_of(conn);

	vsnap__vs_taskset_free(priv->fleet, priv->client);
	priv->fleet = NULL;
	esx_sync_requests(conn);
}

/*
 * Snapshots on ESX: load (the whole forest from one read), create, delete, rename, delete
 * all, and disk consolidation. Revert lives in esx_revert.c.
 * Every error names the VM and the snapshot over the vSphere fault the client reported.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "esxdrv/esx_private.h"
#include "core/error.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

int esx_snapshot_load(vsnap_forest_data *out, vsnap_domain *dom)
{
	const vsnap_vs_vm_info *info = NULL;

	if (esx_info_get(&info, dom->conn, dom->info.id))
		return vsnap_error_last()->code;
	dom->info.state = esx_power_to_domain_state(info->vm.power_state);
	return esx_forest_from_info(out, info);
}

/* 1 when a snapshot of the tree in `info` already has the plain-text `name`. */
static int name_taken(const vsnap_vs_vm_info *info, const char *name, const char *except_id)
{
	vsnap_forest_data data;
	int found = 0;

	if (esx_forest_from_info(&data, info))
		return -1;
	for (size_t i = 0; i < data.count && !found; i++)
		found = strcmp(data.defs[i]->name, name) == 0 &&
			(!except_id || strcmp(data.defs[i]->id, except_id) != 0);
	vsnap__forest_data_clear(&data);
	return found;
}

/* ESX decides disk participation by disk mode when the VM is defined: refuse per-snapshot
 * choices it cannot honour instead of ignoring them. */
static int check_create_input(const vsnap_snapshot_def *def, unsigned int flags)
{
	if (flags & VSNAP_SNAPSHOT_CREATE_REDEFINE)
		return vsnap__error_set(VSNAP_EUNSUPPORTED, VSNAP_ERRCLASS_SNAPSHOT,
			"ESX keeps its snapshot metadata itself: it cannot redefine a snapshot from XML");
	if (flags & VSNAP_SNAPSHOT_CREATE_NO_METADATA)
		return vsnap__error_set(VSNAP_EUNSUPPORTED, VSNAP_ERRCLASS_SNAPSHOT,
			"ESX cannot take a snapshot without recording it in its snapshot tree");
	if (flags & VSNAP_SNAPSHOT_CREATE_REUSE_EXT)
		return vsnap__error_set(VSNAP_EUNSUPPORTED, VSNAP_ERRCLASS_SNAPSHOT,
			"ESX names its delta disks itself: it cannot reuse existing files");
	if ((flags & VSNAP_SNAPSHOT_CREATE_DISK_ONLY) &&
		def && def->memory == VSNAP_SNAPSHOT_LOCATION_INTERNAL)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"a disk-only snapshot cannot include memory (<memory snapshot='internal'>)");
	if (def && (def->memory == VSNAP_SNAPSHOT_LOCATION_EXTERNAL ||
		def->memory == VSNAP_SNAPSHOT_LOCATION_MANUAL || def->memory_file))
		return vsnap__error_set(VSNAP_EUNSUPPORTED, VSNAP_ERRCLASS_SNAPSHOT,
			"ESX keeps snapshot memory next to the VM: <memory snapshot='external'> or a "
			"memory file cannot be honoured");
	for (size_t i = 0; def && i < def->ndisks; i++) {
		const vsnap_snapshot_disk_def *d = &def->disks[i];

		if (d->location == VSNAP_SNAPSHOT_LOCATION_NO ||
			d->location == VSNAP_SNAPSHOT_LOCATION_MANUAL || d->source_file)
			return vsnap__error_set(VSNAP_EUNSUPPORTED, VSNAP_ERRCLASS_SNAPSHOT,
				"disk '%s': ESX snapshots every disk that is not independent and names "
				"its delta files itself (set the disk mode in the VM instead)",
				d->name ? d->name : "?");
	}
	return 0;
}

int esx_snapshot_create(char **name_out, vsnap_domain *dom, const vsnap_snapshot_def *def,
	unsigned int flags)
{
	esx_priv *priv = esx_priv_of(dom->conn);
	const vsnap_vs_vm_info *info = NULL;
	vsnap_vs_moref vm;
	char gen[32], *wire = NULL;
	const char *name = def ? def->name : NULL;
	const char *desc = def ? def->description : NULL;
	int rc, state, memory, taken;

	if ((rc = check_create_input(def, flags)))
		return vsnap_error_last()->code;
	if (!name || !*name) {
		/* libvirt's default name: the creation time in seconds. */
		snprintf(gen, sizeof(gen), "%lld", (long long)time(NULL));
		name = gen;
	}
	/* The lookup just read the VM: its power state and tree come from that read. */
	if ((rc = esx_info_get(&info, dom->conn, dom->info.id)))
		return vsnap_error_last()->code;
	if ((taken = name_taken(info, name, NULL)) != 0)
		return taken < 0 ? vsnap_error_last()->code :
			vsnap__error_set(VSNAP_EEXISTS, VSNAP_ERRCLASS_SNAPSHOT,
				"VM '%s' has a snapshot named '%s' already", dom->info.name, name);
	state = esx_power_to_domain_state(info->vm.power_state);
	memory = !(flags & VSNAP_SNAPSHOT_CREATE_DISK_ONLY) &&
		!(def && def->memory == VSNAP_SNAPSHOT_LOCATION_NO) &&
		state == VSNAP_DOMAIN_RUNNING;
	if ((rc = esx_name_encode(&wire, name)))
		return rc;
	esx_vm_ref(&vm, dom);
	esx_info_forget(priv);
	rc = vsnap__vs_snapshot_create(NULL, priv->client, &vm, wire, desc ? desc : "", memory,
		(flags & VSNAP_SNAPSHOT_CREATE_QUIESCE) != 0);
	free(wire);
	if (rc == 0 && (flags & VSNAP_SNAPSHOT_CREATE_HALT) && state != VSNAP_DOMAIN_SHUTOFF) {
		if ((rc = vsnap__vs_vm_power(priv->client, &vm, VSNAP_VS_POWER_OFF)))
			vsnap__error_prefix("snapshot '%s' was created, but powering off (--halt) "
				"failed", name);
		else
			dom->info.state = VSNAP_DOMAIN_SHUTOFF;
	}
	esx_sync_requests(dom->conn);
	if (rc == 0 && name_out && !(*name_out = strdup(name)))
		return vsnap__error_oom();
	return rc;
}

int esx_snapshot_delete(vsnap_domain *dom, const vsnap_snapshot_def *snap,
	const vsnap_forest_data *forest, unsigned int flags)
{
	esx_priv *priv = esx_priv_of(dom->conn);
	int consolidate = (flags & VSNAP_SNAPSHOT_DELETE_NO_CONSOLIDATE) ? 0 : -1;
	int rc = 0;

	if (flags & VSNAP_SNAPSHOT_DELETE_METADATA_ONLY)
		return vsnap__error_set(VSNAP_EUNSUPPORTED, VSNAP_ERRCLASS_SNAPSHOT,
			"ESX cannot separate snapshot metadata from data");
	esx_info_forget(priv);
	if (flags & VSNAP_SNAPSHOT_DELETE_CHILDREN_ONLY) {
		/* Each child subtree in turn; the snapshot itself stays. */
		for (size_t i = 0; i < forest->count && rc == 0; i++) {
			const vsnap_snapshot_def *c = forest->defs[i];
			vsnap_vs_moref ref;

			if (!c->parent || strcmp(c->parent, snap->id) != 0)
				continue;
			ref = esx_snapshot_ref(c->id);
			if ((rc = vsnap__vs_snapshot_remove(priv->client, &ref, 1, consolidate)))
				vsnap__error_prefix("child snapshot '%s' (%s)", c->name, c->id);
		}
	} else {
		vsnap_vs_moref ref = esx_snapshot_ref(snap->id);
		int children = (flags & VSNAP_SNAPSHOT_DELETE_CHILDREN) != 0;

		if ((rc = vsnap__vs_snapshot_remove(priv->client, &ref, children, consolidate)))
			vsnap__error_prefix("snapshot %s%s", snap->id,
				children ? " and its children" : "");
	}
	esx_sync_requests(dom->conn);
	return rc;
}

int esx_snapshot_edit(vsnap_domain *dom, const vsnap_snapshot_def *snap,
	const char *new_name, const char *new_description)
{
	esx_priv *priv = esx_priv_of(dom->conn);
	const vsnap_vs_vm_info *info = NULL;
	vsnap_vs_moref ref = esx_snapshot_ref(snap->id);
	char *wire = NULL;
	int rc, taken;

	if (!new_name && !new_description)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"nothing to change");
	if (new_name) {
		if (!*new_name)
			return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
				"the new name is empty");
		if ((rc = esx_info_get(&info, dom->conn, dom->info.id)))
			return vsnap_error_last()->code;
		if ((taken = name_taken(info, new_name, snap->id)) != 0)
			return taken < 0 ? vsnap_error_last()->code :
				vsnap__error_set(VSNAP_EEXISTS, VSNAP_ERRCLASS_SNAPSHOT,
					"VM '%s' has a snapshot named '%s' already", dom->info.name, new_name);
		if ((rc = esx_name_encode(&wire, new_name)))
			return rc;
	}
	esx_info_forget(priv);
	rc = vsnap__vs_snapshot_rename(priv->client, &ref, wire, new_description);
	esx_sync_requests(dom->conn);
	free(wire);
	return rc;
}

int esx_snapshot_delete_all(vsnap_domain *dom, unsigned int flags)
{
	esx_priv *priv = esx_priv_of(dom->conn);
	vsnap_vs_moref vm;
	int rc;

	esx_vm_ref(&vm, dom);
	esx_info_forget(priv);
	rc = vsnap__vs_snapshot_remove_all(priv->client, &vm,
		(flags & VSNAP_SNAPSHOT_DELETE_NO_CONSOLIDATE) ? 0 : -1);
	esx_sync_requests(dom->conn);
	return rc;
}

int esx_needs_consolidation(int *out, vsnap_domain *dom)
{
	const vsnap_vs_vm_info *info = NULL;

	if (esx_info_get(&info, dom->conn, dom->info.id))
		return vsnap_error_last()->code;
	if (info->vm.consolidation_needed < 0)
		return vsnap__error_set(VSNAP_EUNSUPPORTED, VSNAP_ERRCLASS_ESX,
			"VM '%s': the server does not report runtime.consolidationNeeded "
			"(vSphere API 5.0 or later needed)", dom->info.name);
	*out = info->vm.consolidation_needed;
	return 0;
}

int esx_consolidate(vsnap_domain *dom, unsigned int flags)
{
	esx_priv *priv = esx_priv_of(dom->conn);
	vsnap_vs_moref vm;
	int rc;

	(void)flags;
	esx_vm_ref(&vm, dom);
	esx_info_forget(priv);
	rc = vsnap__vs_vm_consolidate(priv->client, &vm);
	esx_sync_requests(dom->conn);
	return rc;
}

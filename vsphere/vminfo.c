/*
 * vminfo.c: the VM reads of the ESX driver, each one property-collector request: all VMs
 * (traversal from the root folder), and one VM with its snapshot forest, its datacenter's name
 * (traversal up the parent chain) and optionally its disks and file layout.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/util.h"
#include "vsphere/internal.h"

static char *vm_paths[] = {
	"name", "config.uuid", "config.instanceUuid", "config.files.vmPathName",
	"config.hardware.memoryMB", "config.hardware.numCPU", "config.template",
	"runtime.powerState", "runtime.consolidationNeeded", "runtime.host",
	/* vm_info only: */
	"snapshot", "config.hardware.device", "layoutEx",
};
#define VM_BASE_PATHS 10

/* ---- typed values of DynamicProperty.val (type chosen by xsi:type) ---- */

static const char *val_string(const struct vim25__DynamicProperty *p)
{
	switch (p->__typeval) {
	case SOAP_TYPE_xsd__string:
	case SOAP_TYPE_string:
	case SOAP_TYPE_vim25__VirtualMachinePowerState:
		return p->val;
	default:
		return NULL;
	}
}

static int val_int(const struct vim25__DynamicProperty *p, int def)
{
	if (p->__typeval == SOAP_TYPE_xsd__int || p->__typeval == SOAP_TYPE_int)
		return p->val ? *(int *)p->val : def;
	if (p->__typeval == SOAP_TYPE_xsd__short)
		return p->val ? *(short *)p->val : def;
	return def;
}

static int val_bool(const struct vim25__DynamicProperty *p, int def)
{
	if (p->__typeval == SOAP_TYPE_xsd__boolean && p->val)
		return *(enum xsd__boolean *)p->val == true_;
	return def;
}

static int set_str(char **dst, const char *src)
{
	free(*dst);
	return vsnap__vs_dup(dst, src);
}

/* Fills the summary fields of vm from one property; ignores the others. */
static int vm_prop(vsnap_vs_vm *vm, const struct vim25__DynamicProperty *p)
{
	const char *n = p->name ? p->name : "";

	if (!strcmp(n, "name"))
		return set_str(&vm->name, val_string(p));
	if (!strcmp(n, "config.uuid"))
		return set_str(&vm->uuid, val_string(p));
	if (!strcmp(n, "config.instanceUuid"))
		return set_str(&vm->instance_uuid, val_string(p));
	if (!strcmp(n, "config.files.vmPathName"))
		return set_str(&vm->vmx_path, val_string(p));
	if (!strcmp(n, "runtime.powerState"))
		return set_str(&vm->power_state, val_string(p));
	if (!strcmp(n, "config.hardware.memoryMB"))
		vm->memory_mb = val_int(p, 0);
	else if (!strcmp(n, "config.hardware.numCPU"))
		vm->num_cpu = val_int(p, 0);
	else if (!strcmp(n, "runtime.consolidationNeeded"))
		vm->consolidation_needed = val_bool(p, -1);
	else if (!strcmp(n, "config.template"))
		vm->is_template = val_bool(p, 0);
	else if (!strcmp(n, "runtime.host") &&
		 p->__typeval == SOAP_TYPE_vim25__ManagedObjectReference && p->val)
		return set_str(&vm->host, ((vim25__MoRef *)p->val)->__item);
	return 0;
}

static void vm_clear(vsnap_vs_vm *vm)
{
	vsnap__vs_moref_clear(&vm->moref);
	free(vm->name);
	free(vm->uuid);
	free(vm->instance_uuid);
	free(vm->power_state);
	free(vm->vmx_path);
	free(vm->host);
	memset(vm, 0, sizeof(*vm));
}

static int vm_from_object(vsnap_vs_vm *vm, const struct vim25__ObjectContent *o)
{
	int i;

	memset(vm, 0, sizeof(*vm));
	vm->consolidation_needed = -1;
	if (vsnap__vs_moref_from_soap(&vm->moref, o->obj) < 0)
		return VSNAP_ENOMEM;
	for (i = 0; i < o->__sizepropSet; i++)
		if (vm_prop(vm, &o->propSet[i]) < 0)
			return VSNAP_ENOMEM;
	return 0;
}

void vsnap__vs_vms_free(vsnap_vs_vm *vms, size_t count)
{
	size_t i;

	for (i = 0; vms && i < count; i++)
		vm_clear(&vms[i]);
	free(vms);
}

/* ---- all VMs ---- */

struct list_acc {
	vsnap_vs_vm *vms;
	size_t n, cap;
};

static int list_object(vsnap_vs_client *c, struct vim25__ObjectContent *o, void *payload)
{
	vsnap_vs_vm *grown;
	struct list_acc *acc = payload;

	(void)c;
	if (!o->obj || !o->obj->type || strcmp(o->obj->type, "VirtualMachine"))
		return 0;
	if (!(grown = vsnap__array_room(acc->vms, acc->n, &acc->cap, sizeof(*grown), 16)))
		return VSNAP_ENOMEM;
	acc->vms = grown;
	if (vm_from_object(&acc->vms[acc->n], o) < 0) {
		vm_clear(&acc->vms[acc->n]);
		return vsnap__error_oom();
	}
	acc->n++;
	return 0;
}

void vsnap__vs_traversal(struct vim25__TraversalSpec *t, char *name, char *type, char *path,
	struct vim25__SelectionSpec *sel, int nsel)
{
	memset(t, 0, sizeof(*t));
	t->name = name;
	t->type = type;
	t->path = path;
	t->selectSet = sel;
	t->__sizeselectSet = nsel;
}

void vsnap__vs_root_walk_init(struct vsnap_vs_root_walk *w, vsnap_vs_client *c)
{
	int i;

	memset(w, 0, sizeof(*w));
	w->folder_sel[0].name = "folder";
	w->folder_sel[1].name = "dc";
	w->folder_sel[2].name = "vapp";
	w->dc_sel[0].name = "folder";
	vsnap__vs_traversal(&w->ts[0], "folder", "Folder", "childEntity", w->folder_sel, 3);
	vsnap__vs_traversal(&w->ts[1], "dc", "Datacenter", "vmFolder", w->dc_sel, 1);
	vsnap__vs_traversal(&w->ts[2], "vapp", "VirtualApp", "vm", NULL, 0);
	for (i = 0; i < 3; i++) {
		w->items[i].__typeselectSet = SOAP_TYPE_vim25__TraversalSpec;
		w->items[i].selectSet = &w->ts[i];
	}
	w->root.__item = c->root_folder;
	w->root.type = "Folder";
	w->skip = true_;
	w->os.obj = &w->root;
	w->os.skip = &w->skip;
	w->os.__sizeselectSet = 3;
	w->os.__selectSet = w->items;
}

int vsnap__vs_vm_list(vsnap_vs_vm **out, size_t *count, vsnap_vs_client *c)
{
	struct vsnap_vs_root_walk w;
	struct vim25__PropertySpec ps = { "VirtualMachine", NULL, VM_BASE_PATHS, vm_paths };
	struct vim25__PropertyFilterSpec spec = { 1, &ps, 1, &w.os, NULL };
	struct list_acc acc = { NULL, 0, 0 };
	int rc;

	*out = NULL;
	*count = 0;
	vsnap__vs_root_walk_init(&w, c);
	rc = vsnap__vs_retrieve(c, &spec, "the virtual machines", list_object, &acc);
	if (rc < 0) {
		vsnap__vs_vms_free(acc.vms, acc.n);
		return rc;
	}
	*out = acc.vms;
	*count = acc.n;
	return 0;
}

/* ---- one VM ---- */

static int tree_copy(vsnap_vs_snapshot **out, size_t *n,
	const struct vim25__VirtualMachineSnapshotTree *src, int count)
{
	vsnap_vs_snapshot *nodes;
	int i;

	*out = NULL;
	*n = 0;
	if (count <= 0)
		return 0;
	if (!(nodes = calloc((size_t)count, sizeof(*nodes))))
		return vsnap__error_oom();
	for (i = 0; i < count; i++) {
		const struct vim25__VirtualMachineSnapshotTree *t = &src[i];
		vsnap_vs_snapshot *d = &nodes[i];

		d->id = t->id ? *t->id : 0;
		d->create_time = vsnap__vs_parse_datetime(t->createTime);
		d->quiesced = t->quiesced && *t->quiesced == true_;
		d->replay_supported = t->replaySupported ? *t->replaySupported == true_ : -1;
		if (vsnap__vs_moref_from_soap(&d->moref, t->snapshot) < 0 ||
		    vsnap__vs_dup(&d->name, t->name) < 0 ||
		    vsnap__vs_dup(&d->description, t->description ? t->description : "") < 0 ||
		    vsnap__vs_dup(&d->create_time_raw, t->createTime) < 0 ||
		    vsnap__vs_dup(&d->state, t->state) < 0 ||
		    vsnap__vs_dup(&d->backup_manifest, t->backupManifest) < 0 ||
		    tree_copy(&d->children, &d->nchildren, t->childSnapshotList,
			    t->__sizechildSnapshotList) < 0) {
			vsnap__vs_snapshots_free(nodes, (size_t)count);
			return VSNAP_ENOMEM;
		}
	}
	*out = nodes;
	*n = (size_t)count;
	return 0;
}

/* A Datacenter object's name into *dst (the one property asked of it). */
static int datacenter_name(char **dst, const struct vim25__ObjectContent *o)
{
	for (int i = 0; i < o->__sizepropSet; i++)
		if (o->propSet[i].name && !strcmp(o->propSet[i].name, "name") &&
		    set_str(dst, val_string(&o->propSet[i])) < 0)
			return VSNAP_ENOMEM;
	return 0;
}

/*
 * The parts of an info that one property fills. A reply that sends a property twice (or the
 * VM object twice) replaces what came before instead of leaking it (fuzz).
 */
static void tree_clear(vsnap_vs_vm_info *info)
{
	vsnap__vs_snapshots_free(info->roots, info->nroots);
	info->roots = NULL;
	info->nroots = 0;
	vsnap__vs_moref_clear(&info->current);
}

static void disks_clear(vsnap_vs_vm_info *info)
{
	for (size_t i = 0; i < info->ndisks; i++) {
		free(info->disks[i].label);
		free(info->disks[i].file_name);
		free(info->disks[i].disk_mode);
	}
	free(info->disks);
	info->disks = NULL;
	info->ndisks = 0;
}

static void layout_clear(vsnap_vs_vm_info *info)
{
	for (size_t i = 0; i < info->nfiles; i++) {
		free(info->files[i].name);
		free(info->files[i].type);
	}
	free(info->files);
	info->files = NULL;
	info->nfiles = 0;
	for (size_t i = 0; i < info->nsnapshot_files; i++) {
		free(info->snapshot_files[i].snapshot);
		free(info->snapshot_files[i].disk_files);
	}
	free(info->snapshot_files);
	info->snapshot_files = NULL;
	info->nsnapshot_files = 0;
	free(info->disk_files);
	info->disk_files = NULL;
	info->ndisk_files = 0;
}

static int key_cmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* The file keys of every chain of `disks`, sorted and each once (vsnap__vs_has_key searches
 * them), into a new array. */
static int chain_keys(int **out, size_t *n,
	const struct vim25__VirtualMachineFileLayoutExDiskLayout *disks, int ndisks)
{
	size_t cap = 0, k = 0;

	*out = NULL;
	*n = 0;
	for (int d = 0; d < ndisks; d++)
		for (int u = 0; u < disks[d].__sizechain; u++)
			if (disks[d].chain[u].__sizefileKey > 0)
				cap += (size_t)disks[d].chain[u].__sizefileKey;
	if (!cap)
		return 0;
	if (!(*out = malloc(cap * sizeof(**out))))
		return vsnap__error_oom();
	for (int d = 0; d < ndisks; d++)
		for (int u = 0; u < disks[d].__sizechain; u++)
			for (int f = 0; f < disks[d].chain[u].__sizefileKey; f++)
				(*out)[k++] = disks[d].chain[u].fileKey[f];
	qsort(*out, k, sizeof(**out), key_cmp);
	for (size_t i = 0; i < k; i++)
		if (*n == 0 || (*out)[*n - 1] != (*out)[i])
			(*out)[(*n)++] = (*out)[i];
	return 0;
}

int vsnap__vs_has_key(const int *keys, size_t n, int key)
{
	return n && bsearch(&key, keys, n, sizeof(*keys), key_cmp) != NULL;
}

static int disks_copy(vsnap_vs_vm_info *info, const struct vim25__ArrayOfVirtualDevice *a)
{
	int i;

	disks_clear(info);
	if (!a || a->__sizeVirtualDevice <= 0)
		return 0;
	if (!(info->disks = calloc((size_t)a->__sizeVirtualDevice, sizeof(*info->disks))))
		return vsnap__error_oom();
	for (i = 0; i < a->__sizeVirtualDevice; i++) {
		const struct vim25__VirtualDevice *d = &a->VirtualDevice[i];
		vsnap_vs_disk *o = &info->disks[info->ndisks];

		/* A disk is the device with a capacity and a .vmdk backing file. */
		if (!d->capacityInKB || !d->backing || !d->backing->fileName)
			continue;
		o->key = d->key;
		o->controller_key = d->controllerKey ? *d->controllerKey : -1;
		o->unit_number = d->unitNumber ? *d->unitNumber : -1;
		o->capacity_kb = *d->capacityInKB;
		info->ndisks++;
		if (vsnap__vs_dup(&o->label, d->deviceInfo ? d->deviceInfo->label : NULL) < 0 ||
		    vsnap__vs_dup(&o->file_name, d->backing->fileName) < 0 ||
		    vsnap__vs_dup(&o->disk_mode, d->backing->diskMode) < 0)
			return VSNAP_ENOMEM;
	}
	return 0;
}

static int layout_copy(vsnap_vs_vm_info *info, const struct vim25__VirtualMachineFileLayoutEx *l)
{
	int i;

	layout_clear(info);
	if (!l)
		return 0;
	if (l->__sizefile > 0 &&
	    !(info->files = calloc((size_t)l->__sizefile, sizeof(*info->files))))
		return vsnap__error_oom();
	for (i = 0; i < l->__sizefile; i++) {
		vsnap_vs_file *f = &info->files[info->nfiles++];

		f->key = l->file[i].key;
		f->size = l->file[i].size;
		if (vsnap__vs_dup(&f->name, l->file[i].name) < 0 ||
		    vsnap__vs_dup(&f->type, l->file[i].type) < 0)
			return VSNAP_ENOMEM;
	}
	if (l->__sizesnapshot > 0 && !(info->snapshot_files =
			calloc((size_t)l->__sizesnapshot, sizeof(*info->snapshot_files))))
		return vsnap__error_oom();
	for (i = 0; i < l->__sizesnapshot; i++) {
		vsnap_vs_snapshot_layout *s = &info->snapshot_files[info->nsnapshot_files++];

		s->data_key = l->snapshot[i].dataKey;
		s->memory_key = l->snapshot[i].memoryKey ? *l->snapshot[i].memoryKey : -1;
		if (vsnap__vs_dup(&s->snapshot, l->snapshot[i].key ? l->snapshot[i].key->__item
				: NULL) < 0)
			return VSNAP_ENOMEM;
		if (chain_keys(&s->disk_files, &s->ndisk_files, l->snapshot[i].disk,
				l->snapshot[i].__sizedisk) < 0)
			return VSNAP_ENOMEM;
	}
	return chain_keys(&info->disk_files, &info->ndisk_files, l->disk, l->__sizedisk);
}

static int info_object(vsnap_vs_client *c, struct vim25__ObjectContent *o, void *payload)
{
	vsnap_vs_vm_info *info = payload;
	int i;

	(void)c;
	if (o->obj && o->obj->type && !strcmp(o->obj->type, "Datacenter")) {
		return datacenter_name(&info->datacenter, o);
	}
	if (!o->obj || !o->obj->type || strcmp(o->obj->type, "VirtualMachine"))
		return 0;
	vm_clear(&info->vm);
	tree_clear(info);
	disks_clear(info);
	layout_clear(info);
	if (vm_from_object(&info->vm, o) < 0)
		return vsnap__error_oom();
	for (i = 0; i < o->__sizepropSet; i++) {
		const struct vim25__DynamicProperty *p = &o->propSet[i];
		const char *n = p->name ? p->name : "";
		int rc = 0;

		if (!strcmp(n, "snapshot") &&
		    p->__typeval == SOAP_TYPE_vim25__VirtualMachineSnapshotInfo && p->val) {
			const struct vim25__VirtualMachineSnapshotInfo *si = p->val;

			tree_clear(info);
			rc = tree_copy(&info->roots, &info->nroots, si->rootSnapshotList,
				si->__sizerootSnapshotList);
			if (rc == 0)
				rc = vsnap__vs_moref_from_soap(&info->current, si->currentSnapshot);
		} else if (!strcmp(n, "config.hardware.device") &&
			   p->__typeval == SOAP_TYPE_vim25__ArrayOfVirtualDevice) {
			rc = disks_copy(info, p->val);
		} else if (!strcmp(n, "layoutEx") &&
			   p->__typeval == SOAP_TYPE_vim25__VirtualMachineFileLayoutEx) {
			rc = layout_copy(info, p->val);
		}
		if (rc < 0)
			return rc;
	}
	return 0;
}

int vsnap__vs_vm_info(vsnap_vs_vm_info **out, vsnap_vs_client *c, const vsnap_vs_moref *vm,
	unsigned int flags)
{
	struct vim25__SelectionSpec up_sel[1] = { { "folderUp" } };
	struct vim25__TraversalSpec ts[2];
	struct vim25__SelectSetItem items[2];
	vim25__MoRef obj = { vm->value, "VirtualMachine" };
	struct vim25__ObjectSpec os = { &obj, NULL, 2, items };
	char *paths[sizeof(vm_paths) / sizeof(vm_paths[0])];
	char *dc_paths[1] = { "name" };
	struct vim25__PropertySpec ps[2] = {
		{ "VirtualMachine", NULL, 0, paths }, { "Datacenter", NULL, 1, dc_paths },
	};
	struct vim25__PropertyFilterSpec spec = { 2, ps, 1, &os, NULL };
	vsnap_vs_vm_info *info;
	char what[256];
	int i, rc;

	*out = NULL;
	for (i = 0; i < VM_BASE_PATHS + 1; i++)
		paths[ps[0].__sizepathSet++] = vm_paths[i];
	if (flags & VSNAP_VS_INFO_DEVICES)
		paths[ps[0].__sizepathSet++] = "config.hardware.device";
	if (flags & VSNAP_VS_INFO_LAYOUT)
		paths[ps[0].__sizepathSet++] = "layoutEx";
	/* Up the parent chain to the datacenter; VMs of a vApp hang off parentVApp instead. */
	vsnap__vs_traversal(&ts[0], "vmUp", "VirtualMachine", "parent", up_sel, 1);
	vsnap__vs_traversal(&ts[1], "folderUp", "Folder", "parent", up_sel, 1);
	for (i = 0; i < 2; i++) {
		items[i].__typeselectSet = SOAP_TYPE_vim25__TraversalSpec;
		items[i].selectSet = &ts[i];
	}
	if (!(info = calloc(1, sizeof(*info))))
		return vsnap__error_oom();
	snprintf(what, sizeof(what), "VM '%s'", vm->value);
	rc = vsnap__vs_retrieve(c, &spec, what, info_object, info);
	if (rc == 0 && !info->vm.moref.value)
		rc = vsnap__error_set(VSNAP_ENOTFOUND, VSNAP_ERRCLASS_ESX,
			"VM '%s': the server returned no such virtual machine", vm->value);
	if (rc == 0 && info->vm.vmx_path) {
		char *ds = NULL, *path = NULL;

		if (vsnap__vs_ds_path_split(&ds, &path, info->vm.vmx_path) == 0)
			info->datastore = ds;
		else
			vsnap_error_clear();
		free(path);
	}
	if (rc < 0) {
		vsnap__vs_vm_info_free(info);
		return rc;
	}
	*out = info;
	return 0;
}

void vsnap__vs_vm_info_free(vsnap_vs_vm_info *info)
{
	if (!info)
		return;
	vm_clear(&info->vm);
	tree_clear(info);
	free(info->datacenter);
	free(info->datastore);
	disks_clear(info);
	layout_clear(info);
	free(info);
}

void vsnap__vs_vm_infos_free(vsnap_vs_vm_info **infos, size_t count)
{
	size_t i;

	for (i = 0; infos && i < count; i++)
		vsnap__vs_vm_info_free(infos[i]);
	free(infos);
}

/* For the fleet reads (inventory.c): one VM object into `info`, as the reads above do. */
int vsnap__vs_vm_info_fill(vsnap_vs_vm_info *info, struct vim25__ObjectContent *o)
{
	return info_object(NULL, o, info);
}

/*
 * inventory.c: the fleet reads, each a constant number of requests whatever the inventory
 * holds: the VMs under a container (the root folder, or a folder, datacenter, cluster, host
 * or resource pool) with their names only, and then many VMs' summaries, snapshot forests and
 * file layouts together. Both are one RetrievePropertiesEx plus ContinueRetrievePropertiesEx
 * pages; the container walk is a TraversalSpec set, so no view object has to be created and
 * destroyed around it.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "vsphere/internal.h"

static char *list_paths[] = { "name", "config.uuid", "runtime.powerState", "config.template" };

/* What a fleet command needs of each VM, and nothing more: every path costs server time. */
static char *read_paths[] = {
	"name", "config.uuid", "config.template", "runtime.powerState",
	"runtime.consolidationNeeded", "snapshot", "layoutEx",
};

/*
 * From a container down to its VMs: folders and datacenters through vmFolder (a VM is reached
 * once, not again through its host), clusters and hosts through HostSystem.vm, resource pools
 * and vApps through their pools and vm lists. Only the specs a container's type needs are
 * sent: the property collector tries every spec on every object it meets, so unneeded ones
 * cost server time (5x on the simulator over 1000 VMs).
 */
enum { T_FOLDER, T_DC, T_VAPP, T_RP, T_RPVM, T_CR, T_CCR, T_HOST, T_COUNT };

struct walk {
	struct vim25__TraversalSpec ts[T_COUNT];
	struct vim25__SelectionSpec folder_sel[3], dc_sel[1], cr_sel[1], rp_sel[3];
	struct vim25__SelectSetItem items[T_COUNT];
	vim25__MoRef container;
	enum xsd__boolean skip;
	struct vim25__ObjectSpec os;
};

static void spec(struct vim25__TraversalSpec *t, char *name, char *type, char *path,
	struct vim25__SelectionSpec *sel, int nsel)
{
	memset(t, 0, sizeof(*t));
	t->name = name;
	t->type = type;
	t->path = path;
	t->selectSet = sel;
	t->__sizeselectSet = nsel;
}

static void walk_init(struct walk *w, const char *type, const char *value)
{
	int first = T_FOLDER, last = T_VAPP;

	memset(w, 0, sizeof(*w));
	w->folder_sel[0].name = "folder";
	w->folder_sel[1].name = "dc";
	w->folder_sel[2].name = "vapp";
	w->dc_sel[0].name = "folder";
	w->cr_sel[0].name = "host";
	w->rp_sel[0].name = "rp";
	w->rp_sel[1].name = "rpvm";
	w->rp_sel[2].name = "vapp";
	spec(&w->ts[T_FOLDER], "folder", "Folder", "childEntity", w->folder_sel, 3);
	spec(&w->ts[T_DC], "dc", "Datacenter", "vmFolder", w->dc_sel, 1);
	spec(&w->ts[T_VAPP], "vapp", "VirtualApp", "vm", NULL, 0);
	spec(&w->ts[T_CR], "cr", "ComputeResource", "host", w->cr_sel, 1);
	spec(&w->ts[T_CCR], "ccr", "ClusterComputeResource", "host", w->cr_sel, 1);
	spec(&w->ts[T_HOST], "host", "HostSystem", "vm", NULL, 0);
	spec(&w->ts[T_RP], "rp", "ResourcePool", "resourcePool", w->rp_sel, 3);
	spec(&w->ts[T_RPVM], "rpvm", "ResourcePool", "vm", NULL, 0);
	for (int i = 0; i < T_COUNT; i++) {
		w->items[i].__typeselectSet = SOAP_TYPE_vim25__TraversalSpec;
		w->items[i].selectSet = &w->ts[i];
	}
	if (!strcmp(type, "ComputeResource") || !strcmp(type, "ClusterComputeResource") ||
	    !strcmp(type, "HostSystem"))
		first = T_CR, last = T_HOST;
	else if (!strcmp(type, "ResourcePool") || !strcmp(type, "VirtualApp"))
		first = T_VAPP, last = T_RPVM;
	w->container.__item = (char *)value;
	w->container.type = (char *)type;
	w->skip = true_;
	w->os.obj = &w->container;
	w->os.skip = &w->skip;
	w->os.__sizeselectSet = last - first + 1;
	w->os.__selectSet = &w->items[first];
}

struct list_acc {
	vsnap_vs_vm *vms;
	size_t n, cap;
};

static int list_object(vsnap_vs_client *c, struct vim25__ObjectContent *o, void *payload)
{
	vsnap_vs_vm *grown;
	struct list_acc *acc = payload;
	vsnap_vs_vm_info info;
	int rc;

	(void)c;
	if (!o->obj || !o->obj->type || strcmp(o->obj->type, "VirtualMachine"))
		return 0;
	if (!(grown = vsnap__array_room(acc->vms, acc->n, &acc->cap, sizeof(*grown), 64)))
		return VSNAP_ENOMEM;
	acc->vms = grown;
	memset(&info, 0, sizeof(info));
	rc = vsnap__vs_vm_info_fill(&info, o);
	acc->vms[acc->n++] = info.vm;     /* the summary moves; the rest is empty */
	return rc;
}

/* One retrieval of `paths` of every VM under `container` (NULL: the root folder). */
static int walk_retrieve(vsnap_vs_client *c, const vsnap_vs_moref *container, char **paths,
	int npaths, vsnap_vs_object_fn cb, void *acc)
{
	struct walk w;
	struct vim25__PropertySpec ps = { "VirtualMachine", NULL, npaths, paths };
	struct vim25__PropertyFilterSpec fs = { 1, &ps, 1, &w.os, NULL };
	char what[300];

	if (container)
		walk_init(&w, container->type, container->value);
	else
		walk_init(&w, "Folder", c->root_folder);
	snprintf(what, sizeof(what), "the virtual machines under %s '%s'",
		w.container.type, w.container.__item);
	return vsnap__vs_retrieve(c, &fs, what, cb, acc);
}

int vsnap__vs_inventory_list(vsnap_vs_vm **out, size_t *count, vsnap_vs_client *c,
	const vsnap_vs_moref *container)
{
	struct list_acc acc = { NULL, 0, 0 };
	int rc;

	*out = NULL;
	*count = 0;
	rc = walk_retrieve(c, container, list_paths,
		(int)(sizeof(list_paths) / sizeof(list_paths[0])), list_object, &acc);
	if (rc < 0) {
		vsnap__vs_vms_free(acc.vms, acc.n);
		return rc;
	}
	*out = acc.vms;
	*count = acc.n;
	return 0;
}

struct scan_acc {
	vsnap_vs_vm_info **infos;
	size_t n, cap;
};

static int scan_object(vsnap_vs_client *c, struct vim25__ObjectContent *o, void *payload)
{
	vsnap_vs_vm_info **grown;
	struct scan_acc *acc = payload;
	vsnap_vs_vm_info *info;
	char *path = NULL;
	int rc;

	(void)c;
	if (!o->obj || !o->obj->type || strcmp(o->obj->type, "VirtualMachine"))
		return 0;
	if (!(grown = vsnap__array_room(acc->infos, acc->n, &acc->cap, sizeof(*grown), 64)))
		return VSNAP_ENOMEM;
	acc->infos = grown;
	if (!(info = calloc(1, sizeof(*info))))
		return vsnap__error_oom();
	acc->infos[acc->n++] = info;
	if ((rc = vsnap__vs_vm_info_fill(info, o)) < 0)
		return rc;
	if (info->vm.vmx_path && vsnap__vs_ds_path_split(&info->datastore, &path,
			info->vm.vmx_path) < 0)
		vsnap_error_clear();
	free(path);
	return 0;
}

int vsnap__vs_inventory_scan(vsnap_vs_vm_info ***out, size_t *count, vsnap_vs_client *c,
	const vsnap_vs_moref *container)
{
	struct scan_acc acc = { NULL, 0, 0 };
	int rc;

	*out = NULL;
	*count = 0;
	rc = walk_retrieve(c, container, read_paths,
		(int)(sizeof(read_paths) / sizeof(read_paths[0])), scan_object, &acc);
	if (rc < 0) {
		vsnap__vs_vm_infos_free(acc.infos, acc.n);
		return rc;
	}
	*out = acc.infos;
	*count = acc.n;
	return 0;
}

struct read_acc {
	const vsnap_vs_moref *vms;
	size_t n;
	vsnap_vs_vm_info **infos;
	size_t hint;                /* replies come in request order: look here first */
};

static int read_object(vsnap_vs_client *c, struct vim25__ObjectContent *o, void *payload)
{
	struct read_acc *acc = payload;
	size_t i, k;
	int rc;

	(void)c;
	if (!o->obj || !o->obj->__item)
		return 0;
	for (k = 0; k < acc->n; k++) {
		i = (acc->hint + k) % acc->n;
		if (!strcmp(acc->vms[i].value, o->obj->__item))
			break;
	}
	if (k == acc->n)
		return 0;
	acc->hint = i + 1;
	vsnap__vs_vm_info_free(acc->infos[i]);
	if (!(acc->infos[i] = calloc(1, sizeof(**acc->infos))))
		return vsnap__error_oom();
	if ((rc = vsnap__vs_vm_info_fill(acc->infos[i], o)) < 0)
		return rc;
	if (acc->infos[i]->vm.vmx_path) {
		char *path = NULL;

		if (vsnap__vs_ds_path_split(&acc->infos[i]->datastore, &path,
				acc->infos[i]->vm.vmx_path) < 0)
			vsnap_error_clear();
		free(path);
	}
	return 0;
}

int vsnap__vs_inventory_read(vsnap_vs_vm_info ***out, vsnap_vs_client *c,
	const vsnap_vs_moref *vms, size_t n)
{
	struct vim25__PropertySpec ps = { "VirtualMachine", NULL,
		(int)(sizeof(read_paths) / sizeof(read_paths[0])), read_paths };
	struct vim25__PropertyFilterSpec fs = { 1, &ps, (int)n, NULL, NULL };
	struct vim25__ObjectSpec *os = calloc(n + 1, sizeof(*os));
	vim25__MoRef *refs = calloc(n + 1, sizeof(*refs));
	struct read_acc acc = { vms, n, calloc(n + 1, sizeof(*acc.infos)), 0 };
	char what[64];
	int rc = 0;

	*out = NULL;
	if (!os || !refs || !acc.infos)
		rc = vsnap__error_oom();
	for (size_t i = 0; rc == 0 && i < n; i++) {
		refs[i].__item = vms[i].value;
		refs[i].type = "VirtualMachine";
		os[i].obj = &refs[i];
	}
	fs.objectSet = os;
	snprintf(what, sizeof(what), "%zu virtual machines", n);
	if (rc == 0 && n)
		rc = vsnap__vs_retrieve(c, &fs, what, read_object, &acc);
	free(os);
	free(refs);
	if (rc < 0) {
		vsnap__vs_vm_infos_free(acc.infos, n);
		return rc;
	}
	*out = acc.infos;
	return 0;
}

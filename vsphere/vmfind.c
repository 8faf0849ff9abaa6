/*
 * vmfind.c: finding one VM by key (name, MoRef, BIOS/instance UUID, inventory path) at a cost
 * that does not depend on the other VMs' snapshots: resolve the key to a MoRef first (a
 * SearchIndex call, or a scan of VM names only), then read that one VM (vminfo.c).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/util.h"
#include "vsphere/internal.h"

static const struct {
	const char *prefix;
	vsnap_vs_key_kind kind;
} prefixes[] = {
	{ "name:", VSNAP_VS_KEY_NAME },
	{ "moref:", VSNAP_VS_KEY_MOREF },
	{ "uuid:", VSNAP_VS_KEY_UUID },
	{ "path:", VSNAP_VS_KEY_PATH },
};

vsnap_vs_key_kind vsnap__vs_key_parse(const char *key, const char **text)
{
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t n = strlen(prefixes[i].prefix);

		if (strncmp(key, prefixes[i].prefix, n) == 0) {
			*text = key + n;
			return prefixes[i].kind;
		}
	}
	*text = key;
	return key[0] == '/' ? VSNAP_VS_KEY_PATH : VSNAP_VS_KEY_AUTO;
}

/* ESX host agents number VMs ("42"); vCenter names them "vm-42". */
static int looks_like_moref(const char *key)
{
	const char *p = strncmp(key, "vm-", 3) == 0 ? key + 3 : key;

	if (!*p)
		return 0;
	for (; *p; p++)
		if (!isdigit((unsigned char)*p))
			return 0;
	return 1;
}

/* 8-4-4-4-12 hex digits. */
static int looks_like_uuid(const char *key)
{
	static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";

	if (strlen(key) != sizeof(shape) - 1)
		return 0;
	for (size_t i = 0; shape[i]; i++)
		if (shape[i] == '-' ? key[i] != '-' : !isxdigit((unsigned char)key[i]))
			return 0;
	return 1;
}

/* The server escapes '/', '%' and '\' in names; a user types them plain. */
static int name_matches(const char *server, const char *key)
{
	if (strcmp(server, key) == 0)
		return 1;
	while (*server && *key) {
		char c = *server;

		if (c == '%' && strlen(server) >= 3) {
			if (!strncasecmp(server, "%2f", 3))
				c = '/';
			else if (!strncasecmp(server, "%25", 3))
				c = '%';
			else if (!strncasecmp(server, "%5c", 3))
				c = '\\';
			if (c != '%' || !strncasecmp(server, "%25", 3))
				server += 2;
		}
		if (c != *key)
			return 0;
		server++;
		key++;
	}
	return !*server && !*key;
}

static int fault_is(const char *name)
{
	const char *f = vsnap_error_last()->fault;

	return f && strcmp(f, name) == 0;
}

/* ---- results ---- */

struct found {
	vsnap_vs_vm_info **infos;
	size_t n, cap;
};

static int found_add(struct found *f, vsnap_vs_vm_info *info)
{
	vsnap_vs_vm_info **grown;

	if (!(grown = vsnap__array_room(f->infos, f->n, &f->cap, sizeof(*grown), 4))) {
		vsnap__vs_vm_info_free(info);
		return VSNAP_ENOMEM;
	}
	f->infos = grown;
	f->infos[f->n++] = info;
	return 0;
}

/*
 * Reads the VM `value` (one request) into `f` when it exists and is in the host's scope.
 * A missing object is not an error here: the caller decides (fallback or "not found").
 */
static int read_vm(struct found *f, vsnap_vs_client *c, const char *value, const char *host,
	unsigned int flags)
{
	vsnap_vs_moref ref = { (char *)"VirtualMachine", (char *)value };
	vsnap_vs_vm_info *info = NULL;
	int rc = vsnap__vs_vm_info(&info, c, &ref, flags);

	if (rc == VSNAP_ENOTFOUND || (rc < 0 && (fault_is("ManagedObjectNotFound") ||
			fault_is("InvalidArgument") || fault_is("InvalidType")))) {
		vsnap_error_clear();
		return 0;
	}
	if (rc < 0)
		return rc;
	if (host && (!info->vm.host || strcmp(info->vm.host, host) != 0)) {
		vsnap__vs_vm_info_free(info);
		return 0;
	}
	return found_add(f, info);
}

static int by_uuid(struct found *f, vsnap_vs_client *c, const char *uuid, const char *host,
	unsigned int flags)
{
	vsnap_vs_moref ref = { NULL, NULL };
	int rc = vsnap__vs_find_by_uuid(&ref, c, uuid, 0);

	if (rc == VSNAP_ENOTFOUND) {
		vsnap_error_clear();
		rc = vsnap__vs_find_by_uuid(&ref, c, uuid, 1);
	}
	if (rc == VSNAP_ENOTFOUND) {
		vsnap_error_clear();
		return 0;
	}
	if (rc == 0)
		rc = read_vm(f, c, ref.value, host, flags);
	vsnap__vs_moref_clear(&ref);
	return rc;
}

static int by_path(struct found *f, vsnap_vs_client *c, const char *path, const char *host,
	unsigned int flags)
{
	vsnap_vs_moref ref = { NULL, NULL };
	int rc;

	while (*path == '/')
		path++;
	rc = vsnap__vs_find_by_path(&ref, c, path);
	if (rc == VSNAP_ENOTFOUND) {
		vsnap_error_clear();
		return 0;
	}
	if (rc == 0 && (!ref.type || strcmp(ref.type, "VirtualMachine") != 0))
		rc = vsnap__error_set(VSNAP_ENOTFOUND, VSNAP_ERRCLASS_ESX,
			"inventory path '/%s' names a %s, not a virtual machine", path,
			ref.type ? ref.type : "object of unknown type");
	else if (rc == 0)
		rc = read_vm(f, c, ref.value, host, flags);
	vsnap__vs_moref_clear(&ref);
	return rc;
}

/* ---- the name scan: `name` of every VM in scope, nothing else ---- */

struct name_acc {
	const char *key;
	struct found *f;
};

static int name_object(vsnap_vs_client *c, struct vim25__ObjectContent *o, void *payload)
{
	struct name_acc *acc = payload;
	vsnap_vs_vm_info *info;

	(void)c;
	if (!o->obj || !o->obj->type || strcmp(o->obj->type, "VirtualMachine") ||
	    o->__sizepropSet != 1 || !o->propSet[0].name || strcmp(o->propSet[0].name, "name") ||
	    (o->propSet[0].__typeval != SOAP_TYPE_xsd__string &&
	     o->propSet[0].__typeval != SOAP_TYPE_string) || !o->propSet[0].val ||
	    !name_matches(o->propSet[0].val, acc->key))
		return 0;
	if (!(info = calloc(1, sizeof(*info))))
		return vsnap__error_oom();
	info->vm.consolidation_needed = -1;
	if (vsnap__vs_moref_from_soap(&info->vm.moref, o->obj) < 0 ||
	    vsnap__vs_dup(&info->vm.name, o->propSet[0].val) < 0) {
		vsnap__vs_vm_info_free(info);
		return vsnap__error_oom();
	}
	return found_add(acc->f, info);
}

static int by_name(struct found *f, vsnap_vs_client *c, const char *name, const char *host,
	unsigned int flags)
{
	struct vsnap_vs_root_walk w;
	struct vim25__TraversalSpec host_ts;
	struct vim25__SelectSetItem host_item = { SOAP_TYPE_vim25__TraversalSpec, &host_ts };
	vim25__MoRef host_ref = { (char *)host, "HostSystem" };
	enum xsd__boolean skip = true_;
	struct vim25__ObjectSpec host_os = { &host_ref, &skip, 1, &host_item };
	char *paths[1] = { "name" };
	struct vim25__PropertySpec ps = { "VirtualMachine", NULL, 1, paths };
	struct vim25__PropertyFilterSpec spec = { 1, &ps, 1, host ? &host_os : &w.os, NULL };
	struct name_acc acc = { name, f };
	vsnap_vs_vm_info *hit;
	char what[512];
	int rc;

	vsnap__vs_root_walk_init(&w, c);
	vsnap__vs_traversal(&host_ts, "hostVm", "HostSystem", "vm", NULL, 0);
	snprintf(what, sizeof(what), "the names of the virtual machines (looking for '%s')", name);
	if ((rc = vsnap__vs_retrieve(c, &spec, what, name_object, &acc)) < 0 || f->n != 1)
		return rc;
	/* One VM has the name: its full read replaces the name-only entry. */
	hit = f->infos[0];
	f->n = 0;
	rc = read_vm(f, c, hit->vm.moref.value, host, flags);
	vsnap__vs_vm_info_free(hit);
	return rc;
}

int vsnap__vs_vm_info_find(vsnap_vs_vm_info ***out, size_t *count, vsnap_vs_client *c,
	const char *key, const char *host, unsigned int flags)
{
	struct found f = { NULL, 0, 0 };
	const char *text;
	vsnap_vs_key_kind kind = vsnap__vs_key_parse(key, &text);
	int rc = 0;

	*out = NULL;
	*count = 0;
	if (!*text)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"VM key '%s' is empty after its prefix", key);
	switch (kind) {
	case VSNAP_VS_KEY_NAME:
		rc = by_name(&f, c, text, host, flags);
		break;
	case VSNAP_VS_KEY_MOREF:
		rc = read_vm(&f, c, text, host, flags);
		break;
	case VSNAP_VS_KEY_UUID:
		rc = by_uuid(&f, c, text, host, flags);
		break;
	case VSNAP_VS_KEY_PATH:
		rc = by_path(&f, c, text, host, flags);
		break;
	case VSNAP_VS_KEY_AUTO:
		if (looks_like_moref(text))
			rc = read_vm(&f, c, text, host, flags);
		else if (looks_like_uuid(text))
			rc = by_uuid(&f, c, text, host, flags);
		/* Not a MoRef or UUID after all: it may still be a name. */
		if (rc == 0 && f.n == 0)
			rc = by_name(&f, c, text, host, flags);
		break;
	}
	if (rc < 0) {
		vsnap__vs_vm_infos_free(f.infos, f.n);
		return rc;
	}
	*out = f.infos;
	*count = f.n;
	return 0;
}

/*
 * ws_folder.c: finding the VMs under a Workstation/Fusion/Player root and reading their
 * .vmx. Run state comes from the folder, as the products leave it: a "<vmx>.lck" lock
 * directory while a VM runs, and a checkpoint.vmState (.vmss) while it is suspended.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "wsdrv/ws_priv.h"
#include "vmx/vmx_priv.h"
#include "vmx/vmx_diag.h"
#include "core/error.h"
#include "core/util.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int vsnap__ws_read(char **out, size_t *len, const char *path, size_t max)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0;
	struct stat st;

	*out = NULL;
	if (!f) {
		if (errno == ENOENT)
			return vsnap__error_set(VSNAP_ENOTFOUND, VSNAP_ERRCLASS_OS,
				"'%s' does not exist", path);
		return vsnap__error_os("cannot open '%s'", path);
	}
	if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size > max) {
		fclose(f);
		return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_VMX,
			"'%s' is not a regular file of at most %zu bytes", path, max);
	}
	if (!(buf = malloc((size_t)st.st_size + 1))) {
		fclose(f);
		return vsnap__error_oom();
	}
	n = fread(buf, 1, (size_t)st.st_size, f);
	fclose(f);
	buf[n] = '\0';
	*out = buf;
	if (len)
		*len = n;
	return 0;
}

char *vsnap__ws_join(const char *dir, const char *name)
{
	char *p = NULL;

	if (name[0] == '/') {
		p = strdup(name);
	} else if (asprintf(&p, "%s/%s", dir, name) < 0) {
		p = NULL;
	}
	if (!p)
		vsnap__error_oom();
	return p;
}

char *vsnap__ws_vmsd_path(const vsnap_ws_vm *vm)
{
	size_t n = strlen(vm->vmx_path);
	char *p = NULL;

	/* "<stem>.vmx" -> "<stem>.vmsd" */
	if (asprintf(&p, "%.*s.vmsd", (int)(n > 4 ? n - 4 : n), vm->vmx_path) < 0) {
		vsnap__error_oom();
		return NULL;
	}
	return p;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a > b && !strcmp(s + a - b, suffix);
}

static int add_vm(vsnap_ws_vm **vms, size_t *n, size_t *cap, const char *root,
	const char *dir, const char *file)
{
	vsnap_ws_vm *vm, *grown;
	size_t rl = strlen(root);

	if (!(grown = vsnap__array_room(*vms, *n, cap, sizeof(*grown), 8)))
		return VSNAP_ENOMEM;
	*vms = grown;
	vm = &(*vms)[*n];
	memset(vm, 0, sizeof(*vm));
	if (!(vm->dir = strdup(dir)) || !(vm->vmx_path = vsnap__ws_join(dir, file))) {
		free(vm->dir);
		return vsnap__error_oom();
	}
	/* The id is the path below the root ("web/web.vmx"); the root's own .vmx: its name. */
	const char *rel = strncmp(vm->vmx_path, root, rl) == 0 && vm->vmx_path[rl] == '/' ?
		vm->vmx_path + rl + 1 : file;
	if (!(vm->id = strdup(rel))) {
		vsnap__ws_vm_clear(vm);
		return vsnap__error_oom();
	}
	(*n)++;
	return 0;
}

/* The .vmx files of `dir`; with `depth` 1 also those of its subfolders. */
static int scan_dir(vsnap_ws_vm **vms, size_t *n, size_t *cap, const char *root,
	const char *dir, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int rc = 0;

	if (!d)
		return depth ? vsnap__error_os("cannot read folder '%s'", dir) : 0;
	while (rc == 0 && (e = readdir(d))) {
		struct stat st;
		char *p;

		if (e->d_name[0] == '.')
			continue;
		if (!(p = vsnap__ws_join(dir, e->d_name))) {
			rc = VSNAP_ENOMEM;
			break;
		}
		if (stat(p, &st) == 0) {
			if (S_ISREG(st.st_mode) && ends_with(e->d_name, ".vmx"))
				rc = add_vm(vms, n, cap, root, dir, e->d_name);
			else if (S_ISDIR(st.st_mode) && depth > 0 && !ends_with(e->d_name, ".lck"))
				rc = scan_dir(vms, n, cap, root, p, depth - 1);
		}
		free(p);
	}
	closedir(d);
	return rc;
}

static int cmp_vm(const void *a, const void *b)
{
	return strcmp(((const vsnap_ws_vm *)a)->vmx_path, ((const vsnap_ws_vm *)b)->vmx_path);
}

int vsnap__ws_scan(vsnap_ws_vm **out, size_t *count, const vsnap_ws_conn *c)
{
	vsnap_ws_vm *vms = NULL;
	size_t n = 0, cap = 0;
	struct stat st;
	int rc;

	*out = NULL;
	*count = 0;
	if (stat(c->root, &st) < 0)
		return vsnap__error_os("VM folder '%s'", c->root);
	if (S_ISREG(st.st_mode)) {
		char *dir = strdup(c->root), *slash = dir ? strrchr(dir, '/') : NULL;
		if (!slash) {
			free(dir);
			return vsnap__error_oom();
		}
		*slash = '\0';
		rc = add_vm(&vms, &n, &cap, dir, *dir ? dir : "/", slash + 1);
		free(dir);
	} else {
		rc = scan_dir(&vms, &n, &cap, c->root, c->root, 1);
	}
	if (rc < 0) {
		vsnap__ws_vms_free(vms, n);
		return rc;
	}
	if (n)
		qsort(vms, n, sizeof(*vms), cmp_vm);
	*out = vms;
	*count = n;
	return 0;
}

void vsnap__ws_vm_clear(vsnap_ws_vm *vm)
{
	free(vm->vmx_path);
	free(vm->dir);
	free(vm->id);
	memset(vm, 0, sizeof(*vm));
}

void vsnap__ws_vms_free(vsnap_ws_vm *vms, size_t count)
{
	for (size_t i = 0; vms && i < count; i++)
		vsnap__ws_vm_clear(&vms[i]);
	free(vms);
}

int vsnap__ws_vm_def(vsnap_domain_def **out, const vsnap_ws_vm *vm)
{
	vsnap_vmx_options opts = VSNAP_VMX_OPTIONS_INIT;
	vsnap__vmx_diags warnings = { 0 };
	char *text = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	if ((rc = vsnap__ws_read(&text, &len, vm->vmx_path, WS_MAX_CONFIG_BYTES)) < 0)
		return rc;
	/* Workstation names disks by bare file names in the VM's folder. */
	opts.datastore_dir = vm->dir;
	opts.source_name = vm->vmx_path;
	/* Inspection only: the warnings matter to a conversion (vmx2xml), not to a listing. */
	rc = vsnap__vmx_parse_def(out, &warnings, text, len, &opts, 0);
	vsnap__vmx_diags_clear(&warnings);
	free(text);
	return rc;
}

/* Run state from the folder (see the top of this file). */
static int folder_state(const vsnap_ws_vm *vm)
{
	char *lck = NULL, *text = NULL;
	struct stat st;
	int state = VSNAP_DOMAIN_SHUTOFF;

	if (asprintf(&lck, "%s.lck", vm->vmx_path) >= 0 && stat(lck, &st) == 0)
		state = VSNAP_DOMAIN_RUNNING;
	free(lck);
	if (state == VSNAP_DOMAIN_SHUTOFF &&
	    vsnap__ws_read(&text, NULL, vm->vmx_path, WS_MAX_CONFIG_BYTES) == 0) {
		vsnap__vmx_conf *conf = NULL;
		if (vsnap__vmx_conf_parse(&conf, text, strlen(text), vm->vmx_path) == 0) {
			const vsnap__vmx_entry *e = vsnap__vmx_conf_get(conf, "checkpoint.vmState");
			if (e && *e->value)
				state = VSNAP_DOMAIN_PAUSED;
		}
		vsnap__vmx_conf_free(conf);
	}
	free(text);
	vsnap_error_clear();
	return state;
}

int vsnap__ws_vm_info(vsnap_domain_info *out, const vsnap_ws_vm *vm)
{
	vsnap_domain_def *def = NULL;
	char *vmsd = NULL;
	struct stat st;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = vsnap__ws_vm_def(&def, vm)) < 0)
		return rc;
	out->state = folder_state(vm);
	out->memory_kib = def->memory_kib;
	out->vcpus = def->vcpus;
	out->persistent = 1;
	vmsd = vsnap__ws_vmsd_path(vm);
	out->has_snapshots = vmsd && stat(vmsd, &st) == 0 && st.st_size > 0 ? -1 : 0;
	free(vmsd);
	if (vsnap__str_dup(&out->name, def->name) < 0 || vsnap__str_dup(&out->uuid, def->uuid) < 0 ||
	    vsnap__str_dup(&out->id, vm->id) < 0) {
		vsnap_domain_info_clear(out);
		rc = VSNAP_ENOMEM;
	}
	vsnap__domain_def_free(def);
	return rc;
}

int vsnap__ws_find(vsnap_ws_vm *out, const vsnap_ws_conn *c, const char *key)
{
	vsnap_ws_vm *vms = NULL;
	size_t n = 0, hits = 0, hit = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = vsnap__ws_scan(&vms, &n, c)) < 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		vsnap_domain_info info;
		if (!strcmp(vms[i].id, key) || !strcmp(vms[i].vmx_path, key)) {
			hits = 1;
			hit = i;
			break;
		}
		if (vsnap__ws_vm_info(&info, &vms[i]) < 0) {
			vsnap_error_clear();   /* an unreadable .vmx matches nothing */
			continue;
		}
		if ((info.name && !strcmp(info.name, key)) ||
		    (info.uuid && !strcasecmp(info.uuid, key))) {
			hits++;
			hit = i;
		}
		vsnap_domain_info_clear(&info);
	}
	if (hits == 0)
		rc = vsnap__error_set(VSNAP_ENOTFOUND, VSNAP_ERRCLASS_VMX,
			"no VM named '%s' under '%s'", key, c->root);
	else if (hits > 1)
		rc = vsnap__error_set(VSNAP_EAMBIGUOUS, VSNAP_ERRCLASS_VMX,
			"%zu VMs under '%s' are named '%s': use the path of the .vmx (see 'list --all')",
			hits, c->root, key);
	else {
		*out = vms[hit];
		memset(&vms[hit], 0, sizeof(vms[hit]));
	}
	vsnap__ws_vms_free(vms, n);
	return rc;
}

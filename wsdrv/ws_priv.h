/*
 * The VMware Workstation / Fusion / Player driver: a read-only view of VM folders on the local
 * file system (no vmrun, no hypervisor). A connection has a root: one VM folder, a folder of
 * VM folders (one level down), or one .vmx file. Each .vmx is a domain; its .vmsd is the
 * snapshot tree; .vmsn / .vmem / .png beside them are the snapshots' state and screenshots.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_WSDRV_WS_PRIV_H
#define VSNAP_WSDRV_WS_PRIV_H

#include "core/driver.h"
#include "xml/domain_def.h"

/* Bounds on what is read: a .vmx or .vmsd larger than this is not one. */
#define WS_MAX_CONFIG_BYTES (4u << 20)
/* A .vmsn is searched for its screenshot up to this many bytes. */
#define WS_MAX_VMSN_SCAN_BYTES (256u << 20)

typedef struct {
	char *root;          /* absolute; a directory or a .vmx file */
	const char *flavour; /* "Workstation", "Fusion", "Player" for messages */
} vsnap_ws_conn;

/* One VM found under the root. */
typedef struct {
	char *vmx_path;      /* absolute */
	char *dir;           /* its folder, absolute */
	char *id;            /* vmx_path relative to the root ("web/web.vmx") */
} vsnap_ws_vm;

/* ws_folder.c */
/* Every .vmx under the connection's root, sorted by path. */
int vsnap__ws_scan(vsnap_ws_vm **out, size_t *count, const vsnap_ws_conn *c);
void vsnap__ws_vms_free(vsnap_ws_vm *vms, size_t count);
/* Reads a whole file of at most `max` bytes (VSNAP_ENOTFOUND when missing). */
int vsnap__ws_read(char **out, size_t *len, const char *path, size_t max);
/* "<dir>/<name>" for a bare name, `name` itself when absolute. Free it. */
char *vsnap__ws_join(const char *dir, const char *name);
/* "<stem>.vmsd" beside "<stem>.vmx". Free it; NULL when out of memory. */
char *vsnap__ws_vmsd_path(const vsnap_ws_vm *vm);
/* The .vmx parsed into a domain model (file names made absolute under the VM's folder). */
int vsnap__ws_vm_def(vsnap_domain_def **out, const vsnap_ws_vm *vm);
/* Fills info from the .vmx and the lock / suspend files of the folder. */
int vsnap__ws_vm_info(vsnap_domain_info *out, const vsnap_ws_vm *vm);
/* The VM whose name, UUID or id is `key`: VSNAP_ENOTFOUND, VSNAP_EAMBIGUOUS. */
int vsnap__ws_find(vsnap_ws_vm *out, const vsnap_ws_conn *c, const char *key);
void vsnap__ws_vm_clear(vsnap_ws_vm *vm);

/* ws_snapshot.c */
int vsnap__ws_snapshot_load(vsnap_forest_data *out, vsnap_domain *dom);
int vsnap__ws_snapshot_screenshot(unsigned char **out, size_t *len, vsnap_domain *dom,
	const vsnap_snapshot_def *snap, const vsnap_forest_data *forest);
/* The .vmsn named by snapshot `id` (its uid) in the VM's .vmsd, absolute; NULL when none. */
int vsnap__ws_vmsn_path(char **out, const vsnap_ws_vm *vm, const char *uid);

/* ws_png.c: the first complete PNG stream in a file (a .vmsn keeps the screen that way). */
int vsnap__ws_png_extract(unsigned char **out, size_t *len, const char *path, size_t max_scan);

#endif

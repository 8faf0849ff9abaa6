/*
 * The ESX driver's private state and the helpers its files share.
 *
 * Request economy: a CLI invocation is one session (open = RetrieveServiceContent + Login,
 * close = Logout), or, with VSNAP_CONN_SESSION_CACHE, resumes the saved one (no request at
 * open or close). Everything a command reads about its VM comes from ONE RetrievePropertiesEx:
 * the VM's summary and its whole snapshot forest (vsnap_vs_vm_info). The driver keeps the last
 * such read in `info` and hands it to the next reader of the same VM when no request was sent
 * in between and it is younger than ESX_INFO_MAX_AGE_MS: so domain lookup followed by
 * snapshot_load (snapshot-list --tree) costs one read, not two. Any change (task, rename,
 * power operation) sends requests, which makes the cached read stale by construction.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_ESXDRV_ESX_PRIVATE_H
#define VSNAP_ESXDRV_ESX_PRIVATE_H

#include "core/driver.h"
#include "vsphere/vsphere.h"

#include <stdio.h>

/* How long a cached VM read may be reused by the next reader (see above). */
#define ESX_INFO_MAX_AGE_MS 2000

typedef enum {
	ESX_KIND_ESX,   /* esx:// a standalone ESX(i) host */
	ESX_KIND_VPX,   /* vpx:// a host managed by vCenter */
	ESX_KIND_GSX,   /* gsx:// VMware Server / GSX (HostAgent API) */
} esx_kind;

typedef struct {
	vsnap_vs_client *client;
	esx_kind kind;
	char *host_moref;        /* vpx: the HostSystem the URI names; VMs are limited to it */
	FILE *log;               /* opts.log_file, NULL when none */
	/* The last VM read (see the header comment). */
	vsnap_vs_vm_info *info;
	unsigned long info_stamp;      /* request count right after the read */
	long long info_time_ms;        /* monotonic time of the read */
	/* VSNAP_CONN_SESSION_CACHE (esx_session.c): the file, and the text it holds (secret) */
	char *session_path;            /* NULL: sessions are not kept */
	char *session_text;            /* as loaded or last written; NULL: none */
	vsnap_vs_taskset *fleet;       /* esx_fleet.c: the tasks of a fleet run under way */
} esx_priv;

static inline esx_priv *esx_priv_of(vsnap_conn *conn)
{
	return (esx_priv *)conn->priv;
}

/* Copies the client's request count into conn->requests (call after every exchange). */
void esx_sync_requests(vsnap_conn *conn);

/* Monotonic milliseconds. */
long long esx_now_ms(void);

/* ---- esx_vm.c: VM reads and the one-read cache ---- */

/* Drops the cached read. */
void esx_info_forget(esx_priv *priv);
/* Takes ownership of `info` as the cached read. */
void esx_info_keep(vsnap_conn *conn, vsnap_vs_vm_info *info);
/*
 * The VM's summary + forest: the cached read when it is fresh (see above), else one
 * RetrievePropertiesEx. Borrowed: valid until the next call into the driver.
 */
int esx_info_get(const vsnap_vs_vm_info **out, vsnap_conn *conn, const char *moref);
/* Finds a VM by key (name, MoRef, UUID, path: docs/esx.md) (VSNAP_ENOTFOUND /
 * VSNAP_EAMBIGUOUS); caches its read. */
int esx_vm_find(const vsnap_vs_vm_info **out, vsnap_conn *conn, const char *key);
/* The VM MoRef of a domain. */
void esx_vm_ref(vsnap_vs_moref *out, const vsnap_domain *dom);

/* ---- esx_session.c: saved sessions (VSNAP_CONN_SESSION_CACHE) ---- */

/* 1 when conn keeps sessions (the flag, no record/replay, VSNAP_SESSION_CACHE is not 0). */
int esx_session_enabled(const vsnap_conn *conn);
/* The file for user + url under the sessions folder (malloc'ed). */
int esx_session_path(char **out, const vsnap_conn *conn, const char *url, const char *user);
/* The file's text when it is safe to use, else NULL (a warning says why, except "none"). */
char *esx_session_load(vsnap_conn *conn, const char *path);
/* Writes it atomically, mode 0600 (folders 0700); failures are warnings. */
void esx_session_store(vsnap_conn *conn, const char *path, const char *text);
void esx_session_remove(vsnap_conn *conn, const char *path);
int esx_session_end(vsnap_conn *conn);

/* ---- esx_map.c: pure mappings between vSphere values and vsnap's model ---- */

/* runtime.powerState -> vsnap_domain_state. */
int esx_power_to_domain_state(const char *power_state);
/* Fills `out` (cleared first) from a VM summary; has_snapshots: 1/0 or -1 unknown. */
int esx_vm_to_info(vsnap_domain_info *out, const vsnap_vs_vm *vm, int has_snapshots);
/* Snapshot tree state + quiesced -> vsnap_snapshot_state (see docs/esx.md). */
int esx_snapshot_state(const char *power_state, int quiesced);
/* The forest as vsnap_forest_data: defs in depth-first order, parents by MoRef. */
int esx_forest_from_info(vsnap_forest_data *out, const vsnap_vs_vm_info *info);
/* Snapshot names: plain text <-> the server's escaped form ("%2f" for '/', "%25" for '%'). */
int esx_name_encode(char **out, const char *name);
int esx_name_decode(char **out, const char *wire);
/* "VirtualMachine" / "VirtualMachineSnapshot" refs from values (borrowed strings). */
vsnap_vs_moref esx_snapshot_ref(const char *value);
/* Name of a snapshot MoRef value in `info` for messages, or the value itself. */
const char *esx_snapshot_label(const vsnap_vs_vm_info *info, const char *moref);

/* ---- the driver table's entries, by file ---- */

int esx_open(vsnap_conn *conn, const vsnap_uri *uri);
void esx_close(vsnap_conn *conn);

int esx_domain_list(vsnap_domain_info **out, size_t *count, vsnap_conn *conn,
	unsigned int flags);
int esx_domain_lookup(vsnap_domain_info *out, vsnap_conn *conn, const char *key);
int esx_domain_get_info(vsnap_domain_info *out, vsnap_domain *dom);
int esx_domain_get_xml(char **out, vsnap_domain *dom, unsigned int flags);
int esx_domain_start(vsnap_domain *dom, unsigned int flags);
int esx_domain_shutdown(vsnap_domain *dom, unsigned int flags);
int esx_domain_destroy(vsnap_domain *dom, unsigned int flags);
int esx_domain_suspend(vsnap_domain *dom, unsigned int flags);
int esx_domain_resume(vsnap_domain *dom, unsigned int flags);
int esx_domain_reset(vsnap_domain *dom, unsigned int flags);

int esx_snapshot_load(vsnap_forest_data *out, vsnap_domain *dom);
int esx_snapshot_create(char **name_out, vsnap_domain *dom, const vsnap_snapshot_def *def,
	unsigned int flags);
int esx_snapshot_revert(vsnap_domain *dom, const vsnap_snapshot_def *snap,
	const vsnap_forest_data *forest, unsigned int flags);
int esx_snapshot_delete(vsnap_domain *dom, const vsnap_snapshot_def *snap,
	const vsnap_forest_data *forest, unsigned int flags);
int esx_snapshot_edit(vsnap_domain *dom, const vsnap_snapshot_def *snap,
	const char *new_name, const char *new_description);
int esx_snapshot_delete_all(vsnap_domain *dom, unsigned int flags);
int esx_needs_consolidation(int *out, vsnap_domain *dom);
int esx_consolidate(vsnap_domain *dom, unsigned int flags);
/* esx_screenshot.c */
int esx_domain_screenshot(unsigned char **out, size_t *len, vsnap_domain *dom,
	unsigned int screen);
int esx_snapshot_screenshot(unsigned char **out, size_t *len, vsnap_domain *dom,
	const vsnap_snapshot_def *snap, const vsnap_forest_data *forest);

/* esx_fleet.c: fleet batch primitives (core/fleet.h) */
int esx_inventory_list(vsnap_domain_info **out, size_t *count, vsnap_conn *conn,
	const char *folder);
int esx_inventory_read(vsnap__inventory_entry *entries, size_t n, vsnap_conn *conn);
int esx_inventory_scan(vsnap__inventory_entry **out, size_t *count, vsnap_conn *conn,
	const char *folder);
int esx_task_start(vsnap_conn *conn, size_t slot, const vsnap__fleet_job *job);
int esx_task_wait(vsnap__task_end **ends, size_t *count, vsnap_conn *conn);
void esx_task_cancel_all(vsnap_conn *conn);
void esx_task_finish(vsnap_conn *conn);

/* esx_vmx_fill.c: *out = the .vmx with the keys the translator needs and the VM's config
 * properties know added in front (each one a connection warning). 0 or VSNAP_ENOMEM. */
int esx_vmx_fill(char **out, size_t *out_len, vsnap_conn *conn, const vsnap_vs_vm *vm,
	const char *vmx, size_t len);

#endif

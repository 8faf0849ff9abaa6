/*
 * The driver table: what a backend implements. core/ dispatches the public API here after
 * checking arguments; a NULL entry means the backend cannot do it (VSNAP_EUNSUPPORTED).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_CORE_DRIVER_H
#define VSNAP_CORE_DRIVER_H

#include "vsnap/vsnap.h"
#include "core/uri.h"
#include "xml/snapshot_def.h"

typedef struct vsnap_driver vsnap_driver;
/* Fleet batch types (core/fleet.h). */
typedef struct vsnap__inventory_entry vsnap__inventory_entry;
typedef struct vsnap__fleet_job vsnap__fleet_job;
typedef struct vsnap__task_end vsnap__task_end;

struct vsnap_conn {
	const vsnap_driver *driver;
	char *uri;
	vsnap_conn_options opts;        /* string fields are borrowed from the caller */
	void *priv;                     /* the driver's connection state */
	volatile int cancelled;         /* set by vsnap_conn_cancel(); async-signal-safe */
	unsigned long requests;         /* requests sent (SOAP / QMP) */
	/* A composite operation (core/progress.c) reports its steps as one progress. */
	const char *progress_what;      /* its name, or NULL: drivers' reports pass through */
	unsigned int progress_step, progress_steps;
};

struct vsnap_domain {
	vsnap_conn *conn;
	vsnap_domain_info info;         /* name, uuid, id (MoRef), last known state */
};

/* A forest as a driver returns it: the defs (parent by name, plus id), and the current one. */
typedef struct {
	vsnap_snapshot_def **defs;
	size_t count;
	char *current_id;   /* id (ESX) or name (QEMU) of the current snapshot, NULL if none */
} vsnap_forest_data;

struct vsnap_driver {
	const char *name;               /* "esx", "qemu" */
	/* URI schemes handled: NULL-terminated ("esx", "vpx", "gsx") */
	const char *const *schemes;

	int (*open)(vsnap_conn *conn, const vsnap_uri *uri);
	void (*close)(vsnap_conn *conn);

	int (*domain_list)(vsnap_domain_info **out, size_t *count, vsnap_conn *conn,
		unsigned int flags);
	/* Fill `out` for the domain whose name, UUID or id is `key`. */
	int (*domain_lookup)(vsnap_domain_info *out, vsnap_conn *conn, const char *key);
	int (*domain_get_info)(vsnap_domain_info *out, vsnap_domain *dom);
	int (*domain_get_xml)(char **out, vsnap_domain *dom, unsigned int flags);
	int (*domain_define)(vsnap_domain_info *out, vsnap_conn *conn, const char *xml,
		unsigned int flags);
	int (*domain_undefine)(vsnap_domain *dom, unsigned int flags);
	int (*domain_start)(vsnap_domain *dom, unsigned int flags);
	int (*domain_shutdown)(vsnap_domain *dom, unsigned int flags);
	int (*domain_destroy)(vsnap_domain *dom, unsigned int flags);
	int (*domain_suspend)(vsnap_domain *dom, unsigned int flags);
	int (*domain_resume)(vsnap_domain *dom, unsigned int flags);
	int (*domain_reset)(vsnap_domain *dom, unsigned int flags);

	/* The whole forest of the domain, in one go. */
	int (*snapshot_load)(vsnap_forest_data *out, vsnap_domain *dom);
	/*
	 * `def` is parsed create input (or redefine input with VSNAP_SNAPSHOT_CREATE_REDEFINE);
	 * the driver fills in what it decides and sets *name_out.
	 */
	int (*snapshot_create)(char **name_out, vsnap_domain *dom, const vsnap_snapshot_def *def,
		unsigned int flags);
	/* `snap` is resolved by core from the forest the driver returned (id and name set). */
	int (*snapshot_revert)(vsnap_domain *dom, const vsnap_snapshot_def *snap,
		const vsnap_forest_data *forest, unsigned int flags);
	int (*snapshot_delete)(vsnap_domain *dom, const vsnap_snapshot_def *snap,
		const vsnap_forest_data *forest, unsigned int flags);
	int (*snapshot_edit)(vsnap_domain *dom, const vsnap_snapshot_def *snap,
		const char *new_name, const char *new_description);
	int (*snapshot_delete_all)(vsnap_domain *dom, unsigned int flags);
	int (*needs_consolidation)(int *out, vsnap_domain *dom);
	int (*consolidate)(vsnap_domain *dom, unsigned int flags);
	/* Consistency check (include/vsnap/check.h). */
	int (*domain_check)(vsnap_check_item **out, size_t *count, vsnap_domain *dom,
		unsigned int flags);

	/* Screenshots (include/vsnap/screenshot.h): image bytes, malloc'ed, as the hypervisor
	 * made them; core checks what kind of image they are. */
	int (*domain_screenshot)(unsigned char **out, size_t *len, vsnap_domain *dom,
		unsigned int screen);
	/* `snap` is resolved by core; VSNAP_ENOTFOUND when it has no screenshot. */
	int (*snapshot_screenshot)(unsigned char **out, size_t *len, vsnap_domain *dom,
		const vsnap_snapshot_def *snap, const vsnap_forest_data *forest);
	/*
	 * Revert with VSNAP_SNAPSHOT_REVERT_DELETE_CHILDREN (core/revert_clear.c): 1 to revert
	 * first and then remove the children (ESX: the live state is not merged into them);
	 * 0 to delete them first (QEMU: the revert then needs no branch around them).
	 */
	int revert_before_prune;
	/*
	 * Checks that the data `snap` needs (images, internal tags, backing chains, memory
	 * file) is visible to this connection, for metadata moved in from another connection
	 * (core/snapshot_move.c). Changes nothing. NULL: the driver cannot tell.
	 */
	int (*snapshot_check_data)(vsnap_domain *dom, const vsnap_snapshot_def *snap);
	/*
	 * After snapshots moved from `from` to `to` (same driver): files the driver made for
	 * them become `to`'s to manage, so `from` never removes what `to` now needs. NULL: none.
	 */
	int (*snapshot_files_handover)(vsnap_domain *from, vsnap_domain *to);
	/* Ends the server session and forgets its saved copy (vsnap_conn_session_end). */
	int (*session_end)(vsnap_conn *conn);
	/* ---- fleet batch primitives, all optional (core/fleet.h; NULL: core's generic way) ---- */
	/* Domains (name, uuid, id, state) under inventory container `folder`; NULL: all. */
	int (*inventory_list)(vsnap_domain_info **out, size_t *count, vsnap_conn *conn,
		const char *folder);
	/* Every domain under `folder` (NULL: all) with forest, sizes and consolidation, in one
	 * bulk read: used when the selection has no keys (an audit of everything). */
	int (*inventory_scan)(vsnap__inventory_entry **out, size_t *count, vsnap_conn *conn,
		const char *folder);
	/* Forests, sizes and consolidation of entries[0..n) (info.id set), in one bulk read. */
	int (*inventory_read)(vsnap__inventory_entry *entries, size_t n, vsnap_conn *conn);
	/* Bytes a snapshot accounts for, -1 unknown (the generic inventory read asks it). */
	long long (*snapshot_bytes)(vsnap_domain *dom, const vsnap_snapshot_def *def);
	/* Starts `job` as a task without waiting: 0 started (it ends through task_wait), 1 the
	 * driver cannot (core runs it synchronously), < 0 failed to start (error set). */
	int (*task_start)(vsnap_conn *conn, size_t slot, const vsnap__fleet_job *job);
	/* Waits until at least one started task ends or about a second passed; *ends (malloc'ed
	 * array of *count) says which. Never refused by the cancel flag. */
	int (*task_wait)(vsnap__task_end **ends, size_t *count, vsnap_conn *conn);
	/* Asks every running task to stop; their real ends still come through task_wait. */
	void (*task_cancel_all)(vsnap_conn *conn);
	/* Drops the run's task state (filters) once every task ended. */
	void (*task_finish)(vsnap_conn *conn);
};

/* Reports a warning through conn->opts.warning_cb (dropped when none). */
void vsnap__conn_warn(vsnap_conn *conn, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* core/progress.c: the progress callback drivers register (payload: the vsnap_conn). */
void vsnap__conn_progress(int percent, const char *what, void *payload);
/* Reports of the next `steps` driver steps go out as one operation named `what`. */
void vsnap__progress_begin(vsnap_conn *conn, const char *what, unsigned int steps);
void vsnap__progress_next(vsnap_conn *conn);
void vsnap__progress_end(vsnap_conn *conn);

void vsnap__forest_data_clear(vsnap_forest_data *data);

#endif

/*
 * Fleet internals shared by core/ (selection, inventory, executor, audit, retention) and the
 * drivers' batch primitives (core/driver.h). See include/vsnap/fleet.h for the public side.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_CORE_FLEET_H
#define VSNAP_CORE_FLEET_H

#include "vsnap/fleet.h"
#include "core/driver.h"

struct vsnap_selection {
	char **keys;
	size_t nkeys;
	char **globs;
	size_t nglobs;
	char **folders;
	size_t nfolders;
	int all;
};

/* One domain as a driver's inventory_read fills it (core owns and frees it). */
struct vsnap__inventory_entry {
	vsnap_domain_info info;         /* name, uuid, id, state: set by the listing */
	vsnap_forest_data forest;       /* set by inventory_read */
	long long *bytes;               /* per forest.defs[i]; NULL: unknown for all */
	int consolidation_needed;       /* 1, 0, -1 unknown */
	int code;                       /* 0, or why this entry has no data */
	char *message;
};

void vsnap__inventory_entry_clear(vsnap__inventory_entry *e);

/* One operation on one domain for the executor. Strings are borrowed. */
struct vsnap__fleet_job {
	const vsnap_domain_info *dom;   /* the domain (name, id, state as read) */
	const vsnap_forest *forest;     /* its forest as read; NULL when unknown */
	int op;                         /* vsnap_fleet_op */
	const char *snapshot_id;        /* REVERT/DELETE: the resolved snapshot's driver id */
	const char *snapshot_name;      /* CREATE: the new name; REVERT/DELETE: the resolved name */
	const char *description;        /* CREATE */
	unsigned int flags;
};

/* How a started task ended (the driver's task_wait fills these). */
struct vsnap__task_end {
	size_t slot;                    /* what task_start was given */
	int code;                       /* 0 or a vsnap_error_code */
	char *message;                  /* malloc'ed, NULL when code is 0 */
	int cancelled;                  /* 1 when the task ended because it was cancelled */
};

/* The domain names a selection picks out of `list` (sorted by name), plus unmatched keys. */
int vsnap__selection_match(const vsnap_selection *sel, const vsnap_domain_info *list,
	size_t n, unsigned char *picked, unsigned char *key_found);

/* 1 when `name` matches shell glob `pattern` (fnmatch without flags). */
int vsnap__glob_match(const char *pattern, const char *name);

/* Entry i of an inventory (borrowed). */
const vsnap__inventory_entry *vsnap__inventory_entry_at(const vsnap_inventory *inv, size_t i);

/* A result with room for `n` outcomes; vsnap__fleet_result_set fills outcome i. */
int vsnap__fleet_result_new(vsnap_fleet_result **out, size_t n);
int vsnap__fleet_result_set(vsnap_fleet_result *res, size_t i, const char *domain,
	const char *snapshot, int status, int code, const char *message);

/*
 * Runs `jobs` (njobs) with at most `parallel` at once; jobs of one domain (same dom pointer)
 * run one after the other, in order, and a failure cancels that domain's later jobs. Writes
 * outcome first_outcome + i for job i into `res`.
 */
int vsnap__fleet_execute(vsnap_fleet_result *res, size_t first_outcome, vsnap_conn *conn,
	const vsnap__fleet_job *jobs, size_t njobs, const vsnap_fleet_options *opts);

/* Rows of one domain's forest (report and prune plans share them). */
int vsnap__report_rows(vsnap_report_row **rows, size_t *n, const vsnap_inventory *inv,
	size_t i, long long now);

#endif

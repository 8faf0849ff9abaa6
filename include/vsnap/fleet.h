/*
 * Fleet scale: one call over many domains.
 *
 *  - a selection names the domains: keys (name, UUID, driver id), a list of keys, every domain,
 *    name globs, inventory folders (ESX: a folder, datacenter, cluster, host or resource pool
 *    path such as "/DC0/vm/web" or "/DC0/host/C0");
 *  - an inventory is the selected domains with their snapshot forests and the bytes each
 *    snapshot takes, read in a constant number of requests (ESX: two property-collector
 *    retrievals plus their pages, whatever the number of VMs);
 *  - vsnap_fleet_run() applies one snapshot operation to every selected domain with a bounded
 *    number running at once (ESX: tasks submitted concurrently and waited for together with
 *    one WaitForUpdatesEx over all of them; QEMU: domains in parallel, each under its lock);
 *  - a report (audit) lists every snapshot with its age and size, with filters, as a table,
 *    JSON or OpenMetrics text;
 *  - a prune plan (retention) says which snapshots an age / keep-newest / name rule removes,
 *    and vsnap_prune_execute() removes them like a fleet run.
 *
 * vsnap_conn_cancel() (async-signal-safe, e.g. from a SIGINT handler) stops a run: no new
 * operation starts, every running ESX task is cancelled with CancelTask, and the run waits for
 * the real final state of each one (a task that completed anyway is reported as done).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_FLEET_H
#define VSNAP_FLEET_H

#include "common.h"
#include "conn.h"
#include "domain.h"
#include "snapshot.h"

VSNAP_BEGIN_DECL

/* ---- selection ----------------------------------------------------------------------- */

typedef struct vsnap_selection vsnap_selection;

/**
 * An empty selection. What it selects is the union of:
 *  - every key added (name, UUID or driver id; a key that matches nothing becomes a failed
 *    outcome "not found", so a typo is never silently dropped), and
 *  - the scope (every domain, or the domains under the folders added) restricted to the names
 *    that match at least one glob, when globs were added. Globs alone imply every domain.
 * Free with vsnap_selection_free(). Errors: VSNAP_ENOMEM.
 */
VSNAP_EXTERN(int) vsnap_selection_new(vsnap_selection **out);
/** NULL is ignored. */
VSNAP_EXTERN(void) vsnap_selection_free(vsnap_selection *sel);
/** Adds one domain key (copied). VSNAP_EINVALID for an empty key. */
VSNAP_EXTERN(int) vsnap_selection_add_key(vsnap_selection *sel, const char *key);
/**
 * Adds the keys of `text`: one a line, blanks around it ignored, empty lines and lines
 * starting with '#' skipped (the format of `--from-file`). Returns the number of keys added.
 */
VSNAP_EXTERN(int) vsnap_selection_add_list(vsnap_selection *sel, const char *text);
/** Adds a shell glob (fnmatch(3): '*', '?', '[...]') matched against domain names. */
VSNAP_EXTERN(int) vsnap_selection_add_glob(vsnap_selection *sel, const char *pattern);
/**
 * Adds an inventory container path; its domains (recursively) join the scope. ESX only:
 * other drivers fail with VSNAP_EUNSUPPORTED when the selection is resolved.
 */
VSNAP_EXTERN(int) vsnap_selection_add_folder(vsnap_selection *sel, const char *path);
/** Puts every domain of the connection in the scope. */
VSNAP_EXTERN(int) vsnap_selection_add_all(vsnap_selection *sel);
/** 1 when nothing was added. */
VSNAP_EXTERN(int) vsnap_selection_is_empty(const vsnap_selection *sel);

/* ---- inventory: the selected domains with forests and sizes ------------------------ */

typedef struct vsnap_inventory vsnap_inventory;

/**
 * Resolves `sel` on `conn` and reads every selected domain's forest, power state, whether its
 * disks need consolidation, and each snapshot's size. Domains come sorted by name; keys that
 * matched nothing come last as entries with an error (vsnap_inventory_error()). `flags`: 0.
 * Errors: VSNAP_ENOTFOUND (a folder that does not exist), VSNAP_EUNSUPPORTED (folders on a
 * driver without them), VSNAP_EINVALID (empty selection), network and server errors.
 * Free with vsnap_inventory_free().
 */
VSNAP_EXTERN(int) vsnap_inventory_get(vsnap_inventory **out, vsnap_conn *conn,
	const vsnap_selection *sel, unsigned int flags);
VSNAP_EXTERN(void) vsnap_inventory_free(vsnap_inventory *inv);
VSNAP_EXTERN(size_t) vsnap_inventory_count(const vsnap_inventory *inv);
/** Domain i: its name (or, for a key that matched nothing, the key). Borrowed. */
VSNAP_EXTERN(const char *) vsnap_inventory_name(const vsnap_inventory *inv, size_t i);
/** Domain i's summary (name, uuid, id, state); NULL for an error entry. Borrowed. */
VSNAP_EXTERN(const vsnap_domain_info *) vsnap_inventory_info(const vsnap_inventory *inv,
	size_t i);
/** 0, or the error code of entry i (VSNAP_ENOTFOUND); *message (may be NULL) borrowed. */
VSNAP_EXTERN(int) vsnap_inventory_error(const vsnap_inventory *inv, size_t i,
	const char **message);
/** Domain i's forest (borrowed; NULL for an error entry). */
VSNAP_EXTERN(vsnap_forest *) vsnap_inventory_forest(const vsnap_inventory *inv, size_t i);
/** 1 when domain i's disks need consolidation (ESX), 0 not, -1 unknown. */
VSNAP_EXTERN(int) vsnap_inventory_needs_consolidation(const vsnap_inventory *inv, size_t i);
/**
 * Bytes on the datastore / disk that `snap` (of domain i's forest) accounts for, or -1 when
 * unknown. ESX: its files in layoutEx (.vmsn state + .vmem memory). QEMU: its external
 * overlay and memory files; internal snapshots live inside the image and count 0.
 */
VSNAP_EXTERN(long long) vsnap_inventory_snapshot_bytes(const vsnap_inventory *inv, size_t i,
	const vsnap_snapshot *snap);

/* ---- fleet runs ---------------------------------------------------------------------- */

typedef enum {
	VSNAP_FLEET_CREATE = 1,      /**< vsnap_snapshot_create() */
	VSNAP_FLEET_REVERT = 2,      /**< vsnap_snapshot_revert() */
	VSNAP_FLEET_DELETE = 3,      /**< vsnap_snapshot_delete() */
	VSNAP_FLEET_DELETE_ALL = 4,  /**< vsnap_snapshot_delete_all() */
	VSNAP_FLEET_CONSOLIDATE = 5, /**< vsnap_domain_consolidate() */
} vsnap_fleet_op;

typedef enum {
	VSNAP_OUTCOME_DONE = 0,      /**< the operation completed */
	VSNAP_OUTCOME_FAILED = 1,    /**< it failed (code, message) */
	VSNAP_OUTCOME_CANCELLED = 2, /**< cancelled: never started, or its task was cancelled */
} vsnap_outcome_status;

/** One operation on one domain. Strings are borrowed from the result. */
typedef struct {
	const char *domain;     /**< domain name (or the key that matched nothing) */
	const char *snapshot;   /**< the snapshot created / reverted to / removed; NULL for
	                             delete-all and consolidate */
	int status;             /**< vsnap_outcome_status */
	int code;               /**< 0, or the vsnap_error_code */
	const char *message;    /**< NULL when done; else what happened, naming the cause */
} vsnap_fleet_outcome;

typedef struct vsnap_fleet_result vsnap_fleet_result;

/** Called after each outcome: `done` of `total` finished. */
typedef void (*vsnap_fleet_progress_cb)(size_t done, size_t total,
	const vsnap_fleet_outcome *last, void *payload);

/** The default bound on operations running at once (see docs/esx.md for why 8). */
#define VSNAP_FLEET_DEFAULT_PARALLEL 8
/** The largest bound accepted. */
#define VSNAP_FLEET_MAX_PARALLEL 64

typedef struct {
	unsigned int version;          /**< VSNAP_FLEET_OPTIONS_VERSION */
	int op;                        /**< vsnap_fleet_op */
	const char *snapshot;          /**< CREATE: the new name (NULL: the creation time, the
	                                    same for every domain); REVERT/DELETE: the key */
	const char *description;       /**< CREATE: NULL none */
	unsigned int flags;            /**< the single-domain operation's flags */
	unsigned int parallel;         /**< at most this many at once; 0: the default */
	vsnap_fleet_progress_cb progress_cb; /**< NULL: none */
	void *progress_payload;
} vsnap_fleet_options;

#define VSNAP_FLEET_OPTIONS_VERSION 1
#define VSNAP_FLEET_OPTIONS_INIT { .version = VSNAP_FLEET_OPTIONS_VERSION }

/** Fills `opts` with defaults. VSNAP_EINVALID for a version this library lacks. */
VSNAP_EXTERN(int) vsnap_fleet_options_init(vsnap_fleet_options *opts, unsigned int version);

/**
 * Runs opts->op on every domain of `sel` (one outcome per domain, in inventory order).
 * Returns 0 when the run took place, even if some domains failed: check
 * vsnap_fleet_result_failed(). A negative code means nothing ran (the selection could not be
 * resolved, bad options). Free *out with vsnap_fleet_result_free().
 */
VSNAP_EXTERN(int) vsnap_fleet_run(vsnap_fleet_result **out, vsnap_conn *conn,
	const vsnap_selection *sel, const vsnap_fleet_options *opts);
/** As vsnap_fleet_run(), on domains already read (e.g. for a report before acting). */
VSNAP_EXTERN(int) vsnap_fleet_run_inventory(vsnap_fleet_result **out, vsnap_conn *conn,
	const vsnap_inventory *inv, const vsnap_fleet_options *opts);

VSNAP_EXTERN(void) vsnap_fleet_result_free(vsnap_fleet_result *res);
VSNAP_EXTERN(size_t) vsnap_fleet_result_count(const vsnap_fleet_result *res);
/** Outcome i, borrowed; NULL when out of range. */
VSNAP_EXTERN(const vsnap_fleet_outcome *) vsnap_fleet_result_at(const vsnap_fleet_result *res,
	size_t i);
/** Outcomes that are not DONE (failed or cancelled). */
VSNAP_EXTERN(size_t) vsnap_fleet_result_failed(const vsnap_fleet_result *res);
/**
 * The outcomes as a JSON array of {"domain","snapshot","status","error","message"}
 * ("status": "done" / "failed" / "cancelled"; "error": vsnap_error_code_name() or null).
 */
VSNAP_EXTERN(int) vsnap_fleet_result_json(char **out, const vsnap_fleet_result *res);
/** "done" / "failed" / "cancelled". Never NULL. */
VSNAP_EXTERN(const char *) vsnap_outcome_status_name(int status);

/* ---- audit --------------------------------------------------------------------------- */

/** One snapshot of a report. Strings are borrowed from the report. */
typedef struct {
	const char *domain;
	const char *name;
	const char *path;            /**< "a/b/c" from its root */
	const char *id;              /**< driver id */
	long long creation_time;     /**< seconds since the epoch */
	long long age_seconds;       /**< at the report's `now` */
	long long bytes;             /**< -1 unknown (vsnap_inventory_snapshot_bytes()) */
	int quiesced;                /**< 1, 0, -1 unknown */
	int current;                 /**< 1 when the domain's current snapshot */
	int state;                   /**< vsnap_snapshot_state_t */
} vsnap_report_row;

typedef struct {
	unsigned int version;          /**< VSNAP_REPORT_OPTIONS_VERSION */
	long long min_age_seconds;     /**< only snapshots at least this old; 0: any */
	long long min_bytes;           /**< only snapshots at least this big; 0: any */
	const char *name_glob;         /**< only snapshot names matching; NULL: any */
	long long now;                 /**< the clock for ages; 0: time(NULL) */
} vsnap_report_options;

#define VSNAP_REPORT_OPTIONS_VERSION 1
#define VSNAP_REPORT_OPTIONS_INIT { .version = VSNAP_REPORT_OPTIONS_VERSION }

typedef struct vsnap_report vsnap_report;

/** The snapshots of `inv` that pass the filters, domain by domain in tree order. */
VSNAP_EXTERN(int) vsnap_report_build(vsnap_report **out, const vsnap_inventory *inv,
	const vsnap_report_options *opts);
VSNAP_EXTERN(void) vsnap_report_free(vsnap_report *rep);
VSNAP_EXTERN(size_t) vsnap_report_count(const vsnap_report *rep);
VSNAP_EXTERN(const vsnap_report_row *) vsnap_report_at(const vsnap_report *rep, size_t i);

typedef enum {
	VSNAP_REPORT_TABLE = 0,        /**< aligned columns with a header line */
	VSNAP_REPORT_JSON = 1,         /**< an array of objects, one per row */
	VSNAP_REPORT_OPENMETRICS = 2,  /**< gauges per domain (count, oldest age, bytes) for
	                                    Prometheus' textfile collector; every domain of the
	                                    inventory appears, with 0 when none of its
	                                    snapshots passed the filters */
} vsnap_report_format_t;

/** The report as text in `format`. Free the string. */
VSNAP_EXTERN(int) vsnap_report_format(char **out, const vsnap_report *rep, int format);

/* ---- retention ----------------------------------------------------------------------- */

typedef struct {
	unsigned int version;          /**< VSNAP_PRUNE_OPTIONS_VERSION */
	long long older_than_seconds;  /**< remove only snapshots at least this old; 0: no rule */
	unsigned int keep_newest;      /**< per domain, never remove the K newest of the
	                                    snapshots the glob matches; 0: no rule */
	const char *name_glob;         /**< consider only snapshot names matching; NULL: all */
	long long now;                 /**< the clock for ages; 0: time(NULL) */
} vsnap_prune_options;

#define VSNAP_PRUNE_OPTIONS_VERSION 1
#define VSNAP_PRUNE_OPTIONS_INIT { .version = VSNAP_PRUNE_OPTIONS_VERSION }

typedef struct vsnap_prune_plan vsnap_prune_plan;

/**
 * Decides what to remove: per domain, the snapshots the glob matches, minus the keep_newest
 * newest, minus those younger than older_than_seconds. At least one rule (age, keep, glob) is
 * required (VSNAP_EINVALID otherwise: nothing would say what to keep). A domain whose disks
 * need consolidation is not touched: it is listed as blocked, and executing the plan reports
 * it as failed (VSNAP_EOPERATION) so it is never skipped silently.
 */
VSNAP_EXTERN(int) vsnap_prune_plan_build(vsnap_prune_plan **out, const vsnap_inventory *inv,
	const vsnap_prune_options *opts);
VSNAP_EXTERN(void) vsnap_prune_plan_free(vsnap_prune_plan *plan);
/** Snapshots to remove, as report rows (in removal order). */
VSNAP_EXTERN(size_t) vsnap_prune_plan_count(const vsnap_prune_plan *plan);
VSNAP_EXTERN(const vsnap_report_row *) vsnap_prune_plan_at(const vsnap_prune_plan *plan,
	size_t i);
/** Domains left alone because their disks need consolidation (or unresolved keys). */
VSNAP_EXTERN(size_t) vsnap_prune_plan_blocked_count(const vsnap_prune_plan *plan);
VSNAP_EXTERN(const char *) vsnap_prune_plan_blocked_at(const vsnap_prune_plan *plan, size_t i,
	const char **reason);

/**
 * Removes the plan's snapshots (one vsnap_snapshot_delete() each, children kept; a domain's
 * removals one after the other, domains concurrently as in vsnap_fleet_run(); only
 * opts->parallel and the progress callback of `opts` are used, NULL: defaults). One outcome
 * per removal, then one failed outcome per blocked domain.
 */
VSNAP_EXTERN(int) vsnap_prune_execute(vsnap_fleet_result **out, vsnap_conn *conn,
	const vsnap_prune_plan *plan, const vsnap_fleet_options *opts);

VSNAP_END_DECL
#endif

/*
 * Shared internals of the QEMU backend: the connection state, one opened (locked) domain,
 * snapshot metadata, the image-file graph, and the snapshot operations.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_QEMUDRV_QEMU_PRIV_H
#define VSNAP_QEMUDRV_QEMU_PRIV_H

#include "core/driver.h"
#include "xml/domain_def.h"
#include "qemudrv/store.h"
#include "qemudrv/qmp.h"
#include "qemudrv/img.h"
#include "qemudrv/intent.h"

#include <sys/types.h>

/* Bounds on waits: QMP connect, lock, QEMU jobs (snapshot save/load, commit, migration). */
#define QEMU_CONNECT_TIMEOUT_MS 5000
#define QEMU_LOCK_TIMEOUT_MS 30000
#define QEMU_JOB_TIMEOUT_MS 300000

typedef struct {
	vsnap_store store;
} vsnap_qemu_conn;

/* One image as probed (qemu-img info, or QEMU's query-block while it runs). */
typedef struct {
	char *path;              /* canonical */
	vsnap_img_info info;
} vsnap_qemu_probe;

/* One domain, opened for an operation. With `locked`, no other vsnap process changes it. */
typedef struct {
	vsnap_conn *conn;
	vsnap_store *store;
	char *name;
	int lockfd;
	vsnap_domain_def *def;   /* the persistent definition */
	char *def_path;
	char *pid_path, *qmp_path;
	pid_t pid;               /* running QEMU, 0 when shut off */
	vsnap_qmp *qmp;          /* connected when running */
	/* Per-operation caches: each image is probed once, QEMU's block graph queried once;
	 * every change to an image or the graph forgets what it changed (probe.c). */
	vsnap_qemu_probe *probes;
	size_t nprobes;
	int graph_seeded;        /* probes hold query-block's chains of the running QEMU */
	char **nodes;            /* format node of each disk (vsnap__qemu_disk_nodes), or NULL */
	size_t nnodes;
	unsigned long probe_runs;/* qemu-img info runs (tests count them) */
	struct vsnap_qemu_owners *owners;   /* other domains' images (owner.c), lazily */
} vsnap_qemu_dom;

/* dom.c */
/* `lock`: QEMU_OPEN_READ (no lock, unless an interrupted change must be finished first),
 * QEMU_OPEN_LOCK (locked; an interrupted change is finished), QEMU_OPEN_LOCK_AS_IS (locked,
 * nothing finished: `snapshot-check` without --repair), QEMU_OPEN_META (as READ, without
 * reattaching to QEMU: metadata only). */
enum { QEMU_OPEN_READ = 0, QEMU_OPEN_LOCK = 1, QEMU_OPEN_LOCK_AS_IS = 2, QEMU_OPEN_META = 3 };
int vsnap__qemu_dom_open(vsnap_qemu_dom *d, vsnap_conn *conn, const char *name, int lock);
void vsnap__qemu_dom_close(vsnap_qemu_dom *d);
/* How long to wait for another vsnap's lock: the connection's timeout, else 30 s. */
unsigned int vsnap__qemu_lock_timeout(const vsnap_conn *conn);
int vsnap__qemu_dom_save(vsnap_qemu_dom *d);
/* VSNAP_DOMAIN_RUNNING / PAUSED / SHUTOFF */
int vsnap__qemu_dom_state(int *state, vsnap_qemu_dom *d);
/* Starts QEMU from d->def; `paused`: -S; `incoming`: -incoming defer. */
int vsnap__qemu_dom_launch(vsnap_qemu_dom *d, int paused, int incoming);
/* Stops QEMU (quit, then signals) and removes run files and transient overlays. */
int vsnap__qemu_dom_kill(vsnap_qemu_dom *d);
/* Format of a disk: its <driver type>, else what qemu-img sees. Free the string. */
int vsnap__qemu_disk_format(char **out, vsnap_qemu_dom *d, const vsnap_domain_disk_def *disk);
/*
 * Points `disk` at image `file` (copied) of format `fmt` (copied; NULL keeps <driver type>).
 * A <backingStore> kept from the parsed XML described the old image's chain, so it goes.
 * 0, or VSNAP_ENOMEM with the disk unchanged.
 */
int vsnap__qemu_disk_set_source(vsnap_domain_disk_def *disk, const char *file, const char *fmt);
/* A disk that snapshots may touch: a writable, non-shared, non-transient disk with a file. */
int vsnap__qemu_disk_snapshottable(const vsnap_domain_disk_def *disk);
vsnap_domain_disk_def *vsnap__qemu_def_disk(const vsnap_domain_def *def, const char *target);
/* Format node-name of every disk in the running QEMU, by target; NULL entries when absent.
 * Borrowed from d's cache (valid until the graph changes: vsnap__qemu_graph_changed). */
int vsnap__qemu_disk_nodes(char ***nodes, vsnap_qemu_dom *d);
void vsnap__qemu_strv_free(char **v, size_t n);
/* query-block's "qdev" names the device of disk `target`. */
int vsnap__qemu_qdev_is(const char *qdev, const char *target);

/* meta.c: snapshot metadata files */
int vsnap__qemu_meta_load(vsnap_forest_data *out, vsnap_qemu_dom *d);
int vsnap__qemu_meta_save(vsnap_qemu_dom *d, const vsnap_snapshot_def *def, int current);
int vsnap__qemu_meta_remove(vsnap_qemu_dom *d, const char *name);
/* Moves <active> to `name` (NULL: no current snapshot). */
int vsnap__qemu_meta_set_current(vsnap_qemu_dom *d, const vsnap_forest_data *forest,
	const char *name);
vsnap_snapshot_def *vsnap__qemu_meta_find(const vsnap_forest_data *forest, const char *name);
/* The <domain> of a snapshot, parsed. */
int vsnap__qemu_meta_domain(vsnap_domain_def **out, const vsnap_snapshot_def *snap);

/* files.c: the image files of a domain and their backing links */
typedef struct {
	char *path;
	char *backing;      /* canonical path or NULL */
	char *format;
	char **tags;
	size_t ntags;
	int created;        /* vsnap made it (listed in domains/<dom>.files) */
} vsnap_qemu_file;

typedef struct {
	vsnap_qemu_file *v;
	size_t n;
} vsnap_qemu_files;

char *vsnap__qemu_canon(const char *path);
int vsnap__qemu_files_scan(vsnap_qemu_files *out, vsnap_qemu_dom *d,
	const vsnap_forest_data *forest);
void vsnap__qemu_files_clear(vsnap_qemu_files *f);
const vsnap_qemu_file *vsnap__qemu_files_get(const vsnap_qemu_files *f, const char *path);
/*
 * Which entries of `f` the domain's disks and its snapshots' disks use, with their backing
 * chains: *out gets a malloc'ed flag per entry (and one spare). A snapshot whose recorded
 * <domain> cannot be read is an error (it names the snapshot), never "uses nothing".
 */
int vsnap__qemu_files_needed(char **out, const vsnap_qemu_files *f, vsnap_qemu_dom *d,
	const vsnap_forest_data *forest);
/* Number of files whose backing is `path`; *first gets one of them. */
size_t vsnap__qemu_files_dependents(const vsnap_qemu_files *f, const char *path,
	const char **first);
/* Records a file vsnap is about to create (before creating it, so a crash leaves no orphan). */
int vsnap__qemu_files_record(vsnap_qemu_dom *d, const char *path);
/* Deletes created files nothing needs any more (domain, snapshots, their backing chains). */
int vsnap__qemu_gc(vsnap_qemu_dom *d, const vsnap_forest_data *forest);
/* The files vsnap__qemu_gc would delete, changing nothing. */
int vsnap__qemu_gc_list(char ***out, size_t *n, vsnap_qemu_dom *d,
	const vsnap_forest_data *forest);
/* A path derived from `base` that no file uses yet: "<stem>.<suffix>", then ".1", ".2"... */
int vsnap__qemu_free_name(char **out, const char *base, const char *suffix);
/* Sparse copy of a whole file (internal snapshots included). */
int vsnap__qemu_copy_file(const char *from, const char *to);

/* snap_internal.c / snap_external.c / revert.c / delete.c */
typedef struct {
	vsnap_domain_disk_def *disk;  /* in d->def */
	int location;                 /* NO, INTERNAL or EXTERNAL */
	char *file;                   /* external: the new overlay */
	char *format;                 /* the disk's current format */
} vsnap_qemu_plan_disk;

int vsnap__qemu_snapshot_create(char **name_out, vsnap_domain *dom,
	const vsnap_snapshot_def *def, unsigned int flags);
int vsnap__qemu_create_internal(vsnap_qemu_dom *d, vsnap_snapshot_def *snap,
	vsnap_qemu_plan_disk *plan, size_t n, int running, unsigned int flags);
int vsnap__qemu_create_external(vsnap_qemu_dom *d, vsnap_snapshot_def *snap,
	vsnap_qemu_plan_disk *plan, size_t n, int running, unsigned int flags);
int vsnap__qemu_snapshot_revert(vsnap_domain *dom, const vsnap_snapshot_def *snap,
	const vsnap_forest_data *forest, unsigned int flags);
int vsnap__qemu_snapshot_delete(vsnap_domain *dom, const vsnap_snapshot_def *snap,
	const vsnap_forest_data *forest, unsigned int flags);
/* Shell-quoted exec: migration URI for writing (`save`) or reading a memory file. */
int vsnap__qemu_exec_uri(char **out, const char *file, int save);
/* Arguments of the snapshot-save/-load/-delete jobs over the INTERNAL disks of `plan`. */
int vsnap__qemu_snapjob_args(char **out, const char *job, const char *tag, char **nodes,
	const vsnap_qemu_plan_disk *plan, size_t n, int with_vmstate);

/* screenshot.c: screendump, and the screenshot a checkpoint keeps beside its metadata */
/* The QEMU display device for the domain's first <video>, or NULL when it has none. */
const char *vsnap__qemu_video_device(const vsnap_domain_def *def);
int vsnap__qemu_domain_screenshot(unsigned char **out, size_t *len, vsnap_domain *dom,
	unsigned int screen);
int vsnap__qemu_snapshot_screenshot(unsigned char **out, size_t *len, vsnap_domain *dom,
	const vsnap_snapshot_def *snap, const vsnap_forest_data *forest);
/* Best effort, never fails: keeps a screendump of a running domain as `snap`'s screenshot
 * (unless VSNAP_SNAPSHOT_CREATE_NO_SCREENSHOT) and removes a stale one otherwise. */
void vsnap__qemu_screenshot_keep(vsnap_qemu_dom *d, const char *snap, unsigned int flags);
/* Removes `snap`'s screenshot / moves it with a rename (missing is fine). */
void vsnap__qemu_screenshot_forget(vsnap_qemu_dom *d, const char *snap);
void vsnap__qemu_screenshot_rename(vsnap_qemu_dom *d, const char *from, const char *to);
/* probe.c: one probe per image per operation */
/* The image at `file` (borrowed, valid until forgotten). */
int vsnap__qemu_probe(const vsnap_img_info **out, vsnap_qemu_dom *d, const char *file);
/* `file` changed (NULL: every image, e.g. after a QMP job): probe it again when asked. */
void vsnap__qemu_probe_forget(vsnap_qemu_dom *d, const char *file);
/* `file` was rebased onto `backing` (format `fmt`) by us: the cache follows, no new probe. */
int vsnap__qemu_probe_set_backing(vsnap_qemu_dom *d, const char *file, const char *backing,
	const char *fmt);
/* QEMU's block graph changed (overlays, commits, restart): forget nodes and chains. */
void vsnap__qemu_graph_changed(vsnap_qemu_dom *d);
void vsnap__qemu_probe_clear(vsnap_qemu_dom *d);

/* recover.c: the intent log (intent.h) and recovery on open */
int vsnap__qemu_intent_write(vsnap_qemu_dom *d, const vsnap_qemu_intent *in);
int vsnap__qemu_intent_done(vsnap_qemu_dom *d);
/* VSNAP_ENOTFOUND (error cleared) when there is none. */
int vsnap__qemu_intent_read(vsnap_qemu_intent *out, vsnap_qemu_dom *d);
int vsnap__qemu_intent_exists(const vsnap_store *store, const char *dom);
/* Completes or undoes what an intent left by a killed vsnap describes. Locked d. */
int vsnap__qemu_recover(vsnap_qemu_dom *d);
/* A change failed after its intent was written: recover now (so the domain is consistent
 * when the caller sees the error) and return `rc` with the original message. */
int vsnap__qemu_intent_abort(vsnap_qemu_dom *d, int rc);
/* The definition's disks follow the images the running QEMU has open (saved if changed). */
int vsnap__qemu_sync_running(vsnap_qemu_dom *d);
/* The same on d->def in memory only. */
int vsnap__qemu_sync_running_nosave(vsnap_qemu_dom *d);
/* check.c: `snapshot-check` (include/vsnap/check.h). */
int vsnap__qemu_domain_check(vsnap_check_item **out, size_t *count, vsnap_domain *dom,
	unsigned int flags);
/* Waits for QEMU job `id` that a killed vsnap left (completing a ready block job when
 * `complete`), then dismisses it; 0 when there is no such job. */
int vsnap__qemu_finish_job(vsnap_qemu_dom *d, const char *id, int complete);
/* merge.c: the index of the running domain's disk whose chain holds image `file` (canonical
 * path), or -1; *top says whether it is the top image. */
int vsnap__qemu_running_disk(vsnap_qemu_dom *d, const vsnap_qemu_files *files, const char *file,
	int *top);
/* merge.c: merges the external disk data of snapshot `s` (its <domain> `sd`) being deleted,
 * where that shortens a chain without losing anything. */
int vsnap__qemu_merge_external(vsnap_qemu_dom *d, const vsnap_forest_data *f,
	const vsnap_snapshot_def *s, const vsnap_domain_def *sd);
/* The deletion of one snapshot after its checks (delete.c); `s` need not be in `f` any more
 * (recovery finishes a deletion whose metadata is gone). */
int vsnap__qemu_delete_steps(vsnap_qemu_dom *d, vsnap_forest_data *f,
	const vsnap_snapshot_def *s, int metadata_only);

/* owner.c: images of other domains of the root */
/* VSNAP_EOPERATION naming the other domain when `file` (any path) is an image another
 * domain of the root uses, directly, as a backing file or in its snapshots. `what` names
 * the change refused ("reverting to 'c1'"). */
int vsnap__qemu_owner_check(vsnap_qemu_dom *d, const char *file, const char *what);
void vsnap__qemu_owners_free(vsnap_qemu_dom *d);
/* check_data.c: the driver's snapshot_check_data (metadata moved in from elsewhere). */
int vsnap__qemu_snapshot_check_data(vsnap_domain *dom, const vsnap_snapshot_def *snap);
/* handover.c: the driver's snapshot_files_handover. */
int vsnap__qemu_snapshot_files_handover(vsnap_domain *from, vsnap_domain *to);
/* fleet.c: bytes on disk a snapshot accounts for (the driver's snapshot_bytes). */
long long vsnap__qemu_snapshot_bytes(vsnap_domain *dom, const vsnap_snapshot_def *def);

#endif

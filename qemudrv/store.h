/*
 * The on-disk store of the QEMU backend, under one root directory:
 *   domains/<dom>.xml          the domain definition (libvirt <domain>)
 *   domains/<dom>.files        image files vsnap created (overlays, branches), one per line
 *   snapshots/<dom>/<snap>.xml libvirt's internal <domainsnapshot> (with <active>1</active>
 *                              on the current one)
 *   run/<dom>.pid .qmp .lock   run state of a started domain, and the lock file
 * Every write is atomic: temporary file, fsync, rename, fsync of the directory.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_QEMUDRV_STORE_H
#define VSNAP_QEMUDRV_STORE_H

#include <stddef.h>

typedef struct {
	char *root;
} vsnap_store;

/* Opens a root; creates nothing (a read of a root that does not exist must not make it). */
int vsnap__store_open(vsnap_store *out, const char *root);
/* Creates the root, its missing parents and folders (mode 0700): before the first write. */
int vsnap__store_prepare(const vsnap_store *store);
void vsnap__store_close(vsnap_store *store);

/* "<root>/<a><b><c>": a path under the root; NULL when out of memory (error set). */
char *vsnap__store_path(const vsnap_store *store, const char *a, const char *b, const char *c);

/* Replaces `path` with `data` atomically. */
int vsnap__store_write(const char *path, const char *data, size_t len);
/* The same; `sync_dir` 0 leaves the directory's fsync to the next write that syncs it (the
 * file's own contents are still synced before the rename). */
int vsnap__store_write_ex(const char *path, const char *data, size_t len, int sync_dir);
/* Reads a whole file; VSNAP_ENOTFOUND when it does not exist. */
int vsnap__store_read(char **out, const char *path);
/* Removes a file (missing is fine) and syncs its directory. */
int vsnap__store_remove(const char *path);
int vsnap__store_remove_ex(const char *path, int sync_dir);
/* Names of `dir`'s entries ending in `suffix`, with the suffix cut, sorted. */
int vsnap__store_list(char ***out, size_t *count, const char *dir, const char *suffix);
/* Makes a directory (missing parents not created); existing is fine. */
int vsnap__store_mkdir(const char *path);

/*
 * Test hook: when $VSNAP_TEST_CRASH_AT equals `step`, the process ends at once with _exit(86),
 * as if killed there. Lets the crash tests stop vsnap between two steps of an operation.
 */
void vsnap__crash_point(const char *step);

/* A file name is usable as a store entry: no '/', not empty, not starting with '.'. */
int vsnap__store_check_name(const char *what, const char *name);

/* Exclusive flock() on `path`, waiting up to `timeout_ms` (VSNAP_ELOCKED after that). */
int vsnap__lock_acquire(int *fd_out, const char *path, unsigned int timeout_ms);
void vsnap__lock_release(int fd);

#endif

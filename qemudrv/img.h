/*
 * Running qemu-img (and other helper programs): argv only, never a shell; stderr is kept for
 * the error message. $VSNAP_QEMU_IMG overrides the program (tests, odd installs).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_QEMUDRV_IMG_H
#define VSNAP_QEMUDRV_IMG_H

#include <stddef.h>

/* Runs argv[0] (looked up in PATH). *out (may be NULL) receives stdout. Non-zero exit is
 * VSNAP_EQEMU "<what>: <argv[0]> failed: <stderr>". */
int vsnap__run(char **out, const char *const *argv, const char *what);

typedef struct {
	char *format;        /* "qcow2", "raw" */
	char *backing;       /* absolute path of the backing file, or NULL */
	char *backing_format;
	char **snapshots;    /* internal snapshot tags */
	size_t nsnapshots;
	unsigned long long virtual_size;
} vsnap_img_info;

/* `qemu-img info -U --output=json` of one file (no chain). */
int vsnap__img_info(vsnap_img_info *out, const char *file);
void vsnap__img_info_clear(vsnap_img_info *info);
int vsnap__img_has_snapshot(const vsnap_img_info *info, const char *tag);

/* qemu-img snapshot -c/-a/-d `tag` on a qcow2 file that no process holds open. */
int vsnap__img_snapshot_create(const char *file, const char *tag);
int vsnap__img_snapshot_apply(const char *file, const char *tag);
int vsnap__img_snapshot_delete(const char *file, const char *tag);

/* A new qcow2 overlay `file` on top of `backing` (format `backing_fmt`). */
int vsnap__img_create_overlay(const char *file, const char *backing, const char *backing_fmt);
/* Commits `file` into its backing file (the overlay is emptied, not removed). */
int vsnap__img_commit(const char *file);
/* Points `file`'s backing at `backing` without copying data (contents must be equal). */
int vsnap__img_rebase_unsafe(const char *file, const char *backing, const char *backing_fmt);

/* qemu-img check: VSNAP_EQEMU with its report when the image has errors or leaks. */
int vsnap__img_check(const char *file);

#endif

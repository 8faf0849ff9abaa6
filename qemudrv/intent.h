/*
 * The intent log of the QEMU backend: one file per domain, domains/<dom>.intent, written
 * atomically before the first irreversible step of a multi-step change (create, revert,
 * delete) and removed after its last. A domain opened while an intent exists was left by a
 * killed vsnap: vsnap__qemu_recover() rolls the change forward or back (rules in
 * docs/qemu.md, "Recovery") before anything else reads or changes the domain.
 *
 * For additions (revert flags, batch primitives): a new multi-step change adds an op kind
 * here, fills a vsnap_qemu_intent before its first change, calls vsnap__qemu_intent_write,
 * and vsnap__qemu_intent_done after its last; recover.c gets one function per op kind.
 * Steps must be idempotent: recovery may redo any of them.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_QEMUDRV_INTENT_H
#define VSNAP_QEMUDRV_INTENT_H

#include <stddef.h>

typedef enum {
	QEMU_INTENT_CREATE = 1,   /* forward when the metadata or the disk switch exists, else back */
	QEMU_INTENT_REVERT,       /* always forward (offline: the domain ends shut off) */
	QEMU_INTENT_DELETE,       /* always forward */
	QEMU_INTENT_RENAME,       /* always forward */
} vsnap_qemu_intent_op;

typedef enum {
	QEMU_STEP_TAG = 1,    /* create: internal tag `tag` in `file` (back: delete it) */
	QEMU_STEP_NEW_OVERLAY,/* create: overlay `file` on `base` (forward: disk `target` on it) */
	QEMU_STEP_APPLY,      /* revert: qemu-img snapshot -a `tag` `file` */
	QEMU_STEP_OVERLAY,    /* revert: `file` is a fresh overlay on `base` (format `fmt`) */
	QEMU_STEP_COPY,       /* revert: `file` is a copy of `base` with `tag` applied */
} vsnap_qemu_step_kind;

typedef struct {
	int kind;
	char *target, *file, *base, *fmt, *tag;   /* NULL when unused */
} vsnap_qemu_intent_step;

typedef struct {
	int op;
	char *snapshot;        /* the snapshot operated on (rename: the old name) */
	char *new_name;        /* rename: the new name */
	char *old_current;     /* the current snapshot before, or NULL */
	int was_running;       /* vCPUs ran and the change may stop them (resume on roll back) */
	int metadata_only;     /* delete --metadata */
	char *memory_file;     /* create: external memory state being written */
	vsnap_qemu_intent_step *steps;
	size_t nsteps;
	char *domain_xml;      /* revert: the definition after; create: the definition before */
	char *snapshot_xml;    /* create: the metadata to write; delete: the deleted snapshot */
} vsnap_qemu_intent;

/* Appends a step (strings copied; NULL allowed). */
int vsnap__qemu_intent_add(vsnap_qemu_intent *in, int kind, const char *target,
	const char *file, const char *base, const char *fmt, const char *tag);
void vsnap__qemu_intent_clear(vsnap_qemu_intent *in);
/* Text form and back (also used by tests and `snapshot-check`). */
int vsnap__qemu_intent_format(char **out, const vsnap_qemu_intent *in);
int vsnap__qemu_intent_parse(vsnap_qemu_intent *out, const char *text, const char *where);
const char *vsnap__qemu_intent_op_name(int op);

#endif

/*
 * Moving a domain's snapshot metadata from one connection to another (seed 001's last
 * section): the "extended protocol" a migration between hosts needs, as one call.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_SNAPSHOT_MOVE_H
#define VSNAP_SNAPSHOT_MOVE_H

#include "common.h"
#include "conn.h"
#include "domain.h"

VSNAP_BEGIN_DECL

typedef enum {
	/** Define the domain on the destination from the source's definition when no domain of
	 *  that name is there (else VSNAP_ENOTFOUND). */
	VSNAP_SNAPSHOT_MOVE_DEFINE = 1u << 0,
	/** Copy: leave the source's metadata as it is. */
	VSNAP_SNAPSHOT_MOVE_COPY = 1u << 1,
} vsnap_snapshot_move_flag_t;

/**
 * Moves the metadata of every snapshot of `src` to the domain of the same name on `dst`
 * (the disk images are not copied: both connections must see the same files, as two hosts
 * on shared storage do). In order:
 *  1. checks, changing nothing: the destination domain exists (or DEFINE) with the same UUID;
 *     a snapshot the destination has already must have identical XML (then it is accepted
 *     as is); the destination can see the data each snapshot needs (the driver's check:
 *     QEMU looks for the images of the snapshot's <domain> and their whole backing chains,
 *     internal snapshot tags inside them, and an external checkpoint's memory file);
 *  2. redefines the missing snapshots on the destination, parents before children, then
 *     makes the source's current snapshot current there;
 *  3. reads the destination back: every snapshot there with identical XML, same current;
 *     then files the driver made for those snapshots become the destination's to manage
 *     (QEMU: an external checkpoint's memory file, overlays), so the source never removes
 *     them;
 *  4. unless COPY, deletes the metadata only (never data) on the source: first the current
 *     mark, then the snapshots, leaves first.
 * Nothing is deleted on the source unless every step before succeeded. The call can be
 * repeated after an interruption or a failure at any point: snapshots already moved are
 * accepted, snapshots already gone from the source are not looked for.
 *
 * Both drivers must keep metadata apart from data (QEMU); ESX cannot (VSNAP_EUNSUPPORTED).
 *
 * @param redefined  (may be NULL) snapshots redefined on `dst` by this call
 * @param present    (may be NULL) snapshots `dst` had already, identical
 * @param src        the domain whose snapshots move
 * @param dst        the destination connection (not `src`'s)
 * @param flags      vsnap_snapshot_move_flag_t
 * @return 0; VSNAP_EINVALID (same connection, unknown flags), VSNAP_ENOTFOUND (no such
 *         domain on `dst`, or data not visible there), VSNAP_EEXISTS (a snapshot of that name
 *         with other metadata on `dst`, or a domain of that name with another UUID),
 *         VSNAP_EUNSUPPORTED, or the driver's error; the message names the snapshot and
 *         the step.
 */
VSNAP_EXTERN(int) vsnap_snapshot_move(size_t *redefined, size_t *present, vsnap_domain *src,
	vsnap_conn *dst, unsigned int flags);

VSNAP_END_DECL
#endif

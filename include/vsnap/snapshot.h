/*
 * Snapshots, the libvirt way, on every backend.
 *
 * A snapshot is a checkpoint (disks + memory) or a disk snapshot (disks only, state
 * "disk-snapshot"). Snapshots form a forest; the current snapshot is the parent of the next one.
 * Read operations work on a vsnap_forest: the whole tree of one domain, fetched in one go
 * (one SOAP request on ESX), then queried locally.
 *
 * A snapshot is addressed by a key: its name, a tree path "a/b/c" (names from a root), or the
 * driver's id (ESX MoRef such as "snapshot-13" or "42-snapshot-3"). A name that several
 * snapshots share is VSNAP_EAMBIGUOUS, and the message lists their paths.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_SNAPSHOT_H
#define VSNAP_SNAPSHOT_H

#include "common.h"
#include "domain.h"

VSNAP_BEGIN_DECL

typedef struct vsnap_forest vsnap_forest;
typedef struct vsnap_snapshot vsnap_snapshot;   /* a node of a forest; borrowed from it */

/** Snapshot states as libvirt names them (a domain state, or disk-snapshot). */
typedef enum {
	VSNAP_SNAPSHOT_NOSTATE = 0,
	VSNAP_SNAPSHOT_RUNNING = 1,
	VSNAP_SNAPSHOT_BLOCKED = 2,
	VSNAP_SNAPSHOT_PAUSED = 3,
	VSNAP_SNAPSHOT_SHUTDOWN = 4,
	VSNAP_SNAPSHOT_SHUTOFF = 5,
	VSNAP_SNAPSHOT_CRASHED = 6,
	VSNAP_SNAPSHOT_PMSUSPENDED = 7,
	VSNAP_SNAPSHOT_DISK_SNAPSHOT = 8,
} vsnap_snapshot_state_t;

/** "running", "shutoff", "disk-snapshot"... as in <state>. Never NULL. */
VSNAP_EXTERN(const char *) vsnap_snapshot_state_name(int state);

/** Where a disk's or the memory's snapshot lives (libvirt's snapshot='...'). */
typedef enum {
	VSNAP_SNAPSHOT_LOCATION_DEFAULT = 0,
	VSNAP_SNAPSHOT_LOCATION_NO,
	VSNAP_SNAPSHOT_LOCATION_INTERNAL,
	VSNAP_SNAPSHOT_LOCATION_EXTERNAL,
	VSNAP_SNAPSHOT_LOCATION_MANUAL,
} vsnap_snapshot_location;

/* ---- the forest ---------------------------------------------------------------------- */

/** Fetches the whole snapshot forest of `dom`. Free with vsnap_forest_free(). */
VSNAP_EXTERN(int) vsnap_forest_get(vsnap_forest **out, vsnap_domain *dom);
VSNAP_EXTERN(void) vsnap_forest_free(vsnap_forest *forest);

VSNAP_EXTERN(size_t) vsnap_forest_count(const vsnap_forest *forest);
/** The i-th snapshot in creation order (ESX: tree order). Borrowed; NULL when out of range. */
VSNAP_EXTERN(vsnap_snapshot *) vsnap_forest_at(const vsnap_forest *forest, size_t i);
/** The current snapshot, or NULL when there is none. Borrowed. */
VSNAP_EXTERN(vsnap_snapshot *) vsnap_forest_current(const vsnap_forest *forest);

/**
 * Resolves a key (name, path "a/b/c", or driver id). Borrowed result.
 * VSNAP_ENOTFOUND, or VSNAP_EAMBIGUOUS naming the candidates' paths.
 */
VSNAP_EXTERN(int) vsnap_forest_lookup(vsnap_snapshot **out, const vsnap_forest *forest,
	const char *key);

/** Filters of vsnap_forest_list(), libvirt's VIR_DOMAIN_SNAPSHOT_LIST_* semantics. */
typedef enum {
	VSNAP_LIST_ROOTS = 1u << 0,        /**< only snapshots without parent */
	VSNAP_LIST_DESCENDANTS = 1u << 1,  /**< with `from`: all descendants, not only children */
	VSNAP_LIST_LEAVES = 1u << 2,       /**< only snapshots without children */
	VSNAP_LIST_NO_LEAVES = 1u << 3,
	VSNAP_LIST_METADATA = 1u << 4,     /**< only snapshots that have metadata (all, here) */
	VSNAP_LIST_NO_METADATA = 1u << 5,
	VSNAP_LIST_INACTIVE = 1u << 6,     /**< state shutoff */
	VSNAP_LIST_ACTIVE = 1u << 7,       /**< running/paused checkpoints */
	VSNAP_LIST_DISK_ONLY = 1u << 8,    /**< state disk-snapshot */
	VSNAP_LIST_INTERNAL = 1u << 9,
	VSNAP_LIST_EXTERNAL = 1u << 10,
	VSNAP_LIST_TOPOLOGICAL = 1u << 11, /**< parents before children (else creation order) */
} vsnap_list_flag_t;

/**
 * Selects snapshots. `from` NULL: the whole forest (ROOTS limits to roots); `from` set: its
 * children (DESCENDANTS: the whole subtree below it). Groups combine as in libvirt: within a
 * group (LEAVES/NO_LEAVES, METADATA/NO_METADATA, INACTIVE/ACTIVE/DISK_ONLY, INTERNAL/EXTERNAL)
 * flags are OR'ed, across groups AND'ed. *out is an array of borrowed pointers; free only the
 * array with free()-like vsnap_snapshot_list_free().
 */
VSNAP_EXTERN(int) vsnap_forest_list(vsnap_snapshot ***out, size_t *count,
	const vsnap_forest *forest, const vsnap_snapshot *from, unsigned int flags);
VSNAP_EXTERN(void) vsnap_snapshot_list_free(vsnap_snapshot **list);

/**
 * The forest drawn as `virsh snapshot-list --tree` does (names, "|" and "+-" connectors,
 * a blank "|" line between siblings). `from` NULL: everything. Free the string.
 */
VSNAP_EXTERN(int) vsnap_forest_format_tree(char **out, const vsnap_forest *forest,
	const vsnap_snapshot *from);

/* ---- one snapshot (borrowed from its forest) ----------------------------------------- */

VSNAP_EXTERN(const char *) vsnap_snapshot_name(const vsnap_snapshot *snap);
VSNAP_EXTERN(const char *) vsnap_snapshot_description(const vsnap_snapshot *snap); /* or NULL */
VSNAP_EXTERN(const char *) vsnap_snapshot_id(const vsnap_snapshot *snap); /* driver id */
/** "a/b/c" from its root. Free the string. */
VSNAP_EXTERN(int) vsnap_snapshot_path(char **out, const vsnap_snapshot *snap);
VSNAP_EXTERN(int) vsnap_snapshot_state(const vsnap_snapshot *snap);
VSNAP_EXTERN(long long) vsnap_snapshot_creation_time(const vsnap_snapshot *snap); /* epoch s */
VSNAP_EXTERN(vsnap_snapshot *) vsnap_snapshot_parent(const vsnap_snapshot *snap); /* or NULL */
VSNAP_EXTERN(size_t) vsnap_snapshot_child_count(const vsnap_snapshot *snap);
VSNAP_EXTERN(vsnap_snapshot *) vsnap_snapshot_child(const vsnap_snapshot *snap, size_t i);
VSNAP_EXTERN(size_t) vsnap_snapshot_descendant_count(const vsnap_snapshot *snap);
VSNAP_EXTERN(int) vsnap_snapshot_is_current(const vsnap_snapshot *snap);
/** 1 when the snapshot holds memory state (a checkpoint of a running/paused domain). */
VSNAP_EXTERN(int) vsnap_snapshot_has_memory(const vsnap_snapshot *snap);
/** 1 quiesced, 0 not, -1 unknown. */
VSNAP_EXTERN(int) vsnap_snapshot_quiesced(const vsnap_snapshot *snap);
/** 1 when any disk or the memory is external (files outside the disk image). */
VSNAP_EXTERN(int) vsnap_snapshot_is_external(const vsnap_snapshot *snap);

VSNAP_EXTERN(size_t) vsnap_snapshot_disk_count(const vsnap_snapshot *snap);
/** Disk i: target name ("vda", "scsi0:0"), location (vsnap_snapshot_location), file or NULL. */
VSNAP_EXTERN(const char *) vsnap_snapshot_disk_name(const vsnap_snapshot *snap, size_t i);
VSNAP_EXTERN(int) vsnap_snapshot_disk_location(const vsnap_snapshot *snap, size_t i);
VSNAP_EXTERN(const char *) vsnap_snapshot_disk_file(const vsnap_snapshot *snap, size_t i);

typedef enum {
	VSNAP_SNAPSHOT_XML_SECURE = 1u << 0,   /**< (accepted, no secrets are kept anyway) */
	VSNAP_SNAPSHOT_XML_NO_DOMAIN = 1u << 1,/**< leave out the <domain> element */
} vsnap_snapshot_xml_flag_t;

/** The snapshot as libvirt <domainsnapshot> XML. Free the string. */
VSNAP_EXTERN(int) vsnap_snapshot_get_xml(char **out, const vsnap_snapshot *snap,
	unsigned int flags);

/* ---- changes ------------------------------------------------------------------------- */

typedef enum {
	VSNAP_SNAPSHOT_CREATE_REDEFINE = 1u << 0,   /**< metadata for a snapshot that exists */
	VSNAP_SNAPSHOT_CREATE_CURRENT = 1u << 1,    /**< with REDEFINE: make it current */
	VSNAP_SNAPSHOT_CREATE_NO_METADATA = 1u << 2,
	VSNAP_SNAPSHOT_CREATE_HALT = 1u << 3,       /**< power the domain off afterwards */
	VSNAP_SNAPSHOT_CREATE_DISK_ONLY = 1u << 4,  /**< no memory (ESX memory=false) */
	VSNAP_SNAPSHOT_CREATE_REUSE_EXT = 1u << 5,  /**< external files exist already: reuse */
	VSNAP_SNAPSHOT_CREATE_QUIESCE = 1u << 6,    /**< quiesce guest file systems (tools/agent) */
	VSNAP_SNAPSHOT_CREATE_ATOMIC = 1u << 7,     /**< all disks or none (always true here) */
	VSNAP_SNAPSHOT_CREATE_LIVE = 1u << 8,       /**< keep the guest running while saving (ESX:
	                                                 always; QEMU: VSNAP_EUNSUPPORTED) */
	VSNAP_SNAPSHOT_CREATE_VALIDATE = 1u << 9,   /**< check the XML against libvirt's schema first
	                                                 (VSNAP_EUNSUPPORTED if not installed) */
} vsnap_snapshot_create_flag_t;

/**
 * Creates a snapshot from <domainsnapshot> XML ("create input": name, description, memory and
 * disks are honoured; a missing name is generated from the creation time) or, with REDEFINE,
 * records the metadata of one that exists. `xml` NULL means all defaults. *name_out (may be
 * NULL) receives the new snapshot's name; free it.
 */
VSNAP_EXTERN(int) vsnap_snapshot_create_xml(char **name_out, vsnap_domain *dom, const char *xml,
	unsigned int flags);

/** Convenience: create with a name and description (either may be NULL). */
VSNAP_EXTERN(int) vsnap_snapshot_create(char **name_out, vsnap_domain *dom, const char *name,
	const char *description, unsigned int flags);

typedef enum {
	VSNAP_SNAPSHOT_REVERT_RUNNING = 1u << 0, /**< run after revert, whatever the snapshot says */
	VSNAP_SNAPSHOT_REVERT_PAUSED = 1u << 1,  /**< paused after revert */
	VSNAP_SNAPSHOT_REVERT_FORCE = 1u << 2,   /**< allow risky reverts (seed 001) */
	VSNAP_SNAPSHOT_REVERT_DELETE_CHILDREN = 1u << 3, /**< delete the snapshot's subtree below
	                                                      it too (seed 001's
	                                                      REVERT_DELETE_CHILDREN) */
	VSNAP_SNAPSHOT_REVERT_DISCARD = 1u << 4, /**< then delete the snapshot itself: the domain
	                                              keeps its state, not the snapshot (seed 001's
	                                              REVERT_DISCARD) */
} vsnap_snapshot_revert_flag_t;

/**
 * Reverts `dom` to the snapshot named by `key`. Risky reverts need FORCE: VSNAP_EOPERATION.
 *
 * DELETE_CHILDREN and DISCARD make one operation of a revert and deletes (data and
 * metadata, as vsnap_snapshot_delete without flags), composed from the driver's own
 * operations: the children's subtrees go (QEMU: before the revert, which then works in
 * place; ESX: after it, one RemoveSnapshot_Task per child subtree), and with DISCARD the
 * snapshot itself goes after the revert (QEMU: an external snapshot's overlay is removed
 * and the domain runs on the snapshot's own images again; its children, without
 * DELETE_CHILDREN, move to its parent). Progress is reported as one operation.
 * A running domain reverted to a snapshot without memory state needs FORCE, checked before
 * anything is deleted. If a step fails, the steps before it stay done and the message says
 * which; running the same call again finishes the operation (the deleted children are gone,
 * a revert done already is done again).
 */
VSNAP_EXTERN(int) vsnap_snapshot_revert(vsnap_domain *dom, const char *key, unsigned int flags);

typedef enum {
	VSNAP_SNAPSHOT_DELETE_CHILDREN = 1u << 0,      /**< the snapshot and its subtree */
	VSNAP_SNAPSHOT_DELETE_METADATA_ONLY = 1u << 1, /**< metadata only (never data) */
	VSNAP_SNAPSHOT_DELETE_CHILDREN_ONLY = 1u << 2, /**< the subtree, keeping the snapshot */
	VSNAP_SNAPSHOT_DELETE_NO_CONSOLIDATE = 1u << 3,/**< ESX: consolidate=false */
} vsnap_snapshot_delete_flag_t;

/**
 * Deletes a snapshot; its data merges into its children, which move to its parent.
 * ESX: METADATA_ONLY is VSNAP_EUNSUPPORTED (data and metadata are one there).
 */
VSNAP_EXTERN(int) vsnap_snapshot_delete(vsnap_domain *dom, const char *key, unsigned int flags);

/** Renames and/or re-describes a snapshot (NULL leaves that field as it is). */
VSNAP_EXTERN(int) vsnap_snapshot_edit(vsnap_domain *dom, const char *key, const char *new_name,
	const char *new_description);

/** Deletes every snapshot of `dom` (ESX RemoveAllSnapshots_Task). */
VSNAP_EXTERN(int) vsnap_snapshot_delete_all(vsnap_domain *dom, unsigned int flags);

/** 1 when the domain's disks need consolidation (ESX), 0 when not. */
VSNAP_EXTERN(int) vsnap_domain_needs_consolidation(int *out, vsnap_domain *dom);
/** Consolidates the domain's disks (ESX ConsolidateVMDisks_Task). */
VSNAP_EXTERN(int) vsnap_domain_consolidate(vsnap_domain *dom, unsigned int flags);

VSNAP_END_DECL
#endif

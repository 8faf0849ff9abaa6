/*
 * The snapshot forest behind the public read API (include/vsnap/snapshot.h): built once from
 * what a driver's snapshot_load returned, then queried locally.
 *
 * Parent links: def->parent names the parent by the driver's id first, then by name. ESX
 * allows several snapshots with one name, so the ESX driver gives parents by id (MoRef);
 * QEMU gives names, which are unique there. A parent that cannot be found, a name shared by
 * several candidate parents (with no id match), or a link that would close a cycle makes the
 * snapshot a root: a damaged store stays readable, as libvirt keeps loading it.
 *
 * Key lookup (vsnap_forest_lookup): a name that exactly one snapshot has wins; then a driver
 * id; a name several snapshots share is VSNAP_EAMBIGUOUS (listing their paths and ids);
 * then a path "a/b/c" of names from a root. The current snapshot is data->current_id matched
 * against ids first, then names.
 *
 * No traversal recurses: trees may be thousands of levels deep.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_CORE_FOREST_H
#define VSNAP_CORE_FOREST_H

#include "core/driver.h"

struct vsnap_snapshot {
	vsnap_forest *forest;
	vsnap_snapshot_def *def;        /* owned by forest->data */
	vsnap_snapshot *parent;         /* NULL for a root */
	vsnap_snapshot **children;      /* in forest order; points into forest->child_slots */
	size_t nchildren;
	size_t ndescendants;
	size_t index;                   /* position in forest order */
	size_t preorder_index;          /* position in forest->preorder */
};

struct vsnap_forest {
	vsnap_forest_data data;         /* the driver's defs, kept for revert/delete */
	vsnap_snapshot *nodes;          /* data.count nodes, forest order */
	vsnap_snapshot **child_slots;   /* every node's children array, back to back */
	vsnap_snapshot **roots;
	size_t nroots;
	vsnap_snapshot **preorder;      /* parents before children, siblings in forest order */
	vsnap_snapshot *current;
};

/*
 * Builds a forest from `data`, taking ownership of its contents (data is left empty, even on
 * failure). Every def must have a name.
 */
int vsnap__forest_build(vsnap_forest **out, vsnap_forest_data *data);

/* The def of a node (borrowed from its forest). */
const vsnap_snapshot_def *vsnap__forest_def(const vsnap_snapshot *snap);

#endif

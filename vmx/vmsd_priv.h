/*
 * Internals of the .vmsd reader (vmsd.c) and its output (vmsd_format.c).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_VMSD_PRIV_H
#define VSNAP_VMSD_PRIV_H

#include "vmx/vmx_priv.h"
#include "xml/snapshot_def.h"

typedef struct {
	vsnap_snapshot_def def;
	long long uid, parent_uid;   /* parent_uid -1: a root */
	int parent;                  /* index of the parent, -1: root */
} vsnap__vmsd_node;

void vsnap__vmsd_nodes_free(vsnap__vmsd_node *n, size_t count);
/* Snapshot names must be unique (a <parent> names one): a repeated display name becomes
 * "name (uid N)" with a warning. n log n. */
int vsnap__vmsd_unique_names(const vsnap__vmx_ctx *c, vsnap__vmsd_node *nodes, size_t n);
/* Disk nodes ("scsi0:0") -> the domain's target names ("sda"), as vmx2xml names them. */
int vsnap__vmsd_disk_targets(const vsnap__vmx_ctx *c, vsnap__vmsd_node *nodes, size_t n);
/* One <snapshots> document holding a <domainsnapshot> per snapshot, in file order. */
int vsnap__vmsd_format_xml(char **out, const vsnap__vmsd_node *nodes, size_t n);
/* virsh's snapshot-list --tree drawing (iterative: a 100k-deep chain needs no deep stack). */
int vsnap__vmsd_format_tree(char **out, const vsnap__vmsd_node *nodes, size_t n);

#endif

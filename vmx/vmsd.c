/*
 * .vmsd (VMware's snapshot list) -> <domainsnapshot> XML documents or a virsh-like tree.
 * snapshotN.{uid,parent,displayName,description,createTimeHigh,createTimeLow,numDisks,
 * diskM.fileName,diskM.node} and snapshot.{current,needConsolidate} are read into
 * vsnap_snapshot_def structs (xml/snapshot_def.h). Every step is linear (or n log n) in the
 * number of snapshots, so a chain of 100k snapshots costs what a flat list does; output and
 * the tree drawing are in vmsd_format.c.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vmx/vmx_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "vmx/vmsd_priv.h"

void vsnap__vmsd_nodes_free(vsnap__vmsd_node *n, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		free(n[i].def.name);
		free(n[i].def.description);
		free(n[i].def.parent);
		for (size_t d = 0; d < n[i].def.ndisks; d++) {
			free(n[i].def.disks[d].name);
			free(n[i].def.disks[d].source_file);
		}
		free(n[i].def.disks);
	}
	free(n);
}

static int parse_disks(const vsnap__vmx_ctx *c, int i, vsnap_snapshot_def *def)
{
	char k[80];
	long long nd;
	int rc;
	snprintf(k, sizeof(k), "snapshot%d.numDisks", i);
	if ((rc = vsnap__vmx_get_ll(c, k, &nd, 0)) < 0)
		return rc;
	if (nd < 0 || nd > 256)
		return vsnap__vmx_key_error(c, VSNAP_EPARSE, k, "expected 0 to 256, found %lld", nd);
	if (!nd)
		return 0;
	def->disks = calloc((size_t)nd, sizeof(*def->disks));
	if (!def->disks)
		return vsnap__error_oom();
	for (int d = 0; d < nd; d++) {
		const char *node = NULL, *file = NULL;
		snprintf(k, sizeof(k), "snapshot%d.disk%d.node", i, d);
		vsnap__vmx_get_str(c, k, &node);
		snprintf(k, sizeof(k), "snapshot%d.disk%d.fileName", i, d);
		vsnap__vmx_get_str(c, k, &file);
		if (!node)
			return vsnap__vmx_key_error(c, VSNAP_EPARSE, k, "disk %d has no node", d);
		vsnap_snapshot_disk_def *dd = &def->disks[def->ndisks++];
		dd->location = VSNAP_SNAPSHOT_LOCATION_INTERNAL;
		if ((rc = vsnap__str_dup(&dd->name, node)) < 0 ||
		    (rc = vsnap__str_dup(&dd->source_file, file)) < 0)
			return rc;
	}
	return 0;
}

/* Reads every snapshotN with a uid (N from 0 while present, up to numSnapshots or a gap). */
static int read_nodes(const vsnap__vmx_ctx *c, vsnap__vmsd_node **out, size_t *count)
{
	long long num;
	int rc = vsnap__vmx_get_ll(c, "snapshot.numSnapshots", &num, -1);
	if (rc < 0)
		return rc;
	if (num > 100000)
		return vsnap__vmx_key_error(c, VSNAP_EPARSE, "snapshot.numSnapshots", "too large");
	size_t cap = num > 0 ? (size_t)num : 0, n = 0;
	vsnap__vmsd_node *nodes = cap ? calloc(cap, sizeof(*nodes)) : NULL;
	if (cap && !nodes)
		return vsnap__error_oom();
	for (int i = 0; num < 0 || i < num; i++) {
		char k[80];
		snprintf(k, sizeof(k), "snapshot%d.uid", i);
		if (!vsnap__vmx_conf_get(c->conf, k)) {
			if (num < 0)
				break;
			rc = vsnap__vmx_key_error(c, VSNAP_EPARSE, k,
				"missing: snapshot.numSnapshots says %lld", num);
			goto fail;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			vsnap__vmsd_node *nn = realloc(nodes, cap * sizeof(*nodes));
			if (!nn) {
				rc = vsnap__error_oom();
				goto fail;
			}
			nodes = nn;
		}
		vsnap__vmsd_node *nd = &nodes[n++];
		memset(nd, 0, sizeof(*nd));
		nd->def.state = VSNAP_SNAPSHOT_NOSTATE;
		nd->def.quiesced = -1;
		if ((rc = vsnap__vmx_get_ll(c, k, &nd->uid, 0)) < 0)
			goto fail;
		snprintf(k, sizeof(k), "snapshot%d.parent", i);
		if ((rc = vsnap__vmx_get_ll(c, k, &nd->parent_uid, -1)) < 0)
			goto fail;
		const char *v;
		snprintf(k, sizeof(k), "snapshot%d.displayName", i);
		if (!vsnap__vmx_get_str(c, k, &v)) {
			rc = vsnap__vmx_key_error(c, VSNAP_EPARSE, k, "missing");
			goto fail;
		}
		if ((rc = vsnap__str_dup(&nd->def.name, v)) < 0)
			goto fail;
		if (vsnap__vmx_unescape(nd->def.name, '|') < 0) {
			rc = vsnap__vmx_key_error(c, VSNAP_EPARSE, k, "bad |XX escape");
			goto fail;
		}
		snprintf(k, sizeof(k), "snapshot%d.description", i);
		if (vsnap__vmx_get_str(c, k, &v) && *v) {
			if ((rc = vsnap__str_dup(&nd->def.description, v)) < 0)
				goto fail;
			if (vsnap__vmx_unescape(nd->def.description, '|') < 0) {
				rc = vsnap__vmx_key_error(c, VSNAP_EPARSE, k, "bad |XX escape");
				goto fail;
			}
		}
		/* microseconds since the epoch, split into two signed 32-bit halves */
		long long hi, lo;
		int have_hi, have_lo;
		snprintf(k, sizeof(k), "snapshot%d.createTimeHigh", i);
		if ((rc = have_hi = vsnap__vmx_get_ll(c, k, &hi, 0)) < 0)
			goto fail;
		snprintf(k, sizeof(k), "snapshot%d.createTimeLow", i);
		if ((rc = have_lo = vsnap__vmx_get_ll(c, k, &lo, 0)) < 0)
			goto fail;
		if (!have_hi && !have_lo) {
			/* left out rather than shown as 1970 (0 is "absent" in the snapshot model) */
			snprintf(k, sizeof(k), "snapshot%d.uid", i);
			if ((rc = vsnap__vmx_warn(c, k, "snapshot '%s' has no createTimeHigh/Low: no "
				"<creationTime>", nd->def.name)) < 0)
				goto fail;
		}
		unsigned long long us = ((unsigned long long)(hi & 0xffffffff) << 32) |
			(unsigned long long)(lo & 0xffffffff);
		nd->def.creation_time = (long long)(us / 1000000ULL);
		if ((rc = parse_disks(c, i, &nd->def)) < 0)
			goto fail;
	}
	*out = nodes;
	*count = n;
	return 0;
fail:
	vsnap__vmsd_nodes_free(nodes, n);
	return rc;
}

static int cmp_uid(const void *a, const void *b, void *nodes)
{
	const vsnap__vmsd_node *base = nodes;
	long long x = base[*(const size_t *)a].uid, y = base[*(const size_t *)b].uid;
	return x < y ? -1 : x > y;
}

/* Index of the node with `uid` through the uid-sorted index, or -1. */
static long find_uid(const vsnap__vmsd_node *nodes, const size_t *by_uid, size_t n, long long uid)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		long long u = nodes[by_uid[mid]].uid;
		if (u == uid)
			return (long)by_uid[mid];
		if (u < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* Walks each parent chain once (colours: 0 new, 1 on the current walk, 2 known good). */
static int check_cycles(const vsnap__vmx_ctx *c, const vsnap__vmsd_node *nodes, size_t n)
{
	unsigned char *colour = calloc(n ? n : 1, 1);
	if (!colour)
		return vsnap__error_oom();
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		int p = (int)i;
		while (p >= 0 && colour[p] == 0) {
			colour[p] = 1;
			p = nodes[p].parent;
		}
		if (p >= 0 && colour[p] == 1)
			rc = vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_VMX,
				"%s: snapshot '%s' is its own ancestor", c->conf->source,
				nodes[p].def.name);
		for (p = (int)i; p >= 0 && colour[p] == 1; p = nodes[p].parent)
			colour[p] = 2;
	}
	free(colour);
	return rc;
}

static int link_nodes(const vsnap__vmx_ctx *c, vsnap__vmsd_node *nodes, size_t n)
{
	long long cur = -1;
	int rc = vsnap__vmx_get_ll(c, "snapshot.current", &cur, -1);
	if (rc < 0)
		return rc;
	size_t *by_uid = malloc((n ? n : 1) * sizeof(*by_uid));
	if (!by_uid)
		return vsnap__error_oom();
	for (size_t i = 0; i < n; i++)
		by_uid[i] = i;
	qsort_r(by_uid, n, sizeof(*by_uid), cmp_uid, nodes);
	for (size_t i = 1; i < n; i++)
		if (nodes[by_uid[i]].uid == nodes[by_uid[i - 1]].uid) {
			size_t a = by_uid[i - 1] < by_uid[i] ? by_uid[i - 1] : by_uid[i];
			size_t b = by_uid[i - 1] < by_uid[i] ? by_uid[i] : by_uid[i - 1];
			free(by_uid);
			return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_VMX,
				"%s: snapshots %zu and %zu share uid %lld", c->conf->source, a, b,
				nodes[a].uid);
		}
	for (size_t i = 0; i < n; i++) {
		nodes[i].parent = -1;
		nodes[i].def.is_current = nodes[i].uid == cur;
		if (nodes[i].parent_uid < 0)
			continue;
		long p = find_uid(nodes, by_uid, n, nodes[i].parent_uid);
		if (p < 0) {
			free(by_uid);
			return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_VMX,
				"%s: snapshot '%s' names parent uid %lld, which does not exist",
				c->conf->source, nodes[i].def.name, nodes[i].parent_uid);
		}
		nodes[i].parent = (int)p;
	}
	free(by_uid);
	if ((rc = check_cycles(c, nodes, n)) < 0)
		return rc;
	if ((rc = vsnap__vmsd_unique_names(c, nodes, n)) < 0)
		return rc;
	for (size_t i = 0; i < n; i++)
		if (nodes[i].parent >= 0 &&
		    (rc = vsnap__str_dup(&nodes[i].def.parent, nodes[nodes[i].parent].def.name)) < 0)
			return rc;
	return 0;
}

/* What the file is when it is no .vmsd. */
static int check_kind(const vsnap__vmx_ctx *c, size_t n)
{
	const vsnap__vmx_entry *e = vsnap__vmx_conf_get(c->conf, "config.version");
	if (e)
		return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_VMX,
			"%s:%u: this is a .vmx (it has config.version), not a .vmsd: vmx2xml converts "
			"it", c->conf->source, e->line);
	if (n || !c->conf->n)
		return 0;   /* snapshots, or an empty .vmsd (a VM that never had one) */
	for (size_t i = 0; i < c->conf->n; i++)
		if (strncmp(c->conf->entries[i].lkey, "snapshot", 8) == 0 ||
		    strcmp(c->conf->entries[i].lkey, ".encoding") == 0)
			return 0;
	if (vsnap__vmx_conf_get(c->conf, "createType"))
		return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_VMX,
			"%s: this is a .vmdk disk descriptor, not a .vmsd", c->conf->source);
	return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_VMX,
		"%s: no snapshot keys: not a .vmsd", c->conf->source);
}

int vsnap__vmsd_convert(char **out, vsnap__vmx_diags *diags, const char *text, size_t len,
	const vsnap_vmx_options *opts, int tree)
{
	*out = NULL;
	vsnap__vmx_ctx c = { NULL, opts, 0, NULL };
	int rc = vsnap__vmx_conf_parse(&c.conf, text, len, opts->source_name);
	if (rc < 0)
		return rc;
	vsnap__vmsd_node *nodes = NULL;
	size_t n = 0;
	if ((rc = read_nodes(&c, &nodes, &n)) == 0 && (rc = check_kind(&c, n)) == 0 &&
	    (rc = link_nodes(&c, nodes, n)) == 0 && (rc = vsnap__vmsd_disk_targets(&c, nodes, n)) == 0)
		rc = tree ? vsnap__vmsd_format_tree(out, nodes, n) :
			vsnap__vmsd_format_xml(out, nodes, n);
	if (rc == 0)
		rc = vsnap__vmx_diags_move(diags, &c.conf->diags);
	if (rc < 0) {
		free(*out);
		*out = NULL;
	}
	vsnap__vmsd_nodes_free(nodes, n);
	vsnap__vmx_conf_free(c.conf);
	return rc;
}

int vsnap_vmsd_to_xml(char **out, const char *vmsd_text, size_t len,
	const vsnap_vmx_options *opts, unsigned int flags)
{
	if (!out || !vmsd_text)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID, "NULL argument");
	*out = NULL;
	if (flags & ~(unsigned int)VSNAP_VMSD_TREE)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID, "unknown flags 0x%x",
			flags);
	vsnap_vmx_result *r = NULL;
	int rc = vsnap_vmx_convert(&r, VSNAP_VMX_CONVERT_VMSD_TO_XML, vmsd_text, len, opts,
		(flags & VSNAP_VMSD_TREE) ? VSNAP_VMX_CONVERT_TREE : 0);
	if (rc == 0)
		rc = vsnap__str_dup(out, vsnap_vmx_result_text(r));
	vsnap_vmx_result_free(r);
	return rc;
}

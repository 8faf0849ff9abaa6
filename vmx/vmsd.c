/*
 * .vmsd (VMware's snapshot list) -> <domainsnapshot> XML documents or a virsh-like tree.
 * snapshotN.{uid,parent,displayName,description,createTimeHigh,createTimeLow,numDisks,
 * diskM.fileName,diskM.node} and snapshot.{current,needConsolidate} are read into
 * vsnap_snapshot_def structs (xml/snapshot_def.h).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vmx/vmx_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "xml/snapshot_def.h"

typedef struct {
	vsnap_snapshot_def def;
	long long uid, parent_uid;   /* parent_uid -1: a root */
	int parent;                  /* index of the parent, -1: root */
} vmsd_node;

static void nodes_free(vmsd_node *n, size_t count)
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
static int read_nodes(const vsnap__vmx_ctx *c, vmsd_node **out, size_t *count)
{
	long long num;
	int rc = vsnap__vmx_get_ll(c, "snapshot.numSnapshots", &num, -1);
	if (rc < 0)
		return rc;
	if (num > 100000)
		return vsnap__vmx_key_error(c, VSNAP_EPARSE, "snapshot.numSnapshots", "too large");
	size_t cap = num > 0 ? (size_t)num : 0, n = 0;
	vmsd_node *nodes = cap ? calloc(cap, sizeof(*nodes)) : NULL;
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
			vmsd_node *nn = realloc(nodes, cap * sizeof(*nodes));
			if (!nn) {
				rc = vsnap__error_oom();
				goto fail;
			}
			nodes = nn;
		}
		vmsd_node *nd = &nodes[n++];
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
		snprintf(k, sizeof(k), "snapshot%d.createTimeHigh", i);
		if ((rc = vsnap__vmx_get_ll(c, k, &hi, 0)) < 0)
			goto fail;
		snprintf(k, sizeof(k), "snapshot%d.createTimeLow", i);
		if ((rc = vsnap__vmx_get_ll(c, k, &lo, 0)) < 0)
			goto fail;
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
	nodes_free(nodes, n);
	return rc;
}

static int link_nodes(const vsnap__vmx_ctx *c, vmsd_node *nodes, size_t n)
{
	long long cur = -1;
	int rc = vsnap__vmx_get_ll(c, "snapshot.current", &cur, -1);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		nodes[i].parent = -1;
		nodes[i].def.is_current = nodes[i].uid == cur;
		for (size_t j = 0; j < i; j++)
			if (nodes[j].uid == nodes[i].uid)
				return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_VMX,
					"%s: snapshots %zu and %zu share uid %lld", c->conf->source, j, i,
					nodes[i].uid);
		if (nodes[i].parent_uid < 0)
			continue;
		for (size_t j = 0; j < n; j++)
			if (nodes[j].uid == nodes[i].parent_uid)
				nodes[i].parent = (int)j;
		if (nodes[i].parent < 0)
			return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_VMX,
				"%s: snapshot '%s' names parent uid %lld, which does not exist",
				c->conf->source, nodes[i].def.name, nodes[i].parent_uid);
		if ((rc = vsnap__str_dup(&nodes[i].def.parent, nodes[nodes[i].parent].def.name)) < 0)
			return rc;
	}
	/* a parent chain longer than n is a cycle */
	for (size_t i = 0; i < n; i++) {
		int p = nodes[i].parent;
		for (size_t steps = 0; p >= 0; steps++, p = nodes[p].parent)
			if (steps > n)
				return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_VMX,
					"%s: snapshot '%s' is its own ancestor", c->conf->source,
					nodes[i].def.name);
	}
	return 0;
}

static void xml_text(vsnap__strbuf *b, const char *s, int attr)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': vsnap__strbuf_append(b, "&lt;"); break;
		case '>': vsnap__strbuf_append(b, "&gt;"); break;
		case '&': vsnap__strbuf_append(b, "&amp;"); break;
		case '\'': vsnap__strbuf_append(b, attr ? "&apos;" : "'"); break;
		case '"': vsnap__strbuf_append(b, "&quot;"); break;
		default: {
			char ch[2] = { *s, 0 };
			vsnap__strbuf_append(b, ch);
		}
		}
	}
}

/* libvirt's <domainsnapshot> layout (formatsnapshot.rst), 2-space indentation. */
static void format_snapshot(vsnap__strbuf *b, const vsnap_snapshot_def *d)
{
	vsnap__strbuf_append(b, "<domainsnapshot>\n  <name>");
	xml_text(b, d->name, 0);
	vsnap__strbuf_append(b, "</name>\n");
	if (d->description) {
		vsnap__strbuf_append(b, "  <description>");
		xml_text(b, d->description, 0);
		vsnap__strbuf_append(b, "</description>\n");
	}
	if (d->parent) {
		vsnap__strbuf_append(b, "  <parent>\n    <name>");
		xml_text(b, d->parent, 0);
		vsnap__strbuf_append(b, "</name>\n  </parent>\n");
	}
	vsnap__strbuf_appendf(b, "  <creationTime>%lld</creationTime>\n", d->creation_time);
	if (d->ndisks) {
		vsnap__strbuf_append(b, "  <disks>\n");
		for (size_t i = 0; i < d->ndisks; i++) {
			vsnap__strbuf_append(b, "    <disk name='");
			xml_text(b, d->disks[i].name, 1);
			vsnap__strbuf_append(b, "' snapshot='internal'/>\n");
		}
		vsnap__strbuf_append(b, "  </disks>\n");
	}
	if (d->is_current)
		vsnap__strbuf_append(b, "  <active>1</active>\n");
	vsnap__strbuf_append(b, "</domainsnapshot>\n");
}

/* virsh's tree: "+- child" under a "|" line, with "|" continuing past siblings. */
static void tree(vsnap__strbuf *b, const vmsd_node *n, size_t count, int id, int last,
	int root, vsnap__strbuf *ind)
{
	vsnap__strbuf_appendf(b, "%s%s%s\n", vsnap__strbuf_cstr(ind), root ? "" : "+- ",
		n[id].def.name);
	size_t mark = ind->len;
	if (!root)
		vsnap__strbuf_append(ind, id == last ? "  " : "| ");
	int next_last = -1;
	for (size_t i = 0; i < count; i++)
		if (n[i].parent == id)
			next_last = (int)i;
	if (next_last >= 0)
		vsnap__strbuf_appendf(b, "%s  |\n", vsnap__strbuf_cstr(ind));
	size_t mark2 = ind->len;
	vsnap__strbuf_append(ind, "  ");
	for (size_t i = 0; i < count; i++)
		if (n[i].parent == id)
			tree(b, n, count, (int)i, next_last, 0, ind);
	vsnap__strbuf_truncate(ind, mark2);
	if (next_last < 0 && id == last)
		vsnap__strbuf_appendf(b, "%s\n", vsnap__strbuf_cstr(ind));
	vsnap__strbuf_truncate(ind, mark);
}

int vsnap_vmsd_to_xml(char **out, const char *vmsd_text, size_t len,
	const vsnap_vmx_options *opts, unsigned int flags)
{
	static const vsnap_vmx_options defaults = { .version = VSNAP_VMX_OPTIONS_VERSION };
	if (!out || !vmsd_text)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID, "NULL argument");
	*out = NULL;
	if (flags & ~(unsigned int)VSNAP_VMSD_TREE)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID, "unknown flags 0x%x",
			flags);
	vsnap__vmx_ctx c = { NULL, opts ? opts : &defaults };
	int rc = vsnap__vmx_conf_parse(&c.conf, vmsd_text, len, c.opts->source_name);
	if (rc < 0)
		return rc;
	vmsd_node *nodes = NULL;
	size_t n = 0;
	if ((rc = read_nodes(&c, &nodes, &n)) < 0 || (rc = link_nodes(&c, nodes, n)) < 0) {
		nodes_free(nodes, n);
		vsnap__vmx_conf_free(c.conf);
		return rc;
	}
	vsnap__strbuf b = VSNAP__STRBUF_INIT;
	vsnap__strbuf_append(&b, "");
	if (flags & VSNAP_VMSD_TREE) {
		vsnap__strbuf ind = VSNAP__STRBUF_INIT;
		vsnap__strbuf_append(&ind, "");
		for (size_t i = 0; i < n; i++)
			if (nodes[i].parent < 0)
				tree(&b, nodes, n, (int)i, (int)i, 1, &ind);
		if (ind.oom)
			vsnap__strbuf_set_oom(&b);
		vsnap__strbuf_clear(&ind);
	} else {
		for (size_t i = 0; i < n; i++)
			format_snapshot(&b, &nodes[i].def);
	}
	nodes_free(nodes, n);
	vsnap__vmx_conf_free(c.conf);
	return vsnap__strbuf_detach(out, &b);
}

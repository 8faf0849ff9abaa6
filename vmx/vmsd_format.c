/*
 * .vmsd output: snapshot names made unique, disk nodes named as the domain's targets, the
 * <snapshots> document and virsh's tree drawing. Linear in the number of snapshots (the tree
 * drawing's indentation aside, which grows with depth as virsh's does).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vmx/vmsd_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

static int cmp_name(const void *a, const void *b, void *nodes)
{
	const vsnap__vmsd_node *n = nodes;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = strcmp(n[x].def.name, n[y].def.name);
	return c ? c : (x < y ? -1 : x > y);
}

int vsnap__vmsd_unique_names(const vsnap__vmx_ctx *c, vsnap__vmsd_node *nodes, size_t n)
{
	size_t *by_name = malloc((n ? n : 1) * sizeof(*by_name));
	if (!by_name)
		return vsnap__error_oom();
	for (size_t i = 0; i < n; i++)
		by_name[i] = i;
	qsort_r(by_name, n, sizeof(*by_name), cmp_name, nodes);
	int rc = 0;
	size_t first = 0;
	for (size_t i = 1; i < n && rc == 0; i++) {
		vsnap__vmsd_node *a = &nodes[by_name[first]], *b = &nodes[by_name[i]];
		if (strcmp(a->def.name, b->def.name)) {
			first = i;
			continue;
		}
		char *name = NULL;
		if (asprintf(&name, "%s (uid %lld)", b->def.name, b->uid) < 0)
			rc = vsnap__error_oom();
		char key[48];
		snprintf(key, sizeof(key), "snapshot%zu.displayName", by_name[i]);
		if (rc == 0)
			rc = vsnap__vmx_warn(c, key, "'%s' is also the name of another snapshot: "
				"named '%s' (a <parent> must name one snapshot)", b->def.name, name);
		if (name) {
			free(b->def.name);
			b->def.name = name;
		}
	}
	free(by_name);
	return rc;
}

/* "scsi0:1" -> prefix and index of the name vmx2xml gives it; 0, or -1 for NVMe/unknown. */
static int natural_name(const char *node, const char **prefix, int *index)
{
	int ctl, unit;
	char tail;
	if (sscanf(node, "scsi%d:%d%c", &ctl, &unit, &tail) == 2 && ctl >= 0 && ctl < 4 &&
	    unit >= 0 && unit < 16 && unit != 7) {
		*prefix = "sd";
		*index = ctl * 15 + (unit < 7 ? unit : unit - 1);
	} else if (sscanf(node, "ide%d:%d%c", &ctl, &unit, &tail) == 2 && ctl >= 0 && ctl < 2 &&
		   unit >= 0 && unit < 2) {
		*prefix = "hd";
		*index = ctl * 2 + unit;
	} else if (sscanf(node, "sata%d:%d%c", &ctl, &unit, &tail) == 2 && ctl >= 0 &&
		   ctl < 4 && unit >= 0 && unit < 30) {
		*prefix = "sd";
		*index = ctl * 30 + unit;
	} else {
		return -1;
	}
	return 0;
}

static int bus_rank(const char *node)
{
	static const char *const order[] = { "scsi", "ide", "sata", "nvme" };
	for (int i = 0; i < 4; i++)
		if (strncmp(node, order[i], strlen(order[i])) == 0)
			return i;
	return 4;
}

static int cmp_slot(const void *a, const void *b, void *disks)
{
	const vsnap_snapshot_disk_def *d = disks;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int ra = bus_rank(d[x].name), rb = bus_rank(d[y].name);
	if (ra != rb)
		return ra - rb;
	int c = strcmp(d[x].name, d[y].name);
	return c ? c : (x < y ? -1 : x > y);
}

/* Names one snapshot's disks in vmx2xml's scan order (SCSI, IDE, SATA, NVMe). */
static int name_one(const vsnap__vmx_ctx *c, vsnap_snapshot_def *def, int *warned_nvme)
{
	size_t n = def->ndisks;
	size_t *order = malloc(n * sizeof(*order));
	char **names = calloc(n, sizeof(*names));
	int rc = 0;
	if (!order || !names) {
		rc = vsnap__error_oom();
		goto done;
	}
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	qsort_r(order, n, sizeof(*order), cmp_slot, def->disks);
	/* names[] holds the new names; the slot names stay until every disk has one */
	for (size_t k = 0; k < n && rc == 0; k++) {
		size_t i = order[k];
		const char *prefix = "sd";
		int idx = 0;
		char *name = NULL;
		int natural = natural_name(def->disks[i].name, &prefix, &idx) == 0;
		if (natural && (rc = vsnap__vmx_disk_name(&name, prefix, idx)) < 0)
			break;
		for (size_t j = 0; name && j < n; j++)
			if (names[j] && strcmp(names[j], name) == 0) {
				free(name);
				name = NULL;
			}
		for (int free_idx = 0; !name && rc == 0; free_idx++) {
			if ((rc = vsnap__vmx_disk_name(&name, natural ? prefix : "sd", free_idx)) < 0)
				break;
			for (size_t j = 0; j < n; j++)
				if (names[j] && strcmp(names[j], name) == 0) {
					free(name);
					name = NULL;
					break;
				}
		}
		if (rc < 0)
			break;
		if (!natural && !*warned_nvme) {
			*warned_nvme = 1;
			rc = vsnap__vmx_warn(c, NULL, "disk node '%s' has no libvirt bus: named '%s' "
				"as vmx2xml names NVMe disks", def->disks[i].name, name);
		}
		names[i] = name;
	}
	for (size_t i = 0; i < n; i++) {
		if (rc == 0 && names[i]) {
			free(def->disks[i].name);
			def->disks[i].name = names[i];
		} else {
			free(names[i]);
		}
	}
done:
	free(order);
	free(names);
	return rc;
}

int vsnap__vmsd_disk_targets(const vsnap__vmx_ctx *c, vsnap__vmsd_node *nodes, size_t n)
{
	int warned = 0, rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++)
		if (nodes[i].def.ndisks)
			rc = name_one(c, &nodes[i].def, &warned);
	return rc;
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
		default: vsnap__strbuf_appendf(b, "%c", *s);
		}
	}
}

/* libvirt's <domainsnapshot> layout (formatsnapshot.rst), indented one level. */
static void format_snapshot(vsnap__strbuf *b, const vsnap_snapshot_def *d)
{
	vsnap__strbuf_append(b, "  <domainsnapshot>\n    <name>");
	xml_text(b, d->name, 0);
	vsnap__strbuf_append(b, "</name>\n");
	if (d->description) {
		vsnap__strbuf_append(b, "    <description>");
		xml_text(b, d->description, 0);
		vsnap__strbuf_append(b, "</description>\n");
	}
	if (d->parent) {
		vsnap__strbuf_append(b, "    <parent>\n      <name>");
		xml_text(b, d->parent, 0);
		vsnap__strbuf_append(b, "</name>\n    </parent>\n");
	}
	if (d->creation_time > 0)
		vsnap__strbuf_appendf(b, "    <creationTime>%lld</creationTime>\n", d->creation_time);
	if (d->ndisks) {
		vsnap__strbuf_append(b, "    <disks>\n");
		for (size_t i = 0; i < d->ndisks; i++) {
			vsnap__strbuf_append(b, "      <disk name='");
			xml_text(b, d->disks[i].name, 1);
			vsnap__strbuf_append(b, "' snapshot='internal'/>\n");
		}
		vsnap__strbuf_append(b, "    </disks>\n");
	}
	if (d->is_current)
		vsnap__strbuf_append(b, "    <active>1</active>\n");
	vsnap__strbuf_append(b, "  </domainsnapshot>\n");
}

int vsnap__vmsd_format_xml(char **out, const vsnap__vmsd_node *nodes, size_t n)
{
	vsnap__strbuf b = VSNAP__STRBUF_INIT;
	if (!n) {
		vsnap__strbuf_append(&b, "<snapshots/>\n");
		return vsnap__strbuf_detach(out, &b);
	}
	vsnap__strbuf_append(&b, "<snapshots>\n");
	for (size_t i = 0; i < n; i++)
		format_snapshot(&b, &nodes[i].def);
	vsnap__strbuf_append(&b, "</snapshots>\n");
	return vsnap__strbuf_detach(out, &b);
}

/* One level of the drawing: the node, where its children list stands, the indentation. */
typedef struct {
	int id, last;         /* `last`: the last child of this node's parent */
	long child;           /* next child to draw (index into kids), -1 when not started */
	size_t mark, mark2;   /* indentation lengths to restore */
} frame;

int vsnap__vmsd_format_tree(char **out, const vsnap__vmsd_node *nodes, size_t n)
{
	/* children in file order: first[p] .. via next[] */
	long *first = malloc((n + 1) * sizeof(long)), *next = malloc((n + 1) * sizeof(long));
	long *tail = malloc((n + 1) * sizeof(long));
	frame *st = malloc((n + 1) * sizeof(*st));
	vsnap__strbuf b = VSNAP__STRBUF_INIT, ind = VSNAP__STRBUF_INIT;
	if (!first || !next || !tail || !st) {
		free(first);
		free(next);
		free(tail);
		free(st);
		return vsnap__error_oom();
	}
	for (size_t i = 0; i < n; i++)
		first[i] = next[i] = tail[i] = -1;
	for (size_t i = 0; i < n; i++) {
		int p = nodes[i].parent;
		if (p < 0)
			continue;
		if (tail[p] < 0)
			first[p] = (long)i;
		else
			next[tail[p]] = (long)i;
		tail[p] = (long)i;
	}
	vsnap__strbuf_append(&b, "");
	vsnap__strbuf_append(&ind, "");
	for (size_t r = 0; r < n; r++) {
		if (nodes[r].parent >= 0)
			continue;
		size_t depth = 0;
		st[0] = (frame){ (int)r, (int)r, -1, 0, 0 };
		/* the recursive drawing of the earlier vsnap, unrolled onto st[] */
		while (1) {
			frame *f = &st[depth];
			int root = depth == 0;
			if (f->child == -1) {   /* enter */
				vsnap__strbuf_appendf(&b, "%s%s%s\n", vsnap__strbuf_cstr(&ind),
					root ? "" : "+- ", nodes[f->id].def.name);
				f->mark = ind.len;
				if (!root)
					vsnap__strbuf_append(&ind, f->id == f->last ? "  " : "| ");
				if (first[f->id] >= 0)
					vsnap__strbuf_appendf(&b, "%s  |\n", vsnap__strbuf_cstr(&ind));
				f->mark2 = ind.len;
				vsnap__strbuf_append(&ind, "  ");
				f->child = first[f->id];
			} else {
				f->child = next[f->child];
			}
			if (f->child >= 0) {
				st[++depth] = (frame){ (int)f->child, (int)tail[f->id], -1, 0, 0 };
				continue;
			}
			/* leave */
			vsnap__strbuf_truncate(&ind, f->mark2);
			if (first[f->id] < 0 && f->id == f->last)
				vsnap__strbuf_appendf(&b, "%s\n", vsnap__strbuf_cstr(&ind));
			vsnap__strbuf_truncate(&ind, f->mark);
			if (depth == 0)
				break;
			depth--;
		}
	}
	if (ind.oom)
		vsnap__strbuf_set_oom(&b);
	vsnap__strbuf_clear(&ind);
	free(first);
	free(next);
	free(tail);
	free(st);
	return vsnap__strbuf_detach(out, &b);
}

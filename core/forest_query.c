/*
 * Forest queries: paths, key lookup, filtered lists (libvirt's snapshot list semantics) and
 * the `virsh snapshot-list --tree` drawing. Every traversal is iterative.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "core/forest.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/error.h"
#include "xml/snapshot_buf.h"

int vsnap_snapshot_path(char **out, const vsnap_snapshot *snap)
{
	size_t len = 0;
	char *p;

	if (out)
		*out = NULL;
	if (!out || !snap)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"snapshot path: missing output or snapshot");
	for (const vsnap_snapshot *s = snap; s; s = s->parent)
		len += strlen(s->def->name) + 1;
	if (!(p = malloc(len)))
		return vsnap__error_oom();
	p[--len] = '\0';
	for (const vsnap_snapshot *s = snap; s; s = s->parent) {
		size_t n = strlen(s->def->name);

		len -= n;
		memcpy(p + len, s->def->name, n);
		if (len)
			p[--len] = '/';
	}
	*out = p;
	return 0;
}

/* VSNAP_EAMBIGUOUS listing each candidate's path (and id when the driver has ids). */
static int ambiguous(const char *key, vsnap_snapshot *const *cand, size_t n)
{
	vsnap_sbuf buf = VSNAP_SBUF_INIT;
	char *list = NULL;
	int rc;

	for (size_t i = 0; i < n; i++) {
		char *path = NULL;

		if (vsnap_snapshot_path(&path, cand[i]) < 0) {
			vsnap__sbuf_clear(&buf);
			return VSNAP_ENOMEM;
		}
		vsnap__sbuf_printf(&buf, "%s'%s'", i ? ", " : "", path);
		if (cand[i]->def->id)
			vsnap__sbuf_printf(&buf, " (id %s)", cand[i]->def->id);
		free(path);
	}
	if ((rc = vsnap__sbuf_detach(&list, &buf)) < 0)
		return rc;
	rc = vsnap__error_set(VSNAP_EAMBIGUOUS, VSNAP_ERRCLASS_SNAPSHOT,
		"snapshot name '%s' is ambiguous: %zu snapshots match: %s; use a path or an id",
		key, n, list);
	free(list);
	return rc;
}

/* Walks "a/b/c" down from the roots; several matches at the end are ambiguous. */
static int lookup_path(vsnap_snapshot **out, const vsnap_forest *f, const char *key)
{
	size_t n = f->data.count;
	vsnap_snapshot **cur = malloc((n ? n : 1) * sizeof(*cur));
	vsnap_snapshot **nxt = malloc((n ? n : 1) * sizeof(*nxt));
	size_t ncur = 0, level = 0;
	const char *comp = key;
	int rc = VSNAP_ENOTFOUND;

	if (!cur || !nxt) {
		rc = vsnap__error_oom();
		goto cleanup;
	}
	while (comp) {
		const char *slash = strchr(comp, '/');
		size_t clen = slash ? (size_t)(slash - comp) : strlen(comp);
		vsnap_snapshot *const *pool = level ? NULL : f->roots;
		size_t nnxt = 0;

		/* Each node has one parent, so a level never holds more than n candidates. */
		for (size_t c = 0; c < (level ? ncur : 1); c++) {
			size_t np = level ? cur[c]->nchildren : f->nroots;

			if (level)
				pool = cur[c]->children;
			for (size_t i = 0; i < np; i++)
				if (strncmp(pool[i]->def->name, comp, clen) == 0 &&
					pool[i]->def->name[clen] == '\0')
					nxt[nnxt++] = pool[i];
		}
		memcpy(cur, nxt, nnxt * sizeof(*cur));
		ncur = nnxt;
		level++;
		comp = slash ? slash + 1 : NULL;
		if (!ncur)
			break;
	}
	if (ncur == 1) {
		*out = cur[0];
		rc = 0;
	} else if (ncur > 1) {
		rc = ambiguous(key, cur, ncur);
	} else {
		rc = vsnap__error_set(VSNAP_ENOTFOUND, VSNAP_ERRCLASS_SNAPSHOT,
			"snapshot '%s' not found", key);
	}
cleanup:
	free(cur);
	free(nxt);
	return rc;
}

int vsnap_forest_lookup(vsnap_snapshot **out, const vsnap_forest *forest, const char *key)
{
	vsnap_snapshot **named = NULL;
	size_t nnamed = 0;
	int rc;

	if (out)
		*out = NULL;
	if (!out || !forest || !key)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"snapshot lookup: missing output, forest or key");
	if (!(named = malloc((forest->data.count ? forest->data.count : 1) * sizeof(*named))))
		return vsnap__error_oom();
	for (size_t i = 0; i < forest->data.count; i++)
		if (strcmp(forest->nodes[i].def->name, key) == 0)
			named[nnamed++] = &forest->nodes[i];
	if (nnamed == 1) {
		*out = named[0];
		free(named);
		return 0;
	}
	for (size_t i = 0; i < forest->data.count; i++) {
		const char *id = forest->nodes[i].def->id;

		if (id && strcmp(id, key) == 0) {
			*out = &forest->nodes[i];
			free(named);
			return 0;
		}
	}
	if (nnamed > 1)
		rc = ambiguous(key, named, nnamed);
	else if (strchr(key, '/'))
		rc = lookup_path(out, forest, key);
	else
		rc = vsnap__error_set(VSNAP_ENOTFOUND, VSNAP_ERRCLASS_SNAPSHOT,
			"snapshot '%s' not found", key);
	free(named);
	return rc;
}

#define STATUS_FLAGS (VSNAP_LIST_INACTIVE | VSNAP_LIST_ACTIVE | VSNAP_LIST_DISK_ONLY)
#define LEAF_FLAGS (VSNAP_LIST_LEAVES | VSNAP_LIST_NO_LEAVES)
#define LOCATION_FLAGS (VSNAP_LIST_INTERNAL | VSNAP_LIST_EXTERNAL)
#define METADATA_FLAGS (VSNAP_LIST_METADATA | VSNAP_LIST_NO_METADATA)
#define ALL_LIST_FLAGS (VSNAP_LIST_ROOTS | VSNAP_LIST_DESCENDANTS | LEAF_FLAGS | \
	METADATA_FLAGS | STATUS_FLAGS | LOCATION_FLAGS | VSNAP_LIST_TOPOLOGICAL)

/* libvirt's per-snapshot filter; groups where every bit is set were cleared by the caller. */
static int keep(const vsnap_snapshot *s, unsigned int flags)
{
	int state = s->def->state;

	if ((flags & VSNAP_LIST_LEAVES) && s->nchildren)
		return 0;
	if ((flags & VSNAP_LIST_NO_LEAVES) && !s->nchildren)
		return 0;
	if (flags & STATUS_FLAGS) {
		if (state == VSNAP_SNAPSHOT_SHUTOFF)
			return !!(flags & VSNAP_LIST_INACTIVE);
		if (state == VSNAP_SNAPSHOT_DISK_SNAPSHOT)
			return !!(flags & VSNAP_LIST_DISK_ONLY);
		if (!(flags & VSNAP_LIST_ACTIVE))
			return 0;
	}
	if ((flags & VSNAP_LIST_INTERNAL) && vsnap_snapshot_is_external(s))
		return 0;
	if ((flags & VSNAP_LIST_EXTERNAL) && !vsnap_snapshot_is_external(s))
		return 0;
	return 1;
}

static int by_index(const void *a, const void *b)
{
	const vsnap_snapshot *x = *(vsnap_snapshot *const *)a, *y = *(vsnap_snapshot *const *)b;

	return x->index < y->index ? -1 : x->index > y->index;
}

/* The candidates before filtering, in the order the result keeps. */
static size_t candidates(vsnap_snapshot **c, const vsnap_forest *f, const vsnap_snapshot *from,
	unsigned int flags)
{
	size_t n = 0;

	if (!from && (flags & VSNAP_LIST_ROOTS)) {
		memcpy(c, f->roots, f->nroots * sizeof(*c));
		return f->nroots;
	}
	if (from && !(flags & VSNAP_LIST_DESCENDANTS)) {
		memcpy(c, from->children, from->nchildren * sizeof(*c));
		return from->nchildren;
	}
	if (!from) {
		for (size_t i = 0; i < f->data.count; i++)
			c[i] = (flags & VSNAP_LIST_TOPOLOGICAL) ? f->preorder[i] : &f->nodes[i];
		return f->data.count;
	}
	/* A subtree is contiguous in pre-order, right after its root. */
	n = from->ndescendants;
	memcpy(c, f->preorder + from->preorder_index + 1, n * sizeof(*c));
	if (!(flags & VSNAP_LIST_TOPOLOGICAL))
		qsort(c, n, sizeof(*c), by_index);
	return n;
}

int vsnap_forest_list(vsnap_snapshot ***out, size_t *count, const vsnap_forest *forest,
	const vsnap_snapshot *from, unsigned int flags)
{
	vsnap_snapshot **list;
	size_t n, k = 0;

	if (out)
		*out = NULL;
	if (count)
		*count = 0;
	if (!out || !count || !forest)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"snapshot list: missing output or forest");
	if (flags & ~ALL_LIST_FLAGS)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"snapshot list: unknown flags 0x%x", flags & ~ALL_LIST_FLAGS);
	if (from && from->forest != forest)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"snapshot list: snapshot '%s' is not from this forest", from->def->name);
	if (from && (flags & VSNAP_LIST_ROOTS))
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"snapshot list: roots cannot be listed below snapshot '%s'", from->def->name);
	if (!(list = calloc(forest->data.count + 1, sizeof(*list))))
		return vsnap__error_oom();
	/* Every snapshot here has metadata: NO_METADATA alone selects nothing (as libvirt). */
	if ((flags & METADATA_FLAGS) == VSNAP_LIST_NO_METADATA) {
		*out = list;
		return 0;
	}
	/* A group with every bit set filters nothing. */
	if ((flags & LEAF_FLAGS) == LEAF_FLAGS)
		flags &= ~LEAF_FLAGS;
	if ((flags & STATUS_FLAGS) == STATUS_FLAGS)
		flags &= ~STATUS_FLAGS;
	if ((flags & LOCATION_FLAGS) == LOCATION_FLAGS)
		flags &= ~LOCATION_FLAGS;
	n = candidates(list, forest, from, flags);
	for (size_t i = 0; i < n; i++)
		if (keep(list[i], flags))
			list[k++] = list[i];
	list[k] = NULL;
	*out = list;
	*count = k;
	return 0;
}

void vsnap_snapshot_list_free(vsnap_snapshot **list)
{
	free(list);
}

/* virsh sorts the tree's entries by name, case-insensitively; ties keep forest order. */
static int by_name(const void *a, const void *b)
{
	const vsnap_snapshot *x = *(vsnap_snapshot *const *)a, *y = *(vsnap_snapshot *const *)b;
	int c = strcasecmp(x->def->name, y->def->name);

	return c ? c : by_index(a, b);
}

typedef struct {
	vsnap_snapshot **kids;   /* sorted copy of the children */
	size_t nkids, next;
	int root, last;
} tree_frame;

/*
 * Starts a node as virsh's vshTreePrintInternal does: its line, then the indent its
 * children get ("| " below a non-last sibling, "  " below the last), and a "  |" line
 * when children follow.
 */
static int tree_enter(tree_frame *fr, vsnap_sbuf *out, vsnap_sbuf *indent, vsnap_snapshot *s,
	int root, int last)
{
	vsnap__sbuf_add(out, indent->data ? indent->data : "", indent->len);
	vsnap__sbuf_printf(out, "%s%s\n", root ? "" : "+- ", s->def->name);
	if (!root)
		vsnap__sbuf_puts(indent, last ? "  " : "| ");
	if (s->nchildren) {
		vsnap__sbuf_add(out, indent->data ? indent->data : "", indent->len);
		vsnap__sbuf_puts(out, "  |\n");
	}
	vsnap__sbuf_puts(indent, "  ");
	fr->root = root;
	fr->last = last;
	fr->next = 0;
	fr->nkids = s->nchildren;
	fr->kids = NULL;
	if (!s->nchildren)
		return 0;
	if (!(fr->kids = malloc(s->nchildren * sizeof(*fr->kids))))
		return -1;
	memcpy(fr->kids, s->children, s->nchildren * sizeof(*fr->kids));
	qsort(fr->kids, s->nchildren, sizeof(*fr->kids), by_name);
	return 0;
}

/* Ends a node: a leaf that is the last of its siblings closes the branch with its indent. */
static void tree_leave(const tree_frame *fr, vsnap_sbuf *out, vsnap_sbuf *indent)
{
	vsnap__sbuf_truncate(indent, 2);
	if (!fr->nkids && fr->last) {
		vsnap__sbuf_add(out, indent->data ? indent->data : "", indent->len);
		vsnap__sbuf_puts(out, "\n");
	}
	if (!fr->root)
		vsnap__sbuf_truncate(indent, 2);
}

static int draw(vsnap_sbuf *out, vsnap_snapshot *top, tree_frame *stack)
{
	vsnap_sbuf indent = VSNAP_SBUF_INIT;
	size_t depth = 0;
	int rc = 0;

	if (tree_enter(&stack[depth++], out, &indent, top, 1, 1) < 0)
		rc = -1;
	while (depth && rc == 0) {
		tree_frame *fr = &stack[depth - 1];

		if (fr->next < fr->nkids) {
			vsnap_snapshot *kid = fr->kids[fr->next++];

			/* depth never exceeds the node count: each node is entered once. */
			if (tree_enter(&stack[depth++], out, &indent, kid, 0,
				fr->next == fr->nkids) < 0)
				rc = -1;
		} else {
			tree_leave(fr, out, &indent);
			free(fr->kids);
			depth--;
		}
	}
	while (depth)
		free(stack[--depth].kids);
	vsnap__sbuf_clear(&indent);
	return rc;
}

int vsnap_forest_format_tree(char **out, const vsnap_forest *forest, const vsnap_snapshot *from)
{
	vsnap_sbuf buf = VSNAP_SBUF_INIT;
	vsnap_snapshot **tops = NULL;
	tree_frame *stack = NULL;
	size_t ntops;
	int rc = 0;

	if (out)
		*out = NULL;
	if (!out || !forest)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"snapshot tree: missing output or forest");
	if (from && from->forest != forest)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"snapshot tree: snapshot '%s' is not from this forest", from->def->name);
	ntops = from ? 1 : forest->nroots;
	tops = malloc((ntops ? ntops : 1) * sizeof(*tops));
	stack = calloc(forest->data.count ? forest->data.count : 1, sizeof(*stack));
	if (!tops || !stack) {
		rc = vsnap__error_oom();
		goto cleanup;
	}
	if (from)
		tops[0] = (vsnap_snapshot *)from;
	else
		memcpy(tops, forest->roots, ntops * sizeof(*tops));
	qsort(tops, ntops, sizeof(*tops), by_name);
	for (size_t i = 0; i < ntops && rc == 0; i++)
		if (draw(&buf, tops[i], stack) < 0)
			rc = vsnap__error_oom();
	if (rc == 0)
		rc = vsnap__sbuf_detach(out, &buf);
cleanup:
	vsnap__sbuf_clear(&buf);
	free(tops);
	free(stack);
	return rc;
}

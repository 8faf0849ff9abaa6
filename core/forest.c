/*
 * The snapshot forest: construction from a driver's vsnap_forest_data, and the per-node
 * accessors of the public API. Queries (lookup, list, tree) are in forest_query.c.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "core/forest.h"

#include <stdlib.h>
#include <string.h>

#include "core/error.h"

#define NONE ((size_t)-1)

void vsnap__forest_data_clear(vsnap_forest_data *data)
{
	if (!data)
		return;
	for (size_t i = 0; i < data->count; i++)
		vsnap__snapshot_def_free(data->defs[i]);
	free(data->defs);
	free(data->current_id);
	memset(data, 0, sizeof(*data));
}

typedef struct {
	const char *key;
	size_t idx;
} keyed;

static int keyed_cmp(const void *a, const void *b)
{
	const keyed *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	if (c)
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Sorted (key, index) pairs of every def's id (by_id) or name. */
static keyed *sorted_keys(const vsnap_forest_data *data, int by_id, size_t *count)
{
	keyed *k = malloc((data->count ? data->count : 1) * sizeof(*k));
	size_t n = 0;

	if (!k)
		return NULL;
	for (size_t i = 0; i < data->count; i++) {
		const char *key = by_id ? data->defs[i]->id : data->defs[i]->name;

		if (key) {
			k[n].key = key;
			k[n].idx = i;
			n++;
		}
	}
	qsort(k, n, sizeof(*k), keyed_cmp);
	*count = n;
	return k;
}

/* The index of the only entry with `key`, NONE when none or several. */
static size_t find_unique(const keyed *k, size_t n, const char *key)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(k[mid].key, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo >= n || strcmp(k[lo].key, key) != 0)
		return NONE;
	if (lo + 1 < n && strcmp(k[lo + 1].key, key) == 0)
		return NONE;
	return k[lo].idx;
}

/* Parent index of every def: by id first, then by (unique) name. */
static int resolve_parents(size_t *parent, const vsnap_forest_data *data)
{
	size_t nids = 0, nnames = 0;
	keyed *ids = sorted_keys(data, 1, &nids);
	keyed *names = sorted_keys(data, 0, &nnames);

	if (!ids || !names) {
		free(ids);
		free(names);
		return vsnap__error_oom();
	}
	for (size_t i = 0; i < data->count; i++) {
		const char *p = data->defs[i]->parent;
		size_t j = NONE;

		if (p) {
			j = find_unique(ids, nids, p);
			if (j == NONE)
				j = find_unique(names, nnames, p);
		}
		parent[i] = j == i ? NONE : j;
	}
	free(ids);
	free(names);
	return 0;
}

/* Breaks parent cycles (the link that closes one is dropped): linear, no recursion. */
static int break_cycles(size_t *parent, size_t n)
{
	size_t *mark = calloc(n ? n : 1, sizeof(*mark));   /* 0: new, i+1: on walk i, NONE: done */

	if (!mark)
		return vsnap__error_oom();
	for (size_t i = 0; i < n; i++) {
		size_t j = i, prev = NONE;

		while (j != NONE && mark[j] == 0) {
			mark[j] = i + 1;
			prev = j;
			j = parent[j];
		}
		if (j != NONE && mark[j] == i + 1)
			parent[prev] = NONE;
		for (j = i; j != NONE && mark[j] != NONE; j = parent[j])
			mark[j] = NONE;
	}
	free(mark);
	return 0;
}

static int link_nodes(vsnap_forest *f, const size_t *parent)
{
	size_t n = f->data.count;
	size_t *next = calloc(n ? n : 1, sizeof(*next));
	size_t off = 0;

	f->child_slots = calloc(n ? n : 1, sizeof(*f->child_slots));
	f->roots = calloc(n ? n : 1, sizeof(*f->roots));
	if (!next || !f->child_slots || !f->roots) {
		free(next);
		return vsnap__error_oom();
	}
	for (size_t i = 0; i < n; i++) {
		f->nodes[i].forest = f;
		f->nodes[i].def = f->data.defs[i];
		f->nodes[i].index = i;
		if (parent[i] != NONE) {
			f->nodes[i].parent = &f->nodes[parent[i]];
			f->nodes[parent[i]].nchildren++;
		} else {
			f->roots[f->nroots++] = &f->nodes[i];
		}
	}
	for (size_t i = 0; i < n; i++) {
		f->nodes[i].children = f->child_slots + off;
		next[i] = off;
		off += f->nodes[i].nchildren;
	}
	for (size_t i = 0; i < n; i++)
		if (parent[i] != NONE)
			f->child_slots[next[parent[i]]++] = &f->nodes[i];
	free(next);
	return 0;
}

/* Pre-order (siblings in forest order) with an explicit stack, then descendant counts. */
static int order_nodes(vsnap_forest *f)
{
	size_t n = f->data.count, top = 0, k = 0;
	vsnap_snapshot **stack = malloc((n ? n : 1) * sizeof(*stack));

	f->preorder = malloc((n ? n : 1) * sizeof(*f->preorder));
	if (!stack || !f->preorder) {
		free(stack);
		return vsnap__error_oom();
	}
	for (size_t i = f->nroots; i > 0; i--)
		stack[top++] = f->roots[i - 1];
	while (top) {
		vsnap_snapshot *s = stack[--top];

		s->preorder_index = k;
		f->preorder[k++] = s;
		for (size_t i = s->nchildren; i > 0; i--)
			stack[top++] = s->children[i - 1];
	}
	free(stack);
	for (size_t i = n; i > 0; i--) {
		vsnap_snapshot *s = f->preorder[i - 1];

		if (s->parent)
			s->parent->ndescendants += 1 + s->ndescendants;
	}
	return 0;
}

static void find_current(vsnap_forest *f)
{
	const char *cur = f->data.current_id;
	vsnap_snapshot *by_name = NULL;
	size_t named = 0;

	if (!cur)
		return;
	for (size_t i = 0; i < f->data.count; i++) {
		const vsnap_snapshot_def *d = f->data.defs[i];

		if (d->id && strcmp(d->id, cur) == 0) {
			f->current = &f->nodes[i];
			return;
		}
		if (strcmp(d->name, cur) == 0 && named++ == 0)
			by_name = &f->nodes[i];
	}
	if (named == 1)
		f->current = by_name;
}

void vsnap_forest_free(vsnap_forest *forest)
{
	if (!forest)
		return;
	vsnap__forest_data_clear(&forest->data);
	free(forest->nodes);
	free(forest->child_slots);
	free(forest->roots);
	free(forest->preorder);
	free(forest);
}

int vsnap__forest_build(vsnap_forest **out, vsnap_forest_data *data)
{
	vsnap_forest *f = NULL;
	size_t *parent = NULL;
	int rc;

	*out = NULL;
	for (size_t i = 0; i < data->count; i++) {
		if (!data->defs[i] || !data->defs[i]->name) {
			vsnap__forest_data_clear(data);
			return vsnap__error_set(VSNAP_ERROR, VSNAP_ERRCLASS_SNAPSHOT,
				"snapshot forest: entry %zu has no name", i);
		}
	}
	if (!(f = calloc(1, sizeof(*f)))) {
		vsnap__forest_data_clear(data);
		return vsnap__error_oom();
	}
	f->data = *data;
	memset(data, 0, sizeof(*data));
	f->nodes = calloc(f->data.count ? f->data.count : 1, sizeof(*f->nodes));
	parent = malloc((f->data.count ? f->data.count : 1) * sizeof(*parent));
	if (!f->nodes || !parent) {
		rc = vsnap__error_oom();
		goto error;
	}
	if ((rc = resolve_parents(parent, &f->data)) < 0 ||
		(rc = break_cycles(parent, f->data.count)) < 0 ||
		(rc = link_nodes(f, parent)) < 0 || (rc = order_nodes(f)) < 0)
		goto error;
	find_current(f);
	free(parent);
	*out = f;
	return 0;
error:
	free(parent);
	vsnap_forest_free(f);
	return rc;
}

const vsnap_snapshot_def *vsnap__forest_def(const vsnap_snapshot *snap)
{
	return snap ? snap->def : NULL;
}

size_t vsnap_forest_count(const vsnap_forest *forest)
{
	return forest ? forest->data.count : 0;
}

vsnap_snapshot *vsnap_forest_at(const vsnap_forest *forest, size_t i)
{
	if (!forest || i >= forest->data.count)
		return NULL;
	return &forest->nodes[i];
}

vsnap_snapshot *vsnap_forest_current(const vsnap_forest *forest)
{
	return forest ? forest->current : NULL;
}

const char *vsnap_snapshot_name(const vsnap_snapshot *snap)
{
	return snap ? snap->def->name : NULL;
}

const char *vsnap_snapshot_description(const vsnap_snapshot *snap)
{
	return snap ? snap->def->description : NULL;
}

const char *vsnap_snapshot_id(const vsnap_snapshot *snap)
{
	return snap ? snap->def->id : NULL;
}

int vsnap_snapshot_state(const vsnap_snapshot *snap)
{
	return snap ? snap->def->state : VSNAP_SNAPSHOT_NOSTATE;
}

long long vsnap_snapshot_creation_time(const vsnap_snapshot *snap)
{
	return snap ? snap->def->creation_time : 0;
}

vsnap_snapshot *vsnap_snapshot_parent(const vsnap_snapshot *snap)
{
	return snap ? snap->parent : NULL;
}

size_t vsnap_snapshot_child_count(const vsnap_snapshot *snap)
{
	return snap ? snap->nchildren : 0;
}

vsnap_snapshot *vsnap_snapshot_child(const vsnap_snapshot *snap, size_t i)
{
	return snap && i < snap->nchildren ? snap->children[i] : NULL;
}

size_t vsnap_snapshot_descendant_count(const vsnap_snapshot *snap)
{
	return snap ? snap->ndescendants : 0;
}

int vsnap_snapshot_is_current(const vsnap_snapshot *snap)
{
	return snap && snap->forest->current == snap;
}

int vsnap_snapshot_has_memory(const vsnap_snapshot *snap)
{
	if (!snap)
		return 0;
	return (snap->def->state == VSNAP_SNAPSHOT_RUNNING ||
		snap->def->state == VSNAP_SNAPSHOT_PAUSED) &&
		snap->def->memory != VSNAP_SNAPSHOT_LOCATION_NO;
}

int vsnap_snapshot_quiesced(const vsnap_snapshot *snap)
{
	return snap ? snap->def->quiesced : -1;
}

int vsnap_snapshot_is_external(const vsnap_snapshot *snap)
{
	if (!snap)
		return 0;
	if (snap->def->memory == VSNAP_SNAPSHOT_LOCATION_EXTERNAL)
		return 1;
	for (size_t i = 0; i < snap->def->ndisks; i++)
		if (snap->def->disks[i].location == VSNAP_SNAPSHOT_LOCATION_EXTERNAL)
			return 1;
	return 0;
}

size_t vsnap_snapshot_disk_count(const vsnap_snapshot *snap)
{
	return snap ? snap->def->ndisks : 0;
}

const char *vsnap_snapshot_disk_name(const vsnap_snapshot *snap, size_t i)
{
	return snap && i < snap->def->ndisks ? snap->def->disks[i].name : NULL;
}

int vsnap_snapshot_disk_location(const vsnap_snapshot *snap, size_t i)
{
	return snap && i < snap->def->ndisks ? snap->def->disks[i].location
		: VSNAP_SNAPSHOT_LOCATION_DEFAULT;
}

const char *vsnap_snapshot_disk_file(const vsnap_snapshot *snap, size_t i)
{
	return snap && i < snap->def->ndisks ? snap->def->disks[i].source_file : NULL;
}

int vsnap_snapshot_get_xml(char **out, const vsnap_snapshot *snap, unsigned int flags)
{
	vsnap_snapshot_def shown;

	if (out)
		*out = NULL;
	if (!out || !snap)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"snapshot XML: missing output or snapshot");
	/* The parent may be given by driver id (ESX); the XML names it. */
	shown = *snap->def;
	if (snap->parent)
		shown.parent = snap->parent->def->name;
	return vsnap__snapshot_def_format(out, &shown, flags, 0);
}

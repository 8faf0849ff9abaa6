/*
 * inventory.c: resolve a selection and read every selected domain's forest and sizes.
 *
 * Two steps, each one bulk call when the driver has batch primitives (ESX): list the domains
 * in scope (names only), pick with the selection, then read the picked ones together. A
 * driver without them is served the generic way: domain_list, then lookup + forest + sizes
 * domain by domain (QEMU: local files, no network).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/fleet.h"
#include "core/forest.h"

struct vsnap_inventory {
	vsnap__inventory_entry *entries;
	vsnap_forest **forests;         /* built from entries[i].forest; NULL for errors */
	size_t n;
};

void vsnap__inventory_entry_clear(vsnap__inventory_entry *e)
{
	vsnap_domain_info_clear(&e->info);
	vsnap__forest_data_clear(&e->forest);
	free(e->bytes);
	free(e->message);
	memset(e, 0, sizeof(*e));
}

void vsnap_inventory_free(vsnap_inventory *inv)
{
	if (!inv)
		return;
	for (size_t i = 0; i < inv->n; i++) {
		vsnap__inventory_entry_clear(&inv->entries[i]);
		vsnap_forest_free(inv->forests[i]);
	}
	free(inv->entries);
	free(inv->forests);
	free(inv);
}

/* Moves `add` into `list` unless a domain with the same id is there already. */
static int merge_list(vsnap_domain_info **list, size_t *n, vsnap_domain_info *add, size_t nadd)
{
	vsnap_domain_info *p = realloc(*list, (*n + nadd + 1) * sizeof(*p));

	if (!p) {
		vsnap_domain_info_list_free(add, nadd);
		return vsnap__error_oom();
	}
	*list = p;
	for (size_t i = 0; i < nadd; i++) {
		int dup = 0;

		for (size_t j = 0; j < *n && !dup; j++)
			dup = p[j].id && add[i].id && !strcmp(p[j].id, add[i].id);
		if (dup)
			vsnap_domain_info_clear(&add[i]);
		else
			p[(*n)++] = add[i];
	}
	free(add);
	return 0;
}

/* The domains in the selection's scope: its folders, plus everything when keys, --all or
 * bare globs need it. */
static int list_scope(vsnap_domain_info **out, size_t *n, vsnap_conn *conn,
	const vsnap_selection *sel)
{
	const vsnap_driver *d = conn->driver;
	int whole = sel->all || sel->nkeys || (sel->nglobs && !sel->nfolders);
	int rc = 0;

	*out = NULL;
	*n = 0;
	if (sel->nfolders && !d->inventory_list)
		return vsnap__error_set(VSNAP_EUNSUPPORTED, VSNAP_ERRCLASS_INVALID,
			"the %s driver has no inventory folders: select by name, glob or list",
			d->name);
	for (size_t f = 0; f < sel->nfolders && rc == 0; f++) {
		vsnap_domain_info *part = NULL;
		size_t np = 0;

		if ((rc = d->inventory_list(&part, &np, conn, sel->folders[f])) == 0)
			rc = merge_list(out, n, part, np);
	}
	if (rc == 0 && whole) {
		vsnap_domain_info *part = NULL;
		size_t np = 0;

		rc = d->inventory_list ? d->inventory_list(&part, &np, conn, NULL) :
			vsnap_domain_list(&part, &np, conn, 0);
		if (rc == 0)
			rc = merge_list(out, n, part, np);
	}
	if (rc < 0) {
		vsnap_domain_info_list_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

/* The generic read: one domain at a time through the public API. */
static int read_generic(vsnap__inventory_entry *e, vsnap_conn *conn)
{
	vsnap_domain *dom = NULL;
	int rc;

	if ((rc = vsnap_domain_lookup(&dom, conn, e->info.id ? e->info.id : e->info.name)) < 0)
		return rc;
	e->info.state = dom->info.state;
	e->consolidation_needed = -1;
	if (conn->driver->snapshot_load &&
	    (rc = conn->driver->snapshot_load(&e->forest, dom)) == 0 && e->forest.count &&
	    !(e->bytes = calloc(e->forest.count, sizeof(*e->bytes))))
		rc = vsnap__error_oom();
	for (size_t i = 0; rc == 0 && i < e->forest.count; i++)
		e->bytes[i] = conn->driver->snapshot_bytes ?
			conn->driver->snapshot_bytes(dom, e->forest.defs[i]) : -1;
	if (rc < 0)
		vsnap__error_prefix("reading the snapshots of domain '%s'", e->info.name);
	vsnap_domain_free(dom);
	return rc;
}

static int cmp_entry(const void *a, const void *b)
{
	const vsnap__inventory_entry *x = a, *y = b;

	if (x->code != y->code)
		return x->code ? 1 : -1;
	return strcmp(x->info.name ? x->info.name : "", y->info.name ? y->info.name : "");
}

/* Picks the selected domains of `list` (taking their infos) and adds unmatched keys. */
static int pick(vsnap_inventory *inv, const vsnap_selection *sel, vsnap_domain_info *list,
	size_t n)
{
	unsigned char *picked = calloc(n + 1, 1), *found = calloc(sel->nkeys + 1, 1);
	int rc = 0;

	if (!picked || !found || !(inv->entries = calloc(n + sel->nkeys + 1,
			sizeof(*inv->entries))))
		rc = vsnap__error_oom();
	if (rc == 0)
		vsnap__selection_match(sel, list, n, picked, found);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (!picked[i])
			continue;
		inv->entries[inv->n].info = list[i];
		inv->entries[inv->n++].consolidation_needed = -1;
		memset(&list[i], 0, sizeof(list[i]));
	}
	for (size_t k = 0; rc == 0 && k < sel->nkeys; k++) {
		vsnap__inventory_entry *e = &inv->entries[inv->n];

		if (found[k])
			continue;
		e->code = VSNAP_ENOTFOUND;
		e->consolidation_needed = -1;
		inv->n++;
		if (!(e->info.name = strdup(sel->keys[k])) ||
		    asprintf(&e->message, "no domain has the name, UUID or id '%s'",
			     sel->keys[k]) < 0) {
			e->message = NULL;
			rc = vsnap__error_oom();
		}
	}
	free(picked);
	free(found);
	return rc;
}

/* Moves the entries of `add` into the inventory unless their domain is there already. */
static int merge_entries(vsnap_inventory *inv, vsnap__inventory_entry *add, size_t nadd)
{
	vsnap__inventory_entry *p = realloc(inv->entries, (inv->n + nadd + 1) * sizeof(*p));
	int rc = 0;

	if (!p)
		rc = vsnap__error_oom();
	else
		inv->entries = p;
	for (size_t i = 0; i < nadd; i++) {
		int dup = rc < 0;

		for (size_t j = 0; j < inv->n && !dup; j++)
			dup = p[j].info.id && add[i].info.id && !strcmp(p[j].info.id, add[i].info.id);
		if (dup)
			vsnap__inventory_entry_clear(&add[i]);
		else
			p[inv->n++] = add[i];
	}
	free(add);
	return rc;
}

/*
 * A selection without keys on a driver that scans: one bulk read per folder (or of
 * everything) brings forests along, and the globs filter locally.
 */
static int scan(vsnap_inventory *inv, vsnap_conn *conn, const vsnap_selection *sel)
{
	vsnap_domain_info *infos = NULL;
	unsigned char *picked = NULL, unused = 0;
	size_t nf = sel->nfolders, keep = 0;
	int rc = 0;

	for (size_t f = 0; rc == 0 && f < (nf ? nf : 1); f++) {
		vsnap__inventory_entry *part = NULL;
		size_t np = 0;

		if ((rc = conn->driver->inventory_scan(&part, &np, conn,
				nf ? sel->folders[f] : NULL)) == 0)
			rc = merge_entries(inv, part, np);
	}
	if (rc == 0 && (!(infos = calloc(inv->n + 1, sizeof(*infos))) ||
			!(picked = calloc(inv->n + 1, 1))))
		rc = vsnap__error_oom();
	for (size_t i = 0; rc == 0 && i < inv->n; i++)
		infos[i] = inv->entries[i].info;     /* shallow: only read by the match */
	if (rc == 0)
		vsnap__selection_match(sel, infos, inv->n, picked, &unused);
	for (size_t i = 0; rc == 0 && i < inv->n; i++) {
		if (picked[i])
			inv->entries[keep++] = inv->entries[i];
		else
			vsnap__inventory_entry_clear(&inv->entries[i]);
	}
	if (rc == 0)
		inv->n = keep;
	free(infos);
	free(picked);
	return rc;
}

static int read_all(vsnap_inventory *inv, vsnap_conn *conn, int scanned)
{
	size_t nok = 0;
	int rc = 0;

	qsort(inv->entries, inv->n, sizeof(*inv->entries), cmp_entry);
	while (nok < inv->n && !inv->entries[nok].code)
		nok++;
	if (scanned)
		;   /* the scan read everything already */
	else if (conn->driver->inventory_read && nok)
		rc = conn->driver->inventory_read(inv->entries, nok, conn);
	for (size_t i = 0; rc == 0 && !scanned && !conn->driver->inventory_read && i < nok; i++)
		rc = read_generic(&inv->entries[i], conn);
	if (rc == 0 && !(inv->forests = calloc(inv->n + 1, sizeof(*inv->forests))))
		rc = vsnap__error_oom();
	for (size_t i = 0; rc == 0 && i < nok; i++) {
		vsnap__inventory_entry *e = &inv->entries[i];
		vsnap_forest_data data = e->forest;

		/* The forest takes the defs in their order: bytes[j] stays with defs[j]. */
		memset(&e->forest, 0, sizeof(e->forest));
		rc = vsnap__forest_build(&inv->forests[i], &data);
	}
	return rc;
}

int vsnap_inventory_get(vsnap_inventory **out, vsnap_conn *conn, const vsnap_selection *sel,
	unsigned int flags)
{
	vsnap_inventory *inv = NULL;
	vsnap_domain_info *list = NULL;
	size_t n = 0;
	int rc;

	if (out)
		*out = NULL;
	if (!out || !conn || !conn->driver)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"reading an inventory: no output or no connection given");
	if (flags)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"unknown inventory flags 0x%x", flags);
	if (vsnap_selection_is_empty(sel))
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"no domains selected: give domain names, --all, a glob, a folder or a list");
	if (!(inv = calloc(1, sizeof(*inv))))
		return vsnap__error_oom();
	if (!sel->nkeys && conn->driver->inventory_scan) {
		rc = scan(inv, conn, sel);
	} else {
		rc = list_scope(&list, &n, conn, sel);
		if (rc == 0)
			rc = pick(inv, sel, list, n);
		vsnap_domain_info_list_free(list, n);
	}
	if (rc == 0)
		rc = read_all(inv, conn, !sel->nkeys && conn->driver->inventory_scan);
	if (rc < 0) {
		vsnap_inventory_free(inv);
		return vsnap__error_prefix("selecting domains");
	}
	*out = inv;
	return 0;
}

size_t vsnap_inventory_count(const vsnap_inventory *inv)
{
	return inv ? inv->n : 0;
}

const vsnap__inventory_entry *vsnap__inventory_entry_at(const vsnap_inventory *inv, size_t i)
{
	return inv && i < inv->n ? &inv->entries[i] : NULL;
}

const char *vsnap_inventory_name(const vsnap_inventory *inv, size_t i)
{
	const vsnap__inventory_entry *e = vsnap__inventory_entry_at(inv, i);

	return e ? e->info.name : NULL;
}

const vsnap_domain_info *vsnap_inventory_info(const vsnap_inventory *inv, size_t i)
{
	const vsnap__inventory_entry *e = vsnap__inventory_entry_at(inv, i);

	return e && !e->code ? &e->info : NULL;
}

int vsnap_inventory_error(const vsnap_inventory *inv, size_t i, const char **message)
{
	const vsnap__inventory_entry *e = vsnap__inventory_entry_at(inv, i);

	if (message)
		*message = e ? e->message : NULL;
	return e ? e->code : VSNAP_EINVALID;
}

vsnap_forest *vsnap_inventory_forest(const vsnap_inventory *inv, size_t i)
{
	return inv && i < inv->n ? inv->forests[i] : NULL;
}

int vsnap_inventory_needs_consolidation(const vsnap_inventory *inv, size_t i)
{
	const vsnap__inventory_entry *e = vsnap__inventory_entry_at(inv, i);

	return e ? e->consolidation_needed : -1;
}

long long vsnap_inventory_snapshot_bytes(const vsnap_inventory *inv, size_t i,
	const vsnap_snapshot *snap)
{
	const vsnap__inventory_entry *e = vsnap__inventory_entry_at(inv, i);
	const vsnap_forest *f = vsnap_inventory_forest(inv, i);

	if (!e || !f || !snap || !e->bytes)
		return -1;
	for (size_t j = 0; j < f->data.count; j++)
		if (f->data.defs[j] == snap->def)
			return e->bytes[j];
	return -1;
}

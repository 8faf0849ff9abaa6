/*
 * prune.c: retention (include/vsnap/fleet.h). First a plan, computed from an inventory with
 * no request: per domain, the snapshots a name glob considers, minus the K newest, minus the
 * young ones. Then its execution: one delete per snapshot (children kept, so a pruned middle
 * snapshot's data merges into its child), a domain's deletes in order, domains concurrently.
 * A domain whose disks need consolidation is blocked, never skipped silently.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/error.h"
#include "core/fleet.h"

struct vsnap_prune_plan {
	const vsnap_inventory *inv;
	vsnap_report_row *rows;     /* to remove; rows[i].path owned */
	size_t *dom;                /* inventory index of rows[i] */
	size_t n;
	struct blocked { const char *domain; char *reason; size_t dom; } *blocked;
	size_t nblocked;
};

/* Newest first; at equal times (one-second clocks) the later in creation order first. */
static int newest_first(const void *a, const void *b, void *rows_arg)
{
	const vsnap_report_row *rows = rows_arg;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;

	if (rows[i].creation_time != rows[j].creation_time)
		return rows[i].creation_time < rows[j].creation_time ? 1 : -1;
	return i < j ? 1 : i > j ? -1 : 0;
}

static int block(vsnap_prune_plan *p, size_t i, const char *reason)
{
	struct blocked *b = realloc(p->blocked, (p->nblocked + 1) * sizeof(*b));

	if (!b)
		return vsnap__error_oom();
	p->blocked = b;
	b += p->nblocked++;
	b->domain = vsnap_inventory_name(p->inv, i);
	b->dom = i;
	if (!(b->reason = strdup(reason)))
		return vsnap__error_oom();
	return 0;
}

/* Appends the rows of domain i that the rules remove; frees the others' paths. */
static int plan_domain(vsnap_prune_plan *p, size_t i, const vsnap_prune_options *o)
{
	vsnap_report_row *rows = NULL;
	size_t n = 0, kept = 0;
	int rc;

	size_t *order = NULL;

	if ((rc = vsnap__report_rows(&rows, &n, p->inv, i, o->now)) < 0)
		return rc;
	if (n && !(order = malloc(n * sizeof(*order))))
		rc = vsnap__error_oom();
	for (size_t k = 0; order && k < n; k++)
		order[k] = k;
	if (order)
		qsort_r(order, n, sizeof(*order), newest_first, rows);
	for (size_t x = 0; x < n; x++) {
		size_t k = order ? order[x] : x;
		int take = !o->name_glob || vsnap__glob_match(o->name_glob, rows[k].name);

		if (take && o->keep_newest && kept < o->keep_newest) {
			kept++;
			take = 0;
		}
		if (take && o->older_than_seconds && rows[k].age_seconds < o->older_than_seconds)
			take = 0;
		if (!take || rc < 0) {
			free((char *)rows[k].path);
			continue;
		}
		vsnap_report_row *r = realloc(p->rows, (p->n + 1) * sizeof(*r));
		size_t *d = r ? realloc(p->dom, (p->n + 1) * sizeof(*d)) : NULL;

		if (r)
			p->rows = r;
		if (d)
			p->dom = d;
		if (!r || !d) {
			free((char *)rows[k].path);
			rc = vsnap__error_oom();
			continue;
		}
		p->dom[p->n] = i;
		p->rows[p->n++] = rows[k];
	}
	free(order);
	free(rows);
	return rc;
}

int vsnap_prune_plan_build(vsnap_prune_plan **out, const vsnap_inventory *inv,
	const vsnap_prune_options *opts)
{
	vsnap_prune_options o;
	vsnap_prune_plan *p;
	int rc = 0;

	if (out)
		*out = NULL;
	if (!out || !inv || !opts || opts->version != VSNAP_PRUNE_OPTIONS_VERSION)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"planning a prune: no output, inventory or options of a known version");
	o = *opts;
	if (!o.older_than_seconds && !o.keep_newest && !o.name_glob)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"planning a prune: give an age, a number to keep or a name glob (without one "
			"every snapshot would go)");
	if (!o.now)
		o.now = (long long)time(NULL);
	if (!(p = calloc(1, sizeof(*p))))
		return vsnap__error_oom();
	p->inv = inv;
	for (size_t i = 0; i < vsnap_inventory_count(inv) && rc == 0; i++) {
		const char *msg = NULL;
		size_t before = p->n;

		if (vsnap_inventory_error(inv, i, &msg))
			rc = block(p, i, msg ? msg : "not found");
		else if ((rc = plan_domain(p, i, &o)) == 0 && p->n > before &&
			 vsnap_inventory_needs_consolidation(inv, i) == 1) {
			/* Removing snapshots over a broken chain would make it worse: hold. */
			while (p->n > before)
				free((char *)p->rows[--p->n].path);
			rc = block(p, i, "its disks need consolidation: run 'consolidate' on it first, "
				"then prune again");
		}
	}
	if (rc < 0) {
		vsnap_prune_plan_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

void vsnap_prune_plan_free(vsnap_prune_plan *plan)
{
	if (!plan)
		return;
	for (size_t i = 0; i < plan->n; i++)
		free((char *)plan->rows[i].path);
	for (size_t i = 0; i < plan->nblocked; i++)
		free(plan->blocked[i].reason);
	free(plan->rows);
	free(plan->dom);
	free(plan->blocked);
	free(plan);
}

size_t vsnap_prune_plan_count(const vsnap_prune_plan *plan)
{
	return plan ? plan->n : 0;
}

const vsnap_report_row *vsnap_prune_plan_at(const vsnap_prune_plan *plan, size_t i)
{
	return plan && i < plan->n ? &plan->rows[i] : NULL;
}

size_t vsnap_prune_plan_blocked_count(const vsnap_prune_plan *plan)
{
	return plan ? plan->nblocked : 0;
}

const char *vsnap_prune_plan_blocked_at(const vsnap_prune_plan *plan, size_t i,
	const char **reason)
{
	if (!plan || i >= plan->nblocked) {
		if (reason)
			*reason = NULL;
		return NULL;
	}
	if (reason)
		*reason = plan->blocked[i].reason;
	return plan->blocked[i].domain;
}

int vsnap_prune_execute(vsnap_fleet_result **out, vsnap_conn *conn,
	const vsnap_prune_plan *plan, const vsnap_fleet_options *opts)
{
	vsnap_fleet_options o = VSNAP_FLEET_OPTIONS_INIT;
	vsnap__fleet_job *jobs = NULL;
	vsnap_fleet_result *res = NULL;
	int rc;

	if (out)
		*out = NULL;
	if (!out || !conn || !plan)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"pruning: no output, connection or plan given");
	if (opts) {
		o.parallel = opts->parallel;
		o.progress_cb = opts->progress_cb;
		o.progress_payload = opts->progress_payload;
	}
	if (o.parallel > VSNAP_FLEET_MAX_PARALLEL)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"pruning: parallel %u is above the limit of %d", o.parallel,
			VSNAP_FLEET_MAX_PARALLEL);
	if (!o.parallel)
		o.parallel = VSNAP_FLEET_DEFAULT_PARALLEL;
	o.op = VSNAP_FLEET_DELETE;
	if ((rc = vsnap__fleet_result_new(&res, plan->n + plan->nblocked)) < 0)
		return rc;
	if (plan->n && !(jobs = calloc(plan->n, sizeof(*jobs))))
		rc = vsnap__error_oom();
	for (size_t i = 0; rc == 0 && i < plan->n; i++) {
		jobs[i].dom = vsnap_inventory_info(plan->inv, plan->dom[i]);
		jobs[i].forest = vsnap_inventory_forest(plan->inv, plan->dom[i]);
		jobs[i].op = VSNAP_FLEET_DELETE;
		jobs[i].snapshot_id = plan->rows[i].id ? plan->rows[i].id : plan->rows[i].name;
		jobs[i].snapshot_name = plan->rows[i].name;
	}
	if (rc == 0)
		rc = vsnap__fleet_execute(res, 0, conn, jobs, plan->n, &o);
	for (size_t b = 0; rc == 0 && b < plan->nblocked; b++)
		rc = vsnap__fleet_result_set(res, plan->n + b, plan->blocked[b].domain, NULL,
			VSNAP_OUTCOME_FAILED,
			vsnap_inventory_error(plan->inv, plan->blocked[b].dom, NULL) ?
			VSNAP_ENOTFOUND : VSNAP_EOPERATION, plan->blocked[b].reason);
	free(jobs);
	if (rc < 0) {
		vsnap_fleet_result_free(res);
		return rc;
	}
	*out = res;
	return 0;
}

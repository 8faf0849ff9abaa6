/*
 * fleet_run.c: vsnap_fleet_run(): resolve the selection into an inventory, turn each domain
 * into jobs (resolving the snapshot key against the forest read with it, so a domain without
 * that snapshot fails here, without a request), and hand the jobs to the executor.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/error.h"
#include "core/fleet.h"
#include "core/forest.h"

int vsnap_fleet_options_init(vsnap_fleet_options *opts, unsigned int version)
{
	if (!opts || version != VSNAP_FLEET_OPTIONS_VERSION)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"fleet options version %u is not %u", version, VSNAP_FLEET_OPTIONS_VERSION);
	memset(opts, 0, sizeof(*opts));
	opts->version = version;
	return 0;
}

static int check_options(vsnap_fleet_options *o, const vsnap_fleet_options *in)
{
	if (!in || in->version != VSNAP_FLEET_OPTIONS_VERSION)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"fleet run: options missing or of an unknown version");
	*o = *in;
	if (o->op < VSNAP_FLEET_CREATE || o->op > VSNAP_FLEET_CONSOLIDATE)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"fleet run: unknown operation %d", o->op);
	if ((o->op == VSNAP_FLEET_REVERT || o->op == VSNAP_FLEET_DELETE) && !o->snapshot)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"fleet run: no snapshot given to %s",
			o->op == VSNAP_FLEET_REVERT ? "revert to" : "delete");
	if (o->parallel > VSNAP_FLEET_MAX_PARALLEL)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"fleet run: parallel %u is above the limit of %d", o->parallel,
			VSNAP_FLEET_MAX_PARALLEL);
	if (!o->parallel)
		o->parallel = VSNAP_FLEET_DEFAULT_PARALLEL;
	return 0;
}

typedef struct {
	vsnap__fleet_job *jobs;
	size_t *slot;               /* outcome index of each job */
	size_t njobs, cap;
	size_t noutcomes;
	/* outcomes decided before running (errors found while planning) */
	struct early { size_t slot; const char *domain; char *message; int code; int status; }
		*early;
	size_t nearly;
} plan;

static int add_job(plan *p, const vsnap__fleet_job *job)
{
	if (p->njobs == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 64;
		vsnap__fleet_job *j = realloc(p->jobs, cap * sizeof(*j));
		size_t *s = j ? realloc(p->slot, cap * sizeof(*s)) : NULL;

		if (j)
			p->jobs = j;
		if (!j || !s)
			return vsnap__error_oom();
		p->slot = s;
		p->cap = cap;
	}
	p->jobs[p->njobs] = *job;
	p->slot[p->njobs++] = p->noutcomes++;
	return 0;
}

static int add_early(plan *p, const char *domain, int code, const char *message, int status)
{
	struct early *e = realloc(p->early, (p->nearly + 1) * sizeof(*e));

	if (!e)
		return vsnap__error_oom();
	p->early = e;
	e += p->nearly++;
	e->slot = p->noutcomes++;
	e->domain = domain;
	e->code = code;
	e->status = status;
	if (!(e->message = message ? strdup(message) : NULL) && message)
		return vsnap__error_oom();
	return 0;
}

/* The jobs of one domain for the options' operation. */
static int plan_domain(plan *p, const vsnap_inventory *inv, size_t i,
	const vsnap_fleet_options *o, const char *create_name)
{
	const vsnap_domain_info *info = vsnap_inventory_info(inv, i);
	vsnap_forest *forest = vsnap_inventory_forest(inv, i);
	vsnap__fleet_job job = { info, forest, o->op, NULL, NULL, o->description, o->flags };
	vsnap_snapshot *snap = NULL;
	const char *msg = NULL;
	int code;

	if ((code = vsnap_inventory_error(inv, i, &msg)) != 0)
		return add_early(p, vsnap_inventory_name(inv, i), code, msg, VSNAP_OUTCOME_FAILED);
	if (o->op == VSNAP_FLEET_CREATE)
		job.snapshot_name = create_name;
	if (o->op != VSNAP_FLEET_REVERT && o->op != VSNAP_FLEET_DELETE)
		return add_job(p, &job);
	if ((code = vsnap_forest_lookup(&snap, forest, o->snapshot)) < 0) {
		vsnap__error_prefix("domain '%s'", info->name);
		return add_early(p, info->name, code, vsnap_error_last()->message,
			VSNAP_OUTCOME_FAILED);
	}
	if (o->op == VSNAP_FLEET_DELETE && (o->flags & VSNAP_SNAPSHOT_DELETE_CHILDREN_ONLY)) {
		/* Each child subtree is one removal; the snapshot itself stays. */
		job.flags = (o->flags & ~VSNAP_SNAPSHOT_DELETE_CHILDREN_ONLY) |
			VSNAP_SNAPSHOT_DELETE_CHILDREN;
		for (size_t c = 0; c < vsnap_snapshot_child_count(snap); c++) {
			const vsnap_snapshot *child = vsnap_snapshot_child(snap, c);
			int rc;

			job.snapshot_id = child->def->id ? child->def->id : child->def->name;
			job.snapshot_name = child->def->name;
			if ((rc = add_job(p, &job)) < 0)
				return rc;
		}
		return 0;
	}
	job.snapshot_id = snap->def->id ? snap->def->id : snap->def->name;
	job.snapshot_name = snap->def->name;
	return add_job(p, &job);
}

static void plan_clear(plan *p)
{
	for (size_t i = 0; i < p->nearly; i++)
		free(p->early[i].message);
	free(p->early);
	free(p->jobs);
	free(p->slot);
}

/*
 * Runs the jobs with their outcomes at their slots: the executor writes a contiguous block,
 * so the jobs go first and the outcomes are put in slot order afterwards.
 */
static int run_plan(vsnap_fleet_result **out, vsnap_conn *conn, plan *p,
	const vsnap_fleet_options *o)
{
	vsnap_fleet_result *tmp = NULL, *res = NULL;
	int rc;

	if ((rc = vsnap__fleet_result_new(&tmp, p->njobs)) < 0 ||
	    (rc = vsnap__fleet_execute(tmp, 0, conn, p->jobs, p->njobs, o)) < 0 ||
	    (rc = vsnap__fleet_result_new(&res, p->noutcomes)) < 0)
		goto cleanup;
	for (size_t j = 0; j < p->njobs && rc == 0; j++) {
		const vsnap_fleet_outcome *x = vsnap_fleet_result_at(tmp, j);

		rc = vsnap__fleet_result_set(res, p->slot[j], x->domain, x->snapshot, x->status,
			x->code, x->message);
	}
	for (size_t e = 0; e < p->nearly && rc == 0; e++)
		rc = vsnap__fleet_result_set(res, p->early[e].slot, p->early[e].domain, NULL,
			p->early[e].status, p->early[e].code, p->early[e].message);
cleanup:
	vsnap_fleet_result_free(tmp);
	if (rc < 0) {
		vsnap_fleet_result_free(res);
		return rc;
	}
	*out = res;
	return 0;
}

int vsnap_fleet_run_inventory(vsnap_fleet_result **out, vsnap_conn *conn,
	const vsnap_inventory *inv, const vsnap_fleet_options *opts)
{
	vsnap_fleet_options o;
	plan p = { 0 };
	char gen[32];
	const char *create_name;
	int rc;

	if (out)
		*out = NULL;
	if (!out || !conn || !inv)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"fleet run: no output, connection or inventory given");
	if ((rc = check_options(&o, opts)) < 0)
		return rc;
	/* One generated name for the whole run, as one command would have given. */
	snprintf(gen, sizeof(gen), "%lld", (long long)time(NULL));
	create_name = o.snapshot ? o.snapshot : gen;
	for (size_t i = 0; i < vsnap_inventory_count(inv) && rc == 0; i++)
		rc = plan_domain(&p, inv, i, &o, create_name);
	if (rc == 0)
		rc = run_plan(out, conn, &p, &o);
	plan_clear(&p);
	return rc;
}

int vsnap_fleet_run(vsnap_fleet_result **out, vsnap_conn *conn, const vsnap_selection *sel,
	const vsnap_fleet_options *opts)
{
	vsnap_inventory *inv = NULL;
	vsnap_fleet_options o;
	int rc;

	if (out)
		*out = NULL;
	if ((rc = check_options(&o, opts)) < 0)
		return rc;
	if ((rc = vsnap_inventory_get(&inv, conn, sel, 0)) < 0)
		return rc;
	rc = vsnap_fleet_run_inventory(out, conn, inv, opts);
	vsnap_inventory_free(inv);
	return rc;
}

/*
 * fleet_exec.c: the bounded-concurrency executor behind vsnap_fleet_run() and
 * vsnap_prune_execute().
 *
 * Jobs of one domain form a chain that runs in order (ESX runs one task per VM at a time; a
 * QEMU domain is locked by the operation). Chains run concurrently, at most `parallel` jobs at
 * once, in one of two ways:
 *  - task mode, when the driver can start a job without waiting (ESX): one thread submits
 *    tasks and waits for all running ones together (the driver's task_wait: one
 *    WaitForUpdatesEx over every task), so concurrency costs no threads and one session;
 *  - thread mode otherwise (QEMU): `parallel` worker threads, each with its own connection
 *    (a connection serves one thread), each running whole chains through the public API.
 * Cancel (vsnap_conn_cancel on the caller's connection) stops new jobs; running ESX tasks get
 * CancelTask and are waited for, so each outcome is the task's real end.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/fleet.h"

typedef struct {
	vsnap_fleet_result *res;
	size_t first;
	vsnap_conn *conn;
	const vsnap__fleet_job *jobs;
	size_t njobs;
	const vsnap_fleet_options *opts;
	unsigned char *state;       /* per job: 0 waiting, 1 running, 2 ended */
	size_t ended;
	pthread_mutex_t lock;       /* thread mode: results, progress, chain hand-out */
	size_t next_chain;          /* thread mode: first job of the next chain to hand out */
} run;

enum { JOB_WAITING, JOB_RUNNING, JOB_ENDED };

static int same_chain(const run *r, size_t a, size_t b)
{
	return r->jobs[a].dom == r->jobs[b].dom;
}

/* Records job i's outcome and reports progress. Call with the lock held in thread mode. */
static void finish(run *r, size_t i, int status, int code, const char *message)
{
	const vsnap__fleet_job *j = &r->jobs[i];

	if (vsnap__fleet_result_set(r->res, r->first + i, j->dom->name, j->snapshot_name, status,
			code, message) < 0)
		vsnap_error_clear();
	r->state[i] = JOB_ENDED;
	r->ended++;
	if (r->opts->progress_cb)
		r->opts->progress_cb(r->ended, r->njobs,
			vsnap_fleet_result_at(r->res, r->first + i), r->opts->progress_payload);
}

/* A failed or cancelled job takes the rest of its chain with it. */
static void drop_chain_rest(run *r, size_t i, int cancelled)
{
	for (size_t k = i + 1; k < r->njobs && same_chain(r, i, k); k++)
		if (r->state[k] == JOB_WAITING)
			finish(r, k, VSNAP_OUTCOME_CANCELLED, cancelled ? VSNAP_ECANCELLED : 0,
				cancelled ? "not started: the run was cancelled" :
				"not started: an earlier operation on this domain failed");
}

/* Runs one job through the public API on `conn`; 0 or the error (left in the thread's
 * last error). */
static int run_sync(vsnap_conn *conn, const vsnap__fleet_job *j)
{
	vsnap_domain *dom = NULL;
	int rc;

	if ((rc = vsnap_domain_lookup(&dom, conn, j->dom->id ? j->dom->id : j->dom->name)) < 0)
		return rc;
	switch (j->op) {
	case VSNAP_FLEET_CREATE:
		rc = vsnap_snapshot_create(NULL, dom, j->snapshot_name, j->description, j->flags);
		break;
	case VSNAP_FLEET_REVERT:
		rc = vsnap_snapshot_revert(dom, j->snapshot_id, j->flags);
		break;
	case VSNAP_FLEET_DELETE:
		rc = vsnap_snapshot_delete(dom, j->snapshot_id, j->flags);
		break;
	case VSNAP_FLEET_DELETE_ALL:
		rc = vsnap_snapshot_delete_all(dom, j->flags);
		break;
	default:
		rc = vsnap_domain_consolidate(dom, j->flags);
		break;
	}
	vsnap_domain_free(dom);
	return rc;
}

static void finish_rc(run *r, size_t i, int rc, int cancelled)
{
	if (rc == 0) {
		finish(r, i, VSNAP_OUTCOME_DONE, 0, NULL);
		return;
	}
	finish(r, i, cancelled || rc == VSNAP_ECANCELLED ? VSNAP_OUTCOME_CANCELLED :
		VSNAP_OUTCOME_FAILED, rc, vsnap_error_last()->message);
	drop_chain_rest(r, i, cancelled || rc == VSNAP_ECANCELLED);
}

/* ---- task mode ---- */

/* The next job that may start: the first waiting job of a chain with nothing running. */
static long next_ready(const run *r)
{
	for (size_t i = 0; i < r->njobs; i++) {
		int busy = 0;

		if (r->state[i] != JOB_WAITING)
			continue;
		for (size_t k = i; k-- > 0 && same_chain(r, i, k);)
			busy |= r->state[k] == JOB_RUNNING;
		if (!busy)
			return (long)i;
		while (i + 1 < r->njobs && same_chain(r, i, i + 1))
			i++;
	}
	return -1;
}

static int task_mode(run *r)
{
	const vsnap_driver *d = r->conn->driver;
	size_t inflight = 0, parallel = r->opts->parallel;
	int cancel_sent = 0, rc = 0;
	long i;

	for (;;) {
		int cancelled = r->conn->cancelled != 0;

		if (cancelled && inflight && !cancel_sent) {
			d->task_cancel_all(r->conn);
			cancel_sent = 1;
		}
		while (!cancelled && inflight < parallel && (i = next_ready(r)) >= 0) {
			int started = d->task_start(r->conn, (size_t)i, &r->jobs[i]);

			if (started == 0) {
				r->state[i] = JOB_RUNNING;
				inflight++;
			} else {
				finish_rc(r, (size_t)i, started == 1 ? run_sync(r->conn, &r->jobs[i]) :
					started, 0);
			}
			cancelled = r->conn->cancelled != 0;
		}
		if (!inflight)
			break;
		vsnap__task_end *ends = NULL;
		size_t nends = 0;

		if ((rc = d->task_wait(&ends, &nends, r->conn)) < 0) {
			/* The server is gone: what ran there is unknown, say so per domain. */
			for (size_t k = 0; k < r->njobs; k++)
				if (r->state[k] == JOB_RUNNING)
					finish(r, k, VSNAP_OUTCOME_FAILED, rc,
						vsnap_error_last()->message);
			break;
		}
		for (size_t e = 0; e < nends; e++) {
			size_t k = ends[e].slot;

			if (k >= r->njobs || r->state[k] != JOB_RUNNING) {
				free(ends[e].message);
				continue;
			}
			inflight--;
			if (ends[e].code == 0)
				finish(r, k, VSNAP_OUTCOME_DONE, 0, NULL);
			else {
				finish(r, k, ends[e].cancelled ? VSNAP_OUTCOME_CANCELLED :
					VSNAP_OUTCOME_FAILED, ends[e].code, ends[e].message);
				drop_chain_rest(r, k, ends[e].cancelled);
			}
			free(ends[e].message);
		}
		free(ends);
	}
	if (d->task_finish)
		d->task_finish(r->conn);
	return rc;
}

/* ---- thread mode ---- */

static void *worker(void *arg)
{
	run *r = arg;
	vsnap_conn *conn = NULL;
	int open_rc = vsnap_conn_open(&conn, r->conn->uri, &r->conn->opts);
	char *open_msg = open_rc < 0 ? strdup(vsnap_error_last()->message) : NULL;

	for (;;) {
		size_t i;

		pthread_mutex_lock(&r->lock);
		i = r->next_chain;
		while (r->next_chain < r->njobs && same_chain(r, i, r->next_chain))
			r->next_chain++;
		pthread_mutex_unlock(&r->lock);
		if (i >= r->njobs)
			break;
		for (; i < r->njobs; i++) {
			int rc, cancelled = r->conn->cancelled != 0;

			pthread_mutex_lock(&r->lock);
			if (r->state[i] != JOB_WAITING) {
				pthread_mutex_unlock(&r->lock);
				break;
			}
			if (cancelled || open_rc < 0) {
				finish(r, i, cancelled ? VSNAP_OUTCOME_CANCELLED : VSNAP_OUTCOME_FAILED,
					cancelled ? VSNAP_ECANCELLED : open_rc,
					cancelled ? "not started: the run was cancelled" : open_msg);
				drop_chain_rest(r, i, cancelled);
				pthread_mutex_unlock(&r->lock);
				break;
			}
			r->state[i] = JOB_RUNNING;
			pthread_mutex_unlock(&r->lock);
			rc = run_sync(conn, &r->jobs[i]);
			pthread_mutex_lock(&r->lock);
			finish_rc(r, i, rc, 0);
			pthread_mutex_unlock(&r->lock);
			if (i + 1 >= r->njobs || !same_chain(r, i, i + 1))
				break;
		}
	}
	if (conn) {
		pthread_mutex_lock(&r->lock);
		r->conn->requests += vsnap_conn_request_count(conn);
		pthread_mutex_unlock(&r->lock);
	}
	vsnap_conn_close(conn);
	free(open_msg);
	/* The thread's last error dies with the thread: free its message now. */
	vsnap_error_clear();
	return NULL;
}

static int thread_mode(run *r)
{
	pthread_t threads[VSNAP_FLEET_MAX_PARALLEL];
	size_t nthreads = 0, nchains = 0;

	for (size_t i = 0; i < r->njobs; i++)
		nchains += i == 0 || !same_chain(r, i - 1, i);
	for (; nthreads < r->opts->parallel && nthreads < nchains; nthreads++)
		if (pthread_create(&threads[nthreads], NULL, worker, r) != 0)
			break;
	if (nthreads == 0 && nchains)
		worker(r);
	for (size_t t = 0; t < nthreads; t++)
		pthread_join(threads[t], NULL);
	return 0;
}

int vsnap__fleet_execute(vsnap_fleet_result *res, size_t first_outcome, vsnap_conn *conn,
	const vsnap__fleet_job *jobs, size_t njobs, const vsnap_fleet_options *opts)
{
	run r = { res, first_outcome, conn, jobs, njobs, opts, NULL, 0,
		PTHREAD_MUTEX_INITIALIZER, 0 };
	int rc;

	if (!njobs)
		return 0;
	if (!(r.state = calloc(njobs, 1)))
		return vsnap__error_oom();
	if (conn->driver->task_start && conn->driver->task_wait && conn->driver->task_cancel_all)
		rc = task_mode(&r);
	else
		rc = thread_mode(&r);
	/* Whatever never got its turn (cancelled before it started). */
	for (size_t i = 0; i < njobs; i++)
		if (r.state[i] == JOB_WAITING)
			finish(&r, i, VSNAP_OUTCOME_CANCELLED, VSNAP_ECANCELLED,
				"not started: the run was cancelled");
	free(r.state);
	pthread_mutex_destroy(&r.lock);
	/* A lost server is in the outcomes already (every running job failed with it). */
	(void)rc;
	return 0;
}

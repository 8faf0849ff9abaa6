/*
 * tasks.c: waiting for a vSphere task. A property filter on the task's `info` and
 * WaitForUpdatesEx long polls (the server answers when the task changes, or after
 * maxWaitSeconds), so there is no sleep-polling; progress goes to the progress callback; a
 * timeout or the cancel flag sends CancelTask. The filter is destroyed on every path.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vsphere/internal.h"

struct wait_state {
	const vsnap_vs_moref *task;
	char *filter;             /* PropertyFilter MoRef value */
	char *version;
	char *state;              /* queued / running / success / error */
	int progress;
	char *fault_raw, *fault_msg, *desc;
	vsnap_vs_moref result;
	int max_wait;
};

static int call_create_filter(vsnap_vs_client *c, void *arg)
{
	struct wait_state *w = arg;
	char *paths[1] = { "info" };
	struct vim25__PropertySpec ps = { "Task", NULL, 1, paths };
	vim25__MoRef obj = { w->task->value, "Task" };
	struct vim25__ObjectSpec os = { &obj, NULL, 0, NULL };
	struct vim25__PropertyFilterSpec spec = { 1, &ps, 1, &os, NULL };
	struct vim25__CreateFilterResponse resp;
	int rc;

	rc = soap_call_vim25__CreateFilter(c->soap, c->url, c->soap_action,
		vsnap__vs_soap_moref(c->soap, "PropertyCollector", c->property_collector), &spec,
		false_, &resp);
	if (rc == SOAP_OK && resp.returnval && resp.returnval->__item &&
	    !(w->filter = strdup(resp.returnval->__item))) {
		c->x.error_set = 1;
		vsnap__error_oom();
		return SOAP_USER_ERROR;
	}
	return rc;
}

static int call_destroy_filter(vsnap_vs_client *c, void *arg)
{
	struct wait_state *w = arg;
	struct vim25__DestroyPropertyFilterResponse resp;

	return soap_call_vim25__DestroyPropertyFilter(c->soap, c->url, c->soap_action,
		vsnap__vs_soap_moref(c->soap, "PropertyFilter", w->filter), &resp);
}

static int take_info(vsnap_vs_client *c, struct wait_state *w, const struct vim25__TaskInfo *ti)
{
	free(w->state);
	if (!(w->state = vsnap__vs_strdup(ti->state ? ti->state : "running")))
		return vsnap__error_oom();
	if (ti->progress)
		w->progress = *ti->progress;
	if (ti->descriptionId && !w->desc)
		w->desc = strdup(ti->descriptionId);
	if (ti->error) {
		free(w->fault_raw);
		free(w->fault_msg);
		w->fault_raw = vsnap__vs_strdup(ti->error->__any);
		w->fault_msg = vsnap__vs_strdup(ti->error->localizedMessage);
	}
	if (ti->__typeresult == SOAP_TYPE_vim25__ManagedObjectReference && ti->result) {
		vsnap__vs_moref_clear(&w->result);
		if (vsnap__vs_moref_from_soap(&w->result, ti->result) < 0)
			return VSNAP_ENOMEM;
	}
	/* A string result (CreateScreenshot_Task: a datastore path) comes as type "string". */
	if ((ti->__typeresult == SOAP_TYPE_xsd__string || ti->__typeresult == SOAP_TYPE_string) &&
	    ti->result) {
		vsnap__vs_moref_clear(&w->result);
		if (vsnap__vs_moref_set(&w->result, "string", ti->result) < 0)
			return VSNAP_ENOMEM;
	}
	(void)c;
	return 0;
}

static int call_wait(vsnap_vs_client *c, void *arg)
{
	struct wait_state *w = arg;
	struct vim25__WaitOptions opt = { &w->max_wait, NULL };
	struct vim25__WaitForUpdatesExResponse resp;
	struct vim25__UpdateSet *us;
	int rc, i, j, k;

	rc = soap_call_vim25__WaitForUpdatesEx(c->soap, c->url, c->soap_action,
		vsnap__vs_soap_moref(c->soap, "PropertyCollector", c->property_collector),
		soap_strdup(c->soap, w->version ? w->version : ""), &opt, &resp);
	if (rc != SOAP_OK || !(us = resp.returnval))
		return rc;
	for (i = 0; i < us->__sizefilterSet; i++) {
		struct vim25__PropertyFilterUpdate *f = &us->filterSet[i];

		for (j = 0; j < f->__sizeobjectSet; j++) {
			struct vim25__ObjectUpdate *u = &f->objectSet[j];

			for (k = 0; k < u->__sizechangeSet; k++) {
				struct vim25__PropertyChange *pc = &u->changeSet[k];

				if (pc->__typeval == SOAP_TYPE_vim25__TaskInfo && pc->val &&
				    take_info(c, w, pc->val) < 0) {
					c->x.error_set = 1;
					return SOAP_USER_ERROR;
				}
			}
		}
	}
	free(w->version);
	if (us->version && !(w->version = strdup(us->version))) {
		c->x.error_set = 1;
		vsnap__error_oom();
		return SOAP_USER_ERROR;
	}
	return SOAP_OK;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* A property filter on the task's info, in the current session; a fresh update version. */
static int create_filter(vsnap_vs_client *c, struct wait_state *w, const char *what)
{
	free(w->filter);
	free(w->version);
	w->filter = w->version = NULL;
	return vsnap__vs_invoke(c, "CreateFilter", what, call_create_filter, w,
		VSNAP_VS_CALL_READ);
}

/* Loops WaitForUpdatesEx until the task ends, the timeout expires or cancel is set. */
static int is_final(const struct wait_state *w)
{
	return w->state && (!strcmp(w->state, "success") || !strcmp(w->state, "error"));
}

/*
 * Ctrl-C or the deadline: send CancelTask, then watch the task until it ends, so that what
 * is reported is what happened. A task that completed anyway is a success (the snapshot
 * exists); one the host stopped is "cancelled"/"timed out"; one still running after a few
 * short polls (a count, not a time) is reported as still running on the host.
 */
static int cancel_and_settle(vsnap_vs_client *c, struct wait_state *w, const char *what,
	int timed_out)
{
	volatile int *cancel = c->cancel;
	int code = timed_out ? VSNAP_ETIMEOUT : VSNAP_ECANCELLED;
	char why[128];

	if (timed_out)
		snprintf(why, sizeof(why), "timed out after %u ms", c->task_timeout_ms);
	else
		snprintf(why, sizeof(why), "interrupted");
	if (vsnap__vs_task_cancel(c, w->task) < 0)
		return vsnap__error_prefix("%s: %s, and cancelling task '%s' failed: it may still "
			"run on the host", what, why, w->task->value);
	c->cancel = NULL;    /* these polls go out even though cancelling */
	for (int round = 0; round < 5 && !is_final(w); round++) {
		w->max_wait = 1;
		vsnap__vs_transport_limit(c, 2000);
		int rc = vsnap__vs_invoke(c, "WaitForUpdatesEx", what, call_wait, w,
			VSNAP_VS_CALL_READ | VSNAP_VS_CALL_SESSION_STATE);
		vsnap__vs_transport_limit(c, 0);
		if (rc != 0)
			break;
	}
	c->cancel = cancel;
	if (w->state && !strcmp(w->state, "success")) {
		vsnap__vs_log(c, "%s: %s, but task '%s' had completed: it took effect", what, why,
			w->task->value);
		vsnap_error_clear();
		return 0;
	}
	if (w->state && !strcmp(w->state, "error"))
		return vsnap__error_set(code, VSNAP_ERRCLASS_ESX, "%s: %s: cancelled (the host "
			"stopped task '%s'%s%s)", what, why, w->task->value,
			w->fault_msg ? ": " : "", w->fault_msg ? w->fault_msg : "");
	return vsnap__error_set(code, VSNAP_ERRCLASS_ESX, "%s: %s: CancelTask sent, but task '%s' "
		"is still %s on the host (not cancelled yet: it may still complete)", what, why,
		w->task->value, w->state ? w->state : "queued");
}

static int wait_loop(vsnap_vs_client *c, struct wait_state *w, const char *what)
{
	long long deadline = c->task_timeout_ms ? now_ms() + c->task_timeout_ms : 0;
	int last_progress = -2;

	for (;;) {
		long long left = deadline ? deadline - now_ms() : 30000;
		int rc;

		if (w->state && (!strcmp(w->state, "success") || !strcmp(w->state, "error")))
			return 0;
		if (c->cancel && *c->cancel)
			return cancel_and_settle(c, w, what, 0);
		if (deadline && left <= 0)
			return cancel_and_settle(c, w, what, 1);
		/* Long poll, short enough to notice the cancel flag and the deadline. */
		w->max_wait = (int)(left / 1000);
		if (c->cancel && w->max_wait > 1)
			w->max_wait = 1;
		if (w->max_wait > 30)
			w->max_wait = 30;
		/* The server may hold the reply that long: stay well inside the HTTP timeout. */
		if (c->request_timeout_ms && w->max_wait > (int)(c->request_timeout_ms / 2000))
			w->max_wait = (int)(c->request_timeout_ms / 2000);
		if (w->max_wait < 1)
			w->max_wait = 1;
		/* A server that holds the long poll past maxWaitSeconds must not hold us too. */
		if (deadline)
			vsnap__vs_transport_limit(c, (unsigned int)left + 2000);
		rc = vsnap__vs_invoke(c, "WaitForUpdatesEx", what, call_wait, w,
			VSNAP_VS_CALL_READ | VSNAP_VS_CALL_SESSION_STATE);
		if (deadline)
			vsnap__vs_transport_limit(c, 0);
		/* The session expired and we logged in again: the filter died with the old one. */
		if (rc == 1) {
			vsnap__vs_log(c, "%s: new session, watching task '%s' again", what,
				w->task->value);
			rc = create_filter(c, w, what);
		}
		/* The poll was cut short by the cancel flag or the deadline, and the task still
		 * runs: go round once more to cancel it. */
		if (rc < 0 && ((c->cancel && *c->cancel) || (deadline && now_ms() >= deadline)))
			continue;
		if (rc < 0)
			return rc;
		if (c->progress_cb && w->state && w->progress != last_progress &&
		    strcmp(w->state, "success") && strcmp(w->state, "error")) {
			last_progress = w->progress;
			c->progress_cb(w->progress, what, c->progress_payload);
		}
	}
}

int vsnap__vs_task_wait(vsnap_vs_moref *result, vsnap_vs_client *c, const vsnap_vs_moref *task,
	const char *what)
{
	struct wait_state w = { 0 };
	int rc, drc;

	if (result)
		result->type = result->value = NULL;
	w.task = task;
	w.progress = -1;
	if ((rc = create_filter(c, &w, what)) < 0)
		goto out;
	rc = wait_loop(c, &w, what);
	if (w.filter) {
		/* Keep the first error: a failed cleanup must not hide it. */
		vsnap_error copy = *vsnap_error_last();
		char *msg = rc < 0 && copy.message ? strdup(copy.message) : NULL;
		char *fault = rc < 0 && copy.fault ? strdup(copy.fault) : NULL;

		volatile int *cancel = c->cancel;

		c->cancel = NULL;    /* cleanup goes out even when cancelling */
		/* 1: the session was renewed, so the filter is gone already. */
		drc = vsnap__vs_invoke(c, "DestroyPropertyFilter", what, call_destroy_filter, &w,
			VSNAP_VS_CALL_READ | VSNAP_VS_CALL_SESSION_STATE);
		if (drc == 1)
			drc = 0;
		c->cancel = cancel;
		if (rc < 0)
			vsnap__error_set_fault(rc, copy.klass, fault, "%s", msg ? msg : "");
		else
			rc = drc;
		free(msg);
		free(fault);
	}
	if (rc == 0 && !strcmp(w.state, "error")) {
		char ctx[512];

		snprintf(ctx, sizeof(ctx), "%s: task '%s'%s%s%s failed", what, task->value,
			w.desc ? " (" : "", w.desc ? w.desc : "", w.desc ? ")" : "");
		rc = vsnap__vs_fault_raise(w.fault_raw, w.fault_msg, ctx);
	}
	if (rc == 0 && c->progress_cb)
		c->progress_cb(100, what, c->progress_payload);
	if (rc == 0 && result) {
		*result = w.result;
		w.result.type = w.result.value = NULL;
	}
out:
	free(w.filter);
	free(w.version);
	free(w.state);
	free(w.fault_raw);
	free(w.fault_msg);
	free(w.desc);
	vsnap__vs_moref_clear(&w.result);
	return rc;
}

static int call_cancel(vsnap_vs_client *c, void *arg)
{
	const vsnap_vs_moref *task = arg;
	struct vim25__CancelTaskResponse resp;

	return soap_call_vim25__CancelTask(c->soap, c->url, c->soap_action,
		vsnap__vs_soap_moref(c->soap, "Task", task->value), &resp);
}

int vsnap__vs_task_cancel(vsnap_vs_client *c, const vsnap_vs_moref *task)
{
	char what[256];
	volatile int *cancel = c->cancel;
	int rc;

	snprintf(what, sizeof(what), "task '%s'", task->value);
	c->cancel = NULL;     /* the cancel request itself must go out */
	rc = vsnap__vs_invoke(c, "CancelTask", what, call_cancel, (void *)task, 0);
	c->cancel = cancel;
	return rc;
}

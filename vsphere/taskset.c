/*
 * taskset.c: many tasks waited for together. Tasks added since the last wait go into one new
 * property filter on their `info`; one WaitForUpdatesEx then reports every filter of the
 * session, so N concurrent tasks cost one long poll, not N poll loops.
 *
 * Versions: the first wait after a filter was added asks with an empty version, which returns
 * the current state of every object of the session's filters (tasks that ended before the
 * filter existed are seen at once; the simulator finishes tasks before it replies); later
 * waits pass the version of the last answer and get only changes.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "vsphere/internal.h"

typedef struct {
	char *task;               /* Task MoRef value */
	size_t slot;
	int ended;
	char *state;              /* last known TaskInfo.state */
	char *fault_raw, *fault_msg;
} member;

struct vsnap_vs_taskset {
	member *m;
	size_t n, cap;
	size_t unfiltered;        /* m[unfiltered..n) are in no filter yet */
	char **filters;
	size_t nfilters;
	char *version;            /* NULL: the next wait asks for the full state */
	/* the call under way */
	int max_wait;
	size_t first, nbatch;     /* CreateFilter: the batch */
};

int vsnap__vs_taskset_new(vsnap_vs_taskset **out)
{
	if (!(*out = calloc(1, sizeof(**out))))
		return vsnap__error_oom();
	return 0;
}

int vsnap__vs_taskset_add(vsnap_vs_taskset *ts, const vsnap_vs_moref *task, size_t slot)
{
	member *grown;

	if (!(grown = vsnap__array_room(ts->m, ts->n, &ts->cap, sizeof(*grown), 32)))
		return VSNAP_ENOMEM;
	ts->m = grown;
	memset(&ts->m[ts->n], 0, sizeof(ts->m[ts->n]));
	if (!(ts->m[ts->n].task = strdup(task->value)))
		return vsnap__error_oom();
	ts->m[ts->n++].slot = slot;
	return 0;
}

static int call_create_filter(vsnap_vs_client *c, void *arg)
{
	vsnap_vs_taskset *ts = arg;
	char *paths[1] = { "info" };
	struct vim25__PropertySpec ps = { "Task", NULL, 1, paths };
	struct vim25__ObjectSpec *os = soap_malloc(c->soap, ts->nbatch * sizeof(*os));
	vim25__MoRef *refs = soap_malloc(c->soap, ts->nbatch * sizeof(*refs));
	struct vim25__PropertyFilterSpec spec = { 1, &ps, (int)ts->nbatch, os, NULL };
	struct vim25__CreateFilterResponse resp;
	char **p;
	int rc;

	if (!os || !refs)
		return SOAP_EOM;
	for (size_t i = 0; i < ts->nbatch; i++) {
		refs[i].__item = ts->m[ts->first + i].task;
		refs[i].type = "Task";
		memset(&os[i], 0, sizeof(os[i]));
		os[i].obj = &refs[i];
	}
	rc = soap_call_vim25__CreateFilter(c->soap, c->url, c->soap_action,
		vsnap__vs_soap_moref(c->soap, "PropertyCollector", c->property_collector), &spec,
		false_, &resp);
	if (rc != SOAP_OK || !resp.returnval || !resp.returnval->__item)
		return rc;
	if (!(p = realloc(ts->filters, (ts->nfilters + 1) * sizeof(*p))) ||
	    !(p[ts->nfilters] = strdup(resp.returnval->__item))) {
		if (p)
			ts->filters = p;
		c->x.error_set = 1;
		vsnap__error_oom();
		return SOAP_USER_ERROR;
	}
	ts->filters = p;
	ts->nfilters++;
	return SOAP_OK;
}

static member *find_member(vsnap_vs_taskset *ts, const char *task)
{
	for (size_t i = 0; task && i < ts->n; i++)
		if (!strcmp(ts->m[i].task, task))
			return &ts->m[i];
	return NULL;
}

static int set_dup(char **dst, const char *src)
{
	free(*dst);
	*dst = NULL;
	return src && !(*dst = strdup(src)) ? -1 : 0;
}

/* One property change of a task: the whole info, or (servers that split it) info.state /
 * info.error. */
static int take_change(member *m, const struct vim25__PropertyChange *pc)
{
	const char *name = pc->name ? pc->name : "";

	if (pc->__typeval == SOAP_TYPE_vim25__TaskInfo && pc->val) {
		const struct vim25__TaskInfo *ti = pc->val;

		if (set_dup(&m->state, ti->state) < 0)
			return -1;
		if (ti->error && (set_dup(&m->fault_raw, ti->error->__any) < 0 ||
				  set_dup(&m->fault_msg, ti->error->localizedMessage) < 0))
			return -1;
	} else if (!strcmp(name, "info.state") && pc->val &&
		   (pc->__typeval == SOAP_TYPE_string || pc->__typeval == SOAP_TYPE_xsd__string)) {
		return set_dup(&m->state, pc->val);
	}
	return 0;
}

static int call_wait(vsnap_vs_client *c, void *arg)
{
	vsnap_vs_taskset *ts = arg;
	struct vim25__WaitOptions opt = { &ts->max_wait, NULL };
	struct vim25__WaitForUpdatesExResponse resp;
	struct vim25__UpdateSet *us;
	int rc;

	rc = soap_call_vim25__WaitForUpdatesEx(c->soap, c->url, c->soap_action,
		vsnap__vs_soap_moref(c->soap, "PropertyCollector", c->property_collector),
		soap_strdup(c->soap, ts->version ? ts->version : ""), &opt, &resp);
	if (rc != SOAP_OK || !(us = resp.returnval))
		return rc;
	for (int i = 0; i < us->__sizefilterSet; i++) {
		struct vim25__PropertyFilterUpdate *f = &us->filterSet[i];

		for (int j = 0; j < f->__sizeobjectSet; j++) {
			struct vim25__ObjectUpdate *u = &f->objectSet[j];
			member *m = find_member(ts, u->obj ? u->obj->__item : NULL);

			for (int k = 0; m && k < u->__sizechangeSet; k++)
				if (take_change(m, &u->changeSet[k]) < 0) {
					c->x.error_set = 1;
					vsnap__error_oom();
					return SOAP_USER_ERROR;
				}
		}
	}
	if (us->version && set_dup(&ts->version, us->version) < 0) {
		c->x.error_set = 1;
		vsnap__error_oom();
		return SOAP_USER_ERROR;
	}
	return SOAP_OK;
}

/* The end of member m as code + message (the fault's name and text, as a single wait gives). */
static int end_of(vsnap_vs_task_end *e, const member *m)
{
	char ctx[300], *type;

	e->slot = m->slot;
	e->code = 0;
	e->message = NULL;
	e->cancelled = 0;
	if (!strcmp(m->state, "success"))
		return 0;
	snprintf(ctx, sizeof(ctx), "task '%s' failed", m->task);
	e->code = vsnap__vs_fault_raise(m->fault_raw, m->fault_msg, ctx);
	type = vsnap__vs_fault_type(m->fault_raw);
	e->cancelled = type && !strcmp(type, "RequestCanceled");
	free(type);
	e->message = strdup(vsnap_error_last()->message);
	vsnap_error_clear();
	return e->message ? 0 : vsnap__error_oom();
}

static int collect(vsnap_vs_task_end **ends, size_t *count, vsnap_vs_taskset *ts)
{
	size_t n = 0;

	*ends = NULL;
	*count = 0;
	for (size_t i = 0; i < ts->n; i++)
		n += !ts->m[i].ended && ts->m[i].state && (!strcmp(ts->m[i].state, "success") ||
			!strcmp(ts->m[i].state, "error"));
	if (!n)
		return 0;
	if (!(*ends = calloc(n, sizeof(**ends))))
		return vsnap__error_oom();
	for (size_t i = 0; i < ts->n; i++) {
		member *m = &ts->m[i];

		if (m->ended || !m->state || (strcmp(m->state, "success") &&
					      strcmp(m->state, "error")))
			continue;
		m->ended = 1;
		if (end_of(&(*ends)[(*count)++], m) < 0)
			return VSNAP_ENOMEM;
	}
	return 0;
}

int vsnap__vs_taskset_wait(vsnap_vs_task_end **ends, size_t *count, vsnap_vs_taskset *ts,
	vsnap_vs_client *c, int max_wait_s)
{
	volatile int *cancel = c->cancel;
	int rc = 0;

	*ends = NULL;
	*count = 0;
	c->cancel = NULL;    /* the run decides about cancelling; its waits must go out */
	if (ts->unfiltered < ts->n) {
		ts->first = ts->unfiltered;
		ts->nbatch = ts->n - ts->unfiltered;
		rc = vsnap__vs_invoke(c, "CreateFilter", "the running tasks", call_create_filter,
			ts, VSNAP_VS_CALL_READ);
		if (rc == 0) {
			ts->unfiltered = ts->n;
			free(ts->version);
			ts->version = NULL;
		}
	}
	if (rc == 0) {
		ts->max_wait = max_wait_s < 1 ? 1 : max_wait_s;
		rc = vsnap__vs_invoke(c, "WaitForUpdatesEx", "the running tasks", call_wait, ts,
			VSNAP_VS_CALL_READ | VSNAP_VS_CALL_SESSION_STATE);
		if (rc == 1) {
			/* A new session: the filters died with the old one; watch everything again. */
			for (size_t i = 0; i < ts->nfilters; i++)
				free(ts->filters[i]);
			ts->nfilters = 0;
			ts->unfiltered = 0;
			rc = 0;
		}
	}
	c->cancel = cancel;
	if (rc == 0)
		rc = collect(ends, count, ts);
	return rc;
}

static int call_cancel(vsnap_vs_client *c, void *arg)
{
	struct vim25__CancelTaskResponse resp;

	return soap_call_vim25__CancelTask(c->soap, c->url, c->soap_action,
		vsnap__vs_soap_moref(c->soap, "Task", arg), &resp);
}

void vsnap__vs_taskset_cancel(vsnap_vs_taskset *ts, vsnap_vs_client *c)
{
	volatile int *cancel = c->cancel;

	c->cancel = NULL;
	for (size_t i = 0; i < ts->n; i++) {
		if (ts->m[i].ended || (ts->m[i].state && (!strcmp(ts->m[i].state, "success") ||
							   !strcmp(ts->m[i].state, "error"))))
			continue;
		if (vsnap__vs_invoke(c, "CancelTask", ts->m[i].task, call_cancel, ts->m[i].task, 0))
			vsnap_error_clear();
	}
	c->cancel = cancel;
}

static int call_destroy(vsnap_vs_client *c, void *arg)
{
	struct vim25__DestroyPropertyFilterResponse resp;

	return soap_call_vim25__DestroyPropertyFilter(c->soap, c->url, c->soap_action,
		vsnap__vs_soap_moref(c->soap, "PropertyFilter", arg), &resp);
}

void vsnap__vs_taskset_free(vsnap_vs_taskset *ts, vsnap_vs_client *c)
{
	volatile int *cancel;

	if (!ts)
		return;
	cancel = c ? c->cancel : NULL;
	if (c)
		c->cancel = NULL;
	for (size_t i = 0; i < ts->nfilters; i++) {
		if (c && vsnap__vs_invoke(c, "DestroyPropertyFilter", ts->filters[i], call_destroy,
				ts->filters[i], VSNAP_VS_CALL_READ | VSNAP_VS_CALL_SESSION_STATE) < 0)
			vsnap_error_clear();
		free(ts->filters[i]);
	}
	if (c)
		c->cancel = cancel;
	for (size_t i = 0; i < ts->n; i++) {
		free(ts->m[i].task);
		free(ts->m[i].state);
		free(ts->m[i].fault_raw);
		free(ts->m[i].fault_msg);
	}
	free(ts->m);
	free(ts->filters);
	free(ts->version);
	free(ts);
}

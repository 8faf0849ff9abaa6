/*
 * fleet_result.c: the outcome list of a fleet run (one entry per operation on a domain) and
 * its JSON form. The executor fills entries from several threads, each its own index.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/fleet.h"
#include "core/fleet_text.h"
#include "core/strbuf.h"

typedef struct {
	vsnap_fleet_outcome pub;
	char *domain, *snapshot, *message;   /* owned copies behind pub's pointers */
} outcome;

struct vsnap_fleet_result {
	outcome *items;
	size_t n;
};

int vsnap__fleet_result_new(vsnap_fleet_result **out, size_t n)
{
	vsnap_fleet_result *r = calloc(1, sizeof(*r));

	*out = NULL;
	if (!r || !(r->items = calloc(n + 1, sizeof(*r->items)))) {
		free(r);
		return vsnap__error_oom();
	}
	r->n = n;
	for (size_t i = 0; i < n; i++)
		r->items[i].pub.status = VSNAP_OUTCOME_CANCELLED;
	*out = r;
	return 0;
}

int vsnap__fleet_result_set(vsnap_fleet_result *res, size_t i, const char *domain,
	const char *snapshot, int status, int code, const char *message)
{
	outcome *o = &res->items[i];
	int failed = 0;

	free(o->domain);
	free(o->snapshot);
	free(o->message);
	o->domain = o->snapshot = o->message = NULL;
	if ((domain && !(o->domain = strdup(domain))) ||
	    (snapshot && !(o->snapshot = strdup(snapshot))) ||
	    (message && !(o->message = strdup(message))))
		failed = 1;
	o->pub.domain = o->domain;
	o->pub.snapshot = o->snapshot;
	o->pub.message = o->message;
	o->pub.status = status;
	o->pub.code = code;
	return failed ? vsnap__error_oom() : 0;
}

void vsnap_fleet_result_free(vsnap_fleet_result *res)
{
	if (!res)
		return;
	for (size_t i = 0; i < res->n; i++) {
		free(res->items[i].domain);
		free(res->items[i].snapshot);
		free(res->items[i].message);
	}
	free(res->items);
	free(res);
}

size_t vsnap_fleet_result_count(const vsnap_fleet_result *res)
{
	return res ? res->n : 0;
}

const vsnap_fleet_outcome *vsnap_fleet_result_at(const vsnap_fleet_result *res, size_t i)
{
	return res && i < res->n ? &res->items[i].pub : NULL;
}

size_t vsnap_fleet_result_failed(const vsnap_fleet_result *res)
{
	size_t failed = 0;

	for (size_t i = 0; res && i < res->n; i++)
		failed += res->items[i].pub.status != VSNAP_OUTCOME_DONE;
	return failed;
}

const char *vsnap_outcome_status_name(int status)
{
	switch (status) {
	case VSNAP_OUTCOME_DONE: return "done";
	case VSNAP_OUTCOME_FAILED: return "failed";
	case VSNAP_OUTCOME_CANCELLED: return "cancelled";
	default: return "unknown";
	}
}

int vsnap_fleet_result_json(char **out, const vsnap_fleet_result *res)
{
	vsnap__strbuf b = VSNAP__STRBUF_INIT;

	if (!out || !res)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"formatting fleet outcomes: no output or no result given");
	*out = NULL;
	vsnap__strbuf_append(&b, "[");
	for (size_t i = 0; i < res->n; i++) {
		const vsnap_fleet_outcome *o = &res->items[i].pub;

		vsnap__strbuf_append(&b, i ? ",\n {\"domain\": " : "\n {\"domain\": ");
		vsnap__json_string(&b, o->domain);
		vsnap__strbuf_append(&b, ", \"snapshot\": ");
		vsnap__json_string(&b, o->snapshot);
		vsnap__strbuf_appendf(&b, ", \"status\": \"%s\", \"error\": ",
			vsnap_outcome_status_name(o->status));
		vsnap__json_string(&b, o->code ? vsnap_error_code_name(o->code) : NULL);
		vsnap__strbuf_append(&b, ", \"message\": ");
		vsnap__json_string(&b, o->message);
		vsnap__strbuf_append(&b, "}");
	}
	vsnap__strbuf_append(&b, res->n ? "\n]\n" : "]\n");
	return vsnap__strbuf_detach(out, &b);
}

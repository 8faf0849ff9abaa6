/*
 * propcollector.c: RetrievePropertiesEx with ContinueRetrievePropertiesEx pages. Each page is
 * one exchange; its objects are handed to a callback while they are still in gSOAP's arena,
 * so the callback copies what it keeps.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vsphere/internal.h"

struct retrieve_arg {
	struct vim25__PropertyFilterSpec *spec;
	const char *what;
	vsnap_vs_object_fn fn;
	void *payload;
	char *token;          /* next page, malloc'ed; NULL when done */
};

int vsnap__vs_check_missing(vsnap_vs_client *c, struct vim25__ObjectContent *obj,
	const char *what)
{
	int i;

	for (i = 0; i < obj->__sizemissingSet; i++) {
		struct vim25__MissingProperty *m = &obj->missingSet[i];
		const char *raw = m->fault ? m->fault->__any : NULL;
		char *type = vsnap__vs_fault_type(raw);
		char ctx[512];
		int notauth = type && !strcmp(type, "NotAuthenticated");

		free(type);
		/*
		 * An expired session gets NotAuthenticated for everything (vcsim answers an
		 * unauthenticated read with HTTP 200 and this). When other properties of the same
		 * object did come back, the session is fine: this one property is withheld, which is
		 * a missing privilege, and logging in again would not help.
		 */
		if (notauth && obj->__sizepropSet > 0) {
			snprintf(ctx, sizeof(ctx), "reading property '%s' of %s",
				m->path ? m->path : "?", what);
			return vsnap__error_set_fault(VSNAP_EFAULT, VSNAP_ERRCLASS_ESX,
				"NotAuthenticated", "%s: the server withholds this property while it "
				"returned the others: the user lacks the privilege to read it (at least "
				"System.Read on this object; the session itself is valid)", ctx);
		}
		if (notauth) {
			c->notauth_seen = 1;
			continue;
		}
		snprintf(ctx, sizeof(ctx), "reading property '%s' of %s", m->path ? m->path : "?",
			what);
		return vsnap__vs_fault_raise(raw, m->fault ? m->fault->localizedMessage : NULL, ctx);
	}
	return 0;
}

static int call_retrieve(vsnap_vs_client *c, void *arg)
{
	struct retrieve_arg *a = arg;
	struct vim25__RetrieveResult *res;
	vim25__MoRef *pc = vsnap__vs_soap_moref(c->soap, "PropertyCollector",
		c->property_collector);
	int rc, i;

	if (a->token) {
		struct vim25__ContinueRetrievePropertiesExResponse resp;
		char *tok = soap_strdup(c->soap, a->token);

		rc = soap_call_vim25__ContinueRetrievePropertiesEx(c->soap, c->url, c->soap_action,
			pc, tok, &resp);
		res = resp.returnval;
	} else {
		struct vim25__RetrievePropertiesExResponse resp;
		struct vim25__RetrieveOptions opt = { NULL };

		rc = soap_call_vim25__RetrievePropertiesEx(c->soap, c->url, c->soap_action, pc, 1,
			a->spec, &opt, &resp);
		res = resp.returnval;
	}
	if (rc != SOAP_OK)
		return rc;
	free(a->token);
	a->token = NULL;
	if (!res)
		return SOAP_OK;
	for (i = 0; i < res->__sizeobjects; i++) {
		struct vim25__ObjectContent *o = &res->objects[i];
		if (vsnap__vs_check_missing(c, o, a->what) < 0 ||
		    (!c->notauth_seen && a->fn(c, o, a->payload) < 0)) {
			c->x.error_set = 1;
			return SOAP_USER_ERROR;
		}
	}
	if (c->notauth_seen)
		return SOAP_OK;
	if (res->token && !(a->token = strdup(res->token))) {
		c->x.error_set = 1;
		vsnap__error_oom();
		return SOAP_USER_ERROR;
	}
	return SOAP_OK;
}

/*
 * Runs `spec` through the property collector: one RetrievePropertiesEx, then one
 * ContinueRetrievePropertiesEx per further page, calling fn for every object.
 */
int vsnap__vs_retrieve(vsnap_vs_client *c, struct vim25__PropertyFilterSpec *spec,
	const char *what, vsnap_vs_object_fn fn, void *payload)
{
	struct retrieve_arg a = { spec, what, fn, payload, NULL };
	int rc;

	rc = vsnap__vs_invoke(c, "RetrievePropertiesEx", what, call_retrieve, &a,
		VSNAP_VS_CALL_READ);
	while (rc == 0 && a.token)
		rc = vsnap__vs_invoke(c, "ContinueRetrievePropertiesEx", what, call_retrieve, &a,
			VSNAP_VS_CALL_READ);
	free(a.token);
	return rc;
}

/*
 * client.c: the client object (open/close), the one place every SOAP exchange goes through
 * (vsnap__vs_invoke: count, record/replay, error mapping, re-login), and ServiceContent.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vsphere/internal.h"
#include "vim25.nsmap"

static int is_fault(const char *name)
{
	const char *f = vsnap_error_last()->fault;

	return f && !strcmp(f, name);
}

int vsnap__vs_invoke(vsnap_vs_client *c, const char *op, const char *what, vsnap_vs_call_fn fn,
	void *arg, unsigned int flags)
{
	int attempt;

	for (attempt = 0;; attempt++) {
		int rc, code, notauth;

		if (c->cancel && *c->cancel)
			return vsnap__error_set(VSNAP_ECANCELLED, VSNAP_ERRCLASS_ESX,
				"%s on %s: cancelled", op, what);
		soap_destroy(c->soap);
		soap_end(c->soap);
		c->notauth_seen = 0;
		vsnap__vs_exchange_begin(c, op);
		rc = fn(c, arg);
		code = vsnap__vs_exchange_end(c);
		if (rc == SOAP_OK && !c->notauth_seen)
			return code;
		if (rc == SOAP_OK) {
			notauth = 1;
			vsnap__error_set_fault(VSNAP_EAUTH, VSNAP_ERRCLASS_ESX, "NotAuthenticated",
				"%s on %s: the session is not authenticated", op, what);
		} else if (c->x.error_set) {
			return vsnap_error_last()->code;
		} else {
			code = vsnap__vs_soap_error(c, op, what);
			notauth = is_fault("NotAuthenticated");
			if (!notauth)
				return code;
		}
		/*
		 * The server refused the call before doing anything, so repeating it is safe; only
		 * once, and only when we were logged in (else the session never existed).
		 */
		if (!c->logged_in || !strcmp(op, "Login") ||
		    (c->notauth_seen && !(flags & VSNAP_VS_CALL_READ)))
			return vsnap_error_last()->code;
		if (attempt > 0)
			return vsnap__error_prefix("session expired and re-login did not help");
		vsnap__vs_log(c, "%s: session expired, logging in again", op);
		if (vsnap__vs_relogin(c) < 0)
			return vsnap__error_prefix("%s on %s", op, what);
		if (flags & VSNAP_VS_CALL_SESSION_STATE)
			return 1;
	}
}

struct sc_arg {
	vsnap_vs_client *c;
};

static char *arena_value(const vim25__MoRef *r)
{
	return r && r->__item ? strdup(r->__item) : NULL;
}

static int call_service_content(vsnap_vs_client *c, void *arg)
{
	struct vim25__RetrieveServiceContentResponse resp;
	struct vim25__ServiceContent *sc;
	int rc;

	(void)arg;
	rc = soap_call_vim25__RetrieveServiceContent(c->soap, c->url, c->soap_action,
		vsnap__vs_soap_moref(c->soap, "ServiceInstance", "ServiceInstance"), &resp);
	if (rc != SOAP_OK)
		return rc;
	sc = resp.returnval;
	if (!sc || !sc->rootFolder || !sc->propertyCollector || !sc->about) {
		c->x.error_set = 1;
		vsnap__error_set(VSNAP_ENETWORK, VSNAP_ERRCLASS_SOAP,
			"RetrieveServiceContent on '%s': the reply lacks rootFolder, "
			"propertyCollector or about", c->url);
		return SOAP_USER_ERROR;
	}
	c->root_folder = arena_value(sc->rootFolder);
	c->property_collector = arena_value(sc->propertyCollector);
	c->session_manager = arena_value(sc->sessionManager);
	c->search_index = arena_value(sc->searchIndex);
	c->api_type = vsnap__vs_strdup(sc->about->apiType);
	c->api_version = vsnap__vs_strdup(sc->about->apiVersion);
	if (!c->root_folder || !c->property_collector || !c->api_type || !c->api_version) {
		c->x.error_set = 1;
		vsnap__error_oom();
		return SOAP_USER_ERROR;
	}
	return SOAP_OK;
}

static int copy_options(vsnap_vs_client *c, const vsnap_vs_options *o)
{
	if (vsnap__vs_dup(&c->url, o->url) < 0 || vsnap__vs_dup(&c->user, o->user) < 0 ||
	    vsnap__vs_dup(&c->password, o->password) < 0 ||
	    vsnap__vs_dup(&c->cafile, o->cafile) < 0 || vsnap__vs_dup(&c->proxy, o->proxy) < 0 ||
	    vsnap__vs_dup(&c->record_dir, o->record_dir) < 0 ||
	    vsnap__vs_dup(&c->replay_dir, o->replay_dir) < 0)
		return VSNAP_ENOMEM;
	if (vsnap__vs_secret_keep(c, c->password) < 0)
		return VSNAP_ENOMEM;
	if (o->thumbprint && *o->thumbprint &&
	    vsnap__vs_pin_parse(c->pin, &c->pin_len, o->thumbprint) < 0)
		return VSNAP_EINVALID;
	c->no_verify = o->no_verify;
	c->connect_timeout_ms = o->connect_timeout_ms;
	c->request_timeout_ms = o->request_timeout_ms;
	c->task_timeout_ms = o->task_timeout_ms;
	c->log_cb = o->log_cb;
	c->log_payload = o->log_payload;
	c->progress_cb = o->progress_cb;
	c->progress_payload = o->progress_payload;
	c->cancel = o->cancel;
	snprintf(c->soap_action, sizeof(c->soap_action), "urn:vim25/6.0");
	return 0;
}

int vsnap__vs_open_offline(vsnap_vs_client **out, const vsnap_vs_options *opts)
{
	vsnap_vs_client *c;
	int rc;

	*out = NULL;
	if (!opts || !opts->url || !*opts->url)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"vSphere client: no URL given");
	if (opts->record_dir && opts->replay_dir)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"vSphere client: record and replay directories are exclusive");
	if (!(c = calloc(1, sizeof(*c))))
		return vsnap__error_oom();
	if ((rc = copy_options(c, opts)) < 0 || (rc = vsnap__vs_transport_init(c)) < 0) {
		vsnap__vs_close(c);
		return rc;
	}
	*out = c;
	return 0;
}

int vsnap__vs_open(vsnap_vs_client **out, const vsnap_vs_options *opts)
{
	vsnap_vs_client *c;
	int rc;

	if ((rc = vsnap__vs_open_offline(out, opts)) < 0)
		return rc;
	c = *out;
	*out = NULL;
	/* "the server": the caller names the host, and the transport the URL, once each */
	if ((rc = vsnap__vs_invoke(c, "RetrieveServiceContent", "the server", call_service_content,
			NULL, VSNAP_VS_CALL_READ)) < 0) {
		vsnap__vs_close(c);
		return rc;
	}
	vsnap__vs_log(c, "connected to %s: %s %s", c->url, c->api_type, c->api_version);
	*out = c;
	return 0;
}

int vsnap__vs_set_credentials(vsnap_vs_client *c, const char *user, const char *password)
{
	if (c->password)
		memset(c->password, 0, strlen(c->password));
	free(c->password);
	c->password = NULL;
	free(c->user);
	c->user = NULL;
	if (vsnap__vs_dup(&c->user, user) < 0 || vsnap__vs_dup(&c->password, password) < 0)
		return VSNAP_ENOMEM;
	return 0;
}

void vsnap__vs_close(vsnap_vs_client *c)
{
	if (!c)
		return;
	vsnap__vs_transport_free(c);
	free(c->url);
	free(c->user);
	if (c->password)
		memset(c->password, 0, strlen(c->password));
	free(c->password);
	free(c->cafile);
	free(c->proxy);
	free(c->record_dir);
	free(c->replay_dir);
	free(c->root_folder);
	free(c->property_collector);
	free(c->session_manager);
	free(c->search_index);
	free(c->api_type);
	free(c->api_version);
	free(c->session_key);
	vsnap__vs_secrets_forget(c);
	free(c);
}

const char *vsnap__vs_url(const vsnap_vs_client *c)
{
	return c ? c->url : NULL;
}

const char *vsnap__vs_user(const vsnap_vs_client *c)
{
	return c ? c->user : NULL;
}

unsigned long vsnap__vs_request_count(const vsnap_vs_client *c)
{
	return c ? c->requests : 0;
}

const char *vsnap__vs_api_type(const vsnap_vs_client *c)
{
	return c ? c->api_type : NULL;
}

const char *vsnap__vs_api_version(const vsnap_vs_client *c)
{
	return c ? c->api_version : NULL;
}

void vsnap__vs_set_progress(vsnap_vs_client *c, vsnap_progress_cb cb, void *payload)
{
	c->progress_cb = cb;
	c->progress_payload = payload;
}

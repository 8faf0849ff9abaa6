/*
 * session.c: login, logout, re-login after expiry, keepalive. The session cookie lives in
 * libcurl's cookie engine only; the password lives in the client and is wiped on close.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdlib.h>
#include <string.h>

#include "vsphere/internal.h"

static int call_login(vsnap_vs_client *c, void *arg)
{
	struct vim25__LoginResponse resp;
	int rc;

	(void)arg;
	c->is_login = 1;
	rc = soap_call_vim25__Login(c->soap, c->url, c->soap_action,
		vsnap__vs_soap_moref(c->soap, "SessionManager", c->session_manager),
		c->user, c->password, NULL, &resp);
	c->is_login = 0;
	if (rc != SOAP_OK)
		return rc;
	free(c->session_key);
	c->session_key = resp.returnval ? vsnap__vs_strdup(resp.returnval->key) : NULL;
	/* From now on the key and the cookie are redacted wherever they show up. */
	vsnap__vs_secret_keep(c, c->session_key);
	vsnap__vs_secret_keep_cookies(c);
	return SOAP_OK;
}

int vsnap__vs_login(vsnap_vs_client *c)
{
	char what[256];
	int rc;

	if (!c->user || !c->password)
		return vsnap__error_set(VSNAP_EAUTH, VSNAP_ERRCLASS_ESX,
			"login to '%s': no user name or password", c->url);
	if (!c->session_manager)
		return vsnap__error_set(VSNAP_EUNSUPPORTED, VSNAP_ERRCLASS_ESX,
			"login to '%s': the server has no SessionManager", c->url);
	snprintf(what, sizeof(what), "'%s' as user '%s'", c->url, c->user);
	c->logged_in = 0;
	if ((rc = vsnap__vs_invoke(c, "Login", what, call_login, NULL, 0)) < 0)
		return rc;
	c->logged_in = 1;
	return 0;
}

int vsnap__vs_relogin(vsnap_vs_client *c)
{
	c->logged_in = 0;
	if (vsnap__vs_login(c) < 0)
		return vsnap__error_prefix("re-login after an expired session");
	return 0;
}

static int call_logout(vsnap_vs_client *c, void *arg)
{
	struct vim25__LogoutResponse resp;

	(void)arg;
	return soap_call_vim25__Logout(c->soap, c->url, c->soap_action,
		vsnap__vs_soap_moref(c->soap, "SessionManager", c->session_manager), &resp);
}

int vsnap__vs_logout(vsnap_vs_client *c)
{
	volatile int *cancel;
	int rc;

	if (!c || !c->logged_in)
		return 0;
	cancel = c->cancel;
	c->logged_in = 0;    /* an expired session needs no re-login just to log out */
	/* Logout goes out after a cancel too: else every Ctrl-C leaves a session on the host. */
	c->cancel = NULL;
	rc = vsnap__vs_invoke(c, "Logout", c->url, call_logout, NULL, 0);
	c->cancel = cancel;
	free(c->session_key);
	c->session_key = NULL;
	return rc;
}

static int call_current_time(vsnap_vs_client *c, void *arg)
{
	struct vim25__CurrentTimeResponse resp;
	long long *now = arg;
	int rc;

	rc = soap_call_vim25__CurrentTime(c->soap, c->url, c->soap_action,
		vsnap__vs_soap_moref(c->soap, "ServiceInstance", "ServiceInstance"), &resp);
	if (rc == SOAP_OK)
		*now = vsnap__vs_parse_datetime(resp.returnval);
	return rc;
}

/*
 * CurrentTime is the cheapest authenticated call; vcsim answers it even without a session, so
 * it refreshes the idle timer of a live session but cannot tell that one expired
 * (vsnap__vs_session_is_active can).
 */
int vsnap__vs_keepalive(vsnap_vs_client *c, long long *now)
{
	long long t = -1;
	int rc = vsnap__vs_invoke(c, "CurrentTime", c->url, call_current_time, &t,
		VSNAP_VS_CALL_READ);

	if (rc == 0 && now)
		*now = t;
	return rc;
}

struct active_arg {
	int active;
};

static int call_is_active(vsnap_vs_client *c, void *arg)
{
	struct vim25__SessionIsActiveResponse resp;
	struct active_arg *a = arg;
	int rc;

	rc = soap_call_vim25__SessionIsActive(c->soap, c->url, c->soap_action,
		vsnap__vs_soap_moref(c->soap, "SessionManager", c->session_manager),
		c->session_key, c->user, &resp);
	if (rc == SOAP_OK)
		a->active = resp.returnval == true_;
	return rc;
}

int vsnap__vs_session_is_active(vsnap_vs_client *c, int *active)
{
	struct active_arg a = { 0 };
	int rc;

	*active = 0;
	if (!c->logged_in || !c->session_key)
		return 0;
	if ((rc = vsnap__vs_invoke(c, "SessionIsActive", c->url, call_is_active, &a,
			VSNAP_VS_CALL_READ)) < 0)
		return rc;
	*active = a.active;
	return 0;
}

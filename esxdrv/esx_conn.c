/*
 * Opening and closing ESX/vCenter connections: URI parameters, credentials, TLS options,
 * record/replay, and the API-type checks (esx:// must reach an ESX host, vpx:// a vCenter).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "esxdrv/esx_private.h"
#include "core/auth.h"
#include "core/error.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const known_params[] = {
	"no_verify", "cafile", "thumbprint", "proxy", "transport", NULL,
};

long long esx_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void esx_sync_requests(vsnap_conn *conn)
{
	esx_priv *priv = esx_priv_of(conn);

	if (priv && priv->client)
		conn->requests = vsnap__vs_request_count(priv->client);
}

static void log_line(const char *line, void *payload)
{
	FILE *f = payload;

	fprintf(f, "%s\n", line);
	fflush(f);
}

static int check_params(const vsnap_uri *uri)
{
	for (size_t i = 0; i < uri->nparams; i++) {
		size_t k = 0;

		while (known_params[k] && strcmp(known_params[k], uri->params[i].key) != 0)
			k++;
		if (!known_params[k])
			return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_CONF,
				"URI parameter '%s' is not known to the %s driver (known: no_verify, "
				"cafile, thumbprint, proxy, transport)", uri->params[i].key, uri->scheme);
	}
	return 0;
}

/* "https://host:port/sdk"; IPv6 literals get their brackets back. */
static int build_url(char **out, const vsnap_uri *uri)
{
	const char *transport = vsnap__uri_param(uri, "transport");
	int port = uri->port;
	int v6 = strchr(uri->host, ':') != NULL;
	char buf[512];

	if (!transport || !*transport)
		transport = "https";
	if (strcmp(transport, "https") != 0 && strcmp(transport, "http") != 0)
		return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_CONF,
			"URI parameter transport='%s': expected 'https' or 'http'", transport);
	if (port == 0)
		port = strcmp(transport, "https") == 0 ? 443 : 80;
	if ((size_t)snprintf(buf, sizeof(buf), "%s://%s%s%s:%d/sdk", transport, v6 ? "[" : "",
		uri->host, v6 ? "]" : "", port) >= sizeof(buf))
		return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_CONF,
			"host name '%s' is too long", uri->host);
	if (!(*out = strdup(buf)))
		return vsnap__error_oom();
	return 0;
}

/* esx:// and gsx:// talk to a host agent; vpx:// to vCenter. libvirt refuses the mix too. */
static int check_api_type(const vsnap_uri *uri, esx_kind kind, const char *api_type)
{
	int want_vc = kind == ESX_KIND_VPX;

	if (!api_type)
		return vsnap__error_set(VSNAP_ENETWORK, VSNAP_ERRCLASS_ESX,
			"%s: the server did not say which API it serves (about.apiType)", uri->host);
	if (want_vc && strcmp(api_type, "VirtualCenter") != 0)
		return vsnap__error_set(VSNAP_EUNSUPPORTED, VSNAP_ERRCLASS_CONF,
			"%s is not a vCenter (its API type is '%s'): use esx://%s/ for an ESX host",
			uri->host, api_type, uri->host);
	if (!want_vc && strcmp(api_type, "HostAgent") != 0)
		return vsnap__error_set(VSNAP_EUNSUPPORTED, VSNAP_ERRCLASS_CONF,
			"%s is a vCenter (API type '%s'), not an ESX host: use "
			"vpx://%s/DATACENTER/[CLUSTER/]HOST", uri->host, api_type, uri->host);
	return 0;
}

/*
 * vpx://vc/DC/HOST (standalone host) or vpx://vc/DC/CLUSTER/HOST: find the HostSystem the
 * way its inventory path reads (DC/host/CLUSTER/HOST; a standalone host sits in a compute
 * resource of the same name).
 */
static int find_vpx_host(esx_priv *priv, const vsnap_uri *uri)
{
	const char *p = uri->path ? uri->path : "";
	char *copy, *parts[3] = { NULL, NULL, NULL }, *save = NULL, *tok;
	char inv[1024];
	size_t n = 0;
	vsnap_vs_moref ref = { 0 };
	int rc;

	while (*p == '/')
		p++;
	if (!(copy = strdup(p)))
		return vsnap__error_oom();
	for (tok = strtok_r(copy, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		if (n == 3) {
			n = 4;
			break;
		}
		parts[n++] = tok;
	}
	if (n < 2 || n > 3) {
		free(copy);
		return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_CONF,
			"vpx URI path '%s': expected /DATACENTER/HOST or /DATACENTER/CLUSTER/HOST",
			uri->path ? uri->path : "");
	}
	snprintf(inv, sizeof(inv), "%s/host/%s/%s", parts[0], parts[1], parts[n == 2 ? 1 : 2]);
	rc = vsnap__vs_find_by_path(&ref, priv->client, inv);
	if (rc == 0 && (!ref.type || strcmp(ref.type, "HostSystem") != 0)) {
		rc = vsnap__error_set(VSNAP_ENOTFOUND, VSNAP_ERRCLASS_CONF,
			"vpx URI path '%s': '%s' is a %s, not a host", uri->path, inv,
			ref.type ? ref.type : "object of unknown type");
	} else if (rc) {
		vsnap__error_prefix("vpx URI path '%s': no host at inventory path '%s'",
			uri->path, inv);
	} else {
		priv->host_moref = ref.value;
		ref.value = NULL;
	}
	vsnap__vs_moref_clear(&ref);
	free(copy);
	return rc;
}

static void priv_free(esx_priv *priv)
{
	if (!priv)
		return;
	esx_info_forget(priv);
	vsnap__vs_close(priv->client);
	free(priv->session_path);
	vsnap__secret_free(priv->session_text);
	if (priv->log)
		fclose(priv->log);
	free(priv->host_moref);
	free(priv);
}

/* Keeps the session for the next process: written when it differs from the file's. */
static void session_keep(vsnap_conn *conn, esx_priv *priv)
{
	char *text = NULL;

	if (vsnap__vs_session_export(&text, priv->client) < 0) {
		/* Not logged in any more (a failed re-login): the file is of no use. */
		vsnap_error_clear();
		esx_session_remove(conn, priv->session_path);
		return;
	}
	if (!priv->session_text || strcmp(text, priv->session_text) != 0)
		esx_session_store(conn, priv->session_path, text);
	vsnap__secret_free(text);
}

/*
 * The client: resumed from the saved session when there is a usable one (no request), else
 * a fresh one (RetrieveServiceContent; the caller logs in).
 */
static int connect_client(vsnap_conn *conn, esx_priv *priv, const vsnap_vs_options *o)
{
	if (esx_session_enabled(conn)) {
		if (esx_session_path(&priv->session_path, conn, o->url, o->user) < 0) {
			vsnap__conn_warn(conn, "not keeping the session: %s",
				vsnap_error_last()->message);
			vsnap_error_clear();
		} else if ((priv->session_text = esx_session_load(conn, priv->session_path)) &&
			   vsnap__vs_open_saved(&priv->client, o, priv->session_text) < 0) {
			vsnap__conn_warn(conn, "ignoring saved session '%s': %s",
				priv->session_path, vsnap_error_last()->message);
			vsnap_error_clear();
			vsnap__secret_free(priv->session_text);
			priv->session_text = NULL;
		}
	}
	if (priv->client)
		return 0;
	if (vsnap__vs_open(&priv->client, o))
		return vsnap__error_prefix("cannot connect to %s", o->url);
	return 0;
}

int esx_open(vsnap_conn *conn, const vsnap_uri *uri)
{
	vsnap_vs_options o = { 0 };
	esx_priv *priv;
	char *url = NULL, *user = NULL, *password = NULL;
	int rc, no_verify;

	if (!uri->host || !*uri->host)
		return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_CONF,
			"URI '%s': the %s driver needs a host name", conn->uri, uri->scheme);
	if ((rc = check_params(uri)))
		return rc;
	if ((no_verify = vsnap__uri_param_bool(uri, "no_verify", 0)) < 0)
		return vsnap__error_prefix("URI '%s'", conn->uri);
	if (!(priv = calloc(1, sizeof(*priv))))
		return vsnap__error_oom();
	priv->kind = strcmp(uri->scheme, "vpx") == 0 ? ESX_KIND_VPX :
		strcmp(uri->scheme, "gsx") == 0 ? ESX_KIND_GSX : ESX_KIND_ESX;
	if (priv->kind != ESX_KIND_VPX && uri->path && strcmp(uri->path, "/") != 0 && *uri->path) {
		priv_free(priv);
		return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_CONF,
			"URI '%s': an %s:// URI has no path (vCenter hosts use vpx://VC/DC/HOST)",
			conn->uri, uri->scheme);
	}
	if ((rc = build_url(&url, uri)))
		goto out;
	if ((rc = vsnap__credentials_get(&user, &password, &conn->opts, uri->scheme, uri->host,
		uri->user)))
		goto out;
	if (conn->opts.log_file && !(priv->log = fopen(conn->opts.log_file, "ae"))) {
		rc = vsnap__error_os("cannot open log file '%s'", conn->opts.log_file);
		goto out;
	}
	o.url = url;
	o.user = user;
	o.password = password;
	o.no_verify = no_verify;
	o.cafile = vsnap__uri_param(uri, "cafile");
	o.thumbprint = vsnap__uri_param(uri, "thumbprint");
	o.proxy = vsnap__uri_param(uri, "proxy");
	o.connect_timeout_ms = conn->opts.connect_timeout_ms;
	o.task_timeout_ms = conn->opts.timeout_ms;
	o.record_dir = conn->opts.record_dir;
	o.replay_dir = conn->opts.replay_dir;
	o.log_cb = priv->log ? log_line : NULL;
	o.log_payload = priv->log;
	/* Through core, so a composite operation reports as one (core/progress.c). */
	o.progress_cb = conn->opts.progress_cb ? vsnap__conn_progress : NULL;
	o.progress_payload = conn;
	o.cancel = &conn->cancelled;
	if ((rc = connect_client(conn, priv, &o)))
		goto out;
	conn->priv = priv;
	if ((rc = check_api_type(uri, priv->kind, vsnap__vs_api_type(priv->client))))
		goto out;
	if (!priv->session_text && (rc = vsnap__vs_login(priv->client))) {
		vsnap__error_prefix("cannot log in to %s as '%s'", uri->host, user);
		goto out;
	}
	if (priv->kind == ESX_KIND_VPX && (rc = find_vpx_host(priv, uri))) {
		if (priv->session_path)
			session_keep(conn, priv);
		else
			vsnap__vs_logout(priv->client);
	}
out:
	esx_sync_requests(conn);
	free(url);
	free(user);
	vsnap__secret_free(password);
	if (rc) {
		conn->priv = NULL;
		priv_free(priv);
	}
	return rc;
}

void esx_close(vsnap_conn *conn)
{
	esx_priv *priv = esx_priv_of(conn);

	if (!priv)
		return;
	if (priv->session_path)
		session_keep(conn, priv);
	else
		/* A failed logout only leaves a session for the server to expire; close anyway. */
		vsnap__vs_logout(priv->client);
	esx_sync_requests(conn);
	priv_free(priv);
	conn->priv = NULL;
}

/* The `logout` command: the server session ends now and its file goes, kept or not. */
int esx_session_end(vsnap_conn *conn)
{
	esx_priv *priv = esx_priv_of(conn);
	char *path = NULL;
	int rc;

	rc = vsnap__vs_logout(priv->client);
	esx_sync_requests(conn);
	if (priv->session_path) {
		path = priv->session_path;
		priv->session_path = NULL;
	} else if (esx_session_path(&path, conn, vsnap__vs_url(priv->client),
			vsnap__vs_user(priv->client)) < 0) {
		vsnap_error_clear();
	}
	if (path)
		esx_session_remove(conn, path);
	free(path);
	return rc ? vsnap__error_prefix("logout from %s", conn->uri) : 0;
}

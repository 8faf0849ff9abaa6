/*
 * transport.c: HTTP(S) for the vim25 client. Live: libcurl through gSOAP's curl plugin, on a
 * CURL handle we own (TLS, pin, proxy, timeouts, cookies, connection reuse). Our callbacks sit
 * on top of the plugin's so that every exchange passes through one place: the request body is
 * kept, the response is drained whole (so a malformed reply is still recorded) and then fed to
 * gSOAP's parser. Replay: the same callbacks, served from a fixture directory instead.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "curlapi.h"
#include "core/secret.h"
#include "core/xmlcap.h"
#include "vsphere/internal.h"

void vsnap__vs_log(vsnap_vs_client *c, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (!c->log_cb)
		return;
	char *clean;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* Lines quote URLs, users and server text: redact every known secret by value. */
	clean = vsnap__secret_scrub_str(line);
	c->log_cb(clean ? clean : "(log line dropped: out of memory)", c->log_payload);
	free(clean);
}

/*
 * Aborts a transfer (chunked, or lying about its length) once it outgrows the cap, and one
 * under way when the cancel flag is raised: a hung server must not hold a Ctrl-C until the
 * request timeout. libcurl calls this at least once a second even while no byte moves.
 */
static int on_progress(void *client, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
	curl_off_t ulnow)
{
	vsnap_vs_client *c = client;

	(void)dltotal;
	(void)ultotal;
	(void)ulnow;
	if (c->cancel && *c->cancel)
		return 1;
	if (dlnow <= VSNAP_VS_MAX_RESPONSE)
		return 0;
	c->x.too_large = 1;
	return 1;
}

/*
 * The limit of one exchange. Without an explicit request timeout, a task limit caps it too: a
 * server that takes the request and never answers must not hold a caller who asked to give up
 * after 2 s for the 300 s default.
 */
static long request_timeout(const vsnap_vs_client *c)
{
	if (c->request_timeout_ms)
		return (long)c->request_timeout_ms;
	if (c->task_timeout_ms && c->task_timeout_ms < 300000)
		return (long)c->task_timeout_ms;
	return 300000;
}

void vsnap__vs_transport_limit(vsnap_vs_client *c, unsigned int ms)
{
	if (c->curl)
		curl_easy_setopt(c->curl, CURLOPT_TIMEOUT_MS,
			ms && (long)ms < request_timeout(c) ? (long)ms : request_timeout(c));
}

/* Applies our TLS, proxy and timeout rules to `curl` (the SOAP handle, or a GET handle). */
int vsnap__vs_curl_setup(vsnap_vs_client *c, CURL *curl)
{
	CURLcode rc = CURLE_OK;

	rc |= curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	rc |= curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
		(long)(c->connect_timeout_ms ? c->connect_timeout_ms : 30000));
	rc |= curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, request_timeout(c));
	if (c->proxy)
		rc |= curl_easy_setopt(curl, CURLOPT_PROXY, c->proxy);
	if (c->cafile)
		rc |= curl_easy_setopt(curl, CURLOPT_CAINFO, c->cafile);
	if (c->no_verify || c->pin_len) {
		/* A pin replaces CA and host checks: the verify callback of tls_pin.c decides. */
		rc |= curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
		rc |= curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
	} else {
		rc |= curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
		rc |= curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
	}
	/* Verifying (by pin or by CA): tls_pin.c also notes the server's fingerprint for errors. */
	if (c->pin_len || !c->no_verify) {
		rc |= curl_easy_setopt(curl, CURLOPT_SSL_CTX_FUNCTION, vsnap__vs_ssl_ctx_cb);
		rc |= curl_easy_setopt(curl, CURLOPT_SSL_CTX_DATA, c);
	}
	/* Bounded memory: the plugin and cb_recv buffer whole replies, so cap them. */
	rc |= curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)VSNAP_VS_MAX_RESPONSE);
	rc |= curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
	rc |= curl_easy_setopt(curl, CURLOPT_XFERINFODATA, c);
	rc |= curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
	/* In-memory cookie engine: the session cookie stays inside libcurl. */
	rc |= curl_easy_setopt(curl, CURLOPT_COOKIEFILE, "");
	if (rc != CURLE_OK)
		return vsnap__error_set(VSNAP_ENETWORK, VSNAP_ERRCLASS_NET,
			"cannot configure libcurl for '%s' (TLS backend without OpenSSL?)", c->url);
	return 0;
}

/* The proxy URL for messages: "scheme://host:port", without any user:password@ in it. */
static void proxy_shown(const char *proxy, char *out, size_t size)
{
	const char *host = strstr(proxy, "://"), *at;

	host = host ? host + 3 : proxy;
	at = strchr(host, '@');
	if (at && at < host + strcspn(host, "/"))
		snprintf(out, size, "%.*s%s", (int)(host - proxy), proxy, at + 1);
	else
		snprintf(out, size, "%s", proxy);
}

/* Maps a CURLcode to a vsnap error about `what`. */
int vsnap__vs_curl_code_error(vsnap_vs_client *c, int code, const char *detail, const char *what)
{
	const char *msg = detail && *detail ? detail : curl_easy_strerror((CURLcode)code);

	if (c->pin_mismatch)
		return vsnap__error_set(VSNAP_ECERTIFICATE, VSNAP_ERRCLASS_TLS,
			"%s: the certificate of '%s' has fingerprint %s, which is not the pinned "
			"thumbprint", what, c->url, c->peer_fingerprint);
	if (code == CURLE_FILESIZE_EXCEEDED || (code == CURLE_ABORTED_BY_CALLBACK && c->x.too_large))
		return vsnap__error_set(VSNAP_ENETWORK, VSNAP_ERRCLASS_NET,
			"%s: the response from '%s' is larger than %ld MiB; refused", what, c->url,
			VSNAP_VS_MAX_RESPONSE >> 20);
	if (c->proxy && *c->proxy) {
		long tunnel = 0;
		char proxy[512];

		proxy_shown(c->proxy, proxy, sizeof(proxy));

		/*
		 * Through a proxy, libcurl connects to the proxy only: a failed connect is the
		 * proxy's. A refused CONNECT leaves the proxy's HTTP status on the (SOAP) handle.
		 */
		if (code == CURLE_COULDNT_RESOLVE_PROXY || code == CURLE_COULDNT_CONNECT)
			return vsnap__error_set(VSNAP_ENETWORK, VSNAP_ERRCLASS_NET,
				"%s: cannot reach the proxy '%s': %s", what, proxy, msg);
		if (c->curl && curl_easy_getinfo(c->curl, CURLINFO_HTTP_CONNECTCODE, &tunnel) ==
		    CURLE_OK && tunnel && tunnel != 200)
			return vsnap__error_set(VSNAP_ENETWORK, VSNAP_ERRCLASS_NET,
				"%s: the proxy '%s' refused the tunnel to '%s' (HTTP %ld): %s", what,
				proxy, c->url, tunnel, msg);
	}
	if (code == CURLE_ABORTED_BY_CALLBACK && c->cancel && *c->cancel)
		return vsnap__error_set(VSNAP_ECANCELLED, VSNAP_ERRCLASS_NET,
			"%s: cancelled while waiting for '%s'", what, c->url);
	switch (code) {
	case CURLE_SEND_FAIL_REWIND:
		/* libcurl's own words ("necessary data rewind wasn't possible") say nothing to a
		 * user: the server asked for the request again (a redirect or an authentication
		 * challenge) and a streamed body cannot be sent twice. */
		return vsnap__error_set(VSNAP_ENETWORK, VSNAP_ERRCLASS_NET,
			"%s: '%s' asked for the request to be sent again (an HTTP redirect or "
			"authentication challenge), which vsnap does not follow: check that the URI "
			"names the host's own /sdk endpoint (no proxy or load balancer redirecting it)",
			what, c->url);
	case CURLE_OPERATION_TIMEDOUT:
		return vsnap__error_set(VSNAP_ETIMEOUT, VSNAP_ERRCLASS_NET, "%s: '%s' timed out: %s",
			what, c->url, msg);
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
		if (c->peer_fingerprint[0] && !c->pin_len)
			return vsnap__error_set(VSNAP_ECERTIFICATE, VSNAP_ERRCLASS_TLS,
				"%s: TLS verification of '%s' failed: %s; the server's certificate has "
				"SHA-256 fingerprint %s: if that is the host's, add thumbprint=%s to "
				"the URI to trust it (no_verify=1 trusts any certificate)", what,
				c->url, msg, c->peer_fingerprint, c->peer_fingerprint);
		return vsnap__error_set(VSNAP_ECERTIFICATE, VSNAP_ERRCLASS_TLS,
			"%s: TLS verification of '%s' failed: %s", what, c->url, msg);
	default:
		return vsnap__error_set(VSNAP_ENETWORK, VSNAP_ERRCLASS_NET, "%s: '%s': %s", what,
			c->url, msg);
	}
}

/*
 * The plugin turns a failed curl_easy_perform into a SOAP "sender fault" whose string is
 * curl_easy_strerror(code), dropping the code: find it back by that text. 0: no such text.
 */
static int curl_code_of(const char *text)
{
	int i;

	if (!text)
		return 0;
	for (i = 1; i < CURL_LAST; i++)
		if (!strcmp(curl_easy_strerror((CURLcode)i), text))
			return i;
	return 0;
}

int vsnap__vs_transport_error(vsnap_vs_client *c, const char *what)
{
	return vsnap__vs_curl_code_error(c, c->x.curl_code, c->x.curl_msg, what);
}

/* ---- gSOAP callbacks ---- */

static int cb_send(struct soap *soap, const char *buf, size_t len)
{
	vsnap_vs_client *c = soap->user;

	vsnap__strbuf_append_n(&c->x.req, buf, len);
	if (vsnap__strbuf_check(&c->x.req) < 0)
		return soap->error = SOAP_EOM;
	if (c->replay_dir)
		return SOAP_OK;
	return c->lower_send(soap, buf, len);
}

static int cb_connect(struct soap *soap, const char *endpoint, const char *host, int port)
{
	(void)endpoint;
	(void)host;
	(void)port;
	/* Replay: nothing to connect; write the body only, as the curl plugin does. */
	soap->omode = (soap->omode & ~SOAP_IO) | SOAP_IO_BUFFER | SOAP_ENC_PLAIN;
	return SOAP_OK;
}

static int cb_prepareinitrecv(struct soap *soap)
{
	vsnap_vs_client *c = soap->user;
	int rc;

	c->x.performed = 1;
	c->pin_mismatch = 0;
	if (c->replay_dir) {
		if (vsnap__vs_replay_load(c) < 0) {
			c->x.error_set = 1;
			return soap->error = SOAP_USER_ERROR;
		}
		soap->status = (int)c->x.http_status;
		if ((c->x.http_status >= 200 && c->x.http_status <= 299) ||
		    c->x.http_status == 400 || c->x.http_status == 500)
			return SOAP_OK;
		return soap->error = (int)c->x.http_status;
	}
	rc = c->lower_prepareinitrecv(soap);
	curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &c->x.http_status);
	if (rc != SOAP_OK) {
		/*
		 * A transfer can also fail after the status line (reset mid-body, size cap): then
		 * the HTTP status is known but the failure is still the transport's, not a fault.
		 */
		const char *fs = soap->fault && soap->fault->faultstring ? soap->fault->faultstring
			: NULL;
		struct soap_curl_data *d = soap_lookup_plugin(soap, soap_curl_id);

		c->x.curl_code = curl_code_of(fs);
		if (!c->x.curl_code && c->x.http_status == 0)
			c->x.curl_code = CURLE_RECV_ERROR;
		if (c->x.curl_code && d)
			snprintf(c->x.curl_msg, sizeof(c->x.curl_msg), "%s", d->buf);
	}
	return rc;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Before gSOAP parses a reply: its shape must be within the SOAP caps (gSOAP is quadratic in
 * attributes per element), and while it parses, the exchange's deadline still holds. Each
 * failure ends the input early with our error set. 0: go on.
 */
static int reply_guard(vsnap_vs_client *c)
{
	char what[160];

	if (!c->x.shape_checked) {
		snprintf(what, sizeof(what), "the reply to %s", c->x.op ? c->x.op : "a request");
		if (vsnap__xml_caps_check(c->x.resp.ptr ? c->x.resp.ptr : "", c->x.resp.len,
				&vsnap__xml_caps_soap, what) < 0) {
			vsnap__error_prefix("'%s'", c->url);
			c->x.error_set = 1;
			return -1;
		}
		c->x.shape_checked = 1;
	}
	if (c->x.deadline_ms && now_ms() > c->x.deadline_ms) {
		vsnap__error_set(VSNAP_ETIMEOUT, VSNAP_ERRCLASS_SOAP,
			"'%s': reading the reply to %s (%zu bytes) took longer than the %ld ms limit",
			c->url, c->x.op ? c->x.op : "a request", c->x.resp.len, request_timeout(c));
		c->x.error_set = 1;
		return -1;
	}
	return 0;
}

/* Drains the plugin's whole response first, then serves gSOAP from our copy, 64 KiB at a
 * time so that the deadline is checked while gSOAP parses. */
static size_t cb_recv(struct soap *soap, char *buf, size_t size)
{
	vsnap_vs_client *c = soap->user;
	size_t n;

	if (!c->x.resp_loaded && !c->replay_dir) {
		char tmp[16384];

		while ((n = c->lower_recv(soap, tmp, sizeof(tmp))) > 0) {
			vsnap__strbuf_append_n(&c->x.resp, tmp, n);
			if (vsnap__strbuf_check(&c->x.resp) < 0)
				return 0;
		}
		c->x.resp_loaded = 1;
		soap->error = SOAP_OK;
	}
	if (reply_guard(c) < 0)
		return 0;
	n = c->x.resp.len - c->x.resp_pos;
	if (n > size)
		n = size;
	if (n > 65536)
		n = 65536;
	if (n)   /* an empty reply has no text at all */
		memcpy(buf, c->x.resp.ptr + c->x.resp_pos, n);
	c->x.resp_pos += n;
	return n;
}

int vsnap__vs_transport_init(vsnap_vs_client *c)
{
	struct soap *soap;

	if (!(c->soap = soap = soap_new1(SOAP_C_UTFSTRING)))
		return vsnap__error_oom();
	soap_set_namespaces(soap, vim25_namespaces);
	soap->user = c;
	if (!c->replay_dir) {
		if (!(c->curl = curl_easy_init()))
			return vsnap__error_oom();
		if (vsnap__vs_curl_setup(c, c->curl) < 0)
			return VSNAP_ENETWORK;
		if (soap_register_plugin_arg(soap, soap_curl, c->curl) != SOAP_OK)
			return vsnap__error_set(VSNAP_ERROR, VSNAP_ERRCLASS_SOAP,
				"cannot register the gSOAP curl plugin");
		c->lower_send = soap->fsend;
		c->lower_recv = soap->frecv;
		c->lower_prepareinitrecv = soap->fprepareinitrecv;
	} else {
		soap->fconnect = cb_connect;
	}
	soap->fsend = cb_send;
	soap->frecv = cb_recv;
	soap->fprepareinitrecv = cb_prepareinitrecv;
	return 0;
}

void vsnap__vs_transport_free(vsnap_vs_client *c)
{
	if (c->soap) {
		soap_destroy(c->soap);
		soap_end(c->soap);
		soap_free(c->soap);   /* the plugin's delete hook leaves our CURL handle alone */
		c->soap = NULL;
	}
	if (c->curl)
		curl_easy_cleanup(c->curl);
	c->curl = NULL;
	vsnap__strbuf_clear(&c->x.req);
	vsnap__strbuf_clear(&c->x.resp);
}

void vsnap__vs_exchange_begin(vsnap_vs_client *c, const char *op)
{
	/* Cleared, not truncated: a failed append of the last exchange must not stick. */
	vsnap__strbuf_clear(&c->x.req);
	vsnap__strbuf_clear(&c->x.resp);
	c->x.op = op;
	c->x.resp_pos = 0;
	c->x.resp_loaded = 0;
	c->x.http_status = 0;
	c->x.curl_code = 0;
	c->x.curl_msg[0] = '\0';
	c->x.error_set = 0;
	c->x.performed = 0;
	c->x.too_large = 0;
	c->x.shape_checked = 0;
	c->x.deadline_ms = now_ms() + request_timeout(c);
	c->seq++;
	c->requests++;
}

/* Logs the exchange and writes it to the record directory (a failed write is an error). */
int vsnap__vs_exchange_end(vsnap_vs_client *c)
{
	if (!c->x.performed)
		return 0;
	vsnap__vs_log(c, "#%u %s -> HTTP %ld, %zu bytes", c->seq, c->x.op, c->x.http_status,
		c->x.resp.len);
	/* cb_recv drained the whole reply at gSOAP's first read, so it is complete here. */
	if (c->record_dir && c->x.http_status)
		return vsnap__vs_record_write(c);
	return 0;
}

/*
 * datastore.c: downloading a datastore file (the .vmx) over HTTPS:
 *   GET <scheme>://<host>/folder/<path>?dcPath=<datacenter>&dsName=<datastore>
 * on the SOAP connection's CURL handle, so the session cookie, TLS rules and connection are
 * shared. Recorded and replayed like SOAP exchanges (operation "GET").
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vsphere/internal.h"

static size_t on_data(void *data, size_t size, size_t n, void *payload)
{
	vsnap__strbuf *b = payload;

	vsnap__strbuf_append_n(b, data, size * n);
	return vsnap__strbuf_check(b) < 0 ? 0 : size * n;
}

/* Appends s percent-encoded, keeping '/' when keep_slash. */
static void add_escaped(vsnap__strbuf *b, const char *s, int keep_slash)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		int plain = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			(ch >= '0' && ch <= '9') || strchr("-._~", ch) || (keep_slash && ch == '/');

		if (plain)
			vsnap__strbuf_append_n(b, s, 1);
		else
			vsnap__strbuf_appendf(b, "%%%02X", ch);
	}
}

/* "/folder/dir/f.vmx?dcPath=dc&dsName=ds": the part after scheme://host[:port]. */
static void build_path(vsnap__strbuf *b, const char *dc, const char *ds, const char *path)
{
	vsnap__strbuf_append(b, "/folder/");
	add_escaped(b, path, 1);
	vsnap__strbuf_append(b, "?dcPath=");
	add_escaped(b, dc, 0);
	vsnap__strbuf_append(b, "&dsName=");
	add_escaped(b, ds, 0);
}

static int http_get(vsnap_vs_client *c, const char *url, const char *what)
{
	CURLcode cc;
	char errbuf[CURL_ERROR_SIZE] = "";

	c->x.performed = 1;
	if (c->replay_dir)
		return vsnap__vs_replay_load(c);
	curl_easy_setopt(c->curl, CURLOPT_URL, url);
	curl_easy_setopt(c->curl, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, &c->x.resp);
	curl_easy_setopt(c->curl, CURLOPT_ERRORBUFFER, errbuf);
	c->pin_mismatch = 0;
	cc = curl_easy_perform(c->curl);
	curl_easy_setopt(c->curl, CURLOPT_ERRORBUFFER, NULL);
	curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &c->x.http_status);
	if (cc != CURLE_OK)
		return vsnap__vs_curl_code_error(c, cc, errbuf, what);
	c->x.resp_loaded = 1;
	return 0;
}

int vsnap__vs_datastore_get(char **out, size_t *len, vsnap_vs_client *c, const char *datacenter,
	const char *ds_path)
{
	char *ds = NULL, *path = NULL, what[512];
	vsnap__strbuf url = VSNAP__STRBUF_INIT;
	const char *p;
	int rc;

	*out = NULL;
	if ((rc = vsnap__vs_ds_path_split(&ds, &path, ds_path)) < 0)
		return rc;
	snprintf(what, sizeof(what), "downloading '%s' from datacenter '%s'", ds_path,
		datacenter ? datacenter : "ha-datacenter");
	/* scheme://host[:port] of the SDK URL, then the folder path */
	p = strstr(c->url, "://");
	p = p ? strchr(p + 3, '/') : NULL;
	vsnap__vs_exchange_begin(c, "GET");
	vsnap__strbuf_append_n(&url, c->url, p ? (size_t)(p - c->url) : strlen(c->url));
	build_path(&c->x.req, datacenter ? datacenter : "ha-datacenter", ds, path);
	if ((rc = vsnap__strbuf_check(&c->x.req)) < 0)
		goto out;
	vsnap__strbuf_append_n(&url, c->x.req.ptr, c->x.req.len);
	if ((rc = vsnap__strbuf_check(&url)) < 0)
		goto out;
	if ((rc = http_get(c, url.ptr, what)) < 0)
		goto out;
	if ((rc = vsnap__vs_exchange_end(c)) < 0)
		goto out;
	if (c->x.http_status == 404) {
		rc = vsnap__error_set(VSNAP_ENOTFOUND, VSNAP_ERRCLASS_ESX,
			"%s: no such file (HTTP 404)", what);
		goto out;
	}
	if (c->x.http_status == 401 || c->x.http_status == 403) {
		rc = vsnap__error_set(VSNAP_EAUTH, VSNAP_ERRCLASS_ESX,
			"%s: access refused (HTTP %ld)", what, c->x.http_status);
		goto out;
	}
	if (c->x.http_status != 200) {
		rc = vsnap__error_set(VSNAP_ENETWORK, VSNAP_ERRCLASS_NET, "%s: HTTP status %ld",
			what, c->x.http_status);
		goto out;
	}
	if (!(*out = malloc(c->x.resp.len + 1))) {
		rc = vsnap__error_oom();
		goto out;
	}
	memcpy(*out, vsnap__strbuf_cstr(&c->x.resp), c->x.resp.len);
	(*out)[c->x.resp.len] = '\0';
	if (len)
		*len = c->x.resp.len;
out:
	vsnap__strbuf_clear(&url);
	free(ds);
	free(path);
	return rc;
}

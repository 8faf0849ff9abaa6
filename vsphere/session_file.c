/*
 * session_file.c: a client's session as text, so that a later process resumes it without a
 * request (as govc keeps its session between runs): the cookies from libcurl's engine, the
 * UserSession key, and the ServiceContent MoRefs (fixed for a server, so RetrieveServiceContent
 * is not repeated either). The text is a secret like the password: the caller keeps it in a
 * 0600 file and never logs it. Format, one "key value" per line:
 *   vsnap-session 1 / url URL / user USER / cookie NETSCAPE-LINE (any number) / key KEY /
 *   root, pc, sm, si MOREF / apitype TYPE / apiversion VERSION
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vsphere/internal.h"

#define MAGIC "vsnap-session 1"

static int put(vsnap__strbuf *b, const char *key, const char *value)
{
	if (!value)
		return 0;
	if (strchr(value, '\n'))
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_ESX,
			"session %s contains a line break; not saved", key);
	vsnap__strbuf_appendf(b, "%s %s\n", key, value);
	return 0;
}

int vsnap__vs_session_export(char **out, vsnap_vs_client *c)
{
	struct curl_slist *cookies = NULL, *l;
	vsnap__strbuf b = VSNAP__STRBUF_INIT;
	int rc;

	*out = NULL;
	if (!c->logged_in || !c->curl)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_ESX,
			"no session to save for '%s': not logged in", c->url);
	if (curl_easy_getinfo(c->curl, CURLINFO_COOKIELIST, &cookies) != CURLE_OK)
		return vsnap__error_set(VSNAP_ENETWORK, VSNAP_ERRCLASS_NET,
			"cannot read the session cookie of '%s' from libcurl", c->url);
	vsnap__strbuf_append(&b, MAGIC "\n");
	rc = put(&b, "url", c->url);
	if (rc == 0)
		rc = put(&b, "user", c->user);
	for (l = cookies; rc == 0 && l; l = l->next)
		rc = put(&b, "cookie", l->data);
	if (rc == 0 && (rc = put(&b, "key", c->session_key)) == 0 &&
	    (rc = put(&b, "root", c->root_folder)) == 0 &&
	    (rc = put(&b, "pc", c->property_collector)) == 0 &&
	    (rc = put(&b, "sm", c->session_manager)) == 0 &&
	    (rc = put(&b, "si", c->search_index)) == 0 &&
	    (rc = put(&b, "apitype", c->api_type)) == 0)
		rc = put(&b, "apiversion", c->api_version);
	curl_slist_free_all(cookies);
	if (rc < 0) {
		if (b.ptr)
			memset(b.ptr, 0, b.len);
		vsnap__strbuf_clear(&b);
		return rc;
	}
	return vsnap__strbuf_detach(out, &b);
}

static int bad(const char *why)
{
	return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_ESX, "saved session: %s", why);
}

/* Applies one "key value" line to c; the client was just created. */
static int apply(vsnap_vs_client *c, const char *key, const char *value, int *cookies)
{
	static const char *const names[] = { "key", "root", "pc", "sm", "si", "apitype",
		"apiversion" };
	char **fields[] = { &c->session_key, &c->root_folder, &c->property_collector,
		&c->session_manager, &c->search_index, &c->api_type, &c->api_version };

	if (!strcmp(key, "url"))
		return strcmp(value, c->url) ? bad("it is for another URL") : 0;
	if (!strcmp(key, "user"))
		return c->user && strcmp(value, c->user) ? bad("it is for another user") : 0;
	if (!strcmp(key, "cookie")) {
		if (curl_easy_setopt(c->curl, CURLOPT_COOKIELIST, value) != CURLE_OK)
			return bad("libcurl refused its cookie");
		(*cookies)++;
		return 0;
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(key, names[i])) {
			free(*fields[i]);
			return vsnap__vs_dup(fields[i], value);
		}
	return bad("unknown line");
}

static int import(vsnap_vs_client *c, char *text)
{
	char *save = NULL, *line;
	int cookies = 0, rc = 0, first = 1;

	for (line = strtok_r(text, "\n", &save); line && rc == 0;
	     line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' ');

		if (first) {
			if (strcmp(line, MAGIC))
				return bad("not a vsnap session file (or another version)");
			first = 0;
			continue;
		}
		if (!sp)
			return bad("a line without a value");
		*sp = '\0';
		rc = apply(c, line, sp + 1, &cookies);
	}
	if (rc < 0)
		return rc;
	if (first || !cookies || !c->root_folder || !c->property_collector || !c->api_type ||
	    !c->api_version)
		return bad("incomplete (no cookie or service content)");
	return 0;
}

int vsnap__vs_open_saved(vsnap_vs_client **out, const vsnap_vs_options *opts, const char *saved)
{
	vsnap_vs_client *c = NULL;
	char *copy = NULL;
	int rc;

	*out = NULL;
	if (opts->record_dir || opts->replay_dir)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"a saved session cannot be used while recording or replaying");
	if ((rc = vsnap__vs_open_offline(&c, opts)) < 0)
		return rc;
	if (!(copy = strdup(saved))) {
		rc = vsnap__error_oom();
	} else if ((rc = import(c, copy)) == 0) {
		/* Valid until the server says NotAuthenticated; then vsnap__vs_invoke re-logs in. */
		c->logged_in = 1;
		vsnap__vs_log(c, "resuming a saved session with %s (%s %s)", c->url, c->api_type,
			c->api_version);
		*out = c;
		c = NULL;
	}
	if (copy) {
		memset(copy, 0, strlen(saved));
		free(copy);
	}
	vsnap__vs_close(c);
	return rc;
}

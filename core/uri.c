/* libvirt-style URI parsing. SPDX-License-Identifier: GPL-2.0-or-later */
#include "core/uri.h"
#include "core/error.h"
#include "core/util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Percent-decodes [s, s+n); '+' stays '+' (libvirt does not treat it as a space either). */
static int decode(char **out, const char *uri, const char *s, size_t n)
{
	char *d = malloc(n + 1);
	size_t j = 0;

	if (!d)
		return vsnap__error_oom();
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%') {
			if (i + 2 >= n) {
				free(d);
				return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_CONF,
					"URI '%s': truncated %% escape", uri);
			}
			int h = vsnap__hex_digit((unsigned char)s[i + 1]);
			int l = vsnap__hex_digit((unsigned char)s[i + 2]);
			if (h < 0 || l < 0) {
				free(d);
				return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_CONF,
					"URI '%s': bad %% escape '%.3s'", uri, s + i);
			}
			d[j++] = (char)(h * 16 + l);
			i += 2;
		} else {
			d[j++] = s[i];
		}
	}
	d[j] = '\0';
	*out = d;
	return 0;
}

void vsnap__uri_free(vsnap_uri *uri)
{
	if (!uri)
		return;
	free(uri->scheme);
	free(uri->user);
	free(uri->host);
	free(uri->path);
	for (size_t i = 0; i < uri->nparams; i++) {
		free(uri->params[i].key);
		free(uri->params[i].value);
	}
	free(uri->params);
	free(uri);
}

static int parse_query(vsnap_uri *u, const char *text, const char *q)
{
	while (*q) {
		size_t len = strcspn(q, "&;");
		const char *eq = memchr(q, '=', len);
		if (len > 0) {
			vsnap_uri_param *p = realloc(u->params, (u->nparams + 1) * sizeof(*p));
			if (!p)
				return vsnap__error_oom();
			u->params = p;
			p = &u->params[u->nparams];
			p->key = p->value = NULL;
			size_t klen = eq ? (size_t)(eq - q) : len;
			int rc = decode(&p->key, text, q, klen);
			if (rc == 0)
				rc = eq ? decode(&p->value, text, eq + 1, len - klen - 1)
					: decode(&p->value, text, "", 0);
			u->nparams++;
			if (rc)
				return rc;
		}
		q += len;
		if (*q)
			q++;
	}
	return 0;
}

int vsnap__uri_parse(vsnap_uri **out, const char *text)
{
	vsnap_uri *u;
	const char *p, *colon, *end, *at, *hostend;
	int rc = 0;

	*out = NULL;
	if (!text || !*text)
		return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_CONF, "empty connection URI");
	colon = strstr(text, "://");
	if (!colon || colon == text)
		return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_CONF,
			"URI '%s': expected scheme://[user@]host[:port]/path?params", text);
	for (p = text; p < colon; p++)
		if (!isalnum((unsigned char)*p) && *p != '+' && *p != '-' && *p != '.')
			return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_CONF,
				"URI '%s': bad character in scheme", text);
	if (!(u = calloc(1, sizeof(*u))))
		return vsnap__error_oom();
	if (!(u->scheme = strndup(text, (size_t)(colon - text)))) {
		free(u);
		return vsnap__error_oom();
	}
	for (char *s = u->scheme; *s; s++)
		*s = (char)tolower((unsigned char)*s);

	p = colon + 3;
	end = p + strcspn(p, "/?#");        /* authority */
	at = memchr(p, '@', (size_t)(end - p));
	if (at) {
		if ((rc = decode(&u->user, text, p, (size_t)(at - p))))
			goto fail;
		p = at + 1;
	}
	hostend = end;
	if (*p == '[') {                    /* IPv6 literal */
		const char *rb = memchr(p, ']', (size_t)(end - p));
		if (!rb) {
			rc = vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_CONF,
				"URI '%s': unterminated IPv6 address", text);
			goto fail;
		}
		if (!(u->host = strndup(p + 1, (size_t)(rb - p - 1)))) {
			rc = vsnap__error_oom();
			goto fail;
		}
		p = rb + 1;
	} else {
		const char *pc = memchr(p, ':', (size_t)(end - p));
		hostend = pc ? pc : end;
		if (hostend > p && !(u->host = strndup(p, (size_t)(hostend - p)))) {
			rc = vsnap__error_oom();
			goto fail;
		}
		p = hostend;
	}
	if (p < end && *p == ':') {
		char *e = NULL;
		long port = strtol(p + 1, &e, 10);
		if (e != end || port <= 0 || port > 65535) {
			rc = vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_CONF,
				"URI '%s': bad port '%.*s'", text, (int)(end - p - 1), p + 1);
			goto fail;
		}
		u->port = (int)port;
	} else if (p != end) {
		rc = vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_CONF,
			"URI '%s': unexpected text after the host", text);
		goto fail;
	}
	p = end;
	if (*p == '/') {
		size_t n = strcspn(p, "?#");
		if ((rc = decode(&u->path, text, p, n)))
			goto fail;
		p += n;
	}
	if (*p == '?') {
		size_t n = strcspn(p + 1, "#");
		char *q = strndup(p + 1, n);
		if (!q) {
			rc = vsnap__error_oom();
			goto fail;
		}
		rc = parse_query(u, text, q);
		free(q);
		if (rc)
			goto fail;
	}
	*out = u;
	return 0;
fail:
	vsnap__uri_free(u);
	return rc;
}

const char *vsnap__uri_param(const vsnap_uri *uri, const char *key)
{
	const char *v = NULL;

	for (size_t i = 0; i < uri->nparams; i++)
		if (strcasecmp(uri->params[i].key, key) == 0)
			v = uri->params[i].value;
	return v;
}

int vsnap__uri_param_bool(const vsnap_uri *uri, const char *key, int def)
{
	const char *v = vsnap__uri_param(uri, key);

	if (!v)
		return def;
	if (!strcmp(v, "1") || !strcasecmp(v, "yes") || !strcasecmp(v, "true") || !*v)
		return 1;
	if (!strcmp(v, "0") || !strcasecmp(v, "no") || !strcasecmp(v, "false"))
		return 0;
	return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_CONF,
		"URI parameter '%s': expected 0 or 1, got '%s'", key, v);
}

/* libvirt-style URI parsing. SPDX-License-Identifier: GPL-2.0-or-later */
#include "core/uri.h"
#include "core/error.h"
#include "core/util.h"

#include <ctype.h>
#include <stdio.h>
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
			if (h == 0 && l == 0) {   /* a NUL would cut the value short unseen */
				free(d);
				return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_CONF,
					"URI '%s': %%00 (a NUL byte) is not allowed", uri);
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
			p->bare = !eq;
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

/* Host names: letters, digits, '-', '.', '_' (no escapes: curl must see what we see). */
static int host_char_ok(unsigned char c)
{
	return isalnum(c) || c == '-' || c == '.' || c == '_';
}

/* IPv6 literals: hex digits, ':' and '.', and a zone after "%25" (RFC 6874). */
static int check_ipv6(const char *uri, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && (isxdigit((unsigned char)s[i]) || s[i] == ':' || s[i] == '.'))
		i++;
	if (i < n && n - i > 3 && strncmp(s + i, "%25", 3) == 0)
		for (i += 3; i < n && host_char_ok((unsigned char)s[i]); i++)
			;
	if (i == n && n > 0)
		return 0;
	return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_CONF,
		"URI '%s': '[%.*s]' is not an IPv6 address", uri, (int)n, s);
}

/*
 * The authority [user@]host[:port] of [p, end). One reading only, refusing what another
 * parser (libcurl, a proxy) could read differently: a second '@', a ':' in the user part (a
 * password, refused so that it never lands in messages or recordings), characters outside
 * host names, a port that is not all digits.
 */
static int parse_authority(vsnap_uri *u, const char *text, const char *p, const char *end)
{
	const char *at = memchr(p, '@', (size_t)(end - p)), *hostend;
	int rc;

	if (at && memchr(at + 1, '@', (size_t)(end - at - 1)))
		return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_CONF,
			"URI '%s': more than one '@' before the host is ambiguous (write an '@' "
			"inside the user name as %%40)", text);
	if (at) {
		if ((rc = decode(&u->user, text, p, (size_t)(at - p))))
			return rc;
		if (!*u->user)
			return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_CONF,
				"URI '%s': empty user name before '@'", text);
		for (const char *c = u->user; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_CONF,
					"URI '%s': control character in the user name", text);
		p = at + 1;
	}
	if (*p == '[') {
		const char *rb = memchr(p, ']', (size_t)(end - p));

		if (!rb)
			return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_CONF,
				"URI '%s': unterminated IPv6 address", text);
		if ((rc = check_ipv6(text, p + 1, (size_t)(rb - p - 1))))
			return rc;
		/* "%25" is the escaped '%' of a zone id: keep one '%' for the host. */
		if ((rc = decode(&u->host, text, p + 1, (size_t)(rb - p - 1))))
			return rc;
		hostend = rb + 1;
	} else {
		const char *pc = memchr(p, ':', (size_t)(end - p));

		hostend = pc ? pc : end;
		for (const char *c = p; c < hostend; c++)
			if (!host_char_ok((unsigned char)*c))
				return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_CONF,
					"URI '%s': character '%c' is not allowed in a host name "
					"(letters, digits, '-', '.', '_'; IPv6 in [brackets])", text, *c);
		if (hostend > p && !(u->host = strndup(p, (size_t)(hostend - p))))
			return vsnap__error_oom();
	}
	if (hostend < end && *hostend == ':') {
		long port = 0;
		const char *d = hostend + 1;

		for (; d < end && isdigit((unsigned char)*d) && port <= 65535; d++)
			port = port * 10 + (*d - '0');
		if (d != end || d == hostend + 1 || port <= 0 || port > 65535)
			return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_CONF,
				"URI '%s': bad port '%.*s' (1-65535)", text,
				(int)(end - hostend - 1), hostend + 1);
		u->port = (int)port;
	} else if (hostend != end) {
		return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_CONF,
			"URI '%s': unexpected text after the host", text);
	}
	return 0;
}

/*
 * The URI as messages show it: when a ':' comes before the first '@' after "://" (what could
 * be user:password@, even when the password holds '/', '?' or '#'), that part is "***".
 * Every message of this file quotes this form, never the text itself. malloc'ed.
 */
static char *uri_shown(const char *text)
{
	const char *start = strstr(text, "://"), *at;
	char *out = NULL;

	start = start ? start + 3 : text;
	at = strchr(start, '@');
	if (at && memchr(start, ':', (size_t)(at - start))) {
		if (asprintf(&out, "%.*s***%s", (int)(start - text), text, at) < 0)
			out = NULL;
		return out;
	}
	return strdup(text);
}

/*
 * A password in the URI (user:password@host) is refused before anything else, so that it
 * never lands in messages or recordings. "host:443/path@x" is a port, not a password.
 */
static int refuse_password(const char *show, const char *auth)
{
	const char *at = strchr(auth, '@');
	const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
	const char *d = colon ? colon + 1 : NULL;

	if (!colon)
		return 0;
	while (d < at && *d >= '0' && *d <= '9')
		d++;
	if (d > colon + 1 && d < at && (*d == '/' || *d == '?' || *d == '#') &&
	    !memchr(auth, '@', (size_t)(colon - auth)))
		return 0;
	return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_CONF,
		"URI '%s': a password in the URI is not accepted (it would show in process "
		"lists, shell history and logs); give it in an auth file or $VSNAP_PASSWORD", show);
}

/* Spaces and control characters are never part of a URI (RFC 3986): refuse, do not guess. */
static int check_chars(const char *text, const char *show)
{
	for (const char *c = text; *c; c++)
		if ((unsigned char)*c <= 0x20 || *c == 0x7f)
			return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_CONF,
				"URI '%s': %s at byte %zu (percent-encode it)", show,
				*c == ' ' ? "a space" : "a control character", (size_t)(c - text));
	return 0;
}

static int parse(vsnap_uri *u, const char *text, const char *show)
{
	const char *p, *colon, *end;
	int rc;

	colon = strstr(text, "://");
	if (!colon || colon == text)
		return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_CONF,
			"URI '%s': expected scheme://[user@]host[:port]/path?params", show);
	p = colon + 3;
	if ((rc = refuse_password(show, p)) || (rc = check_chars(text, show)))
		return rc;
	for (const char *c = text; c < colon; c++)
		if (!isalnum((unsigned char)*c) && *c != '+' && *c != '-' && *c != '.')
			return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_CONF,
				"URI '%s': bad character in scheme", show);
	if (!(u->scheme = strndup(text, (size_t)(colon - text))))
		return vsnap__error_oom();
	for (char *s = u->scheme; *s; s++)
		*s = (char)tolower((unsigned char)*s);
	end = p + strcspn(p, "/?#");        /* authority */
	if ((rc = parse_authority(u, show, p, end)))
		return rc;
	p = end;
	if (*p == '/') {
		size_t n = strcspn(p, "?#");
		if ((rc = decode(&u->path, show, p, n)))
			return rc;
		p += n;
	}
	if (*p == '?') {
		size_t n = strcspn(p + 1, "#");
		char *q = strndup(p + 1, n);
		if (!q)
			return vsnap__error_oom();
		rc = parse_query(u, show, q);
		free(q);
	}
	return rc;
}

int vsnap__uri_parse(vsnap_uri **out, const char *text)
{
	vsnap_uri *u;
	char *show;
	int rc;

	*out = NULL;
	if (!text || !*text)
		return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_CONF, "empty connection URI");
	if (!(show = uri_shown(text)))
		return vsnap__error_oom();
	if (!(u = calloc(1, sizeof(*u)))) {
		free(show);
		return vsnap__error_oom();
	}
	rc = parse(u, text, show);
	free(show);
	if (rc) {
		vsnap__uri_free(u);
		return rc;
	}
	*out = u;
	return 0;
}

static const vsnap_uri_param *find_param(const vsnap_uri *uri, const char *key)
{
	const vsnap_uri_param *v = NULL;

	for (size_t i = 0; i < uri->nparams; i++)
		if (strcasecmp(uri->params[i].key, key) == 0)
			v = &uri->params[i];
	return v;
}

const char *vsnap__uri_param(const vsnap_uri *uri, const char *key)
{
	const vsnap_uri_param *p = find_param(uri, key);

	return p ? p->value : NULL;
}

int vsnap__uri_param_bool(const vsnap_uri *uri, const char *key, int def)
{
	const vsnap_uri_param *p = find_param(uri, key);
	const char *v = p ? p->value : NULL;

	if (!v)
		return def;
	/* "?flag" alone means on; "?flag=" (a value left out, a script's empty variable) is an
	 * error: it must never turn checks off. */
	if (p->bare || !strcmp(v, "1") || !strcasecmp(v, "yes") || !strcasecmp(v, "true"))
		return 1;
	if (!strcmp(v, "0") || !strcasecmp(v, "no") || !strcasecmp(v, "false"))
		return 0;
	return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_CONF,
		"URI parameter '%s': expected 1, yes, true, 0, no or false, got '%s'", key, v);
}

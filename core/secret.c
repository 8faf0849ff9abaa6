/*
 * secret.c: the registry of live secrets and the scrubber (see secret.h for what it finds).
 * Matching walks the secret byte by byte and lets the text spell each character in any of
 * the escapings a SOAP server, a URL or a JSON writer uses, so mixed escaping is found too.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "core/secret.h"
#include "core/error.h"
#include "core/util.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char redacted[] = "(redacted)";

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char **secrets;
static size_t nsecrets, capsecrets;

int vsnap__secret_register(const char *secret)
{
	char *copy;
	int rc = 0;

	if (!secret || strlen(secret) < VSNAP_SECRET_MIN_LEN)
		return 0;
	if (!(copy = strdup(secret)))
		return vsnap__error_oom();
	pthread_mutex_lock(&lock);
	if (nsecrets == capsecrets) {
		size_t cap = capsecrets ? capsecrets * 2 : 8;
		char **v = realloc(secrets, cap * sizeof(*v));

		if (!v) {
			rc = -1;
			goto out;
		}
		secrets = v;
		capsecrets = cap;
	}
	secrets[nsecrets++] = copy;
	copy = NULL;
out:
	pthread_mutex_unlock(&lock);
	free(copy);
	return rc ? vsnap__error_oom() : 0;
}

static void wipe_free(char *s)
{
	volatile char *p = s;

	while (*p)
		*p++ = '\0';
	free(s);
}

void vsnap__secret_unregister(const char *secret)
{
	if (!secret)
		return;
	pthread_mutex_lock(&lock);
	for (size_t i = nsecrets; i-- > 0;) {
		if (strcmp(secrets[i], secret) == 0) {
			wipe_free(secrets[i]);
			secrets[i] = secrets[--nsecrets];
			break;
		}
	}
	if (nsecrets == 0) {
		free(secrets);
		secrets = NULL;
		capsecrets = 0;
	}
	pthread_mutex_unlock(&lock);
}

/* The code point of the UTF-8 sequence at s (len bytes left) and its length; a stray byte
 * counts as itself. */
static unsigned long utf8_at(const unsigned char *s, size_t left, size_t *n)
{
	unsigned long cp;
	size_t k, i;

	if (s[0] < 0x80 || left < 2) {
		*n = 1;
		return s[0];
	}
	k = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc0 ? 2 : 1;
	if (k == 1 || k > left) {
		*n = 1;
		return s[0];
	}
	cp = s[0] & (0x7f >> k);
	for (i = 1; i < k; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*n = 1;
			return s[0];
		}
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	*n = k;
	return cp;
}

/* "&...;" at t (up to end) spelling code point cp: its length, else 0. */
static size_t entity_len(const char *t, const char *end, unsigned long cp)
{
	static const struct { const char *name; unsigned long cp; } named[] = {
		{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' },
		{ "&apos;", '\'' },
	};
	const char *p = t + 2;
	unsigned long v = 0;
	int hex;

	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		size_t n = strlen(named[i].name);

		if (named[i].cp == cp && (size_t)(end - t) >= n && !strncmp(t, named[i].name, n))
			return n;
	}
	if (end - t < 4 || t[1] != '#')
		return 0;
	hex = *p == 'x' || *p == 'X';
	if (hex)
		p++;
	for (; p < end && *p != ';' && p - t < 12; p++) {
		int d = hex ? vsnap__hex_digit((unsigned char)*p) :
			(*p >= '0' && *p <= '9' ? *p - '0' : -1);

		if (d < 0)
			return 0;
		v = v * (hex ? 16 : 10) + (unsigned long)d;
	}
	return p < end && *p == ';' && v == cp ? (size_t)(p + 1 - t) : 0;
}

/* "\uXXXX" (or a backslash before a JSON-escaped character) spelling cp: its length or 0. */
static size_t backslash_len(const char *t, const char *end, unsigned long cp)
{
	unsigned long v = 0;

	if (end - t >= 2 && (unsigned char)t[1] == cp && strchr("\"\\/'", t[1]))
		return 2;
	if (end - t < 6 || t[1] != 'u')
		return 0;
	for (int i = 2; i < 6; i++) {
		int d = vsnap__hex_digit((unsigned char)t[i]);

		if (d < 0)
			return 0;
		v = v * 16 + (unsigned long)d;
	}
	return v == cp ? 6 : 0;
}

/*
 * Length of the text at t spelling `secret` in any mix of escapings; 0: no match. Where the
 * text could be an escape or the raw character ('&' of "&amp;" is also a raw '&'), both are
 * tried: escapes first, then raw (a secret "a&amp;" stays findable in its raw spelling).
 * Branches end at the first character that differs, so real text costs about one pass.
 */
static size_t match_at(const char *t, const char *end, const unsigned char *s)
{
	size_t k = 1, n = 0, rest;
	unsigned long cp;

	if (!*s)
		return 0;
	if (t >= end)
		return (size_t)-1;
	if (*t == '%' && end - t >= 3 && vsnap__hex_digit((unsigned char)t[1]) >= 0 &&
	    vsnap__hex_digit((unsigned char)t[2]) >= 0 &&
	    vsnap__hex_digit((unsigned char)t[1]) * 16 + vsnap__hex_digit((unsigned char)t[2]) ==
	    *s)
		n = 3;
	else if (*t == '+' && *s == ' ')
		n = 1;
	else if (*t == '&' || *t == '\\') {
		cp = utf8_at(s, strlen((const char *)s), &k);
		n = *t == '&' ? entity_len(t, end, cp) : backslash_len(t, end, cp);
	}
	if (n && (rest = match_at(t + n, end, s + k)) != (size_t)-1)
		return n + rest;
	if ((unsigned char)*t == *s && (rest = match_at(t + 1, end, s + 1)) != (size_t)-1)
		return 1 + rest;
	return (size_t)-1;
}

/* The base64 text that stands for `secret` when it starts `align` bytes into a 3-byte group,
 * without the characters that also depend on neighbouring bytes (malloc'ed; NULL: none). */
static char *base64_core(const char *secret, int align, int urlsafe)
{
	static const char std[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	static const char url[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	const char *alpha = urlsafe ? url : std;
	size_t slen = strlen(secret), bits = 8 * ((size_t)align + slen);
	size_t first = (8 * (size_t)align + 5) / 6, last = bits / 6, j;
	char *out;

	if (last <= first || last - first < VSNAP_SECRET_MIN_LEN)
		return NULL;
	if (!(out = malloc(last - first + 1)))
		return NULL;
	for (j = first; j < last; j++) {
		unsigned v = 0;

		for (size_t b = 6 * j; b < 6 * j + 6; b++) {
			size_t byte = b / 8;
			unsigned char c = byte < (size_t)align ? 0 :
				(unsigned char)secret[byte - (size_t)align];

			v = (v << 1) | ((c >> (7 - b % 8)) & 1u);
		}
		out[j - first] = alpha[v];
	}
	out[last - first] = '\0';
	return out;
}

typedef struct {
	const char *plain;    /* matched with escapes */
	char *b64[6];         /* exact base64 cores: 3 alignments x 2 alphabets */
	size_t b64_len[6];
} pattern;

/* Whether a match of `plain` can start at a character: its own first byte, or one that opens
 * an escape. Most text fails this, which keeps a scrub of a long message to one cheap pass. */
static int may_start(unsigned char c, const pattern *pat)
{
	return c == (unsigned char)pat->plain[0] || c == '%' || c == '+' || c == '&' || c == '\\';
}

/* Replaces every match of the patterns in text; the result is malloc'ed. */
static char *scrub_with(const pattern *pats, size_t npats, const char *text, size_t len,
	size_t *out_len)
{
	const char *end = text + len, *p = text;
	size_t cap = len + 1, n = 0;
	char *out = malloc(cap);

	if (!out)
		return NULL;
	while (p < end) {
		size_t m = 0;

		for (size_t i = 0; i < npats && !m; i++) {
			if (may_start((unsigned char)*p, &pats[i]) &&
			    (m = match_at(p, end, (const unsigned char *)pats[i].plain)) == (size_t)-1)
				m = 0;
			for (int b = 0; b < 6 && !m; b++) {
				size_t bl = pats[i].b64_len[b];

				if (bl && *p == pats[i].b64[b][0] && (size_t)(end - p) >= bl &&
				    !memcmp(p, pats[i].b64[b], bl))
					m = bl;
			}
		}
		if (n + sizeof(redacted) + 1 > cap) {
			char *o = realloc(out, cap * 2 + sizeof(redacted));

			if (!o) {
				free(out);
				return NULL;
			}
			out = o;
			cap = cap * 2 + sizeof(redacted);
		}
		if (m) {
			memcpy(out + n, redacted, sizeof(redacted) - 1);
			n += sizeof(redacted) - 1;
			p += m;
		} else {
			out[n++] = *p++;
		}
	}
	out[n] = '\0';
	*out_len = n;
	return out;
}

char *vsnap__secret_scrub(const char *text, size_t len, size_t *out_len)
{
	pattern *pats = NULL;
	size_t npats = 0, i;
	char *out = NULL;

	pthread_mutex_lock(&lock);
	if (!nsecrets) {
		if ((out = malloc(len + 1))) {
			memcpy(out, text, len);
			out[len] = '\0';
			*out_len = len;
		}
		goto out;
	}
	if (!(pats = calloc(nsecrets, sizeof(*pats))))
		goto out;
	for (i = 0; i < nsecrets; i++, npats++) {
		pats[i].plain = secrets[i];
		for (int b = 0; b < 6; b++) {
			pats[i].b64[b] = base64_core(secrets[i], b % 3, b / 3);
			pats[i].b64_len[b] = pats[i].b64[b] ? strlen(pats[i].b64[b]) : 0;
		}
	}
	out = scrub_with(pats, npats, text, len, out_len);
out:
	pthread_mutex_unlock(&lock);
	for (i = 0; i < npats; i++)
		for (int b = 0; b < 6; b++)
			free(pats[i].b64[b]);
	free(pats);
	return out;
}

char *vsnap__secret_scrub_str(const char *text)
{
	size_t n;

	return vsnap__secret_scrub(text, strlen(text), &n);
}

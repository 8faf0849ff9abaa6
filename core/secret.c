/*
 * secret.c: the registry of live secrets and the scrubber (see secret.h for what it finds).
 * Matching walks the secret byte by byte and lets the text spell each character in any of
 * the escapings a SOAP server, a URL or a JSON writer uses, so mixed escaping is found too.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "core/secret.h"
#include "core/error.h"
#include "core/strbuf.h"
#include "core/util.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char redacted[] = "(redacted)";

/* A registered secret and its base64 spellings, worked out once when it is registered. */
typedef struct {
	char *plain;          /* matched with escapes */
	char *b64[6];         /* exact base64 cores: 3 alignments x 2 alphabets */
	size_t b64_len[6];
	size_t refs;          /* registrations of this value: a scrub tries each value once */
} pattern;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pattern *secrets;
static size_t nsecrets, capsecrets;

static void wipe_free(char *s)
{
	volatile char *p = s;

	if (!s)
		return;
	while (*p)
		*p++ = '\0';
	free(s);
}

static void pattern_clear(pattern *pat)
{
	wipe_free(pat->plain);
	for (int b = 0; b < 6; b++)
		wipe_free(pat->b64[b]);
	memset(pat, 0, sizeof(*pat));
}

static char *base64_core(const char *secret, int align, int urlsafe);

static int pattern_init(pattern *pat, const char *secret)
{
	memset(pat, 0, sizeof(*pat));
	pat->refs = 1;
	if (!(pat->plain = strdup(secret)))
		return -1;
	for (int b = 0; b < 6; b++) {
		/* NULL without an error: the secret is too short for that alignment */
		pat->b64[b] = base64_core(secret, b % 3, b / 3);
		pat->b64_len[b] = pat->b64[b] ? strlen(pat->b64[b]) : 0;
	}
	return 0;
}

int vsnap__secret_register(const char *secret)
{
	pattern pat;
	int rc = 0;

	if (!secret || strlen(secret) < VSNAP_SECRET_MIN_LEN)
		return 0;
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < nsecrets; i++) {
		if (strcmp(secrets[i].plain, secret) == 0) {
			secrets[i].refs++;
			pthread_mutex_unlock(&lock);
			return 0;
		}
	}
	pthread_mutex_unlock(&lock);
	/* The base64 work happens outside the lock; a value registered meanwhile by another
	 * thread then has two entries, which costs a scrub time, not correctness. */
	if (pattern_init(&pat, secret) < 0) {
		pattern_clear(&pat);
		return vsnap__error_oom();
	}
	pthread_mutex_lock(&lock);
	if (nsecrets == capsecrets) {
		size_t cap = capsecrets ? capsecrets * 2 : 8;
		pattern *v = realloc(secrets, cap * sizeof(*v));

		if (!v) {
			rc = -1;
			goto out;
		}
		secrets = v;
		capsecrets = cap;
	}
	secrets[nsecrets++] = pat;
	memset(&pat, 0, sizeof(pat));
out:
	pthread_mutex_unlock(&lock);
	pattern_clear(&pat);
	return rc ? vsnap__error_oom() : 0;
}

void vsnap__secret_unregister(const char *secret)
{
	if (!secret)
		return;
	pthread_mutex_lock(&lock);
	for (size_t i = nsecrets; i-- > 0;) {
		if (strcmp(secrets[i].plain, secret) == 0) {
			if (--secrets[i].refs == 0) {
				pattern_clear(&secrets[i]);
				secrets[i] = secrets[--nsecrets];
			}
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

/* The bytes at which some match can start: a secret's first byte, a base64 core's, or one
 * that opens an escape. Most text is none of them, so a scrub is one table look-up a byte. */
static void start_table(unsigned char start[256], const pattern *pats, size_t npats)
{
	memset(start, 0, 256);
	start['%'] = start['+'] = start['&'] = start['\\'] = 1;
	for (size_t i = 0; i < npats; i++) {
		start[(unsigned char)pats[i].plain[0]] = 1;
		for (int b = 0; b < 6; b++)
			if (pats[i].b64_len[b])
				start[(unsigned char)pats[i].b64[b][0]] = 1;
	}
}

/* The length of a registered secret's spelling at p, or 0. */
static size_t match_any(const pattern *pats, size_t npats, const char *p, const char *end)
{
	for (size_t i = 0; i < npats; i++) {
		size_t m = match_at(p, end, (const unsigned char *)pats[i].plain);

		if (m != (size_t)-1 && m)
			return m;
		for (int b = 0; b < 6; b++) {
			size_t bl = pats[i].b64_len[b];

			if (bl && *p == pats[i].b64[b][0] && (size_t)(end - p) >= bl &&
			    !memcmp(p, pats[i].b64[b], bl))
				return bl;
		}
	}
	return 0;
}

/* Replaces every match of the patterns in text; the result is malloc'ed. The buffer's
 * failure is read directly: the error module calls this, so no error may be set. */
static char *scrub_with(const pattern *pats, size_t npats, const char *text, size_t len,
	size_t *out_len)
{
	const char *end = text + len, *p = text;
	unsigned char start[256];
	vsnap__strbuf out = VSNAP__STRBUF_INIT;

	start_table(start, pats, npats);
	while (p < end) {
		const char *q = p;
		size_t m;

		while (q < end && !start[(unsigned char)*q])
			q++;
		vsnap__strbuf_append_n(&out, p, (size_t)(q - p));
		if ((p = q) == end)
			break;
		if ((m = match_any(pats, npats, p, end))) {
			vsnap__strbuf_append_n(&out, redacted, sizeof(redacted) - 1);
			p += m;
		} else {
			vsnap__strbuf_append_n(&out, p++, 1);
		}
	}
	if (!out.oom && !out.ptr)
		out.ptr = calloc(1, 1);
	if (out.oom || !out.ptr) {
		free(out.ptr);
		return NULL;
	}
	*out_len = out.len;
	return out.ptr;
}

char *vsnap__secret_scrub(const char *text, size_t len, size_t *out_len)
{
	char *out = NULL;

	pthread_mutex_lock(&lock);
	if (nsecrets) {
		out = scrub_with(secrets, nsecrets, text, len, out_len);
	} else if ((out = malloc(len + 1))) {
		memcpy(out, text, len);
		out[len] = '\0';
		*out_len = len;
	}
	pthread_mutex_unlock(&lock);
	return out;
}

char *vsnap__secret_scrub_str(const char *text)
{
	size_t n;

	return vsnap__secret_scrub(text, strlen(text), &n);
}

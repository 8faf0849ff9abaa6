/*
 * xmlcap.c: the pre-parse complexity scan (see xmlcap.h). One pass, no allocation except a
 * set of name hashes, grown as names come, when names are counted.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "core/xmlcap.h"
#include "core/error.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const vsnap__xml_caps vsnap__xml_caps_domain = {
	16u << 20, 64, 200000, 128, 4096, 1,
};
const vsnap__xml_caps vsnap__xml_caps_soap = {
	64u << 20, 256, 4000000, 256, 0, 0,
};

typedef struct {
	const char *s, *end, *what;
	const vsnap__xml_caps *caps;
	unsigned long line;
	uint64_t *names;        /* open-addressing set of name hashes (0 = empty) */
	size_t names_cap;
	unsigned nnames;
} scan;

static int too_much(scan *sc, const char *detail)
{
	return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_XML,
		"%s line %lu: %s: refused before parsing (a limit against documents that cost "
		"minutes to parse; see docs/testing.md)", sc->what, sc->line, detail);
}

/* The length of the name at p (for messages), at most 60. */
static int name_len(const scan *sc, const char *p)
{
	int n = 0;

	while (p + n < sc->end && n < 60 && !strchr(" \t\r\n/>=", p[n]))
		n++;
	return n;
}

static uint64_t hash(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;   /* FNV-1a */

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
	return h ? h : 1;
}

/* Doubles the set (from 64 slots): it grows with the document's names, not to the cap, so a
 * small document does not pay for clearing a table sized for 4,096 names. */
static int grow_names(scan *sc)
{
	size_t cap = sc->names_cap ? sc->names_cap * 2 : 64;
	uint64_t *t = calloc(cap, sizeof(*t));

	if (!t)
		return vsnap__error_oom();
	for (size_t i = 0; i < sc->names_cap; i++) {
		size_t j;

		if (!sc->names[i])
			continue;
		for (j = sc->names[i] % cap; t[j]; j = (j + 1) % cap)
			;
		t[j] = sc->names[i];
	}
	free(sc->names);
	sc->names = t;
	sc->names_cap = cap;
	return 0;
}

/* Counts a distinct name; -1 (error set) beyond the cap. */
static int add_name(scan *sc, const char *p, size_t n)
{
	uint64_t h;
	size_t i;

	if (!sc->caps->max_names)
		return 0;
	h = hash(p, n);
	for (i = 0; i < sc->names_cap; i++) {
		size_t k = (h % sc->names_cap + i) % sc->names_cap;

		if (sc->names[k] == h)
			return 0;
		if (!sc->names[k])
			break;
	}
	if (++sc->nnames > sc->caps->max_names) {
		char d[200];

		snprintf(d, sizeof(d), "more than %u distinct element and attribute names (the "
			"last: '%.*s')", sc->caps->max_names, (int)(n > 60 ? 60 : n), p);
		return too_much(sc, d);
	}
	/* At most half full: probes stay short. */
	if ((size_t)sc->nnames * 2 > sc->names_cap && grow_names(sc) < 0)
		return -1;
	for (i = h % sc->names_cap; sc->names[i]; i = (i + 1) % sc->names_cap)
		;
	sc->names[i] = h;
	return 0;
}

/* Advances past `term`, counting lines; 0 when the text ends first. */
static int skip_past(scan *sc, const char **p, const char *term)
{
	size_t tl = strlen(term);

	for (const char *q = *p; q + tl <= sc->end; q++) {
		if (*q == '\n')
			sc->line++;
		if (*q == term[0] && !memcmp(q, term, tl)) {
			*p = q + tl;
			return 1;
		}
	}
	*p = sc->end;
	return 0;
}

static int is_name_end(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '/' || c == '>' ||
		c == '=';
}

/* A start tag from just after '<': name, attributes, '>' or "/>". *depth changes. */
static int start_tag(scan *sc, const char **pp, unsigned *depth)
{
	const char *p = *pp, *name = p;
	unsigned attrs = 0;
	size_t nlen;

	while (p < sc->end && !is_name_end(*p))
		p++;
	nlen = (size_t)(p - name);
	if (add_name(sc, name, nlen) < 0)
		return -1;
	if (++*depth > sc->caps->max_depth) {
		char d[200];

		snprintf(d, sizeof(d), "<%.*s> is nested more than %u elements deep",
			name_len(sc, name), name, sc->caps->max_depth);
		return too_much(sc, d);
	}
	while (p < sc->end && *p != '>') {
		if (*p == '\n')
			sc->line++;
		if (*p == '"' || *p == '\'') {
			char q[2] = { *p, '\0' };

			p++;
			skip_past(sc, &p, q);
			continue;
		}
		if (*p == '/' && p + 1 < sc->end && p[1] == '>') {
			--*depth;
			p++;
			break;
		}
		if (!is_name_end(*p)) {
			const char *an = p;

			while (p < sc->end && !is_name_end(*p) && *p != '"' && *p != '\'')
				p++;
			if (++attrs > sc->caps->max_attrs) {
				char d[200];

				snprintf(d, sizeof(d), "<%.*s> has more than %u attributes",
					name_len(sc, name), name, sc->caps->max_attrs);
				return too_much(sc, d);
			}
			if (add_name(sc, an, (size_t)(p - an)) < 0)
				return -1;
			continue;
		}
		p++;
	}
	*pp = p < sc->end ? p + 1 : p;
	return 0;
}

static int run(scan *sc)
{
	const char *p = sc->s;
	unsigned depth = 0;
	unsigned long elements = 0;

	while (p < sc->end) {
		const char *lt = memchr(p, '<', (size_t)(sc->end - p));

		for (const char *q = p; q < (lt ? lt : sc->end); q++)
			if (*q == '\n')
				sc->line++;
		if (!lt)
			break;
		p = lt + 1;
		if (p < sc->end && *p == '!') {
			if ((size_t)(sc->end - p) >= 8 && !memcmp(p, "!DOCTYPE", 8) &&
			    sc->caps->refuse_doctype)
				return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_XML,
					"%s line %lu: a DOCTYPE declaration is not allowed (no DTDs, no "
					"entities)", sc->what, sc->line);
			skip_past(sc, &p, (size_t)(sc->end - p) >= 3 && !memcmp(p, "!--", 3) ? "-->" :
				(size_t)(sc->end - p) >= 8 && !memcmp(p, "![CDATA[", 8) ? "]]>" : ">");
		} else if (p < sc->end && *p == '?') {
			skip_past(sc, &p, "?>");
		} else if (p < sc->end && *p == '/') {
			if (depth)
				depth--;
			skip_past(sc, &p, ">");
		} else {
			if (++elements > sc->caps->max_elements) {
				char d[200];

				snprintf(d, sizeof(d), "more than %lu elements (at <%.*s>)",
					sc->caps->max_elements, name_len(sc, p), p);
				return too_much(sc, d);
			}
			if (start_tag(sc, &p, &depth) < 0)
				return -1;
		}
	}
	return 0;
}

int vsnap__xml_caps_check(const char *text, size_t len, const vsnap__xml_caps *caps,
	const char *what)
{
	scan sc = { text, text + len, what, caps, 1, NULL, 0, 0 };
	int rc;

	if (len > caps->max_bytes)
		return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_XML,
			"%s: %zu bytes, more than the limit of %zu MiB: refused before parsing",
			what, len, caps->max_bytes >> 20);
	rc = run(&sc) < 0 ? VSNAP_EPARSE : 0;
	free(sc.names);
	return rc;
}

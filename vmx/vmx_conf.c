/*
 * Reader for the .vmx/.vmsd line format, with its escapes and encodings.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vmx/vmx_conf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/util.h"

static const char *src_name(const vsnap__vmx_conf *conf)
{
	return conf->source ? conf->source : "<input>";
}

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

void vsnap__vmx_conf_free(vsnap__vmx_conf *conf)
{
	if (!conf)
		return;
	for (size_t i = 0; i < conf->n; i++) {
		free(conf->entries[i].key);
		free(conf->entries[i].lkey);
		free(conf->entries[i].value);
	}
	free(conf->entries);
	free(conf->source);
	free(conf->encoding);
	vsnap__vmx_diags_clear(&conf->diags);
	free(conf);
}

int vsnap__vmx_conf_warn(vsnap__vmx_conf *conf, unsigned int line, const char *key,
	const char *fmt, ...)
{
	char msg[640];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return vsnap__vmx_diag_add(&conf->diags, src_name(conf), line, key, "%s", msg);
}

const vsnap__vmx_entry *vsnap__vmx_conf_use(const vsnap__vmx_entry *e)
{
	if (e)
		((vsnap__vmx_entry *)e)->used = 1;   /* entries live in the conf's own heap array */
	return e;
}

const char *vsnap__vmx_printable(char *buf, size_t size, const char *s, size_t max)
{
	size_t w = 0;
	for (size_t i = 0; i < max && s[i] && w + 5 < size; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch < 0x20 || ch == 0x7f || ch >= 0x80)
			w += (size_t)snprintf(buf + w, size - w, "\\x%02x", ch);
		else
			buf[w++] = (char)ch;
	}
	buf[w] = '\0';
	return buf;
}

static int add_entry(vsnap__vmx_conf *conf, const char *key, size_t klen, const char *val,
	size_t vlen, unsigned int line)
{
	vsnap__vmx_entry *grown;

	if (!(grown = vsnap__array_room(conf->entries, conf->n, &conf->cap, sizeof(*grown), 64)))
		return VSNAP_ENOMEM;
	conf->entries = grown;
	vsnap__vmx_entry *e = &conf->entries[conf->n];
	e->key = strndup(key, klen);
	e->lkey = strndup(key, klen);
	e->value = strndup(val, vlen);
	e->line = line;
	e->used = e->kept = 0;
	if (!e->key || !e->lkey || !e->value) {
		free(e->key);
		free(e->lkey);
		free(e->value);
		return vsnap__error_oom();
	}
	for (char *p = e->lkey; *p; p++)
		*p = lower(*p);
	conf->n++;
	return 0;
}

static int valid_key_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		c == '.' || c == ':' || c == '_' || c == '-' || c == '[' || c == ']' || c == '@';
}

/* Parses one line (without its newline). Comments, blank lines and `#!` lines are skipped. */

/* Whether UTF-8 text at s starts with U+FFFE or U+FFFF: valid UTF-8, but not characters XML
 * allows, so the domain XML made of them would not parse (fuzz). */
static int xml_nonchar(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	return n >= 3 && p[0] == 0xEF && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF);
}
static int parse_line(vsnap__vmx_conf *conf, const char *p, const char *end, unsigned int line)
{
	while (p < end && is_space(*p))
		p++;
	if (p == end || *p == '#')
		return 0;
	const char *key = p;
	while (p < end && valid_key_char((unsigned char)*p))
		p++;
	size_t klen = (size_t)(p - key);
	while (p < end && is_space(*p))
		p++;
	/* The text need not be NUL-terminated: quote at most the rest of this line (fuzz). */
	if (klen == 0 || p == end || *p != '=') {
		/* Hand-edited junk: VMware itself skips such lines; skipping with a warning
		 * converts the file and still says what was ignored (--strict refuses it). */
		char shown[96];
		size_t n = (size_t)(end - key);
		return vsnap__vmx_conf_warn(conf, line, NULL,
			"skipped a line that is not 'key = \"value\"': '%s'",
			vsnap__vmx_printable(shown, sizeof(shown), key, n < 40 ? n : 40));
	}
	p++;
	while (p < end && is_space(*p))
		p++;
	const char *val;
	size_t vlen;
	if (p < end && *p == '"') {
		val = ++p;
		while (p < end && *p != '"')
			p++;
		if (p == end)
			return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_VMX,
				"%s:%u: key '%.*s': unterminated quoted value", src_name(conf), line,
				(int)klen, key);
		vlen = (size_t)(p - val);
		p++;
	} else {
		/* Bare words (memsize = 512) are accepted: some tools write them. */
		val = p;
		while (p < end && !is_space(*p) && *p != '#' && *p != '"')
			p++;
		vlen = (size_t)(p - val);
	}
	while (p < end && is_space(*p))
		p++;
	if (p < end && *p != '#')
		return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_VMX,
			"%s:%u: key '%.*s': unexpected text after the value", src_name(conf), line,
			(int)klen, key);
	/* XML cannot carry control characters (nor C strings a NUL): refuse them here rather
	 * than let a file name lose a byte on its way to the domain XML (fuzz). */
	for (size_t i = 0; i < vlen; i++) {
		if ((unsigned char)val[i] < 0x20 && val[i] != '\t')
			return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_VMX,
				"%s:%u: key '%.*s': control character 0x%02x in the value",
				src_name(conf), line, (int)klen, key, (unsigned char)val[i]);
		if (xml_nonchar(val + i, vlen - i))
			return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_VMX,
				"%s:%u: key '%.*s': character U+FFF%c in the value (XML cannot carry it)",
				src_name(conf), line, (int)klen, key, val[i + 2] == '\xbe' ? 'E' : 'F');
	}
	return add_entry(conf, key, klen, val, vlen, line);
}

/* Returns the line of the first invalid UTF-8 sequence, or 0 when all is valid. */
static unsigned int utf8_bad_line(const char *s, size_t len)
{
	unsigned int line = 1;
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	while (p < end) {
		unsigned char c = *p;
		size_t n;
		if (c == '\n')
			line++;
		if (c < 0x80) {
			p++;
			continue;
		} else if (c >= 0xC2 && c <= 0xDF) {
			n = 1;
		} else if (c >= 0xE0 && c <= 0xEF) {
			n = 2;
		} else if (c >= 0xF0 && c <= 0xF4) {
			n = 3;
		} else {
			return line;
		}
		if ((size_t)(end - p) <= n)
			return line;
		for (size_t i = 1; i <= n; i++)
			if ((p[i] & 0xC0) != 0x80)
				return line;
		/* overlongs and surrogates */
		if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] > 0x9F) ||
		    (c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] > 0x8F))
			return line;
		p += n + 1;
	}
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	const vsnap__vmx_entry *x = a, *y = b;
	int c = strcmp(x->lkey, y->lkey);
	if (c)
		return c;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* Sorts for lookup and keeps only the last definition of each key. */
static int dedupe(vsnap__vmx_conf *conf)
{
	if (conf->n == 0)
		return 0;
	qsort(conf->entries, conf->n, sizeof(*conf->entries), cmp_entry);
	size_t w = 0;
	for (size_t i = 0; i < conf->n; i++) {
		if (w > 0 && strcmp(conf->entries[w - 1].lkey, conf->entries[i].lkey) == 0) {
			vsnap__vmx_entry *prev = &conf->entries[w - 1];
			int rc = vsnap__vmx_conf_warn(conf, conf->entries[i].line,
				conf->entries[i].key, "duplicate of line %u, the last value wins",
				prev->line);
			free(prev->key);
			free(prev->lkey);
			free(prev->value);
			*prev = conf->entries[i];
			if (rc < 0) {
				for (size_t j = i + 1; j < conf->n; j++) {
					free(conf->entries[j].key);
					free(conf->entries[j].lkey);
					free(conf->entries[j].value);
				}
				conf->n = w;
				return rc;
			}
			continue;
		}
		conf->entries[w++] = conf->entries[i];
	}
	conf->n = w;
	return 0;
}

int vsnap__vmx_conf_parse(vsnap__vmx_conf **out, const char *text, size_t len,
	const char *source)
{
	*out = NULL;
	vsnap__vmx_conf *conf = calloc(1, sizeof(*conf));
	if (!conf)
		return vsnap__error_oom();
	conf->source = strdup(source ? source : "<input>");
	if (!conf->source) {
		free(conf);
		return vsnap__error_oom();
	}
	/* Notepad saves a byte-order mark: it is no part of the first key. */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		text += 3;
		len -= 3;
	}
	const char *nul = memchr(text, '\0', len);
	if (nul) {
		unsigned int line = 1;
		for (const char *q = text; q < nul; q++)
			line += *q == '\n';
		vsnap__vmx_conf_free(conf);
		return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_VMX,
			"%s:%u: NUL byte in the file (not a text .vmx?)", source ? source : "<input>", line);
	}
	char *converted = NULL;
	conf->encoding = vsnap__vmx_find_encoding(text, len);
	if (conf->encoding && !vsnap__vmx_is_utf8_name(conf->encoding)) {
		int rc = vsnap__vmx_to_utf8(&converted, &len, text, len, conf->encoding, conf->source);
		if (rc < 0) {
			vsnap__vmx_conf_free(conf);
			return rc;
		}
		text = converted;
	} else {
		unsigned int bad = utf8_bad_line(text, len);
		if (bad) {
			vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_VMX,
				"%s:%u: text is not valid UTF-8 (set .encoding to its charset)",
				conf->source, bad);
			vsnap__vmx_conf_free(conf);
			return VSNAP_EPARSE;
		}
	}
	const char *p = text, *end = text + len;
	unsigned int line = 1;
	int rc = 0;
	while (p < end && rc == 0) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		rc = parse_line(conf, p, eol, line++);
		p = eol + 1;
	}
	free(converted);
	if (rc == 0)
		rc = dedupe(conf);
	if (rc < 0) {
		vsnap__vmx_conf_free(conf);
		return rc;
	}
	*out = conf;
	return 0;
}

static int cmp_key(const void *k, const void *e)
{
	const char *a = k;
	const char *b = ((const vsnap__vmx_entry *)e)->lkey;
	/* case-insensitive against the lower-case stored key */
	for (;; a++, b++) {
		char ca = lower(*a);
		if (ca != *b)
			return (unsigned char)ca < (unsigned char)*b ? -1 : 1;
		if (!ca)
			return 0;
	}
}

const vsnap__vmx_entry *vsnap__vmx_conf_get(const vsnap__vmx_conf *conf, const char *key)
{
	if (!conf->n)
		return NULL;
	return bsearch(key, conf->entries, conf->n, sizeof(*conf->entries), cmp_key);
}

const vsnap__vmx_entry *vsnap__vmx_conf_getf(const vsnap__vmx_conf *conf, const char *fmt, ...)
{
	char key[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(key, sizeof(key), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(key))
		return NULL;
	return vsnap__vmx_conf_get(conf, key);
}

int vsnap__vmx_unescape(char *s, char esc)
{
	char *r = s, *w = s;
	while (*r) {
		if (*r == esc) {
			int h = vsnap__hex_digit(r[1]), l = h < 0 ? -1 : vsnap__hex_digit(r[2]);
			if (h < 0 || l < 0)
				return -1;
			/* a control character other than a line break or tab has no place in XML */
			if (h * 16 + l < 0x20 && h * 16 + l != '\n' && h * 16 + l != '\r' &&
			    h * 16 + l != '\t')
				return -1;
			*w++ = (char)(h * 16 + l);
			r += 3;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
	/* Escapes can spell any byte: what they decode to must still be UTF-8, or the XML made
	 * of it would not parse (fuzz: annotation "|8C"), and a character XML allows. */
	for (const char *q = s; q < w; q++)
		if (xml_nonchar(q, (size_t)(w - q)))
			return -1;
	return utf8_bad_line(s, (size_t)(w - s)) ? -1 : 0;
}

char *vsnap__vmx_escape(const char *s, char esc, const char *special)
{
	size_t n = 1;
	for (const char *p = s; *p; p++)
		n += (*p == esc || strchr(special, *p) || (unsigned char)*p < 0x20) ? 3 : 1;
	char *out = malloc(n), *w = out;
	if (!out) {
		vsnap__error_oom();
		return NULL;
	}
	for (const char *p = s; *p; p++) {
		if (*p == esc || strchr(special, *p) || (unsigned char)*p < 0x20)
			w += sprintf(w, "%c%02x", esc, (unsigned char)*p);
		else
			*w++ = *p;
	}
	*w = '\0';
	return out;
}

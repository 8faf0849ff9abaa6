/* json.c: the JSON reader/writer QMP needs. SPDX-License-Identifier: GPL-2.0-or-later */
#include "qemudrv/json.h"
#include "core/error.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	const char *s;
	size_t len, pos;
	const char *what;
	int depth;
} parser;

static int fail(parser *p, const char *expected)
{
	return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_QEMU,
		"%s: malformed JSON at byte %zu: expected %s", p->what, p->pos, expected);
}

static void skip_ws(parser *p)
{
	while (p->pos < p->len && strchr(" \t\r\n", p->s[p->pos]) && p->s[p->pos])
		p->pos++;
}

static int parse_value(qjson **out, parser *p);

static void put_utf8(vsnap__strbuf *b, unsigned long cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	vsnap__strbuf_append_n(b, u, n);
}

static int hex4(parser *p, unsigned long *cp)
{
	*cp = 0;
	if (p->pos + 4 > p->len)
		return fail(p, "4 hex digits");
	for (int i = 0; i < 4; i++) {
		char c = p->s[p->pos++];
		int v = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 :
			(c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
		if (v < 0)
			return fail(p, "a hex digit");
		*cp = *cp * 16 + (unsigned long)v;
	}
	return 0;
}

static int parse_string(char **out, parser *p)
{
	vsnap__strbuf b = VSNAP__STRBUF_INIT;
	int rc;

	p->pos++; /* the opening quote */
	for (;;) {
		if (p->pos >= p->len) {
			rc = fail(p, "closing '\"'");
			goto error;
		}
		char c = p->s[p->pos++];
		if (c == '"')
			break;
		if ((unsigned char)c < 0x20) {
			rc = fail(p, "no control character in a string");
			goto error;
		}
		if (c != '\\') {
			vsnap__strbuf_append_n(&b, &c, 1);
			continue;
		}
		if (p->pos >= p->len) {
			rc = fail(p, "an escape");
			goto error;
		}
		c = p->s[p->pos++];
		const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
		const char *e = strchr(from, c);
		if (c && e) {
			vsnap__strbuf_append_n(&b, to + (e - from), 1);
		} else if (c == 'u') {
			unsigned long cp, lo;
			if ((rc = hex4(p, &cp)) < 0)
				goto error;
			if (cp >= 0xd800 && cp < 0xdc00 && p->pos + 6 <= p->len &&
			    p->s[p->pos] == '\\' && p->s[p->pos + 1] == 'u') {
				p->pos += 2;
				if ((rc = hex4(p, &lo)) < 0)
					goto error;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			}
			if (cp == 0) {
				rc = fail(p, "no NUL character in a string");
				goto error;
			}
			put_utf8(&b, cp);
		} else {
			rc = fail(p, "a valid escape");
			goto error;
		}
	}
	return vsnap__strbuf_detach(out, &b);
error:
	vsnap__strbuf_clear(&b);
	return rc;
}

static int parse_container(qjson *v, parser *p, char close)
{
	qjson **tail = &v->child;
	int rc;

	if (++p->depth > 64)
		return fail(p, "nesting of at most 64 levels");
	p->pos++;
	skip_ws(p);
	if (p->pos < p->len && p->s[p->pos] == close) {
		p->pos++;
		p->depth--;
		return 0;
	}
	for (;;) {
		char *key = NULL;
		qjson *item = NULL;

		skip_ws(p);
		if (close == '}') {
			if (p->pos >= p->len || p->s[p->pos] != '"')
				return fail(p, "a member name");
			if ((rc = parse_string(&key, p)) < 0)
				return rc;
			skip_ws(p);
			if (p->pos >= p->len || p->s[p->pos] != ':') {
				free(key);
				return fail(p, "':'");
			}
			p->pos++;
		}
		if ((rc = parse_value(&item, p)) < 0) {
			free(key);
			return rc;
		}
		item->key = key;
		*tail = item;
		tail = &item->next;
		skip_ws(p);
		if (p->pos < p->len && p->s[p->pos] == ',') {
			p->pos++;
			continue;
		}
		if (p->pos < p->len && p->s[p->pos] == close) {
			p->pos++;
			p->depth--;
			return 0;
		}
		return fail(p, close == '}' ? "',' or '}'" : "',' or ']'");
	}
}

/*
 * The integer part of a double, saturated as strtoll saturates integers: converting a double
 * outside long long's range (1e300, an "actual-size" of 1e19) is undefined behaviour in C.
 * NaN cannot come from JSON text, but strtod accepts "nan" spellings QEMU never sends: 0.
 */
static long long saturate(double d)
{
	if (d != d)
		return 0;
	if (d >= 9223372036854775808.0)      /* 2^63: the first double above LLONG_MAX */
		return LLONG_MAX;
	if (d < -9223372036854775808.0)
		return LLONG_MIN;
	return (long long)d;
}

static int parse_number(qjson *v, parser *p)
{
	char tmp[64];
	size_t n = 0;
	char *end;

	while (p->pos < p->len && n < sizeof(tmp) - 1 && strchr("+-0123456789.eE", p->s[p->pos]) &&
	       p->s[p->pos])
		tmp[n++] = p->s[p->pos++];
	tmp[n] = '\0';
	v->type = QJ_NUMBER;
	v->dbl = strtod(tmp, &end);
	if (n == 0 || *end)
		return fail(p, "a number");
	v->num = strchr(tmp, '.') || strchr(tmp, 'e') || strchr(tmp, 'E') ?
		saturate(v->dbl) : strtoll(tmp, NULL, 10);
	return 0;
}

static int parse_value(qjson **out, parser *p)
{
	qjson *v = calloc(1, sizeof(*v));
	int rc = 0;

	if (!v)
		return vsnap__error_oom();
	skip_ws(p);
	if (p->pos >= p->len) {
		rc = fail(p, "a value");
	} else if (p->s[p->pos] == '{') {
		v->type = QJ_OBJECT;
		rc = parse_container(v, p, '}');
	} else if (p->s[p->pos] == '[') {
		v->type = QJ_ARRAY;
		rc = parse_container(v, p, ']');
	} else if (p->s[p->pos] == '"') {
		v->type = QJ_STRING;
		rc = parse_string(&v->str, p);
	} else if (p->len - p->pos >= 4 && !strncmp(p->s + p->pos, "true", 4)) {
		v->type = QJ_BOOL;
		v->num = 1;
		p->pos += 4;
	} else if (p->len - p->pos >= 5 && !strncmp(p->s + p->pos, "false", 5)) {
		v->type = QJ_BOOL;
		p->pos += 5;
	} else if (p->len - p->pos >= 4 && !strncmp(p->s + p->pos, "null", 4)) {
		v->type = QJ_NULL;
		p->pos += 4;
	} else {
		rc = parse_number(v, p);
	}
	if (rc < 0) {
		vsnap__json_free(v);
		return rc;
	}
	*out = v;
	return 0;
}

int vsnap__json_parse(qjson **out, const char *text, size_t len, const char *what)
{
	parser p = { text, len, 0, what ? what : "JSON", 0 };
	qjson *v = NULL;
	int rc;

	*out = NULL;
	if ((rc = parse_value(&v, &p)) < 0)
		return rc;
	skip_ws(&p);
	if (p.pos != p.len) {
		vsnap__json_free(v);
		return fail(&p, "the end of the text");
	}
	*out = v;
	return 0;
}

void vsnap__json_free(qjson *v)
{
	while (v) {
		qjson *next = v->next;
		vsnap__json_free(v->child);
		free(v->key);
		free(v->str);
		free(v);
		v = next;
	}
}

const qjson *vsnap__json_get(const qjson *obj, const char *key)
{
	if (!obj || obj->type != QJ_OBJECT)
		return NULL;
	for (const qjson *c = obj->child; c; c = c->next)
		if (c->key && !strcmp(c->key, key))
			return c;
	return NULL;
}

const char *vsnap__json_get_str(const qjson *obj, const char *key)
{
	const qjson *v = vsnap__json_get(obj, key);
	return v && v->type == QJ_STRING ? v->str : NULL;
}

long long vsnap__json_get_num(const qjson *obj, const char *key, long long def)
{
	const qjson *v = vsnap__json_get(obj, key);
	return v && (v->type == QJ_NUMBER || v->type == QJ_BOOL) ? v->num : def;
}

size_t vsnap__json_len(const qjson *arr)
{
	size_t n = 0;

	if (!arr || arr->type != QJ_ARRAY)
		return 0;
	for (const qjson *c = arr->child; c; c = c->next)
		n++;
	return n;
}

/* ---- writing ---- */

void vsnap__json_put_str(vsnap__strbuf *b, const char *s)
{
	vsnap__strbuf_append_n(b, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			char e[2] = { '\\', (char)c };
			vsnap__strbuf_append_n(b, e, 2);
		} else if (c < 0x20) {
			vsnap__strbuf_appendf(b, "\\u%04x", c);
		} else {
			vsnap__strbuf_append_n(b, s, 1);
		}
	}
	vsnap__strbuf_append_n(b, "\"", 1);
}

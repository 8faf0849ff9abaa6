/*
 * xmlbuf.c: the indenting, escaping text builder of the XML formatters (see xmlbuf.h).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "xml/xmlbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

void vsnap__xmlbuf_init(vsnap__xmlbuf *buf, int indent)
{
	memset(buf, 0, sizeof(*buf));
	buf->indent = indent;
}

void vsnap__xmlbuf_init_child(vsnap__xmlbuf *child, const vsnap__xmlbuf *parent)
{
	vsnap__xmlbuf_init(child, parent->indent + 2);
}

void vsnap__xmlbuf_clear(vsnap__xmlbuf *buf)
{
	free(buf->data);
	buf->data = NULL;
	buf->len = buf->cap = 0;
	buf->failed = 0;
}

/* Makes room for `extra` more bytes plus the terminating NUL. */
static int grow(vsnap__xmlbuf *buf, size_t extra)
{
	size_t want, cap;
	char *data;

	if (buf->failed)
		return -1;
	if (extra > ((size_t)-1) / 2 - buf->len) {
		buf->failed = 1;
		return -1;
	}
	want = buf->len + extra + 1;
	if (want <= buf->cap)
		return 0;
	cap = buf->cap ? buf->cap : 256;
	while (cap < want)
		cap *= 2;
	data = realloc(buf->data, cap);
	if (!data) {
		buf->failed = 1;
		return -1;
	}
	buf->data = data;
	buf->cap = cap;
	return 0;
}

static void add_n(vsnap__xmlbuf *buf, const char *text, size_t n)
{
	if (n == 0 || grow(buf, n) < 0)
		return;
	memcpy(buf->data + buf->len, text, n);
	buf->len += n;
	buf->data[buf->len] = '\0';
}

void vsnap__xmlbuf_add(vsnap__xmlbuf *buf, const char *text)
{
	add_n(buf, text, strlen(text));
}

static void vprintf_(vsnap__xmlbuf *buf, const char *fmt, va_list ap)
{
	va_list copy;
	int n;

	va_copy(copy, ap);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0) {
		buf->failed = 1;
		return;
	}
	if (grow(buf, (size_t)n) < 0)
		return;
	vsnprintf(buf->data + buf->len, (size_t)n + 1, fmt, ap);
	buf->len += (size_t)n;
}

void vsnap__xmlbuf_printf(vsnap__xmlbuf *buf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf_(buf, fmt, ap);
	va_end(ap);
}

/*
 * As libvirt's escaping, plus: a carriage return anywhere, and tab/newline inside attribute
 * values, are written as character references, because an XML parser would otherwise turn
 * them into a newline or a space and the text would not read back as it was.
 */
static void escape(vsnap__xmlbuf *buf, const char *text, int in_attr)
{
	const char *run = text;
	const char *p;

	/* Copies runs of plain bytes in one go; specials are replaced, control bytes dropped. */
	for (p = text; *p; p++) {
		unsigned char c = (unsigned char)*p;
		const char *rep = NULL;

		switch (c) {
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '&': rep = "&amp;"; break;
		case '\'': rep = "&apos;"; break;
		case '"': rep = "&quot;"; break;
		case '\r': rep = "&#13;"; break;
		case '\n': if (!in_attr) continue; rep = "&#10;"; break;
		case '\t': if (!in_attr) continue; rep = "&#9;"; break;
		default:
			if (c >= 0x20)
				continue;
			rep = "";
		}
		add_n(buf, run, (size_t)(p - run));
		vsnap__xmlbuf_add(buf, rep);
		run = p + 1;
	}
	add_n(buf, run, (size_t)(p - run));
}

void vsnap__xmlbuf_escape(vsnap__xmlbuf *buf, const char *text)
{
	escape(buf, text, 0);
}

void vsnap__xmlbuf_attr(vsnap__xmlbuf *attrs, const char *name, const char *value)
{
	if (!value)
		return;
	vsnap__xmlbuf_printf(attrs, " %s='", name);
	escape(attrs, value, 1);
	vsnap__xmlbuf_add(attrs, "'");
}

void vsnap__xmlbuf_attr_ll(vsnap__xmlbuf *attrs, const char *name, long long value)
{
	vsnap__xmlbuf_printf(attrs, " %s='%lld'", name, value);
}

void vsnap__xmlbuf_attr_ull(vsnap__xmlbuf *attrs, const char *name, unsigned long long value)
{
	vsnap__xmlbuf_printf(attrs, " %s='%llu'", name, value);
}

static void indent(vsnap__xmlbuf *buf)
{
	if (buf->indent > 0 && grow(buf, (size_t)buf->indent) == 0) {
		memset(buf->data + buf->len, ' ', (size_t)buf->indent);
		buf->len += (size_t)buf->indent;
		buf->data[buf->len] = '\0';
	}
}

void vsnap__xmlbuf_line(vsnap__xmlbuf *buf, const char *fmt, ...)
{
	va_list ap;

	indent(buf);
	va_start(ap, fmt);
	vprintf_(buf, fmt, ap);
	va_end(ap);
	vsnap__xmlbuf_add(buf, "\n");
}

void vsnap__xmlbuf_text_element(vsnap__xmlbuf *buf, const char *name, const char *attrs,
	const char *text)
{
	if (!text)
		return;
	indent(buf);
	vsnap__xmlbuf_printf(buf, "<%s%s>", name, attrs ? attrs : "");
	vsnap__xmlbuf_escape(buf, text);
	vsnap__xmlbuf_printf(buf, "</%s>\n", name);
}

void vsnap__xmlbuf_element(vsnap__xmlbuf *buf, const char *name, vsnap__xmlbuf *attrs,
	vsnap__xmlbuf *children)
{
	int has_attrs = attrs && attrs->len > 0;
	int has_children = children && children->len > 0;

	if ((attrs && attrs->failed) || (children && children->failed))
		buf->failed = 1;
	if (has_attrs || has_children) {
		indent(buf);
		vsnap__xmlbuf_printf(buf, "<%s", name);
		if (has_attrs)
			add_n(buf, attrs->data, attrs->len);
		if (has_children) {
			vsnap__xmlbuf_add(buf, ">\n");
			add_n(buf, children->data, children->len);
			indent(buf);
			vsnap__xmlbuf_printf(buf, "</%s>\n", name);
		} else {
			vsnap__xmlbuf_add(buf, "/>\n");
		}
	}
	if (attrs)
		vsnap__xmlbuf_clear(attrs);
	if (children)
		vsnap__xmlbuf_clear(children);
}

int vsnap__xmlbuf_finish(vsnap__xmlbuf *buf, char **out)
{
	if (buf->failed || grow(buf, 0) < 0) {
		vsnap__xmlbuf_clear(buf);
		return vsnap__error_oom();
	}
	buf->data[buf->len] = '\0';
	*out = buf->data;
	buf->data = NULL;
	buf->len = buf->cap = 0;
	return 0;
}

/*
 * xmlbuf.c: libvirt-style XML writing on core/strbuf.h (see xmlbuf.h).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "xml/xmlbuf.h"

#include <stdarg.h>

/* What byte `c` becomes: NULL to keep it, "" to drop it, else an entity. */
static const char *replacement(unsigned char c, vsnap__xml_esc how)
{
	switch (c) {
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '&': return "&amp;";
	case '\'': return "&apos;";
	case '"': return "&quot;";
	case '\r': return how == VSNAP__XML_ESC_LIBVIRT ? NULL : "&#13;";
	case '\n': return how == VSNAP__XML_ESC_ATTR ? "&#10;" : NULL;
	case '\t': return how == VSNAP__XML_ESC_ATTR ? "&#9;" : NULL;
	default:
		if (c >= 0x20)
			return NULL;
		/* libvirt keeps 0x1a-0x1f (its list stops at 0x19); they are not valid XML. */
		if (how == VSNAP__XML_ESC_LIBVIRT && c > 0x19)
			return NULL;
		return "";
	}
}

void vsnap__xml_escape(vsnap__strbuf *out, const char *text, vsnap__xml_esc how)
{
	const char *run = text;
	const char *p;

	/* Copies runs of kept bytes in one go. */
	for (p = text; *p; p++) {
		const char *rep = replacement((unsigned char)*p, how);

		if (!rep)
			continue;
		vsnap__strbuf_append_n(out, run, (size_t)(p - run));
		vsnap__strbuf_append(out, rep);
		run = p + 1;
	}
	vsnap__strbuf_append_n(out, run, (size_t)(p - run));
}

void vsnap__xml_attr(vsnap__strbuf *out, const char *name, const char *value,
	vsnap__xml_esc how)
{
	if (!value)
		return;
	vsnap__strbuf_appendf(out, " %s='", name);
	vsnap__xml_escape(out, value, how);
	vsnap__strbuf_append(out, "'");
}

void vsnap__xml_text_element(vsnap__strbuf *out, size_t indent, const char *name,
	const char *attrs, const char *text, vsnap__xml_esc how)
{
	if (!text)
		return;
	vsnap__strbuf_append_chars(out, ' ', indent);
	vsnap__strbuf_appendf(out, "<%s%s>", name, attrs ? attrs : "");
	vsnap__xml_escape(out, text, how);
	vsnap__strbuf_appendf(out, "</%s>\n", name);
}

void vsnap__xmlbuf_init(vsnap__xmlbuf *buf, int indent)
{
	vsnap__strbuf empty = VSNAP__STRBUF_INIT;

	buf->str = empty;
	buf->indent = indent;
}

void vsnap__xmlbuf_init_child(vsnap__xmlbuf *child, const vsnap__xmlbuf *parent)
{
	vsnap__xmlbuf_init(child, parent->indent + 2);
}

void vsnap__xmlbuf_clear(vsnap__xmlbuf *buf)
{
	vsnap__strbuf_clear(&buf->str);
}

const char *vsnap__xmlbuf_cstr(const vsnap__xmlbuf *buf)
{
	return vsnap__strbuf_cstr(&buf->str);
}

void vsnap__xmlbuf_adopt_failure(vsnap__xmlbuf *buf, const vsnap__xmlbuf *part)
{
	if (part->str.oom)
		vsnap__strbuf_set_oom(&buf->str);
}

void vsnap__xmlbuf_printf(vsnap__xmlbuf *buf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnap__strbuf_vappendf(&buf->str, fmt, ap);
	va_end(ap);
}

void vsnap__xmlbuf_attr(vsnap__xmlbuf *attrs, const char *name, const char *value)
{
	vsnap__xml_attr(&attrs->str, name, value, VSNAP__XML_ESC_ATTR);
}

void vsnap__xmlbuf_attr_ll(vsnap__xmlbuf *attrs, const char *name, long long value)
{
	vsnap__strbuf_appendf(&attrs->str, " %s='%lld'", name, value);
}

void vsnap__xmlbuf_attr_ull(vsnap__xmlbuf *attrs, const char *name, unsigned long long value)
{
	vsnap__strbuf_appendf(&attrs->str, " %s='%llu'", name, value);
}

static void indent(vsnap__xmlbuf *buf)
{
	if (buf->indent > 0)
		vsnap__strbuf_append_chars(&buf->str, ' ', (size_t)buf->indent);
}

void vsnap__xmlbuf_line(vsnap__xmlbuf *buf, const char *fmt, ...)
{
	va_list ap;

	indent(buf);
	va_start(ap, fmt);
	vsnap__strbuf_vappendf(&buf->str, fmt, ap);
	va_end(ap);
	vsnap__strbuf_append(&buf->str, "\n");
}

void vsnap__xmlbuf_text_element(vsnap__xmlbuf *buf, const char *name, const char *attrs,
	const char *text)
{
	vsnap__xml_text_element(&buf->str, buf->indent > 0 ? (size_t)buf->indent : 0, name, attrs,
		text, VSNAP__XML_ESC_TEXT);
}

void vsnap__xmlbuf_element(vsnap__xmlbuf *buf, const char *name, vsnap__xmlbuf *attrs,
	vsnap__xmlbuf *children)
{
	int has_attrs = attrs && attrs->str.len > 0;
	int has_children = children && children->str.len > 0;

	if (attrs)
		vsnap__xmlbuf_adopt_failure(buf, attrs);
	if (children)
		vsnap__xmlbuf_adopt_failure(buf, children);
	if (has_attrs || has_children) {
		indent(buf);
		vsnap__strbuf_appendf(&buf->str, "<%s", name);
		if (has_attrs)
			vsnap__strbuf_append_n(&buf->str, attrs->str.ptr, attrs->str.len);
		if (has_children) {
			vsnap__strbuf_append(&buf->str, ">\n");
			vsnap__strbuf_append_n(&buf->str, children->str.ptr, children->str.len);
			indent(buf);
			vsnap__strbuf_appendf(&buf->str, "</%s>\n", name);
		} else {
			vsnap__strbuf_append(&buf->str, "/>\n");
		}
	}
	if (attrs)
		vsnap__xmlbuf_clear(attrs);
	if (children)
		vsnap__xmlbuf_clear(children);
}

void vsnap__xmlbuf_text_element_attrs(vsnap__xmlbuf *buf, const char *name,
	vsnap__xmlbuf *attrs, const char *text)
{
	if (!text) {
		vsnap__xmlbuf_element(buf, name, attrs, NULL);
		return;
	}
	vsnap__xmlbuf_text_element(buf, name, vsnap__xmlbuf_cstr(attrs), text);
	vsnap__xmlbuf_adopt_failure(buf, attrs);
	vsnap__xmlbuf_clear(attrs);
}

int vsnap__xmlbuf_finish(vsnap__xmlbuf *buf, char **out)
{
	return vsnap__strbuf_detach(out, &buf->str);
}

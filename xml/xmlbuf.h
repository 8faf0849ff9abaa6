/*
 * xmlbuf.h: the XML-writing layer of the formatters, on core/strbuf.h: libvirt's layout
 * (2-space indentation, attributes in single quotes) and libvirt's escaping.
 *
 * Two levels. The vsnap__xml_* functions write into any vsnap__strbuf at a given column;
 * the <domainsnapshot> writers use them directly. The vsnap__xmlbuf builder on top builds
 * elements as libvirt's virXMLFormatElement does: attributes in one buffer, children in
 * another (one level deeper); the element is left out when both are empty and written as
 * <x .../> when it has no children. The <domain> formatter uses it.
 * Out of memory is sticky, as in the strbuf underneath.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_XML_XMLBUF_H
#define VSNAP_XML_XMLBUF_H

#include <stddef.h>

#include "core/strbuf.h"

/*
 * How text is escaped. All three turn < > & ' " into entities, as libvirt does.
 * LIBVIRT is exactly libvirt's escaping (control bytes 0x01-0x19 but tab, LF and CR dropped,
 * the rest kept): the <domainsnapshot> output must match libvirt's byte for byte.
 * TEXT and ATTR are the domain formatter's reversible variant: a CR is written as &#13;, every
 * other control byte but tab and LF is dropped, and ATTR also writes tab and LF as &#9; &#10;,
 * because an XML parser would otherwise turn them into a space or a LF and the value would
 * not read back as it was.
 */
typedef enum {
	VSNAP__XML_ESC_LIBVIRT,
	VSNAP__XML_ESC_TEXT,
	VSNAP__XML_ESC_ATTR,
} vsnap__xml_esc;

/* Appends `text` escaped. */
void vsnap__xml_escape(vsnap__strbuf *out, const char *text, vsnap__xml_esc how);
/* ` name='value'` with the value escaped (LIBVIRT or ATTR); nothing when value is NULL. */
void vsnap__xml_attr(vsnap__strbuf *out, const char *name, const char *value,
	vsnap__xml_esc how);
/* `indent` spaces, <name{attrs}>escaped text</name>, LF; nothing when text is NULL. */
void vsnap__xml_text_element(vsnap__strbuf *out, size_t indent, const char *name,
	const char *attrs, const char *text, vsnap__xml_esc how);

/* The element builder (reversible TEXT/ATTR escaping). */
typedef struct {
	vsnap__strbuf str;
	int indent;   /* spaces in front of each line written with _line() / _element() */
} vsnap__xmlbuf;

/* An empty buffer whose lines are indented by `indent` spaces. */
void vsnap__xmlbuf_init(vsnap__xmlbuf *buf, int indent);
/* An empty buffer for the children of an element written into `parent`. */
void vsnap__xmlbuf_init_child(vsnap__xmlbuf *child, const vsnap__xmlbuf *parent);
void vsnap__xmlbuf_clear(vsnap__xmlbuf *buf);
/* The text so far ("" when none); for an attribute buffer passed to _text_element(). */
const char *vsnap__xmlbuf_cstr(const vsnap__xmlbuf *buf);
/* Marks `buf` failed when `part` (a buffer whose text went into it) failed. */
void vsnap__xmlbuf_adopt_failure(vsnap__xmlbuf *buf, const vsnap__xmlbuf *part);

/* Raw text, unescaped. */
void vsnap__xmlbuf_printf(vsnap__xmlbuf *buf, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ` name='value'` (escaped); nothing when value is NULL. */
void vsnap__xmlbuf_attr(vsnap__xmlbuf *attrs, const char *name, const char *value);
/* ` name='N'`. */
void vsnap__xmlbuf_attr_ll(vsnap__xmlbuf *attrs, const char *name, long long value);
void vsnap__xmlbuf_attr_ull(vsnap__xmlbuf *attrs, const char *name, unsigned long long value);

/* One line: indentation, then the formatted text, then a newline. */
void vsnap__xmlbuf_line(vsnap__xmlbuf *buf, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* <name attrs>escaped text</name> on one line; nothing when text is NULL. */
void vsnap__xmlbuf_text_element(vsnap__xmlbuf *buf, const char *name, const char *attrs,
	const char *text);

/*
 * <name{attrs}>escaped text</name> on one line, or as _element() without children when text
 * is NULL. `attrs` is consumed and cleared.
 */
void vsnap__xmlbuf_text_element_attrs(vsnap__xmlbuf *buf, const char *name,
	vsnap__xmlbuf *attrs, const char *text);

/*
 * Writes <name{attrs}/> or <name{attrs}>\n{children}</name>, or nothing when both are empty.
 * `attrs` and `children` (either may be NULL) are consumed and cleared.
 */
void vsnap__xmlbuf_element(vsnap__xmlbuf *buf, const char *name, vsnap__xmlbuf *attrs,
	vsnap__xmlbuf *children);

/* Hands the text over (*out, NUL-terminated) or returns VSNAP_ENOMEM; the buffer is cleared. */
int vsnap__xmlbuf_finish(vsnap__xmlbuf *buf, char **out);

#endif

/*
 * xmlbuf.h: a growable text buffer that writes XML the way libvirt does: 2-space indentation,
 * attributes in single quotes, and the five XML specials escaped in attributes and text.
 *
 * Elements are built as libvirt's virXMLFormatElement builds them: the attributes go in one
 * buffer, the children in another (one indentation level deeper); the element is left out
 * when both are empty and written as <x .../> when it has no children.
 * Allocation failures are sticky: the first one marks the buffer, later calls do nothing, and
 * vsnap__xmlbuf_finish() reports VSNAP_ENOMEM.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_XML_XMLBUF_H
#define VSNAP_XML_XMLBUF_H

#include <stddef.h>

typedef struct {
	char *data;
	size_t len, cap;
	int indent;   /* spaces in front of each line written with _line() / _element() */
	int failed;   /* an allocation failed */
} vsnap__xmlbuf;

/* An empty buffer whose lines are indented by `indent` spaces. */
void vsnap__xmlbuf_init(vsnap__xmlbuf *buf, int indent);
/* An empty buffer for the children of an element written into `parent`. */
void vsnap__xmlbuf_init_child(vsnap__xmlbuf *child, const vsnap__xmlbuf *parent);
void vsnap__xmlbuf_clear(vsnap__xmlbuf *buf);

/* Raw text, unescaped. */
void vsnap__xmlbuf_add(vsnap__xmlbuf *buf, const char *text);
void vsnap__xmlbuf_printf(vsnap__xmlbuf *buf, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Text escaped as libvirt escapes it (&lt; &gt; &amp; &apos; &quot;); a CR becomes &#13; and
 * other control characters but tab and newline are dropped. Attributes also escape tab/LF. */
void vsnap__xmlbuf_escape(vsnap__xmlbuf *buf, const char *text);

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
 * Writes <name{attrs}/> or <name{attrs}>\n{children}</name>, or nothing when both are empty.
 * `attrs` and `children` (either may be NULL) are consumed and cleared.
 */
void vsnap__xmlbuf_element(vsnap__xmlbuf *buf, const char *name, vsnap__xmlbuf *attrs,
	vsnap__xmlbuf *children);

/* Hands the text over (*out, NUL-terminated) or returns VSNAP_ENOMEM; the buffer is cleared. */
int vsnap__xmlbuf_finish(vsnap__xmlbuf *buf, char **out);

#endif

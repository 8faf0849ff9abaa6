/*
 * A small growable text buffer for the snapshot XML writer and the forest's tree drawing.
 * Allocation failures are sticky: after one, every append is a no-op and
 * vsnap__sbuf_detach() reports VSNAP_ENOMEM, so callers check once at the end.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_XML_SNAPSHOT_BUF_H
#define VSNAP_XML_SNAPSHOT_BUF_H

#include <stddef.h>

typedef struct {
	char *data;
	size_t len;
	size_t cap;
	int oom;
} vsnap_sbuf;

#define VSNAP_SBUF_INIT { NULL, 0, 0, 0 }

void vsnap__sbuf_add(vsnap_sbuf *buf, const char *s, size_t len);
void vsnap__sbuf_puts(vsnap_sbuf *buf, const char *s);
void vsnap__sbuf_printf(vsnap_sbuf *buf, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* `n` spaces. */
void vsnap__sbuf_indent(vsnap_sbuf *buf, size_t n);
/*
 * Appends `s` escaped for XML text or a single-quoted attribute, as libvirt escapes it:
 * < > & ' " become entities and the C0 control characters libvirt drops are dropped.
 */
void vsnap__sbuf_escape(vsnap_sbuf *buf, const char *s);
/* Removes the last `n` bytes (or everything when fewer). */
void vsnap__sbuf_truncate(vsnap_sbuf *buf, size_t n);
/* Hands the NUL-terminated text to *out (an empty string when nothing was added) and resets
 * the buffer. Returns 0, or VSNAP_ENOMEM (error set) when an append failed. */
int vsnap__sbuf_detach(char **out, vsnap_sbuf *buf);
void vsnap__sbuf_clear(vsnap_sbuf *buf);

#endif

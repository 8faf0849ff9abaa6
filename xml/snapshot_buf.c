/* Growable text buffer (see snapshot_buf.h). SPDX-License-Identifier: GPL-2.0-or-later */
#include "xml/snapshot_buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

static int grow(vsnap_sbuf *buf, size_t extra)
{
	size_t need, cap;
	char *p;

	if (buf->oom)
		return -1;
	if (extra > (size_t)-1 - buf->len - 1)
		goto fail;
	need = buf->len + extra + 1;
	if (need <= buf->cap)
		return 0;
	cap = buf->cap ? buf->cap : 256;
	while (cap < need)
		cap = cap > (size_t)-1 / 2 ? need : cap * 2;
	p = realloc(buf->data, cap);
	if (!p)
		goto fail;
	buf->data = p;
	buf->cap = cap;
	return 0;
fail:
	buf->oom = 1;
	return -1;
}

void vsnap__sbuf_add(vsnap_sbuf *buf, const char *s, size_t len)
{
	if (grow(buf, len) < 0)
		return;
	memcpy(buf->data + buf->len, s, len);
	buf->len += len;
	buf->data[buf->len] = '\0';
}

void vsnap__sbuf_puts(vsnap_sbuf *buf, const char *s)
{
	vsnap__sbuf_add(buf, s, strlen(s));
}

void vsnap__sbuf_printf(vsnap_sbuf *buf, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		buf->oom = 1;
		return;
	}
	if (grow(buf, (size_t)n) < 0)
		return;
	va_start(ap, fmt);
	vsnprintf(buf->data + buf->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	buf->len += (size_t)n;
}

void vsnap__sbuf_indent(vsnap_sbuf *buf, size_t n)
{
	if (grow(buf, n) < 0)
		return;
	memset(buf->data + buf->len, ' ', n);
	buf->len += n;
	buf->data[buf->len] = '\0';
}

/* libvirt silently drops these control characters (0x01-0x19 except \t \n \r) from XML. */
static int dropped(unsigned char c)
{
	return c >= 0x01 && c <= 0x19 && c != '\t' && c != '\n' && c != '\r';
}

void vsnap__sbuf_escape(vsnap_sbuf *buf, const char *s)
{
	const char *run = s;

	for (; *s; s++) {
		const char *ent = NULL;

		switch (*s) {
		case '<': ent = "&lt;"; break;
		case '>': ent = "&gt;"; break;
		case '&': ent = "&amp;"; break;
		case '\'': ent = "&apos;"; break;
		case '"': ent = "&quot;"; break;
		default:
			if (!dropped((unsigned char)*s))
				continue;
			ent = "";
		}
		vsnap__sbuf_add(buf, run, (size_t)(s - run));
		vsnap__sbuf_puts(buf, ent);
		run = s + 1;
	}
	vsnap__sbuf_add(buf, run, (size_t)(s - run));
}

void vsnap__sbuf_truncate(vsnap_sbuf *buf, size_t n)
{
	buf->len = n > buf->len ? 0 : buf->len - n;
	if (buf->data)
		buf->data[buf->len] = '\0';
}

int vsnap__sbuf_detach(char **out, vsnap_sbuf *buf)
{
	*out = NULL;
	if (!buf->oom && !buf->data)
		grow(buf, 0);
	if (buf->oom) {
		vsnap__sbuf_clear(buf);
		return vsnap__error_oom();
	}
	buf->data[buf->len] = '\0';
	*out = buf->data;
	buf->data = NULL;
	buf->len = buf->cap = 0;
	return 0;
}

void vsnap__sbuf_clear(vsnap_sbuf *buf)
{
	free(buf->data);
	buf->data = NULL;
	buf->len = buf->cap = 0;
	buf->oom = 0;
}

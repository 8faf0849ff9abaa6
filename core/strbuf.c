/* Growable text buffer (see strbuf.h). SPDX-License-Identifier: GPL-2.0-or-later */
#include "core/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

/* Makes room for `extra` more bytes and the NUL; -1 (and the buffer marked) when it cannot. */
static int grow(vsnap__strbuf *buf, size_t extra)
{
	size_t need, cap;
	char *p;

	if (buf->oom)
		return -1;
	if (extra > (size_t)-1 / 2 - buf->len)
		goto fail;   /* the doubling below could overflow */
	need = buf->len + extra + 1;
	if (need <= buf->cap)
		return 0;
	cap = buf->cap ? buf->cap : 256;
	while (cap < need)
		cap *= 2;
	if (!(p = realloc(buf->ptr, cap)))
		goto fail;
	buf->ptr = p;
	buf->cap = cap;
	return 0;
fail:
	buf->oom = 1;
	return -1;
}

void vsnap__strbuf_append_n(vsnap__strbuf *buf, const char *text, size_t n)
{
	if (grow(buf, n) < 0)
		return;
	if (n)
		memcpy(buf->ptr + buf->len, text, n);
	buf->len += n;
	buf->ptr[buf->len] = '\0';
}

void vsnap__strbuf_append(vsnap__strbuf *buf, const char *text)
{
	vsnap__strbuf_append_n(buf, text, strlen(text));
}

void vsnap__strbuf_append_chars(vsnap__strbuf *buf, char c, size_t n)
{
	if (grow(buf, n) < 0)
		return;
	memset(buf->ptr + buf->len, c, n);
	buf->len += n;
	buf->ptr[buf->len] = '\0';
}

void vsnap__strbuf_vappendf(vsnap__strbuf *buf, const char *fmt, va_list ap)
{
	va_list copy;
	int n;

	va_copy(copy, ap);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0) {
		buf->oom = 1;   /* only a bad format or conversion gets here; treat it as fatal */
		return;
	}
	if (grow(buf, (size_t)n) < 0)
		return;
	vsnprintf(buf->ptr + buf->len, (size_t)n + 1, fmt, ap);
	buf->len += (size_t)n;
}

void vsnap__strbuf_appendf(vsnap__strbuf *buf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnap__strbuf_vappendf(buf, fmt, ap);
	va_end(ap);
}

const char *vsnap__strbuf_cstr(const vsnap__strbuf *buf)
{
	return buf->ptr && !buf->oom ? buf->ptr : "";
}

void vsnap__strbuf_truncate(vsnap__strbuf *buf, size_t len)
{
	if (len >= buf->len)
		return;
	buf->len = len;
	buf->ptr[len] = '\0';
}

void vsnap__strbuf_set_oom(vsnap__strbuf *buf)
{
	buf->oom = 1;
}

int vsnap__strbuf_check(const vsnap__strbuf *buf)
{
	return buf->oom ? vsnap__error_oom() : 0;
}

int vsnap__strbuf_detach(char **out, vsnap__strbuf *buf)
{
	*out = NULL;
	if (grow(buf, 0) < 0) {   /* also allocates the "" of a buffer nothing was added to */
		vsnap__strbuf_clear(buf);
		return vsnap__error_oom();
	}
	buf->ptr[buf->len] = '\0';
	*out = buf->ptr;
	buf->ptr = NULL;
	buf->len = buf->cap = 0;
	return 0;
}

void vsnap__strbuf_clear(vsnap__strbuf *buf)
{
	free(buf->ptr);
	buf->ptr = NULL;
	buf->len = buf->cap = 0;
	buf->oom = 0;
}

/* Growable text buffer for the .vmx and XML writers. SPDX-License-Identifier: GPL-2.0-or-later */
#include "vmx/vmx_conf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

static int grow(vsnap__vmx_buf *b, size_t need)
{
	if (b->failed)
		return -1;
	if (b->len + need + 1 <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 1024;
	while (cap < b->len + need + 1)
		cap *= 2;
	char *nb = realloc(b->buf, cap);
	if (!nb) {
		b->failed = 1;
		return -1;
	}
	b->buf = nb;
	b->cap = cap;
	return 0;
}

void vsnap__vmx_buf_puts(vsnap__vmx_buf *b, const char *s)
{
	size_t n = strlen(s);
	if (grow(b, n) < 0)
		return;
	memcpy(b->buf + b->len, s, n + 1);
	b->len += n;
}

static void buf_vprintf(vsnap__vmx_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0) {
		b->failed = 1;
		return;
	}
	if (grow(b, (size_t)n) < 0)
		return;
	vsnprintf(b->buf + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void vsnap__vmx_buf_printf(vsnap__vmx_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void vsnap__vmx_buf_kv(vsnap__vmx_buf *b, const char *key, const char *value)
{
	vsnap__vmx_buf_puts(b, key);
	vsnap__vmx_buf_puts(b, " = \"");
	vsnap__vmx_buf_puts(b, value);
	vsnap__vmx_buf_puts(b, "\"\n");
}

void vsnap__vmx_buf_kvf(vsnap__vmx_buf *b, const char *key, const char *fmt, ...)
{
	vsnap__vmx_buf_puts(b, key);
	vsnap__vmx_buf_puts(b, " = \"");
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
	vsnap__vmx_buf_puts(b, "\"\n");
}

int vsnap__vmx_buf_detach(vsnap__vmx_buf *b, char **out)
{
	*out = NULL;
	if (!b->failed && grow(b, 0) == 0) {
		b->buf[b->len] = '\0';
		*out = b->buf;
		b->buf = NULL;
		b->len = b->cap = 0;
		return 0;
	}
	free(b->buf);
	b->buf = NULL;
	b->len = b->cap = 0;
	return vsnap__error_oom();
}

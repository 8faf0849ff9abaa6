/*
 * vmx_write.c: the `key = "value"` line of the .vmx writers, on the shared core/strbuf.h.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vmx/vmx_conf.h"

#include <stdarg.h>

void vsnap__vmx_kv(vsnap__strbuf *b, const char *key, const char *value)
{
	vsnap__strbuf_appendf(b, "%s = \"%s\"\n", key, value);
}

void vsnap__vmx_kvf(vsnap__strbuf *b, const char *key, const char *fmt, ...)
{
	va_list ap;

	vsnap__strbuf_appendf(b, "%s = \"", key);
	va_start(ap, fmt);
	vsnap__strbuf_vappendf(b, fmt, ap);
	va_end(ap);
	vsnap__strbuf_append(b, "\"\n");
}

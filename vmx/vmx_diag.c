/*
 * The warning list of a conversion and the public result object (include/vsnap/vmx.h).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vmx/vmx_diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/strbuf.h"
#include "core/util.h"

struct vsnap_vmx_result {
	char *text;
	vsnap__vmx_diags diags;
};

int vsnap__vmx_diag_add(vsnap__vmx_diags *d, const char *source, unsigned int line,
	const char *key, const char *fmt, ...)
{
	vsnap_vmx_warning *grown;
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!(grown = vsnap__array_room(d->items, d->n, &d->cap, sizeof(*grown), 16)))
		return VSNAP_ENOMEM;
	d->items = grown;
	vsnap__strbuf b = VSNAP__STRBUF_INIT;
	vsnap__strbuf_append(&b, source ? source : "<input>");
	if (line)
		vsnap__strbuf_appendf(&b, ":%u", line);
	vsnap__strbuf_append(&b, ": ");
	if (key)
		vsnap__strbuf_appendf(&b, "key '%s': ", key);
	vsnap__strbuf_append(&b, msg);
	char *text = NULL, *k = key ? strdup(key) : NULL;
	if (vsnap__strbuf_detach(&text, &b) < 0 || (key && !k)) {
		free(text);
		free(k);
		return vsnap__error_oom();
	}
	d->items[d->n].line = line;
	d->items[d->n].key = k;
	d->items[d->n].message = text;
	d->n++;
	return 0;
}

void vsnap__vmx_diags_clear(vsnap__vmx_diags *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++) {
		free((char *)d->items[i].key);
		free((char *)d->items[i].message);
	}
	free(d->items);
	memset(d, 0, sizeof(*d));
}

int vsnap__vmx_diags_move(vsnap__vmx_diags *dst, vsnap__vmx_diags *src)
{
	if (!src->n)
		return 0;
	if (dst->n + src->n > dst->cap) {
		size_t cap = dst->n + src->n;
		vsnap_vmx_warning *w = realloc(dst->items, cap * sizeof(*w));
		if (!w)
			return vsnap__error_oom();
		dst->items = w;
		dst->cap = cap;
	}
	memcpy(dst->items + dst->n, src->items, src->n * sizeof(*src->items));
	dst->n += src->n;
	free(src->items);
	memset(src, 0, sizeof(*src));
	return 0;
}

int vsnap__vmx_diags_join(char **out, const vsnap__vmx_diags *d)
{
	*out = NULL;
	if (!d->n)
		return 0;
	vsnap__strbuf b = VSNAP__STRBUF_INIT;
	for (size_t i = 0; i < d->n; i++)
		vsnap__strbuf_appendf(&b, "%s%s", i ? "\n" : "", d->items[i].message);
	return vsnap__strbuf_detach(out, &b);
}

int vsnap__vmx_diags_strict(const vsnap__vmx_diags *d)
{
	if (!d->n)
		return 0;
	return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_VMX,
		"%s (strict mode: %zu warning%s treated as errors)", d->items[0].message, d->n,
		d->n == 1 ? "" : "s");
}

/* ---- the public result object ---- */

int vsnap__vmx_result_new(vsnap_vmx_result **out, char *text, vsnap__vmx_diags *diags)
{
	vsnap_vmx_result *r = calloc(1, sizeof(*r));
	if (!r)
		return vsnap__error_oom();
	r->text = text;
	r->diags = *diags;
	memset(diags, 0, sizeof(*diags));
	*out = r;
	return 0;
}

const char *vsnap_vmx_result_text(const vsnap_vmx_result *res)
{
	return res ? res->text : NULL;
}

size_t vsnap_vmx_result_warning_count(const vsnap_vmx_result *res)
{
	return res ? res->diags.n : 0;
}

const vsnap_vmx_warning *vsnap_vmx_result_warning(const vsnap_vmx_result *res, size_t i)
{
	return res && i < res->diags.n ? &res->diags.items[i] : NULL;
}

void vsnap_vmx_result_free(vsnap_vmx_result *res)
{
	if (!res)
		return;
	free(res->text);
	vsnap__vmx_diags_clear(&res->diags);
	free(res);
}

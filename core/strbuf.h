/*
 * strbuf.h: the one growable text buffer of the library (the .vmx writers, the XML writers,
 * the snapshot tree drawing and error lists build on it).
 *
 * Out of memory is sticky, as in libgit2's git_str: the first failed allocation marks the
 * buffer, every later append does nothing, and vsnap__strbuf_detach() reports VSNAP_ENOMEM.
 * So a writer appends freely and checks once, at the end.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_CORE_STRBUF_H
#define VSNAP_CORE_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct {
	char *ptr;     /* NUL-terminated once anything was added; NULL before */
	size_t len;    /* bytes of text, without the NUL */
	size_t cap;    /* bytes allocated */
	int oom;       /* an allocation failed: appends are no-ops from now on */
} vsnap__strbuf;

#define VSNAP__STRBUF_INIT { NULL, 0, 0, 0 }

void vsnap__strbuf_append(vsnap__strbuf *buf, const char *text);
/* `n` bytes of `text` (which need not be NUL-terminated). */
void vsnap__strbuf_append_n(vsnap__strbuf *buf, const char *text, size_t n);
/* `n` copies of `c` (indentation). */
void vsnap__strbuf_append_chars(vsnap__strbuf *buf, char c, size_t n);
void vsnap__strbuf_appendf(vsnap__strbuf *buf, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void vsnap__strbuf_vappendf(vsnap__strbuf *buf, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* The text so far: never NULL ("" when nothing was added or after a failure). */
const char *vsnap__strbuf_cstr(const vsnap__strbuf *buf);
/* Keeps the first `len` bytes (nothing changes when there are fewer). */
void vsnap__strbuf_truncate(vsnap__strbuf *buf, size_t len);
/* Marks the buffer as failed (a piece built elsewhere could not be made). */
void vsnap__strbuf_set_oom(vsnap__strbuf *buf);
/* 0, or VSNAP_ENOMEM (error set) when an append failed: the one check after appending freely. */
int vsnap__strbuf_check(const vsnap__strbuf *buf);

/*
 * Hands the NUL-terminated text to *out ("" when nothing was added) and leaves the buffer
 * empty. Returns 0, or VSNAP_ENOMEM (error set, *out NULL, buffer freed) after a failure.
 */
int vsnap__strbuf_detach(char **out, vsnap__strbuf *buf);
/* Frees the text; the buffer is empty and usable again. */
void vsnap__strbuf_clear(vsnap__strbuf *buf);

#endif

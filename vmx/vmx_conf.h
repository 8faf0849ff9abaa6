/*
 * The .vmx/.vmsd file format: `key = "value"` lines. Reading gives a table of entries with
 * case-insensitive lookup; writing keeps the order entries were added in.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_VMX_CONF_H
#define VSNAP_VMX_CONF_H

#include <stddef.h>

#include "core/strbuf.h"
#include "vmx/vmx_diag.h"

typedef struct {
	char *key;            /* as written in the file */
	char *lkey;           /* lower-case key, the lookup key */
	char *value;          /* between the quotes, escapes NOT decoded (see vsnap__vmx_unescape) */
	unsigned int line;    /* 1-based line of the (last) definition */
	unsigned char used;   /* carried into the output (or implied by it): no warning */
	unsigned char kept;   /* to be kept in the <metadata> element even without KEEP */
} vsnap__vmx_entry;

typedef struct {
	vsnap__vmx_entry *entries;   /* sorted by lkey after parsing */
	size_t n, cap;
	char *source;                /* "vm.vmx" for messages */
	char *encoding;              /* the .encoding value, or NULL */
	vsnap__vmx_diags diags;      /* warnings, in the order found */
} vsnap__vmx_conf;

/*
 * Parses .vmx/.vmsd text. A `.encoding` other than UTF-8 converts the text with iconv first
 * (VMware's ICU names such as windows-949-2000 or x-mac-roman are mapped to iconv's); a
 * UTF-8 byte-order mark is skipped. Duplicate keys: the last one wins and a warning names
 * both lines. A line that is not `key = value` (hand-edited junk) is skipped with a warning.
 * Errors (VSNAP_EPARSE) read "<source>:<line>: ...". `source` may be NULL ("<input>").
 */
int vsnap__vmx_conf_parse(vsnap__vmx_conf **out, const char *text, size_t len,
	const char *source);
void vsnap__vmx_conf_free(vsnap__vmx_conf *conf);

/* vmx_encoding.c: the `.encoding` value found by a byte scan (NULL: none; caller frees),
 * whether a name means UTF-8, and text converted from `enc` to UTF-8 (VMware's ICU names are
 * mapped to iconv's; errors name the source and line). */
char *vsnap__vmx_find_encoding(const char *text, size_t len);
int vsnap__vmx_is_utf8_name(const char *enc);
int vsnap__vmx_to_utf8(char **out, size_t *outlen, const char *text, size_t len, const char *enc,
	const char *source);

/* Case-insensitive lookup; NULL when absent. */
const vsnap__vmx_entry *vsnap__vmx_conf_get(const vsnap__vmx_conf *conf, const char *key);
/* printf-style key; NULL when absent. */
const vsnap__vmx_entry *vsnap__vmx_conf_getf(const vsnap__vmx_conf *conf, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Appends a warning ("<source>:<line>: key 'k': ..."; key may be NULL). 0 or VSNAP_ENOMEM. */
int vsnap__vmx_conf_warn(vsnap__vmx_conf *conf, unsigned int line, const char *key,
	const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Marks an entry as carried into the output; returns it (NULL stays NULL). */
const vsnap__vmx_entry *vsnap__vmx_conf_use(const vsnap__vmx_entry *e);
/* Copies at most `max` bytes of s into buf with non-printable bytes as \xNN, for messages. */
const char *vsnap__vmx_printable(char *buf, size_t size, const char *s, size_t max);

/*
 * Decodes `<esc>XX` hex escapes in place (esc is '|' or '%'). Returns 0, or -1 when an escape
 * is not followed by two hex digits or the decoded text is not valid UTF-8.
 */
int vsnap__vmx_unescape(char *s, char esc);

/*
 * Escapes: every byte in `special`, the escape char itself, and control bytes become
 * <esc>XX (lower-case hex, as VMware writes). Returns a new string or NULL (ENOMEM set).
 */
char *vsnap__vmx_escape(const char *s, char esc, const char *special);

/* Writes `key = "value"\n` (vmx_write.c); the value must already be escaped. */
void vsnap__vmx_kv(vsnap__strbuf *b, const char *key, const char *value);
void vsnap__vmx_kvf(vsnap__strbuf *b, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif

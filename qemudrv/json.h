/*
 * A small JSON reader and writer for QMP and `qemu-img --output=json`: enough of RFC 8259 for
 * what QEMU sends (objects, arrays, strings with \u escapes, integers, doubles, literals).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_QEMUDRV_JSON_H
#define VSNAP_QEMUDRV_JSON_H

#include <stddef.h>

#include "core/strbuf.h"

typedef enum { QJ_NULL, QJ_BOOL, QJ_NUMBER, QJ_STRING, QJ_ARRAY, QJ_OBJECT } qjson_type;

typedef struct qjson qjson;
struct qjson {
	qjson_type type;
	char *key;          /* member name when inside an object */
	char *str;          /* QJ_STRING (NUL-terminated; embedded NULs are refused) */
	long long num;      /* QJ_NUMBER (integer part) and QJ_BOOL (0/1) */
	double dbl;         /* QJ_NUMBER */
	qjson *child;       /* first element/member of an array/object */
	qjson *next;        /* next sibling */
};

/* Parses exactly one JSON value (surrounding white space allowed). VSNAP_EPARSE names the
 * byte offset and what was expected; `what` names the source in the message. */
int vsnap__json_parse(qjson **out, const char *text, size_t len, const char *what);
void vsnap__json_free(qjson *v);

/* Member of an object, or NULL (also when `obj` is NULL or not an object). */
const qjson *vsnap__json_get(const qjson *obj, const char *key);
/* The string member `key`, or NULL when absent or not a string. */
const char *vsnap__json_get_str(const qjson *obj, const char *key);
/* The number member `key`, or `def`. */
long long vsnap__json_get_num(const qjson *obj, const char *key, long long def);
/* Number of elements of an array (0 for anything else). */
size_t vsnap__json_len(const qjson *arr);

/* Appends `s` as a JSON string literal (quoted, escaped). */
void vsnap__json_put_str(vsnap__strbuf *b, const char *s);

#endif

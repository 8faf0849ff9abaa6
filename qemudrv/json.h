/*
 * A small JSON reader and writer for QMP and `qemu-img --output=json`: enough of RFC 8259 for
 * what QEMU sends (objects, arrays, strings with \u escapes, integers, doubles, literals).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_QEMUDRV_JSON_H
#define VSNAP_QEMUDRV_JSON_H

#include <stddef.h>

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

/* A growable string. `oom` sticks: check it once at the end with vsnap__buf_ok(). */
typedef struct {
	char *ptr;
	size_t len, cap;
	int oom;
} vsnap_buf;

#define VSNAP_BUF_INIT { NULL, 0, 0, 0 }

void vsnap__buf_put(vsnap_buf *b, const char *s, size_t n);
void vsnap__buf_puts(vsnap_buf *b, const char *s);
void vsnap__buf_printf(vsnap_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends `s` as a JSON string literal (quoted, escaped). */
void vsnap__buf_json_str(vsnap_buf *b, const char *s);
/* 0, or VSNAP_ENOMEM (error set) when any append failed. */
int vsnap__buf_ok(const vsnap_buf *b);
/* Hands the string over (never NULL after a successful vsnap__buf_ok) and resets `b`. */
char *vsnap__buf_steal(vsnap_buf *b);
void vsnap__buf_clear(vsnap_buf *b);

#endif

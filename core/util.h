/*
 * util.h: small helpers every layer needs (one copy, so that hex decoding, NULL-safe copying
 * and growing an array behave the same in URIs, .vmx values, domain XML and result lists).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_CORE_UTIL_H
#define VSNAP_CORE_UTIL_H

#include <stddef.h>

/* The value of hex digit `c` (0-9, a-f, A-F), or -1. Locale-independent. */
int vsnap__hex_digit(int c);

/* *out = a copy of `s`, or NULL when `s` is NULL. Returns 0, or VSNAP_ENOMEM (error set). */
int vsnap__str_dup(char **out, const char *s);

/*
 * As vsnap__str_dup for deep copies that check once at the end: sets *failed (and raises
 * VSNAP_ENOMEM) when the copy cannot be made, and leaves *failed alone otherwise.
 */
void vsnap__str_copy(char **out, const char *s, int *failed);

/*
 * Room for one more element in an array of `*cap` elements of `elem` bytes that holds `n`:
 * `items` itself while n < *cap, else a realloc'ed copy with twice the room (`first` when
 * empty) and *cap updated. NULL with VSNAP_ENOMEM raised (items untouched) when it cannot.
 * Use: if (!(p = vsnap__array_room(a->items, a->n, &a->cap, sizeof(*p), 16))) return -1;
 *      a->items = p;
 */
void *vsnap__array_room(void *items, size_t n, size_t *cap, size_t elem, size_t first);

/* Initialises libcurl and libxml2 once per process (thread-safe; see core/global_init.c).
 * Every entry point that may be a thread's first use of either calls it. Returns 0 or an error. */
int vsnap__global_init(void);

/* libxml2's part of vsnap__global_init alone, for the entry points that only parse XML. */
void vsnap__xml_global_init(void);

#endif

/*
 * secret.h: redaction by value. Every secret the process holds (passwords, session keys and
 * cookies) is registered here while it lives; error messages, debug log lines and recorded
 * exchanges pass through vsnap__secret_scrub(), which replaces each registered secret with
 * "(redacted)" in whatever escaping a server or a layer may have put it: raw, XML entities
 * (named, decimal, hex), percent-encoding (either case, '+' for space), backslash escapes
 * (JSON/C), and base64 (standard or URL-safe, at any alignment inside a longer base64 text).
 * Redaction by element name (replay.c) stays: it also hides secrets this process never saw.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_CORE_SECRET_H
#define VSNAP_CORE_SECRET_H

#include <stddef.h>

/* Secrets shorter than this are not searched for by value: a short test password like "pass"
 * would turn every "password" in a message into "(redacted)word". Element-name redaction of
 * the Login request still covers them. */
#define VSNAP_SECRET_MIN_LEN 6

/*
 * Registers a copy of `secret` (ignored when NULL or shorter than VSNAP_SECRET_MIN_LEN).
 * Registrations nest: the same value registered twice needs two unregisters (and is searched
 * for once). Thread-safe.
 * 0, or VSNAP_ENOMEM.
 */
int vsnap__secret_register(const char *secret);
/* Forgets one registration of `secret` (its copy is wiped). NULL or unknown: nothing. */
void vsnap__secret_unregister(const char *secret);

/*
 * A malloc'ed copy of text[0..len) with every registered secret replaced; *out_len gets its
 * length (without the NUL that ends it). NULL when out of memory (no error is set: the error
 * module calls this). Linear in len times the number and length of secrets.
 */
char *vsnap__secret_scrub(const char *text, size_t len, size_t *out_len);

/* As vsnap__secret_scrub for a NUL-terminated string; NULL when out of memory. */
char *vsnap__secret_scrub_str(const char *text);

#endif

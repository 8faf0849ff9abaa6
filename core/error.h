/* Internal error raising. SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VSNAP_CORE_ERROR_H
#define VSNAP_CORE_ERROR_H

#include "vsnap/error.h"

/*
 * Sets this thread's last error and returns `code`, so callers can write
 * `return vsnap__error_set(VSNAP_ENOTFOUND, VSNAP_ERRCLASS_SNAPSHOT, "snapshot '%s' ...", n);`
 */
int vsnap__error_set(int code, int klass, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* As vsnap__error_set, and records a vSphere fault name or QEMU error class. */
int vsnap__error_set_fault(int code, int klass, const char *fault, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Out of memory: never allocates. Returns VSNAP_ENOMEM. */
int vsnap__error_oom(void);

/*
 * Puts "<context>: " in front of the current message (e.g. the VM name over a task fault),
 * keeping code, class and fault. Returns the current code.
 */
int vsnap__error_prefix(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Sets an error from errno: "<context>: strerror(errno)". Returns VSNAP_EIO. */
int vsnap__error_os(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "core/error.h"
#include "core/secret.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const vsnap_error no_error = { (char *)"no error", VSNAP_ERRCLASS_NONE, VSNAP_OK, NULL };
static const vsnap_error oom_error = { (char *)"out of memory", VSNAP_ERRCLASS_NOMEMORY,
	VSNAP_ENOMEM, NULL };

/* The message buffers live with the thread; last points to them, or to a static object. */
static _Thread_local vsnap_error thread_error;
static _Thread_local const vsnap_error *last = NULL;

static void release(void)
{
	free(thread_error.message);
	free(thread_error.fault);
	thread_error.message = NULL;
	thread_error.fault = NULL;
}

/* Messages quote what servers and files said: no registered secret may survive in them. */
static int scrub(char **msg)
{
	char *clean = vsnap__secret_scrub_str(*msg);

	free(*msg);
	*msg = clean;
	return clean ? 0 : -1;
}

__attribute__((format(printf, 4, 0)))
static int set_v(int code, int klass, const char *fault, const char *fmt, va_list ap)
{
	char *msg = NULL;
	char *fault_copy = NULL;

	if (vasprintf(&msg, fmt, ap) < 0)
		return vsnap__error_oom();
	if (scrub(&msg) < 0)
		return vsnap__error_oom();
	if (fault && !(fault_copy = strdup(fault))) {
		free(msg);
		return vsnap__error_oom();
	}
	release();
	thread_error.message = msg;
	thread_error.fault = fault_copy;
	thread_error.klass = klass;
	thread_error.code = code;
	last = &thread_error;
	return code;
}

int vsnap__error_set(int code, int klass, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = set_v(code, klass, NULL, fmt, ap);
	va_end(ap);
	return rc;
}

int vsnap__error_set_fault(int code, int klass, const char *fault, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = set_v(code, klass, fault, fmt, ap);
	va_end(ap);
	return rc;
}

int vsnap__error_oom(void)
{
	release();
	last = &oom_error;
	return VSNAP_ENOMEM;
}

int vsnap__error_prefix(const char *fmt, ...)
{
	va_list ap;
	char *prefix = NULL;
	char *joined = NULL;

	if (last != &thread_error)
		return last ? last->code : VSNAP_ERROR;
	va_start(ap, fmt);
	if (vasprintf(&prefix, fmt, ap) < 0) {
		va_end(ap);
		return vsnap__error_oom();
	}
	va_end(ap);
	/* A message that already starts with the prefix says it once, not twice. */
	size_t plen = strlen(prefix);
	if (thread_error.message && strncmp(thread_error.message, prefix, plen) == 0 &&
			(thread_error.message[plen] == ':' || thread_error.message[plen] == '\0')) {
		free(prefix);
		return thread_error.code;
	}
	if (asprintf(&joined, "%s: %s", prefix, thread_error.message) < 0) {
		free(prefix);
		return vsnap__error_oom();
	}
	free(prefix);
	if (scrub(&joined) < 0)
		return vsnap__error_oom();
	free(thread_error.message);
	thread_error.message = joined;
	return thread_error.code;
}

int vsnap__error_os(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;
	char *ctx = NULL;
	int rc;

	va_start(ap, fmt);
	if (vasprintf(&ctx, fmt, ap) < 0) {
		va_end(ap);
		return vsnap__error_oom();
	}
	va_end(ap);
	rc = vsnap__error_set(saved == ENOENT ? VSNAP_ENOTFOUND : VSNAP_EIO, VSNAP_ERRCLASS_OS,
		"%s: %s", ctx, strerror(saved));
	free(ctx);
	return rc;
}

const vsnap_error *vsnap_error_last(void)
{
	return last ? last : &no_error;
}

void vsnap_error_clear(void)
{
	release();
	last = NULL;
}

const char *vsnap_error_code_name(int code)
{
	switch (code) {
	case VSNAP_OK: return "OK";
	case VSNAP_ERROR: return "ERROR";
	case VSNAP_ENOTFOUND: return "ENOTFOUND";
	case VSNAP_EEXISTS: return "EEXISTS";
	case VSNAP_EAMBIGUOUS: return "EAMBIGUOUS";
	case VSNAP_EINVALID: return "EINVALID";
	case VSNAP_EPARSE: return "EPARSE";
	case VSNAP_EUNSUPPORTED: return "EUNSUPPORTED";
	case VSNAP_EAUTH: return "EAUTH";
	case VSNAP_ECERTIFICATE: return "ECERTIFICATE";
	case VSNAP_ENETWORK: return "ENETWORK";
	case VSNAP_ETIMEOUT: return "ETIMEOUT";
	case VSNAP_EFAULT: return "EFAULT";
	case VSNAP_EQEMU: return "EQEMU";
	case VSNAP_EIO: return "EIO";
	case VSNAP_ENOMEM: return "ENOMEM";
	case VSNAP_ECANCELLED: return "ECANCELLED";
	case VSNAP_EOPERATION: return "EOPERATION";
	case VSNAP_ELOCKED: return "ELOCKED";
	case VSNAP_EREPLAY: return "EREPLAY";
	default: return "EUNKNOWN";
	}
}

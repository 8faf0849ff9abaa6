/*
 * Errors: every fallible call returns 0 or a negative vsnap_error_code and leaves the details
 * (a message naming the object and the cause) in a per-thread last error, as libgit2 does.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_ERROR_H
#define VSNAP_ERROR_H

#include "common.h"

VSNAP_BEGIN_DECL

/** Return codes. 0 is success; every failure is negative. Values never change meaning. */
typedef enum {
	VSNAP_OK = 0,
	VSNAP_ERROR = -1,        /**< failure with no more specific code */
	VSNAP_ENOTFOUND = -3,    /**< domain, snapshot, file or object does not exist */
	VSNAP_EEXISTS = -4,      /**< the object to create exists already */
	VSNAP_EAMBIGUOUS = -5,   /**< a name matches several objects (message lists them) */
	VSNAP_EINVALID = -6,     /**< bad argument, unknown flag, conflicting flags */
	VSNAP_EPARSE = -7,       /**< malformed input: XML, .vmx, .vmsd, URI, auth file */
	VSNAP_EUNSUPPORTED = -8, /**< the backend cannot do this (message says why) */
	VSNAP_EAUTH = -9,        /**< login refused or no credentials */
	VSNAP_ECERTIFICATE = -10,/**< TLS peer verification failed (host name, CA, pin) */
	VSNAP_ENETWORK = -11,    /**< connection refused/reset, HTTP error, bad reply */
	VSNAP_ETIMEOUT = -12,    /**< a timeout expired */
	VSNAP_EFAULT = -13,      /**< the server answered with a vSphere fault (see fault) */
	VSNAP_EQEMU = -14,       /**< QEMU, qemu-img or QMP reported an error */
	VSNAP_EIO = -15,         /**< a local file or process operation failed */
	VSNAP_ENOMEM = -16,      /**< out of memory */
	VSNAP_ECANCELLED = -17,  /**< cancelled on request (e.g. Ctrl-C) */
	VSNAP_EOPERATION = -18,  /**< not allowed in the current state; often needs --force */
	VSNAP_ELOCKED = -19,     /**< another process holds the lock */
	VSNAP_EREPLAY = -20,     /**< replay transport: a request not found in the fixture */
} vsnap_error_code;

/** Which part of vsnap raised the error. */
typedef enum {
	VSNAP_ERRCLASS_NONE = 0,
	VSNAP_ERRCLASS_OS,
	VSNAP_ERRCLASS_NOMEMORY,
	VSNAP_ERRCLASS_XML,
	VSNAP_ERRCLASS_VMX,
	VSNAP_ERRCLASS_SOAP,
	VSNAP_ERRCLASS_NET,
	VSNAP_ERRCLASS_TLS,
	VSNAP_ERRCLASS_ESX,
	VSNAP_ERRCLASS_QEMU,
	VSNAP_ERRCLASS_CONF,
	VSNAP_ERRCLASS_SNAPSHOT,
	VSNAP_ERRCLASS_INVALID,
} vsnap_error_class;

/** The details of the last failure on this thread. */
typedef struct {
	char *message;   /**< human-readable, names the object and the cause */
	int klass;       /**< a vsnap_error_class */
	int code;        /**< the vsnap_error_code that was returned */
	char *fault;     /**< vSphere fault type name (e.g. "InvalidState") or QEMU error
	                      class, when there is one; else NULL */
} vsnap_error;

/**
 * The last error raised on this thread. Never NULL: when nothing failed it is a static object
 * with code VSNAP_OK and message "no error". Borrowed: valid until the next vsnap call on this
 * thread. Thread-safe.
 */
VSNAP_EXTERN(const vsnap_error *) vsnap_error_last(void);

/** Clears this thread's last error. */
VSNAP_EXTERN(void) vsnap_error_clear(void);

/** A short constant name for a code ("ENOTFOUND"), for logs and JSON. Never NULL. */
VSNAP_EXTERN(const char *) vsnap_error_code_name(int code);

VSNAP_END_DECL
#endif

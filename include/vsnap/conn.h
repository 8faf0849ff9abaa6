/*
 * Connections: one per hypervisor, named by a libvirt-style URI.
 *   esx://[user@]host[:port]/?no_verify=1&cafile=...&thumbprint=...&proxy=...&transport=https
 *   vpx://[user@]vcenter/datacenter[/cluster]/host?...     gsx://[user@]host[:port]/?...
 *   qemu:///embed?root=DIR      (local QEMU; no daemon; state lives under DIR)
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_CONN_H
#define VSNAP_CONN_H

#include "common.h"

VSNAP_BEGIN_DECL

typedef struct vsnap_conn vsnap_conn;

/**
 * Asked for a password when the URI, auth file and environment gave none. Write at most
 * `size` bytes including the NUL into `buf` and return 0, or return < 0 to refuse.
 */
typedef int (*vsnap_password_cb)(char *buf, size_t size, const char *user, const char *host,
	void *payload);

/** Task progress: percent 0-100, or -1 when the server gives none. `what` names the task. */
typedef void (*vsnap_progress_cb)(int percent, const char *what, void *payload);

/**
 * A warning: something the library noticed and worked around without failing (e.g. an unsafe
 * saved-session file it ignored). `message` names the object and the cause; borrowed.
 */
typedef void (*vsnap_warning_cb)(const char *message, void *payload);

/** vsnap_conn_options.flags (OR'ed). */
typedef enum {
	/**
	 * ESX: keep the server session between processes, as govc does. Open resumes the session
	 * saved for this user + URL (no login, no RetrieveServiceContent) and close keeps it
	 * (no logout) and saves it. A NotAuthenticated reply re-logs in once and the file is
	 * rewritten. The file: `session_dir`/<hash>, mode 0600, never logged or recorded; one
	 * that is not a regular file, not owned by the effective user, readable by group or others,
	 * or malformed is ignored with a warning. Ignored with record/replay directories and when
	 * the environment sets VSNAP_SESSION_CACHE=0. QEMU: ignored. (Options version 2.)
	 */
	VSNAP_CONN_SESSION_CACHE = 1u << 0,
} vsnap_conn_flag_t;

typedef struct {
	unsigned int version;          /**< VSNAP_CONN_OPTIONS_VERSION */
	const char *auth_file;         /**< libvirt auth.conf; NULL: $VSNAP_AUTH_FILE, then
	                                    ~/.config/vsnap/auth.conf */
	vsnap_password_cb password_cb; /**< NULL: no prompt (an error when no password found) */
	void *password_payload;
	vsnap_progress_cb progress_cb; /**< NULL: no progress reports */
	void *progress_payload;
	unsigned int timeout_ms;       /**< per-operation (task) timeout; 0: none */
	unsigned int connect_timeout_ms; /**< 0: library default (30 s) */
	const char *record_dir;        /**< ESX: record every SOAP exchange here (redacted) */
	const char *replay_dir;        /**< ESX: serve exchanges from here; no network */
	const char *log_file;          /**< debug log of requests (secrets redacted); NULL: none */
	/* version 2: */
	unsigned int flags;            /**< vsnap_conn_flag_t; 0: none */
	const char *session_dir;       /**< saved sessions; NULL: $XDG_RUNTIME_DIR/vsnap/sessions,
	                                    else $XDG_CACHE_HOME (~/.cache)/vsnap/sessions */
	vsnap_warning_cb warning_cb;   /**< NULL: warnings are dropped */
	void *warning_payload;
} vsnap_conn_options;

#define VSNAP_CONN_OPTIONS_VERSION 2
#define VSNAP_CONN_OPTIONS_INIT { .version = VSNAP_CONN_OPTIONS_VERSION }

/** Fills `opts` with defaults. Returns VSNAP_EINVALID for a version this library lacks. */
VSNAP_EXTERN(int) vsnap_conn_options_init(vsnap_conn_options *opts, unsigned int version);

/**
 * Opens a connection (for ESX: service content + login). `opts` may be NULL. On success
 * *out belongs to the caller: close it with vsnap_conn_close(). Errors: VSNAP_EPARSE (URI),
 * VSNAP_EAUTH, VSNAP_ECERTIFICATE, VSNAP_ENETWORK, VSNAP_EUNSUPPORTED (unknown scheme).
 * A connection is used by one thread at a time.
 */
VSNAP_EXTERN(int) vsnap_conn_open(vsnap_conn **out, const char *uri,
	const vsnap_conn_options *opts);

/** Logs out (unless VSNAP_CONN_SESSION_CACHE keeps the session) and frees. NULL is ignored. */
VSNAP_EXTERN(void) vsnap_conn_close(vsnap_conn *conn);

/** The driver's name: "esx", "vpx", "gsx" or "qemu". Borrowed. */
VSNAP_EXTERN(const char *) vsnap_conn_driver(const vsnap_conn *conn);

/**
 * Asks the operation under way on `conn` to stop (an ESX task is cancelled with CancelTask).
 * Async-signal-safe: it only sets a flag, so a SIGINT handler may call it.
 */
VSNAP_EXTERN(void) vsnap_conn_cancel(vsnap_conn *conn);

/**
 * The cancel request stays in force (so a Ctrl-C that arrives between two steps of a command
 * still stops the next one) until this clears it; call it before reusing the connection.
 */
VSNAP_EXTERN(void) vsnap_conn_cancel_clear(vsnap_conn *conn);

/**
 * Ends the server session now (ESX: Logout) and removes its saved copy
 * (VSNAP_CONN_SESSION_CACHE), whether or not this connection saves sessions. Afterwards the
 * connection only accepts vsnap_conn_close(). QEMU: nothing to do, returns 0.
 * Errors: VSNAP_EINVALID (NULL), the Logout's network errors (the file is removed anyway).
 */
VSNAP_EXTERN(int) vsnap_conn_session_end(vsnap_conn *conn);

/** Requests sent to the server since open (SOAP requests for ESX; QMP commands for QEMU). */
VSNAP_EXTERN(unsigned long) vsnap_conn_request_count(const vsnap_conn *conn);

VSNAP_END_DECL
#endif

/*
 * faultsrv.h: a scripted HTTP/HTTPS server on 127.0.0.1 for fault-injection tests. It serves
 * one connection at a time in a thread of the test process. Each SOAP request is matched
 * against the test's rules by operation name and occurrence; a rule either replies with canned
 * text, misbehaves (reset, stall, truncation, oversized body), or forwards the request to an
 * upstream simulator (plain or TLS), optionally after breaking the session there first.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_TESTS_FAULTSRV_H
#define VSNAP_TESTS_FAULTSRV_H

#include <stddef.h>

typedef enum {
	FS_PROXY = 0,   /* forward to the upstream and copy its reply back */
	FS_REPLY,       /* `status` + `body` (`@PAD@` removed) */
	FS_RESET,       /* headers announcing all of `body`, half of it, then a TCP reset */
	FS_STALL,       /* read the request and never answer (until the client or server quits) */
	FS_TRUNCATE,    /* `status` + the first 60% of `body`, Content-Length of that, keep-alive */
	FS_BIG,         /* 200 + `body` with `@PAD@` replaced by `size` bytes; `chunked` */
	FS_EXPIRE,      /* log the client's session out upstream, then forward: the upstream
	                   answers with its own NotAuthenticated and drops the session's filters */
	FS_ECHO,        /* HTTP 500 + a SOAP fault whose faultstring echoes the whole request
	                   (head and body) raw in CDATA, XML-escaped, percent-encoded and base64:
	                   what a careless server does with a request it did not like */
} fs_action;

typedef struct {
	const char *op;         /* SOAP operation ("Login"); NULL: any */
	int nth;                /* 1-based occurrence of `op` this applies to; 0: every one */
	fs_action action;
	int status;             /* FS_REPLY / FS_TRUNCATE; 0: 200 */
	const char *body;       /* FS_REPLY / FS_RESET / FS_TRUNCATE / FS_BIG */
	size_t size;            /* FS_BIG: padding bytes */
	int chunked;            /* FS_BIG: Transfer-Encoding chunked instead of Content-Length */
} fs_rule;

typedef struct fs_server fs_server;

typedef struct {
	const char *certfile;   /* PEM certificate + key: serve HTTPS; NULL: plain HTTP */
	const char *keyfile;
	int upstream_port;      /* 0: no upstream (unmatched requests get HTTP 404) */
	int upstream_tls;       /* the upstream speaks HTTPS (certificate not checked) */
	const char *session_manager; /* FS_EXPIRE: upstream SessionManager MoRef value */
	const char *capture_op; /* keep the body of the last request for this operation */
	const fs_rule *rules;   /* the first matching rule wins */
	size_t nrules;
} fs_config;

/* Starts listening on 127.0.0.1:0 and serving in a thread. 0 or -1 (message on stderr). */
int fs_start(fs_server **out, const fs_config *cfg);
/* Stops the thread (a stalled reply ends too), closes everything, frees. NULL ignored. */
void fs_stop(fs_server *s);
/* "http(s)://127.0.0.1:PORT/sdk"; borrowed. */
const char *fs_url(const fs_server *s);
/* How many requests for `op` were served so far ("": all requests). */
int fs_count(fs_server *s, const char *op);
/* Every vmware_soap_session cookie value the upstream set, space-separated; copied. */
void fs_cookies(fs_server *s, char *out, size_t size);
/* Every operation served, space-separated ("RetrieveServiceContent Login ..."); copied. */
void fs_ops(fs_server *s, char *out, size_t size);

/* The body of the last request for cfg.capture_op ("" none); copied. */
void fs_captured(fs_server *s, char *out, size_t size);

/* Reads a file under $VSNAP_SRC/fixtures/fault/; malloc'ed NUL-terminated, NULL on error. */
char *fs_fixture(const char *name);

#endif

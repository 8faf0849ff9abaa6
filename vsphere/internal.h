/*
 * internal.h: what the files of vsphere/ share (the client struct, the exchange machinery).
 * Nothing outside vsphere/ includes this; the ESX driver uses vsphere.h only.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_VSPHERE_INTERNAL_H
#define VSNAP_VSPHERE_INTERNAL_H

#include <curl/curl.h>
#include "vim25H.h"
#include "vsphere/vsphere.h"
#include "core/error.h"
#include "core/strbuf.h"

/* The namespace table of the generated bindings (vim25.nsmap, compiled in client.c). */
extern struct Namespace vim25_namespaces[];


/* The transport state of the exchange under way (one SOAP request/response, or a GET). */
typedef struct {
	const char *op;           /* operation name, e.g. "RetrievePropertiesEx" */
	vsnap__strbuf req;        /* request body as sent */
	vsnap__strbuf resp;        /* response body as received (or replayed) */
	size_t resp_pos;          /* how much of resp gSOAP has consumed */
	int resp_loaded;          /* resp complete (drained from curl, or read from fixture) */
	long http_status;         /* 0 = no HTTP response */
	int curl_code;            /* CURLcode of the transfer, 0 = fine */
	char curl_msg[CURL_ERROR_SIZE];
	int error_set;            /* a vsnap error is already set (replay mismatch, conversion) */
	int performed;            /* the request went out (or was matched in replay) */
	int too_large;            /* the reply crossed VSNAP_VS_MAX_RESPONSE: transfer aborted */
} vsnap_vs_exchange;

/* Replies (SOAP or GET) larger than this are refused instead of buffered: libcurl aborts the
 * transfer once the announced Content-Length or the bytes received exceed it. */
#define VSNAP_VS_MAX_RESPONSE (64L * 1024 * 1024)

struct vsnap_vs_client {
	struct soap *soap;
	CURL *curl;
	/* options (strings owned) */
	char *url, *user, *password, *cafile, *proxy, *record_dir, *replay_dir;
	unsigned char pin[32];
	size_t pin_len;           /* 0 none, 20 SHA-1, 32 SHA-256 */
	int no_verify;
	unsigned int connect_timeout_ms, request_timeout_ms, task_timeout_ms;
	vsnap_vs_log_cb log_cb;
	void *log_payload;
	vsnap_progress_cb progress_cb;
	void *progress_payload;
	volatile int *cancel;
	char soap_action[32];     /* "urn:vim25/<version>" */

	unsigned long requests;
	unsigned int seq;         /* exchange number (record/replay file prefix) */
	vsnap_vs_exchange x;
	/* gSOAP callbacks below ours (the curl plugin's), used in live mode */
	int (*lower_send)(struct soap *, const char *, size_t);
	size_t (*lower_recv)(struct soap *, char *, size_t);
	int (*lower_prepareinitrecv)(struct soap *);

	/* TLS pin check result of the last handshake */
	int pin_mismatch;
	char peer_fingerprint[100];

	/* service content */
	char *root_folder, *property_collector, *session_manager, *search_index, *api_type,
		*api_version;
	int logged_in;
	char *session_key;        /* secret: never logged */
	int notauth_seen;         /* a NotAuthenticated came inside a 200 reply's missingSet */
	int is_login;             /* the exchange under way is Login (redact the password) */
};

/* One call: fills in the request, sends it with gSOAP, converts the reply. Returns SOAP_OK or a
 * gSOAP error code (soap->error). Converted results go to `arg`. */
typedef int (*vsnap_vs_call_fn)(vsnap_vs_client *c, void *arg);

enum {
	VSNAP_VS_CALL_READ = 1u << 0,   /* idempotent: re-login and retry on NotAuthenticated */
	/*
	 * The call works on state that lives in the session (a property filter): after a re-login
	 * that state is gone, so the call is not retried; vsnap__vs_invoke returns 1 instead and
	 * the caller rebuilds its state in the new session.
	 */
	VSNAP_VS_CALL_SESSION_STATE = 1u << 1,
};

/*
 * Runs `fn` as one SOAP exchange named `op`, about `what` (for messages: "VM 'vm-42'").
 * Counts the request, records/replays it, maps every failure to a vsnap error, re-logs in once
 * on NotAuthenticated for reads. Clears the gSOAP arena before the call. Returns 0, a negative
 * error, or 1 (VSNAP_VS_CALL_SESSION_STATE only: re-logged in, call not retried).
 */
int vsnap__vs_invoke(vsnap_vs_client *c, const char *op, const char *what, vsnap_vs_call_fn fn,
	void *arg, unsigned int flags);

/* transport.c */
int vsnap__vs_transport_init(vsnap_vs_client *c);
void vsnap__vs_transport_free(vsnap_vs_client *c);
void vsnap__vs_exchange_begin(vsnap_vs_client *c, const char *op);
int vsnap__vs_exchange_end(vsnap_vs_client *c);
/* The CURLcode-like failure of the last transfer as a vsnap error (NETWORK/TIMEOUT/CERT). */
int vsnap__vs_transport_error(vsnap_vs_client *c, const char *what);
void vsnap__vs_log(vsnap_vs_client *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * Caps the next exchanges at `ms` (never above the request timeout); 0 restores the request
 * timeout. The task wait uses it so that a long poll cannot outlive the task deadline.
 */
void vsnap__vs_transport_limit(vsnap_vs_client *c, unsigned int ms);
/* Applies TLS, proxy and timeout options to a curl handle (also the GET one). */
int vsnap__vs_curl_setup(vsnap_vs_client *c, CURL *curl);
int vsnap__vs_curl_code_error(vsnap_vs_client *c, int code, const char *detail, const char *what);

/* tls_pin.c */
int vsnap__vs_pin_parse(unsigned char *out, size_t *out_len, const char *text);
CURLcode vsnap__vs_ssl_ctx_cb(CURL *curl, void *ssl_ctx, void *client);

/* replay.c */
int vsnap__vs_replay_load(vsnap_vs_client *c);
int vsnap__vs_record_write(vsnap_vs_client *c);
/* Copies `body` with secrets (password, session keys) replaced by "(redacted)". malloc'ed. */
char *vsnap__vs_redact(const char *body, size_t len, size_t *out_len);

/* faults.c */
/* Maps a failed gSOAP call (soap->error) to a vsnap error. */
int vsnap__vs_soap_error(vsnap_vs_client *c, const char *op, const char *what);
/*
 * Raises VSNAP_EFAULT (or EAUTH for InvalidLogin/NotAuthenticated) from a fault's raw XML
 * (<x xsi:type="T">...</x>) and its message; `context` says what failed.
 */
int vsnap__vs_fault_raise(const char *raw_xml, const char *message, const char *context);
/* The fault type name of raw fault XML (xsi:type, else element name minus "Fault"); malloc'ed
 * or NULL. */
char *vsnap__vs_fault_type(const char *raw_xml);

/* client.c: a client with its options and transport, before any request. */
int vsnap__vs_open_offline(vsnap_vs_client **out, const vsnap_vs_options *opts);

/* session.c */
int vsnap__vs_relogin(vsnap_vs_client *c);

/* propcollector.c: one ObjectContent at a time, across Continue pages. */
typedef int (*vsnap_vs_object_fn)(vsnap_vs_client *c, struct vim25__ObjectContent *obj,
	void *payload);
int vsnap__vs_retrieve(vsnap_vs_client *c, struct vim25__PropertyFilterSpec *spec,
	const char *what, vsnap_vs_object_fn fn, void *payload);
/* Checks an ObjectContent's missingSet: NotAuthenticated sets c->notauth_seen; other faults
 * are raised. Returns 0 or an error. */
int vsnap__vs_check_missing(vsnap_vs_client *c, struct vim25__ObjectContent *obj,
	const char *what);

/* vminfo.c: the property-collector walk from the root folder to every VM (folders,
 * datacenters' vmFolder, vApps); `os` is the ObjectSpec to put in a PropertyFilterSpec. */
struct vsnap_vs_root_walk {
	struct vim25__SelectionSpec folder_sel[3], dc_sel[1];
	struct vim25__TraversalSpec ts[3];
	struct vim25__SelectSetItem items[3];
	vim25__MoRef root;
	enum xsd__boolean skip;
	struct vim25__ObjectSpec os;
};
void vsnap__vs_root_walk_init(struct vsnap_vs_root_walk *w, vsnap_vs_client *c);
void vsnap__vs_traversal(struct vim25__TraversalSpec *t, char *name, char *type, char *path,
	struct vim25__SelectionSpec *sel, int nsel);

/* util.c */
char *vsnap__vs_strdup(const char *s);
int vsnap__vs_dup(char **out, const char *s);
vim25__MoRef *vsnap__vs_soap_moref(struct soap *soap, const char *type, const char *value);

/*
 * Calls the vim25 method `op` (its name in the bindings: "CreateSnapshot_USCORETask") on the
 * client `c` with the arguments from _this on, sets `rc` to gSOAP's status and `out` to the
 * reply's returnval (NULL when the call failed). The methods that start a task or find an
 * object differ only in their types; this keeps each call to the line that differs.
 */
#define VSNAP_VS_CALL(rc, out, c, op, ...) do { \
		struct vim25__##op##Response r_ = { 0 }; \
		(rc) = soap_call_vim25__##op((c)->soap, (c)->url, (c)->soap_action, __VA_ARGS__, &r_); \
		(out) = r_.returnval; \
	} while (0)
int vsnap__vs_moref_from_soap(vsnap_vs_moref *out, const vim25__MoRef *ref);
/* xsd:dateTime -> seconds since the epoch (UTC); -1 on a malformed value. */
long long vsnap__vs_parse_datetime(const char *text);
const char *vsnap__vs_obj_desc(char *buf, size_t size, const char *type, const char *value);

#endif

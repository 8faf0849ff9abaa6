/*
 * vcsim_harness.h: start and stop our vSphere simulator (tests/vcsim/vcsim.go, path in
 * $VSNAP_VCSIM) on 127.0.0.1 with a fresh 2048-bit certificate, for integration tests.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_TESTS_VCSIM_HARNESS_H
#define VSNAP_TESTS_VCSIM_HARNESS_H

#include <sys/types.h>

typedef enum {
	VSNAP_VCSIM_VPX = 0,            /* vCenter model */
	VSNAP_VCSIM_ESX = 1,            /* standalone ESX host model */
} vsnap_vcsim_model;

typedef struct {
	pid_t pid;
	char url[256];                  /* https://127.0.0.1:PORT/sdk */
	char dir[256];                  /* temp dir: cert.pem, key.pem, trace */
	char certfile[300];             /* the server certificate (PEM; also usable as cafile) */
	char tracefile[300];            /* one "Request:" line per SOAP call */
} vsnap_vcsim;

typedef struct {
	const char *san;                /* subjectAltName; NULL: "DNS:localhost,IP:127.0.0.1" */
	const char *user;               /* accept only this user/password; NULL: any non-empty */
	const char *password;
} vsnap_vcsim_opts;

/*
 * Starts the simulator and waits (at most 60 s) until it prints its URL. Returns 0, or 77 when
 * $VSNAP_VCSIM is unset (skip), or -1 with a message on stderr.
 */
int vsnap_vcsim_start(vsnap_vcsim *out, vsnap_vcsim_model model, const vsnap_vcsim_opts *opts);

/* The same with more vcsim flags ("-vms", "6", ...; NULL-terminated, at most 12). */
int vsnap_vcsim_start_args(vsnap_vcsim *out, vsnap_vcsim_model model,
	const vsnap_vcsim_opts *opts, const char *const *extra_args);

/* SIGTERM, wait (bounded, then SIGKILL), remove the temp dir. Safe on a zeroed struct. */
void vsnap_vcsim_stop(vsnap_vcsim *v);

/* Number of "Request:" lines in the trace so far (SOAP calls the simulator served). */
int vsnap_vcsim_requests(const vsnap_vcsim *v);

/* SHA-256 and SHA-1 fingerprints of the certificate, "AA:BB:..", into out (>= 100 bytes). */
int vsnap_vcsim_fingerprint(const vsnap_vcsim *v, int sha1, char *out, size_t size);

#endif

/* libvirt-style connection URIs. SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VSNAP_CORE_URI_H
#define VSNAP_CORE_URI_H

#include <stddef.h>

typedef struct {
	char *key;
	char *value;   /* percent-decoded; "" for "key" without "=" */
	int bare;      /* "key" without "=" (a flag), as opposed to "key=" */
} vsnap_uri_param;

typedef struct {
	char *scheme;  /* "esx", "qemu" (lower case) */
	char *user;    /* percent-decoded, NULL when absent */
	char *host;    /* NULL when absent ("qemu:///embed") */
	int port;      /* 0 when absent */
	char *path;    /* "/" , "/embed", "/dc1/cluster/host1"; NULL when absent */
	vsnap_uri_param *params;
	size_t nparams;
} vsnap_uri;

/* Parses a URI; VSNAP_EPARSE with a message naming the URI and the fault. */
int vsnap__uri_parse(vsnap_uri **out, const char *text);
void vsnap__uri_free(vsnap_uri *uri);
/* The last value of `key`, or NULL. */
const char *vsnap__uri_param(const vsnap_uri *uri, const char *key);
/* A boolean param: "1"/"yes"/"true" or the bare key ("?flag") -> 1, "0"/"no"/"false" -> 0
 * (case-insensitive), absent -> def; anything else, "key=" with an empty value included, is
 * VSNAP_EPARSE. */
int vsnap__uri_param_bool(const vsnap_uri *uri, const char *key, int def);

#endif

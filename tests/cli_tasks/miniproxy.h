/*
 * miniproxy.h: a minimal HTTP proxy on 127.0.0.1 for the proxy tests, in a thread of the test
 * process: CONNECT host:port opens a tunnel (what libcurl does for https://), and an
 * absolute-URI request ("POST http://host:port/sdk HTTP/1.1") is forwarded with its request
 * line rewritten to origin form (transport=http). Only 127.0.0.1 targets are accepted. One
 * client connection at a time; a new one replaces the old, as the CLI keeps one alive.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_TESTS_MINIPROXY_H
#define VSNAP_TESTS_MINIPROXY_H

#include <stddef.h>

typedef struct mp_proxy mp_proxy;

/* Starts listening on 127.0.0.1:0. 0 or -1 (message on stderr). */
int mp_start(mp_proxy **out);
/* Stops the thread, closes every socket, frees. NULL ignored. */
void mp_stop(mp_proxy *p);
/* The port it listens on. */
int mp_port(const mp_proxy *p);
/* How many CONNECT requests / absolute-URI requests it served so far. */
int mp_connects(mp_proxy *p);
int mp_forwards(mp_proxy *p);
/* The request line of the first request it saw ("" none); copied. */
void mp_first_line(mp_proxy *p, char *out, size_t size);

#endif

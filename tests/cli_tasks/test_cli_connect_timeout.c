/*
 * test_cli_connect_timeout.c: a host that accepts the TCP connection but never answers the
 * TLS handshake (a socket that listens and never accepts: the kernel completes the TCP
 * handshake, nobody reads the ClientHello). `vsnap list` must fail with a timeout message
 * naming the host, bounded by --timeout (2 s here) and, without it, by the library's 30 s
 * connect timeout, which libcurl applies to the TLS handshake as well. Both CLIs run at once
 * so that the test takes about 30 s, not 32.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "cli_tasks/clirun.h"

/* Listens on 127.0.0.1:0 and never accepts; returns the fd, the port in *port. */
static int silent_listener(int *port)
{
	struct sockaddr_in a = { 0 };
	socklen_t alen = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 16), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &alen), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

static void check_timed_out(const cr_proc *p, const char *uri_host, long long min_ms,
	long long max_ms)
{
	printf("exit %d after %lld ms; stderr: %s", p->status, cr_elapsed_ms(p), p->err);
	assert_int_equal(p->status, 1);
	assert_true(cr_elapsed_ms(p) >= min_ms);
	assert_true(cr_elapsed_ms(p) <= max_ms);
	if (!strcasestr(p->err, "timed out") || !strstr(p->err, uri_host))
		fail_msg("the error should say 'timed out' and name %s: %s", uri_host, p->err);
}

static void hung_tls_handshake(void **state)
{
	char uri[256], host[64];
	const char *bounded[] = { "--timeout", "2", "-c", uri, "list", NULL };
	const char *dflt[] = { "-c", uri, "list", NULL };
	cr_proc a, b;
	int port, fd = silent_listener(&port);

	(void)state;
	setenv("VSNAP_PASSWORD", "pass", 1);
	snprintf(uri, sizeof(uri), "esx://root@127.0.0.1:%d/?no_verify=1", port);
	snprintf(host, sizeof(host), "127.0.0.1:%d", port);
	assert_int_equal(cr_start(&a, 0, bounded), 0);
	assert_int_equal(cr_start(&b, 0, dflt), 0);
	assert_int_not_equal(cr_wait(&a, 15000), -1);
	printf("with --timeout 2: ");
	check_timed_out(&a, host, 1800, 6000);
	assert_int_not_equal(cr_wait(&b, 45000), -1);
	printf("without --timeout: ");
	check_timed_out(&b, host, 29000, 40000);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hung_tls_handshake),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

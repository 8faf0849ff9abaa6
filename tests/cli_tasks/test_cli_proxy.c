/*
 * test_cli_proxy.c: the proxy= URI parameter, with miniproxy.c as the proxy:
 *  - https (the default): `vsnap list --all` works and the proxy saw the CONNECT to the
 *    simulator's port;
 *  - transport=http: every SOAP request went through the proxy in absolute-URI form (a plain
 *    faultsrv in front of the simulator counts them);
 *  - a dead proxy, and a proxy that refuses the tunnel: the error names the proxy.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "cli_tasks/cli_tasks_common.h"
#include "cli_tasks/clirun.h"
#include "cli_tasks/miniproxy.h"

static vsnap_vcsim sim;
static mp_proxy *proxy;
static fs_server *srv;

static int setup(void **state)
{
	(void)state;
	return ct_sim_start(&sim) < 0 ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	vsnap_vcsim_stop(&sim);
	return 0;
}

static int proxy_start(void **state)
{
	(void)state;
	return mp_start(&proxy);
}

static int proxy_stop(void **state)
{
	(void)state;
	mp_stop(proxy);
	proxy = NULL;
	fs_stop(srv);
	srv = NULL;
	return 0;
}

/* A loopback port nobody listens on: bound, then closed. */
static int dead_port(void)
{
	struct sockaddr_in a = { 0 };
	socklen_t alen = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &alen), 0);
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

/* Runs `vsnap -c URI list --all` on pipes; returns its exit status. */
static int run_list(cr_proc *p, const char *uri)
{
	const char *args[] = { "-c", uri, "list", "--all", NULL };

	assert_int_equal(cr_start(p, 0, args), 0);
	assert_int_not_equal(cr_wait(p, 30000), -1);
	printf("%s -> exit %d after %lld ms\nstdout: %sstderr: %s\n", uri, p->status,
		cr_elapsed_ms(p), p->out, p->err);
	return p->status;
}

static void https_through_the_proxy(void **state)
{
	char uri[512], line[256], want[256];
	cr_proc p;

	(void)state;
	snprintf(uri, sizeof(uri), "esx://root@127.0.0.1:%d/?no_verify=1&proxy=http://127.0.0.1:%d",
		cr_port_of(sim.url), mp_port(proxy));
	assert_int_equal(run_list(&p, uri), 0);
	assert_non_null(strstr(p.out, CT_VM));
	mp_first_line(proxy, line, sizeof(line));
	snprintf(want, sizeof(want), "CONNECT 127.0.0.1:%d HTTP/1.1", cr_port_of(sim.url));
	assert_string_equal(line, want);
	/* one session, one kept-alive tunnel */
	assert_int_equal(mp_connects(proxy), 1);
}

static void plain_http_through_the_proxy(void **state)
{
	fs_config cfg;
	char uri[512], line[256], want[256];
	cr_proc p;

	(void)state;
	/* the simulator speaks TLS only: a plain faultsrv in front of it is the http server */
	memset(&cfg, 0, sizeof(cfg));
	cfg.upstream_port = cr_port_of(sim.url);
	cfg.upstream_tls = 1;
	assert_int_equal(fs_start(&srv, &cfg), 0);
	snprintf(uri, sizeof(uri), "esx://root@127.0.0.1:%d/?transport=http&"
		"proxy=http://127.0.0.1:%d", cr_port_of(fs_url(srv)), mp_port(proxy));
	assert_int_equal(run_list(&p, uri), 0);
	assert_non_null(strstr(p.out, CT_VM));
	mp_first_line(proxy, line, sizeof(line));
	snprintf(want, sizeof(want), "POST http://127.0.0.1:%d/sdk HTTP/1.1",
		cr_port_of(fs_url(srv)));
	assert_string_equal(line, want);
	/* every request the server got came through the proxy */
	printf("requests: server %d, through the proxy %d\n", fs_count(srv, ""),
		mp_forwards(proxy));
	assert_true(fs_count(srv, "") >= 3);
	assert_int_equal(mp_forwards(proxy), fs_count(srv, ""));
	assert_int_equal(mp_connects(proxy), 0);
}

static void dead_proxy(void **state)
{
	char uri[512], name[64];
	cr_proc p;
	int port = dead_port();

	(void)state;
	snprintf(uri, sizeof(uri), "esx://root@127.0.0.1:%d/?no_verify=1&proxy=http://127.0.0.1:%d",
		cr_port_of(sim.url), port);
	assert_int_equal(run_list(&p, uri), 1);
	assert_true(cr_elapsed_ms(&p) < 10000);
	snprintf(name, sizeof(name), "127.0.0.1:%d", port);
	if (!strstr(p.err, "proxy") || !strstr(p.err, name))
		fail_msg("the error should name the proxy %s: %s", name, p.err);
}

static void dead_proxy_with_credentials(void **state)
{
	char uri[512], name[64];
	cr_proc p;
	int port = dead_port();

	(void)state;
	/* the proxy's password stays out of the message (libcurl's own text has none) */
	snprintf(uri, sizeof(uri), "esx://root@127.0.0.1:%d/?no_verify=1&"
		"proxy=http://bob:s3cret@127.0.0.1:%d", cr_port_of(sim.url), port);
	assert_int_equal(run_list(&p, uri), 1);
	snprintf(name, sizeof(name), "'http://127.0.0.1:%d'", port);
	if (!strstr(p.err, name) || strstr(p.err, "s3cret"))
		fail_msg("the error should name the proxy %s without its password: %s", name,
			p.err);
}

static void proxy_refuses_the_tunnel(void **state)
{
	char uri[512], name[64];
	cr_proc p;

	(void)state;
	/* the proxy answers 502 for a CONNECT to a port nobody listens on */
	snprintf(uri, sizeof(uri), "esx://root@127.0.0.1:%d/?no_verify=1&proxy=http://127.0.0.1:%d",
		dead_port(), mp_port(proxy));
	assert_int_equal(run_list(&p, uri), 1);
	snprintf(name, sizeof(name), "127.0.0.1:%d", mp_port(proxy));
	if (!strstr(p.err, "proxy") || !strstr(p.err, name) || !strstr(p.err, "502"))
		fail_msg("the error should name the proxy %s and its 502: %s", name, p.err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(https_through_the_proxy, proxy_start, proxy_stop),
		cmocka_unit_test_setup_teardown(plain_http_through_the_proxy, proxy_start,
			proxy_stop),
		cmocka_unit_test(dead_proxy),
		cmocka_unit_test(dead_proxy_with_credentials),
		cmocka_unit_test_setup_teardown(proxy_refuses_the_tunnel, proxy_start, proxy_stop),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

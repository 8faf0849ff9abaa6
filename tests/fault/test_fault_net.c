/*
 * test_fault_net.c: the vSphere client against a misbehaving loopback server (faultsrv):
 * connection refused, reset mid-response, a stalled reply, HTTP 500 with an HTML page,
 * truncated XML, and oversized replies (memory stays bounded). Every case must end within its
 * timeout with the right vsnap code and a message naming the URL and the operation, and the
 * client must stay usable afterwards (the next call on a fresh connection works).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vsphere/test_vs_common.h"
#include "vsphere/vsphere.h"
#include "fault/faultsrv.h"

static char *sc_xml, *login_xml, *html_500;

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static fs_server *serve(const fs_rule *rules, size_t n)
{
	fs_config cfg = { 0 };
	fs_server *s = NULL;

	cfg.rules = rules;
	cfg.nrules = n;
	assert_int_equal(fs_start(&s, &cfg), 0);
	return s;
}

static void options(vsnap_vs_options *o, const char *url)
{
	memset(o, 0, sizeof(*o));
	o->url = url;
	o->user = "root";
	o->password = "fault-pw";
	o->connect_timeout_ms = 2000;
	o->request_timeout_ms = 5000;
}

/* The message names the URL and the operation. */
static void assert_names(const char *url, const char *op)
{
	const char *m = vsnap_error_last()->message;

	print_message("%s: %s\n", vsnap_error_code_name(vsnap_error_last()->code), m);
	if (!strstr(m, url) || !strstr(m, op))
		fail_msg("message lacks '%s' or '%s': %s", url, op, m);
}

static void test_fault_net__refused(void **state)
{
	struct sockaddr_in a = { 0 };
	socklen_t alen = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	vsnap_vs_client *c = NULL;
	vsnap_vs_options o;
	char url[64];
	long long t0;

	(void)state;
	/* A port that was just free: nobody listens there now. */
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	getsockname(fd, (struct sockaddr *)&a, &alen);
	close(fd);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/sdk", ntohs(a.sin_port));
	options(&o, url);
	t0 = now_ms();
	assert_vs_code(vsnap__vs_open(&c, &o), VSNAP_ENETWORK);
	assert_null(c);
	assert_names(url, "RetrieveServiceContent");
	assert_non_null(strstr(vsnap_error_last()->message, "onnect"));
	assert_true(now_ms() - t0 < 2000);
}

static void test_fault_net__reset_mid_response(void **state)
{
	fs_rule rules[] = {
		{ "RetrieveServiceContent", 0, FS_REPLY, 0, sc_xml, 0, 0 },
		{ "Login", 1, FS_RESET, 0, login_xml, 0, 0 },
		{ "Login", 2, FS_REPLY, 0, login_xml, 0, 0 },
	};
	fs_server *s = serve(rules, 3);
	vsnap_vs_client *c = NULL;
	vsnap_vs_options o;

	(void)state;
	options(&o, fs_url(s));
	assert_vs_ok(vsnap__vs_open(&c, &o));
	assert_vs_code(vsnap__vs_login(c), VSNAP_ENETWORK);
	assert_names(fs_url(s), "Login");
	assert_null(strstr(vsnap_error_last()->message, "fault-pw"));
	/* The broken connection is dropped; the next call reconnects. */
	assert_vs_ok(vsnap__vs_login(c));
	assert_int_equal(fs_count(s, "Login"), 2);
	vsnap__vs_close(c);
	fs_stop(s);
}

static void test_fault_net__stall_times_out(void **state)
{
	fs_rule rules[] = {
		{ "RetrieveServiceContent", 0, FS_REPLY, 0, sc_xml, 0, 0 },
		{ "Login", 1, FS_STALL, 0, NULL, 0, 0 },
		{ "Login", 2, FS_REPLY, 0, login_xml, 0, 0 },
	};
	fs_server *s = serve(rules, 3);
	vsnap_vs_client *c = NULL;
	vsnap_vs_options o;
	long long t0, dt;

	(void)state;
	options(&o, fs_url(s));
	o.request_timeout_ms = 800;
	assert_vs_ok(vsnap__vs_open(&c, &o));
	t0 = now_ms();
	assert_vs_code(vsnap__vs_login(c), VSNAP_ETIMEOUT);
	dt = now_ms() - t0;
	assert_names(fs_url(s), "Login");
	assert_non_null(strstr(vsnap_error_last()->message, "timed out"));
	assert_true(dt >= 700 && dt < 3000);
	assert_vs_ok(vsnap__vs_login(c));
	vsnap__vs_close(c);
	fs_stop(s);
}

static void test_fault_net__http_500_html(void **state)
{
	fs_rule rules[] = {
		{ "RetrieveServiceContent", 0, FS_REPLY, 0, sc_xml, 0, 0 },
		{ "Login", 1, FS_REPLY, 500, html_500, 0, 0 },
		{ "Login", 2, FS_REPLY, 0, login_xml, 0, 0 },
	};
	fs_server *s = serve(rules, 3);
	vsnap_vs_client *c = NULL;
	vsnap_vs_options o;

	(void)state;
	options(&o, fs_url(s));
	assert_vs_ok(vsnap__vs_open(&c, &o));
	assert_vs_code(vsnap__vs_login(c), VSNAP_ENETWORK);
	assert_names(fs_url(s), "Login");
	assert_non_null(strstr(vsnap_error_last()->message, "500"));
	assert_null(vsnap_error_last()->fault);
	assert_vs_ok(vsnap__vs_login(c));
	vsnap__vs_close(c);
	fs_stop(s);
}

static void test_fault_net__truncated_xml(void **state)
{
	fs_rule rules[] = {
		{ "RetrieveServiceContent", 1, FS_TRUNCATE, 0, sc_xml, 0, 0 },
		{ "RetrieveServiceContent", 0, FS_REPLY, 0, sc_xml, 0, 0 },
	};
	fs_server *s = serve(rules, 2);
	vsnap_vs_client *c = NULL;
	vsnap_vs_options o;

	(void)state;
	options(&o, fs_url(s));
	assert_vs_code(vsnap__vs_open(&c, &o), VSNAP_ENETWORK);
	assert_null(c);
	assert_names(fs_url(s), "RetrieveServiceContent");
	assert_non_null(strstr(vsnap_error_last()->message, "malformed"));
	assert_vs_ok(vsnap__vs_open(&c, &o));
	assert_string_equal(vsnap__vs_api_type(c), "HostAgent");
	vsnap__vs_close(c);
	fs_stop(s);
}

/* Runs the CLI on `uri`; returns its exit status, stdout+stderr in out. */
static int run_cli(char *out, size_t size, const char *uri, const char *command)
{
	char cmd[1024];
	size_t len = 0, n;
	FILE *p;
	int st;

	snprintf(cmd, sizeof(cmd), "VSNAP_PASSWORD=fault-pw VSNAP_AUTH_FILE=/nonexistent "
		"'%s' -c '%s' %s 2>&1", getenv("VSNAP_BIN"), uri, command);
	assert_non_null(p = popen(cmd, "r"));
	while (len + 1 < size && (n = fread(out + len, 1, size - len - 1, p)) > 0)
		len += n;
	out[len] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The same faults through the CLI: a non-zero exit and one clear line naming the URL. */
static void test_fault_net__cli(void **state)
{
	fs_rule rules[] = {
		{ "RetrieveServiceContent", 1, FS_REPLY, 500, html_500, 0, 0 },
		{ "RetrieveServiceContent", 2, FS_TRUNCATE, 0, sc_xml, 0, 0 },
		{ "RetrieveServiceContent", 0, FS_REPLY, 0, sc_xml, 0, 0 },
		{ "Login", 0, FS_RESET, 0, login_xml, 0, 0 },
	};
	const char *bin = getenv("VSNAP_BIN");
	fs_server *s;
	char uri[128], out[4096];
	int i;
	long long t0 = now_ms();

	(void)state;
	if (!bin || access(bin, X_OK) != 0)
		skip();
	s = serve(rules, 4);
	snprintf(uri, sizeof(uri), "esx://root@127.0.0.1:%d/?transport=http",
		atoi(strrchr(fs_url(s), ':') + 1));
	for (i = 0; i < 3; i++) {
		assert_int_not_equal(run_cli(out, sizeof(out), uri, "list --all"), 0);
		print_message("CLI: %s", out);
		assert_non_null(strstr(out, "127.0.0.1"));
		assert_int_equal(strchr(out, '\n') - out + 1, (long)strlen(out));   /* one line */
		assert_non_null(strstr(out, i == 0 ? "500" : i == 1 ? "malformed" : "reset"));
	}
	assert_true(now_ms() - t0 < 10000);
	fs_stop(s);
}

/*
 * Oversized replies run in a child process so that its peak RSS (getrusage) measures this
 * exchange alone. Exit code 0 = as expected; the child prints what went wrong.
 */
static long child_big(const char *url, int expect, long *growth_kb)
{
	struct rusage ru;
	long before;
	vsnap_vs_client *c = NULL;
	vsnap_vs_options o;
	int rc;

	getrusage(RUSAGE_SELF, &ru);
	before = ru.ru_maxrss;
	options(&o, url);
	o.request_timeout_ms = 60000;
	rc = vsnap__vs_open(&c, &o);
	getrusage(RUSAGE_SELF, &ru);
	*growth_kb = ru.ru_maxrss - before;
	if (rc != expect) {
		fprintf(stderr, "child: open -> %d, wanted %d: %s\n", rc, expect,
			vsnap_error_last()->message);
		return 1;
	}
	if (rc == 0 && strcmp(vsnap__vs_api_type(c), "HostAgent") != 0)
		return 1;
	if (rc < 0) {
		const char *m = vsnap_error_last()->message;

		fprintf(stderr, "child: %s\n", m);
		if (!strstr(m, "larger than") || !strstr(m, url) ||
		    !strstr(m, "RetrieveServiceContent"))
			return 1;
	}
	vsnap__vs_close(c);
	return 0;
}

static void run_big(size_t size, int chunked, int expect, long max_growth_mb)
{
	fs_rule rules[] = { { "RetrieveServiceContent", 0, FS_BIG, 0, sc_xml, size, chunked } };
	fs_server *s;
	int pipefd[2], urlpipe[2], status = 0;
	long growth = -1;
	long long t0 = now_ms();
	pid_t pid;

	/* Fork before the server thread exists: a child forked from a threaded process can
	 * deadlock on a lock another thread held (malloc's, the sanitizer's). The child gets
	 * the server's URL through a pipe. */
	assert_int_equal(pipe(pipefd), 0);
	assert_int_equal(pipe(urlpipe), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char url[512];
		ssize_t n;
		int code;

		close(urlpipe[1]);
		n = read(urlpipe[0], url, sizeof(url) - 1);
		if (n <= 0)
			_exit(3);
		url[n] = '\0';
		code = (int)child_big(url, expect, &growth);
		if (write(pipefd[1], &growth, sizeof(growth)) != sizeof(growth))
			code = 2;
		_exit(code);
	}
	close(urlpipe[0]);
	close(pipefd[1]);
	s = serve(rules, 1);
	{
		const char *url = fs_url(s);
		ssize_t w = write(urlpipe[1], url, strlen(url));

		assert_true(w == (ssize_t)strlen(url));
	}
	close(urlpipe[1]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (read(pipefd[0], &growth, sizeof(growth)) != sizeof(growth))
		growth = -1;
	close(pipefd[0]);
	fs_stop(s);
	print_message("%zu MB %s reply: peak RSS growth %ld MB in %lld ms\n", size >> 20,
		chunked ? "chunked" : "sized", growth / 1024, now_ms() - t0);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_true(growth >= 0);
	assert_true(growth / 1024 < max_growth_mb);
}

/* Sanitizers keep freed memory in quarantine: allow for it. */
#if defined(__SANITIZE_ADDRESS__)
#define RSS_SLACK_MB 512
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RSS_SLACK_MB 512
#endif
#endif
#ifndef RSS_SLACK_MB
#define RSS_SLACK_MB 0
#endif

/* 50 MB is below the cap: parsed, at a bounded multiple of its size. */
static void test_fault_net__big_50mb_accepted(void **state)
{
	(void)state;
	run_big(50u << 20, 0, 0, 250 + RSS_SLACK_MB);
}

/* Beyond the cap: refused as soon as the cap is crossed, without buffering the rest. */
static void test_fault_net__big_chunked_refused(void **state)
{
	(void)state;
	run_big(200u << 20, 1, VSNAP_ENETWORK, 128 + RSS_SLACK_MB);
}

static void test_fault_net__big_sized_refused(void **state)
{
	(void)state;
	run_big(200u << 20, 0, VSNAP_ENETWORK, 128 + RSS_SLACK_MB);
}

static int setup(void **state)
{
	(void)state;
	sc_xml = fs_fixture("service-content.xml");
	login_xml = fs_fixture("login.xml");
	html_500 = fs_fixture("proxy-error.html");
	return sc_xml && login_xml && html_500 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	free(sc_xml);
	free(login_xml);
	free(html_500);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		/* first, while the process is small */
		cmocka_unit_test(test_fault_net__big_50mb_accepted),
		cmocka_unit_test(test_fault_net__big_chunked_refused),
		cmocka_unit_test(test_fault_net__big_sized_refused),
		cmocka_unit_test(test_fault_net__refused),
		cmocka_unit_test(test_fault_net__reset_mid_response),
		cmocka_unit_test(test_fault_net__stall_times_out),
		cmocka_unit_test(test_fault_net__http_500_html),
		cmocka_unit_test(test_fault_net__truncated_xml),
		cmocka_unit_test(test_fault_net__cli),
	};

	signal(SIGPIPE, SIG_IGN);
	alarm(100);   /* no hang: a stuck case kills the test */
	return cmocka_run_group_tests_name("fault_net", tests, setup, teardown);
}

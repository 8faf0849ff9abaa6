/* The QMP JSON reader/writer and the atomic store. SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>

#include "qemudrv/json.h"
#include "qemudrv/qmp.h"
#include "qemudrv/store.h"
#include "qemudrv/intent.h"
#include "vsnap/vsnap.h"

static void parse_qmp_reply(void **state)
{
	const char *t = "{\"return\": [{\"id\": \"j1\", \"status\": \"concluded\", "
		"\"error\": \"tag \\\"x\\\" \\u00e9\\ud83d\\ude00\", \"n\": -12, \"f\": 1.5e2, "
		"\"ok\": true, \"none\": null}]}";
	qjson *v = NULL;
	(void)state;
	assert_int_equal(vsnap__json_parse(&v, t, strlen(t), "test"), 0);
	const qjson *r = vsnap__json_get(v, "return");
	assert_int_equal(vsnap__json_len(r), 1);
	const qjson *j = r->child;
	assert_string_equal(vsnap__json_get_str(j, "id"), "j1");
	assert_string_equal(vsnap__json_get_str(j, "error"), "tag \"x\" \xc3\xa9\xf0\x9f\x98\x80");
	assert_int_equal(vsnap__json_get_num(j, "n", 0), -12);
	assert_int_equal(vsnap__json_get_num(j, "f", 0), 150);
	assert_int_equal(vsnap__json_get_num(j, "ok", 0), 1);
	assert_non_null(vsnap__json_get(j, "none"));
	assert_null(vsnap__json_get_str(j, "none"));
	vsnap__json_free(v);
}

static void parse_errors(void **state)
{
	const char *bad[] = { "", "{", "{\"a\" 1}", "[1,]", "\"x", "{\"a\":tru}", "[1] 2",
		"\"\\u0000\"", "\"\\q\"" };
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		qjson *v = NULL;
		assert_int_equal(vsnap__json_parse(&v, bad[i], strlen(bad[i]), "qmp"), VSNAP_EPARSE);
		assert_null(v);
		assert_non_null(strstr(vsnap_error_last()->message, "qmp: malformed JSON at byte"));
	}
}

static void write_escapes(void **state)
{
	vsnap__strbuf b = VSNAP__STRBUF_INIT;
	qjson *v = NULL;
	const char *s = "a\"b\\c\nd\x01/e";
	(void)state;
	vsnap__json_put_str(&b, s);
	assert_int_equal(vsnap__strbuf_check(&b), 0);
	assert_string_equal(b.ptr, "\"a\\\"b\\\\c\\u000ad\\u0001/e\"");
	assert_int_equal(vsnap__json_parse(&v, b.ptr, b.len, "roundtrip"), 0);
	assert_string_equal(v->str, s);
	vsnap__json_free(v);
	vsnap__strbuf_clear(&b);
}

static void store_atomic(void **state)
{
	char dir[] = "/tmp/vsnap-store-XXXXXX", path[128], *text = NULL, **names = NULL;
	size_t n = 0;
	vsnap_store st;
	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/root/deep", dir);
	assert_int_equal(vsnap__store_open(&st, path), 0);
	assert_int_equal(vsnap__store_prepare(&st), 0);
	snprintf(path, sizeof(path), "%s/root/deep/domains/a.xml", dir);
	assert_int_equal(vsnap__store_write(path, "one", 3), 0);
	assert_int_equal(vsnap__store_write(path, "two", 3), 0);
	assert_int_equal(vsnap__store_read(&text, path), 0);
	assert_string_equal(text, "two");
	free(text);
	snprintf(path, sizeof(path), "%s/root/deep/domains", dir);
	assert_int_equal(vsnap__store_list(&names, &n, path, ".xml"), 0);
	assert_int_equal(n, 1);
	assert_string_equal(names[0], "a");
	free(names[0]);
	free(names);
	assert_int_equal(vsnap__store_check_name("snapshot", "../x"), VSNAP_EINVALID);
	assert_int_equal(vsnap__store_check_name("snapshot", ".hidden"), VSNAP_EINVALID);
	/* A second lock holder waits, then gives up with ELOCKED. */
	int fd1 = -1, fd2 = -1;
	snprintf(path, sizeof(path), "%s/lock", dir);
	assert_int_equal(vsnap__lock_acquire(&fd1, path, 100), 0);
	assert_int_equal(vsnap__lock_acquire(&fd2, path, 50), VSNAP_ELOCKED);
	vsnap__lock_release(fd1);
	assert_int_equal(vsnap__lock_acquire(&fd2, path, 50), 0);
	vsnap__lock_release(fd2);
	vsnap__store_close(&st);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* Defect: a QMP write to a QEMU that had closed its monitor raised SIGPIPE, which kills
 * the program using the library; it must be an error (VSNAP_ENETWORK) instead. A child
 * process plays a QEMU that greets, accepts qmp_capabilities, then goes away. */
static void qmp_peer_gone(void **state)
{
	char dir[] = "/tmp/vsnap-qmp-XXXXXX", path[128];
	struct sockaddr_un sa;
	vsnap_qmp *q = NULL;
	int lfd, st;
	pid_t pid;
	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/q.sock", dir);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	strcpy(sa.sun_path, path);
	assert_true((lfd = socket(AF_UNIX, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(lfd, 1), 0);
	if ((pid = fork()) == 0) {
		char buf[512];
		int c = accept(lfd, NULL, NULL);
		const char *hello = "{\"QMP\": {\"version\": {}, \"capabilities\": []}}\r\n";
		if (c < 0 || write(c, hello, strlen(hello)) < 0 || read(c, buf, sizeof(buf)) <= 0 ||
		    write(c, "{\"return\": {}}\r\n", 16) < 0)
			_exit(1);
		_exit(0);   /* closes the monitor */
	}
	close(lfd);
	assert_int_equal(vsnap__qmp_open(&q, path, 2000, NULL), 0);
	assert_true(waitpid(pid, &st, 0) == pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	/* SIG_DFL, as in a program that did not ignore SIGPIPE itself. */
	signal(SIGPIPE, SIG_DFL);
	int rc = vsnap__qmp_run(NULL, q, "query-status", NULL);
	if (rc == 0)
		rc = vsnap__qmp_run(NULL, q, "query-status", NULL);
	assert_int_equal(rc, VSNAP_ENETWORK);
	assert_non_null(strstr(vsnap_error_last()->message, path));
	vsnap__qmp_close(q);
	unlink(path);
	rmdir(dir);
}

/* The intent record survives its text form: odd paths (tabs, newlines, '%', a leading '-'),
 * NULL fields, blobs with newlines; a damaged record is refused, not half-read. */
static void intent_round_trip(void **state)
{
	vsnap_qemu_intent in, out;
	char *text = NULL, *text2 = NULL;
	(void)state;
	memset(&in, 0, sizeof(in));
	in.op = QEMU_INTENT_REVERT;
	in.snapshot = strdup("c1");
	in.old_current = strdup("-e1");
	in.was_running = 1;
	assert_int_equal(vsnap__qemu_intent_add(&in, QEMU_STEP_COPY, "vda", "/a b/x\ty%.qcow2",
		"/a b/base\n.qcow2", "qcow2", "c1"), 0);
	assert_int_equal(vsnap__qemu_intent_add(&in, QEMU_STEP_APPLY, "vdb", "/v", NULL, NULL,
		"c1"), 0);
	in.domain_xml = strdup("<domain>\n<name>d</name>\n</domain>");
	assert_int_equal(vsnap__qemu_intent_format(&text, &in), 0);
	assert_int_equal(vsnap__qemu_intent_parse(&out, text, "t"), 0);
	assert_int_equal(out.op, QEMU_INTENT_REVERT);
	assert_string_equal(out.old_current, "-e1");
	assert_int_equal(out.nsteps, 2);
	assert_string_equal(out.steps[0].file, "/a b/x\ty%.qcow2");
	assert_string_equal(out.steps[0].base, "/a b/base\n.qcow2");
	assert_null(out.steps[1].base);
	assert_string_equal(out.domain_xml, in.domain_xml);
	assert_null(out.snapshot_xml);
	assert_int_equal(vsnap__qemu_intent_format(&text2, &out), 0);
	assert_string_equal(text, text2);
	vsnap__qemu_intent_clear(&out);
	text[strlen(text) - 5] = '\0';   /* cut the blob short */
	assert_int_equal(vsnap__qemu_intent_parse(&out, text, "t"), VSNAP_EPARSE);
	assert_int_equal(vsnap__qemu_intent_parse(&out, "op\trevert\n", "t"), VSNAP_EPARSE);
	vsnap__qemu_intent_clear(&in);
	free(text);
	free(text2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_qmp_reply),
		cmocka_unit_test(parse_errors),
		cmocka_unit_test(write_escapes),
		cmocka_unit_test(intent_round_trip),
		cmocka_unit_test(store_atomic),
		cmocka_unit_test(qmp_peer_gone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

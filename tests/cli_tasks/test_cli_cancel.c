/*
 * test_cli_cancel.c: stopping a long ESX task from the CLI. The domain lookup is real (the
 * simulator behind a faultsrv); the snapshot task is scripted: CreateSnapshot_Task returns
 * CT_TASK and WaitForUpdatesEx answers "running, 50%" for ever (or never answers at all). The
 * CLI must then
 *  - on SIGINT (Ctrl-C): send CancelTask for CT_TASK, exit 1 within 5 s and say the operation
 *    was cancelled, naming the VM and the snapshot;
 *  - with --timeout 1: the same, saying it timed out;
 *  - when the task completed before the CancelTask took effect: say it was done (exit 0).
 * A domain lookup the server never answers is bounded by --timeout and by Ctrl-C as well.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <cmocka.h>

#include "cli_tasks/cli_tasks_common.h"
#include "cli_tasks/clirun.h"

static vsnap_vcsim sim;
static fs_server *srv;
static char running[4096];

/* The task never ends; the server answers every long poll at once. */
static const fs_rule endless[] = {
	{ "CreateSnapshot_Task", 0, FS_REPLY, 0, ct_create_snapshot_reply, 0, 0 },
	{ "CreateFilter", 0, FS_REPLY, 0, ct_create_filter_reply, 0, 0 },
	{ "WaitForUpdatesEx", 0, FS_REPLY, 0, running, 0, 0 },
	{ "CancelTask", 0, FS_REPLY, 0, ct_cancel_task_reply, 0, 0 },
	{ "DestroyPropertyFilter", 0, FS_REPLY, 0, ct_destroy_filter_reply, 0, 0 },
};

/* The first long poll reports the task running, the second is never answered (a hung link). */
static const fs_rule hung[] = {
	{ "CreateSnapshot_Task", 0, FS_REPLY, 0, ct_create_snapshot_reply, 0, 0 },
	{ "CreateFilter", 0, FS_REPLY, 0, ct_create_filter_reply, 0, 0 },
	{ "WaitForUpdatesEx", 1, FS_REPLY, 0, running, 0, 0 },
	{ "WaitForUpdatesEx", 0, FS_STALL, 0, NULL, 0, 0 },
	{ "CancelTask", 0, FS_REPLY, 0, ct_cancel_task_reply, 0, 0 },
	{ "DestroyPropertyFilter", 0, FS_REPLY, 0, ct_destroy_filter_reply, 0, 0 },
};

/* The task is still running when the deadline comes (a held long poll), and has completed
 * by the time the CancelTask arrives: the snapshot exists, so the CLI must not say "cancelled". */
static char done[4096];
static const fs_rule late[] = {
	{ "CreateSnapshot_Task", 0, FS_REPLY, 0, ct_create_snapshot_reply, 0, 0 },
	{ "CreateFilter", 0, FS_REPLY, 0, ct_create_filter_reply, 0, 0 },
	{ "WaitForUpdatesEx", 1, FS_REPLY, 0, running, 0, 0 },
	{ "WaitForUpdatesEx", 2, FS_STALL, 0, NULL, 0, 0 },
	{ "WaitForUpdatesEx", 0, FS_REPLY, 0, done, 0, 0 },
	{ "CancelTask", 0, FS_REPLY, 0, ct_cancel_task_reply, 0, 0 },
	{ "DestroyPropertyFilter", 0, FS_REPLY, 0, ct_destroy_filter_reply, 0, 0 },
};

/* The task never ends and the server never answers the CancelTask either. */
static const fs_rule deaf[] = {
	{ "CreateSnapshot_Task", 0, FS_REPLY, 0, ct_create_snapshot_reply, 0, 0 },
	{ "CreateFilter", 0, FS_REPLY, 0, ct_create_filter_reply, 0, 0 },
	{ "WaitForUpdatesEx", 0, FS_REPLY, 0, running, 0, 0 },
	{ "CancelTask", 0, FS_STALL, 0, NULL, 0, 0 },
};

/* The domain lookup is never answered (the host took the request and hangs). */
static const fs_rule mute[] = {
	{ "RetrievePropertiesEx", 0, FS_STALL, 0, NULL, 0, 0 },
};

static int setup(void **state)
{
	(void)state;
	ct_task_update(running, sizeof(running), CT_TASK, "running", 50);
	ct_task_update(done, sizeof(done), CT_TASK, "success", 100);
	return ct_sim_start(&sim) < 0 ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	vsnap_vcsim_stop(&sim);
	return 0;
}

static int front_stop(void **state)
{
	(void)state;
	fs_stop(srv);
	srv = NULL;
	return 0;
}

static void start_front(const fs_rule *rules, size_t n)
{
	assert_int_equal(ct_front_start(&srv, &sim, rules, n, "CancelTask"), 0);
}

/* Starts `vsnap [--timeout T] snapshot-create-as VM snap` on pipes. */
static void start_create(cr_proc *p, const char *timeout)
{
	char uri[256];
	const char *args[10];
	int n = 0;

	args[n++] = "-c";
	args[n++] = ct_esx_uri(uri, sizeof(uri), fs_url(srv));
	if (timeout) {
		args[n++] = "--timeout";
		args[n++] = timeout;
	}
	args[n++] = "snapshot-create-as";
	args[n++] = CT_VM;
	args[n++] = "long-one";
	args[n] = NULL;
	assert_int_equal(cr_start(p, 0, args), 0);
}

/* Waits (bounded) until the server has seen `count` requests for `op`. */
static void wait_for_op(cr_proc *p, const char *op, int count)
{
	long long end = cr_now_ms() + 20000;

	while (fs_count(srv, op) < count) {
		if (cr_now_ms() > end || cr_pump(p, 20))
			fail_msg("the CLI never sent %d %s (exit %d): %s", count, op, p->status, p->err);
	}
}

/* The task was cancelled on the server: CancelTask for CT_TASK went out. */
static void assert_cancel_task_sent(void)
{
	char body[4096];

	fs_captured(srv, body, sizeof(body));
	if (fs_count(srv, "CancelTask") != 1 || !strstr(body, ">" CT_TASK "</"))
		fail_msg("no CancelTask for %s (%d sent): %s", CT_TASK, fs_count(srv, "CancelTask"),
			body);
}

/* The error names the VM and the snapshot and says `verb` (cancelled / timed out). */
static void assert_message(const cr_proc *p, const char *verb)
{
	printf("exit %d after %lld ms; stderr: %s", p->status, cr_elapsed_ms(p), p->err);
	assert_int_equal(p->status, 1);
	assert_int_equal(p->out_len, 0);
	if (!strstr(p->err, "error: ") || !strcasestr(p->err, verb) || !strstr(p->err, CT_VM) ||
	    !strstr(p->err, "long-one"))
		fail_msg("the error should say '%s' and name '%s' and 'long-one': %s", verb, CT_VM,
			p->err);
}

#define SCRIPT(rules) rules, sizeof(rules) / sizeof((rules)[0])

/*
 * Ctrl-C once `updates` long polls went out (and `pause_us` later, so that the CLI waits
 * inside the next request): the CLI exits soon, says "cancelled", cancels the task on the
 * server and still logs out.
 */
static void ctrl_c_scenario(const fs_rule *script, size_t n, int updates, useconds_t pause_us)
{
	cr_proc p;
	long long sent;

	start_front(script, n);
	start_create(&p, NULL);
	wait_for_op(&p, "WaitForUpdatesEx", updates);
	if (pause_us)
		usleep(pause_us);
	sent = cr_now_ms();
	cr_signal(&p, SIGINT);
	assert_int_not_equal(cr_wait(&p, 15000), -1);
	printf("SIGINT -> exit in %lld ms\n", cr_now_ms() - sent);
	assert_true(cr_now_ms() - sent < 5000);
	assert_message(&p, "cancelled");
	assert_cancel_task_sent();
	assert_int_equal(fs_count(srv, "Logout"), 1);
}

/* The same with --timeout 1 instead of Ctrl-C: the message says "timed out". */
static void timeout_scenario(const fs_rule *script, size_t n)
{
	cr_proc p;

	start_front(script, n);
	start_create(&p, "1");
	assert_int_not_equal(cr_wait(&p, 15000), -1);
	/* connect + lookup + 1 s of task + cancel: a few seconds at most */
	assert_true(cr_elapsed_ms(&p) < 5000);
	assert_message(&p, "timed out");
	assert_cancel_task_sent();
	assert_int_equal(fs_count(srv, "Logout"), 1);
}

/* The task is under way: a few "running" updates were read. */
static void ctrl_c_cancels_the_task(void **state)
{
	(void)state;
	ctrl_c_scenario(SCRIPT(endless), 3, 0);
}

static void ctrl_c_during_a_hung_request(void **state)
{
	(void)state;
	ctrl_c_scenario(SCRIPT(hung), 2, 300000);
}

static void second_ctrl_c_quits_at_once(void **state)
{
	cr_proc p;
	long long sent;

	(void)state;
	start_front(SCRIPT(deaf));
	start_create(&p, NULL);
	wait_for_op(&p, "WaitForUpdatesEx", 3);
	cr_signal(&p, SIGINT);
	/* the CLI now waits for the unanswered CancelTask: the user presses Ctrl-C again */
	wait_for_op(&p, "CancelTask", 1);
	usleep(200000);
	assert_int_equal(p.status, -1);
	sent = cr_now_ms();
	cr_signal(&p, SIGINT);
	assert_int_not_equal(cr_wait(&p, 15000), -1);
	printf("second SIGINT -> exit %d in %lld ms; stderr: %s", p.status, cr_now_ms() - sent,
		p.err);
	assert_true(cr_now_ms() - sent < 2000);
	assert_int_equal(p.status, 128 + SIGINT);
	assert_non_null(strstr(p.err, "interrupted again"));
}

static void timeout_cancels_the_task(void **state)
{
	(void)state;
	timeout_scenario(SCRIPT(endless));
}

static void timeout_during_a_hung_request(void **state)
{
	(void)state;
	timeout_scenario(SCRIPT(hung));
}

/* The deadline passed, CancelTask went out, and the task had completed anyway: the truth is
 * that the snapshot was created (was: "timed out ... cancelled"). */
static void timeout_but_the_task_completed(void **state)
{
	cr_proc p;

	(void)state;
	start_front(SCRIPT(late));
	start_create(&p, "1");
	assert_int_not_equal(cr_wait(&p, 20000), -1);
	printf("exit %d after %lld ms; stdout: %s; stderr: %s", p.status, cr_elapsed_ms(&p),
		p.out, p.err);
	assert_cancel_task_sent();
	assert_int_equal(p.status, 0);
	assert_non_null(strstr(p.out, "Domain snapshot long-one created"));
	assert_null(strcasestr(p.err, "cancelled"));
	assert_int_equal(fs_count(srv, "Logout"), 1);
}

/* Starts `vsnap [--timeout T] domstate VM` on pipes. */
static void start_domstate(cr_proc *p, const char *timeout)
{
	static char uri[256];
	const char *args[] = { timeout ? "--timeout" : "-c", timeout ? timeout : uri,
		"-c", uri, "domstate", CT_VM, NULL };

	ct_esx_uri(uri, sizeof(uri), fs_url(srv));
	assert_int_equal(cr_start(p, 0, timeout ? args : args + 2), 0);
}

static void timeout_bounds_a_hung_lookup(void **state)
{
	cr_proc p;

	(void)state;
	start_front(SCRIPT(mute));
	start_domstate(&p, "2");
	assert_int_not_equal(cr_wait(&p, 15000), -1);
	printf("exit %d after %lld ms; stderr: %s", p.status, cr_elapsed_ms(&p), p.err);
	assert_int_equal(p.status, 1);
	assert_true(cr_elapsed_ms(&p) < 5000);
	if (!strcasestr(p.err, "timed out") || !strstr(p.err, CT_VM))
		fail_msg("the error should say 'timed out' and name %s: %s", CT_VM, p.err);
	assert_int_equal(fs_count(srv, "Logout"), 1);
}

static void ctrl_c_during_a_hung_lookup(void **state)
{
	cr_proc p;
	long long sent;

	(void)state;
	start_front(SCRIPT(mute));
	start_domstate(&p, NULL);
	wait_for_op(&p, "RetrievePropertiesEx", 1);
	usleep(300000);
	sent = cr_now_ms();
	cr_signal(&p, SIGINT);
	assert_int_not_equal(cr_wait(&p, 15000), -1);
	printf("SIGINT in a hung lookup -> exit %d in %lld ms; stderr: %s", p.status,
		cr_now_ms() - sent, p.err);
	assert_int_equal(p.status, 1);
	assert_true(cr_now_ms() - sent < 5000);
	if (!strcasestr(p.err, "cancelled") || !strstr(p.err, CT_VM))
		fail_msg("the error should say 'cancelled' and name %s: %s", CT_VM, p.err);
	assert_int_equal(fs_count(srv, "Logout"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(ctrl_c_cancels_the_task, front_stop),
		cmocka_unit_test_teardown(ctrl_c_during_a_hung_request, front_stop),
		cmocka_unit_test_teardown(second_ctrl_c_quits_at_once, front_stop),
		cmocka_unit_test_teardown(timeout_cancels_the_task, front_stop),
		cmocka_unit_test_teardown(timeout_during_a_hung_request, front_stop),
		cmocka_unit_test_teardown(timeout_but_the_task_completed, front_stop),
		cmocka_unit_test_teardown(timeout_bounds_a_hung_lookup, front_stop),
		cmocka_unit_test_teardown(ctrl_c_during_a_hung_lookup, front_stop),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

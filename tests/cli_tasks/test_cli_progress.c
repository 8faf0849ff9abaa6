/*
 * test_cli_progress.c: the CLI's progress bar for long ESX tasks. A faultsrv in front of the
 * simulator scripts the first three WaitForUpdatesEx replies of a snapshot task (queued,
 * running 30%, running 70%); the fourth goes to the simulator, whose task has long succeeded.
 * `vsnap snapshot-create-as` then runs on a pseudo-terminal (the bar must show 0, 30, 70 and
 * 100% in that order) and with stderr on a pipe (nothing but the result line), and with -q on
 * a terminal (no bar either). A power operation (destroy) shows the same bar, and its result
 * line comes on a line of its own.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "cli_tasks/cli_tasks_common.h"
#include "cli_tasks/clirun.h"

static vsnap_vcsim sim;
static fs_server *srv;
static char queued[4096], run30[4096], run70[4096];

static const fs_rule rules[] = {
	{ "WaitForUpdatesEx", 1, FS_REPLY, 0, queued, 0, 0 },
	{ "WaitForUpdatesEx", 2, FS_REPLY, 0, run30, 0, 0 },
	{ "WaitForUpdatesEx", 3, FS_REPLY, 0, run70, 0, 0 },
};

static int setup(void **state)
{
	(void)state;
	/* the scripted task is the one the simulator created: only its TaskInfo is replaced */
	ct_task_update(queued, sizeof(queued), "haTask-ignored", "queued", -1);
	ct_task_update(run30, sizeof(run30), "haTask-ignored", "running", 30);
	ct_task_update(run70, sizeof(run70), "haTask-ignored", "running", 70);
	if (ct_sim_start(&sim) < 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	vsnap_vcsim_stop(&sim);
	return 0;
}

static int front(void **state)
{
	(void)state;
	return ct_front_start(&srv, &sim, rules, sizeof(rules) / sizeof(rules[0]), NULL);
}

static int front_stop(void **state)
{
	(void)state;
	fs_stop(srv);
	srv = NULL;
	return 0;
}

/* Position of `needle` in `hay` after `from`; fails the test when absent. */
static size_t find_after(const char *hay, size_t from, const char *needle)
{
	const char *p = strstr(hay + from, needle);

	if (!p)
		fail_msg("terminal output lacks '%s' (after offset %zu):\n%s", needle, from, hay);
	return (size_t)(p - hay);
}

static void run_create(cr_proc *p, int tty, const char *flag, const char *name)
{
	char uri[256];
	const char *args[8];
	int n = 0;

	args[n++] = "-c";
	args[n++] = ct_esx_uri(uri, sizeof(uri), fs_url(srv));
	if (flag)
		args[n++] = flag;
	args[n++] = "snapshot-create-as";
	args[n++] = CT_VM;
	args[n++] = name;
	args[n] = NULL;
	assert_int_equal(cr_start(p, tty, args), 0);
	assert_int_equal(cr_wait(p, 30000), 0);
	/* the scripted path ran: three scripted updates, then the simulator's (its task is
	 * normally done by then; a slow one may take one more poll) */
	assert_true(fs_count(srv, "WaitForUpdatesEx") >= 4);
}

static void bar_on_terminal(void **state)
{
	cr_proc p;
	size_t at;

	(void)state;
	run_create(&p, 1, NULL, "s-tty");
	printf("terminal output:\n%s\n", p.out);
	/* each redraw starts with a carriage return; the percentages come in order */
	at = find_after(p.out, 0, "\r");
	at = find_after(p.out, at, "]   0%");
	at = find_after(p.out, at, "\r");
	at = find_after(p.out, at, "]  30%");
	at = find_after(p.out, at, "]  70%");
	at = find_after(p.out, at, "] 100%");
	at = find_after(p.out, at, "\n");
	find_after(p.out, at, "Domain snapshot s-tty created");
	/* the bar says what it works on, in the command's words (not API names) */
	find_after(p.out, 0, "creating snapshot 's-tty' of");
	if (strstr(p.out, "_Task"))
		fail_msg("the bar shows an API name:\n%s", p.out);
	/* every redraw fits the 100-column terminal (a wrapped line cannot be redrawn) */
	for (const char *s = strchr(p.out, '\r'); s; s = strchr(s + 1, '\r')) {
		size_t len = strcspn(s + 1, "\r\n\033");

		if (len >= 100)
			fail_msg("a progress line is %zu columns wide: %.*s", len, (int)len, s + 1);
	}
}

static void power_op_on_terminal(void **state)
{
	char uri[256];
	const char *args[] = { "-c", ct_esx_uri(uri, sizeof(uri), fs_url(srv)), "destroy",
		"ha-host_VM1", NULL };
	cr_proc p;
	size_t at;

	(void)state;
	assert_int_equal(cr_start(&p, 1, args), 0);
	assert_int_equal(cr_wait(&p, 30000), 0);
	assert_true(fs_count(srv, "WaitForUpdatesEx") >= 4);
	printf("terminal output:\n%s\n", p.out);
	at = find_after(p.out, 0, "]  70%");
	at = find_after(p.out, at, "] 100%");
	/* the bar's line is ended before the result is printed, and only once */
	at = find_after(p.out, at, "\n");
	if (strncmp(p.out + at + 1, "Domain 'ha-host_VM1' destroyed\r\n", 33) ||
	    p.out[at + 1 + 33] != '\0')
		fail_msg("the result should be alone on the line after the bar:\n%s", p.out);
}

static void quiet_without_terminal(void **state)
{
	cr_proc p;

	(void)state;
	run_create(&p, 0, NULL, "s-pipe");
	printf("stdout: [%s] stderr: [%s]\n", p.out, p.err);
	assert_string_equal(p.out, "Domain snapshot s-pipe created\n");
	assert_int_equal(p.err_len, 0);
}

static void quiet_option_on_terminal(void **state)
{
	cr_proc p;

	(void)state;
	run_create(&p, 1, "-q", "s-quiet");
	printf("terminal output with -q: [%s]\n", p.out);
	assert_null(strchr(p.out, '%'));
	assert_null(strchr(p.out, '['));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(bar_on_terminal, front, front_stop),
		cmocka_unit_test_setup_teardown(power_op_on_terminal, front, front_stop),
		cmocka_unit_test_setup_teardown(quiet_without_terminal, front, front_stop),
		cmocka_unit_test_setup_teardown(quiet_option_on_terminal, front, front_stop),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

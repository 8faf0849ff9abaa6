/*
 * test_fault_vcsim.c: faults in the middle of real operations against the simulator:
 *  - the session expires while a snapshot task is being waited for (faultsrv sits in front of
 *    vcsim and logs the session out there just before the first WaitForUpdatesEx, so vcsim
 *    itself answers NotAuthenticated and drops the session's property filters);
 *  - vcsim is SIGKILLed (by PID) between two requests of a snapshot operation.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vsphere/test_vs_common.h"
#include "vsphere/vcsim_harness.h"
#include "vsphere/vsphere.h"
#include "fault/faultsrv.h"

/* Stopped by the teardown even when a test fails half-way (no orphan simulator). */
static vsnap_vcsim sim;
static fs_server *srv;

static int teardown(void **state)
{
	(void)state;
	fs_stop(srv);
	srv = NULL;
	vsnap_vcsim_stop(&sim);
	return 0;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static int start_sim(void)
{
	int rc = vsnap_vcsim_start(&sim, VSNAP_VCSIM_ESX, NULL);

	if (rc == 77)
		exit(77);
	return rc;
}

static int port_of(const char *url)
{
	const char *p = strrchr(url, ':');

	return p ? atoi(p + 1) : 0;
}

static void options(vsnap_vs_options *o, const char *url, const char *cafile)
{
	memset(o, 0, sizeof(*o));
	o->url = url;
	o->user = "root";
	o->password = "pass";
	o->cafile = cafile;
	o->connect_timeout_ms = 2000;
	o->request_timeout_ms = 10000;
	o->task_timeout_ms = 20000;   /* a lost task must not wait forever */
}

/* The number of snapshots named `name` in the VM's forest. */
static int count_named(const vsnap_vs_snapshot *s, size_t n, const char *name)
{
	size_t i;
	int count = 0;

	for (i = 0; i < n; i++)
		count += !strcmp(s[i].name, name) +
			count_named(s[i].children, s[i].nchildren, name);
	return count;
}

static int snapshots_named(vsnap_vs_client *c, const vsnap_vs_moref *vm, const char *name)
{
	vsnap_vs_vm_info *info = NULL;
	int n;

	assert_vs_ok(vsnap__vs_vm_info(&info, c, vm, 0));
	n = count_named(info->roots, info->nroots, name);
	vsnap__vs_vm_info_free(info);
	return n;
}

/*
 * NotAuthenticated in the middle of a task wait: one re-login, a new property filter (the old
 * one died with the session), and the wait goes on to the task's real outcome.
 */
static void test_fault_vcsim__session_expires_during_task_wait(void **state)
{
	fs_rule rules[] = { { "WaitForUpdatesEx", 1, FS_EXPIRE, 0, NULL, 0, 0 } };
	fs_config cfg = { 0 };
	vsnap_vs_client *c = NULL;
	vsnap_vs_options o;
	vsnap_vs_vm *vms = NULL;
	vsnap_vs_moref snap = { 0 };
	size_t nvms = 0;
	char ops[4096];
	long long t0;

	(void)state;
	assert_int_equal(start_sim(), 0);
	cfg.upstream_port = port_of(sim.url);
	cfg.upstream_tls = 1;
	cfg.session_manager = "ha-sessionmgr";
	cfg.rules = rules;
	cfg.nrules = 1;
	cfg.capture_op = "WaitForUpdatesEx";
	assert_int_equal(fs_start(&srv, &cfg), 0);
	options(&o, fs_url(srv), NULL);
	o.request_timeout_ms = 4000;   /* the long poll must stay within half of it */
	assert_vs_ok(vsnap__vs_open(&c, &o));
	assert_vs_ok(vsnap__vs_login(c));
	assert_vs_ok(vsnap__vs_vm_list(&vms, &nvms, c));
	assert_true(nvms > 0);
	t0 = now_ms();
	assert_vs_ok(vsnap__vs_snapshot_create(&snap, c, &vms[0].moref, "during-expiry", NULL, 0,
		0));
	print_message("snapshot create across a session expiry: %lld ms\n", now_ms() - t0);
	assert_true(now_ms() - t0 < 10000);
	assert_non_null(snap.value);
	fs_ops(srv, ops, sizeof(ops));
	print_message("requests: %s\n", ops);
	assert_int_equal(fs_count(srv, "Login"), 2);            /* exactly one re-login */
	assert_int_equal(fs_count(srv, "CreateSnapshot_Task"), 1); /* the task was not re-run */
	fs_captured(srv, ops, sizeof(ops));
	assert_non_null(strstr(ops, "maxWaitSeconds>2<"));
	assert_int_equal(snapshots_named(c, &vms[0].moref, "during-expiry"), 1);
	assert_vs_ok(vsnap__vs_snapshot_remove(c, &snap, 0, -1));
	assert_vs_ok(vsnap__vs_logout(c));
	vsnap__vs_moref_clear(&snap);
	vsnap__vs_vms_free(vms, nvms);
	vsnap__vs_close(c);
}

/* Expired mid-wait and the password no longer works: EAUTH, no loop, nothing left behind. */
static void test_fault_vcsim__relogin_refused_during_task_wait(void **state)
{
	char *invalid = fs_fixture("invalid-login.xml");
	fs_rule rules[] = {
		{ "WaitForUpdatesEx", 1, FS_EXPIRE, 0, NULL, 0, 0 },
		{ "Login", 2, FS_REPLY, 500, invalid, 0, 0 },
	};
	fs_config cfg = { 0 };
	vsnap_vs_client *c = NULL;
	vsnap_vs_options o;
	vsnap_vs_vm *vms = NULL;
	size_t nvms = 0;

	(void)state;
	assert_non_null(invalid);
	assert_int_equal(start_sim(), 0);
	cfg.upstream_port = port_of(sim.url);
	cfg.upstream_tls = 1;
	cfg.rules = rules;
	cfg.nrules = 2;
	assert_int_equal(fs_start(&srv, &cfg), 0);
	options(&o, fs_url(srv), NULL);
	assert_vs_ok(vsnap__vs_open(&c, &o));
	assert_vs_ok(vsnap__vs_login(c));
	assert_vs_ok(vsnap__vs_vm_list(&vms, &nvms, c));
	assert_vs_code(vsnap__vs_snapshot_create(NULL, c, &vms[0].moref, "relogin-refused", NULL, 0,
		0), VSNAP_EAUTH);
	print_message("EAUTH: %s\n", vsnap_error_last()->message);
	assert_string_equal(vsnap_error_last()->fault, "InvalidLogin");
	assert_non_null(strstr(vsnap_error_last()->message, "re-login"));
	assert_non_null(strstr(vsnap_error_last()->message, "WaitForUpdatesEx"));
	assert_null(strstr(vsnap_error_last()->message, "pass'"));
	assert_int_equal(fs_count(srv, "Login"), 2);
	vsnap__vs_vms_free(vms, nvms);
	vsnap__vs_close(c);
	free(invalid);
}

/* The log callback runs after each exchange: it kills the simulator after `after_op`. */
struct killer {
	vsnap_vcsim *sim;
	const char *after_op;
	int killed;
};

static void kill_after(const char *line, void *payload)
{
	struct killer *k = payload;
	char pat[128];
	int status;

	snprintf(pat, sizeof(pat), " %s -> ", k->after_op);
	if (k->killed || !strstr(line, pat))
		return;
	kill(k->sim->pid, SIGKILL);
	waitpid(k->sim->pid, &status, 0);
	k->sim->pid = 0;
	k->killed = 1;
}

static void kill_during(const char *after_op, const char *failing_op)
{
	struct killer k = { &sim, after_op, 0 };
	vsnap_vs_client *c = NULL;
	vsnap_vs_options o;
	vsnap_vs_vm *vms = NULL;
	vsnap_vs_moref snap = { (char *)"x", (char *)"y" };
	size_t nvms = 0;
	long long t0;

	assert_int_equal(start_sim(), 0);
	options(&o, sim.url, sim.certfile);
	o.log_cb = kill_after;
	o.log_payload = &k;
	assert_vs_ok(vsnap__vs_open(&c, &o));
	assert_vs_ok(vsnap__vs_login(c));
	assert_vs_ok(vsnap__vs_vm_list(&vms, &nvms, c));
	t0 = now_ms();
	assert_vs_code(vsnap__vs_snapshot_create(&snap, c, &vms[0].moref, "killed", NULL, 0, 0),
		VSNAP_ENETWORK);
	assert_true(k.killed);
	print_message("ENETWORK after %lld ms: %s\n", now_ms() - t0, vsnap_error_last()->message);
	assert_true(now_ms() - t0 < 5000);
	assert_non_null(strstr(vsnap_error_last()->message, sim.url));
	assert_non_null(strstr(vsnap_error_last()->message, failing_op));
	assert_null(snap.value);   /* no half-filled result */
	/* Everything after stays a clean, quick error. */
	assert_vs_code(vsnap__vs_logout(c), VSNAP_ENETWORK);
	vsnap__vs_vms_free(vms, nvms);
	vsnap__vs_close(c);
}

static void test_fault_vcsim__killed_before_task_wait(void **state)
{
	(void)state;
	kill_during("CreateSnapshot_Task", "CreateFilter");
}

static void test_fault_vcsim__killed_during_task_wait(void **state)
{
	(void)state;
	kill_during("CreateFilter", "WaitForUpdatesEx");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_fault_vcsim__session_expires_during_task_wait, teardown),
		cmocka_unit_test_teardown(test_fault_vcsim__relogin_refused_during_task_wait,
			teardown),
		cmocka_unit_test_teardown(test_fault_vcsim__killed_before_task_wait, teardown),
		cmocka_unit_test_teardown(test_fault_vcsim__killed_during_task_wait, teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	alarm(110);
	return cmocka_run_group_tests_name("fault_vcsim", tests, NULL, NULL);
}

/*
 * test_fault_secrets.c: passwords and session cookies never reach logs, error messages or
 * recorded fixtures. Two full sessions against vcsim with a distinctive random password:
 *  - library: open, login, list, snapshot create/revert/delete, failing calls, a session
 *    expiry mid-task (so a second Login and a second cookie), logout; with record mode and the
 *    log callback on, through faultsrv, which notes every Set-Cookie value vcsim sends;
 *  - CLI: `vsnap --debug --record DIR` for the same cycle plus failing commands; the cookies
 *    come from the simulator's own trace (the session keys of its LoginResponses).
 * Everything collected is then searched for the password and every cookie value. The trace
 * itself contains both, which shows the search would find them.
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
#include "fault/fault_common.h"

static vsnap_vcsim sim;
static fs_server *srv;
static char password[64];
static char dir[] = "/tmp/vsnap-fault-secrets-XXXXXX";

typedef struct {
	char *data;
	size_t len;
} text;

static void text_add(text *t, const char *s)
{
	size_t n = strlen(s);
	char *d = realloc(t->data, t->len + n + 2);

	assert_non_null(d);
	t->data = d;
	memcpy(t->data + t->len, s, n);
	t->len += n;
	t->data[t->len++] = '\n';
	t->data[t->len] = '\0';
}

static void on_log(const char *line, void *payload)
{
	text_add(payload, line);
}

/* Adds a file's content (the whole of it) to t. */
static void add_file(text *t, const char *path)
{
	FILE *f = fopen(path, "rb");
	char buf[65536];
	size_t n;

	assert_non_null(f);
	while ((n = fread(buf, 1, sizeof(buf) - 1, f)) > 0) {
		buf[n] = '\0';
		/* NULs would hide the rest from strstr: fixtures are text anyway */
		for (size_t i = 0; i < n; i++)
			if (!buf[i])
				buf[i] = ' ';
		text_add(t, buf);
	}
	fclose(f);
}

/* Adds every file under `d` (recursively); returns how many. */
static int add_tree(text *t, const char *d)
{
	char cmd[600], path[1024];
	FILE *p;
	int n = 0;

	snprintf(cmd, sizeof(cmd), "find '%s' -type f", d);
	assert_non_null(p = popen(cmd, "r"));
	while (fgets(path, sizeof(path), p)) {
		path[strcspn(path, "\n")] = '\0';
		add_file(t, path);
		n++;
	}
	pclose(p);
	return n;
}

/* Fails when `needle` (a secret) is in `hay`; shows where. */
static void assert_absent(const text *hay, const char *needle, const char *what)
{
	const char *hit;

	assert_true(strlen(needle) >= 8);
	if (hay->data && (hit = strstr(hay->data, needle)))
		fail_msg("%s found in %s: ...%.120s...", what, what,
			hit > hay->data + 60 ? hit - 60 : hay->data);
}

/* Session keys vcsim handed out: <key> of every LoginResponse in its trace. */
static int trace_keys(char keys[][128], int max)
{
	FILE *f = fopen(sim.tracefile, "r");
	char *line = NULL;
	size_t cap = 0;
	int n = 0;

	assert_non_null(f);
	while (getline(&line, &cap, f) >= 0) {
		const char *p = strstr(line, "LoginResponse"), *k;

		if (!p || !(k = strstr(p, "<key>")) || n == max)
			continue;
		k += 5;
		snprintf(keys[n++], 128, "%.*s", (int)strcspn(k, "<"), k);
	}
	free(line);
	fclose(f);
	return n;
}

static void error_add(text *errs, int rc)
{
	assert_true(rc < 0);
	text_add(errs, vsnap_error_last()->message);
}

static void test_fault_secrets__library_session(void **state)
{
	fs_rule rules[] = { { "WaitForUpdatesEx", 2, FS_EXPIRE, 0, NULL, 0, 0 } };
	fs_config cfg = { 0 };
	vsnap_vs_options o = { 0 };
	vsnap_vs_client *c = NULL;
	vsnap_vs_vm *vms = NULL;
	vsnap_vs_vm_info *info = NULL;
	vsnap_vs_moref s1 = { 0 }, bogus = { (char *)"VirtualMachineSnapshot", (char *)"nope-1" };
	vsnap_vs_vm *vms2 = NULL;
	size_t nvms = 0, nvms2 = 0;
	text log = { 0 }, errs = { 0 }, rec = { 0 };
	char recdir[300], cookies[2048], *tok, *save = NULL;
	int ncookies = 0;

	(void)state;
	cfg.upstream_port = atoi(strrchr(sim.url, ':') + 1);
	cfg.upstream_tls = 1;
	cfg.rules = rules;
	cfg.nrules = 1;
	assert_int_equal(fs_start(&srv, &cfg), 0);
	snprintf(recdir, sizeof(recdir), "%s/lib-record", dir);
	o.url = fs_url(srv);
	o.user = "root";
	o.password = password;
	o.record_dir = recdir;
	o.log_cb = on_log;
	o.log_payload = &log;
	o.request_timeout_ms = 10000;
	o.task_timeout_ms = 20000;
	assert_vs_ok(vsnap__vs_open(&c, &o));
	assert_vs_ok(vsnap__vs_login(c));
	assert_vs_ok(vsnap__vs_vm_list(&vms, &nvms, c));
	assert_vs_ok(vsnap__vs_snapshot_create(&s1, c, &vms[0].moref, "secret-s1", "d", 0, 0));
	/* the second task wait meets an expired session: re-login, new cookie */
	assert_vs_ok(vsnap__vs_snapshot_revert(c, &s1, 1, NULL));
	assert_vs_ok(vsnap__vs_vm_info(&info, c, &vms[0].moref, VSNAP_VS_INFO_LAYOUT));
	vsnap__vs_vm_info_free(info);
	assert_vs_ok(vsnap__vs_snapshot_remove(c, &s1, 0, -1));
	error_add(&errs, vsnap__vs_snapshot_remove(c, &bogus, 0, -1));
	error_add(&errs, vsnap__vs_snapshot_revert(c, &s1, 1, NULL));
	assert_vs_ok(vsnap__vs_logout(c));
	error_add(&errs, vsnap__vs_vm_list(&vms2, &nvms2, c));   /* logged out */
	vsnap__vs_close(c);
	vsnap__vs_moref_clear(&s1);
	vsnap__vs_vms_free(vms, nvms);

	assert_int_equal(fs_count(srv, "Login"), 2);
	assert_true(add_tree(&rec, recdir) > 10);
	assert_true(log.len > 0);
	assert_absent(&log, password, "the password (log)");
	assert_absent(&errs, password, "the password (errors)");
	assert_absent(&rec, password, "the password (recording)");
	fs_cookies(srv, cookies, sizeof(cookies));
	for (tok = strtok_r(cookies, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		assert_absent(&log, tok, "a session cookie (log)");
		assert_absent(&errs, tok, "a session cookie (errors)");
		assert_absent(&rec, tok, "a session cookie (recording)");
		ncookies++;
	}
	assert_int_equal(ncookies, 2);
	free(log.data);
	free(errs.data);
	free(rec.data);
}

/* Runs the CLI with the password in the environment; output appended to *out. */
static int cli(text *out, const char *recname, const char *fmt, ...)
{
	char args[512], cmd[1600], *got;
	int port = atoi(strrchr(sim.url, ':') + 1);
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "VSNAP_PASSWORD='%s' VSNAP_AUTH_FILE=/nonexistent '%s' --debug "
		"--record '%s/%s' -c 'esx://root@127.0.0.1:%d/?cafile=%s' %s 2>&1", password,
		getenv("VSNAP_BIN"), dir, recname, port, sim.certfile, args);
	st = fault_run(&got, cmd);
	text_add(out, got);
	free(got);
	return st;
}

static void test_fault_secrets__cli_session(void **state)
{
	const char *bin = getenv("VSNAP_BIN");
	text out = { 0 }, rec = { 0 }, trace = { 0 };
	char keys[32][128], vm[256], rdir[300];
	int nkeys, i;
	const char *nl;

	(void)state;
	if (!bin || access(bin, X_OK) != 0)
		skip();
	assert_int_equal(cli(&out, "r1", "list --all --name"), 0);
	nl = strstr(out.data, "\n");
	/* the first line of output that is not a debug line is a VM name */
	vm[0] = '\0';
	for (const char *p = out.data; p && *p; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		if (strncmp(p, "debug", 5) && strncmp(p, "#", 1) && !strchr(p, ' ') && p != nl) {
			snprintf(vm, sizeof(vm), "%.*s", (int)(nl ? nl - p : (long)strlen(p)), p);
			break;
		}
	}
	assert_true(vm[0] != '\0');
	assert_int_equal(cli(&out, "r2", "snapshot-create-as '%s' cli-s1 'desc'", vm), 0);
	assert_int_equal(cli(&out, "r3", "snapshot-revert '%s' cli-s1", vm), 0);
	assert_int_equal(cli(&out, "r4", "snapshot-list '%s' --tree", vm), 0);
	assert_int_equal(cli(&out, "r5", "snapshot-delete '%s' cli-s1", vm), 0);
	assert_int_not_equal(cli(&out, "r6", "snapshot-delete '%s' cli-s1", vm), 0);
	assert_int_not_equal(cli(&out, "r7", "snapshot-revert '%s' no-such", vm), 0);
	assert_non_null(strstr(out.data, "RetrievePropertiesEx"));   /* --debug did log */
	snprintf(rdir, sizeof(rdir), "%s", dir);
	assert_true(add_tree(&rec, rdir) > 20);
	assert_absent(&out, password, "the password (CLI output)");
	assert_absent(&rec, password, "the password (CLI recording)");
	nkeys = trace_keys(keys, 32);
	print_message("%d session keys in the trace\n", nkeys);
	assert_true(nkeys >= 7);
	for (i = 0; i < nkeys; i++) {
		assert_absent(&out, keys[i], "a session cookie (CLI output)");
		assert_absent(&rec, keys[i], "a session cookie (CLI recording)");
	}
	/* Control: the simulator's trace holds both secrets, so the searches can find them. */
	add_file(&trace, sim.tracefile);
	assert_non_null(strstr(trace.data, password));
	assert_non_null(strstr(trace.data, keys[0]));
	free(out.data);
	free(rec.data);
	free(trace.data);
}

static int setup(void **state)
{
	vsnap_vcsim_opts so = { NULL, "root", password };
	int rc;

	(void)state;
	srand((unsigned int)(time(NULL) ^ getpid()));
	snprintf(password, sizeof(password), "S3cr3t-PW-%08x%04x", (unsigned int)rand(),
		(unsigned int)rand() & 0xffff);
	if (!mkdtemp(dir))
		return -1;
	if ((rc = vsnap_vcsim_start(&sim, VSNAP_VCSIM_ESX, &so)) == 77)
		exit(77);
	return rc;
}

static int teardown(void **state)
{
	(void)state;
	return fault_cleanup(srv, &sim, dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fault_secrets__library_session),
		cmocka_unit_test(test_fault_secrets__cli_session),
	};

	signal(SIGPIPE, SIG_IGN);
	alarm(110);
	return cmocka_run_group_tests_name("fault_secrets", tests, setup, teardown);
}

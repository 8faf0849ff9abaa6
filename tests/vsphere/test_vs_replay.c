/*
 * test_vs_replay.c: what vcsim cannot show, from hand-written fixtures (fixtures/soap/):
 * queued/running task progress, a fault inside TaskInfo.error, ESX MoRef forms, RenameSnapshot
 * and ConsolidateVMDisks_Task, session expiry and re-login (fault and missingSet forms), paged
 * results, HTTP 500 without SOAP, truncated XML, unexpected requests; plus a slow loopback
 * server (timeout) and a recorded vcsim session checked for secrets and replayed offline.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vsphere/test_vs_common.h"
#include "vsphere/vcsim_harness.h"
#include "vsphere/internal.h"

static char fixture_dir[1024];

static int progress_seen[8];
static int nprogress;

static void on_progress(int percent, const char *what, void *payload)
{
	(void)what;
	(void)payload;
	if (nprogress < 8)
		progress_seen[nprogress++] = percent;
}

static vsnap_vs_client *replay_open(const char *name, int login)
{
	vsnap_vs_client *c = NULL;
	vsnap_vs_options o = { 0 };

	snprintf(fixture_dir, sizeof(fixture_dir), "%s/%s", getenv("VSNAP_FIXTURES"), name);
	o.url = "https://esx.invalid/sdk";
	o.user = "root";
	o.password = "fixture-password";
	o.replay_dir = fixture_dir;
	o.progress_cb = on_progress;
	assert_vs_ok(vsnap__vs_open(&c, &o));
	if (login)
		assert_vs_ok(vsnap__vs_login(c));
	return c;
}

static void test_vs_replay__esx_task_progress(void **state)
{
	vsnap_vs_client *c = replay_open("esx-task-progress", 1);
	vsnap_vs_moref vm = { "VirtualMachine", "2" }, snap = { 0 };
	vsnap_vs_vm_info *info = NULL;
	const vsnap_vs_snapshot *s;

	(void)state;
	assert_string_equal(vsnap__vs_api_type(c), "HostAgent");
	nprogress = 0;
	assert_vs_ok(vsnap__vs_snapshot_create(&snap, c, &vm, "nightly", NULL, 1, 1));
	assert_string_equal(snap.value, "2-snapshot-5");
	/* queued (no percentage), running 40 %, done */
	assert_int_equal(nprogress, 3);
	assert_int_equal(progress_seen[0], -1);
	assert_int_equal(progress_seen[1], 40);
	assert_int_equal(progress_seen[2], 100);

	assert_vs_ok(vsnap__vs_vm_info(&info, c, &vm, VSNAP_VS_INFO_DEVICES));
	assert_string_equal(info->vm.name, "web01");
	assert_int_equal(info->vm.memory_mb, 4096);
	assert_int_equal(info->vm.consolidation_needed, 1);
	assert_string_equal(info->vm.host, "ha-host");
	assert_string_equal(info->datacenter, "ha-datacenter");
	assert_string_equal(info->datastore, "datastore1");
	assert_string_equal(info->current.value, "2-snapshot-5");
	assert_int_equal(info->nroots, 1);
	assert_string_equal(info->roots[0].moref.value, "2-snapshot-1");
	assert_int_equal(info->roots[0].create_time, 1795161600LL);
	s = vsnap__vs_snapshot_find(info->roots, info->nroots, "2-snapshot-5");
	assert_non_null(s);
	assert_int_equal(s->id, 5);
	assert_int_equal(s->quiesced, 1);
	assert_int_equal(s->replay_supported, 0);
	assert_string_equal(s->state, "poweredOn");
	assert_string_equal(s->name, "VM Snapshot 11%2f13%2f2026, 9:59:56 AM");
	assert_string_equal(s->backup_manifest, "[datastore1] web01/web01-vss_manifests5.zip");
	assert_int_equal(s->create_time, info->roots[0].create_time + 86400 + 3600 + 2);
	/* xsi:type="VirtualDisk" items: the controller is skipped, the disk kept */
	assert_int_equal(info->ndisks, 1);
	assert_int_equal(info->disks[0].key, 2000);
	assert_string_equal(info->disks[0].file_name, "[datastore1] web01/web01-000002.vmdk");
	assert_string_equal(info->disks[0].disk_mode, "persistent");

	assert_vs_ok(vsnap__vs_snapshot_rename(c, &snap, "nightly-2", "renamed"));

	assert_vs_code(vsnap__vs_vm_consolidate(c, &vm), VSNAP_EFAULT);
	assert_string_equal(vsnap_error_last()->fault, "NoDiskSpace");
	assert_non_null(strstr(vsnap_error_last()->message, "not enough space"));
	assert_non_null(strstr(vsnap_error_last()->message, "haTask-2-vim.VirtualMachine.consolidateDisks"));
	assert_non_null(strstr(vsnap_error_last()->message, "[datastore1] web01/web01-000002.vmdk"));

	assert_vs_code(vsnap__vs_snapshot_revert(c, &snap, -1, NULL), VSNAP_EFAULT);
	assert_string_equal(vsnap_error_last()->fault, "InvalidPowerState");
	assert_non_null(strstr(vsnap_error_last()->message, "existing state 'poweredOn'"));
	assert_non_null(strstr(vsnap_error_last()->message, "2-snapshot-5"));

	/* An unknown fault keeps its type name and raw XML. */
	assert_vs_code(vsnap__vs_snapshot_remove(c, &snap, 0, -1), VSNAP_EFAULT);
	assert_string_equal(vsnap_error_last()->fault, "FrobnicatorMeltdown");
	assert_non_null(strstr(vsnap_error_last()->message, "<frob>42</frob>"));

	/* Nothing left in the fixture: loud failure naming the request. */
	assert_vs_code(vsnap__vs_keepalive(c, NULL), VSNAP_EREPLAY);
	assert_non_null(strstr(vsnap_error_last()->message, "CurrentTime"));
	assert_int_equal(vsnap__vs_request_count(c), 17);

	vsnap__vs_vm_info_free(info);
	vsnap__vs_moref_clear(&snap);
	vsnap__vs_close(c);
}

static void test_vs_replay__unexpected_request(void **state)
{
	vsnap_vs_client *c = replay_open("esx-task-progress", 1);
	vsnap_vs_moref vm = { "VirtualMachine", "2" }, other = { "VirtualMachine", "77" };

	(void)state;
	assert_vs_code(vsnap__vs_vm_power(c, &vm, VSNAP_VS_POWER_OFF), VSNAP_EREPLAY);
	assert_non_null(strstr(vsnap_error_last()->message, "PowerOffVM_Task"));
	assert_non_null(strstr(vsnap_error_last()->message, "CreateSnapshot_Task"));
	vsnap__vs_close(c);
	/* Right operation, wrong object. */
	c = replay_open("esx-task-progress", 1);
	assert_vs_code(vsnap__vs_snapshot_create(NULL, c, &other, "x", NULL, 0, 0), VSNAP_EREPLAY);
	assert_non_null(strstr(vsnap_error_last()->message, "'77'"));
	vsnap__vs_close(c);
}

static void test_vs_replay__session_expiry(void **state)
{
	vsnap_vs_client *c = replay_open("session-expiry", 1);
	vsnap_vs_vm *vms = NULL;
	size_t n = 0;

	(void)state;
	/* NotAuthenticated fault -> login again -> retry */
	assert_vs_ok(vsnap__vs_vm_list(&vms, &n, c));
	assert_int_equal(n, 1);
	assert_string_equal(vms[0].name, "web01");
	vsnap__vs_vms_free(vms, n);
	/* vcsim form: HTTP 200 with NotAuthenticated in missingSet */
	assert_vs_ok(vsnap__vs_vm_list(&vms, &n, c));
	assert_int_equal(n, 1);
	vsnap__vs_vms_free(vms, n);
	/* expired, and the password no longer works: EAUTH, no retry loop */
	assert_vs_code(vsnap__vs_vm_list(&vms, &n, c), VSNAP_EAUTH);
	assert_string_equal(vsnap_error_last()->fault, "InvalidLogin");
	assert_null(strstr(vsnap_error_last()->message, "fixture-password"));
	assert_int_equal(vsnap__vs_request_count(c), 10);
	vsnap__vs_close(c);
}

static void test_vs_replay__paged_results(void **state)
{
	vsnap_vs_client *c = replay_open("paged-results", 1);
	vsnap_vs_vm *vms = NULL;
	size_t n = 0;

	(void)state;
	assert_vs_ok(vsnap__vs_vm_list(&vms, &n, c));
	assert_int_equal(n, 2);
	assert_string_equal(vms[1].name, "db01");
	vsnap__vs_vms_free(vms, n);
	vsnap__vs_close(c);
}

static void test_vs_replay__broken_replies(void **state)
{
	vsnap_vs_client *c = replay_open("http500-html", 0);
	vsnap_vs_options o = { 0 };

	(void)state;
	assert_vs_code(vsnap__vs_login(c), VSNAP_ENETWORK);
	assert_non_null(strstr(vsnap_error_last()->message, "HTTP status 500"));
	assert_non_null(strstr(vsnap_error_last()->message, "hostd is restarting"));
	vsnap__vs_close(c);
	c = replay_open("truncated-xml", 0);
	assert_vs_code(vsnap__vs_login(c), VSNAP_ENETWORK);
	assert_non_null(strstr(vsnap_error_last()->message, "malformed"));
	vsnap__vs_close(c);
	snprintf(fixture_dir, sizeof(fixture_dir), "%s/http-503", getenv("VSNAP_FIXTURES"));
	o.url = "https://esx.invalid/sdk";
	o.replay_dir = fixture_dir;
	c = NULL;
	assert_vs_code(vsnap__vs_open(&c, &o), VSNAP_ENETWORK);
	assert_non_null(strstr(vsnap_error_last()->message, "503"));
	assert_null(c);
}

/* A server that accepts and never answers. */
static void *silent_server(void *arg)
{
	int fd = *(int *)arg, peer = accept(fd, NULL, NULL);
	char buf[4096];

	while (peer >= 0 && read(peer, buf, sizeof(buf)) > 0)
		;
	if (peer >= 0)
		close(peer);
	return NULL;
}

static void test_vs_replay__slow_server_times_out(void **state)
{
	struct sockaddr_in a = { 0 };
	socklen_t alen = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	vsnap_vs_client *c = NULL;
	vsnap_vs_options o = { 0 };
	char url[128];
	pthread_t t;

	(void)state;
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 1), 0);
	getsockname(fd, (struct sockaddr *)&a, &alen);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/sdk", ntohs(a.sin_port));
	assert_int_equal(pthread_create(&t, NULL, silent_server, &fd), 0);
	o.url = url;
	o.request_timeout_ms = 500;
	assert_vs_code(vsnap__vs_open(&c, &o), VSNAP_ETIMEOUT);
	assert_non_null(strstr(vsnap_error_last()->message, "RetrieveServiceContent"));
	pthread_join(t, NULL);
	close(fd);
}

static int grep_dir(const char *dir, const char *needle)
{
	char cmd[2048];

	snprintf(cmd, sizeof(cmd), "grep -rqF -- '%s' '%s'", needle, dir);
	return system(cmd) == 0;
}

static void log_line(const char *line, void *payload)
{
	FILE *f = payload;

	fprintf(f, "%s\n", line);
}

/* Record a vcsim session: no password or session key anywhere; then replay it offline. */
static void test_vs_replay__record_then_replay(void **state)
{
	vsnap_vcsim sim;
	vsnap_vcsim_opts so = { NULL, "root", "S3cr3t-Pa55" };
	char dir[] = "/tmp/vsnap-record-XXXXXX", logpath[300], cmd[400];
	vsnap_vs_client *c = NULL;
	vsnap_vs_options o = { 0 };
	vsnap_vs_vm *vms = NULL;
	vsnap_vs_moref snap;
	vsnap_vs_vm_info *info = NULL;
	char *key = NULL;
	size_t n = 0;
	FILE *log;
	int rc;

	(void)state;
	if ((rc = vsnap_vcsim_start(&sim, VSNAP_VCSIM_ESX, &so)) == 77)
		skip();
	assert_int_equal(rc, 0);
	assert_non_null(mkdtemp(dir));
	snprintf(logpath, sizeof(logpath), "%s.log", dir);
	log = fopen(logpath, "w");
	o.url = sim.url;
	o.user = "root";
	o.password = "S3cr3t-Pa55";
	o.no_verify = 1;
	o.record_dir = dir;
	o.log_cb = log_line;
	o.log_payload = log;
	assert_vs_ok(vsnap__vs_open(&c, &o));
	assert_vs_ok(vsnap__vs_login(c));
	key = strdup(c->session_key);
	assert_vs_ok(vsnap__vs_vm_list(&vms, &n, c));
	assert_vs_ok(vsnap__vs_snapshot_create(&snap, c, &vms[0].moref, "rec", "recorded", 0, 0));
	assert_vs_ok(vsnap__vs_vm_info(&info, c, &vms[0].moref, 0));
	assert_string_equal(info->current.value, snap.value);
	vsnap__vs_vm_info_free(info);
	assert_vs_ok(vsnap__vs_logout(c));
	vsnap__vs_close(c);
	fclose(log);
	vsnap_vcsim_stop(&sim);
	assert_true(strlen(key) > 8);
	assert_false(grep_dir(dir, "S3cr3t-Pa55"));
	assert_false(grep_dir(dir, key));
	assert_false(grep_dir(logpath, "S3cr3t-Pa55"));
	assert_false(grep_dir(logpath, key));
	assert_true(grep_dir(dir, "(redacted)"));

	/* Replay with the simulator gone: the same answers. */
	o.record_dir = NULL;
	o.replay_dir = dir;
	o.no_verify = 0;
	o.log_cb = NULL;
	o.password = "another";
	assert_vs_ok(vsnap__vs_open(&c, &o));
	assert_vs_ok(vsnap__vs_login(c));
	vsnap__vs_vms_free(vms, n);
	assert_vs_ok(vsnap__vs_vm_list(&vms, &n, c));
	vsnap__vs_moref_clear(&snap);
	assert_vs_ok(vsnap__vs_snapshot_create(&snap, c, &vms[0].moref, "rec", "recorded", 0, 0));
	assert_vs_ok(vsnap__vs_vm_info(&info, c, &vms[0].moref, 0));
	assert_string_equal(info->current.value, snap.value);
	assert_string_equal(info->roots[0].name, "rec");
	vsnap__vs_vm_info_free(info);
	vsnap__vs_close(c);
	vsnap__vs_vms_free(vms, n);
	vsnap__vs_moref_clear(&snap);
	free(key);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", dir, logpath);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vs_replay__esx_task_progress),
		cmocka_unit_test(test_vs_replay__unexpected_request),
		cmocka_unit_test(test_vs_replay__session_expiry),
		cmocka_unit_test(test_vs_replay__paged_results),
		cmocka_unit_test(test_vs_replay__broken_replies),
		cmocka_unit_test(test_vs_replay__slow_server_times_out),
		cmocka_unit_test(test_vs_replay__record_then_replay),
	};

	if (!getenv("VSNAP_FIXTURES")) {
		fprintf(stderr, "skipped: VSNAP_FIXTURES not set\n");
		return 77;
	}
	return cmocka_run_group_tests_name("replay", tests, NULL, NULL);
}

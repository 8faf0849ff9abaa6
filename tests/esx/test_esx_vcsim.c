/*
 * The ESX driver through the public library API against vcsim (ESX and vCenter models):
 * TLS by cafile and by pinned thumbprint, request accounting (conn vs the simulator's trace),
 * lookup + forest in one read, lookup by name/UUID/MoRef, create/revert/delete semantics,
 * refusals (metadata-only delete, redefine, duplicate names), and record -> replay of a whole
 * session through the driver with the simulator gone.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vsphere/test_vs_common.h"
#include "vsphere/vcsim_harness.h"
#include "vsnap/vsnap.h"

typedef struct {
	vsnap_vcsim sim;
	char uri[512];
	vsnap_conn *conn;
	char *vm;        /* first VM's name */
} fixture;

static int open_conn(vsnap_conn **out, const char *uri, const char *record, const char *replay)
{
	vsnap_conn_options o;

	vsnap_conn_options_init(&o, VSNAP_CONN_OPTIONS_VERSION);
	o.record_dir = record;
	o.replay_dir = replay;
	return vsnap_conn_open(out, uri, &o);
}

static int setup_model(void **state, vsnap_vcsim_model model)
{
	fixture *f = calloc(1, sizeof(*f));
	vsnap_vcsim_opts so = { NULL, "root", "pass" };
	vsnap_domain_info *list = NULL;
	size_t n = 0;
	int rc;

	setenv("VSNAP_PASSWORD", "pass", 1);
	setenv("VSNAP_AUTH_FILE", "/nonexistent", 1);
	if ((rc = vsnap_vcsim_start(&f->sim, model, &so)) != 0) {
		free(f);
		if (rc == 77)
			exit(77);
		return -1;
	}
	/* https://127.0.0.1:PORT/sdk -> esx://root@127.0.0.1:PORT/?cafile=CERT */
	snprintf(f->uri, sizeof(f->uri), "%s://root@%s", model == VSNAP_VCSIM_ESX ? "esx" : "vpx",
		f->sim.url + strlen("https://"));
	*strstr(f->uri, "/sdk") = '\0';
	strcat(f->uri, model == VSNAP_VCSIM_ESX ? "/" : "/DC0/DC0_C0/DC0_C0_H0");
	strcat(f->uri, "?cafile=");
	strcat(f->uri, f->sim.certfile);
	if (open_conn(&f->conn, f->uri, NULL, NULL) < 0 ||
	    vsnap_domain_list(&list, &n, f->conn, 0) < 0 || n == 0) {
		fprintf(stderr, "setup: %s\n", vsnap_error_last()->message);
		vsnap_conn_close(f->conn);
		vsnap_vcsim_stop(&f->sim);
		free(f);
		return -1;
	}
	f->vm = strdup(list[0].name);
	vsnap_domain_info_list_free(list, n);
	*state = f;
	return 0;
}

static int setup_esx(void **state) { return setup_model(state, VSNAP_VCSIM_ESX); }
static int setup_vpx(void **state) { return setup_model(state, VSNAP_VCSIM_VPX); }

static int teardown(void **state)
{
	fixture *f = *state;

	vsnap_conn_close(f->conn);
	vsnap_vcsim_stop(&f->sim);
	free(f->vm);
	free(f);
	return 0;
}

/*
 * The connection's count and the simulator's trace agree, and lookup + forest by name is two
 * requests: the names of the VMs, then ONE read of that VM, which the forest reuses.
 */
static void requests_and_one_read(void **state)
{
	fixture *f = *state;
	vsnap_domain *dom = NULL;
	vsnap_forest *forest = NULL;
	unsigned long before;

	assert_int_equal((int)vsnap_conn_request_count(f->conn), vsnap_vcsim_requests(&f->sim));
	before = vsnap_conn_request_count(f->conn);
	assert_vs_ok(vsnap_domain_lookup(&dom, f->conn, f->vm));
	assert_vs_ok(vsnap_forest_get(&forest, dom));
	assert_int_equal(vsnap_conn_request_count(f->conn) - before, 2);
	assert_int_equal((int)vsnap_conn_request_count(f->conn), vsnap_vcsim_requests(&f->sim));
	vsnap_forest_free(forest);
	/* A second read is not served from the cache once something was sent in between. */
	assert_vs_ok(vsnap_snapshot_create(NULL, dom, "r1", NULL, 0));
	assert_vs_ok(vsnap_forest_get(&forest, dom));
	assert_int_equal(vsnap_forest_count(forest), 1);
	assert_string_equal(vsnap_snapshot_name(vsnap_forest_current(forest)), "r1");
	vsnap_forest_free(forest);
	assert_vs_ok(vsnap_snapshot_delete_all(dom, 0));
	assert_int_equal((int)vsnap_conn_request_count(f->conn), vsnap_vcsim_requests(&f->sim));
	vsnap_domain_free(dom);
}

static void lookup_keys(void **state)
{
	fixture *f = *state;
	vsnap_domain *a = NULL, *b = NULL, *c = NULL;

	assert_vs_ok(vsnap_domain_lookup(&a, f->conn, f->vm));
	assert_vs_ok(vsnap_domain_lookup(&b, f->conn, vsnap_domain_uuid(a)));
	assert_vs_ok(vsnap_domain_lookup(&c, f->conn, vsnap_domain_id(a)));
	assert_string_equal(vsnap_domain_id(b), vsnap_domain_id(a));
	assert_string_equal(vsnap_domain_name(c), f->vm);
	vsnap_domain_free(a);
	vsnap_domain_free(b);
	vsnap_domain_free(c);
	assert_vs_code(vsnap_domain_lookup(&a, f->conn, "no-such-vm"), VSNAP_ENOTFOUND);
	assert_non_null(strstr(vsnap_error_last()->message, "no-such-vm"));
}

/* s1 -> s2 -> s3, revert s1, s1 -> t1: a tree with parents by MoRef. */
static void tree_semantics(void **state)
{
	fixture *f = *state;
	vsnap_domain *dom = NULL;
	vsnap_forest *forest = NULL;
	vsnap_snapshot *s = NULL;
	vsnap_domain_info info;
	char *name = NULL;

	assert_vs_ok(vsnap_domain_lookup(&dom, f->conn, f->vm));
	assert_vs_ok(vsnap_snapshot_create(&name, dom, "s1", "one", 0));
	assert_string_equal(name, "s1");
	vsnap_string_free(name);
	assert_vs_ok(vsnap_snapshot_create(NULL, dom, "s2", NULL, VSNAP_SNAPSHOT_CREATE_QUIESCE));
	assert_vs_ok(vsnap_snapshot_create(NULL, dom, "s3", NULL, VSNAP_SNAPSHOT_CREATE_DISK_ONLY));
	assert_vs_code(vsnap_snapshot_create(NULL, dom, "s3", NULL, 0), VSNAP_EEXISTS);
	assert_vs_code(vsnap_snapshot_create_xml(NULL, dom,
		"<domainsnapshot><name>x</name><state>running</state>"
		"<creationTime>1700000000</creationTime></domainsnapshot>",
		VSNAP_SNAPSHOT_CREATE_REDEFINE),
		VSNAP_EUNSUPPORTED);
	assert_non_null(strstr(vsnap_error_last()->message, "cannot redefine"));
	assert_vs_ok(vsnap_snapshot_revert(dom, "s1", 0));
	assert_vs_ok(vsnap_snapshot_create(NULL, dom, "t1", NULL, 0));
	assert_vs_ok(vsnap_forest_get(&forest, dom));
	assert_int_equal(vsnap_forest_count(forest), 4);
	assert_vs_ok(vsnap_forest_lookup(&s, forest, "t1"));
	assert_string_equal(vsnap_snapshot_name(vsnap_snapshot_parent(s)), "s1");
	assert_true(vsnap_snapshot_is_current(s));
	assert_vs_ok(vsnap_forest_lookup(&s, forest, "s1"));
	assert_int_equal(vsnap_snapshot_child_count(s), 2);
	assert_int_equal(vsnap_snapshot_descendant_count(s), 3);
	assert_string_equal(vsnap_snapshot_description(s), "one");
	/* vcsim records the VM's power state whatever `memory` says: running, with memory. */
	assert_int_equal(vsnap_snapshot_state(s), VSNAP_SNAPSHOT_RUNNING);
	assert_vs_ok(vsnap_forest_lookup(&s, forest, "s1/s2"));
	assert_int_equal(vsnap_snapshot_quiesced(s), 1);
	vsnap_forest_free(forest);

	/* --paused: suspended afterwards; --running: powered on again. */
	assert_vs_ok(vsnap_snapshot_revert(dom, "s2", VSNAP_SNAPSHOT_REVERT_PAUSED));
	assert_vs_ok(vsnap_domain_get_info(&info, dom));
	assert_int_equal(info.state, VSNAP_DOMAIN_PAUSED);
	vsnap_domain_info_clear(&info);
	assert_vs_ok(vsnap_snapshot_revert(dom, "s2", VSNAP_SNAPSHOT_REVERT_RUNNING));
	assert_vs_ok(vsnap_domain_get_info(&info, dom));
	assert_int_equal(info.state, VSNAP_DOMAIN_RUNNING);
	vsnap_domain_info_clear(&info);

	assert_vs_code(vsnap_snapshot_delete(dom, "s2", VSNAP_SNAPSHOT_DELETE_METADATA_ONLY),
		VSNAP_EUNSUPPORTED);
	assert_non_null(strstr(vsnap_error_last()->message, "metadata from data"));
	/* children-only keeps s1, drops s2, s3 and t1 */
	assert_vs_ok(vsnap_snapshot_delete(dom, "s1", VSNAP_SNAPSHOT_DELETE_CHILDREN_ONLY));
	assert_vs_ok(vsnap_forest_get(&forest, dom));
	assert_int_equal(vsnap_forest_count(forest), 1);
	assert_string_equal(vsnap_snapshot_name(vsnap_forest_at(forest, 0)), "s1");
	vsnap_forest_free(forest);
	assert_vs_ok(vsnap_snapshot_delete(dom, "s1", VSNAP_SNAPSHOT_DELETE_NO_CONSOLIDATE));
	assert_vs_ok(vsnap_forest_get(&forest, dom));
	assert_int_equal(vsnap_forest_count(forest), 0);
	vsnap_forest_free(forest);
	vsnap_domain_free(dom);
}

/* --halt powers off; reverting the running VM to... is checked on fixtures (vcsim records
 * poweredOn for everything). Here: a snapshot of the powered-off VM reverts without --force. */
static void halt_and_offline(void **state)
{
	fixture *f = *state;
	vsnap_domain *dom = NULL;
	vsnap_domain_info info;
	vsnap_forest *forest = NULL;

	assert_vs_ok(vsnap_domain_lookup(&dom, f->conn, f->vm));
	assert_vs_ok(vsnap_snapshot_create(NULL, dom, "h", NULL, VSNAP_SNAPSHOT_CREATE_HALT));
	assert_vs_ok(vsnap_domain_get_info(&info, dom));
	assert_int_equal(info.state, VSNAP_DOMAIN_SHUTOFF);
	vsnap_domain_info_clear(&info);
	assert_vs_ok(vsnap_snapshot_create(NULL, dom, "off", NULL, 0));
	assert_vs_ok(vsnap_forest_get(&forest, dom));
	assert_int_equal(vsnap_snapshot_state(vsnap_forest_current(forest)), VSNAP_SNAPSHOT_SHUTOFF);
	assert_false(vsnap_snapshot_has_memory(vsnap_forest_current(forest)));
	vsnap_forest_free(forest);
	assert_vs_ok(vsnap_domain_start(dom, 0));
	/* running VM -> snapshot without memory: the safety valve, then --force */
	assert_vs_code(vsnap_snapshot_revert(dom, "off", 0), VSNAP_EOPERATION);
	assert_non_null(strstr(vsnap_error_last()->message, "--force"));
	assert_vs_ok(vsnap_snapshot_revert(dom, "off", VSNAP_SNAPSHOT_REVERT_FORCE));
	assert_vs_ok(vsnap_snapshot_delete_all(dom, 0));
	vsnap_domain_free(dom);
}

/* A whole session recorded, then replayed by the driver with the simulator stopped. */
static void record_then_replay(void **state)
{
	fixture *f = *state;
	char dir[] = "/tmp/vsnap-esx-rec-XXXXXX";
	vsnap_conn *c = NULL;
	vsnap_domain *dom = NULL;
	vsnap_forest *forest = NULL;
	char *tree[2] = { NULL, NULL };

	assert_non_null(mkdtemp(dir));
	for (int pass = 0; pass < 2; pass++) {
		assert_vs_ok(open_conn(&c, f->uri, pass ? NULL : dir, pass ? dir : NULL));
		assert_vs_ok(vsnap_domain_lookup(&dom, c, f->vm));
		assert_vs_ok(vsnap_snapshot_create(NULL, dom, "rec1", NULL, 0));
		assert_vs_ok(vsnap_forest_get(&forest, dom));
		assert_vs_ok(vsnap_forest_format_tree(&tree[pass], forest, NULL));
		vsnap_forest_free(forest);
		assert_vs_ok(vsnap_snapshot_delete(dom, "rec1", 0));
		vsnap_domain_free(dom);
		vsnap_conn_close(c);
		if (pass == 0)
			vsnap_vcsim_stop(&f->sim);   /* replay must not need the network */
	}
	assert_string_equal(tree[0], tree[1]);
	assert_non_null(strstr(tree[1], "rec1"));
	vsnap_string_free(tree[0]);
	vsnap_string_free(tree[1]);
	/* nothing secret in the recording */
	assert_int_equal(system("! grep -rq '>pass<' /tmp/vsnap-esx-rec-*"), 0);
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		assert_int_equal(system(cmd), 0);
	}
	/* the connection of the fixture talks to a stopped simulator: close it quietly */
}

static void on_progress(int percent, const char *what, void *payload)
{
	int *last = payload;

	assert_non_null(strstr(what, "Snapshot"));   /* CreateSnapshot_Task, RemoveSnapshot_Task */
	*last = percent;
}

/* Progress reaches the connection's callback; vsnap_conn_cancel() stops the next task. */
static void progress_and_cancel(void **state)
{
	fixture *f = *state;
	vsnap_conn_options o;
	vsnap_conn *c = NULL;
	vsnap_domain *dom = NULL;
	vsnap_forest *forest = NULL;
	int last = -2;

	vsnap_conn_options_init(&o, VSNAP_CONN_OPTIONS_VERSION);
	o.progress_cb = on_progress;
	o.progress_payload = &last;
	o.timeout_ms = 60000;
	assert_vs_ok(vsnap_conn_open(&c, f->uri, &o));
	assert_vs_ok(vsnap_domain_lookup(&dom, c, f->vm));
	assert_vs_ok(vsnap_snapshot_create(NULL, dom, "p1", NULL, 0));
	assert_int_equal(last, 100);
	vsnap_conn_cancel(c);
	assert_vs_code(vsnap_snapshot_create(NULL, dom, "p2", NULL, 0), VSNAP_ECANCELLED);
	assert_non_null(strstr(vsnap_error_last()->message, "cancelled"));
	/* the request stays in force until cleared; then the connection works again */
	assert_vs_code(vsnap_snapshot_create(NULL, dom, "p2", NULL, 0), VSNAP_ECANCELLED);
	vsnap_conn_cancel_clear(c);
	assert_vs_ok(vsnap_snapshot_create(NULL, dom, "p3", NULL, 0));
	assert_vs_ok(vsnap_snapshot_delete(dom, "p3", 0));
	vsnap_domain_free(dom);
	vsnap_conn_close(c);
	/* the cancelled task was CancelTask'ed or had finished: p1 is there either way */
	assert_vs_ok(vsnap_domain_lookup(&dom, f->conn, f->vm));
	assert_vs_ok(vsnap_forest_get(&forest, dom));
	assert_int_equal(vsnap_snapshot_child_count(vsnap_forest_at(forest, 0)) + 1,
		vsnap_forest_count(forest));
	assert_string_equal(vsnap_snapshot_name(vsnap_forest_at(forest, 0)), "p1");
	vsnap_forest_free(forest);
	vsnap_domain_free(dom);
}

static void tls_pin_and_refusals(void **state)
{
	fixture *f = *state;
	char fp[100], uri[700], *q;
	vsnap_conn *c = NULL;

	assert_int_equal(vsnap_vcsim_fingerprint(&f->sim, 0, fp, sizeof(fp)), 0);
	snprintf(uri, sizeof(uri), "%s", f->uri);
	q = strstr(uri, "?cafile=");
	snprintf(q, sizeof(uri) - (size_t)(q - uri), "?thumbprint=%s", fp);
	assert_vs_ok(open_conn(&c, uri, NULL, NULL));
	vsnap_conn_close(c);
	/* no cafile, no pin: the self-signed certificate is refused */
	*q = '\0';
	assert_vs_code(open_conn(&c, uri, NULL, NULL), VSNAP_ECERTIFICATE);
	/* the wrong scheme for this server */
	snprintf(uri, sizeof(uri), "%s", f->uri);
	memcpy(uri, strncmp(uri, "esx", 3) == 0 ? "vpx" : "esx", 3);
	if (strncmp(uri, "vpx", 3) == 0) {
		q = strstr(uri, "/?");
		memmove(q + strlen("/DC0/H0"), q + 1, strlen(q + 1) + 1);
		memcpy(q, "/DC0/H0", strlen("/DC0/H0"));
	} else {
		q = strstr(uri, "/DC0");
		memmove(q + 1, strchr(q, '?'), strlen(strchr(q, '?')) + 1);
	}
	assert_vs_code(open_conn(&c, uri, NULL, NULL), VSNAP_EUNSUPPORTED);
	assert_non_null(strstr(vsnap_error_last()->message, "vCenter"));
}

int main(void)
{
	const struct CMUnitTest esx[] = {
		cmocka_unit_test_setup_teardown(requests_and_one_read, setup_esx, teardown),
		cmocka_unit_test_setup_teardown(lookup_keys, setup_esx, teardown),
		cmocka_unit_test_setup_teardown(tree_semantics, setup_esx, teardown),
		cmocka_unit_test_setup_teardown(halt_and_offline, setup_esx, teardown),
		cmocka_unit_test_setup_teardown(tls_pin_and_refusals, setup_esx, teardown),
		cmocka_unit_test_setup_teardown(record_then_replay, setup_esx, teardown),
		cmocka_unit_test_setup_teardown(progress_and_cancel, setup_esx, teardown),
		cmocka_unit_test_setup_teardown(tree_semantics, setup_vpx, teardown),
		cmocka_unit_test_setup_teardown(lookup_keys, setup_vpx, teardown),
		cmocka_unit_test_setup_teardown(tls_pin_and_refusals, setup_vpx, teardown),
	};
	return cmocka_run_group_tests(esx, NULL, NULL);
}

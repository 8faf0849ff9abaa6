/*
 * ESX (vcsim) side of issue 17: revert --delete-children is RevertToSnapshot_Task plus one
 * RemoveSnapshot_Task per child subtree, reported as ONE operation (one name, percentages
 * rising to 100 once); --discard removes the snapshot too; per-snapshot <disks> choices and
 * moving metadata stay refused with the reason.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vsphere/test_vs_common.h"
#include "vsphere/vcsim_harness.h"
#include "vsnap/vsnap.h"

typedef struct {
	vsnap_vcsim sim;
	char uri[512];
	vsnap_conn *conn;
	vsnap_domain *dom;
	int reports, last, hundreds, decreased;
	char what[256];
	int names;       /* distinct `what` seen */
} fixture;

static void on_progress(int percent, const char *what, void *payload)
{
	fixture *f = payload;

	if (!f->reports || strcmp(f->what, what)) {
		f->names++;
		snprintf(f->what, sizeof(f->what), "%s", what);
	}
	if (f->reports && percent < f->last)
		f->decreased = 1;
	f->hundreds += percent == 100;
	f->last = percent;
	f->reports++;
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	vsnap_vcsim_opts so = { NULL, "root", "pass" };
	vsnap_conn_options o;
	vsnap_domain_info *list = NULL;
	size_t n = 0;
	int rc;

	setenv("VSNAP_PASSWORD", "pass", 1);
	setenv("VSNAP_AUTH_FILE", "/nonexistent", 1);
	if ((rc = vsnap_vcsim_start(&f->sim, VSNAP_VCSIM_ESX, &so)) != 0) {
		free(f);
		if (rc == 77)
			exit(77);
		return -1;
	}
	snprintf(f->uri, sizeof(f->uri), "esx://root@%s", f->sim.url + strlen("https://"));
	*strstr(f->uri, "/sdk") = '\0';
	strcat(f->uri, "/?cafile=");
	strcat(f->uri, f->sim.certfile);
	vsnap_conn_options_init(&o, VSNAP_CONN_OPTIONS_VERSION);
	o.progress_cb = on_progress;
	o.progress_payload = f;
	if (vsnap_conn_open(&f->conn, f->uri, &o) < 0 ||
	    vsnap_domain_list(&list, &n, f->conn, 0) < 0 || n == 0 ||
	    vsnap_domain_lookup(&f->dom, f->conn, list[0].name) < 0) {
		fprintf(stderr, "setup: %s\n", vsnap_error_last()->message);
		vsnap_domain_info_list_free(list, n);
		vsnap_conn_close(f->conn);
		vsnap_vcsim_stop(&f->sim);
		free(f);
		return -1;
	}
	vsnap_domain_info_list_free(list, n);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;

	vsnap_domain_free(f->dom);
	vsnap_conn_close(f->conn);
	vsnap_vcsim_stop(&f->sim);
	free(f);
	return 0;
}

static void reset_progress(fixture *f)
{
	f->reports = f->last = f->hundreds = f->decreased = f->names = 0;
	f->what[0] = '\0';
}

static size_t count(fixture *f, const char *current)
{
	vsnap_forest *forest = NULL;
	size_t n;

	assert_vs_ok(vsnap_forest_get(&forest, f->dom));
	n = vsnap_forest_count(forest);
	if (current) {
		assert_non_null(vsnap_forest_current(forest));
		assert_string_equal(vsnap_snapshot_name(vsnap_forest_current(forest)), current);
	}
	vsnap_forest_free(forest);
	return n;
}

static void delete_children_one_operation(void **state)
{
	fixture *f = *state;
	unsigned long before;

	/* s1 -> {s2 -> s3, t2}: two child subtrees below s1. */
	assert_vs_ok(vsnap_snapshot_create(NULL, f->dom, "s1", NULL, 0));
	assert_vs_ok(vsnap_snapshot_create(NULL, f->dom, "s2", NULL, 0));
	assert_vs_ok(vsnap_snapshot_create(NULL, f->dom, "s3", NULL, 0));
	assert_vs_ok(vsnap_snapshot_revert(f->dom, "s1", 0));
	assert_vs_ok(vsnap_snapshot_create(NULL, f->dom, "t2", NULL, 0));
	assert_int_equal(count(f, "t2"), 4);

	reset_progress(f);
	before = vsnap_conn_request_count(f->conn);
	assert_vs_ok(vsnap_snapshot_revert(f->dom, "s1", VSNAP_SNAPSHOT_REVERT_DELETE_CHILDREN));
	/* One operation: one name, never going back, 100 reached once, at the end. */
	assert_int_equal(f->names, 1);
	assert_non_null(strstr(f->what, "deleting its children"));
	assert_false(f->decreased);
	assert_int_equal(f->hundreds, 1);
	assert_int_equal(f->last, 100);
	assert_true(f->reports >= 3);   /* revert + two removals */
	/* The forest read, one revert, two removals, and their task waits: bounded. */
	assert_true(vsnap_conn_request_count(f->conn) - before <= 20);
	assert_int_equal(count(f, "s1"), 1);

	/* --discard --delete-children: revert, then one removal of s1 with its subtree. */
	assert_vs_ok(vsnap_snapshot_create(NULL, f->dom, "u2", NULL, 0));
	reset_progress(f);
	assert_vs_ok(vsnap_snapshot_revert(f->dom, "s1", VSNAP_SNAPSHOT_REVERT_DELETE_CHILDREN |
		VSNAP_SNAPSHOT_REVERT_DISCARD));
	assert_int_equal(f->names, 1);
	assert_int_equal(f->hundreds, 1);
	assert_int_equal(count(f, NULL), 0);
}

/* --discard alone, on a leaf: the snapshot goes, its parent stays. (With children it is a
 * RemoveSnapshot_Task of the current snapshot with removeChildren=false, which crashes
 * govmomi 0.24's simulator: "necessary data rewind wasn't possible"; QEMU tests it.) */
static void discard_leaf(void **state)
{
	fixture *f = *state;
	vsnap_forest *forest = NULL;
	vsnap_snapshot *s = NULL;

	assert_vs_ok(vsnap_snapshot_create(NULL, f->dom, "a", NULL, 0));
	assert_vs_ok(vsnap_snapshot_create(NULL, f->dom, "b", NULL, 0));
	reset_progress(f);
	assert_vs_ok(vsnap_snapshot_revert(f->dom, "b", VSNAP_SNAPSHOT_REVERT_DISCARD));
	assert_int_equal(f->names, 1);
	assert_int_equal(f->hundreds, 1);
	assert_vs_ok(vsnap_forest_get(&forest, f->dom));
	assert_int_equal(vsnap_forest_count(forest), 1);
	assert_vs_ok(vsnap_forest_lookup(&s, forest, "a"));
	vsnap_forest_free(forest);
	assert_vs_code(vsnap_snapshot_revert(f->dom, "nope",
		VSNAP_SNAPSHOT_REVERT_DELETE_CHILDREN), VSNAP_ENOTFOUND);
}

/* ESX picks disks by disk mode and keeps metadata with data: clear refusals. */
static void refusals(void **state)
{
	fixture *f = *state;
	vsnap_conn *q = NULL;
	char dir[] = "/tmp/vsesx.XXXXXX", uri[600];

	assert_vs_code(vsnap_snapshot_create_xml(NULL, f->dom, "<domainsnapshot><name>x</name>"
		"<disks><disk name='scsi0:0' snapshot='no'/></disks></domainsnapshot>", 0),
		VSNAP_EUNSUPPORTED);
	assert_non_null(strstr(vsnap_error_last()->message, "disk mode"));
	assert_vs_code(vsnap_snapshot_create_xml(NULL, f->dom, "<domainsnapshot><name>x</name>"
		"<disks><disk name='scsi0:0' snapshot='external'><source file='/x.vmdk'/></disk>"
		"</disks></domainsnapshot>", VSNAP_SNAPSHOT_CREATE_DISK_ONLY), VSNAP_EUNSUPPORTED);
	assert_int_equal(count(f, NULL), 0);

	assert_non_null(mkdtemp(dir));
	snprintf(uri, sizeof(uri), "qemu:///embed?root=%s", dir);
	assert_vs_ok(vsnap_conn_open(&q, uri, NULL));
	assert_vs_code(vsnap_snapshot_move(NULL, NULL, f->dom, q, 0), VSNAP_EUNSUPPORTED);
	assert_non_null(strstr(vsnap_error_last()->message, "esx"));
	vsnap_conn_close(q);
	snprintf(uri, sizeof(uri), "rm -rf '%s'", dir);
	assert_int_equal(system(uri), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(delete_children_one_operation, setup, teardown),
		cmocka_unit_test_setup_teardown(discard_leaf, setup, teardown),
		cmocka_unit_test_setup_teardown(refusals, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

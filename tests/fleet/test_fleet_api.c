/*
 * The fleet API as a C caller uses it (include/vsnap/fleet.h), on a QEMU embed root with
 * three shut-off domains: selection parsing, inventory, a fleet create with a failure, the
 * outcome JSON, a report with filters and its formats, a prune plan and its execution.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "vsnap/vsnap.h"

#define assert_vsnap_ok(expr) do { int rc_ = (expr); if (rc_ != 0) \
	fail_msg("%s: %d %s", #expr, rc_, vsnap_error_last()->message); } while (0)

typedef struct {
	char dir[64];
	char uri[128];
	vsnap_conn *conn;
} env;

static int setup(void **state)
{
	static const char *const names[] = { "web1", "web2", "db1" };
	env *e = calloc(1, sizeof(*e));
	char cmd[512], xml[1024];

	if (system("command -v qemu-img >/dev/null") != 0) {
		free(e);
		skip();
	}
	strcpy(e->dir, "/tmp/vsnap-fleet-XXXXXX");
	if (!mkdtemp(e->dir))
		return -1;
	snprintf(e->uri, sizeof(e->uri), "qemu:///embed?root=%s/root", e->dir);
	if (vsnap_conn_open(&e->conn, e->uri, NULL))
		return -1;
	for (int i = 0; i < 3; i++) {
		vsnap_domain *dom = NULL;

		snprintf(cmd, sizeof(cmd), "qemu-img create -q -f qcow2 %s/%s.qcow2 16M", e->dir,
			names[i]);
		if (system(cmd) != 0)
			return -1;
		snprintf(xml, sizeof(xml), "<domain type='qemu'><name>%s</name><memory unit='MiB'>"
			"64</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os><devices>"
			"<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source "
			"file='%s/%s.qcow2'/><target dev='vda' bus='virtio'/></disk></devices></domain>",
			names[i], e->dir, names[i]);
		if (vsnap_domain_define(&dom, e->conn, xml, 0))
			return -1;
		vsnap_domain_free(dom);
	}
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	env *e = *state;
	char cmd[128];

	vsnap_conn_close(e->conn);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", e->dir);
	if (system(cmd) != 0)
		return -1;
	free(e);
	return 0;
}

static void test_fleet__selection_list(void **state)
{
	vsnap_selection *sel = NULL;

	(void)state;
	assert_vsnap_ok(vsnap_selection_new(&sel));
	assert_true(vsnap_selection_is_empty(sel));
	assert_int_equal(vsnap_selection_add_list(sel, "# vms\n  web1 \n\n\tdb1\r\n#x\nlast"), 3);
	assert_false(vsnap_selection_is_empty(sel));
	assert_int_equal(vsnap_selection_add_key(sel, ""), VSNAP_EINVALID);
	assert_int_equal(vsnap_selection_add_glob(sel, NULL), VSNAP_EINVALID);
	vsnap_selection_free(sel);
}

static size_t count_status(const vsnap_fleet_result *res, int status)
{
	size_t n = 0;

	for (size_t i = 0; i < vsnap_fleet_result_count(res); i++)
		n += vsnap_fleet_result_at(res, i)->status == status;
	return n;
}

static void test_fleet__run_report_prune(void **state)
{
	env *e = *state;
	vsnap_selection *sel = NULL;
	vsnap_fleet_options fo;
	vsnap_fleet_result *res = NULL;
	vsnap_inventory *inv = NULL;
	vsnap_report *rep = NULL;
	vsnap_report_options ro = VSNAP_REPORT_OPTIONS_INIT;
	vsnap_prune_options po = VSNAP_PRUNE_OPTIONS_INIT;
	vsnap_prune_plan *plan = NULL;
	char *text = NULL;

	/* web* plus a key that names nothing: 2 done, 1 failed (not found). */
	assert_vsnap_ok(vsnap_selection_new(&sel));
	assert_vsnap_ok(vsnap_selection_add_glob(sel, "web*"));
	assert_vsnap_ok(vsnap_selection_add_key(sel, "nosuch"));
	assert_vsnap_ok(vsnap_fleet_options_init(&fo, VSNAP_FLEET_OPTIONS_VERSION));
	fo.op = VSNAP_FLEET_CREATE;
	fo.snapshot = "s1";
	fo.parallel = 2;
	assert_vsnap_ok(vsnap_fleet_run(&res, e->conn, sel, &fo));
	assert_int_equal(vsnap_fleet_result_count(res), 3);
	assert_int_equal(count_status(res, VSNAP_OUTCOME_DONE), 2);
	assert_int_equal(vsnap_fleet_result_failed(res), 1);
	assert_string_equal(vsnap_fleet_result_at(res, 2)->domain, "nosuch");
	assert_int_equal(vsnap_fleet_result_at(res, 2)->code, VSNAP_ENOTFOUND);
	assert_vsnap_ok(vsnap_fleet_result_json(&text, res));
	assert_non_null(strstr(text, "\"domain\": \"web1\", \"snapshot\": \"s1\", \"status\": \"done\""));
	assert_non_null(strstr(text, "\"error\": \"ENOTFOUND\""));
	vsnap_string_free(text);
	vsnap_fleet_result_free(res);

	/* A second snapshot on the web domains (s2, child of s1). */
	fo.snapshot = "s2";
	assert_vsnap_ok(vsnap_fleet_run(&res, e->conn, sel, &fo));
	vsnap_fleet_result_free(res);
	vsnap_selection_free(sel);

	/* The whole root: report, filters, formats. */
	assert_vsnap_ok(vsnap_selection_new(&sel));
	assert_vsnap_ok(vsnap_selection_add_all(sel));
	assert_vsnap_ok(vsnap_inventory_get(&inv, e->conn, sel, 0));
	assert_int_equal(vsnap_inventory_count(inv), 3);
	assert_string_equal(vsnap_inventory_name(inv, 0), "db1");
	assert_int_equal(vsnap_forest_count(vsnap_inventory_forest(inv, 0)), 0);
	ro.name_glob = "s2";
	assert_vsnap_ok(vsnap_report_build(&rep, inv, &ro));
	assert_int_equal(vsnap_report_count(rep), 2);
	assert_string_equal(vsnap_report_at(rep, 0)->path, "s1/s2");
	assert_true(vsnap_report_at(rep, 0)->current);
	assert_vsnap_ok(vsnap_report_format(&text, rep, VSNAP_REPORT_OPENMETRICS));
	assert_non_null(strstr(text, "vsnap_snapshots{domain=\"db1\"} 0\n"));
	assert_non_null(strstr(text, "vsnap_snapshots{domain=\"web2\"} 1\n"));
	vsnap_string_free(text);
	assert_int_equal(vsnap_report_format(&text, rep, 99), VSNAP_EINVALID);
	vsnap_report_free(rep);

	/* Prune: no rule is refused; keep 1 removes s1 from each web domain. */
	assert_int_equal(vsnap_prune_plan_build(&plan, inv, &po), VSNAP_EINVALID);
	po.keep_newest = 1;
	assert_vsnap_ok(vsnap_prune_plan_build(&plan, inv, &po));
	assert_int_equal(vsnap_prune_plan_count(plan), 2);
	assert_string_equal(vsnap_prune_plan_at(plan, 0)->name, "s1");
	assert_int_equal(vsnap_prune_plan_blocked_count(plan), 0);
	assert_vsnap_ok(vsnap_prune_execute(&res, e->conn, plan, NULL));
	assert_int_equal(vsnap_fleet_result_failed(res), 0);
	vsnap_fleet_result_free(res);
	vsnap_prune_plan_free(plan);
	vsnap_inventory_free(inv);

	assert_vsnap_ok(vsnap_inventory_get(&inv, e->conn, sel, 0));
	assert_int_equal(vsnap_forest_count(vsnap_inventory_forest(inv, 1)), 1);
	assert_string_equal(vsnap_snapshot_name(vsnap_forest_at(vsnap_inventory_forest(inv, 1), 0)),
		"s2");
	vsnap_inventory_free(inv);
	vsnap_selection_free(sel);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fleet__selection_list),
		cmocka_unit_test_setup_teardown(test_fleet__run_report_prune, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * The VMware Workstation folder backend over the synthetic folders of fixtures/workstation
 * (see its README): listing, lookup, info, domain XML, the snapshot forest of a .vmsd with a
 * duplicate display name, snapshot screenshots (beside and inside the .vmsn), the refusals
 * of every change, and damaged inputs (written to a scratch folder).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vsnap/vsnap.h"

#define assert_ok(expr) do { int rc_ = (expr); if (rc_ != 0) \
	fail_msg("%s -> %d: %s", #expr, rc_, vsnap_error_last()->message); } while (0)

static char lab[1024];

/* `prefix` then `path`: "vmwarews://" + "/abs/dir". */
static vsnap_conn *open_uri(const char *prefix, const char *path)
{
	char uri[1200];
	vsnap_conn *conn = NULL;

	snprintf(uri, sizeof(uri), "%s%s", prefix, path);
	assert_ok(vsnap_conn_open(&conn, uri, NULL));
	return conn;
}

static vsnap_domain *lookup(vsnap_conn *conn, const char *key)
{
	vsnap_domain *dom = NULL;
	assert_ok(vsnap_domain_lookup(&dom, conn, key));
	return dom;
}

static void list_and_info(void **state)
{
	vsnap_conn *conn = open_uri("vmwarews://", lab);
	vsnap_domain_info *list = NULL, info;
	vsnap_domain *dom;
	size_t n = 0;

	(void)state;
	assert_string_equal(vsnap_conn_driver(conn), "vmwarews");
	assert_ok(vsnap_domain_list(&list, &n, conn, 0));
	assert_int_equal(n, 3);
	assert_string_equal(list[0].name, "db01");
	assert_string_equal(list[0].id, "db01/db01.vmx");
	assert_int_equal(list[0].state, VSNAP_DOMAIN_RUNNING);     /* db01.vmx.lck */
	assert_string_equal(list[1].name, "old");
	assert_int_equal(list[1].state, VSNAP_DOMAIN_PAUSED);      /* checkpoint.vmState */
	assert_string_equal(list[2].name, "web01");
	assert_int_equal(list[2].state, VSNAP_DOMAIN_SHUTOFF);
	vsnap_domain_info_list_free(list, n);
	assert_ok(vsnap_domain_list(&list, &n, conn, VSNAP_LIST_DOMAINS_INACTIVE));
	assert_int_equal(n, 1);
	vsnap_domain_info_list_free(list, n);

	/* By name, UUID and id. */
	dom = lookup(conn, "564d0b6e-2a77-15c1-8e3a-1f5290aa0101");
	assert_string_equal(vsnap_domain_name(dom), "web01");
	vsnap_domain_free(dom);
	dom = lookup(conn, "db01/db01.vmx");
	assert_ok(vsnap_domain_get_info(&info, dom));
	assert_int_equal(info.memory_kib, 4096 * 1024);
	assert_int_equal(info.vcpus, 4);
	vsnap_domain_info_clear(&info);
	vsnap_domain_free(dom);
	assert_int_equal(vsnap_domain_lookup(&dom, conn, "nosuch"), VSNAP_ENOTFOUND);
	vsnap_conn_close(conn);

	/* One VM folder, and the session form with root=. */
	char one[1100];
	snprintf(one, sizeof(one), "%s/web01", lab);
	conn = open_uri("vmwareplayer:///session?root=", one);
	assert_ok(vsnap_domain_list(&list, &n, conn, 0));
	assert_int_equal(n, 1);
	assert_string_equal(list[0].id, "web01.vmx");
	vsnap_domain_info_list_free(list, n);
	vsnap_conn_close(conn);
}

static void domain_xml(void **state)
{
	vsnap_conn *conn = open_uri("vmwarefusion://", lab);
	vsnap_domain *dom = lookup(conn, "web01");
	char *xml = NULL, want[1200];

	(void)state;
	assert_ok(vsnap_domain_get_xml(&xml, dom, 0));
	assert_non_null(strstr(xml, "<name>web01</name>"));
	/* A bare disk name lives in the VM's folder. */
	snprintf(want, sizeof(want), "<source file='%s/web01/web01-000002.vmdk'/>", lab);
	assert_non_null(strstr(xml, want));
	vsnap_string_free(xml);
	vsnap_domain_free(dom);
	vsnap_conn_close(conn);
}

static void forest(void **state)
{
	vsnap_conn *conn = open_uri("vmwarews://", lab);
	vsnap_domain *dom = lookup(conn, "web01"), *db = lookup(conn, "db01");
	vsnap_forest *f = NULL;
	vsnap_snapshot *s = NULL;
	char *xml = NULL;

	(void)state;
	assert_ok(vsnap_forest_get(&f, dom));
	assert_int_equal(vsnap_forest_count(f), 4);
	s = vsnap_forest_current(f);
	assert_non_null(s);
	assert_string_equal(vsnap_snapshot_name(s), "After update");
	assert_string_equal(vsnap_snapshot_id(s), "3");
	assert_string_equal(vsnap_snapshot_description(s), "kernel 6.5\nservices restarted");
	assert_int_equal(vsnap_snapshot_state(s), VSNAP_SNAPSHOT_RUNNING);
	assert_true(vsnap_snapshot_has_memory(s));
	assert_string_equal(vsnap_snapshot_name(vsnap_snapshot_parent(s)), "Before update");
	/* Two snapshots share a display name: the .vmsd reader names the later one after its
	 * uid (with a warning), so each name means one snapshot; the uid finds it too. */
	assert_ok(vsnap_forest_lookup(&s, f, "Before update"));
	assert_string_equal(vsnap_snapshot_id(s), "2");
	assert_ok(vsnap_forest_lookup(&s, f, "Before update (uid 4)"));
	assert_string_equal(vsnap_snapshot_id(s), "4");
	assert_ok(vsnap_forest_lookup(&s, f, "4"));
	assert_int_equal(vsnap_snapshot_state(s), VSNAP_SNAPSHOT_SHUTOFF);
	assert_int_equal(vsnap_snapshot_child_count(s), 0);
	assert_ok(vsnap_forest_lookup(&s, f, "Fresh install"));
	assert_int_equal(vsnap_snapshot_child_count(s), 2);
	assert_int_equal(vsnap_snapshot_creation_time(s), 1746688882);
	assert_ok(vsnap_snapshot_get_xml(&xml, s, 0));
	assert_non_null(strstr(xml, "<state>shutoff</state>"));
	/* disks by the domain's target names, as vmsd2xml writes them (schema-valid) */
	assert_non_null(strstr(xml, "<disk name='sda' snapshot='internal'/>"));
	vsnap_string_free(xml);
	vsnap_forest_free(f);
	/* No .vmsd: no snapshots. */
	assert_ok(vsnap_forest_get(&f, db));
	assert_int_equal(vsnap_forest_count(f), 0);
	assert_null(vsnap_forest_current(f));
	vsnap_forest_free(f);
	vsnap_domain_free(db);
	vsnap_domain_free(dom);
	vsnap_conn_close(conn);
}

static unsigned png_width(const unsigned char *p)
{
	return (unsigned)p[16] << 24 | p[17] << 16 | p[18] << 8 | p[19];
}

static void screenshots(void **state)
{
	vsnap_conn *conn = open_uri("vmwarews://", lab);
	vsnap_domain *dom = lookup(conn, "web01");
	unsigned char *img = NULL;
	size_t n = 0;
	const char *mime = NULL;

	(void)state;
	/* Beside the .vmsn (16 pixels wide) wins over the one inside it. */
	assert_ok(vsnap_snapshot_screenshot(&img, &n, &mime, dom, "After update", 0));
	assert_string_equal(mime, "image/png");
	assert_int_equal(n, 78);
	assert_int_equal(png_width(img), 16);
	vsnap_buffer_free(img);
	/* Inside the .vmsn: exactly the PNG stream, up to IEND. */
	assert_ok(vsnap_snapshot_screenshot(&img, &n, &mime, dom, "2", 0));
	assert_int_equal(png_width(img), 8);
	assert_memory_equal(img + n - 8, "IEND", 4);
	vsnap_buffer_free(img);
	assert_int_equal(vsnap_snapshot_screenshot(&img, &n, &mime, dom, "Fresh install", 0),
		VSNAP_ENOTFOUND);
	assert_non_null(strstr(vsnap_error_last()->message, "not running"));
	assert_int_equal(vsnap_domain_screenshot(&img, &n, &mime, dom, 0, 0), VSNAP_EUNSUPPORTED);
	assert_non_null(strstr(vsnap_error_last()->message, "vmrun is not available"));
	vsnap_domain_free(dom);
	vsnap_conn_close(conn);
}

static void changes_refused(void **state)
{
	vsnap_conn *conn = open_uri("vmwarews://", lab);
	vsnap_domain *dom = lookup(conn, "web01");
	vsnap_domain *out = NULL;

	(void)state;
#define REFUSED(expr) do { assert_int_equal((expr), VSNAP_EUNSUPPORTED); \
	assert_non_null(strstr(vsnap_error_last()->message, \
		"read-only backend: vmrun is not available")); } while (0)
	REFUSED(vsnap_snapshot_create(NULL, dom, "new", NULL, 0));
	REFUSED(vsnap_snapshot_revert(dom, "After update", 0));
	REFUSED(vsnap_snapshot_delete(dom, "After update", 0));
	REFUSED(vsnap_snapshot_edit(dom, "After update", "x", NULL));
	REFUSED(vsnap_snapshot_delete_all(dom, 0));
	REFUSED(vsnap_domain_start(dom, 0));
	REFUSED(vsnap_domain_destroy(dom, 0));
	REFUSED(vsnap_domain_undefine(dom, 0));
	REFUSED(vsnap_domain_define(&out, conn, "<domain type='vmware'><name>n</name></domain>", 0));
#undef REFUSED
	vsnap_domain_free(dom);
	vsnap_conn_close(conn);
}

/* Scratch copies with one thing broken each. */
static void damaged(void **state)
{
	char dir[] = "/tmp/vsnap-ws-XXXXXX", cmd[4096];
	vsnap_conn *conn;
	vsnap_domain *dom;
	vsnap_forest *f = NULL;
	unsigned char *img = NULL;
	size_t n = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd), "cp -r '%s/web01' '%s/' && cd '%s/web01' && "
		/* a parent uid that does not exist */
		"sed -i 's/^snapshot3.parent = \"1\"/snapshot3.parent = \"9\"/' web01.vmsd && "
		/* a PNG inside the .vmsn cut after its signature and IHDR */
		"head -c 470 web01-Snapshot2.vmsn > t && mv t web01-Snapshot2.vmsn", lab, dir, dir);
	assert_int_equal(system(cmd), 0);
	conn = open_uri("vmwarews://", dir);
	dom = lookup(conn, "web01");
	assert_int_equal(vsnap_forest_get(&f, dom), VSNAP_EPARSE);
	assert_non_null(strstr(vsnap_error_last()->message, "parent uid 9"));
	snprintf(cmd, sizeof(cmd), "sed -i 's/^snapshot3.parent = \"9\"/snapshot3.parent = \"1\"/' "
		"'%s/web01/web01.vmsd'", dir);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(vsnap_snapshot_screenshot(&img, &n, NULL, dom, "2", 0), VSNAP_EPARSE);
	assert_non_null(strstr(vsnap_error_last()->message, "cut short"));
	assert_null(img);
	vsnap_domain_free(dom);
	vsnap_conn_close(conn);
	/* A root that does not exist, a relative root, and a host. */
	snprintf(cmd, sizeof(cmd), "vmwarews://%s/nosuch", dir);
	assert_int_not_equal(vsnap_conn_open(&conn, cmd, NULL), 0);
	assert_int_equal(vsnap_conn_open(&conn, "vmwarews:///session?root=rel/dir", NULL),
		VSNAP_EINVALID);
	assert_int_equal(vsnap_conn_open(&conn, "vmwarews://host/vms", NULL), VSNAP_EUNSUPPORTED);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const char *src = getenv("VSNAP_SRC");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(list_and_info),
		cmocka_unit_test(domain_xml),
		cmocka_unit_test(forest),
		cmocka_unit_test(screenshots),
		cmocka_unit_test(changes_refused),
		cmocka_unit_test(damaged),
	};

	if (!src) {
		fprintf(stderr, "VSNAP_SRC is not set\n");
		return 1;
	}
	snprintf(lab, sizeof(lab), "%s/fixtures/workstation/lab", src);
	return cmocka_run_group_tests(tests, NULL, NULL);
}

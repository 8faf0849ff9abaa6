/*
 * The public snapshot API through an in-memory driver: flag rules, key resolution, what the
 * driver is handed, unsupported entries, and error prefixes.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/driver.h"
#include "snapshot/memdriver.h"
#include "snapshot/snapshot_test_util.h"

static vsnap_conn conn;
static vsnap_domain dom;

static int setup(void **state)
{
	(void)state;
	memdriver_reset();
	memset(&conn, 0, sizeof(conn));
	memset(&dom, 0, sizeof(dom));
	conn.driver = &memdriver;
	dom.conn = &conn;
	dom.info.name = "web01";
	dom.info.id = "vm-42";
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	memdriver_reset();
	return 0;
}

static void assert_error(int rc, int code, const char *needle1, const char *needle2)
{
	const char *msg = vsnap_error_last()->message;

	if (rc != code)
		fail_msg("got %d (%s), want %d", rc, msg, code);
	if (!strstr(msg, needle1) || (needle2 && !strstr(msg, needle2)))
		fail_msg("message '%s' lacks '%s' / '%s'", msg, needle1, needle2 ? needle2 : "");
}

static void test_snapshot_api__forest_get(void **state)
{
	vsnap_forest *f = NULL;

	(void)state;
	assert_vsnap_ok(vsnap_forest_get(&f, &dom));
	assert_int_equal(memlog.loads, 1);
	assert_int_equal(vsnap_forest_count(f), 10);
	assert_string_equal(vsnap_snapshot_name(vsnap_forest_current(f)), "child");
	vsnap_forest_free(f);

	memlog.fail_code = VSNAP_ENETWORK;
	assert_error(vsnap_forest_get(&f, &dom), VSNAP_ENETWORK,
		"listing snapshots of domain 'web01': ", "load failed");
	assert_null(f);
	assert_int_equal(vsnap_error_last()->klass, VSNAP_ERRCLASS_ESX);
}

static void test_snapshot_api__create_xml(void **state)
{
	const char *in = "<domainsnapshot><description>before &amp; after</description>"
		"<memory snapshot='no'/><disks><disk name='vda' snapshot='internal'/></disks>"
		"</domainsnapshot>";
	char *name = NULL;

	(void)state;
	assert_vsnap_ok(vsnap_snapshot_create_xml(&name, &dom, in,
		VSNAP_SNAPSHOT_CREATE_DISK_ONLY | VSNAP_SNAPSHOT_CREATE_QUIESCE));
	assert_string_equal(memlog.op, "create");
	assert_int_equal(memlog.flags,
		VSNAP_SNAPSHOT_CREATE_DISK_ONLY | VSNAP_SNAPSHOT_CREATE_QUIESCE);
	/* The generated name is the creation time, in decimal. */
	assert_non_null(name);
	assert_true(strspn(name, "0123456789") == strlen(name));
	assert_string_equal(memlog.def->name, name);
	assert_int_equal(memlog.def->creation_time, strtoll(name, NULL, 10));
	assert_string_equal(memlog.def->description, "before & after");
	assert_int_equal(memlog.def->ndisks, 1);
	free(name);
	name = NULL;

	/* No XML: all defaults. */
	assert_vsnap_ok(vsnap_snapshot_create_xml(&name, &dom, NULL, 0));
	assert_non_null(name);
	assert_null(memlog.def->description);
	free(name);
	name = NULL;

	/* Redefine keeps everything, CURRENT rides along. */
	assert_vsnap_ok(vsnap_snapshot_create_xml(NULL, &dom,
		"<domainsnapshot><name>old</name><state>disk-snapshot</state>"
		"<creationTime>99</creationTime><parent><name>base</name></parent></domainsnapshot>",
		VSNAP_SNAPSHOT_CREATE_REDEFINE | VSNAP_SNAPSHOT_CREATE_CURRENT |
		VSNAP_SNAPSHOT_CREATE_DISK_ONLY));
	assert_string_equal(memlog.def->parent, "base");
	assert_int_equal(memlog.def->creation_time, 99);
}

/* VALIDATE checks the input against libvirt's own schema before anything is created. */
static void test_snapshot_api__create_validate(void **state)
{
	(void)state;
	if (access("/usr/share/libvirt/schemas/domainsnapshot.rng", R_OK) != 0) {
		print_message("SKIP: libvirt's schemas are not installed\n");
		skip();
	}
	memlog.op = NULL;
	assert_vsnap_ok(vsnap_snapshot_create_xml(NULL, &dom,
		"<domainsnapshot><name>ok</name><description>d</description></domainsnapshot>",
		VSNAP_SNAPSHOT_CREATE_VALIDATE));
	assert_string_equal(memlog.op, "create");
	memlog.op = NULL;
	/* parses (unknown elements are ignored as libvirt does) but is not schema-valid */
	assert_error(vsnap_snapshot_create_xml(NULL, &dom,
		"<domainsnapshot><name>x</name><bogus/></domainsnapshot>",
		VSNAP_SNAPSHOT_CREATE_VALIDATE), VSNAP_EPARSE, "does not match libvirt's schema", "line 1");
	assert_null(memlog.op);
	setenv("VSNAP_SCHEMA_DIR", "/nonexistent", 1);
	assert_error(vsnap_snapshot_create_xml(NULL, &dom, "<domainsnapshot/>",
		VSNAP_SNAPSHOT_CREATE_VALIDATE), VSNAP_EUNSUPPORTED, "is not installed", NULL);
	unsetenv("VSNAP_SCHEMA_DIR");
}

static void test_snapshot_api__create_flag_rules(void **state)
{
	const char *running = "<domainsnapshot><name>r</name><state>running</state>"
		"<creationTime>1</creationTime></domainsnapshot>";
	char *name = (char *)"untouched";

	(void)state;
	assert_error(vsnap_snapshot_create_xml(&name, &dom, NULL, VSNAP_SNAPSHOT_CREATE_CURRENT),
		VSNAP_EINVALID, "domain 'web01'", "requires the 'redefine' flag");
	assert_null(name);
	assert_error(vsnap_snapshot_create_xml(NULL, &dom, running,
		VSNAP_SNAPSHOT_CREATE_REDEFINE | VSNAP_SNAPSHOT_CREATE_NO_METADATA),
		VSNAP_EINVALID, "'no-metadata'", NULL);
	assert_error(vsnap_snapshot_create_xml(NULL, &dom, running,
		VSNAP_SNAPSHOT_CREATE_REDEFINE | VSNAP_SNAPSHOT_CREATE_HALT),
		VSNAP_EINVALID, "'halt'", NULL);
	assert_error(vsnap_snapshot_create_xml(NULL, &dom, NULL, 1u << 20), VSNAP_EINVALID,
		"unknown snapshot creation flags 0x100000", NULL);
	assert_error(vsnap_snapshot_create_xml(NULL, &dom, NULL, VSNAP_SNAPSHOT_CREATE_REDEFINE),
		VSNAP_EINVALID, "needs its XML", NULL);
	assert_error(vsnap_snapshot_create_xml(NULL, &dom, running,
		VSNAP_SNAPSHOT_CREATE_REDEFINE | VSNAP_SNAPSHOT_CREATE_DISK_ONLY),
		VSNAP_EINVALID, "redefining snapshot 'r' of domain 'web01'", "'disk-snapshot'");
	assert_error(vsnap_snapshot_create_xml(NULL, &dom,
		"<domainsnapshot><name>m</name><memory snapshot='internal'/></domainsnapshot>",
		VSNAP_SNAPSHOT_CREATE_DISK_ONLY), VSNAP_EINVALID, "cannot save memory", NULL);
	assert_error(vsnap_snapshot_create_xml(NULL, &dom, "<domainsnapshot><name>x</oops>",
		0), VSNAP_EPARSE, "creating a snapshot of domain 'web01': snapshot XML line 1", NULL);
	assert_error(vsnap_snapshot_create(NULL, &dom, "", NULL, 0), VSNAP_EINVALID,
		"must not be empty", NULL);
	assert_error(vsnap_snapshot_create(NULL, &dom, "x", NULL, VSNAP_SNAPSHOT_CREATE_REDEFINE),
		VSNAP_EINVALID, "needs its XML", NULL);
	assert_error(vsnap_snapshot_create(NULL, NULL, "x", NULL, 0), VSNAP_EINVALID,
		"no domain", NULL);
	/* None of these reached the driver. */
	assert_int_equal(memlog.calls, 0);
}

static void test_snapshot_api__create_named(void **state)
{
	char *name = NULL;

	(void)state;
	assert_vsnap_ok(vsnap_snapshot_create(&name, &dom, "pre-patch", "patch tuesday",
		VSNAP_SNAPSHOT_CREATE_QUIESCE));
	assert_string_equal(name, "pre-patch");
	assert_string_equal(memlog.def->description, "patch tuesday");
	assert_true(memlog.def->creation_time > 1600000000LL);
	free(name);

	memlog.fail_code = VSNAP_EFAULT;
	assert_error(vsnap_snapshot_create(&name, &dom, "x", NULL, 0), VSNAP_EFAULT,
		"creating snapshot 'x' of domain 'web01': memdriver: create failed", NULL);
	assert_null(name);
}

static void test_snapshot_api__revert(void **state)
{
	(void)state;
	assert_vsnap_ok(vsnap_snapshot_revert(&dom, "web", VSNAP_SNAPSHOT_REVERT_RUNNING));
	assert_string_equal(memlog.op, "revert");
	assert_string_equal(memlog.def->id, "snapshot-3");
	assert_int_equal(memlog.forest_count, 10);
	assert_int_equal(memlog.flags, VSNAP_SNAPSHOT_REVERT_RUNNING);

	assert_vsnap_ok(vsnap_snapshot_revert(&dom, "snapshot-6", VSNAP_SNAPSHOT_REVERT_FORCE));
	assert_string_equal(memlog.def->name, "test");
	assert_string_equal(memlog.def->parent, "db");
	assert_vsnap_ok(vsnap_snapshot_revert(&dom, "base/Updates/web/test", 0));
	assert_string_equal(memlog.def->id, "snapshot-5");

	memlog.calls = 0;
	assert_error(vsnap_snapshot_revert(&dom, "web",
		VSNAP_SNAPSHOT_REVERT_RUNNING | VSNAP_SNAPSHOT_REVERT_PAUSED), VSNAP_EINVALID,
		"reverting domain 'web01' to snapshot 'web'", "mutually exclusive");
	assert_error(vsnap_snapshot_revert(&dom, "web", 1u << 8), VSNAP_EINVALID,
		"unknown revert flags", NULL);
	assert_error(vsnap_snapshot_revert(&dom, NULL, 0), VSNAP_EINVALID, "no snapshot", NULL);
	assert_int_equal(memlog.calls, 0);
	assert_error(vsnap_snapshot_revert(&dom, "test", 0), VSNAP_EAMBIGUOUS,
		"reverting domain 'web01' to snapshot 'test': ", "(id snapshot-6)");
	assert_error(vsnap_snapshot_revert(&dom, "gone", 0), VSNAP_ENOTFOUND,
		"reverting domain 'web01' to snapshot 'gone': snapshot 'gone' not found", NULL);
	/* Only the loads reached the driver. */
	assert_int_equal(memlog.calls, memlog.loads - 3);
}

static void test_snapshot_api__delete_and_edit(void **state)
{
	(void)state;
	assert_vsnap_ok(vsnap_snapshot_delete(&dom, "base/Updates/db",
		VSNAP_SNAPSHOT_DELETE_CHILDREN));
	assert_string_equal(memlog.op, "delete");
	assert_string_equal(memlog.def->id, "snapshot-4");
	assert_int_equal(memlog.flags, VSNAP_SNAPSHOT_DELETE_CHILDREN);
	assert_error(vsnap_snapshot_delete(&dom, "db",
		VSNAP_SNAPSHOT_DELETE_CHILDREN | VSNAP_SNAPSHOT_DELETE_CHILDREN_ONLY),
		VSNAP_EINVALID, "deleting snapshot 'db' of domain 'web01'", "mutually exclusive");
	assert_error(vsnap_snapshot_delete(&dom, "db", 1u << 12), VSNAP_EINVALID,
		"unknown delete flags", NULL);

	assert_vsnap_ok(vsnap_snapshot_edit(&dom, "alpha", "beta", NULL));
	assert_string_equal(memlog.op, "edit");
	assert_string_equal(memlog.def->id, "snapshot-7");
	assert_string_equal(memlog.new_name, "beta");
	assert_null(memlog.new_description);
	assert_error(vsnap_snapshot_edit(&dom, "alpha", NULL, NULL), VSNAP_EINVALID,
		"nothing to change", NULL);
	assert_error(vsnap_snapshot_edit(&dom, "alpha", "", NULL), VSNAP_EINVALID,
		"must not be empty", NULL);

	assert_vsnap_ok(vsnap_snapshot_delete_all(&dom, VSNAP_SNAPSHOT_DELETE_NO_CONSOLIDATE));
	assert_string_equal(memlog.op, "delete_all");
	assert_int_equal(memlog.flags, VSNAP_SNAPSHOT_DELETE_NO_CONSOLIDATE);
	assert_error(vsnap_snapshot_delete_all(&dom, VSNAP_SNAPSHOT_DELETE_CHILDREN),
		VSNAP_EINVALID, "deleting all snapshots of domain 'web01'", NULL);
}

static void test_snapshot_api__consolidation(void **state)
{
	int needed = -1;

	(void)state;
	assert_vsnap_ok(vsnap_domain_needs_consolidation(&needed, &dom));
	assert_int_equal(needed, 1);
	assert_vsnap_ok(vsnap_domain_consolidate(&dom, 0));
	assert_string_equal(memlog.op, "consolidate");
	assert_error(vsnap_domain_consolidate(&dom, 1), VSNAP_EINVALID,
		"consolidating the disks of domain 'web01'", NULL);
	assert_error(vsnap_domain_needs_consolidation(NULL, &dom), VSNAP_EINVALID,
		"no output", NULL);
}

static void test_snapshot_api__unsupported(void **state)
{
	vsnap_forest *f = NULL;
	int needed;

	(void)state;
	conn.driver = &bare_driver;
	assert_error(vsnap_forest_get(&f, &dom), VSNAP_EUNSUPPORTED,
		"listing snapshots of domain 'web01': bare cannot list snapshots", NULL);
	assert_error(vsnap_snapshot_create(NULL, &dom, "x", NULL, 0), VSNAP_EUNSUPPORTED,
		"bare cannot create snapshots", NULL);
	assert_error(vsnap_snapshot_create_xml(NULL, &dom,
		"<domainsnapshot><name>o</name><state>shutoff</state><creationTime>1</creationTime>"
		"</domainsnapshot>", VSNAP_SNAPSHOT_CREATE_REDEFINE), VSNAP_EUNSUPPORTED,
		"bare cannot redefine snapshots", NULL);
	assert_error(vsnap_snapshot_revert(&dom, "x", 0), VSNAP_EUNSUPPORTED,
		"bare cannot revert to snapshots", NULL);
	assert_error(vsnap_snapshot_delete(&dom, "x", 0), VSNAP_EUNSUPPORTED,
		"bare cannot delete snapshots", NULL);
	assert_error(vsnap_snapshot_edit(&dom, "x", "y", NULL), VSNAP_EUNSUPPORTED,
		"bare cannot edit snapshots", NULL);
	assert_error(vsnap_snapshot_delete_all(&dom, 0), VSNAP_EUNSUPPORTED,
		"bare cannot delete all snapshots", NULL);
	assert_error(vsnap_domain_needs_consolidation(&needed, &dom), VSNAP_EUNSUPPORTED,
		"bare cannot tell", NULL);
	assert_error(vsnap_domain_consolidate(&dom, 0), VSNAP_EUNSUPPORTED,
		"bare cannot consolidate disks", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_snapshot_api__forest_get, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_api__create_xml, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_api__create_validate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_api__create_flag_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_api__create_named, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_api__revert, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_api__delete_and_edit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_api__consolidation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_api__unsupported, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * <domainsnapshot> parse/format: fixture round trips (byte-identical to libvirt's layout),
 * create vs redefine input, and malformed input (error code, element and line; no crash).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/error.h"
#include "xml/snapshot_def.h"
#include "snapshot/snapshot_test_util.h"

#define NOW 1700000000LL

static void assert_text_equal(const char *got, const char *want)
{
	if (strcmp(got, want) != 0) {
		/* cmocka truncates long messages: print the texts in full first. */
		fprintf(stderr, "--- got ---\n%s--- want ---\n%s", got, want);
		fail_msg("formatted XML differs");
	}
}

/* Parses `in` in `mode`, formats it and compares with `want`. */
static void format_is(const char *in, const char *want, unsigned int mode, int current)
{
	vsnap_snapshot_def *def = NULL;
	char *got = NULL;

	assert_vsnap_ok(vsnap__snapshot_def_parse(&def, in, mode, NOW));
	assert_vsnap_ok(vsnap__snapshot_def_format(&got, def, 0, current));
	assert_text_equal(got, want);
	free(got);
	vsnap__snapshot_def_free(def);
}

/* As format_is, and formatting is a fixed point: `want` parses back to itself. */
static void formats_to(const char *in, const char *want, unsigned int mode, int current)
{
	format_is(in, want, mode, current);
	format_is(want, want, mode, current);
}

/* formats_to with the fixture files `in` and `out`. */
static void round_trip(const char *in, const char *out, unsigned int mode, int current)
{
	char *xml = read_fixture(in), *want = read_fixture(out);

	assert_non_null(xml);
	assert_non_null(want);
	formats_to(xml, want, mode, current);
	free(xml);
	free(want);
}

static void test_snapshot_xml__checkpoint_running(void **state)
{
	vsnap_snapshot_def *def = NULL;
	char *xml = read_fixture("checkpoint-running.xml");

	(void)state;
	round_trip("checkpoint-running.xml", "checkpoint-running.xml",
		VSNAP_SNAPSHOT_PARSE_REDEFINE, 0);
	assert_vsnap_ok(vsnap__snapshot_def_parse(&def, xml, VSNAP_SNAPSHOT_PARSE_REDEFINE, NOW));
	assert_string_equal(def->name, "before-upgrade");
	assert_string_equal(def->description, "Kernel 6.1 & \"nginx\" <stable>, it's fine");
	assert_int_equal(def->state, VSNAP_SNAPSHOT_RUNNING);
	assert_string_equal(def->parent, "base-install");
	assert_int_equal(def->creation_time, 1700000123LL);
	assert_int_equal(def->memory, VSNAP_SNAPSHOT_LOCATION_INTERNAL);
	assert_int_equal(def->ndisks, 2);
	assert_string_equal(def->disks[1].name, "vdb");
	assert_int_equal(def->disks[1].location, VSNAP_SNAPSHOT_LOCATION_NO);
	/* The domain is kept as a standalone element at column 0. */
	assert_non_null(def->domain_xml);
	assert_memory_equal(def->domain_xml, "<domain type='kvm'>\n  <name>web01</name>\n", 41);
	assert_int_equal(def->is_current, 0);
	vsnap__snapshot_def_free(def);
	free(xml);
}

static void test_snapshot_xml__disk_only_external(void **state)
{
	vsnap_snapshot_def *def = NULL;
	char *xml = read_fixture("disk-only-external.xml");

	(void)state;
	round_trip("disk-only-external.xml", "disk-only-external.xml",
		VSNAP_SNAPSHOT_PARSE_REDEFINE, 0);
	assert_vsnap_ok(vsnap__snapshot_def_parse(&def, xml, VSNAP_SNAPSHOT_PARSE_REDEFINE, NOW));
	assert_int_equal(def->state, VSNAP_SNAPSHOT_DISK_SNAPSHOT);
	assert_int_equal(def->memory, VSNAP_SNAPSHOT_LOCATION_NO);
	assert_int_equal(def->ndisks, 3);
	assert_int_equal(def->disks[0].location, VSNAP_SNAPSHOT_LOCATION_EXTERNAL);
	assert_string_equal(def->disks[0].source_file,
		"/var/lib/vsnap/images/db01.nightly-2024-03-01");
	assert_string_equal(def->disks[0].driver_type, "qcow2");
	assert_null(def->disks[0].source_type);
	assert_string_equal(def->disks[1].source_type, "block");
	assert_string_equal(def->disks[1].source_file, "/dev/vg0/db01-data-snap");
	vsnap__snapshot_def_free(def);
	free(xml);
}

static void test_snapshot_xml__create_generates_name(void **state)
{
	vsnap_snapshot_def *def = NULL;
	char *xml = read_fixture("create-noname.in.xml");

	(void)state;
	round_trip("create-noname.in.xml", "create-noname.out.xml", VSNAP_SNAPSHOT_PARSE_CREATE, 0);
	assert_vsnap_ok(vsnap__snapshot_def_parse(&def, xml, VSNAP_SNAPSHOT_PARSE_CREATE, NOW));
	/* Create input ignores state, parent, creationTime and domain. */
	assert_string_equal(def->name, "1700000000");
	assert_int_equal(def->state, VSNAP_SNAPSHOT_NOSTATE);
	assert_null(def->parent);
	assert_null(def->domain_xml);
	assert_int_equal(def->creation_time, NOW);
	vsnap__snapshot_def_free(def);
	free(xml);
}

static void test_snapshot_xml__redefine_keeps_everything(void **state)
{
	vsnap_snapshot_def *def = NULL, *copy = NULL;
	char *xml = read_fixture("redefine.in.xml"), *a = NULL, *b = NULL;

	(void)state;
	round_trip("redefine.in.xml", "redefine.out.xml", VSNAP_SNAPSHOT_PARSE_REDEFINE, 1);
	assert_vsnap_ok(vsnap__snapshot_def_parse(&def, xml, VSNAP_SNAPSHOT_PARSE_REDEFINE, NOW));
	assert_int_equal(def->is_current, 1);
	assert_int_equal(def->state, VSNAP_SNAPSHOT_SHUTOFF);
	/* Copies format identically. */
	assert_vsnap_ok(vsnap__snapshot_def_copy(&copy, def));
	assert_vsnap_ok(vsnap__snapshot_def_format(&a, def, 0, 0));
	assert_vsnap_ok(vsnap__snapshot_def_format(&b, copy, 0, 0));
	assert_string_equal(a, b);
	free(b);
	/* NO_DOMAIN leaves the domain out. */
	assert_vsnap_ok(vsnap__snapshot_def_format(&b, def, VSNAP_SNAPSHOT_XML_NO_DOMAIN, 0));
	assert_null(strstr(b, "<domain "));
	assert_non_null(strstr(b, "<creationTime>1700003600</creationTime>"));
	free(a);
	free(b);
	/* Unknown format flags are refused. */
	assert_int_equal(vsnap__snapshot_def_format(&a, def, 1u << 20, 0), VSNAP_EINVALID);
	assert_null(a);
	vsnap__snapshot_def_free(copy);
	vsnap__snapshot_def_free(def);
	free(xml);
}

static void test_snapshot_xml__inactive_domain_and_cookie(void **state)
{
	const char *in = "<domainsnapshot><name>s</name><state>running</state>"
		"<creationTime>5</creationTime>"
		"<domain type='kvm'><name>a</name></domain>"
		"<inactiveDomain type='kvm'><name>a</name></inactiveDomain>"
		"<cookie><cpu mode='custom'><model>Skylake</model></cpu></cookie>"
		"</domainsnapshot>";
	const char *want = "<domainsnapshot>\n  <name>s</name>\n  <state>running</state>\n"
		"  <creationTime>5</creationTime>\n  <memory snapshot='internal'/>\n"
		"  <domain type='kvm'>\n    <name>a</name>\n  </domain>\n"
		"  <inactiveDomain type='kvm'>\n    <name>a</name>\n  </inactiveDomain>\n"
		"  <cookie>\n    <cpu mode='custom'>\n      <model>Skylake</model>\n    </cpu>\n"
		"  </cookie>\n</domainsnapshot>\n";

	(void)state;
	formats_to(in, want, VSNAP_SNAPSHOT_PARSE_REDEFINE, 0);
}

static void test_snapshot_xml__domain_namespaces(void **state)
{
	/* The prefix is declared on the root: the kept <domain> must carry it to stand alone. */
	const char *in = "<domainsnapshot xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>"
		"<name>s</name><state>shutoff</state><creationTime>5</creationTime>"
		"<domain type='kvm'><name>a</name><qemu:commandline><qemu:arg value='-S'/>"
		"</qemu:commandline></domain></domainsnapshot>";
	const char *want = "<domainsnapshot>\n  <name>s</name>\n  <state>shutoff</state>\n"
		"  <creationTime>5</creationTime>\n  <memory snapshot='no'/>\n"
		"  <domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>\n"
		"    <name>a</name>\n    <qemu:commandline>\n      <qemu:arg value='-S'/>\n"
		"    </qemu:commandline>\n  </domain>\n</domainsnapshot>\n";

	(void)state;
	formats_to(in, want, VSNAP_SNAPSHOT_PARSE_REDEFINE, 0);
}

static void test_snapshot_xml__mixed_content_fixed_point(void **state)
{
	/* Text beside elements inside <domain> (found by fuzzing): formatting must be stable. */
	const char *in = "<domainsnapshot><name>s</name><state>shutoff</state>"
		"<creationTime>5</creationTime><domain type='kvm'>\n\t\tstray &gt;\n\t\t"
		"<name>a</name></domain></domainsnapshot>";
	const char *want = "<domainsnapshot>\n  <name>s</name>\n  <state>shutoff</state>\n"
		"  <creationTime>5</creationTime>\n  <memory snapshot='no'/>\n"
		"  <domain type='kvm'>\n    stray &gt;\n    <name>a</name>\n  </domain>\n"
		"</domainsnapshot>\n";

	(void)state;
	formats_to(in, want, VSNAP_SNAPSHOT_PARSE_REDEFINE, 0);
}

typedef struct {
	const char *xml;
	unsigned int mode;
	int code;
	const char *needle1;
	const char *needle2;
} bad_case;

static const bad_case bad_cases[] = {
	{ "<domainsnapshot>\n<name>x</name>\n<description>oops</descr>\n</domainsnapshot>",
		VSNAP_SNAPSHOT_PARSE_CREATE, VSNAP_EPARSE, "line 3", "description" },
	{ "", VSNAP_SNAPSHOT_PARSE_CREATE, VSNAP_EPARSE, "snapshot XML", NULL },
	{ "<domain/>", VSNAP_SNAPSHOT_PARSE_CREATE, VSNAP_EPARSE, "line 1", "<domain>" },
	{ "<domainsnapshot>\n  <state>running</state>\n  <creationTime>1</creationTime>\n"
		"</domainsnapshot>", VSNAP_SNAPSHOT_PARSE_REDEFINE, VSNAP_EPARSE, "line 1", "<name>" },
	{ "<domainsnapshot><name>a</name>\n<state>running</state></domainsnapshot>",
		VSNAP_SNAPSHOT_PARSE_REDEFINE, VSNAP_EPARSE, "<creationTime>", "'a'" },
	{ "<domainsnapshot><name>a</name>\n<state>sleeping</state>\n"
		"<creationTime>1</creationTime></domainsnapshot>",
		VSNAP_SNAPSHOT_PARSE_REDEFINE, VSNAP_EPARSE, "line 2", "<state> 'sleeping'" },
	{ "<domainsnapshot><name>a</name><state>running</state>\n\n"
		"<creationTime>yesterday</creationTime></domainsnapshot>",
		VSNAP_SNAPSHOT_PARSE_REDEFINE, VSNAP_EPARSE, "line 3", "<creationTime> 'yesterday'" },
	{ "<domainsnapshot>\n<memory snapshot='sometimes'/></domainsnapshot>",
		VSNAP_SNAPSHOT_PARSE_CREATE, VSNAP_EPARSE, "line 2", "'snapshot' of <memory>" },
	{ "<domainsnapshot>\n<memory snapshot='external'/></domainsnapshot>",
		VSNAP_SNAPSHOT_PARSE_CREATE, VSNAP_EPARSE, "line 2", "'file'" },
	{ "<domainsnapshot>\n<memory snapshot='internal' file='/m'/></domainsnapshot>",
		VSNAP_SNAPSHOT_PARSE_CREATE, VSNAP_EPARSE, "line 2", "'/m'" },
	{ "<domainsnapshot>\n<memory file='rel/m'/></domainsnapshot>",
		VSNAP_SNAPSHOT_PARSE_CREATE, VSNAP_EPARSE, "line 2", "absolute" },
	{ "<domainsnapshot><name>a</name><state>shutoff</state><creationTime>1</creationTime>\n"
		"<memory snapshot='internal'/></domainsnapshot>",
		VSNAP_SNAPSHOT_PARSE_REDEFINE, VSNAP_EPARSE, "line 2", "shutoff" },
	{ "<domainsnapshot><disks>\n<disk snapshot='no'/></disks></domainsnapshot>",
		VSNAP_SNAPSHOT_PARSE_CREATE, VSNAP_EPARSE, "line 2", "'name'" },
	{ "<domainsnapshot><disks>\n\n<disk name='vda' snapshot='maybe'/></disks></domainsnapshot>",
		VSNAP_SNAPSHOT_PARSE_CREATE, VSNAP_EPARSE, "line 3", "'maybe'" },
	{ "<domainsnapshot><disks><disk name='vda'/>\n<disk name='vda'/></disks></domainsnapshot>",
		VSNAP_SNAPSHOT_PARSE_CREATE, VSNAP_EPARSE, "line 2", "'vda' is listed twice" },
	{ "<domainsnapshot><disks><disk name='vda'>\n<source file='relative.qcow2'/></disk>"
		"</disks></domainsnapshot>",
		VSNAP_SNAPSHOT_PARSE_CREATE, VSNAP_EPARSE, "line 2", "must be absolute" },
	{ "<domainsnapshot><disks><disk name='vda' snapshot='internal'>\n"
		"<source file='/x'/></disk></disks></domainsnapshot>",
		VSNAP_SNAPSHOT_PARSE_CREATE, VSNAP_EPARSE, "line 1", "requires snapshot='external'" },
	{ "<domainsnapshot><disks><disk name='vda' type='volume'/></disks></domainsnapshot>",
		VSNAP_SNAPSHOT_PARSE_CREATE, VSNAP_EPARSE, "line 1", "'volume'" },
	{ "<domainsnapshot><disks><disk name='vda' type='network'/></disks></domainsnapshot>",
		VSNAP_SNAPSHOT_PARSE_CREATE, VSNAP_EUNSUPPORTED, "network", NULL },
	{ "<domainsnapshot><disks>\n<volume/></disks></domainsnapshot>",
		VSNAP_SNAPSHOT_PARSE_CREATE, VSNAP_EPARSE, "line 2", "<volume>" },
	/* Text before the element: the partial text must not leak (found by fuzzing). */
	{ "<domainsnapshot>\n<name>a<b>x</b></name></domainsnapshot>",
		VSNAP_SNAPSHOT_PARSE_CREATE, VSNAP_EPARSE, "line 2", "<name>" },
	{ "<domainsnapshot>\n<name><b>x</b></name></domainsnapshot>",
		VSNAP_SNAPSHOT_PARSE_CREATE, VSNAP_EPARSE, "line 2", "<name>" },
	{ "<domainsnapshot><name>a</name><state>running</state><creationTime>1</creationTime>\n"
		"<parent/></domainsnapshot>",
		VSNAP_SNAPSHOT_PARSE_REDEFINE, VSNAP_EPARSE, "line 2", "<parent>" },
	{ "<domainsnapshot><name>a</name><state>running</state><creationTime>1</creationTime>\n"
		"<active>2</active></domainsnapshot>",
		VSNAP_SNAPSHOT_PARSE_REDEFINE, VSNAP_EPARSE, "line 2", "<active>" },
	/* No DTD: entity expansion (billion laughs) and external entities cannot happen. */
	{ "<?xml version='1.0'?>\n<!DOCTYPE d [<!ENTITY a 'aaaaaaaa'><!ENTITY b '&a;&a;&a;'>]>\n"
		"<domainsnapshot><name>&b;</name></domainsnapshot>",
		VSNAP_SNAPSHOT_PARSE_CREATE, VSNAP_EPARSE, "DOCTYPE", NULL },
	{ "<!DOCTYPE d SYSTEM 'http://127.0.0.1:1/x.dtd'><domainsnapshot/>",
		VSNAP_SNAPSHOT_PARSE_CREATE, VSNAP_EPARSE, "DOCTYPE", NULL },
	{ "<domainsnapshot><name>&undefined;</name></domainsnapshot>",
		VSNAP_SNAPSHOT_PARSE_CREATE, VSNAP_EPARSE, "line 1", "undefined" },
	/* One line number per message: where the unfinished tag starts, not where text ended. */
	{ "<domainsnapshot><name>x</name><bad\n", VSNAP_SNAPSHOT_PARSE_CREATE, VSNAP_EPARSE,
		"snapshot XML line 1: ", "Start Tag bad" },
	{ "<domainsnapshot>\n<name>x</name>\n<bad\n\n\n", VSNAP_SNAPSHOT_PARSE_CREATE,
		VSNAP_EPARSE, "snapshot XML line 3: ", "Start Tag bad" },
	{ "<domainsnapshot>\n<description>x\n", VSNAP_SNAPSHOT_PARSE_CREATE, VSNAP_EPARSE,
		"snapshot XML line 2: ", "in tag description" },
	{ "<domainsnapshot><name>a</nam></domainsnapshot>", VSNAP_SNAPSHOT_PARSE_CREATE,
		VSNAP_EPARSE, "snapshot XML line 1: ", "mismatch: name and nam" },
};

static void test_snapshot_xml__malformed(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const bad_case *c = &bad_cases[i];
		vsnap_snapshot_def *def = (vsnap_snapshot_def *)&def;   /* must be reset */
		int rc = vsnap__snapshot_def_parse(&def, c->xml, c->mode, NOW);
		const char *msg = vsnap_error_last()->message;

		if (rc != c->code)
			fail_msg("case %zu: got %d (%s), want %d", i, rc, msg, c->code);
		assert_null(def);
		if (!strstr(msg, c->needle1) || (c->needle2 && !strstr(msg, c->needle2)))
			fail_msg("case %zu: message '%s' lacks '%s' / '%s'", i, msg, c->needle1,
				c->needle2 ? c->needle2 : "");
		/* libxml2's own " line N" at the end is folded into the one line named first. */
		if (strlen(msg) > 7 && strstr(msg + strlen(msg) - 8, " line "))
			fail_msg("case %zu: message '%s' ends in a second line number", i, msg);
	}
}

static void test_snapshot_xml__bad_arguments(void **state)
{
	vsnap_snapshot_def *def = NULL;

	(void)state;
	assert_int_equal(vsnap__snapshot_def_parse(&def, NULL, VSNAP_SNAPSHOT_PARSE_CREATE, NOW),
		VSNAP_EINVALID);
	assert_int_equal(vsnap__snapshot_def_parse(&def, "<domainsnapshot/>",
		VSNAP_SNAPSHOT_PARSE_CREATE | VSNAP_SNAPSHOT_PARSE_REDEFINE, NOW), VSNAP_EINVALID);
	assert_int_equal(vsnap__snapshot_def_parse(&def, "<domainsnapshot/>", 1u << 7, NOW),
		VSNAP_EINVALID);
	/* Empty create input is valid: everything defaults. */
	assert_vsnap_ok(vsnap__snapshot_def_parse(&def, "<domainsnapshot/>",
		VSNAP_SNAPSHOT_PARSE_CREATE, 7));
	assert_string_equal(def->name, "7");
	assert_int_equal(def->memory, VSNAP_SNAPSHOT_LOCATION_DEFAULT);
	vsnap__snapshot_def_free(def);
}

static void test_snapshot_xml__state_names(void **state)
{
	(void)state;
	assert_string_equal(vsnap_snapshot_state_name(VSNAP_SNAPSHOT_NOSTATE), "nostate");
	assert_string_equal(vsnap_snapshot_state_name(VSNAP_SNAPSHOT_SHUTOFF), "shutoff");
	assert_string_equal(vsnap_snapshot_state_name(VSNAP_SNAPSHOT_PMSUSPENDED), "pmsuspended");
	assert_string_equal(vsnap_snapshot_state_name(VSNAP_SNAPSHOT_DISK_SNAPSHOT),
		"disk-snapshot");
	assert_string_equal(vsnap_snapshot_state_name(99), "unknown");
	assert_string_equal(vsnap_domain_state_name(VSNAP_DOMAIN_NOSTATE), "no state");
	assert_string_equal(vsnap_domain_state_name(VSNAP_DOMAIN_BLOCKED), "idle");
	assert_string_equal(vsnap_domain_state_name(VSNAP_DOMAIN_SHUTDOWN), "in shutdown");
	assert_string_equal(vsnap_domain_state_name(VSNAP_DOMAIN_SHUTOFF), "shut off");
	assert_string_equal(vsnap_domain_state_name(-1), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_snapshot_xml__checkpoint_running),
		cmocka_unit_test(test_snapshot_xml__disk_only_external),
		cmocka_unit_test(test_snapshot_xml__create_generates_name),
		cmocka_unit_test(test_snapshot_xml__redefine_keeps_everything),
		cmocka_unit_test(test_snapshot_xml__inactive_domain_and_cookie),
		cmocka_unit_test(test_snapshot_xml__domain_namespaces),
		cmocka_unit_test(test_snapshot_xml__mixed_content_fixed_point),
		cmocka_unit_test(test_snapshot_xml__malformed),
		cmocka_unit_test(test_snapshot_xml__bad_arguments),
		cmocka_unit_test(test_snapshot_xml__state_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * QEMU backend, end to end with real qemu-img / qemu-io / qemu-system-x86_64 (TCG, no guest):
 * every kind of snapshot, offline and online, reverted and read back.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu_test.h"

#include <time.h>

static void offline_internal(void **state)
{
	qt_env *e = *state;
	char *f = qt_disk_file(e, "vda");

	assert_ok(vsnap_snapshot_create(NULL, e->dom, "s1", "first", 0));
	/* Internal: the tag is inside the image, and the domain still uses the same file. */
	assert_int_equal(qt_sh("qemu-img snapshot -l '%s' | grep -q ' s1 '", f), 0);
	char *same = qt_disk_file(e, "vda");
	assert_string_equal(same, f);
	free(same);
	qt_write_file(f, 0xbb);
	assert_ok(vsnap_snapshot_create(NULL, e->dom, "s2", NULL, 0));
	qt_write_file(f, 0xcc);
	assert_ok(vsnap_snapshot_revert(e->dom, "s1", 0));
	assert_true(qt_pattern_file(f, 0xaa));
	assert_int_equal(qt_state(e), VSNAP_DOMAIN_SHUTOFF);
	assert_ok(vsnap_snapshot_revert(e->dom, "s2", 0));
	assert_true(qt_pattern_file(f, 0xbb));
	/* Delete the root: s2 stays, with its data. */
	assert_ok(vsnap_snapshot_delete(e->dom, "s1", 0));
	assert_int_equal(qt_count(e), 1);
	assert_int_equal(qt_sh("qemu-img snapshot -l '%s' | grep -q ' s1 '", f), 1);
	assert_ok(vsnap_snapshot_revert(e->dom, "s2", 0));
	assert_true(qt_pattern_file(f, 0xbb));
	free(f);
}

static void offline_external(void **state)
{
	qt_env *e = *state;
	char *f0 = qt_disk_file(e, "vda"), *f1, *f2;

	assert_ok(vsnap_snapshot_create(NULL, e->dom, "e1", NULL, VSNAP_SNAPSHOT_CREATE_DISK_ONLY));
	f1 = qt_disk_file(e, "vda");
	assert_string_not_equal(f0, f1);
	qt_write_file(f1, 0xbb);
	assert_ok(vsnap_snapshot_create(NULL, e->dom, "e2", NULL, VSNAP_SNAPSHOT_CREATE_DISK_ONLY));
	f2 = qt_disk_file(e, "vda");
	qt_write_file(f2, 0xcc);
	assert_ok(vsnap_snapshot_revert(e->dom, "e1", 0));
	assert_true(qt_pattern(e, "vda", 0xaa));
	assert_ok(vsnap_snapshot_revert(e->dom, "e2", 0));
	assert_true(qt_pattern(e, "vda", 0xbb));
	/* The base image was never written. */
	assert_true(qt_pattern_file(f0, 0xaa));
	free(f0);
	free(f1);
	free(f2);
}

static void online_checkpoint(void **state)
{
	qt_env *e = *state;
	struct timespec a, b;

	assert_ok(vsnap_domain_start(e->dom, 0));
	qt_write_online(e, "vda", 0xbb);
	assert_ok(vsnap_snapshot_create(NULL, e->dom, "c1", NULL, 0));
	qt_write_online(e, "vda", 0xcc);
	clock_gettime(CLOCK_MONOTONIC, &a);
	assert_ok(vsnap_snapshot_revert(e->dom, "c1", 0));
	clock_gettime(CLOCK_MONOTONIC, &b);
	double s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	assert_int_equal(qt_state(e), VSNAP_DOMAIN_RUNNING);
	assert_true(qt_pattern_online(e, "vda", 0xbb));
	/* Same QEMU process, no restart: the goal is <= 0.3 s (generous bound for loaded CI). */
	assert_true(s < 1.0);
	/* Revert to a checkpoint of a shut-off domain: starts it, paused on request. */
	assert_ok(vsnap_domain_destroy(e->dom, 0));
	assert_ok(vsnap_snapshot_revert(e->dom, "c1", VSNAP_SNAPSHOT_REVERT_PAUSED));
	assert_int_equal(qt_state(e), VSNAP_DOMAIN_PAUSED);
	assert_true(qt_pattern_online(e, "vda", 0xbb));
	/* A disk-only internal snapshot of a running domain is what QEMU cannot do. */
	assert_int_equal(vsnap_snapshot_create_xml(NULL, e->dom, "<domainsnapshot><name>x</name>"
		"<disks><disk name='vda' snapshot='internal'/></disks></domainsnapshot>",
		VSNAP_SNAPSHOT_CREATE_DISK_ONLY), VSNAP_EUNSUPPORTED);
	assert_ok(vsnap_snapshot_delete(e->dom, "c1", 0));
	assert_int_equal(qt_count(e), 0);
}

static void online_external_disk_only(void **state)
{
	qt_env *e = *state;

	assert_ok(vsnap_domain_start(e->dom, 0));
	qt_write_online(e, "vda", 0xbb);
	qt_write_online(e, "vdb", 0xb1);
	assert_ok(vsnap_snapshot_create(NULL, e->dom, "e1", NULL, VSNAP_SNAPSHOT_CREATE_DISK_ONLY));
	qt_write_online(e, "vda", 0xcc);
	qt_write_online(e, "vdb", 0xc1);
	/* Running -> no memory state: needs --force. */
	assert_int_equal(vsnap_snapshot_revert(e->dom, "e1", 0), VSNAP_EOPERATION);
	assert_ok(vsnap_snapshot_revert(e->dom, "e1", VSNAP_SNAPSHOT_REVERT_FORCE));
	assert_int_equal(qt_state(e), VSNAP_DOMAIN_SHUTOFF);
	assert_true(qt_pattern(e, "vda", 0xbb));
	assert_true(qt_pattern(e, "vdb", 0xb1));
	assert_ok(vsnap_snapshot_revert(e->dom, "e1", VSNAP_SNAPSHOT_REVERT_RUNNING));
	assert_int_equal(qt_state(e), VSNAP_DOMAIN_RUNNING);
	assert_true(qt_pattern_online(e, "vda", 0xbb));
	/* Online delete merges the overlay back (block-commit). */
	qt_write_online(e, "vda", 0xdd);
	assert_ok(vsnap_snapshot_delete(e->dom, "e1", 0));
	assert_true(qt_pattern_online(e, "vda", 0xdd));
	char *f = qt_disk_file(e, "vda");
	assert_non_null(strstr(f, "/vda.qcow2"));
	free(f);
}

static void online_external_checkpoint(void **state)
{
	qt_env *e = *state;

	assert_ok(vsnap_domain_start(e->dom, 0));
	qt_write_online(e, "vda", 0xbb);
	char *xml = NULL;
	assert_true(asprintf(&xml, "<domainsnapshot><name>m1</name><memory snapshot='external' "
		"file='%s/m1.mem'/></domainsnapshot>", e->dir) > 0);
	assert_ok(vsnap_snapshot_create_xml(NULL, e->dom, xml, 0));
	free(xml);
	assert_int_equal(qt_state(e), VSNAP_DOMAIN_RUNNING);
	qt_write_online(e, "vda", 0xcc);
	assert_ok(vsnap_snapshot_revert(e->dom, "m1", 0));
	assert_int_equal(qt_state(e), VSNAP_DOMAIN_RUNNING);
	assert_true(qt_pattern_online(e, "vda", 0xbb));
	assert_true(qt_pattern_online(e, "vdb", 0xaa));
	assert_ok(vsnap_domain_destroy(e->dom, 0));
	assert_ok(vsnap_snapshot_delete(e->dom, "m1", 0));
	assert_int_equal(qt_sh("test -e %s/m1.mem", e->dir), 1);
}

/* The acceptance flow: internal under external children keeps every snapshot's data. */
static void internal_below_external(void **state)
{
	qt_env *e = *state;

	assert_ok(vsnap_snapshot_create(NULL, e->dom, "s1", NULL, 0));
	assert_ok(vsnap_domain_start(e->dom, 0));
	qt_write_online(e, "vda", 0xbb);
	assert_ok(vsnap_snapshot_create(NULL, e->dom, "c1", NULL, 0));
	qt_write_online(e, "vda", 0xcc);
	assert_ok(vsnap_snapshot_create(NULL, e->dom, "e1", NULL, VSNAP_SNAPSHOT_CREATE_DISK_ONLY));
	qt_write_online(e, "vda", 0xdd);
	assert_ok(vsnap_snapshot_revert(e->dom, "c1", VSNAP_SNAPSHOT_REVERT_RUNNING));
	assert_int_equal(qt_state(e), VSNAP_DOMAIN_RUNNING);
	assert_true(qt_pattern_online(e, "vda", 0xbb));
	assert_ok(vsnap_domain_destroy(e->dom, 0));
	assert_ok(vsnap_snapshot_revert(e->dom, "e1", 0));
	assert_true(qt_pattern(e, "vda", 0xcc));
	assert_ok(vsnap_snapshot_revert(e->dom, "s1", 0));
	assert_true(qt_pattern(e, "vda", 0xaa));
	assert_ok(vsnap_snapshot_revert(e->dom, "c1", VSNAP_SNAPSHOT_REVERT_PAUSED));
	assert_true(qt_pattern(e, "vda", 0xbb));
	assert_ok(vsnap_domain_destroy(e->dom, 0));
	/* Undefine is refused while snapshots exist. */
	assert_int_equal(vsnap_domain_undefine(e->dom, 0), VSNAP_EOPERATION);
	assert_ok(vsnap_snapshot_delete(e->dom, "e1", 0));
	assert_ok(vsnap_snapshot_revert(e->dom, "s1", 0));
	assert_true(qt_pattern(e, "vda", 0xaa));
	assert_ok(vsnap_snapshot_delete(e->dom, "c1", 0));
	assert_ok(vsnap_snapshot_delete(e->dom, "s1", 0));
	assert_int_equal(qt_count(e), 0);
}

/* A <transient/> disk takes no part in snapshots and loses its changes at shutdown. */
static void transient_disk(void **state)
{
	qt_env *e = *state;
	char *xml = NULL, *def = NULL;

	assert_int_equal(qt_sh("qemu-img create -q -f qcow2 %s/t.qcow2 64M && qemu-io -f qcow2 "
		"-c 'write -P 0xaa 0 1M' %s/t.qcow2 >/dev/null", e->dir, e->dir), 0);
	assert_ok(vsnap_domain_get_xml(&xml, e->dom, 0));
	char *end = strstr(xml, "</devices>");
	assert_non_null(end);
	assert_true(asprintf(&def, "%.*s<disk type='file' device='disk'><driver name='qemu' "
		"type='qcow2'/><source file='%s/t.qcow2'/><target dev='vdt' bus='virtio'/>"
		"<transient/></disk>%s", (int)(end - xml), xml, e->dir, end) > 0);
	vsnap_domain *dom = NULL;
	assert_ok(vsnap_domain_define(&dom, e->conn, def, 0));
	vsnap_domain_free(dom);
	assert_ok(vsnap_domain_start(e->dom, 0));
	qt_write_online(e, "vdt", 0xee);
	/* The guest's writes land in the scratch overlay, not in the disk's image. */
	char scratch[512];
	snprintf(scratch, sizeof(scratch), "%s/root/run/d.vdt.transient.qcow2", e->dir);
	assert_true(qt_pattern_file(scratch, 0xee));
	assert_ok(vsnap_snapshot_create(NULL, e->dom, "c1", NULL, 0));
	vsnap_forest *f = NULL;
	vsnap_snapshot *s = NULL;
	assert_ok(vsnap_forest_get(&f, e->dom));
	assert_ok(vsnap_forest_lookup(&s, f, "c1"));
	for (size_t i = 0; i < vsnap_snapshot_disk_count(s); i++)
		if (!strcmp(vsnap_snapshot_disk_name(s, i), "vdt"))
			assert_int_equal(vsnap_snapshot_disk_location(s, i), VSNAP_SNAPSHOT_LOCATION_NO);
	vsnap_forest_free(f);
	assert_int_equal(vsnap_snapshot_create_xml(NULL, e->dom, "<domainsnapshot><name>x</name>"
		"<disks><disk name='vdt' snapshot='external'/></disks></domainsnapshot>",
		VSNAP_SNAPSHOT_CREATE_DISK_ONLY), VSNAP_EINVALID);
	assert_ok(vsnap_domain_destroy(e->dom, 0));
	char path[512];
	snprintf(path, sizeof(path), "%s/t.qcow2", e->dir);
	assert_true(qt_pattern_file(path, 0xaa));
	assert_int_equal(qt_sh("ls %s/root/run | grep -q transient", e->dir), 1);
	assert_int_equal(qt_sh("qemu-img snapshot -l %s/t.qcow2 | grep -q c1", e->dir), 1);
	free(xml);
	free(def);
}

#define T1(fn) cmocka_unit_test_setup_teardown(fn, qt_cm_setup1, qt_cm_teardown)
#define T2(fn) cmocka_unit_test_setup_teardown(fn, qt_cm_setup2, qt_cm_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T1(offline_internal),
		T1(offline_external),
		T1(online_checkpoint),
		T2(online_external_disk_only),
		T2(online_external_checkpoint),
		T1(internal_below_external),
		T1(transient_disk),
	};
	if (!qt_have_qemu())
		return 77;
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Regression tests of issue 14 (kill -9 safety, ownership, probes, locks): each test names
 * the finding it guards. A kill is simulated with VSNAP_TEST_CRASH_AT (the library ends with
 * _exit(86) at that step, as a SIGKILL there would); the next open must recover.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu_test.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>

typedef enum { OP_REVERT, OP_DELETE, OP_CREATE, OP_CREATE_DISK_ONLY } op_kind;

/* Runs op on `name` in a child that dies at `step`. */
static void killed_at(qt_env *e, const char *step, op_kind op, const char *name, unsigned int fl)
{
	int st;
	pid_t pid;

	fflush(NULL);
	if ((pid = fork()) == 0) {
		setenv("VSNAP_TEST_CRASH_AT", step, 1);
		int rc = op == OP_REVERT ? vsnap_snapshot_revert(e->dom, name, fl) :
			op == OP_DELETE ? vsnap_snapshot_delete(e->dom, name, fl) :
			vsnap_snapshot_create(NULL, e->dom, name, NULL, op == OP_CREATE_DISK_ONLY ?
				VSNAP_SNAPSHOT_CREATE_DISK_ONLY : 0);
		_exit(rc == 0 ? 0 : 1);
	}
	assert_true(waitpid(pid, &st, 0) == pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 86)
		fail_msg("step '%s' was not reached (status 0x%x: %s)", step, st,
			vsnap_error_last()->message);
}

static char *parent_of(qt_env *e, const char *name)
{
	vsnap_forest *f = NULL;
	vsnap_snapshot *s = NULL;
	char *p;

	assert_ok(vsnap_forest_get(&f, e->dom));
	assert_ok(vsnap_forest_lookup(&s, f, name));
	p = vsnap_snapshot_parent(s) ? strdup(vsnap_snapshot_name(vsnap_snapshot_parent(s))) : NULL;
	vsnap_forest_free(f);
	return p;
}

static int intent_exists(qt_env *e)
{
	char p[600];
	snprintf(p, sizeof(p), "%s/root/domains/d.intent", e->dir);
	return access(p, F_OK) == 0;
}

/* Finding 1: revert to a checkpoint whose image has an external overlay, killed after QEMU
 * started on the branch copy but before the checkpoint was loaded: the domain must end on
 * c1's data with c1 current, not on "neither" with e1 current. */
static void half_done_revert(void **state)
{
	qt_env *e = *state;
	char buf[64];

	assert_ok(vsnap_domain_start(e->dom, 0));
	assert_ok(vsnap_snapshot_create(NULL, e->dom, "c1", NULL, 0));
	assert_ok(vsnap_domain_destroy(e->dom, 0));
	assert_ok(vsnap_snapshot_create(NULL, e->dom, "e1", NULL, VSNAP_SNAPSHOT_CREATE_DISK_ONLY));
	char *f = qt_disk_file(e, "vda");
	qt_write_file(f, 0xdd);
	free(f);
	killed_at(e, "revert-launched", OP_REVERT, "c1", 0);
	assert_true(intent_exists(e));
	assert_string_equal(qt_current(e, buf, sizeof(buf)), "c1");
	assert_false(intent_exists(e));
	assert_int_equal(qt_state(e), VSNAP_DOMAIN_SHUTOFF);
	assert_true(qt_pattern(e, "vda", 0xaa));
	/* e1 still reverts to its own data (the branch kept it). */
	assert_ok(vsnap_snapshot_revert(e->dom, "e1", 0));
	assert_true(qt_pattern(e, "vda", 0xaa));
	assert_ok(vsnap_snapshot_revert(e->dom, "c1", VSNAP_SNAPSHOT_REVERT_RUNNING));
	assert_int_equal(qt_state(e), VSNAP_DOMAIN_RUNNING);
}

/* Finding 2: a killed delete of the current snapshot left it listed and no current one. */
static void killed_delete_of_current(void **state)
{
	qt_env *e = *state;
	char buf[64];

	assert_ok(vsnap_snapshot_create(NULL, e->dom, "e1", NULL, VSNAP_SNAPSHOT_CREATE_DISK_ONLY));
	assert_ok(vsnap_snapshot_create(NULL, e->dom, "e2", NULL, VSNAP_SNAPSHOT_CREATE_DISK_ONLY));
	killed_at(e, "delete-reparented", OP_DELETE, "e2", 0);
	assert_string_equal(qt_current(e, buf, sizeof(buf)), "e1");
	assert_int_equal(qt_count(e), 1);
	assert_ok(vsnap_snapshot_create(NULL, e->dom, "e3", NULL, VSNAP_SNAPSHOT_CREATE_DISK_ONLY));
	char *p = parent_of(e, "e3");
	assert_string_equal(p, "e1");
	free(p);
	assert_true(qt_pattern(e, "vda", 0xaa));
}

/* Finding 3: after a killed revert the disks held the target's data while `current` named
 * the old snapshot, so the next snapshot got the wrong parent. */
static void stale_current_after_killed_revert(void **state)
{
	qt_env *e = *state;
	char buf[64];

	assert_ok(vsnap_snapshot_create(NULL, e->dom, "s1", NULL, 0));
	char *f = qt_disk_file(e, "vda");
	qt_write_file(f, 0xbb);
	free(f);
	assert_ok(vsnap_snapshot_create(NULL, e->dom, "s2", NULL, 0));
	killed_at(e, "revert-defined", OP_REVERT, "s1", 0);
	assert_string_equal(qt_current(e, buf, sizeof(buf)), "s1");
	assert_true(qt_pattern(e, "vda", 0xaa));
	assert_ok(vsnap_snapshot_create(NULL, e->dom, "s3", NULL, 0));
	char *p = parent_of(e, "s3");
	assert_string_equal(p, "s1");
	free(p);
}

static int image_has_tag(const char *file, const char *tag)
{
	return qt_sh("qemu-img snapshot -U -l '%s' | awk '{print $2}' | grep -qx '%s'", file,
		tag) == 0;
}

/* Finding 4a: a killed checkpoint create left its tag (with VM state) forever. */
static void orphan_tag_of_killed_checkpoint(void **state)
{
	qt_env *e = *state;

	assert_ok(vsnap_domain_start(e->dom, 0));
	killed_at(e, "create-save-started", OP_CREATE, "n1", 0);
	assert_int_equal(qt_count(e), 0);   /* the open recovers: the half-made tag goes */
	char *f = qt_disk_file(e, "vda");
	assert_false(image_has_tag(f, "n1"));
	free(f);
	assert_ok(vsnap_snapshot_create(NULL, e->dom, "n1", NULL, 0));
	assert_int_equal(qt_count(e), 1);
}

/* Finding 4b: a failed 2-disk offline create left its first overlay behind. */
static void failed_two_disk_create_leaves_nothing(void **state)
{
	qt_env *e = *state;
	char *xml = NULL, ov[600];

	snprintf(ov, sizeof(ov), "%s/vda.x1", e->dir);
	assert_true(asprintf(&xml, "<domainsnapshot><name>x1</name><disks><disk name='vda' "
		"snapshot='external'><source file='%s'/></disk><disk name='vdb' snapshot='external'>"
		"<source file='%s/no/such/dir/vdb.x1'/></disk></disks></domainsnapshot>", ov,
		e->dir) > 0);
	assert_int_not_equal(vsnap_snapshot_create_xml(NULL, e->dom, xml, 0), 0);
	assert_int_equal(access(ov, F_OK), -1);
	assert_false(intent_exists(e));
	char *f = qt_disk_file(e, "vda");
	assert_non_null(strstr(f, "/vda.qcow2"));
	free(f);
	free(xml);
}

/* Finding 4c: snapshot-dumpxml <disks> named an overlay a revert had deleted. */
static void dumpxml_names_no_deleted_overlay(void **state)
{
	qt_env *e = *state;
	char *xml = NULL;

	assert_ok(vsnap_snapshot_create(NULL, e->dom, "s0", NULL, 0));
	assert_ok(vsnap_snapshot_create(NULL, e->dom, "e1", NULL, VSNAP_SNAPSHOT_CREATE_DISK_ONLY));
	char *ov = qt_disk_file(e, "vda");
	assert_ok(vsnap_snapshot_revert(e->dom, "s0", 0));
	assert_int_equal(access(ov, F_OK), -1);
	vsnap_forest *fo = NULL;
	vsnap_snapshot *s = NULL;
	assert_ok(vsnap_forest_get(&fo, e->dom));
	assert_ok(vsnap_forest_lookup(&s, fo, "e1"));
	assert_ok(vsnap_snapshot_get_xml(&xml, s, VSNAP_SNAPSHOT_XML_NO_DOMAIN));
	assert_null(strstr(xml, ov));
	vsnap_string_free(xml);
	vsnap_forest_free(fo);
	free(ov);
}

static void define_twin(qt_env *e, vsnap_domain **out)
{
	char *xml = NULL;
	char *f = qt_disk_file(e, "vda");
	assert_true(asprintf(&xml, "<domain type='qemu'><name>d2</name><memory unit='MiB'>128"
		"</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os><devices><disk "
		"type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='%s'/>"
		"<target dev='vda' bus='virtio'/></disk></devices></domain>", f) > 0);
	assert_ok(vsnap_domain_define(out, e->conn, xml, 0));
	free(xml);
	free(f);
}

/* Finding 5: two domains on one image: reverting one overwrote the other's state. */
static void shared_image_refused(void **state)
{
	qt_env *e = *state;
	vsnap_domain *d2 = NULL;

	assert_ok(vsnap_snapshot_create(NULL, e->dom, "s1", NULL, 0));
	char *f = qt_disk_file(e, "vda");
	qt_write_file(f, 0xbb);
	define_twin(e, &d2);
	assert_int_equal(vsnap_snapshot_create(NULL, d2, "t1", NULL, 0), VSNAP_EOPERATION);
	assert_non_null(strstr(vsnap_error_last()->message, "domain 'd'"));
	assert_int_equal(vsnap_snapshot_revert(e->dom, "s1", 0), VSNAP_EOPERATION);
	assert_non_null(strstr(vsnap_error_last()->message, "domain 'd2'"));
	assert_true(qt_pattern_file(f, 0xbb));   /* d2's state untouched */
	/* An external snapshot does not change the shared image: allowed. */
	assert_ok(vsnap_snapshot_create(NULL, d2, "t2", NULL, VSNAP_SNAPSHOT_CREATE_DISK_ONLY));
	assert_true(qt_pattern_file(f, 0xbb));
	assert_ok(vsnap_domain_undefine(d2, VSNAP_UNDEFINE_SNAPSHOTS_METADATA));
	vsnap_domain_free(d2);
	free(f);
}

/* Finding 6: after revert --running --force to an external snapshot and its delete, the
 * next --disk-only failed: "Node '#blockNNN' is busy: node is used as backing hd". */
static void no_busy_node_after_commit(void **state)
{
	qt_env *e = *state;

	assert_ok(vsnap_domain_start(e->dom, 0));
	assert_ok(vsnap_snapshot_create(NULL, e->dom, "e1", NULL, VSNAP_SNAPSHOT_CREATE_DISK_ONLY));
	assert_ok(vsnap_snapshot_revert(e->dom, "e1", VSNAP_SNAPSHOT_REVERT_RUNNING |
		VSNAP_SNAPSHOT_REVERT_FORCE));
	assert_ok(vsnap_snapshot_delete(e->dom, "e1", 0));
	assert_ok(vsnap_snapshot_create(NULL, e->dom, "e2", NULL, VSNAP_SNAPSHOT_CREATE_DISK_ONLY));
	qt_write_online(e, "vda", 0xcc);
	assert_ok(vsnap_snapshot_delete(e->dom, "e2", 0));
	assert_true(qt_pattern(e, "vda", 0xcc));
}

/* Finding 7: --timeout did not bound the wait for another vsnap's lock. */
static void timeout_bounds_lock_wait(void **state)
{
	qt_env *e = *state;
	vsnap_conn_options o = VSNAP_CONN_OPTIONS_INIT;
	vsnap_conn *c = NULL;
	vsnap_domain *dom = NULL;
	char path[600];
	int fd;

	snprintf(path, sizeof(path), "%s/root/run/d.lock", e->dir);
	assert_true((fd = open(path, O_RDWR | O_CREAT, 0600)) >= 0);
	assert_int_equal(flock(fd, LOCK_EX), 0);
	o.timeout_ms = 300;
	assert_ok(vsnap_conn_open(&c, e->uri, &o));
	assert_ok(vsnap_domain_lookup(&dom, c, "d"));
	assert_int_equal(vsnap_snapshot_create(NULL, dom, "s1", NULL, 0), VSNAP_ELOCKED);
	assert_non_null(strstr(vsnap_error_last()->message, "300 ms"));
	close(fd);
	assert_ok(vsnap_snapshot_create(NULL, dom, "s1", NULL, 0));
	vsnap_domain_free(dom);
	vsnap_conn_close(c);
}

/* Finding 8: `list` on a root that does not exist created the whole tree. */
static void list_creates_no_root(void **state)
{
	qt_env *e = *state;
	vsnap_conn *c = NULL;
	vsnap_domain_info *list = NULL;
	size_t n = 9;
	char uri[700], root[600];
	struct stat st;

	snprintf(root, sizeof(root), "%s/not/there", e->dir);
	snprintf(uri, sizeof(uri), "qemu:///embed?root=%s", root);
	assert_ok(vsnap_conn_open(&c, uri, NULL));
	assert_ok(vsnap_domain_list(&list, &n, c, 0));
	assert_int_equal(n, 0);
	vsnap_domain_info_list_free(list, n);
	vsnap_domain *dom = NULL;
	assert_int_equal(vsnap_domain_lookup(&dom, c, "d"), VSNAP_ENOTFOUND);
	vsnap_conn_close(c);
	snprintf(root, sizeof(root), "%s/not", e->dir);
	assert_int_equal(stat(root, &st), -1);
}

/* Finding 9: one delete ran qemu-img info 8 times, every image probed twice. */
static void one_probe_per_image(void **state)
{
	qt_env *e = *state;
	char wrap[600], log[600];

	snprintf(wrap, sizeof(wrap), "%s/qemu-img-wrap", e->dir);
	snprintf(log, sizeof(log), "%s/probes.log", e->dir);
	assert_int_equal(qt_sh("printf '#!/bin/sh\\n[ \"$1\" = info ] && echo \"$*\" >> %s\\n"
		"exec qemu-img \"$@\"\\n' > %s && chmod +x %s", log, wrap, wrap), 0);
	for (int i = 1; i <= 3; i++) {
		char name[8];
		snprintf(name, sizeof(name), "e%d", i);
		assert_ok(vsnap_snapshot_create(NULL, e->dom, name, NULL,
			VSNAP_SNAPSHOT_CREATE_DISK_ONLY));
	}
	setenv("VSNAP_QEMU_IMG", wrap, 1);
	int rc = vsnap_snapshot_delete(e->dom, "e2", 0);
	unsetenv("VSNAP_QEMU_IMG");
	assert_ok(rc);
	/* Four images (base, e1, e2, e3 overlays) at most, each once. */
	assert_int_equal(qt_sh("test $(wc -l < %s) -le 4 && test -z \"$(sort %s | uniq -d)\"",
		log, log), 0);
	assert_true(qt_pattern(e, "vda", 0xaa));
}

/* snapshot-check: reports without changing; --repair fixes what is safe. */
static void check_and_repair(void **state)
{
	qt_env *e = *state;
	vsnap_check_item *items = NULL;
	size_t n = 0;
	char list[600];

	assert_ok(vsnap_snapshot_create(NULL, e->dom, "s1", NULL, 0));
	char *f = qt_disk_file(e, "vda");
	assert_int_equal(qt_sh("qemu-img snapshot -c stray '%s'", f), 0);
	snprintf(list, sizeof(list), "%s/root/domains/d.files", e->dir);
	assert_int_equal(qt_sh("qemu-img create -q -f qcow2 %s/left.qcow2 1M && "
		"echo %s/left.qcow2 >> %s", e->dir, e->dir, list), 0);
	assert_ok(vsnap_domain_check(&items, &n, e->dom, 0));
	assert_int_equal(n, 2);
	int kinds = 0;
	for (size_t i = 0; i < n; i++) {
		kinds |= 1 << items[i].kind;
		assert_true(items[i].repairable);
		assert_false(items[i].repaired);
	}
	assert_int_equal(kinds, (1 << VSNAP_CHECK_ORPHAN_TAG) | (1 << VSNAP_CHECK_ORPHAN_FILE));
	vsnap_check_items_free(items, n);
	assert_true(image_has_tag(f, "stray"));
	assert_ok(vsnap_domain_check(&items, &n, e->dom, VSNAP_CHECK_REPAIR));
	assert_int_equal(n, 2);
	assert_true(items[0].repaired && items[1].repaired);
	vsnap_check_items_free(items, n);
	assert_false(image_has_tag(f, "stray"));
	assert_true(image_has_tag(f, "s1"));
	assert_ok(vsnap_domain_check(&items, &n, e->dom, 0));
	assert_int_equal(n, 0);
	vsnap_check_items_free(items, n);
	/* An interrupted revert is reported, left alone, then finished by --repair. */
	killed_at(e, "revert-defined", OP_REVERT, "s1", 0);
	assert_ok(vsnap_domain_check(&items, &n, e->dom, 0));
	assert_int_equal(n, 1);
	assert_int_equal(items[0].kind, VSNAP_CHECK_INTERRUPTED);
	vsnap_check_items_free(items, n);
	assert_true(intent_exists(e));
	assert_ok(vsnap_domain_check(&items, &n, e->dom, VSNAP_CHECK_REPAIR));
	assert_true(n >= 1 && items[0].repaired);
	vsnap_check_items_free(items, n);
	assert_false(intent_exists(e));
	free(f);
}

/* Found by the kill trials: after a revert to an internal snapshot had collected the
 * overlay of external snapshot e1, a second revert applied the internal snapshot in place on
 * e1's frozen image, and e1 then reverted to the internal snapshot's data. */
static void revert_keeps_external_frozen_image(void **state)
{
	qt_env *e = *state;

	assert_ok(vsnap_snapshot_create(NULL, e->dom, "s0", NULL, 0));
	char *f = qt_disk_file(e, "vda");
	qt_write_file(f, 0xb1);
	free(f);
	assert_ok(vsnap_snapshot_create(NULL, e->dom, "e1", NULL, VSNAP_SNAPSHOT_CREATE_DISK_ONLY));
	f = qt_disk_file(e, "vda");
	qt_write_file(f, 0xb2);
	free(f);
	assert_ok(vsnap_snapshot_revert(e->dom, "s0", 0));
	assert_ok(vsnap_snapshot_revert(e->dom, "s0", 0));
	assert_true(qt_pattern(e, "vda", 0xaa));
	assert_ok(vsnap_snapshot_revert(e->dom, "e1", 0));
	assert_true(qt_pattern(e, "vda", 0xb1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(half_done_revert, qt_cm_setup1, qt_cm_teardown),
		cmocka_unit_test_setup_teardown(killed_delete_of_current, qt_cm_setup1, qt_cm_teardown),
		cmocka_unit_test_setup_teardown(stale_current_after_killed_revert, qt_cm_setup1,
			qt_cm_teardown),
		cmocka_unit_test_setup_teardown(orphan_tag_of_killed_checkpoint, qt_cm_setup1,
			qt_cm_teardown),
		cmocka_unit_test_setup_teardown(failed_two_disk_create_leaves_nothing, qt_cm_setup2,
			qt_cm_teardown),
		cmocka_unit_test_setup_teardown(dumpxml_names_no_deleted_overlay, qt_cm_setup1,
			qt_cm_teardown),
		cmocka_unit_test_setup_teardown(shared_image_refused, qt_cm_setup1, qt_cm_teardown),
		cmocka_unit_test_setup_teardown(no_busy_node_after_commit, qt_cm_setup1, qt_cm_teardown),
		cmocka_unit_test_setup_teardown(timeout_bounds_lock_wait, qt_cm_setup1, qt_cm_teardown),
		cmocka_unit_test_setup_teardown(list_creates_no_root, qt_cm_setup1, qt_cm_teardown),
		cmocka_unit_test_setup_teardown(one_probe_per_image, qt_cm_setup1, qt_cm_teardown),
		cmocka_unit_test_setup_teardown(check_and_repair, qt_cm_setup1, qt_cm_teardown),
		cmocka_unit_test_setup_teardown(revert_keeps_external_frozen_image, qt_cm_setup1,
			qt_cm_teardown),
	};
	if (!qt_have_qemu())
		return 77;
	return cmocka_run_group_tests(tests, NULL, NULL);
}

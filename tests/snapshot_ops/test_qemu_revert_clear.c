/*
 * Revert that clears the way (seed 001's REVERT_DELETE_CHILDREN and REVERT_DISCARD) on QEMU,
 * with real qemu-img / qemu-io / qemu-system-x86_64 (TCG): the children's subtrees go before
 * the revert, which then runs in place (no branch copy); --discard drops the snapshot after
 * the revert, and an external snapshot's overlay with it; refusals change nothing; an
 * interrupted run (kill at a named step) is finished by running the same call again.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu/qemu_test.h"

#include <sys/wait.h>

#define DELETE_CHILDREN VSNAP_SNAPSHOT_REVERT_DELETE_CHILDREN
#define DISCARD VSNAP_SNAPSHOT_REVERT_DISCARD

static int exists(qt_env *e, const char *name)
{
	vsnap_forest *f = NULL;
	vsnap_snapshot *s = NULL;
	int rc;

	assert_ok(vsnap_forest_get(&f, e->dom));
	rc = vsnap_forest_lookup(&s, f, name);
	vsnap_forest_free(f);
	return rc == 0;
}

/* Files in the scratch dir whose name starts with "vda." other than vda.qcow2 itself. */
static int overlays(qt_env *e)
{
	return qt_sh("test $(ls '%s' | grep '^vda\\.' | grep -vc '^vda\\.qcow2$') -eq 0", e->dir) ?
		1 : 0;
}

/* s0 (internal) <- e1 (external) <- e2 (external): back to s0, the external children gone,
 * the domain on its original image again, no overlay or branch copy left behind. */
static void offline_delete_children(void **state)
{
	qt_env *e = *state;
	char *orig = qt_disk_file(e, "vda"), *now;
	char cur[64];

	assert_ok(vsnap_snapshot_create(NULL, e->dom, "s0", NULL, 0));
	qt_write_file(orig, 0xbb);
	assert_ok(vsnap_snapshot_create(NULL, e->dom, "e1", NULL, VSNAP_SNAPSHOT_CREATE_DISK_ONLY));
	now = qt_disk_file(e, "vda");
	qt_write_file(now, 0xcc);
	free(now);
	assert_ok(vsnap_snapshot_create(NULL, e->dom, "e2", NULL, VSNAP_SNAPSHOT_CREATE_DISK_ONLY));
	assert_true(overlays(e));

	assert_ok(vsnap_snapshot_revert(e->dom, "s0", DELETE_CHILDREN));
	assert_int_equal(qt_count(e), 1);
	assert_string_equal(qt_current(e, cur, sizeof(cur)), "s0");
	now = qt_disk_file(e, "vda");
	assert_string_equal(now, orig);
	free(now);
	assert_true(qt_pattern_file(orig, 0xaa));
	assert_false(overlays(e));
	/* s0 itself is intact: its tag is still in the image. */
	assert_int_equal(qt_sh("qemu-img snapshot -l '%s' | grep -q ' s0 '", orig), 0);
	free(orig);
}

/* --discard of an external snapshot: the overlay goes, the domain runs on the snapshot's
 * own image again, and the snapshot is gone. Without --force a shut-off domain needs none. */
static void offline_discard_external(void **state)
{
	qt_env *e = *state;
	char *orig = qt_disk_file(e, "vda"), *now;

	assert_ok(vsnap_snapshot_create(NULL, e->dom, "e1", NULL, VSNAP_SNAPSHOT_CREATE_DISK_ONLY));
	now = qt_disk_file(e, "vda");
	assert_string_not_equal(now, orig);
	qt_write_file(now, 0xbb);
	free(now);
	assert_ok(vsnap_snapshot_revert(e->dom, "e1", DISCARD));
	assert_int_equal(qt_count(e), 0);
	now = qt_disk_file(e, "vda");
	assert_string_equal(now, orig);
	free(now);
	assert_true(qt_pattern_file(orig, 0xaa));
	assert_false(overlays(e));
	free(orig);
}

/* --discard without --delete-children: the children move up, with their data. */
static void discard_keeps_children(void **state)
{
	qt_env *e = *state;
	char *f = qt_disk_file(e, "vda");

	assert_ok(vsnap_snapshot_create(NULL, e->dom, "a", NULL, 0));
	qt_write_file(f, 0xbb);
	assert_ok(vsnap_snapshot_create(NULL, e->dom, "b", NULL, 0));
	qt_write_file(f, 0xcc);
	assert_ok(vsnap_snapshot_revert(e->dom, "a", DISCARD));
	assert_true(qt_pattern_file(f, 0xaa));
	assert_false(exists(e, "a"));
	assert_int_equal(qt_count(e), 1);
	assert_ok(vsnap_snapshot_revert(e->dom, "b", 0));
	assert_true(qt_pattern_file(f, 0xbb));
	free(f);
}

/* Running: back to a checkpoint in the same QEMU; the refusal (a disk-only snapshot of a
 * running guest needs --force) comes before anything is deleted. */
static void online(void **state)
{
	qt_env *e = *state;
	char cur[64];

	assert_ok(vsnap_domain_start(e->dom, 0));
	qt_write_online(e, "vda", 0xbb);
	assert_ok(vsnap_snapshot_create(NULL, e->dom, "c1", NULL, 0));
	qt_write_online(e, "vda", 0xcc);
	assert_ok(vsnap_snapshot_create(NULL, e->dom, "c2", NULL, 0));
	assert_ok(vsnap_snapshot_create(NULL, e->dom, "d3", NULL, VSNAP_SNAPSHOT_CREATE_DISK_ONLY));
	qt_write_online(e, "vda", 0xdd);
	assert_ok(vsnap_snapshot_create(NULL, e->dom, "c4", NULL, 0));

	/* d3 has no memory: refused while running, c4 still there. */
	assert_int_equal(vsnap_snapshot_revert(e->dom, "d3", DELETE_CHILDREN), VSNAP_EOPERATION);
	assert_non_null(strstr(vsnap_error_last()->message, "nothing was deleted"));
	assert_true(exists(e, "c4"));

	assert_ok(vsnap_snapshot_revert(e->dom, "c1", DELETE_CHILDREN));
	assert_int_equal(qt_state(e), VSNAP_DOMAIN_RUNNING);
	assert_int_equal(qt_count(e), 1);
	assert_string_equal(qt_current(e, cur, sizeof(cur)), "c1");
	assert_true(qt_pattern_online(e, "vda", 0xbb));

	/* --discard --paused: the checkpoint's state, paused, and no snapshot left. */
	assert_ok(vsnap_snapshot_revert(e->dom, "c1", DISCARD | VSNAP_SNAPSHOT_REVERT_PAUSED));
	assert_int_equal(qt_state(e), VSNAP_DOMAIN_PAUSED);
	assert_int_equal(qt_count(e), 0);
	assert_true(qt_pattern_online(e, "vda", 0xbb));
}

/* Killed after the first child's delete (a step of the QEMU driver's own crash tests): the
 * store loads, and the same call finishes the job. */
static void interrupted_then_rerun(void **state)
{
	qt_env *e = *state;
	char *orig = qt_disk_file(e, "vda"), *now;
	int st;
	pid_t pid;

	assert_ok(vsnap_snapshot_create(NULL, e->dom, "s0", NULL, 0));
	assert_ok(vsnap_snapshot_create(NULL, e->dom, "e1", NULL, VSNAP_SNAPSHOT_CREATE_DISK_ONLY));
	now = qt_disk_file(e, "vda");
	qt_write_file(now, 0xbb);
	free(now);
	assert_ok(vsnap_snapshot_revert(e->dom, "s0", 0));
	assert_ok(vsnap_snapshot_create(NULL, e->dom, "e2", NULL, VSNAP_SNAPSHOT_CREATE_DISK_ONLY));
	fflush(NULL);
	if ((pid = fork()) == 0) {
		setenv("VSNAP_TEST_CRASH_AT", "delete-removed", 1);
		_exit(vsnap_snapshot_revert(e->dom, "s0", DELETE_CHILDREN | DISCARD) == 0 ? 0 : 1);
	}
	assert_true(waitpid(pid, &st, 0) == pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 86);
	assert_true(exists(e, "s0"));
	assert_true(qt_count(e) < 3);

	assert_ok(vsnap_snapshot_revert(e->dom, "s0", DELETE_CHILDREN | DISCARD));
	assert_int_equal(qt_count(e), 0);
	now = qt_disk_file(e, "vda");
	assert_string_equal(now, orig);
	free(now);
	assert_true(qt_pattern_file(orig, 0xaa));
	assert_int_equal(qt_sh("qemu-img snapshot -l '%s' | grep -q ' s0 '", orig), 1);
	free(orig);
}

/* Argument errors reach the caller before anything happens. */
static void refusals(void **state)
{
	qt_env *e = *state;

	assert_ok(vsnap_snapshot_create(NULL, e->dom, "a", NULL, 0));
	assert_ok(vsnap_snapshot_create(NULL, e->dom, "b", NULL, 0));
	assert_int_equal(vsnap_snapshot_revert(e->dom, "nope", DELETE_CHILDREN), VSNAP_ENOTFOUND);
	assert_int_equal(vsnap_snapshot_revert(e->dom, "a", DELETE_CHILDREN |
		VSNAP_SNAPSHOT_REVERT_RUNNING | VSNAP_SNAPSHOT_REVERT_PAUSED), VSNAP_EINVALID);
	assert_int_equal(vsnap_snapshot_revert(e->dom, "a", 1u << 20), VSNAP_EINVALID);
	assert_int_equal(qt_count(e), 2);
}

#define T1(fn) cmocka_unit_test_setup_teardown(fn, qt_cm_setup1, qt_cm_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T1(offline_delete_children),
		T1(offline_discard_external),
		T1(discard_keeps_children),
		T1(online),
		T1(interrupted_then_rerun),
		T1(refusals),
	};
	if (!qt_have_qemu())
		return 77;
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Moving snapshot metadata between connections (seed 001's last section): two embed roots
 * are two hosts sharing the image directory. Internal and external snapshots, with and
 * without memory; the destination reverts to them afterwards; a snapshot whose data the
 * destination cannot see stops the move with nothing changed on either side; a conflicting
 * snapshot on the destination too; an interrupted move (killed at each step) is finished by
 * running it again.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu/qemu_test.h"

#include <sys/wait.h>

typedef struct {
	qt_env a;               /* host A: a.dir/root */
	char uri_b[600];        /* host B: a.dir/rootB */
	vsnap_conn *b;
} two_hosts;

static int setup(void **state)
{
	two_hosts *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	qt_setup(&t->a, 1, NULL);
	snprintf(t->uri_b, sizeof(t->uri_b), "qemu:///embed?root=%s/rootB", t->a.dir);
	assert_ok(vsnap_conn_open(&t->b, t->uri_b, NULL));
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	two_hosts *t = *state;
	vsnap_domain *d = NULL;

	if (vsnap_domain_lookup(&d, t->b, "d") == 0) {
		vsnap_domain_destroy(d, 0);
		vsnap_domain_free(d);
	}
	vsnap_conn_close(t->b);
	qt_teardown(&t->a);
	free(t);
	return 0;
}

static int count_on(vsnap_conn *c, const char *current, size_t *n)
{
	vsnap_domain *d = NULL;
	vsnap_forest *f = NULL;
	int rc;

	*n = 0;
	if ((rc = vsnap_domain_lookup(&d, c, "d")) < 0)
		return rc;
	assert_ok(vsnap_forest_get(&f, d));
	*n = vsnap_forest_count(f);
	if (current) {
		vsnap_snapshot *cur = vsnap_forest_current(f);
		assert_non_null(cur);
		assert_string_equal(vsnap_snapshot_name(cur), current);
	}
	vsnap_forest_free(f);
	vsnap_domain_free(d);
	return 0;
}

static size_t count_b(two_hosts *t, const char *current)
{
	size_t n = 0;
	if (count_on(t->b, current, &n) < 0)
		vsnap_error_clear();
	return n;
}

static void write_current(qt_env *e, int pattern)
{
	char *f = qt_disk_file(e, "vda");
	qt_write_file(f, pattern);
	free(f);
}

/* A tree with every kind: s0 internal (0xaa), e1 external (0xbb), then running: c1 internal
 * checkpoint (0xcc), x1 external checkpoint with a memory file under A's root (0xdd). */
static void every_kind(void **state)
{
	two_hosts *t = *state;
	qt_env *a = &t->a;
	size_t redefined = 9, present = 9;
	vsnap_domain *db = NULL;
	char xml[512];

	assert_ok(vsnap_snapshot_create(NULL, a->dom, "s0", NULL, 0));
	write_current(a, 0xbb);
	assert_ok(vsnap_snapshot_create(NULL, a->dom, "e1", NULL, VSNAP_SNAPSHOT_CREATE_DISK_ONLY));
	assert_ok(vsnap_domain_start(a->dom, 0));
	qt_write_online(a, "vda", 0xcc);
	assert_ok(vsnap_snapshot_create(NULL, a->dom, "c1", NULL, 0));
	qt_write_online(a, "vda", 0xdd);
	snprintf(xml, sizeof(xml), "<domainsnapshot><name>x1</name><memory snapshot='external' "
		"file='%s/x1.mem'/></domainsnapshot>", a->dir);
	assert_ok(vsnap_snapshot_create_xml(NULL, a->dom, xml, 0));
	assert_ok(vsnap_domain_destroy(a->dom, 0));

	/* B has no such domain: refused unless asked to define it. */
	assert_int_equal(vsnap_snapshot_move(NULL, NULL, a->dom, t->b, 0), VSNAP_ENOTFOUND);
	assert_non_null(strstr(vsnap_error_last()->message, "--define"));
	assert_int_equal(qt_count(a), 4);
	assert_int_equal(vsnap_snapshot_move(NULL, NULL, a->dom, a->conn, 0), VSNAP_EINVALID);

	assert_ok(vsnap_snapshot_move(&redefined, &present, a->dom, t->b,
		VSNAP_SNAPSHOT_MOVE_DEFINE));
	assert_int_equal(redefined, 4);
	assert_int_equal(present, 0);
	assert_int_equal(qt_count(a), 0);
	assert_int_equal(count_b(t, "x1"), 4);
	/* The memory file A made is B's to manage now: A's record dropped it, B's has it. */
	assert_int_equal(qt_sh("grep -q x1.mem '%s/root/domains/d.files'", a->dir), 1);
	assert_int_equal(qt_sh("grep -q x1.mem '%s/rootB/domains/d.files'", a->dir), 0);
	/* Nothing left to move: a second run is a no-op. */
	assert_ok(vsnap_snapshot_move(&redefined, &present, a->dom, t->b, 0));
	assert_int_equal(redefined + present, 0);

	/* B uses them: the parent chain is kept, and each reverts to its data. */
	assert_ok(vsnap_domain_lookup(&db, t->b, "d"));
	assert_ok(vsnap_snapshot_revert(db, "x1", 0));
	assert_int_equal(qt_sh("test -S '%s/rootB/run/d.qmp'", a->dir), 0);
	assert_ok(vsnap_snapshot_revert(db, "c1", VSNAP_SNAPSHOT_REVERT_PAUSED));
	assert_ok(vsnap_domain_destroy(db, 0));
	assert_ok(vsnap_snapshot_revert(db, "e1", 0));
	assert_ok(vsnap_snapshot_revert(db, "s0", 0));
	/* The domain on B now runs on s0's image, which holds s0's data. */
	char *dx = NULL, file[512];
	assert_ok(vsnap_domain_get_xml(&dx, db, 0));
	const char *src = strstr(dx, "<source file='");
	assert_non_null(src);
	snprintf(file, sizeof(file), "%.*s", (int)strcspn(src + 14, "'"), src + 14);
	free(dx);
	assert_true(qt_pattern_file(file, 0xaa));
	vsnap_forest *forest = NULL;
	vsnap_snapshot *s = NULL;
	assert_ok(vsnap_forest_get(&forest, db));
	assert_ok(vsnap_forest_lookup(&s, forest, "x1"));
	assert_string_equal(vsnap_snapshot_name(vsnap_snapshot_parent(s)), "c1");
	vsnap_forest_free(forest);
	/* B cleans up what it took over once its snapshots go. */
	assert_ok(vsnap_snapshot_delete_all(db, 0));
	assert_int_equal(qt_sh("test -e '%s/x1.mem'", a->dir), 1);
	vsnap_domain_free(db);
}

/* s0 internal, e1 and e2 external, on A. */
static void chain_on_a(two_hosts *t)
{
	qt_env *a = &t->a;

	assert_ok(vsnap_snapshot_create(NULL, a->dom, "s0", NULL, 0));
	write_current(a, 0xbb);
	assert_ok(vsnap_snapshot_create(NULL, a->dom, "e1", NULL, VSNAP_SNAPSHOT_CREATE_DISK_ONLY));
	write_current(a, 0xcc);
	assert_ok(vsnap_snapshot_create(NULL, a->dom, "e2", NULL, VSNAP_SNAPSHOT_CREATE_DISK_ONLY));
	write_current(a, 0xdd);
}

/* The image e2 needs (e1's overlay) is not visible: A is untouched and B gets no snapshot
 * (only the domain --define asked for). Same for a missing internal tag, and for a snapshot
 * B has with other metadata. Then it works. */
static void missing_data_and_conflict(void **state)
{
	two_hosts *t = *state;
	qt_env *a = &t->a;
	vsnap_domain *db = NULL;

	chain_on_a(t);
	assert_int_equal(qt_sh("mv '%s/vda.e1' '%s/hidden'", a->dir, a->dir), 0);
	assert_int_equal(vsnap_snapshot_move(NULL, NULL, a->dom, t->b, VSNAP_SNAPSHOT_MOVE_DEFINE),
		VSNAP_ENOTFOUND);
	assert_non_null(strstr(vsnap_error_last()->message, "vda.e1"));
	assert_non_null(strstr(vsnap_error_last()->message, "'e2'"));
	assert_int_equal(qt_count(a), 3);
	assert_int_equal(count_b(t, NULL), 0);
	assert_int_equal(qt_sh("mv '%s/hidden' '%s/vda.e1'", a->dir, a->dir), 0);

	/* An internal snapshot whose tag the image lacks. */
	char *orig = NULL;
	assert_true(asprintf(&orig, "%s/vda.qcow2", a->dir) > 0);
	assert_int_equal(qt_sh("qemu-img snapshot -d s0 '%s'", orig), 0);
	assert_int_equal(vsnap_snapshot_move(NULL, NULL, a->dom, t->b, VSNAP_SNAPSHOT_MOVE_DEFINE),
		VSNAP_ENOTFOUND);
	assert_non_null(strstr(vsnap_error_last()->message, "no internal snapshot"));
	assert_int_equal(qt_sh("qemu-img snapshot -c s0 '%s'", orig), 0);
	free(orig);

	/* B has an "e1" of its own. */
	assert_ok(vsnap_domain_lookup(&db, t->b, "d"));
	assert_ok(vsnap_snapshot_create_xml(NULL, db, "<domainsnapshot><name>e1</name><state>"
		"shutoff</state><creationTime>1</creationTime></domainsnapshot>",
		VSNAP_SNAPSHOT_CREATE_REDEFINE));
	assert_int_equal(vsnap_snapshot_move(NULL, NULL, a->dom, t->b, 0), VSNAP_EEXISTS);
	assert_non_null(strstr(vsnap_error_last()->message, "other metadata"));
	assert_int_equal(qt_count(a), 3);
	assert_int_equal(count_b(t, NULL), 1);
	assert_ok(vsnap_snapshot_delete(db, "e1", VSNAP_SNAPSHOT_DELETE_METADATA_ONLY));
	vsnap_domain_free(db);

	assert_ok(vsnap_snapshot_move(NULL, NULL, a->dom, t->b, 0));
	assert_int_equal(qt_count(a), 0);
	assert_int_equal(count_b(t, "e2"), 3);
}

/* Killed at each step of the move, then run again: same end state every time. */
static void interrupted_then_rerun(void **state)
{
	two_hosts *t = *state;
	qt_env *a = &t->a;
	const char *steps[] = { "move-redefined", "move-uncurrent", "move-deleted" };
	size_t redefined = 0, present = 0;

	chain_on_a(t);
	/* B defined by the first (killed) run. */
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		int st;
		pid_t pid;

		fflush(NULL);
		if ((pid = fork()) == 0) {
			setenv("VSNAP_TEST_CRASH_AT", steps[i], 1);
			_exit(vsnap_snapshot_move(NULL, NULL, a->dom, t->b,
				VSNAP_SNAPSHOT_MOVE_DEFINE) == 0 ? 0 : 1);
		}
		assert_true(waitpid(pid, &st, 0) == pid);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 86)
			fail_msg("step '%s' was not reached (status 0x%x)", steps[i], st);
		size_t na = (size_t)qt_count(a), nb = count_b(t, NULL);
		assert_true(nb >= 1);
		/* A keeps whatever B does not have yet. */
		assert_true(na == 3 || nb == 3);
		assert_ok(vsnap_snapshot_move(&redefined, &present, a->dom, t->b, 0));
		assert_int_equal(redefined + present, na);
		assert_int_equal(qt_count(a), 0);
		assert_int_equal(count_b(t, "e2"), 3);
		if (i + 1 < sizeof(steps) / sizeof(steps[0])) {
			/* Back to A (by the same call the other way) for the next step. */
			vsnap_domain *db = NULL;
			assert_ok(vsnap_domain_lookup(&db, t->b, "d"));
			assert_ok(vsnap_snapshot_move(NULL, NULL, db, a->conn, 0));
			vsnap_domain_free(db);
			assert_int_equal(qt_count(a), 3);
			char cur[64];
			assert_string_equal(qt_current(a, cur, sizeof(cur)), "e2");
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(every_kind, setup, teardown),
		cmocka_unit_test_setup_teardown(missing_data_and_conflict, setup, teardown),
		cmocka_unit_test_setup_teardown(interrupted_then_rerun, setup, teardown),
	};
	if (!qt_have_qemu())
		return 77;
	return cmocka_run_group_tests(tests, NULL, NULL);
}

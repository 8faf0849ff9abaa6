/*
 * Crash safety: vsnap is stopped dead (VSNAP_TEST_CRASH_AT=<step> makes the library _exit(86)
 * there, as a SIGKILL would) at each step of create, delete and revert. Afterwards the store
 * must load, every snapshot it lists must revert to its own data, the domain keep its data,
 * and the interrupted operation must succeed when run again.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu_test.h"

#include <sys/wait.h>

typedef enum { OP_CREATE_INT, OP_CREATE_EXT, OP_DELETE_EXT, OP_REVERT_EXT } op_kind;

typedef struct {
	const char *step;
	op_kind op;
} crash_case;

static const crash_case cases[] = {
	{ "create-internal-disk", OP_CREATE_INT },
	{ "create-before-metadata", OP_CREATE_INT },
	{ "create-before-current", OP_CREATE_INT },
	{ "create-external-recorded", OP_CREATE_EXT },
	{ "create-external-overlays", OP_CREATE_EXT },
	{ "create-before-metadata", OP_CREATE_EXT },
	{ "create-before-current", OP_CREATE_EXT },
	{ "delete-merged", OP_DELETE_EXT },
	{ "delete-reparented", OP_DELETE_EXT },
	{ "delete-removed", OP_DELETE_EXT },
	{ "revert-recorded", OP_REVERT_EXT },
	{ "revert-stopped", OP_REVERT_EXT },
	{ "revert-defined", OP_REVERT_EXT },
};

static void write_both(qt_env *e, int p)
{
	const char *t[] = { "vda", "vdb" };
	for (int i = 0; i < 2; i++) {
		char *f = qt_disk_file(e, t[i]);
		qt_write_file(f, p);
		free(f);
	}
}

static int both(qt_env *e, int p)
{
	return qt_pattern(e, "vda", p) && qt_pattern(e, "vdb", p);
}

static int run_op(qt_env *e, op_kind op)
{
	switch (op) {
	case OP_CREATE_INT:
		return vsnap_snapshot_create(NULL, e->dom, "n1", NULL, 0);
	case OP_CREATE_EXT:
		return vsnap_snapshot_create(NULL, e->dom, "n1", NULL, VSNAP_SNAPSHOT_CREATE_DISK_ONLY);
	case OP_DELETE_EXT:
		return vsnap_snapshot_delete(e->dom, "n1", 0);
	case OP_REVERT_EXT:
		return vsnap_snapshot_revert(e->dom, "n1", 0);
	}
	return -1;
}

/* Returns 1 when the snapshot exists. */
static int exists(qt_env *e, const char *name)
{
	vsnap_forest *f = NULL;
	vsnap_snapshot *s = NULL;
	assert_ok(vsnap_forest_get(&f, e->dom));
	int rc = vsnap_forest_lookup(&s, f, name);
	vsnap_forest_free(f);
	return rc == 0;
}

static void one_case(const crash_case *c)
{
	qt_env e;
	int st;
	pid_t pid;

	qt_setup(&e, 2, NULL);
	assert_ok(vsnap_snapshot_create(NULL, e.dom, "base", NULL, 0));
	write_both(&e, 0xbb);
	if (c->op == OP_DELETE_EXT || c->op == OP_REVERT_EXT) {
		assert_ok(vsnap_snapshot_create(NULL, e.dom, "n1", NULL,
			VSNAP_SNAPSHOT_CREATE_DISK_ONLY));
		write_both(&e, 0xcc);
	}
	fflush(NULL);
	if ((pid = fork()) == 0) {
		setenv("VSNAP_TEST_CRASH_AT", c->step, 1);
		_exit(run_op(&e, c->op) == 0 ? 0 : 1);
	}
	assert_true(waitpid(pid, &st, 0) == pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 86)
		fail_msg("step '%s' was not reached (status 0x%x)", c->step, st);

	/* The store loads; what it lists is true. */
	int current = c->op == OP_CREATE_INT || c->op == OP_CREATE_EXT ? 0xbb : 0xcc;
	if (c->op == OP_REVERT_EXT)
		assert_true(both(&e, 0xbb) || both(&e, 0xcc));
	else
		assert_true(both(&e, current));
	if (exists(&e, "n1")) {
		assert_ok(vsnap_snapshot_revert(e.dom, "n1", 0));
		assert_true(both(&e, 0xbb));
	} else {
		/* A create interrupted before its metadata, or a delete after it: creating it
		 * (again) works and captures the domain's data. */
		assert_ok(vsnap_snapshot_create(NULL, e.dom, "n1", NULL, c->op == OP_CREATE_EXT ?
			VSNAP_SNAPSHOT_CREATE_DISK_ONLY : 0));
		assert_ok(vsnap_snapshot_revert(e.dom, "n1", 0));
		assert_true(both(&e, current));
	}
	assert_ok(vsnap_snapshot_revert(e.dom, "base", 0));
	assert_true(both(&e, 0xaa));
	/* Finish the interrupted kind of operation; then everything goes. */
	assert_ok(vsnap_snapshot_delete(e.dom, "n1", 0));
	assert_ok(vsnap_snapshot_delete(e.dom, "base", 0));
	assert_int_equal(qt_count(&e), 0);
	assert_true(both(&e, 0xaa));
	qt_teardown(&e);
}

/* The cases of one group of operations: ctest runs each group as its own test, so none
 * comes near its timeout on a loaded machine (the whole set took 130 s at load 16). */
static const char *group = "create";

static int in_group(op_kind op)
{
	const char *g = op == OP_CREATE_INT || op == OP_CREATE_EXT ? "create" :
		op == OP_DELETE_EXT ? "delete" : "revert";
	return !strcmp(group, "all") || !strcmp(group, g);
}

static void crash_steps(void **state)
{
	int ran = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (!in_group(cases[i].op))
			continue;
		fprintf(stderr, "crash at %s (op %d)\n", cases[i].step, (int)cases[i].op);
		one_case(&cases[i]);
		ran++;
	}
	if (!ran)
		fail_msg("no crash case in group '%s' (create, delete, revert or all)", group);
}

/* usage: test_qemu_crash [create|delete|revert|all]   (default: create) */
int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(crash_steps) };
	if (argc > 1)
		group = argv[1];
	if (!qt_have_qemu())
		return 77;
	return cmocka_run_group_tests(tests, NULL, NULL);
}

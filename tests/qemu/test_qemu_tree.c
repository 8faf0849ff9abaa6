/*
 * Deletes in every position of a snapshot tree (root, middle, leaf, current, with CHILDREN,
 * CHILDREN_ONLY, METADATA_ONLY), then REDEFINE: every remaining snapshot must still revert to
 * its own data, and the domain keep its current data. Offline, so it runs fast.
 *
 *   a (ext, data aa) ─┬─ b (ext, b1)        current state: c2
 *                     └─ c (ext, c1) ─ s (internal in c's overlay, c2)
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu_test.h"

static void write_current(qt_env *e, int pattern)
{
	char *f = qt_disk_file(e, "vda");
	qt_write_file(f, pattern);
	free(f);
}

static int setup_tree(void **state)
{
	qt_env *e = calloc(1, sizeof(*e));
	qt_setup(e, 1, NULL);
	assert_ok(vsnap_snapshot_create(NULL, e->dom, "a", NULL, VSNAP_SNAPSHOT_CREATE_DISK_ONLY));
	write_current(e, 0xb1);
	assert_ok(vsnap_snapshot_create(NULL, e->dom, "b", NULL, VSNAP_SNAPSHOT_CREATE_DISK_ONLY));
	write_current(e, 0xb2);
	assert_ok(vsnap_snapshot_revert(e->dom, "a", 0));
	assert_true(qt_pattern(e, "vda", 0xaa));
	write_current(e, 0xc1);
	assert_ok(vsnap_snapshot_create(NULL, e->dom, "c", NULL, VSNAP_SNAPSHOT_CREATE_DISK_ONLY));
	write_current(e, 0xc2);
	assert_ok(vsnap_snapshot_create(NULL, e->dom, "s", NULL, 0));
	char *f = qt_disk_file(e, "vda");
	assert_int_equal(qt_sh("qemu-img snapshot -l '%s' | grep -q ' s '", f), 0);
	free(f);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	qt_teardown(*state);
	free(*state);
	return 0;
}

/* Reverts to each named snapshot and checks its data; ends on the current data check. */
static void check(qt_env *e, const char *names, const int *patterns, int current)
{
	assert_true(qt_pattern(e, "vda", current));
	char buf[64];
	snprintf(buf, sizeof(buf), "%s", names);
	int i = 0;
	for (char *save = NULL, *n = strtok_r(buf, " ", &save); n; n = strtok_r(NULL, " ", &save)) {
		assert_ok(vsnap_snapshot_revert(e->dom, n, 0));
		if (!qt_pattern(e, "vda", patterns[i]))
			fail_msg("snapshot '%s' lost its data (0x%02x)", n, patterns[i]);
		i++;
	}
}

static void parent_is(qt_env *e, const char *name, const char *parent)
{
	vsnap_forest *f = NULL;
	vsnap_snapshot *s = NULL;
	assert_ok(vsnap_forest_get(&f, e->dom));
	assert_ok(vsnap_forest_lookup(&s, f, name));
	vsnap_snapshot *p = vsnap_snapshot_parent(s);
	if (parent)
		assert_string_equal(p ? vsnap_snapshot_name(p) : "(none)", parent);
	else
		assert_null(p);
	vsnap_forest_free(f);
}

static void delete_leaf_internal(void **state)
{
	qt_env *e = *state;
	assert_ok(vsnap_snapshot_delete(e->dom, "s", 0));
	check(e, "c b a", (int[]){ 0xc1, 0xb1, 0xaa }, 0xc2);
}

static void delete_leaf_external(void **state)
{
	qt_env *e = *state;
	assert_ok(vsnap_snapshot_delete(e->dom, "b", 0));
	assert_int_equal(qt_count(e), 3);
	check(e, "s c a", (int[]){ 0xc2, 0xc1, 0xaa }, 0xc2);
}

static void delete_root(void **state)
{
	qt_env *e = *state;
	assert_ok(vsnap_snapshot_delete(e->dom, "a", 0));
	parent_is(e, "b", NULL);
	parent_is(e, "c", NULL);
	check(e, "b c s", (int[]){ 0xb1, 0xc1, 0xc2 }, 0xc2);
}

static void delete_middle(void **state)
{
	qt_env *e = *state;
	/* c is between a and s: its overlay holds s, and merges into c's base. */
	assert_ok(vsnap_snapshot_delete(e->dom, "c", 0));
	parent_is(e, "s", "a");
	check(e, "s b a", (int[]){ 0xc2, 0xb1, 0xaa }, 0xc2);
}

static void delete_current(void **state)
{
	qt_env *e = *state;
	char cur[64];
	assert_ok(vsnap_snapshot_delete(e->dom, "s", 0));
	assert_string_equal(qt_current(e, cur, sizeof(cur)), "c");
	assert_ok(vsnap_snapshot_delete(e->dom, "c", 0));
	assert_string_equal(qt_current(e, cur, sizeof(cur)), "a");
	check(e, "b a", (int[]){ 0xb1, 0xaa }, 0xc2);
}

static void delete_children(void **state)
{
	qt_env *e = *state;
	assert_ok(vsnap_snapshot_delete(e->dom, "a", VSNAP_SNAPSHOT_DELETE_CHILDREN));
	assert_int_equal(qt_count(e), 0);
	assert_true(qt_pattern(e, "vda", 0xc2));
	/* Nothing vsnap made is left but the image the domain runs on. */
	char *f = qt_disk_file(e, "vda");
	assert_int_equal(qt_sh("test $(ls %s/*vda* | wc -l) -le 2", e->dir), 0);
	assert_int_equal(qt_sh("test -e '%s'", f), 0);
	free(f);
	assert_ok(vsnap_domain_undefine(e->dom, 0));
	vsnap_domain_free(e->dom);
	e->dom = NULL;
}

static void delete_children_only(void **state)
{
	qt_env *e = *state;
	assert_ok(vsnap_snapshot_delete(e->dom, "a", VSNAP_SNAPSHOT_DELETE_CHILDREN_ONLY));
	assert_int_equal(qt_count(e), 1);
	check(e, "a", (int[]){ 0xaa }, 0xc2);
}

static void metadata_only_and_redefine(void **state)
{
	qt_env *e = *state;
	vsnap_forest *f = NULL;
	vsnap_snapshot *s = NULL;
	char *xml = NULL;

	assert_ok(vsnap_forest_get(&f, e->dom));
	assert_ok(vsnap_forest_lookup(&s, f, "c"));
	assert_ok(vsnap_snapshot_get_xml(&xml, s, 0));
	vsnap_forest_free(f);
	char *before = qt_disk_file(e, "vda");
	assert_ok(vsnap_snapshot_delete(e->dom, "c", VSNAP_SNAPSHOT_DELETE_METADATA_ONLY));
	char *after = qt_disk_file(e, "vda");
	assert_string_equal(before, after);
	assert_int_equal(qt_count(e), 3);
	parent_is(e, "s", "a");
	assert_true(qt_pattern(e, "vda", 0xc2));
	/* Put it back: the data was never touched, so it reverts again. */
	assert_ok(vsnap_snapshot_create_xml(NULL, e->dom, xml, VSNAP_SNAPSHOT_CREATE_REDEFINE));
	assert_int_equal(qt_count(e), 4);
	check(e, "c", (int[]){ 0xc1 }, 0xc2);
	free(xml);
	free(before);
	free(after);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup_tree, teardown)
	const struct CMUnitTest tests[] = {
		T(delete_leaf_internal), T(delete_leaf_external), T(delete_root), T(delete_middle),
		T(delete_current), T(delete_children), T(delete_children_only),
		T(metadata_only_and_redefine),
	};
	if (!qt_have_qemu())
		return 77;
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * The snapshot forest: building (parents by id then name, cycles, missing parents), lookup,
 * libvirt's list filters, the virsh --tree drawing, and a 5000-deep chain.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/forest.h"
#include "snapshot/forest_fixture.h"
#include "snapshot/snapshot_test_util.h"

static int setup_ten(void **state)
{
	vsnap_forest_data data = { 0 };
	vsnap_forest *f = NULL;

	fill_ten(&data);
	if (vsnap__forest_build(&f, &data) != 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown_forest(void **state)
{
	vsnap_forest_free(*state);
	return 0;
}

static vsnap_snapshot *at(vsnap_forest *f, size_t i)
{
	return vsnap_forest_at(f, i);
}

/* Lists with `flags` and checks the forest indexes, in order; want ends with -1. */
static void check_list(vsnap_forest *f, const vsnap_snapshot *from, unsigned int flags,
	const int *want)
{
	vsnap_snapshot **list = NULL;
	size_t n = 0, k = 0;

	assert_vsnap_ok(vsnap_forest_list(&list, &n, f, from, flags));
	for (; want[k] >= 0; k++) {
		if (k >= n)
			fail_msg("flags 0x%x: only %zu results, want more", flags, n);
		if (list[k] != at(f, (size_t)want[k]))
			fail_msg("flags 0x%x: result %zu is '%s' (index %zu), want index %d", flags, k,
				vsnap_snapshot_name(list[k]), list[k]->index, want[k]);
	}
	if (n != k)
		fail_msg("flags 0x%x: %zu results, want %zu", flags, n, k);
	assert_null(list[n]);
	vsnap_snapshot_list_free(list);
}

static void test_forest__structure(void **state)
{
	vsnap_forest *f = *state;
	vsnap_snapshot *base = at(f, 0);

	assert_int_equal(vsnap_forest_count(f), 10);
	assert_null(vsnap_forest_at(f, 10));
	assert_ptr_equal(vsnap_forest_current(f), at(f, 8));
	assert_true(vsnap_snapshot_is_current(at(f, 8)));
	assert_false(vsnap_snapshot_is_current(at(f, 0)));
	assert_int_equal(vsnap_snapshot_child_count(base), 2);
	assert_ptr_equal(vsnap_snapshot_child(base, 0), at(f, 1));
	assert_ptr_equal(vsnap_snapshot_child(base, 1), at(f, 6));
	assert_null(vsnap_snapshot_child(base, 2));
	assert_int_equal(vsnap_snapshot_descendant_count(base), 7);
	assert_int_equal(vsnap_snapshot_descendant_count(at(f, 1)), 5);
	assert_int_equal(vsnap_snapshot_descendant_count(at(f, 7)), 1);
	assert_null(vsnap_snapshot_parent(base));
	/* Zeta's parent came by id (snapshot-6), the second "test". */
	assert_ptr_equal(vsnap_snapshot_parent(at(f, 9)), at(f, 5));
	assert_ptr_equal(vsnap_snapshot_parent(at(f, 1)), base);
	assert_string_equal(vsnap_snapshot_id(at(f, 3)), "snapshot-4");
	assert_int_equal(vsnap_snapshot_state(at(f, 3)), VSNAP_SNAPSHOT_DISK_SNAPSHOT);
	assert_int_equal(vsnap_snapshot_creation_time(at(f, 3)), 1003);
	assert_true(vsnap_snapshot_has_memory(at(f, 1)));
	assert_false(vsnap_snapshot_has_memory(at(f, 8)));
	assert_false(vsnap_snapshot_has_memory(base));
	assert_true(vsnap_snapshot_is_external(at(f, 3)));
	assert_true(vsnap_snapshot_is_external(at(f, 5)));
	assert_false(vsnap_snapshot_is_external(at(f, 2)));
	assert_int_equal(vsnap_snapshot_quiesced(at(f, 8)), 1);
	assert_int_equal(vsnap_snapshot_quiesced(at(f, 2)), -1);
	assert_int_equal(vsnap_snapshot_disk_count(at(f, 3)), 1);
	assert_string_equal(vsnap_snapshot_disk_name(at(f, 3), 0), "vda");
	assert_int_equal(vsnap_snapshot_disk_location(at(f, 3), 0),
		VSNAP_SNAPSHOT_LOCATION_EXTERNAL);
	assert_string_equal(vsnap_snapshot_disk_file(at(f, 3), 0), "/images/db.1003");
	assert_null(vsnap_snapshot_disk_name(at(f, 3), 1));
	assert_null(vsnap_snapshot_description(base));
}

static void test_forest__lookup(void **state)
{
	vsnap_forest *f = *state;
	vsnap_snapshot *s = NULL;
	const char *msg;
	char *path = NULL;

	assert_vsnap_ok(vsnap_forest_lookup(&s, f, "web"));
	assert_ptr_equal(s, at(f, 2));
	assert_vsnap_ok(vsnap_forest_lookup(&s, f, "snapshot-6"));
	assert_ptr_equal(s, at(f, 5));
	assert_vsnap_ok(vsnap_forest_lookup(&s, f, "base/Updates/db/test"));
	assert_ptr_equal(s, at(f, 5));
	assert_vsnap_ok(vsnap_forest_lookup(&s, f, "base/Updates/web/test"));
	assert_ptr_equal(s, at(f, 4));
	assert_vsnap_ok(vsnap_forest_lookup(&s, f, "other-root/child"));
	assert_ptr_equal(s, at(f, 8));

	assert_int_equal(vsnap_forest_lookup(&s, f, "test"), VSNAP_EAMBIGUOUS);
	assert_null(s);
	msg = vsnap_error_last()->message;
	assert_non_null(strstr(msg, "'test'"));
	assert_non_null(strstr(msg, "'base/Updates/web/test' (id snapshot-5)"));
	assert_non_null(strstr(msg, "'base/Updates/db/test' (id snapshot-6)"));

	assert_int_equal(vsnap_forest_lookup(&s, f, "nope"), VSNAP_ENOTFOUND);
	assert_non_null(strstr(vsnap_error_last()->message, "'nope'"));
	assert_int_equal(vsnap_forest_lookup(&s, f, "base/nope"), VSNAP_ENOTFOUND);
	assert_int_equal(vsnap_forest_lookup(&s, f, "Updates/web"), VSNAP_ENOTFOUND);
	assert_int_equal(vsnap_forest_lookup(&s, f, "base//Updates"), VSNAP_ENOTFOUND);
	assert_int_equal(vsnap_forest_lookup(&s, f, NULL), VSNAP_EINVALID);

	assert_vsnap_ok(vsnap_snapshot_path(&path, at(f, 9)));
	assert_string_equal(path, "base/Updates/db/test/Zeta");
	free(path);
	assert_vsnap_ok(vsnap_snapshot_path(&path, at(f, 7)));
	assert_string_equal(path, "other-root");
	free(path);
}

static void test_forest__list_filters(void **state)
{
	vsnap_forest *f = *state;
	vsnap_snapshot **list = NULL;
	size_t n = 7;

	check_list(f, NULL, 0, (const int[]){ 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, -1 });
	check_list(f, NULL, VSNAP_LIST_ROOTS, (const int[]){ 0, 7, -1 });
	check_list(f, NULL, VSNAP_LIST_LEAVES, (const int[]){ 4, 6, 8, 9, -1 });
	check_list(f, NULL, VSNAP_LIST_NO_LEAVES, (const int[]){ 0, 1, 2, 3, 5, 7, -1 });
	check_list(f, NULL, VSNAP_LIST_LEAVES | VSNAP_LIST_NO_LEAVES,
		(const int[]){ 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, -1 });
	check_list(f, NULL, VSNAP_LIST_NO_METADATA, (const int[]){ -1 });
	check_list(f, NULL, VSNAP_LIST_METADATA | VSNAP_LIST_NO_METADATA,
		(const int[]){ 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, -1 });
	check_list(f, NULL, VSNAP_LIST_INACTIVE, (const int[]){ 0, 4, -1 });
	check_list(f, NULL, VSNAP_LIST_DISK_ONLY, (const int[]){ 3, 9, -1 });
	check_list(f, NULL, VSNAP_LIST_ACTIVE, (const int[]){ 1, 2, 5, 6, 7, 8, -1 });
	check_list(f, NULL, VSNAP_LIST_INACTIVE | VSNAP_LIST_DISK_ONLY,
		(const int[]){ 0, 3, 4, 9, -1 });
	check_list(f, NULL, VSNAP_LIST_EXTERNAL, (const int[]){ 3, 5, 9, -1 });
	check_list(f, NULL, VSNAP_LIST_INTERNAL, (const int[]){ 0, 1, 2, 4, 6, 7, 8, -1 });
	check_list(f, NULL, VSNAP_LIST_EXTERNAL | VSNAP_LIST_LEAVES, (const int[]){ 9, -1 });
	check_list(f, NULL, VSNAP_LIST_TOPOLOGICAL,
		(const int[]){ 0, 1, 2, 4, 3, 5, 9, 6, 7, 8, -1 });
	check_list(f, at(f, 1), 0, (const int[]){ 2, 3, -1 });
	check_list(f, at(f, 1), VSNAP_LIST_DESCENDANTS, (const int[]){ 2, 3, 4, 5, 9, -1 });
	check_list(f, at(f, 1), VSNAP_LIST_DESCENDANTS | VSNAP_LIST_TOPOLOGICAL,
		(const int[]){ 2, 4, 3, 5, 9, -1 });
	check_list(f, at(f, 1), VSNAP_LIST_DESCENDANTS | VSNAP_LIST_LEAVES,
		(const int[]){ 4, 9, -1 });
	check_list(f, at(f, 9), VSNAP_LIST_DESCENDANTS, (const int[]){ -1 });

	assert_int_equal(vsnap_forest_list(&list, &n, f, at(f, 1), VSNAP_LIST_ROOTS),
		VSNAP_EINVALID);
	assert_null(list);
	assert_int_equal(n, 0);
	assert_int_equal(vsnap_forest_list(&list, &n, f, NULL, 1u << 30), VSNAP_EINVALID);
}

static const char ten_tree[] =
	"base\n"
	"  |\n"
	"  +- alpha\n"
	"  +- Updates\n"
	"      |\n"
	"      +- db\n"
	"      |   |\n"
	"      |   +- test\n"
	"      |       |\n"
	"      |       +- Zeta\n"
	"      |         \n"
	"      +- web\n"
	"          |\n"
	"          +- test\n"
	"            \n"
	"other-root\n"
	"  |\n"
	"  +- child\n"
	"    \n";

static void test_forest__tree(void **state)
{
	vsnap_forest *f = *state;
	char *tree = NULL;

	assert_vsnap_ok(vsnap_forest_format_tree(&tree, f, NULL));
	if (strcmp(tree, ten_tree) != 0)
		fail_msg("tree differs:\n--- got ---\n%s--- want ---\n%s", tree, ten_tree);
	free(tree);
	/* From a node: that node is the only root. */
	assert_vsnap_ok(vsnap_forest_format_tree(&tree, f, at(f, 3)));
	assert_string_equal(tree, "db\n  |\n  +- test\n      |\n      +- Zeta\n        \n");
	free(tree);
	/* A leaf alone is its name and a blank line, as virsh prints it. */
	assert_vsnap_ok(vsnap_forest_format_tree(&tree, f, at(f, 6)));
	assert_string_equal(tree, "alpha\n\n");
	free(tree);
}

static void test_forest__xml_names_parent(void **state)
{
	vsnap_forest *f = *state;
	char *xml = NULL;

	/* Zeta's def names its parent by id; its XML names the parent. */
	assert_vsnap_ok(vsnap_snapshot_get_xml(&xml, at(f, 9), 0));
	assert_non_null(strstr(xml, "  <parent>\n    <name>test</name>\n  </parent>\n"));
	assert_null(strstr(xml, "snapshot-6"));
	assert_null(strstr(xml, "<active>"));
	free(xml);
	assert_int_equal(vsnap_snapshot_get_xml(&xml, at(f, 9), 1u << 9), VSNAP_EINVALID);
}

static void test_forest__damaged_links(void **state)
{
	vsnap_forest_data data = { 0 };
	vsnap_forest *f = NULL;

	(void)state;
	data.defs = calloc(5, sizeof(*data.defs));
	data.defs[0] = mkdef("a", NULL, "b", VSNAP_SNAPSHOT_SHUTOFF, 1);
	data.defs[1] = mkdef("b", NULL, "a", VSNAP_SNAPSHOT_SHUTOFF, 2);
	data.defs[2] = mkdef("orphan", NULL, "ghost", VSNAP_SNAPSHOT_SHUTOFF, 3);
	data.defs[3] = mkdef("self", NULL, "self", VSNAP_SNAPSHOT_SHUTOFF, 4);
	data.defs[4] = mkdef("c", NULL, "a", VSNAP_SNAPSHOT_SHUTOFF, 5);
	data.count = 5;
	data.current_id = strdup("orphan");
	assert_vsnap_ok(vsnap__forest_build(&f, &data));
	assert_null(data.defs);
	assert_int_equal(data.count, 0);
	/* The a<->b cycle is cut once: b becomes a root holding a, which holds c. */
	assert_null(vsnap_snapshot_parent(at(f, 1)));
	assert_ptr_equal(vsnap_snapshot_parent(at(f, 0)), at(f, 1));
	assert_ptr_equal(vsnap_snapshot_parent(at(f, 4)), at(f, 0));
	assert_null(vsnap_snapshot_parent(at(f, 2)));
	assert_null(vsnap_snapshot_parent(at(f, 3)));
	assert_ptr_equal(vsnap_forest_current(f), at(f, 2));
	assert_int_equal(vsnap_snapshot_descendant_count(at(f, 1)), 2);
	vsnap_forest_free(f);

	/* An empty forest is fine; a nameless entry is refused and still freed. */
	memset(&data, 0, sizeof(data));
	assert_vsnap_ok(vsnap__forest_build(&f, &data));
	assert_int_equal(vsnap_forest_count(f), 0);
	assert_null(vsnap_forest_current(f));
	vsnap_forest_free(f);
	data.defs = calloc(1, sizeof(*data.defs));
	data.defs[0] = vsnap__snapshot_def_new();
	data.count = 1;
	assert_int_equal(vsnap__forest_build(&f, &data), VSNAP_ERROR);
	assert_null(f);
	assert_null(data.defs);
}

#define DEEP 5000

static void test_forest__deep_chain(void **state)
{
	vsnap_forest_data data = { 0 };
	vsnap_forest *f = NULL;
	vsnap_snapshot **list = NULL, *s = NULL;
	size_t n = 0;
	char *path = NULL, *tree = NULL, *xml = NULL;

	(void)state;
	data.defs = calloc(DEEP, sizeof(*data.defs));
	for (size_t i = 0; i < DEEP; i++) {
		char name[32], parent[32];

		snprintf(name, sizeof(name), "s%zu", i);
		snprintf(parent, sizeof(parent), "s%zu", i - 1);
		data.defs[i] = mkdef(name, NULL, i ? parent : NULL, VSNAP_SNAPSHOT_RUNNING,
			(long long)i);
	}
	data.count = DEEP;
	data.current_id = strdup("s4999");
	assert_vsnap_ok(vsnap__forest_build(&f, &data));
	assert_int_equal(vsnap_snapshot_descendant_count(at(f, 0)), DEEP - 1);
	assert_vsnap_ok(vsnap_forest_list(&list, &n, f, at(f, 0),
		VSNAP_LIST_DESCENDANTS | VSNAP_LIST_TOPOLOGICAL));
	assert_int_equal(n, DEEP - 1);
	assert_ptr_equal(list[n - 1], at(f, DEEP - 1));
	vsnap_snapshot_list_free(list);
	assert_vsnap_ok(vsnap_forest_list(&list, &n, f, NULL, VSNAP_LIST_LEAVES));
	assert_int_equal(n, 1);
	vsnap_snapshot_list_free(list);

	assert_vsnap_ok(vsnap_snapshot_path(&path, at(f, DEEP - 1)));
	assert_int_equal(strncmp(path, "s0/s1/s2/", 9), 0);
	assert_vsnap_ok(vsnap_forest_lookup(&s, f, path));
	assert_ptr_equal(s, at(f, DEEP - 1));
	free(path);

	/* The drawing of the last 1000 levels (the full one is ~100 MB of indentation). */
	assert_vsnap_ok(vsnap_forest_format_tree(&tree, f, at(f, DEEP - 1000)));
	assert_int_equal(strncmp(tree, "s4000\n  |\n  +- s4001\n", 21), 0);
	free(tree);
	assert_vsnap_ok(vsnap_snapshot_get_xml(&xml, at(f, DEEP - 1), 0));
	assert_non_null(strstr(xml, "<name>s4998</name>"));
	free(xml);
	vsnap_forest_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_forest__structure, setup_ten, teardown_forest),
		cmocka_unit_test_setup_teardown(test_forest__lookup, setup_ten, teardown_forest),
		cmocka_unit_test_setup_teardown(test_forest__list_filters, setup_ten, teardown_forest),
		cmocka_unit_test_setup_teardown(test_forest__tree, setup_ten, teardown_forest),
		cmocka_unit_test_setup_teardown(test_forest__xml_names_parent, setup_ten,
			teardown_forest),
		cmocka_unit_test(test_forest__damaged_links),
		cmocka_unit_test(test_forest__deep_chain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * The ESX driver's pure mappings: power/snapshot states, snapshot name escaping, VM info,
 * and the forest built from a vSphere snapshot tree (order, parents by MoRef, deep chains).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "esxdrv/esx_private.h"

static void power_states(void **state)
{
	(void)state;
	assert_int_equal(esx_power_to_domain_state("poweredOn"), VSNAP_DOMAIN_RUNNING);
	assert_int_equal(esx_power_to_domain_state("poweredOff"), VSNAP_DOMAIN_SHUTOFF);
	assert_int_equal(esx_power_to_domain_state("suspended"), VSNAP_DOMAIN_PAUSED);
	assert_int_equal(esx_power_to_domain_state("somethingNew"), VSNAP_DOMAIN_NOSTATE);
	assert_int_equal(esx_power_to_domain_state(NULL), VSNAP_DOMAIN_NOSTATE);
}

static void snapshot_states(void **state)
{
	(void)state;
	assert_int_equal(esx_snapshot_state("poweredOn", 0), VSNAP_SNAPSHOT_RUNNING);
	assert_int_equal(esx_snapshot_state("poweredOn", 1), VSNAP_SNAPSHOT_RUNNING);
	assert_int_equal(esx_snapshot_state("suspended", 0), VSNAP_SNAPSHOT_PAUSED);
	assert_int_equal(esx_snapshot_state("poweredOff", 0), VSNAP_SNAPSHOT_SHUTOFF);
	/* Quiescing needs a running guest: a quiesced powered-off record is disk-only. */
	assert_int_equal(esx_snapshot_state("poweredOff", 1), VSNAP_SNAPSHOT_DISK_SNAPSHOT);
	assert_int_equal(esx_snapshot_state(NULL, 0), VSNAP_SNAPSHOT_NOSTATE);
}

static void check_encode(const char *plain, const char *wire)
{
	char *out = NULL;

	assert_int_equal(esx_name_encode(&out, plain), 0);
	assert_string_equal(out, wire);
	free(out);
	assert_int_equal(esx_name_decode(&out, wire), 0);
	assert_string_equal(out, plain);
	free(out);
}

static void name_escaping(void **state)
{
	char *out = NULL;

	(void)state;
	check_encode("plain", "plain");
	check_encode("a/b", "a%2fb");
	check_encode("50% done", "50%25 done");
	check_encode("", "");
	/* Servers write %2F too, and backslashes as %5c; a lone % stays. */
	assert_int_equal(esx_name_decode(&out, "x%2Fy%5cz%"), 0);
	assert_string_equal(out, "x/y\\z%");
	free(out);
	assert_int_equal(esx_name_decode(&out, "100%zz"), 0);
	assert_string_equal(out, "100%zz");
	free(out);
}

static void vm_info(void **state)
{
	vsnap_vs_vm vm = { { "VirtualMachine", "vm-42" }, "web", "4223-aa", NULL, "poweredOn",
		"[ds1] web/web.vmx", 2048, 2, 0, 0, "host-7" };
	vsnap_domain_info info;

	(void)state;
	assert_int_equal(esx_vm_to_info(&info, &vm, 1), 0);
	assert_string_equal(info.name, "web");
	assert_string_equal(info.uuid, "4223-aa");
	assert_string_equal(info.id, "vm-42");
	assert_int_equal(info.state, VSNAP_DOMAIN_RUNNING);
	assert_int_equal(info.memory_kib, 2048 * 1024);
	assert_int_equal(info.vcpus, 2);
	assert_int_equal(info.has_snapshots, 1);
	assert_int_equal(info.persistent, 1);
	vsnap_domain_info_clear(&info);
}

static vsnap_vs_snapshot node(const char *moref, const char *name, const char *st, int q)
{
	vsnap_vs_snapshot n;

	memset(&n, 0, sizeof(n));
	n.moref.type = (char *)"VirtualMachineSnapshot";
	n.moref.value = (char *)moref;
	n.name = (char *)name;
	n.description = (char *)"";
	n.state = (char *)st;
	n.quiesced = q;
	n.create_time = 1700000000;
	return n;
}

/* root1 -> { a -> { a1 }, b }, root2; names 'a' twice (ESX allows it). */
static void forest_order_and_parents(void **state)
{
	vsnap_vs_snapshot a_kids[1], r1_kids[2], roots[2];
	vsnap_vs_vm_info info;
	vsnap_forest_data d;
	const char *order[] = { "1-snapshot-1", "1-snapshot-2", "1-snapshot-3", "1-snapshot-4",
		"1-snapshot-5" };

	(void)state;
	a_kids[0] = node("1-snapshot-3", "a1", "poweredOff", 1);
	r1_kids[0] = node("1-snapshot-2", "a", "suspended", 0);
	r1_kids[0].children = a_kids;
	r1_kids[0].nchildren = 1;
	r1_kids[1] = node("1-snapshot-4", "a%2fb", "poweredOff", 0);
	r1_kids[1].description = (char *)"second";
	roots[0] = node("1-snapshot-1", "root1", "poweredOn", 0);
	roots[0].children = r1_kids;
	roots[0].nchildren = 2;
	roots[1] = node("1-snapshot-5", "a", "poweredOn", 0);
	memset(&info, 0, sizeof(info));
	info.roots = roots;
	info.nroots = 2;
	info.current.value = (char *)"1-snapshot-3";

	assert_int_equal(esx_forest_from_info(&d, &info), 0);
	assert_int_equal(d.count, 5);
	for (size_t i = 0; i < 5; i++)
		assert_string_equal(d.defs[i]->id, order[i]);
	assert_null(d.defs[0]->parent);
	assert_string_equal(d.defs[1]->parent, "1-snapshot-1");
	assert_string_equal(d.defs[2]->parent, "1-snapshot-2");
	assert_string_equal(d.defs[3]->parent, "1-snapshot-1");
	assert_null(d.defs[4]->parent);
	assert_string_equal(d.defs[3]->name, "a/b");
	assert_string_equal(d.defs[3]->description, "second");
	assert_null(d.defs[0]->description);   /* "" from the server: no <description> */
	assert_int_equal(d.defs[0]->state, VSNAP_SNAPSHOT_RUNNING);
	assert_int_equal(d.defs[0]->memory, VSNAP_SNAPSHOT_LOCATION_INTERNAL);
	assert_int_equal(d.defs[1]->state, VSNAP_SNAPSHOT_PAUSED);
	assert_int_equal(d.defs[2]->state, VSNAP_SNAPSHOT_DISK_SNAPSHOT);
	assert_int_equal(d.defs[2]->memory, VSNAP_SNAPSHOT_LOCATION_NO);
	assert_int_equal(d.defs[2]->quiesced, 1);
	assert_int_equal(d.defs[3]->state, VSNAP_SNAPSHOT_SHUTOFF);
	assert_int_equal(d.defs[0]->creation_time, 1700000000);
	assert_string_equal(d.current_id, "1-snapshot-3");
	assert_string_equal(esx_snapshot_label(&info, "1-snapshot-4"), "a%2fb");
	vsnap__forest_data_clear(&d);
}

static void forest_empty(void **state)
{
	vsnap_vs_vm_info info;
	vsnap_forest_data d;

	(void)state;
	memset(&info, 0, sizeof(info));
	assert_int_equal(esx_forest_from_info(&d, &info), 0);
	assert_int_equal(d.count, 0);
	assert_null(d.current_id);
	vsnap__forest_data_clear(&d);
}

/* A chain far deeper than ESX allows (vcsim allows it): no recursion may overflow. */
static void forest_deep_chain(void **state)
{
	enum { N = 20000 };
	vsnap_vs_snapshot *nodes = calloc(N, sizeof(*nodes));
	char (*ids)[24] = calloc(N, sizeof(*ids));
	vsnap_vs_vm_info info;
	vsnap_forest_data d;

	(void)state;
	assert_non_null(nodes);
	assert_non_null(ids);
	for (size_t i = 0; i < N; i++) {
		snprintf(ids[i], sizeof(ids[i]), "snapshot-%zu", i);
		nodes[i] = node(ids[i], ids[i], "poweredOff", 0);
		if (i + 1 < N) {
			nodes[i].children = &nodes[i + 1];
			nodes[i].nchildren = 1;
		}
	}
	memset(&info, 0, sizeof(info));
	info.roots = nodes;
	info.nroots = 1;
	assert_int_equal(esx_forest_from_info(&d, &info), 0);
	assert_int_equal(d.count, N);
	assert_string_equal(d.defs[N - 1]->parent, ids[N - 2]);
	vsnap__forest_data_clear(&d);
	free(nodes);
	free(ids);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(power_states),
		cmocka_unit_test(snapshot_states),
		cmocka_unit_test(name_escaping),
		cmocka_unit_test(vm_info),
		cmocka_unit_test(forest_order_and_parents),
		cmocka_unit_test(forest_empty),
		cmocka_unit_test(forest_deep_chain),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_vs_lookup.c: finding one VM by each kind of key (vsnap__vs_vm_info_find) against the
 * simulator, with the request count of each, a duplicated name reported with its candidates,
 * and saved sessions (export, resume without a request, re-login once after the server ended
 * the session, malformed or foreign text refused).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdlib.h>
#include <string.h>

#include "vsphere/test_vs_common.h"
#include "vsphere/vcsim_harness.h"
#include "vsphere/vsphere.h"

typedef struct {
	vsnap_vcsim sim;
	vsnap_vs_client *c;
	vsnap_vs_vm *vms;     /* summaries of all VMs (vsnap__vs_vm_list) */
	size_t nvms;
} fixture;

static void options(vsnap_vs_options *o, const fixture *f)
{
	memset(o, 0, sizeof(*o));
	o->url = f->sim.url;
	o->user = "root";
	o->password = "pass";
	o->cafile = f->sim.certfile;
}

static int setup(void **state)
{
	/* 6 VMs, the last renamed to the first one's name, snapshots on the others. */
	static const char *const extra[] = { "-vms", "6", "-snapshots", "12", "-duplicate-name",
		NULL };
	vsnap_vcsim_opts so = { NULL, "root", "pass" };
	fixture *f = calloc(1, sizeof(*f));
	vsnap_vs_options o;
	int rc = vsnap_vcsim_start_args(&f->sim, VSNAP_VCSIM_ESX, &so, extra);

	if (rc != 0) {
		free(f);
		if (rc == 77)
			exit(77);
		return -1;
	}
	options(&o, f);
	if (vsnap__vs_open(&f->c, &o) < 0 || vsnap__vs_login(f->c) < 0 ||
	    vsnap__vs_vm_list(&f->vms, &f->nvms, f->c) < 0 || f->nvms != 6) {
		fprintf(stderr, "setup: %s (%zu VMs)\n", vsnap_error_last()->message, f->nvms);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;

	vsnap__vs_logout(f->c);
	vsnap__vs_close(f->c);
	vsnap__vs_vms_free(f->vms, f->nvms);
	vsnap_vcsim_stop(&f->sim);
	free(f);
	return 0;
}

/* A VM whose name no other VM has. */
static const vsnap_vs_vm *unique_vm(const fixture *f)
{
	for (size_t i = 0; i < f->nvms; i++) {
		size_t same = 0;

		for (size_t j = 0; j < f->nvms; j++)
			same += strcmp(f->vms[i].name, f->vms[j].name) == 0;
		if (same == 1)
			return &f->vms[i];
	}
	fail_msg("no VM with a unique name");
	return NULL;
}

/* Finds `key`, expects exactly `vm` with its forest, in `requests` requests. */
static void find_one(fixture *f, const char *key, const vsnap_vs_vm *vm, unsigned long requests)
{
	vsnap_vs_vm_info **infos = NULL;
	size_t n = 0;
	unsigned long before = vsnap__vs_request_count(f->c);

	assert_vs_ok(vsnap__vs_vm_info_find(&infos, &n, f->c, key, NULL, 0));
	if (n != 1)
		fail_msg("key '%s': %zu VMs found, wanted 1", key, n);
	assert_string_equal(infos[0]->vm.moref.value, vm->moref.value);
	assert_string_equal(infos[0]->vm.name, vm->name);
	assert_non_null(infos[0]->vm.power_state);
	assert_non_null(infos[0]->datacenter);
	if (vsnap__vs_request_count(f->c) - before != requests)
		fail_msg("key '%s': %lu requests, wanted %lu", key,
			vsnap__vs_request_count(f->c) - before, requests);
	vsnap__vs_vm_infos_free(infos, n);
}

static void test_vs_lookup__each_key_kind(void **state)
{
	fixture *f = *state;
	const vsnap_vs_vm *vm = unique_vm(f);
	char key[512];

	find_one(f, vm->name, vm, 2);                     /* name scan + the VM */
	snprintf(key, sizeof(key), "name:%s", vm->name);
	find_one(f, key, vm, 2);
	find_one(f, vm->moref.value, vm, 1);              /* bare MoRef: the VM only */
	snprintf(key, sizeof(key), "moref:%s", vm->moref.value);
	find_one(f, key, vm, 1);
	find_one(f, vm->uuid, vm, 2);                     /* FindByUuid + the VM */
	snprintf(key, sizeof(key), "uuid:%s", vm->uuid);
	find_one(f, key, vm, 2);
	find_one(f, vm->instance_uuid, vm, 3);            /* BIOS miss, instance hit, the VM */
	snprintf(key, sizeof(key), "/ha-datacenter/vm/%s", vm->name);
	find_one(f, key, vm, 2);                          /* FindByInventoryPath + the VM */
	snprintf(key, sizeof(key), "path:ha-datacenter/vm/%s", vm->name);
	find_one(f, key, vm, 2);
}

static void test_vs_lookup__forest_comes_with_the_vm(void **state)
{
	fixture *f = *state;
	vsnap_vs_vm_info **infos = NULL;
	size_t n = 0, i;

	/* -snapshots gave every VM but the first by name snapshots: find one with a forest. */
	for (i = 0; i < f->nvms; i++) {
		char key[300];

		snprintf(key, sizeof(key), "moref:%s", f->vms[i].moref.value);
		assert_vs_ok(vsnap__vs_vm_info_find(&infos, &n, f->c, key, NULL, 0));
		assert_int_equal(n, 1);
		if (infos[0]->nroots) {
			assert_non_null(infos[0]->current.value);
			assert_non_null(infos[0]->roots[0].name);
			vsnap__vs_vm_infos_free(infos, n);
			return;
		}
		vsnap__vs_vm_infos_free(infos, n);
	}
	fail_msg("no VM has snapshots although vcsim was started with -snapshots 12");
}

static void test_vs_lookup__duplicate_name_lists_candidates(void **state)
{
	fixture *f = *state;
	vsnap_vs_vm_info **infos = NULL;
	size_t n = 0, dup = 0;
	const char *name = NULL;

	for (size_t i = 0; i < f->nvms && !name; i++)
		for (size_t j = i + 1; j < f->nvms; j++)
			if (strcmp(f->vms[i].name, f->vms[j].name) == 0)
				name = f->vms[i].name;
	assert_non_null(name);
	for (size_t i = 0; i < f->nvms; i++)
		dup += strcmp(f->vms[i].name, name) == 0;
	assert_vs_ok(vsnap__vs_vm_info_find(&infos, &n, f->c, name, NULL, 0));
	assert_int_equal(n, dup);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(infos[i]->vm.name, name);
		assert_non_null(infos[i]->vm.moref.value);
		assert_null(infos[i]->roots);   /* candidates only: no forest was read */
	}
	assert_string_not_equal(infos[0]->vm.moref.value, infos[1]->vm.moref.value);
	vsnap__vs_vm_infos_free(infos, n);
}

static void test_vs_lookup__misses(void **state)
{
	fixture *f = *state;
	vsnap_vs_vm_info **infos = NULL;
	size_t n = 7;

	assert_vs_ok(vsnap__vs_vm_info_find(&infos, &n, f->c, "no-such-vm", NULL, 0));
	assert_int_equal(n, 0);
	assert_vs_ok(vsnap__vs_vm_info_find(&infos, &n, f->c, "moref:vm-999999", NULL, 0));
	assert_int_equal(n, 0);
	assert_vs_ok(vsnap__vs_vm_info_find(&infos, &n, f->c,
		"uuid:00000000-0000-0000-0000-000000000000", NULL, 0));
	assert_int_equal(n, 0);
	assert_vs_ok(vsnap__vs_vm_info_find(&infos, &n, f->c, "/ha-datacenter/vm/nope", NULL, 0));
	assert_int_equal(n, 0);
	/* A path to a folder names no VM: said as such. */
	assert_vs_code(vsnap__vs_vm_info_find(&infos, &n, f->c, "/ha-datacenter/vm", NULL, 0),
		VSNAP_ENOTFOUND);
	assert_non_null(strstr(vsnap_error_last()->message, "Folder"));
	assert_vs_code(vsnap__vs_vm_info_find(&infos, &n, f->c, "uuid:", NULL, 0),
		VSNAP_EINVALID);
	/* A host that is not the VM's hides it (vpx:// URIs name a host). */
	{
		char key[300];

		snprintf(key, sizeof(key), "moref:%s", f->vms[0].moref.value);
		assert_vs_ok(vsnap__vs_vm_info_find(&infos, &n, f->c, key, "host-0", 0));
		assert_int_equal(n, 0);
	}
}

static void test_vs_lookup__key_parse(void **state)
{
	const char *t;

	(void)state;
	assert_int_equal(vsnap__vs_key_parse("web", &t), VSNAP_VS_KEY_AUTO);
	assert_string_equal(t, "web");
	assert_int_equal(vsnap__vs_key_parse("name:uuid:x", &t), VSNAP_VS_KEY_NAME);
	assert_string_equal(t, "uuid:x");
	assert_int_equal(vsnap__vs_key_parse("moref:vm-1", &t), VSNAP_VS_KEY_MOREF);
	assert_int_equal(vsnap__vs_key_parse("uuid:1", &t), VSNAP_VS_KEY_UUID);
	assert_int_equal(vsnap__vs_key_parse("path:DC/vm/x", &t), VSNAP_VS_KEY_PATH);
	assert_int_equal(vsnap__vs_key_parse("/DC/vm/x", &t), VSNAP_VS_KEY_PATH);
	assert_string_equal(t, "/DC/vm/x");
}

/* Login replies the simulator served so far. */
static int logins(const fixture *f)
{
	FILE *fp = fopen(f->sim.tracefile, "r");
	char line[4096];
	int n = 0;

	assert_non_null(fp);
	while (fgets(line, sizeof(line), fp))
		for (char *p = line; (p = strstr(p, "LoginResponse")); p++)
			n++;
	fclose(fp);
	return n / 2;     /* <LoginResponse> and </LoginResponse> */
}

static void test_vs_lookup__saved_session(void **state)
{
	fixture *f = *state;
	vsnap_vs_client *a = NULL, *b = NULL, *c = NULL;
	vsnap_vs_options o;
	vsnap_vs_vm_info **infos = NULL;
	char *text = NULL, *text2 = NULL, key[300];
	size_t n = 0;
	int l0;

	options(&o, f);
	assert_vs_ok(vsnap__vs_open(&a, &o));
	assert_vs_ok(vsnap__vs_login(a));
	assert_vs_ok(vsnap__vs_session_export(&text, a));
	assert_non_null(strstr(text, "vsnap-session 1\n"));
	assert_null(strstr(text, "pass"));

	/* Resumed: no request at open, none for login, the read works. */
	l0 = logins(f);
	assert_vs_ok(vsnap__vs_open_saved(&b, &o, text));
	assert_int_equal(vsnap__vs_request_count(b), 0);
	snprintf(key, sizeof(key), "moref:%s", f->vms[0].moref.value);
	assert_vs_ok(vsnap__vs_vm_info_find(&infos, &n, b, key, NULL, 0));
	assert_int_equal(n, 1);
	vsnap__vs_vm_infos_free(infos, n);
	assert_int_equal(vsnap__vs_request_count(b), 1);
	assert_int_equal(logins(f), l0);

	/* The server ends the session: the next read logs in once, and the text changes. */
	assert_vs_ok(vsnap__vs_logout(a));
	assert_vs_ok(vsnap__vs_vm_info_find(&infos, &n, b, key, NULL, 0));
	assert_int_equal(n, 1);
	vsnap__vs_vm_infos_free(infos, n);
	assert_int_equal(logins(f), l0 + 1);
	assert_vs_ok(vsnap__vs_session_export(&text2, b));
	assert_string_not_equal(text, text2);

	/* Text for another URL or user, or not a session at all, is refused. */
	o.user = "someone-else";
	assert_vs_code(vsnap__vs_open_saved(&c, &o, text2), VSNAP_EPARSE);
	o.user = "root";
	assert_vs_code(vsnap__vs_open_saved(&c, &o, "garbage\n"), VSNAP_EPARSE);
	assert_vs_code(vsnap__vs_open_saved(&c, &o, "vsnap-session 1\nurl x\n"), VSNAP_EPARSE);
	assert_vs_code(vsnap__vs_open_saved(&c, &o, "vsnap-session 1\nroot r\n"), VSNAP_EPARSE);
	assert_null(c);
	o.record_dir = f->sim.dir;
	assert_vs_code(vsnap__vs_open_saved(&c, &o, text2), VSNAP_EINVALID);

	vsnap__vs_logout(b);
	vsnap__vs_close(a);
	vsnap__vs_close(b);
	free(text);
	free(text2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vs_lookup__key_parse),
		cmocka_unit_test(test_vs_lookup__each_key_kind),
		cmocka_unit_test(test_vs_lookup__forest_comes_with_the_vm),
		cmocka_unit_test(test_vs_lookup__duplicate_name_lists_candidates),
		cmocka_unit_test(test_vs_lookup__misses),
		cmocka_unit_test(test_vs_lookup__saved_session),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

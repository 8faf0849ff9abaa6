/*
 * test_vs_vcsim.c: the vSphere client against the real simulator (ESX and vCenter models):
 * login, request counts, VM list/info, the snapshot tree in one request, snapshot and power
 * operations, searches, faults, keepalive, datastore download, bad password.
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
	vsnap_vs_vm *vms;
	size_t nvms;
} fixture;

static int open_client(fixture *f, const char *password)
{
	vsnap_vs_options o = { 0 };

	o.url = f->sim.url;
	o.user = "root";
	o.password = password;
	o.cafile = f->sim.certfile;
	return vsnap__vs_open(&f->c, &o);
}

static int setup_model(void **state, vsnap_vcsim_model model)
{
	fixture *f = calloc(1, sizeof(*f));
	int rc = vsnap_vcsim_start(&f->sim, model, NULL);

	if (rc != 0) {
		free(f);
		if (rc == 77)
			exit(77);
		return -1;
	}
	if (open_client(f, "pass") < 0 || vsnap__vs_login(f->c) < 0 ||
	    vsnap__vs_vm_list(&f->vms, &f->nvms, f->c) < 0 || f->nvms == 0) {
		fprintf(stderr, "setup: %s\n", vsnap_error_last()->message);
		vsnap__vs_close(f->c);
		vsnap_vcsim_stop(&f->sim);
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int setup_esx(void **state) { return setup_model(state, VSNAP_VCSIM_ESX); }
static int setup_vpx(void **state) { return setup_model(state, VSNAP_VCSIM_VPX); }

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

/* Connect + login = 2 requests, as counted by us and by the simulator. */
static void test_vs_vcsim__login_is_two_requests(void **state)
{
	fixture *f = *state;
	vsnap_vs_client *c2 = NULL;
	vsnap_vs_options o = { 0 };
	int before = vsnap_vcsim_requests(&f->sim);

	o.url = f->sim.url;
	o.user = "root";
	o.password = "pass";
	o.cafile = f->sim.certfile;
	assert_vs_ok(vsnap__vs_open(&c2, &o));
	assert_vs_ok(vsnap__vs_login(c2));
	assert_int_equal(vsnap__vs_request_count(c2), 2);
	assert_int_equal(vsnap_vcsim_requests(&f->sim) - before, 2);
	assert_string_equal(vsnap__vs_api_type(c2), "HostAgent");
	assert_vs_ok(vsnap__vs_logout(c2));
	vsnap__vs_close(c2);
}

static void test_vs_vcsim__vm_list(void **state)
{
	fixture *f = *state;
	size_t i;

	for (i = 0; i < f->nvms; i++) {
		vsnap_vs_vm *vm = &f->vms[i];

		assert_string_equal(vm->moref.type, "VirtualMachine");
		assert_non_null(vm->name);
		assert_non_null(vm->uuid);
		assert_non_null(vm->power_state);
		assert_non_null(vm->vmx_path);
		assert_int_equal(vm->vmx_path[0], '[');
		assert_true(vm->memory_mb > 0);
		assert_true(vm->num_cpu > 0);
	}
}

static vsnap_vs_vm_info *info_of(fixture *f, const vsnap_vs_moref *vm)
{
	vsnap_vs_vm_info *info = NULL;
	unsigned long before = vsnap__vs_request_count(f->c);
	int sim_before = vsnap_vcsim_requests(&f->sim);

	assert_vs_ok(vsnap__vs_vm_info(&info, f->c, vm, VSNAP_VS_INFO_DEVICES | VSNAP_VS_INFO_LAYOUT));
	/* The whole tree, the VM summary and the datacenter name: ONE request. */
	assert_int_equal(vsnap__vs_request_count(f->c) - before, 1);
	assert_int_equal(vsnap_vcsim_requests(&f->sim) - sim_before, 1);
	return info;
}

static void test_vs_vcsim__snapshot_lifecycle(void **state)
{
	fixture *f = *state;
	const vsnap_vs_moref *vm = &f->vms[0].moref;
	vsnap_vs_moref s1, s2, s3, s4;
	vsnap_vs_vm_info *info;
	const vsnap_vs_snapshot *n;

	info = info_of(f, vm);
	assert_int_equal(info->nroots, 0);
	assert_null(info->current.value);
	assert_non_null(info->datacenter);
	assert_non_null(info->datastore);
	assert_true(info->ndisks >= 1);
	assert_non_null(info->disks[0].file_name);
	assert_true(info->nfiles >= 1);
	vsnap__vs_vm_info_free(info);

	assert_vs_ok(vsnap__vs_snapshot_create(&s1, f->c, vm, "s1", "first", 0, 0));
	assert_vs_ok(vsnap__vs_snapshot_create(&s2, f->c, vm, "s2", "second", 0, 1));
	assert_vs_ok(vsnap__vs_snapshot_create(&s3, f->c, vm, "s3", "", 0, 0));
	assert_non_null(s1.value);
	assert_string_equal(s1.type, "VirtualMachineSnapshot");

	info = info_of(f, vm);
	assert_int_equal(info->nroots, 1);
	n = &info->roots[0];
	assert_string_equal(n->name, "s1");
	assert_string_equal(n->description, "first");
	assert_string_equal(n->moref.value, s1.value);
	assert_true(n->create_time > 1000000000LL);
	assert_non_null(n->create_time_raw);
	assert_non_null(n->state);
	assert_int_equal(n->nchildren, 1);
	assert_string_equal(n->children[0].name, "s2");
	assert_int_equal(n->children[0].quiesced, 1);
	assert_int_equal(n->children[0].nchildren, 1);
	assert_string_equal(n->children[0].children[0].name, "s3");
	assert_string_equal(info->current.value, s3.value);
	assert_non_null(vsnap__vs_snapshot_find(info->roots, info->nroots, s2.value));
	vsnap__vs_vm_info_free(info);

	/* Revert to s1, branch s4 off it. */
	assert_vs_ok(vsnap__vs_snapshot_revert(f->c, &s1, 1, NULL));
	assert_vs_ok(vsnap__vs_snapshot_revert_current(f->c, vm, -1, NULL));
	assert_vs_ok(vsnap__vs_snapshot_create(&s4, f->c, vm, "s4", NULL, 0, 0));
	info = info_of(f, vm);
	assert_string_equal(info->current.value, s4.value);
	assert_int_equal(info->roots[0].nchildren, 2);
	vsnap__vs_vm_info_free(info);

	/* Remove s2 alone: s3 moves up under s1. */
	assert_vs_ok(vsnap__vs_snapshot_remove(f->c, &s2, 0, 1));
	info = info_of(f, vm);
	assert_null(vsnap__vs_snapshot_find(info->roots, info->nroots, s2.value));
	n = vsnap__vs_snapshot_find(info->roots, info->nroots, s3.value);
	assert_non_null(n);
	assert_int_equal(info->roots[0].nchildren, 2);
	vsnap__vs_vm_info_free(info);

	assert_vs_ok(vsnap__vs_snapshot_remove_all(f->c, vm, -1));
	info = info_of(f, vm);
	assert_int_equal(info->nroots, 0);
	vsnap__vs_vm_info_free(info);

	/* No snapshot left: RevertToCurrentSnapshot fails with a named fault. */
	assert_vs_code(vsnap__vs_snapshot_revert_current(f->c, vm, -1, NULL), VSNAP_EFAULT);
	assert_non_null(vsnap_error_last()->fault);
	assert_non_null(strstr(vsnap_error_last()->message, vm->value));

	/* The removed snapshot no longer exists: the fault names it. */
	assert_vs_code(vsnap__vs_snapshot_remove(f->c, &s1, 0, -1), VSNAP_EFAULT);
	assert_non_null(strstr(vsnap_error_last()->message, s1.value));

	vsnap__vs_moref_clear(&s1);
	vsnap__vs_moref_clear(&s2);
	vsnap__vs_moref_clear(&s3);
	vsnap__vs_moref_clear(&s4);
}

/* vcsim lacks RenameSnapshot and ConsolidateVMDisks_Task: a typed MethodNotFound fault. */
static void test_vs_vcsim__unsupported_methods_fault(void **state)
{
	fixture *f = *state;
	const vsnap_vs_moref *vm = &f->vms[0].moref;
	vsnap_vs_moref s;

	assert_vs_ok(vsnap__vs_snapshot_create(&s, f->c, vm, "r", NULL, 0, 0));
	assert_vs_code(vsnap__vs_snapshot_rename(f->c, &s, "r2", NULL), VSNAP_EFAULT);
	assert_string_equal(vsnap_error_last()->fault, "MethodNotFound");
	assert_vs_code(vsnap__vs_vm_consolidate(f->c, vm), VSNAP_EFAULT);
	assert_string_equal(vsnap_error_last()->fault, "MethodNotFound");
	assert_vs_ok(vsnap__vs_snapshot_remove(f->c, &s, 0, -1));
	vsnap__vs_moref_clear(&s);
}

static void test_vs_vcsim__power(void **state)
{
	fixture *f = *state;
	const vsnap_vs_moref *vm = &f->vms[0].moref;
	vsnap_vs_vm_info *info;

	assert_vs_ok(vsnap__vs_vm_power(f->c, vm, VSNAP_VS_POWER_OFF));
	info = info_of(f, vm);
	assert_string_equal(info->vm.power_state, "poweredOff");
	vsnap__vs_vm_info_free(info);
	/* Already off: InvalidPowerState, with the state in the message. */
	assert_vs_code(vsnap__vs_vm_power(f->c, vm, VSNAP_VS_POWER_OFF), VSNAP_EFAULT);
	assert_string_equal(vsnap_error_last()->fault, "InvalidPowerState");
	assert_vs_ok(vsnap__vs_vm_power(f->c, vm, VSNAP_VS_POWER_ON));
	assert_vs_ok(vsnap__vs_vm_power(f->c, vm, VSNAP_VS_POWER_SUSPEND));
	info = info_of(f, vm);
	assert_string_equal(info->vm.power_state, "suspended");
	vsnap__vs_vm_info_free(info);
	assert_vs_ok(vsnap__vs_vm_power(f->c, vm, VSNAP_VS_POWER_ON));
	assert_vs_ok(vsnap__vs_vm_power(f->c, vm, VSNAP_VS_POWER_RESET));
	info = info_of(f, vm);
	assert_string_equal(info->vm.power_state, "poweredOn");
	vsnap__vs_vm_info_free(info);
}

static void test_vs_vcsim__search(void **state)
{
	fixture *f = *state;
	vsnap_vs_moref r;
	vsnap_vs_vm_info *info = info_of(f, &f->vms[0].moref);
	char path[512];

	assert_vs_ok(vsnap__vs_find_by_uuid(&r, f->c, f->vms[0].uuid, 0));
	assert_string_equal(r.value, f->vms[0].moref.value);
	vsnap__vs_moref_clear(&r);
	snprintf(path, sizeof(path), "%s/vm/%s", info->datacenter, f->vms[0].name);
	assert_vs_ok(vsnap__vs_find_by_path(&r, f->c, path));
	assert_string_equal(r.value, f->vms[0].moref.value);
	vsnap__vs_moref_clear(&r);
	vsnap__vs_vm_info_free(info);
	assert_vs_code(vsnap__vs_find_by_uuid(&r, f->c, "00000000-0000-0000-0000-000000000000", 0),
		VSNAP_ENOTFOUND);
	assert_non_null(strstr(vsnap_error_last()->message, "00000000-0000"));
	assert_vs_code(vsnap__vs_find_by_ip(&r, f->c, "192.0.2.77"), VSNAP_ENOTFOUND);
	assert_vs_code(vsnap__vs_find_by_dns(&r, f->c, "nosuch.example"), VSNAP_ENOTFOUND);
	assert_null(r.value);
}

static void test_vs_vcsim__keepalive(void **state)
{
	fixture *f = *state;
	long long now = 0;
	int active = 0;

	assert_vs_ok(vsnap__vs_keepalive(f->c, &now));
	assert_true(now > 1000000000LL);
	/* vcsim 0.24 does not implement SessionIsActive: a typed fault, not a crash. */
	if (vsnap__vs_session_is_active(f->c, &active) == 0)
		assert_int_equal(active, 1);
	else
		assert_string_equal(vsnap_error_last()->fault, "NotImplemented");
}

static void test_vs_vcsim__datastore_get(void **state)
{
	fixture *f = *state;
	vsnap_vs_vm_info *info = info_of(f, &f->vms[0].moref);
	char *data = NULL;
	size_t len = 0;

	assert_vs_ok(vsnap__vs_datastore_get(&data, &len, f->c, info->datacenter,
		info->vm.vmx_path));
	/* vcsim's .vmx files are empty; the download itself must succeed. */
	assert_non_null(data);
	assert_int_equal(strlen(data), len);
	free(data);
	assert_vs_code(vsnap__vs_datastore_get(&data, &len, f->c, info->datacenter,
		"[LocalDS_0] no/such.vmx"), VSNAP_ENOTFOUND);
	vsnap__vs_vm_info_free(info);
}

static void test_vs_vcsim__bad_password(void **state)
{
	vsnap_vcsim sim;
	vsnap_vcsim_opts so = { NULL, "root", "right-secret" };
	vsnap_vs_client *c = NULL;
	vsnap_vs_options o = { 0 };

	(void)state;
	assert_int_equal(vsnap_vcsim_start(&sim, VSNAP_VCSIM_ESX, &so), 0);
	o.url = sim.url;
	o.user = "root";
	o.password = "wrong-secret";
	o.cafile = sim.certfile;
	assert_vs_ok(vsnap__vs_open(&c, &o));
	assert_vs_code(vsnap__vs_login(c), VSNAP_EAUTH);
	assert_string_equal(vsnap_error_last()->fault, "InvalidLogin");
	assert_non_null(strstr(vsnap_error_last()->message, "root"));
	assert_null(strstr(vsnap_error_last()->message, "wrong-secret"));
	vsnap__vs_close(c);
	vsnap_vcsim_stop(&sim);
}

static void test_vs_vcsim__vcenter_tree(void **state)
{
	fixture *f = *state;
	vsnap_vs_vm_info *info = info_of(f, &f->vms[0].moref);

	assert_string_equal(vsnap__vs_api_type(f->c), "VirtualCenter");
	assert_string_equal(info->datacenter, "DC0");
	assert_true(f->nvms >= 2);
	vsnap__vs_vm_info_free(info);
}

int main(void)
{
	const struct CMUnitTest esx[] = {
		cmocka_unit_test(test_vs_vcsim__login_is_two_requests),
		cmocka_unit_test(test_vs_vcsim__vm_list),
		cmocka_unit_test(test_vs_vcsim__snapshot_lifecycle),
		cmocka_unit_test(test_vs_vcsim__unsupported_methods_fault),
		cmocka_unit_test(test_vs_vcsim__power),
		cmocka_unit_test(test_vs_vcsim__search),
		cmocka_unit_test(test_vs_vcsim__keepalive),
		cmocka_unit_test(test_vs_vcsim__datastore_get),
		cmocka_unit_test(test_vs_vcsim__bad_password),
	};
	const struct CMUnitTest vpx[] = {
		cmocka_unit_test(test_vs_vcsim__vm_list),
		cmocka_unit_test(test_vs_vcsim__vcenter_tree),
		cmocka_unit_test(test_vs_vcsim__snapshot_lifecycle),
	};
	int rc = cmocka_run_group_tests_name("esx", esx, setup_esx, teardown);

	return rc + cmocka_run_group_tests_name("vpx", vpx, setup_vpx, teardown);
}

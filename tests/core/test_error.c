/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "core/error.h"

static void last_error_defaults_to_no_error(void **state)
{
	(void)state;
	vsnap_error_clear();
	const vsnap_error *e = vsnap_error_last();
	assert_non_null(e);
	assert_int_equal(e->code, VSNAP_OK);
	assert_string_equal(e->message, "no error");
}

static void set_returns_code_and_keeps_message(void **state)
{
	(void)state;
	int rc = vsnap__error_set(VSNAP_ENOTFOUND, VSNAP_ERRCLASS_SNAPSHOT,
		"snapshot '%s' not found in domain '%s'", "s1", "vm1");
	assert_int_equal(rc, VSNAP_ENOTFOUND);
	assert_int_equal(vsnap_error_last()->code, VSNAP_ENOTFOUND);
	assert_int_equal(vsnap_error_last()->klass, VSNAP_ERRCLASS_SNAPSHOT);
	assert_string_equal(vsnap_error_last()->message, "snapshot 's1' not found in domain 'vm1'");
	assert_null(vsnap_error_last()->fault);
}

static void fault_and_prefix(void **state)
{
	(void)state;
	vsnap__error_set_fault(VSNAP_EFAULT, VSNAP_ERRCLASS_ESX, "InvalidState",
		"the operation is not allowed in the current state");
	int rc = vsnap__error_prefix("reverting VM '%s' to snapshot '%s'", "web", "s2");
	assert_int_equal(rc, VSNAP_EFAULT);
	assert_string_equal(vsnap_error_last()->fault, "InvalidState");
	assert_string_equal(vsnap_error_last()->message,
		"reverting VM 'web' to snapshot 's2': the operation is not allowed in the current state");
}

static void os_error_maps_enoent(void **state)
{
	(void)state;
	errno = ENOENT;
	assert_int_equal(vsnap__error_os("opening '%s'", "/nonexistent"), VSNAP_ENOTFOUND);
	assert_non_null(strstr(vsnap_error_last()->message, "opening '/nonexistent': "));
	errno = EACCES;
	assert_int_equal(vsnap__error_os("opening '%s'", "/root"), VSNAP_EIO);
}

static void oom_is_static(void **state)
{
	(void)state;
	assert_int_equal(vsnap__error_oom(), VSNAP_ENOMEM);
	assert_string_equal(vsnap_error_last()->message, "out of memory");
	vsnap_error_clear();
	assert_int_equal(vsnap_error_last()->code, VSNAP_OK);
	assert_string_equal(vsnap_error_code_name(VSNAP_EAMBIGUOUS), "EAMBIGUOUS");
	assert_string_equal(vsnap_error_code_name(12345), "EUNKNOWN");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(last_error_defaults_to_no_error),
		cmocka_unit_test(set_returns_code_and_keeps_message),
		cmocka_unit_test(fault_and_prefix),
		cmocka_unit_test(os_error_maps_enoent),
		cmocka_unit_test(oom_is_static),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

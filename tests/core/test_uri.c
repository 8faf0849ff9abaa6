/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "core/error.h"
#include "core/uri.h"

static void esx_uri_with_params(void **state)
{
	(void)state;
	vsnap_uri *u = NULL;
	assert_int_equal(vsnap__uri_parse(&u, "ESX://root%40local@esx1.example:8443/?no_verify=1&cafile=%2Fetc%2Fca.pem&flag"), 0);
	assert_string_equal(u->scheme, "esx");
	assert_string_equal(u->user, "root@local");
	assert_string_equal(u->host, "esx1.example");
	assert_int_equal(u->port, 8443);
	assert_string_equal(u->path, "/");
	assert_string_equal(vsnap__uri_param(u, "no_verify"), "1");
	assert_string_equal(vsnap__uri_param(u, "CAFILE"), "/etc/ca.pem");
	assert_int_equal(vsnap__uri_param_bool(u, "flag", 0), 1);
	assert_int_equal(vsnap__uri_param_bool(u, "absent", 0), 0);
	vsnap__uri_free(u);
}

static void vpx_path_and_ipv6(void **state)
{
	(void)state;
	vsnap_uri *u = NULL;
	assert_int_equal(vsnap__uri_parse(&u, "vpx://admin@[::1]:443/dc1/cluster%201/host1?no_verify=0"), 0);
	assert_string_equal(u->host, "::1");
	assert_int_equal(u->port, 443);
	assert_string_equal(u->path, "/dc1/cluster 1/host1");
	assert_int_equal(vsnap__uri_param_bool(u, "no_verify", 1), 0);
	vsnap__uri_free(u);
}

static void qemu_embed(void **state)
{
	(void)state;
	vsnap_uri *u = NULL;
	assert_int_equal(vsnap__uri_parse(&u, "qemu:///embed?root=/tmp/x%20y"), 0);
	assert_null(u->host);
	assert_null(u->user);
	assert_string_equal(u->path, "/embed");
	assert_string_equal(vsnap__uri_param(u, "root"), "/tmp/x y");
	vsnap__uri_free(u);
}

static void malformed(void **state)
{
	(void)state;
	vsnap_uri *u = NULL;
	const char *bad[] = { "", "esx:/host", "://host", "esx://host:99999/", "esx://host:12a/",
		"esx://[::1/", "esx://h/?a=%zz", "esx://h/?a=%4", "e s://h/" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(vsnap__uri_parse(&u, bad[i]), VSNAP_EPARSE);
		assert_null(u);
		assert_non_null(strstr(vsnap_error_last()->message, "URI") ?
			vsnap_error_last()->message : NULL);
	}
	assert_int_equal(vsnap__uri_parse(&u, "esx://h/?no_verify=maybe"), 0);
	assert_int_equal(vsnap__uri_param_bool(u, "no_verify", 0), VSNAP_EPARSE);
	vsnap__uri_free(u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(esx_uri_with_params),
		cmocka_unit_test(vpx_path_and_ipv6),
		cmocka_unit_test(qemu_embed),
		cmocka_unit_test(malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_vs_unit.c: pure helpers of vsphere/: xsd:dateTime, thumbprints, fault type names,
 * secret redaction, datastore paths.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdlib.h>
#include <curl/curl.h>
#include <string.h>

#include "vsphere/test_vs_common.h"
#include "vsphere/internal.h"

/*
 * NotAuthenticated for one property while the others came back is a missing privilege,
 * named with the property (issue 16), not an expired session to log in again for.
 */
static void test_vs_unit__withheld_property(void **state)
{
	vsnap_vs_client *c = calloc(1, sizeof(*c));
	struct vim25__DynamicProperty name = { 0 };
	struct vim25__LocalizedMethodFault fault = {
		"<fault xsi:type=\"NotAuthenticated\"><object>vm-9</object></fault>", NULL };
	struct vim25__MissingProperty missing = { "snapshot", &fault };
	struct vim25__ObjectContent obj = { NULL, 1, &name, 1, &missing };
	struct vim25__ObjectContent expired = { NULL, 0, NULL, 1, &missing };

	(void)state;
	assert_non_null(c);
	assert_vs_code(vsnap__vs_check_missing(c, &obj, "VirtualMachine 'vm-9'"), VSNAP_EFAULT);
	assert_non_null(strstr(vsnap_error_last()->message,
		"reading property 'snapshot' of VirtualMachine 'vm-9'"));
	assert_non_null(strstr(vsnap_error_last()->message, "privilege"));
	assert_int_equal(c->notauth_seen, 0);
	/* every property refused: the session is what expired */
	assert_vs_ok(vsnap__vs_check_missing(c, &expired, "VirtualMachine 'vm-9'"));
	assert_int_equal(c->notauth_seen, 1);
	free(c);
}

/* libcurl internals never reach the user: a failed rewind says what happened and what to do. */
static void test_vs_unit__curl_rewind_message(void **state)
{
	vsnap_vs_client *c = calloc(1, sizeof(*c));
	const char *m;

	(void)state;
	assert_non_null(c);
	c->url = "https://esx.example/sdk";
	assert_vs_code(vsnap__vs_curl_code_error(c, CURLE_SEND_FAIL_REWIND, NULL, "Login"),
		VSNAP_ENETWORK);
	m = vsnap_error_last()->message;
	assert_null(strstr(m, "rewind"));
	assert_non_null(strstr(m, "Login: 'https://esx.example/sdk' asked for the request"));
	assert_non_null(strstr(m, "redirect"));
	assert_non_null(strstr(m, "/sdk endpoint"));
	free(c);
}

static void test_vs_unit__datetime(void **state)
{
	(void)state;
	assert_int_equal(vsnap__vs_parse_datetime("1970-01-01T00:00:00Z"), 0);
	assert_int_equal(vsnap__vs_parse_datetime("2025-12-15T18:47:39.073973Z"), 1765824459LL);
	assert_int_equal(vsnap__vs_parse_datetime("2025-12-15T19:47:39+01:00"), 1765824459LL);
	assert_int_equal(vsnap__vs_parse_datetime("2024-02-29T00:00:00"), 1709164800LL);
	assert_int_equal(vsnap__vs_parse_datetime("yesterday"), -1);
	assert_int_equal(vsnap__vs_parse_datetime("2025-13-01T00:00:00Z"), -1);
}

static void test_vs_unit__thumbprint(void **state)
{
	unsigned char pin[32];
	size_t len = 0;

	(void)state;
	assert_vs_ok(vsnap__vs_pin_parse(pin, &len,
		"AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd"));
	assert_int_equal(len, 20);
	assert_int_equal(pin[0], 0xAA);
	assert_int_equal(pin[19], 0xDD);
	assert_vs_ok(vsnap__vs_pin_parse(pin, &len,
		"00112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF"));
	assert_int_equal(len, 32);
	assert_vs_code(vsnap__vs_pin_parse(pin, &len, "AA:BB"), VSNAP_EINVALID);
	assert_vs_code(vsnap__vs_pin_parse(pin, &len, "zz:BB:CC"), VSNAP_EINVALID);
}

static void test_vs_unit__fault_type(void **state)
{
	char *t;

	(void)state;
	t = vsnap__vs_fault_type("<InvalidStateFault xmlns=\"urn:vim25\" "
		"XMLSchema-instance:type=\"InvalidPowerState\"><existingState>on</existingState>");
	assert_string_equal(t, "InvalidPowerState");
	free(t);
	t = vsnap__vs_fault_type("<fault xsi:type=\"vim25:NoDiskSpace\"/>");
	assert_string_equal(t, "NoDiskSpace");
	free(t);
	t = vsnap__vs_fault_type("<NotFoundFault xmlns=\"urn:vim25\"></NotFoundFault>");
	assert_string_equal(t, "NotFound");
	free(t);
	assert_null(vsnap__vs_fault_type(NULL));
	/* raise: type, fields, code */
	assert_int_equal(vsnap__vs_fault_raise("<f xsi:type=\"FileFault\"><file>[ds] a.vmx</file></f>",
		"cannot open", "reading VM 'vm-1'"), VSNAP_EFAULT);
	assert_string_equal(vsnap_error_last()->fault, "FileFault");
	assert_non_null(strstr(vsnap_error_last()->message, "file '[ds] a.vmx'"));
	assert_non_null(strstr(vsnap_error_last()->message, "VM 'vm-1'"));
	assert_int_equal(vsnap__vs_fault_raise("<f xsi:type=\"InvalidLogin\"/>", "no", "login"),
		VSNAP_EAUTH);
}

static void test_vs_unit__redact(void **state)
{
	const char *in = "<Login><_this>m</_this><userName>root</userName>"
		"<password>p&amp;ss</password></Login><f>session[52a1f00d-aaaa-bbbb]52b7</f>";
	size_t len = 0;
	char *out = vsnap__vs_redact(in, strlen(in), &len);

	(void)state;
	assert_non_null(out);
	assert_int_equal(strlen(out), len);
	assert_null(strstr(out, "p&amp;ss"));
	assert_null(strstr(out, "52a1f00d"));
	assert_non_null(strstr(out, "<password>(redacted)</password>"));
	assert_non_null(strstr(out, "session[(redacted)]52b7"));
	assert_non_null(strstr(out, "<userName>root</userName>"));
	free(out);
	in = "<LoginResponse><returnval><key>52cafe</key></returnval></LoginResponse>";
	out = vsnap__vs_redact(in, strlen(in), &len);
	assert_null(strstr(out, "52cafe"));
	free(out);
}

static void test_vs_unit__ds_path(void **state)
{
	char *ds = NULL, *path = NULL;

	(void)state;
	assert_vs_ok(vsnap__vs_ds_path_split(&ds, &path, "[datastore 1] web/web.vmx"));
	assert_string_equal(ds, "datastore 1");
	assert_string_equal(path, "web/web.vmx");
	free(ds);
	free(path);
	assert_vs_code(vsnap__vs_ds_path_split(&ds, &path, "web/web.vmx"), VSNAP_EPARSE);
	assert_null(ds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vs_unit__datetime),
		cmocka_unit_test(test_vs_unit__curl_rewind_message),
		cmocka_unit_test(test_vs_unit__thumbprint),
		cmocka_unit_test(test_vs_unit__fault_type),
		cmocka_unit_test(test_vs_unit__withheld_property),
		cmocka_unit_test(test_vs_unit__redact),
		cmocka_unit_test(test_vs_unit__ds_path),
	};

	return cmocka_run_group_tests_name("vsphere-unit", tests, NULL, NULL);
}

/*
 * test_fault_reply.c: an HTTP 200 reply that is not the SOAP response asked for (an HTML
 * login page of a proxy or web server, another operation's response element, plain text):
 * the message says which element was expected and what arrived, never only "HTTP status 200"
 * or a gSOAP error number (issue 16). A garbled reply of the right element stays "malformed".
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdlib.h>
#include <string.h>

#include "vsphere/test_vs_common.h"
#include "vsphere/vsphere.h"
#include "fault/faultsrv.h"

static const char html[] = "<!DOCTYPE html>\n<html><head><title>Corporate Portal Login</title>"
	"</head><body>Please log in</body></html>\n";
static const char other[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<soapenv:Envelope "
	"xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body>"
	"<LoginResponse xmlns=\"urn:vim25\"><returnval><key>k</key></returnval></LoginResponse>"
	"</soapenv:Body></soapenv:Envelope>\n";
static const char text[] = "Service Unavailable, try again later\n";

/* Opens a client on a server answering RetrieveServiceContent with `body` (HTTP 200). */
static void expect(const char *body, const char *what_arrived)
{
	fs_rule rules[] = { { "RetrieveServiceContent", 0, FS_REPLY, 0, body, 0, 0 } };
	fs_config cfg = { 0 };
	fs_server *s = NULL;
	vsnap_vs_client *c = NULL;
	vsnap_vs_options o;
	const char *m;

	cfg.rules = rules;
	cfg.nrules = 1;
	assert_int_equal(fs_start(&s, &cfg), 0);
	memset(&o, 0, sizeof(o));
	o.url = fs_url(s);
	o.connect_timeout_ms = 2000;
	o.request_timeout_ms = 5000;
	assert_vs_code(vsnap__vs_open(&c, &o), VSNAP_ENETWORK);
	assert_null(c);
	m = vsnap_error_last()->message;
	print_message("%s\n", m);
	if (!strstr(m, "expected the SOAP reply <RetrieveServiceContentResponse>") ||
	    !strstr(m, what_arrived) || !strstr(m, fs_url(s)) || strstr(m, "gSOAP error") ||
	    strstr(m, "HTTP status 200"))
		fail_msg("message should name the expected element and '%s': %s", what_arrived, m);
	fs_stop(s);
}

static void test_fault_reply__html_page(void **state)
{
	(void)state;
	expect(html, "got an HTML page titled 'Corporate Portal Login'");
}

static void test_fault_reply__other_element(void **state)
{
	(void)state;
	expect(other, "got element <LoginResponse>");
}

static void test_fault_reply__plain_text(void **state)
{
	(void)state;
	expect(text, "got text 'Service Unavailable, try again later'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fault_reply__html_page),
		cmocka_unit_test(test_fault_reply__other_element),
		cmocka_unit_test(test_fault_reply__plain_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

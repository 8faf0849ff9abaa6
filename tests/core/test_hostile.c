/*
 * test_hostile.c: issue 15's hostile inputs, one case per item that needs no server: URI
 * ambiguity and passwords in URIs, no_verify values, TLS downgrade by transport=http,
 * redaction by value in every escaping, auth-file long lines and messages, XML complexity
 * caps before libxml2. (Loopback-server cases: tests/fault/test_fault_hostile.c.)
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/auth.h"
#include "core/error.h"
#include "core/secret.h"
#include "core/uri.h"
#include "core/xmlcap.h"
#include "vsnap/vsnap.h"
#include "xml/xmlutil.h"

#define PW "Pa&s<w>o'r\"d %+/=x9"

static const char *msg(void)
{
	return vsnap_error_last()->message;
}

/* Item 5: one parser decides host, user and port; the ambiguous is refused. */
static void test_hostile__uri_ambiguity_refused(void **state)
{
	const char *bad[] = {
		"esx://user@h@evil:1/", "esx://us er@h/", "esx://h st/", "esx://h%2Fx/",
		"esx://h%zz/", "esx://h/?a=%00", "esx://us%00er@h/", "esx://@h/", "esx://h:+80/",
		"esx://h: 80/", "esx://h:0/", "esx://[::1%eth0]/", "esx://[::g]/", "esx://h\t/",
		"esx://h!/", "esx://h/path with space",
	};
	vsnap_uri *u = NULL;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (vsnap__uri_parse(&u, bad[i]) != VSNAP_EPARSE)
			fail_msg("'%s' was accepted", bad[i]);
		assert_null(u);
	}
	assert_int_equal(vsnap__uri_parse(&u, "esx://user@h@evil:1/"), VSNAP_EPARSE);
	assert_non_null(strstr(msg(), "more than one '@'"));
	assert_int_equal(vsnap__uri_parse(&u, "esx://h st/"), VSNAP_EPARSE);
	assert_non_null(strstr(msg(), "a space at byte 7"));
	/* What is accepted reads one way: an escaped '@' is part of the user. */
	assert_int_equal(vsnap__uri_parse(&u, "esx://dom%5Cuser%40corp@esx-1.lab_x:8443/"), 0);
	assert_string_equal(u->user, "dom\\user@corp");
	assert_string_equal(u->host, "esx-1.lab_x");
	assert_int_equal(u->port, 8443);
	vsnap__uri_free(u);
	assert_int_equal(vsnap__uri_parse(&u, "esx://[fe80::1%25eth0]:443/"), 0);
	assert_string_equal(u->host, "fe80::1%eth0");
	vsnap__uri_free(u);
}

/* Item 2: user:password@ is refused, and the message does not carry the password. */
static void test_hostile__uri_password_refused_unechoed(void **state)
{
	vsnap_conn *conn = NULL;
	vsnap_uri *u = NULL;

	(void)state;
	assert_int_equal(vsnap__uri_parse(&u, "esx://root:S3cretPW@host/?no_verify=1"),
		VSNAP_EPARSE);
	assert_null(strstr(msg(), "S3cretPW"));
	assert_non_null(strstr(msg(), "esx://***@host/"));
	assert_non_null(strstr(msg(), "password in the URI is not accepted"));
	/* '/', '?', '#' or a space inside the password still hide it (not a host, not shown) */
	assert_int_equal(vsnap__uri_parse(&u, "esx://root:Se/cr?e#t PW@host/"), VSNAP_EPARSE);
	assert_null(strstr(msg(), "Se/cr"));
	assert_non_null(strstr(msg(), "password in the URI"));
	assert_int_equal(vsnap__uri_parse(&u, "vpx://h:443/dc/x@y"), 0);   /* a port */
	assert_int_equal(u->port, 443);
	vsnap__uri_free(u);
	u = NULL;
	assert_true(vsnap_conn_open(&conn, "esx://root:S3cretPW@127.0.0.1:1/", NULL) < 0);
	assert_null(conn);
	assert_null(strstr(msg(), "S3cretPW"));
}

/* Item 3: only the documented values; an empty one is an error. */
static void test_hostile__no_verify_values(void **state)
{
	const char *on[] = { "1", "yes", "TRUE" }, *off[] = { "0", "No", "false" };
	const char *bad[] = { "", "2", "on", "y" };
	char text[64];
	vsnap_uri *u = NULL;
	vsnap_conn *conn = NULL;

	(void)state;
	for (int i = 0; i < 3; i++) {
		snprintf(text, sizeof(text), "esx://h/?no_verify=%s", on[i]);
		assert_int_equal(vsnap__uri_parse(&u, text), 0);
		assert_int_equal(vsnap__uri_param_bool(u, "no_verify", 0), 1);
		vsnap__uri_free(u);
		snprintf(text, sizeof(text), "esx://h/?no_verify=%s", off[i]);
		assert_int_equal(vsnap__uri_parse(&u, text), 0);
		assert_int_equal(vsnap__uri_param_bool(u, "no_verify", 1), 0);
		vsnap__uri_free(u);
	}
	for (int i = 0; i < 4; i++) {
		snprintf(text, sizeof(text), "esx://h/?no_verify=%s", bad[i]);
		assert_int_equal(vsnap__uri_parse(&u, text), 0);
		assert_int_equal(vsnap__uri_param_bool(u, "no_verify", 0), VSNAP_EPARSE);
		vsnap__uri_free(u);
	}
	/* Through the driver: refused before any connection (port 1 has no server). */
	assert_true(vsnap_conn_open(&conn, "esx://127.0.0.1:1/?no_verify=", NULL) < 0);
	assert_non_null(strstr(msg(), "no_verify"));
}

/* Item 1: transport=http with a pin or a CA file is refused, never a silent downgrade. */
static void test_hostile__http_with_tls_options_refused(void **state)
{
	vsnap_conn *conn = NULL;

	(void)state;
	assert_int_equal(vsnap_conn_open(&conn, "esx://127.0.0.1:1/?transport=http&thumbprint="
		"AA:BB", NULL), VSNAP_EINVALID);
	assert_non_null(strstr(msg(), "transport=http"));
	assert_non_null(strstr(msg(), "thumbprint"));
	assert_int_equal(vsnap_conn_open(&conn, "esx://127.0.0.1:1/?cafile=/etc/ssl/x.pem&"
		"transport=http", NULL), VSNAP_EINVALID);
	assert_non_null(strstr(msg(), "cafile"));
	assert_null(conn);
}

static char *b64(const char *s)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = strlen(s), j = 0;
	char *o = malloc(n * 4 / 3 + 8);

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned char)s[i] << 16;

		v |= i + 1 < n ? (unsigned)(unsigned char)s[i + 1] << 8 : 0;
		v |= i + 2 < n ? (unsigned char)s[i + 2] : 0;
		o[j++] = a[v >> 18];
		o[j++] = a[(v >> 12) & 63];
		o[j++] = i + 1 < n ? a[(v >> 6) & 63] : '=';
		o[j++] = i + 2 < n ? a[v & 63] : '=';
	}
	o[j] = '\0';
	return o;
}

/* Item 4: a registered secret goes, in every escaping, from messages and scrubbed text. */
static void test_hostile__redaction_by_value(void **state)
{
	const char *forms[] = {
		PW,
		"Pa&amp;s&lt;w&gt;o&apos;r&quot;d %+/=x9",
		"Pa&#38;s&#x3C;w&#62;o&#39;r&#x22;d %+/=x9",
		"Pa%26s%3Cw%3Eo%27r%22d%20%25%2B%2F%3Dx9",
		"Pa%26s%3cw%3eo%27r%22d+%25%2b%2f%3dx9",
		"Pa&s<w>o'r\\\"d %+\\/=x9",
		"Pa\\u0026s<w>o'r\\u0022d %+/=x9",
	};
	char *enc = b64(PW), *prefixed = b64("user:" PW), *clean;
	char text[512];
	size_t n;

	(void)state;
	assert_int_equal(vsnap__secret_register(PW), 0);
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		snprintf(text, sizeof(text), "<faultstring>echo: [%s]</faultstring>", forms[i]);
		clean = vsnap__secret_scrub(text, strlen(text), &n);
		assert_string_equal(clean, "<faultstring>echo: [(redacted)]</faultstring>");
		free(clean);
		vsnap__error_set(VSNAP_EFAULT, VSNAP_ERRCLASS_ESX, "server said '%s'", forms[i]);
		assert_string_equal(msg(), "server said '(redacted)'");
	}
	/* base64 alone, and inside a longer base64 text (an Authorization: Basic header) */
	snprintf(text, sizeof(text), "data=%s;auth=Basic %s", enc, prefixed);
	clean = vsnap__secret_scrub_str(text);
	assert_null(strstr(clean, enc));
	assert_null(strstr(clean, prefixed));
	assert_non_null(strstr(clean, "(redacted)"));
	free(clean);
	vsnap__error_set(VSNAP_EFAULT, VSNAP_ERRCLASS_ESX, "x");
	vsnap__error_prefix("context %s", enc);
	assert_null(strstr(msg(), enc));
	vsnap__secret_unregister(PW);
	clean = vsnap__secret_scrub_str(PW);
	assert_string_equal(clean, PW);     /* forgotten: no longer touched */
	free(clean);
	free(enc);
	free(prefixed);
	vsnap_error_clear();
}

/* Registrations of one value nest (two clients with the same session key): the value stays
 * redacted until the last one goes; a second value is found beside it. */
static void test_hostile__redaction_registrations_nest(void **state)
{
	const char *text = "key=sess-key-1 other=sess-key-2 cookie=\"sess-key-1\"";
	char *clean;

	(void)state;
	assert_int_equal(vsnap__secret_register("sess-key-1"), 0);
	assert_int_equal(vsnap__secret_register("sess-key-1"), 0);
	assert_int_equal(vsnap__secret_register("sess-key-2"), 0);
	clean = vsnap__secret_scrub_str(text);
	assert_string_equal(clean, "key=(redacted) other=(redacted) cookie=\"(redacted)\"");
	free(clean);
	vsnap__secret_unregister("sess-key-1");
	clean = vsnap__secret_scrub_str(text);
	assert_string_equal(clean, "key=(redacted) other=(redacted) cookie=\"(redacted)\"");
	free(clean);
	vsnap__secret_unregister("sess-key-1");
	clean = vsnap__secret_scrub_str(text);
	assert_string_equal(clean, "key=sess-key-1 other=(redacted) cookie=\"sess-key-1\"");
	free(clean);
	vsnap__secret_unregister("sess-key-2");
	clean = vsnap__secret_scrub_str(text);
	assert_string_equal(clean, text);
	free(clean);
}

static char auth_path[] = "/tmp/vsnap-hostile-auth-XXXXXX";

static void write_auth(const char *head, const char *password, size_t pwlen, const char *tail)
{
	FILE *f = fopen(auth_path, "w");

	assert_non_null(f);
	fputs(head, f);
	if (password) {
		for (size_t i = 0; i < pwlen; i++)
			fputc(password[i % strlen(password)], f);
	}
	fputs(tail, f);
	fclose(f);
}

/* Item 10: long lines stay whole, longer ones are refused; a named file must exist. */
static void test_hostile__auth_file_long_lines(void **state)
{
	char *u = NULL, *p = NULL;
	vsnap_conn_options o;

	(void)state;
	unsetenv("VSNAP_PASSWORD");
	write_auth("[auth-esx-default]\ncredentials=a\n[credentials-a]\nusername=root\npassword=",
		"0123456789abcdef", 10000, "\n");
	assert_int_equal(vsnap__auth_file_lookup(&u, &p, auth_path, "esx", "h"), 0);
	assert_non_null(p);
	assert_int_equal(strlen(p), 10000);      /* whole: not cut at 4 KB */
	free(u);
	vsnap__secret_free(p);
	write_auth("[credentials-a]\npassword=", "x", 70000, "\n");
	assert_int_equal(vsnap__auth_file_lookup(&u, &p, auth_path, "esx", "h"), VSNAP_EPARSE);
	assert_non_null(strstr(msg(), ":2: the line is longer than 65536 bytes"));
	assert_null(p);
	write_auth("[credentials-a]\npassword=abc", NULL, 0, "");
	{
		FILE *f = fopen(auth_path, "a");

		assert_non_null(f);
		fwrite("\0def\n", 1, 5, f);
		fclose(f);
	}
	assert_int_equal(vsnap__auth_file_lookup(&u, &p, auth_path, "esx", "h"), VSNAP_EPARSE);
	assert_non_null(strstr(msg(), "NUL"));

	vsnap_conn_options_init(&o, VSNAP_CONN_OPTIONS_VERSION);
	o.auth_file = "/nonexistent/vsnap-auth.conf";
	assert_int_equal(vsnap__credentials_get(&u, &p, &o, "esx", "h", NULL), VSNAP_ENOTFOUND);
	assert_non_null(strstr(msg(), "'/nonexistent/vsnap-auth.conf'"));
}

/* Issue 16: each way of having no password says what was read and what was missing. */
static void test_hostile__auth_messages_say_what_is_missing(void **state)
{
	char *u = NULL, *p = NULL;
	vsnap_conn_options o;

	(void)state;
	unsetenv("VSNAP_PASSWORD");
	vsnap_conn_options_init(&o, VSNAP_CONN_OPTIONS_VERSION);
	o.auth_file = auth_path;
	write_auth("[auth-esx-other]\ncredentials=a\n[credentials-a]\nusername=root\n"
		"password=x\n", NULL, 0, "");
	assert_int_equal(vsnap__credentials_get(&u, &p, &o, "esx", "h", NULL), VSNAP_EAUTH);
	assert_non_null(strstr(msg(), auth_path));
	assert_non_null(strstr(msg(), "no [auth-esx-h] or [auth-esx-default] section"));
	assert_non_null(strstr(msg(), "$VSNAP_PASSWORD is not set"));
	write_auth("[auth-esx-h]\ncredentials=a\n[credentials-a]\nusername=root\npasword=x\n",
		NULL, 0, "");
	assert_int_equal(vsnap__credentials_get(&u, &p, &o, "esx", "h", NULL), VSNAP_EAUTH);
	assert_non_null(strstr(msg(), "[credentials-a] (named by [auth-esx-h]) has no password "
		"key (keys found: username, pasword)"));
	write_auth("[auth-esx-h]\ncredentials=a\n[credentials-a]\nusername=alice\npassword=x\n",
		NULL, 0, "");
	assert_int_equal(vsnap__credentials_get(&u, &p, &o, "esx", "h", "bob"), VSNAP_EAUTH);
	assert_non_null(strstr(msg(), "is for user 'alice', not 'bob' of the URI"));
	o.auth_file = NULL;
	setenv("VSNAP_AUTH_FILE", "/nonexistent/auth.conf", 1);
	assert_int_equal(vsnap__credentials_get(&u, &p, &o, "esx", "h", NULL), VSNAP_EAUTH);
	assert_non_null(strstr(msg(), "there is no auth file '/nonexistent/auth.conf'"));
	unsetenv("VSNAP_AUTH_FILE");
}

/* Builds "<domain><x a0='' a1='' .../></domain>"-like documents of a given shape. */
static char *many_attrs(size_t n)
{
	char *s = malloc(n * 12 + 64), *p = s;

	p += sprintf(p, "<domain type='kvm'><name");
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, " a%zu='1'", i);
	sprintf(p, ">x</name></domain>");
	return s;
}

static char *many_names(size_t n)
{
	char *s = malloc(n * 24 + 64), *p = s;

	p += sprintf(p, "<domain type='kvm'>\n");
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "<e%zu/>", i);
	sprintf(p, "</domain>");
	return s;
}

/* Items 6, 7, 12: shapes that cost libxml2/gSOAP minutes are refused before parsing. */
static void test_hostile__xml_caps(void **state)
{
	xmlDocPtr doc = NULL;
	char *text;
	clock_t t0 = clock();

	(void)state;
	text = many_attrs(300000);
	assert_int_equal(vsnap__xml_read(&doc, text, "domain XML"), VSNAP_EPARSE);
	assert_non_null(strstr(msg(), "domain XML line 1: <name> has more than 128 attributes"));
	assert_int_equal(vsnap__xml_caps_check(text, strlen(text), &vsnap__xml_caps_soap,
		"the reply to Login"), VSNAP_EPARSE);
	assert_non_null(strstr(msg(), "more than 256 attributes"));
	free(text);
	text = many_names(1000000);
	assert_int_equal(vsnap__xml_read(&doc, text, "domain XML"), VSNAP_EPARSE);
	assert_non_null(strstr(msg(), "more than 4096 distinct element and attribute names"));
	free(text);
	/* 2 documents of 3-20 MB scanned: far under a second even on a loaded machine. */
	print_message("caps scan: %.2f s CPU\n", (double)(clock() - t0) / CLOCKS_PER_SEC);
	text = many_attrs(128);
	assert_int_equal(vsnap__xml_caps_check(text, strlen(text), &vsnap__xml_caps_domain, "d"),
		0);
	free(text);
	/* The name set grows as names come: exactly at the cap (domain, type and 4094 more) is
	 * taken, one more is not. */
	text = many_names(4094);
	assert_int_equal(vsnap__xml_caps_check(text, strlen(text), &vsnap__xml_caps_domain, "d"),
		0);
	free(text);
	text = many_names(4095);
	assert_int_equal(vsnap__xml_caps_check(text, strlen(text), &vsnap__xml_caps_domain, "d"),
		VSNAP_EPARSE);
	assert_non_null(strstr(msg(), "(the last: 'e4094')"));
	free(text);
	assert_int_equal(vsnap__xml_read(&doc, "<?xml version='1.0'?>\n<!-- c -->\n"
		"<!DOCTYPE domain [<!ENTITY x 'y'>]>\n<domain/>", "domain XML"), VSNAP_EPARSE);
	assert_string_equal(msg(), "domain XML line 3: a DOCTYPE declaration is not allowed "
		"(no DTDs, no entities)");
	assert_null(doc);
}

static int setup(void **state)
{
	int fd = mkstemp(auth_path);

	(void)state;
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(auth_path);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hostile__uri_ambiguity_refused),
		cmocka_unit_test(test_hostile__uri_password_refused_unechoed),
		cmocka_unit_test(test_hostile__no_verify_values),
		cmocka_unit_test(test_hostile__http_with_tls_options_refused),
		cmocka_unit_test(test_hostile__redaction_by_value),
		cmocka_unit_test(test_hostile__redaction_registrations_nest),
		cmocka_unit_test(test_hostile__auth_file_long_lines),
		cmocka_unit_test(test_hostile__auth_messages_say_what_is_missing),
		cmocka_unit_test(test_hostile__xml_caps),
	};
	return cmocka_run_group_tests_name("hostile", tests, setup, teardown);
}

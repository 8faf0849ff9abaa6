/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/auth.h"
#include "core/error.h"

static char path[] = "/tmp/vsnap-auth-XXXXXX";

static void write_file(const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	int fd = mkstemp(path);
	if (fd < 0)
		return -1;
	close(fd);
	unsetenv("VSNAP_PASSWORD");
	unsetenv("VSNAP_AUTH_FILE");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	return 0;
}

static void host_section_wins_over_default(void **state)
{
	(void)state;
	char *u = NULL, *p = NULL;
	write_file("# comment\n[credentials-a]\nauthname=alice\npassword=secret-a\n\n"
		"[credentials-b]\nusername=bob\npassword=secret-b\n"
		"[auth-esx-esx1.example]\ncredentials=a\n[auth-esx-default]\ncredentials=b\n");
	assert_int_equal(vsnap__auth_file_lookup(&u, &p, path, "esx", "esx1.example"), 0);
	assert_string_equal(u, "alice");
	assert_string_equal(p, "secret-a");
	free(u);
	vsnap__secret_free(p);
	assert_int_equal(vsnap__auth_file_lookup(&u, &p, path, "esx", "other"), 0);
	assert_string_equal(u, "bob");
	assert_string_equal(p, "secret-b");
	free(u);
	vsnap__secret_free(p);
	assert_int_equal(vsnap__auth_file_lookup(&u, &p, path, "vpx", "other"), 0);
	assert_null(u);
	assert_null(p);
}

static void malformed_names_line(void **state)
{
	(void)state;
	char *u = NULL, *p = NULL;
	write_file("[credentials-a]\nauthname=alice\njunk line\n");
	assert_int_equal(vsnap__auth_file_lookup(&u, &p, path, "esx", "h"), VSNAP_EPARSE);
	assert_non_null(strstr(vsnap_error_last()->message, ":3:"));
	write_file("[broken\n");
	assert_int_equal(vsnap__auth_file_lookup(&u, &p, path, "esx", "h"), VSNAP_EPARSE);
	assert_int_equal(vsnap__auth_file_lookup(&u, &p, "/nonexistent/auth.conf", "esx", "h"), 0);
}

static int fixed_password(char *buf, size_t size, const char *user, const char *host, void *payload)
{
	(void)user;
	(void)host;
	*(int *)payload += 1;
	snprintf(buf, size, "typed");
	return 0;
}

static void chain_order(void **state)
{
	(void)state;
	vsnap_conn_options o;
	char *u = NULL, *p = NULL;
	int asked = 0;
	vsnap_conn_options_init(&o, VSNAP_CONN_OPTIONS_VERSION);
	o.auth_file = path;
	o.password_cb = fixed_password;
	o.password_payload = &asked;
	write_file("[credentials-a]\nauthname=alice\npassword=from-file\n[auth-esx-default]\ncredentials=a\n");
	/* the file's password is alice's: a URI naming another user does not get it */
	setenv("VSNAP_PASSWORD", "from-env", 1);
	assert_int_equal(vsnap__credentials_get(&u, &p, &o, "esx", "h", "root"), 0);
	assert_string_equal(u, "root");
	assert_string_equal(p, "from-env");
	free(u);
	vsnap__secret_free(p);
	assert_int_equal(vsnap__credentials_get(&u, &p, &o, "esx", "h", NULL), 0);
	assert_string_equal(u, "alice");
	assert_string_equal(p, "from-file");
	free(u);
	vsnap__secret_free(p);
	unsetenv("VSNAP_PASSWORD");
	assert_int_equal(vsnap__credentials_get(&u, &p, &o, "esx", "h", "carol"), 0);
	assert_string_equal(p, "typed");
	assert_int_equal(asked, 1);
	free(u);
	vsnap__secret_free(p);
	o.password_cb = NULL;
	assert_int_equal(vsnap__credentials_get(&u, &p, &o, "esx", "h", "carol"), VSNAP_EAUTH);
	assert_null(u);
	assert_non_null(strstr(vsnap_error_last()->message, "carol@h"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(host_section_wins_over_default),
		cmocka_unit_test(malformed_names_line),
		cmocka_unit_test(chain_order),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

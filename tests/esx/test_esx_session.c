/*
 * Saved sessions through the public API (VSNAP_CONN_SESSION_CACHE) against vcsim: close keeps
 * the session in a 0600 file, the next open resumes it with no request, an unsafe file is
 * reported through the warning callback (never printed), vsnap_conn_session_end logs out and
 * removes the file, VSNAP_SESSION_CACHE=0 and version-1 options keep the old behaviour.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vsphere/test_vs_common.h"
#include "vsphere/vcsim_harness.h"
#include "vsnap/vsnap.h"

typedef struct {
	vsnap_vcsim sim;
	char uri[512];
	char dir[300];         /* the sessions folder (inside the simulator's temp dir) */
	char warnings[2048];
	int nwarnings;
} fixture;

static void on_warning(const char *message, void *payload)
{
	fixture *f = payload;

	f->nwarnings++;
	snprintf(f->warnings + strlen(f->warnings), sizeof(f->warnings) - strlen(f->warnings),
		"%s\n", message);
}

static int open_conn(vsnap_conn **out, fixture *f, unsigned int flags)
{
	vsnap_conn_options o;

	vsnap_conn_options_init(&o, VSNAP_CONN_OPTIONS_VERSION);
	o.flags = flags;
	o.session_dir = f->dir;
	o.warning_cb = on_warning;
	o.warning_payload = f;
	return vsnap_conn_open(out, f->uri, &o);
}

/* The one file in the sessions folder, or "" (none). */
static void session_file(char *out, size_t size, const fixture *f)
{
	DIR *d = opendir(f->dir);
	struct dirent *e;

	out[0] = '\0';
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.')
			snprintf(out, size, "%s/%s", f->dir, e->d_name);
	if (d)
		closedir(d);
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	vsnap_vcsim_opts so = { NULL, "root", "pass" };
	int rc;

	setenv("VSNAP_PASSWORD", "pass", 1);
	setenv("VSNAP_AUTH_FILE", "/nonexistent", 1);
	unsetenv("VSNAP_SESSION_CACHE");
	if ((rc = vsnap_vcsim_start(&f->sim, VSNAP_VCSIM_ESX, &so)) != 0) {
		free(f);
		if (rc == 77)
			exit(77);
		return -1;
	}
	snprintf(f->uri, sizeof(f->uri), "esx://root@%s", f->sim.url + strlen("https://"));
	*strstr(f->uri, "/sdk") = '\0';
	strcat(f->uri, "/?cafile=");
	strcat(f->uri, f->sim.certfile);
	snprintf(f->dir, sizeof(f->dir), "%s/sessions", f->sim.dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	char path[600];

	session_file(path, sizeof(path), f);
	if (path[0])
		unlink(path);
	rmdir(f->dir);
	vsnap_vcsim_stop(&f->sim);
	free(f);
	return 0;
}

static void saved_session_round_trip(void **state)
{
	fixture *f = *state;
	vsnap_conn *conn = NULL;
	vsnap_domain *dom = NULL;
	vsnap_domain_info *list = NULL;
	char path[600];
	struct stat st;
	size_t n = 0;
	int before;

	/* First connection: logs in, and close keeps the session instead of logging out. */
	assert_vs_ok(open_conn(&conn, f, VSNAP_CONN_SESSION_CACHE));
	assert_int_equal(vsnap_conn_request_count(conn), 2);   /* service content + login */
	assert_vs_ok(vsnap_domain_list(&list, &n, conn, 0));
	assert_true(n > 0);
	before = vsnap_vcsim_requests(&f->sim);
	vsnap_conn_close(conn);
	assert_int_equal(vsnap_vcsim_requests(&f->sim), before);   /* no Logout */
	session_file(path, sizeof(path), f);
	assert_true(path[0]);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	/* Second: resumed with no request at all; the lookup is the first request. */
	assert_vs_ok(open_conn(&conn, f, VSNAP_CONN_SESSION_CACHE));
	assert_int_equal(vsnap_conn_request_count(conn), 0);
	assert_vs_ok(vsnap_domain_lookup(&dom, conn, list[0].name));
	vsnap_domain_free(dom);
	assert_int_equal(f->nwarnings, 0);
	vsnap_conn_close(conn);

	/* Group-readable: ignored with a warning through the callback, a fresh login. */
	assert_int_equal(chmod(path, 0640), 0);
	assert_vs_ok(open_conn(&conn, f, VSNAP_CONN_SESSION_CACHE));
	assert_int_equal(f->nwarnings, 1);
	assert_non_null(strstr(f->warnings, "mode 0640"));
	assert_int_equal(vsnap_conn_request_count(conn), 2);

	/* session_end: Logout now, the file goes; close sends nothing more. */
	before = vsnap_vcsim_requests(&f->sim);
	assert_vs_ok(vsnap_conn_session_end(conn));
	assert_int_equal(vsnap_vcsim_requests(&f->sim), before + 1);
	assert_int_not_equal(stat(path, &st), 0);
	vsnap_conn_close(conn);
	assert_int_equal(vsnap_vcsim_requests(&f->sim), before + 1);
	session_file(path, sizeof(path), f);
	assert_false(path[0]);
	vsnap_domain_info_list_free(list, n);
}

static void opt_outs(void **state)
{
	fixture *f = *state;
	vsnap_conn *conn = NULL;
	vsnap_conn_options o;
	char path[600];

	/* The environment wins over the flag. */
	setenv("VSNAP_SESSION_CACHE", "0", 1);
	assert_vs_ok(open_conn(&conn, f, VSNAP_CONN_SESSION_CACHE));
	vsnap_conn_close(conn);
	unsetenv("VSNAP_SESSION_CACHE");
	session_file(path, sizeof(path), f);
	assert_false(path[0]);
	/* Version-1 options have no flags: nothing saved, and the call is accepted. */
	assert_vs_ok(vsnap_conn_options_init(&o, 1));
	assert_vs_ok(vsnap_conn_open(&conn, f->uri, &o));
	vsnap_conn_close(conn);
	session_file(path, sizeof(path), f);
	assert_false(path[0]);
	assert_vs_code(vsnap_conn_session_end(NULL), VSNAP_EINVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(saved_session_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(opt_outs, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

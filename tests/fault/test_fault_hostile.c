/*
 * test_fault_hostile.c: hostile servers, against loopback (issue 15).
 *  - every CLI command (the list comes from `vsnap --help`, so new commands are covered)
 *    runs with a known password given in the URI, in an auth file and in the environment,
 *    against faultsrv answering with FS_ECHO: a fault that echoes the whole request (head
 *    with the session cookie, body with the password) raw, XML-escaped, percent-encoded and
 *    base64. Everything the commands print (--debug included) and record (--record) is then
 *    searched for the password and the session cookies in those forms;
 *  - a reply with 300k attributes on one element is refused before gSOAP parses it;
 *  - a 200 reply that is not SOAP, and a server with an empty about.apiType, get messages
 *    that say what arrived.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vsphere/test_vs_common.h"
#include "vsphere/vcsim_harness.h"
#include "vsphere/vsphere.h"
#include "vsnap/vsnap.h"
#include "fault/fault_common.h"

static vsnap_vcsim sim;
static char password[80];
static char dir[] = "/tmp/vsnap-fault-hostile-XXXXXX";

/* The forms a careless server or layer could put a secret in. */
static void forms(const char *secret, char out[6][512])
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = strlen(secret), j = 0, k = 0, m = 0;

	snprintf(out[0], 512, "%s", secret);
	out[1][0] = out[2][0] = out[3][0] = '\0';
	for (size_t i = 0; i < n; i++) {
		const char *e = secret[i] == '&' ? "&amp;" : secret[i] == '<' ? "&lt;" :
			secret[i] == '>' ? "&gt;" : secret[i] == '"' ? "&quot;" :
			secret[i] == '\'' ? "&#39;" : NULL;

		if (e)
			j += (size_t)snprintf(out[1] + j, 512 - j, "%s", e);
		else
			out[1][j++] = secret[i], out[1][j] = '\0';
		k += (size_t)snprintf(out[2] + k, 512 - k, "%%%02X", (unsigned char)secret[i]);
		m += (size_t)snprintf(out[3] + m, 512 - m, "%%%02x", (unsigned char)secret[i]);
	}
	/* base64 of the secret alone (without '=' padding: its stable part) */
	j = 0;
	for (size_t i = 0; i + 2 < n; i += 3) {
		unsigned v = (unsigned)(unsigned char)secret[i] << 16 |
			(unsigned)(unsigned char)secret[i + 1] << 8 | (unsigned char)secret[i + 2];

		out[4][j++] = b64[v >> 18];
		out[4][j++] = b64[(v >> 12) & 63];
		out[4][j++] = b64[(v >> 6) & 63];
		out[4][j++] = b64[v & 63];
	}
	out[4][j] = '\0';
	/* and as the echo server sends the request: "password>SECRET</" inside base64 needs
	 * the secret at every alignment; the scrubber handles that, the search uses form 4 */
	snprintf(out[5], 512, "%s", out[4]);
}

static void assert_clean(const char *hay, const char *secret, const char *what)
{
	char f[6][512];
	const char *names[] = { "raw", "XML-escaped", "percent-encoded", "percent-encoded "
		"(lower case)", "base64", "base64" };

	forms(secret, f);
	for (int i = 0; i < 6; i++) {
		const char *hit = f[i][0] ? strstr(hay, f[i]) : NULL;

		if (hit)
			fail_msg("%s (%s) found in %s: ...%.100s...", what, names[i], what,
				hit - hay > 50 ? hit - 50 : hay);
	}
}

static char *slurp_tree(const char *d)
{
	char cmd[400], *out;

	snprintf(cmd, sizeof(cmd), "find '%s' -type f -exec cat {} + 2>/dev/null | tr '\\000' ' '",
		d);
	fault_run(&out, cmd);
	return out;
}

/*
 * The commands `vsnap --help` lists (lines "  name  SYNOPSIS"), each with arguments made from
 * its synopsis: DOMAIN -> vm1, SNAPSHOT -> s1, FILE -> a domain XML file, literal words kept,
 * optional parts left out. So each command gets as far as its first request.
 */
static int commands(char names[][48], char args[][160], int max)
{
	char cmd[600], *out, *line, *save = NULL;
	int n = 0;

	snprintf(cmd, sizeof(cmd), "'%s' --help 2>&1", getenv("VSNAP_BIN"));
	fault_run(&out, cmd);
	for (line = strtok_r(out, "\n", &save); line && n < max; line = strtok_r(NULL, "\n", &save)) {
		char *syn, *tok, *tsave = NULL;
		size_t len, used = 0;

		if (strncmp(line, "  ", 2) || line[2] == ' ' || line[2] == '-')
			continue;
		len = strcspn(line + 2, " \t");
		if (len == 0 || len >= 48 || strspn(line + 2, "abcdefghijklmnopqrstuvwxyz0123456789-")
		    != len)
			continue;
		snprintf(names[n], 48, "%.*s", (int)len, line + 2);
		args[n][0] = '\0';
		syn = line + 2 + len;
		for (tok = strtok_r(syn, " \t", &tsave); tok; tok = strtok_r(NULL, " \t", &tsave)) {
			const char *a = tok;

			/* "[--domain] DOMAIN": virsh's name for the positional that follows */
			if (tok[0] == '[' && tok[1] == '-' && tok[strlen(tok) - 1] == ']' &&
			    !strchr(tok + 1, '['))
				continue;
			if (*tok == '[')
				break;
			if (!strcmp(tok, "DOMAIN"))
				a = "vm1";
			else if (!strcmp(tok, "(SNAPSHOT") || !strcmp(tok, "SNAPSHOT"))
				a = "s1";
			else if (!strcmp(tok, "FILE"))
				a = "\"$HOSTILE_FILE\"";
			else if (*tok == '(' || *tok == '|' || strchr(tok, ')'))
				continue;
			used += (size_t)snprintf(args[n] + used, 160 - used, " %s", a);
			if (used >= 160)
				break;
		}
		n++;
	}
	free(out);
	return n;
}

typedef struct {
	char *data;
	size_t len;
} text;

static void text_add(text *t, const char *s)
{
	size_t n = strlen(s);
	char *d = realloc(t->data, t->len + n + 2);

	assert_non_null(d);
	t->data = d;
	memcpy(t->data + t->len, s, n + 1);
	t->len += n;
}

/* Runs every command once with `uri` (from $HOSTILE_URI: no shell quoting of the secret). */
static int run_all(text *out, const char *uri, const char *tag, int *saw_redacted)
{
	char names[64][48], args[64][160], cmd[2048], *got;
	int n = commands(names, args, 64);

	setenv("HOSTILE_URI", uri, 1);
	for (int i = 0; i < n; i++) {
		snprintf(cmd, sizeof(cmd), "'%.512s' --debug --timeout 20 --record '%s/rec/%s-%.47s' "
			"-c \"$HOSTILE_URI\" %.47s%.159s </dev/null 2>&1", getenv("VSNAP_BIN"), dir,
			tag, names[i], names[i], args[i]);
		fault_run(&got, cmd);
		if (strstr(got, "(redacted)"))
			(*saw_redacted)++;
		text_add(out, got);
		free(got);
	}
	return n;
}

static void test_fault_hostile__every_command_echoed(void **state)
{
	fs_rule echo_login[] = {
		{ "RetrieveServiceContent", 0, FS_PROXY, 0, NULL, 0, 0 },
		{ NULL, 0, FS_ECHO, 0, NULL, 0, 0 },
	};
	fs_rule echo_after_login[] = {
		{ "RetrieveServiceContent", 0, FS_PROXY, 0, NULL, 0, 0 },
		{ "Login", 0, FS_PROXY, 0, NULL, 0, 0 },
		{ "Logout", 0, FS_PROXY, 0, NULL, 0, 0 },
		{ NULL, 0, FS_ECHO, 0, NULL, 0, 0 },
	};
	fs_config cfg = { 0 };
	fs_server *srv = NULL;
	text out = { 0 };
	char uri[600], enc[300], authf[300], cookies[4096], *rec, *tok, *save = NULL;
	int n, redacted = 0, ncookies = 0;
	FILE *f;

	(void)state;
	if (!getenv("VSNAP_BIN") || access(getenv("VSNAP_BIN"), X_OK) != 0)
		skip();
	cfg.upstream_port = atoi(strrchr(sim.url, ':') + 1);
	cfg.upstream_tls = 1;
	snprintf(authf, sizeof(authf), "%s/domain.xml", dir);
	assert_non_null(f = fopen(authf, "w"));
	fputs("<domain type='vmware'><name>vm1</name><memory>1024</memory><vcpu>1</vcpu>"
		"<os><type>hvm</type></os></domain>\n", f);
	fclose(f);
	setenv("HOSTILE_FILE", authf, 1);
	snprintf(authf, sizeof(authf), "%s/rec", dir);
	assert_int_equal(mkdir(authf, 0700), 0);

	/* 1. The password in the URI: refused by every command, never echoed. */
	enc[0] = '\0';
	for (size_t i = 0, j = 0; password[i]; i++)
		j += (size_t)snprintf(enc + j, sizeof(enc) - j, "%%%02X", (unsigned char)password[i]);
	snprintf(uri, sizeof(uri), "esx://root:%s@127.0.0.1:%d/?transport=http", enc,
		cfg.upstream_port);
	unsetenv("VSNAP_PASSWORD");
	setenv("VSNAP_AUTH_FILE", "/dev/null", 1);
	n = run_all(&out, uri, "uri", &redacted);
	assert_true(n >= 20);
	print_message("%d commands\n", n);
	snprintf(uri, sizeof(uri), "esx://root:%s@127.0.0.1:%d/?transport=http", password,
		cfg.upstream_port);
	run_all(&out, uri, "uri-raw", &redacted);

	/* 2. In an auth file, Login echoed: the password comes back in every form. */
	cfg.rules = echo_login;
	cfg.nrules = 2;
	assert_int_equal(fs_start(&srv, &cfg), 0);
	snprintf(authf, sizeof(authf), "%s/auth.conf", dir);
	assert_non_null(f = fopen(authf, "w"));
	fprintf(f, "[auth-esx-127.0.0.1]\ncredentials=c\n[credentials-c]\nusername=root\n"
		"password=%s\n", password);
	fclose(f);
	setenv("VSNAP_AUTH_FILE", authf, 1);
	snprintf(uri, sizeof(uri), "esx://127.0.0.1:%d/?transport=http",
		atoi(strrchr(fs_url(srv), ':') + 1));
	{
		size_t before = out.len;

		run_all(&out, uri, "file", &redacted);
		if (getenv("HOSTILE_VERBOSE"))
			print_message("%s\n", out.data + before);
	}
	assert_true(fs_count(srv, "Login") >= n / 2);   /* most commands did log in */
	fs_stop(srv);
	srv = NULL;

	/* 3. In the environment, Login through to the simulator, everything after it echoed:
	 * the echo carries the session cookie. */
	cfg.rules = echo_after_login;
	cfg.nrules = 4;
	assert_int_equal(fs_start(&srv, &cfg), 0);
	setenv("VSNAP_AUTH_FILE", "/dev/null", 1);
	setenv("VSNAP_PASSWORD", password, 1);
	snprintf(uri, sizeof(uri), "esx://127.0.0.1:%d/?transport=http",
		atoi(strrchr(fs_url(srv), ':') + 1));
	run_all(&out, uri, "env", &redacted);
	unsetenv("VSNAP_PASSWORD");
	fs_cookies(srv, cookies, sizeof(cookies));
	fs_stop(srv);

	snprintf(authf, sizeof(authf), "%s/rec", dir);
	rec = slurp_tree(authf);
	assert_clean(out.data, password, "the password (CLI output and --debug)");
	assert_clean(rec, password, "the password (recordings)");
	for (tok = strtok_r(cookies, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		assert_clean(out.data, tok, "a session cookie (CLI output and --debug)");
		assert_clean(rec, tok, "a session cookie (recordings)");
		ncookies++;
	}
	/* Controls: the echoes did arrive (and were scrubbed), cookies were handed out. */
	print_message("%d outputs with (redacted), %d cookies\n", redacted, ncookies);
	/* Local commands (vmx2xml, batch from an empty stdin, ...) never reach the server: most of
	 * the 3 x n runs must have had an echo scrubbed, not every one. */
	assert_true(redacted >= n * 2 / 3);
	assert_true(ncookies >= n / 2);
	assert_non_null(strstr(out.data, "password in the URI is not accepted"));
	free(rec);
	free(out.data);
}

/* A body of `n` attributes on <about> inside a service content reply. */
static char *attribute_bomb(size_t n)
{
	char *sc = fs_fixture("service-content.xml"), *s, *p, *at;

	assert_non_null(sc);
	assert_non_null(s = malloc(strlen(sc) + n * 12 + 16));
	at = strstr(sc, "<about>") + 6;
	memcpy(s, sc, (size_t)(at - sc));
	p = s + (at - sc);
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, " a%zu=\"\"", i);
	strcpy(p, at);
	free(sc);
	return s;
}

static void test_fault_hostile__soap_caps_and_messages(void **state)
{
	char *bomb = attribute_bomb(300000), *sc = fs_fixture("service-content.xml"), *blank;
	fs_rule rules[1] = { { "RetrieveServiceContent", 0, FS_REPLY, 200, NULL, 0, 0 } };
	fs_config cfg = { 0 };
	fs_server *srv = NULL;
	vsnap_vs_options o = { 0 };
	vsnap_vs_client *c = NULL;
	vsnap_conn *conn = NULL;
	char uri[200];

	(void)state;
	cfg.rules = rules;
	cfg.nrules = 1;
	o.request_timeout_ms = 20000;

	rules[0].body = bomb;                                  /* 3.3 MB, 300k attributes */
	assert_int_equal(fs_start(&srv, &cfg), 0);
	o.url = fs_url(srv);
	assert_int_equal(vsnap__vs_open(&c, &o), VSNAP_EPARSE);
	assert_non_null(strstr(vsnap_error_last()->message, "<about> has more than 256 attributes"));
	assert_non_null(strstr(vsnap_error_last()->message, "the reply to RetrieveServiceContent"));
	fs_stop(srv);

	rules[0].body = "<!DOCTYPE html><html><body>Service unavailable</body></html>";
	assert_int_equal(fs_start(&srv, &cfg), 0);
	o.url = fs_url(srv);
	assert_true(vsnap__vs_open(&c, &o) < 0);
	print_message("%s\n", vsnap_error_last()->message);
	assert_null(strstr(vsnap_error_last()->message, "HTTP status 200"));
	assert_non_null(strstr(vsnap_error_last()->message,
		"expected the SOAP reply <RetrieveServiceContentResponse>"));
	fs_stop(srv);

	blank = strstr(sc, "<apiType>HostAgent</apiType>");
	assert_non_null(blank);
	memmove(blank + 9, blank + 18, strlen(blank + 18) + 1);   /* <apiType></apiType> */
	rules[0].body = sc;
	assert_int_equal(fs_start(&srv, &cfg), 0);
	snprintf(uri, sizeof(uri), "esx://127.0.0.1:%d/?transport=http",
		atoi(strrchr(fs_url(srv), ':') + 1));
	setenv("VSNAP_PASSWORD", "x-password", 1);
	assert_true(vsnap_conn_open(&conn, uri, NULL) < 0);
	unsetenv("VSNAP_PASSWORD");
	assert_null(strstr(vsnap_error_last()->message, "API type ''"));
	assert_non_null(strstr(vsnap_error_last()->message, "did not say which API it serves"));
	fs_stop(srv);
	free(bomb);
	free(sc);
}

/* Item 8: input files are text; a NUL or 64 MiB stops the reading at once, naming the file. */
static void test_fault_hostile__input_files_capped(void **state)
{
	char cmd[1200], *out;
	const char *bin = getenv("VSNAP_BIN");

	(void)state;
	if (!bin || access(bin, X_OK) != 0)
		skip();
	snprintf(cmd, sizeof(cmd), "'%s' vmx2xml /dev/zero 2>&1", bin);
	assert_int_not_equal(fault_run(&out, cmd), 0);
	assert_non_null(strstr(out, "'/dev/zero' has a NUL byte at offset 0: not a text file"));
	free(out);
	/* 70 MB of text on stdin: refused at the cap, not read to the end first */
	snprintf(cmd, sizeof(cmd), "yes vmx.key = value | head -c 70000000 | '%s' vmx2xml - 2>&1",
		bin);
	assert_int_not_equal(fault_run(&out, cmd), 0);
	assert_non_null(strstr(out, "'-' is larger than 64 MiB: refused"));
	free(out);
}

static int setup(void **state)
{
	vsnap_vcsim_opts so = { NULL, "root", password };
	int rc;

	(void)state;
	srand((unsigned int)(time(NULL) ^ getpid()));
	/* XML, URL and shell specials, so that each escaping differs from the raw text */
	snprintf(password, sizeof(password), "Pw&<%08x>'\"%%+ /=;%04x", (unsigned int)rand(),
		(unsigned int)rand() & 0xffff);
	if (!mkdtemp(dir))
		return -1;
	if ((rc = vsnap_vcsim_start(&sim, VSNAP_VCSIM_ESX, &so)) == 77)
		exit(77);
	return rc;
}

static int teardown(void **state)
{
	(void)state;
	return fault_cleanup(NULL, &sim, dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fault_hostile__input_files_capped),
		cmocka_unit_test(test_fault_hostile__soap_caps_and_messages),
		cmocka_unit_test(test_fault_hostile__every_command_echoed),
	};

	signal(SIGPIPE, SIG_IGN);
	alarm(280);
	return cmocka_run_group_tests_name("fault_hostile", tests, setup, teardown);
}

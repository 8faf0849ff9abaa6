/*
 * test_fault_tls.c: the TLS cases tests/vsphere/test_vs_tls.c does not cover:
 *  - an expired certificate (made here with the OpenSSL C API: notAfter yesterday), served by
 *    faultsrv over HTTPS: refused with a CA file, also refused by default; accepted when pinned
 *    (a pin replaces the CA checks, expiry included) or with no_verify;
 *  - verification through the public API (vsnap_conn_open on esx:// URIs) and the CLI: on by
 *    default, and the host name of the URI is checked against the certificate.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "vsphere/test_vs_common.h"
#include "vsphere/vcsim_harness.h"
#include "vsphere/vsphere.h"
#include "vsnap/conn.h"
#include "fault/fault_common.h"

static char dir[] = "/tmp/vsnap-fault-tls-XXXXXX";
static char certfile[256], keyfile[256], fingerprint[128];
static char *sc_xml, *login_xml;
static fs_server *srv;           /* HTTPS with the expired certificate */
static vsnap_vcsim sim;          /* certificate for DNS:localhost only */

static int add_ext(X509 *x, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *e;
	int ok;

	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	if (!(e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value)))
		return 0;
	ok = X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	return ok;
}

/* A self-signed CA-capable certificate for 127.0.0.1 that expired yesterday. */
static int make_expired_cert(void)
{
	EVP_PKEY *key = EVP_RSA_gen(2048);
	X509 *x = X509_new();
	X509_NAME *name;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0, i;
	FILE *f;
	int ok = key && x;

	ok = ok && X509_set_version(x, 2) && ASN1_INTEGER_set(X509_get_serialNumber(x), 4242);
	ok = ok && X509_gmtime_adj(X509_getm_notBefore(x), -30L * 86400) &&
		X509_gmtime_adj(X509_getm_notAfter(x), -86400L);
	ok = ok && X509_set_pubkey(x, key) && (name = X509_get_subject_name(x)) &&
		X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
			(const unsigned char *)"vsnap-expired", -1, -1, 0) &&
		X509_set_issuer_name(x, name);
	ok = ok && add_ext(x, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1") &&
		add_ext(x, NID_basic_constraints, "critical,CA:TRUE") &&
		X509_sign(x, key, EVP_sha256()) && X509_digest(x, EVP_sha256(), md, &len);
	for (i = 0; ok && i < len; i++)
		snprintf(fingerprint + strlen(fingerprint), sizeof(fingerprint) - strlen(fingerprint),
			"%s%02X", i ? ":" : "", md[i]);
	if (ok && (f = fopen(certfile, "w"))) {
		ok = PEM_write_X509(f, x);
		fclose(f);
	}
	if (ok && (f = fopen(keyfile, "w"))) {
		ok = PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL);
		fclose(f);
	}
	X509_free(x);
	EVP_PKEY_free(key);
	return ok ? 0 : -1;
}

static int try_open(const char *cafile, const char *pin, int no_verify)
{
	vsnap_vs_client *c = NULL;
	vsnap_vs_options o = { 0 };
	int rc;

	o.url = fs_url(srv);
	o.cafile = cafile;
	o.thumbprint = pin;
	o.no_verify = no_verify;
	o.connect_timeout_ms = 5000;
	o.request_timeout_ms = 5000;
	rc = vsnap__vs_open(&c, &o);
	vsnap__vs_close(c);
	return rc;
}

static void test_fault_tls__expired_refused(void **state)
{
	int before = fs_count(srv, "");

	(void)state;
	assert_vs_code(try_open(certfile, NULL, 0), VSNAP_ECERTIFICATE);
	print_message("ECERTIFICATE: %s\n", vsnap_error_last()->message);
	assert_non_null(strstr(vsnap_error_last()->message, "expired"));
	assert_non_null(strstr(vsnap_error_last()->message, fs_url(srv)));
	/* Default (system CA store): refused as well. */
	assert_vs_code(try_open(NULL, NULL, 0), VSNAP_ECERTIFICATE);
	assert_int_equal(fs_count(srv, ""), before);   /* nothing was sent */
}

static void test_fault_tls__expired_pinned_or_no_verify(void **state)
{
	(void)state;
	assert_vs_ok(try_open(NULL, fingerprint, 0));
	assert_vs_ok(try_open(NULL, NULL, 1));
}

static int password_cb(char *buf, size_t size, const char *user, const char *host, void *p)
{
	(void)user;
	(void)host;
	(void)p;
	snprintf(buf, size, "pass");
	return 0;
}

static int conn_open(const char *host, int with_cafile)
{
	vsnap_conn_options o = VSNAP_CONN_OPTIONS_INIT;
	vsnap_conn *conn = NULL;
	char uri[1024];
	const char *port = strrchr(sim.url, ':') + 1;
	int rc;

	o.password_cb = password_cb;
	o.connect_timeout_ms = 5000;
	snprintf(uri, sizeof(uri), "esx://root@%s:%.*s/%s%s", host, (int)strcspn(port, "/"), port,
		with_cafile ? "?cafile=" : "", with_cafile ? sim.certfile : "");
	rc = vsnap_conn_open(&conn, uri, &o);
	if (rc < 0)
		print_message("%s -> %s: %s\n", uri, vsnap_error_code_name(rc),
			vsnap_error_last()->message);
	vsnap_conn_close(conn);
	return rc;
}

/* Public API: verification is on by default, and the URI's host name is checked. */
static void test_fault_tls__conn_open_verifies(void **state)
{
	(void)state;
	assert_vs_code(conn_open("localhost", 0), VSNAP_ECERTIFICATE);   /* unknown CA */
	assert_non_null(strstr(vsnap_error_last()->message, "localhost"));
	assert_vs_code(conn_open("127.0.0.1", 1), VSNAP_ECERTIFICATE);   /* name mismatch */
	assert_non_null(strstr(vsnap_error_last()->message, "127.0.0.1"));
	assert_vs_ok(conn_open("localhost", 1));
}

/* Runs the CLI; returns its exit status, output (stdout+stderr) in out. */
static int run_cli(char *out, size_t size, const char *fmt, ...)
{
	const char *bin = getenv("VSNAP_BIN");
	char args[1024], cmd[1400], *got;
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "VSNAP_PASSWORD=pass VSNAP_AUTH_FILE=/nonexistent '%s' %s 2>&1",
		bin, args);
	st = fault_run(&got, cmd);
	snprintf(out, size, "%s", got);
	free(got);
	return st;
}

static void test_fault_tls__cli(void **state)
{
	const char *bin = getenv("VSNAP_BIN");
	char out[4096];
	int port = atoi(strrchr(sim.url, ':') + 1), fsport = atoi(strrchr(fs_url(srv), ':') + 1);

	(void)state;
	if (!bin || access(bin, X_OK) != 0)
		skip();
	assert_int_not_equal(run_cli(out, sizeof(out), "-c 'esx://root@127.0.0.1:%d/?cafile=%s' "
		"list --all", port, sim.certfile), 0);
	print_message("CLI, host name mismatch: %s", out);
	assert_non_null(strstr(out, "127.0.0.1"));
	assert_true(strstr(out, "certificate") || strstr(out, "TLS"));
	assert_int_not_equal(run_cli(out, sizeof(out), "-c 'esx://root@127.0.0.1:%d/?cafile=%s' "
		"list --all", fsport, certfile), 0);
	print_message("CLI, expired: %s", out);
	assert_non_null(strstr(out, "expired"));
	assert_int_equal(run_cli(out, sizeof(out), "-c 'esx://root@localhost:%d/?cafile=%s' "
		"list --all --name", port, sim.certfile), 0);
	assert_true(strlen(out) > 0);
}

static int setup(void **state)
{
	vsnap_vcsim_opts other = { "DNS:localhost", NULL, NULL };
	static fs_rule rules[2];
	fs_config cfg = { 0 };
	int rc;

	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(certfile, sizeof(certfile), "%s/expired.pem", dir);
	snprintf(keyfile, sizeof(keyfile), "%s/expired.key", dir);
	sc_xml = fs_fixture("service-content.xml");
	login_xml = fs_fixture("login.xml");
	if (!sc_xml || !login_xml || make_expired_cert() < 0)
		return -1;
	rules[0] = (fs_rule){ "RetrieveServiceContent", 0, FS_REPLY, 0, sc_xml, 0, 0 };
	rules[1] = (fs_rule){ "Login", 0, FS_REPLY, 0, login_xml, 0, 0 };
	cfg.certfile = certfile;
	cfg.keyfile = keyfile;
	cfg.rules = rules;
	cfg.nrules = 2;
	if (fs_start(&srv, &cfg) < 0)
		return -1;
	if ((rc = vsnap_vcsim_start(&sim, VSNAP_VCSIM_ESX, &other)) == 77) {
		fs_stop(srv);
		exit(77);
	}
	return rc;
}

static int teardown(void **state)
{
	(void)state;
	free(sc_xml);
	free(login_xml);
	return fault_cleanup(srv, &sim, dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fault_tls__expired_refused),
		cmocka_unit_test(test_fault_tls__expired_pinned_or_no_verify),
		cmocka_unit_test(test_fault_tls__conn_open_verifies),
		cmocka_unit_test(test_fault_tls__cli),
	};

	signal(SIGPIPE, SIG_IGN);
	alarm(100);
	return cmocka_run_group_tests_name("fault_tls", tests, setup, teardown);
}

/*
 * test_vs_tls.c: TLS verification of the vSphere client against vcsim with real certificates:
 * CA file, host name check, self-signed refusal, SHA-256 and SHA-1 pins, no_verify.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdlib.h>
#include <string.h>

#include "vsphere/test_vs_common.h"
#include "vsphere/vcsim_harness.h"
#include "vsphere/vsphere.h"

static vsnap_vcsim sim_ok;      /* SAN localhost + 127.0.0.1 */
static vsnap_vcsim sim_other;   /* SAN DNS:localhost only */

static int try_open(const vsnap_vcsim *sim, const char *cafile, const char *pin, int no_verify)
{
	vsnap_vs_client *c = NULL;
	vsnap_vs_options o = { 0 };
	int rc;

	o.url = sim->url;
	o.cafile = cafile;
	o.thumbprint = pin;
	o.no_verify = no_verify;
	rc = vsnap__vs_open(&c, &o);
	vsnap__vs_close(c);
	return rc;
}

static void test_vs_tls__cafile_accepted(void **state)
{
	(void)state;
	assert_vs_ok(try_open(&sim_ok, sim_ok.certfile, NULL, 0));
}

static void test_vs_tls__self_signed_refused(void **state)
{
	int before = vsnap_vcsim_requests(&sim_ok);

	(void)state;
	assert_vs_code(try_open(&sim_ok, NULL, NULL, 0), VSNAP_ECERTIFICATE);
	assert_non_null(strstr(vsnap_error_last()->message, sim_ok.url));
	assert_int_equal(vsnap_vcsim_requests(&sim_ok), before);
}

/* Trusted CA, but the certificate is for "localhost" and we connect to 127.0.0.1. */
static void test_vs_tls__wrong_host_refused(void **state)
{
	(void)state;
	assert_vs_code(try_open(&sim_other, sim_other.certfile, NULL, 0), VSNAP_ECERTIFICATE);
}

static void test_vs_tls__right_pin_accepted(void **state)
{
	char fp[128];

	(void)state;
	assert_int_equal(vsnap_vcsim_fingerprint(&sim_other, 0, fp, sizeof(fp)), 0);
	/* The pin replaces CA and host name checks. */
	assert_vs_ok(try_open(&sim_other, NULL, fp, 0));
	assert_int_equal(vsnap_vcsim_fingerprint(&sim_other, 1, fp, sizeof(fp)), 0);
	assert_vs_ok(try_open(&sim_other, NULL, fp, 0));   /* SHA-1 "AA:BB:.." as ESX shows */
}

static void test_vs_tls__wrong_pin_refused(void **state)
{
	char fp[128];
	int before = vsnap_vcsim_requests(&sim_ok);

	(void)state;
	/* sim_other's fingerprint is the wrong pin for sim_ok. */
	assert_int_equal(vsnap_vcsim_fingerprint(&sim_other, 0, fp, sizeof(fp)), 0);
	assert_vs_code(try_open(&sim_ok, sim_ok.certfile, fp, 0), VSNAP_ECERTIFICATE);
	assert_non_null(strstr(vsnap_error_last()->message, "pinned"));
	assert_int_equal(vsnap_vcsim_requests(&sim_ok), before);
	assert_vs_code(try_open(&sim_ok, NULL, "12:34", 0), VSNAP_EINVALID);
}

static void test_vs_tls__no_verify_accepted(void **state)
{
	(void)state;
	assert_vs_ok(try_open(&sim_other, NULL, NULL, 1));
}

static int setup(void **state)
{
	vsnap_vcsim_opts other = { "DNS:localhost", NULL, NULL };
	int rc;

	(void)state;
	if ((rc = vsnap_vcsim_start(&sim_ok, VSNAP_VCSIM_ESX, NULL)) == 77)
		exit(77);
	if (rc != 0 || vsnap_vcsim_start(&sim_other, VSNAP_VCSIM_ESX, &other) != 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	vsnap_vcsim_stop(&sim_ok);
	vsnap_vcsim_stop(&sim_other);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vs_tls__cafile_accepted),
		cmocka_unit_test(test_vs_tls__self_signed_refused),
		cmocka_unit_test(test_vs_tls__wrong_host_refused),
		cmocka_unit_test(test_vs_tls__right_pin_accepted),
		cmocka_unit_test(test_vs_tls__wrong_pin_refused),
		cmocka_unit_test(test_vs_tls__no_verify_accepted),
	};

	return cmocka_run_group_tests_name("tls", tests, setup, teardown);
}

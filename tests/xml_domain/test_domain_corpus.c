/*
 * test_domain_corpus.c: libvirt's own vmx2xml expected outputs (libvirt 10.7, read at run time
 * from $VSNAP_SHARED/compat/libvirt, never copied into the repository) must come back byte for
 * byte after parse → format; libvirt's xml2vmx inputs must parse, and their formatted form must
 * be a fixed point. Exits 77 (skipped) with a message when the corpus is absent.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "vsnap/error.h"
#include "xml/domain_def.h"
#include "xml_domain/domain_test_util.h"

static char corpus[4096];

static char *format_text(const char *name, const char *text)
{
	vsnap_domain_def *def = NULL;
	char *out = NULL;

	if (vsnap__domain_def_parse(&def, text, 0) != 0)
		fail_msg("%s: parse failed: %s", name, vsnap_error_last()->message);
	if (vsnap__domain_def_format(&out, def, VSNAP_DOMAIN_XML_SECURE, 0) != 0)
		fail_msg("%s: format failed: %s", name, vsnap_error_last()->message);
	vsnap__domain_def_free(def);
	return out;
}

static void run_dir(const char *sub, const char *suffix, int byte_exact, int min_count)
{
	char dir[4200];
	char **list;
	int count = 0, failed = 0;

	snprintf(dir, sizeof(dir), "%s/%s", corpus, sub);
	assert_non_null(list = dt_list(dir, suffix));
	for (size_t i = 0; list[i]; i++) {
		char path[4500];
		char *text, *out, *again;

		snprintf(path, sizeof(path), "%s/%s", dir, list[i]);
		assert_non_null(text = dt_read_file(path));
		out = format_text(list[i], text);
		again = format_text(list[i], out);
		if (byte_exact && strcmp(text, out) != 0) {
			dt_print_diff(list[i], text, out);
			failed++;
		}
		if (strcmp(out, again) != 0) {
			dt_print_diff(list[i], out, again);
			failed++;
		}
		free(again);
		free(out);
		free(text);
		count++;
	}
	dt_free_list(list);
	if (failed)
		fail_msg("%d of %d files in %s did not round-trip", failed, count, sub);
	assert_true(count >= min_count);
}

/* Every expected output of libvirt's vmx2xml tests, byte for byte. */
static void test_domain_corpus__vmx2xml_outputs(void **state)
{
	(void)state;
	run_dir("vmx2xmldata", ".xml", 1, 70);
}

/* libvirt's xml2vmx inputs (hand written, not canonical) parse and reach a fixed point. */
static void test_domain_corpus__xml2vmx_inputs(void **state)
{
	(void)state;
	run_dir("xml2vmxdata", ".xml", 0, 50);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_domain_corpus__vmx2xml_outputs),
		cmocka_unit_test(test_domain_corpus__xml2vmx_inputs),
	};
	const char *shared = getenv("VSNAP_SHARED");
	struct stat st;

	snprintf(corpus, sizeof(corpus), "%s/compat/libvirt", shared ? shared : "");
	if (!shared || stat(corpus, &st) != 0 || !S_ISDIR(st.st_mode)) {
		printf("SKIP: libvirt corpus not found at '%s' (set VSNAP_SHARED)\n", corpus);
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}

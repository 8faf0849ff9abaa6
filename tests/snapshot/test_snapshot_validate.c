/*
 * What vsnap formats validates against libvirt's own schema: `virt-xml-validate FILE
 * domainsnapshot` (Debian: libvirt-clients). Skipped (exit 77) when the tool is absent.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "xml/snapshot_def.h"
#include "snapshot/snapshot_test_util.h"

static const struct {
	const char *file;
	unsigned int mode;
} cases[] = {
	{ "checkpoint-running.xml", VSNAP_SNAPSHOT_PARSE_REDEFINE },
	{ "disk-only-external.xml", VSNAP_SNAPSHOT_PARSE_REDEFINE },
	{ "create-noname.in.xml", VSNAP_SNAPSHOT_PARSE_CREATE },
	{ "redefine.in.xml", VSNAP_SNAPSHOT_PARSE_REDEFINE },
};

static int have_validator(void)
{
	return system("command -v virt-xml-validate >/dev/null 2>&1") == 0;
}

static void test_snapshot_validate__formatted_output_validates(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char tmpl[] = "/tmp/vsnap-snapshot-XXXXXX";
		char *xml = read_fixture(cases[i].file), *out = NULL, cmd[256];
		vsnap_snapshot_def *def = NULL;
		int fd, status;

		assert_non_null(xml);
		assert_vsnap_ok(vsnap__snapshot_def_parse(&def, xml, cases[i].mode, 1700000000LL));
		assert_vsnap_ok(vsnap__snapshot_def_format(&out, def, 0, i == 3));
		fd = mkstemp(tmpl);
		assert_true(fd >= 0);
		assert_int_equal(write(fd, out, strlen(out)), (ssize_t)strlen(out));
		close(fd);
		snprintf(cmd, sizeof(cmd), "virt-xml-validate %s domainsnapshot >/dev/null 2>&1", tmpl);
		status = system(cmd);
		if (status != 0) {
			snprintf(cmd, sizeof(cmd), "virt-xml-validate %s domainsnapshot", tmpl);
			status = system(cmd);
			fail_msg("%s: formatted XML does not validate:\n%s", cases[i].file, out);
		}
		unlink(tmpl);
		free(out);
		free(xml);
		vsnap__snapshot_def_free(def);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_snapshot_validate__formatted_output_validates),
	};

	if (!have_validator()) {
		printf("SKIP: virt-xml-validate not found (Debian package libvirt-clients)\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}

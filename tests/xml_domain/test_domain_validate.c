/*
 * test_domain_validate.c: formatted domain XML must validate against libvirt's own schemas with
 * `virt-xml-validate FILE domain` (Debian libvirt-clients): vsnap's fixtures and, when
 * $VSNAP_SHARED has it, libvirt's vmx2xml corpus. Exits 77 (skipped) without the tool.
 *
 * Debian 12 ships libvirt 9.0 schemas, older than the <topology clusters='...'> attribute that
 * libvirt 10.1 added and always formats. When the installed schema does not know it, the
 * attribute (always the default clusters='1' here) is dropped from the validated copy only.
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
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "vsnap/error.h"
#include "xml/domain_def.h"
#include "xml_domain/domain_test_util.h"

#define VALIDATOR "/usr/bin/virt-xml-validate"
#define CPU_SCHEMA "/usr/share/libvirt/schemas/cputypes.rng"

static int schema_has_clusters;
static char tmpdir[] = "/tmp/vsnap-validate-XXXXXX";

static void strip_clusters(char *text)
{
	static const char attr[] = " clusters='1'";
	char *p;

	while ((p = strstr(text, attr)))
		memmove(p, p + strlen(attr), strlen(p + strlen(attr)) + 1);
}

/* Runs the validator on `text`; returns its exit status (0 = valid). */
static int validate_text(const char *name, char *text)
{
	char path[256], log[256];
	pid_t pid;
	int status = -1;

	if (!schema_has_clusters)
		strip_clusters(text);
	snprintf(path, sizeof(path), "%s/domain.xml", tmpdir);
	snprintf(log, sizeof(log), "%s/validate.log", tmpdir);
	assert_int_equal(dt_write_file(path, text), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* Its output goes to a log, shown only when the file does not validate. */
		if (!freopen(log, "w", stdout) || dup2(fileno(stdout), 2) < 0)
			_exit(126);
		execl(VALIDATOR, VALIDATOR, path, "domain", (char *)NULL);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		char *out = dt_read_file(log);

		fprintf(stderr, "%s: does not validate:\n%s\n%s\n", name, out ? out : "", text);
		free(out);
	}
	unlink(log);
	unlink(path);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/*
 * libvirt's own expected output for this case is invalid under libvirt's schema (a vds
 * <source> without its required attributes); libvirt 10.7 does not run it (CASES.md).
 */
static const char *const invalid_upstream[] = { "ethernet-vds-no-params.xml", NULL };

static int is_invalid_upstream(const char *name)
{
	for (size_t i = 0; invalid_upstream[i]; i++) {
		if (strcmp(invalid_upstream[i], name) == 0)
			return 1;
	}
	return 0;
}

static int validate_dir(const char *dir, const char *suffix, const char *skip_suffix)
{
	char **list = dt_list(dir, suffix);
	int count = 0, failed = 0;

	assert_non_null(list);
	for (size_t i = 0; list[i]; i++) {
		char path[4500];
		char *text, *out = NULL;
		vsnap_domain_def *def = NULL;

		if ((skip_suffix && dt_ends_with(list[i], skip_suffix)) || is_invalid_upstream(list[i]))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, list[i]);
		assert_non_null(text = dt_read_file(path));
		if (vsnap__domain_def_parse(&def, text, 0) != 0)
			fail_msg("%s: %s", list[i], vsnap_error_last()->message);
		assert_int_equal(vsnap__domain_def_format(&out, def, VSNAP_DOMAIN_XML_SECURE, 0), 0);
		if (validate_text(list[i], out) != 0)
			failed++;
		vsnap__domain_def_free(def);
		free(out);
		free(text);
		count++;
	}
	dt_free_list(list);
	if (failed)
		fail_msg("%d of %d formatted files in %s do not validate", failed, count, dir);
	return count;
}

static void test_domain_validate__fixtures(void **state)
{
	(void)state;
	/* .in.xml files are inputs; their formatted form is checked as .out.xml already. */
	assert_true(validate_dir(dt_fixture_dir(NULL), ".xml", ".in.xml") >= 5);
}

static void test_domain_validate__libvirt_corpus(void **state)
{
	const char *shared = getenv("VSNAP_SHARED");
	char dir[4096];
	struct stat st;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/compat/libvirt/vmx2xmldata", shared ? shared : "");
	if (!shared || stat(dir, &st) != 0) {
		printf("SKIP (part): libvirt corpus not found at '%s'\n", dir);
		skip();
	}
	assert_true(validate_dir(dir, ".xml", NULL) >= 70);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_domain_validate__fixtures),
		cmocka_unit_test(test_domain_validate__libvirt_corpus),
	};
	char *schema;
	int rc;

	if (access(VALIDATOR, X_OK) != 0) {
		printf("SKIP: %s not installed (Debian package libvirt-clients)\n", VALIDATOR);
		return 77;
	}
	schema = dt_read_file(CPU_SCHEMA);
	schema_has_clusters = schema && strstr(schema, "clusters");
	free(schema);
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	rmdir(tmpdir);
	return rc;
}

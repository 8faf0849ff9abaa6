/*
 * Runs a fuzz target's LLVMFuzzerTestOneInput() over stored inputs, as a cmocka test of the
 * ordinary build (gcc, ASan, valgrind): the crash regressions of fixtures/fuzz/<target>/ and
 * the seed fixtures the fuzzer starts from. A broken property aborts, which fails the test.
 * FUZZ_DIRS (set by tests/fuzz/CMakeLists.txt) lists directories relative to $VSNAP_SRC,
 * separated by ':'; each is read with its subdirectories (one level).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <dirent.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "fuzz.h"

static size_t replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, n;

	assert_non_null(f);
	do {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 8192;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	assert_int_equal(ferror(f), 0);
	fclose(f);
	/* Like libFuzzer, hand over exactly the bytes read (a copy, so overreads are caught). */
	uint8_t *exact = malloc(len ? len : 1);
	assert_non_null(exact);
	memcpy(exact, buf, len);
	free(buf);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	return 1;
}

static size_t replay_dir(const char *dir, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t count = 0;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char path[PATH_MAX];
		struct stat st;
		const char *dot = strrchr(de->d_name, '.');

		if (de->d_name[0] == '.' || (dot && strcmp(dot, ".md") == 0))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		assert_int_equal(stat(path, &st), 0);
		if (S_ISDIR(st.st_mode) && depth < 1)
			count += replay_dir(path, depth + 1);
		else if (S_ISREG(st.st_mode))
			count += replay_file(path);
	}
	closedir(d);
	return count;
}

static void replay_all(void **state)
{
	const char *src = getenv("VSNAP_SRC");
	char dirs[] = FUZZ_DIRS;
	size_t total = 0;

	(void)state;
	assert_non_null(src);
	for (char *save = NULL, *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		char path[PATH_MAX];
		size_t n;

		snprintf(path, sizeof(path), "%s/%s", src, d);
		n = replay_dir(path, 0);
		printf("# %s: %zu inputs from %s\n", FUZZ_NAME, n, d);
		total += n;
	}
	/* A test that replays nothing would prove nothing. */
	assert_true(total > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(replay_all) };

	return cmocka_run_group_tests_name(FUZZ_NAME, tests, NULL, NULL);
}

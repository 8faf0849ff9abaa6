/*
 * domain_test_util.c: see domain_test_util.h.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "xml_domain/domain_test_util.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *dt_read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long len;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)len + 1))) {
		if (fread(buf, 1, (size_t)len, f) != (size_t)len) {
			free(buf);
			buf = NULL;
		} else {
			buf[len] = '\0';
		}
	}
	fclose(f);
	return buf;
}

int dt_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	int rc = 0;

	if (!f)
		return -1;
	if (fputs(text, f) < 0)
		rc = -1;
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

int dt_ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **dt_list(const char *dir, const char *suffix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **list = calloc(1, sizeof(*list));
	size_t n = 0;

	if (!d || !list) {
		if (d)
			closedir(d);
		free(list);
		return NULL;
	}
	while ((e = readdir(d))) {
		char **grown;

		if (e->d_name[0] == '.' || !dt_ends_with(e->d_name, suffix))
			continue;
		if (!(grown = realloc(list, (n + 2) * sizeof(*list))))
			break;
		list = grown;
		list[n++] = strdup(e->d_name);
		list[n] = NULL;
	}
	closedir(d);
	qsort(list, n, sizeof(*list), cmp_str);
	return list;
}

void dt_free_list(char **list)
{
	for (size_t i = 0; list && list[i]; i++)
		free(list[i]);
	free(list);
}

void dt_print_diff(const char *name, const char *expected, const char *actual)
{
	int line = 1;
	const char *e = expected, *a = actual;

	while (*e && *e == *a) {
		if (*e == '\n')
			line++;
		e++;
		a++;
	}
	while (e > expected && e[-1] != '\n')
		e--, a--;
	fprintf(stderr, "%s: first difference at line %d\n  expected: %.*s\n  actual:   %.*s\n",
		name, line, (int)strcspn(e, "\n"), e, (int)strcspn(a, "\n"), a);
}

const char *dt_fixture_dir(const char *sub)
{
	static char path[4096];
	const char *src = getenv("VSNAP_SRC");

	snprintf(path, sizeof(path), "%s/fixtures/domain%s%s", src ? src : ".", sub ? "/" : "",
		sub ? sub : "");
	return path;
}

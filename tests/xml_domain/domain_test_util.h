/*
 * domain_test_util.h: file and directory helpers shared by the domain XML tests.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_TEST_DOMAIN_UTIL_H
#define VSNAP_TEST_DOMAIN_UTIL_H

#include <stddef.h>

/* Whole file as a NUL-terminated string, or NULL. Free it. */
char *dt_read_file(const char *path);
/* Writes `text` to `path`; 0 or -1. */
int dt_write_file(const char *path, const char *text);
/* Sorted names in `dir` ending with `suffix` (NULL-terminated array; free with dt_free_list). */
char **dt_list(const char *dir, const char *suffix);
void dt_free_list(char **list);
/* 1 when `s` ends with `suffix`. */
int dt_ends_with(const char *s, const char *suffix);
/* Prints the first differing line of two texts (for failure messages). */
void dt_print_diff(const char *name, const char *expected, const char *actual);
/* $VSNAP_SRC/fixtures/domain[/sub] into a static buffer. */
const char *dt_fixture_dir(const char *sub);

#endif

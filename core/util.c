/*
 * util.c: the public string release and version calls, and the internal helpers of util.h.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vsnap/common.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

#include "core/error.h"

void vsnap_string_free(char *str)
{
	free(str);
}

void vsnap_strings_free(char **strs, size_t count)
{
	if (!strs)
		return;
	for (size_t i = 0; i < count; i++)
		free(strs[i]);
	free(strs);
}

const char *vsnap_version(void)
{
	return VSNAP_VERSION_STRING;
}

int vsnap__hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int vsnap__str_dup(char **out, const char *s)
{
	*out = NULL;
	if (!s)
		return 0;
	*out = strdup(s);
	return *out ? 0 : vsnap__error_oom();
}

void vsnap__str_copy(char **out, const char *s, int *failed)
{
	if (vsnap__str_dup(out, s) < 0)
		*failed = 1;
}

void *vsnap__array_room(void *items, size_t n, size_t *cap, size_t elem, size_t first)
{
	size_t want;
	void *p;

	if (n < *cap)
		return items;
	want = *cap ? *cap * 2 : first;
	if (want <= *cap || want > (size_t)-1 / elem || !(p = realloc(items, want * elem))) {
		vsnap__error_oom();
		return NULL;
	}
	*cap = want;
	return p;
}

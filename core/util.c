/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "vsnap/common.h"

#include <stdlib.h>

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

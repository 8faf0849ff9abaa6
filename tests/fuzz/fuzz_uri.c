/*
 * libFuzzer target: connection URIs (vsnap__uri_parse) and their parameter accessors.
 * Property: a parsed URI has a scheme, and the parameters it lists are found by their keys
 * (the first 64 and the last: checking all of a URI with thousands would make the check, not
 * the parser, quadratic in the input).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "fuzz.h"
#include "core/uri.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vsnap_uri *uri = NULL;
	char *text = fuzz_strndup(data, size);

	if (text && vsnap__uri_parse(&uri, text) == 0) {
		FUZZ_CHECK(uri->scheme != NULL, "no scheme in '%s'", text);
		for (size_t i = 0; i < uri->nparams; i++) {
			if (i == 64)
				i = uri->nparams - 1;   /* then only the last */
			FUZZ_CHECK(vsnap__uri_param(uri, uri->params[i].key) != NULL,
				"parameter '%s' not found", uri->params[i].key);
			(void)vsnap__uri_param_bool(uri, uri->params[i].key, -1);
		}
		vsnap__uri_free(uri);
	}
	free(text);
	vsnap_error_clear();
	return 0;
}

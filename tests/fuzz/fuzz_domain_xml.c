/*
 * libFuzzer target: <domain> XML parse -> format -> parse -> format.
 * Properties: what parses formats; the formatted text parses again and formats to the same
 * text (formatting is a fixed point), with and without secrets (the secure form is checked
 * where it differs), and a deep copy formats like the original.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "fuzz.h"
#include "xml/domain_def.h"

static void check(const vsnap_domain_def *def, unsigned int flags)
{
	vsnap_domain_def *again = NULL, *copy = NULL;
	char *out = NULL, *out2 = NULL, *out3 = NULL;

	FUZZ_CHECK(vsnap__domain_def_format(&out, def, flags, 0) == 0, "parsed but not formatted");
	FUZZ_CHECK(vsnap__domain_def_parse(&again, out, 0) == 0, "formatted XML does not parse:\n%s",
		out);
	FUZZ_CHECK(vsnap__domain_def_format(&out2, again, flags, 0) == 0, "reparsed, not formatted");
	FUZZ_CHECK(strcmp(out, out2) == 0, "format is not a fixed point:\n%s\n---\n%s", out, out2);
	FUZZ_CHECK(vsnap__domain_def_copy(&copy, def) == 0, "copy failed");
	FUZZ_CHECK(vsnap__domain_def_format(&out3, copy, flags, 0) == 0 && strcmp(out, out3) == 0,
		"copy formats differently");
	vsnap__domain_def_free(again);
	vsnap__domain_def_free(copy);
	free(out);
	free(out2);
	free(out3);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vsnap_domain_def *def = NULL;
	char *xml = fuzz_strndup(data, size);

	if (xml && vsnap__domain_def_parse(&def, xml, 0) == 0) {
		char *plain = NULL, *secure = NULL;

		check(def, 0);
		/* Without secrets the secure form is the same text, and checking it would repeat
		 * the first check exactly (it was half of each execution). */
		FUZZ_CHECK(vsnap__domain_def_format(&plain, def, 0, 0) == 0 &&
			vsnap__domain_def_format(&secure, def, VSNAP_DOMAIN_XML_SECURE, 0) == 0,
			"parsed but not formatted");
		if (strcmp(plain, secure) != 0)
			check(def, VSNAP_DOMAIN_XML_SECURE);
		free(plain);
		free(secure);
		vsnap__domain_def_free(def);
	}
	free(xml);
	vsnap_error_clear();
	return 0;
}

/*
 * fuzz_domain_xml.c: libFuzzer target for the domain XML parser and formatter.
 * Each input is parsed; what parses is formatted, re-parsed, formatted again (the second
 * output must equal the first: formatting is a fixed point) and deep-copied.
 *
 * Not part of the CMake build. Build and run from the source root with clang:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -I. -Iinclude \
 *     $(pkg-config --cflags libxml-2.0) tests/fuzz/fuzz_domain_xml.c xml/domain_[a-z]*.c xml/xml[a-z]*.c core/error.c \
 *     $(pkg-config --libs libxml-2.0) -o fuzz_domain_xml
 *   mkdir -p corpus && cp fixtures/domain/[a-z]*.xml corpus/
 *   ./fuzz_domain_xml -max_total_time=300 -dict=tests/fuzz/domain_xml.dict corpus
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xml/domain_def.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vsnap_domain_def *def = NULL, *again = NULL, *copy = NULL;
	char *text = malloc(size + 1);
	char *out = NULL, *out2 = NULL;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (vsnap__domain_def_parse(&def, text, 0) == 0) {
		if (vsnap__domain_def_format(&out, def, VSNAP_DOMAIN_XML_SECURE, 2) == 0 &&
		    vsnap__domain_def_parse(&again, out, 0) == 0 &&
		    vsnap__domain_def_format(&out2, again, VSNAP_DOMAIN_XML_SECURE, 2) == 0 &&
		    strcmp(out, out2) != 0)
			abort();   /* formatting is not a fixed point */
		if (vsnap__domain_def_copy(&copy, def) == 0)
			vsnap__domain_def_free(copy);
	}
	vsnap__domain_def_free(again);
	vsnap__domain_def_free(def);
	free(out2);
	free(out);
	free(text);
	return 0;
}

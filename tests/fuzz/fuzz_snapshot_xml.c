/*
 * libFuzzer target for <domainsnapshot> parsing and formatting (not built by default).
 *
 * Build and run from the source tree (clang, libxml2-dev):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -I. -Iinclude \
 *     $(pkg-config --cflags libxml-2.0) tests/fuzz/fuzz_snapshot_xml.c xml/snapshot_*.c \
 *     core/error.c -o fuzz_snapshot_xml $(pkg-config --libs libxml-2.0)
 *   mkdir -p corpus && cp fixtures/snapshot/[a-z]*.xml corpus/
 *   ./fuzz_snapshot_xml -max_total_time=300 corpus
 *
 * Each input is parsed in both modes; whatever parses must format, and the formatted text
 * must parse again in the same mode and format to the same text: formatting is a fixed
 * point.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xml/snapshot_def.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_mode(const char *xml, unsigned int mode)
{
	vsnap_snapshot_def *def = NULL, *again = NULL;
	char *out = NULL, *out2 = NULL;

	if (vsnap__snapshot_def_parse(&def, xml, mode, 1700000000LL) != 0)
		return;
	if (vsnap__snapshot_def_format(&out, def, 0, def->is_current) != 0)
		abort();
	if (vsnap__snapshot_def_parse(&again, out, mode, 1700000000LL) != 0)
		abort();
	if (vsnap__snapshot_def_format(&out2, again, 0, again->is_current) != 0)
		abort();
	if (strcmp(out, out2) != 0)
		abort();
	free(out);
	free(out2);
	vsnap__snapshot_def_free(def);
	vsnap__snapshot_def_free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *xml = malloc(size + 1);

	if (!xml)
		return 0;
	memcpy(xml, data, size);
	xml[size] = '\0';
	check_mode(xml, VSNAP_SNAPSHOT_PARSE_CREATE);
	check_mode(xml, VSNAP_SNAPSHOT_PARSE_REDEFINE);
	free(xml);
	return 0;
}

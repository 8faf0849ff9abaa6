/*
 * libFuzzer target: the JSON reader of QMP replies and `qemu-img info --output=json`
 * (qemudrv/json.c). Every value of the tree is visited through the accessors the driver uses.
 * Properties: a parsed string written back by vsnap__json_put_str parses to the same string;
 * a number's integer part never comes from an undefined conversion (UBSan would stop here).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "fuzz.h"
#include "qemudrv/json.h"

static void visit(const qjson *v, unsigned depth)
{
	for (; v; v = v->next) {
		if (v->key) {
			/* The first member of that name is what the driver would read. */
			(void)vsnap__json_get_num(v, v->key, 0);
		}
		if (v->type == QJ_STRING) {
			vsnap__strbuf b = VSNAP__STRBUF_INIT;
			qjson *again = NULL;

			vsnap__json_put_str(&b, v->str);
			if (vsnap__strbuf_check(&b) == 0) {
				FUZZ_CHECK(vsnap__json_parse(&again, b.ptr, b.len, "fuzz") == 0,
					"written string does not parse: %s", b.ptr);
				FUZZ_CHECK(again->type == QJ_STRING && !strcmp(again->str, v->str),
					"string changed in a round trip: %s", b.ptr);
				vsnap__json_free(again);
			}
			vsnap__strbuf_clear(&b);
		}
		if (v->type == QJ_OBJECT) {
			(void)vsnap__json_get_str(v, "format");
			(void)vsnap__json_get_num(v, "actual-size", -1);
			(void)vsnap__json_get_num(v, "virtual-size", -1);
			(void)vsnap__json_len(vsnap__json_get(v, "return"));
		}
		visit(v->child, depth + 1);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	qjson *v = NULL;

	if (vsnap__json_parse(&v, (const char *)data, size, "fuzz input") == 0) {
		FUZZ_CHECK(v != NULL, "parse succeeded without a value");
		visit(v, 0);
		vsnap__json_free(v);
	}
	vsnap_error_clear();
	return 0;
}

/* core/strbuf.h: appends, truncation, hand-over and the sticky out-of-memory state; and
 * core/util.h's array helper.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/error.h"
#include "core/strbuf.h"
#include "core/util.h"

static void appends_build_the_text(void **state)
{
	vsnap__strbuf buf = VSNAP__STRBUF_INIT;
	char *out = NULL;

	(void)state;
	vsnap__strbuf_append(&buf, "key");
	vsnap__strbuf_append_n(&buf, " = \"value\" trailing", 10);
	vsnap__strbuf_append_chars(&buf, ' ', 3);
	vsnap__strbuf_appendf(&buf, "[%d:%s]", 42, "x");
	assert_string_equal(vsnap__strbuf_cstr(&buf), "key = \"value\"   [42:x]");
	assert_int_equal(buf.len, strlen("key = \"value\"   [42:x]"));
	assert_int_equal(vsnap__strbuf_detach(&out, &buf), 0);
	assert_string_equal(out, "key = \"value\"   [42:x]");
	assert_null(buf.ptr);
	assert_int_equal(buf.len, 0);
	free(out);
}

static void grows_past_the_first_block(void **state)
{
	vsnap__strbuf buf = VSNAP__STRBUF_INIT;

	(void)state;
	for (int i = 0; i < 1000; i++)
		vsnap__strbuf_appendf(&buf, "%03d,", i);
	assert_int_equal(buf.len, 4000);
	assert_memory_equal(buf.ptr + 3996, "999,", 5);
	assert_true(buf.cap > buf.len);
	vsnap__strbuf_clear(&buf);
}

static void empty_buffer_detaches_an_empty_string(void **state)
{
	vsnap__strbuf buf = VSNAP__STRBUF_INIT;
	char *out = NULL;

	(void)state;
	assert_string_equal(vsnap__strbuf_cstr(&buf), "");
	assert_int_equal(vsnap__strbuf_detach(&out, &buf), 0);
	assert_non_null(out);
	assert_string_equal(out, "");
	free(out);
}

static void truncate_keeps_a_prefix(void **state)
{
	vsnap__strbuf buf = VSNAP__STRBUF_INIT;

	(void)state;
	vsnap__strbuf_append(&buf, "| | ");
	vsnap__strbuf_truncate(&buf, 2);
	assert_string_equal(vsnap__strbuf_cstr(&buf), "| ");
	vsnap__strbuf_truncate(&buf, 10);   /* longer than the text: unchanged */
	assert_string_equal(vsnap__strbuf_cstr(&buf), "| ");
	vsnap__strbuf_truncate(&buf, 0);
	assert_string_equal(vsnap__strbuf_cstr(&buf), "");
	vsnap__strbuf_clear(&buf);
}

/* An impossible size fails like a failed realloc: the buffer stays failed until cleared. */
static void out_of_memory_is_sticky(void **state)
{
	vsnap__strbuf buf = VSNAP__STRBUF_INIT;
	char *out = (char *)"untouched";

	(void)state;
	vsnap__strbuf_append(&buf, "before");
	assert_int_equal(vsnap__strbuf_check(&buf), 0);
	vsnap__strbuf_append_n(&buf, "x", SIZE_MAX);
	assert_true(buf.oom);
	vsnap_error_clear();
	assert_int_equal(vsnap__strbuf_check(&buf), VSNAP_ENOMEM);
	assert_int_equal(vsnap_error_last()->code, VSNAP_ENOMEM);
	vsnap__strbuf_append(&buf, "after");
	assert_int_equal(buf.len, strlen("before"));
	assert_string_equal(vsnap__strbuf_cstr(&buf), "");
	vsnap_error_clear();
	assert_int_equal(vsnap__strbuf_detach(&out, &buf), VSNAP_ENOMEM);
	assert_null(out);
	assert_int_equal(vsnap_error_last()->code, VSNAP_ENOMEM);
	assert_null(buf.ptr);
	assert_false(buf.oom);   /* freed and usable again */
	vsnap__strbuf_append(&buf, "again");
	assert_string_equal(vsnap__strbuf_cstr(&buf), "again");
	vsnap__strbuf_clear(&buf);
}

static void set_oom_fails_the_detach(void **state)
{
	vsnap__strbuf buf = VSNAP__STRBUF_INIT;
	char *out = NULL;

	(void)state;
	vsnap__strbuf_append(&buf, "text");
	vsnap__strbuf_set_oom(&buf);
	assert_int_equal(vsnap__strbuf_detach(&out, &buf), VSNAP_ENOMEM);
	assert_null(out);
}

/* The array helper of core/util.h, the other growable thing: room, doubling, overflow. */
static void array_room_doubles_and_refuses_overflow(void **state)
{
	int *a = NULL, *p;
	size_t n = 0, cap = 0;

	(void)state;
	for (int i = 0; i < 100; i++) {
		assert_non_null(p = vsnap__array_room(a, n, &cap, sizeof(*p), 4));
		a = p;
		a[n++] = i;
	}
	assert_int_equal(cap, 128);     /* 4, 8, ... 128 */
	for (int i = 0; i < 100; i++)
		assert_int_equal(a[i], i);
	assert_ptr_equal(vsnap__array_room(a, 100, &cap, sizeof(*a), 4), a);   /* room left */
	/* a count whose doubling no size_t holds: refused, the array and cap untouched */
	n = cap = (size_t)-1 / sizeof(*a) / 2 + 1;
	assert_null(vsnap__array_room(a, n, &cap, sizeof(*a), 4));
	assert_int_equal(cap, n);
	assert_int_equal(vsnap_error_last()->code, VSNAP_ENOMEM);
	vsnap_error_clear();
	free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(appends_build_the_text),
		cmocka_unit_test(grows_past_the_first_block),
		cmocka_unit_test(empty_buffer_detaches_an_empty_string),
		cmocka_unit_test(truncate_keeps_a_prefix),
		cmocka_unit_test(out_of_memory_is_sticky),
		cmocka_unit_test(set_oom_fails_the_detach),
		cmocka_unit_test(array_room_doubles_and_refuses_overflow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

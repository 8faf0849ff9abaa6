/*
 * xml/xmlbuf.h: the three escaping modes (libvirt-exact for <domainsnapshot>, reversible text
 * and attributes for <domain>) and the element builder's libvirt layout.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <cmocka.h>

#include "vsnap/error.h"
#include "xml/xmlbuf.h"

static void escaped_is(const char *text, vsnap__xml_esc how, const char *want)
{
	vsnap__strbuf buf = VSNAP__STRBUF_INIT;
	char *got = NULL;

	vsnap__xml_escape(&buf, text, how);
	assert_int_equal(vsnap__strbuf_detach(&got, &buf), 0);
	assert_string_equal(got, want);
	free(got);
}

static void escaping_modes(void **state)
{
	const char *specials = "a<b>&'\"z";
	/* tab, LF, CR, 0x01 (dropped by libvirt), 0x1b (kept by libvirt, not valid XML) */
	const char *controls = "1\t2\n3\r4\0015\0336";

	(void)state;
	escaped_is(specials, VSNAP__XML_ESC_LIBVIRT, "a&lt;b&gt;&amp;&apos;&quot;z");
	escaped_is(specials, VSNAP__XML_ESC_TEXT, "a&lt;b&gt;&amp;&apos;&quot;z");
	escaped_is(specials, VSNAP__XML_ESC_ATTR, "a&lt;b&gt;&amp;&apos;&quot;z");
	escaped_is(controls, VSNAP__XML_ESC_LIBVIRT, "1\t2\n3\r45\0336");
	escaped_is(controls, VSNAP__XML_ESC_TEXT, "1\t2\n3&#13;456");
	escaped_is(controls, VSNAP__XML_ESC_ATTR, "1&#9;2&#10;3&#13;456");
	escaped_is("", VSNAP__XML_ESC_TEXT, "");
}

static void strbuf_level_helpers(void **state)
{
	vsnap__strbuf buf = VSNAP__STRBUF_INIT;
	char *got = NULL;

	(void)state;
	vsnap__strbuf_append(&buf, "<disk");
	vsnap__xml_attr(&buf, "name", "v'da", VSNAP__XML_ESC_LIBVIRT);
	vsnap__xml_attr(&buf, "skipped", NULL, VSNAP__XML_ESC_LIBVIRT);
	vsnap__strbuf_append(&buf, "/>\n");
	vsnap__xml_text_element(&buf, 4, "name", NULL, "a&b", VSNAP__XML_ESC_LIBVIRT);
	vsnap__xml_text_element(&buf, 4, "none", NULL, NULL, VSNAP__XML_ESC_LIBVIRT);
	vsnap__xml_text_element(&buf, 0, "t", " x='1'", "v", VSNAP__XML_ESC_TEXT);
	assert_int_equal(vsnap__strbuf_detach(&got, &buf), 0);
	assert_string_equal(got,
		"<disk name='v&apos;da'/>\n    <name>a&amp;b</name>\n<t x='1'>v</t>\n");
	free(got);
}

static void builder_layout(void **state)
{
	vsnap__xmlbuf buf, attrs, child, sub;
	char *got = NULL;

	(void)state;
	vsnap__xmlbuf_init(&buf, 2);
	vsnap__xmlbuf_init(&attrs, 0);
	vsnap__xmlbuf_attr(&attrs, "type", "file");
	vsnap__xmlbuf_init_child(&child, &buf);
	vsnap__xmlbuf_init(&sub, 0);
	vsnap__xmlbuf_attr(&sub, "file", "/a\tb");
	vsnap__xmlbuf_element(&child, "source", &sub, NULL);
	vsnap__xmlbuf_init(&sub, 0);
	vsnap__xmlbuf_element(&child, "empty", &sub, NULL);    /* left out */
	vsnap__xmlbuf_init(&sub, 0);
	vsnap__xmlbuf_attr_ull(&sub, "n", 7);
	vsnap__xmlbuf_text_element_attrs(&child, "loader", &sub, "/x<y");
	vsnap__xmlbuf_init(&sub, 0);
	vsnap__xmlbuf_attr_ll(&sub, "n", -1);
	vsnap__xmlbuf_text_element_attrs(&child, "nvram", &sub, NULL);
	vsnap__xmlbuf_line(&child, "<boot dev='%s'/>", "hd");
	vsnap__xmlbuf_element(&buf, "disk", &attrs, &child);
	assert_int_equal(vsnap__xmlbuf_finish(&buf, &got), 0);
	assert_string_equal(got,
		"  <disk type='file'>\n"
		"    <source file='/a&#9;b'/>\n"
		"    <loader n='7'>/x&lt;y</loader>\n"
		"    <nvram n='-1'/>\n"
		"    <boot dev='hd'/>\n"
		"  </disk>\n");
	free(got);
}

/* A failed part (here: an attribute buffer) fails the element it went into. */
static void failure_travels_to_the_parent(void **state)
{
	vsnap__xmlbuf buf, attrs;
	char *got = NULL;

	(void)state;
	vsnap__xmlbuf_init(&buf, 0);
	vsnap__xmlbuf_init(&attrs, 0);
	vsnap__xmlbuf_attr(&attrs, "a", "b");
	vsnap__strbuf_set_oom(&attrs.str);
	vsnap__xmlbuf_text_element_attrs(&buf, "x", &attrs, "text");
	assert_int_equal(vsnap__xmlbuf_finish(&buf, &got), VSNAP_ENOMEM);
	assert_null(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escaping_modes),
		cmocka_unit_test(strbuf_level_helpers),
		cmocka_unit_test(builder_layout),
		cmocka_unit_test(failure_travels_to_the_parent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

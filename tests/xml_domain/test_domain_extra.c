/*
 * test_domain_extra.c: what the domain model does not understand survives parse -> format
 * (xml/domain_extra.c). fixtures/domain/unmodelled.in.xml holds the elements and attributes the
 * model leaves out, nested at every level; its formatted form (checked byte for byte against
 * unmodelled.out.xml by test_domain_xml, and by virt-xml-validate in test_domain_validate) must
 * hold every element, attribute and text of the input: compared here as multisets of
 * "path", "path@attr=value" and "path=text" entries with namespaces resolved, after libxml2
 * parsed both. Also: copies keep the extras, a kept part added in code is formatted, and a
 * malformed one is refused.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <libxml/parser.h>

#include "vsnap/error.h"
#include "xml/domain_def.h"
#include "xml_domain/domain_test_util.h"

#define assert_vsnap_ok(expr) do { \
		int rc_ = (expr); \
		if (rc_ != 0) \
			fail_msg("%s failed (%d): %s", #expr, rc_, vsnap_error_last()->message); \
	} while (0)

typedef struct {
	char **items;
	size_t n, cap;
} entries;

static void add_entry(entries *e, const char *fmt, ...)
{
	va_list ap;
	char buf[4096];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (e->n == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 64;
		assert_non_null(e->items = realloc(e->items, e->cap * sizeof(*e->items)));
	}
	assert_non_null(e->items[e->n++] = strdup(buf));
}

static void free_entries(entries *e)
{
	for (size_t i = 0; i < e->n; i++)
		free(e->items[i]);
	free(e->items);
}

/* Text of an element without child elements, with layout blanks trimmed; NULL if none. */
static char *leaf_text(const xmlNode *node)
{
	xmlChar *content;
	char *text, *start, *end;

	for (const xmlNode *c = node->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return NULL;
	content = xmlNodeGetContent(node);
	assert_non_null(content);
	start = (char *)content;
	while (*start == ' ' || *start == '\n')
		start++;
	end = start + strlen(start);
	while (end > start && (end[-1] == ' ' || end[-1] == '\n'))
		end--;
	text = end > start ? strndup(start, (size_t)(end - start)) : NULL;
	xmlFree(content);
	return text;
}

static void collect(entries *e, const xmlNode *node, const char *parent)
{
	char path[2048];
	char *text;

	snprintf(path, sizeof(path), "%s/{%s}%s", parent,
		node->ns && node->ns->href ? (const char *)node->ns->href : "",
		(const char *)node->name);
	add_entry(e, "%s", path);
	for (const xmlAttr *a = node->properties; a; a = a->next) {
		xmlChar *value = xmlNodeGetContent((const xmlNode *)a);

		add_entry(e, "%s@{%s}%s=%s", path, a->ns ? (const char *)a->ns->href : "",
			(const char *)a->name, value ? (const char *)value : "");
		xmlFree(value);
	}
	if ((text = leaf_text(node))) {
		add_entry(e, "%s=%s", path, text);
		free(text);
	}
	for (const xmlNode *c = node->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			collect(e, c, path);
}

static void entries_of(entries *e, const char *xml)
{
	xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), "t.xml", NULL, XML_PARSE_NONET);

	assert_non_null(doc);
	memset(e, 0, sizeof(*e));
	collect(e, xmlDocGetRootElement(doc), "");
	xmlFreeDoc(doc);
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every entry of `in` is in `out` at least as often; returns how many are missing. */
static int missing(const char *in_xml, const char *out_xml)
{
	entries in, out;
	size_t j = 0;
	int lost = 0;

	entries_of(&in, in_xml);
	entries_of(&out, out_xml);
	qsort(in.items, in.n, sizeof(char *), cmp);
	qsort(out.items, out.n, sizeof(char *), cmp);
	for (size_t i = 0; i < in.n; i++) {
		while (j < out.n && strcmp(out.items[j], in.items[i]) < 0)
			j++;
		if (j < out.n && strcmp(out.items[j], in.items[i]) == 0) {
			j++;
			continue;
		}
		fprintf(stderr, "lost: %s\n", in.items[i]);
		lost++;
	}
	assert_true(in.n > 300);   /* the fixture is the rich one */
	free_entries(&in);
	free_entries(&out);
	return lost;
}

static char *fixture(const char *name)
{
	char path[4200];
	char *text;

	snprintf(path, sizeof(path), "%s/%s", dt_fixture_dir(NULL), name);
	if (!(text = dt_read_file(path)))
		fail_msg("cannot read %s", path);
	return text;
}

static char *format_text(const char *xml, int copy)
{
	vsnap_domain_def *def = NULL, *dup = NULL;
	char *out = NULL;

	assert_vsnap_ok(vsnap__domain_def_parse(&def, xml, 0));
	if (copy) {
		assert_vsnap_ok(vsnap__domain_def_copy(&dup, def));
		vsnap__domain_def_free(def);
		def = dup;
	}
	assert_vsnap_ok(vsnap__domain_def_format(&out, def, VSNAP_DOMAIN_XML_SECURE, 0));
	vsnap__domain_def_free(def);
	return out;
}

static void test_domain_extra__nothing_lost(void **state)
{
	char *in = fixture("unmodelled.in.xml");
	char *out = format_text(in, 0);
	char *again = format_text(out, 0);

	(void)state;
	assert_int_equal(missing(in, out), 0);
	/* Formatting is a fixed point, so a stored definition does not drift. */
	assert_string_equal(out, again);
	free(again);
	free(out);
	free(in);
}

static void test_domain_extra__copy_keeps(void **state)
{
	char *in = fixture("unmodelled.in.xml");
	char *out = format_text(in, 0);
	char *copied = format_text(in, 1);

	(void)state;
	assert_string_equal(out, copied);
	free(copied);
	free(out);
	free(in);
}

/* Kept parts of a nested <domain> (inside <domainsnapshot>) are indented with it. */
static void test_domain_extra__nested_indent(void **state)
{
	static const char xml[] =
		"<domain type='qemu'><name>n</name><memory>1024</memory>"
		"<os><type>hvm</type><kernel>/boot/vmlinuz</kernel></os>"
		"<devices><rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>"
		"</devices></domain>";
	vsnap_domain_def *def = NULL;
	char *out = NULL;

	(void)state;
	assert_vsnap_ok(vsnap__domain_def_parse(&def, xml, 0));
	assert_vsnap_ok(vsnap__domain_def_format(&out, def, 0, 2));
	assert_non_null(strstr(out, "\n      <kernel>/boot/vmlinuz</kernel>\n"));
	assert_non_null(strstr(out, "\n      <rng model='virtio'>\n"
		"        <backend model='random'>/dev/urandom</backend>\n      </rng>\n"));
	/* <rng> stays inside <devices>, <kernel> inside <os>. */
	assert_true(strstr(out, "<rng") < strstr(out, "</devices>"));
	assert_true(strstr(out, "<kernel>") < strstr(out, "</os>"));
	vsnap__domain_def_free(def);
	free(out);
}

/* A translator may add kept parts in code; broken XML is refused up front. */
static void test_domain_extra__add_in_code(void **state)
{
	vsnap_domain_def *def = NULL;
	vsnap_domain_disk_def *disk;
	char *out = NULL;

	(void)state;
	assert_vsnap_ok(vsnap__domain_def_parse(&def,
		"<domain type='qemu'><name>n</name><memory>1024</memory><os><type>hvm</type></os>"
		"<devices><disk><source file='/a.qcow2'/><target dev='vda'/></disk></devices>"
		"</domain>", 0));
	disk = def->disks[0];
	assert_vsnap_ok(vsnap__domain_extra_add(&disk->extra, "driver", "iothread", "1"));
	assert_vsnap_ok(vsnap__domain_extra_add(&disk->extra, "", NULL,
		"<iotune><total_iops_sec>5</total_iops_sec></iotune>"));
	assert_vsnap_ok(vsnap__domain_extra_add(&def->extra, "devices", NULL,
		"<watchdog model='i6300esb' action='reset'/>"));
	assert_int_equal(vsnap__domain_extra_add(&def->extra, "", NULL, "<broken>"), VSNAP_EPARSE);
	assert_int_equal(vsnap__domain_extra_add(&def->extra, "", NULL, NULL), VSNAP_EINVALID);
	assert_vsnap_ok(vsnap__domain_def_format(&out, def, 0, 0));
	assert_non_null(strstr(out, "    <disk type='file' device='disk'>\n"
		"      <driver iothread='1'/>\n"));
	assert_non_null(strstr(out, "      <iotune>\n        <total_iops_sec>5</total_iops_sec>\n"
		"      </iotune>\n    </disk>\n"));
	assert_non_null(strstr(out, "    <watchdog model='i6300esb' action='reset'/>\n  </devices>"));
	free(out);
	/* Dropping: one element by name, then all that is kept of the <driver>. */
	vsnap__domain_extra_drop(&disk->extra, "", "iotune");
	vsnap__domain_extra_drop(&disk->extra, "driver", NULL);
	assert_int_equal(disk->extra.nitems, 0);
	assert_vsnap_ok(vsnap__domain_def_format(&out, def, 0, 0));
	assert_null(strstr(out, "iotune"));
	assert_null(strstr(out, "<driver"));
	assert_non_null(strstr(out, "<watchdog"));
	vsnap__domain_def_free(def);
	free(out);
}

/* Feature settings used to be refused; they are kept now, in libvirt's feature order. */
static void test_domain_extra__feature_settings(void **state)
{
	static const char xml[] =
		"<domain type='kvm'><name>n</name><memory>1024</memory><os><type>hvm</type></os>"
		"<features><gic version='3'/><acpi/><hyperv mode='custom'><relaxed state='on'/>"
		"</hyperv></features></domain>";
	char *out = format_text(xml, 0);

	(void)state;
	assert_non_null(strstr(out, "  <features>\n    <acpi/>\n    <hyperv mode='custom'>\n"
		"      <relaxed state='on'/>\n    </hyperv>\n    <gic version='3'/>\n  </features>\n"));
	free(out);
}

/* Formats `xml` twice over (parse, format, parse, format) and checks the two agree. */
static char *format_fixed_point(const char *xml)
{
	char *once = format_text(xml, 0), *twice = format_text(once, 0);

	assert_string_equal(once, twice);
	free(twice);
	return once;
}

/* fuzz_domain_xml: an empty first <source/> (or a <features> holding only blanks or text)
 * formatted as nothing, so the kept second one took its place on the next parse. The empty
 * one is written empty now, and the second stays second. */
static void test_domain_extra__second_after_empty(void **state)
{
	static const char empty_first[] =
		"<domain type='kvm'><name>n</name><memory>1024</memory><os><type>hvm</type></os>"
		"<devices><disk type='file' device='disk'><source/><source file='/a.img'/>"
		"<target dev='vda' bus='virtio'/></disk></devices></domain>";
	static const char features[] =
		"<domain type='kvm'><name>n</name><memory>1024</memory><os><type>hvm</type></os>"
		"<features>\n A</features><features><acpi/></features></domain>";
	char *out;

	(void)state;
	out = format_fixed_point(empty_first);
	assert_non_null(strstr(out, "      <source/>\n"));
	assert_non_null(strstr(out, "<source file='/a.img'/>"));
	assert_true(strstr(out, "<source/>") < strstr(out, "<source file='/a.img'/>"));
	free(out);
	out = format_fixed_point(features);
	assert_non_null(strstr(out, "  <features/>\n  <features>\n    <acpi/>\n  </features>\n"));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_domain_extra__nothing_lost),
		cmocka_unit_test(test_domain_extra__copy_keeps),
		cmocka_unit_test(test_domain_extra__nested_indent),
		cmocka_unit_test(test_domain_extra__add_in_code),
		cmocka_unit_test(test_domain_extra__feature_settings),
		cmocka_unit_test(test_domain_extra__second_after_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

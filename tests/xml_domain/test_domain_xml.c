/*
 * test_domain_xml.c: the domain XML parser and formatter on vsnap's own fixtures
 * (fixtures/domain): canonical round trips, input → expected output pairs, malformed inputs
 * with their exact error text, the persistent='no' ⇄ <transient/> synonym, the model fields
 * the backends read, building a definition in code, copies, and argument checks.
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

static char *path_join(const char *dir, const char *name)
{
	size_t len = strlen(dir) + strlen(name) + 2;
	char *p = malloc(len);

	assert_non_null(p);
	snprintf(p, len, "%s/%s", dir, name);
	return p;
}

/* parse → format (SECURE) of `text`; the caller frees the result. */
static char *reformat(const char *name, const char *text)
{
	vsnap_domain_def *def = NULL;
	char *out = NULL;
	int rc = vsnap__domain_def_parse(&def, text, 0);

	if (rc != 0)
		fail_msg("%s: parse failed: %s", name, vsnap_error_last()->message);
	assert_vsnap_ok(vsnap__domain_def_format(&out, def, VSNAP_DOMAIN_XML_SECURE, 0));
	vsnap__domain_def_free(def);
	return out;
}

static void expect_same(const char *name, const char *expected, const char *actual)
{
	if (strcmp(expected, actual) != 0) {
		dt_print_diff(name, expected, actual);
		fail_msg("%s: formatted XML differs from the expected text", name);
	}
}

/* Every fixtures/domain/<case>.xml that is not an .in/.out pair is in canonical form. */
static void test_domain_xml__canonical_roundtrip(void **state)
{
	const char *dir = dt_fixture_dir(NULL);
	char **list = dt_list(dir, ".xml");
	int count = 0;

	(void)state;
	assert_non_null(list);
	for (size_t i = 0; list[i]; i++) {
		char *path, *text, *out, *again;
		vsnap_domain_def *def = NULL, *copy = NULL;

		if (dt_ends_with(list[i], ".in.xml") || dt_ends_with(list[i], ".out.xml"))
			continue;
		path = path_join(dir, list[i]);
		assert_non_null(text = dt_read_file(path));
		out = reformat(list[i], text);
		expect_same(list[i], text, out);
		/* A deep copy formats the same. */
		assert_vsnap_ok(vsnap__domain_def_parse(&def, text, 0));
		assert_vsnap_ok(vsnap__domain_def_copy(&copy, def));
		assert_vsnap_ok(vsnap__domain_def_format(&again, copy, VSNAP_DOMAIN_XML_SECURE, 0));
		expect_same(list[i], text, again);
		vsnap__domain_def_free(def);
		vsnap__domain_def_free(copy);
		free(again);
		free(out);
		free(text);
		free(path);
		count++;
	}
	dt_free_list(list);
	assert_true(count >= 3);
}

/* <case>.in.xml formats as <case>.out.xml, and the output is a fixed point. */
static void test_domain_xml__input_output_pairs(void **state)
{
	const char *dir = dt_fixture_dir(NULL);
	char **list = dt_list(dir, ".in.xml");
	int count = 0;

	(void)state;
	assert_non_null(list);
	for (size_t i = 0; list[i]; i++) {
		char *in_path = path_join(dir, list[i]);
		size_t stem = strlen(in_path) - strlen(".in.xml");
		char *out_path = malloc(stem + sizeof(".out.xml"));
		char *in, *expected, *out, *again;

		assert_non_null(out_path);
		memcpy(out_path, in_path, stem);
		strcpy(out_path + stem, ".out.xml");
		assert_non_null(in = dt_read_file(in_path));
		if (!(expected = dt_read_file(out_path)))
			fail_msg("%s: missing expected output %s", list[i], out_path);
		out = reformat(list[i], in);
		expect_same(list[i], expected, out);
		again = reformat(list[i], out);
		expect_same(list[i], out, again);
		free(again);
		free(out);
		free(expected);
		free(in);
		free(out_path);
		free(in_path);
		count++;
	}
	dt_free_list(list);
	assert_true(count >= 2);
}

/* bad/<case>.xml fails with VSNAP_EPARSE (or EUNSUPPORTED) and a message holding <case>.err. */
static void test_domain_xml__malformed(void **state)
{
	const char *dir = dt_fixture_dir("bad");
	char **list = dt_list(dir, ".xml");
	int count = 0;

	(void)state;
	assert_non_null(list);
	for (size_t i = 0; list[i]; i++) {
		char *path = path_join(dir, list[i]);
		char *err_path = strdup(path);
		char *text, *want;
		static vsnap_domain_def sentinel;
		vsnap_domain_def *def = &sentinel;  /* the parser must reset it to NULL */
		int rc;

		assert_non_null(err_path);
		strcpy(err_path + strlen(err_path) - 4, ".err");
		assert_non_null(text = dt_read_file(path));
		if (!(want = dt_read_file(err_path)))
			fail_msg("%s: missing %s", list[i], err_path);
		want[strcspn(want, "\n")] = '\0';
		rc = vsnap__domain_def_parse(&def, text, 0);
		if (rc != VSNAP_EPARSE)
			fail_msg("%s: expected VSNAP_EPARSE, got %d (%s)", list[i], rc,
				vsnap_error_last()->message);
		assert_null(def);
		if (!strstr(vsnap_error_last()->message, want))
			fail_msg("%s: message '%s' lacks '%s'", list[i], vsnap_error_last()->message, want);
		assert_int_equal(vsnap_error_last()->klass, VSNAP_ERRCLASS_XML);
		free(want);
		free(text);
		free(err_path);
		free(path);
		count++;
	}
	dt_free_list(list);
	assert_true(count >= 15);
}

static const char persistent_xml[] =
	"<domain type='qemu'><name>p</name><memory>1024</memory><os><type>hvm</type></os>"
	"<devices>"
	"<disk type='file' device='disk' persistent='no'><source file='/a'/><target dev='vda'/></disk>"
	"<disk type='file' device='disk' persistent='yes' snapshot='external'>"
	"<source file='/b'/><target dev='vdb'/></disk>"
	"<disk type='file' device='disk'><source file='/c'/><target dev='vdc'/><transient/></disk>"
	"</devices></domain>";

/* persistent='no' is <transient/>; persistent='yes' is the default; both format as libvirt. */
static void test_domain_xml__persistent_synonym(void **state)
{
	vsnap_domain_def *def = NULL;
	char *out = NULL;

	(void)state;
	assert_vsnap_ok(vsnap__domain_def_parse(&def, persistent_xml, 0));
	assert_int_equal(def->ndisks, 3);
	assert_int_equal(def->disks[0]->transient, 1);
	assert_int_equal(def->disks[0]->snapshot, VSNAP_SNAPSHOT_LOCATION_DEFAULT);
	assert_int_equal(def->disks[1]->transient, 0);
	assert_int_equal(def->disks[1]->snapshot, VSNAP_SNAPSHOT_LOCATION_EXTERNAL);
	assert_int_equal(def->disks[2]->transient, 1);
	assert_vsnap_ok(vsnap__domain_def_format(&out, def, 0, 0));
	assert_null(strstr(out, "persistent="));
	assert_non_null(strstr(out, "<target dev='vda' bus='virtio'/>\n      <transient/>\n"));
	assert_non_null(strstr(out, "<target dev='vdc' bus='virtio'/>\n      <transient/>\n"));
	assert_non_null(strstr(out, "<disk type='file' device='disk' snapshot='external'>"));
	free(out);
	vsnap__domain_def_free(def);
}

/* The fields the QEMU backend and the .vmx translator read. */
static void test_domain_xml__model_fields(void **state)
{
	char *text = NULL, *path = path_join(dt_fixture_dir(NULL), "qemu-full.xml");
	vsnap_domain_def *def = NULL;
	const vsnap_domain_disk_def *d;

	(void)state;
	assert_non_null(text = dt_read_file(path));
	assert_vsnap_ok(vsnap__domain_def_parse(&def, text, 0));
	assert_string_equal(def->virt_type, "kvm");
	assert_string_equal(def->name, "vm1");
	assert_string_equal(def->title, "Test & demo");
	assert_string_equal(def->description, "QEMU guest with <all> devices vsnap uses");
	assert_int_equal(def->memory_kib, 1048576);
	assert_int_equal(def->current_memory_kib, 524288);
	assert_int_equal(def->vcpus, 2);
	assert_int_equal(def->vcpus_current, 1);
	assert_string_equal(def->vcpu_cpuset, "0-1,3");
	assert_string_equal(def->os_type, "hvm");
	assert_string_equal(def->os_arch, "x86_64");
	assert_string_equal(def->os_machine, "pc-q35-7.2");
	assert_int_equal(def->nos_boot_devs, 2);
	assert_string_equal(def->os_boot_devs[1], "cdrom");
	assert_string_equal(def->emulator, "/usr/bin/qemu-system-x86_64");
	assert_int_equal(def->ndisks, 5);
	d = def->disks[0];
	assert_string_equal(d->driver_type, "qcow2");
	assert_string_equal(d->src_file, "/var/lib/vsnap/images/vm1.qcow2");
	assert_string_equal(d->target_dev, "vda");
	assert_string_equal(d->target_bus, "virtio");
	assert_int_equal(d->snapshot, VSNAP_SNAPSHOT_LOCATION_EXTERNAL);
	assert_string_equal(d->address.type, "pci");
	assert_int_equal(d->address.bus, 4);
	assert_int_equal(d->address.slot, 0);
	assert_int_equal(def->disks[1]->snapshot, VSNAP_SNAPSHOT_LOCATION_INTERNAL);
	assert_int_equal(def->disks[2]->snapshot, VSNAP_SNAPSHOT_LOCATION_NO);
	assert_int_equal(def->disks[2]->transient, 1);
	assert_string_equal(def->disks[3]->type, "block");
	assert_string_equal(def->disks[3]->src_file, "/dev/vg0/shared");
	assert_int_equal(def->disks[3]->shareable, 1);
	assert_int_equal(def->disks[4]->readonly, 1);
	assert_int_equal(def->disks[4]->address.unit, 1);
	assert_int_equal(def->ncontrollers, 3);
	assert_int_equal(def->nnets, 3);
	assert_string_equal(def->nets[0]->src_network, "default");
	assert_int_equal(def->nserials, 2);
	assert_string_equal(def->serials[1]->src_service, "4555");
	assert_int_equal(def->ngraphics, 1);
	assert_int_equal(def->graphics[0]->autoport, 1);
	vsnap__domain_def_free(def);
	free(text);
	free(path);
}

/* A definition built in code (as the translators do) formats like libvirt, nested by 2. */
static void test_domain_xml__build_nested(void **state)
{
	static const char expected[] =
		"  <domain type='vmware' xmlns:vmware='http://libvirt.org/schemas/domain/vmware/1.0'>\n"
		"    <name>built</name>\n"
		"    <uuid>564d0000-0000-0000-0000-000000000001</uuid>\n"
		"    <description>a &apos;quoted&apos; &quot;text&quot;</description>\n"
		"    <memory unit='KiB'>65536</memory>\n"
		"    <currentMemory unit='KiB'>65536</currentMemory>\n"
		"    <vcpu placement='static'>2</vcpu>\n"
		"    <os>\n"
		"      <type arch='x86_64'>hvm</type>\n"
		"    </os>\n"
		"    <clock offset='utc'/>\n"
		"    <on_poweroff>destroy</on_poweroff>\n"
		"    <on_reboot>restart</on_reboot>\n"
		"    <on_crash>destroy</on_crash>\n"
		"    <devices>\n"
		"      <disk type='file' device='disk' snapshot='no'>\n"
		"        <source file='[ds] a&amp;b/x.vmdk'/>\n"
		"        <target dev='sda' bus='scsi'/>\n"
		"        <transient/>\n"
		"        <address type='drive' controller='0' bus='0' target='0' unit='0'/>\n"
		"      </disk>\n"
		"    </devices>\n"
		"    <vmware:datacenterpath>dc1</vmware:datacenterpath>\n"
		"    <vmware:moref>vm-7</vmware:moref>\n"
		"  </domain>\n";
	vsnap_domain_def *def = vsnap__domain_def_new();
	vsnap_domain_disk_def *disk = vsnap__domain_disk_new();
	char *out = NULL;

	(void)state;
	assert_non_null(def);
	assert_non_null(disk);
	def->virt_type = strdup("vmware");
	def->name = strdup("built");
	def->uuid = strdup("564d0000-0000-0000-0000-000000000001");
	def->description = strdup("a 'quoted' \"text\"");
	def->memory_kib = def->current_memory_kib = 65536;
	def->vcpus = 2;
	def->os_type = strdup("hvm");
	def->os_arch = strdup("x86_64");
	def->vmware_datacenterpath = strdup("dc1");
	def->vmware_moref = strdup("vm-7");
	disk->type = strdup("file");
	disk->device = strdup("disk");
	disk->src_file = strdup("[ds] a&b/x.vmdk");
	disk->target_dev = strdup("sda");
	disk->target_bus = strdup("scsi");
	disk->transient = 1;
	disk->snapshot = VSNAP_SNAPSHOT_LOCATION_NO;
	disk->address.type = strdup("drive");
	disk->address.controller = disk->address.bus = disk->address.target = disk->address.unit = 0;
	assert_vsnap_ok(vsnap__domain_def_add((void ***)&def->disks, &def->ndisks, disk));
	assert_vsnap_ok(vsnap__domain_def_format(&out, def, VSNAP_DOMAIN_XML_VMWARE_MOREF, 2));
	expect_same("built", expected, out);
	free(out);
	/* Without the flag the moref (not in libvirt's schema) is left out. */
	assert_vsnap_ok(vsnap__domain_def_format(&out, def, 0, 0));
	assert_null(strstr(out, "moref"));
	free(out);
	vsnap__domain_def_free(def);
}

/* The VNC password is a secret: only formatted with VSNAP_DOMAIN_XML_SECURE. */
static void test_domain_xml__secure_flag(void **state)
{
	static const char xml[] =
		"<domain type='vmware'><name>g</name><memory>1024</memory><os><type>hvm</type></os>"
		"<devices><graphics type='vnc' port='5900' autoport='no' passwd='s3cret'/></devices>"
		"</domain>";
	vsnap_domain_def *def = NULL;
	char *out = NULL;

	(void)state;
	assert_vsnap_ok(vsnap__domain_def_parse(&def, xml, 0));
	assert_vsnap_ok(vsnap__domain_def_format(&out, def, 0, 0));
	assert_null(strstr(out, "s3cret"));
	assert_non_null(strstr(out, "<graphics type='vnc' port='5900' autoport='no'>"));
	free(out);
	assert_vsnap_ok(vsnap__domain_def_format(&out, def, VSNAP_DOMAIN_XML_SECURE, 0));
	assert_non_null(strstr(out, "passwd='s3cret'"));
	free(out);
	vsnap__domain_def_free(def);
}

/* The <domainsnapshot> parser hands over an already parsed <domain> node. */
static void test_domain_xml__parse_node(void **state)
{
	static const char xml[] =
		"<domainsnapshot><name>s1</name>\n"
		"<domain type='qemu'><name>n</name><memory unit='MiB'>1</memory>"
		"<os><type>hvm</type></os></domain></domainsnapshot>";
	xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), "s.xml", NULL, XML_PARSE_NONET);
	xmlNodePtr node;
	vsnap_domain_def *def = NULL;

	(void)state;
	assert_non_null(doc);
	for (node = xmlDocGetRootElement(doc)->children; node; node = node->next) {
		if (node->type == XML_ELEMENT_NODE && strcmp((const char *)node->name, "domain") == 0)
			break;
	}
	assert_non_null(node);
	assert_vsnap_ok(vsnap__domain_def_parse_node(&def, node, 0));
	assert_string_equal(def->name, "n");
	assert_int_equal(def->memory_kib, 1024);
	vsnap__domain_def_free(def);
	/* The wrong element is an error naming it and its line. */
	assert_int_equal(vsnap__domain_def_parse_node(&def, xmlDocGetRootElement(doc), 0),
		VSNAP_EPARSE);
	assert_non_null(strstr(vsnap_error_last()->message, "line 1: element <domainsnapshot>"));
	xmlFreeDoc(doc);
}

static void test_domain_xml__bad_arguments(void **state)
{
	vsnap_domain_def *def = NULL;
	char *out = NULL;

	(void)state;
	assert_int_equal(vsnap__domain_def_parse(&def, NULL, 0), VSNAP_EINVALID);
	assert_int_equal(vsnap__domain_def_parse(&def, persistent_xml, 0x80), VSNAP_EINVALID);
	assert_null(def);
	assert_int_equal(vsnap__domain_def_parse(&def, "", 0), VSNAP_EPARSE);
	assert_vsnap_ok(vsnap__domain_def_parse(&def, persistent_xml, 0));
	assert_int_equal(vsnap__domain_def_format(&out, def, 0x80, 0), VSNAP_EINVALID);
	free(def->name);
	def->name = NULL;
	assert_int_equal(vsnap__domain_def_format(&out, def, 0, 0), VSNAP_EINVALID);
	assert_non_null(strstr(vsnap_error_last()->message, "lacks its name"));
	assert_null(out);
	vsnap__domain_def_free(def);
	vsnap__domain_def_free(NULL);
	assert_int_equal(vsnap__domain_def_copy(&def, NULL), VSNAP_EINVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_domain_xml__canonical_roundtrip),
		cmocka_unit_test(test_domain_xml__input_output_pairs),
		cmocka_unit_test(test_domain_xml__malformed),
		cmocka_unit_test(test_domain_xml__persistent_synonym),
		cmocka_unit_test(test_domain_xml__model_fields),
		cmocka_unit_test(test_domain_xml__build_nested),
		cmocka_unit_test(test_domain_xml__secure_flag),
		cmocka_unit_test(test_domain_xml__parse_node),
		cmocka_unit_test(test_domain_xml__bad_arguments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Issue 13 at the API level: the warning list (key and line), --strict, and xml2vmx's
 * virtual hardware version, zero UUID, genid and NVMe slots (class 10 and the round trip).
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

#include "vsnap/error.h"
#include "vsnap/vmx.h"

static const char thinprint[] =
	"config.version = \"8\"\nvirtualHW.version = \"16\"\ndisplayName = \"t\"\n"
	"serial0.present = \"TRUE\"\nserial0.fileType = \"thinprint\"\n";

static void test_warning_list(void **state)
{
	(void)state;
	vsnap_vmx_result *r = NULL;
	vsnap_vmx_options o = VSNAP_VMX_OPTIONS_INIT;
	o.source_name = "tp.vmx";
	assert_int_equal(vsnap_vmx_convert(&r, VSNAP_VMX_CONVERT_VMX_TO_XML, thinprint,
		strlen(thinprint), &o, 0), 0);
	assert_true(vsnap_vmx_result_warning_count(r) >= 1);
	const vsnap_vmx_warning *w = vsnap_vmx_result_warning(r, 0);
	assert_int_equal(w->line, 5);
	assert_string_equal(w->key, "serial0.fileType");
	assert_non_null(strstr(w->message, "tp.vmx:5: key 'serial0.fileType': a ThinPrint"));
	assert_null(vsnap_vmx_result_warning(r, 99));
	/* kept in <metadata>, and xml2vmx gives the printer back */
	const char *xml = vsnap_vmx_result_text(r);
	assert_non_null(strstr(xml, "<vsnap:key name='serial0.fileType' value='thinprint'/>"));
	vsnap_vmx_result *back = NULL;
	assert_int_equal(vsnap_vmx_convert(&back, VSNAP_VMX_CONVERT_XML_TO_VMX, xml, strlen(xml),
		NULL, 0), 0);
	assert_non_null(strstr(vsnap_vmx_result_text(back), "serial0.fileType = \"thinprint\""));
	assert_non_null(strstr(vsnap_vmx_result_text(back), "serial0.present = \"TRUE\""));
	vsnap_vmx_result_free(back);
	vsnap_vmx_result_free(r);
	/* --strict: the first warning becomes the error */
	r = NULL;
	assert_int_equal(vsnap_vmx_convert(&r, VSNAP_VMX_CONVERT_VMX_TO_XML, thinprint,
		strlen(thinprint), &o, VSNAP_VMX_CONVERT_STRICT), VSNAP_EPARSE);
	assert_null(r);
	assert_non_null(strstr(vsnap_error_last()->message, "strict mode"));
	/* unknown flags and kinds */
	assert_int_equal(vsnap_vmx_convert(&r, VSNAP_VMX_CONVERT_XML_TO_VMX, thinprint,
		strlen(thinprint), NULL, VSNAP_VMX_CONVERT_KEEP), VSNAP_EINVALID);
}

static const char sata_xml[] =
	"<domain type='vmware'><name>s</name><uuid>00000000-0000-0000-0000-000000000000</uuid>"
	"<genid>13c67c91-9f47-526f-b0d6-e4dd2e4bb4f9</genid>"
	"<memory unit='KiB'>1048576</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os>"
	"<devices><disk type='file' device='disk'><source file='[ds] s/s.vmdk'/>"
	"<target dev='sda' bus='sata'/></disk><interface type='bridge'><source bridge='VM Network'/>"
	"</interface></devices></domain>";

static void test_xml2vmx_hw_uuid_genid(void **state)
{
	(void)state;
	vsnap_vmx_result *r = NULL;
	assert_int_equal(vsnap_vmx_convert(&r, VSNAP_VMX_CONVERT_XML_TO_VMX, sata_xml,
		strlen(sata_xml), NULL, 0), 0);
	const char *vmx = vsnap_vmx_result_text(r);
	assert_non_null(strstr(vmx, "virtualHW.version = \"10\""));   /* SATA needs 10 */
	assert_null(strstr(vmx, "uuid.bios"));                        /* zeros: no UUID */
	assert_non_null(strstr(vmx, "vm.genid = \"1424963296993694319\""));
	assert_non_null(strstr(vmx, "vm.genidX = \"-5704120239402535687\""));
	/* no <mac>: VMware generates it, no random MAC that changes on every run */
	assert_non_null(strstr(vmx, "ethernet0.addressType = \"generated\""));
	assert_null(strstr(vmx, "ethernet0.generatedAddress ="));
	vsnap_vmx_result_free(r);
	vsnap_vmx_options o = VSNAP_VMX_OPTIONS_INIT;
	o.hw_version = 4;
	r = NULL;
	assert_int_equal(vsnap_vmx_convert(&r, VSNAP_VMX_CONVERT_XML_TO_VMX, sata_xml,
		strlen(sata_xml), &o, 0), VSNAP_EUNSUPPORTED);
	assert_non_null(strstr(vsnap_error_last()->message, "cannot hold a SATA disk"));
}

static const char nvme_vmx[] =
	"config.version = \"8\"\nvirtualHW.version = \"20\"\ndisplayName = \"n\"\n"
	"scsi0.present = \"TRUE\"\nscsi0:0.present = \"TRUE\"\nscsi0:0.fileName = \"/a/a.vmdk\"\n"
	"sata0.present = \"TRUE\"\nsata0:0.present = \"TRUE\"\n"
	"sata0:0.deviceType = \"cdrom-image\"\nsata0:0.fileName = \"/a/x.iso\"\n"
	"nvme0.present = \"TRUE\"\nnvme0:3.present = \"TRUE\"\nnvme0:3.fileName = \"/a/b.vmdk\"\n";

static void test_nvme_and_unique_targets(void **state)
{
	(void)state;
	vsnap_vmx_result *r = NULL, *v = NULL;
	assert_int_equal(vsnap_vmx_convert(&r, VSNAP_VMX_CONVERT_VMX_TO_XML, nvme_vmx,
		strlen(nvme_vmx), NULL, 0), 0);
	const char *xml = vsnap_vmx_result_text(r);
	assert_non_null(strstr(xml, "<target dev='sda' bus='scsi'/>"));
	assert_non_null(strstr(xml, "<target dev='sdb' bus='sata'/>"));   /* the CD-ROM */
	assert_non_null(strstr(xml, "<target dev='sdc' bus='sata'/>"));   /* the NVMe disk */
	assert_non_null(strstr(xml, "<vsnap:disk dev='sdc' slot='nvme0:3'/>"));
	assert_int_equal(vsnap_vmx_convert(&v, VSNAP_VMX_CONVERT_XML_TO_VMX, xml, strlen(xml),
		NULL, 0), 0);
	const char *vmx = vsnap_vmx_result_text(v);
	assert_non_null(strstr(vmx, "nvme0:3.fileName = \"/a/b.vmdk\""));
	assert_non_null(strstr(vmx, "sata0:0.fileName = \"/a/x.iso\""));
	assert_non_null(strstr(vmx, "virtualHW.version = \"13\""));
	vsnap_vmx_result_free(v);
	vsnap_vmx_result_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_warning_list),
		cmocka_unit_test(test_xml2vmx_hw_uuid_genid),
		cmocka_unit_test(test_nvme_and_unique_targets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

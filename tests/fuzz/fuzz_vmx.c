/*
 * libFuzzer target: .vmx text -> domain XML (reader + translator), then back.
 * Properties: the XML vsnap writes parses with vsnap's own domain parser; when that XML
 * converts back to .vmx, the .vmx vsnap wrote converts to XML again.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "fuzz.h"
#include "vsnap/vmx.h"
#include "xml/domain_def.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vsnap_vmx_options opts;
	char *xml = NULL, *warnings = NULL, *vmx = NULL, *xml2 = NULL;
	vsnap_domain_def *def = NULL;

	vsnap_vmx_options_init(&opts, VSNAP_VMX_OPTIONS_VERSION);
	/* libvirt's test-suite conventions, so bare names and "missing" files take their paths. */
	opts.datastore_dir = "[datastore] directory";
	opts.missing_prefix = "missing";
	opts.source_name = "fuzz.vmx";
	/* The reader takes a length: embedded NULs are part of the input. */
	if (vsnap_vmx_to_domain_xml(&xml, &warnings, (const char *)data, size, &opts, 0) < 0)
		goto out;
	FUZZ_CHECK(xml != NULL, "success without output");
	FUZZ_CHECK(vsnap__domain_def_parse(&def, xml, 0) == 0, "vmx2xml output does not parse:\n%s",
		xml);
	if (vsnap_domain_xml_to_vmx(&vmx, xml, &opts, 0) < 0)
		goto out;
	/* "missing" is libvirt's test-suite convention for the first read only: a path the
	 * writer made may now contain the word ("[_/missing] x" -> /vmfs/volumes/_/missing...). */
	opts.missing_prefix = NULL;
	FUZZ_CHECK(vsnap_vmx_to_domain_xml(&xml2, NULL, vmx, strlen(vmx), &opts, 0) == 0,
		"xml2vmx output does not convert back:\n%s", vmx);
out:
	vsnap__domain_def_free(def);
	free(xml);
	free(xml2);
	free(vmx);
	free(warnings);
	vsnap_error_clear();
	return 0;
}

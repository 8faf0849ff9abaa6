/*
 * vmx_convert: .vmx text to libvirt domain XML with libvsnap (no connection needed).
 *   usage: vmx_convert FILE.vmx '[datastore] directory'
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <vsnap/vsnap.h>

int main(int argc, char **argv)
{
	vsnap_vmx_options opts = VSNAP_VMX_OPTIONS_INIT;
	char buf[1 << 16];
	char *xml = NULL, *warnings = NULL;
	size_t n;
	FILE *f;

	if (argc != 3 || !(f = fopen(argv[1], "rb"))) {
		fprintf(stderr, "usage: %s FILE.vmx '[datastore] directory'\n", argv[0]);
		return 2;
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	opts.datastore_dir = argv[2];
	opts.source_name = argv[1];
	if (vsnap_vmx_to_domain_xml(&xml, &warnings, buf, n, &opts, 0)) {
		fprintf(stderr, "error: %s\n", vsnap_error_last()->message);
		return 1;
	}
	if (warnings)
		fprintf(stderr, "warnings:\n%s\n", warnings);
	fputs(xml, stdout);
	vsnap_string_free(warnings);
	vsnap_string_free(xml);
	return 0;
}

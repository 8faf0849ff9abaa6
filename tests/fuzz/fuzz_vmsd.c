/*
 * libFuzzer target: .vmsd snapshot trees -> <domainsnapshot> documents and the virsh-like tree.
 * Property: an input that converts in one form converts in the other (both read the same
 * forest).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "fuzz.h"
#include "vsnap/vmx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vsnap_vmx_options opts;
	char *docs = NULL, *tree = NULL;
	int rc_docs, rc_tree;

	vsnap_vmx_options_init(&opts, VSNAP_VMX_OPTIONS_VERSION);
	opts.source_name = "fuzz.vmsd";
	rc_docs = vsnap_vmsd_to_xml(&docs, (const char *)data, size, &opts, 0);
	rc_tree = vsnap_vmsd_to_xml(&tree, (const char *)data, size, &opts, VSNAP_VMSD_TREE);
	FUZZ_CHECK((rc_docs == 0) == (rc_tree == 0), "documents rc %d but tree rc %d", rc_docs,
		rc_tree);
	free(docs);
	free(tree);
	vsnap_error_clear();
	return 0;
}

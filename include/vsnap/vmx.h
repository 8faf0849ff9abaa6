/*
 * The .vmx translator: VMware .vmx files to libvirt domain XML and back, and .vmsd snapshot
 * trees to <domainsnapshot> XML. Pure functions of their text input: no connection needed.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_VMX_H
#define VSNAP_VMX_H

#include "common.h"

VSNAP_BEGIN_DECL

typedef struct {
	unsigned int version;            /**< VSNAP_VMX_OPTIONS_VERSION */
	/** "[datastore] directory": where bare file names of the .vmx live. NULL: none (a bare
	 *  name is then kept as it is). */
	const char *datastore_dir;
	/** vmware:datacenterpath element content; NULL: none. */
	const char *datacenter_path;
	/** domain XML -> .vmx: virtualHW.version to write (4 when 0). */
	int hw_version;
	/** Name of the input for error messages ("vm.vmx"); NULL: "<input>". */
	const char *source_name;
	/** .vmx -> XML, offline "file missing" model (libvirt's test-suite convention): a datastore
	 *  name, or a datastore-relative/bare file name, starting with this prefix counts as a
	 *  missing file: an error (VSNAP_ENOTFOUND) for hard disks, an empty source for CD-ROMs
	 *  and floppies. NULL or "": no file is missing. (Added by the .vmx translator.) */
	const char *missing_prefix;
} vsnap_vmx_options;

#define VSNAP_VMX_OPTIONS_VERSION 1
#define VSNAP_VMX_OPTIONS_INIT { .version = VSNAP_VMX_OPTIONS_VERSION }

VSNAP_EXTERN(int) vsnap_vmx_options_init(vsnap_vmx_options *opts, unsigned int version);

/**
 * Converts .vmx text to libvirt domain XML. Errors (VSNAP_EPARSE, VSNAP_EUNSUPPORTED,
 * VSNAP_ENOTFOUND for a missing disk file) name the .vmx line and key. *warnings (may be NULL)
 * receives a newline-separated list of warnings (duplicate keys...), or NULL; free it.
 */
VSNAP_EXTERN(int) vsnap_vmx_to_domain_xml(char **out, char **warnings, const char *vmx_text,
	size_t len, const vsnap_vmx_options *opts, unsigned int flags);

/** Converts libvirt domain XML to .vmx text. */
VSNAP_EXTERN(int) vsnap_domain_xml_to_vmx(char **out, const char *domain_xml,
	const vsnap_vmx_options *opts, unsigned int flags);

typedef enum {
	VSNAP_VMSD_TREE = 1u << 0,   /**< a virsh-like tree instead of <domainsnapshot> documents */
} vsnap_vmsd_flag_t;

/** Converts a .vmsd file to <domainsnapshot> XML documents (one after another) or a tree. */
VSNAP_EXTERN(int) vsnap_vmsd_to_xml(char **out, const char *vmsd_text, size_t len,
	const vsnap_vmx_options *opts, unsigned int flags);

VSNAP_END_DECL
#endif

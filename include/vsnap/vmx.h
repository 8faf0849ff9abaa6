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
	/** .vmx -> XML, when datastore_dir is NULL: the folder of the .vmx (an absolute path). A
	 *  bare or relative file name is resolved against it, as VMware resolves it. NULL: such
	 *  a name stays as it is (with a warning: the XML then does not validate). (Version 2.) */
	const char *vmx_dir;
} vsnap_vmx_options;

/* Version 1 callers (without vmx_dir) are still accepted. */
#define VSNAP_VMX_OPTIONS_VERSION 2
#define VSNAP_VMX_OPTIONS_INIT { .version = VSNAP_VMX_OPTIONS_VERSION }

VSNAP_EXTERN(int) vsnap_vmx_options_init(vsnap_vmx_options *opts, unsigned int version);

typedef enum {
	/** Include secrets of the .vmx in the XML (the VNC password), as libvirt's secure format
	 *  does. Without it they are left out. */
	VSNAP_VMX_XML_SECURE = 1u << 0,
} vsnap_vmx_xml_flag_t;

/**
 * Converts .vmx text to libvirt domain XML. flags: VSNAP_VMX_XML_SECURE. Errors (VSNAP_EPARSE, VSNAP_EUNSUPPORTED,
 * VSNAP_ENOTFOUND for a missing disk file) name the .vmx line and key. *warnings (may be NULL)
 * receives the warnings (keys not carried, guesses, duplicate keys...) joined by newlines, or
 * NULL; free it. vsnap_vmx_convert() gives them as a list with line and key.
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

/**
 * One diagnostic of a conversion: a key the translator did not carry into its output, or a
 * guess it made (a renamed disk target, a stand-in bus, an assumed network...). Borrowed from
 * its vsnap_vmx_result.
 */
typedef struct {
	unsigned int line;       /**< 1-based line of the input; 0 when about no single line */
	const char *key;         /**< the .vmx key as written in the input, or NULL */
	const char *message;     /**< "<source>:<line>: key '<key>': <what and why>" */
} vsnap_vmx_warning;

/** The output of vsnap_vmx_convert(): the converted text and its warnings (opaque). */
typedef struct vsnap_vmx_result vsnap_vmx_result;

/** What vsnap_vmx_convert() converts. */
typedef enum {
	VSNAP_VMX_CONVERT_VMX_TO_XML = 0,   /**< .vmx -> libvirt domain XML */
	VSNAP_VMX_CONVERT_XML_TO_VMX = 1,   /**< libvirt domain XML -> .vmx */
	VSNAP_VMX_CONVERT_VMSD_TO_XML = 2,  /**< .vmsd -> <domainsnapshot> documents (or a tree) */
} vsnap_vmx_convert_kind;

typedef enum {
	/** .vmx -> XML: include the VNC password (as VSNAP_VMX_XML_SECURE). */
	VSNAP_VMX_CONVERT_SECURE = 1u << 0,
	/** .vmsd: a virsh-like tree (as VSNAP_VMSD_TREE). */
	VSNAP_VMX_CONVERT_TREE = 1u << 1,
	/** Any warning fails the conversion (VSNAP_EPARSE naming the first one). */
	VSNAP_VMX_CONVERT_STRICT = 1u << 2,
	/** .vmx -> XML: keep every key the XML does not carry in the namespaced
	 *  <metadata><vsnap:vmx> element (instead of a warning), so that XML -> .vmx restores the
	 *  file whole. Without it only the facts listed in docs/vmx-compat.md are kept there. */
	VSNAP_VMX_CONVERT_KEEP = 1u << 3,
	/** .vmx -> XML: libvirt 10.7's output byte for byte where vsnap deliberately differs
	 *  (topology clusters='1', which libvirt 9.0's schema refuses; libvirt's target names
	 *  even when a SATA disk gets the name of a SCSI one, which libvirt's parser refuses).
	 *  For comparisons with libvirt's test corpus only. */
	VSNAP_VMX_CONVERT_LIBVIRT_COMPAT = 1u << 4,
} vsnap_vmx_convert_flag_t;

/** Namespace of the <metadata> child in which .vmx facts the schema cannot express travel. */
#define VSNAP_VMX_METADATA_NS "https://vsnap.dev/xmlns/vmx/1"

/**
 * Converts `input` (len bytes) as `kind` says, collecting warnings instead of dropping
 * anything silently.
 * @param out receives the result (free with vsnap_vmx_result_free()); NULL on failure
 * @param opts NULL for defaults
 * @param flags vsnap_vmx_convert_flag_t bits
 * @return 0; VSNAP_EPARSE / VSNAP_EUNSUPPORTED / VSNAP_ENOTFOUND naming the line and key;
 *         VSNAP_EINVALID for bad arguments or flags
 */
VSNAP_EXTERN(int) vsnap_vmx_convert(vsnap_vmx_result **out, vsnap_vmx_convert_kind kind,
	const char *input, size_t len, const vsnap_vmx_options *opts, unsigned int flags);
/** The converted text (borrowed; valid until the result is freed). */
VSNAP_EXTERN(const char *) vsnap_vmx_result_text(const vsnap_vmx_result *res);
/** Number of warnings (0 for NULL). */
VSNAP_EXTERN(size_t) vsnap_vmx_result_warning_count(const vsnap_vmx_result *res);
/** Warning i in input order (borrowed), or NULL when i is out of range. */
VSNAP_EXTERN(const vsnap_vmx_warning *) vsnap_vmx_result_warning(const vsnap_vmx_result *res,
	size_t i);
/** Frees a result; NULL is ignored. */
VSNAP_EXTERN(void) vsnap_vmx_result_free(vsnap_vmx_result *res);

VSNAP_END_DECL
#endif

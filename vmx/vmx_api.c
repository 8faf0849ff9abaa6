/*
 * Public entry points of the .vmx translator (include/vsnap/vmx.h).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vmx/vmx_priv.h"

#include <stdlib.h>
#include <string.h>

#include "core/error.h"

int vsnap_vmx_options_init(vsnap_vmx_options *opts, unsigned int version)
{
	if (!opts || version < 1 || version > VSNAP_VMX_OPTIONS_VERSION)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"vsnap_vmx_options version %u is not supported (expected 1 to %u)", version,
			VSNAP_VMX_OPTIONS_VERSION);
	memset(opts, 0, version == 1 ? offsetof(vsnap_vmx_options, vmx_dir) : sizeof(*opts));
	opts->version = version;
	return 0;
}

/* Copies the caller's options into a current-version struct (fields a version-1 caller does
 * not have stay NULL) and checks the flags. */
static int take_opts(vsnap_vmx_options *o, const vsnap_vmx_options *opts, unsigned int flags,
	unsigned int allowed)
{
	memset(o, 0, sizeof(*o));
	o->version = VSNAP_VMX_OPTIONS_VERSION;
	if (opts) {
		if (opts->version < 1 || opts->version > VSNAP_VMX_OPTIONS_VERSION)
			return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
				"vsnap_vmx_options version %u is not supported", opts->version);
		memcpy(o, opts, opts->version == 1 ? offsetof(vsnap_vmx_options, vmx_dir) :
			sizeof(*o));
	}
	if (flags & ~allowed)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"unknown flags 0x%x", flags & ~allowed);
	return 0;
}

static int vmx_to_xml(char **out, vsnap__vmx_diags *diags, const char *text, size_t len,
	const vsnap_vmx_options *o, unsigned int flags)
{
	vsnap_domain_def *def;
	int rc = vsnap__vmx_parse_def(&def, diags, text, len, o, flags);
	if (rc < 0)
		return rc;
	rc = vsnap__domain_def_format(out, def,
		(flags & VSNAP_VMX_CONVERT_SECURE) ? VSNAP_DOMAIN_XML_SECURE : 0, 0);
	vsnap__domain_def_free(def);
	return rc;
}

static int xml_to_vmx(char **out, vsnap__vmx_diags *diags, const char *xml,
	const vsnap_vmx_options *o)
{
	vsnap_domain_def *def;
	int rc = vsnap__domain_def_parse(&def, xml, 0);
	if (rc < 0)
		return rc;
	rc = vsnap__vmx_format_def(out, def, o, diags);
	vsnap__domain_def_free(def);
	return rc;
}

int vsnap_vmx_convert(vsnap_vmx_result **out, vsnap_vmx_convert_kind kind, const char *input,
	size_t len, const vsnap_vmx_options *opts, unsigned int flags)
{
	if (!out || !input)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID, "NULL argument");
	*out = NULL;
	vsnap_vmx_options o;
	unsigned int common = VSNAP_VMX_CONVERT_STRICT;
	unsigned int allowed = kind == VSNAP_VMX_CONVERT_VMX_TO_XML ?
		common | VSNAP_VMX_CONVERT_SECURE | VSNAP_VMX_CONVERT_KEEP |
		VSNAP_VMX_CONVERT_LIBVIRT_COMPAT :
		kind == VSNAP_VMX_CONVERT_VMSD_TO_XML ? common | VSNAP_VMX_CONVERT_TREE : common;
	int rc = take_opts(&o, opts, flags, allowed);
	if (rc < 0)
		return rc;
	vsnap__vmx_diags diags = { NULL, 0, 0 };
	char *text = NULL;
	switch (kind) {
	case VSNAP_VMX_CONVERT_VMX_TO_XML:
		rc = vmx_to_xml(&text, &diags, input, len, &o, flags);
		break;
	case VSNAP_VMX_CONVERT_XML_TO_VMX:
		if (memchr(input, '\0', len))
			rc = vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_XML,
				"domain XML: NUL byte in the input");
		else
			rc = xml_to_vmx(&text, &diags, input, &o);
		break;
	case VSNAP_VMX_CONVERT_VMSD_TO_XML:
		rc = vsnap__vmsd_convert(&text, &diags, input, len, &o,
			(flags & VSNAP_VMX_CONVERT_TREE) != 0);
		break;
	default:
		rc = vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"unknown conversion kind %d", (int)kind);
	}
	if (rc == 0 && (flags & VSNAP_VMX_CONVERT_STRICT))
		rc = vsnap__vmx_diags_strict(&diags);
	if (rc == 0)
		rc = vsnap__vmx_result_new(out, text, &diags);
	if (rc < 0)
		free(text);
	vsnap__vmx_diags_clear(&diags);
	return rc;
}

int vsnap_vmx_to_domain_xml(char **out, char **warnings, const char *vmx_text, size_t len,
	const vsnap_vmx_options *opts, unsigned int flags)
{
	if (!out || !vmx_text)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID, "NULL argument");
	*out = NULL;
	if (warnings)
		*warnings = NULL;
	if (flags & ~(unsigned int)VSNAP_VMX_XML_SECURE)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"unknown flags 0x%x", flags & ~(unsigned int)VSNAP_VMX_XML_SECURE);
	vsnap_vmx_options o;
	int rc = take_opts(&o, opts, 0, 0);
	if (rc < 0)
		return rc;
	vsnap__vmx_diags diags = { NULL, 0, 0 };
	rc = vmx_to_xml(out, &diags, vmx_text, len, &o,
		(flags & VSNAP_VMX_XML_SECURE) ? VSNAP_VMX_CONVERT_SECURE : 0);
	if (rc == 0 && warnings && (rc = vsnap__vmx_diags_join(warnings, &diags)) < 0) {
		free(*out);
		*out = NULL;
	}
	vsnap__vmx_diags_clear(&diags);
	return rc;
}

int vsnap_domain_xml_to_vmx(char **out, const char *domain_xml, const vsnap_vmx_options *opts,
	unsigned int flags)
{
	if (!out || !domain_xml)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID, "NULL argument");
	*out = NULL;
	vsnap_vmx_options o;
	int rc = take_opts(&o, opts, flags, VSNAP_VMX_XML_SECURE);
	if (rc < 0)
		return rc;
	vsnap__vmx_diags diags = { NULL, 0, 0 };
	rc = xml_to_vmx(out, &diags, domain_xml, &o);
	vsnap__vmx_diags_clear(&diags);
	return rc;
}

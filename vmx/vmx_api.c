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
	if (!opts || version != VSNAP_VMX_OPTIONS_VERSION)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"vsnap_vmx_options version %u is not supported (expected %u)", version,
			VSNAP_VMX_OPTIONS_VERSION);
	memset(opts, 0, sizeof(*opts));
	opts->version = version;
	return 0;
}

static int check_opts(const vsnap_vmx_options *opts, unsigned int flags, unsigned int allowed)
{
	if (opts && opts->version != VSNAP_VMX_OPTIONS_VERSION)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"vsnap_vmx_options version %u is not supported", opts->version);
	if (flags & ~allowed)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"unknown flags 0x%x", flags & ~allowed);
	return 0;
}

int vsnap_vmx_to_domain_xml(char **out, char **warnings, const char *vmx_text, size_t len,
	const vsnap_vmx_options *opts, unsigned int flags)
{
	static const vsnap_vmx_options defaults = { .version = VSNAP_VMX_OPTIONS_VERSION };
	if (!out || !vmx_text)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID, "NULL argument");
	*out = NULL;
	if (warnings)
		*warnings = NULL;
	int rc = check_opts(opts, flags, VSNAP_VMX_XML_SECURE);
	if (rc < 0)
		return rc;
	vsnap_domain_def *def;
	if ((rc = vsnap__vmx_parse_def(&def, warnings, vmx_text, len, opts ? opts : &defaults)) < 0)
		return rc;
	rc = vsnap__domain_def_format(out, def,
		(flags & VSNAP_VMX_XML_SECURE) ? VSNAP_DOMAIN_XML_SECURE : 0, 0);
	vsnap__domain_def_free(def);
	if (rc < 0 && warnings) {
		free(*warnings);
		*warnings = NULL;
	}
	return rc;
}

int vsnap_domain_xml_to_vmx(char **out, const char *domain_xml, const vsnap_vmx_options *opts,
	unsigned int flags)
{
	static const vsnap_vmx_options defaults = { .version = VSNAP_VMX_OPTIONS_VERSION };
	if (!out || !domain_xml)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID, "NULL argument");
	*out = NULL;
	int rc = check_opts(opts, flags, VSNAP_VMX_XML_SECURE);
	if (rc < 0)
		return rc;
	vsnap_domain_def *def;
	if ((rc = vsnap__domain_def_parse(&def, domain_xml, 0)) < 0)
		return rc;
	rc = vsnap__vmx_format_def(out, def, opts ? opts : &defaults);
	vsnap__domain_def_free(def);
	return rc;
}

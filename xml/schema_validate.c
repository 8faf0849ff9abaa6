/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "xml/schema_validate.h"
#include "core/error.h"
#include "core/util.h"

#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The first validity error, kept instead of printed (a library must not print). */
typedef struct {
	char msg[512];
	int line;
} first_error;

static void keep_first(void *ctx, xmlErrorPtr err)
{
	first_error *first = ctx;

	if (!first || first->msg[0] || !err || !err->message)
		return;
	snprintf(first->msg, sizeof(first->msg), "%s", err->message);
	first->msg[strcspn(first->msg, "\n")] = '\0';
	first->line = err->line;
}

int vsnap__xml_schema_validate(const char *xml, const char *name)
{
	const char *dir = getenv("VSNAP_SCHEMA_DIR");
	char path[4096];
	first_error first = { "", 0 };
	xmlRelaxNGParserCtxtPtr pctxt = NULL;
	xmlRelaxNGPtr schema = NULL;
	xmlRelaxNGValidCtxtPtr vctxt = NULL;
	xmlDocPtr doc = NULL;
	int rc;

	snprintf(path, sizeof(path), "%s/%s.rng", dir && *dir ? dir : "/usr/share/libvirt/schemas",
		name);
	vsnap__xml_global_init();
	if (access(path, R_OK) != 0)
		return vsnap__error_set(VSNAP_EUNSUPPORTED, VSNAP_ERRCLASS_XML,
			"cannot validate: libvirt's schema '%s' is not installed (Debian: libvirt0)",
			path);
	if (!(pctxt = xmlRelaxNGNewParserCtxt(path)))
		return vsnap__error_oom();
	xmlRelaxNGSetParserStructuredErrors(pctxt, keep_first, &first);
	if (!(schema = xmlRelaxNGParse(pctxt))) {
		rc = vsnap__error_set(VSNAP_EUNSUPPORTED, VSNAP_ERRCLASS_XML,
			"cannot validate: schema '%s' does not load: %s", path,
			first.msg[0] ? first.msg : "unknown error");
		goto out;
	}
	first.msg[0] = '\0';
	doc = xmlReadMemory(xml, (int)strlen(xml), "input.xml", NULL,
		XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc) {
		rc = vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_XML,
			"%s XML is not well-formed", name);
		goto out;
	}
	if (!(vctxt = xmlRelaxNGNewValidCtxt(schema))) {
		rc = vsnap__error_oom();
		goto out;
	}
	xmlRelaxNGSetValidStructuredErrors(vctxt, keep_first, &first);
	if (xmlRelaxNGValidateDoc(vctxt, doc) != 0)
		rc = vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_XML,
			"%s XML line %d does not match libvirt's schema: %s", name, first.line,
			first.msg[0] ? first.msg : "invalid document");
	else
		rc = 0;
out:
	xmlRelaxNGFreeValidCtxt(vctxt);
	xmlFreeDoc(doc);
	xmlRelaxNGFree(schema);
	xmlRelaxNGFreeParserCtxt(pctxt);
	return rc;
}

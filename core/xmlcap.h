/*
 * xmlcap.h: a linear pre-scan of XML text that refuses, before any parser sees it, documents
 * whose shape would make the parser slow: libxml2 2.9 is quadratic in attributes per element
 * and in distinct names, gSOAP in attributes per element. The scan counts (it does not check
 * well-formedness: the parser does that), so it is cheap and its limits are stated in bytes,
 * depth, elements, attributes and names. Limits and reasons: docs/testing.md ("Input limits").
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_CORE_XMLCAP_H
#define VSNAP_CORE_XMLCAP_H

#include <stddef.h>

typedef struct {
	size_t max_bytes;       /* whole text */
	unsigned max_depth;     /* open elements at once */
	unsigned long max_elements;
	unsigned max_attrs;     /* attributes (namespace declarations included) on one element */
	unsigned max_names;     /* distinct element and attribute names; 0: not counted */
	int refuse_doctype;     /* a <!DOCTYPE is an error (its line is named) */
} vsnap__xml_caps;

/* Domain and snapshot XML (xml/): a big VM's definition is ~100 KB, under 40 names deep. */
extern const vsnap__xml_caps vsnap__xml_caps_domain;
/* vim25 SOAP replies (vsphere/): pages of properties, up to the transport's 64 MiB. */
extern const vsnap__xml_caps vsnap__xml_caps_soap;

/*
 * 0 when text[0..len) is within `caps`; else VSNAP_EPARSE "WHAT line N: <elem> has more than
 * 256 attributes (limit ...)". `what` names the document ("domain XML", "the reply to Login").
 */
int vsnap__xml_caps_check(const char *text, size_t len, const vsnap__xml_caps *caps,
	const char *what);

#endif

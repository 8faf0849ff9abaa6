/*
 * xmlutil.h: small helpers over libxml2 for the XML parsers: safe document reading (no network,
 * no DTD, no entity expansion, no output on stderr), element lookup, attribute conversion, and
 * errors that name the element, the attribute and the line (VSNAP_EPARSE, class XML).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_XML_XMLUTIL_H
#define VSNAP_XML_XMLUTIL_H

#include <libxml/tree.h>

/*
 * Parses `text` into *doc. `what` names the document in errors ("domain XML"). A syntax error
 * is VSNAP_EPARSE with libxml2's message and line; a DOCTYPE is refused (no entities, no DTD).
 */
int vsnap__xml_read(xmlDocPtr *doc, const char *text, const char *what);

/* "line N: <elem>: <message>" as VSNAP_EPARSE. Returns VSNAP_EPARSE. */
int vsnap__xml_error(const xmlNode *node, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* 1 when `node` is an element named `name` in no namespace. */
int vsnap__xml_is(const xmlNode *node, const char *name);
/* The first child element named `name` (no namespace), or NULL. */
xmlNodePtr vsnap__xml_child(const xmlNode *node, const char *name);
/* 1 when `node` is an element named `name` in namespace `href`. */
int vsnap__xml_is_ns(const xmlNode *node, const char *href, const char *name);

/* *out = copy of attribute `name` (NULL when absent). 0 or VSNAP_ENOMEM. */
int vsnap__xml_prop(char **out, const xmlNode *node, const char *name);
/* *out = copy of the element's text (empty string when it has none). 0 or VSNAP_ENOMEM. */
int vsnap__xml_text(char **out, const xmlNode *node);

/* Integer attribute in [min, max]; *out unchanged when absent. VSNAP_EPARSE naming it. */
int vsnap__xml_prop_int(int *out, const xmlNode *node, const char *name, long long min,
	long long max);
int vsnap__xml_prop_ll(long long *out, const xmlNode *node, const char *name, long long min,
	long long max);
/* Unsigned decimal text of an element (no sign, no spaces around except XML whitespace). */
int vsnap__xml_text_ull(unsigned long long *out, const xmlNode *node);
/* Parses decimal (or 0x hex when `allow_hex`) into *out; -1 when not a valid number. */
int vsnap__xml_parse_ull(unsigned long long *out, const char *text, int allow_hex);
/* 'yes'/'no' (also 'on'/'off' when `onoff`) into 1/0; *out unchanged when absent. */
int vsnap__xml_prop_bool(int *out, const xmlNode *node, const char *name, int onoff);
/*
 * Attribute that must be one of `values` (NULL-terminated): *out = copy, NULL when absent.
 * Anything else is VSNAP_EPARSE listing the accepted values.
 */
int vsnap__xml_prop_enum(char **out, const xmlNode *node, const char *name,
	const char *const *values);

#endif

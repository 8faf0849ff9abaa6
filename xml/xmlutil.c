/*
 * xmlutil.c: libxml2 helpers shared by the XML parsers (see xmlutil.h).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "xml/xmlutil.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "core/error.h"
#include "core/util.h"
#include "core/xmlcap.h"

/* The first error of a parse (the most telling one; later ones often follow from it). */
typedef struct {
	int set;
	int line;
	char msg[256];
} first_error;

/*
 * libxml2 names lines inside some messages as well: "Couldn't find end of Start Tag bad line 1"
 * and "Premature end of data in tag domain line 1" end with the line where the unfinished
 * element starts, while err->line is where the parser gave up (often the end of the text); the
 * start is where to look, so it becomes the line of the error and leaves the text. Inside a
 * message ("tag mismatch: disk line 7 and devices") a line is kept when it tells something new,
 * and dropped when it repeats the error's own line. So a message names each line once.
 */
static void tidy_lines(first_error *first)
{
	char *p = strstr(first->msg, " line ");
	char *digits, *end;
	long line;

	if (!p)
		return;
	digits = p + 6;
	line = strtol(digits, &end, 10);
	if (end == digits || *digits < '0' || *digits > '9' || line <= 0 || line > INT_MAX)
		return;
	if (*end == '\0') {
		first->line = (int)line;
		*p = '\0';
	} else if (*end == ' ' && line == first->line) {
		memmove(p, end, strlen(end) + 1);
	}
}

/*
 * libxml2's structured error callback: keeps the first error instead of printing it (a library
 * must not print). `ctx` is the parser context, whose _private points to our first_error.
 */
static void keep_first_error(void *ctx, xmlErrorPtr err)
{
	xmlParserCtxtPtr ctxt = ctx;
	first_error *first = ctxt ? ctxt->_private : NULL;
	size_t n;

	if (!first || first->set || !err)
		return;
	first->set = 1;
	first->line = err->line;
	snprintf(first->msg, sizeof(first->msg), "%s", err->message ? err->message : "malformed");
	n = strlen(first->msg);
	while (n > 0 && (first->msg[n - 1] == '\n' || first->msg[n - 1] == ' '))
		first->msg[--n] = '\0';
	tidy_lines(first);
}

int vsnap__xml_read(xmlDocPtr *doc, const char *text, const char *what)
{
	xmlParserCtxtPtr ctxt = NULL;
	xmlDocPtr parsed = NULL;
	first_error first = { 0, 0, "malformed document" };
	size_t len;
	int rc = 0;

	*doc = NULL;
	if (!text)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_XML, "%s: no text given", what);
	vsnap__xml_global_init();
	len = strlen(text);
	if (len > INT_MAX)
		return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_XML, "%s: too large", what);
	/* libxml2 2.9 is quadratic in attributes per element and distinct names: count first. */
	if ((rc = vsnap__xml_caps_check(text, len, &vsnap__xml_caps_domain, what)) < 0)
		return rc;
	ctxt = xmlNewParserCtxt();
	if (!ctxt)
		return vsnap__error_oom();
	ctxt->_private = &first;
	ctxt->sax->serror = keep_first_error;
	parsed = xmlCtxtReadMemory(ctxt, text, (int)len, "domain.xml", NULL,
		XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA |
		XML_PARSE_BIG_LINES);
	if (!parsed || !ctxt->wellFormed) {
		rc = vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_XML, "%s line %d: %s", what,
			first.line, first.msg);
		goto cleanup;
	}
	if (parsed->intSubset || parsed->extSubset) {
		/* The scan refuses <!DOCTYPE with its line; libxml2 keeps no line for a DTD. */
		rc = vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_XML,
			"%s: a DOCTYPE declaration is not allowed", what);
		goto cleanup;
	}
	if (!xmlDocGetRootElement(parsed)) {
		rc = vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_XML, "%s: no root element", what);
		goto cleanup;
	}
	*doc = parsed;
	parsed = NULL;
 cleanup:
	xmlFreeDoc(parsed);
	xmlFreeParserCtxt(ctxt);
	return rc;
}

int vsnap__xml_error(const xmlNode *node, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_XML, "line %ld: element <%s>: %s",
		xmlGetLineNo((xmlNodePtr)node), node ? (const char *)node->name : "?", msg);
}

int vsnap__xml_is(const xmlNode *node, const char *name)
{
	return node && node->type == XML_ELEMENT_NODE && !node->ns &&
		strcmp((const char *)node->name, name) == 0;
}

int vsnap__xml_is_ns(const xmlNode *node, const char *href, const char *name)
{
	return node && node->type == XML_ELEMENT_NODE && node->ns && node->ns->href &&
		strcmp((const char *)node->ns->href, href) == 0 &&
		strcmp((const char *)node->name, name) == 0;
}

xmlNodePtr vsnap__xml_child(const xmlNode *node, const char *name)
{
	for (xmlNodePtr c = node ? node->children : NULL; c; c = c->next) {
		if (vsnap__xml_is(c, name))
			return c;
	}
	return NULL;
}

int vsnap__xml_prop(char **out, const xmlNode *node, const char *name)
{
	xmlChar *value = xmlGetNoNsProp(node, (const xmlChar *)name);

	*out = NULL;
	if (!value)
		return 0;
	*out = strdup((const char *)value);
	xmlFree(value);
	return *out ? 0 : vsnap__error_oom();
}

int vsnap__xml_text(char **out, const xmlNode *node)
{
	xmlChar *value = xmlNodeGetContent(node);

	*out = strdup(value ? (const char *)value : "");
	xmlFree(value);
	return *out ? 0 : vsnap__error_oom();
}

int vsnap__xml_parse_ull(unsigned long long *out, const char *text, int allow_hex)
{
	unsigned long long v;
	char *end;
	int base = 10;

	if (allow_hex && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
		base = 16;
	/* strtoull accepts spaces and signs; libvirt's strict parsers do not. */
	if ((base == 10 && (text[0] < '0' || text[0] > '9')) ||
	    (base == 16 && !((text[2] >= '0' && text[2] <= '9') ||
	                     (text[2] >= 'a' && text[2] <= 'f') ||
	                     (text[2] >= 'A' && text[2] <= 'F'))))
		return -1;
	errno = 0;
	v = strtoull(text, &end, base);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

int vsnap__xml_prop_ll(long long *out, const xmlNode *node, const char *name, long long min,
	long long max)
{
	xmlChar *value = xmlGetNoNsProp(node, (const xmlChar *)name);
	const char *s;
	unsigned long long mag;
	int neg, bad;
	long long v = 0;

	if (!value)
		return 0;
	s = (const char *)value;
	neg = s[0] == '-';
	bad = vsnap__xml_parse_ull(&mag, s + neg, 1) < 0 || mag > (unsigned long long)LLONG_MAX;
	if (!bad) {
		v = neg ? -(long long)mag : (long long)mag;
		bad = v < min || v > max;
	}
	if (bad) {
		int rc = vsnap__xml_error(node,
			"invalid value '%s' of attribute '%s' (expected an integer from %lld to %lld)",
			s, name, min, max);
		xmlFree(value);
		return rc;
	}
	xmlFree(value);
	*out = v;
	return 0;
}

int vsnap__xml_prop_int(int *out, const xmlNode *node, const char *name, long long min,
	long long max)
{
	long long v = *out;
	int rc = vsnap__xml_prop_ll(&v, node, name, min, max);

	if (rc == 0)
		*out = (int)v;
	return rc;
}

int vsnap__xml_text_ull(unsigned long long *out, const xmlNode *node)
{
	char *text = NULL;
	char *p, *end;
	int rc = vsnap__xml_text(&text, node);

	if (rc < 0)
		return rc;
	/* Surrounding whitespace is allowed in element text, as libvirt's XPath number() does. */
	for (p = text; *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'; p++)
		;
	end = p + strlen(p);
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' || end[-1] == '\r'))
		*--end = '\0';
	if (vsnap__xml_parse_ull(out, p, 0) < 0)
		rc = vsnap__xml_error(node, "invalid number '%s'", p);
	free(text);
	return rc;
}

int vsnap__xml_prop_bool(int *out, const xmlNode *node, const char *name, int onoff)
{
	xmlChar *value = xmlGetNoNsProp(node, (const xmlChar *)name);
	const char *s = (const char *)value;
	int rc = 0;

	if (!value)
		return 0;
	if (strcmp(s, "yes") == 0 || (onoff && strcmp(s, "on") == 0))
		*out = 1;
	else if (strcmp(s, "no") == 0 || (onoff && strcmp(s, "off") == 0))
		*out = 0;
	else
		rc = vsnap__xml_error(node, "invalid value '%s' of attribute '%s' (expected %s)",
			s, name, onoff ? "on or off" : "yes or no");
	xmlFree(value);
	return rc;
}

int vsnap__xml_prop_enum(char **out, const xmlNode *node, const char *name,
	const char *const *values)
{
	char *value = NULL;
	char list[256] = "";
	size_t used = 0;
	int rc = vsnap__xml_prop(&value, node, name);

	*out = NULL;
	if (rc < 0 || !value)
		return rc;
	for (size_t i = 0; values[i]; i++) {
		if (strcmp(values[i], value) == 0) {
			*out = value;
			return 0;
		}
		if (used < sizeof(list)) {
			int n = snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "",
				values[i]);
			if (n > 0)
				used += (size_t)n;
		}
	}
	rc = vsnap__xml_error(node, "invalid value '%s' of attribute '%s' (expected one of: %s)",
		value, name, list);
	free(value);
	return rc;
}

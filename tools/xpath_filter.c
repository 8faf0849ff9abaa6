/*
 * dumpxml/snapshot-dumpxml --xpath and --wrap, as virsh does them: the XML the library
 * returned, filtered on the CLI side with libxml2 (the library's output is untouched).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "cli.h"

#include <string.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xmlsave.h>

/* Prints one node as XML on a line of its own (an attribute or text: its value). */
static void print_node(xmlDocPtr doc, xmlNodePtr node, int indent)
{
	if (node->type == XML_ELEMENT_NODE) {
		xmlBufferPtr buf = xmlBufferCreate();
		if (!buf)
			return;
		xmlNodeDump(buf, doc, node, indent ? 1 : 0, 1);
		printf("%s%s\n", indent ? "  " : "", (const char *)xmlBufferContent(buf));
		xmlBufferFree(buf);
	} else {
		xmlChar *v = xmlNodeGetContent(node);
		printf("%s%s\n", indent ? "  " : "", v ? (const char *)v : "");
		xmlFree(v);
	}
}

int cli_print_xpath(const char *xml, const char *expr, int wrap)
{
	xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), "dumpxml.xml", NULL,
		XML_PARSE_NONET | XML_PARSE_NOBLANKS);
	xmlXPathContextPtr ctx = doc ? xmlXPathNewContext(doc) : NULL;
	xmlXPathObjectPtr res = ctx ? xmlXPathEvalExpression(BAD_CAST expr, ctx) : NULL;
	int rc = CLI_OK;

	if (!doc || !ctx) {
		cli_error("the XML to filter with --xpath did not parse");
		rc = CLI_ERROR;
	} else if (!res) {
		cli_error("--xpath '%s': not a valid XPath expression", expr);
		rc = CLI_USAGE;
	} else if (res->type == XPATH_NODESET) {
		int n = res->nodesetval ? res->nodesetval->nodeNr : 0;
		if (wrap)
			printf("<nodes>\n");
		for (int i = 0; i < n; i++)
			print_node(doc, res->nodesetval->nodeTab[i], wrap);
		if (wrap)
			printf("</nodes>\n");
	} else {
		xmlChar *s = xmlXPathCastToString(res);
		printf("%s\n", s ? (const char *)s : "");
		xmlFree(s);
	}
	xmlXPathFreeObject(res);
	xmlXPathFreeContext(ctx);
	xmlFreeDoc(doc);
	return rc;
}

/*
 * Safe XML reading and libvirt-style writing of element subtrees (<domain> and friends are
 * kept as text in the snapshot model; this is how that text is produced and nested).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "xml/snapshot_priv.h"

#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>

#include "core/error.h"

int vsnap__snapshot_xml_read(xmlDoc **out, const char *xml, const char *what)
{
	xmlParserCtxt *ctxt = NULL;
	xmlDoc *doc = NULL;
	size_t len;
	int rc = 0;

	*out = NULL;
	len = strlen(xml);
	if (len > (size_t)0x7fffffff)
		return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_XML, "%s: document too large",
			what);
	if (!(ctxt = xmlNewParserCtxt()))
		return vsnap__error_oom();
	/* NOERROR/NOWARNING: libxml2 must not print; the error is read back from the context.
	 * No NOENT: entities are never substituted. NONET: no network fetches. */
	doc = xmlCtxtReadMemory(ctxt, xml, (int)len, NULL, NULL,
		XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
	if (!doc || !ctxt->wellFormed) {
		const xmlError *err = xmlCtxtGetLastError(ctxt);
		char msg[256] = "not well-formed";
		int line = 0;

		if (err && err->message) {
			size_t n;

			snprintf(msg, sizeof(msg), "%s", err->message);
			n = strlen(msg);
			while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
				msg[--n] = '\0';
			line = err->line;
		}
		rc = vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_XML, "%s line %d: %s", what,
			line, msg);
		goto cleanup;
	}
	if (doc->intSubset || doc->extSubset) {
		rc = vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_XML,
			"%s line %ld: a DOCTYPE is not accepted", what,
			doc->intSubset ? xmlGetLineNo((xmlNode *)doc->intSubset) : 1L);
		goto cleanup;
	}
	if (!xmlDocGetRootElement(doc)) {
		rc = vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_XML, "%s: no root element", what);
		goto cleanup;
	}
	*out = doc;
	doc = NULL;
cleanup:
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	return rc;
}

static void write_qname(vsnap_sbuf *buf, const xmlNs *ns, const xmlChar *name)
{
	if (ns && ns->prefix) {
		vsnap__sbuf_puts(buf, (const char *)ns->prefix);
		vsnap__sbuf_puts(buf, ":");
	}
	vsnap__sbuf_puts(buf, (const char *)name);
}

/* Attributes, then namespace declarations, the order libvirt writes <domain type='kvm'
 * xmlns:qemu='...'> in. */
static void write_attrs(vsnap_sbuf *buf, const xmlNode *node)
{
	for (const xmlAttr *a = node->properties; a; a = a->next) {
		vsnap__sbuf_puts(buf, " ");
		write_qname(buf, a->ns, a->name);
		vsnap__sbuf_puts(buf, "='");
		for (const xmlNode *t = a->children; t; t = t->next)
			if (t->content)
				vsnap__sbuf_escape(buf, (const char *)t->content);
		vsnap__sbuf_puts(buf, "'");
	}
	for (const xmlNs *ns = node->nsDef; ns; ns = ns->next) {
		vsnap__sbuf_puts(buf, ns->prefix ? " xmlns:" : " xmlns");
		if (ns->prefix)
			vsnap__sbuf_puts(buf, (const char *)ns->prefix);
		vsnap__sbuf_puts(buf, "='");
		vsnap__sbuf_escape(buf, ns->href ? (const char *)ns->href : "");
		vsnap__sbuf_puts(buf, "'");
	}
}

static int is_text(const xmlNode *n)
{
	return n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE;
}

static int is_blank_char(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int is_blank(const xmlChar *s)
{
	for (; s && *s; s++)
		if (!is_blank_char((char)*s))
			return 0;
	return 1;
}

/*
 * Recursion is bounded: libxml2 refuses documents nested deeper than 256 elements
 * (xmlParserMaxDepth, as XML_PARSE_HUGE is never passed).
 */
/*
 * A subtree cut out of its document must carry the namespace declarations it inherited
 * (<domain> using a prefix declared on <domainsnapshot>), or its text would not parse alone.
 */
static void write_inherited_ns(vsnap_sbuf *buf, const xmlNode *node)
{
	xmlNs **list;

	if (!node->parent || node->parent->type != XML_ELEMENT_NODE)
		return;
	if (!(list = xmlGetNsList(node->doc, node->parent)))
		return;
	for (size_t i = 0; list[i]; i++) {
		int shadowed = 0;

		for (const xmlNs *own = node->nsDef; own; own = own->next)
			if ((!own->prefix && !list[i]->prefix) || (own->prefix && list[i]->prefix &&
				xmlStrEqual(own->prefix, list[i]->prefix)))
				shadowed = 1;
		if (shadowed || (list[i]->prefix && xmlStrEqual(list[i]->prefix, BAD_CAST "xml")))
			continue;
		vsnap__sbuf_puts(buf, list[i]->prefix ? " xmlns:" : " xmlns");
		if (list[i]->prefix)
			vsnap__sbuf_puts(buf, (const char *)list[i]->prefix);
		vsnap__sbuf_puts(buf, "='");
		vsnap__sbuf_escape(buf, list[i]->href ? (const char *)list[i]->href : "");
		vsnap__sbuf_puts(buf, "'");
	}
	xmlFree(list);
}

static void write_elem(vsnap_sbuf *buf, const xmlNode *node, size_t indent, int top);

void vsnap__snapshot_node_write(vsnap_sbuf *buf, const xmlNode *node, size_t indent)
{
	write_elem(buf, node, indent, 1);
}

static void write_elem(vsnap_sbuf *buf, const xmlNode *node, size_t indent, int top)
{
	int has_elements = 0, has_text = 0;

	for (const xmlNode *c = node->children; c; c = c->next) {
		if (c->type == XML_ELEMENT_NODE)
			has_elements = 1;
		else if (is_text(c) && c->content && *c->content &&
			!(is_blank(c->content) && strchr((const char *)c->content, '\n')))
			has_text = 1;   /* a newline in blanks is layout, not a value */
	}
	vsnap__sbuf_indent(buf, indent);
	vsnap__sbuf_puts(buf, "<");
	write_qname(buf, node->ns, node->name);
	write_attrs(buf, node);
	if (top)
		write_inherited_ns(buf, node);
	if (!has_elements) {
		/* Leaf: all of its text on one line, like libvirt's "<x>%s</x>\n". */
		if (!has_text) {
			vsnap__sbuf_puts(buf, "/>\n");
			return;
		}
		vsnap__sbuf_puts(buf, ">");
		for (const xmlNode *c = node->children; c; c = c->next)
			if (is_text(c) && c->content)
				vsnap__sbuf_escape(buf, (const char *)c->content);
	} else {
		vsnap__sbuf_puts(buf, ">\n");
		for (const xmlNode *c = node->children; c; c = c->next) {
			if (c->type == XML_ELEMENT_NODE) {
				write_elem(buf, c, indent + 2, 0);
			} else if (is_text(c) && !is_blank(c->content)) {
				/* Mixed content (rare: <metadata>): the text, without its surrounding
				 * layout blanks, on its own line; trimming keeps formatting a fixed point. */
				const char *t = (const char *)c->content;
				size_t len = strlen(t);
				char *trimmed;

				while (is_blank_char(*t))
					t++, len--;
				while (len && is_blank_char(t[len - 1]))
					len--;
				if (!(trimmed = strndup(t, len))) {
					buf->oom = 1;
					return;
				}
				vsnap__sbuf_indent(buf, indent + 2);
				vsnap__sbuf_escape(buf, trimmed);
				vsnap__sbuf_puts(buf, "\n");
				free(trimmed);
			}
		}
		vsnap__sbuf_indent(buf, indent);
	}
	vsnap__sbuf_puts(buf, "</");
	write_qname(buf, node->ns, node->name);
	vsnap__sbuf_puts(buf, ">\n");
}

int vsnap__snapshot_xml_nest(vsnap_sbuf *buf, const char *xml, size_t indent, const char *what)
{
	xmlDoc *doc = NULL;
	int rc;

	if ((rc = vsnap__snapshot_xml_read(&doc, xml, what)) < 0)
		return rc;
	vsnap__snapshot_node_write(buf, xmlDocGetRootElement(doc), indent);
	xmlFreeDoc(doc);
	return 0;
}

/*
 * Helpers shared by the <domainsnapshot> parser and formatter (xml/snapshot_*.c only).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_XML_SNAPSHOT_PRIV_H
#define VSNAP_XML_SNAPSHOT_PRIV_H

#include <libxml/tree.h>

#include "xml/snapshot_buf.h"
#include "xml/snapshot_def.h"

/* "no", "internal", "external", "manual"; NULL for DEFAULT or out of range. */
const char *vsnap__snapshot_location_name(int location);
/* The location named `s` (never DEFAULT), or -1. */
int vsnap__snapshot_location_parse(const char *s);
/* The vsnap_snapshot_state_t named `s` ("running", "disk-snapshot"...), or -1. */
int vsnap__snapshot_state_parse(const char *s);

/*
 * Parses a whole XML document safely: no network, no DTD (a DOCTYPE is refused, so no entity
 * can expand), libxml2 never prints. `what` names the document in errors, which carry the
 * line. VSNAP_EPARSE on malformed input.
 */
int vsnap__snapshot_xml_read(xmlDoc **out, const char *xml, const char *what);

/*
 * Writes `node` (an element) and its subtree as libvirt formats XML: attributes in single
 * quotes, libvirt's escaping, children indented by 2 more spaces, empty elements as <x/>,
 * comments and processing instructions dropped. `indent` is the element's own column.
 */
void vsnap__snapshot_node_write(vsnap_sbuf *buf, const xmlNode *node, size_t indent);

/*
 * Re-parses an element kept as text (def->domain_xml...) and writes it at `indent`, so that
 * it nests in the <domainsnapshot> output exactly as libvirt nests it.
 */
int vsnap__snapshot_xml_nest(vsnap_sbuf *buf, const char *xml, size_t indent, const char *what);

#endif

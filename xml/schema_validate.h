/* Validation against libvirt's own RelaxNG schemas. SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VSNAP_XML_SCHEMA_VALIDATE_H
#define VSNAP_XML_SCHEMA_VALIDATE_H

/*
 * Validates `xml` against libvirt's schema `name` ("domainsnapshot", "domain"), read from
 * $VSNAP_SCHEMA_DIR, else /usr/share/libvirt/schemas (Debian's libvirt0 ships them).
 * VSNAP_EPARSE naming the line and libxml2's reason when the document does not validate;
 * VSNAP_EUNSUPPORTED when the schema is not installed.
 */
int vsnap__xml_schema_validate(const char *xml, const char *name);

#endif

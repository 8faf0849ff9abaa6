/*
 * domain_priv.h: what the domain XML parser and formatter files share inside xml/.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_XML_DOMAIN_PRIV_H
#define VSNAP_XML_DOMAIN_PRIV_H

#include <libxml/tree.h>

#include "xml/domain_def.h"
#include "xml/xmlbuf.h"

/* Parses the children of <devices> into `def` (domain_parse_dev.c). */
int vsnap__domain_parse_devices(vsnap_domain_def *def, const xmlNode *devices);
/* Parses an <address> child of `dev_node` into `addr` (absent: type stays NULL). */
int vsnap__domain_parse_address(vsnap_domain_address *addr, const xmlNode *dev_node);
/* Fills what libvirt's parser fills when the XML leaves it out (bus from target, drive addresses). */
int vsnap__domain_disks_post_parse(vsnap_domain_def *def);

/* Deep copy of a character device; NULL when out of memory (domain_copy.c). */
vsnap_domain_chr_def *vsnap__domain_chr_copy(const vsnap_domain_chr_def *chr);
/* libvirt's console/serial compatibility after parsing (domain_post.c). */
int vsnap__domain_console_compat(vsnap_domain_def *def);

/* libvirt's <features> children in its order, NULL-terminated (domain_format.c). */
extern const char *const vsnap__domain_feature_names[];

/* Formats <devices> (domain_format_dev.c). */
void vsnap__domain_format_devices(vsnap__xmlbuf *buf, const vsnap_domain_def *def,
	unsigned int flags);
/* Formats an <address> element; nothing when addr->type is NULL. */
void vsnap__domain_format_address(vsnap__xmlbuf *buf, const vsnap_domain_address *addr);

/* "0-2,5" → canonical libvirt form; VSNAP_EPARSE naming `node` when invalid (domain_cpuset.c). */
int vsnap__domain_cpuset_canon(char **out, const char *text, const xmlNode *node);
/* Parses a UUID in libvirt's accepted forms into canonical lower-case 8-4-4-4-12. -1 if bad. */
int vsnap__domain_uuid_canon(char out[37], const char *text);
/* A random (version 4) UUID in canonical form. */
int vsnap__domain_uuid_generate(char out[37]);

#endif

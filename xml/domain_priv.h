/*
 * domain_priv.h: what the domain XML parser and formatter files share inside xml/.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_XML_DOMAIN_PRIV_H
#define VSNAP_XML_DOMAIN_PRIV_H

#include <limits.h>
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
/* Formats an <address> element with the kept attributes of "address" in `extra`; nothing
 * when addr->type is NULL and nothing is kept. */
void vsnap__domain_format_address(vsnap__xmlbuf *buf, const vsnap_domain_address *addr,
	const vsnap_domain_extra *extra);

/* "0-2,5" → canonical libvirt form; VSNAP_EPARSE naming `node` when invalid (domain_cpuset.c). */
int vsnap__domain_cpuset_canon(char **out, const char *text, const xmlNode *node);
/* Parses a UUID in libvirt's accepted forms into canonical lower-case 8-4-4-4-12. -1 if bad. */
int vsnap__domain_uuid_canon(char out[37], const char *text);
/* A random (version 4) UUID in canonical form. */
int vsnap__domain_uuid_generate(char out[37]);

/*
 * What the parser models of one element (for keeping the rest, domain_def.h): the attributes
 * it reads and the children it reads, each with its own table. A child marked `owned` is parsed
 * into its own struct, which keeps its own extras (the devices of <devices>).
 */
typedef struct vsnap__domain_spec {
	const char *name;                           /* NULL ends a children array */
	const char *ns;                             /* namespace href, NULL: none */
	const char *const *attrs;                   /* NULL-terminated, or NULL: none */
	const struct vsnap__domain_spec *children;  /* ends with a NULL name, or NULL: none */
	unsigned int flags;
} vsnap__domain_spec;
#define VSNAP__SPEC_MULTI (1u << 0)   /* every child of the name is modelled, not the first only */
#define VSNAP__SPEC_OWNED (1u << 1)   /* modelled by another struct: not walked here */

/* The tables (domain_spec.c). */
extern const vsnap__domain_spec vsnap__domain_spec_root;
extern const vsnap__domain_spec vsnap__domain_spec_controller;
extern const vsnap__domain_spec vsnap__domain_spec_video;
extern const vsnap__domain_spec vsnap__domain_spec_graphics;
extern const vsnap__domain_spec vsnap__domain_spec_fs;
extern const vsnap__domain_spec vsnap__domain_spec_input;
/* These depend on the device type, as the attributes of <source> that are read do. */
const vsnap__domain_spec *vsnap__domain_spec_disk(const char *type);
const vsnap__domain_spec *vsnap__domain_spec_net(const char *type);
const vsnap__domain_spec *vsnap__domain_spec_chr(const char *type);

/*
 * Keeps in `extra` what `node` holds beyond `spec`, recursively through the modelled
 * children, under `path` ("" for the owner's element). 0 or VSNAP_ENOMEM.
 */
int vsnap__domain_extra_collect(vsnap_domain_extra *extra, const char *path,
	const xmlNode *node, const vsnap__domain_spec *spec);

/* The value of kept attribute `name` of `path`, or NULL. */
const char *vsnap__domain_extra_attr(const vsnap_domain_extra *extra, const char *path,
	const char *name);
/* Appends the kept attributes of `path` to `attrs`, but those `attrs` already has. */
void vsnap__domain_extra_attrs(vsnap__xmlbuf *attrs, const vsnap_domain_extra *extra,
	const char *path);
/* Appends the kept child elements of `path` to `children`, at its indentation. */
void vsnap__domain_extra_children(vsnap__xmlbuf *children, const vsnap_domain_extra *extra,
	const char *path);
/* vsnap__xmlbuf_element() with the kept attributes and children of `path` added; `attrs`
 * and `children` may be NULL. */
void vsnap__domain_extra_element(vsnap__xmlbuf *buf, const char *name, vsnap__xmlbuf *attrs,
	vsnap__xmlbuf *children, const vsnap_domain_extra *extra, const char *path);
/* A text element (<name attrs>text</name>) with the kept attributes of `path`; nothing when
 * there is neither text nor attribute. */
void vsnap__domain_extra_text_element(vsnap__xmlbuf *buf, const char *name,
	vsnap__xmlbuf *attrs, const char *text, const vsnap_domain_extra *extra, const char *path);
/*
 * Kept children of `path` whose libvirt rank (vsnap__domain_extra_rank) is in [from, to), in
 * document order: the unknown top-level elements and devices, put where libvirt puts them.
 */
void vsnap__domain_extra_children_ranked(vsnap__xmlbuf *children,
	const vsnap_domain_extra *extra, const char *path, int top, int from, int to);
/*
 * A modelled element with nothing to say (`attrs` and `children` empty) is left out, unless
 * `extra` keeps a second one of its name beside it (path's parent): the next parse would take
 * that one for it, so it is written empty (<name/>) and 1 returned; 0: nothing written.
 */
int vsnap__domain_extra_empty_twin(vsnap__xmlbuf *buf, const char *name, vsnap__xmlbuf *attrs,
	vsnap__xmlbuf *children, const vsnap_domain_extra *extra, const char *path);
/* libvirt's formatting rank of a child of <domain> (top 1) or of <devices> (top 0) by name;
 * VSNAP__EXTRA_RANK_OTHER for names libvirt does not list (other namespaces among them). */
int vsnap__domain_extra_rank(const char *name, int top);
#define VSNAP__EXTRA_RANK_OTHER (INT_MAX - 1)

#endif

/*
 * domain_extra.c: what the domain model does not understand, kept and formatted back
 * (the rules are in domain_def.h): the list itself, its walk over a parsed element against a
 * table of what is modelled (domain_spec.c), and its formatting helpers.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "xml/domain_priv.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/util.h"
#include "xml/snapshot_priv.h"
#include "xml/xmlutil.h"

void vsnap__domain_extra_clear(vsnap_domain_extra *extra)
{
	if (!extra)
		return;
	for (size_t i = 0; i < extra->nitems; i++) {
		free(extra->items[i].path);
		free(extra->items[i].name);
		free(extra->items[i].value);
	}
	free(extra->items);
	extra->items = NULL;
	extra->nitems = 0;
}

void vsnap__domain_extra_copy(vsnap_domain_extra *dst, const vsnap_domain_extra *src,
	int *failed)
{
	vsnap_domain_extra copy = { NULL, 0 };
	int bad = 0;

	dst->items = NULL;
	dst->nitems = 0;
	if (!src->nitems)
		return;
	if (!(copy.items = calloc(src->nitems, sizeof(*copy.items)))) {
		*failed = 1;
		return;
	}
	for (size_t i = 0; i < src->nitems; i++) {
		vsnap__str_copy(&copy.items[i].path, src->items[i].path, &bad);
		vsnap__str_copy(&copy.items[i].name, src->items[i].name, &bad);
		vsnap__str_copy(&copy.items[i].value, src->items[i].value, &bad);
		copy.nitems = i + 1;
	}
	if (bad) {
		vsnap__domain_extra_clear(&copy);
		*failed = 1;
		return;
	}
	*dst = copy;
}

int vsnap__domain_extra_add(vsnap_domain_extra *extra, const char *path, const char *name,
	const char *value)
{
	vsnap_domain_extra_item *grown, item = { NULL, NULL, NULL };
	int failed = 0;

	if (!extra || !path || !value)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_XML,
			"kept domain XML part: missing path or value");
	if (!name) {
		/* An element is checked now, so that formatting cannot meet a broken one. */
		xmlDocPtr doc = NULL;
		int rc = vsnap__xml_read(&doc, value, "kept domain XML element");

		xmlFreeDoc(doc);
		if (rc < 0)
			return rc;
	}
	vsnap__str_copy(&item.path, path, &failed);
	vsnap__str_copy(&item.name, name, &failed);
	vsnap__str_copy(&item.value, value, &failed);
	grown = failed ? NULL : realloc(extra->items, (extra->nitems + 1) * sizeof(*grown));
	if (!grown) {
		free(item.path);
		free(item.name);
		free(item.value);
		return vsnap__error_oom();
	}
	grown[extra->nitems++] = item;
	extra->items = grown;
	return 0;
}

/* 1 when the kept element text `text` ("<name ...") is an element named `name`. */
static int text_is(const char *text, const char *name)
{
	size_t len = strlen(name);

	return text[0] == '<' && strncmp(text + 1, name, len) == 0 &&
		strchr(" \t\n/>", text[1 + len]) && text[1 + len];
}

void vsnap__domain_extra_drop(vsnap_domain_extra *extra, const char *path,
	const char *element)
{
	size_t kept = 0;

	for (size_t i = 0; extra && i < extra->nitems; i++) {
		vsnap_domain_extra_item *it = &extra->items[i];

		if (strcmp(it->path, path) == 0 &&
		    (!element || (!it->name && text_is(it->value, element)))) {
			free(it->path);
			free(it->name);
			free(it->value);
			continue;
		}
		extra->items[kept++] = *it;
	}
	if (extra)
		extra->nitems = kept;
}

/* "prefix:name" or "name". */
static char *qname(const xmlNs *ns, const xmlChar *name)
{
	size_t len = strlen((const char *)name) + (ns && ns->prefix ?
		strlen((const char *)ns->prefix) + 1 : 0) + 1;
	char *out = malloc(len);

	if (!out)
		return NULL;
	if (ns && ns->prefix)
		snprintf(out, len, "%s:%s", (const char *)ns->prefix, (const char *)name);
	else
		snprintf(out, len, "%s", (const char *)name);
	return out;
}

static int in_list(const char *const *list, const xmlAttr *a)
{
	if (a->ns)
		return 0;
	for (size_t i = 0; list && list[i]; i++) {
		if (strcmp(list[i], (const char *)a->name) == 0)
			return 1;
	}
	return 0;
}

/* Whether the nearest ancestor of `node` declaring ns's prefix binds it to the same URI: the
 * declaration then says nothing, and formatting would not write it where the parse found it
 * (a kept copy of an element declares its prefixes itself), so it must not be kept. */
static int redundant_ns(const xmlNode *node, const xmlNs *ns)
{
	for (const xmlNode *a = node->parent; a && a->type == XML_ELEMENT_NODE; a = a->parent)
		for (const xmlNs *d = a->nsDef; d; d = d->next)
			if (xmlStrEqual(d->prefix, ns->prefix))
				return xmlStrEqual(d->href, ns->href);
	return 0;
}

static int keep_attrs(vsnap_domain_extra *extra, const char *path, const xmlNode *node,
	const vsnap__domain_spec *spec)
{
	int rc = 0;

	for (const xmlAttr *a = node->properties; a && rc == 0; a = a->next) {
		char *name, *value;

		if (in_list(spec->attrs, a))
			continue;
		name = qname(a->ns, a->name);
		value = (char *)xmlNodeGetContent((const xmlNode *)a);
		rc = name && value ? vsnap__domain_extra_add(extra, path, name, value) :
			vsnap__error_oom();
		free(name);
		xmlFree(value);
	}
	/* Declarations too: a kept attribute or a vmware element may use their prefixes. */
	for (const xmlNs *ns = node->nsDef; ns && rc == 0; ns = ns->next) {
		char name[256];

		if (redundant_ns(node, ns))
			continue;
		snprintf(name, sizeof(name), "xmlns%s%.240s", ns->prefix ? ":" : "",
			ns->prefix ? (const char *)ns->prefix : "");
		rc = vsnap__domain_extra_add(extra, path, name, ns->href ? (const char *)ns->href : "");
	}
	return rc;
}

/*
 * A kept element is written from a copy in a document of its own: the copy declares on itself
 * the namespaces its subtree uses (libxml2 adds them when copying out of scope), and only
 * those, where writing it in place would repeat every declaration in scope.
 */
static int keep_element(vsnap_domain_extra *extra, const char *path, const xmlNode *node)
{
	vsnap__strbuf buf = VSNAP__STRBUF_INIT;
	xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
	xmlNodePtr copy = doc ? xmlDocCopyNode((xmlNodePtr)node, doc, 1) : NULL;
	char *text = NULL;
	int rc;

	if (!copy) {
		xmlFreeDoc(doc);
		return vsnap__error_oom();
	}
	xmlDocSetRootElement(doc, copy);
	vsnap__snapshot_node_write(&buf, copy, 0);
	xmlFreeDoc(doc);
	if ((rc = vsnap__strbuf_detach(&text, &buf)) < 0)
		return rc;
	rc = vsnap__domain_extra_add(extra, path, NULL, text);
	free(text);
	return rc;
}

static const vsnap__domain_spec *find_child(const vsnap__domain_spec *spec, const xmlNode *c,
	size_t *index)
{
	for (size_t i = 0; spec->children && spec->children[i].name; i++) {
		const vsnap__domain_spec *s = &spec->children[i];

		if (strcmp(s->name, (const char *)c->name) != 0)
			continue;
		if (s->ns ? (c->ns && c->ns->href && strcmp(s->ns, (const char *)c->ns->href) == 0) :
		    !c->ns) {
			*index = i;
			return s;
		}
	}
	return NULL;
}

int vsnap__domain_extra_collect(vsnap_domain_extra *extra, const char *path,
	const xmlNode *node, const vsnap__domain_spec *spec)
{
	unsigned char seen[64] = { 0 };
	int rc;

	if ((rc = keep_attrs(extra, path, node, spec)) < 0)
		return rc;
	for (const xmlNode *c = node->children; c; c = c->next) {
		const vsnap__domain_spec *s;
		size_t idx = 0;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		s = find_child(spec, c, &idx);
		if (s && idx < sizeof(seen) && (!seen[idx] || (s->flags & VSNAP__SPEC_MULTI))) {
			char sub[256];

			seen[idx] = 1;
			if (s->flags & VSNAP__SPEC_OWNED)
				continue;
			if ((size_t)snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "/" : "",
			                     s->name) >= sizeof(sub))
				return vsnap__xml_error(c, "element nested too deep");
			rc = vsnap__domain_extra_collect(extra, sub, c, s);
		} else {
			rc = keep_element(extra, path, c);
		}
		if (rc < 0)
			return rc;
	}
	return 0;
}

const char *vsnap__domain_extra_attr(const vsnap_domain_extra *extra, const char *path,
	const char *name)
{
	for (size_t i = 0; extra && i < extra->nitems; i++) {
		const vsnap_domain_extra_item *it = &extra->items[i];

		if (it->name && strcmp(it->path, path) == 0 && strcmp(it->name, name) == 0)
			return it->value;
	}
	return NULL;
}

/* 1 when the attribute text `attrs` (" a='x' b='y'") already has attribute `name`. */
static int has_attr(const char *attrs, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = attrs; (p = strstr(p, name)); p += len) {
		if (p > attrs && p[-1] == ' ' && p[len] == '=')
			return 1;
	}
	return 0;
}

void vsnap__domain_extra_attrs(vsnap__xmlbuf *attrs, const vsnap_domain_extra *extra,
	const char *path)
{
	for (size_t i = 0; extra && i < extra->nitems; i++) {
		const vsnap_domain_extra_item *it = &extra->items[i];

		if (it->name && strcmp(it->path, path) == 0 &&
		    !has_attr(vsnap__xmlbuf_cstr(attrs), it->name))
			vsnap__xmlbuf_attr(attrs, it->name, it->value);
	}
}

static void write_element(vsnap__xmlbuf *children, const char *text)
{
	/* Checked when kept: a failure here can only be memory. */
	if (vsnap__snapshot_xml_nest(&children->str, text, (size_t)children->indent,
	                             "kept domain XML element") < 0)
		vsnap__strbuf_set_oom(&children->str);
}

void vsnap__domain_extra_children(vsnap__xmlbuf *children, const vsnap_domain_extra *extra,
	const char *path)
{
	for (size_t i = 0; extra && i < extra->nitems; i++) {
		const vsnap_domain_extra_item *it = &extra->items[i];

		if (!it->name && strcmp(it->path, path) == 0)
			write_element(children, it->value);
	}
}

/* Whether `extra` keeps, beside the element at `path`, a whole element of the same name: a
 * second one of a modelled name. */
static int has_kept_twin(const vsnap_domain_extra *extra, const char *path)
{
	const char *slash = strrchr(path, '/'), *name = slash ? slash + 1 : path;
	size_t plen = slash ? (size_t)(slash - path) : 0, nlen = strlen(name);

	for (size_t i = 0; extra && i < extra->nitems; i++) {
		const vsnap_domain_extra_item *it = &extra->items[i];

		if (!it->name && strlen(it->path) == plen && !strncmp(it->path, path, plen) &&
		    it->value[0] == '<' && !strncmp(it->value + 1, name, nlen) &&
		    it->value[1 + nlen] && strchr(" \t\n/>", it->value[1 + nlen]))
			return 1;
	}
	return 0;
}

int vsnap__domain_extra_empty_twin(vsnap__xmlbuf *buf, const char *name, vsnap__xmlbuf *attrs,
	vsnap__xmlbuf *children, const vsnap_domain_extra *extra, const char *path)
{
	if ((attrs && attrs->str.len) || (children && children->str.len) ||
	    !has_kept_twin(extra, path))
		return 0;
	vsnap__xmlbuf_line(buf, "<%s/>", name);
	if (attrs)
		vsnap__xmlbuf_clear(attrs);
	if (children)
		vsnap__xmlbuf_clear(children);
	return 1;
}

void vsnap__domain_extra_element(vsnap__xmlbuf *buf, const char *name, vsnap__xmlbuf *attrs,
	vsnap__xmlbuf *children, const vsnap_domain_extra *extra, const char *path)
{
	vsnap__xmlbuf a, c;

	if (!attrs) {
		vsnap__xmlbuf_init(&a, 0);
		attrs = &a;
	}
	if (!children) {
		vsnap__xmlbuf_init_child(&c, buf);
		children = &c;
	}
	vsnap__domain_extra_attrs(attrs, extra, path);
	vsnap__domain_extra_children(children, extra, path);
	if (!vsnap__domain_extra_empty_twin(buf, name, attrs, children, extra, path))
		vsnap__xmlbuf_element(buf, name, attrs, children);
}

void vsnap__domain_extra_text_element(vsnap__xmlbuf *buf, const char *name,
	vsnap__xmlbuf *attrs, const char *text, const vsnap_domain_extra *extra, const char *path)
{
	vsnap__xmlbuf a;

	if (!attrs) {
		vsnap__xmlbuf_init(&a, 0);
		attrs = &a;
	}
	vsnap__domain_extra_attrs(attrs, extra, path);
	if (text || !vsnap__domain_extra_empty_twin(buf, name, attrs, NULL, extra, path))
		vsnap__xmlbuf_text_element_attrs(buf, name, attrs, text);
}

/* libvirt's order of the children of <domain> and of <devices>. */
static const char *const top_order[] = {
	"name", "uuid", "genid", "title", "description", "metadata", "maxMemory", "memory",
	"currentMemory", "blkiotune", "memtune", "memoryBacking", "vcpu", "vcpus", "iothreads",
	"iothreadids", "defaultiothread", "cputune", "numatune", "resource", "sysinfo",
	"bootloader", "bootloader_args", "os", "idmap", "features", "cpu", "clock",
	"on_poweroff", "on_reboot", "on_crash", "on_lockfailure", "pm", "perf", "devices",
	"seclabel", "keywrap", "launchSecurity", NULL
};
static const char *const device_order[] = {
	"emulator", "disk", "controller", "lease", "filesystem", "interface", "smartcard",
	"serial", "parallel", "console", "channel", "input", "tpm", "graphics", "sound", "audio",
	"video", "hostdev", "redirdev", "redirfilter", "hub", "watchdog", "memballoon", "rng",
	"panic", "shmem", "memory", "iommu", "vsock", "crypto", "pstore", NULL
};

int vsnap__domain_extra_rank(const char *name, int top)
{
	const char *const *order = top ? top_order : device_order;

	for (int i = 0; order[i]; i++) {
		if (strcmp(order[i], name) == 0)
			return i;
	}
	return VSNAP__EXTRA_RANK_OTHER;
}

/* The rank of a kept element text ("<name ..."), by its element name. */
static int text_rank(const char *text, int top)
{
	char name[64];
	size_t len = strcspn(text + 1, " \t\n/>");

	if (text[0] != '<' || len >= sizeof(name))
		return VSNAP__EXTRA_RANK_OTHER;
	memcpy(name, text + 1, len);
	name[len] = '\0';
	return vsnap__domain_extra_rank(name, top);
}

void vsnap__domain_extra_children_ranked(vsnap__xmlbuf *children,
	const vsnap_domain_extra *extra, const char *path, int top, int from, int to)
{
	for (size_t i = 0; extra && i < extra->nitems; i++) {
		const vsnap_domain_extra_item *it = &extra->items[i];
		int rank;

		if (it->name || strcmp(it->path, path) != 0)
			continue;
		rank = text_rank(it->value, top);
		if (rank >= from && rank < to)
			write_element(children, it->value);
	}
}

/*
 * The <metadata><vsnap:vmx> element on the way back: xml2vmx reads the kept .vmx keys and the
 * true slots of disks shown on a stand-in bus, and puts the keys back into the .vmx text.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vmx/vmx_priv.h"

#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "xml/xmlutil.h"

void vsnap__vmx_meta_clear(vsnap__vmx_meta *m)
{
	for (size_t i = 0; i < m->nkeys; i++) {
		free(m->keys[i]);
		free(m->values[i]);
	}
	for (size_t i = 0; i < m->ndisks; i++) {
		free(m->disk_devs[i]);
		free(m->disk_slots[i]);
	}
	free(m->keys);
	free(m->values);
	free(m->disk_devs);
	free(m->disk_slots);
	memset(m, 0, sizeof(*m));
}

static int push(char ***a, char ***b, size_t *n, const xmlNode *node, const char *an,
	const char *bn)
{
	char *x = NULL, *y = NULL;
	int rc;
	if ((rc = vsnap__xml_prop(&x, node, an)) < 0 || (rc = vsnap__xml_prop(&y, node, bn)) < 0)
		goto fail;
	if (!x || !y) {
		rc = vsnap__xml_error(node, "attributes '%s' and '%s' are required", an, bn);
		goto fail;
	}
	/* the values go back into `key = "value"` lines: nothing may break one */
	if (strpbrk(x, "\"\n\r= ") || strpbrk(y, "\"\n\r")) {
		rc = vsnap__xml_error(node, "'%s' cannot be written to a .vmx line", x);
		goto fail;
	}
	char **na = realloc(*a, (*n + 1) * sizeof(*na));
	if (na)
		*a = na;
	char **nb = na ? realloc(*b, (*n + 1) * sizeof(*nb)) : NULL;
	if (nb)
		*b = nb;
	if (!na || !nb) {
		rc = vsnap__error_oom();
		goto fail;
	}
	(*a)[*n] = x;
	(*b)[*n] = y;
	(*n)++;
	return 0;
fail:
	free(x);
	free(y);
	return rc;
}

static int read_element(vsnap__vmx_meta *m, const char *text)
{
	xmlDocPtr doc = NULL;
	int rc = vsnap__xml_read(&doc, text, "<metadata>");
	if (rc < 0)
		return rc;
	for (xmlNodePtr v = xmlDocGetRootElement(doc)->children; v && rc == 0; v = v->next) {
		if (!vsnap__xml_is_ns(v, VSNAP_VMX_METADATA_NS, "vmx"))
			continue;
		for (xmlNodePtr k = v->children; k && rc == 0; k = k->next) {
			if (vsnap__xml_is_ns(k, VSNAP_VMX_METADATA_NS, "key"))
				rc = push(&m->keys, &m->values, &m->nkeys, k, "name", "value");
			else if (vsnap__xml_is_ns(k, VSNAP_VMX_METADATA_NS, "disk"))
				rc = push(&m->disk_devs, &m->disk_slots, &m->ndisks, k, "dev", "slot");
		}
	}
	xmlFreeDoc(doc);
	return rc;
}

int vsnap__vmx_meta_read(vsnap__vmx_meta *out, const vsnap_domain_def *def)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < def->extra.nitems; i++) {
		const vsnap_domain_extra_item *it = &def->extra.items[i];
		if (it->name || strcmp(it->path, "") || strncmp(it->value, "<metadata", 9) ||
		    !strstr(it->value, VSNAP_VMX_METADATA_NS))
			continue;
		int rc = read_element(out, it->value);
		if (rc < 0) {
			vsnap__vmx_meta_clear(out);
			return rc;
		}
	}
	return 0;
}

const char *vsnap__vmx_meta_slot(const vsnap__vmx_meta *m, const char *dev)
{
	for (size_t i = 0; dev && i < m->ndisks; i++)
		if (strcmp(m->disk_devs[i], dev) == 0)
			return m->disk_slots[i];
	return NULL;
}

/* Index of kept key `key` (case-insensitive), or -1. */
static long find_key(const vsnap__vmx_meta *m, const char *key, size_t klen)
{
	for (size_t i = 0; i < m->nkeys; i++)
		if (strlen(m->keys[i]) == klen && strncasecmp(m->keys[i], key, klen) == 0)
			return (long)i;
	return -1;
}

int vsnap__vmx_meta_apply(char **text, const vsnap__vmx_meta *m, int explicit_hw)
{
	if (!m->nkeys)
		return 0;
	unsigned char *done = calloc(m->nkeys, 1);
	if (!done)
		return vsnap__error_oom();
	vsnap__strbuf b = VSNAP__STRBUF_INIT;
	/* the writer's lines are `key = "value"`: a kept key of the same name replaces it (the
	 * original file's value of a key xml2vmx only fills in with a default) */
	for (const char *p = *text; *p;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) + 1 : strlen(p);
		const char *sp = memchr(p, ' ', len);
		long k = sp ? find_key(m, p, (size_t)(sp - p)) : -1;
		int hw = sp && (size_t)(sp - p) == 17 && strncasecmp(p, "virtualHW.version", 17) == 0;
		if (k >= 0 && !(hw && explicit_hw)) {
			if (!hw) {
				vsnap__vmx_kv(&b, m->keys[k], m->values[k]);
			} else {   /* the writer settled the version: keep its value, the file's spelling */
				const char *q = memchr(p, '"', len);
				const char *e = q ? memchr(q + 1, '"', len - (size_t)(q + 1 - p)) : NULL;
				vsnap__strbuf_appendf(&b, "%s = \"%.*s\"\n", m->keys[k],
					q && e ? (int)(e - q - 1) : 0, q && e ? q + 1 : "");
			}
			done[k] = 1;
		} else {
			vsnap__strbuf_appendf(&b, "%.*s", (int)len, p);
			if (k >= 0)
				done[k] = 1;
		}
		p += len;
	}
	for (size_t i = 0; i < m->nkeys; i++)
		if (!done[i])
			vsnap__vmx_kv(&b, m->keys[i], m->values[i]);
	free(done);
	char *out = NULL;
	int rc = vsnap__strbuf_detach(&out, &b);
	if (rc < 0)
		return rc;
	free(*text);
	*text = out;
	return 0;
}

/*
 * Nothing dropped silently: after a .vmx is read, every key that did not reach the domain XML
 * becomes a warning naming its line, or, when kept, a <vsnap:key> child of the namespaced
 * <metadata> element that xml2vmx turns back into the key (docs/vmx-compat.md).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vmx/vmx_priv.h"

#include <stdlib.h>
#include <string.h>

#include "core/error.h"

/*
 * Keys xml2vmx writes itself from what the XML says, with the value it writes (NULL: any):
 * reading them back loses nothing. '#' stands for a number.
 */
static const char *const implied[][2] = {
	{ ".encoding", NULL }, { "pcibridge#.present", "true" },
	{ "pcibridge#.virtualdev", "pcieRootPort" }, { "pcibridge#.functions", "8" },
	{ "vmci0.present", "true" }, { "ethernet#.generatedaddressoffset", "0" },
	{ "serial#.yieldonmsrread", "true" }, { "serial#.trynorxloss", "false" },
	{ "serial#.pipe.endpoint", "client" }, { "sharedfolder#.readaccess", "true" },
	{ "scsi#:#.autodetect", "true" }, { "ide#:#.autodetect", "true" },
	{ "sata#:#.autodetect", "true" }, { "guestos", "other" }, { "guestos", "other-64" },
	{ "nvme#.present", "true" },
};

/* Case-insensitive match of a lower-case key against a pattern with '#' = digits. */
static int match(const char *pat, const char *key)
{
	while (*pat) {
		if (*pat == '#') {
			if (*key < '0' || *key > '9')
				return 0;
			while (*key >= '0' && *key <= '9')
				key++;
			pat++;
		} else if (*pat++ != *key++) {
			return 0;
		}
	}
	return *key == '\0';
}

static int is_implied(const vsnap__vmx_entry *e)
{
	for (size_t i = 0; i < sizeof(implied) / sizeof(implied[0]); i++)
		if (match(implied[i][0], e->lkey) &&
		    (!implied[i][1] || strcasecmp(implied[i][1], e->value) == 0))
			return 1;
	return 0;
}

void vsnap__vmx_keep(const vsnap__vmx_ctx *c, const char *key)
{
	const vsnap__vmx_entry *e = vsnap__vmx_conf_get(c->conf, key);
	if (e) {
		((vsnap__vmx_entry *)e)->kept = 1;   /* the conf's own heap array */
		((vsnap__vmx_entry *)e)->used = 0;
	}
}

void vsnap__vmx_keep_prefix(const vsnap__vmx_ctx *c, const char *prefix)
{
	size_t n = strlen(prefix);
	for (size_t i = 0; i < c->conf->n; i++)
		if (strncasecmp(c->conf->entries[i].lkey, prefix, n) == 0) {
			c->conf->entries[i].kept = 1;
			c->conf->entries[i].used = 0;
		}
}

void vsnap__vmx_unuse_prefix(const vsnap__vmx_ctx *c, const char *prefix)
{
	size_t n = strlen(prefix);
	for (size_t i = 0; i < c->conf->n; i++)
		if (strncasecmp(c->conf->entries[i].lkey, prefix, n) == 0)
			c->conf->entries[i].used = 0;
}

static void xml_attr(vsnap__strbuf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': vsnap__strbuf_append(b, "&lt;"); break;
		case '>': vsnap__strbuf_append(b, "&gt;"); break;
		case '&': vsnap__strbuf_append(b, "&amp;"); break;
		case '\'': vsnap__strbuf_append(b, "&apos;"); break;
		case '"': vsnap__strbuf_append(b, "&quot;"); break;
		case '\t': vsnap__strbuf_append(b, "&#9;"); break;
		default: vsnap__strbuf_appendf(b, "%c", *s);
		}
	}
}

void vsnap__vmx_meta_disk(const vsnap__vmx_ctx *c, const char *dev, const char *slot)
{
	vsnap__strbuf_append(c->meta, "<vsnap:disk dev='");
	xml_attr(c->meta, dev);
	vsnap__strbuf_append(c->meta, "' slot='");
	xml_attr(c->meta, slot);
	vsnap__strbuf_append(c->meta, "'/>");
}

/* Facts whose silent loss would misrepresent the VM: kept even without KEEP, and said. */
static int keep_safety_facts(const vsnap__vmx_ctx *c)
{
	int rc = 0, encrypted = 0;
	for (size_t i = 0; i < c->conf->n; i++) {
		vsnap__vmx_entry *e = &c->conf->entries[i];
		if (strncmp(e->lkey, "encryption.", 11) == 0 ||
		    strcmp(e->lkey, "vmx.encryptiontype") == 0) {
			e->kept = 1;
			encrypted = 1;
		}
	}
	if (encrypted)
		rc = vsnap__vmx_warn(c, vsnap__vmx_conf_get(c->conf, "encryption.keySafe") ?
			"encryption.keySafe" : NULL, "the VM is encrypted: its files cannot be read "
			"without the key provider, which the domain XML cannot say (kept in <metadata>)");
	const char *state;
	if (rc == 0 && vsnap__vmx_peek_str(c, "checkpoint.vmState", &state) && *state) {
		vsnap__vmx_keep(c, "checkpoint.vmState");
		rc = vsnap__vmx_warn(c, "checkpoint.vmState", "the VM is suspended ('%s'): the XML "
			"describes it powered off; resuming needs that state file (kept in <metadata>)",
			state);
	}
	return rc;
}

static int cmp_line(const void *a, const void *b)
{
	const vsnap__vmx_entry *x = *(const vsnap__vmx_entry *const *)a;
	const vsnap__vmx_entry *y = *(const vsnap__vmx_entry *const *)b;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* One warning per key not carried, in file order. */
static int warn_dropped(const vsnap__vmx_ctx *c, int keep_all)
{
	size_t n = 0;
	const vsnap__vmx_entry **drop = malloc((c->conf->n + 1) * sizeof(*drop));
	if (!drop)
		return vsnap__error_oom();
	for (size_t i = 0; i < c->conf->n; i++) {
		const vsnap__vmx_entry *e = &c->conf->entries[i];
		if (!e->used && !e->kept && !keep_all && !is_implied(e))
			drop[n++] = e;
	}
	qsort(drop, n, sizeof(*drop), cmp_line);
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = vsnap__vmx_conf_warn(c->conf, drop[i]->line, drop[i]->key,
			"not carried into the domain XML (dropped; --keep keeps it in <metadata>)");
	free(drop);
	return rc;
}

int vsnap__vmx_finish_keys(const vsnap__vmx_ctx *c, vsnap_domain_def *def)
{
	int keep_all = (c->flags & VSNAP_VMX_CONVERT_KEEP) != 0;
	int rc = keep_safety_facts(c);
	if (rc == 0)
		rc = warn_dropped(c, keep_all);
	if (rc < 0)
		return rc;
	vsnap__strbuf b = VSNAP__STRBUF_INIT;
	vsnap__strbuf_append(&b, "<metadata><vsnap:vmx xmlns:vsnap='" VSNAP_VMX_METADATA_NS "'>");
	size_t empty = b.len;
	vsnap__strbuf_append(&b, vsnap__strbuf_cstr(c->meta));
	/* sorted by key (the conf's order): the same set gives the same XML, whatever the order
	 * of the file, so vmx -> xml -> vmx -> xml is stable */
	for (size_t i = 0; i < c->conf->n; i++) {
		const vsnap__vmx_entry *e = &c->conf->entries[i];
		if (e->used || (!e->kept && !(keep_all && !is_implied(e))))
			continue;
		vsnap__strbuf_append(&b, "<vsnap:key name='");
		xml_attr(&b, e->key);
		vsnap__strbuf_append(&b, "' value='");
		xml_attr(&b, e->value);
		vsnap__strbuf_append(&b, "'/>");
	}
	if (b.len == empty && !b.oom) {
		vsnap__strbuf_clear(&b);
		return 0;
	}
	vsnap__strbuf_append(&b, "</vsnap:vmx></metadata>");
	char *text = NULL;
	if ((rc = vsnap__strbuf_detach(&text, &b)) < 0)
		return rc;
	rc = vsnap__domain_extra_add(&def->extra, "", NULL, text);
	free(text);
	return rc;
}

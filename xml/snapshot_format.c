/*
 * <domainsnapshot> formatting, byte for byte as libvirt's virDomainSnapshotDefFormat:
 * name, description, state, parent, creationTime, memory, disks, domain, inactiveDomain,
 * cookie, active; 2-space indentation; single-quoted attributes.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "xml/snapshot_priv.h"

#include <string.h>

#include "core/error.h"

/* <tag>escaped text</tag> at `indent`; nothing when text is NULL (as virBufferEscapeString). */
static void text_elem(vsnap_sbuf *buf, size_t indent, const char *tag, const char *text)
{
	if (!text)
		return;
	vsnap__sbuf_indent(buf, indent);
	vsnap__sbuf_printf(buf, "<%s>", tag);
	vsnap__sbuf_escape(buf, text);
	vsnap__sbuf_printf(buf, "</%s>\n", tag);
}

static void attr(vsnap_sbuf *buf, const char *name, const char *value)
{
	if (!value)
		return;
	vsnap__sbuf_printf(buf, " %s='", name);
	vsnap__sbuf_escape(buf, value);
	vsnap__sbuf_puts(buf, "'");
}

static void format_disk(vsnap_sbuf *buf, const vsnap_snapshot_disk_def *d)
{
	int block = d->source_type && strcmp(d->source_type, "block") == 0;

	if (!d->name)
		return;
	vsnap__sbuf_indent(buf, 4);
	vsnap__sbuf_puts(buf, "<disk");
	attr(buf, "name", d->name);
	attr(buf, "snapshot", vsnap__snapshot_location_name(d->location));
	if (!d->source_file && !d->driver_type) {
		vsnap__sbuf_puts(buf, "/>\n");
		return;
	}
	/* libvirt names the storage type whenever the disk has a file or a format. */
	attr(buf, "type", block ? "block" : "file");
	vsnap__sbuf_puts(buf, ">\n");
	if (d->driver_type) {
		vsnap__sbuf_indent(buf, 6);
		vsnap__sbuf_puts(buf, "<driver");
		attr(buf, "type", d->driver_type);
		vsnap__sbuf_puts(buf, "/>\n");
	}
	if (d->source_file) {
		vsnap__sbuf_indent(buf, 6);
		vsnap__sbuf_puts(buf, "<source");
		attr(buf, block ? "dev" : "file", d->source_file);
		vsnap__sbuf_puts(buf, "/>\n");
	}
	vsnap__sbuf_indent(buf, 4);
	vsnap__sbuf_puts(buf, "</disk>\n");
}

static void format_head(vsnap_sbuf *buf, const vsnap_snapshot_def *def)
{
	text_elem(buf, 2, "name", def->name);
	text_elem(buf, 2, "description", def->description);
	if (def->state)
		text_elem(buf, 2, "state", vsnap_snapshot_state_name(def->state));
	if (def->parent) {
		vsnap__sbuf_puts(buf, "  <parent>\n");
		text_elem(buf, 4, "name", def->parent);
		vsnap__sbuf_puts(buf, "  </parent>\n");
	}
	if (def->creation_time)
		vsnap__sbuf_printf(buf, "  <creationTime>%lld</creationTime>\n", def->creation_time);
	if (vsnap__snapshot_location_name(def->memory)) {
		vsnap__sbuf_puts(buf, "  <memory");
		attr(buf, "snapshot", vsnap__snapshot_location_name(def->memory));
		attr(buf, "file", def->memory_file);
		vsnap__sbuf_puts(buf, "/>\n");
	}
	if (def->ndisks) {
		vsnap__sbuf_puts(buf, "  <disks>\n");
		for (size_t i = 0; i < def->ndisks; i++)
			format_disk(buf, &def->disks[i]);
		vsnap__sbuf_puts(buf, "  </disks>\n");
	}
}

int vsnap__snapshot_def_format(char **out, const vsnap_snapshot_def *def, unsigned int flags,
	int current)
{
	const unsigned int known = VSNAP_SNAPSHOT_XML_SECURE | VSNAP_SNAPSHOT_XML_NO_DOMAIN;
	vsnap_sbuf buf = VSNAP_SBUF_INIT;
	int rc = 0;

	if (out)
		*out = NULL;
	if (!out || !def)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"snapshot XML format: missing output or snapshot");
	if (flags & ~known)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"snapshot '%s': unknown XML flags 0x%x", def->name ? def->name : "",
			flags & ~known);
	vsnap__sbuf_puts(&buf, "<domainsnapshot>\n");
	format_head(&buf, def);
	if (!(flags & VSNAP_SNAPSHOT_XML_NO_DOMAIN)) {
		if (def->domain_xml)
			rc = vsnap__snapshot_xml_nest(&buf, def->domain_xml, 2, "snapshot <domain>");
		if (rc == 0 && def->inactive_domain_xml)
			rc = vsnap__snapshot_xml_nest(&buf, def->inactive_domain_xml, 2,
				"snapshot <inactiveDomain>");
	}
	if (rc == 0 && def->cookie_xml)
		rc = vsnap__snapshot_xml_nest(&buf, def->cookie_xml, 2, "snapshot <cookie>");
	if (rc < 0) {
		vsnap__sbuf_clear(&buf);
		return vsnap__error_prefix("snapshot '%s'", def->name ? def->name : "");
	}
	if (current)
		vsnap__sbuf_puts(&buf, "  <active>1</active>\n");
	vsnap__sbuf_puts(&buf, "</domainsnapshot>\n");
	return vsnap__sbuf_detach(out, &buf);
}

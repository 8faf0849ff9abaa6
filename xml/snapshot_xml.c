/*
 * <domainsnapshot> parsing (libvirt's format, ../shared/reference/formatsnapshot.rst).
 *
 * Two modes, as libvirt has: create input keeps only name, description, memory and disks
 * (a missing name becomes the creation time in decimal); redefine input keeps everything and
 * requires name, state and creationTime. Unknown elements are ignored and the first of
 * repeated elements wins, as in libvirt without schema validation. <domain>,
 * <inactiveDomain> and <cookie> are kept as text (libvirt-style serialization).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "xml/snapshot_priv.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "xml/xmlutil.h"

typedef struct {
	unsigned int flags;
	int redefine;
	const xmlNode *memory_node;   /* for the line of memory errors */
} parse_state;

/* VSNAP_EPARSE "snapshot XML line N: <message>". */
static int perr(const xmlNode *node, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int perr(const xmlNode *node, const char *fmt, ...)
{
	va_list ap;
	char *msg = NULL;
	int rc;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (!msg)
		return vsnap__error_oom();
	rc = vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_XML, "snapshot XML line %ld: %s",
		xmlGetLineNo((xmlNode *)node), msg);
	free(msg);
	return rc;
}

static int is_elem(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static const xmlNode *first_child(const xmlNode *n, const char *name)
{
	for (const xmlNode *c = n->children; c; c = c->next)
		if (is_elem(c, name))
			return c;
	return NULL;
}

/*
 * The text of a text-only element, NULL when empty (libvirt's virXPathString gives NULL for
 * an empty string). An element inside is an error.
 */
static int text(char **out, const xmlNode *n)
{
	vsnap__strbuf buf = VSNAP__STRBUF_INIT;
	int rc;

	*out = NULL;
	for (const xmlNode *c = n->children; c; c = c->next) {
		if (c->type == XML_ELEMENT_NODE) {
			vsnap__strbuf_clear(&buf);
			return perr(c, "<%s> must hold text, not <%s>", (const char *)n->name,
				(const char *)c->name);
		}
		if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
			vsnap__strbuf_append(&buf, (const char *)c->content);
	}
	if (!buf.len && !buf.oom)
		return 0;
	rc = vsnap__strbuf_detach(out, &buf);
	return rc;
}

static int serialize(char **out, const xmlNode *n)
{
	vsnap__strbuf buf = VSNAP__STRBUF_INIT;

	vsnap__snapshot_node_write(&buf, n, 0);
	return vsnap__strbuf_detach(out, &buf);
}

/* Strict decimal long long, surrounding blanks allowed. */
static int parse_ll(long long *out, const char *s)
{
	char *end;

	errno = 0;
	*out = strtoll(s, &end, 10);
	if (errno || end == s)
		return -1;
	while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r')
		end++;
	return *end ? -1 : 0;
}

static int parse_state_elem(vsnap_snapshot_def *def, const xmlNode *n)
{
	char *s = NULL;
	int rc, state;

	if ((rc = text(&s, n)) < 0)
		return rc;
	if (!s)
		return perr(n, "<state> is empty");
	state = vsnap__snapshot_state_parse(s);
	/* "nostate" is no valid state of an existing snapshot (libvirt refuses it too). */
	if (state <= 0)
		rc = perr(n, "invalid <state> '%s'", s);
	else
		def->state = state;
	free(s);
	return rc;
}

static int parse_time_elem(vsnap_snapshot_def *def, const xmlNode *n)
{
	char *s = NULL;
	int rc;

	if ((rc = text(&s, n)) < 0)
		return rc;
	/* 0 stands for "absent" in the model (and no snapshot was taken in 1970) */
	if (!s || parse_ll(&def->creation_time, s) < 0 || def->creation_time <= 0)
		rc = perr(n, "invalid <creationTime> '%s': expected seconds since the epoch",
			s ? s : "");
	free(s);
	return rc;
}

static int parse_parent_elem(vsnap_snapshot_def *def, const xmlNode *n)
{
	const xmlNode *name = first_child(n, "name");

	if (!name)
		return perr(n, "<parent> has no <name>");
	return text(&def->parent, name);
}

static int parse_active_elem(vsnap_snapshot_def *def, const xmlNode *n)
{
	char *s = NULL;
	long long v;
	int rc;

	if ((rc = text(&s, n)) < 0)
		return rc;
	if (!s || parse_ll(&v, s) < 0 || (v != 0 && v != 1))
		rc = perr(n, "invalid <active> '%s': expected 0 or 1", s ? s : "");
	else
		def->is_current = (int)v;
	free(s);
	return rc;
}

static int parse_memory_elem(vsnap_snapshot_def *def, const xmlNode *n)
{
	char *snap = NULL;
	int rc;

	if ((rc = vsnap__xml_prop(&snap, n, "snapshot")) < 0 || (rc = vsnap__xml_prop(&def->memory_file, n, "file")) < 0)
		goto cleanup;
	if (snap) {
		int loc = vsnap__snapshot_location_parse(snap);

		if (loc < 0)
			rc = perr(n, "invalid value '%s' of attribute 'snapshot' of <memory>", snap);
		else if (loc == VSNAP_SNAPSHOT_LOCATION_MANUAL)
			rc = perr(n, "<memory snapshot='manual'> is not supported");
		else
			def->memory = loc;
	}
cleanup:
	free(snap);
	return rc;
}

/* Applies libvirt's memory defaults and consistency rules once the state is known. */
static int check_memory(vsnap_snapshot_def *def, const parse_state *ps, const xmlNode *root)
{
	const xmlNode *at = ps->memory_node ? ps->memory_node : root;
	int offline = ps->redefine && (def->state == VSNAP_SNAPSHOT_SHUTOFF ||
		def->state == VSNAP_SNAPSHOT_DISK_SNAPSHOT);

	if (def->memory == VSNAP_SNAPSHOT_LOCATION_DEFAULT) {
		if (def->memory_file)
			def->memory = VSNAP_SNAPSHOT_LOCATION_EXTERNAL;
		else if (ps->redefine)
			def->memory = offline ? VSNAP_SNAPSHOT_LOCATION_NO
				: VSNAP_SNAPSHOT_LOCATION_INTERNAL;
	}
	if (def->memory_file && def->memory != VSNAP_SNAPSHOT_LOCATION_EXTERNAL)
		return perr(at, "memory file '%s' requires snapshot='external'", def->memory_file);
	if (!def->memory_file && def->memory == VSNAP_SNAPSHOT_LOCATION_EXTERNAL)
		return perr(at, "<memory snapshot='external'> requires a 'file' attribute");
	if (offline && def->memory != VSNAP_SNAPSHOT_LOCATION_DEFAULT &&
		def->memory != VSNAP_SNAPSHOT_LOCATION_NO)
		return perr(at, "memory state cannot be saved with state '%s'",
			vsnap_snapshot_state_name(def->state));
	if (def->memory_file && def->memory_file[0] != '/')
		return perr(at, "memory file '%s' must be an absolute path", def->memory_file);
	return 0;
}

static int parse_disk_source(vsnap_snapshot_disk_def *d, const xmlNode *n)
{
	const xmlNode *src = first_child(n, "source");
	const xmlNode *drv = first_child(n, "driver");
	int rc = 0;

	if (src)
		rc = vsnap__xml_prop(&d->source_file, src, d->source_type ? "dev" : "file");
	if (rc == 0 && drv)
		rc = vsnap__xml_prop(&d->driver_type, drv, "type");
	if (rc < 0)
		return rc;
	if (d->driver_type && !*d->driver_type)
		return perr(drv, "empty driver type of disk '%s'", d->name);
	if (d->source_file && d->source_file[0] != '/')
		return perr(src, "disk snapshot image path '%s' must be absolute", d->source_file);
	return 0;
}

static int parse_disk(vsnap_snapshot_disk_def *d, const xmlNode *n)
{
	char *snap = NULL, *type = NULL;
	int rc;

	if ((rc = vsnap__xml_prop(&d->name, n, "name")) < 0)
		return rc;
	if (!d->name || !*d->name)
		return perr(n, "<disk> has no 'name' attribute");
	if ((rc = vsnap__xml_prop(&snap, n, "snapshot")) < 0 || (rc = vsnap__xml_prop(&type, n, "type")) < 0)
		goto cleanup;
	if (snap && (d->location = vsnap__snapshot_location_parse(snap)) < 0) {
		d->location = 0;
		rc = perr(n, "invalid value '%s' of attribute 'snapshot' of disk '%s'", snap, d->name);
		goto cleanup;
	}
	if (type && strcmp(type, "block") == 0) {
		d->source_type = type;
		type = NULL;
	} else if (type && strcmp(type, "network") == 0) {
		rc = vsnap__error_set(VSNAP_EUNSUPPORTED, VSNAP_ERRCLASS_XML,
			"snapshot XML line %ld: disk '%s': network disk snapshots are not supported",
			xmlGetLineNo((xmlNode *)n), d->name);
		goto cleanup;
	} else if (type && strcmp(type, "file") != 0) {
		rc = perr(n, "unsupported disk snapshot type '%s' of disk '%s'", type, d->name);
		goto cleanup;
	}
	if ((rc = parse_disk_source(d, n)) < 0)
		goto cleanup;
	/* As libvirt: a file or a format implies an external snapshot of that disk. */
	if (d->location == VSNAP_SNAPSHOT_LOCATION_DEFAULT && (d->source_file || d->driver_type))
		d->location = VSNAP_SNAPSHOT_LOCATION_EXTERNAL;
	if (d->source_file && d->location != VSNAP_SNAPSHOT_LOCATION_EXTERNAL)
		rc = perr(n, "file '%s' of disk '%s' requires snapshot='external'", d->source_file,
			d->name);
cleanup:
	free(snap);
	free(type);
	return rc;
}

static int parse_disks_elem(vsnap_snapshot_def *def, const xmlNode *n)
{
	size_t count = 0;
	int rc;

	for (const xmlNode *c = n->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			count++;
	if (!count)
		return 0;
	if (!(def->disks = calloc(count, sizeof(*def->disks))))
		return vsnap__error_oom();
	for (const xmlNode *c = n->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (!is_elem(c, "disk"))
			return perr(c, "unexpected <%s> in <disks>", (const char *)c->name);
		/* Counted before parsing, so a failure leaves a def that frees cleanly. */
		def->ndisks++;
		if ((rc = parse_disk(&def->disks[def->ndisks - 1], c)) < 0)
			return rc;
		for (size_t j = 0; j + 1 < def->ndisks; j++)
			if (strcmp(def->disks[j].name, def->disks[def->ndisks - 1].name) == 0)
				return perr(c, "disk '%s' is listed twice", def->disks[j].name);
	}
	return 0;
}

/* Redefine-only elements; create input ignores them as libvirt does. */
static int parse_redefine_elem(vsnap_snapshot_def *def, const xmlNode *c, unsigned int *seen)
{
	static const char *const names[] = { "state", "creationTime", "parent", "domain",
		"inactiveDomain", "cookie", "active" };

	for (unsigned int i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!is_elem(c, names[i]))
			continue;
		if (*seen & (1u << i))
			return 0;
		*seen |= 1u << i;
		switch (i) {
		case 0: return parse_state_elem(def, c);
		case 1: return parse_time_elem(def, c);
		case 2: return parse_parent_elem(def, c);
		case 3: return serialize(&def->domain_xml, c);
		case 4: return serialize(&def->inactive_domain_xml, c);
		case 5: return serialize(&def->cookie_xml, c);
		default: return parse_active_elem(def, c);
		}
	}
	return 0;
}

/* Seen-bits of the elements both modes read (the first occurrence wins). */
enum { SEEN_NAME = 1u << 0, SEEN_DESC = 1u << 1, SEEN_MEMORY = 1u << 2, SEEN_DISKS = 1u << 3 };

static int parse_children(vsnap_snapshot_def *def, parse_state *ps, const xmlNode *root,
	unsigned int *rseen)
{
	unsigned int seen = 0;
	int rc = 0;

	for (const xmlNode *c = root->children; c && rc == 0; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (is_elem(c, "name") && !(seen & SEEN_NAME)) {
			seen |= SEEN_NAME;
			rc = text(&def->name, c);
		} else if (is_elem(c, "description") && !(seen & SEEN_DESC)) {
			seen |= SEEN_DESC;
			rc = text(&def->description, c);
		} else if (is_elem(c, "memory") && !(seen & SEEN_MEMORY)) {
			seen |= SEEN_MEMORY;
			ps->memory_node = c;
			rc = parse_memory_elem(def, c);
		} else if (is_elem(c, "disks") && !(seen & SEEN_DISKS)) {
			seen |= SEEN_DISKS;
			rc = parse_disks_elem(def, c);
		} else if (ps->redefine) {
			rc = parse_redefine_elem(def, c, rseen);
		}
	}
	return rc;
}

static int finish(vsnap_snapshot_def *def, parse_state *ps, const xmlNode *root,
	unsigned int rseen, long long now)
{
	if (ps->redefine) {
		if (!def->name)
			return perr(root, "a redefined snapshot must have a <name>");
		if (!(rseen & (1u << 1)))
			return perr(root, "missing <creationTime> in redefined snapshot '%s'", def->name);
		if (!(rseen & (1u << 0)))
			return perr(root, "missing <state> in redefined snapshot '%s'", def->name);
	} else {
		/* As libvirt's post-parse: the creation time is now, and names a nameless one. */
		def->creation_time = now;
		if (!def->name && asprintf(&def->name, "%lld", now) < 0) {
			def->name = NULL;
			return vsnap__error_oom();
		}
	}
	return check_memory(def, ps, root);
}

int vsnap__snapshot_def_parse(vsnap_snapshot_def **out, const char *xml, unsigned int flags,
	long long now)
{
	const unsigned int modes = VSNAP_SNAPSHOT_PARSE_CREATE | VSNAP_SNAPSHOT_PARSE_REDEFINE;
	parse_state ps = { flags, 0, NULL };
	vsnap_snapshot_def *def = NULL;
	xmlDoc *doc = NULL;
	const xmlNode *root;
	unsigned int rseen = 0;
	int rc;

	if (out)
		*out = NULL;
	if (!out || !xml)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"snapshot XML parse: missing output or input");
	if ((flags & ~modes) || (flags & modes) == modes)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"snapshot XML parse: invalid flags 0x%x", flags);
	ps.redefine = !!(flags & VSNAP_SNAPSHOT_PARSE_REDEFINE);
	if ((rc = vsnap__xml_read(&doc, xml, "snapshot XML")) < 0)
		return rc;
	root = xmlDocGetRootElement(doc);
	if (!is_elem(root, "domainsnapshot")) {
		rc = perr(root, "expected root element <domainsnapshot>, found <%s>",
			(const char *)root->name);
		goto cleanup;
	}
	if (!(def = vsnap__snapshot_def_new())) {
		rc = VSNAP_ENOMEM;
		goto cleanup;
	}
	if ((rc = parse_children(def, &ps, root, &rseen)) < 0 ||
		(rc = finish(def, &ps, root, rseen, now)) < 0)
		goto cleanup;
	*out = def;
	def = NULL;
cleanup:
	vsnap__snapshot_def_free(def);
	xmlFreeDoc(doc);
	return rc;
}

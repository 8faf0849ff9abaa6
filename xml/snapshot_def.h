/*
 * The shared snapshot model: one <domainsnapshot>, as both backends fill it and xml/ parses and
 * formats it (libvirt's format: ../shared/reference/formatsnapshot.rst).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_XML_SNAPSHOT_DEF_H
#define VSNAP_XML_SNAPSHOT_DEF_H

#include <stddef.h>
#include "vsnap/snapshot.h"

typedef struct {
	char *name;          /* disk target ("vda") or source path, as <disk name='...'> */
	int location;        /* vsnap_snapshot_location: snapshot='no|internal|external|manual' */
	char *source_file;   /* external: <source file='...'/>, else NULL */
	char *driver_type;   /* external: <driver type='qcow2'/>, else NULL */
	char *source_type;   /* <disk type='...'>: "file" (NULL means file) or "block", where
	                        source_file holds <source dev='...'/> */
} vsnap_snapshot_disk_def;

typedef struct {
	char *name;
	char *description;         /* NULL when absent */
	int state;                 /* vsnap_snapshot_state; NOSTATE when absent (create input) */
	long long creation_time;   /* seconds since the epoch; 0 when absent */
	char *parent;              /* parent's name or NULL */
	int memory;                /* vsnap_snapshot_location of <memory snapshot='...'> */
	char *memory_file;         /* <memory file='...'/> for external memory */
	vsnap_snapshot_disk_def *disks;
	size_t ndisks;
	char *domain_xml;          /* the <domain> element as XML text, NULL when absent */
	/* Not part of libvirt's XML: backend facts. */
	char *id;                  /* driver id: ESX MoRef; QEMU: NULL */
	int quiesced;              /* 1, 0, or -1 unknown */
	int is_current;            /* <active>1</active> in redefine input / internal metadata */
	/* Redefine input only, kept as text like domain_xml (NULL when absent). */
	char *inactive_domain_xml; /* <inactiveDomain> element */
	char *cookie_xml;          /* <cookie> element */
} vsnap_snapshot_def;

typedef enum {
	/* Creation input: only name, description, memory and disks are honoured. */
	VSNAP_SNAPSHOT_PARSE_CREATE = 1u << 0,
	/* Redefine input: everything is kept (state, creationTime, parent, domain...). */
	VSNAP_SNAPSHOT_PARSE_REDEFINE = 1u << 1,
} vsnap_snapshot_parse_flag;

vsnap_snapshot_def *vsnap__snapshot_def_new(void);
void vsnap__snapshot_def_free(vsnap_snapshot_def *def);
int vsnap__snapshot_def_copy(vsnap_snapshot_def **out, const vsnap_snapshot_def *src);

/*
 * Parses <domainsnapshot> XML. Errors (VSNAP_EPARSE) name the element/attribute and the line.
 * In CREATE mode a missing name is generated from `now` (seconds since the epoch) as libvirt
 * does (the decimal creation time), and creation_time is set to `now`. <domain>,
 * <inactiveDomain> and <cookie> are kept as text, serialized libvirt-style at column 0.
 * A DOCTYPE is refused (no entity expansion); libxml2 never prints.
 */
int vsnap__snapshot_def_parse(vsnap_snapshot_def **out, const char *xml, unsigned int flags,
	long long now);

/* Formats as libvirt does (element order, 2-space indentation). flags: VSNAP_SNAPSHOT_XML_*.
 * `current` != 0 adds <active>1</active>, as libvirt's internal metadata files do. */
int vsnap__snapshot_def_format(char **out, const vsnap_snapshot_def *def, unsigned int flags,
	int current);

#endif

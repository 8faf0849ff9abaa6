/* snapshot-create-as's command line as a <domainsnapshot> document (virsh's --memspec and
 * --diskspec grammar). SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VSNAP_TOOLS_SNAPSHOT_SPEC_H
#define VSNAP_TOOLS_SNAPSHOT_SPEC_H

#include <stdio.h>

typedef struct {
	const char *name;               /* NULL = none */
	const char *description;        /* NULL = none */
	const char *memspec;            /* "[file=]NAME[,snapshot=TYPE]", NULL = none */
	const char *const *diskspecs;   /* "DISK[,snapshot=T][,driver=T][,stype=T][,file=F]" */
	size_t ndisks;
} snapshot_spec;

/* Writes the document to *out (caller frees with free()); on a malformed spec returns -1 with
 * a message naming it in err. */
int snapshot_spec_xml(char **out, const snapshot_spec *spec, char *err, size_t errlen);

#endif

/*
 * The snapshot model's lifetime (new, free, copy) and its enum names.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "xml/snapshot_priv.h"

#include <stdlib.h>
#include <string.h>

#include "core/error.h"

/* Indexed by vsnap_snapshot_state_t: libvirt's virDomainSnapshotState names. */
static const char *const state_names[] = {
	"nostate", "running", "blocked", "paused", "shutdown", "shutoff", "crashed",
	"pmsuspended", "disk-snapshot",
};

/* Indexed by vsnap_snapshot_location (DEFAULT has no XML name). */
static const char *const location_names[] = {
	NULL, "no", "internal", "external", "manual",
};

const char *vsnap_snapshot_state_name(int state)
{
	if (state < 0 || (size_t)state >= sizeof(state_names) / sizeof(state_names[0]))
		return "unknown";
	return state_names[state];
}

int vsnap__snapshot_state_parse(const char *s)
{
	for (size_t i = 0; i < sizeof(state_names) / sizeof(state_names[0]); i++)
		if (strcmp(s, state_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *vsnap__snapshot_location_name(int location)
{
	if (location <= 0 || (size_t)location >= sizeof(location_names) / sizeof(location_names[0]))
		return NULL;
	return location_names[location];
}

int vsnap__snapshot_location_parse(const char *s)
{
	for (size_t i = 1; i < sizeof(location_names) / sizeof(location_names[0]); i++)
		if (strcmp(s, location_names[i]) == 0)
			return (int)i;
	return -1;
}

vsnap_snapshot_def *vsnap__snapshot_def_new(void)
{
	vsnap_snapshot_def *def = calloc(1, sizeof(*def));

	if (!def) {
		vsnap__error_oom();
		return NULL;
	}
	def->quiesced = -1;
	return def;
}

static void disk_clear(vsnap_snapshot_disk_def *disk)
{
	free(disk->name);
	free(disk->source_file);
	free(disk->driver_type);
	free(disk->source_type);
}

void vsnap__snapshot_def_free(vsnap_snapshot_def *def)
{
	if (!def)
		return;
	free(def->name);
	free(def->description);
	free(def->parent);
	free(def->memory_file);
	for (size_t i = 0; i < def->ndisks; i++)
		disk_clear(&def->disks[i]);
	free(def->disks);
	free(def->domain_xml);
	free(def->id);
	free(def->inactive_domain_xml);
	free(def->cookie_xml);
	free(def);
}

/* strdup that treats NULL as NULL; sets *failed on allocation failure. */
static char *dup_or_null(const char *s, int *failed)
{
	char *d;

	if (!s)
		return NULL;
	if (!(d = strdup(s)))
		*failed = 1;
	return d;
}

int vsnap__snapshot_def_copy(vsnap_snapshot_def **out, const vsnap_snapshot_def *src)
{
	vsnap_snapshot_def *def;
	int failed = 0;

	*out = NULL;
	if (!(def = vsnap__snapshot_def_new()))
		return VSNAP_ENOMEM;
	def->name = dup_or_null(src->name, &failed);
	def->description = dup_or_null(src->description, &failed);
	def->state = src->state;
	def->creation_time = src->creation_time;
	def->parent = dup_or_null(src->parent, &failed);
	def->memory = src->memory;
	def->memory_file = dup_or_null(src->memory_file, &failed);
	def->domain_xml = dup_or_null(src->domain_xml, &failed);
	def->id = dup_or_null(src->id, &failed);
	def->quiesced = src->quiesced;
	def->is_current = src->is_current;
	def->inactive_domain_xml = dup_or_null(src->inactive_domain_xml, &failed);
	def->cookie_xml = dup_or_null(src->cookie_xml, &failed);
	if (src->ndisks) {
		if (!(def->disks = calloc(src->ndisks, sizeof(*def->disks)))) {
			failed = 1;
		} else {
			def->ndisks = src->ndisks;
			for (size_t i = 0; i < src->ndisks; i++) {
				const vsnap_snapshot_disk_def *s = &src->disks[i];
				vsnap_snapshot_disk_def *d = &def->disks[i];

				d->name = dup_or_null(s->name, &failed);
				d->location = s->location;
				d->source_file = dup_or_null(s->source_file, &failed);
				d->driver_type = dup_or_null(s->driver_type, &failed);
				d->source_type = dup_or_null(s->source_type, &failed);
			}
		}
	}
	if (failed) {
		vsnap__snapshot_def_free(def);
		return vsnap__error_oom();
	}
	*out = def;
	return 0;
}

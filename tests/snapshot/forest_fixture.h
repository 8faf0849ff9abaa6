/*
 * The 10-snapshot test forest (ids as ESX gives them, parents by id or name, a shared name):
 *
 *   base (snapshot-1, shutoff)              other-root (snapshot-8, paused)
 *   +- Updates (2, running, memory)         +- child (9, running, no memory)  <- current
 *   |  +- web (3, running)
 *   |  |  +- test (5, shutoff)
 *   |  +- db (4, disk-snapshot, external disk)
 *   |     +- test (6, running, external memory)
 *   |        +- Zeta (10, disk-snapshot, external disk; parent given by id)
 *   +- alpha (7, paused)
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_TESTS_FOREST_FIXTURE_H
#define VSNAP_TESTS_FOREST_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "core/driver.h"

static inline vsnap_snapshot_def *mkdef(const char *name, const char *id, const char *parent,
	int state, long long t)
{
	vsnap_snapshot_def *d = vsnap__snapshot_def_new();

	d->name = strdup(name);
	d->id = id ? strdup(id) : NULL;
	d->parent = parent ? strdup(parent) : NULL;
	d->state = state;
	d->creation_time = t;
	d->memory = (state == VSNAP_SNAPSHOT_RUNNING || state == VSNAP_SNAPSHOT_PAUSED) ?
		VSNAP_SNAPSHOT_LOCATION_INTERNAL : VSNAP_SNAPSHOT_LOCATION_NO;
	return d;
}

static inline void add_external_disk(vsnap_snapshot_def *d, const char *file)
{
	d->disks = calloc(1, sizeof(*d->disks));
	d->ndisks = 1;
	d->disks[0].name = strdup("vda");
	d->disks[0].location = VSNAP_SNAPSHOT_LOCATION_EXTERNAL;
	d->disks[0].source_file = strdup(file);
	d->disks[0].driver_type = strdup("qcow2");
}

static inline void fill_ten(vsnap_forest_data *data)
{
	vsnap_snapshot_def **d = calloc(10, sizeof(*d));

	d[0] = mkdef("base", "snapshot-1", NULL, VSNAP_SNAPSHOT_SHUTOFF, 1000);
	d[1] = mkdef("Updates", "snapshot-2", "snapshot-1", VSNAP_SNAPSHOT_RUNNING, 1001);
	d[2] = mkdef("web", "snapshot-3", "Updates", VSNAP_SNAPSHOT_RUNNING, 1002);
	d[3] = mkdef("db", "snapshot-4", "Updates", VSNAP_SNAPSHOT_DISK_SNAPSHOT, 1003);
	add_external_disk(d[3], "/images/db.1003");
	d[4] = mkdef("test", "snapshot-5", "web", VSNAP_SNAPSHOT_SHUTOFF, 1004);
	d[5] = mkdef("test", "snapshot-6", "db", VSNAP_SNAPSHOT_RUNNING, 1005);
	d[5]->memory = VSNAP_SNAPSHOT_LOCATION_EXTERNAL;
	d[5]->memory_file = strdup("/images/test.mem");
	d[6] = mkdef("alpha", "snapshot-7", "base", VSNAP_SNAPSHOT_PAUSED, 1006);
	d[7] = mkdef("other-root", "snapshot-8", NULL, VSNAP_SNAPSHOT_PAUSED, 1007);
	d[8] = mkdef("child", "snapshot-9", "other-root", VSNAP_SNAPSHOT_RUNNING, 1008);
	d[8]->memory = VSNAP_SNAPSHOT_LOCATION_NO;
	d[8]->quiesced = 1;
	d[9] = mkdef("Zeta", "snapshot-10", "snapshot-6", VSNAP_SNAPSHOT_DISK_SNAPSHOT, 1009);
	add_external_disk(d[9], "/images/zeta.1009");
	data->defs = d;
	data->count = 10;
	data->current_id = strdup("snapshot-9");
}

#endif

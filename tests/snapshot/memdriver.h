/*
 * An in-memory test driver: snapshot_load returns the 10-snapshot test forest
 * (forest_fixture.h); create/revert/delete/edit/... record what core asked of them.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_TESTS_MEMDRIVER_H
#define VSNAP_TESTS_MEMDRIVER_H

#include "core/driver.h"

typedef struct {
	int calls;                  /* driver entries called */
	int loads;                  /* snapshot_load calls */
	int fail_code;              /* when < 0, every entry fails with it */
	const char *op;             /* last entry called: "create", "revert", ... */
	unsigned int flags;
	vsnap_snapshot_def *def;    /* copy of the def core passed */
	size_t forest_count;        /* defs in the forest core passed */
	char *new_name;
	char *new_description;
} memdriver_log;

extern memdriver_log memlog;
extern const vsnap_driver memdriver;   /* every snapshot entry set */
extern const vsnap_driver bare_driver; /* only a name: everything unsupported */

void memdriver_reset(void);

#endif

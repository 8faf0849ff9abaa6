/* The in-memory test driver (see memdriver.h). SPDX-License-Identifier: GPL-2.0-or-later */
#include "snapshot/memdriver.h"

#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "snapshot/forest_fixture.h"

memdriver_log memlog;

void memdriver_reset(void)
{
	vsnap__snapshot_def_free(memlog.def);
	free(memlog.new_name);
	free(memlog.new_description);
	memset(&memlog, 0, sizeof(memlog));
}

/* Records one call; returns the configured failure, if any. */
static int record(const char *op, const vsnap_snapshot_def *def, unsigned int flags)
{
	memlog.calls++;
	memlog.op = op;
	memlog.flags = flags;
	vsnap__snapshot_def_free(memlog.def);
	memlog.def = NULL;
	if (def && vsnap__snapshot_def_copy(&memlog.def, def) < 0)
		return VSNAP_ENOMEM;
	if (memlog.fail_code < 0)
		return vsnap__error_set(memlog.fail_code, VSNAP_ERRCLASS_ESX,
			"memdriver: %s failed as asked", op);
	return 0;
}

static int mem_load(vsnap_forest_data *out, vsnap_domain *dom)
{
	int rc;

	(void)dom;
	memlog.loads++;
	if ((rc = record("load", NULL, 0)) < 0)
		return rc;
	fill_ten(out);
	return 0;
}

static int mem_create(char **name_out, vsnap_domain *dom, const vsnap_snapshot_def *def,
	unsigned int flags)
{
	int rc;

	(void)dom;
	if ((rc = record("create", def, flags)) < 0)
		return rc;
	*name_out = strdup(def->name);
	return *name_out ? 0 : vsnap__error_oom();
}

static int mem_revert(vsnap_domain *dom, const vsnap_snapshot_def *snap,
	const vsnap_forest_data *forest, unsigned int flags)
{
	(void)dom;
	memlog.forest_count = forest->count;
	return record("revert", snap, flags);
}

static int mem_delete(vsnap_domain *dom, const vsnap_snapshot_def *snap,
	const vsnap_forest_data *forest, unsigned int flags)
{
	(void)dom;
	memlog.forest_count = forest->count;
	return record("delete", snap, flags);
}

static int mem_edit(vsnap_domain *dom, const vsnap_snapshot_def *snap, const char *new_name,
	const char *new_description)
{
	(void)dom;
	memlog.new_name = new_name ? strdup(new_name) : NULL;
	memlog.new_description = new_description ? strdup(new_description) : NULL;
	return record("edit", snap, 0);
}

static int mem_delete_all(vsnap_domain *dom, unsigned int flags)
{
	(void)dom;
	return record("delete_all", NULL, flags);
}

static int mem_needs_consolidation(int *out, vsnap_domain *dom)
{
	(void)dom;
	*out = 1;
	return record("needs_consolidation", NULL, 0);
}

static int mem_consolidate(vsnap_domain *dom, unsigned int flags)
{
	(void)dom;
	return record("consolidate", NULL, flags);
}

const vsnap_driver memdriver = {
	.name = "mem",
	.snapshot_load = mem_load,
	.snapshot_create = mem_create,
	.snapshot_revert = mem_revert,
	.snapshot_delete = mem_delete,
	.snapshot_edit = mem_edit,
	.snapshot_delete_all = mem_delete_all,
	.needs_consolidation = mem_needs_consolidation,
	.consolidate = mem_consolidate,
};

const vsnap_driver bare_driver = {
	.name = "bare",
};

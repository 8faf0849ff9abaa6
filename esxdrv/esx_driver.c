/* The ESX driver table (esx://, vpx://, gsx://). SPDX-License-Identifier: GPL-2.0-or-later */
#include "esxdrv/esx_private.h"

static const char *const esx_schemes[] = { "esx", "vpx", "gsx", NULL };

const vsnap_driver vsnap__esx_driver = {
	.name = "esx",
	.schemes = esx_schemes,
	.open = esx_open,
	.close = esx_close,
	.domain_list = esx_domain_list,
	.domain_lookup = esx_domain_lookup,
	.domain_get_info = esx_domain_get_info,
	.domain_get_xml = esx_domain_get_xml,
	/* define/undefine: vSphere VMs are created by vSphere tools, not from domain XML. */
	.domain_start = esx_domain_start,
	.domain_shutdown = esx_domain_shutdown,
	.domain_destroy = esx_domain_destroy,
	.domain_suspend = esx_domain_suspend,
	.domain_resume = esx_domain_resume,
	.domain_reset = esx_domain_reset,
	.snapshot_load = esx_snapshot_load,
	.snapshot_create = esx_snapshot_create,
	.snapshot_revert = esx_snapshot_revert,
	.snapshot_delete = esx_snapshot_delete,
	.snapshot_edit = esx_snapshot_edit,
	.snapshot_delete_all = esx_snapshot_delete_all,
	.needs_consolidation = esx_needs_consolidation,
	.consolidate = esx_consolidate,
	/* Revert first: removing the children then merges none of the live state into them. */
	.revert_before_prune = 1,
	.session_end = esx_session_end,
};

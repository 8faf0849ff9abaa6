/* check.c: vsnap_domain_check (include/vsnap/check.h). SPDX-License-Identifier: GPL-2.0-or-later */
#include "core/driver.h"
#include "core/error.h"

#include <stdlib.h>

static const char *const kind_names[] = { "unknown", "interrupted", "missing-image",
	"missing-tag", "orphan-tag", "orphan-file", "stale-source", "current", "parent",
	"running-definition", "shared-image", "bad-image" };

const char *vsnap_check_kind_name(int kind)
{
	return kind > 0 && (size_t)kind < sizeof(kind_names) / sizeof(kind_names[0]) ?
		kind_names[kind] : kind_names[0];
}

int vsnap_domain_check(vsnap_check_item **out, size_t *count, vsnap_domain *dom,
	unsigned int flags)
{
	int rc;

	if (out)
		*out = NULL;
	if (count)
		*count = 0;
	if (!out || !count || !dom)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"vsnap_domain_check: NULL argument");
	if (flags & ~(unsigned int)VSNAP_CHECK_REPAIR)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"unknown check flags 0x%x", flags);
	if (!dom->conn->driver->domain_check)
		return vsnap__error_set(VSNAP_EUNSUPPORTED, VSNAP_ERRCLASS_INVALID,
			"the %s driver cannot check domains", dom->conn->driver->name);
	if ((rc = dom->conn->driver->domain_check(out, count, dom, flags)) < 0)
		vsnap__error_prefix("checking domain '%s'", dom->info.name);
	return rc;
}

void vsnap_check_items_free(vsnap_check_item *items, size_t count)
{
	for (size_t i = 0; items && i < count; i++) {
		free(items[i].subject);
		free(items[i].message);
	}
	free(items);
}

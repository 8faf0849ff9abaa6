/*
 * Revert with VSNAP_SNAPSHOT_REVERT_DELETE_CHILDREN / _DISCARD: a composite of the driver's
 * revert and deletes (core/revert_clear.c). Called by vsnap_snapshot_revert after its checks.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_CORE_REVERT_CLEAR_H
#define VSNAP_CORE_REVERT_CLEAR_H

#include "core/driver.h"

int vsnap__snapshot_revert_clear(vsnap_domain *dom, const char *key, unsigned int flags);

#endif

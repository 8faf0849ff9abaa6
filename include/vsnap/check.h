/*
 * Consistency check of a domain's snapshots: metadata against images, overlays and the
 * run state. Lists what is wrong (orphans, inconsistencies), repairs what is safe to repair
 * when asked, and explains the rest. QEMU backend (other drivers: VSNAP_EUNSUPPORTED).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_CHECK_H
#define VSNAP_CHECK_H

#include "common.h"
#include "domain.h"

VSNAP_BEGIN_DECL

/** What a finding is about. */
typedef enum {
	VSNAP_CHECK_INTERRUPTED = 1, /**< a change was interrupted (vsnap killed); repair finishes
	                                  or undoes it, as any later change of the domain would */
	VSNAP_CHECK_MISSING_IMAGE,   /**< an image the domain or a snapshot needs is missing */
	VSNAP_CHECK_MISSING_TAG,     /**< an internal snapshot's tag is missing from an image */
	VSNAP_CHECK_ORPHAN_TAG,      /**< an image tag that no snapshot of the domain names */
	VSNAP_CHECK_ORPHAN_FILE,     /**< a file vsnap created that nothing needs any more */
	VSNAP_CHECK_STALE_SOURCE,    /**< a snapshot's <disks> names an overlay that is gone */
	VSNAP_CHECK_CURRENT,         /**< the current snapshot is missing or wrong */
	VSNAP_CHECK_PARENT,          /**< a snapshot's parent does not exist */
	VSNAP_CHECK_RUNNING_DEF,     /**< the running QEMU uses other images than the definition */
	VSNAP_CHECK_SHARED_IMAGE,    /**< an image is also used by another domain of the root */
	VSNAP_CHECK_BAD_IMAGE,       /**< qemu-img check reports an error in an image */
} vsnap_check_kind;

typedef struct {
	vsnap_check_kind kind;
	char *subject;     /**< the file, snapshot or tag concerned */
	char *message;     /**< what is wrong and, when not repaired, what to do */
	int repairable;    /**< 1 when VSNAP_CHECK_REPAIR can fix it safely */
	int repaired;      /**< 1 when this call fixed it */
} vsnap_check_item;

typedef enum {
	VSNAP_CHECK_REPAIR = 1u << 0,   /**< fix what is safe to fix (never deletes data that a
	                                     snapshot or the domain may still need) */
} vsnap_check_flag_t;

/**
 * Checks domain `dom`. *out gets `*count` findings (none: all consistent); free them with
 * vsnap_check_items_free(). Without VSNAP_CHECK_REPAIR nothing is changed (not even an
 * interrupted change is finished). Errors: VSNAP_EUNSUPPORTED (driver), VSNAP_ELOCKED,
 * VSNAP_EQEMU (an image could not be read at all).
 */
VSNAP_EXTERN(int) vsnap_domain_check(vsnap_check_item **out, size_t *count, vsnap_domain *dom,
	unsigned int flags);
/** Frees findings. NULL is ignored. */
VSNAP_EXTERN(void) vsnap_check_items_free(vsnap_check_item *items, size_t count);
/** A short name of a kind ("orphan-tag", ...). Never NULL. */
VSNAP_EXTERN(const char *) vsnap_check_kind_name(int kind);

VSNAP_END_DECL
#endif

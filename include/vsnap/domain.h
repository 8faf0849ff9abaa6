/*
 * Domains (virtual machines) of a connection.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_DOMAIN_H
#define VSNAP_DOMAIN_H

#include "common.h"
#include "conn.h"

VSNAP_BEGIN_DECL

typedef struct vsnap_domain vsnap_domain;

/** Run states, numbered as libvirt's virDomainState. */
typedef enum {
	VSNAP_DOMAIN_NOSTATE = 0,
	VSNAP_DOMAIN_RUNNING = 1,
	VSNAP_DOMAIN_BLOCKED = 2,
	VSNAP_DOMAIN_PAUSED = 3,   /**< ESX: suspended counts as paused only for snapshots */
	VSNAP_DOMAIN_SHUTDOWN = 4,
	VSNAP_DOMAIN_SHUTOFF = 5,
	VSNAP_DOMAIN_CRASHED = 6,
	VSNAP_DOMAIN_PMSUSPENDED = 7,
} vsnap_domain_state;

/** libvirt's name of a state ("running", "shut off", ...). Never NULL. */
VSNAP_EXTERN(const char *) vsnap_domain_state_name(int state);

typedef struct {
	char *name;
	char *uuid;          /**< "xxxxxxxx-xxxx-..." */
	char *id;            /**< driver's id: ESX MoRef ("vm-42", "3"), QEMU: the name */
	int state;           /**< vsnap_domain_state */
	unsigned long long memory_kib;
	unsigned int vcpus;
	int has_snapshots;   /**< 1 when at least one snapshot exists, -1 unknown */
	int persistent;      /**< 1 when defined (always 1 on ESX) */
} vsnap_domain_info;

/** Frees the strings of one info (not the struct itself). */
VSNAP_EXTERN(void) vsnap_domain_info_clear(vsnap_domain_info *info);
/** Frees an array returned by vsnap_domain_list(). */
VSNAP_EXTERN(void) vsnap_domain_info_list_free(vsnap_domain_info *list, size_t count);

typedef enum {
	VSNAP_LIST_DOMAINS_ACTIVE = 1u << 0,   /**< running or paused */
	VSNAP_LIST_DOMAINS_INACTIVE = 1u << 1, /**< shut off */
} vsnap_domain_list_flag_t;

/** Lists domains; flags 0 means all. *out is freed with vsnap_domain_info_list_free(). */
VSNAP_EXTERN(int) vsnap_domain_list(vsnap_domain_info **out, size_t *count, vsnap_conn *conn,
	unsigned int flags);

/**
 * Finds a domain by name, UUID or driver id (MoRef). VSNAP_ENOTFOUND when none matches,
 * VSNAP_EAMBIGUOUS when several do. Free *out with vsnap_domain_free().
 */
VSNAP_EXTERN(int) vsnap_domain_lookup(vsnap_domain **out, vsnap_conn *conn, const char *key);
VSNAP_EXTERN(void) vsnap_domain_free(vsnap_domain *dom);

VSNAP_EXTERN(const char *) vsnap_domain_name(const vsnap_domain *dom);
VSNAP_EXTERN(const char *) vsnap_domain_uuid(const vsnap_domain *dom);
VSNAP_EXTERN(const char *) vsnap_domain_id(const vsnap_domain *dom);
VSNAP_EXTERN(vsnap_conn *) vsnap_domain_conn(const vsnap_domain *dom);

/** Fresh information from the hypervisor. Clear with vsnap_domain_info_clear(). */
VSNAP_EXTERN(int) vsnap_domain_get_info(vsnap_domain_info *out, vsnap_domain *dom);

/** The domain's libvirt XML (ESX: its .vmx downloaded and translated). Free the string. */
VSNAP_EXTERN(int) vsnap_domain_get_xml(char **out, vsnap_domain *dom, unsigned int flags);

typedef enum {
	/** Check the XML against libvirt's domain schema first (VSNAP_EPARSE naming the line
	 * when it does not validate). Added in 0.2. */
	VSNAP_DOMAIN_DEFINE_VALIDATE = 1u << 0,
} vsnap_domain_define_flag_t;

/** Defines (QEMU) a domain from libvirt XML. VSNAP_EUNSUPPORTED on ESX.
 * flags: vsnap_domain_define_flag_t. */
VSNAP_EXTERN(int) vsnap_domain_define(vsnap_domain **out, vsnap_conn *conn, const char *xml,
	unsigned int flags);

typedef enum {
	/** Also drop the snapshot metadata (never the data) of a domain that has snapshots. */
	VSNAP_UNDEFINE_SNAPSHOTS_METADATA = 1u << 0,
} vsnap_undefine_flag_t;

/** Undefines; refused with VSNAP_EOPERATION while snapshots exist unless the flag says. */
VSNAP_EXTERN(int) vsnap_domain_undefine(vsnap_domain *dom, unsigned int flags);

typedef enum {
	/** Leave the guest paused after starting it (QEMU; VSNAP_EUNSUPPORTED on ESX, where
	 * powering on always runs the guest). Added in 0.2. */
	VSNAP_DOMAIN_START_PAUSED = 1u << 0,
} vsnap_domain_start_flag_t;

/** Starts a shut-off domain; flags: vsnap_domain_start_flag_t. */
VSNAP_EXTERN(int) vsnap_domain_start(vsnap_domain *dom, unsigned int flags);
VSNAP_EXTERN(int) vsnap_domain_shutdown(vsnap_domain *dom, unsigned int flags);
VSNAP_EXTERN(int) vsnap_domain_destroy(vsnap_domain *dom, unsigned int flags);
VSNAP_EXTERN(int) vsnap_domain_suspend(vsnap_domain *dom, unsigned int flags);
VSNAP_EXTERN(int) vsnap_domain_resume(vsnap_domain *dom, unsigned int flags);
VSNAP_EXTERN(int) vsnap_domain_reset(vsnap_domain *dom, unsigned int flags);

VSNAP_END_DECL
#endif

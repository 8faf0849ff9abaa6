/* The public domain API: argument checks, then the driver. SPDX-License-Identifier: GPL-2.0-or-later */
#include "core/driver.h"
#include "core/error.h"
#include "xml/schema_validate.h"

#include <stdlib.h>
#include <string.h>

static const char *const state_names[] = {
	"no state", "running", "idle", "paused", "in shutdown", "shut off", "crashed",
	"pmsuspended",
};

const char *vsnap_domain_state_name(int state)
{
	if (state < 0 || (size_t)state >= sizeof(state_names) / sizeof(state_names[0]))
		return "unknown";
	return state_names[state];
}

void vsnap_domain_info_clear(vsnap_domain_info *info)
{
	if (!info)
		return;
	free(info->name);
	free(info->uuid);
	free(info->id);
	memset(info, 0, sizeof(*info));
}

void vsnap_domain_info_list_free(vsnap_domain_info *list, size_t count)
{
	if (!list)
		return;
	for (size_t i = 0; i < count; i++)
		vsnap_domain_info_clear(&list[i]);
	free(list);
}

static int unsupported(const vsnap_conn *conn, const char *what)
{
	return vsnap__error_set(VSNAP_EUNSUPPORTED, VSNAP_ERRCLASS_INVALID,
		"the %s driver cannot %s", conn->driver->name, what);
}

int vsnap_domain_list(vsnap_domain_info **out, size_t *count, vsnap_conn *conn,
	unsigned int flags)
{
	if (!out || !count || !conn)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID, "NULL argument");
	*out = NULL;
	*count = 0;
	if (flags & ~(unsigned int)(VSNAP_LIST_DOMAINS_ACTIVE | VSNAP_LIST_DOMAINS_INACTIVE))
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"unknown domain list flags 0x%x", flags);
	if (!conn->driver->domain_list)
		return unsupported(conn, "list domains");
	return conn->driver->domain_list(out, count, conn, flags);
}

static int wrap_info(vsnap_domain **out, vsnap_conn *conn, vsnap_domain_info *info)
{
	vsnap_domain *dom = calloc(1, sizeof(*dom));

	if (!dom) {
		vsnap_domain_info_clear(info);
		return vsnap__error_oom();
	}
	dom->conn = conn;
	dom->info = *info;
	*out = dom;
	return 0;
}

int vsnap_domain_lookup(vsnap_domain **out, vsnap_conn *conn, const char *key)
{
	vsnap_domain_info info = { 0 };
	int rc;

	if (!out || !conn || !key || !*key)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"a domain name, UUID or id is required");
	*out = NULL;
	if (!conn->driver->domain_lookup)
		return unsupported(conn, "look up domains");
	if ((rc = conn->driver->domain_lookup(&info, conn, key)))
		return rc;
	return wrap_info(out, conn, &info);
}

void vsnap_domain_free(vsnap_domain *dom)
{
	if (!dom)
		return;
	vsnap_domain_info_clear(&dom->info);
	free(dom);
}

const char *vsnap_domain_name(const vsnap_domain *dom) { return dom ? dom->info.name : NULL; }
const char *vsnap_domain_uuid(const vsnap_domain *dom) { return dom ? dom->info.uuid : NULL; }
const char *vsnap_domain_id(const vsnap_domain *dom) { return dom ? dom->info.id : NULL; }
vsnap_conn *vsnap_domain_conn(const vsnap_domain *dom) { return dom ? dom->conn : NULL; }

int vsnap_domain_get_info(vsnap_domain_info *out, vsnap_domain *dom)
{
	if (!out || !dom)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID, "NULL argument");
	memset(out, 0, sizeof(*out));
	if (!dom->conn->driver->domain_get_info)
		return unsupported(dom->conn, "report domain information");
	return dom->conn->driver->domain_get_info(out, dom);
}

int vsnap_domain_get_xml(char **out, vsnap_domain *dom, unsigned int flags)
{
	if (!out || !dom)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID, "NULL argument");
	*out = NULL;
	if (!dom->conn->driver->domain_get_xml)
		return unsupported(dom->conn, "produce domain XML");
	return dom->conn->driver->domain_get_xml(out, dom, flags);
}

int vsnap_domain_define(vsnap_domain **out, vsnap_conn *conn, const char *xml, unsigned int flags)
{
	vsnap_domain_info info = { 0 };
	int rc;

	if (!out || !conn || !xml)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID, "NULL argument");
	*out = NULL;
	if (flags & ~(unsigned int)VSNAP_DOMAIN_DEFINE_VALIDATE)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"unknown define flags 0x%x", flags);
	if (!conn->driver->domain_define)
		return unsupported(conn, "define domains");
	if ((flags & VSNAP_DOMAIN_DEFINE_VALIDATE) &&
			(rc = vsnap__xml_schema_validate(xml, "domain")) < 0)
		return vsnap__error_prefix("cannot define a domain");
	if ((rc = conn->driver->domain_define(&info, conn, xml,
			flags & ~(unsigned int)VSNAP_DOMAIN_DEFINE_VALIDATE)))
		return rc;
	return wrap_info(out, conn, &info);
}

int vsnap_domain_undefine(vsnap_domain *dom, unsigned int flags)
{
	if (!dom)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID, "NULL domain");
	if (flags & ~(unsigned int)VSNAP_UNDEFINE_SNAPSHOTS_METADATA)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"unknown undefine flags 0x%x", flags);
	if (!dom->conn->driver->domain_undefine)
		return unsupported(dom->conn, "undefine domains");
	return dom->conn->driver->domain_undefine(dom, flags);
}

/* The flags each power operation knows. */
static unsigned int power_flags(const char *member)
{
	return strcmp(member, "domain_start") == 0 ? (unsigned int)VSNAP_DOMAIN_START_PAUSED : 0;
}

/* The power operations share one shape: check, dispatch, name the domain in any error. */
#define POWER_OP(fn, member, what)                                                     \
	int fn(vsnap_domain *dom, unsigned int flags)                                    \
	{                                                                                \
		int rc;                                                                  \
		if (!dom)                                                                \
			return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,  \
				"NULL domain");                                          \
		if (!dom->conn->driver->member)                                          \
			return unsupported(dom->conn, what " domains");                  \
		if (flags & ~power_flags(#member))                                       \
			return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,  \
				"unknown " what " flags 0x%x", flags);                    \
		if ((rc = dom->conn->driver->member(dom, flags)))                        \
			vsnap__error_prefix("cannot " what " domain '%s'", dom->info.name); \
		return rc;                                                               \
	}

POWER_OP(vsnap_domain_start, domain_start, "start")
POWER_OP(vsnap_domain_shutdown, domain_shutdown, "shut down")
POWER_OP(vsnap_domain_destroy, domain_destroy, "destroy")
POWER_OP(vsnap_domain_suspend, domain_suspend, "suspend")
POWER_OP(vsnap_domain_resume, domain_resume, "resume")
POWER_OP(vsnap_domain_reset, domain_reset, "reset")

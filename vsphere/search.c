/*
 * search.c: SearchIndex lookups of a virtual machine (by BIOS or instance UUID, inventory
 * path, IP address, DNS name). An empty answer is VSNAP_ENOTFOUND.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vsphere/internal.h"

typedef enum { BY_UUID, BY_PATH, BY_IP, BY_DNS } by_kind;

struct find_arg {
	by_kind kind;
	const char *key;
	int instance_uuid;
	vsnap_vs_moref found;
};

static int call_find(vsnap_vs_client *c, void *arg)
{
	struct find_arg *a = arg;
	struct soap *s = c->soap;
	vim25__MoRef *si = vsnap__vs_soap_moref(s, "SearchIndex", c->search_index);
	char *key = soap_strdup(s, a->key);
	vim25__MoRef *ret = NULL;
	int rc;

	switch (a->kind) {
	case BY_UUID: {
		enum xsd__boolean *inst = soap_malloc(s, sizeof(*inst));

		if (inst)
			*inst = a->instance_uuid ? true_ : false_;
		VSNAP_VS_CALL(rc, ret, c, FindByUuid, si, NULL, key, true_, inst);
		break;
	}
	case BY_PATH:
		VSNAP_VS_CALL(rc, ret, c, FindByInventoryPath, si, key);
		break;
	case BY_IP:
		VSNAP_VS_CALL(rc, ret, c, FindByIp, si, NULL, key, true_);
		break;
	default:
		VSNAP_VS_CALL(rc, ret, c, FindByDnsName, si, NULL, key, true_);
		break;
	}
	if (rc == SOAP_OK && ret && vsnap__vs_moref_from_soap(&a->found, ret) < 0) {
		c->x.error_set = 1;
		return SOAP_USER_ERROR;
	}
	return rc;
}

static int find(vsnap_vs_moref *out, vsnap_vs_client *c, by_kind kind, const char *key,
	int instance_uuid)
{
	static const char *const ops[] = {
		"FindByUuid", "FindByInventoryPath", "FindByIp", "FindByDnsName",
	};
	static const char *const keys[] = { "UUID", "inventory path", "IP address", "DNS name" };
	struct find_arg a = { kind, key, instance_uuid, { NULL, NULL } };
	char what[512];
	int rc;

	out->type = out->value = NULL;
	if (!key || !*key)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"%s: empty %s", ops[kind], keys[kind]);
	if (!c->search_index)
		return vsnap__error_set(VSNAP_EUNSUPPORTED, VSNAP_ERRCLASS_ESX,
			"%s: the server has no SearchIndex", ops[kind]);
	snprintf(what, sizeof(what), "%s '%s'", keys[kind], key);
	if ((rc = vsnap__vs_invoke(c, ops[kind], what, call_find, &a, VSNAP_VS_CALL_READ)) < 0)
		return rc;
	if (!a.found.value)
		return vsnap__error_set(VSNAP_ENOTFOUND, VSNAP_ERRCLASS_ESX,
			"no virtual machine with %s '%s'", keys[kind], key);
	*out = a.found;
	return 0;
}

int vsnap__vs_find_by_uuid(vsnap_vs_moref *out, vsnap_vs_client *c, const char *uuid,
	int instance_uuid)
{
	return find(out, c, BY_UUID, uuid, instance_uuid);
}

int vsnap__vs_find_by_path(vsnap_vs_moref *out, vsnap_vs_client *c, const char *inventory_path)
{
	return find(out, c, BY_PATH, inventory_path, 0);
}

int vsnap__vs_find_by_ip(vsnap_vs_moref *out, vsnap_vs_client *c, const char *ip)
{
	return find(out, c, BY_IP, ip, 0);
}

int vsnap__vs_find_by_dns(vsnap_vs_moref *out, vsnap_vs_client *c, const char *dns_name)
{
	return find(out, c, BY_DNS, dns_name, 0);
}

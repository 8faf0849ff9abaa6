/*
 * util.c: small helpers of vsphere/: MoRefs, xsd:dateTime, datastore paths.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vsphere/internal.h"

char *vsnap__vs_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* Copies s (NULL stays NULL) into *out; VSNAP_ENOMEM when the copy fails. */
int vsnap__vs_dup(char **out, const char *s)
{
	*out = NULL;
	if (!s)
		return 0;
	if (!(*out = strdup(s)))
		return vsnap__error_oom();
	return 0;
}

int vsnap__vs_moref_set(vsnap_vs_moref *out, const char *type, const char *value)
{
	char *t = NULL, *v = NULL;

	if (vsnap__vs_dup(&t, type) < 0 || vsnap__vs_dup(&v, value) < 0) {
		free(t);
		return VSNAP_ENOMEM;
	}
	out->type = t;
	out->value = v;
	return 0;
}

void vsnap__vs_moref_clear(vsnap_vs_moref *ref)
{
	if (!ref)
		return;
	free(ref->type);
	free(ref->value);
	ref->type = ref->value = NULL;
}

/* A MoRef in the gSOAP arena (freed by soap_end), for requests. */
vim25__MoRef *vsnap__vs_soap_moref(struct soap *soap, const char *type, const char *value)
{
	vim25__MoRef *r = soap_malloc(soap, sizeof(*r));

	if (!r)
		return NULL;
	soap_default_vim25__ManagedObjectReference(soap, r);
	r->type = soap_strdup(soap, type);
	r->__item = soap_strdup(soap, value);
	return r;
}

int vsnap__vs_moref_from_soap(vsnap_vs_moref *out, const vim25__MoRef *ref)
{
	out->type = out->value = NULL;
	if (!ref || !ref->__item)
		return 0;
	return vsnap__vs_moref_set(out, ref->type, ref->__item);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (no timegm: keep it portable). */
static long long days_from_civil(long long y, unsigned m, unsigned d)
{
	long long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

/*
 * Parses "2025-12-15T18:47:39.073973Z" (fraction and zone optional; "+hh:mm"/"-hh:mm" zones)
 * into seconds since the epoch, UTC. Returns -1 when malformed.
 */
long long vsnap__vs_parse_datetime(const char *text)
{
	int y, mo, d, h, mi, s, n = 0;
	const char *p;
	long long t;

	if (!text || sscanf(text, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &n) != 6)
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
		return -1;
	t = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400LL + h * 3600 + mi * 60 + s;
	p = text + n;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	if (*p == '+' || *p == '-') {
		int zh, zm;

		if (sscanf(p + 1, "%2d:%2d", &zh, &zm) != 2)
			return -1;
		t += (*p == '+' ? -1 : 1) * (zh * 3600LL + zm * 60LL);
	} else if (*p != 'Z' && *p != '\0') {
		return -1;
	}
	return t;
}

/* "VirtualMachine 'vm-42'" into buf, for messages. */
const char *vsnap__vs_obj_desc(char *buf, size_t size, const char *type, const char *value)
{
	snprintf(buf, size, "%s '%s'", type ? type : "object", value ? value : "?");
	return buf;
}

int vsnap__vs_ds_path_split(char **datastore, char **path, const char *ds_path)
{
	const char *close;
	const char *rest;

	*datastore = *path = NULL;
	if (!ds_path || ds_path[0] != '[' || !(close = strchr(ds_path, ']')))
		return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_ESX,
			"datastore path '%s' is not of the form '[datastore] dir/file'",
			ds_path ? ds_path : "(null)");
	rest = close + 1;
	while (*rest == ' ')
		rest++;
	if (!(*datastore = strndup(ds_path + 1, (size_t)(close - ds_path - 1))) ||
	    !(*path = strdup(rest))) {
		free(*datastore);
		*datastore = NULL;
		return vsnap__error_oom();
	}
	return 0;
}

void vsnap__vs_snapshots_free(vsnap_vs_snapshot *nodes, size_t n)
{
	size_t i;

	if (!nodes)
		return;
	for (i = 0; i < n; i++) {
		vsnap_vs_snapshot *s = &nodes[i];

		vsnap__vs_moref_clear(&s->moref);
		free(s->name);
		free(s->description);
		free(s->create_time_raw);
		free(s->state);
		free(s->backup_manifest);
		vsnap__vs_snapshots_free(s->children, s->nchildren);
	}
	free(nodes);
}

const vsnap_vs_snapshot *vsnap__vs_snapshot_find(const vsnap_vs_snapshot *roots, size_t n,
	const char *moref_value)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const vsnap_vs_snapshot *hit;

		if (roots[i].moref.value && !strcmp(roots[i].moref.value, moref_value))
			return &roots[i];
		if ((hit = vsnap__vs_snapshot_find(roots[i].children, roots[i].nchildren,
				moref_value)))
			return hit;
	}
	return NULL;
}

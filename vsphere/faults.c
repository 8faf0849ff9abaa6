/*
 * faults.c: vSphere faults and failed gSOAP calls as vsnap errors. A fault arrives as raw XML
 * (SOAP-ENV:Fault/detail/<XFault xsi:type="T">, TaskInfo.error.fault, missingSet[].fault): its
 * type name comes from xsi:type (matched by local name: vcsim writes the prefix
 * "XMLSchema-instance:"), its useful fields are read by element name, and a fault type we do
 * not know keeps its raw XML in the message.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vsphere/internal.h"

/* Faults of the snapshot/task API we name and decode (see docs/fixtures.md). */
static const char *const known_faults[] = {
	"ApplicationQuiesceFault", "FileFault", "FileNotFound", "FilesystemQuiesceFault",
	"InsufficientResourcesFault", "InvalidArgument", "InvalidCollectorVersion", "InvalidLogin",
	"InvalidName", "InvalidPowerState", "InvalidProperty", "InvalidRequest", "InvalidState",
	"ManagedObjectNotFound", "MemorySnapshotOnIndependentDisk", "MethodNotFound",
	"MultipleSnapshotsNotSupported", "NoDiskSpace", "NotAuthenticated", "NotFound",
	"NotSupported", "RequestCanceled", "RestrictedVersion", "SnapshotDisabled", "SnapshotFault",
	"SnapshotIncompatibleDeviceInVm", "SnapshotLocked", "SnapshotNoChange", "SystemError",
	"TaskInProgress", "TooManySnapshotLevels", "VmConfigFault", "NoPermission", "SecurityError",
	"HostCommunication", "RuntimeFault", "NotImplemented", "MethodFault", "VimFault", "InvalidDatastore",
	NULL,
};

static int is_known(const char *type)
{
	size_t i;

	for (i = 0; known_faults[i]; i++)
		if (!strcmp(known_faults[i], type))
			return 1;
	return 0;
}

/* Copies [b, e) replacing the five predefined XML entities. */
static char *xml_text(const char *b, const char *e)
{
	char *out = malloc((size_t)(e - b) + 1), *o = out;

	if (!out)
		return NULL;
	while (b < e) {
		static const struct { const char *ent; char ch; } ents[] = {
			{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' },
			{ "&apos;", '\'' },
		};
		size_t k;
		int done = 0;

		for (k = 0; *b == '&' && k < sizeof(ents) / sizeof(ents[0]); k++) {
			size_t l = strlen(ents[k].ent);

			if ((size_t)(e - b) >= l && !strncmp(b, ents[k].ent, l)) {
				*o++ = ents[k].ch;
				b += l;
				done = 1;
				break;
			}
		}
		if (!done)
			*o++ = *b++;
	}
	*o = '\0';
	return out;
}

/* Local name of the qualified name at p (stops at space, '>', '/', '='); sets *len. */
static const char *local_name(const char *p, size_t *len)
{
	const char *s = p, *e = p;

	while (*e && !strchr(" \t\r\n>/=", *e)) {
		if (*e == ':')
			s = e + 1;
		e++;
	}
	*len = (size_t)(e - s);
	return s;
}

char *vsnap__vs_fault_type(const char *raw)
{
	const char *p, *name, *end;
	size_t nlen;

	if (!raw || !(p = strchr(raw, '<')))
		return NULL;
	name = local_name(p + 1, &nlen);
	end = strchr(p, '>');
	/* Attributes of the first start tag: a prefixed "type" is xsi:type whatever the prefix. */
	for (p = p + 1; end && p < end; p++) {
		const char *attr = p;
		size_t alen;
		const char *an;

		if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			continue;
		while (*attr == ' ' || *attr == '\t' || *attr == '\n' || *attr == '\r')
			attr++;
		an = local_name(attr, &alen);
		if (an != attr && alen == 4 && !strncmp(an, "type", 4) && an[4] == '=') {
			char q = an[5];
			const char *v = an + 6, *ve = (q == '"' || q == '\'') ? strchr(v, q) : NULL;
			const char *colon;

			if (!ve)
				break;
			colon = memchr(v, ':', (size_t)(ve - v));
			return strndup(colon ? colon + 1 : v, (size_t)(ve - (colon ? colon + 1 : v)));
		}
	}
	if (nlen > 5 && !strncmp(name + nlen - 5, "Fault", 5) &&
	    !(nlen == 26 && !strncmp(name, "InsufficientResourcesFault", 26)))
		nlen -= 5;
	return strndup(name, nlen);
}

/* Text of the first element with local name `field` inside raw, or NULL (malloc'ed). */
static char *fault_field(const char *raw, const char *field)
{
	const char *p = raw;
	size_t flen = strlen(field);

	while ((p = strchr(p, '<'))) {
		size_t nlen;
		const char *n = local_name(p + 1, &nlen), *gt, *lt;

		p++;
		if (*p == '/' || nlen != flen || strncmp(n, field, flen))
			continue;
		if (!(gt = strchr(p, '>')) || gt[-1] == '/' || !(lt = strchr(gt, '<')))
			return NULL;
		return xml_text(gt + 1, lt);
	}
	return NULL;
}

int vsnap__vs_fault_raise(const char *raw, const char *message, const char *context)
{
	static const char *const fields[][2] = {
		{ "file", "file" }, { "name", "name" }, { "existingState", "existing state" },
		{ "requestedState", "requested state" }, { "task", "task" },
		{ "property", "property" }, { "obj", "object" }, { "datastore", "datastore" },
	};
	char *type = vsnap__vs_fault_type(raw);
	char extra[512] = "";
	size_t off = 0, i;
	int code, rc;

	for (i = 0; raw && i < sizeof(fields) / sizeof(fields[0]); i++) {
		char *v = fault_field(raw, fields[i][0]);

		if (v && *v && off < sizeof(extra))
			off += (size_t)snprintf(extra + off, sizeof(extra) - off, "%s%s '%s'",
				off ? ", " : " (", fields[i][1], v);
		free(v);
	}
	if (off && off < sizeof(extra))
		snprintf(extra + off, sizeof(extra) - off, ")");
	code = VSNAP_EFAULT;
	if (type && (!strcmp(type, "InvalidLogin") || !strcmp(type, "NotAuthenticated")))
		code = VSNAP_EAUTH;
	if (type && !is_known(type))
		rc = vsnap__error_set_fault(code, VSNAP_ERRCLASS_ESX, type,
			"%s: vSphere fault %s: %s%s; fault XML: %.600s", context, type,
			message && *message ? message : "(no message)", extra, raw);
	else
		rc = vsnap__error_set_fault(code, VSNAP_ERRCLASS_ESX, type ? type : "MethodFault",
			"%s: vSphere fault %s: %s%s", context, type ? type : "(untyped)",
			message && *message ? message : "(no message)", extra);
	free(type);
	return rc;
}

/* What a reply that is not the expected SOAP response holds, for the message: the first
 * element inside the SOAP Body, else the start of the text on one line. */
static int arrived(const vsnap_vs_client *c, const char *op, char *out, size_t size)
{
	const char *b = c->x.resp.ptr, *body = b ? strstr(b, "Body>") : NULL, *lt;
	size_t i;

	if (!b || !c->x.resp.len) {
		snprintf(out, size, "the body is empty");
		return 0;
	}
	if (body && (lt = strchr(body, '<')) && lt[1] != '/') {
		size_t n = strcspn(lt + 1, " \t\r\n/>");
		const char *name = memchr(lt + 1, ':', n) ? (const char *)memchr(lt + 1, ':', n) + 1
			: lt + 1;
		size_t nn = n - (size_t)(name - (lt + 1)), ol = strlen(op);

		/* The expected element, but unreadable: malformed or cut short, not foreign. */
		if (nn == ol + 8 && !strncmp(name, op, ol) && !strncmp(name + ol, "Response", 8))
			return 1;
		snprintf(out, size, "the SOAP Body holds <%.*s>", (int)(n > 80 ? 80 : n), lt + 1);
		return 0;
	}
	snprintf(out, size, "it begins '%.100s'", b);
	for (i = 0; out[i]; i++)
		if (out[i] == '\n' || out[i] == '\r' || out[i] == '\t')
			out[i] = ' ';
	return 0;
}

/* Maps soap->error of a finished call to a vsnap error about "<op> on <what>". */
int vsnap__vs_soap_error(vsnap_vs_client *c, const char *op, const char *what)
{
	struct soap *soap = c->soap;
	char ctx[512];

	snprintf(ctx, sizeof(ctx), "%s on %s", op, what);
	if (c->x.error_set)
		return vsnap_error_last()->code;
	if (!c->replay_dir && (c->x.http_status == 0 || c->x.curl_code))
		return vsnap__vs_transport_error(c, ctx);
	if (soap->error == SOAP_FAULT && soap->fault) {
		const struct SOAP_ENV__Detail *d = soap->fault->detail ? soap->fault->detail
			: soap->fault->SOAP_ENV__Detail;
		const char *fs = soap->fault->faultstring;

		if (soap->fault->SOAP_ENV__Reason && soap->fault->SOAP_ENV__Reason->SOAP_ENV__Text)
			fs = soap->fault->SOAP_ENV__Reason->SOAP_ENV__Text;
		return vsnap__vs_fault_raise(d ? d->__any : NULL, fs, ctx);
	}
	if ((soap->error >= 200 && soap->error < 300) ||
	    (c->x.http_status >= 200 && c->x.http_status < 300)) {
		/* gSOAP reports a 2xx reply it could not read as that status or as a tag
		 * mismatch: no HTTP error, the body was not the SOAP reply expected. */
		char got[160];

		if (!arrived(c, op, got, sizeof(got)))
			return vsnap__error_set(VSNAP_ENETWORK, VSNAP_ERRCLASS_SOAP,
				"%s: '%s' answered HTTP %ld with %zu bytes that are not a SOAP "
				"<%sResponse>: %s", ctx, c->url, c->x.http_status ?
				c->x.http_status : (long)soap->error, c->x.resp.len, op, got);
	}
	/* (A 2xx here holds the expected element, cut short: "malformed" below.) */
	if (soap->error >= 100 && soap->error < 600 && (soap->error < 200 || soap->error > 299)) {
		/* The body is often an HTML page: keep its start, on one line. */
		char excerpt[201];
		size_t i;

		snprintf(excerpt, sizeof(excerpt), "%s", c->x.resp.len ? c->x.resp.ptr
			: "empty body");
		for (i = 0; excerpt[i]; i++)
			if (excerpt[i] == '\n' || excerpt[i] == '\r' || excerpt[i] == '\t')
				excerpt[i] = ' ';
		return vsnap__error_set(VSNAP_ENETWORK, VSNAP_ERRCLASS_NET,
			"%s: HTTP status %d from '%s' (%s)", ctx, soap->error, c->url, excerpt);
	}
	{
		char buf[256];

		soap_sprint_fault(soap, buf, sizeof(buf));
		buf[strcspn(buf, "\n")] = '\0';
		return vsnap__error_set(VSNAP_ENETWORK, VSNAP_ERRCLASS_SOAP,
			"%s: malformed reply (HTTP %ld, %zu bytes): gSOAP error %d: %s", ctx,
			c->x.http_status, c->x.resp.len, soap->error, buf);
	}
}

/*
 * A .vmx as ESX keeps it may lack keys the translator needs (a VM made through the API, or
 * vcsim's few-key files): what the VM's config properties already say is added in front of
 * the text, each addition reported as a warning, so dumpxml works instead of failing on
 * "missing essential key".
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "esxdrv/esx_private.h"
#include "core/error.h"
#include "core/strbuf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Whether a line of `text` sets `key` (case-insensitive, as .vmx keys are). */
static int has_key(const char *text, size_t len, const char *key)
{
	size_t klen = strlen(key);
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *q = p;

		while (q < end && (*q == ' ' || *q == '\t'))
			q++;
		if ((size_t)(end - q) > klen && !strncasecmp(q, key, klen) &&
		    (q[klen] == ' ' || q[klen] == '\t' || q[klen] == '='))
			return 1;
		p = eol ? eol + 1 : end;
	}
	return 0;
}

/* A value safe to write between the quotes of a .vmx line. */
static int plain(const char *s)
{
	for (; s && *s; s++)
		if (*s == '"' || *s == '|' || iscntrl((unsigned char)*s))
			return 0;
	return s != NULL;
}

int esx_vmx_fill(char **out, size_t *out_len, vsnap_conn *conn, const vsnap_vs_vm *vm,
	const char *vmx, size_t len)
{
	vsnap__strbuf b = VSNAP__STRBUF_INIT;
	char num[32], cpus[32];
	struct { const char *key, *value, *from; } add[] = {
		{ "config.version", "8", "the format every ESX release writes" },
		{ "virtualHW.version", "4", "the oldest hardware version (the VM's own is not read)" },
		{ "displayName", plain(vm->name) ? vm->name : NULL, "the VM's name" },
		{ "memsize", NULL, "config.hardware.memoryMB" },
		{ "numvcpus", NULL, "config.hardware.numCPU" },
	};

	if (vm->memory_mb > 0) {
		snprintf(num, sizeof(num), "%d", vm->memory_mb);
		add[3].value = num;
	}
	if (vm->num_cpu > 0) {
		snprintf(cpus, sizeof(cpus), "%d", vm->num_cpu);
		add[4].value = cpus;
	}
	for (size_t i = 0; i < sizeof(add) / sizeof(add[0]); i++) {
		if (!add[i].value || has_key(vmx, len, add[i].key))
			continue;
		vsnap__strbuf_appendf(&b, "%s = \"%s\"\n", add[i].key, add[i].value);
		vsnap__conn_warn(conn, "%s: key '%s' is missing: \"%s\" taken from %s",
			vm->vmx_path ? vm->vmx_path : "the .vmx", add[i].key, add[i].value,
			add[i].from);
	}
	vsnap__strbuf_append_n(&b, vmx, len);
	*out_len = b.len;
	return vsnap__strbuf_detach(out, &b);
}

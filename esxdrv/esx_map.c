/*
 * Pure mappings between what vSphere reports and vsnap's model: power states, domain info,
 * and the snapshot forest (no I/O here, so tests feed it hand-made trees).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "esxdrv/esx_private.h"
#include "core/error.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

int esx_power_to_domain_state(const char *power_state)
{
	if (!power_state)
		return VSNAP_DOMAIN_NOSTATE;
	if (strcmp(power_state, "poweredOn") == 0)
		return VSNAP_DOMAIN_RUNNING;
	if (strcmp(power_state, "suspended") == 0)
		return VSNAP_DOMAIN_PAUSED;   /* as libvirt's ESX driver: suspended reads as paused */
	if (strcmp(power_state, "poweredOff") == 0)
		return VSNAP_DOMAIN_SHUTOFF;
	return VSNAP_DOMAIN_NOSTATE;
}

static int dup_or_null(char **out, const char *s)
{
	*out = NULL;
	if (s && !(*out = strdup(s)))
		return vsnap__error_oom();
	return 0;
}

int esx_vm_to_info(vsnap_domain_info *out, const vsnap_vs_vm *vm, int has_snapshots)
{
	memset(out, 0, sizeof(*out));
	/* A VM object the server sent without its name (no privilege to read it) is still
	 * addressable: it goes by its MoRef, as unnamed snapshots do, never by NULL. */
	if (dup_or_null(&out->name, vm->name ? vm->name : vm->moref.value) ||
		dup_or_null(&out->uuid, vm->uuid) ||
		dup_or_null(&out->id, vm->moref.value)) {
		vsnap_domain_info_clear(out);
		return VSNAP_ENOMEM;
	}
	out->state = esx_power_to_domain_state(vm->power_state);
	out->memory_kib = vm->memory_mb > 0 ? (unsigned long long)vm->memory_mb * 1024 : 0;
	out->vcpus = vm->num_cpu > 0 ? (unsigned int)vm->num_cpu : 0;
	out->has_snapshots = has_snapshots;
	out->persistent = 1;
	return 0;
}

/*
 * ESX records only the power state at snapshot time; memory=false records poweredOff even
 * for a running VM. So: poweredOn -> running and suspended -> paused (both hold memory);
 * poweredOff -> shutoff, except a quiesced one: quiescing needs a running guest, so it is a
 * disk-only snapshot of a running VM -> disk-snapshot. docs/esx.md explains the choice.
 */
int esx_snapshot_state(const char *power_state, int quiesced)
{
	if (!power_state)
		return VSNAP_SNAPSHOT_NOSTATE;
	if (strcmp(power_state, "poweredOn") == 0)
		return VSNAP_SNAPSHOT_RUNNING;
	if (strcmp(power_state, "suspended") == 0)
		return VSNAP_SNAPSHOT_PAUSED;
	if (strcmp(power_state, "poweredOff") == 0)
		return quiesced > 0 ? VSNAP_SNAPSHOT_DISK_SNAPSHOT : VSNAP_SNAPSHOT_SHUTOFF;
	return VSNAP_SNAPSHOT_NOSTATE;
}

vsnap_vs_moref esx_snapshot_ref(const char *value)
{
	vsnap_vs_moref ref = { (char *)"VirtualMachineSnapshot", (char *)value };

	return ref;
}

const char *esx_snapshot_label(const vsnap_vs_vm_info *info, const char *moref)
{
	const vsnap_vs_snapshot *s;

	if (info && moref && (s = vsnap__vs_snapshot_find(info->roots, info->nroots, moref)) &&
		s->name)
		return s->name;
	return moref ? moref : "(none)";
}

/*
 * Snapshot names on the wire: the server keeps '/' as "%2f" (its own path separator) and
 * wants a literal '%' written "%25". vsnap shows and takes the plain text.
 */
int esx_name_encode(char **out, const char *name)
{
	size_t n = 0;
	char *p;

	for (const char *s = name; *s; s++)
		n += (*s == '%' || *s == '/') ? 3 : 1;
	if (!(*out = p = malloc(n + 1)))
		return vsnap__error_oom();
	for (const char *s = name; *s; s++) {
		if (*s == '%' || *s == '/') {
			memcpy(p, *s == '%' ? "%25" : "%2f", 3);
			p += 3;
		} else {
			*p++ = *s;
		}
	}
	*p = '\0';
	return 0;
}

int esx_name_decode(char **out, const char *wire)
{
	char *p;

	if (!(*out = p = malloc(strlen(wire) + 1)))
		return vsnap__error_oom();
	for (const char *s = wire; *s; s++) {
		if (s[0] == '%' && s[1] && s[2] && (strncasecmp(s + 1, "2f", 2) == 0 ||
			strncmp(s + 1, "25", 2) == 0 || strncasecmp(s + 1, "5c", 2) == 0)) {
			*p++ = s[2] == '5' ? '%' : (s[2] == 'f' || s[2] == 'F') ? '/' : '\\';
			s += 2;
		} else {
			*p++ = *s;
		}
	}
	*p = '\0';
	return 0;
}

static int def_from_node(vsnap_snapshot_def **out, const vsnap_vs_snapshot *node,
	const vsnap_vs_snapshot *parent)
{
	vsnap_snapshot_def *def = vsnap__snapshot_def_new();

	if (!def)
		return vsnap__error_oom();
	if (esx_name_decode(&def->name, node->name ? node->name : node->moref.value) ||
		dup_or_null(&def->description,
			node->description && *node->description ? node->description : NULL) ||
		dup_or_null(&def->parent, parent ? parent->moref.value : NULL) ||
		dup_or_null(&def->id, node->moref.value)) {
		vsnap__snapshot_def_free(def);
		return VSNAP_ENOMEM;
	}
	def->state = esx_snapshot_state(node->state, node->quiesced);
	def->creation_time = node->create_time;
	def->quiesced = node->quiesced ? 1 : 0;
	def->memory = def->state == VSNAP_SNAPSHOT_RUNNING || def->state == VSNAP_SNAPSHOT_PAUSED ?
		VSNAP_SNAPSHOT_LOCATION_INTERNAL : VSNAP_SNAPSHOT_LOCATION_NO;
	*out = def;
	return 0;
}

static size_t count_nodes(const vsnap_vs_snapshot *roots, size_t nroots)
{
	/* Iterative: vcsim allows chains far deeper than ESX's 32 levels. */
	size_t total = 0, cap = nroots + 16, top = 0;
	const vsnap_vs_snapshot **stack = malloc(cap * sizeof(*stack));

	if (!stack)
		return (size_t)-1;
	for (size_t i = 0; i < nroots; i++)
		stack[top++] = &roots[i];
	while (top) {
		const vsnap_vs_snapshot *n = stack[--top];

		total++;
		if (top + n->nchildren > cap) {
			const vsnap_vs_snapshot **grown;

			cap = (top + n->nchildren) * 2;
			if (!(grown = realloc(stack, cap * sizeof(*stack)))) {
				free(stack);
				return (size_t)-1;
			}
			stack = grown;
		}
		for (size_t i = 0; i < n->nchildren; i++)
			stack[top++] = &n->children[i];
	}
	free(stack);
	return total;
}

int esx_forest_from_info(vsnap_forest_data *out, const vsnap_vs_vm_info *info)
{
	typedef struct { const vsnap_vs_snapshot *node, *parent; } item;
	size_t total = count_nodes(info->roots, info->nroots), top = 0;
	item *stack = NULL;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (total == (size_t)-1)
		return vsnap__error_oom();
	if (total == 0)
		return dup_or_null(&out->current_id, info->current.value);
	/* Every node is pushed exactly once, so `total` slots always suffice. */
	if (!(stack = malloc(total * sizeof(*stack))) ||
		!(out->defs = calloc(total, sizeof(*out->defs)))) {
		free(stack);
		return vsnap__error_oom();
	}
	/* Push in reverse so that pops come out in tree order (pre-order, siblings in order). */
	for (size_t i = info->nroots; i-- > 0;)
		stack[top++] = (item){ &info->roots[i], NULL };
	while (top && rc == 0) {
		item it = stack[--top];

		if ((rc = def_from_node(&out->defs[out->count], it.node, it.parent)))
			break;
		out->count++;
		for (size_t i = it.node->nchildren; i-- > 0;)
			stack[top++] = (item){ &it.node->children[i], it.node };
	}
	free(stack);
	if (rc == 0)
		rc = dup_or_null(&out->current_id, info->current.value);
	if (rc)
		vsnap__forest_data_clear(out);
	return rc;
}

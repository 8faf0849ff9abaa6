/*
 * domain_format.c: vsnap_domain_def as libvirt formats an inactive <domain>: the element and
 * attribute order of libvirt's formatter, 2-space indentation, single-quoted attributes.
 * Devices are in domain_format_dev.c.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "xml/domain_def.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "xml/domain_priv.h"

/* libvirt's order of <features> children (its feature enumeration); shared with the parser. */
const char *const vsnap__domain_feature_names[] = {
	"acpi", "apic", "pae", "hap", "viridian", "privnet", "hyperv", "kvm", "pvspinlock",
	"capabilities", "pmu", "vmport", "gic", "smm", "ioapic", "hpt", "vmcoreinfo", "htm",
	"nested-hv", "msrs", "ccf-assist", "xen", "cfpc", "sbbc", "ibs", "tcg", "async-teardown",
	"ras", "ps2", "aia", NULL
};

/* A modelled text element of <domain> (path = its name) with its kept attributes. */
static void text_element(vsnap__xmlbuf *buf, const vsnap_domain_def *def, const char *path,
	const char *text)
{
	const char *name = strrchr(path, '/');

	vsnap__domain_extra_text_element(buf, name ? name + 1 : path, NULL, text, &def->extra,
		path);
}

/* Unknown children of <domain> that libvirt puts between ranks [from, to). */
static void kept(vsnap__xmlbuf *buf, const vsnap_domain_def *def, const char *from,
	const char *to)
{
	vsnap__domain_extra_children_ranked(buf, &def->extra, "", 1,
		from ? vsnap__domain_extra_rank(from, 1) : -1,
		to ? vsnap__domain_extra_rank(to, 1) : INT_MAX);
}

static void format_memory_element(vsnap__xmlbuf *buf, const vsnap_domain_def *def,
	const char *path, unsigned long long kib)
{
	vsnap__xmlbuf attrs;
	char text[32];

	vsnap__xmlbuf_init(&attrs, 0);
	vsnap__xmlbuf_attr(&attrs, "unit", "KiB");
	snprintf(text, sizeof(text), "%llu", kib);
	vsnap__domain_extra_text_element(buf, strrchr(path, '/') ? strrchr(path, '/') + 1 : path,
		&attrs, text, &def->extra, path);
}

static void format_identity(vsnap__xmlbuf *buf, const vsnap_domain_def *def)
{
	text_element(buf, def, "name", def->name);
	text_element(buf, def, "uuid", def->uuid);
	if (def->genid && !def->genid[0])
		vsnap__domain_extra_element(buf, "genid", NULL, NULL, &def->extra, "genid");
	else
		text_element(buf, def, "genid", def->genid);
	text_element(buf, def, "title", def->title);
	text_element(buf, def, "description", def->description);
}

static void format_memory(vsnap__xmlbuf *buf, const vsnap_domain_def *def)
{
	vsnap__xmlbuf child;

	if (def->max_memory_kib) {
		vsnap__xmlbuf attrs;
		char text[32];

		vsnap__xmlbuf_init(&attrs, 0);
		vsnap__xmlbuf_attr_ull(&attrs, "slots", def->max_memory_slots);
		vsnap__xmlbuf_attr(&attrs, "unit", "KiB");
		snprintf(text, sizeof(text), "%llu", def->max_memory_kib);
		vsnap__domain_extra_text_element(buf, "maxMemory", &attrs, text, &def->extra,
			"maxMemory");
	}
	format_memory_element(buf, def, "memory", def->memory_kib);
	format_memory_element(buf, def, "currentMemory",
		def->current_memory_kib ? def->current_memory_kib : def->memory_kib);
	kept(buf, def, "maxMemory", "memtune");
	vsnap__xmlbuf_init_child(&child, buf);
	if (def->hard_limit_kib)
		format_memory_element(&child, def, "memtune/hard_limit", def->hard_limit_kib);
	if (def->soft_limit_kib)
		format_memory_element(&child, def, "memtune/soft_limit", def->soft_limit_kib);
	if (def->min_guarantee_kib)
		format_memory_element(&child, def, "memtune/min_guarantee", def->min_guarantee_kib);
	vsnap__domain_extra_element(buf, "memtune", NULL, &child, &def->extra, "memtune");
}

static void format_vcpus(vsnap__xmlbuf *buf, const vsnap_domain_def *def)
{
	vsnap__xmlbuf attrs, child;

	vsnap__xmlbuf_init(&attrs, 0);
	vsnap__xmlbuf_attr(&attrs, "placement", def->vcpu_placement ? def->vcpu_placement : "static");
	vsnap__xmlbuf_attr(&attrs, "cpuset", def->vcpu_cpuset);
	if (def->vcpus_current && def->vcpus_current != def->vcpus)
		vsnap__xmlbuf_attr_ull(&attrs, "current", def->vcpus_current);
	vsnap__domain_extra_attrs(&attrs, &def->extra, "vcpu");
	vsnap__xmlbuf_line(buf, "<vcpu%s>%u</vcpu>", vsnap__xmlbuf_cstr(&attrs),
		def->vcpus ? def->vcpus : 1);
	vsnap__xmlbuf_adopt_failure(buf, &attrs);
	vsnap__xmlbuf_clear(&attrs);
	kept(buf, def, "vcpu", "cputune");
	vsnap__xmlbuf_init_child(&child, buf);
	if (def->cputune_shares >= 0) {
		char text[32];

		snprintf(text, sizeof(text), "%lld", def->cputune_shares);
		text_element(&child, def, "cputune/shares", text);
	} else {
		text_element(&child, def, "cputune/shares", NULL);
	}
	vsnap__domain_extra_element(buf, "cputune", NULL, &child, &def->extra, "cputune");
}

static void format_os_loader(vsnap__xmlbuf *buf, const vsnap_domain_def *def)
{
	vsnap__xmlbuf attrs;

	vsnap__xmlbuf_init(&attrs, 0);
	if (def->os_loader_readonly >= 0)
		vsnap__xmlbuf_attr(&attrs, "readonly", def->os_loader_readonly ? "yes" : "no");
	if (def->os_loader_secure >= 0)
		vsnap__xmlbuf_attr(&attrs, "secure", def->os_loader_secure ? "yes" : "no");
	vsnap__xmlbuf_attr(&attrs, "type", def->os_loader_type);
	vsnap__domain_extra_text_element(buf, "loader", &attrs, def->os_loader, &def->extra,
		"os/loader");

	vsnap__xmlbuf_init(&attrs, 0);
	vsnap__xmlbuf_attr(&attrs, "template", def->os_nvram_template);
	vsnap__domain_extra_text_element(buf, "nvram", &attrs, def->os_nvram, &def->extra,
		"os/nvram");
}

static void format_os(vsnap__xmlbuf *buf, const vsnap_domain_def *def)
{
	vsnap__xmlbuf attrs, child;

	vsnap__xmlbuf_init(&attrs, 0);
	vsnap__xmlbuf_init_child(&child, buf);
	vsnap__xmlbuf_attr(&attrs, "firmware", def->os_firmware);
	{
		vsnap__xmlbuf tattrs;

		vsnap__xmlbuf_init(&tattrs, 0);
		vsnap__xmlbuf_attr(&tattrs, "arch", def->os_arch);
		vsnap__xmlbuf_attr(&tattrs, "machine", def->os_machine);
		vsnap__domain_extra_text_element(&child, "type", &tattrs,
			def->os_type ? def->os_type : "hvm", &def->extra, "os/type");
	}
	format_os_loader(&child, def);
	for (size_t i = 0; i < def->nos_boot_devs; i++) {
		vsnap__xmlbuf battrs;

		vsnap__xmlbuf_init(&battrs, 0);
		vsnap__xmlbuf_attr(&battrs, "dev", def->os_boot_devs[i]);
		vsnap__domain_extra_element(&child, "boot", &battrs, NULL, &def->extra, "os/boot");
	}
	{
		vsnap__xmlbuf sattrs;

		vsnap__xmlbuf_init(&sattrs, 0);
		if (def->os_bootmenu >= 0)
			vsnap__xmlbuf_attr(&sattrs, "enable", def->os_bootmenu ? "yes" : "no");
		vsnap__domain_extra_element(&child, "bootmenu", &sattrs, NULL, &def->extra,
			"os/bootmenu");
		vsnap__xmlbuf_init(&sattrs, 0);
		vsnap__xmlbuf_attr(&sattrs, "mode", def->os_smbios_mode);
		vsnap__domain_extra_element(&child, "smbios", &sattrs, NULL, &def->extra,
			"os/smbios");
	}
	vsnap__domain_extra_element(buf, "os", &attrs, &child, &def->extra, "os");
}

static size_t feature_rank(const char *item)
{
	size_t len = strcspn(item, ":");
	size_t i;

	for (i = 0; vsnap__domain_feature_names[i]; i++) {
		if (strlen(vsnap__domain_feature_names[i]) == len && strncmp(vsnap__domain_feature_names[i], item, len) == 0)
			break;
	}
	return i;
}

static void format_features(vsnap__xmlbuf *buf, const vsnap_domain_def *def)
{
	vsnap__xmlbuf child, sub;
	size_t ranks = sizeof(vsnap__domain_feature_names) / sizeof(vsnap__domain_feature_names[0]);

	vsnap__xmlbuf_init_child(&child, buf);
	/* In libvirt's order whatever the input order (the parser accepts only known names). */
	for (size_t r = 0; r < ranks; r++) {
		for (size_t i = 0; i < def->nfeatures; i++) {
			const char *item = def->features[i];
			const char *state = strchr(item, ':');
			char name[64], path[80];
			vsnap__xmlbuf attrs;

			if (feature_rank(item) != r)
				continue;
			snprintf(name, sizeof(name), "%.*s", (int)strcspn(item, ":"), item);
			snprintf(path, sizeof(path), "features/%s", name);
			vsnap__xmlbuf_init(&attrs, 0);
			vsnap__xmlbuf_attr(&attrs, "state", state ? state + 1 : NULL);
			/* Always written, even empty: the feature's presence is its value. */
			vsnap__domain_extra_attrs(&attrs, &def->extra, path);
			vsnap__xmlbuf_init_child(&sub, &child);
			vsnap__domain_extra_children(&sub, &def->extra, path);
			if (!vsnap__xmlbuf_cstr(&attrs)[0] && !vsnap__xmlbuf_cstr(&sub)[0])
				vsnap__xmlbuf_line(&child, "<%s/>", name);
			else
				vsnap__xmlbuf_element(&child, name, &attrs, &sub);
		}
	}
	vsnap__domain_extra_element(buf, "features", NULL, &child, &def->extra, "features");
}

static void format_cpu(vsnap__xmlbuf *buf, const vsnap_domain_def *def)
{
	vsnap__xmlbuf attrs, child;
	int custom = !def->cpu_mode || strcmp(def->cpu_mode, "custom") == 0;

	vsnap__xmlbuf_init(&attrs, 0);
	vsnap__xmlbuf_init_child(&child, buf);
	const char *match = vsnap__domain_extra_attr(&def->extra, "cpu", "match");
	const char *fallback = vsnap__domain_extra_attr(&def->extra, "cpu/model", "fallback");
	vsnap__xmlbuf sub;

	/* libvirt leaves out mode='custom' when there is no model. */
	if (!custom || def->cpu_model)
		vsnap__xmlbuf_attr(&attrs, "mode", def->cpu_mode ? def->cpu_mode : "custom");
	/* The defaults libvirt fills in, unless the input said otherwise (kept aside). */
	if (def->cpu_model && custom)
		vsnap__xmlbuf_attr(&attrs, "match", match ? match : "exact");
	vsnap__xmlbuf_init(&sub, 0);
	if (def->cpu_model && custom)
		vsnap__xmlbuf_attr(&sub, "fallback", fallback ? fallback : "allow");
	vsnap__domain_extra_text_element(&child, "model", &sub, def->cpu_model, &def->extra,
		"cpu/model");
	vsnap__xmlbuf_init(&sub, 0);
	/* clusters only when given: libvirt 9.0's schema (Debian 12) does not know it */
	if (def->cpu_sockets && def->cpu_clusters)
		vsnap__xmlbuf_printf(&sub,
			" sockets='%u' dies='%u' clusters='%u' cores='%u' threads='%u'",
			def->cpu_sockets, def->cpu_dies ? def->cpu_dies : 1,
			def->cpu_clusters, def->cpu_cores, def->cpu_threads);
	else if (def->cpu_sockets)
		vsnap__xmlbuf_printf(&sub, " sockets='%u' dies='%u' cores='%u' threads='%u'",
			def->cpu_sockets, def->cpu_dies ? def->cpu_dies : 1, def->cpu_cores,
			def->cpu_threads);
	vsnap__domain_extra_element(&child, "topology", &sub, NULL, &def->extra, "cpu/topology");
	vsnap__domain_extra_element(buf, "cpu", &attrs, &child, &def->extra, "cpu");
}

static void format_lifecycle(vsnap__xmlbuf *buf, const vsnap_domain_def *def)
{
	vsnap__xmlbuf attrs;

	vsnap__xmlbuf_init(&attrs, 0);
	vsnap__xmlbuf_attr(&attrs, "offset", def->clock_offset ? def->clock_offset : "utc");
	vsnap__domain_extra_element(buf, "clock", &attrs, NULL, &def->extra, "clock");
	kept(buf, def, "clock", "on_poweroff");
	text_element(buf, def, "on_poweroff", def->on_poweroff ? def->on_poweroff : "destroy");
	text_element(buf, def, "on_reboot", def->on_reboot ? def->on_reboot : "restart");
	text_element(buf, def, "on_crash", def->on_crash ? def->on_crash : "destroy");
}

static int check_def(const vsnap_domain_def *def)
{
	if (!def->virt_type || !def->name || !def->uuid)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_XML,
			"domain definition '%s' lacks its %s", def->name ? def->name : "(unnamed)",
			!def->virt_type ? "type" : !def->name ? "name" : "UUID");
	return 0;
}

int vsnap__domain_def_format(char **out, const vsnap_domain_def *def, unsigned int flags,
	int indent)
{
	vsnap__xmlbuf buf, attrs, child;
	int moref = def && def->vmware_moref && (flags & VSNAP_DOMAIN_XML_VMWARE_MOREF);
	int vmware_ns = def && (def->vmware_datacenterpath || moref);
	int rc;

	*out = NULL;
	if (!def || indent < 0 || indent > 64)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_XML,
			"domain XML format: invalid arguments");
	if (flags & ~(unsigned int)(VSNAP_DOMAIN_XML_SECURE | VSNAP_DOMAIN_XML_VMWARE_MOREF))
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_XML,
			"domain XML format: unsupported flags 0x%x", flags);
	if ((rc = check_def(def)) < 0)
		return rc;
	vsnap__xmlbuf_init(&buf, indent);
	vsnap__xmlbuf_init(&attrs, 0);
	vsnap__xmlbuf_attr(&attrs, "type", def->virt_type);
	if (vmware_ns)
		vsnap__xmlbuf_attr(&attrs, "xmlns:vmware", VSNAP_DOMAIN_VMWARE_NS);
	vsnap__domain_extra_attrs(&attrs, &def->extra, "");
	vsnap__xmlbuf_init_child(&child, &buf);
	/* Unknown top-level elements go where libvirt puts them (domain_def.h). */
	format_identity(&child, def);
	kept(&child, def, NULL, "maxMemory");
	format_memory(&child, def);
	kept(&child, def, "memtune", "vcpu");
	format_vcpus(&child, def);
	kept(&child, def, "cputune", "os");
	format_os(&child, def);
	kept(&child, def, "os", "features");
	format_features(&child, def);
	kept(&child, def, "features", "cpu");
	format_cpu(&child, def);
	kept(&child, def, "cpu", "clock");
	format_lifecycle(&child, def);
	kept(&child, def, "on_poweroff", "devices");
	vsnap__domain_format_devices(&child, def, flags);
	/* Then libvirt's last ranks, the vmware elements, and last of all the other names: a
	 * kept second vmware:datacenterpath (the parse models the first) stays second. */
	vsnap__domain_extra_children_ranked(&child, &def->extra, "", 1,
		vsnap__domain_extra_rank("devices", 1), VSNAP__EXTRA_RANK_OTHER);
	vsnap__domain_extra_text_element(&child, "vmware:datacenterpath", NULL,
		def->vmware_datacenterpath, &def->extra, "datacenterpath");
	if (moref)
		vsnap__domain_extra_text_element(&child, "vmware:moref", NULL, def->vmware_moref,
			&def->extra, "moref");
	vsnap__domain_extra_children_ranked(&child, &def->extra, "", 1, VSNAP__EXTRA_RANK_OTHER,
		INT_MAX);
	vsnap__xmlbuf_element(&buf, "domain", &attrs, &child);
	return vsnap__xmlbuf_finish(&buf, out);
}

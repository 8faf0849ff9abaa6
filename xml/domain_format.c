/*
 * domain_format.c: vsnap_domain_def as libvirt formats an inactive <domain>: the element and
 * attribute order of libvirt's formatter, 2-space indentation, single-quoted attributes.
 * Devices are in domain_format_dev.c.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "xml/domain_def.h"

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

static void format_memory_element(vsnap__xmlbuf *buf, const char *name,
	unsigned long long kib)
{
	vsnap__xmlbuf_line(buf, "<%s unit='KiB'>%llu</%s>", name, kib, name);
}

static void format_identity(vsnap__xmlbuf *buf, const vsnap_domain_def *def)
{
	vsnap__xmlbuf_text_element(buf, "name", NULL, def->name);
	vsnap__xmlbuf_text_element(buf, "uuid", NULL, def->uuid);
	if (def->genid && !def->genid[0])
		vsnap__xmlbuf_line(buf, "<genid/>");
	else
		vsnap__xmlbuf_text_element(buf, "genid", NULL, def->genid);
	vsnap__xmlbuf_text_element(buf, "title", NULL, def->title);
	vsnap__xmlbuf_text_element(buf, "description", NULL, def->description);
}

static void format_memory(vsnap__xmlbuf *buf, const vsnap_domain_def *def)
{
	vsnap__xmlbuf child;

	if (def->max_memory_kib)
		vsnap__xmlbuf_line(buf, "<maxMemory slots='%u' unit='KiB'>%llu</maxMemory>",
			def->max_memory_slots, def->max_memory_kib);
	format_memory_element(buf, "memory", def->memory_kib);
	format_memory_element(buf, "currentMemory",
		def->current_memory_kib ? def->current_memory_kib : def->memory_kib);
	vsnap__xmlbuf_init_child(&child, buf);
	if (def->hard_limit_kib)
		format_memory_element(&child, "hard_limit", def->hard_limit_kib);
	if (def->soft_limit_kib)
		format_memory_element(&child, "soft_limit", def->soft_limit_kib);
	if (def->min_guarantee_kib)
		format_memory_element(&child, "min_guarantee", def->min_guarantee_kib);
	vsnap__xmlbuf_element(buf, "memtune", NULL, &child);
}

static void format_vcpus(vsnap__xmlbuf *buf, const vsnap_domain_def *def)
{
	vsnap__xmlbuf attrs, child;

	vsnap__xmlbuf_init(&attrs, 0);
	vsnap__xmlbuf_attr(&attrs, "placement", def->vcpu_placement ? def->vcpu_placement : "static");
	vsnap__xmlbuf_attr(&attrs, "cpuset", def->vcpu_cpuset);
	if (def->vcpus_current && def->vcpus_current != def->vcpus)
		vsnap__xmlbuf_attr_ull(&attrs, "current", def->vcpus_current);
	vsnap__xmlbuf_line(buf, "<vcpu%s>%u</vcpu>", vsnap__xmlbuf_cstr(&attrs),
		def->vcpus ? def->vcpus : 1);
	vsnap__xmlbuf_adopt_failure(buf, &attrs);
	vsnap__xmlbuf_clear(&attrs);
	vsnap__xmlbuf_init_child(&child, buf);
	if (def->cputune_shares >= 0)
		vsnap__xmlbuf_line(&child, "<shares>%lld</shares>", def->cputune_shares);
	vsnap__xmlbuf_element(buf, "cputune", NULL, &child);
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
	vsnap__xmlbuf_text_element_attrs(buf, "loader", &attrs, def->os_loader);

	vsnap__xmlbuf_init(&attrs, 0);
	vsnap__xmlbuf_attr(&attrs, "template", def->os_nvram_template);
	vsnap__xmlbuf_text_element_attrs(buf, "nvram", &attrs, def->os_nvram);
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
		vsnap__xmlbuf_text_element_attrs(&child, "type", &tattrs,
			def->os_type ? def->os_type : "hvm");
	}
	format_os_loader(&child, def);
	for (size_t i = 0; i < def->nos_boot_devs; i++) {
		vsnap__xmlbuf battrs;

		vsnap__xmlbuf_init(&battrs, 0);
		vsnap__xmlbuf_attr(&battrs, "dev", def->os_boot_devs[i]);
		vsnap__xmlbuf_element(&child, "boot", &battrs, NULL);
	}
	if (def->os_bootmenu >= 0)
		vsnap__xmlbuf_line(&child, "<bootmenu enable='%s'/>", def->os_bootmenu ? "yes" : "no");
	if (def->os_smbios_mode) {
		vsnap__xmlbuf sattrs;

		vsnap__xmlbuf_init(&sattrs, 0);
		vsnap__xmlbuf_attr(&sattrs, "mode", def->os_smbios_mode);
		vsnap__xmlbuf_element(&child, "smbios", &sattrs, NULL);
	}
	vsnap__xmlbuf_element(buf, "os", &attrs, &child);
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
	vsnap__xmlbuf child;
	size_t ranks = sizeof(vsnap__domain_feature_names) / sizeof(vsnap__domain_feature_names[0]);

	vsnap__xmlbuf_init_child(&child, buf);
	/* In libvirt's order whatever the input order (the parser accepts only known names). */
	for (size_t r = 0; r < ranks; r++) {
		for (size_t i = 0; i < def->nfeatures; i++) {
			const char *item = def->features[i];
			const char *state = strchr(item, ':');

			if (feature_rank(item) != r)
				continue;
			if (state)
				vsnap__xmlbuf_line(&child, "<%.*s state='%s'/>", (int)(state - item), item,
					state + 1);
			else
				vsnap__xmlbuf_line(&child, "<%s/>", item);
		}
	}
	vsnap__xmlbuf_element(buf, "features", NULL, &child);
}

static void format_cpu(vsnap__xmlbuf *buf, const vsnap_domain_def *def)
{
	vsnap__xmlbuf attrs, child;
	int custom = !def->cpu_mode || strcmp(def->cpu_mode, "custom") == 0;

	vsnap__xmlbuf_init(&attrs, 0);
	vsnap__xmlbuf_init_child(&child, buf);
	/* libvirt leaves out mode='custom' when there is no model. */
	if (!custom || def->cpu_model)
		vsnap__xmlbuf_attr(&attrs, "mode", def->cpu_mode ? def->cpu_mode : "custom");
	if (def->cpu_model && custom)
		vsnap__xmlbuf_attr(&attrs, "match", "exact");
	if (def->cpu_model)
		vsnap__xmlbuf_text_element(&child, "model", custom ? " fallback='allow'" : NULL,
			def->cpu_model);
	if (def->cpu_sockets)
		vsnap__xmlbuf_line(&child,
			"<topology sockets='%u' dies='%u' clusters='%u' cores='%u' threads='%u'/>",
			def->cpu_sockets, def->cpu_dies ? def->cpu_dies : 1,
			def->cpu_clusters ? def->cpu_clusters : 1, def->cpu_cores, def->cpu_threads);
	vsnap__xmlbuf_element(buf, "cpu", &attrs, &child);
}

static void format_lifecycle(vsnap__xmlbuf *buf, const vsnap_domain_def *def)
{
	vsnap__xmlbuf attrs;

	vsnap__xmlbuf_init(&attrs, 0);
	vsnap__xmlbuf_attr(&attrs, "offset", def->clock_offset ? def->clock_offset : "utc");
	vsnap__xmlbuf_element(buf, "clock", &attrs, NULL);
	vsnap__xmlbuf_text_element(buf, "on_poweroff", NULL,
		def->on_poweroff ? def->on_poweroff : "destroy");
	vsnap__xmlbuf_text_element(buf, "on_reboot", NULL,
		def->on_reboot ? def->on_reboot : "restart");
	vsnap__xmlbuf_text_element(buf, "on_crash", NULL,
		def->on_crash ? def->on_crash : "destroy");
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
	vsnap__xmlbuf_init_child(&child, &buf);
	format_identity(&child, def);
	format_memory(&child, def);
	format_vcpus(&child, def);
	format_os(&child, def);
	format_features(&child, def);
	format_cpu(&child, def);
	format_lifecycle(&child, def);
	vsnap__domain_format_devices(&child, def, flags);
	vsnap__xmlbuf_text_element(&child, "vmware:datacenterpath", NULL, def->vmware_datacenterpath);
	if (moref)
		vsnap__xmlbuf_text_element(&child, "vmware:moref", NULL, def->vmware_moref);
	vsnap__xmlbuf_element(&buf, "domain", &attrs, &child);
	return vsnap__xmlbuf_finish(&buf, out);
}

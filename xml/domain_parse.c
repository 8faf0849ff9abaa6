/*
 * domain_parse.c: <domain> XML into vsnap_domain_def: the domain-wide elements (identity,
 * memory, CPUs, <os>, <features>, <cpu>, <clock>, lifecycle, vmware namespace). Devices are in
 * domain_parse_dev.c. What libvirt fills in when the XML leaves it out is filled in the same
 * way here, so that formatting gives libvirt's output for the same input.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "xml/domain_def.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>

#include "core/error.h"
#include "xml/domain_priv.h"
#include "xml/xmlutil.h"

static const char *const virt_types[] = {
	"none", "qemu", "kqemu", "kvm", "xen", "lxc", "uml", "openvz", "test", "vmware",
	"hyperv", "vbox", "phyp", "parallels", "bhyve", "vz", "ch", "hvf", NULL
};
static const char *const lifecycle_actions[] = {
	"destroy", "restart", "rename-restart", "preserve", "coredump-destroy",
	"coredump-restart", NULL
};
static const char *const clock_offsets[] = {
	"utc", "localtime", "variable", "timezone", "absolute", NULL
};

/* Strdup of the element's text into *out (replacing nothing: *out must be NULL). */
static int text_dup(char **out, const xmlNode *node)
{
	return vsnap__xml_text(out, node);
}

/*
 * Element text as a memory size in KiB, scaled by the `unit` attribute (default KiB) and
 * rounded up to whole KiB, as libvirt does. Units: b/bytes, k/KiB/KB, M/MiB/MB, ... E.
 */
static int parse_memory(unsigned long long *kib, const xmlNode *node)
{
	char *unit = NULL;
	unsigned long long value = 0, scale = 1024, base = 1024;
	int rc = vsnap__xml_text_ull(&value, node);

	if (rc < 0)
		return rc;
	if ((rc = vsnap__xml_prop(&unit, node, "unit")) < 0)
		return rc;
	if (unit) {
		const char *p = unit;
		int power = 0;

		if (strcasecmp(p, "b") == 0 || strcasecmp(p, "bytes") == 0) {
			scale = 1;
		} else {
			switch (p[0] | 0x20) {
			case 'k': power = 1; break;
			case 'm': power = 2; break;
			case 'g': power = 3; break;
			case 't': power = 4; break;
			case 'p': power = 5; break;
			case 'e': power = 6; break;
			default: power = 0;
			}
			p++;
			if (power && (*p == '\0' || strcasecmp(p, "ib") == 0))
				base = 1024;
			else if (power && strcasecmp(p, "b") == 0)
				base = 1000;
			else
				power = 0;
			if (!power) {
				rc = vsnap__xml_error(node, "unknown unit '%s' in attribute 'unit'", unit);
				free(unit);
				return rc;
			}
			scale = 1;
			while (power--)
				scale *= base;
		}
	}
	free(unit);
	if (value > ~0ULL / scale)
		return vsnap__xml_error(node, "memory size %llu is too large", value);
	value *= scale;
	*kib = value / 1024 + (value % 1024 != 0);
	/* Larger sizes would not read back from the formatted KiB value. */
	if (*kib > ~0ULL / 1024)
		return vsnap__xml_error(node, "memory size %llu is too large", *kib);
	return 0;
}

static int parse_identity(vsnap_domain_def *def, const xmlNode *root)
{
	xmlNodePtr n;
	char canon[37];
	int rc;

	if ((rc = vsnap__xml_prop_enum(&def->virt_type, root, "type", virt_types)) < 0)
		return rc;
	if (!def->virt_type)
		return vsnap__xml_error(root, "missing attribute 'type'");
	if (!(n = vsnap__xml_child(root, "name")))
		return vsnap__xml_error(root, "missing child element <name>");
	if ((rc = text_dup(&def->name, n)) < 0)
		return rc;
	if (!def->name[0])
		return vsnap__xml_error(n, "empty domain name");
	if ((n = vsnap__xml_child(root, "uuid"))) {
		char *text = NULL;

		if ((rc = text_dup(&text, n)) < 0)
			return rc;
		rc = vsnap__domain_uuid_canon(canon, text);
		if (rc < 0)
			rc = vsnap__xml_error(n, "malformed UUID '%s'", text);
		free(text);
		if (rc < 0)
			return rc;
	} else if ((rc = vsnap__domain_uuid_generate(canon)) < 0) {
		return rc;
	}
	if (!(def->uuid = strdup(canon)))
		return vsnap__error_oom();
	if ((n = vsnap__xml_child(root, "genid"))) {
		if ((rc = text_dup(&def->genid, n)) < 0)
			return rc;
		if (def->genid[0]) {
			if (vsnap__domain_uuid_canon(canon, def->genid) < 0)
				return vsnap__xml_error(n, "malformed generation ID '%s'", def->genid);
			strcpy(def->genid, canon);
		}
	}
	if ((n = vsnap__xml_child(root, "title")) && (rc = text_dup(&def->title, n)) < 0)
		return rc;
	if ((n = vsnap__xml_child(root, "description")) &&
	    (rc = text_dup(&def->description, n)) < 0)
		return rc;
	return 0;
}

static int parse_memtune(vsnap_domain_def *def, const xmlNode *memtune)
{
	xmlNodePtr n;
	int rc;

	if ((n = vsnap__xml_child(memtune, "hard_limit")) &&
	    (rc = parse_memory(&def->hard_limit_kib, n)) < 0)
		return rc;
	if ((n = vsnap__xml_child(memtune, "soft_limit")) &&
	    (rc = parse_memory(&def->soft_limit_kib, n)) < 0)
		return rc;
	if ((n = vsnap__xml_child(memtune, "min_guarantee")) &&
	    (rc = parse_memory(&def->min_guarantee_kib, n)) < 0)
		return rc;
	return 0;
}

static int parse_memory_elements(vsnap_domain_def *def, const xmlNode *root)
{
	xmlNodePtr n;
	int rc;

	if ((n = vsnap__xml_child(root, "maxMemory"))) {
		int slots = 0;

		if ((rc = parse_memory(&def->max_memory_kib, n)) < 0 ||
		    (rc = vsnap__xml_prop_int(&slots, n, "slots", 0, 0x7fffffff)) < 0)
			return rc;
		def->max_memory_slots = (unsigned int)slots;
	}
	if (!(n = vsnap__xml_child(root, "memory")))
		return vsnap__xml_error(root, "missing child element <memory>");
	if ((rc = parse_memory(&def->memory_kib, n)) < 0)
		return rc;
	if (def->memory_kib == 0)
		return vsnap__xml_error(n, "memory size must be greater than zero");
	if ((n = vsnap__xml_child(root, "currentMemory")) &&
	    (rc = parse_memory(&def->current_memory_kib, n)) < 0)
		return rc;
	/* libvirt: a missing or too large current balloon size is the full memory size. */
	if (def->current_memory_kib == 0 || def->current_memory_kib > def->memory_kib)
		def->current_memory_kib = def->memory_kib;
	if ((n = vsnap__xml_child(root, "memtune")) && (rc = parse_memtune(def, n)) < 0)
		return rc;
	return 0;
}

static int parse_vcpus(vsnap_domain_def *def, const xmlNode *root)
{
	static const char *const placements[] = { "static", "auto", NULL };
	xmlNodePtr n = vsnap__xml_child(root, "vcpu");
	unsigned long long count = 1;
	char *cpuset = NULL;
	int current = 0, rc;

	if (n) {
		if ((rc = vsnap__xml_text_ull(&count, n)) < 0)
			return rc;
		if (count == 0 || count > 16384)
			return vsnap__xml_error(n, "invalid vCPU count %llu", count);
		if ((rc = vsnap__xml_prop_enum(&def->vcpu_placement, n, "placement",
		                               placements)) < 0 ||
		    (rc = vsnap__xml_prop_int(&current, n, "current", 1, (long long)count)) < 0 ||
		    (rc = vsnap__xml_prop(&cpuset, n, "cpuset")) < 0)
			return rc;
		if (cpuset) {
			rc = vsnap__domain_cpuset_canon(&def->vcpu_cpuset, cpuset, n);
			free(cpuset);
			if (rc < 0)
				return rc;
		}
		/* current equal to the maximum is not formatted by libvirt. */
		def->vcpus_current = (unsigned int)current == count ? 0 : (unsigned int)current;
	}
	def->vcpus = (unsigned int)count;
	if ((n = vsnap__xml_child(root, "cputune")) && (n = vsnap__xml_child(n, "shares"))) {
		unsigned long long shares;

		if ((rc = vsnap__xml_text_ull(&shares, n)) < 0)
			return rc;
		if (shares > 262144)
			return vsnap__xml_error(n, "CPU shares %llu out of range", shares);
		def->cputune_shares = (long long)shares;
	}
	return 0;
}

static int parse_cpu(vsnap_domain_def *def, const xmlNode *cpu)
{
	static const char *const modes[] = {
		"custom", "host-model", "host-passthrough", "maximum", NULL
	};
	xmlNodePtr n;
	int rc;

	if ((rc = vsnap__xml_prop_enum(&def->cpu_mode, cpu, "mode", modes)) < 0)
		return rc;
	if ((n = vsnap__xml_child(cpu, "model")) && (rc = text_dup(&def->cpu_model, n)) < 0)
		return rc;
	if ((n = vsnap__xml_child(cpu, "topology"))) {
		int sockets = 0, dies = 1, clusters = 0, cores = 0, threads = 0;

		if ((rc = vsnap__xml_prop_int(&sockets, n, "sockets", 1, 65535)) < 0 ||
		    (rc = vsnap__xml_prop_int(&dies, n, "dies", 1, 65535)) < 0 ||
		    (rc = vsnap__xml_prop_int(&clusters, n, "clusters", 1, 65535)) < 0 ||
		    (rc = vsnap__xml_prop_int(&cores, n, "cores", 1, 65535)) < 0 ||
		    (rc = vsnap__xml_prop_int(&threads, n, "threads", 1, 65535)) < 0)
			return rc;
		if (!sockets || !cores || !threads)
			return vsnap__xml_error(n, "attributes 'sockets', 'cores' and 'threads' are required");
		def->cpu_sockets = (unsigned int)sockets;
		def->cpu_dies = (unsigned int)dies;
		def->cpu_clusters = (unsigned int)clusters;
		def->cpu_cores = (unsigned int)cores;
		def->cpu_threads = (unsigned int)threads;
	}
	return 0;
}

static int add_string(char ***arr, size_t *n, char *s)
{
	int rc;

	if (!s)
		return vsnap__error_oom();
	if ((rc = vsnap__domain_def_add((void ***)arr, n, s)) < 0)
		free(s);
	return rc;
}

static int parse_os_boot(vsnap_domain_def *def, const xmlNode *os)
{
	static const char *const devs[] = { "fd", "cdrom", "hd", "network", NULL };
	int rc;

	for (xmlNodePtr c = os->children; c; c = c->next) {
		char *dev = NULL;

		if (!vsnap__xml_is(c, "boot"))
			continue;
		if ((rc = vsnap__xml_prop_enum(&dev, c, "dev", devs)) < 0)
			return rc;
		if (!dev)
			return vsnap__xml_error(c, "missing attribute 'dev'");
		if ((rc = add_string(&def->os_boot_devs, &def->nos_boot_devs, dev)) < 0)
			return rc;
	}
	return 0;
}

static int parse_os(vsnap_domain_def *def, const xmlNode *root)
{
	static const char *const firmwares[] = { "bios", "efi", NULL };
	static const char *const loader_types[] = { "rom", "pflash", NULL };
	static const char *const smbios_modes[] = { "emulate", "host", "sysinfo", NULL };
	xmlNodePtr os = vsnap__xml_child(root, "os");
	xmlNodePtr n;
	int rc;

	if (!os || !(n = vsnap__xml_child(os, "type")))
		return vsnap__xml_error(os ? os : root, "an <os> element with a <type> is required");
	if ((rc = text_dup(&def->os_type, n)) < 0 ||
	    (rc = vsnap__xml_prop(&def->os_arch, n, "arch")) < 0 ||
	    (rc = vsnap__xml_prop(&def->os_machine, n, "machine")) < 0 ||
	    (rc = vsnap__xml_prop_enum(&def->os_firmware, os, "firmware", firmwares)) < 0)
		return rc;
	if (strcmp(def->os_type, "hvm") != 0 && strcmp(def->os_type, "xen") != 0 &&
	    strcmp(def->os_type, "linux") != 0 && strcmp(def->os_type, "exe") != 0 &&
	    strcmp(def->os_type, "xenpvh") != 0)
		return vsnap__xml_error(n, "unknown OS type '%s'", def->os_type);
	if ((n = vsnap__xml_child(os, "loader"))) {
		if ((rc = vsnap__xml_prop_bool(&def->os_loader_readonly, n, "readonly", 0)) < 0 ||
		    (rc = vsnap__xml_prop_bool(&def->os_loader_secure, n, "secure", 0)) < 0 ||
		    (rc = vsnap__xml_prop_enum(&def->os_loader_type, n, "type", loader_types)) < 0 ||
		    (rc = text_dup(&def->os_loader, n)) < 0)
			return rc;
		if (!def->os_loader[0]) {
			free(def->os_loader);
			def->os_loader = NULL;
		}
	}
	if ((n = vsnap__xml_child(os, "nvram"))) {
		if ((rc = vsnap__xml_prop(&def->os_nvram_template, n, "template")) < 0 ||
		    (rc = text_dup(&def->os_nvram, n)) < 0)
			return rc;
		if (!def->os_nvram[0]) {
			free(def->os_nvram);
			def->os_nvram = NULL;
		}
	}
	if ((rc = parse_os_boot(def, os)) < 0)
		return rc;
	if ((n = vsnap__xml_child(os, "bootmenu")) &&
	    (rc = vsnap__xml_prop_bool(&def->os_bootmenu, n, "enable", 0)) < 0)
		return rc;
	if ((n = vsnap__xml_child(os, "smbios"))) {
		if ((rc = vsnap__xml_prop_enum(&def->os_smbios_mode, n, "mode", smbios_modes)) < 0)
			return rc;
		if (!def->os_smbios_mode)
			return vsnap__xml_error(n, "missing attribute 'mode'");
	}
	return 0;
}

/*
 * Only libvirt's feature names are accepted (libvirt refuses others). The model keeps a
 * feature's name and state='on|off'; its other attributes and its settings (<hyperv> children,
 * <gic version>, <smm><tseg>...) are kept as they are (domain_extra.c).
 */
static int check_feature(const xmlNode *f)
{
	for (size_t i = 0; vsnap__domain_feature_names[i]; i++) {
		if (strcmp(vsnap__domain_feature_names[i], (const char *)f->name) == 0)
			return 0;
	}
	return vsnap__xml_error(f, "unknown feature");
}

/* <features>: each child's name, with ":state" appended when it carries a state='on|off'. */
static int parse_features(vsnap_domain_def *def, const xmlNode *features)
{
	int rc;

	for (xmlNodePtr c = features->children; c; c = c->next) {
		char *state = NULL, *item;
		size_t len;

		if (c->type != XML_ELEMENT_NODE || c->ns)
			continue;
		if ((rc = check_feature(c)) < 0)
			return rc;
		if ((rc = vsnap__xml_prop(&state, c, "state")) < 0)
			return rc;
		if (state && strcmp(state, "on") != 0 && strcmp(state, "off") != 0) {
			rc = vsnap__xml_error(c, "invalid value '%s' of attribute 'state' (expected on or off)", state);
			free(state);
			return rc;
		}
		len = strlen((const char *)c->name) + (state ? strlen(state) + 1 : 0) + 1;
		item = malloc(len);
		if (item)
			snprintf(item, len, "%s%s%s", (const char *)c->name, state ? ":" : "",
				state ? state : "");
		free(state);
		if ((rc = add_string(&def->features, &def->nfeatures, item)) < 0)
			return rc;
	}
	return 0;
}

static int parse_lifecycle(vsnap_domain_def *def, const xmlNode *root)
{
	static const char *const names[] = { "on_poweroff", "on_reboot", "on_crash" };
	char **fields[] = { &def->on_poweroff, &def->on_reboot, &def->on_crash };
	int rc;

	for (size_t i = 0; i < 3; i++) {
		xmlNodePtr n = vsnap__xml_child(root, names[i]);
		size_t k;

		if (!n)
			continue;
		if ((rc = text_dup(fields[i], n)) < 0)
			return rc;
		for (k = 0; lifecycle_actions[k]; k++) {
			if (strcmp(lifecycle_actions[k], *fields[i]) == 0)
				break;
		}
		if (!lifecycle_actions[k])
			return vsnap__xml_error(n, "unknown action '%s'", *fields[i]);
	}
	return 0;
}

static int parse_vmware_ns(vsnap_domain_def *def, const xmlNode *root)
{
	int rc;

	for (xmlNodePtr c = root->children; c; c = c->next) {
		if (vsnap__xml_is_ns(c, VSNAP_DOMAIN_VMWARE_NS, "datacenterpath") &&
		    !def->vmware_datacenterpath) {
			if ((rc = text_dup(&def->vmware_datacenterpath, c)) < 0)
				return rc;
		} else if (vsnap__xml_is_ns(c, VSNAP_DOMAIN_VMWARE_NS, "moref") && !def->vmware_moref) {
			if ((rc = text_dup(&def->vmware_moref, c)) < 0)
				return rc;
		}
	}
	return 0;
}

static int parse_root(vsnap_domain_def *def, const xmlNode *root, unsigned int flags)
{
	xmlNodePtr n;
	int rc;

	(void)flags;
	if ((rc = parse_identity(def, root)) < 0 || (rc = parse_memory_elements(def, root)) < 0 ||
	    (rc = parse_vcpus(def, root)) < 0 || (rc = parse_os(def, root)) < 0)
		return rc;
	if ((n = vsnap__xml_child(root, "features")) && (rc = parse_features(def, n)) < 0)
		return rc;
	if ((n = vsnap__xml_child(root, "cpu")) && (rc = parse_cpu(def, n)) < 0)
		return rc;
	if ((n = vsnap__xml_child(root, "clock")) &&
	    (rc = vsnap__xml_prop_enum(&def->clock_offset, n, "offset", clock_offsets)) < 0)
		return rc;
	if ((rc = parse_lifecycle(def, root)) < 0)
		return rc;
	if ((n = vsnap__xml_child(root, "devices")) &&
	    (rc = vsnap__domain_parse_devices(def, n)) < 0)
		return rc;
	if ((rc = vsnap__domain_disks_post_parse(def)) < 0 ||
	    (rc = vsnap__domain_console_compat(def)) < 0 || (rc = parse_vmware_ns(def, root)) < 0)
		return rc;
	/* Last: what the model does not hold, kept to be formatted back. */
	return vsnap__domain_extra_collect(&def->extra, "", root, &vsnap__domain_spec_root);
}

int vsnap__domain_def_parse_node(vsnap_domain_def **out, void *xml_node, unsigned int flags)
{
	xmlNodePtr root = xml_node;
	vsnap_domain_def *def = NULL;
	int rc;

	*out = NULL;
	if (flags)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_XML,
			"domain XML: unsupported flags 0x%x", flags);
	if (!root || root->type != XML_ELEMENT_NODE)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_XML, "domain XML: no element");
	if (!vsnap__xml_is(root, "domain"))
		return vsnap__xml_error(root, "expected root element <domain>");
	if (!(def = vsnap__domain_def_new()))
		return vsnap__error_oom();
	rc = parse_root(def, root, flags);
	if (rc < 0) {
		vsnap__domain_def_free(def);
		return rc;
	}
	*out = def;
	return 0;
}

int vsnap__domain_def_parse(vsnap_domain_def **out, const char *xml, unsigned int flags)
{
	xmlDocPtr doc = NULL;
	int rc;

	*out = NULL;
	if ((rc = vsnap__xml_read(&doc, xml, "domain XML")) < 0)
		return rc;
	rc = vsnap__domain_def_parse_node(out, xmlDocGetRootElement(doc), flags);
	if (rc < 0)
		vsnap__error_prefix("domain XML");
	xmlFreeDoc(doc);
	return rc;
}

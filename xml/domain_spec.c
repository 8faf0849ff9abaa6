/*
 * domain_spec.c: what the domain parser models, element by element (domain_priv.h's
 * vsnap__domain_spec): exactly the attributes and children domain_parse*.c read. Everything
 * else is kept as is (domain_extra.c), so a table that claims more than the parser reads loses
 * data: keep both in step.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "xml/domain_priv.h"

#include <string.h>

#define NONE NULL
#define END { NULL, NULL, NULL, NULL, 0 }
#define LEAF(name, attrs) { name, NULL, attrs, NULL, 0 }

static const char *const a_unit[] = { "unit", NULL };
static const char *const a_max_memory[] = { "slots", "unit", NULL };
static const char *const a_vcpu[] = { "placement", "current", "cpuset", NULL };
static const char *const a_type[] = { "type", NULL };
static const char *const a_os_type[] = { "arch", "machine", NULL };
static const char *const a_os[] = { "firmware", NULL };
static const char *const a_loader[] = { "readonly", "secure", "type", NULL };
static const char *const a_nvram[] = { "template", NULL };
static const char *const a_dev[] = { "dev", NULL };
static const char *const a_enable[] = { "enable", NULL };
static const char *const a_mode[] = { "mode", NULL };
static const char *const a_state[] = { "state", NULL };
static const char *const a_topology[] = {
	"sockets", "dies", "clusters", "cores", "threads", NULL
};
static const char *const a_offset[] = { "offset", NULL };
static const char *const a_model[] = { "model", NULL };

static const vsnap__domain_spec memtune_children[] = {
	LEAF("hard_limit", a_unit), LEAF("soft_limit", a_unit), LEAF("min_guarantee", a_unit), END
};
static const vsnap__domain_spec cputune_children[] = { LEAF("shares", NONE), END };
static const vsnap__domain_spec os_children[] = {
	LEAF("type", a_os_type), LEAF("loader", a_loader), LEAF("nvram", a_nvram),
	{ "boot", NULL, a_dev, NULL, VSNAP__SPEC_MULTI },
	LEAF("bootmenu", a_enable), LEAF("smbios", a_mode), END
};

/* Every feature libvirt knows, in the simple form the model keeps (the rest is kept aside). */
#define FEATURE(n) { n, NULL, a_state, NULL, VSNAP__SPEC_MULTI }
static const vsnap__domain_spec feature_children[] = {
	FEATURE("acpi"), FEATURE("apic"), FEATURE("pae"), FEATURE("hap"), FEATURE("viridian"),
	FEATURE("privnet"), FEATURE("hyperv"), FEATURE("kvm"), FEATURE("pvspinlock"),
	FEATURE("capabilities"), FEATURE("pmu"), FEATURE("vmport"), FEATURE("gic"),
	FEATURE("smm"), FEATURE("ioapic"), FEATURE("hpt"), FEATURE("vmcoreinfo"), FEATURE("htm"),
	FEATURE("nested-hv"), FEATURE("msrs"), FEATURE("ccf-assist"), FEATURE("xen"),
	FEATURE("cfpc"), FEATURE("sbbc"), FEATURE("ibs"), FEATURE("tcg"),
	FEATURE("async-teardown"), FEATURE("ras"), FEATURE("ps2"), FEATURE("aia"), END
};
static const vsnap__domain_spec cpu_children[] = {
	LEAF("model", NONE), LEAF("topology", a_topology), END
};
static const vsnap__domain_spec devices_children[] = {
	LEAF("emulator", NONE),
	{ "disk", NULL, NONE, NULL, VSNAP__SPEC_MULTI | VSNAP__SPEC_OWNED },
	{ "controller", NULL, NONE, NULL, VSNAP__SPEC_MULTI | VSNAP__SPEC_OWNED },
	{ "filesystem", NULL, NONE, NULL, VSNAP__SPEC_MULTI | VSNAP__SPEC_OWNED },
	{ "interface", NULL, NONE, NULL, VSNAP__SPEC_MULTI | VSNAP__SPEC_OWNED },
	{ "serial", NULL, NONE, NULL, VSNAP__SPEC_MULTI | VSNAP__SPEC_OWNED },
	{ "parallel", NULL, NONE, NULL, VSNAP__SPEC_MULTI | VSNAP__SPEC_OWNED },
	{ "console", NULL, NONE, NULL, VSNAP__SPEC_MULTI | VSNAP__SPEC_OWNED },
	{ "input", NULL, NONE, NULL, VSNAP__SPEC_MULTI | VSNAP__SPEC_OWNED },
	{ "graphics", NULL, NONE, NULL, VSNAP__SPEC_MULTI | VSNAP__SPEC_OWNED },
	{ "video", NULL, NONE, NULL, VSNAP__SPEC_MULTI | VSNAP__SPEC_OWNED },
	LEAF("memballoon", a_model), END
};
static const vsnap__domain_spec root_children[] = {
	LEAF("name", NONE), LEAF("uuid", NONE), LEAF("genid", NONE), LEAF("title", NONE),
	LEAF("description", NONE), LEAF("maxMemory", a_max_memory), LEAF("memory", a_unit),
	LEAF("currentMemory", a_unit), { "memtune", NULL, NONE, memtune_children, 0 },
	LEAF("vcpu", a_vcpu), { "cputune", NULL, NONE, cputune_children, 0 },
	{ "os", NULL, a_os, os_children, 0 },
	{ "features", NULL, NONE, feature_children, 0 },
	{ "cpu", NULL, a_mode, cpu_children, 0 },
	LEAF("clock", a_offset), LEAF("on_poweroff", NONE), LEAF("on_reboot", NONE),
	LEAF("on_crash", NONE), { "devices", NULL, NONE, devices_children, 0 },
	{ "datacenterpath", VSNAP_DOMAIN_VMWARE_NS, NONE, NULL, 0 },
	{ "moref", VSNAP_DOMAIN_VMWARE_NS, NONE, NULL, 0 },
	END
};
const vsnap__domain_spec vsnap__domain_spec_root = { "domain", NULL, a_type, root_children, 0 };

/* <address>: every field vsnap_domain_address has. */
static const char *const a_address[] = {
	"type", "controller", "bus", "target", "unit", "domain", "slot", "function", NULL
};
#define ADDRESS LEAF("address", a_address)

/* Disks: <source> reads one of file=, dev=, dir= after the disk type. */
static const char *const a_disk[] = { "type", "device", "snapshot", "persistent", NULL };
static const char *const a_disk_driver[] = { "name", "type", "cache", "io", "discard", NULL };
static const char *const a_target_bus[] = { "dev", "bus", NULL };
static const char *const a_order[] = { "order", NULL };
#define DISK_SPEC(var, srcattr) \
	static const char *const var##_src[] = { srcattr, "startupPolicy", NULL }; \
	static const vsnap__domain_spec var##_children[] = { \
		LEAF("driver", a_disk_driver), LEAF("source", var##_src), \
		LEAF("target", a_target_bus), LEAF("readonly", NONE), LEAF("shareable", NONE), \
		LEAF("transient", NONE), LEAF("serial", NONE), LEAF("boot", a_order), ADDRESS, END \
	}; \
	static const vsnap__domain_spec var = { "disk", NULL, a_disk, var##_children, 0 }
DISK_SPEC(disk_file, "file");
DISK_SPEC(disk_block, "dev");
DISK_SPEC(disk_dir, "dir");

const vsnap__domain_spec *vsnap__domain_spec_disk(const char *type)
{
	if (strcmp(type, "block") == 0)
		return &disk_block;
	return strcmp(type, "dir") == 0 ? &disk_dir : &disk_file;
}

static const char *const a_controller[] = { "type", "index", "model", NULL };
static const vsnap__domain_spec controller_children[] = { ADDRESS, END };
const vsnap__domain_spec vsnap__domain_spec_controller = {
	"controller", NULL, a_controller, controller_children, 0
};

/* Interfaces: the <source> attributes the formatter writes for the interface type. */
static const char *const a_mac[] = { "address", "type", "check", NULL };
static const char *const a_net_bridge[] = { "bridge", NULL };
static const char *const a_net_network[] = { "network", NULL };
static const char *const a_net_direct[] = { "dev", "mode", NULL };
static const char *const a_net_vds[] = {
	"switchid", "portid", "portgroupid", "connectionid", NULL
};
#define NET_SPEC(var, srcattrs) \
	static const vsnap__domain_spec var##_children[] = { \
		LEAF("mac", a_mac), LEAF("source", srcattrs), LEAF("target", a_dev), \
		LEAF("model", a_type), ADDRESS, END \
	}; \
	static const vsnap__domain_spec var = { "interface", NULL, a_type, var##_children, 0 }
NET_SPEC(net_bridge, a_net_bridge);
NET_SPEC(net_network, a_net_network);
NET_SPEC(net_direct, a_net_direct);
NET_SPEC(net_vds, a_net_vds);
NET_SPEC(net_other, NONE);

const vsnap__domain_spec *vsnap__domain_spec_net(const char *type)
{
	if (strcmp(type, "bridge") == 0)
		return &net_bridge;
	if (strcmp(type, "network") == 0)
		return &net_network;
	if (strcmp(type, "direct") == 0)
		return &net_direct;
	return strcmp(type, "vds") == 0 ? &net_vds : &net_other;
}

/* Character devices: a tcp <source> is mode/host/service, any other one path=. */
static const char *const a_chr_tcp[] = { "mode", "host", "service", NULL };
static const char *const a_chr_path[] = { "path", NULL };
static const char *const a_chr_target[] = { "type", "port", NULL };
#define CHR_SPEC(var, srcattrs) \
	static const vsnap__domain_spec var##_children[] = { \
		LEAF("source", srcattrs), LEAF("protocol", a_type), LEAF("target", a_chr_target), \
		ADDRESS, END \
	}; \
	static const vsnap__domain_spec var = { "chr", NULL, a_type, var##_children, 0 }
CHR_SPEC(chr_tcp, a_chr_tcp);
CHR_SPEC(chr_path, a_chr_path);

const vsnap__domain_spec *vsnap__domain_spec_chr(const char *type)
{
	return strcmp(type, "tcp") == 0 ? &chr_tcp : &chr_path;
}

static const char *const a_video_model[] = { "type", "vram", "heads", "primary", NULL };
static const vsnap__domain_spec video_children[] = {
	LEAF("model", a_video_model), ADDRESS, END
};
const vsnap__domain_spec vsnap__domain_spec_video = {
	"video", NULL, NONE, video_children, 0
};

static const char *const a_graphics[] = {
	"type", "port", "autoport", "keymap", "passwd", "listen", NULL
};
static const char *const a_listen[] = { "type", "address", NULL };
static const vsnap__domain_spec graphics_children[] = { LEAF("listen", a_listen), END };
const vsnap__domain_spec vsnap__domain_spec_graphics = {
	"graphics", NULL, a_graphics, graphics_children, 0
};

static const char *const a_fs[] = { "type", "accessmode", NULL };
static const char *const a_dir[] = { "dir", NULL };
static const vsnap__domain_spec fs_children[] = {
	LEAF("driver", a_type), LEAF("source", a_dir), LEAF("target", a_dir),
	LEAF("readonly", NONE), ADDRESS, END
};
const vsnap__domain_spec vsnap__domain_spec_fs = {
	"filesystem", NULL, a_fs, fs_children, 0
};

static const char *const a_input[] = { "type", "bus", NULL };
const vsnap__domain_spec vsnap__domain_spec_input = { "input", NULL, a_input, NULL, 0 };

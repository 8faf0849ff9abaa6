/*
 * domain_parse_dev.c: the <devices> of a <domain>: disks, controllers, file systems,
 * interfaces, serial/parallel/console, inputs, graphics, video, memballoon, emulator.
 * What a device holds beyond the model, and unknown device elements, are kept
 * (domain_extra.c, rules in domain_def.h).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "xml/domain_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "core/error.h"
#include "xml/xmlutil.h"

static const char *const disk_types[] = {
	"file", "block", "dir", "network", "volume", "nvme", "vhostuser", "vhostvdpa", NULL
};
static const char *const disk_devices[] = { "disk", "cdrom", "floppy", "lun", NULL };
static const char *const disk_buses[] = {
	"ide", "fdc", "scsi", "virtio", "xen", "usb", "uml", "sata", "sd", NULL
};
static const char *const snapshot_values[] = { "no", "internal", "external", "manual", NULL };
static const char *const controller_types[] = {
	"ide", "fdc", "scsi", "sata", "virtio-serial", "ccid", "usb", "pci", "xenbus", "isa",
	"nvme", NULL
};
static const char *const net_types[] = {
	"user", "ethernet", "vhostuser", "server", "client", "mcast", "network", "bridge",
	"internal", "direct", "hostdev", "udp", "vdpa", "null", "vds", NULL
};
static const char *const chr_types[] = {
	"null", "vc", "pty", "dev", "file", "pipe", "stdio", "udp", "tcp", "unix", "spicevmc",
	"spiceport", "nmdm", "qemu-vdagent", "dbus", NULL
};
static const char *const video_models[] = {
	"default", "vga", "cirrus", "vmvga", "xen", "vbox", "qxl", "parallels", "virtio", "gop",
	"none", "bochs", "ramfb", NULL
};
static const char *const graphics_types[] = {
	"sdl", "vnc", "rdp", "desktop", "spice", "egl-headless", "dbus", NULL
};
static const char *const fs_types[] = {
	"mount", "block", "file", "template", "ram", "bind", "volume", NULL
};

/* Runs `fn(def, node)` for every child of `devices` named `name`. */
typedef int (*dev_parser)(vsnap_domain_def *def, const xmlNode *node);

int vsnap__domain_parse_address(vsnap_domain_address *addr, const xmlNode *dev_node)
{
	static const char *const types[] = {
		"pci", "drive", "virtio-serial", "ccid", "usb", "spapr-vio", "virtio-s390",
		"ccw", "virtio-mmio", "isa", "dimm", "unassigned", NULL
	};
	xmlNodePtr n = vsnap__xml_child(dev_node, "address");
	int rc;

	if (!n)
		return 0;
	if ((rc = vsnap__xml_prop_enum(&addr->type, n, "type", types)) < 0)
		return rc;
	if (!addr->type)
		return vsnap__xml_error(n, "missing attribute 'type'");
	if ((rc = vsnap__xml_prop_int(&addr->controller, n, "controller", 0, 0x7fffffff)) < 0 ||
	    (rc = vsnap__xml_prop_int(&addr->bus, n, "bus", 0, 0x7fffffff)) < 0 ||
	    (rc = vsnap__xml_prop_int(&addr->target, n, "target", 0, 0x7fffffff)) < 0 ||
	    (rc = vsnap__xml_prop_int(&addr->unit, n, "unit", 0, 0x7fffffff)) < 0 ||
	    (rc = vsnap__xml_prop_int(&addr->domain_, n, "domain", 0, 0xffff)) < 0 ||
	    (rc = vsnap__xml_prop_int(&addr->slot, n, "slot", 0, 0x1f)) < 0 ||
	    (rc = vsnap__xml_prop_int(&addr->function, n, "function", 0, 7)) < 0)
		return rc;
	/* libvirt's drive address fields are numbers that default to 0. */
	if (strcmp(addr->type, "drive") == 0) {
		addr->controller = addr->controller < 0 ? 0 : addr->controller;
		addr->bus = addr->bus < 0 ? 0 : addr->bus;
		addr->target = addr->target < 0 ? 0 : addr->target;
		addr->unit = addr->unit < 0 ? 0 : addr->unit;
	}
	if (strcmp(addr->type, "pci") == 0 && addr->bus > 0xff)
		return vsnap__xml_error(n, "PCI bus %d out of range", addr->bus);
	/* libvirt reads an absent number of a drive address as 0, as the formatter writes it:
	 * left at -1 it would escape the implicit-controller pass (fuzz: format fixed point). */
	if (strcmp(addr->type, "drive") == 0) {
		int *fields[] = { &addr->controller, &addr->bus, &addr->target, &addr->unit };

		for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
			if (*fields[i] < 0)
				*fields[i] = 0;
	}
	return 0;
}

static int parse_disk_children(vsnap_domain_disk_def *disk, const xmlNode *node)
{
	xmlNodePtr n;
	int rc;

	if ((n = vsnap__xml_child(node, "driver")) &&
	    ((rc = vsnap__xml_prop(&disk->driver_name, n, "name")) < 0 ||
	     (rc = vsnap__xml_prop(&disk->driver_type, n, "type")) < 0 ||
	     (rc = vsnap__xml_prop(&disk->driver_cache, n, "cache")) < 0 ||
	     (rc = vsnap__xml_prop(&disk->driver_io, n, "io")) < 0 ||
	     (rc = vsnap__xml_prop(&disk->driver_discard, n, "discard")) < 0))
		return rc;
	if ((n = vsnap__xml_child(node, "source"))) {
		const char *attr = strcmp(disk->type, "block") == 0 ? "dev" :
			strcmp(disk->type, "dir") == 0 ? "dir" : "file";

		if ((rc = vsnap__xml_prop(&disk->src_file, n, attr)) < 0 ||
		    (rc = vsnap__xml_prop(&disk->src_startup_policy, n, "startupPolicy")) < 0)
			return rc;
	}
	if (!(n = vsnap__xml_child(node, "target")))
		return vsnap__xml_error(node, "missing child element <target>");
	if ((rc = vsnap__xml_prop(&disk->target_dev, n, "dev")) < 0 ||
	    (rc = vsnap__xml_prop_enum(&disk->target_bus, n, "bus", disk_buses)) < 0)
		return rc;
	if (!disk->target_dev || !disk->target_dev[0])
		return vsnap__xml_error(n, "missing attribute 'dev'");
	disk->readonly = vsnap__xml_child(node, "readonly") != NULL;
	disk->shareable = vsnap__xml_child(node, "shareable") != NULL;
	if (vsnap__xml_child(node, "transient"))
		disk->transient = 1;
	if ((n = vsnap__xml_child(node, "serial")) && (rc = vsnap__xml_text(&disk->serial, n)) < 0)
		return rc;
	if ((n = vsnap__xml_child(node, "boot")) &&
	    (rc = vsnap__xml_prop_int(&disk->boot_order, n, "order", 1, 0x7fffffff)) < 0)
		return rc;
	return vsnap__domain_parse_address(&disk->address, node);
}

/* snapshot='...' and the seed's persistent='yes|no' (a synonym of <transient/>). */
static int parse_disk_modes(vsnap_domain_disk_def *disk, const xmlNode *node)
{
	char *snapshot = NULL;
	int persistent = -1, rc;

	if ((rc = vsnap__xml_prop_enum(&snapshot, node, "snapshot", snapshot_values)) < 0)
		return rc;
	if (snapshot) {
		disk->snapshot = strcmp(snapshot, "no") == 0 ? VSNAP_SNAPSHOT_LOCATION_NO :
			strcmp(snapshot, "internal") == 0 ? VSNAP_SNAPSHOT_LOCATION_INTERNAL :
			strcmp(snapshot, "external") == 0 ? VSNAP_SNAPSHOT_LOCATION_EXTERNAL :
			VSNAP_SNAPSHOT_LOCATION_MANUAL;
		free(snapshot);
	}
	if ((rc = vsnap__xml_prop_bool(&persistent, node, "persistent", 0)) < 0)
		return rc;
	if (persistent == 1 && disk->transient)
		return vsnap__xml_error(node,
			"attribute persistent='yes' contradicts the <transient/> element");
	if (persistent == 0)
		disk->transient = 1;
	return 0;
}

static int parse_disk(vsnap_domain_def *def, const xmlNode *node)
{
	vsnap_domain_disk_def *disk = vsnap__domain_disk_new();
	int rc;

	if (!disk)
		return vsnap__error_oom();
	if ((rc = vsnap__xml_prop_enum(&disk->type, node, "type", disk_types)) < 0 ||
	    (rc = vsnap__xml_prop_enum(&disk->device, node, "device", disk_devices)) < 0)
		goto error;
	if ((!disk->type && !(disk->type = strdup("file"))) ||
	    (!disk->device && !(disk->device = strdup("disk")))) {
		rc = vsnap__error_oom();
		goto error;
	}
	if ((rc = parse_disk_children(disk, node)) < 0 || (rc = parse_disk_modes(disk, node)) < 0 ||
	    (rc = vsnap__domain_extra_collect(&disk->extra, "", node,
	                                      vsnap__domain_spec_disk(disk->type))) < 0 ||
	    (rc = vsnap__domain_def_add((void ***)&def->disks, &def->ndisks, disk)) < 0)
		goto error;
	return 0;
 error:
	vsnap__domain_disk_free(disk);
	return rc;
}

static int parse_controller(vsnap_domain_def *def, const xmlNode *node)
{
	vsnap_domain_controller_def *ctrl = vsnap__domain_controller_new();
	int rc;

	if (!ctrl)
		return vsnap__error_oom();
	if ((rc = vsnap__xml_prop_enum(&ctrl->type, node, "type", controller_types)) < 0 ||
	    (rc = vsnap__xml_prop_int(&ctrl->index, node, "index", 0, 0x7fffffff)) < 0 ||
	    (rc = vsnap__xml_prop(&ctrl->model, node, "model")) < 0 ||
	    (rc = vsnap__domain_parse_address(&ctrl->address, node)) < 0)
		goto error;
	if (!ctrl->type) {
		rc = vsnap__xml_error(node, "missing attribute 'type'");
		goto error;
	}
	if (ctrl->index < 0) {
		/* As libvirt: the first free index of this controller type. */
		ctrl->index = 0;
		for (size_t i = 0; i < def->ncontrollers; i++) {
			if (strcmp(def->controllers[i]->type, ctrl->type) == 0 &&
			    def->controllers[i]->index >= ctrl->index)
				ctrl->index = def->controllers[i]->index + 1;
		}
	}
	if ((rc = vsnap__domain_extra_collect(&ctrl->extra, "", node,
	                                      &vsnap__domain_spec_controller)) < 0 ||
	    (rc = vsnap__domain_def_add((void ***)&def->controllers, &def->ncontrollers, ctrl)) < 0)
		goto error;
	return 0;
 error:
	vsnap__domain_controller_free(ctrl);
	return rc;
}

static int parse_fs(vsnap_domain_def *def, const xmlNode *node)
{
	static const char *const modes[] = { "passthrough", "mapped", "squash", NULL };
	vsnap_domain_fs_def *fs = vsnap__domain_fs_new();
	xmlNodePtr n;
	int rc;

	if (!fs)
		return vsnap__error_oom();
	if ((rc = vsnap__xml_prop_enum(&fs->type, node, "type", fs_types)) < 0 ||
	    (rc = vsnap__xml_prop_enum(&fs->accessmode, node, "accessmode", modes)) < 0)
		goto error;
	if ((!fs->type && !(fs->type = strdup("mount")))) {
		rc = vsnap__error_oom();
		goto error;
	}
	if ((n = vsnap__xml_child(node, "driver")) &&
	    (rc = vsnap__xml_prop(&fs->driver_type, n, "type")) < 0)
		goto error;
	if ((n = vsnap__xml_child(node, "source")) &&
	    (rc = vsnap__xml_prop(&fs->src_dir, n, "dir")) < 0)
		goto error;
	if (!(n = vsnap__xml_child(node, "target"))) {
		rc = vsnap__xml_error(node, "missing child element <target>");
		goto error;
	}
	if ((rc = vsnap__xml_prop(&fs->target_dir, n, "dir")) < 0)
		goto error;
	if (!fs->target_dir) {
		rc = vsnap__xml_error(n, "missing attribute 'dir'");
		goto error;
	}
	fs->readonly = vsnap__xml_child(node, "readonly") != NULL;
	if ((rc = vsnap__domain_parse_address(&fs->address, node)) < 0 ||
	    (rc = vsnap__domain_extra_collect(&fs->extra, "", node, &vsnap__domain_spec_fs)) < 0 ||
	    (rc = vsnap__domain_def_add((void ***)&def->filesystems, &def->nfilesystems, fs)) < 0)
		goto error;
	return 0;
 error:
	vsnap__domain_fs_free(fs);
	return rc;
}

/* Parses and canonicalizes a MAC address ("0:50:56:A:b:c" → "00:50:56:0a:0b:0c"). */
static int parse_mac(char **out, const xmlNode *node)
{
	char *text = NULL;
	unsigned int b[6];
	char tail;
	int rc;

	if ((rc = vsnap__xml_prop(&text, node, "address")) < 0)
		return rc;
	if (!text)
		return 0;
	if (sscanf(text, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
	           &tail) != 6 || strspn(text, "0123456789abcdefABCDEF:") != strlen(text)) {
		rc = vsnap__xml_error(node, "malformed MAC address '%s'", text);
		free(text);
		return rc;
	}
	/* A short spelling ("0:50:56:a:b:c") grows: its own buffer would truncate it (fuzz). */
	free(text);
	if (!(*out = malloc(18)))
		return vsnap__error_oom();
	snprintf(*out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4], b[5]);
	return 0;
}

/* libvirt generates a MAC for an interface without one, with the hypervisor's prefix. */
static int generate_mac(char **out, const char *virt_type)
{
	unsigned char r[3];
	const char *prefix = strcmp(virt_type, "vmware") == 0 ? "00:0c:29" : "52:54:00";

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		return vsnap__error_os("reading random bytes for a MAC address");
	if (!(*out = malloc(18)))
		return vsnap__error_oom();
	snprintf(*out, 18, "%s:%02x:%02x:%02x", prefix, r[0], r[1], r[2]);
	return 0;
}

static int parse_net_source(vsnap_domain_net_def *net, const xmlNode *src)
{
	int rc;

	if ((rc = vsnap__xml_prop(&net->src_bridge, src, "bridge")) < 0 ||
	    (rc = vsnap__xml_prop(&net->src_network, src, "network")) < 0 ||
	    (rc = vsnap__xml_prop(&net->src_dev, src, "dev")) < 0 ||
	    (rc = vsnap__xml_prop(&net->src_mode, src, "mode")) < 0 ||
	    (rc = vsnap__xml_prop(&net->src_switchid, src, "switchid")) < 0 ||
	    (rc = vsnap__xml_prop_ll(&net->src_portid, src, "portid", 0, 0x7fffffff)) < 0 ||
	    (rc = vsnap__xml_prop(&net->src_portgroupid, src, "portgroupid")) < 0 ||
	    (rc = vsnap__xml_prop(&net->src_connectionid, src, "connectionid")) < 0)
		return rc;
	return 0;
}

static int parse_net(vsnap_domain_def *def, const xmlNode *node)
{
	static const char *const mac_types[] = { "generated", "static", NULL };
	static const char *const yesno[] = { "yes", "no", NULL };
	vsnap_domain_net_def *net = vsnap__domain_net_new();
	xmlNodePtr n;
	int rc;

	if (!net)
		return vsnap__error_oom();
	if ((rc = vsnap__xml_prop_enum(&net->type, node, "type", net_types)) < 0)
		goto error;
	if (!net->type) {
		rc = vsnap__xml_error(node, "missing attribute 'type'");
		goto error;
	}
	if ((n = vsnap__xml_child(node, "mac")) &&
	    ((rc = parse_mac(&net->mac, n)) < 0 ||
	     (rc = vsnap__xml_prop_enum(&net->mac_type, n, "type", mac_types)) < 0 ||
	     (rc = vsnap__xml_prop_enum(&net->mac_check, n, "check", yesno)) < 0))
		goto error;
	if (!net->mac)
		net->mac_generated = 1;
	if (!net->mac && (rc = generate_mac(&net->mac, def->virt_type)) < 0)
		goto error;
	if ((n = vsnap__xml_child(node, "source")) && (rc = parse_net_source(net, n)) < 0)
		goto error;
	if ((n = vsnap__xml_child(node, "target")) &&
	    (rc = vsnap__xml_prop(&net->target_dev, n, "dev")) < 0)
		goto error;
	if ((n = vsnap__xml_child(node, "model")) &&
	    (rc = vsnap__xml_prop(&net->model, n, "type")) < 0)
		goto error;
	if ((rc = vsnap__domain_parse_address(&net->address, node)) < 0 ||
	    (rc = vsnap__domain_extra_collect(&net->extra, "", node,
	                                      vsnap__domain_spec_net(net->type))) < 0 ||
	    (rc = vsnap__domain_def_add((void ***)&def->nets, &def->nnets, net)) < 0)
		goto error;
	return 0;
 error:
	vsnap__domain_net_free(net);
	return rc;
}

static int parse_chr_children(vsnap_domain_chr_def *chr, const xmlNode *node)
{
	static const char *const modes[] = { "bind", "connect", NULL };
	xmlNodePtr n;
	int rc;

	if ((n = vsnap__xml_child(node, "source")) &&
	    ((rc = vsnap__xml_prop(&chr->src_path, n, "path")) < 0 ||
	     (rc = vsnap__xml_prop_enum(&chr->src_mode, n, "mode", modes)) < 0 ||
	     (rc = vsnap__xml_prop(&chr->src_host, n, "host")) < 0 ||
	     (rc = vsnap__xml_prop(&chr->src_service, n, "service")) < 0))
		return rc;
	if ((n = vsnap__xml_child(node, "protocol")) &&
	    (rc = vsnap__xml_prop(&chr->protocol, n, "type")) < 0)
		return rc;
	if ((n = vsnap__xml_child(node, "target")) &&
	    ((rc = vsnap__xml_prop(&chr->target_type, n, "type")) < 0 ||
	     (rc = vsnap__xml_prop_int(&chr->target_port, n, "port", 0, 0xffff)) < 0))
		return rc;
	if (strcmp(chr->type, "tcp") == 0 && !chr->src_mode && !(chr->src_mode = strdup("connect")))
		return vsnap__error_oom();
	return vsnap__domain_parse_address(&chr->address, node);
}

/* Serial, parallel or console, appended to `*arr`; a missing target port takes the next one. */
static int parse_chr(vsnap_domain_chr_def ***arr, size_t *n, const xmlNode *node, int console)
{
	vsnap_domain_chr_def *chr = vsnap__domain_chr_new();
	int rc;

	if (!chr)
		return vsnap__error_oom();
	if ((rc = vsnap__xml_prop_enum(&chr->type, node, "type", chr_types)) < 0)
		goto error;
	if (!chr->type && !(chr->type = strdup("pty"))) {
		rc = vsnap__error_oom();
		goto error;
	}
	if ((rc = parse_chr_children(chr, node)) < 0 ||
	    (rc = vsnap__domain_extra_collect(&chr->extra, "", node,
	                                      vsnap__domain_spec_chr(chr->type))) < 0)
		goto error;
	if (console && !chr->target_type && !(chr->target_type = strdup("serial"))) {
		rc = vsnap__error_oom();
		goto error;
	}
	if (chr->target_port < 0) {
		chr->target_port = 0;
		for (size_t i = 0; i < *n && !console; i++) {
			if ((*arr)[i]->target_port >= chr->target_port)
				chr->target_port = (*arr)[i]->target_port + 1;
		}
	}
	if ((rc = vsnap__domain_def_add((void ***)arr, n, chr)) < 0)
		goto error;
	return 0;
 error:
	vsnap__domain_chr_free(chr);
	return rc;
}

static int parse_serial(vsnap_domain_def *def, const xmlNode *node)
{
	return parse_chr(&def->serials, &def->nserials, node, 0);
}

static int parse_parallel(vsnap_domain_def *def, const xmlNode *node)
{
	return parse_chr(&def->parallels, &def->nparallels, node, 0);
}

static int parse_console(vsnap_domain_def *def, const xmlNode *node)
{
	return parse_chr(&def->consoles, &def->nconsoles, node, 1);
}

static int parse_input(vsnap_domain_def *def, const xmlNode *node)
{
	static const char *const types[] = { "mouse", "tablet", "keyboard", "passthrough", "evdev", NULL };
	vsnap_domain_input_def *input = vsnap__domain_input_new();
	int rc;

	if (!input)
		return vsnap__error_oom();
	if ((rc = vsnap__xml_prop_enum(&input->type, node, "type", types)) < 0 ||
	    (rc = vsnap__xml_prop(&input->bus, node, "bus")) < 0)
		goto error;
	if (!input->type) {
		rc = vsnap__xml_error(node, "missing attribute 'type'");
		goto error;
	}
	if ((rc = vsnap__domain_extra_collect(&input->extra, "", node,
	                                      &vsnap__domain_spec_input)) < 0 ||
	    (rc = vsnap__domain_def_add((void ***)&def->inputs, &def->ninputs, input)) < 0)
		goto error;
	return 0;
 error:
	vsnap__domain_input_free(input);
	return rc;
}

static int parse_graphics(vsnap_domain_def *def, const xmlNode *node)
{
	static const char *const listen_types[] = { "address", "network", "socket", "none", NULL };
	vsnap_domain_graphics_def *gfx = vsnap__domain_graphics_new();
	xmlNodePtr n;
	int autoport = -1, remote, rc;

	if (!gfx)
		return vsnap__error_oom();
	if ((rc = vsnap__xml_prop_enum(&gfx->type, node, "type", graphics_types)) < 0 ||
	    (rc = vsnap__xml_prop_int(&gfx->port, node, "port", -1, 65535)) < 0 ||
	    (rc = vsnap__xml_prop_bool(&autoport, node, "autoport", 0)) < 0 ||
	    (rc = vsnap__xml_prop(&gfx->keymap, node, "keymap")) < 0 ||
	    (rc = vsnap__xml_prop(&gfx->passwd, node, "passwd")) < 0 ||
	    (rc = vsnap__xml_prop(&gfx->listen_address, node, "listen")) < 0)
		goto error;
	if (!gfx->type) {
		rc = vsnap__xml_error(node, "missing attribute 'type'");
		goto error;
	}
	remote = strcmp(gfx->type, "vnc") == 0 || strcmp(gfx->type, "spice") == 0;
	if (remote) {
		/* As libvirt: no port or port -1 means an automatic port unless autoport='no'. */
		gfx->autoport = autoport >= 0 ? autoport : gfx->port == -1;
		if (gfx->autoport == 1)
			gfx->port = -1;
	}
	if ((n = vsnap__xml_child(node, "listen"))) {
		if ((rc = vsnap__xml_prop_enum(&gfx->listen_type, n, "type", listen_types)) < 0)
			goto error;
		if (!gfx->listen_address &&
		    (rc = vsnap__xml_prop(&gfx->listen_address, n, "address")) < 0)
			goto error;
	}
	/* A remote display always listens somewhere: by default on an address. */
	if (!gfx->listen_type && (remote || gfx->listen_address) &&
	    !(gfx->listen_type = strdup("address"))) {
		rc = vsnap__error_oom();
		goto error;
	}
	if ((rc = vsnap__domain_extra_collect(&gfx->extra, "", node,
	                                      &vsnap__domain_spec_graphics)) < 0 ||
	    (rc = vsnap__domain_def_add((void ***)&def->graphics, &def->ngraphics, gfx)) < 0)
		goto error;
	return 0;
 error:
	vsnap__domain_graphics_free(gfx);
	return rc;
}

/* libvirt's default video RAM (KiB) for a model when <model vram> is absent. */
static long long default_vram(const char *virt_type, const char *model)
{
	if (strcmp(model, "vga") == 0 || strcmp(model, "cirrus") == 0 ||
	    strcmp(model, "vmvga") == 0) {
		if (strcmp(virt_type, "vbox") == 0)
			return 8 * 1024;
		return strcmp(virt_type, "vmware") == 0 ? 4 * 1024 : 16 * 1024;
	}
	if (strcmp(model, "bochs") == 0)
		return 16 * 1024;
	if (strcmp(model, "xen") == 0)
		return 4 * 1024;
	if (strcmp(model, "qxl") == 0)
		return 64 * 1024;
	return -1;
}

static int parse_video(vsnap_domain_def *def, const xmlNode *node)
{
	vsnap_domain_video_def *video = vsnap__domain_video_new();
	xmlNodePtr n = vsnap__xml_child(node, "model");
	int rc = 0;

	if (!video)
		return vsnap__error_oom();
	if (n && ((rc = vsnap__xml_prop_enum(&video->model, n, "type", video_models)) < 0 ||
	          (rc = vsnap__xml_prop_ll(&video->vram, n, "vram", 0, 0x7fffffff)) < 0 ||
	          (rc = vsnap__xml_prop_int(&video->heads, n, "heads", 1, 16)) < 0 ||
	          (rc = vsnap__xml_prop_bool(&video->primary, n, "primary", 0)) < 0))
		goto error;
	if (!video->model && !(video->model = strdup(strcmp(def->virt_type, "vmware") == 0 ?
	                                             "vmvga" : "vga"))) {
		rc = vsnap__error_oom();
		goto error;
	}
	/* vram='0' means the default, as in libvirt (it is formatted as absent). */
	if (video->vram <= 0)
		video->vram = default_vram(def->virt_type, video->model);
	if ((rc = vsnap__domain_parse_address(&video->address, node)) < 0 ||
	    (rc = vsnap__domain_extra_collect(&video->extra, "", node,
	                                      &vsnap__domain_spec_video)) < 0)
		goto error;
	if (video->primary == 1) {
		/* The primary video device goes first, as libvirt keeps it. */
		if (def->nvideos && def->videos[0]->primary == 1) {
			rc = vsnap__xml_error(node, "only one primary video device is supported");
			goto error;
		}
		if ((rc = vsnap__domain_def_add((void ***)&def->videos, &def->nvideos, video)) < 0)
			goto error;
		memmove(def->videos + 1, def->videos, (def->nvideos - 1) * sizeof(*def->videos));
		def->videos[0] = video;
		return 0;
	}
	if ((rc = vsnap__domain_def_add((void ***)&def->videos, &def->nvideos, video)) < 0)
		goto error;
	return 0;
 error:
	vsnap__domain_video_free(video);
	return rc;
}

static int parse_single(vsnap_domain_def *def, const xmlNode *node)
{
	if (vsnap__xml_is(node, "emulator") && !def->emulator)
		return vsnap__xml_text(&def->emulator, node);
	if (vsnap__xml_is(node, "memballoon") && !def->memballoon_model) {
		static const char *const models[] = {
			"virtio", "xen", "none", "virtio-transitional", "virtio-non-transitional", NULL
		};
		int rc = vsnap__xml_prop_enum(&def->memballoon_model, node, "model", models);

		if (rc == 0 && !def->memballoon_model)
			rc = vsnap__xml_error(node, "missing attribute 'model'");
		return rc;
	}
	return 0;
}

int vsnap__domain_parse_devices(vsnap_domain_def *def, const xmlNode *devices)
{
	static const struct {
		const char *name;
		dev_parser fn;
	} parsers[] = {
		{ "disk", parse_disk }, { "controller", parse_controller },
		{ "filesystem", parse_fs }, { "interface", parse_net },
		{ "serial", parse_serial }, { "parallel", parse_parallel },
		{ "console", parse_console }, { "input", parse_input },
		{ "graphics", parse_graphics }, { "video", parse_video },
		{ "emulator", parse_single }, { "memballoon", parse_single },
	};
	int rc;

	for (xmlNodePtr c = devices->children; c; c = c->next) {
		for (size_t i = 0; i < sizeof(parsers) / sizeof(parsers[0]); i++) {
			if (vsnap__xml_is(c, parsers[i].name)) {
				if ((rc = parsers[i].fn(def, c)) < 0)
					return rc;
				break;
			}
		}
	}
	/* As libvirt: without an explicit primary, the first video device is the primary one. */
	if (def->nvideos && def->videos[0]->primary != 1)
		def->videos[0]->primary = 1;
	return 0;
}

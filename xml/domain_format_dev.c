/*
 * domain_format_dev.c: the <devices> element in libvirt's order (emulator, disks, controllers,
 * file systems, interfaces, serials, parallels, consoles, inputs, graphics, videos,
 * memballoon) with libvirt's attribute order for each device; devices the model does not
 * know (kept aside, domain_def.h) are put between those kinds where libvirt formats them.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "xml/domain_priv.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "xml/domain_def.h"
#include "xml/snapshot_priv.h"

static int nonneg(int v)
{
	return v < 0 ? 0 : v;
}

void vsnap__domain_format_address(vsnap__xmlbuf *buf, const vsnap_domain_address *addr,
	const vsnap_domain_extra *extra)
{
	vsnap__xmlbuf attrs;

	vsnap__xmlbuf_init(&attrs, 0);
	if (!addr->type) {
		vsnap__domain_extra_element(buf, "address", &attrs, NULL, extra, "address");
		return;
	}
	vsnap__xmlbuf_attr(&attrs, "type", addr->type);
	if (strcmp(addr->type, "drive") == 0) {
		vsnap__xmlbuf_attr_ll(&attrs, "controller", nonneg(addr->controller));
		vsnap__xmlbuf_attr_ll(&attrs, "bus", nonneg(addr->bus));
		vsnap__xmlbuf_attr_ll(&attrs, "target", nonneg(addr->target));
		vsnap__xmlbuf_attr_ll(&attrs, "unit", nonneg(addr->unit));
	} else if (strcmp(addr->type, "pci") == 0) {
		vsnap__xmlbuf_printf(&attrs, " domain='0x%04x' bus='0x%02x' slot='0x%02x' function='0x%x'",
			(unsigned int)nonneg(addr->domain_), (unsigned int)nonneg(addr->bus),
			(unsigned int)nonneg(addr->slot), (unsigned int)nonneg(addr->function));
	} else {
		/* Other kinds: the fields that are set, in the drive order. */
		if (addr->controller >= 0)
			vsnap__xmlbuf_attr_ll(&attrs, "controller", addr->controller);
		if (addr->bus >= 0)
			vsnap__xmlbuf_attr_ll(&attrs, "bus", addr->bus);
		if (addr->target >= 0)
			vsnap__xmlbuf_attr_ll(&attrs, "target", addr->target);
		if (addr->unit >= 0)
			vsnap__xmlbuf_attr_ll(&attrs, "unit", addr->unit);
		/* Read for every kind: written back when set, so that nothing read is lost. */
		if (addr->domain_ >= 0)
			vsnap__xmlbuf_attr_ll(&attrs, "domain", addr->domain_);
		if (addr->slot >= 0)
			vsnap__xmlbuf_attr_ll(&attrs, "slot", addr->slot);
		if (addr->function >= 0)
			vsnap__xmlbuf_attr_ll(&attrs, "function", addr->function);
	}
	vsnap__domain_extra_element(buf, "address", &attrs, NULL, extra, "address");
}

/*
 * A child element of a device with up to two modelled attributes, and what is kept of it
 * (`path` is its name); left out when it has nothing. Every modelled child goes through
 * here or vsnap__domain_extra_element(), even when the model has nothing for it, so that what
 * is kept of it is written.
 */
static void attrs_element(vsnap__xmlbuf *buf, const char *name, const char *a1, const char *v1,
	const char *a2, const char *v2, const vsnap_domain_extra *extra)
{
	vsnap__xmlbuf attrs;

	vsnap__xmlbuf_init(&attrs, 0);
	if (a1)
		vsnap__xmlbuf_attr(&attrs, a1, v1);
	if (a2)
		vsnap__xmlbuf_attr(&attrs, a2, v2);
	vsnap__domain_extra_element(buf, name, &attrs, NULL, extra, name);
}

/* A flag element (<readonly/>) when `on`, with what is kept of it. */
static void flag_element(vsnap__xmlbuf *buf, const char *name, int on,
	const vsnap_domain_extra *extra)
{
	vsnap__xmlbuf attrs, child;

	vsnap__xmlbuf_init(&attrs, 0);
	vsnap__xmlbuf_init_child(&child, buf);
	vsnap__domain_extra_attrs(&attrs, extra, name);
	vsnap__domain_extra_children(&child, extra, name);
	if (on && !vsnap__xmlbuf_cstr(&attrs)[0] && !vsnap__xmlbuf_cstr(&child)[0])
		vsnap__xmlbuf_line(buf, "<%s/>", name);
	else
		vsnap__xmlbuf_element(buf, name, &attrs, &child);
}

static void format_disk(vsnap__xmlbuf *buf, const vsnap_domain_disk_def *disk)
{
	vsnap__xmlbuf attrs, child, sub;
	const char *src_attr = strcmp(disk->type, "block") == 0 ? "dev" :
		strcmp(disk->type, "dir") == 0 ? "dir" : "file";

	vsnap__xmlbuf_init(&attrs, 0);
	vsnap__xmlbuf_init_child(&child, buf);
	vsnap__xmlbuf_attr(&attrs, "type", disk->type);
	vsnap__xmlbuf_attr(&attrs, "device", disk->device ? disk->device : "disk");
	/* libvirt does not repeat snapshot='no' on a read-only disk (implied there). */
	if (!(disk->snapshot == VSNAP_SNAPSHOT_LOCATION_NO && disk->readonly))
		vsnap__xmlbuf_attr(&attrs, "snapshot", vsnap__snapshot_location_name(disk->snapshot));

	vsnap__xmlbuf_init(&sub, 0);
	vsnap__xmlbuf_attr(&sub, "name", disk->driver_name);
	vsnap__xmlbuf_attr(&sub, "type", disk->driver_type);
	vsnap__xmlbuf_attr(&sub, "cache", disk->driver_cache);
	vsnap__xmlbuf_attr(&sub, "io", disk->driver_io);
	vsnap__xmlbuf_attr(&sub, "discard", disk->driver_discard);
	vsnap__domain_extra_element(&child, "driver", &sub, NULL, &disk->extra, "driver");
	attrs_element(&child, "source", src_attr, disk->src_file, "startupPolicy",
		disk->src_startup_policy, &disk->extra);
	attrs_element(&child, "target", "dev", disk->target_dev, "bus", disk->target_bus,
		&disk->extra);
	flag_element(&child, "readonly", disk->readonly, &disk->extra);
	flag_element(&child, "shareable", disk->shareable, &disk->extra);
	flag_element(&child, "transient", disk->transient, &disk->extra);
	vsnap__domain_extra_text_element(&child, "serial", NULL, disk->serial, &disk->extra,
		"serial");
	vsnap__xmlbuf_init(&sub, 0);
	if (disk->boot_order > 0)
		vsnap__xmlbuf_attr_ll(&sub, "order", disk->boot_order);
	vsnap__domain_extra_element(&child, "boot", &sub, NULL, &disk->extra, "boot");
	vsnap__domain_format_address(&child, &disk->address, &disk->extra);
	vsnap__domain_extra_element(buf, "disk", &attrs, &child, &disk->extra, "");
}

static void format_controller(vsnap__xmlbuf *buf, const vsnap_domain_controller_def *ctrl)
{
	vsnap__xmlbuf attrs, child;

	vsnap__xmlbuf_init(&attrs, 0);
	vsnap__xmlbuf_init_child(&child, buf);
	vsnap__xmlbuf_attr(&attrs, "type", ctrl->type);
	vsnap__xmlbuf_attr_ll(&attrs, "index", nonneg(ctrl->index));
	vsnap__xmlbuf_attr(&attrs, "model", ctrl->model);
	vsnap__domain_format_address(&child, &ctrl->address, &ctrl->extra);
	vsnap__domain_extra_element(buf, "controller", &attrs, &child, &ctrl->extra, "");
}

static void format_fs(vsnap__xmlbuf *buf, const vsnap_domain_fs_def *fs)
{
	vsnap__xmlbuf attrs, child;
	int virtiofs = fs->driver_type && strcmp(fs->driver_type, "virtiofs") == 0;

	vsnap__xmlbuf_init(&attrs, 0);
	vsnap__xmlbuf_init_child(&child, buf);
	vsnap__xmlbuf_attr(&attrs, "type", fs->type ? fs->type : "mount");
	/* libvirt always states the access mode, except for virtiofs. */
	if (!virtiofs)
		vsnap__xmlbuf_attr(&attrs, "accessmode", fs->accessmode ? fs->accessmode : "passthrough");
	attrs_element(&child, "driver", "type", fs->driver_type, NULL, NULL, &fs->extra);
	attrs_element(&child, "source", "dir", fs->src_dir, NULL, NULL, &fs->extra);
	attrs_element(&child, "target", "dir", fs->target_dir, NULL, NULL, &fs->extra);
	flag_element(&child, "readonly", fs->readonly, &fs->extra);
	vsnap__domain_format_address(&child, &fs->address, &fs->extra);
	vsnap__domain_extra_element(buf, "filesystem", &attrs, &child, &fs->extra, "");
}

static void format_net_source(vsnap__xmlbuf *buf, const vsnap_domain_net_def *net)
{
	vsnap__xmlbuf attrs;

	vsnap__xmlbuf_init(&attrs, 0);
	if (strcmp(net->type, "bridge") == 0) {
		vsnap__xmlbuf_attr(&attrs, "bridge", net->src_bridge);
	} else if (strcmp(net->type, "network") == 0) {
		vsnap__xmlbuf_attr(&attrs, "network", net->src_network);
	} else if (strcmp(net->type, "direct") == 0) {
		vsnap__xmlbuf_attr(&attrs, "dev", net->src_dev);
		vsnap__xmlbuf_attr(&attrs, "mode", net->src_mode ? net->src_mode : "vepa");
	} else if (strcmp(net->type, "vds") == 0) {
		vsnap__xmlbuf_attr(&attrs, "switchid", net->src_switchid);
		if (net->src_portid >= 0)
			vsnap__xmlbuf_attr_ll(&attrs, "portid", net->src_portid);
		vsnap__xmlbuf_attr(&attrs, "portgroupid", net->src_portgroupid);
		vsnap__xmlbuf_attr(&attrs, "connectionid", net->src_connectionid);
	}
	vsnap__domain_extra_element(buf, "source", &attrs, NULL, &net->extra, "source");
}

static void format_net(vsnap__xmlbuf *buf, const vsnap_domain_net_def *net)
{
	vsnap__xmlbuf attrs, child, sub;

	vsnap__xmlbuf_init(&attrs, 0);
	vsnap__xmlbuf_init_child(&child, buf);
	vsnap__xmlbuf_attr(&attrs, "type", net->type);
	vsnap__xmlbuf_init(&sub, 0);
	vsnap__xmlbuf_attr(&sub, "address", net->mac);
	vsnap__xmlbuf_attr(&sub, "type", net->mac_type);
	vsnap__xmlbuf_attr(&sub, "check", net->mac_check);
	vsnap__domain_extra_element(&child, "mac", &sub, NULL, &net->extra, "mac");
	format_net_source(&child, net);
	attrs_element(&child, "target", "dev", net->target_dev, NULL, NULL, &net->extra);
	attrs_element(&child, "model", "type", net->model, NULL, NULL, &net->extra);
	vsnap__domain_format_address(&child, &net->address, &net->extra);
	vsnap__domain_extra_element(buf, "interface", &attrs, &child, &net->extra, "");
}

/*
 * `mirror`: a console shown from a serial port (below) takes the serial's source and what is
 * kept of it, but not the serial's target settings (<target><model>), as libvirt.
 */
static void format_chr(vsnap__xmlbuf *buf, const char *name, const vsnap_domain_chr_def *chr,
	int mirror)
{
	const vsnap_domain_extra *x = &chr->extra;
	const vsnap_domain_extra none = { NULL, 0 };

	vsnap__xmlbuf attrs, child, sub;
	int tcp = strcmp(chr->type, "tcp") == 0;

	vsnap__xmlbuf_init(&attrs, 0);
	vsnap__xmlbuf_init_child(&child, buf);
	vsnap__xmlbuf_attr(&attrs, "type", chr->type);
	vsnap__xmlbuf_init(&sub, 0);
	if (tcp) {
		vsnap__xmlbuf_attr(&sub, "mode", chr->src_mode ? chr->src_mode : "connect");
		vsnap__xmlbuf_attr(&sub, "host", chr->src_host);
		vsnap__xmlbuf_attr(&sub, "service", chr->src_service);
	} else {
		vsnap__xmlbuf_attr(&sub, "path", chr->src_path);
	}
	vsnap__domain_extra_element(&child, "source", &sub, NULL, x, "source");
	/* libvirt always states the protocol of a TCP character device; for other types the
	 * parser does not model it and keeps it aside. */
	attrs_element(&child, "protocol", tcp ? "type" : NULL,
		chr->protocol ? chr->protocol : "raw", NULL, NULL, x);
	vsnap__xmlbuf_init(&sub, 0);
	vsnap__xmlbuf_attr(&sub, "type", chr->target_type);
	if (chr->target_port >= 0)
		vsnap__xmlbuf_attr_ll(&sub, "port", chr->target_port);
	vsnap__domain_extra_element(&child, "target", &sub, NULL, mirror ? &none : x, "target");
	vsnap__domain_format_address(&child, &chr->address, x);
	vsnap__domain_extra_element(buf, name, &attrs, &child, x, "");
}

/* Formats `src` as a <console> with target type 'serial'. */
static void format_serial_console(vsnap__xmlbuf *buf, const vsnap_domain_chr_def *src)
{
	vsnap_domain_chr_def console = *src;

	console.target_type = (char *)"serial";
	format_chr(buf, "console", &console, 1);
}

/*
 * As libvirt: an hvm guest's serial-type console n is the serial port n shown again (its data
 * comes from the serial), and without any console the first serial port is shown as one.
 */
static void format_consoles(vsnap__xmlbuf *buf, const vsnap_domain_def *def)
{
	int hvm = !def->os_type || strcmp(def->os_type, "hvm") == 0;

	for (size_t n = 0; n < def->nconsoles; n++) {
		const vsnap_domain_chr_def *con = def->consoles[n];

		if (hvm && (!con->target_type || strcmp(con->target_type, "serial") == 0) &&
		    n < def->nserials)
			format_serial_console(buf, def->serials[n]);
		else
			format_chr(buf, "console", con, 0);
	}
	if (def->nconsoles == 0 && def->nserials > 0)
		format_serial_console(buf, def->serials[0]);
}

static void format_graphics(vsnap__xmlbuf *buf, const vsnap_domain_graphics_def *gfx,
	unsigned int flags)
{
	vsnap__xmlbuf attrs, child;
	int remote = strcmp(gfx->type, "vnc") == 0 || strcmp(gfx->type, "spice") == 0;

	vsnap__xmlbuf_init(&attrs, 0);
	vsnap__xmlbuf_init_child(&child, buf);
	vsnap__xmlbuf_attr(&attrs, "type", gfx->type);
	if (remote) {
		if (gfx->port > 0 && gfx->autoport != 1)
			vsnap__xmlbuf_attr_ll(&attrs, "port", gfx->port);
		else if (gfx->autoport == 1)
			vsnap__xmlbuf_attr(&attrs, "port", "-1");
		vsnap__xmlbuf_attr(&attrs, "autoport", gfx->autoport == 1 ? "yes" : "no");
		vsnap__xmlbuf_attr(&attrs, "listen", gfx->listen_address);
	}
	vsnap__xmlbuf_attr(&attrs, "keymap", gfx->keymap);
	/* Passwords only on request, as libvirt's VIR_DOMAIN_XML_SECURE. */
	if (flags & VSNAP_DOMAIN_XML_SECURE)
		vsnap__xmlbuf_attr(&attrs, "passwd", gfx->passwd);
	attrs_element(&child, "listen", "type", gfx->listen_type, "address",
		gfx->listen_type ? gfx->listen_address : NULL, &gfx->extra);
	vsnap__domain_extra_element(buf, "graphics", &attrs, &child, &gfx->extra, "");
}

static void format_video(vsnap__xmlbuf *buf, const vsnap_domain_video_def *video)
{
	vsnap__xmlbuf child, sub;

	vsnap__xmlbuf_init_child(&child, buf);
	vsnap__xmlbuf_init(&sub, 0);
	vsnap__xmlbuf_attr(&sub, "type", video->model ? video->model : "vga");
	if (video->vram > 0)
		vsnap__xmlbuf_attr_ll(&sub, "vram", video->vram);
	if (video->heads > 0)
		vsnap__xmlbuf_attr_ll(&sub, "heads", video->heads);
	if (video->primary == 1)
		vsnap__xmlbuf_attr(&sub, "primary", "yes");
	vsnap__domain_extra_element(&child, "model", &sub, NULL, &video->extra, "model");
	vsnap__domain_format_address(&child, &video->address, &video->extra);
	vsnap__domain_extra_element(buf, "video", NULL, &child, &video->extra, "");
}

/* Unknown devices that libvirt formats between kinds [from, to) (domain_def.h). */
static void kept(vsnap__xmlbuf *buf, const vsnap_domain_def *def, const char *from,
	const char *to)
{
	vsnap__domain_extra_children_ranked(buf, &def->extra, "devices", 0,
		from ? vsnap__domain_extra_rank(from, 0) : -1,
		to ? vsnap__domain_extra_rank(to, 0) : INT_MAX);
}

void vsnap__domain_format_devices(vsnap__xmlbuf *buf, const vsnap_domain_def *def,
	unsigned int flags)
{
	vsnap__xmlbuf child, attrs;
	size_t i;

	vsnap__xmlbuf_init_child(&child, buf);
	vsnap__domain_extra_text_element(&child, "emulator", NULL, def->emulator, &def->extra,
		"devices/emulator");
	kept(&child, def, NULL, "disk");
	for (i = 0; i < def->ndisks; i++)
		format_disk(&child, def->disks[i]);
	kept(&child, def, "disk", "controller");
	for (i = 0; i < def->ncontrollers; i++)
		format_controller(&child, def->controllers[i]);
	kept(&child, def, "controller", "filesystem");
	for (i = 0; i < def->nfilesystems; i++)
		format_fs(&child, def->filesystems[i]);
	kept(&child, def, "filesystem", "interface");
	for (i = 0; i < def->nnets; i++)
		format_net(&child, def->nets[i]);
	kept(&child, def, "interface", "serial");
	for (i = 0; i < def->nserials; i++)
		format_chr(&child, "serial", def->serials[i], 0);
	kept(&child, def, "serial", "parallel");
	for (i = 0; i < def->nparallels; i++)
		format_chr(&child, "parallel", def->parallels[i], 0);
	kept(&child, def, "parallel", "console");
	format_consoles(&child, def);
	kept(&child, def, "console", "input");
	for (i = 0; i < def->ninputs; i++) {
		vsnap__xmlbuf_init(&attrs, 0);
		vsnap__xmlbuf_attr(&attrs, "type", def->inputs[i]->type);
		vsnap__xmlbuf_attr(&attrs, "bus", def->inputs[i]->bus);
		vsnap__domain_extra_element(&child, "input", &attrs, NULL, &def->inputs[i]->extra, "");
	}
	kept(&child, def, "input", "graphics");
	for (i = 0; i < def->ngraphics; i++)
		format_graphics(&child, def->graphics[i], flags);
	kept(&child, def, "graphics", "video");
	for (i = 0; i < def->nvideos; i++)
		format_video(&child, def->videos[i]);
	kept(&child, def, "video", "memballoon");
	vsnap__xmlbuf_init(&attrs, 0);
	vsnap__xmlbuf_attr(&attrs, "model", def->memballoon_model);
	vsnap__domain_extra_element(&child, "memballoon", &attrs, NULL, &def->extra,
		"devices/memballoon");
	kept(&child, def, "memballoon", NULL);
	vsnap__xmlbuf_init(&attrs, 0);
	vsnap__domain_extra_attrs(&attrs, &def->extra, "devices");
	if (!vsnap__domain_extra_empty_twin(buf, "devices", &attrs, &child, &def->extra, "devices"))
		vsnap__xmlbuf_element(buf, "devices", &attrs, &child);
}

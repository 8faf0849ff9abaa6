/*
 * domain_post.c: what libvirt's parser fills in after reading the devices, so that a parsed and
 * formatted domain matches libvirt's output: a disk's bus from its target name, a drive address
 * for disks on ide/scsi/sata/fdc buses, and the disk controllers those addresses imply.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "xml/domain_priv.h"

#include <stdlib.h>
#include <string.h>

#include "core/error.h"

/* "sda" → 0, "hdc" → 2, "vdaa" → 26 (libvirt's disk name index); -1 when malformed. */
static int disk_name_index(const char *name)
{
	static const char *const prefixes[] = { "fd", "hd", "vd", "sd", "xvd", "ubd", NULL };
	const char *p = NULL;
	long idx = 0;
	int i;

	for (i = 0; prefixes[i]; i++) {
		if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0) {
			p = name + strlen(prefixes[i]);
			break;
		}
	}
	if (!p || *p < 'a' || *p > 'z')
		return -1;
	for (i = 0; *p >= 'a' && *p <= 'z'; i++, p++) {
		idx = (idx + (i < 1 ? 0 : 1)) * 26 + (*p - 'a');
		if (idx > 0xffffff)
			return -1;
	}
	/* Partition numbers after the letters are not a disk name. */
	return *p ? -1 : (int)idx;
}

static const char *default_bus(const vsnap_domain_disk_def *disk)
{
	if (strcmp(disk->device, "floppy") == 0)
		return "fdc";
	if (strncmp(disk->target_dev, "sd", 2) == 0)
		return "scsi";
	if (strncmp(disk->target_dev, "vd", 2) == 0)
		return "virtio";
	if (strncmp(disk->target_dev, "xvd", 3) == 0)
		return "xen";
	if (strncmp(disk->target_dev, "ubd", 3) == 0)
		return "uml";
	return "ide";
}

/* Gives a disk without <address> the drive address libvirt derives from its name. */
static int assign_address(vsnap_domain_disk_def *disk)
{
	int idx = disk_name_index(disk->target_dev);
	int controller, bus = 0, unit;
	const char *b = disk->target_bus;

	if (strcmp(b, "scsi") == 0) {
		controller = idx / 7;
		unit = idx % 7;
	} else if (strcmp(b, "ide") == 0) {
		controller = idx / 4;
		bus = (idx % 4) / 2;
		unit = idx % 2;
	} else if (strcmp(b, "sata") == 0) {
		controller = idx / 6;
		unit = idx % 6;
	} else if (strcmp(b, "fdc") == 0) {
		controller = idx / 2;
		unit = idx % 2;
	} else {
		return 0;
	}
	if (idx < 0)
		return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_XML,
			"disk target '%s': cannot derive a drive address from this name",
			disk->target_dev);
	if (!(disk->address.type = strdup("drive")))
		return vsnap__error_oom();
	disk->address.controller = controller;
	disk->address.bus = bus;
	disk->address.target = 0;
	disk->address.unit = unit;
	return 0;
}

/* The highest disk controller index a drive address may name. */
#define VSNAP_DOMAIN_MAX_IMPLICIT_CONTROLLER 1023

static int has_controller(const vsnap_domain_def *def, const char *type, int index)
{
	for (size_t i = 0; i < def->ncontrollers; i++) {
		if (strcmp(def->controllers[i]->type, type) == 0 && def->controllers[i]->index == index)
			return 1;
	}
	return 0;
}

/* Inserts after the last controller of the same type with a lower index, else at the end. */
static int insert_controller(vsnap_domain_def *def, const char *type, int index)
{
	vsnap_domain_controller_def *ctrl = vsnap__domain_controller_new();
	size_t pos = def->ncontrollers;
	int rc;

	if (!ctrl || !(ctrl->type = strdup(type))) {
		vsnap__domain_controller_free(ctrl);
		return vsnap__error_oom();
	}
	ctrl->index = index;
	for (size_t i = 0; i < def->ncontrollers; i++) {
		if (strcmp(def->controllers[i]->type, type) == 0 && def->controllers[i]->index < index)
			pos = i + 1;
	}
	if ((rc = vsnap__domain_def_add((void ***)&def->controllers, &def->ncontrollers, ctrl)) < 0) {
		vsnap__domain_controller_free(ctrl);
		return rc;
	}
	memmove(def->controllers + pos + 1, def->controllers + pos,
		(def->ncontrollers - 1 - pos) * sizeof(*def->controllers));
	def->controllers[pos] = ctrl;
	return 0;
}

/* libvirt adds controllers 0..N of a type when disks on that bus use controller N. */
static int add_implicit_controllers(vsnap_domain_def *def)
{
	static const char *const buses[] = { "scsi", "fdc", "ide", "sata" };
	int rc;

	for (size_t b = 0; b < 4; b++) {
		int max = -1;

		for (size_t i = 0; i < def->ndisks; i++) {
			const vsnap_domain_disk_def *d = def->disks[i];

			if (d->target_bus && strcmp(d->target_bus, buses[b]) == 0 && d->address.type &&
			    strcmp(d->address.type, "drive") == 0 && d->address.controller > max)
				max = d->address.controller;
		}
		/* Each index up to the highest one used becomes a controller: bound it, or one
		 * controller='2147483647' makes billions of them (fuzz: timeout). */
		if (max > VSNAP_DOMAIN_MAX_IMPLICIT_CONTROLLER)
			return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_XML,
				"%s disk address: controller %d is out of range (at most %d)",
				buses[b], max, VSNAP_DOMAIN_MAX_IMPLICIT_CONTROLLER);
		for (int idx = 0; idx <= max; idx++) {
			if (!has_controller(def, buses[b], idx) &&
			    (rc = insert_controller(def, buses[b], idx)) < 0)
				return rc;
		}
	}
	return 0;
}

int vsnap__domain_disks_post_parse(vsnap_domain_def *def)
{
	int rc;

	for (size_t i = 0; i < def->ndisks; i++) {
		vsnap_domain_disk_def *disk = def->disks[i];

		if (!disk->target_bus && !(disk->target_bus = strdup(default_bus(disk))))
			return vsnap__error_oom();
		if (!disk->address.type && (rc = assign_address(disk)) < 0)
			return rc;
	}
	return add_implicit_controllers(def);
}

/*
 * libvirt's console compatibility for hvm guests: a serial-type console without any serial
 * port also defines serial port 0 (the formatter then shows the console from it).
 */
int vsnap__domain_console_compat(vsnap_domain_def *def)
{
	vsnap_domain_chr_def *serial;
	int rc;

	if ((def->os_type && strcmp(def->os_type, "hvm") != 0) || def->nconsoles == 0 ||
	    def->nserials > 0)
		return 0;
	if (def->consoles[0]->target_type && strcmp(def->consoles[0]->target_type, "serial") != 0)
		return 0;
	if (!(serial = vsnap__domain_chr_copy(def->consoles[0])))
		return vsnap__error_oom();
	free(serial->target_type);
	serial->target_type = NULL;
	if ((rc = vsnap__domain_def_add((void ***)&def->serials, &def->nserials, serial)) < 0)
		vsnap__domain_chr_free(serial);
	return rc;
}

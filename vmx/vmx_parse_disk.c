/*
 * .vmx -> domain model: hard disks, CD-ROMs, floppies and their controllers.
 * Slots are scanned as libvirt does (SCSI, IDE, SATA, NVMe, floppy) so disk order matches, and
 * controllers are created for the buses disks use, as libvirt's implicit controllers are.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vmx/vmx_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

enum { BUS_SCSI, BUS_IDE, BUS_SATA, BUS_NVME, BUS_FDC, BUS_COUNT };

static const char *const bus_names[BUS_COUNT] = { "scsi", "ide", "sata", "nvme", "fdc" };

static int has_suffix(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcasecmp(s + a - b, suffix) == 0;
}

/* Target name and <address> of a slot. */
static int set_target(vsnap_domain_disk_def *d, int bus, int ctrl, int unit)
{
	int rc;
	switch (bus) {
	case BUS_SCSI:   /* wide bus: unit 7 is the controller itself */
		rc = vsnap__vmx_disk_name(&d->target_dev, "sd", ctrl * 15 + (unit < 7 ? unit : unit - 1));
		break;
	case BUS_IDE:
		rc = vsnap__vmx_disk_name(&d->target_dev, "hd", ctrl * 2 + unit);
		break;
	case BUS_SATA:
		rc = vsnap__vmx_disk_name(&d->target_dev, "sd", ctrl * 30 + unit);
		break;
	case BUS_NVME:
		/* libvirt 9.0 has no NVMe disk bus: shown as a SATA disk without an address, its
		 * name given once every other disk has its own (name_disks) */
		if ((rc = vsnap__str_dup(&d->target_bus, "sata")) < 0)
			return rc;
		return 0;
	default:
		rc = vsnap__vmx_disk_name(&d->target_dev, "fd", unit);
		break;
	}
	if (rc < 0 || (rc = vsnap__str_dup(&d->target_bus, bus_names[bus])) < 0 ||
	    (rc = vsnap__str_dup(&d->address.type, "drive")) < 0)
		return rc;
	/* IDE's two channels are buses of one controller */
	d->address.controller = bus == BUS_IDE ? 0 : (bus == BUS_FDC ? 0 : ctrl);
	d->address.bus = bus == BUS_IDE ? ctrl : 0;
	d->address.target = 0;
	d->address.unit = unit;
	return 0;
}

/* Fills a CD-ROM/floppy image source: missing files give an empty drive, not an error. */
static int set_image(const vsnap__vmx_ctx *c, vsnap_domain_disk_def *d, const char *key,
	const char *file)
{
	if (!file || !*file || strcmp(file, "emptyBackingString") == 0)
		return 0;
	return vsnap__vmx_path_from_vmx(&d->src_file, c, key, file);
}

/* Parses slot `prefix` ("scsi0:1", "floppy0"); *out NULL when the slot is empty or skipped. */
static int parse_slot(const vsnap__vmx_ctx *c, vsnap_domain_disk_def **out, int bus, int ctrl,
	int unit, const char *prefix)
{
	char k_present[64], k_client[64], k_type[64], k_file[64], k_mode[64], k_wt[64], k_ftype[64];
	snprintf(k_present, sizeof(k_present), "%s.present", prefix);
	snprintf(k_client, sizeof(k_client), "%s.clientDevice", prefix);
	snprintf(k_type, sizeof(k_type), "%s.deviceType", prefix);
	snprintf(k_file, sizeof(k_file), "%s.fileName", prefix);
	snprintf(k_mode, sizeof(k_mode), "%s.mode", prefix);
	snprintf(k_wt, sizeof(k_wt), "%s.writeThrough", prefix);
	snprintf(k_ftype, sizeof(k_ftype), "%s.fileType", prefix);
	*out = NULL;
	int present, client, rc;
	if ((rc = vsnap__vmx_get_bool(c, k_present, &present, 0)) < 0)
		return rc;
	if (!present)
		return 0;
	if ((rc = vsnap__vmx_get_bool(c, k_client, &client, 0)) < 0)
		return rc;
	if (client) {   /* the drive of the vSphere client's machine: nothing on the host side */
		char dot[40];
		snprintf(dot, sizeof(dot), "%s.", prefix);
		vsnap__vmx_unuse_prefix(c, dot);
		return 0;
	}
	const char *type = NULL, *file = NULL, *mode = NULL, *ftype = NULL;
	vsnap__vmx_peek_str(c, k_type, &type);
	int raw = type && strcasecmp(type, "rawDisk") == 0;
	if (raw) {
		/* a physical disk mapped through a .vmdk descriptor (Workstation): the XML shows
		 * the descriptor as the disk; the kind travels in <metadata> */
		vsnap__vmx_keep(c, k_type);
		int rc2 = vsnap__vmx_warn(c, k_type, "a raw (physical) disk: shown as the disk of its "
			"descriptor file; the device type is kept in <metadata>");
		if (rc2 < 0)
			return rc2;
	} else {
		vsnap__vmx_get_str(c, k_type, &type);
	}
	vsnap__vmx_get_str(c, k_file, &file);
	vsnap__vmx_get_str(c, k_mode, &mode);
	vsnap__vmx_get_str(c, k_ftype, &ftype);

	vsnap_domain_disk_def *d = vsnap__domain_disk_new();
	if (!d)
		return vsnap__error_oom();
	if ((rc = set_target(d, bus, ctrl, unit)) < 0)
		goto fail;

	if (bus == BUS_FDC) {
		if ((rc = vsnap__str_dup(&d->device, "floppy")) < 0)
			goto fail;
		if (ftype && strcasecmp(ftype, "device") == 0) {
			if ((rc = vsnap__str_dup(&d->type, "block")) < 0 || (rc = vsnap__str_dup(&d->src_file, file)) < 0)
				goto fail;
		} else if (!ftype || strcasecmp(ftype, "file") == 0) {
			if ((rc = vsnap__str_dup(&d->type, "file")) < 0 ||
			    (rc = set_image(c, d, k_file, file)) < 0)
				goto fail;
		} else {
			rc = vsnap__vmx_key_error(c, VSNAP_EUNSUPPORTED, k_ftype,
				"expected \"file\" or \"device\", found \"%s\"", ftype);
			goto fail;
		}
		*out = d;
		return 0;
	}

	int is_disk_type = type && (raw || strcasecmp(type, "scsi-hardDisk") == 0 ||
		strcasecmp(type, "ata-hardDisk") == 0 || strcasecmp(type, "sata-hardDisk") == 0 ||
		strcasecmp(type, "nvme-hardDisk") == 0 || strcasecmp(type, "disk") == 0);
	if ((file && has_suffix(file, ".vmdk") && (!type || is_disk_type)) || is_disk_type) {
		if (!file) {
			rc = vsnap__vmx_key_error(c, VSNAP_EPARSE, k_file,
				"missing for the hard disk %s", prefix);
			goto fail;
		}
		int wt;
		if ((rc = vsnap__str_dup(&d->type, "file")) < 0 || (rc = vsnap__str_dup(&d->device, "disk")) < 0 ||
		    (rc = vsnap__vmx_path_from_vmx(&d->src_file, c, k_file, file)) < 0)
			goto fail;
		if (!d->src_file) {
			rc = vsnap__vmx_key_error(c, VSNAP_ENOTFOUND, k_file,
				"hard disk file '%s' not found", file);
			goto fail;
		}
		if ((rc = vsnap__vmx_get_bool(c, k_wt, &wt, 0)) < 0)
			goto fail;
		if (wt && (rc = vsnap__str_dup(&d->driver_cache, "writethrough")) < 0)
			goto fail;
		if ((rc = vsnap__vmx_mode_parse(c, k_mode, mode, &d->snapshot, &d->transient)) < 0)
			goto fail;
	} else if (file && has_suffix(file, ".vmdk")) {
		rc = vsnap__vmx_key_error(c, VSNAP_EPARSE, k_type,
			"\"%s\" does not fit the hard disk image '%s'", type, file);
		goto fail;
	} else if ((type && strcasecmp(type, "cdrom-image") == 0) ||
		   (!type && file && has_suffix(file, ".iso"))) {
		d->readonly = 1;
		if ((rc = vsnap__str_dup(&d->type, "file")) < 0 || (rc = vsnap__str_dup(&d->device, "cdrom")) < 0 ||
		    (rc = set_image(c, d, k_file, file)) < 0)
			goto fail;
	} else if (type && (strcasecmp(type, "atapi-cdrom") == 0 ||
			    strcasecmp(type, "cdrom-raw") == 0 ||
			    (bus == BUS_SCSI && strcasecmp(type, "scsi-passthru") == 0))) {
		/* host drives: raw and passthrough ones hand SCSI commands through (a lun) */
		d->readonly = 1;
		const char *dev = strcasecmp(type, "atapi-cdrom") == 0 ? "cdrom" : "lun";
		if ((rc = vsnap__str_dup(&d->type, "block")) < 0 || (rc = vsnap__str_dup(&d->device, dev)) < 0)
			goto fail;
		if (file && strcasecmp(file, "auto detect") == 0)
			rc = vsnap__str_dup(&d->src_startup_policy, "optional");
		else
			rc = vsnap__str_dup(&d->src_file, file);
		if (rc < 0)
			goto fail;
	} else if (!type && !file) {
		rc = vsnap__vmx_key_error(c, VSNAP_EPARSE, k_type,
			"%s is present but has neither deviceType nor fileName", prefix);
		goto fail;
	} else {
		rc = vsnap__vmx_key_error(c, VSNAP_EUNSUPPORTED, type ? k_type : k_file,
			"unsupported device \"%s\" on %s", type ? type : file, prefix);
		goto fail;
	}
	*out = d;
	return 0;
fail:
	vsnap__domain_disk_free(d);
	return rc;
}

static int add_disk(vsnap_domain_def *def, vsnap_domain_disk_def *d)
{
	if (!d)
		return 0;
	int rc = vsnap__domain_def_add((void ***)&def->disks, &def->ndisks, d);
	if (rc < 0)
		vsnap__domain_disk_free(d);
	return rc;
}

static int controller_present(const vsnap__vmx_ctx *c, const char *bus, int ctrl, int *present)
{
	char key[32];
	snprintf(key, sizeof(key), "%s%d.present", bus, ctrl);
	int rc = vsnap__vmx_get_bool(c, key, present, 0);
	return rc < 0 ? rc : 0;
}

static const char *scsi_model(const char *dev)
{
	static const char *const map[][2] = {
		{ "buslogic", "buslogic" }, { "lsilogic", "lsilogic" },
		{ "lsisas1068", "lsisas1068" }, { "pvscsi", "vmpvscsi" },
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcasecmp(dev, map[i][0]) == 0)
			return map[i][1];
	return NULL;
}

/* One controller per index up to the highest one a disk of that bus uses. */
static int add_controllers(const vsnap__vmx_ctx *c, vsnap_domain_def *def, int bus,
	const char *type)
{
	int max = -1, rc;
	for (size_t i = 0; i < def->ndisks; i++) {
		vsnap_domain_disk_def *d = def->disks[i];
		if (strcmp(d->target_bus, bus_names[bus]) == 0 && d->address.controller > max)
			max = d->address.controller;
	}
	for (int idx = 0; idx <= max; idx++) {
		vsnap_domain_controller_def *ctl = vsnap__domain_controller_new();
		if (!ctl)
			return vsnap__error_oom();
		ctl->index = idx;
		rc = vsnap__str_dup(&ctl->type, type);
		if (rc == 0 && bus == BUS_SCSI) {
			char key[32];
			const char *dev;
			snprintf(key, sizeof(key), "scsi%d.virtualDev", idx);
			if (vsnap__vmx_get_str(c, key, &dev)) {
				const char *model = scsi_model(dev);
				rc = model ? vsnap__str_dup(&ctl->model, model) :
					vsnap__vmx_key_error(c, VSNAP_EUNSUPPORTED, key,
						"unknown SCSI controller \"%s\" (expected buslogic, "
						"lsilogic, lsisas1068 or pvscsi)", dev);
			}
		}
		if (rc == 0)
			rc = vsnap__domain_def_add((void ***)&def->controllers, &def->ncontrollers, ctl);
		if (rc < 0) {
			vsnap__domain_controller_free(ctl);
			return rc;
		}
	}
	return 0;
}

static int parse_all_slots(const vsnap__vmx_ctx *c, vsnap_domain_def *def, char ***slots,
	size_t *nslots);

/* Is `name` the target of one of the first n disks? */
static int name_taken(const vsnap_domain_def *def, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (def->disks[i]->target_dev && strcmp(def->disks[i]->target_dev, name) == 0)
			return 1;
	return 0;
}

/*
 * Target names must be unique across the domain (libvirt's parser refuses a second "sda"),
 * but libvirt's scheme gives scsi0:0 and sata0:0 the same one. Disks keep that name in scan
 * order while it is free; a later one, and every NVMe disk, takes the first free name of its
 * prefix, with a warning (xml2vmx places disks by <address> or <metadata>, not by name).
 */
static int name_disks(const vsnap__vmx_ctx *c, vsnap_domain_def *def, size_t first,
	char *const *slots)
{
	int rc;
	for (size_t i = first; i < def->ndisks; i++) {
		vsnap_domain_disk_def *d = def->disks[i];
		const char *slot = slots[i - first];
		if (d->target_dev && (!name_taken(def, i, d->target_dev) ||
				      (c->flags & VSNAP_VMX_CONVERT_LIBVIRT_COMPAT)))
			continue;
		const char *prefix = d->target_dev ? (d->target_dev[0] == 'h' ? "hd" :
			d->target_dev[0] == 'f' ? "fd" : "sd") : "sd";
		char *name = NULL;
		for (int idx = 0; !name; idx++) {
			if ((rc = vsnap__vmx_disk_name(&name, prefix, idx)) < 0)
				return rc;
			if (name_taken(def, def->ndisks, name)) {
				free(name);
				name = NULL;
			}
		}
		char key[48];
		snprintf(key, sizeof(key), "%s.fileName", slot);
		if (d->target_dev)
			rc = vsnap__vmx_warn(c, key, "target '%s' is already taken by another bus: "
				"named '%s'", d->target_dev, name);
		else
			rc = vsnap__vmx_warn(c, key, "NVMe disk %s shown as SATA disk '%s' (libvirt "
				"9.0 has no NVMe bus); <metadata> keeps its slot", slot, name);
		free(d->target_dev);
		d->target_dev = name;
		if (rc < 0)
			return rc;
		if (strncmp(slot, "nvme", 4) == 0)
			vsnap__vmx_meta_disk(c, name, slot);
	}
	return 0;
}

int vsnap__vmx_parse_disks(const vsnap__vmx_ctx *c, vsnap_domain_def *def)
{
	size_t first = def->ndisks;
	char **slots = NULL;
	size_t nslots = 0;
	int rc = parse_all_slots(c, def, &slots, &nslots);
	if (rc == 0)
		rc = name_disks(c, def, first, slots);
	for (size_t i = 0; i < nslots; i++)
		free(slots[i]);
	free(slots);
	if (rc < 0)
		return rc;
	/* libvirt's implicit-controller order */
	if ((rc = add_controllers(c, def, BUS_SCSI, "scsi")) < 0 ||
	    (rc = add_controllers(c, def, BUS_FDC, "fdc")) < 0 ||
	    (rc = add_controllers(c, def, BUS_IDE, "ide")) < 0 ||
	    (rc = add_controllers(c, def, BUS_SATA, "sata")) < 0)
		return rc;
	return 0;
}

/* Records the slot name of the disk just added (for name_disks). */
static int note_slot(char ***slots, size_t *n, vsnap_domain_def *def, size_t before,
	const char *prefix)
{
	if (def->ndisks == before)
		return 0;
	char **s = realloc(*slots, (*n + 1) * sizeof(*s));
	if (!s)
		return vsnap__error_oom();
	*slots = s;
	if (!(s[*n] = strdup(prefix)))
		return vsnap__error_oom();
	(*n)++;
	return 0;
}

static int parse_all_slots(const vsnap__vmx_ctx *c, vsnap_domain_def *def, char ***slots,
	size_t *nslots)
{
	char prefix[32];
	vsnap_domain_disk_def *d;
	int rc, present;
	for (int ctrl = 0; ctrl < 4; ctrl++) {
		if ((rc = controller_present(c, "scsi", ctrl, &present)) < 0)
			return rc;
		for (int unit = 0; present && unit < 64; unit++) {
			if (unit == 7)
				continue;
			snprintf(prefix, sizeof(prefix), "scsi%d:%d", ctrl, unit);
			size_t before = def->ndisks;
			if ((rc = parse_slot(c, &d, BUS_SCSI, ctrl, unit, prefix)) < 0 ||
			    (rc = add_disk(def, d)) < 0 ||
			    (rc = note_slot(slots, nslots, def, before, prefix)) < 0)
				return rc;
		}
	}
	for (int b = 0; b < 2; b++) {
		for (int unit = 0; unit < 2; unit++) {
			snprintf(prefix, sizeof(prefix), "ide%d:%d", b, unit);
			size_t before = def->ndisks;
			if ((rc = parse_slot(c, &d, BUS_IDE, b, unit, prefix)) < 0 ||
			    (rc = add_disk(def, d)) < 0 ||
			    (rc = note_slot(slots, nslots, def, before, prefix)) < 0)
				return rc;
		}
	}
	for (int ctrl = 0; ctrl < 4; ctrl++) {
		if ((rc = controller_present(c, "sata", ctrl, &present)) < 0)
			return rc;
		for (int unit = 0; present && unit < 30; unit++) {
			snprintf(prefix, sizeof(prefix), "sata%d:%d", ctrl, unit);
			size_t before = def->ndisks;
			if ((rc = parse_slot(c, &d, BUS_SATA, ctrl, unit, prefix)) < 0 ||
			    (rc = add_disk(def, d)) < 0 ||
			    (rc = note_slot(slots, nslots, def, before, prefix)) < 0)
				return rc;
		}
	}
	for (int ctrl = 0; ctrl < 4; ctrl++) {
		if ((rc = controller_present(c, "nvme", ctrl, &present)) < 0)
			return rc;
		for (int unit = 0; present && unit < 15; unit++) {
			snprintf(prefix, sizeof(prefix), "nvme%d:%d", ctrl, unit);
			size_t before = def->ndisks;
			if ((rc = parse_slot(c, &d, BUS_NVME, ctrl, unit, prefix)) < 0 ||
			    (rc = add_disk(def, d)) < 0 ||
			    (rc = note_slot(slots, nslots, def, before, prefix)) < 0)
				return rc;
		}
	}
	for (int unit = 0; unit < 2; unit++) {
		snprintf(prefix, sizeof(prefix), "floppy%d", unit);
		size_t before = def->ndisks;
		if ((rc = parse_slot(c, &d, BUS_FDC, 0, unit, prefix)) < 0 ||
		    (rc = add_disk(def, d)) < 0 ||
		    (rc = note_slot(slots, nslots, def, before, prefix)) < 0)
			return rc;
	}
	return 0;
}

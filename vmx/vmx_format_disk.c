/*
 * Domain model -> .vmx: disks and their controllers. Slots come from <address> when given,
 * else from the target name (sda -> scsi0:0, sdp -> scsi1:0, hdb -> ide0:1), as libvirt does.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vmx/vmx_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

enum { NSCSI = 4, NSCSIU = 16, NIDE = 2, NSATA = 4, NSATAU = 30, NNVME = 4, NNVMEU = 15 };

typedef struct {
	const vsnap_domain_disk_def *scsi[NSCSI][NSCSIU];
	const vsnap_domain_disk_def *ide[NIDE][2];
	const vsnap_domain_disk_def *sata[NSATA][NSATAU];
	const vsnap_domain_disk_def *fd[2];
	const vsnap_domain_disk_def *nvme[NNVME][NNVMEU];
} slots;

static int slot_error(const vsnap_domain_disk_def *d, const char *why)
{
	return vsnap__error_set(VSNAP_EUNSUPPORTED, VSNAP_ERRCLASS_VMX, "disk '%s': %s",
		d->target_dev ? d->target_dev : "?", why);
}

static int place(slots *s, const vsnap_domain_disk_def *d, const vsnap__vmx_meta *meta)
{
	const char *bus = d->target_bus;
	const char *true_slot = vsnap__vmx_meta_slot(meta, d->target_dev);
	int c0, u0;
	char tail;
	if (true_slot && sscanf(true_slot, "nvme%d:%d%c", &c0, &u0, &tail) == 2) {
		/* shown on a stand-in bus: <metadata> has the NVMe slot (vmx_parse_disk.c) */
		if (c0 < 0 || c0 >= NNVME || u0 < 0 || u0 >= NNVMEU)
			return slot_error(d, "NVMe slot out of range (nvme0-3, units 0-14)");
		if (s->nvme[c0][u0])
			return slot_error(d, "two disks in the same slot");
		s->nvme[c0][u0] = d;
		return 0;
	}
	const char *t = d->target_dev ? d->target_dev : "";
	if (!bus)
		bus = strncmp(t, "sd", 2) == 0 ? "scsi" : strncmp(t, "hd", 2) == 0 ? "ide" :
			strncmp(t, "fd", 2) == 0 ? "fdc" : "?";
	int has_addr = d->address.type && strcmp(d->address.type, "drive") == 0;
	int ctrl, unit;
	const vsnap_domain_disk_def **slot;
	if (strcmp(bus, "scsi") == 0) {
		/* VMware's SCSI bus is wide (15 units): the target name is authoritative, as
		 * parsers that assign narrow-bus addresses would put sdh on controller 1 */
		if (has_addr && vsnap__vmx_disk_index(t, "sd") < 0) {
			ctrl = d->address.controller;
			unit = d->address.unit;
		} else {
			int i = vsnap__vmx_disk_index(t, "sd");
			if (i < 0)
				return slot_error(d, "SCSI disks are named sd<letters>");
			ctrl = i / 15;
			unit = i % 15;
			if (unit >= 7)
				unit++;
		}
		if (ctrl < 0 || ctrl >= NSCSI || unit < 0 || unit >= NSCSIU || unit == 7)
			return slot_error(d, "SCSI slot out of range (controllers 0-3, units 0-15 but 7)");
		slot = &s->scsi[ctrl][unit];
	} else if (strcmp(bus, "ide") == 0) {
		if (has_addr) {
			ctrl = d->address.bus;
			unit = d->address.unit;
		} else {
			int i = vsnap__vmx_disk_index(t, "hd");
			if (i < 0)
				return slot_error(d, "IDE disks are named hd<letters>");
			ctrl = i / 2;
			unit = i % 2;
		}
		if (ctrl < 0 || ctrl >= NIDE || unit < 0 || unit > 1)
			return slot_error(d, "IDE slot out of range (hda-hdd)");
		slot = &s->ide[ctrl][unit];
	} else if (strcmp(bus, "sata") == 0) {
		if (has_addr) {
			ctrl = d->address.controller;
			unit = d->address.unit;
		} else {
			int i = vsnap__vmx_disk_index(t, "sd");
			if (i < 0)
				return slot_error(d, "SATA disks are named sd<letters>");
			ctrl = i / 30;
			unit = i % 30;
		}
		if (ctrl < 0 || ctrl >= NSATA || unit < 0 || unit >= NSATAU)
			return slot_error(d, "SATA slot out of range (controllers 0-3, units 0-29)");
		slot = &s->sata[ctrl][unit];
	} else if (strcmp(bus, "fdc") == 0) {
		unit = has_addr ? d->address.unit : vsnap__vmx_disk_index(t, "fd");
		if (unit < 0 || unit > 1)
			return slot_error(d, "floppy slot out of range (fda, fdb)");
		slot = &s->fd[unit];
	} else {
		return slot_error(d, "bus not supported by VMware (scsi, ide, sata, fdc)");
	}
	if (*slot)
		return slot_error(d, "two disks in the same slot");
	*slot = d;
	return 0;
}

static const char *scsi_dev(const char *model)
{
	if (!model)
		return NULL;
	if (strcmp(model, "vmpvscsi") == 0)
		return "pvscsi";
	if (strcmp(model, "buslogic") == 0 || strcmp(model, "lsilogic") == 0 ||
	    strcmp(model, "lsisas1068") == 0)
		return model;
	return "";
}

/* One disk's keys. */
static int format_disk(vsnap__strbuf *b, const char *pfx, const vsnap_domain_disk_def *d,
	const char *bus)
{
	char k[64];
	char *path = NULL;
	int rc = 0;
	const char *dev = d->device ? d->device : "disk";
	const char *type = d->type ? d->type : "file";
	snprintf(k, sizeof(k), "%s.present", pfx);
	vsnap__vmx_kv(b, k, "true");
	if (strcmp(dev, "disk") == 0) {
		if (strcmp(type, "file") || !d->src_file)
			return slot_error(d, "hard disks must be files (<source file='[ds] x.vmdk'>)");
		size_t l = strlen(d->src_file);
		if (l < 5 || strcasecmp(d->src_file + l - 5, ".vmdk"))
			return slot_error(d, "hard disk images must be .vmdk files");
		const char *mode = vsnap__vmx_mode_format(d, &rc);
		if (rc < 0)
			return rc;
		if ((rc = vsnap__vmx_path_to_vmx(&path, d->src_file, d->target_dev)) < 0)
			return rc;
		snprintf(k, sizeof(k), "%s.deviceType", pfx);
		if (strcmp(bus, "scsi") == 0)
			vsnap__vmx_kv(b, k, "scsi-hardDisk");
		else if (strcmp(bus, "ide") == 0)
			vsnap__vmx_kv(b, k, "ata-hardDisk");
		snprintf(k, sizeof(k), "%s.fileName", pfx);
		vsnap__vmx_kv(b, k, path);
		if (mode) {
			snprintf(k, sizeof(k), "%s.mode", pfx);
			vsnap__vmx_kv(b, k, mode);
		}
		if (d->driver_cache && strcmp(d->driver_cache, "writethrough") == 0) {
			snprintf(k, sizeof(k), "%s.writeThrough", pfx);
			vsnap__vmx_kv(b, k, "true");
		}
	} else if (strcmp(dev, "cdrom") == 0 || strcmp(dev, "lun") == 0) {
		const char *dt;
		int is_file = strcmp(type, "file") == 0;
		if (strcmp(dev, "lun") == 0) {
			if (is_file)
				return slot_error(d, "a lun must be a block device");
			dt = (strcmp(bus, "scsi") == 0 && d->src_file &&
			      strncmp(d->src_file, "/vmfs/devices/cdrom/", 20) == 0) ?
				"scsi-passthru" : "cdrom-raw";
		} else {
			dt = is_file ? "cdrom-image" : "atapi-cdrom";
		}
		snprintf(k, sizeof(k), "%s.deviceType", pfx);
		vsnap__vmx_kv(b, k, dt);
		snprintf(k, sizeof(k), "%s.fileName", pfx);
		if (is_file) {
			if (d->src_file) {
				if ((rc = vsnap__vmx_path_to_vmx(&path, d->src_file, d->target_dev)) < 0)
					return rc;
				vsnap__vmx_kv(b, k, path);
			} else {
				vsnap__vmx_kv(b, k, "emptyBackingString");
			}
		} else if (d->src_file) {
			vsnap__vmx_kv(b, k, d->src_file);
		} else {
			char ka[64];
			snprintf(ka, sizeof(ka), "%s.autodetect", pfx);
			vsnap__vmx_kv(b, ka, "true");
			vsnap__vmx_kv(b, k, "auto detect");
		}
	} else {
		return slot_error(d, "device kind not supported on this bus");
	}
	free(path);
	return 0;
}

static int format_floppy(vsnap__strbuf *b, int unit, const vsnap_domain_disk_def *d)
{
	char k[64];
	snprintf(k, sizeof(k), "floppy%d.present", unit);
	if (!d) {
		vsnap__vmx_kv(b, k, "false");
		return 0;
	}
	vsnap__vmx_kv(b, k, "true");
	int is_file = !d->type || strcmp(d->type, "file") == 0;
	snprintf(k, sizeof(k), "floppy%d.fileType", unit);
	vsnap__vmx_kv(b, k, is_file ? "file" : "device");
	if (!d->src_file)
		return 0;
	snprintf(k, sizeof(k), "floppy%d.fileName", unit);
	if (!is_file) {
		vsnap__vmx_kv(b, k, d->src_file);
		return 0;
	}
	char *path;
	int rc = vsnap__vmx_path_to_vmx(&path, d->src_file, d->target_dev);
	if (rc < 0)
		return rc;
	vsnap__vmx_kv(b, k, path);
	free(path);
	return 0;
}

int vsnap__vmx_format_disks(vsnap__strbuf *b, const vsnap_domain_def *def,
	const vsnap__vmx_meta *meta)
{
	slots *s = calloc(1, sizeof(*s));
	if (!s)
		return vsnap__error_oom();
	int rc = 0;
	const char *model[NSCSI] = { NULL };
	int present[NSCSI] = { 0 }, sata_present[NSATA] = { 0 };
	for (size_t i = 0; i < def->ndisks && rc == 0; i++)
		rc = place(s, def->disks[i], meta);
	for (size_t i = 0; i < def->ncontrollers && rc == 0; i++) {
		const vsnap_domain_controller_def *c = def->controllers[i];
		if (!c->type || c->index < 0)
			continue;
		if (strcmp(c->type, "scsi") == 0) {
			/* controllers without a model may be a parser's implicit ones for a
			 * narrow bus: the disks decide which of those exist */
			if (!c->model)
				continue;
			if (c->index >= NSCSI) {
				rc = vsnap__error_set(VSNAP_EUNSUPPORTED, VSNAP_ERRCLASS_VMX,
					"<controller type='scsi' index='%d'>: VMware has SCSI "
					"controllers 0-3", c->index);
				break;
			}
			present[c->index] = 1;
			model[c->index] = scsi_dev(c->model);
			if (model[c->index] && !*model[c->index])
				rc = vsnap__error_set(VSNAP_EUNSUPPORTED, VSNAP_ERRCLASS_VMX,
					"<controller type='scsi' model='%s'>: expected buslogic, "
					"lsilogic, lsisas1068 or vmpvscsi", c->model);
		} else if (strcmp(c->type, "sata") == 0 && c->index < NSATA) {
			sata_present[c->index] = 1;
		}
	}
	/* older XML names the SCSI controller model in the disk's <driver name=> */
	for (int c = 0; c < NSCSI && rc == 0; c++) {
		for (int u = 0; u < NSCSIU; u++) {
			const vsnap_domain_disk_def *d = s->scsi[c][u];
			if (!d)
				continue;
			for (int j = 0; j < c; j++)
				present[j] = 1;
			present[c] = 1;
			const char *m = scsi_dev(d->driver_name);
			if (m && !*m) {
				rc = slot_error(d, "unknown SCSI controller in <driver name=>");
				break;
			}
			if (m && model[c] && strcmp(m, model[c])) {
				rc = slot_error(d, "<driver name=> conflicts with the controller model");
				break;
			}
			if (m)
				model[c] = m;
		}
	}
	for (int c = 0; c < NSATA; c++)
		for (int u = 0; u < NSATAU; u++)
			if (s->sata[c][u])
				for (int j = 0; j <= c; j++)
					sata_present[j] = 1;
	char pfx[32], k[64];
	for (int c = 0; c < NSCSI && rc == 0; c++) {
		if (!present[c])
			continue;
		snprintf(k, sizeof(k), "scsi%d.present", c);
		vsnap__vmx_kv(b, k, "true");
		if (model[c]) {
			snprintf(k, sizeof(k), "scsi%d.virtualDev", c);
			vsnap__vmx_kv(b, k, model[c]);
		}
	}
	for (int c = 0; c < NSCSI && rc == 0; c++)
		for (int u = 0; u < NSCSIU && rc == 0; u++)
			if (s->scsi[c][u]) {
				snprintf(pfx, sizeof(pfx), "scsi%d:%d", c, u);
				rc = format_disk(b, pfx, s->scsi[c][u], "scsi");
			}
	for (int c = 0; c < NIDE && rc == 0; c++)
		for (int u = 0; u < 2 && rc == 0; u++)
			if (s->ide[c][u]) {
				snprintf(pfx, sizeof(pfx), "ide%d:%d", c, u);
				rc = format_disk(b, pfx, s->ide[c][u], "ide");
			}
	for (int c = 0; c < NSATA && rc == 0; c++) {
		if (!sata_present[c])
			continue;
		snprintf(k, sizeof(k), "sata%d.present", c);
		vsnap__vmx_kv(b, k, "true");
		for (int u = 0; u < NSATAU && rc == 0; u++)
			if (s->sata[c][u]) {
				snprintf(pfx, sizeof(pfx), "sata%d:%d", c, u);
				rc = format_disk(b, pfx, s->sata[c][u], "sata");
			}
	}
	for (int c = 0; c < NNVME && rc == 0; c++) {
		int any = 0;
		for (int u = 0; u < NNVMEU; u++)
			any |= s->nvme[c][u] != NULL;
		if (!any)
			continue;
		snprintf(k, sizeof(k), "nvme%d.present", c);
		vsnap__vmx_kv(b, k, "TRUE");
		for (int u = 0; u < NNVMEU && rc == 0; u++)
			if (s->nvme[c][u]) {
				snprintf(pfx, sizeof(pfx), "nvme%d:%d", c, u);
				rc = format_disk(b, pfx, s->nvme[c][u], "nvme");
			}
	}
	for (int u = 0; u < 2 && rc == 0; u++)
		rc = format_floppy(b, u, s->fd[u]);
	free(s);
	return rc;
}

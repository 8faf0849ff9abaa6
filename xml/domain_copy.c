/*
 * domain_copy.c: deep copies of the domain model and of its devices.
 * Every helper returns 0 or VSNAP_ENOMEM; on failure the partial copy is freed.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "xml/domain_def.h"

#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/util.h"
#include "xml/domain_priv.h"

/* *dst = strdup(src) (NULL stays NULL); sets *failed on allocation failure. */
static void dup_addr(vsnap_domain_address *dst, const vsnap_domain_address *src, int *failed)
{
	*dst = *src;
	vsnap__str_copy(&dst->type, src->type, failed);
}

static void *disk_copy(const void *p)
{
	const vsnap_domain_disk_def *s = p;
	vsnap_domain_disk_def *d = malloc(sizeof(*d));
	int failed = 0;

	if (!d)
		return NULL;
	*d = *s;
	vsnap__str_copy(&d->type, s->type, &failed);
	vsnap__str_copy(&d->device, s->device, &failed);
	vsnap__str_copy(&d->driver_name, s->driver_name, &failed);
	vsnap__str_copy(&d->driver_type, s->driver_type, &failed);
	vsnap__str_copy(&d->driver_cache, s->driver_cache, &failed);
	vsnap__str_copy(&d->src_file, s->src_file, &failed);
	vsnap__str_copy(&d->target_dev, s->target_dev, &failed);
	vsnap__str_copy(&d->target_bus, s->target_bus, &failed);
	dup_addr(&d->address, &s->address, &failed);
	vsnap__str_copy(&d->src_startup_policy, s->src_startup_policy, &failed);
	vsnap__str_copy(&d->driver_io, s->driver_io, &failed);
	vsnap__str_copy(&d->driver_discard, s->driver_discard, &failed);
	vsnap__str_copy(&d->serial, s->serial, &failed);
	vsnap__domain_extra_copy(&d->extra, &s->extra, &failed);
	if (failed) {
		vsnap__domain_disk_free(d);
		return NULL;
	}
	return d;
}

static void *controller_copy(const void *p)
{
	const vsnap_domain_controller_def *s = p;
	vsnap_domain_controller_def *d = malloc(sizeof(*d));
	int failed = 0;

	if (!d)
		return NULL;
	*d = *s;
	vsnap__str_copy(&d->type, s->type, &failed);
	vsnap__str_copy(&d->model, s->model, &failed);
	dup_addr(&d->address, &s->address, &failed);
	vsnap__domain_extra_copy(&d->extra, &s->extra, &failed);
	if (failed) {
		vsnap__domain_controller_free(d);
		return NULL;
	}
	return d;
}

static void *net_copy(const void *p)
{
	const vsnap_domain_net_def *s = p;
	vsnap_domain_net_def *d = malloc(sizeof(*d));
	int failed = 0;

	if (!d)
		return NULL;
	*d = *s;
	vsnap__str_copy(&d->type, s->type, &failed);
	vsnap__str_copy(&d->mac, s->mac, &failed);
	vsnap__str_copy(&d->mac_type, s->mac_type, &failed);
	vsnap__str_copy(&d->mac_check, s->mac_check, &failed);
	vsnap__str_copy(&d->src_bridge, s->src_bridge, &failed);
	vsnap__str_copy(&d->src_network, s->src_network, &failed);
	vsnap__str_copy(&d->src_dev, s->src_dev, &failed);
	vsnap__str_copy(&d->src_mode, s->src_mode, &failed);
	vsnap__str_copy(&d->src_switchid, s->src_switchid, &failed);
	vsnap__str_copy(&d->src_portgroupid, s->src_portgroupid, &failed);
	vsnap__str_copy(&d->src_connectionid, s->src_connectionid, &failed);
	vsnap__str_copy(&d->target_dev, s->target_dev, &failed);
	vsnap__str_copy(&d->model, s->model, &failed);
	vsnap__str_copy(&d->vmware_portgroup, s->vmware_portgroup, &failed);
	dup_addr(&d->address, &s->address, &failed);
	vsnap__domain_extra_copy(&d->extra, &s->extra, &failed);
	if (failed) {
		vsnap__domain_net_free(d);
		return NULL;
	}
	return d;
}

vsnap_domain_chr_def *vsnap__domain_chr_copy(const vsnap_domain_chr_def *s)
{
	vsnap_domain_chr_def *d = malloc(sizeof(*d));
	int failed = 0;

	if (!d)
		return NULL;
	*d = *s;
	vsnap__str_copy(&d->type, s->type, &failed);
	vsnap__str_copy(&d->src_path, s->src_path, &failed);
	vsnap__str_copy(&d->src_mode, s->src_mode, &failed);
	vsnap__str_copy(&d->src_host, s->src_host, &failed);
	vsnap__str_copy(&d->src_service, s->src_service, &failed);
	vsnap__str_copy(&d->protocol, s->protocol, &failed);
	vsnap__str_copy(&d->target_type, s->target_type, &failed);
	dup_addr(&d->address, &s->address, &failed);
	vsnap__domain_extra_copy(&d->extra, &s->extra, &failed);
	if (failed) {
		vsnap__domain_chr_free(d);
		return NULL;
	}
	return d;
}

static void *video_copy(const void *p)
{
	const vsnap_domain_video_def *s = p;
	vsnap_domain_video_def *d = malloc(sizeof(*d));
	int failed = 0;

	if (!d)
		return NULL;
	*d = *s;
	vsnap__str_copy(&d->model, s->model, &failed);
	dup_addr(&d->address, &s->address, &failed);
	vsnap__domain_extra_copy(&d->extra, &s->extra, &failed);
	if (failed) {
		vsnap__domain_video_free(d);
		return NULL;
	}
	return d;
}

static void *graphics_copy(const void *p)
{
	const vsnap_domain_graphics_def *s = p;
	vsnap_domain_graphics_def *d = malloc(sizeof(*d));
	int failed = 0;

	if (!d)
		return NULL;
	*d = *s;
	vsnap__str_copy(&d->type, s->type, &failed);
	vsnap__str_copy(&d->keymap, s->keymap, &failed);
	vsnap__str_copy(&d->passwd, s->passwd, &failed);
	vsnap__str_copy(&d->listen_type, s->listen_type, &failed);
	vsnap__str_copy(&d->listen_address, s->listen_address, &failed);
	vsnap__domain_extra_copy(&d->extra, &s->extra, &failed);
	if (failed) {
		vsnap__domain_graphics_free(d);
		return NULL;
	}
	return d;
}

static void *fs_copy(const void *p)
{
	const vsnap_domain_fs_def *s = p;
	vsnap_domain_fs_def *d = malloc(sizeof(*d));
	int failed = 0;

	if (!d)
		return NULL;
	*d = *s;
	vsnap__str_copy(&d->type, s->type, &failed);
	vsnap__str_copy(&d->accessmode, s->accessmode, &failed);
	vsnap__str_copy(&d->driver_type, s->driver_type, &failed);
	vsnap__str_copy(&d->src_dir, s->src_dir, &failed);
	vsnap__str_copy(&d->target_dir, s->target_dir, &failed);
	dup_addr(&d->address, &s->address, &failed);
	vsnap__domain_extra_copy(&d->extra, &s->extra, &failed);
	if (failed) {
		vsnap__domain_fs_free(d);
		return NULL;
	}
	return d;
}

static void *input_copy(const void *p)
{
	const vsnap_domain_input_def *s = p;
	vsnap_domain_input_def *d = calloc(1, sizeof(*d));
	int failed = 0;

	if (!d)
		return NULL;
	vsnap__str_copy(&d->type, s->type, &failed);
	vsnap__str_copy(&d->bus, s->bus, &failed);
	vsnap__domain_extra_copy(&d->extra, &s->extra, &failed);
	if (failed) {
		vsnap__domain_input_free(d);
		return NULL;
	}
	return d;
}

static void *str_copy(const void *s)
{
	return strdup(s);
}

static void *chr_copy(const void *p)
{
	return vsnap__domain_chr_copy(p);
}

/* Type-correct release callbacks for copy_array(). */
static void disk_free(void *p) { vsnap__domain_disk_free(p); }
static void controller_free(void *p) { vsnap__domain_controller_free(p); }
static void net_free(void *p) { vsnap__domain_net_free(p); }
static void chr_free(void *p) { vsnap__domain_chr_free(p); }
static void video_free(void *p) { vsnap__domain_video_free(p); }
static void graphics_free(void *p) { vsnap__domain_graphics_free(p); }
static void fs_free(void *p) { vsnap__domain_fs_free(p); }
static void input_free(void *p) { vsnap__domain_input_free(p); }

typedef void *(*copy_fn)(const void *);
typedef void (*free_fn)(void *);

/* Copies an array of `n` items with `cp`; on failure frees what was copied. */
static int copy_array(void ***dst, void *const *src, size_t n, copy_fn cp, free_fn fr)
{
	void **arr;

	*dst = NULL;
	if (n == 0)
		return 0;
	if (!(arr = calloc(n, sizeof(*arr))))
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!(arr[i] = cp(src[i]))) {
			for (size_t k = 0; k < i; k++)
				fr(arr[k]);
			free(arr);
			return -1;
		}
	}
	*dst = arr;
	return 0;
}

#define COPY_ARRAY(field, count, cp, fr) \
	copy_array((void ***)&d->field, (void *const *)s->field, s->count, \
		cp, fr)

static void copy_strings(vsnap_domain_def *d, const vsnap_domain_def *s, int *failed)
{
	vsnap__str_copy(&d->virt_type, s->virt_type, failed);
	vsnap__str_copy(&d->name, s->name, failed);
	vsnap__str_copy(&d->uuid, s->uuid, failed);
	vsnap__str_copy(&d->description, s->description, failed);
	vsnap__str_copy(&d->os_type, s->os_type, failed);
	vsnap__str_copy(&d->os_arch, s->os_arch, failed);
	vsnap__str_copy(&d->title, s->title, failed);
	vsnap__str_copy(&d->genid, s->genid, failed);
	vsnap__str_copy(&d->vcpu_placement, s->vcpu_placement, failed);
	vsnap__str_copy(&d->vcpu_cpuset, s->vcpu_cpuset, failed);
	vsnap__str_copy(&d->cpu_mode, s->cpu_mode, failed);
	vsnap__str_copy(&d->cpu_model, s->cpu_model, failed);
	vsnap__str_copy(&d->os_machine, s->os_machine, failed);
	vsnap__str_copy(&d->os_firmware, s->os_firmware, failed);
	vsnap__str_copy(&d->os_loader, s->os_loader, failed);
	vsnap__str_copy(&d->os_loader_type, s->os_loader_type, failed);
	vsnap__str_copy(&d->os_nvram, s->os_nvram, failed);
	vsnap__str_copy(&d->os_nvram_template, s->os_nvram_template, failed);
	vsnap__str_copy(&d->os_smbios_mode, s->os_smbios_mode, failed);
	vsnap__str_copy(&d->clock_offset, s->clock_offset, failed);
	vsnap__str_copy(&d->on_poweroff, s->on_poweroff, failed);
	vsnap__str_copy(&d->on_reboot, s->on_reboot, failed);
	vsnap__str_copy(&d->on_crash, s->on_crash, failed);
	vsnap__str_copy(&d->emulator, s->emulator, failed);
	vsnap__str_copy(&d->memballoon_model, s->memballoon_model, failed);
	vsnap__str_copy(&d->vmware_datacenterpath, s->vmware_datacenterpath, failed);
	vsnap__str_copy(&d->vmware_moref, s->vmware_moref, failed);
}

int vsnap__domain_def_copy(vsnap_domain_def **out, const vsnap_domain_def *s)
{
	vsnap_domain_def *d;
	int failed = 0;

	*out = NULL;
	if (!s)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_XML, "no domain to copy");
	if (!(d = calloc(1, sizeof(*d))))
		return vsnap__error_oom();
	/* Scalars first; every pointer is then replaced by its copy (or NULL/0 on failure). */
	*d = *s;
	copy_strings(d, s, &failed);
	vsnap__domain_extra_copy(&d->extra, &s->extra, &failed);
	if (COPY_ARRAY(disks, ndisks, disk_copy, disk_free) < 0)
		d->ndisks = 0, failed = 1;
	if (COPY_ARRAY(os_boot_devs, nos_boot_devs, str_copy, free) < 0)
		d->nos_boot_devs = 0, failed = 1;
	if (COPY_ARRAY(features, nfeatures, str_copy, free) < 0)
		d->nfeatures = 0, failed = 1;
	if (COPY_ARRAY(controllers, ncontrollers, controller_copy, controller_free) < 0)
		d->ncontrollers = 0, failed = 1;
	if (COPY_ARRAY(filesystems, nfilesystems, fs_copy, fs_free) < 0)
		d->nfilesystems = 0, failed = 1;
	if (COPY_ARRAY(nets, nnets, net_copy, net_free) < 0)
		d->nnets = 0, failed = 1;
	if (COPY_ARRAY(serials, nserials, chr_copy, chr_free) < 0)
		d->nserials = 0, failed = 1;
	if (COPY_ARRAY(parallels, nparallels, chr_copy, chr_free) < 0)
		d->nparallels = 0, failed = 1;
	if (COPY_ARRAY(consoles, nconsoles, chr_copy, chr_free) < 0)
		d->nconsoles = 0, failed = 1;
	if (COPY_ARRAY(inputs, ninputs, input_copy, input_free) < 0)
		d->ninputs = 0, failed = 1;
	if (COPY_ARRAY(graphics, ngraphics, graphics_copy, graphics_free) < 0)
		d->ngraphics = 0, failed = 1;
	if (COPY_ARRAY(videos, nvideos, video_copy, video_free) < 0)
		d->nvideos = 0, failed = 1;
	if (failed) {
		vsnap__domain_def_free(d);
		return vsnap__error_oom();
	}
	*out = d;
	return 0;
}

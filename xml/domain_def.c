/*
 * domain_def.c: allocation, release and deep copy of the domain model (xml/domain_def.h).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "xml/domain_def.h"

#include <stdlib.h>
#include <string.h>

#include "core/error.h"

static void address_init(vsnap_domain_address *addr)
{
	addr->type = NULL;
	addr->controller = addr->bus = addr->target = addr->unit = -1;
	addr->domain_ = addr->slot = addr->function = -1;
}

void vsnap__domain_address_clear(vsnap_domain_address *addr)
{
	if (!addr)
		return;
	free(addr->type);
	address_init(addr);
}

vsnap_domain_def *vsnap__domain_def_new(void)
{
	vsnap_domain_def *def = calloc(1, sizeof(*def));

	if (!def)
		return NULL;
	def->cputune_shares = -1;
	def->os_loader_readonly = -1;
	def->os_loader_secure = -1;
	def->os_bootmenu = -1;
	return def;
}

vsnap_domain_disk_def *vsnap__domain_disk_new(void)
{
	vsnap_domain_disk_def *disk = calloc(1, sizeof(*disk));

	if (!disk)
		return NULL;
	disk->snapshot = VSNAP_SNAPSHOT_LOCATION_DEFAULT;
	address_init(&disk->address);
	return disk;
}

vsnap_domain_controller_def *vsnap__domain_controller_new(void)
{
	vsnap_domain_controller_def *ctrl = calloc(1, sizeof(*ctrl));

	if (!ctrl)
		return NULL;
	ctrl->index = -1;
	address_init(&ctrl->address);
	return ctrl;
}

vsnap_domain_net_def *vsnap__domain_net_new(void)
{
	vsnap_domain_net_def *net = calloc(1, sizeof(*net));

	if (!net)
		return NULL;
	net->src_portid = -1;
	address_init(&net->address);
	return net;
}

vsnap_domain_chr_def *vsnap__domain_chr_new(void)
{
	vsnap_domain_chr_def *chr = calloc(1, sizeof(*chr));

	if (!chr)
		return NULL;
	chr->target_port = -1;
	address_init(&chr->address);
	return chr;
}

vsnap_domain_video_def *vsnap__domain_video_new(void)
{
	vsnap_domain_video_def *video = calloc(1, sizeof(*video));

	if (!video)
		return NULL;
	video->vram = -1;
	video->heads = -1;
	address_init(&video->address);
	return video;
}

vsnap_domain_graphics_def *vsnap__domain_graphics_new(void)
{
	vsnap_domain_graphics_def *gfx = calloc(1, sizeof(*gfx));

	if (!gfx)
		return NULL;
	gfx->port = -1;
	gfx->autoport = -1;
	return gfx;
}

vsnap_domain_fs_def *vsnap__domain_fs_new(void)
{
	vsnap_domain_fs_def *fs = calloc(1, sizeof(*fs));

	if (!fs)
		return NULL;
	address_init(&fs->address);
	return fs;
}

vsnap_domain_input_def *vsnap__domain_input_new(void)
{
	return calloc(1, sizeof(vsnap_domain_input_def));
}

void vsnap__domain_disk_free(vsnap_domain_disk_def *disk)
{
	if (!disk)
		return;
	free(disk->type);
	free(disk->device);
	free(disk->driver_name);
	free(disk->driver_type);
	free(disk->driver_cache);
	free(disk->src_file);
	free(disk->target_dev);
	free(disk->target_bus);
	free(disk->address.type);
	free(disk->src_startup_policy);
	free(disk->driver_io);
	free(disk->driver_discard);
	free(disk->serial);
	vsnap__domain_extra_clear(&disk->extra);
	free(disk);
}

void vsnap__domain_controller_free(vsnap_domain_controller_def *ctrl)
{
	if (!ctrl)
		return;
	free(ctrl->type);
	free(ctrl->model);
	free(ctrl->address.type);
	vsnap__domain_extra_clear(&ctrl->extra);
	free(ctrl);
}

void vsnap__domain_net_free(vsnap_domain_net_def *net)
{
	if (!net)
		return;
	free(net->type);
	free(net->mac);
	free(net->mac_type);
	free(net->mac_check);
	free(net->src_bridge);
	free(net->src_network);
	free(net->src_dev);
	free(net->src_mode);
	free(net->src_switchid);
	free(net->src_portgroupid);
	free(net->src_connectionid);
	free(net->target_dev);
	free(net->model);
	free(net->vmware_portgroup);
	free(net->address.type);
	vsnap__domain_extra_clear(&net->extra);
	free(net);
}

void vsnap__domain_chr_free(vsnap_domain_chr_def *chr)
{
	if (!chr)
		return;
	free(chr->type);
	free(chr->src_path);
	free(chr->src_mode);
	free(chr->src_host);
	free(chr->src_service);
	free(chr->protocol);
	free(chr->target_type);
	free(chr->address.type);
	vsnap__domain_extra_clear(&chr->extra);
	free(chr);
}

void vsnap__domain_video_free(vsnap_domain_video_def *video)
{
	if (!video)
		return;
	free(video->model);
	free(video->address.type);
	vsnap__domain_extra_clear(&video->extra);
	free(video);
}

void vsnap__domain_graphics_free(vsnap_domain_graphics_def *gfx)
{
	if (!gfx)
		return;
	free(gfx->type);
	free(gfx->keymap);
	free(gfx->passwd);
	free(gfx->listen_type);
	free(gfx->listen_address);
	vsnap__domain_extra_clear(&gfx->extra);
	free(gfx);
}

void vsnap__domain_fs_free(vsnap_domain_fs_def *fs)
{
	if (!fs)
		return;
	free(fs->type);
	free(fs->accessmode);
	free(fs->driver_type);
	free(fs->src_dir);
	free(fs->target_dir);
	free(fs->address.type);
	vsnap__domain_extra_clear(&fs->extra);
	free(fs);
}

void vsnap__domain_input_free(vsnap_domain_input_def *input)
{
	if (!input)
		return;
	free(input->type);
	free(input->bus);
	vsnap__domain_extra_clear(&input->extra);
	free(input);
}

static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Frees every element of a device array with its own free function, then the array. */
#define FREE_ARRAY(arr, n, fn) do { \
		for (size_t i_ = 0; i_ < (n); i_++) \
			fn((arr)[i_]); \
		free(arr); \
	} while (0)

void vsnap__domain_def_free(vsnap_domain_def *def)
{
	if (!def)
		return;
	free(def->virt_type);
	free(def->name);
	free(def->uuid);
	free(def->description);
	free(def->os_type);
	free(def->os_arch);
	FREE_ARRAY(def->disks, def->ndisks, vsnap__domain_disk_free);
	free(def->title);
	free(def->genid);
	free(def->vcpu_placement);
	free(def->vcpu_cpuset);
	free(def->cpu_mode);
	free(def->cpu_model);
	free(def->os_machine);
	free(def->os_firmware);
	free(def->os_loader);
	free(def->os_loader_type);
	free(def->os_nvram);
	free(def->os_nvram_template);
	free_strv(def->os_boot_devs, def->nos_boot_devs);
	free(def->os_smbios_mode);
	free_strv(def->features, def->nfeatures);
	free(def->clock_offset);
	free(def->on_poweroff);
	free(def->on_reboot);
	free(def->on_crash);
	free(def->emulator);
	FREE_ARRAY(def->controllers, def->ncontrollers, vsnap__domain_controller_free);
	FREE_ARRAY(def->filesystems, def->nfilesystems, vsnap__domain_fs_free);
	FREE_ARRAY(def->nets, def->nnets, vsnap__domain_net_free);
	FREE_ARRAY(def->serials, def->nserials, vsnap__domain_chr_free);
	FREE_ARRAY(def->parallels, def->nparallels, vsnap__domain_chr_free);
	FREE_ARRAY(def->consoles, def->nconsoles, vsnap__domain_chr_free);
	FREE_ARRAY(def->inputs, def->ninputs, vsnap__domain_input_free);
	FREE_ARRAY(def->graphics, def->ngraphics, vsnap__domain_graphics_free);
	FREE_ARRAY(def->videos, def->nvideos, vsnap__domain_video_free);
	free(def->memballoon_model);
	free(def->vmware_datacenterpath);
	free(def->vmware_moref);
	vsnap__domain_extra_clear(&def->extra);
	free(def);
}

int vsnap__domain_def_add(void ***array, size_t *count, void *item)
{
	void **grown = realloc(*array, (*count + 1) * sizeof(*grown));

	if (!grown)
		return vsnap__error_oom();
	grown[(*count)++] = item;
	*array = grown;
	return 0;
}

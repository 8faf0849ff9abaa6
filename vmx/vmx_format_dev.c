/*
 * Domain model -> .vmx: shared folders, network cards, serial and parallel ports, SVGA and the
 * PCI/VMCI keys of newer virtual hardware.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vmx/vmx_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

#define KV(b, key, val, ...) do { \
	char k_[64]; snprintf(k_, sizeof(k_), key, __VA_ARGS__); vsnap__vmx_kv(b, k_, val); \
} while (0)

static int format_filesystems(vsnap__strbuf *b, const vsnap_domain_def *def)
{
	if (!def->nfilesystems)
		return 0;
	vsnap__vmx_kv(b, "isolation.tools.hgfs.disable", "false");
	vsnap__vmx_kvf(b, "sharedFolder.maxNum", "%zu", def->nfilesystems);
	for (size_t i = 0; i < def->nfilesystems; i++) {
		const vsnap_domain_fs_def *fs = def->filesystems[i];
		if ((fs->type && strcmp(fs->type, "mount")) || !fs->src_dir || !fs->target_dir)
			return vsnap__error_set(VSNAP_EUNSUPPORTED, VSNAP_ERRCLASS_VMX,
				"<filesystem> %zu: only type 'mount' with source and target dirs", i);
		KV(b, "sharedFolder%zu.present", "true", i);
		KV(b, "sharedFolder%zu.enabled", "true", i);
		KV(b, "sharedFolder%zu.readAccess", "true", i);
		KV(b, "sharedFolder%zu.writeAccess", fs->readonly ? "false" : "true", i);
		KV(b, "sharedFolder%zu.hostPath", fs->src_dir, i);
		KV(b, "sharedFolder%zu.guestName", fs->target_dir, i);
	}
	return 0;
}

static int net_error(size_t i, const char *what)
{
	return vsnap__error_set(VSNAP_EUNSUPPORTED, VSNAP_ERRCLASS_VMX, "<interface> %zu: %s", i,
		what);
}

/* MAC address kind: ESX's prefixes decide generated / vpx / static as libvirt does. */
static void format_mac(vsnap__strbuf *b, size_t i, const vsnap_domain_net_def *n)
{
	unsigned int m[6] = { 0 };
	sscanf(n->mac, "%2x:%2x:%2x:%2x:%2x:%2x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]);
	int vmware_gen = m[0] == 0x00 && m[1] == 0x0c && m[2] == 0x29;
	int esx = m[0] == 0x00 && m[1] == 0x50 && m[2] == 0x56;
	int vpx = esx && m[3] >= 0x80 && m[3] <= 0xbf;
	int esx_static = esx && m[3] <= 0x3f;
	const char *type = n->mac_type;
	const char *at;
	int check = -1;   /* -1: do not write */
	if (type && strcmp(type, "static") == 0)
		at = "static";
	else if (vpx)
		at = "vpx";
	else if (vmware_gen || (type && strcmp(type, "generated") == 0))
		at = "generated";
	else if (esx_static)
		at = "static";
	else {
		at = "static";
		check = 0;   /* outside VMware's ranges: ESX must not reject it */
	}
	if (n->mac_check)
		check = strcmp(n->mac_check, "no") != 0;
	KV(b, "ethernet%zu.addressType", at, i);
	if (strcmp(at, "static") == 0) {
		KV(b, "ethernet%zu.address", n->mac, i);
	} else {
		KV(b, "ethernet%zu.generatedAddress", n->mac, i);
		if (strcmp(at, "generated") == 0)
			KV(b, "ethernet%zu.generatedAddressOffset", "0", i);
	}
	if (check >= 0)
		KV(b, "ethernet%zu.checkMACAddress", check ? "true" : "false", i);
}

static int format_nets(vsnap__strbuf *b, const vsnap_domain_def *def)
{
	for (size_t i = 0; i < def->nnets; i++) {
		const vsnap_domain_net_def *n = def->nets[i];
		if (i >= 10)
			return net_error(i, "VMware has at most 10 network cards");
		const char *type = n->type ? n->type : "?";
		KV(b, "ethernet%zu.present", "true", i);
		if (n->model) {
			static const char *const ok[] = { "vlance", "vmxnet", "vmxnet2", "vmxnet3",
				"e1000", "e1000e" };
			size_t m;
			for (m = 0; m < sizeof(ok) / sizeof(ok[0]); m++)
				if (strcmp(n->model, ok[m]) == 0)
					break;
			if (m == sizeof(ok) / sizeof(ok[0]))
				return net_error(i, "model not supported (vlance, vmxnet, vmxnet2, "
					"vmxnet3, e1000, e1000e)");
			int v2 = strcmp(n->model, "vmxnet2") == 0;
			KV(b, "ethernet%zu.virtualDev", v2 ? "vmxnet" : n->model, i);
			if (v2)
				KV(b, "ethernet%zu.features", "15", i);
		}
		if (strcmp(type, "bridge") == 0) {
			if (!n->src_bridge)
				return net_error(i, "a bridge needs <source bridge=>");
			KV(b, "ethernet%zu.networkName", n->src_bridge, i);
			KV(b, "ethernet%zu.connectionType", n->target_dev ? "custom" : "bridged", i);
			if (n->target_dev)
				KV(b, "ethernet%zu.vnet", n->target_dev, i);
		} else if (strcmp(type, "user") == 0) {
			KV(b, "ethernet%zu.connectionType", "nat", i);
		} else if (strcmp(type, "network") == 0 && n->src_network &&
			   strcmp(n->src_network, "hostonly") == 0) {
			KV(b, "ethernet%zu.connectionType", "hostonly", i);
		} else if (strcmp(type, "vds") == 0) {
			char hex[33];
			int h = 0;
			for (const char *p = n->src_switchid ? n->src_switchid : ""; *p && h < 33; p++)
				if (*p != '-')
					hex[h++] = *p;
			if (h != 32)
				return net_error(i, "vds needs a UUID <source switchid=>");
			char sw[64];
			snprintf(sw, sizeof(sw), "%.2s %.2s %.2s %.2s %.2s %.2s %.2s %.2s-%.2s %.2s %.2s "
				"%.2s %.2s %.2s %.2s %.2s", hex, hex + 2, hex + 4, hex + 6, hex + 8,
				hex + 10, hex + 12, hex + 14, hex + 16, hex + 18, hex + 20, hex + 22,
				hex + 24, hex + 26, hex + 28, hex + 30);
			KV(b, "ethernet%zu.dvs.switchId", sw, i);
			if (n->src_portid >= 0) {
				char port[32];
				snprintf(port, sizeof(port), "%lld", n->src_portid);
				KV(b, "ethernet%zu.dvs.portId", port, i);
			}
			if (n->src_portgroupid)
				KV(b, "ethernet%zu.dvs.portgroupId", n->src_portgroupid, i);
			if (n->src_connectionid)
				KV(b, "ethernet%zu.dvs.connectionId", n->src_connectionid, i);
		} else if (strcmp(type, "null") != 0) {
			return net_error(i, "type not supported (bridge, user, network 'hostonly', "
				"vds, null)");
		}
		if (n->mac_generated)   /* no <mac> in the XML: VMware chooses it at power-on */
			KV(b, "ethernet%zu.addressType", "generated", i);
		else if (n->mac)
			format_mac(b, i, n);
	}
	return 0;
}

static int chr_error(const char *kind, int port, const char *what)
{
	return vsnap__error_set(VSNAP_EUNSUPPORTED, VSNAP_ERRCLASS_VMX, "<%s> port %d: %s", kind,
		port, what);
}

static int format_chr(vsnap__strbuf *b, const char *kind, const vsnap_domain_chr_def *c,
	int port, int max)
{
	if (port < 0 || port >= max)
		return chr_error(kind, port, "port out of range");
	int serial = strcmp(kind, "serial") == 0;
	const char *type = c->type ? c->type : "?";
	char *path = NULL;
	int rc;
	KV(b, "%s%d.present", "true", kind, port);
	if (strcmp(type, "file") == 0) {
		if (!c->src_path)
			return chr_error(kind, port, "a file needs <source path=>");
		if ((rc = vsnap__vmx_path_to_vmx(&path, c->src_path, kind)) < 0)
			return rc;
		KV(b, "%s%d.fileType", "file", kind, port);
		KV(b, "%s%d.fileName", path, kind, port);
		free(path);
	} else if (strcmp(type, "dev") == 0) {
		if (!c->src_path)
			return chr_error(kind, port, "a device needs <source path=>");
		KV(b, "%s%d.fileType", "device", kind, port);
		KV(b, "%s%d.fileName", c->src_path, kind, port);
	} else if (serial && strcmp(type, "pipe") == 0) {
		if (!c->src_path)
			return chr_error(kind, port, "a pipe needs <source path=>");
		/* libvirt's XML cannot say which end is which: VMware's defaults */
		KV(b, "%s%d.fileType", "pipe", kind, port);
		KV(b, "%s%d.pipe.endPoint", "client", kind, port);
		KV(b, "%s%d.tryNoRxLoss", "false", kind, port);
		KV(b, "%s%d.fileName", c->src_path, kind, port);
	} else if (serial && strcmp(type, "tcp") == 0) {
		const char *proto = c->protocol ? c->protocol : "raw";
		const char *scheme = strcmp(proto, "raw") == 0 ? "tcp" :
			strcmp(proto, "telnet") == 0 ? "telnet" :
			strcmp(proto, "telnets") == 0 ? "telnets" :
			strcmp(proto, "tls") == 0 ? "ssl" : NULL;
		if (!scheme || !c->src_host || !c->src_service)
			return chr_error(kind, port, "tcp needs host, service and a raw, telnet, "
				"telnets or tls protocol");
		char uri[512];
		snprintf(uri, sizeof(uri), "%s://%s:%s", scheme, c->src_host, c->src_service);
		KV(b, "%s%d.fileType", "network", kind, port);
		KV(b, "%s%d.fileName", uri, kind, port);
		KV(b, "%s%d.network.endPoint",
			c->src_mode && strcmp(c->src_mode, "connect") == 0 ? "client" : "server",
			kind, port);
	} else {
		return chr_error(kind, port, "type not supported");
	}
	if (serial)
		KV(b, "%s%d.yieldOnMsrRead", "true", kind, port);
	return 0;
}

int vsnap__vmx_format_devices(vsnap__strbuf *b, const vsnap_domain_def *def, int hw)
{
	int rc;
	if ((rc = format_filesystems(b, def)) < 0 || (rc = format_nets(b, def)) < 0)
		return rc;
	for (size_t i = 0; i < def->nserials; i++) {
		const vsnap_domain_chr_def *c = def->serials[i];
		if ((rc = format_chr(b, "serial", c, c->target_port >= 0 ? c->target_port : (int)i,
				4)) < 0)
			return rc;
	}
	for (size_t i = 0; i < def->nparallels; i++) {
		const vsnap_domain_chr_def *c = def->parallels[i];
		if ((rc = format_chr(b, "parallel", c, c->target_port >= 0 ? c->target_port : (int)i,
				3)) < 0)
			return rc;
	}
	if (def->nvideos > 1 || (def->nvideos && def->videos[0]->model &&
				  strcmp(def->videos[0]->model, "vmvga")))
		return vsnap__error_set(VSNAP_EUNSUPPORTED, VSNAP_ERRCLASS_VMX,
			"<video>: VMware has one 'vmvga' adapter");
	if (def->nvideos || def->ngraphics) {
		long long kib = def->nvideos && def->videos[0]->vram > 0 ? def->videos[0]->vram : 4096;
		vsnap__vmx_kvf(b, "svga.vramSize", "%lld", kib * 1024);
	}
	if (hw >= 8) {   /* the PCIe root ports newer virtual hardware has */
		vsnap__vmx_kv(b, "pciBridge0.present", "true");
		for (int i = 4; i < 8; i++) {
			KV(b, "pciBridge%d.present", "true", i);
			KV(b, "pciBridge%d.virtualDev", "pcieRootPort", i);
			KV(b, "pciBridge%d.functions", "8", i);
		}
	}
	if (hw >= 7)
		vsnap__vmx_kv(b, "vmci0.present", "true");
	return 0;
}

/*
 * .vmx -> domain model: shared folders, network cards, serial and parallel ports, VNC and the
 * SVGA adapter.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vmx/vmx_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

#define KEY(buf, ...) snprintf(buf, sizeof(buf), __VA_ARGS__)

static int lower_dup(char **dst, const char *s)
{
	int rc = vsnap__str_dup(dst, s);
	if (rc == 0 && *dst)
		for (char *p = *dst; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
	return rc;
}

static int parse_filesystems(const vsnap__vmx_ctx *c, vsnap_domain_def *def)
{
	int disabled, rc;
	long long n;
	if ((rc = vsnap__vmx_get_bool(c, "isolation.tools.hgfs.disable", &disabled, 1)) < 0)
		return rc;
	if (disabled)
		return 0;
	if ((rc = vsnap__vmx_get_ll(c, "sharedFolder.maxNum", &n, 0)) < 0)
		return rc;
	if (n < 0 || n > 1024)
		return vsnap__vmx_key_error(c, VSNAP_EPARSE, "sharedFolder.maxNum",
			"expected 0 to 1024, found %lld", n);
	for (int i = 0; i < n; i++) {
		char k[64];
		int present, enabled, write;
		const char *host = NULL, *guest = NULL;
		KEY(k, "sharedFolder%d.present", i);
		if ((rc = vsnap__vmx_get_bool(c, k, &present, 0)) < 0)
			return rc;
		KEY(k, "sharedFolder%d.enabled", i);
		if ((rc = vsnap__vmx_get_bool(c, k, &enabled, 0)) < 0)
			return rc;
		if (!present || !enabled)
			continue;
		KEY(k, "sharedFolder%d.hostPath", i);
		if (!vsnap__vmx_get_str(c, k, &host))
			return vsnap__vmx_key_error(c, VSNAP_EPARSE, k, "missing for an enabled folder");
		KEY(k, "sharedFolder%d.guestName", i);
		if (!vsnap__vmx_get_str(c, k, &guest))
			return vsnap__vmx_key_error(c, VSNAP_EPARSE, k, "missing for an enabled folder");
		KEY(k, "sharedFolder%d.writeAccess", i);
		if ((rc = vsnap__vmx_get_bool(c, k, &write, 0)) < 0)
			return rc;
		vsnap_domain_fs_def *fs = vsnap__domain_fs_new();
		if (!fs)
			return vsnap__error_oom();
		fs->readonly = !write;
		if ((rc = vsnap__str_dup(&fs->type, "mount")) < 0 ||
		    (rc = vsnap__str_dup(&fs->accessmode, "passthrough")) < 0 ||
		    (rc = vsnap__str_dup(&fs->src_dir, host)) < 0 ||
		    (rc = vsnap__str_dup(&fs->target_dir, guest)) < 0 ||
		    (rc = vsnap__domain_def_add((void ***)&def->filesystems, &def->nfilesystems, fs)) < 0) {
			vsnap__domain_fs_free(fs);
			return rc;
		}
	}
	return 0;
}

static int parse_net_model(const vsnap__vmx_ctx *c, vsnap_domain_net_def *net, int i)
{
	char k[64];
	const char *dev;
	KEY(k, "ethernet%d.virtualDev", i);
	if (!vsnap__vmx_get_str(c, k, &dev))
		return 0;
	static const char *const models[] = { "vlance", "vmxnet", "vmxnet3", "e1000", "e1000e" };
	size_t m;
	for (m = 0; m < sizeof(models) / sizeof(models[0]); m++)
		if (strcasecmp(dev, models[m]) == 0)
			break;
	if (m == sizeof(models) / sizeof(models[0]))
		return vsnap__vmx_key_error(c, VSNAP_EUNSUPPORTED, k,
			"unknown network card \"%s\" (expected vlance, vmxnet, vmxnet3, e1000 or "
			"e1000e)", dev);
	const char *model = models[m];
	long long features;
	KEY(k, "ethernet%d.features", i);
	int rc = vsnap__vmx_get_ll(c, k, &features, 0);
	if (rc < 0)
		return rc;
	/* vmxnet with the enhanced feature set is what VMware calls vmxnet2 */
	if (m == 1 && rc && features == 15)
		model = "vmxnet2";
	return vsnap__str_dup(&net->model, model);
}

static int parse_net_mac(const vsnap__vmx_ctx *c, vsnap_domain_net_def *net, int i)
{
	char k[64];
	const char *at = "generated", *mac = NULL;
	int check, rc;
	KEY(k, "ethernet%d.addressType", i);
	vsnap__vmx_get_str(c, k, &at);
	const char *mac_type;
	if (strcasecmp(at, "static") == 0) {
		KEY(k, "ethernet%d.address", i);
		mac_type = "static";
	} else if (strcasecmp(at, "generated") == 0 || strcasecmp(at, "vpx") == 0) {
		KEY(k, "ethernet%d.generatedAddress", i);
		mac_type = "generated";
	} else {
		return vsnap__vmx_key_error(c, VSNAP_EUNSUPPORTED, k,
			"expected generated, static or vpx, found \"%s\"", at);
	}
	if (!vsnap__vmx_get_str(c, k, &mac)) {
		/* a copied VM before its first power-on: VMware makes the address up then; a
		 * <mac> without an address would not validate */
		char ka[64];
		KEY(ka, "ethernet%d.addressType", i);
		if ((rc = vsnap__vmx_warn(c, ka, "no %s: the interface has no <mac> (the "
			"hypervisor chooses one)", strchr(k, '.') + 1)) < 0)
			return rc;
	} else {
		if ((rc = vsnap__str_dup(&net->mac_type, mac_type)) < 0)
			return rc;
		unsigned int b[6];
		char tail;
		/* %x alone would take a sign or blanks ("-6" -> fffffffa; fuzz): hex digits only. */
		if (mac[strspn(mac, "0123456789abcdefABCDEF:")] != '\0' ||
		    sscanf(mac, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
			   &tail) != 6)
			return vsnap__vmx_key_error(c, VSNAP_EPARSE, k, "bad MAC address \"%s\"", mac);
		if (asprintf(&net->mac, "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4],
			     b[5]) < 0) {
			net->mac = NULL;
			return vsnap__error_oom();
		}
	}
	KEY(k, "ethernet%d.checkMACAddress", i);
	if ((rc = vsnap__vmx_get_bool(c, k, &check, 1)) < 0)
		return rc;
	if (!check && (rc = vsnap__str_dup(&net->mac_check, "no")) < 0)
		return rc;
	return 0;
}

static int parse_net_backing(const vsnap__vmx_ctx *c, vsnap_domain_net_def *net, int i)
{
	char k[64];
	const char *ct = NULL, *name = NULL, *v;
	int rc;
	KEY(k, "ethernet%d.dvs.switchId", i);
	if (vsnap__vmx_get_str(c, k, &v)) {
		/* distributed switch: the switch uuid is written like uuid.bios */
		char hex[33];
		int n = 0;
		for (const char *p = v; *p && n < 33; p++)
			if (*p != ' ' && *p != '-')
				hex[n++] = *p;
		if (n != 32)
			return vsnap__vmx_key_error(c, VSNAP_EPARSE, k, "bad switch id \"%s\"", v);
		hex[32] = '\0';
		if (asprintf(&net->src_switchid, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12,
			     hex + 16, hex + 20) < 0) {
			net->src_switchid = NULL;
			return vsnap__error_oom();
		}
		KEY(k, "ethernet%d.dvs.portId", i);
		if ((rc = vsnap__vmx_get_ll(c, k, &net->src_portid, -1)) < 0)
			return rc;
		KEY(k, "ethernet%d.dvs.portgroupId", i);
		if (vsnap__vmx_get_str(c, k, &v) && (rc = vsnap__str_dup(&net->src_portgroupid, v)) < 0)
			return rc;
		KEY(k, "ethernet%d.dvs.connectionId", i);
		if (vsnap__vmx_get_str(c, k, &v) && (rc = vsnap__str_dup(&net->src_connectionid, v)) < 0)
			return rc;
		return vsnap__str_dup(&net->type, "vds");
	}
	KEY(k, "ethernet%d.networkName", i);
	vsnap__vmx_get_str(c, k, &name);
	KEY(k, "ethernet%d.connectionType", i);
	vsnap__vmx_get_str(c, k, &ct);
	if (ct && strcasecmp(ct, "bridged") == 0 && !name) {
		/* Workstation/Fusion: bridged without a name is the default bridge, vmnet0 */
		KEY(k, "ethernet%d.connectionType", i);
		if ((rc = vsnap__vmx_warn(c, k, "bridged without networkName: taken as "
			"Workstation's default bridge 'vmnet0'")) < 0)
			return rc;
		name = "vmnet0";
	}
	if (!ct || strcasecmp(ct, "bridged") == 0 || strcasecmp(ct, "custom") == 0) {
		if (!name)   /* no port group: a card without a backing */
			return vsnap__str_dup(&net->type, "null");
		if ((rc = vsnap__str_dup(&net->type, "bridge")) < 0 ||
		    (rc = vsnap__str_dup(&net->src_bridge, name)) < 0)
			return rc;
		if (ct && strcasecmp(ct, "custom") == 0) {
			KEY(k, "ethernet%d.vnet", i);
			if (!vsnap__vmx_get_str(c, k, &v))
				return vsnap__vmx_key_error(c, VSNAP_EPARSE, k,
					"missing for connectionType \"custom\"");
			return vsnap__str_dup(&net->target_dev, v);
		}
		return 0;
	}
	if (strcasecmp(ct, "nat") == 0)
		return vsnap__str_dup(&net->type, "user");
	if (strcasecmp(ct, "hostonly") == 0) {
		/* Workstation's private host network (vmnet1): a libvirt network of that name */
		if ((rc = vsnap__str_dup(&net->type, "network")) < 0)
			return rc;
		return vsnap__str_dup(&net->src_network, "hostonly");
	}
	return vsnap__vmx_key_error(c, VSNAP_EUNSUPPORTED, k,
		"connection type \"%s\" is not supported (bridged, custom, nat or hostonly)", ct);
}

static int parse_nets(const vsnap__vmx_ctx *c, vsnap_domain_def *def)
{
	for (int i = 0; i < 10; i++) {
		char k[64];
		int present, rc;
		KEY(k, "ethernet%d.present", i);
		if ((rc = vsnap__vmx_get_bool(c, k, &present, 0)) < 0)
			return rc;
		if (!present)
			continue;
		vsnap_domain_net_def *net = vsnap__domain_net_new();
		if (!net)
			return vsnap__error_oom();
		if ((rc = parse_net_mac(c, net, i)) < 0 || (rc = parse_net_backing(c, net, i)) < 0 ||
		    (rc = parse_net_model(c, net, i)) < 0 ||
		    (rc = vsnap__domain_def_add((void ***)&def->nets, &def->nnets, net)) < 0) {
			vsnap__domain_net_free(net);
			return rc;
		}
	}
	return 0;
}

/* "telnets://0.0.0.0:42001" -> protocol, host, service. */
static int parse_network_uri(const vsnap__vmx_ctx *c, const char *key, const char *uri,
	vsnap_domain_chr_def *chr)
{
	static const char *const protos[][2] = {
		{ "tcp", "raw" }, { "tcp4", "raw" }, { "tcp6", "raw" }, { "telnet", "telnet" },
		{ "telnets", "telnets" }, { "ssl", "tls" }, { "tls", "tls" },
	};
	const char *sep = strstr(uri, "://");
	const char *hp = sep ? sep + 3 : NULL;
	const char *colon = hp ? strrchr(hp, ':') : NULL;
	if (!sep || !colon || colon == hp || !colon[1])
		return vsnap__vmx_key_error(c, VSNAP_EPARSE, key,
			"expected <protocol>://<host>:<port>, found \"%s\"", uri);
	const char *proto = NULL;
	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (strlen(protos[i][0]) == (size_t)(sep - uri) &&
		    strncasecmp(uri, protos[i][0], (size_t)(sep - uri)) == 0)
			proto = protos[i][1];
	if (!proto)
		return vsnap__vmx_key_error(c, VSNAP_EUNSUPPORTED, key,
			"unknown protocol in \"%s\" (tcp, telnet, telnets, ssl or tls)", uri);
	chr->src_host = strndup(hp, (size_t)(colon - hp));
	if (!chr->src_host)
		return vsnap__error_oom();
	int rc = vsnap__str_dup(&chr->src_service, colon + 1);
	if (rc == 0)
		rc = vsnap__str_dup(&chr->protocol, proto);
	return rc;
}

/* serialN / parallelN: `kind` is "serial" or "parallel". */
static int parse_chr(const vsnap__vmx_ctx *c, const char *kind, int i,
	vsnap_domain_chr_def **out)
{
	char kp[64], kt[64], kf[64], ke[64];
	int present, rc;
	const char *ftype, *file;
	*out = NULL;
	KEY(kp, "%s%d.present", kind, i);
	if ((rc = vsnap__vmx_get_bool(c, kp, &present, 0)) < 0)
		return rc;
	if (!present)
		return 0;
	KEY(kt, "%s%d.fileType", kind, i);
	KEY(kf, "%s%d.fileName", kind, i);
	if (!vsnap__vmx_get_str(c, kt, &ftype))
		ftype = "device";   /* VMware's default backing is a host device */
	if (strcmp(kind, "serial") == 0 && strcasecmp(ftype, "thinprint") == 0) {
		/* Workstation's ThinPrint virtual printer: no libvirt device; the port's keys
		 * travel in <metadata> so xml2vmx gives the printer back */
		char prefix[32];
		KEY(prefix, "%s%d.", kind, i);
		vsnap__vmx_keep_prefix(c, prefix);
		return vsnap__vmx_warn(c, kt, "a ThinPrint virtual printer: no libvirt device; "
			"kept in <metadata>");
	}
	if (!vsnap__vmx_get_str(c, kf, &file))
		/* named by the line that makes the port present: the missing key has none */
		return vsnap__vmx_key_error(c, VSNAP_EPARSE, kp, "the port has no %s (fileType "
			"\"%s\")", kf, ftype);
	vsnap_domain_chr_def *chr = vsnap__domain_chr_new();
	if (!chr)
		return vsnap__error_oom();
	chr->target_port = i;
	int serial = strcmp(kind, "serial") == 0;
	if (strcasecmp(ftype, "file") == 0) {
		if ((rc = vsnap__str_dup(&chr->type, "file")) == 0 &&
		    (rc = vsnap__vmx_path_from_vmx(&chr->src_path, c, kf, file)) == 0 && !chr->src_path)
			rc = vsnap__vmx_key_error(c, VSNAP_ENOTFOUND, kf, "file '%s' not found", file);
	} else if (strcasecmp(ftype, "device") == 0) {
		if ((rc = vsnap__str_dup(&chr->type, "dev")) == 0)
			rc = vsnap__str_dup(&chr->src_path, file);
	} else if (serial && strcasecmp(ftype, "pipe") == 0) {
		/* pipe.endPoint and tryNoRxLoss have no libvirt equivalent */
		if ((rc = vsnap__str_dup(&chr->type, "pipe")) == 0)
			rc = vsnap__str_dup(&chr->src_path, file);
	} else if (serial && strcasecmp(ftype, "network") == 0) {
		const char *ep = "server";
		KEY(ke, "%s%d.network.endPoint", kind, i);
		vsnap__vmx_get_str(c, ke, &ep);
		if (strcasecmp(ep, "server") && strcasecmp(ep, "client"))
			rc = vsnap__vmx_key_error(c, VSNAP_EPARSE, ke,
				"expected server or client, found \"%s\"", ep);
		else if (!strstr(file, "://"))
			/* a vSPC concentrator's opaque token: no libvirt backend can express it */
			rc = vsnap__str_dup(&chr->type, "null");
		else if ((rc = vsnap__str_dup(&chr->type, "tcp")) == 0 &&
			 (rc = vsnap__str_dup(&chr->src_mode,
				strcasecmp(ep, "server") == 0 ? "bind" : "connect")) == 0)
			rc = parse_network_uri(c, kf, file, chr);
	} else {
		rc = vsnap__vmx_key_error(c, VSNAP_EUNSUPPORTED, kt,
			"unsupported %s port type \"%s\"", kind, ftype);
	}
	if (rc < 0) {
		vsnap__domain_chr_free(chr);
		return rc;
	}
	*out = chr;
	return 0;
}

/* libvirt shows the first serial port again as the console. */
static int add_console(vsnap_domain_def *def)
{
	if (!def->nserials)
		return 0;
	const vsnap_domain_chr_def *s = def->serials[0];
	vsnap_domain_chr_def *con = vsnap__domain_chr_new();
	if (!con)
		return vsnap__error_oom();
	int rc;
	con->target_port = s->target_port;
	if ((rc = vsnap__str_dup(&con->type, s->type)) < 0 ||
	    (rc = vsnap__str_dup(&con->src_path, s->src_path)) < 0 ||
	    (rc = vsnap__str_dup(&con->src_mode, s->src_mode)) < 0 ||
	    (rc = vsnap__str_dup(&con->src_host, s->src_host)) < 0 ||
	    (rc = vsnap__str_dup(&con->src_service, s->src_service)) < 0 ||
	    (rc = vsnap__str_dup(&con->protocol, s->protocol)) < 0 ||
	    (rc = vsnap__str_dup(&con->target_type, "serial")) < 0 ||
	    (rc = vsnap__domain_def_add((void ***)&def->consoles, &def->nconsoles, con)) < 0) {
		vsnap__domain_chr_free(con);
		return rc;
	}
	return 0;
}

static int parse_ports(const vsnap__vmx_ctx *c, vsnap_domain_def *def)
{
	vsnap_domain_chr_def *chr;
	int rc;
	for (int i = 0; i < 4; i++) {
		if ((rc = parse_chr(c, "serial", i, &chr)) < 0)
			return rc;
		if (chr && (rc = vsnap__domain_def_add((void ***)&def->serials, &def->nserials, chr)) < 0) {
			vsnap__domain_chr_free(chr);
			return rc;
		}
	}
	for (int i = 0; i < 3; i++) {
		if ((rc = parse_chr(c, "parallel", i, &chr)) < 0)
			return rc;
		if (chr && (rc = vsnap__domain_def_add((void ***)&def->parallels, &def->nparallels,
				chr)) < 0) {
			vsnap__domain_chr_free(chr);
			return rc;
		}
	}
	return add_console(def);
}

static int parse_graphics(const vsnap__vmx_ctx *c, vsnap_domain_def *def)
{
	int enabled, rc;
	long long port;
	const char *v;
	if ((rc = vsnap__vmx_get_bool(c, "RemoteDisplay.vnc.enabled", &enabled, 0)) < 0)
		return rc;
	if (!enabled)
		return 0;
	if ((rc = vsnap__vmx_get_ll(c, "RemoteDisplay.vnc.port", &port, -1)) < 0)
		return rc;
	if (port > 65535 || port < -1)
		return vsnap__vmx_key_error(c, VSNAP_EPARSE, "RemoteDisplay.vnc.port",
			"port %lld out of range", port);
	vsnap_domain_graphics_def *g = vsnap__domain_graphics_new();
	if (!g)
		return vsnap__error_oom();
	g->port = (int)port;
	g->autoport = port < 0;
	rc = vsnap__str_dup(&g->type, "vnc");
	if (rc == 0)
		rc = vsnap__str_dup(&g->listen_type, "address");
	if (rc == 0 && vsnap__vmx_get_str(c, "RemoteDisplay.vnc.ip", &v))
		rc = vsnap__str_dup(&g->listen_address, v);
	if (rc == 0 && vsnap__vmx_get_str(c, "RemoteDisplay.vnc.keymap", &v))
		rc = vsnap__str_dup(&g->keymap, v);
	if (rc == 0 && vsnap__vmx_get_str(c, "RemoteDisplay.vnc.password", &v))
		rc = vsnap__str_dup(&g->passwd, v);
	if (rc == 0)
		rc = vsnap__domain_def_add((void ***)&def->graphics, &def->ngraphics, g);
	if (rc < 0)
		vsnap__domain_graphics_free(g);
	return rc;
}

static int parse_video(const vsnap__vmx_ctx *c, vsnap_domain_def *def)
{
	long long bytes;
	int rc = vsnap__vmx_get_ll(c, "svga.vramSize", &bytes, 4 * 1024 * 1024);
	if (rc < 0)
		return rc;
	if (bytes < 0)
		return vsnap__vmx_key_error(c, VSNAP_EPARSE, "svga.vramSize", "negative size");
	/* The domain XML's vram is KiB in an int: a larger size could not be read back. */
	if ((bytes + 1023) / 1024 > 2147483647LL)
		return vsnap__vmx_key_error(c, VSNAP_EPARSE, "svga.vramSize",
			"larger than 2 TiB");
	vsnap_domain_video_def *v = vsnap__domain_video_new();
	if (!v)
		return vsnap__error_oom();
	v->vram = (bytes + 1023) / 1024;
	v->primary = 1;
	if ((rc = lower_dup(&v->model, "vmvga")) < 0 ||
	    (rc = vsnap__domain_def_add((void ***)&def->videos, &def->nvideos, v)) < 0)
		vsnap__domain_video_free(v);
	return rc;
}

int vsnap__vmx_parse_devices(const vsnap__vmx_ctx *c, vsnap_domain_def *def)
{
	int rc;
	if ((rc = parse_filesystems(c, def)) < 0 || (rc = parse_nets(c, def)) < 0 ||
	    (rc = parse_ports(c, def)) < 0 || (rc = parse_graphics(c, def)) < 0 ||
	    (rc = parse_video(c, def)) < 0)
		return rc;
	return 0;
}

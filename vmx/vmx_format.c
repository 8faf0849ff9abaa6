/*
 * Domain model -> .vmx: top level, in the order libvirt writes (versions, identity, memory,
 * CPUs, firmware, VNC), then devices (vmx_format_dev.c).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vmx/vmx_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

/* "0,3-5" -> "0,3,4,5" */
static int format_affinity(vsnap__strbuf *b, const char *set)
{
	vsnap__strbuf v = VSNAP__STRBUF_INIT;
	const char *p = set;
	while (*p) {
		char *end;
		long lo = strtol(p, &end, 10), hi = lo;
		if (end == p || lo < 0)
			goto bad;
		p = end;
		if (*p == '-') {
			hi = strtol(p + 1, &end, 10);
			if (end == p + 1 || hi < lo || hi > 4095)
				goto bad;
			p = end;
		}
		for (long i = lo; i <= hi; i++)
			vsnap__strbuf_appendf(&v, "%s%ld", v.len ? "," : "", i);
		if (*p == ',')
			p++;
		else if (*p)
			goto bad;
	}
	if (v.oom)
		vsnap__strbuf_set_oom(b);   /* the whole file reports ENOMEM at the end */
	vsnap__vmx_kv(b, "sched.cpu.affinity", vsnap__strbuf_cstr(&v));
	vsnap__strbuf_clear(&v);
	return 0;
bad:
	vsnap__strbuf_clear(&v);
	return vsnap__error_set(VSNAP_EUNSUPPORTED, VSNAP_ERRCLASS_VMX,
		"<vcpu cpuset='%s'>: only lists and ranges of CPU numbers are supported", set);
}

static int format_identity(vsnap__strbuf *b, const vsnap_domain_def *def)
{
	const char *arch = def->os_arch ? def->os_arch : "i686";
	if (strcmp(arch, "x86_64") && strcmp(arch, "i686"))
		return vsnap__error_set(VSNAP_EUNSUPPORTED, VSNAP_ERRCLASS_VMX,
			"<os><type arch='%s'>: VMware guests are i686 or x86_64", arch);
	if (def->os_type && strcmp(def->os_type, "hvm"))
		return vsnap__error_set(VSNAP_EUNSUPPORTED, VSNAP_ERRCLASS_VMX,
			"<os><type>%s</type>: VMware guests are hvm", def->os_type);
	vsnap__vmx_kv(b, "guestOS", strcmp(arch, "x86_64") == 0 ? "other-64" : "other");
	if (def->os_smbios_mode) {
		if (strcmp(def->os_smbios_mode, "host") == 0)
			vsnap__vmx_kv(b, "smbios.reflecthost", "true");
		else if (strcmp(def->os_smbios_mode, "emulate"))
			return vsnap__error_set(VSNAP_EUNSUPPORTED, VSNAP_ERRCLASS_VMX,
				"<smbios mode='%s'>: only 'host' and 'emulate' exist in .vmx",
				def->os_smbios_mode);
	}
	/* all zeros is "no UUID" (libvirt's reader gives it when uuid.bios is absent): VMware
	 * then makes one up, as it should, instead of keeping a shared zero UUID */
	if (def->uuid && strspn(def->uuid, "0-") != strlen(def->uuid)) {
		char hex[33];
		int n = 0;
		for (const char *p = def->uuid; *p && n < 33; p++)
			if (*p != '-')
				hex[n++] = *p;
		if (n != 32)
			return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_VMX,
				"<uuid>%s</uuid>: not a UUID", def->uuid);
		vsnap__strbuf_appendf(b, "uuid.bios = \"%.2s %.2s %.2s %.2s %.2s %.2s %.2s %.2s-"
			"%.2s %.2s %.2s %.2s %.2s %.2s %.2s %.2s\"\n", hex, hex + 2, hex + 4, hex + 6,
			hex + 8, hex + 10, hex + 12, hex + 14, hex + 16, hex + 18, hex + 20, hex + 22,
			hex + 24, hex + 26, hex + 28, hex + 30);
	}
	if (def->name) {
		/* quotes as |22, then '%', '/' and '\\' as %XX, as ESX does */
		char *pipe = vsnap__vmx_escape(def->name, '|', "\"");
		char *pct = pipe ? vsnap__vmx_escape(pipe, '%', "/\\") : NULL;
		free(pipe);
		if (!pct)
			return VSNAP_ENOMEM;
		vsnap__vmx_kv(b, "displayName", pct);
		free(pct);
	}
	if (def->description) {
		char *e = vsnap__vmx_escape(def->description, '|', "\"");
		if (!e)
			return VSNAP_ENOMEM;
		vsnap__vmx_kv(b, "annotation", e);
		free(e);
	}
	return 0;
}

static int format_resources(vsnap__strbuf *b, const vsnap_domain_def *def)
{
	/* VMware wants memsize in MiB, a multiple of 4 */
	unsigned long long mb = (def->memory_kib + 1023) / 1024;
	mb = (mb + 3) / 4 * 4;
	if (mb == 0)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_VMX, "<memory> is 0");
	vsnap__vmx_kvf(b, "memsize", "%llu", mb);
	if (def->current_memory_kib && def->current_memory_kib < mb * 1024)
		vsnap__vmx_kvf(b, "sched.mem.max", "%llu", (def->current_memory_kib + 1023) / 1024);
	if (def->min_guarantee_kib)
		vsnap__vmx_kvf(b, "sched.mem.minsize", "%llu",
			(def->min_guarantee_kib + 1023) / 1024);
	unsigned int n = def->vcpus ? def->vcpus : 1;
	vsnap__vmx_kvf(b, "numvcpus", "%u", n);
	if (def->cpu_sockets || def->cpu_cores) {
		unsigned int threads = def->cpu_threads ? def->cpu_threads : 1;
		unsigned int cores = def->cpu_cores ? def->cpu_cores : 1;
		unsigned int sockets = def->cpu_sockets ? def->cpu_sockets : 1;
		unsigned int dies = def->cpu_dies ? def->cpu_dies : 1;
		unsigned int clusters = def->cpu_clusters ? def->cpu_clusters : 1;
		if (threads != 1 || dies != 1 || clusters != 1)
			return vsnap__error_set(VSNAP_EUNSUPPORTED, VSNAP_ERRCLASS_VMX,
				"<topology>: VMware has one thread, die and cluster per socket");
		if (sockets * cores != n)
			return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_VMX,
				"<topology sockets='%u' cores='%u'> does not give <vcpu>%u</vcpu>",
				sockets, cores, n);
		vsnap__vmx_kvf(b, "cpuid.coresPerSocket", "%u", cores);
	}
	int rc;
	if (def->vcpu_cpuset && (rc = format_affinity(b, def->vcpu_cpuset)) < 0)
		return rc;
	if (def->cputune_shares >= 0) {
		long long s = def->cputune_shares;
		if (s == 500LL * n)
			vsnap__vmx_kv(b, "sched.cpu.shares", "low");
		else if (s == 1000LL * n)
			vsnap__vmx_kv(b, "sched.cpu.shares", "normal");
		else if (s == 2000LL * n)
			vsnap__vmx_kv(b, "sched.cpu.shares", "high");
		else
			vsnap__vmx_kvf(b, "sched.cpu.shares", "%lld", s);
	}
	if (def->os_firmware) {
		if (strcmp(def->os_firmware, "efi") == 0)
			vsnap__vmx_kv(b, "firmware", "efi");
		else if (strcmp(def->os_firmware, "bios"))
			return vsnap__error_set(VSNAP_EUNSUPPORTED, VSNAP_ERRCLASS_VMX,
				"<os firmware='%s'>: expected efi or bios", def->os_firmware);
	}
	return 0;
}

static int format_graphics(vsnap__strbuf *b, const vsnap_domain_def *def)
{
	for (size_t i = 0; i < def->ngraphics; i++) {
		const vsnap_domain_graphics_def *g = def->graphics[i];
		if (!g->type || strcmp(g->type, "vnc") || i > 0)
			return vsnap__error_set(VSNAP_EUNSUPPORTED, VSNAP_ERRCLASS_VMX,
				"<graphics type='%s'>: only one VNC display is supported",
				g->type ? g->type : "?");
		vsnap__vmx_kv(b, "RemoteDisplay.vnc.enabled", "true");
		if (g->autoport != 1 && g->port > 0)
			vsnap__vmx_kvf(b, "RemoteDisplay.vnc.port", "%d", g->port);
		if (g->listen_address)
			vsnap__vmx_kv(b, "RemoteDisplay.vnc.ip", g->listen_address);
		if (g->keymap)
			vsnap__vmx_kv(b, "RemoteDisplay.vnc.keymap", g->keymap);
		if (g->passwd)
			vsnap__vmx_kv(b, "RemoteDisplay.vnc.password", g->passwd);
	}
	return 0;
}

/* vm.genid / vm.genidX: the two signed 64-bit halves of <genid> (vmx_parse.c). */
static int format_genid(vsnap__strbuf *b, const char *genid)
{
	char hex[33];
	int n = 0;
	for (const char *p = genid; *p && n < 33; p++)
		if (*p != '-')
			hex[n++] = *p;
	if (n == 32)
		hex[32] = '\0';
	if (n != 32 || hex[strspn(hex, "0123456789abcdefABCDEF")] != '\0')
		return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_VMX,
			"<genid>%s</genid>: not a UUID", genid);
	unsigned long long hi, lo;
	char half[17];
	memcpy(half, hex, 16);
	half[16] = '\0';
	hi = strtoull(half, NULL, 16);
	lo = strtoull(hex + 16, NULL, 16);
	vsnap__vmx_kvf(b, "vm.genid", "%lld", (long long)hi);
	vsnap__vmx_kvf(b, "vm.genidX", "%lld", (long long)lo);
	return 0;
}

static int has_tpm(const vsnap_domain_def *def)
{
	for (size_t i = 0; i < def->extra.nitems; i++)
		if (!def->extra.items[i].name && strcmp(def->extra.items[i].path, "devices") == 0 &&
		    strncmp(def->extra.items[i].value, "<tpm", 4) == 0)
			return 1;
	return 0;
}

/* The oldest virtual hardware that has every device of def. */
static int required_hw(const vsnap_domain_def *def, const vsnap__vmx_meta *meta,
	const char **why)
{
	int hw = 4;
	*why = NULL;
	for (size_t i = 0; i < def->ndisks; i++) {
		const char *slot = vsnap__vmx_meta_slot(meta, def->disks[i]->target_dev);
		if (slot && strncmp(slot, "nvme", 4) == 0 && hw < 13) {
			hw = 13;
			*why = "an NVMe disk";
		} else if (!slot && def->disks[i]->target_bus &&
			   strcmp(def->disks[i]->target_bus, "sata") == 0 && hw < 10) {
			hw = 10;
			*why = "a SATA disk";
		}
	}
	if (has_tpm(def) && hw < 14) {
		hw = 14;
		*why = "a TPM";
	}
	return hw;
}

static int pick_hw(int *hw, const vsnap_domain_def *def, const vsnap__vmx_meta *meta,
	const vsnap_vmx_options *opts)
{
	const char *why;
	int need = required_hw(def, meta, &why);
	*hw = opts->hw_version;
	if (*hw) {
		if (*hw < 4)
			return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_VMX,
				"virtualHW.version %d is not supported (4 or later)", *hw);
		if (*hw < need)
			return vsnap__error_set(VSNAP_EUNSUPPORTED, VSNAP_ERRCLASS_VMX,
				"virtualHW.version %d cannot hold %s (needs %d or later)", *hw, why, need);
		return 0;
	}
	*hw = need;
	for (size_t i = 0; i < meta->nkeys; i++)   /* the original file's version, if kept */
		if (strcasecmp(meta->keys[i], "virtualHW.version") == 0) {
			long v = strtol(meta->values[i], NULL, 10);
			if (v > *hw && v <= 100)
				*hw = (int)v;
		}
	return 0;
}

int vsnap__vmx_format_def(char **out, const vsnap_domain_def *def, const vsnap_vmx_options *opts,
	vsnap__vmx_diags *diags)
{
	*out = NULL;
	(void)diags;
	vsnap__vmx_meta meta;
	int hw, rc = vsnap__vmx_meta_read(&meta, def);
	if (rc < 0)
		return rc;
	if ((rc = pick_hw(&hw, def, &meta, opts)) < 0) {
		vsnap__vmx_meta_clear(&meta);
		return rc;
	}
	if (def->virt_type && strcmp(def->virt_type, "vmware")) {
		vsnap__vmx_meta_clear(&meta);
		return vsnap__error_set(VSNAP_EUNSUPPORTED, VSNAP_ERRCLASS_VMX,
			"<domain type='%s'>: expected 'vmware'", def->virt_type);
	}
	vsnap__strbuf b = VSNAP__STRBUF_INIT;
	vsnap__vmx_kv(&b, ".encoding", "UTF-8");
	vsnap__vmx_kv(&b, "config.version", "8");
	vsnap__vmx_kvf(&b, "virtualHW.version", "%d", hw);
	if ((rc = format_identity(&b, def)) < 0 ||
	    (def->genid && (rc = format_genid(&b, def->genid)) < 0) ||
	    (rc = format_resources(&b, def)) < 0 ||
	    (rc = format_graphics(&b, def)) < 0 ||
	    (rc = vsnap__vmx_format_disks(&b, def, &meta)) < 0 ||
	    (rc = vsnap__vmx_format_devices(&b, def, hw)) < 0) {
		vsnap__strbuf_clear(&b);
		vsnap__vmx_meta_clear(&meta);
		return rc;
	}
	if (has_tpm(def))
		vsnap__vmx_kv(&b, "vtpm.present", "TRUE");
	rc = vsnap__strbuf_detach(out, &b);
	if (rc == 0 && (rc = vsnap__vmx_meta_apply(out, &meta, opts->hw_version != 0)) < 0) {
		free(*out);
		*out = NULL;
	}
	vsnap__vmx_meta_clear(&meta);
	return rc;
}

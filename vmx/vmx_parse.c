/*
 * .vmx -> domain model: the top level (versions, name, memory, CPUs, OS, firmware, genid).
 * Devices are in vmx_parse_disk.c and vmx_parse_dev.c.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vmx/vmx_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

/* "56 4d cd 37 36 85 88 89-35 ea 71 9f c9 3c 98 3e" -> canonical UUID text. */
static int parse_uuid(const vsnap__vmx_ctx *c, const char *key, const char *v, char **out)
{
	char hex[33];
	int n = 0;
	for (const char *p = v; *p; p++) {
		if (*p == ' ' || *p == '-')
			continue;
		if (n == 32 || !((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') ||
				 (*p >= 'A' && *p <= 'F')))
			return vsnap__vmx_key_error(c, VSNAP_EPARSE, key,
				"cannot parse a UUID from \"%s\"", v);
		hex[n++] = (*p >= 'A' && *p <= 'F') ? (char)(*p - 'A' + 'a') : *p;
	}
	if (n != 32)
		return vsnap__vmx_key_error(c, VSNAP_EPARSE, key, "cannot parse a UUID from \"%s\"", v);
	hex[32] = '\0';
	if (asprintf(out, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16,
		     hex + 20) < 0) {
		*out = NULL;
		return vsnap__error_oom();
	}
	return 0;
}

/* vm.genid and vm.genidX are the two signed 64-bit halves of the VM generation id. */
static int parse_genid(const vsnap__vmx_ctx *c, vsnap_domain_def *def)
{
	long long hi, lo;
	int rc1 = vsnap__vmx_get_ll(c, "vm.genid", &hi, 0);
	if (rc1 < 0)
		return rc1;
	int rc2 = vsnap__vmx_get_ll(c, "vm.genidX", &lo, 0);
	if (rc2 < 0)
		return rc2;
	if (!rc1 || !rc2)
		return 0;
	unsigned long long h = (unsigned long long)hi, l = (unsigned long long)lo;
	if (asprintf(&def->genid, "%08llx-%04llx-%04llx-%04llx-%012llx", h >> 32,
		     (h >> 16) & 0xffff, h & 0xffff, l >> 48, l & 0xffffffffffffULL) < 0) {
		def->genid = NULL;
		return vsnap__error_oom();
	}
	return 0;
}

/* "0,1,2,5,6,7" -> "0-2,5-7"; "all" -> no cpuset. */
static int parse_affinity(const vsnap__vmx_ctx *c, vsnap_domain_def *def)
{
	const char *v;
	if (!vsnap__vmx_get_str(c, "sched.cpu.affinity", &v) || strcasecmp(v, "all") == 0)
		return 0;
	unsigned char set[4096] = { 0 };
	const char *p = v;
	int any = 0;
	while (*p) {
		while (*p == ' ' || *p == ',')
			p++;
		if (!*p)
			break;
		char *end;
		long n = strtol(p, &end, 10);
		if (end == p || n < 0 || n >= 4096)
			return vsnap__vmx_key_error(c, VSNAP_EPARSE, "sched.cpu.affinity",
				"expected a list of CPU numbers (0-4095) or \"all\", found \"%s\"", v);
		set[n] = 1;
		any = 1;
		p = end;
		while (*p == ' ')
			p++;
		if (*p && *p != ',')
			return vsnap__vmx_key_error(c, VSNAP_EPARSE, "sched.cpu.affinity",
				"expected ',' in \"%s\"", v);
	}
	if (!any)
		return vsnap__vmx_key_error(c, VSNAP_EPARSE, "sched.cpu.affinity", "empty CPU list");
	vsnap__strbuf b = VSNAP__STRBUF_INIT;
	for (int i = 0; i < 4096; i++) {
		if (!set[i])
			continue;
		int j = i;
		while (j + 1 < 4096 && set[j + 1])
			j++;
		if (b.len)
			vsnap__strbuf_append(&b, ",");
		if (j > i)
			vsnap__strbuf_appendf(&b, "%d-%d", i, j);
		else
			vsnap__strbuf_appendf(&b, "%d", i);
		i = j;
	}
	return vsnap__strbuf_detach(&def->vcpu_cpuset, &b);
}

static int parse_cpu(const vsnap__vmx_ctx *c, vsnap_domain_def *def)
{
	long long n;
	int rc = vsnap__vmx_get_ll(c, "numvcpus", &n, 1);
	if (rc < 0)
		return rc;
	if (n < 1 || n > 4096)
		return vsnap__vmx_key_error(c, VSNAP_EPARSE, "numvcpus",
			"expected 1 to 4096 virtual CPUs, found %lld", n);
	def->vcpus = (unsigned int)n;
	if ((rc = parse_affinity(c, def)) < 0)
		return rc;

	long long cores;
	if ((rc = vsnap__vmx_get_ll(c, "cpuid.coresPerSocket", &cores, 0)) < 0)
		return rc;
	if (rc) {
		if (cores < 1 || n % cores)
			return vsnap__vmx_key_error(c, VSNAP_EPARSE, "cpuid.coresPerSocket",
				"%lld cores per socket do not divide %lld virtual CPUs", cores, n);
		def->cpu_sockets = (unsigned int)(n / cores);
		def->cpu_dies = 1;
		/* unsaid: libvirt 9.0's schema has no clusters= */
		def->cpu_clusters = (c->flags & VSNAP_VMX_CONVERT_LIBVIRT_COMPAT) ? 1 : 0;
		def->cpu_cores = (unsigned int)cores;
		def->cpu_threads = 1;
	}

	const char *shares;
	if (vsnap__vmx_get_str(c, "sched.cpu.shares", &shares)) {
		/* VMware's levels are per virtual CPU */
		if (strcasecmp(shares, "low") == 0)
			def->cputune_shares = 500LL * n;
		else if (strcasecmp(shares, "normal") == 0)
			def->cputune_shares = 1000LL * n;
		else if (strcasecmp(shares, "high") == 0)
			def->cputune_shares = 2000LL * n;
		else if ((rc = vsnap__vmx_get_ll(c, "sched.cpu.shares", &def->cputune_shares, -1)) < 0)
			return rc;
	}
	return 0;
}

/* The largest MiB count whose KiB value domain XML reads back (its parser's limit). */
#define VMX_MAX_MIB (~0ULL / 1024 / 1024)

/* A memory key in MiB (default `dflt`), refused beyond what domain XML can hold. */
static int get_mib(const vsnap__vmx_ctx *c, const char *key, long long *mb, long long dflt)
{
	int rc = vsnap__vmx_get_ll(c, key, mb, dflt);

	if (rc >= 0 && *mb > 0 && (unsigned long long)*mb > VMX_MAX_MIB)
		return vsnap__vmx_key_error(c, VSNAP_EPARSE, key,
			"%lld MiB is more than domain XML can hold (%llu MiB at most)", *mb,
			VMX_MAX_MIB);
	return rc;
}

static int parse_memory(const vsnap__vmx_ctx *c, vsnap_domain_def *def)
{
	long long mb, max, min;
	int rc;
	if ((rc = get_mib(c, "memsize", &mb, 32)) < 0)
		return rc;
	if (mb <= 0)
		return vsnap__vmx_key_error(c, VSNAP_EPARSE, "memsize",
			"expected a positive number of MiB, found %lld", mb);
	def->memory_kib = (unsigned long long)mb * 1024;
	if ((rc = get_mib(c, "sched.mem.max", &max, -1)) < 0)
		return rc;
	def->current_memory_kib = def->memory_kib;
	if (max >= 0 && (unsigned long long)max * 1024 < def->memory_kib)
		def->current_memory_kib = (unsigned long long)max * 1024;
	if ((rc = get_mib(c, "sched.mem.minsize", &min, 0)) < 0)
		return rc;
	if (min > 0)
		def->min_guarantee_kib = (unsigned long long)min * 1024;
	return 0;
}

static int parse_versions(const vsnap__vmx_ctx *c)
{
	long long v;
	int rc = vsnap__vmx_get_ll(c, "config.version", &v, 0);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return vsnap__vmx_key_error(c, VSNAP_EPARSE, "config.version", "missing essential key");
	if (v != 8)
		return vsnap__vmx_key_error(c, VSNAP_EUNSUPPORTED, "config.version",
			"expected 8, found %lld", v);
	const vsnap__vmx_entry *hw = vsnap__vmx_conf_get(c->conf, "virtualHW.version");
	/* read, but not carried: the XML has no hardware version (kept with --keep) */
	int was_used = hw && hw->used;
	if ((rc = vsnap__vmx_get_ll(c, "virtualHW.version", &v, 0)) < 0)
		return rc;
	if (hw && !was_used)
		((vsnap__vmx_entry *)hw)->used = 0;
	if (rc == 0)
		return vsnap__vmx_key_error(c, VSNAP_EPARSE, "virtualHW.version",
			"missing essential key");
	if (v < 4)
		return vsnap__vmx_key_error(c, VSNAP_EUNSUPPORTED, "virtualHW.version",
			"expected 4 or later, found %lld", v);
	return 0;
}

static int parse_text(const vsnap__vmx_ctx *c, vsnap_domain_def *def)
{
	const char *v;
	int rc;
	if (vsnap__vmx_get_str(c, "displayName", &v)) {
		if ((rc = vsnap__str_dup(&def->name, v)) < 0)
			return rc;
		/* ESX writes displayName with %XX for '%', '/', '\\', and |XX for quotes */
		if (vsnap__vmx_unescape(def->name, '%') < 0 || vsnap__vmx_unescape(def->name, '|') < 0)
			return vsnap__vmx_key_error(c, VSNAP_EPARSE, "displayName",
				"bad %%XX or |XX escape, or not UTF-8 once decoded, in \"%s\"", v);
		/* A domain needs a name: "" would give <name></name>, which no parser takes (fuzz). */
		if (!def->name[0])
			return vsnap__vmx_key_error(c, VSNAP_EPARSE, "displayName", "empty name");
	}
	if (vsnap__vmx_get_str(c, "annotation", &v)) {
		if ((rc = vsnap__str_dup(&def->description, v)) < 0)
			return rc;
		if (vsnap__vmx_unescape(def->description, '|') < 0)
			return vsnap__vmx_key_error(c, VSNAP_EPARSE, "annotation",
				"bad |XX escape, or not UTF-8 once decoded, in \"%s\"", v);
	}
	if (vsnap__vmx_get_str(c, "uuid.bios", &v))
		rc = parse_uuid(c, "uuid.bios", v, &def->uuid);
	else
		rc = vsnap__str_dup(&def->uuid, "00000000-0000-0000-0000-000000000000");
	return rc;
}

static int parse_os(const vsnap__vmx_ctx *c, vsnap_domain_def *def)
{
	const char *v;
	int rc, b;
	if ((rc = vsnap__str_dup(&def->os_type, "hvm")) < 0)
		return rc;
	const char *arch = "i686";
	/* only its -64 suffix is carried (the arch): the guest OS name goes as a kept key */
	if (vsnap__vmx_peek_str(c, "guestOS", &v)) {
		size_t l = strlen(v);
		if (l >= 3 && strcasecmp(v + l - 3, "-64") == 0)
			arch = "x86_64";
	}
	if ((rc = vsnap__str_dup(&def->os_arch, arch)) < 0)
		return rc;
	if ((rc = vsnap__vmx_get_bool(c, "smbios.reflecthost", &b, 0)) < 0)
		return rc;
	if (b && (rc = vsnap__str_dup(&def->os_smbios_mode, "host")) < 0)
		return rc;
	if (vsnap__vmx_get_str(c, "firmware", &v)) {
		if (strcasecmp(v, "efi") == 0)
			rc = vsnap__str_dup(&def->os_firmware, "efi");
		else if (strcasecmp(v, "bios") == 0)
			rc = 0;   /* libvirt leaves the BIOS default implicit */
		else
			rc = vsnap__vmx_key_error(c, VSNAP_EUNSUPPORTED, "firmware",
				"expected \"efi\" or \"bios\", found \"%s\"", v);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* A virtual TPM 2.0 (Workstation 14+/ESXi 6.7+, needed by Windows 11): libvirt's emulated
 * TPM 2.0 is the same device to the guest. */
static int parse_tpm(const vsnap__vmx_ctx *c, vsnap_domain_def *def)
{
	int present, rc = vsnap__vmx_get_bool(c, "vtpm.present", &present, 0);
	if (rc <= 0 || !present)
		return rc;
	return vsnap__domain_extra_add(&def->extra, "devices", NULL,
		"<tpm model='tpm-crb'><backend type='emulator' version='2.0'/></tpm>");
}

/* What the file is when it is no .vmx, to say so instead of "missing config.version". */
static const char *other_kind(const vsnap__vmx_conf *conf, const char *text, size_t len)
{
	if (vsnap__vmx_conf_get(conf, "config.version"))
		return NULL;
	if (vsnap__vmx_conf_get(conf, "snapshot.lastUID") ||
	    vsnap__vmx_conf_get(conf, "snapshot.numSnapshots"))
		return "a .vmsd snapshot list (use vmsd2xml)";
	if (memmem(text, len, "Disk DescriptorFile", 19) || vsnap__vmx_conf_get(conf, "createType"))
		return "a .vmdk disk descriptor, not a .vmx";
	if (memmem(text, len, "<Foundry", 8))
		return "a .vmxf team/extended configuration file (XML), not a .vmx";
	if (len >= 5 && memcmp(text, "<?xml", 5) == 0)
		return "an XML document, not a .vmx (xml2vmx converts domain XML)";
	return NULL;
}

int vsnap__vmx_parse_def(vsnap_domain_def **out, vsnap__vmx_diags *diags, const char *text,
	size_t len, const vsnap_vmx_options *opts, unsigned int flags)
{
	*out = NULL;
	vsnap__strbuf meta = VSNAP__STRBUF_INIT;
	vsnap__vmx_ctx c = { NULL, opts, flags, &meta };
	int rc = vsnap__vmx_conf_parse(&c.conf, text, len, opts->source_name);
	if (rc < 0) {
		/* a .vmxf or other XML is no line format at all */
		const char *what = len >= 5 && memcmp(text, "<?xml", 5) == 0 ?
			(memmem(text, len, "<Foundry", 8) ? "a .vmxf extended configuration file" :
			 "an XML document (xml2vmx converts domain XML)") : NULL;
		if (what)
			rc = vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_VMX,
				"%s: this is %s, not a .vmx", opts->source_name ? opts->source_name :
				"<input>", what);
		return rc;
	}
	const char *kind = other_kind(c.conf, text, len);
	if (kind) {
		rc = vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_VMX, "%s: this is %s",
			c.conf->source, kind);
		vsnap__vmx_conf_free(c.conf);
		return rc;
	}
	vsnap_domain_def *def = vsnap__domain_def_new();
	if (!def) {
		vsnap__vmx_conf_free(c.conf);
		return vsnap__error_oom();
	}
	vsnap__strbuf_append(&meta, "");
	if ((rc = parse_versions(&c)) < 0 ||
	    (rc = vsnap__str_dup(&def->virt_type, "vmware")) < 0 ||
	    (rc = parse_text(&c, def)) < 0 ||
	    (rc = parse_genid(&c, def)) < 0 ||
	    (rc = parse_memory(&c, def)) < 0 ||
	    (rc = parse_cpu(&c, def)) < 0 ||
	    (rc = parse_os(&c, def)) < 0 ||
	    (rc = vsnap__str_dup(&def->vcpu_placement, "static")) < 0 ||
	    (rc = vsnap__vmx_parse_disks(&c, def)) < 0 ||
	    (rc = vsnap__vmx_parse_devices(&c, def)) < 0 ||
	    (rc = parse_tpm(&c, def)) < 0 ||
	    (rc = vsnap__str_dup(&def->vmware_datacenterpath, opts->datacenter_path)) < 0 ||
	    (rc = vsnap__vmx_finish_keys(&c, def)) < 0 ||
	    (rc = vsnap__vmx_diags_move(diags, &c.conf->diags)) < 0) {
		vsnap__domain_def_free(def);
		vsnap__vmx_conf_free(c.conf);
		vsnap__strbuf_clear(&meta);
		return rc;
	}
	vsnap__vmx_conf_free(c.conf);
	vsnap__strbuf_clear(&meta);
	*out = def;
	return 0;
}

/*
 * Typed getters, error helpers, datastore paths, disk names and disk modes for the .vmx
 * translator.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vmx/vmx_priv.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

int vsnap__vmx_key_error(const vsnap__vmx_ctx *c, int code, const char *key, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	const vsnap__vmx_entry *e = vsnap__vmx_conf_get(c->conf, key);
	if (e)
		return vsnap__error_set(code, VSNAP_ERRCLASS_VMX, "%s:%u: key '%s': %s",
			c->conf->source, e->line, e->key, msg);
	return vsnap__error_set(code, VSNAP_ERRCLASS_VMX, "%s: key '%s': %s", c->conf->source,
		key, msg);
}

int vsnap__vmx_peek_str(const vsnap__vmx_ctx *c, const char *key, const char **out)
{
	const vsnap__vmx_entry *e = vsnap__vmx_conf_get(c->conf, key);
	if (!e)
		return 0;
	*out = e->value;
	return 1;
}

int vsnap__vmx_warn(const vsnap__vmx_ctx *c, const char *key, const char *fmt, ...)
{
	char msg[640];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	const vsnap__vmx_entry *e = key ? vsnap__vmx_conf_get(c->conf, key) : NULL;
	return vsnap__vmx_conf_warn(c->conf, e ? e->line : 0, e ? e->key : key, "%s", msg);
}

int vsnap__vmx_get_str(const vsnap__vmx_ctx *c, const char *key, const char **out)
{
	const vsnap__vmx_entry *e = vsnap__vmx_conf_use(vsnap__vmx_conf_get(c->conf, key));
	if (!e)
		return 0;
	*out = e->value;
	return 1;
}

int vsnap__vmx_get_bool(const vsnap__vmx_ctx *c, const char *key, int *out, int def)
{
	const vsnap__vmx_entry *e = vsnap__vmx_conf_use(vsnap__vmx_conf_get(c->conf, key));
	*out = def;
	if (!e)
		return 0;
	if (strcasecmp(e->value, "true") == 0)
		*out = 1;
	else if (strcasecmp(e->value, "false") == 0)
		*out = 0;
	else
		return vsnap__vmx_key_error(c, VSNAP_EPARSE, key,
			"expected \"true\" or \"false\", found \"%s\"", e->value);
	return 1;
}

int vsnap__vmx_get_ll(const vsnap__vmx_ctx *c, const char *key, long long *out, long long def)
{
	const vsnap__vmx_entry *e = vsnap__vmx_conf_use(vsnap__vmx_conf_get(c->conf, key));
	*out = def;
	if (!e)
		return 0;
	if (strcasecmp(e->value, "unlimited") == 0) {
		*out = -1;
		return 1;
	}
	char *end;
	errno = 0;
	long long v = strtoll(e->value, &end, 10);
	if (errno || end == e->value || *end)
		return vsnap__vmx_key_error(c, VSNAP_EPARSE, key,
			"expected an integer, found \"%s\"", e->value);
	*out = v;
	return 1;
}

static int has_missing_prefix(const vsnap__vmx_ctx *c, const char *s)
{
	const char *p = c->opts->missing_prefix;
	return p && *p && strncmp(s, p, strlen(p)) == 0;
}

int vsnap__vmx_path_from_vmx(char **out, const vsnap__vmx_ctx *c, const char *key,
	const char *name)
{
	*out = NULL;
	static const char vol[] = "/vmfs/volumes/";
	if (strncmp(name, vol, sizeof(vol) - 1) == 0) {
		const char *ds = name + sizeof(vol) - 1;
		const char *slash = strchr(ds, '/');
		if (!slash || slash == ds || !slash[1])
			return vsnap__vmx_key_error(c, VSNAP_EPARSE, key,
				"'%s' is not /vmfs/volumes/<datastore>/<path>", name);
		if (has_missing_prefix(c, ds) || has_missing_prefix(c, slash + 1))
			return 0;
		if (asprintf(out, "[%.*s] %s", (int)(slash - ds), ds, slash + 1) < 0) {
			*out = NULL;
			return vsnap__error_oom();
		}
		return 0;
	}
	if (name[0] == '/')
		return vsnap__str_dup(out, name);
	/* Workstation on Windows: "D:\VMs\x.vmdk" is absolute (and valid in the schema) */
	if (((name[0] | 0x20) >= 'a' && (name[0] | 0x20) <= 'z') && name[1] == ':' &&
	    (name[2] == '\\' || name[2] == '/'))
		return vsnap__str_dup(out, name);
	if (name[0] == '\\' && name[1] == '\\') {
		/* UNC: the schema takes no "\\server\share"; "//server/share" is its POSIX
		 * spelling, and xml2vmx writes it back with backslashes */
		int rc = vsnap__str_dup(out, name);
		if (rc < 0)
			return rc;
		for (char *p = *out; *p; p++)
			if (*p == '\\')
				*p = '/';
		return vsnap__vmx_warn(c, key, "UNC path '%s' shown as '%s'", name, *out);
	}
	int relative_dir = strchr(name, '/') || strchr(name, '\\');
	if (relative_dir && (c->opts->datastore_dir || !c->opts->vmx_dir))
		return vsnap__vmx_key_error(c, VSNAP_EPARSE, key,
			"relative path '%s' cannot be resolved (expected a bare file name or an "
			"absolute path)", name);
	if (has_missing_prefix(c, name))
		return 0;
	if (!c->opts->datastore_dir && c->opts->vmx_dir) {
		/* VMware resolves it against the folder of the .vmx: so does a local user */
		const char *dir = c->opts->vmx_dir;
		size_t dl = strlen(dir);
		if (asprintf(out, "%s%s%s", dir, dl && dir[dl - 1] == '/' ? "" : "/", name) < 0) {
			*out = NULL;
			return vsnap__error_oom();
		}
		for (char *p = *out + dl; *p; p++)
			if (*p == '\\')
				*p = '/';
		return 0;
	}
	if (!c->opts->datastore_dir)
		return vsnap__str_dup(out, name) < 0 ? VSNAP_ENOMEM :
			vsnap__vmx_warn(c, key, "relative file name '%s' kept as it is (no folder to "
				"resolve it against: give --datastore-dir; the XML will not validate)", name);
	const char *dir = c->opts->datastore_dir;
	size_t dl = strlen(dir);
	const char *sep = (dl && (dir[dl - 1] == '/' || dir[dl - 1] == ' ')) ? "" : "/";
	if (asprintf(out, "%s%s%s", dir, sep, name) < 0) {
		*out = NULL;
		return vsnap__error_oom();
	}
	return 0;
}

int vsnap__vmx_path_to_vmx(char **out, const char *xml_name, const char *what)
{
	*out = NULL;
	if (xml_name[0] == '[') {
		const char *close = strchr(xml_name, ']');
		if (!close || close == xml_name + 1)
			return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_VMX,
				"%s: '%s' is not a datastore path '[datastore] path'", what, xml_name);
		const char *path = close + 1;
		while (*path == ' ')
			path++;
		if (asprintf(out, "/vmfs/volumes/%.*s/%s", (int)(close - xml_name - 1), xml_name + 1,
			     path) < 0) {
			*out = NULL;
			return vsnap__error_oom();
		}
		return 0;
	}
	if (xml_name[0] == '/' && xml_name[1] == '/' && xml_name[2] && xml_name[2] != '/') {
		/* "//server/share/x" is how the reader shows a UNC path */
		int rc = vsnap__str_dup(out, xml_name);
		if (rc == 0)
			for (char *p = *out; *p; p++)
				if (*p == '/')
					*p = '\\';
		return rc;
	}
	if (xml_name[0] == '/')
		return vsnap__str_dup(out, xml_name);
	if (((xml_name[0] | 0x20) >= 'a' && (xml_name[0] | 0x20) <= 'z') && xml_name[1] == ':' &&
	    (xml_name[2] == '\\' || xml_name[2] == '/'))
		return vsnap__str_dup(out, xml_name);
	return vsnap__error_set(VSNAP_EUNSUPPORTED, VSNAP_ERRCLASS_VMX,
		"%s: cannot map file name '%s' to a .vmx path (expected '[datastore] path' or an "
		"absolute path)", what, xml_name);
}

int vsnap__vmx_disk_name(char **out, const char *prefix, int index)
{
	char letters[8];
	int n = 0;
	/* bijective base-26: a..z, aa..zz, ... */
	for (int i = index + 1; i > 0 && n < 7; i = (i - 1) / 26)
		letters[n++] = (char)('a' + (i - 1) % 26);
	if (asprintf(out, "%s%.*s", prefix, 0, "") < 0) {
		*out = NULL;
		return vsnap__error_oom();
	}
	size_t pl = strlen(prefix);
	char *s = realloc(*out, pl + (size_t)n + 1);
	if (!s) {
		free(*out);
		*out = NULL;
		return vsnap__error_oom();
	}
	for (int i = 0; i < n; i++)
		s[pl + (size_t)i] = letters[n - 1 - i];
	s[pl + (size_t)n] = '\0';
	*out = s;
	return 0;
}

int vsnap__vmx_disk_index(const char *name, const char *prefix)
{
	size_t pl = strlen(prefix);
	if (strncmp(name, prefix, pl) != 0 || !name[pl])
		return -1;
	long v = 0;
	for (const char *p = name + pl; *p; p++) {
		if (*p < 'a' || *p > 'z' || v > 100000)
			return -1;
		v = v * 26 + (*p - 'a' + 1);
	}
	return (int)(v - 1);
}

/*
 * Disk modes. persistent (default): part of snapshots, changes kept -> no attribute.
 * independent-persistent -> snapshot='no'. independent-nonpersistent -> snapshot='no' +
 * <transient/>. Legacy modes (ESX 2): VMware's own redo log handles them, which libvirt calls
 * an out-of-band ('manual') snapshot: nonpersistent -> snapshot='manual' + <transient/>,
 * undoable -> snapshot='manual'.
 */
int vsnap__vmx_mode_parse(const vsnap__vmx_ctx *c, const char *key, const char *mode,
	int *snapshot, int *transient)
{
	*snapshot = VSNAP_SNAPSHOT_LOCATION_DEFAULT;
	*transient = 0;
	if (!mode || strcasecmp(mode, "persistent") == 0)
		return 0;
	if (strcasecmp(mode, "independent-persistent") == 0) {
		*snapshot = VSNAP_SNAPSHOT_LOCATION_NO;
	} else if (strcasecmp(mode, "independent-nonpersistent") == 0) {
		*snapshot = VSNAP_SNAPSHOT_LOCATION_NO;
		*transient = 1;
	} else if (strcasecmp(mode, "nonpersistent") == 0) {
		*snapshot = VSNAP_SNAPSHOT_LOCATION_MANUAL;
		*transient = 1;
	} else if (strcasecmp(mode, "undoable") == 0) {
		*snapshot = VSNAP_SNAPSHOT_LOCATION_MANUAL;
	} else {
		return vsnap__vmx_key_error(c, VSNAP_EUNSUPPORTED, key,
			"unknown disk mode \"%s\" (expected persistent, independent-persistent, "
			"independent-nonpersistent, nonpersistent or undoable)", mode);
	}
	return 0;
}

const char *vsnap__vmx_mode_format(const vsnap_domain_disk_def *disk, int *err)
{
	*err = 0;
	const char *t = disk->target_dev ? disk->target_dev : "?";
	switch (disk->snapshot) {
	case VSNAP_SNAPSHOT_LOCATION_DEFAULT:
	case VSNAP_SNAPSHOT_LOCATION_INTERNAL:
		if (disk->transient) {
			*err = vsnap__error_set(VSNAP_EUNSUPPORTED, VSNAP_ERRCLASS_VMX,
				"disk '%s': <transient/> with snapshots enabled is not supported by "
				"ESX (a non-persistent disk cannot take part in snapshots); add "
				"snapshot='no' for an independent-nonpersistent disk", t);
			return NULL;
		}
		return NULL;
	case VSNAP_SNAPSHOT_LOCATION_NO:
		return disk->transient ? "independent-nonpersistent" : "independent-persistent";
	case VSNAP_SNAPSHOT_LOCATION_MANUAL:
		return disk->transient ? "nonpersistent" : "undoable";
	default:
		*err = vsnap__error_set(VSNAP_EUNSUPPORTED, VSNAP_ERRCLASS_VMX,
			"disk '%s': snapshot='external' has no .vmx disk mode", t);
		return NULL;
	}
}

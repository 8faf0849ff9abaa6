/*
 * Internals shared by the .vmx translator files: typed getters over a parsed .vmx, datastore
 * path mapping and the disk-mode mapping.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_VMX_PRIV_H
#define VSNAP_VMX_PRIV_H

#include "vsnap/vmx.h"
#include "core/util.h"
#include "vmx/vmx_conf.h"
#include "xml/domain_def.h"

/* Conversion context: the parsed file, the options and what goes into <metadata>. */
typedef struct {
	vsnap__vmx_conf *conf;
	const vsnap_vmx_options *opts;
	unsigned int flags;          /* VSNAP_VMX_CONVERT_* */
	vsnap__strbuf *meta;         /* <vsnap:...> children of the <metadata> element so far */
} vsnap__vmx_ctx;

/* Getters: 0 when absent (out keeps `def`), 1 when present, < 0 on a malformed value (the
 * error names file:line and key). They mark the key as carried into the output; peek does
 * not (a key read for a decision but not itself carried). */
int vsnap__vmx_peek_str(const vsnap__vmx_ctx *c, const char *key, const char **out);
/* A warning about `key` (its line when present in the file; key may be NULL). */
int vsnap__vmx_warn(const vsnap__vmx_ctx *c, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Marks `key` to be kept in <metadata> whatever the flags (a fact the XML would hide). */
void vsnap__vmx_keep(const vsnap__vmx_ctx *c, const char *key);
/* Marks every key starting with `prefix` ("serial1.") as kept. */
void vsnap__vmx_keep_prefix(const vsnap__vmx_ctx *c, const char *prefix);
/* Marks every key starting with `prefix` as not carried (a slot read but left out). */
void vsnap__vmx_unuse_prefix(const vsnap__vmx_ctx *c, const char *prefix);
/* Adds a <vsnap:disk dev='..' slot='..'/> child: the true slot of a disk shown on a stand-in
 * bus (NVMe). */
void vsnap__vmx_meta_disk(const vsnap__vmx_ctx *c, const char *dev, const char *slot);
/* After parsing: warns about (or keeps) every key not carried, and puts the <metadata>
 * element into def when anything is kept (vmx_keys.c). */
int vsnap__vmx_finish_keys(const vsnap__vmx_ctx *c, vsnap_domain_def *def);
int vsnap__vmx_get_str(const vsnap__vmx_ctx *c, const char *key, const char **out);
int vsnap__vmx_get_bool(const vsnap__vmx_ctx *c, const char *key, int *out, int def);
/* Integers; "unlimited" (any case) gives -1. */
int vsnap__vmx_get_ll(const vsnap__vmx_ctx *c, const char *key, long long *out, long long def);
/* Raises VSNAP_EPARSE/EUNSUPPORTED "<src>:<line>: key '<key>': <msg>" (line 0 when absent). */
int vsnap__vmx_key_error(const vsnap__vmx_ctx *c, int code, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * .vmx file name -> domain XML file name: /vmfs/volumes/ds/p -> "[ds] p", a bare name joined
 * to opts->datastore_dir, other absolute paths kept. Returns 0 and *out (NULL: the file is
 * "missing" per opts->missing_prefix), VSNAP_EPARSE for a relative path with '/'.
 */
int vsnap__vmx_path_from_vmx(char **out, const vsnap__vmx_ctx *c, const char *key,
	const char *name);
/* Domain XML file name -> .vmx: "[ds] p" -> /vmfs/volumes/ds/p, absolute kept, else error. */
int vsnap__vmx_path_to_vmx(char **out, const char *xml_name, const char *what);

/* Index -> "a".."z","aa"... appended to prefix ("sd" + 27 -> "sdab"). */
int vsnap__vmx_disk_name(char **out, const char *prefix, int index);
/* Inverse: "sdab" with prefix "sd" -> 27; -1 when it does not match. */
int vsnap__vmx_disk_index(const char *name, const char *prefix);

/* Disk mode string <-> (snapshot location, transient); see docs/vmx-compat.md. */
int vsnap__vmx_mode_parse(const vsnap__vmx_ctx *c, const char *key, const char *mode,
	int *snapshot, int *transient);
/* Returns the mode to write (NULL: none, the default persistent) or sets an error and
 * returns NULL with *err < 0. */
const char *vsnap__vmx_mode_format(const vsnap_domain_disk_def *disk, int *err);

/* vmx -> def pieces (vmx_parse_disk.c, vmx_parse_dev.c). */
int vsnap__vmx_parse_disks(const vsnap__vmx_ctx *c, vsnap_domain_def *def);
int vsnap__vmx_parse_devices(const vsnap__vmx_ctx *c, vsnap_domain_def *def);
/* Parses a whole .vmx into a domain model; warnings are appended to *diags. */
int vsnap__vmx_parse_def(vsnap_domain_def **out, vsnap__vmx_diags *diags, const char *text,
	size_t len, const vsnap_vmx_options *opts, unsigned int flags);

/* The <metadata><vsnap:vmx> element of def, parsed: kept keys and disk slots (vmx_meta.c). */
typedef struct {
	char **keys, **values; size_t nkeys;     /* as written in the .vmx */
	char **disk_devs, **disk_slots; size_t ndisks;
} vsnap__vmx_meta;
/* def -> vmx (vmx_format.c, vmx_format_dev.c). */
int vsnap__vmx_format_def(char **out, const vsnap_domain_def *def, const vsnap_vmx_options *opts,
	vsnap__vmx_diags *diags);
int vsnap__vmx_meta_read(vsnap__vmx_meta *out, const vsnap_domain_def *def);
void vsnap__vmx_meta_clear(vsnap__vmx_meta *m);
/* The slot ("nvme0:1") metadata gives a disk target, or NULL. */
const char *vsnap__vmx_meta_slot(const vsnap__vmx_meta *m, const char *dev);
/* Applies kept keys to formatted .vmx text: a kept key replaces the writer's line of the same
 * key, the others are appended. *text is replaced. */
int vsnap__vmx_meta_apply(char **text, const vsnap__vmx_meta *m, int explicit_hw);
/* .vmsd -> XML documents or a tree (vmsd.c). */
int vsnap__vmsd_convert(char **out, vsnap__vmx_diags *diags, const char *text, size_t len,
	const vsnap_vmx_options *opts, int tree);

int vsnap__vmx_format_disks(vsnap__strbuf *b, const vsnap_domain_def *def,
	const vsnap__vmx_meta *meta);
int vsnap__vmx_format_devices(vsnap__strbuf *b, const vsnap_domain_def *def, int hw_version);

#endif

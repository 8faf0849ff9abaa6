/*
 * check_data.c: the driver's snapshot_check_data: can this root use the data a snapshot's
 * metadata points at (metadata moved in from another root or host)? Read-only.
 *
 * What a snapshot needs is what a revert to it reads: for every disk that takes part, the
 * image its <domain> names (internal: holding the snapshot's tag; external: the image the
 * overlay was put on) and that image's whole backing chain; and an external checkpoint's
 * memory file. The overlay named in <disks> is not needed: it holds the changes made after
 * the snapshot, and a revert may have removed it.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemudrv/qemu_priv.h"
#include "core/error.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Backing chains longer than this are a loop (qemu-img refuses far shorter ones anyway). */
#define MAX_CHAIN 256

static int missing(const vsnap_snapshot_def *snap, const char *disk, const char *file,
	const char *why)
{
	return vsnap__error_set(VSNAP_ENOTFOUND, VSNAP_ERRCLASS_SNAPSHOT,
		"snapshot '%s', disk '%s': %s '%s'", snap->name, disk, why, file);
}

/* `file` and its backing chain are readable images; with `tag`, `file` holds that tag. */
static int check_chain(const vsnap_snapshot_def *snap, const char *disk, const char *file,
	const char *tag)
{
	char *cur = strdup(file);
	int rc = cur ? 0 : vsnap__error_oom();

	for (int depth = 0; rc == 0 && cur; depth++) {
		vsnap_img_info info;
		if (depth == MAX_CHAIN) {
			rc = missing(snap, disk, file, "backing chain does not end below image");
			break;
		}
		if (access(cur, R_OK) < 0) {
			rc = missing(snap, disk, cur, depth ? "cannot read backing image" :
				"cannot read image");
			break;
		}
		if ((rc = vsnap__img_info(&info, cur)) < 0) {
			vsnap__error_prefix("snapshot '%s', disk '%s'", snap->name, disk);
			break;
		}
		if (depth == 0 && tag && !vsnap__img_has_snapshot(&info, tag))
			rc = missing(snap, disk, cur, "no internal snapshot of that name in image");
		free(cur);
		cur = NULL;
		if (rc == 0 && info.backing && !(cur = strdup(info.backing)))
			rc = vsnap__error_oom();
		vsnap__img_info_clear(&info);
	}
	free(cur);
	return rc;
}

int vsnap__qemu_snapshot_check_data(vsnap_domain *dom, const vsnap_snapshot_def *snap)
{
	vsnap_domain_def *sdef = NULL;
	int rc;

	(void)dom;
	if ((rc = vsnap__qemu_meta_domain(&sdef, snap)) < 0)
		return rc;
	for (size_t i = 0; rc == 0 && i < snap->ndisks; i++) {
		const vsnap_snapshot_disk_def *e = &snap->disks[i];
		const vsnap_domain_disk_def *k;
		if (e->location != VSNAP_SNAPSHOT_LOCATION_INTERNAL &&
		    e->location != VSNAP_SNAPSHOT_LOCATION_EXTERNAL)
			continue;
		if (!e->name || !(k = vsnap__qemu_def_disk(sdef, e->name)) || !k->src_file) {
			rc = vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_SNAPSHOT,
				"snapshot '%s': disk '%s' has no image in the snapshot's <domain>",
				snap->name, e->name ? e->name : "?");
			break;
		}
		rc = check_chain(snap, e->name, k->src_file,
			e->location == VSNAP_SNAPSHOT_LOCATION_INTERNAL ? snap->name : NULL);
	}
	if (rc == 0 && snap->memory == VSNAP_SNAPSHOT_LOCATION_EXTERNAL &&
	    (!snap->memory_file || access(snap->memory_file, R_OK) < 0))
		rc = vsnap__error_set(VSNAP_ENOTFOUND, VSNAP_ERRCLASS_SNAPSHOT,
			"snapshot '%s': cannot read its memory state file '%s'", snap->name,
			snap->memory_file ? snap->memory_file : "(none)");
	vsnap__domain_def_free(sdef);
	return rc;
}

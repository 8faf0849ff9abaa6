/*
 * fleet.c: what the QEMU backend adds to core's fleet logic: the bytes a snapshot accounts for.
 * External snapshots own files (the overlays that froze their disks' state and the memory
 * file); their allocated size on disk is the answer. Internal snapshots live inside the
 * image, which qemu-img does not break down per snapshot: they count 0 beyond their memory
 * file. Everything else (listing, concurrency) is core's generic path: domains run in
 * parallel, each under its own lock.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemudrv/qemu_priv.h"

#include <sys/stat.h>

/* Allocated bytes of `path` (sparse files count what they use), 0 when it is missing. */
static long long allocated(const char *path)
{
	struct stat st;

	if (!path || stat(path, &st) < 0)
		return 0;
	return (long long)st.st_blocks * 512;
}

long long vsnap__qemu_snapshot_bytes(vsnap_domain *dom, const vsnap_snapshot_def *def)
{
	long long total = allocated(def->memory_file);

	(void)dom;
	for (size_t i = 0; i < def->ndisks; i++)
		if (def->disks[i].location == VSNAP_SNAPSHOT_LOCATION_EXTERNAL)
			total += allocated(def->disks[i].source_file);
	return total;
}

/*
 * handover.c: the driver's snapshot_files_handover, for snapshot metadata moved from one
 * root to another (core/snapshot_move.c). A root removes the files it created
 * (domains/<dom>.files) once nothing it knows of needs them; after a move the source no
 * longer knows the snapshots that need them, so it could remove, say, an external
 * checkpoint's memory file the destination's snapshot uses. So each created file the
 * destination now needs is recorded there (it may clean it up later) and, unless the
 * source's own domain still uses it, dropped from the source's record (it never touches it
 * again). Recording comes first: a crash in between leaves a file listed on both sides,
 * and running the move again completes the handover.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemudrv/qemu_priv.h"
#include "core/error.h"
#include "core/strbuf.h"

#include <stdlib.h>
#include <string.h>

/* What d's definition and (forest non-NULL) its snapshots use: files and backing chains. */
typedef struct {
	vsnap_qemu_files files;
	char *needed;                        /* per files.v[i] */
	const vsnap_forest_data *forest;     /* for memory files */
} usage;

static void usage_clear(usage *u)
{
	vsnap__qemu_files_clear(&u->files);
	free(u->needed);
}

static int usage_of(usage *u, vsnap_qemu_dom *d, const vsnap_forest_data *forest)
{
	int rc;

	memset(u, 0, sizeof(*u));
	u->forest = forest;
	if ((rc = vsnap__qemu_files_scan(&u->files, d, forest)) < 0)
		return rc;
	return vsnap__qemu_files_needed(&u->needed, &u->files, d, forest);
}

static int uses(const usage *u, const char *file)
{
	const vsnap_qemu_file *e = vsnap__qemu_files_get(&u->files, file);
	int used = e && u->needed[e - u->files.v];

	for (size_t i = 0; u->forest && !used && i < u->forest->count; i++) {
		char *m = u->forest->defs[i]->memory_file ?
			vsnap__qemu_canon(u->forest->defs[i]->memory_file) : NULL;
		used = m && !strcmp(m, file);
		free(m);
	}
	return used;
}

/* Moves the created files `to` needs from `from`'s record to `to`'s (see the header). */
static int hand_over(vsnap_qemu_dom *from, vsnap_qemu_dom *to, const vsnap_forest_data *fto)
{
	char *path = vsnap__store_path(from->store, "/domains/", from->name, ".files");
	char *text = NULL, *save = NULL;
	vsnap__strbuf keep = VSNAP__STRBUF_INIT;
	usage there, here;
	int rc, changed = 0;

	memset(&there, 0, sizeof(there));
	memset(&here, 0, sizeof(here));
	if (!path)
		return VSNAP_ENOMEM;
	if ((rc = vsnap__store_read(&text, path)) == VSNAP_ENOTFOUND) {
		vsnap_error_clear();
		free(path);
		return 0;
	}
	if (rc == 0 && (rc = usage_of(&there, to, fto)) == 0)
		rc = usage_of(&here, from, NULL);
	for (char *l = rc == 0 ? strtok_r(text, "\n", &save) : NULL; rc == 0 && l;
	     l = strtok_r(NULL, "\n", &save)) {
		if (uses(&there, l))
			rc = vsnap__qemu_files_record(to, l);
		if (uses(&there, l) && !uses(&here, l))
			changed = 1;
		else
			vsnap__strbuf_appendf(&keep, "%s\n", l);
	}
	if (rc == 0 && changed && (rc = vsnap__strbuf_check(&keep)) == 0)
		rc = vsnap__store_write(path, keep.len ? vsnap__strbuf_cstr(&keep) : "", keep.len);
	usage_clear(&there);
	usage_clear(&here);
	vsnap__strbuf_clear(&keep);
	free(text);
	free(path);
	return rc;
}

int vsnap__qemu_snapshot_files_handover(vsnap_domain *from, vsnap_domain *to)
{
	vsnap_qemu_dom a, b;
	vsnap_forest_data fb;
	int rc;

	memset(&fb, 0, sizeof(fb));
	if ((rc = vsnap__qemu_dom_open(&a, from->conn, from->info.name, 1)) < 0)
		return rc;
	if ((rc = vsnap__qemu_dom_open(&b, to->conn, to->info.name, 1)) < 0) {
		vsnap__qemu_dom_close(&a);
		return rc;
	}
	if ((rc = vsnap__qemu_meta_load(&fb, &b)) == 0)
		rc = hand_over(&a, &b, &fb);
	vsnap__forest_data_clear(&fb);
	vsnap__qemu_dom_close(&b);
	vsnap__qemu_dom_close(&a);
	return rc;
}

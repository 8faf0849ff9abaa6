/*
 * snap_internal.c: internal snapshots (inside the qcow2 files): qemu-img snapshot -c for a
 * shut-off domain, the snapshot-save job (memory + disks) for a running one.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemudrv/qemu_priv.h"
#include "core/error.h"

#include <stdlib.h>
#include <string.h>

/* A tag left by a crash before the metadata was written would shadow the new one: drop it.
 * Offline only (a running QEMU's images are changed through QMP). */
static int drop_orphan_tag(vsnap_qemu_dom *d, const char *file, const char *tag)
{
	const vsnap_img_info *info;
	int rc;

	if ((rc = vsnap__qemu_probe(&info, d, file)) < 0)
		return rc;
	return vsnap__img_has_snapshot(info, tag) ? vsnap__img_snapshot_delete(file, tag) : 0;
}

static int save_job(vsnap_qemu_dom *d, const char *args)
{
	int rc = vsnap__qmp_run(NULL, d->qmp, "snapshot-save", args);

	vsnap__crash_point("create-save-started");
	if (rc == 0)
		rc = vsnap__qmp_job_wait(d->qmp, "vsnap-save", "saving the checkpoint",
			QEMU_JOB_TIMEOUT_MS);
	return rc;
}

/* Builds {"job-id":..,"tag":..,"vmstate":..,"devices":[..]} for snapshot-save/-load/-delete. */
int vsnap__qemu_snapjob_args(char **out, const char *job, const char *tag, char **nodes,
	const vsnap_qemu_plan_disk *plan, size_t n, int with_vmstate)
{
	vsnap__strbuf b = VSNAP__STRBUF_INIT;
	const char *vmstate = NULL;
	int first = 1;

	*out = NULL;
	vsnap__strbuf_append(&b, "{\"job-id\":");
	vsnap__json_put_str(&b, job);
	vsnap__strbuf_append(&b, ",\"tag\":");
	vsnap__json_put_str(&b, tag);
	vsnap__strbuf_append(&b, ",\"devices\":[");
	for (size_t i = 0; i < n; i++) {
		if (plan[i].location != VSNAP_SNAPSHOT_LOCATION_INTERNAL)
			continue;
		if (!nodes[i]) {
			vsnap__strbuf_clear(&b);
			return vsnap__error_set(VSNAP_EQEMU, VSNAP_ERRCLASS_QEMU,
				"disk '%s' is not attached in the running QEMU", plan[i].disk->target_dev);
		}
		if (!first)
			vsnap__strbuf_append(&b, ",");
		vsnap__json_put_str(&b, nodes[i]);
		if (!vmstate)
			vmstate = nodes[i];
		first = 0;
	}
	vsnap__strbuf_append(&b, "]");
	if (with_vmstate && vmstate) {
		vsnap__strbuf_append(&b, ",\"vmstate\":");
		vsnap__json_put_str(&b, vmstate);
	}
	vsnap__strbuf_append(&b, "}");
	return vsnap__strbuf_detach(out, &b);
}

int vsnap__qemu_create_internal(vsnap_qemu_dom *d, vsnap_snapshot_def *snap,
	vsnap_qemu_plan_disk *plan, size_t n, int running, unsigned int flags)
{
	char **nodes = NULL, *args = NULL;
	int rc = 0;

	(void)flags;
	if (!running) {
		for (size_t i = 0; rc == 0 && i < n; i++) {
			if (plan[i].location != VSNAP_SNAPSHOT_LOCATION_INTERNAL)
				continue;
			if ((rc = drop_orphan_tag(d, plan[i].disk->src_file, snap->name)) == 0)
				rc = vsnap__img_snapshot_create(plan[i].disk->src_file, snap->name);
			vsnap__qemu_probe_forget(d, plan[i].disk->src_file);
			if (rc == 0 && i + 1 < n)
				vsnap__crash_point("create-internal-disk");
		}
		return rc;
	}
	if ((rc = vsnap__qemu_disk_nodes(&nodes, d)) < 0 ||
	    (rc = vsnap__qemu_snapjob_args(&args, "vsnap-save", snap->name, nodes, plan, n, 1)) < 0)
		goto cleanup;
	vsnap__qemu_probe_forget(d, NULL);
	/* A tag of that name without metadata (made by hand, or older than the intent log)
	 * makes snapshot-save refuse: it is dropped and the save tried once more. Not up front:
	 * that would cost a job on every create. */
	if ((rc = save_job(d, args)) < 0 && strstr(vsnap_error_last()->message, "already exists")) {
		char *del = NULL;
		vsnap_error_clear();
		if ((rc = vsnap__qemu_snapjob_args(&del, "vsnap-del", snap->name, nodes, plan, n,
				0)) == 0 &&
		    (rc = vsnap__qmp_run(NULL, d->qmp, "snapshot-delete", del)) == 0 &&
		    (rc = vsnap__qmp_job_wait(d->qmp, "vsnap-del", "dropping a stale internal "
				"snapshot", QEMU_JOB_TIMEOUT_MS)) == 0)
			rc = save_job(d, args);
		free(del);
	}
cleanup:
	free(args);
	return rc;
}

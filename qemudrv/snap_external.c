/*
 * snap_external.c: external snapshots: new qcow2 overlays on every taking-part disk
 * (qemu-img create offline; one QMP `transaction` of blockdev-snapshot-sync online, so all
 * disks switch or none), and memory state migrated to a file for external checkpoints.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemudrv/qemu_priv.h"
#include "core/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int vsnap__qemu_exec_uri(char **out, const char *file, int save)
{
	vsnap__strbuf b = VSNAP__STRBUF_INIT;
	vsnap__strbuf j = VSNAP__STRBUF_INIT;
	int rc;

	*out = NULL;
	/* Single-quote for the shell QEMU runs; a quote inside becomes '\''. */
	vsnap__strbuf_append(&b, save ? "exec:cat > '" : "exec:cat '");
	for (const char *p = file; *p; p++) {
		if (*p == '\'')
			vsnap__strbuf_append(&b, "'\\''");
		else
			vsnap__strbuf_append_n(&b, p, 1);
	}
	vsnap__strbuf_append(&b, "'");
	if ((rc = vsnap__strbuf_check(&b)) == 0) {
		vsnap__strbuf_append(&j, "{\"uri\":");
		vsnap__json_put_str(&j, b.ptr);
		vsnap__strbuf_append(&j, "}");
		rc = vsnap__strbuf_detach(out, &j);
	}
	vsnap__strbuf_clear(&b);
	vsnap__strbuf_clear(&j);
	return rc;
}

static int transaction(vsnap_qemu_dom *d, vsnap_qemu_plan_disk *plan, size_t n,
	unsigned int flags)
{
	vsnap__strbuf b = VSNAP__STRBUF_INIT;
	char **nodes = NULL;
	int first = 1, rc;
	long long stamp = vsnap__now_ms() & 0xffffffffffLL;

	if ((rc = vsnap__qemu_disk_nodes(&nodes, d)) < 0)
		return rc;
	vsnap__strbuf_append(&b, "{\"actions\":[");
	for (size_t i = 0; i < n; i++) {
		if (plan[i].location != VSNAP_SNAPSHOT_LOCATION_EXTERNAL)
			continue;
		if (!nodes[i]) {
			rc = vsnap__error_set(VSNAP_EQEMU, VSNAP_ERRCLASS_QEMU,
				"disk '%s' is not attached in the running QEMU", plan[i].disk->target_dev);
			goto cleanup;
		}
		vsnap__strbuf_appendf(&b, "%s{\"type\":\"blockdev-snapshot-sync\",\"data\":{\"node-name\":",
			first ? "" : ",");
		vsnap__json_put_str(&b, nodes[i]);
		vsnap__strbuf_append(&b, ",\"snapshot-file\":");
		vsnap__json_put_str(&b, plan[i].file);
		/* Node names: unique per QEMU, at most 31 characters. */
		vsnap__strbuf_appendf(&b, ",\"snapshot-node-name\":\"v%llx-%.16s\",\"format\":\"qcow2\","
			"\"mode\":\"%s\"}}", stamp, plan[i].disk->target_dev,
			(flags & VSNAP_SNAPSHOT_CREATE_REUSE_EXT) ? "existing" : "absolute-paths");
		first = 0;
	}
	vsnap__strbuf_append(&b, "]}");
	if ((rc = vsnap__strbuf_check(&b)) < 0)
		goto cleanup;
	vsnap__qemu_graph_changed(d);
	nodes = NULL;
	if ((rc = vsnap__qmp_run(NULL, d->qmp, "transaction", b.ptr)) < 0 &&
	    !(flags & VSNAP_SNAPSHOT_CREATE_REUSE_EXT)) {
		/* QEMU leaves the overlays it made before the failing action behind. */
		for (size_t i = 0; i < n; i++)
			if (plan[i].location == VSNAP_SNAPSHOT_LOCATION_EXTERNAL)
				unlink(plan[i].file);
	}
cleanup:
	vsnap__strbuf_clear(&b);
	return rc;
}

static int save_memory(vsnap_qemu_dom *d, const char *file)
{
	char *args = NULL;
	int rc;

	/* Without a guest the state is small, but the default 32 MiB/s cap still costs time. */
	if ((rc = vsnap__qmp_run(NULL, d->qmp, "migrate-set-parameters",
			"{\"max-bandwidth\":107374182400}")) < 0 ||
	    (rc = vsnap__qemu_exec_uri(&args, file, 1)) < 0)
		return rc;
	if ((rc = vsnap__qmp_run(NULL, d->qmp, "migrate", args)) == 0)
		rc = vsnap__qmp_migrate_wait(d->qmp, "saving memory state", QEMU_JOB_TIMEOUT_MS);
	free(args);
	return rc;
}

/* The domain now writes to the overlays: its definition must say so. */
static int point_to_overlays(vsnap_qemu_dom *d, vsnap_qemu_plan_disk *plan, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		vsnap_domain_disk_def *k = plan[i].disk;
		if (plan[i].location != VSNAP_SNAPSHOT_LOCATION_EXTERNAL)
			continue;
		int rc = vsnap__qemu_disk_set_source(k, plan[i].file, "qcow2");
		if (rc < 0)
			return rc;
	}
	return vsnap__qemu_dom_save(d);
}

int vsnap__qemu_create_external(vsnap_qemu_dom *d, vsnap_snapshot_def *snap,
	vsnap_qemu_plan_disk *plan, size_t n, int running, unsigned int flags)
{
	int reuse = (flags & VSNAP_SNAPSHOT_CREATE_REUSE_EXT) != 0;
	int memory = snap->memory == VSNAP_SNAPSHOT_LOCATION_EXTERNAL;
	int was_running = 0, switched = 0, rc = 0;

	/* Record first: a crash after creating a file must not leave an unknown file behind. */
	for (size_t i = 0; rc == 0 && i < n; i++)
		if (plan[i].location == VSNAP_SNAPSHOT_LOCATION_EXTERNAL && !reuse)
			rc = vsnap__qemu_files_record(d, plan[i].file);
	if (rc == 0 && memory)
		rc = vsnap__qemu_files_record(d, snap->memory_file);
	if (rc < 0)
		return rc;
	vsnap__crash_point("create-external-recorded");
	if (!running) {
		for (size_t i = 0; rc == 0 && i < n; i++) {
			vsnap_qemu_plan_disk *p = &plan[i];
			if (p->location != VSNAP_SNAPSHOT_LOCATION_EXTERNAL)
				continue;
			rc = reuse ? vsnap__img_rebase_unsafe(p->file, p->disk->src_file, p->format) :
				vsnap__img_create_overlay(p->file, p->disk->src_file, p->format);
			vsnap__qemu_probe_forget(d, p->file);
		}
	} else {
		int state;
		if ((rc = vsnap__qemu_dom_state(&state, d)) < 0)
			return rc;
		was_running = state == VSNAP_DOMAIN_RUNNING;
		/* Memory and disks must match: pause the vCPUs across both. */
		if (memory && was_running && (rc = vsnap__qmp_run(NULL, d->qmp, "stop", NULL)) < 0)
			return rc;
		if (reuse)
			for (size_t i = 0; rc == 0 && i < n; i++)
				if (plan[i].location == VSNAP_SNAPSHOT_LOCATION_EXTERNAL)
					rc = vsnap__img_rebase_unsafe(plan[i].file, plan[i].disk->src_file,
						plan[i].format);
		if (rc == 0)
			switched = (rc = transaction(d, plan, n, flags)) == 0;
		if (rc == 0 && memory)
			rc = save_memory(d, snap->memory_file);
		if (memory && was_running && !(flags & VSNAP_SNAPSHOT_CREATE_HALT)) {
			int rc2 = vsnap__qmp_run(NULL, d->qmp, "cont", NULL);
			if (rc == 0)
				rc = rc2;
		}
	}
	if (rc < 0) {
		/* The memory state failed after the disks switched: QEMU keeps writing to the
		 * overlays, so the definition follows them (no snapshot is recorded). */
		if (switched) {
			const vsnap_error *e = vsnap_error_last();
			char *msg = e->message ? strdup(e->message) : NULL;
			char *fault = e->fault ? strdup(e->fault) : NULL;
			int klass = e->klass;
			if (point_to_overlays(d, plan, n) < 0)
				vsnap__error_prefix("after a failed snapshot, recording the domain's "
					"new overlays failed too");
			else if (msg)
				vsnap__error_set_fault(rc, klass, fault, "%s (the disks stay on the new "
					"overlays)", msg);
			free(msg);
			free(fault);
		}
		return rc;
	}
	vsnap__crash_point("create-external-overlays");
	return point_to_overlays(d, plan, n);
}

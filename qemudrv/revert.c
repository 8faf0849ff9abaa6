/*
 * revert.c: reverting a domain to any snapshot, internal or external, with the seed-001
 * safety valves. Reverting below external children never destroys their data: a file that
 * other images use as backing is not modified; the domain moves to a new branch instead
 * (an overlay on the snapshot's files, or a copy of a qcow2 file whose internal snapshot is
 * applied), as libvirt >= 9.9 records a new branch.
 * Fast path: a running domain returning to an internal checkpoint whose images it has open
 * uses the snapshot-load job in the same QEMU process (no restart).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemudrv/qemu_priv.h"
#include "core/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
	vsnap_domain_disk_def *disk;   /* in the new definition (sdef) */
	int location;
	char *base;                    /* canonical file holding the snapshot's data */
	char *newfile;                 /* overlay (external) or branch copy (internal), or NULL */
	char *fmt;                     /* format of base, when newfile */
	int step;                      /* QEMU_STEP_APPLY / OVERLAY / COPY, 0 when untouched */
} revert_disk;

static int snap_location(const vsnap_snapshot_def *s, const char *target)
{
	for (size_t i = 0; i < s->ndisks; i++)
		if (s->disks[i].name && !strcmp(s->disks[i].name, target))
			return s->disks[i].location;
	return VSNAP_SNAPSHOT_LOCATION_NO;
}

static int str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* Same guest-visible hardware: memory, vCPUs and disks (targets, buses, kinds). */
static int abi_compatible(const vsnap_domain_def *a, const vsnap_domain_def *b)
{
	if (a->memory_kib != b->memory_kib || a->vcpus != b->vcpus || a->ndisks != b->ndisks)
		return 0;
	for (size_t i = 0; i < a->ndisks; i++) {
		const vsnap_domain_disk_def *x = a->disks[i], *y = b->disks[i];
		if (!str_eq(x->target_dev, y->target_dev) || !str_eq(x->target_bus, y->target_bus) ||
		    !str_eq(x->device, y->device) || x->readonly != y->readonly)
			return 0;
	}
	return 1;
}

/* Is `base` the frozen image of an external snapshot (its data is that snapshot's)? Such an
 * image must not change even when no overlay is left on it (a revert may have collected
 * the overlay): applying another snapshot in place would overwrite the external one. */
static int frozen_by_external(const vsnap_forest_data *f, const char *base)
{
	for (size_t i = 0; i < f->count; i++) {
		vsnap_domain_def *sd = NULL;
		int hit = 0;
		if (vsnap__qemu_meta_domain(&sd, f->defs[i]) < 0) {
			vsnap_error_clear();
			continue;
		}
		for (size_t j = 0; j < sd->ndisks && !hit; j++) {
			char *c;
			if (!sd->disks[j]->src_file || !sd->disks[j]->target_dev ||
			    snap_location(f->defs[i], sd->disks[j]->target_dev) !=
				VSNAP_SNAPSHOT_LOCATION_EXTERNAL)
				continue;
			c = vsnap__qemu_canon(sd->disks[j]->src_file);
			hit = c && !strcmp(c, base);
			free(c);
		}
		vsnap__domain_def_free(sd);
		if (hit)
			return 1;
	}
	return 0;
}

static int plan_revert(revert_disk *rd, vsnap_qemu_dom *d, vsnap_domain_def *sdef,
	const vsnap_snapshot_def *snap, const vsnap_forest_data *f)
{
	vsnap_qemu_files files;
	char *what = NULL;
	int rc;

	if (asprintf(&what, "reverting to snapshot '%s'", snap->name) < 0)
		return vsnap__error_oom();
	if ((rc = vsnap__qemu_files_scan(&files, d, f)) < 0)
		return rc;
	for (size_t i = 0; i < sdef->ndisks; i++) {
		vsnap_domain_disk_def *k = sdef->disks[i];
		rd[i].disk = k;
		rd[i].location = k->target_dev ? snap_location(snap, k->target_dev) :
			VSNAP_SNAPSHOT_LOCATION_NO;
		if (rd[i].location == VSNAP_SNAPSHOT_LOCATION_NO || !k->src_file)
			continue;
		if (!(rd[i].base = vsnap__qemu_canon(k->src_file))) {
			rc = vsnap__error_oom();
			break;
		}
		if (access(rd[i].base, F_OK) < 0) {
			rc = vsnap__error_set(VSNAP_ENOTFOUND, VSNAP_ERRCLASS_SNAPSHOT,
				"snapshot '%s': image '%s' of disk '%s' is missing", snap->name,
				rd[i].base, k->target_dev);
			break;
		}
		/* An image others are built on stays as it is: branch off it. */
		if (rd[i].location == VSNAP_SNAPSHOT_LOCATION_EXTERNAL ||
		    vsnap__qemu_files_dependents(&files, rd[i].base, NULL) > 0 ||
		    frozen_by_external(f, rd[i].base)) {
			if ((rc = vsnap__qemu_free_name(&rd[i].newfile, rd[i].base, snap->name)) < 0)
				break;
			if ((rc = vsnap__qemu_disk_format(&rd[i].fmt, d, k)) < 0)
				break;
		} else if ((rc = vsnap__qemu_owner_check(d, rd[i].base, what)) < 0) {
			break;   /* applied in place: it must be this domain's own image */
		}
		rd[i].step = rd[i].location == VSNAP_SNAPSHOT_LOCATION_EXTERNAL ? QEMU_STEP_OVERLAY :
			rd[i].newfile ? QEMU_STEP_COPY : QEMU_STEP_APPLY;
		/* The disk will run on the new branch file (an overlay is always qcow2). */
		if (rd[i].newfile && (rc = vsnap__qemu_disk_set_source(k, rd[i].newfile,
				rd[i].step == QEMU_STEP_OVERLAY ? "qcow2" : NULL)) < 0)
			break;
	}
	free(what);
	vsnap__qemu_files_clear(&files);
	return rc;
}

/* The record of this revert: every step, so a killed revert can be finished offline. */
static int revert_intent(vsnap_qemu_intent *in, const revert_disk *rd, size_t n,
	const vsnap_snapshot_def *snap, const vsnap_forest_data *f, const vsnap_domain_def *def)
{
	int rc = 0;

	memset(in, 0, sizeof(*in));
	in->op = QEMU_INTENT_REVERT;
	if (!(in->snapshot = strdup(snap->name)) ||
	    (f->current_id && !(in->old_current = strdup(f->current_id))))
		return vsnap__error_oom();
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (!rd[i].step)
			continue;
		rc = vsnap__qemu_intent_add(in, rd[i].step, rd[i].disk->target_dev,
			rd[i].newfile ? rd[i].newfile : rd[i].base,
			rd[i].newfile ? rd[i].base : NULL, rd[i].fmt,
			rd[i].step == QEMU_STEP_OVERLAY ? NULL : snap->name);
	}
	if (rc == 0)
		rc = vsnap__domain_def_format(&in->domain_xml, def, 0, 0);
	return rc;
}

/* Makes the new branch files and applies internal snapshots offline; rewrites sdef's disks. */
static int prepare_files(vsnap_qemu_dom *d, revert_disk *rd, size_t n,
	const vsnap_snapshot_def *snap, int has_memory)
{
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (rd[i].location == VSNAP_SNAPSHOT_LOCATION_NO || !rd[i].base)
			continue;
		vsnap__qemu_probe_forget(d, rd[i].newfile ? rd[i].newfile : rd[i].base);
		if (rd[i].location == VSNAP_SNAPSHOT_LOCATION_EXTERNAL) {
			rc = vsnap__img_create_overlay(rd[i].newfile, rd[i].base, rd[i].fmt);
		} else {
			if (rd[i].newfile)
				rc = vsnap__qemu_copy_file(rd[i].base, rd[i].newfile);
			/* A checkpoint's disks are applied by snapshot-load together with memory. */
			if (rc == 0 && !has_memory)
				rc = vsnap__img_snapshot_apply(rd[i].newfile ? rd[i].newfile : rd[i].base,
					snap->name);
		}
	}
	return rc;
}

static int plan_internal_view(vsnap_qemu_plan_disk **out, const revert_disk *rd, size_t n)
{
	vsnap_qemu_plan_disk *p = calloc(n ? n : 1, sizeof(*p));

	*out = p;
	if (!p)
		return vsnap__error_oom();
	for (size_t i = 0; i < n; i++) {
		p[i].disk = rd[i].disk;
		p[i].location = rd[i].location;
	}
	return 0;
}

/* snapshot-load on the running QEMU (started with -S, or the fast path). */
static int load_internal(vsnap_qemu_dom *d, const revert_disk *rd, size_t n, const char *tag)
{
	vsnap_qemu_plan_disk *p = NULL;
	char **nodes = NULL, *args = NULL;
	int rc;

	if ((rc = plan_internal_view(&p, rd, n)) < 0)
		return rc;
	if ((rc = vsnap__qemu_disk_nodes(&nodes, d)) == 0 &&
	    (rc = vsnap__qemu_snapjob_args(&args, "vsnap-load", tag, nodes, p, n, 1)) == 0 &&
	    (rc = vsnap__qmp_run(NULL, d->qmp, "snapshot-load", args)) == 0)
		rc = vsnap__qmp_job_wait(d->qmp, "vsnap-load", "loading the checkpoint",
			QEMU_JOB_TIMEOUT_MS);
	free(args);
	free(p);
	vsnap__qemu_probe_forget(d, NULL);
	return rc;
}

static int load_external_memory(vsnap_qemu_dom *d, const char *file)
{
	char *args = NULL;
	int rc;

	if ((rc = vsnap__qemu_exec_uri(&args, file, 0)) < 0)
		return rc;
	rc = vsnap__qmp_run(NULL, d->qmp, "migrate-incoming", args);
	free(args);
	if (rc < 0)
		return rc;
	/* Incoming migration ends when the run state leaves "inmigrate". */
	long long deadline = vsnap__now_ms() + QEMU_JOB_TIMEOUT_MS;
	for (;;) {
		char *st = NULL;
		if ((rc = vsnap__qmp_status(&st, d->qmp)) < 0)
			return rc;
		int done = strcmp(st, "inmigrate") != 0;
		free(st);
		if (done)
			break;
		if (vsnap__now_ms() > deadline)
			return vsnap__error_set(VSNAP_ETIMEOUT, VSNAP_ERRCLASS_QEMU,
				"restoring memory from '%s' did not finish", file);
		usleep(2000);
	}
	return vsnap__qmp_migrate_wait(d->qmp, "restoring memory state", QEMU_JOB_TIMEOUT_MS);
}

/* The running QEMU has every internal disk's `base` open as its top image. */
static int fast_path_ok(const vsnap_qemu_dom *d, const revert_disk *rd, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (rd[i].location == VSNAP_SNAPSHOT_LOCATION_EXTERNAL || rd[i].newfile)
			return 0;
		if (rd[i].location != VSNAP_SNAPSHOT_LOCATION_INTERNAL)
			continue;
		vsnap_domain_disk_def *cur = vsnap__qemu_def_disk(d->def, rd[i].disk->target_dev);
		char *c = cur && cur->src_file ? vsnap__qemu_canon(cur->src_file) : NULL;
		int same = c && rd[i].base && !strcmp(c, rd[i].base);
		free(c);
		if (!same)
			return 0;
	}
	return 1;
}

static int set_run_state(vsnap_qemu_dom *d, int want)
{
	return vsnap__qmp_run(NULL, d->qmp, want == VSNAP_DOMAIN_RUNNING ? "cont" : "stop", NULL);
}

int vsnap__qemu_snapshot_revert(vsnap_domain *dom, const vsnap_snapshot_def *snap_in,
	const vsnap_forest_data *forest_in, unsigned int flags)
{
	vsnap_qemu_dom d;
	vsnap_forest_data f;
	vsnap_domain_def *sdef = NULL;
	const vsnap_snapshot_def *snap;
	revert_disk *rd = NULL;
	vsnap_qemu_intent in;
	size_t n = 0;
	int rc, has_memory, want, fast, logged = 0;

	(void)forest_in;
	memset(&f, 0, sizeof(f));
	memset(&in, 0, sizeof(in));
	if ((rc = vsnap__qemu_dom_open(&d, dom->conn, dom->info.name, 1)) < 0)
		return rc;
	if ((rc = vsnap__qemu_meta_load(&f, &d)) < 0)
		goto cleanup;
	if (!(snap = vsnap__qemu_meta_find(&f, snap_in->name))) {
		rc = vsnap__error_set(VSNAP_ENOTFOUND, VSNAP_ERRCLASS_SNAPSHOT,
			"snapshot '%s' vanished", snap_in->name);
		goto cleanup;
	}
	if ((rc = vsnap__qemu_meta_domain(&sdef, snap)) < 0)
		goto cleanup;
	has_memory = snap->state == VSNAP_SNAPSHOT_RUNNING || snap->state == VSNAP_SNAPSHOT_PAUSED;
	want = (flags & VSNAP_SNAPSHOT_REVERT_RUNNING) ? VSNAP_DOMAIN_RUNNING :
		(flags & VSNAP_SNAPSHOT_REVERT_PAUSED) ? VSNAP_DOMAIN_PAUSED :
		snap->state == VSNAP_SNAPSHOT_RUNNING ? VSNAP_DOMAIN_RUNNING :
		snap->state == VSNAP_SNAPSHOT_PAUSED ? VSNAP_DOMAIN_PAUSED : VSNAP_DOMAIN_SHUTOFF;
	/* Safety valves (seed 001): both lose the running state unless asked for. */
	if (d.pid && !has_memory && !(flags & VSNAP_SNAPSHOT_REVERT_FORCE)) {
		rc = vsnap__error_set(VSNAP_EOPERATION, VSNAP_ERRCLASS_SNAPSHOT,
			"domain '%s' is running and snapshot '%s' has no memory state: reverting "
			"stops the running guest, which only a forced revert does", d.name, snap->name);
		goto cleanup;
	}
	if (d.pid && has_memory && !abi_compatible(d.def, sdef) &&
	    !(flags & VSNAP_SNAPSHOT_REVERT_FORCE)) {
		rc = vsnap__error_set(VSNAP_EOPERATION, VSNAP_ERRCLASS_SNAPSHOT,
			"the definition of domain '%s' changed incompatibly since snapshot '%s' "
			"(memory, vCPUs or disks): only a forced revert restarts QEMU for it", d.name,
			snap->name);
		goto cleanup;
	}
	if (has_memory && snap->memory == VSNAP_SNAPSHOT_LOCATION_EXTERNAL &&
	    (!snap->memory_file || access(snap->memory_file, R_OK) < 0)) {
		rc = vsnap__error_set(VSNAP_ENOTFOUND, VSNAP_ERRCLASS_SNAPSHOT,
			"snapshot '%s': memory state file '%s' is missing", snap->name,
			snap->memory_file ? snap->memory_file : "(none)");
		goto cleanup;
	}
	n = sdef->ndisks;
	if (!(rd = calloc(n ? n : 1, sizeof(*rd)))) {
		rc = vsnap__error_oom();
		goto cleanup;
	}
	if ((rc = plan_revert(rd, &d, sdef, snap, &f)) < 0)
		goto cleanup;
	fast = d.pid && has_memory && snap->memory == VSNAP_SNAPSHOT_LOCATION_INTERNAL &&
		abi_compatible(d.def, sdef) && fast_path_ok(&d, rd, n);
	/* Files first (gc collects them if no intent follows), then the intent; from here on
	 * a killed revert is finished by the next open (recover.c). */
	for (size_t i = 0; rc == 0 && i < n; i++)
		if (rd[i].newfile)
			rc = vsnap__qemu_files_record(&d, rd[i].newfile);
	if (rc < 0 || (rc = revert_intent(&in, rd, n, snap, &f, fast ? d.def : sdef)) < 0 ||
	    (rc = vsnap__qemu_intent_write(&d, &in)) < 0)
		goto cleanup;
	logged = 1;
	vsnap__crash_point("revert-recorded");
	if (fast) {
		if ((rc = load_internal(&d, rd, n, snap->name)) < 0)
			goto cleanup;
		if (want == VSNAP_DOMAIN_PAUSED || want == VSNAP_DOMAIN_RUNNING)
			rc = set_run_state(&d, want);
	} else {
		if (d.pid && (rc = vsnap__qemu_dom_kill(&d)) < 0)
			goto cleanup;
		vsnap__crash_point("revert-stopped");
		if ((rc = prepare_files(&d, rd, n, snap, has_memory &&
				snap->memory == VSNAP_SNAPSHOT_LOCATION_INTERNAL)) < 0)
			goto cleanup;
		/* The snapshot's definition becomes the domain's, on the new files. */
		vsnap__domain_def_free(d.def);
		d.def = sdef;
		sdef = NULL;
		if ((rc = vsnap__qemu_dom_save(&d)) < 0)
			goto cleanup;
		vsnap__crash_point("revert-defined");
		if (has_memory) {
			int ext = snap->memory == VSNAP_SNAPSHOT_LOCATION_EXTERNAL;
			if ((rc = vsnap__qemu_dom_launch(&d, 1, ext)) < 0)
				goto cleanup;
			vsnap__crash_point("revert-launched");
			rc = ext ? load_external_memory(&d, snap->memory_file) :
				load_internal(&d, rd, n, snap->name);
			if (rc == 0 && want == VSNAP_DOMAIN_RUNNING)
				rc = set_run_state(&d, want);
		} else if (want != VSNAP_DOMAIN_SHUTOFF) {
			rc = vsnap__qemu_dom_launch(&d, want == VSNAP_DOMAIN_PAUSED, 0);
		}
		if (rc < 0)
			goto cleanup;
	}
	if ((rc = vsnap__qemu_meta_set_current(&d, &f, snap->name)) < 0 ||
	    (rc = vsnap__qemu_intent_done(&d)) < 0)
		goto cleanup;
	logged = 0;
	rc = vsnap__qemu_gc(&d, &f);
cleanup:
	if (rc < 0 && logged)
		rc = vsnap__qemu_intent_abort(&d, rc);
	vsnap__qemu_intent_clear(&in);
	for (size_t i = 0; rd && i < n; i++) {
		free(rd[i].base);
		free(rd[i].newfile);
		free(rd[i].fmt);
	}
	free(rd);
	vsnap__domain_def_free(sdef);
	vsnap__forest_data_clear(&f);
	vsnap__qemu_dom_close(&d);
	return rc;
}

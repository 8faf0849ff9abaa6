/*
 * recover.c: the intent log on disk (domains/<dom>.intent) and recovery. A vsnap killed in
 * the middle of a change leaves its intent; the next vsnap that opens the domain (holding
 * its lock) finishes the change or undoes it, so metadata, the current snapshot, the images
 * and the definition agree again. The rules, per op, are in docs/qemu.md ("Recovery").
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemudrv/qemu_priv.h"
#include "core/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *intent_path(const vsnap_store *store, const char *dom)
{
	return vsnap__store_path(store, "/domains/", dom, ".intent");
}

int vsnap__qemu_intent_exists(const vsnap_store *store, const char *dom)
{
	char *p = intent_path(store, dom);
	int yes = p && access(p, F_OK) == 0;

	free(p);
	return yes;
}

int vsnap__qemu_intent_write(vsnap_qemu_dom *d, const vsnap_qemu_intent *in)
{
	char *p = intent_path(d->store, d->name), *text = NULL;
	int rc;

	if (!p)
		return VSNAP_ENOMEM;
	/* The record's contents are synced before it is renamed into place; its directory entry
	 * is made durable by the metadata writes that follow in the same folder. A kill -9
	 * (the case this log is for) loses nothing of the page cache either way. */
	if ((rc = vsnap__qemu_intent_format(&text, in)) == 0)
		rc = vsnap__store_write_ex(p, text, strlen(text), 0);
	free(text);
	free(p);
	return rc;
}

int vsnap__qemu_intent_done(vsnap_qemu_dom *d)
{
	char *p = intent_path(d->store, d->name);
	int rc;

	if (!p)
		return VSNAP_ENOMEM;
	/* A record that survives a power loss after its change completed is redone: every
	 * rule is idempotent on a completed change, so no directory sync is needed here. */
	rc = vsnap__store_remove_ex(p, 0);
	free(p);
	return rc;
}

int vsnap__qemu_intent_read(vsnap_qemu_intent *out, vsnap_qemu_dom *d)
{
	char *p = intent_path(d->store, d->name), *text = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!p)
		return VSNAP_ENOMEM;
	if ((rc = vsnap__store_read(&text, p)) == VSNAP_ENOTFOUND)
		vsnap_error_clear();
	else if (rc == 0)
		rc = vsnap__qemu_intent_parse(out, text, p);
	free(text);
	free(p);
	return rc;
}

/* The job QEMU runs for a killed vsnap continues on its own: let it end, then dismiss it. */
int vsnap__qemu_finish_job(vsnap_qemu_dom *d, const char *id, int complete)
{
	qjson *jobs = NULL;
	int found = 0, rc;

	if (!d->qmp)
		return 0;
	if ((rc = vsnap__qmp_run(&jobs, d->qmp, "query-jobs", NULL)) < 0)
		return rc;
	for (const qjson *j = jobs ? jobs->child : NULL; j; j = j->next) {
		const char *jid = vsnap__json_get_str(j, "id");
		found |= jid && !strcmp(jid, id);
	}
	vsnap__json_free(jobs);
	if (!found)
		return 0;
	vsnap__qemu_graph_changed(d);
	return vsnap__qmp_block_job_wait(d->qmp, id, complete, "finishing an interrupted QEMU job",
		QEMU_JOB_TIMEOUT_MS);
}

static int sync_running(vsnap_qemu_dom *d, int save);

int vsnap__qemu_sync_running(vsnap_qemu_dom *d)
{
	return sync_running(d, 1);
}

int vsnap__qemu_sync_running_nosave(vsnap_qemu_dom *d)
{
	return sync_running(d, 0);
}

static int sync_running(vsnap_qemu_dom *d, int save)
{
	qjson *blocks = NULL;
	int rc, changed = 0;

	if (!d->qmp)
		return 0;
	if ((rc = vsnap__qmp_run(&blocks, d->qmp, "query-block", NULL)) < 0)
		return rc;
	for (const qjson *b = blocks ? blocks->child : NULL; rc == 0 && b; b = b->next) {
		const char *qdev = vsnap__json_get_str(b, "qdev");
		const qjson *ins = vsnap__json_get(b, "inserted");
		const char *file = vsnap__json_get_str(ins, "file");
		const char *fmt = vsnap__json_get_str(vsnap__json_get(ins, "image"), "format");
		for (size_t i = 0; rc == 0 && qdev && file && file[0] == '/' && i < d->def->ndisks;
				i++) {
			vsnap_domain_disk_def *k = d->def->disks[i];
			char *a, *b2;
			if (k->transient || !k->src_file || !vsnap__qemu_qdev_is(qdev, k->target_dev))
				continue;
			a = vsnap__qemu_canon(k->src_file);
			b2 = vsnap__qemu_canon(file);
			if (a && b2 && strcmp(a, b2)) {
				rc = vsnap__qemu_disk_set_source(k, b2, fmt);
				changed = 1;
			}
			free(a);
			free(b2);
		}
	}
	vsnap__json_free(blocks);
	if (rc == 0 && changed && save)
		rc = vsnap__qemu_dom_save(d);
	return rc;
}

static int gc_now(vsnap_qemu_dom *d)
{
	vsnap_forest_data f;
	int rc;

	if ((rc = vsnap__qemu_meta_load(&f, d)) == 0)
		rc = vsnap__qemu_gc(d, &f);
	vsnap__forest_data_clear(&f);
	return rc;
}

static int set_current(vsnap_qemu_dom *d, const char *name)
{
	vsnap_forest_data f;
	int rc;

	if ((rc = vsnap__qemu_meta_load(&f, d)) == 0)
		rc = vsnap__qemu_meta_set_current(d, &f, name);
	vsnap__forest_data_clear(&f);
	return rc;
}

/* A qemu-img killed while it wrote `file` may leave refcount damage behind (qemu-img check
 * finds leaks or errors): repair it before anything else writes there. */
static int repair_if_damaged(const char *file)
{
	const char *p = getenv("VSNAP_QEMU_IMG");
	const char *argv[] = { p && *p ? p : "qemu-img", "check", "-q", "-r", "all", file, NULL };

	if (access(file, F_OK) < 0 || vsnap__img_check(file) == 0)
		return 0;
	vsnap_error_clear();
	return vsnap__run(NULL, argv, "repairing an image an interrupted change was writing");
}

/* Redoes one revert step from scratch (each is idempotent). */
static int redo_step(vsnap_qemu_dom *d, const vsnap_qemu_intent_step *s)
{
	int rc = 0;

	vsnap__qemu_probe_forget(d, s->file);
	switch (s->kind) {
	case QEMU_STEP_APPLY:
		if ((rc = repair_if_damaged(s->file)) < 0)
			return rc;
		return vsnap__img_snapshot_apply(s->file, s->tag);
	case QEMU_STEP_OVERLAY:
		unlink(s->file);
		return vsnap__img_create_overlay(s->file, s->base, s->fmt);
	case QEMU_STEP_COPY:
		unlink(s->file);
		if ((rc = vsnap__qemu_copy_file(s->base, s->file)) == 0 && s->tag)
			rc = vsnap__img_snapshot_apply(s->file, s->tag);
		return rc;
	default:
		return 0;
	}
}

/* Revert: always forward, offline. The QEMU a killed revert left runs a state nobody can
 * vouch for: stop it, rebuild every disk of the target from the snapshot, and adopt the
 * target's definition and current mark. The domain ends shut off. */
static int recover_revert(vsnap_qemu_dom *d, const vsnap_qemu_intent *in)
{
	vsnap_domain_def *def = NULL;
	int rc = 0;

	if (d->pid && (rc = vsnap__qemu_dom_kill(d)) < 0)
		return rc;
	for (size_t i = 0; rc == 0 && i < in->nsteps; i++)
		rc = redo_step(d, &in->steps[i]);
	if (rc == 0 && in->domain_xml && (rc = vsnap__domain_def_parse(&def, in->domain_xml, 0)) == 0) {
		vsnap__domain_def_free(d->def);
		d->def = def;
		rc = vsnap__qemu_dom_save(d);
	}
	if (rc == 0)
		rc = set_current(d, in->snapshot);
	return rc;
}

/* Delete: always forward. A block job QEMU still runs is let finish, the definition follows
 * what QEMU has open, then the remaining steps run again (each is idempotent). */
static int recover_delete(vsnap_qemu_dom *d, const vsnap_qemu_intent *in)
{
	vsnap_snapshot_def *s = NULL;
	vsnap_forest_data f;
	int rc;

	memset(&f, 0, sizeof(f));
	if ((rc = vsnap__qemu_finish_job(d, "vsnap-commit", 1)) < 0 ||
	    (rc = vsnap__qemu_finish_job(d, "vsnap-del", 0)) < 0 ||
	    (rc = vsnap__qemu_sync_running(d)) < 0)
		return rc;
	if (!in->snapshot_xml)
		return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_QEMU,
			"the intent to delete '%s' lacks its metadata", in->snapshot);
	if ((rc = vsnap__snapshot_def_parse(&s, in->snapshot_xml, VSNAP_SNAPSHOT_PARSE_REDEFINE,
			0)) < 0)
		return rc;
	if ((rc = vsnap__qemu_meta_load(&f, d)) == 0)
		rc = vsnap__qemu_delete_steps(d, &f, s, in->metadata_only);
	vsnap__forest_data_clear(&f);
	vsnap__snapshot_def_free(s);
	return rc;
}

static int migration_completed(vsnap_qemu_dom *d)
{
	qjson *m = NULL;
	const char *st;
	int ok;

	if (!d->qmp || vsnap__qmp_run(&m, d->qmp, "query-migrate", NULL) < 0) {
		vsnap_error_clear();
		return 0;
	}
	st = vsnap__json_get_str(m, "status");
	if (st && (!strcmp(st, "active") || !strcmp(st, "setup") || !strcmp(st, "device"))) {
		vsnap__json_free(m);
		if (vsnap__qmp_migrate_wait(d->qmp, "finishing an interrupted memory save",
				QEMU_JOB_TIMEOUT_MS) < 0) {
			vsnap_error_clear();
			return 0;
		}
		return 1;
	}
	ok = st && !strcmp(st, "completed");
	vsnap__json_free(m);
	return ok;
}

/* Drops tag `tag` from the images the create put it in (online through the snapshot-delete
 * job of the running QEMU, else qemu-img). */
static int drop_created_tags(vsnap_qemu_dom *d, const vsnap_qemu_intent *in)
{
	vsnap_qemu_plan_disk *plan = calloc(d->def->ndisks + 1, sizeof(*plan));
	char **nodes = NULL, *args = NULL;
	int rc = 0, online = 0;

	if (!plan)
		return vsnap__error_oom();
	for (size_t i = 0; rc == 0 && i < in->nsteps; i++) {
		const vsnap_qemu_intent_step *s = &in->steps[i];
		const vsnap_img_info *info;
		vsnap_domain_disk_def *k = s->target ? vsnap__qemu_def_disk(d->def, s->target) : NULL;
		if (s->kind != QEMU_STEP_TAG || access(s->file, F_OK) < 0)
			continue;
		if (d->pid && k) {
			online = 1;
			continue;
		}
		if ((rc = repair_if_damaged(s->file)) == 0 &&
		    (rc = vsnap__qemu_probe(&info, d, s->file)) == 0 &&
		    vsnap__img_has_snapshot(info, in->snapshot)) {
			rc = vsnap__img_snapshot_delete(s->file, in->snapshot);
			vsnap__qemu_probe_forget(d, s->file);
		}
	}
	if (rc == 0 && online) {
		for (size_t i = 0; i < d->def->ndisks; i++) {
			plan[i].disk = d->def->disks[i];
			plan[i].location = vsnap__qemu_disk_snapshottable(d->def->disks[i]) ?
				VSNAP_SNAPSHOT_LOCATION_INTERNAL : VSNAP_SNAPSHOT_LOCATION_NO;
		}
		if ((rc = vsnap__qemu_disk_nodes(&nodes, d)) == 0 &&
		    (rc = vsnap__qemu_snapjob_args(&args, "vsnap-del", in->snapshot, nodes, plan,
				d->def->ndisks, 0)) == 0 &&
		    (rc = vsnap__qmp_run(NULL, d->qmp, "snapshot-delete", args)) == 0)
			rc = vsnap__qmp_job_wait(d->qmp, "vsnap-del", "dropping a half-made snapshot",
				QEMU_JOB_TIMEOUT_MS);
		vsnap__qemu_probe_forget(d, NULL);
	}
	free(args);
	free(plan);
	return rc;
}

/* Create: forward when the snapshot is already recorded or the disks already switched to
 * the new overlays (a running guest writes there: they cannot be undone); otherwise back:
 * half-made tags go, new overlays and memory files are collected, vCPUs we stopped resume. */
static int recover_create(vsnap_qemu_dom *d, const vsnap_qemu_intent *in)
{
	vsnap_forest_data f;
	int rc, exists, switched = 0, mem_ok = 1;

	if ((rc = vsnap__qemu_finish_job(d, "vsnap-save", 0)) < 0 ||
	    (rc = vsnap__qemu_finish_job(d, "vsnap-del", 0)) < 0)
		vsnap_error_clear();   /* a failed save is what we undo anyway */
	if (in->memory_file)
		mem_ok = migration_completed(d);
	if ((rc = vsnap__qemu_sync_running(d)) < 0 || (rc = vsnap__qemu_meta_load(&f, d)) < 0)
		return rc;
	exists = vsnap__qemu_meta_find(&f, in->snapshot) != NULL;
	for (size_t i = 0; i < in->nsteps; i++) {
		const vsnap_qemu_intent_step *s = &in->steps[i];
		vsnap_domain_disk_def *k = s->target ? vsnap__qemu_def_disk(d->def, s->target) : NULL;
		char *a = k && k->src_file ? vsnap__qemu_canon(k->src_file) : NULL;
		char *b = s->file ? vsnap__qemu_canon(s->file) : NULL;
		switched |= s->kind == QEMU_STEP_NEW_OVERLAY && a && b && !strcmp(a, b);
		free(a);
		free(b);
	}
	if (exists) {
		rc = vsnap__qemu_meta_set_current(d, &f, in->snapshot);
	} else if (switched && mem_ok && in->snapshot_xml) {
		vsnap_snapshot_def *s = NULL;
		if ((rc = vsnap__snapshot_def_parse(&s, in->snapshot_xml,
				VSNAP_SNAPSHOT_PARSE_REDEFINE, 0)) == 0 &&
		    (rc = vsnap__qemu_meta_save(d, s, 1)) == 0)
			rc = vsnap__qemu_meta_set_current(d, &f, NULL);
		vsnap__snapshot_def_free(s);
	} else if (!switched) {
		rc = drop_created_tags(d, in);
	}
	vsnap__forest_data_clear(&f);
	if (rc == 0 && in->was_running && d->qmp) {
		char *st = NULL;
		if ((rc = vsnap__qmp_status(&st, d->qmp)) == 0 && !strcmp(st, "paused"))
			rc = vsnap__qmp_run(NULL, d->qmp, "cont", NULL);
		free(st);
	}
	return rc;
}

/* Rename: always forward: the new file exists (it was written first). */
static int recover_rename(vsnap_qemu_dom *d, const vsnap_qemu_intent *in)
{
	vsnap_forest_data f;
	int rc;

	if ((rc = vsnap__qemu_meta_load(&f, d)) < 0)
		return rc;
	if (in->new_name && vsnap__qemu_meta_find(&f, in->new_name)) {
		for (size_t i = 0; rc == 0 && i < f.count; i++) {
			vsnap_snapshot_def *c = f.defs[i];
			if (!c->parent || strcmp(c->parent, in->snapshot))
				continue;
			free(c->parent);
			if (!(c->parent = strdup(in->new_name)))
				rc = vsnap__error_oom();
			else
				rc = vsnap__qemu_meta_save(d, c, c->is_current);
		}
		if (rc == 0)
			rc = vsnap__qemu_meta_remove(d, in->snapshot);
	}
	vsnap__forest_data_clear(&f);
	return rc;
}

int vsnap__qemu_recover(vsnap_qemu_dom *d)
{
	vsnap_qemu_intent in;
	int rc;

	if ((rc = vsnap__qemu_intent_read(&in, d)) == VSNAP_ENOTFOUND)
		return 0;
	if (rc < 0)
		return vsnap__error_prefix("domain '%s': reading the record of an interrupted change",
			d->name);
	switch (in.op) {
	case QEMU_INTENT_REVERT:
		rc = recover_revert(d, &in);
		break;
	case QEMU_INTENT_DELETE:
		rc = recover_delete(d, &in);
		break;
	case QEMU_INTENT_CREATE:
		rc = recover_create(d, &in);
		break;
	case QEMU_INTENT_RENAME:
		rc = recover_rename(d, &in);
		break;
	default:
		rc = vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_QEMU, "unknown op");
	}
	if (rc == 0 && (rc = vsnap__qemu_intent_done(d)) == 0)
		rc = gc_now(d);
	if (rc < 0)
		vsnap__error_prefix("domain '%s': completing the interrupted %s of snapshot '%s' "
			"failed (the record stays; 'vsnap snapshot-check %s' explains)", d->name,
			vsnap__qemu_intent_op_name(in.op), in.snapshot, d->name);
	vsnap__qemu_intent_clear(&in);
	return rc;
}

int vsnap__qemu_intent_abort(vsnap_qemu_dom *d, int rc)
{
	const vsnap_error *e = vsnap_error_last();
	char *msg = e->message ? strdup(e->message) : NULL;
	char *fault = e->fault ? strdup(e->fault) : NULL;
	int klass = e->klass;

	if (vsnap__qemu_recover(d) == 0)
		vsnap__error_set_fault(rc, klass, fault, "%s (what had changed was made consistent "
			"again: see 'Recovery' in the QEMU notes)", msg ? msg : "failed");
	else
		vsnap__error_prefix("%s; then", msg ? msg : "failed");
	free(msg);
	free(fault);
	return rc;
}

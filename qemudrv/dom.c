/*
 * dom.c: one domain of the store, opened for an operation: lock, definition, run state
 * (reattach to a QEMU started by an earlier vsnap, notice one that died), start and stop.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemudrv/qemu_priv.h"
#include "qemudrv/process.h"
#include "core/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static vsnap_qemu_conn *priv_of(vsnap_conn *conn)
{
	return conn->priv;
}

static char *transient_path(vsnap_qemu_dom *d, const char *target)
{
	char *p = NULL;
	if (asprintf(&p, "%s/run/%s.%s.transient.qcow2", d->store->root, d->name, target) < 0) {
		vsnap__error_oom();
		return NULL;
	}
	return p;
}

/* Forgets a QEMU that is gone: pid and socket files, transient overlays. */
static void cleanup_run_files(vsnap_qemu_dom *d)
{
	for (size_t i = 0; d->def && i < d->def->ndisks; i++) {
		if (!d->def->disks[i]->transient || !d->def->disks[i]->target_dev)
			continue;
		char *t = transient_path(d, d->def->disks[i]->target_dev);
		if (t)
			unlink(t);
		free(t);
	}
	unlink(d->qmp_path);
	unlink(d->pid_path);
}

/* Reads the pid file; connects QMP when the process lives. A dead QEMU is cleaned up only
 * when the domain is locked (another process may be starting it otherwise). */
static int attach(vsnap_qemu_dom *d)
{
	char *text = NULL;
	pid_t pid;
	int rc;

	if (vsnap__store_read(&text, d->pid_path) < 0) {
		vsnap_error_clear();
		return 0;
	}
	pid = (pid_t)strtol(text, NULL, 10);
	free(text);
	if (!vsnap__qemu_alive(pid, d->qmp_path)) {
		if (d->lockfd >= 0)
			cleanup_run_files(d);
		return 0;
	}
	if ((rc = vsnap__qmp_open(&d->qmp, d->qmp_path, QEMU_CONNECT_TIMEOUT_MS,
			&d->conn->requests)) < 0) {
		/* Alive but deaf: the process may be exiting right now (a killed vsnap may have
		 * told it to quit): give it up to 5 s to go. */
		for (int i = 0; i < 250; i++) {
			if (!vsnap__qemu_alive(pid, d->qmp_path)) {
				vsnap_error_clear();
				if (d->lockfd >= 0)
					cleanup_run_files(d);
				return 0;
			}
			struct timespec ts = { 0, 20 * 1000000L };
			nanosleep(&ts, NULL);
		}
		return vsnap__error_prefix("domain '%s': QEMU (pid %ld) runs but its monitor does "
			"not answer", d->name, (long)pid);
	}
	d->pid = pid;
	return 0;
}

int vsnap__qemu_dom_open(vsnap_qemu_dom *d, vsnap_conn *conn, const char *name, int lock)
{
	vsnap_store *store = &priv_of(conn)->store;
	char *xml = NULL, *lockpath = NULL;
	int rc;

	memset(d, 0, sizeof(*d));
	d->lockfd = -1;
	d->conn = conn;
	d->store = store;
	if ((rc = vsnap__store_check_name("domain", name)) < 0)
		return rc;
	if (!(d->name = strdup(name)) ||
	    !(d->def_path = vsnap__store_path(store, "/domains/", name, ".xml")) ||
	    !(d->pid_path = vsnap__store_path(store, "/run/", name, ".pid")) ||
	    !(d->qmp_path = vsnap__store_path(store, "/run/", name, ".qmp")) ||
	    !(lockpath = vsnap__store_path(store, "/run/", name, ".lock"))) {
		rc = vsnap__error_oom();
		goto error;
	}
	/* An interrupted change is finished before anyone reads the domain: a reader locks too. */
	if ((lock == QEMU_OPEN_READ || lock == QEMU_OPEN_META) &&
	    vsnap__qemu_intent_exists(store, name))
		lock = QEMU_OPEN_LOCK;
	if ((lock == QEMU_OPEN_LOCK || lock == QEMU_OPEN_LOCK_AS_IS) &&
	    access(d->def_path, F_OK) < 0) {
		rc = vsnap__error_set(VSNAP_ENOTFOUND, VSNAP_ERRCLASS_QEMU,
			"domain '%s' is not defined under '%s'", name, store->root);
		goto error;
	}
	if ((lock == QEMU_OPEN_LOCK || lock == QEMU_OPEN_LOCK_AS_IS) &&
	    ((rc = vsnap__store_prepare(store)) < 0 ||
	    (rc = vsnap__lock_acquire(&d->lockfd, lockpath, vsnap__qemu_lock_timeout(conn))) < 0))
		goto error;
	if ((rc = vsnap__store_read(&xml, d->def_path)) < 0) {
		if (rc == VSNAP_ENOTFOUND)
			rc = vsnap__error_set(VSNAP_ENOTFOUND, VSNAP_ERRCLASS_QEMU,
				"domain '%s' is not defined under '%s'", name, store->root);
		goto error;
	}
	if ((rc = vsnap__domain_def_parse(&d->def, xml, 0)) < 0) {
		vsnap__error_prefix("domain definition '%s'", d->def_path);
		goto error;
	}
	if (lock != QEMU_OPEN_META && (rc = attach(d)) < 0)
		goto error;
	if (lock == QEMU_OPEN_LOCK && (rc = vsnap__qemu_recover(d)) < 0)
		goto error;
	free(xml);
	free(lockpath);
	return 0;
error:
	free(xml);
	free(lockpath);
	vsnap__qemu_dom_close(d);
	return rc;
}

unsigned int vsnap__qemu_lock_timeout(const vsnap_conn *conn)
{
	return conn->opts.timeout_ms ? conn->opts.timeout_ms : QEMU_LOCK_TIMEOUT_MS;
}

void vsnap__qemu_dom_close(vsnap_qemu_dom *d)
{
	vsnap__qemu_probe_clear(d);
	vsnap__qemu_owners_free(d);
	vsnap__qmp_close(d->qmp);
	vsnap__domain_def_free(d->def);
	vsnap__lock_release(d->lockfd);
	free(d->name);
	free(d->def_path);
	free(d->pid_path);
	free(d->qmp_path);
	memset(d, 0, sizeof(*d));
	d->lockfd = -1;
}

int vsnap__qemu_dom_save(vsnap_qemu_dom *d)
{
	char *xml = NULL;
	int rc;

	if ((rc = vsnap__domain_def_format(&xml, d->def, 0, 0)) < 0)
		return rc;
	rc = vsnap__store_write(d->def_path, xml, strlen(xml));
	free(xml);
	return rc;
}

int vsnap__qemu_dom_state(int *state, vsnap_qemu_dom *d)
{
	char *st = NULL;
	int rc;

	*state = VSNAP_DOMAIN_SHUTOFF;
	if (!d->qmp)
		return 0;
	if ((rc = vsnap__qmp_status(&st, d->qmp)) < 0)
		return rc;
	if (!strcmp(st, "running"))
		*state = VSNAP_DOMAIN_RUNNING;
	else if (!strcmp(st, "shutdown"))
		*state = VSNAP_DOMAIN_SHUTDOWN;
	else if (!strcmp(st, "guest-panicked") || !strcmp(st, "internal-error"))
		*state = VSNAP_DOMAIN_CRASHED;
	else
		*state = VSNAP_DOMAIN_PAUSED;
	free(st);
	return 0;
}

int vsnap__qemu_disk_snapshottable(const vsnap_domain_disk_def *disk)
{
	return disk->src_file && !disk->readonly && !disk->shareable && !disk->transient &&
		(!disk->device || !strcmp(disk->device, "disk"));
}

vsnap_domain_disk_def *vsnap__qemu_def_disk(const vsnap_domain_def *def, const char *target)
{
	for (size_t i = 0; def && i < def->ndisks; i++)
		if (def->disks[i]->target_dev && !strcmp(def->disks[i]->target_dev, target))
			return def->disks[i];
	return NULL;
}

int vsnap__qemu_disk_format(char **out, vsnap_qemu_dom *d, const vsnap_domain_disk_def *disk)
{
	const vsnap_img_info *info;
	int rc;

	*out = NULL;
	if (disk->driver_type) {
		*out = strdup(disk->driver_type);
		return *out ? 0 : vsnap__error_oom();
	}
	if ((rc = vsnap__qemu_probe(&info, d, disk->src_file)) < 0)
		return rc;
	if (!info->format)
		return vsnap__error_set(VSNAP_EQEMU, VSNAP_ERRCLASS_QEMU,
			"qemu-img reports no format for '%s'", disk->src_file);
	*out = strdup(info->format);
	return *out ? 0 : vsnap__error_oom();
}

int vsnap__qemu_disk_set_source(vsnap_domain_disk_def *disk, const char *file, const char *fmt)
{
	char *f = strdup(file), *t = fmt ? strdup(fmt) : NULL;

	if (!f || (fmt && !t)) {
		free(f);
		free(t);
		return vsnap__error_oom();
	}
	free(disk->src_file);
	disk->src_file = f;
	if (fmt) {
		free(disk->driver_type);
		disk->driver_type = t;
	}
	vsnap__domain_extra_drop(&disk->extra, "", "backingStore");
	return 0;
}

void vsnap__qemu_strv_free(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

int vsnap__qemu_dom_launch(vsnap_qemu_dom *d, int paused, int incoming)
{
	size_t n = d->def->ndisks;
	vsnap_qemu_disk *disks = calloc(n ? n : 1, sizeof(*disks));
	char **owned = calloc(2 * (n ? n : 1), sizeof(char *));
	vsnap_qemu_launch l;
	size_t nd = 0;
	pid_t pid = 0;
	int rc = 0;

	if (!disks || !owned) {
		rc = vsnap__error_oom();
		goto cleanup;
	}
	for (size_t i = 0; i < n; i++) {
		vsnap_domain_disk_def *disk = d->def->disks[i];
		char *fmt = NULL, *file = NULL;

		if (!disk->src_file || !disk->target_dev)
			continue;   /* an empty CD-ROM drive: nothing to open */
		if ((rc = vsnap__qemu_disk_format(&fmt, d, disk)) < 0)
			goto cleanup;
		owned[2 * i] = fmt;
		file = disk->src_file;
		if (disk->transient) {
			/* Changes go to a scratch overlay that is dropped when QEMU stops. */
			if (!(file = transient_path(d, disk->target_dev))) {
				rc = VSNAP_ENOMEM;
				goto cleanup;
			}
			owned[2 * i + 1] = file;
			unlink(file);
			if ((rc = vsnap__img_create_overlay(file, disk->src_file, fmt)) < 0)
				goto cleanup;
			fmt = "qcow2";
		}
		disks[nd].target = disk->target_dev;
		disks[nd].file = file;
		disks[nd].format = fmt;
		disks[nd].readonly = disk->readonly;
		disks[nd].cdrom = disk->device && !strcmp(disk->device, "cdrom");
		nd++;
	}
	memset(&l, 0, sizeof(l));
	l.name = d->name;
	l.memory_kib = d->def->memory_kib ? d->def->memory_kib : 131072;
	l.vcpus = d->def->vcpus;
	l.disks = disks;
	l.ndisks = nd;
	l.pidfile = d->pid_path;
	l.qmp_path = d->qmp_path;
	l.paused = paused || incoming;
	l.incoming = incoming;
	l.video = vsnap__qemu_video_device(d->def);
	vsnap__qemu_graph_changed(d);
	if ((rc = vsnap__qemu_launch(&pid, &l)) < 0)
		goto cleanup;
	d->pid = pid;
	if ((rc = vsnap__qmp_open(&d->qmp, d->qmp_path, QEMU_CONNECT_TIMEOUT_MS,
			&d->conn->requests)) < 0) {
		vsnap__qemu_kill(pid, d->name, 1000);
		d->pid = 0;
		cleanup_run_files(d);
		goto cleanup;
	}
cleanup:
	if (rc < 0 && !d->pid)
		cleanup_run_files(d);
	vsnap__qemu_strv_free(owned, 2 * (n ? n : 1));
	free(disks);
	return rc;
}

int vsnap__qemu_dom_kill(vsnap_qemu_dom *d)
{
	int rc = 0;

	if (!d->pid)
		return 0;
	if (d->qmp) {
		/* quit flushes the images; the reply may race with the socket closing. */
		vsnap__qmp_run(NULL, d->qmp, "quit", NULL);
		vsnap_error_clear();
		vsnap__qmp_close(d->qmp);
		d->qmp = NULL;
	}
	rc = vsnap__qemu_kill(d->pid, d->name, 3000);
	d->pid = 0;
	vsnap__qemu_graph_changed(d);
	cleanup_run_files(d);
	return rc;
}

int vsnap__qemu_qdev_is(const char *qdev, const char *target)
{
	size_t tl = target ? strlen(target) : 0;
	/* qdev is the id ("vda") or a path "/machine/peripheral/vda/virtio-backend". */
	const char *hit = target ? strstr(qdev, target) : NULL;

	return hit && (hit == qdev || hit[-1] == '/') && (hit[tl] == '\0' || hit[tl] == '/');
}

int vsnap__qemu_disk_nodes(char ***out, vsnap_qemu_dom *d)
{
	size_t n = d->def->ndisks;
	char **nodes;
	qjson *blocks = NULL;
	int rc;

	*out = NULL;
	if (d->nodes && d->nnodes == n) {
		*out = d->nodes;
		return 0;
	}
	vsnap__qemu_strv_free(d->nodes, d->nnodes);
	d->nodes = NULL;
	d->nnodes = 0;
	if (!(nodes = calloc(n ? n : 1, sizeof(char *))))
		return vsnap__error_oom();
	if ((rc = vsnap__qmp_run(&blocks, d->qmp, "query-block", NULL)) < 0)
		goto error;
	for (const qjson *b = blocks ? blocks->child : NULL; b; b = b->next) {
		const char *qdev = vsnap__json_get_str(b, "qdev");
		const char *node = vsnap__json_get_str(vsnap__json_get(b, "inserted"), "node-name");
		if (!qdev || !node)
			continue;
		for (size_t i = 0; i < n; i++) {
			if (vsnap__qemu_qdev_is(qdev, d->def->disks[i]->target_dev)) {
				if (!nodes[i] && !(nodes[i] = strdup(node))) {
					rc = vsnap__error_oom();
					goto error;
				}
			}
		}
	}
	vsnap__json_free(blocks);
	d->nodes = *out = nodes;
	d->nnodes = n;
	return 0;
error:
	vsnap__json_free(blocks);
	vsnap__qemu_strv_free(nodes, n);
	return rc;
}

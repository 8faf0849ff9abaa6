/*
 * driver.c: the QEMU backend's driver table, connections (qemu:///embed?root=DIR; no daemon)
 * and the domain operations.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemudrv/qemu_priv.h"
#include "core/error.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int qemu_open(vsnap_conn *conn, const vsnap_uri *uri)
{
	vsnap_qemu_conn *priv;
	const char *root = vsnap__uri_param(uri, "root");
	char *def_root = NULL;
	int rc;

	if (uri->host && *uri->host)
		return vsnap__error_set(VSNAP_EUNSUPPORTED, VSNAP_ERRCLASS_CONF,
			"URI '%s': the QEMU driver is local only (no host)", conn->uri);
	if (uri->path && strcmp(uri->path, "/embed") && strcmp(uri->path, "/session") &&
	    strcmp(uri->path, "/"))
		return vsnap__error_set(VSNAP_EUNSUPPORTED, VSNAP_ERRCLASS_CONF,
			"URI '%s': path '%s' is not supported; use qemu:///embed?root=DIR",
			conn->uri, uri->path);
	if (root && root[0] != '/')
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_CONF,
			"URI '%s': root '%s' must be an absolute path", conn->uri, root);
	if (!root) {
		const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
		int r = xdg && *xdg ? asprintf(&def_root, "%s/vsnap/qemu", xdg) :
			home && *home ? asprintf(&def_root, "%s/.local/share/vsnap/qemu", home) : -2;
		if (r == -2)
			return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_CONF,
				"URI '%s': no root given and neither XDG_DATA_HOME nor HOME is set",
				conn->uri);
		if (r < 0)
			return vsnap__error_oom();
		root = def_root;
	}
	if (!(priv = calloc(1, sizeof(*priv)))) {
		free(def_root);
		return vsnap__error_oom();
	}
	rc = vsnap__store_open(&priv->store, root);
	free(def_root);
	if (rc < 0) {
		free(priv);
		return rc;
	}
	conn->priv = priv;
	return 0;
}

static void qemu_close(vsnap_conn *conn)
{
	vsnap_qemu_conn *priv = conn->priv;

	if (!priv)
		return;
	vsnap__store_close(&priv->store);
	free(priv);
	conn->priv = NULL;
}

static int fill_info(vsnap_domain_info *out, vsnap_qemu_dom *d)
{
	char *dir = vsnap__store_path(d->store, "/snapshots/", d->name, NULL);
	char **names = NULL;
	size_t n = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!dir)
		return VSNAP_ENOMEM;
	rc = vsnap__store_list(&names, &n, dir, ".xml");
	free(dir);
	if (rc < 0)
		return rc;
	vsnap__qemu_strv_free(names, n);
	if ((rc = vsnap__qemu_dom_state(&out->state, d)) < 0)
		return rc;
	out->memory_kib = d->def->memory_kib;
	out->vcpus = d->def->vcpus;
	out->has_snapshots = n > 0;
	out->persistent = 1;
	if (!(out->name = strdup(d->name)) || !(out->id = strdup(d->name)) ||
	    (d->def->uuid && !(out->uuid = strdup(d->def->uuid)))) {
		vsnap_domain_info_clear(out);
		return vsnap__error_oom();
	}
	return 0;
}

static int info_by_name(vsnap_domain_info *out, vsnap_conn *conn, const char *name)
{
	vsnap_qemu_dom d;
	int rc;

	if ((rc = vsnap__qemu_dom_open(&d, conn, name, 0)) < 0)
		return rc;
	rc = fill_info(out, &d);
	vsnap__qemu_dom_close(&d);
	return rc;
}

static int list_names(char ***names, size_t *n, vsnap_conn *conn)
{
	vsnap_qemu_conn *priv = conn->priv;
	char *dir = vsnap__store_path(&priv->store, "/domains", NULL, NULL);
	int rc;

	if (!dir)
		return VSNAP_ENOMEM;
	rc = vsnap__store_list(names, n, dir, ".xml");
	free(dir);
	return rc;
}

static int qemu_domain_list(vsnap_domain_info **out, size_t *count, vsnap_conn *conn,
	unsigned int flags)
{
	char **names = NULL;
	size_t n = 0, k = 0;
	vsnap_domain_info *v = NULL;
	int rc;

	if ((rc = list_names(&names, &n, conn)) < 0)
		return rc;
	if (!(v = calloc(n ? n : 1, sizeof(*v)))) {
		rc = vsnap__error_oom();
		goto cleanup;
	}
	for (size_t i = 0; i < n; i++) {
		if ((rc = info_by_name(&v[k], conn, names[i])) < 0)
			goto cleanup;
		int active = v[k].state == VSNAP_DOMAIN_RUNNING || v[k].state == VSNAP_DOMAIN_PAUSED;
		if (flags && !((flags & VSNAP_LIST_DOMAINS_ACTIVE) && active) &&
		    !((flags & VSNAP_LIST_DOMAINS_INACTIVE) && !active)) {
			vsnap_domain_info_clear(&v[k]);
			continue;
		}
		k++;
	}
	*out = v;
	*count = k;
	v = NULL;
cleanup:
	if (v)
		vsnap_domain_info_list_free(v, k);
	vsnap__qemu_strv_free(names, n);
	return rc;
}

static int qemu_domain_lookup(vsnap_domain_info *out, vsnap_conn *conn, const char *key)
{
	char **names = NULL;
	size_t n = 0;
	int rc;

	if (vsnap__store_check_name("domain", key) == 0) {
		rc = info_by_name(out, conn, key);
		if (rc != VSNAP_ENOTFOUND)
			return rc;
	}
	vsnap_error_clear();
	/* Not a name: try UUIDs. */
	if ((rc = list_names(&names, &n, conn)) < 0)
		return rc;
	rc = VSNAP_ENOTFOUND;
	for (size_t i = 0; i < n; i++) {
		vsnap_domain_info info;
		if (info_by_name(&info, conn, names[i]) < 0)
			continue;
		if (info.uuid && !strcasecmp(info.uuid, key)) {
			*out = info;
			vsnap_error_clear();
			rc = 0;
			break;
		}
		vsnap_domain_info_clear(&info);
	}
	vsnap__qemu_strv_free(names, n);
	/* Set only now: reading the other domains above clears the thread's error. */
	if (rc)
		vsnap__error_set(VSNAP_ENOTFOUND, VSNAP_ERRCLASS_QEMU,
			"no domain named '%s' or with that UUID", key);
	return rc;
}

static int qemu_domain_get_info(vsnap_domain_info *out, vsnap_domain *dom)
{
	return info_by_name(out, dom->conn, dom->info.name);
}

static int qemu_domain_get_xml(char **out, vsnap_domain *dom, unsigned int flags)
{
	vsnap_qemu_dom d;
	int rc;

	(void)flags;
	if ((rc = vsnap__qemu_dom_open(&d, dom->conn, dom->info.name, 0)) < 0)
		return rc;
	rc = vsnap__domain_def_format(out, d.def, 0, 0);
	vsnap__qemu_dom_close(&d);
	return rc;
}

static int new_uuid(char **out)
{
	unsigned char b[16];
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd < 0 || read(fd, b, sizeof(b)) != (ssize_t)sizeof(b)) {
		if (fd >= 0)
			close(fd);
		return vsnap__error_os("reading /dev/urandom for a UUID");
	}
	close(fd);
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	if (asprintf(out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
			b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11],
			b[12], b[13], b[14], b[15]) < 0)
		return vsnap__error_oom();
	return 0;
}

/* What the backend can run: file-backed qcow2/raw disks with a target. */
static int check_def(const vsnap_domain_def *def)
{
	for (size_t i = 0; i < def->ndisks; i++) {
		const vsnap_domain_disk_def *k = def->disks[i];
		if (!k->target_dev)
			return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_QEMU,
				"domain '%s': disk %zu has no <target dev>", def->name, i + 1);
		if (k->type && strcmp(k->type, "file"))
			return vsnap__error_set(VSNAP_EUNSUPPORTED, VSNAP_ERRCLASS_QEMU,
				"domain '%s': disk '%s' has type '%s'; only type='file' is supported",
				def->name, k->target_dev, k->type);
		if (k->driver_type && strcmp(k->driver_type, "qcow2") && strcmp(k->driver_type, "raw"))
			return vsnap__error_set(VSNAP_EUNSUPPORTED, VSNAP_ERRCLASS_QEMU,
				"domain '%s': disk '%s' has format '%s'; only qcow2 and raw are supported",
				def->name, k->target_dev, k->driver_type);
		if (k->src_file && k->src_file[0] != '/')
			return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_QEMU,
				"domain '%s': disk '%s' source '%s' is not an absolute path",
				def->name, k->target_dev, k->src_file);
	}
	return 0;
}

static int qemu_domain_define(vsnap_domain_info *out, vsnap_conn *conn, const char *xml,
	unsigned int flags)
{
	vsnap_qemu_conn *priv = conn->priv;
	vsnap_domain_def *def = NULL;
	vsnap_qemu_dom d;
	char *path = NULL, *lockpath = NULL, *text = NULL;
	int lockfd = -1, rc;

	(void)flags;
	memset(&d, 0, sizeof(d));
	if ((rc = vsnap__domain_def_parse(&def, xml, 0)) < 0)
		return rc;
	if ((rc = vsnap__store_check_name("domain", def->name)) < 0 || (rc = check_def(def)) < 0)
		goto cleanup;
	if (!(path = vsnap__store_path(&priv->store, "/domains/", def->name, ".xml")) ||
	    !(lockpath = vsnap__store_path(&priv->store, "/run/", def->name, ".lock"))) {
		rc = VSNAP_ENOMEM;
		goto cleanup;
	}
	if ((rc = vsnap__store_prepare(&priv->store)) < 0 ||
	    (rc = vsnap__lock_acquire(&lockfd, lockpath, vsnap__qemu_lock_timeout(conn))) < 0)
		goto cleanup;
	/* Redefining keeps the UUID; a different one is another domain with the same name. */
	if (vsnap__store_read(&text, path) == 0) {
		vsnap_domain_def *old = NULL;
		if ((rc = vsnap__domain_def_parse(&old, text, 0)) < 0)
			goto cleanup;
		if (def->uuid && old->uuid && strcasecmp(def->uuid, old->uuid)) {
			rc = vsnap__error_set(VSNAP_EEXISTS, VSNAP_ERRCLASS_QEMU,
				"domain '%s' exists already with UUID %s", def->name, old->uuid);
			vsnap__domain_def_free(old);
			goto cleanup;
		}
		if (!def->uuid) {
			def->uuid = old->uuid;
			old->uuid = NULL;
		}
		vsnap__domain_def_free(old);
	}
	vsnap_error_clear();
	if (!def->uuid && (rc = new_uuid(&def->uuid)) < 0)
		goto cleanup;
	free(text);
	text = NULL;
	if ((rc = vsnap__domain_def_format(&text, def, 0, 0)) < 0 ||
	    (rc = vsnap__store_write(path, text, strlen(text))) < 0)
		goto cleanup;
	vsnap__lock_release(lockfd);
	lockfd = -1;
	rc = info_by_name(out, conn, def->name);
cleanup:
	vsnap__lock_release(lockfd);
	vsnap__domain_def_free(def);
	free(path);
	free(lockpath);
	free(text);
	return rc;
}

static int qemu_domain_undefine(vsnap_domain *dom, unsigned int flags)
{
	vsnap_qemu_dom d;
	vsnap_forest_data f;
	char *dir = NULL, *list = NULL;
	int rc;

	if ((rc = vsnap__qemu_dom_open(&d, dom->conn, dom->info.name, 1)) < 0)
		return rc;
	memset(&f, 0, sizeof(f));
	if (d.pid) {
		rc = vsnap__error_set(VSNAP_EOPERATION, VSNAP_ERRCLASS_QEMU,
			"domain '%s' is running; destroy it before undefining it", d.name);
		goto cleanup;
	}
	if ((rc = vsnap__qemu_meta_load(&f, &d)) < 0)
		goto cleanup;
	if (f.count && !(flags & VSNAP_UNDEFINE_SNAPSHOTS_METADATA)) {
		rc = vsnap__error_set(VSNAP_EOPERATION, VSNAP_ERRCLASS_QEMU,
			"domain '%s' has %zu snapshot(s); delete them first or ask to drop their "
			"metadata too (--snapshots-metadata)", d.name, f.count);
		goto cleanup;
	}
	/* Metadata only: image files (and the snapshots inside them) stay. */
	for (size_t i = 0; i < f.count; i++)
		if ((rc = vsnap__qemu_meta_remove(&d, f.defs[i]->name)) < 0)
			goto cleanup;
	if (!(dir = vsnap__store_path(d.store, "/snapshots/", d.name, NULL)) ||
	    !(list = vsnap__store_path(d.store, "/domains/", d.name, ".files"))) {
		rc = VSNAP_ENOMEM;
		goto cleanup;
	}
	rmdir(dir);
	if ((rc = vsnap__store_remove(list)) == 0)
		rc = vsnap__store_remove(d.def_path);
cleanup:
	vsnap__forest_data_clear(&f);
	free(dir);
	free(list);
	vsnap__qemu_dom_close(&d);
	return rc;
}

/* Opens and locks; checks the run state the operation needs (1 running, 0 stopped, -1 any). */
static int open_for(vsnap_qemu_dom *d, vsnap_domain *dom, int need_running, const char *op)
{
	int rc = vsnap__qemu_dom_open(d, dom->conn, dom->info.name, 1);

	if (rc < 0)
		return rc;
	if (need_running == 1 && !d->pid)
		rc = vsnap__error_set(VSNAP_EOPERATION, VSNAP_ERRCLASS_QEMU,
			"cannot %s domain '%s': it is not running", op, d->name);
	else if (need_running == 0 && d->pid)
		rc = vsnap__error_set(VSNAP_EOPERATION, VSNAP_ERRCLASS_QEMU,
			"cannot %s domain '%s': it is already running", op, d->name);
	if (rc < 0)
		vsnap__qemu_dom_close(d);
	return rc;
}

static int qemu_domain_start(vsnap_domain *dom, unsigned int flags)
{
	vsnap_qemu_dom d;
	int rc;

	if ((rc = open_for(&d, dom, 0, "start")) < 0)
		return rc;
	rc = vsnap__qemu_dom_launch(&d, (flags & VSNAP_DOMAIN_START_PAUSED) != 0, 0);
	vsnap__qemu_dom_close(&d);
	return rc;
}

static int qemu_domain_destroy(vsnap_domain *dom, unsigned int flags)
{
	vsnap_qemu_dom d;
	int rc;

	(void)flags;
	if ((rc = open_for(&d, dom, 1, "destroy")) < 0)
		return rc;
	rc = vsnap__qemu_dom_kill(&d);
	vsnap__qemu_dom_close(&d);
	return rc;
}

static int simple_cmd(vsnap_domain *dom, const char *op, const char *cmd)
{
	vsnap_qemu_dom d;
	int rc;

	if ((rc = open_for(&d, dom, 1, op)) < 0)
		return rc;
	rc = vsnap__qmp_run(NULL, d.qmp, cmd, NULL);
	vsnap__qemu_dom_close(&d);
	return rc;
}

static int qemu_domain_shutdown(vsnap_domain *dom, unsigned int flags)
{
	(void)flags;
	return simple_cmd(dom, "shut down", "system_powerdown");
}

static int qemu_domain_suspend(vsnap_domain *dom, unsigned int flags)
{
	(void)flags;
	return simple_cmd(dom, "suspend", "stop");
}

static int qemu_domain_resume(vsnap_domain *dom, unsigned int flags)
{
	(void)flags;
	return simple_cmd(dom, "resume", "cont");
}

static int qemu_domain_reset(vsnap_domain *dom, unsigned int flags)
{
	(void)flags;
	return simple_cmd(dom, "reset", "system_reset");
}

static int qemu_snapshot_load(vsnap_forest_data *out, vsnap_domain *dom)
{
	vsnap_qemu_dom d;
	int rc;

	if ((rc = vsnap__qemu_dom_open(&d, dom->conn, dom->info.name, QEMU_OPEN_META)) < 0)
		return rc;
	rc = vsnap__qemu_meta_load(out, &d);
	vsnap__qemu_dom_close(&d);
	return rc;
}

/* Rename and/or re-describe: rewrite the file, and the children's parent name. */
static int qemu_snapshot_edit(vsnap_domain *dom, const vsnap_snapshot_def *snap,
	const char *new_name, const char *new_description)
{
	vsnap_qemu_dom d;
	vsnap_forest_data f;
	vsnap_snapshot_def *s;
	int rc;

	if ((rc = vsnap__qemu_dom_open(&d, dom->conn, dom->info.name, 1)) < 0)
		return rc;
	if ((rc = vsnap__qemu_meta_load(&f, &d)) < 0)
		goto cleanup_dom;
	if (!(s = vsnap__qemu_meta_find(&f, snap->name))) {
		rc = vsnap__error_set(VSNAP_ENOTFOUND, VSNAP_ERRCLASS_SNAPSHOT,
			"snapshot '%s' vanished", snap->name);
		goto cleanup;
	}
	if (new_description) {
		free(s->description);
		if (!(s->description = strdup(new_description))) {
			rc = vsnap__error_oom();
			goto cleanup;
		}
	}
	if (new_name && strcmp(new_name, s->name)) {
		/* Internal snapshots keep their tag (the old name) inside the images: refuse. */
		int internal = s->memory == VSNAP_SNAPSHOT_LOCATION_INTERNAL;
		for (size_t i = 0; i < s->ndisks; i++)
			internal |= s->disks[i].location == VSNAP_SNAPSHOT_LOCATION_INTERNAL;
		if (internal) {
			rc = vsnap__error_set(VSNAP_EUNSUPPORTED, VSNAP_ERRCLASS_SNAPSHOT,
				"snapshot '%s' is internal: its name is the tag inside the disk images "
				"and cannot change", s->name);
			goto cleanup;
		}
		if ((rc = vsnap__store_check_name("snapshot", new_name)) < 0)
			goto cleanup;
		if (vsnap__qemu_meta_find(&f, new_name)) {
			rc = vsnap__error_set(VSNAP_EEXISTS, VSNAP_ERRCLASS_SNAPSHOT,
				"snapshot '%s' exists already", new_name);
			goto cleanup;
		}
		char *old = s->name;
		vsnap_qemu_intent in;
		memset(&in, 0, sizeof(in));
		in.op = QEMU_INTENT_RENAME;
		if (!(s->name = strdup(new_name)) || !(in.snapshot = strdup(old)) ||
		    !(in.new_name = strdup(new_name))) {
			free(s->name);
			s->name = old;
			vsnap__qemu_intent_clear(&in);
			rc = vsnap__error_oom();
			goto cleanup;
		}
		/* New file, children, old file: a kill in between is finished forward. */
		rc = vsnap__qemu_intent_write(&d, &in);
		vsnap__qemu_intent_clear(&in);
		if (rc < 0 || (rc = vsnap__qemu_meta_save(&d, s, s->is_current)) < 0) {
			free(old);
			goto cleanup;
		}
		for (size_t i = 0; rc == 0 && i < f.count; i++) {
			if (f.defs[i]->parent && !strcmp(f.defs[i]->parent, old)) {
				free(f.defs[i]->parent);
				if (!(f.defs[i]->parent = strdup(new_name)))
					rc = vsnap__error_oom();
				else
					rc = vsnap__qemu_meta_save(&d, f.defs[i], f.defs[i]->is_current);
			}
		}
		if (rc == 0)
			vsnap__qemu_screenshot_rename(&d, old, new_name);
		if (rc == 0)
			rc = vsnap__qemu_meta_remove(&d, old);
		if (rc == 0)
			rc = vsnap__qemu_intent_done(&d);
		free(old);
	} else {
		rc = vsnap__qemu_meta_save(&d, s, s->is_current);
	}
cleanup:
	vsnap__forest_data_clear(&f);
cleanup_dom:
	vsnap__qemu_dom_close(&d);
	return rc;
}

static int qemu_snapshot_delete_all(vsnap_domain *dom, unsigned int flags)
{
	for (;;) {
		vsnap_forest_data f;
		const vsnap_snapshot_def *root = NULL;
		int rc;

		memset(&f, 0, sizeof(f));
		if ((rc = qemu_snapshot_load(&f, dom)) < 0)
			return rc;
		for (size_t i = 0; i < f.count && !root; i++)
			if (!f.defs[i]->parent || !vsnap__qemu_meta_find(&f, f.defs[i]->parent))
				root = f.defs[i];
		/* Every snapshot has a parent only in a store with a parent cycle: start anywhere. */
		if (!root && f.count)
			root = f.defs[0];
		if (!root) {
			vsnap__forest_data_clear(&f);
			return 0;
		}
		rc = vsnap__qemu_snapshot_delete(dom, root, &f,
			flags | VSNAP_SNAPSHOT_DELETE_CHILDREN);
		vsnap__forest_data_clear(&f);
		if (rc < 0)
			return rc;
	}
}

static const char *const qemu_schemes[] = { "qemu", NULL };

const vsnap_driver vsnap__qemu_driver = {
	.name = "qemu",
	.schemes = qemu_schemes,
	.open = qemu_open,
	.close = qemu_close,
	.domain_list = qemu_domain_list,
	.domain_lookup = qemu_domain_lookup,
	.domain_get_info = qemu_domain_get_info,
	.domain_get_xml = qemu_domain_get_xml,
	.domain_define = qemu_domain_define,
	.domain_undefine = qemu_domain_undefine,
	.domain_start = qemu_domain_start,
	.domain_shutdown = qemu_domain_shutdown,
	.domain_destroy = qemu_domain_destroy,
	.domain_suspend = qemu_domain_suspend,
	.domain_resume = qemu_domain_resume,
	.domain_reset = qemu_domain_reset,
	.snapshot_load = qemu_snapshot_load,
	.snapshot_create = vsnap__qemu_snapshot_create,
	.snapshot_revert = vsnap__qemu_snapshot_revert,
	.snapshot_delete = vsnap__qemu_snapshot_delete,
	.snapshot_edit = qemu_snapshot_edit,
	.snapshot_delete_all = qemu_snapshot_delete_all,
	.domain_screenshot = vsnap__qemu_domain_screenshot,
	.snapshot_screenshot = vsnap__qemu_snapshot_screenshot,
	.domain_check = vsnap__qemu_domain_check,
	.snapshot_check_data = vsnap__qemu_snapshot_check_data,
	.snapshot_files_handover = vsnap__qemu_snapshot_files_handover,
	.snapshot_bytes = vsnap__qemu_snapshot_bytes,   /* fleet.c */
};

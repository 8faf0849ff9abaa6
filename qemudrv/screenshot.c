/*
 * screenshot.c: screens of QEMU domains. QMP `screendump` (QEMU >= 7.1 writes PNG itself)
 * into a file under run/, read back and removed. A checkpoint of a running domain keeps one
 * as snapshots/<dom>/<snap>.png beside its metadata (the store lists only *.xml there), gone
 * with the metadata. A domain has a screen only when its definition has a <video> device:
 * the launch adds the matching QEMU display device (id "video0").
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemudrv/qemu_priv.h"
#include "core/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* libvirt <video><model type=...> to the QEMU device that shows it. */
static const struct {
	const char *model, *device;
} video_devices[] = {
	{ "vga", "VGA" }, { "cirrus", "cirrus-vga" }, { "vmvga", "vmware-svga" },
	{ "qxl", "qxl-vga" }, { "virtio", "virtio-vga" }, { "bochs", "bochs-display" },
};

const char *vsnap__qemu_video_device(const vsnap_domain_def *def)
{
	const char *model;

	if (!def || !def->nvideos)
		return NULL;
	model = def->videos[0]->model;
	if (model && !strcmp(model, "none"))
		return NULL;
	for (size_t i = 0; model && i < sizeof(video_devices) / sizeof(video_devices[0]); i++)
		if (!strcmp(model, video_devices[i].model))
			return video_devices[i].device;
	/* A model QEMU has no device for (e.g. one translated from another hypervisor) still
	 * gets a screen: the standard VGA. */
	return "VGA";
}

/* The daemonized QEMU runs in '/': every path handed to it must be absolute. */
static char *absolute(char *path)
{
	char cwd[4096], *abs = NULL;

	if (!path || path[0] == '/')
		return path;
	if (getcwd(cwd, sizeof(cwd)) && asprintf(&abs, "%s/%s", cwd, path) < 0)
		abs = NULL;
	free(path);
	if (!abs)
		vsnap__error_oom();
	return abs;
}

/* screendump of `screen` into `file` (absolute). */
static int screendump(vsnap_qemu_dom *d, const char *file, unsigned int screen)
{
	vsnap__strbuf args = VSNAP__STRBUF_INIT;
	int rc;

	vsnap__strbuf_append(&args, "{\"filename\":");
	vsnap__json_put_str(&args, file);
	vsnap__strbuf_append(&args, ",\"format\":\"png\"");
	/* Head N of the one video device; QEMU names a missing head in its error. */
	if (screen)
		vsnap__strbuf_appendf(&args, ",\"device\":\"video0\",\"head\":%u", screen);
	vsnap__strbuf_append(&args, "}");
	if ((rc = vsnap__strbuf_check(&args)) == 0)
		rc = vsnap__qmp_run(NULL, d->qmp, "screendump", args.ptr);
	vsnap__strbuf_clear(&args);
	return rc;
}

static int read_image(unsigned char **out, size_t *len, const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	long n;

	if (!f)
		return vsnap__error_os("cannot open '%s'", path);
	if (fseek(f, 0, SEEK_END) < 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) < 0) {
		fclose(f);
		return vsnap__error_os("cannot read '%s'", path);
	}
	if (!(buf = malloc(n ? (size_t)n : 1))) {
		fclose(f);
		return vsnap__error_oom();
	}
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		fclose(f);
		return vsnap__error_os("cannot read '%s'", path);
	}
	fclose(f);
	*out = buf;
	*len = (size_t)n;
	return 0;
}

int vsnap__qemu_domain_screenshot(unsigned char **out, size_t *len, vsnap_domain *dom,
	unsigned int screen)
{
	vsnap_qemu_dom d;
	char *file = NULL;
	int rc;

	if ((rc = vsnap__qemu_dom_open(&d, dom->conn, dom->info.name, 1)) < 0)
		return rc;
	if (!d.pid) {
		rc = vsnap__error_set(VSNAP_EOPERATION, VSNAP_ERRCLASS_QEMU,
			"domain '%s' is not running", d.name);
		goto cleanup;
	}
	if (!vsnap__qemu_video_device(d.def)) {
		rc = vsnap__error_set(VSNAP_EUNSUPPORTED, VSNAP_ERRCLASS_QEMU,
			"domain '%s' has no screen: its definition has no <video> device (add "
			"<video><model type='vga'/></video> and restart it)", d.name);
		goto cleanup;
	}
	if (!(file = absolute(vsnap__store_path(d.store, "/run/", d.name, ".screen.png")))) {
		rc = VSNAP_ENOMEM;
		goto cleanup;
	}
	unlink(file);
	if ((rc = screendump(&d, file, screen)) == 0)
		rc = read_image(out, len, file);
	unlink(file);
cleanup:
	free(file);
	vsnap__qemu_dom_close(&d);
	return rc;
}

static char *kept_path(vsnap_qemu_dom *d, const char *snap, const char *suffix)
{
	char *dir = vsnap__store_path(d->store, "/snapshots/", d->name, "/"), *p = NULL;

	if (dir && asprintf(&p, "%s%s%s", dir, snap, suffix) < 0)
		p = NULL;
	free(dir);
	if (!p)
		vsnap__error_oom();
	return absolute(p);
}

void vsnap__qemu_screenshot_keep(vsnap_qemu_dom *d, const char *snap, unsigned int flags)
{
	char *dir = vsnap__store_path(d->store, "/snapshots/", d->name, NULL);
	char *tmp = kept_path(d, snap, ".png.tmp"), *file = kept_path(d, snap, ".png");
	int take = d->pid && d->qmp && vsnap__qemu_video_device(d->def) &&
		!(flags & VSNAP_SNAPSHOT_CREATE_NO_SCREENSHOT);

	/* A file left by an earlier snapshot of this name (a crash before its metadata was
	 * written) must not pass for this one's: it goes in every case. */
	if (file)
		unlink(file);
	if (dir && tmp && file && take && vsnap__store_mkdir(dir) == 0 &&
	    screendump(d, tmp, 0) == 0 && rename(tmp, file) == 0)
		tmp[0] = '\0';
	/* The screenshot is a courtesy: a snapshot whose data is made is not failed for it. */
	if (tmp && tmp[0])
		unlink(tmp);
	vsnap_error_clear();
	free(dir);
	free(tmp);
	free(file);
}

void vsnap__qemu_screenshot_forget(vsnap_qemu_dom *d, const char *snap)
{
	char *file = kept_path(d, snap, ".png");

	if (file)
		vsnap__store_remove(file);
	vsnap_error_clear();
	free(file);
}

void vsnap__qemu_screenshot_rename(vsnap_qemu_dom *d, const char *from, const char *to)
{
	char *a = kept_path(d, from, ".png"), *b = kept_path(d, to, ".png");

	if (a && b)
		rename(a, b);
	vsnap_error_clear();
	free(a);
	free(b);
}

int vsnap__qemu_snapshot_screenshot(unsigned char **out, size_t *len, vsnap_domain *dom,
	const vsnap_snapshot_def *snap, const vsnap_forest_data *forest)
{
	vsnap_qemu_dom d;
	char *file = NULL;
	int rc;

	(void)forest;
	if ((rc = vsnap__qemu_dom_open(&d, dom->conn, dom->info.name, 0)) < 0)
		return rc;
	if (!(file = kept_path(&d, snap->name, ".png"))) {
		rc = VSNAP_ENOMEM;
		goto cleanup;
	}
	if (access(file, F_OK) < 0)
		rc = vsnap__error_set(VSNAP_ENOTFOUND, VSNAP_ERRCLASS_SNAPSHOT,
			"snapshot '%s' has no screenshot: one is kept only for a checkpoint of a "
			"running domain that has a <video> device, made without --no-screenshot",
			snap->name);
	else
		rc = read_image(out, len, file);
cleanup:
	free(file);
	vsnap__qemu_dom_close(&d);
	return rc;
}

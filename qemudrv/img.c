/* img.c: qemu-img runner. SPDX-License-Identifier: GPL-2.0-or-later */
#include "qemudrv/img.h"
#include "qemudrv/json.h"
#include "core/error.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *qemu_img(void)
{
	const char *p = getenv("VSNAP_QEMU_IMG");
	return p && *p ? p : "qemu-img";
}

/* Drains both pipes until EOF on each. */
static void drain(int ofd, int efd, vsnap__strbuf *out, vsnap__strbuf *err)
{
	struct pollfd p[2] = { { ofd, POLLIN, 0 }, { efd, POLLIN, 0 } };
	char chunk[4096];

	while (p[0].fd >= 0 || p[1].fd >= 0) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < 2; i++) {
			if (p[i].fd < 0 || !p[i].revents)
				continue;
			ssize_t r = read(p[i].fd, chunk, sizeof(chunk));
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0) {
				close(p[i].fd);
				p[i].fd = -1;
				continue;
			}
			vsnap__strbuf_append_n(i ? err : out, chunk, (size_t)r);
		}
	}
}

int vsnap__run(char **out, const char *const *argv, const char *what)
{
	int op[2] = { -1, -1 }, ep[2] = { -1, -1 };
	vsnap__strbuf o = VSNAP__STRBUF_INIT, e = VSNAP__STRBUF_INIT;
	int status = 0, rc = 0;
	pid_t pid;

	if (out)
		*out = NULL;
	if (pipe2(op, O_CLOEXEC) < 0 || pipe2(ep, O_CLOEXEC) < 0) {
		rc = vsnap__error_os("%s: pipe", what);
		goto cleanup;
	}
	if ((pid = fork()) < 0) {
		rc = vsnap__error_os("%s: fork", what);
		goto cleanup;
	}
	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
		dup2(nul, 0);
		dup2(op[1], 1);
		dup2(ep[1], 2);
		execvp(argv[0], (char *const *)argv);
		dprintf(2, "cannot run: %s", strerror(errno));
		_exit(127);
	}
	close(op[1]);
	close(ep[1]);
	op[1] = ep[1] = -1;
	drain(op[0], ep[0], &o, &e);
	op[0] = ep[0] = -1;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if ((rc = vsnap__strbuf_check(&o)) < 0 || (rc = vsnap__strbuf_check(&e)) < 0)
		goto cleanup;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		char *msg = e.ptr ? e.ptr : "";
		size_t n = strlen(msg);
		while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
			msg[--n] = '\0';
		rc = vsnap__error_set(VSNAP_EQEMU, VSNAP_ERRCLASS_QEMU, "%s: %s failed (%s %d): %s",
			what, argv[0], WIFEXITED(status) ? "exit" : "signal",
			WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), msg);
		goto cleanup;
	}
	if (out)
		rc = vsnap__strbuf_detach(out, &o);
cleanup:
	for (int i = 0; i < 2; i++) {
		if (op[i] >= 0)
			close(op[i]);
		if (ep[i] >= 0)
			close(ep[i]);
	}
	vsnap__strbuf_clear(&o);
	vsnap__strbuf_clear(&e);
	return rc;
}

int vsnap__img_info(vsnap_img_info *out, const char *file)
{
	const char *argv[] = { qemu_img(), "info", "-U", "--output=json", file, NULL };
	char *text = NULL, *what = NULL;
	qjson *v = NULL;
	const qjson *snaps;
	int rc;

	memset(out, 0, sizeof(*out));
	if (asprintf(&what, "reading image '%s'", file) < 0)
		return vsnap__error_oom();
	if ((rc = vsnap__run(&text, argv, what)) < 0)
		goto cleanup;
	if ((rc = vsnap__json_parse(&v, text, strlen(text), what)) < 0)
		goto cleanup;
	const char *fmt = vsnap__json_get_str(v, "format");
	const char *bk = vsnap__json_get_str(v, "full-backing-filename");
	const char *bf = vsnap__json_get_str(v, "backing-filename-format");
	if (!bk)
		bk = vsnap__json_get_str(v, "backing-filename");
	out->virtual_size = (unsigned long long)vsnap__json_get_num(v, "virtual-size", 0);
	if ((fmt && !(out->format = strdup(fmt))) || (bk && !(out->backing = strdup(bk))) ||
	    (bf && !(out->backing_format = strdup(bf)))) {
		rc = vsnap__error_oom();
		goto cleanup;
	}
	snaps = vsnap__json_get(v, "snapshots");
	if (vsnap__json_len(snaps)) {
		out->snapshots = calloc(vsnap__json_len(snaps), sizeof(char *));
		if (!out->snapshots) {
			rc = vsnap__error_oom();
			goto cleanup;
		}
		for (const qjson *s = snaps->child; s; s = s->next) {
			const char *name = vsnap__json_get_str(s, "name");
			if (name && !(out->snapshots[out->nsnapshots++] = strdup(name))) {
				rc = vsnap__error_oom();
				goto cleanup;
			}
		}
	}
cleanup:
	if (rc < 0)
		vsnap__img_info_clear(out);
	vsnap__json_free(v);
	free(text);
	free(what);
	return rc;
}

void vsnap__img_info_clear(vsnap_img_info *info)
{
	free(info->format);
	free(info->backing);
	free(info->backing_format);
	for (size_t i = 0; i < info->nsnapshots; i++)
		free(info->snapshots[i]);
	free(info->snapshots);
	memset(info, 0, sizeof(*info));
}

int vsnap__img_has_snapshot(const vsnap_img_info *info, const char *tag)
{
	for (size_t i = 0; i < info->nsnapshots; i++)
		if (!strcmp(info->snapshots[i], tag))
			return 1;
	return 0;
}

static int snapshot_op(const char *op, const char *verb, const char *file, const char *tag)
{
	const char *argv[] = { qemu_img(), "snapshot", "-q", op, tag, file, NULL };
	char *what = NULL;
	int rc;

	if (asprintf(&what, "%s internal snapshot '%s' of '%s'", verb, tag, file) < 0)
		return vsnap__error_oom();
	rc = vsnap__run(NULL, argv, what);
	free(what);
	return rc;
}

int vsnap__img_snapshot_create(const char *file, const char *tag)
{
	return snapshot_op("-c", "creating", file, tag);
}

int vsnap__img_snapshot_apply(const char *file, const char *tag)
{
	return snapshot_op("-a", "applying", file, tag);
}

int vsnap__img_snapshot_delete(const char *file, const char *tag)
{
	return snapshot_op("-d", "deleting", file, tag);
}

int vsnap__img_create_overlay(const char *file, const char *backing, const char *backing_fmt)
{
	const char *argv[] = { qemu_img(), "create", "-q", "-f", "qcow2", "-b", backing, "-F",
		backing_fmt, file, NULL };
	char *what = NULL;
	int rc;

	if (asprintf(&what, "creating overlay '%s' on '%s'", file, backing) < 0)
		return vsnap__error_oom();
	rc = vsnap__run(NULL, argv, what);
	free(what);
	return rc;
}

int vsnap__img_commit(const char *file)
{
	const char *argv[] = { qemu_img(), "commit", "-q", "-f", "qcow2", file, NULL };
	char *what = NULL;
	int rc;

	if (asprintf(&what, "committing '%s' into its backing file", file) < 0)
		return vsnap__error_oom();
	rc = vsnap__run(NULL, argv, what);
	free(what);
	return rc;
}

int vsnap__img_rebase_unsafe(const char *file, const char *backing, const char *backing_fmt)
{
	const char *argv[] = { qemu_img(), "rebase", "-q", "-u", "-f", "qcow2", "-b", backing, "-F",
		backing_fmt, file, NULL };
	char *what = NULL;
	int rc;

	if (asprintf(&what, "pointing '%s' at backing file '%s'", file, backing) < 0)
		return vsnap__error_oom();
	rc = vsnap__run(NULL, argv, what);
	free(what);
	return rc;
}

int vsnap__img_check(const char *file)
{
	const char *argv[] = { qemu_img(), "check", "-q", "-U", file, NULL };
	char *what = NULL;
	int rc;

	if (asprintf(&what, "checking image '%s'", file) < 0)
		return vsnap__error_oom();
	rc = vsnap__run(NULL, argv, what);
	free(what);
	return rc;
}

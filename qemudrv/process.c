/* process.c: QEMU process launch and supervision. SPDX-License-Identifier: GPL-2.0-or-later */
#include "qemudrv/process.h"
#include "qemudrv/img.h"
#include "qemudrv/json.h"
#include "qemudrv/qmp.h"
#include "qemudrv/store.h"
#include "core/error.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *qemu_system(void)
{
	const char *p = getenv("VSNAP_QEMU_SYSTEM");
	return p && *p ? p : "qemu-system-x86_64";
}

/* -blockdev JSON for one disk: a format node over a file node (qcow2 backing opens itself). */
static char *blockdev_json(const vsnap_qemu_disk *d)
{
	vsnap__strbuf b = VSNAP__STRBUF_INIT;
	char *s;

	vsnap__strbuf_append(&b, "{\"driver\":");
	vsnap__json_put_str(&b, d->format);
	vsnap__strbuf_appendf(&b, ",\"node-name\":\"%s%s\",\"read-only\":%s,\"file\":{"
		"\"driver\":\"file\",\"node-name\":\"file-%s\",\"filename\":",
		VSNAP_QEMU_NODE_PREFIX, d->target, d->readonly ? "true" : "false", d->target);
	vsnap__json_put_str(&b, d->file);
	vsnap__strbuf_append(&b, "}}");
	return vsnap__strbuf_detach(&s, &b) < 0 ? NULL : s;
}

/* A value inside a QEMU option list ("k=v,k=v"): a ',' in it is written ",,". */
static char *opt_escape(const char *v)
{
	vsnap__strbuf b = VSNAP__STRBUF_INIT;
	char *s;

	for (const char *p = v; *p; p++)
		vsnap__strbuf_append_n(&b, *p == ',' ? ",," : p, *p == ',' ? 2 : 1);
	return vsnap__strbuf_detach(&s, &b) < 0 ? NULL : s;
}

int vsnap__qemu_launch(pid_t *pid_out, const vsnap_qemu_launch *l)
{
	/* Fixed arguments plus 4 per disk. */
	size_t max = 40 + 4 * l->ndisks, n = 0, ide = 0;
	const char **argv = calloc(max, sizeof(char *));
	char **owned = calloc(max, sizeof(char *));
	size_t nowned = 0;
	char *pidtext = NULL, *what = NULL;
	char *ename = opt_escape(l->name), *eqmp = opt_escape(l->qmp_path);
	int rc = 0;

	*pid_out = 0;
	if (!argv || !owned || !ename || !eqmp) {
		rc = vsnap__error_oom();
		goto cleanup;
	}
#define OWN(expr) do { char *s_ = (expr); if (!s_) { rc = vsnap__error_oom(); goto cleanup; } \
		owned[nowned++] = s_; argv[n++] = s_; } while (0)
#define FMT(...) do { char *f_ = NULL; if (asprintf(&f_, __VA_ARGS__) < 0) f_ = NULL; OWN(f_); } while (0)
	argv[n++] = qemu_system();
	argv[n++] = "-nodefaults";
	argv[n++] = "-no-user-config";
	argv[n++] = "-display";
	argv[n++] = "none";
	argv[n++] = "-machine";
	argv[n++] = "q35";
	argv[n++] = "-accel";
	argv[n++] = "tcg";
	argv[n++] = "-name";
	FMT("guest=%s", ename);
	argv[n++] = "-m";
	FMT("%llu", (l->memory_kib + 1023) / 1024);
	argv[n++] = "-smp";
	FMT("%u", l->vcpus ? l->vcpus : 1);
	argv[n++] = "-qmp";
	FMT("unix:%s,server=on,wait=off", eqmp);
	argv[n++] = "-pidfile";
	argv[n++] = l->pidfile;
	argv[n++] = "-daemonize";
	if (l->paused)
		argv[n++] = "-S";
	if (l->incoming) {
		argv[n++] = "-incoming";
		argv[n++] = "defer";
	}
	if (l->video) {
		argv[n++] = "-device";
		FMT("%s,id=video0", l->video);
	}
	for (size_t i = 0; i < l->ndisks; i++) {
		const vsnap_qemu_disk *d = &l->disks[i];
		argv[n++] = "-blockdev";
		OWN(blockdev_json(d));
		argv[n++] = "-device";
		if (d->cdrom)
			FMT("ide-cd,drive=%s%s,id=%s,bus=ide.%zu", VSNAP_QEMU_NODE_PREFIX, d->target,
				d->target, ide++);
		else
			FMT("virtio-blk-pci,drive=%s%s,id=%s", VSNAP_QEMU_NODE_PREFIX, d->target,
				d->target);
	}
	argv[n] = NULL;
#undef OWN
#undef FMT
	unlink(l->pidfile);
	unlink(l->qmp_path);
	if (asprintf(&what, "starting QEMU for domain '%s'", l->name) < 0) {
		rc = vsnap__error_oom();
		goto cleanup;
	}
	/* With -daemonize the parent returns once the guest is set up and QMP listens. */
	if ((rc = vsnap__run(NULL, argv, what)) < 0)
		goto cleanup;
	if ((rc = vsnap__store_read(&pidtext, l->pidfile)) < 0) {
		vsnap__error_prefix("QEMU for domain '%s' started but left no pid file", l->name);
		goto cleanup;
	}
	*pid_out = (pid_t)strtol(pidtext, NULL, 10);
	if (*pid_out <= 0)
		rc = vsnap__error_set(VSNAP_EQEMU, VSNAP_ERRCLASS_QEMU,
			"QEMU pid file '%s' holds no pid", l->pidfile);
cleanup:
	for (size_t i = 0; i < nowned; i++)
		free(owned[i]);
	free(owned);
	free(argv);
	free(pidtext);
	free(what);
	free(ename);
	free(eqmp);
	return rc;
}

int vsnap__qemu_alive(pid_t pid, const char *qmp_path)
{
	char path[64], *text = NULL;
	FILE *f;
	size_t n;
	int alive = 0;

	if (pid <= 0 || (kill(pid, 0) < 0 && errno == ESRCH))
		return 0;
	/* A zombie (reaped late by a lazy init) counts as dead. */
	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if ((f = fopen(path, "re"))) {
		char buf[512];
		n = fread(buf, 1, sizeof(buf) - 1, f);
		buf[n] = '\0';
		fclose(f);
		char *rp = strrchr(buf, ')');
		if (rp && rp[1] == ' ' && (rp[2] == 'Z' || rp[2] == 'X'))
			return 0;
	}
	snprintf(path, sizeof(path), "/proc/%ld/cmdline", (long)pid);
	if (!(f = fopen(path, "re")))
		return 0;
	text = calloc(1, 65536);
	/* The -qmp argument holds the path with each ',' doubled. */
	char *esc = opt_escape(qmp_path);
	if (text && esc) {
		n = fread(text, 1, 65535, f);
		/* Arguments are NUL-separated: look for the QMP path in any of them. */
		for (size_t i = 0; i < n; i += strlen(text + i) + 1)
			if (strstr(text + i, esc))
				alive = 1;
	}
	fclose(f);
	free(text);
	free(esc);
	return alive;
}

int vsnap__qemu_kill(pid_t pid, const char *name, unsigned int grace_ms)
{
	long long start = vsnap__now_ms();
	int sig = SIGTERM;

	if (pid <= 0)
		return 0;
	kill(pid, SIGTERM);
	for (;;) {
		char path[64];
		FILE *f;
		int gone = kill(pid, 0) < 0 && errno == ESRCH;
		snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
		if (!gone && (f = fopen(path, "re"))) {
			char buf[512];
			size_t n = fread(buf, 1, sizeof(buf) - 1, f);
			buf[n] = '\0';
			fclose(f);
			char *rp = strrchr(buf, ')');
			gone = rp && rp[1] == ' ' && (rp[2] == 'Z' || rp[2] == 'X');
		}
		if (gone)
			return 0;
		long long t = vsnap__now_ms() - start;
		if (t > grace_ms && sig == SIGTERM) {
			kill(pid, SIGKILL);
			sig = SIGKILL;
		}
		if (t > grace_ms + 10000)
			return vsnap__error_set(VSNAP_ETIMEOUT, VSNAP_ERRCLASS_QEMU,
				"QEMU (pid %ld) of domain '%s' did not exit after SIGKILL", (long)pid, name);
		struct timespec ts = { 0, 2 * 1000000L };
		nanosleep(&ts, NULL);
	}
}

/* qmp.c: a blocking QMP client with deadlines. SPDX-License-Identifier: GPL-2.0-or-later */
#include "qemudrv/qmp.h"
#include "core/error.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* QMP replies to a command are rarely slower than this; jobs have their own timeouts. */
#define QMP_REPLY_TIMEOUT_MS 30000

struct vsnap_qmp {
	int fd;
	char *path;
	vsnap__strbuf in;
	unsigned long *counter;
};

long long vsnap__now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static int try_connect(int *fd_out, const char *path)
{
	struct sockaddr_un sa;
	int fd;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path))
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_QEMU,
			"QMP socket path '%s' is longer than %zu bytes", path, sizeof(sa.sun_path) - 1);
	memcpy(sa.sun_path, path, strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return vsnap__error_os("socket for QMP '%s'", path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;
		close(fd);
		return vsnap__error_set(VSNAP_ENETWORK, VSNAP_ERRCLASS_QEMU,
			"cannot connect to QMP socket '%s': %s", path, strerror(e));
	}
	*fd_out = fd;
	return 0;
}

/* Reads one line (a JSON message) into *line, waiting until `deadline`. */
static int read_line(char **line, vsnap_qmp *q, long long deadline)
{
	for (;;) {
		char *nl = q->in.ptr ? memchr(q->in.ptr, '\n', q->in.len) : NULL;
		if (nl) {
			size_t n = (size_t)(nl - q->in.ptr);
			char *l = strndup(q->in.ptr, n);
			if (!l)
				return vsnap__error_oom();
			memmove(q->in.ptr, nl + 1, q->in.len - n - 1);
			q->in.len -= n + 1;
			q->in.ptr[q->in.len] = '\0';
			*line = l;
			return 0;
		}
		long long left = deadline - vsnap__now_ms();
		if (left <= 0)
			return vsnap__error_set(VSNAP_ETIMEOUT, VSNAP_ERRCLASS_QEMU,
				"QMP '%s': no reply in time", q->path);
		struct pollfd pfd = { q->fd, POLLIN, 0 };
		int pr = poll(&pfd, 1, (int)left);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr < 0)
			return vsnap__error_os("poll on QMP '%s'", q->path);
		if (pr == 0)
			continue;
		char chunk[4096];
		ssize_t r = read(q->fd, chunk, sizeof(chunk));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return vsnap__error_set(VSNAP_ENETWORK, VSNAP_ERRCLASS_QEMU,
				"QMP '%s': QEMU closed the connection%s", q->path, r < 0 ? " (error)" : "");
		vsnap__strbuf_append_n(&q->in, chunk, (size_t)r);
		if (vsnap__strbuf_check(&q->in) < 0)
			return VSNAP_ENOMEM;
	}
}

static int write_all(vsnap_qmp *q, const char *s, size_t n)
{
	while (n) {
		/* send(MSG_NOSIGNAL): a QEMU that went away is an error, not a SIGPIPE that
		 * kills the program using the library. */
		ssize_t w = send(q->fd, s, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return vsnap__error_set(VSNAP_ENETWORK, VSNAP_ERRCLASS_QEMU,
				"QMP '%s': write failed: %s", q->path, strerror(errno));
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Reads messages until one that is not an event; returns it parsed. */
static int read_reply(qjson **msg, vsnap_qmp *q)
{
	long long deadline = vsnap__now_ms() + QMP_REPLY_TIMEOUT_MS;

	for (;;) {
		char *line = NULL;
		qjson *v = NULL;
		int rc;

		if ((rc = read_line(&line, q, deadline)) < 0)
			return rc;
		rc = vsnap__json_parse(&v, line, strlen(line), "QMP reply");
		free(line);
		if (rc < 0)
			return rc;
		if (vsnap__json_get(v, "event")) {
			vsnap__json_free(v);
			continue;
		}
		*msg = v;
		return 0;
	}
}

int vsnap__qmp_open(vsnap_qmp **out, const char *path, unsigned int timeout_ms,
	unsigned long *counter)
{
	long long deadline = vsnap__now_ms() + timeout_ms;
	vsnap_qmp *q = calloc(1, sizeof(*q));
	qjson *greeting = NULL;
	int rc;

	*out = NULL;
	if (!q || !(q->path = strdup(path))) {
		free(q);
		return vsnap__error_oom();
	}
	q->fd = -1;
	q->counter = counter;
	/* QEMU may still be creating the socket: retry until the deadline. */
	while ((rc = try_connect(&q->fd, path)) < 0) {
		if (rc != VSNAP_ENETWORK || vsnap__now_ms() >= deadline)
			goto error;
		sleep_ms(5);
	}
	if ((rc = read_reply(&greeting, q)) < 0)
		goto error;
	if (!vsnap__json_get(greeting, "QMP")) {
		rc = vsnap__error_set(VSNAP_EQEMU, VSNAP_ERRCLASS_QEMU,
			"QMP '%s': the first message is not a QMP greeting", path);
		goto error;
	}
	if ((rc = vsnap__qmp_run(NULL, q, "qmp_capabilities", NULL)) < 0)
		goto error;
	vsnap__json_free(greeting);
	*out = q;
	return 0;
error:
	vsnap__json_free(greeting);
	vsnap__qmp_close(q);
	return rc;
}

void vsnap__qmp_close(vsnap_qmp *q)
{
	if (!q)
		return;
	if (q->fd >= 0)
		close(q->fd);
	vsnap__strbuf_clear(&q->in);
	free(q->path);
	free(q);
}

int vsnap__qmp_run(qjson **reply, vsnap_qmp *q, const char *cmd, const char *args)
{
	vsnap__strbuf b = VSNAP__STRBUF_INIT;
	qjson *msg = NULL;
	const qjson *ret, *err;
	int rc;

	if (reply)
		*reply = NULL;
	vsnap__strbuf_append(&b, "{\"execute\":");
	vsnap__json_put_str(&b, cmd);
	if (args)
		vsnap__strbuf_appendf(&b, ",\"arguments\":%s", args);
	vsnap__strbuf_append(&b, "}\n");
	if ((rc = vsnap__strbuf_check(&b)) < 0) {
		vsnap__strbuf_clear(&b);
		return rc;
	}
	if (q->counter)
		(*q->counter)++;
	rc = write_all(q, b.ptr, b.len);
	vsnap__strbuf_clear(&b);
	if (rc < 0 || (rc = read_reply(&msg, q)) < 0)
		return rc;
	if ((err = vsnap__json_get(msg, "error"))) {
		const char *cls = vsnap__json_get_str(err, "class");
		const char *desc = vsnap__json_get_str(err, "desc");
		rc = vsnap__error_set_fault(VSNAP_EQEMU, VSNAP_ERRCLASS_QEMU, cls,
			"QEMU refused '%s': %s", cmd, desc ? desc : "(no description)");
		vsnap__json_free(msg);
		return rc;
	}
	if (!(ret = vsnap__json_get(msg, "return"))) {
		vsnap__json_free(msg);
		return vsnap__error_set(VSNAP_EQEMU, VSNAP_ERRCLASS_QEMU,
			"QMP '%s': reply to '%s' has neither return nor error", q->path, cmd);
	}
	if (reply) {
		/* Detach the "return" member from the message so it can be kept alone. */
		qjson **pp = &msg->child;
		while (*pp != ret)
			pp = &(*pp)->next;
		*pp = ret->next;
		((qjson *)ret)->next = NULL;
		*reply = (qjson *)ret;
	}
	vsnap__json_free(msg);
	return 0;
}

/* The query-jobs entry with id `id`, or NULL; `jobs` is the reply. */
static const qjson *find_job(const qjson *jobs, const char *id)
{
	for (const qjson *j = jobs ? jobs->child : NULL; j; j = j->next) {
		const char *jid = vsnap__json_get_str(j, "id");
		if (jid && !strcmp(jid, id))
			return j;
	}
	return NULL;
}

static int job_poll(vsnap_qmp *q, const char *id, int complete, const char *what,
	unsigned int timeout_ms)
{
	long long deadline = vsnap__now_ms() + timeout_ms;
	int completed = 0, delay = 1;
	char args[256];
	int rc;

	for (;;) {
		qjson *jobs = NULL;
		const qjson *job;
		const char *status;

		if ((rc = vsnap__qmp_run(&jobs, q, "query-jobs", NULL)) < 0)
			return rc;
		job = find_job(jobs, id);
		status = job ? vsnap__json_get_str(job, "status") : NULL;
		if (!job) {
			vsnap__json_free(jobs);
			return vsnap__error_set(VSNAP_EQEMU, VSNAP_ERRCLASS_QEMU,
				"%s: QEMU job '%s' vanished", what, id);
		}
		if (status && !strcmp(status, "concluded")) {
			const char *e = vsnap__json_get_str(job, "error");
			rc = e ? vsnap__error_set(VSNAP_EQEMU, VSNAP_ERRCLASS_QEMU, "%s: %s", what, e) : 0;
			vsnap__json_free(jobs);
			snprintf(args, sizeof(args), "{\"id\":\"%s\"}", id);
			if (vsnap__qmp_run(NULL, q, "job-dismiss", args) < 0 && rc == 0)
				return vsnap__error_prefix("%s", what);
			return rc;
		}
		if (status && !strcmp(status, "ready") && complete && !completed) {
			snprintf(args, sizeof(args), "{\"id\":\"%s\"}", id);
			if ((rc = vsnap__qmp_run(NULL, q, "job-complete", args)) < 0) {
				vsnap__json_free(jobs);
				return vsnap__error_prefix("%s", what);
			}
			completed = 1;
		}
		vsnap__json_free(jobs);
		if (vsnap__now_ms() >= deadline)
			return vsnap__error_set(VSNAP_ETIMEOUT, VSNAP_ERRCLASS_QEMU,
				"%s: QEMU job '%s' did not finish within %u ms", what, id, timeout_ms);
		sleep_ms(delay);
		/* Short polls: a job's end is noticed within 4 ms (one query is ~0.1 ms of QEMU). */
		if (delay < 4)
			delay *= 2;
	}
}

int vsnap__qmp_job_wait(vsnap_qmp *q, const char *id, const char *what, unsigned int timeout_ms)
{
	return job_poll(q, id, 0, what, timeout_ms);
}

int vsnap__qmp_block_job_wait(vsnap_qmp *q, const char *id, int complete, const char *what,
	unsigned int timeout_ms)
{
	return job_poll(q, id, complete, what, timeout_ms);
}

int vsnap__qmp_migrate_wait(vsnap_qmp *q, const char *what, unsigned int timeout_ms)
{
	long long deadline = vsnap__now_ms() + timeout_ms;
	int delay = 1, rc;

	for (;;) {
		qjson *st = NULL;
		const char *s;

		if ((rc = vsnap__qmp_run(&st, q, "query-migrate", NULL)) < 0)
			return rc;
		s = vsnap__json_get_str(st, "status");
		if (s && !strcmp(s, "completed")) {
			vsnap__json_free(st);
			return 0;
		}
		if (s && (!strcmp(s, "failed") || !strcmp(s, "cancelled"))) {
			const char *e = vsnap__json_get_str(st, "error-desc");
			rc = vsnap__error_set(VSNAP_EQEMU, VSNAP_ERRCLASS_QEMU, "%s: migration %s: %s",
				what, s, e ? e : "(no description)");
			vsnap__json_free(st);
			return rc;
		}
		vsnap__json_free(st);
		if (vsnap__now_ms() >= deadline)
			return vsnap__error_set(VSNAP_ETIMEOUT, VSNAP_ERRCLASS_QEMU,
				"%s: migration did not finish within %u ms", what, timeout_ms);
		sleep_ms(delay);
		/* Short polls: a job's end is noticed within 4 ms (one query is ~0.1 ms of QEMU). */
		if (delay < 4)
			delay *= 2;
	}
}

int vsnap__qmp_status(char **out, vsnap_qmp *q)
{
	qjson *st = NULL;
	const char *s;
	int rc;

	*out = NULL;
	if ((rc = vsnap__qmp_run(&st, q, "query-status", NULL)) < 0)
		return rc;
	s = vsnap__json_get_str(st, "status");
	*out = strdup(s ? s : "unknown");
	vsnap__json_free(st);
	return *out ? 0 : vsnap__error_oom();
}

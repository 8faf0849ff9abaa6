/*
 * clirun.c: see clirun.h. fork + exec with pipes, or forkpty() for the terminal case.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli_tasks/clirun.h"

long long cr_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int cr_port_of(const char *url)
{
	const char *p = strrchr(url, ':');

	return p ? atoi(p + 1) : 0;
}

static void exec_cli(const char *const *args)
{
	const char *bin = getenv("VSNAP_BIN");
	const char *argv[32];
	size_t n = 0;

	argv[n++] = bin ? bin : "vsnap";
	while (args[n - 1] && n < 31) {
		argv[n] = args[n - 1];
		n++;
	}
	argv[n] = NULL;
	execv(argv[0], (char *const *)argv);
	fprintf(stderr, "clirun: cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

int cr_start(cr_proc *p, int tty, const char *const *args)
{
	int out[2] = { -1, -1 }, err[2] = { -1, -1 };

	memset(p, 0, sizeof(*p));
	p->tty = tty;
	p->out_fd = p->err_fd = -1;
	p->status = -1;
	p->started_ms = cr_now_ms();
	fflush(NULL);
	if (tty) {
		struct winsize ws = { 24, 100, 0, 0 };
		int master;

		if ((p->pid = forkpty(&master, NULL, NULL, &ws)) < 0) {
			perror("clirun: forkpty");
			return -1;
		}
		if (p->pid == 0)
			exec_cli(args);
		p->out_fd = master;
		return 0;
	}
	if (pipe(out) < 0 || pipe(err) < 0) {
		perror("clirun: pipe");
		return -1;
	}
	if ((p->pid = fork()) < 0) {
		perror("clirun: fork");
		return -1;
	}
	if (p->pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		/* stdin from /dev/null: no password prompt, as in a script or a CI job */
		dup2(null, 0);
		dup2(out[1], 1);
		dup2(err[1], 2);
		exec_cli(args);
	}
	close(out[1]);
	close(err[1]);
	p->out_fd = out[0];
	p->err_fd = err[0];
	return 0;
}

/* Reads what is there from fd into buf; closes the fd (sets -1) at EOF or error. */
static void drain(int *fd, char *buf, size_t *len, size_t cap)
{
	char tmp[4096];
	ssize_t n = read(*fd, tmp, sizeof(tmp));

	if (n <= 0) {
		/* EIO: the terminal's slave side is closed (the child is gone) */
		if (n == 0 || errno != EINTR) {
			close(*fd);
			*fd = -1;
		}
		return;
	}
	if ((size_t)n > cap - 1 - *len)
		n = (ssize_t)(cap - 1 - *len);
	memcpy(buf + *len, tmp, (size_t)n);
	*len += (size_t)n;
	buf[*len] = '\0';
}

static int reap(cr_proc *p, int block)
{
	int st;
	pid_t r;

	if (p->status >= 0)
		return 1;
	r = waitpid(p->pid, &st, block ? 0 : WNOHANG);
	if (r != p->pid)
		return 0;
	p->ended_ms = cr_now_ms();
	p->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return 1;
}

int cr_pump(cr_proc *p, int ms)
{
	long long end = cr_now_ms() + ms;

	for (;;) {
		struct pollfd f[2] = { { p->out_fd, POLLIN, 0 }, { p->err_fd, POLLIN, 0 } };
		long long left = end - cr_now_ms();

		if (p->out_fd < 0 && p->err_fd < 0) {
			/* both streams closed: the child is exiting; reap it without a long block */
			while (!reap(p, 0) && cr_now_ms() < end)
				usleep(5000);
			return p->status >= 0;
		}
		if (left <= 0)
			return reap(p, 0);
		if (poll(f, 2, (int)(left > 100 ? 100 : left)) < 0 && errno != EINTR)
			return reap(p, 0);
		if (p->out_fd >= 0 && f[0].revents)
			drain(&p->out_fd, p->out, &p->out_len, sizeof(p->out));
		if (p->err_fd >= 0 && f[1].revents)
			drain(&p->err_fd, p->err, &p->err_len, sizeof(p->err));
		/* a grandchild could keep a pipe open: the child's exit is what counts */
		if (reap(p, 0) && p->out_fd < 0 && p->err_fd < 0)
			return 1;
		if (p->status >= 0 && (p->tty || cr_now_ms() > p->ended_ms + 200)) {
			/* the terminal master may not report EOF; collect what is left and stop */
			if (p->out_fd >= 0)
				while (poll(f, 1, 50) > 0 && p->out_fd >= 0)
					drain(&p->out_fd, p->out, &p->out_len, sizeof(p->out));
			return 1;
		}
	}
}

int cr_wait(cr_proc *p, int timeout_ms)
{
	int done = cr_pump(p, timeout_ms);

	if (!done) {
		fprintf(stderr, "clirun: the CLI (pid %d) still runs after %d ms; killing it\n",
			(int)p->pid, timeout_ms);
		kill(p->pid, SIGKILL);
		reap(p, 1);
	}
	if (p->out_fd >= 0)
		close(p->out_fd);
	if (p->err_fd >= 0)
		close(p->err_fd);
	p->out_fd = p->err_fd = -1;
	return done ? p->status : -1;
}

void cr_signal(cr_proc *p, int sig)
{
	if (p->pid > 0 && p->status < 0)
		kill(p->pid, sig);
}

long long cr_elapsed_ms(const cr_proc *p)
{
	return (p->status >= 0 ? p->ended_ms : cr_now_ms()) - p->started_ms;
}

/*
 * clirun.h: run the vsnap CLI as a real child process for the CLI task tests: either with
 * stdout and stderr on two pipes, or with all three standard streams on a pseudo-terminal (as
 * an interactive user has them). The output is collected while the child runs, so a test can
 * signal it half-way (Ctrl-C) and still see everything it printed. Every wait is bounded.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_TESTS_CLIRUN_H
#define VSNAP_TESTS_CLIRUN_H

#include <stddef.h>
#include <sys/types.h>

typedef struct {
	pid_t pid;
	int tty;                /* the child runs on a pseudo-terminal */
	int out_fd, err_fd;     /* pipes (tty: out_fd is the terminal master, err_fd -1) */
	char out[65536];        /* stdout (tty: everything the terminal showed) */
	size_t out_len;
	char err[65536];        /* stderr (tty: empty) */
	size_t err_len;
	long long started_ms;
	long long ended_ms;     /* when the child was reaped */
	int status;             /* exit code; 128+N when killed by signal N; -1 still running */
} cr_proc;

/*
 * Starts $VSNAP_BIN with `args` (NULL-terminated, without argv[0]). `tty`: on a pseudo-terminal.
 * 0, or -1 with a message on stderr.
 */
int cr_start(cr_proc *p, int tty, const char *const *args);

/* Collects output for up to `ms` milliseconds or until the child exits. 1 exited, 0 not yet. */
int cr_pump(cr_proc *p, int ms);

/*
 * Waits (collecting output) until the child exits, at most `timeout_ms`; on expiry the child
 * is SIGKILLed and -1 returned. Else its status (see cr_proc.status).
 */
int cr_wait(cr_proc *p, int timeout_ms);

/* Sends `sig` to the child (by its PID). */
void cr_signal(cr_proc *p, int sig);

/* Milliseconds from start to exit (or to now while it runs). */
long long cr_elapsed_ms(const cr_proc *p);

/* Monotonic clock in milliseconds. */
long long cr_now_ms(void);

/* 127.0.0.1:port of "scheme://127.0.0.1:PORT/..." (0 if none). */
int cr_port_of(const char *url);

#endif

/* Shared CLI helpers: option parsing, errors, input files, JSON strings, connections.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "cli.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

int cli_fail(const char *what)
{
	const vsnap_error *e = vsnap_error_last();

	cli_progress_done();   /* the error starts a line of its own, not the bar's */
	if (what)
		fprintf(stderr, "error: %s: %s\n", what, e->message);
	else
		fprintf(stderr, "error: %s\n", e->message);
	return CLI_ERROR;
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fputs("error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\ntry 'vsnap help%s%s'\n", cmd ? " " : "", cmd ? cmd : "");
	return CLI_USAGE;
}

const cli_opt *cli_opt_get(const cli_opt *opts, size_t nopts, const char *name)
{
	for (size_t i = 0; i < nopts; i++)
		if (strcmp(opts[i].name, name) == 0)
			return opts[i].seen ? &opts[i] : NULL;
	return NULL;
}

int cli_parse(const char *cmd, int argc, char **argv, cli_opt *opts, size_t nopts,
	char **pos, int maxpos)
{
	int npos = 0;
	int only_pos = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (only_pos || a[0] != '-' || a[1] != '-' || (a[0] == '-' && a[1] == '\0')) {
			if (!only_pos && a[0] == '-' && a[1] != '\0' && a[1] != '-')
				return cli_usage(cmd, "%s: unknown option '%s'", cmd, a), -1;
			if (npos >= maxpos)
				return cli_usage(cmd, "%s: unexpected argument '%s'", cmd, a), -1;
			pos[npos++] = argv[i];
			continue;
		}
		if (a[2] == '\0') {
			only_pos = 1;
			continue;
		}
		const char *name = a + 2;
		const char *eq = strchr(name, '=');
		size_t len = eq ? (size_t)(eq - name) : strlen(name);
		cli_opt *o = NULL;
		for (size_t k = 0; k < nopts; k++)
			if (strlen(opts[k].name) == len && strncmp(opts[k].name, name, len) == 0)
				o = &opts[k];
		if (!o)
			return cli_usage(cmd, "%s: unknown option '--%.*s'", cmd, (int)len, name), -1;
		if (o->takes_value) {
			if (eq)
				o->value = eq + 1;
			else if (i + 1 < argc)
				o->value = argv[++i];
			else
				return cli_usage(cmd, "%s: option '--%s' needs a value", cmd, o->name), -1;
		} else {
			if (eq)
				return cli_usage(cmd, "%s: option '--%s' takes no value", cmd, o->name), -1;
			o->value = "";
		}
		o->seen = 1;
	}
	return npos;
}

int cli_read_file(char **out, size_t *len, const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0;

	*out = NULL;
	if (!f) {
		fprintf(stderr, "error: cannot open '%s': %s\n", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (cap - n < 4096) {
			char *nb = realloc(buf, cap ? cap * 2 : 8192);
			if (!nb) {
				free(buf);
				if (f != stdin)
					fclose(f);
				fprintf(stderr, "error: out of memory reading '%s'\n", path);
				return -1;
			}
			buf = nb;
			cap = cap ? cap * 2 : 8192;
		}
		size_t got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	int failed = ferror(f);
	if (f != stdin)
		fclose(f);
	if (failed) {
		free(buf);
		fprintf(stderr, "error: cannot read '%s'\n", path);
		return -1;
	}
	buf[n] = '\0';
	*out = buf;
	if (len)
		*len = n;
	return 0;
}

void cli_json_string(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			if (*p < 0x20)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

/* Reads a password from the terminal without echo. */
static int prompt_password(char *buf, size_t size, const char *user, const char *host,
	void *payload)
{
	struct termios old, quiet;
	FILE *tty = fopen("/dev/tty", "r+");
	int ok;

	(void)payload;
	if (!tty)
		return -1;
	fprintf(tty, "Enter %s's password for %s: ", user ? user : "root", host ? host : "host");
	fflush(tty);
	int have_term = tcgetattr(fileno(tty), &old) == 0;
	if (have_term) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
	}
	ok = fgets(buf, (int)size, tty) != NULL;
	if (have_term)
		tcsetattr(fileno(tty), TCSAFLUSH, &old);
	fputc('\n', tty);
	fclose(tty);
	if (!ok)
		return -1;
	buf[strcspn(buf, "\r\n")] = '\0';
	return 0;
}

static int progress_shown;

/*
 * A one-line bar on stderr when it is a terminal: "[####......]  30% <what>". The bar comes
 * first so that it stays whole; the label (the library's description of the operation) is cut
 * to the terminal's width, because a wrapped line cannot be redrawn with a carriage return.
 */
static void show_progress(int percent, const char *what, void *payload)
{
	struct winsize ws;
	int cols = ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 ? ws.ws_col : 80;
	int room = cols - 1 - (1 + 30 + 1 + 5 + 1);

	(void)payload;
	if (percent < 0)
		percent = 0;
	if (percent > 100)
		percent = 100;
	int filled = percent * 30 / 100;
	fputs("\r[", stderr);
	for (int i = 0; i < 30; i++)
		fputc(i < filled ? '#' : '.', stderr);
	fprintf(stderr, "] %3d%%", percent);
	if (room > 0)
		fprintf(stderr, " %.*s", room, what ? what : "task");
	/* erase what a longer label of an earlier task left on the line */
	fputs("\033[K", stderr);
	fflush(stderr);
	progress_shown = 1;
}

void cli_progress_done(void)
{
	if (progress_shown)
		fputc('\n', stderr);
	progress_shown = 0;
}

static vsnap_conn *volatile interrupt_conn;
static volatile sig_atomic_t interrupts;

/*
 * The first Ctrl-C asks the library to stop (it cancels the ESX task and logs out, and the
 * command reports it); a second one, when that takes too long, quits at once.
 */
static void on_interrupt(int sig)
{
	static const char msg[] = "\nvsnap: interrupted again: quitting without waiting for "
		"the cancel (the task may still run on the host)\n";

	if (interrupts++) {
		ssize_t ignored = write(STDERR_FILENO, msg, sizeof(msg) - 1);

		(void)ignored;
		_exit(128 + sig);
	}
	if (interrupt_conn)
		vsnap_conn_cancel(interrupt_conn);
}

/* The library never prints: its warnings (an unsafe session file...) come here. */
static void show_warning(const char *message, void *payload)
{
	(void)payload;
	fprintf(stderr, "warning: %s\n", message);
}

int cli_connect(cli_ctx *ctx)
{
	vsnap_conn_options opts;

	if (ctx->conn)
		return 0;
	vsnap_conn_options_init(&opts, VSNAP_CONN_OPTIONS_VERSION);
	opts.auth_file = ctx->auth_file;
	opts.timeout_ms = ctx->timeout_ms;
	/*
	 * "Give up after SECONDS" holds while connecting too: a host that takes the TCP
	 * connection but never finishes the TLS handshake would else keep us for the library's
	 * 30 s connect timeout (libcurl's connect timeout covers the handshake). A longer
	 * --timeout keeps that default: no point waiting minutes for a handshake.
	 */
	if (ctx->timeout_ms && ctx->timeout_ms < 30000)
		opts.connect_timeout_ms = ctx->timeout_ms;
	opts.record_dir = ctx->record_dir;
	opts.replay_dir = ctx->replay_dir;
	/* Keep the ESX session for the next run, as govc does (off: --no-session-cache or
	 * VSNAP_SESSION_CACHE=0, which the library checks). */
	if (!ctx->no_session_cache)
		opts.flags |= VSNAP_CONN_SESSION_CACHE;
	opts.warning_cb = show_warning;
	/* --debug: the driver's request log (secrets redacted) goes to stderr. */
	if (ctx->debug)
		opts.log_file = "/dev/stderr";
	if (isatty(STDIN_FILENO))
		opts.password_cb = prompt_password;
	if (isatty(STDERR_FILENO) && !ctx->quiet && !ctx->json)
		opts.progress_cb = show_progress;
	if (vsnap_conn_open(&ctx->conn, ctx->uri, &opts))
		return cli_fail(NULL);
	interrupt_conn = ctx->conn;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_interrupt;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	return 0;
}

void cli_disconnect(cli_ctx *ctx)
{
	interrupt_conn = NULL;
	vsnap_conn_close(ctx->conn);
	ctx->conn = NULL;
}

int cli_domain(vsnap_domain **out, cli_ctx *ctx, const char *key)
{
	int rc = cli_connect(ctx);

	if (rc)
		return rc;
	if (vsnap_domain_lookup(out, ctx->conn, key))
		return cli_fail(NULL);
	return 0;
}

/*
 * The vsnap CLI: a thin layer over libvsnap. Each tools/cmd_*.c file defines a table of
 * commands; tools/vsnap.c lists the tables. Commands print; the library never does.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_TOOLS_CLI_H
#define VSNAP_TOOLS_CLI_H

#include <stdio.h>
#include "vsnap/vsnap.h"

/* Exit statuses (documented in vsnap(1)). */
enum { CLI_OK = 0, CLI_ERROR = 1, CLI_USAGE = 2 };

typedef struct cli_ctx cli_ctx;

/* Global state shared by every command. */
struct cli_ctx {
	const char *uri;        /* -c/--connect, else $VSNAP_DEFAULT_URI */
	int json;               /* --json */
	int quiet;              /* -q */
	int debug;              /* --debug */
	const char *auth_file;  /* --auth-file */
	unsigned int timeout_ms;/* --timeout SECONDS */
	const char *record_dir; /* --record DIR */
	const char *replay_dir; /* --replay DIR */
	vsnap_conn *conn;       /* opened lazily by cli_connect() */
	int no_session_cache;   /* --no-session-cache */
};

typedef struct {
	const char *name;
	const char *alias;      /* another name, or NULL */
	const char *synopsis;   /* "DOMAIN [NAME] [DESCRIPTION] [--disk-only] ..." */
	const char *help;       /* one paragraph */
	int (*run)(cli_ctx *ctx, int argc, char **argv);   /* argv[0] is the command name */
} cli_command;

/* Opens ctx->conn if needed (prompting for a password on a TTY). Prints the error itself. */
int cli_connect(cli_ctx *ctx);
/* Closes ctx->conn (logging out). */
void cli_disconnect(cli_ctx *ctx);
/* The progress bar's label in the command's words ("reverting 'web' to snapshot 's1'"),
 * shown instead of the library's description of the task. */
void cli_progress_label(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Ends a progress bar line if one was drawn. */
void cli_progress_done(void);
/* Looks up a domain on ctx->conn, printing the error itself. */
int cli_domain(vsnap_domain **out, cli_ctx *ctx, const char *key);
/* Prints "error: <message>" for the last library error and returns CLI_ERROR. */
int cli_fail(const char *what);
/* As cli_fail(NULL), with "(<hint>)" after the message: the CLI's advice, not the library's. */
int cli_fail_hint(const char *hint);
/* Prints "error: <fmt>" (a JSON object on stdout with --json: cli_set_json_errors). */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_set_json_errors(int on);
/* Prints "error: <fmt>" and "try 'vsnap help CMD'" and returns CLI_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Reads a whole file, "-" meaning stdin. Returns 0 or prints the error and returns -1. */
int cli_read_file(char **out, size_t *len, const char *path);
/* Writes a JSON string literal (quotes and escapes) to f. */
void cli_json_string(FILE *f, const char *s);

/*
 * Option parsing shared by commands: walks argv[1..], splitting "--opt=value", and gives
 * positional arguments back in order. A tiny getopt_long for command-level options.
 */
typedef struct {
	const char *name;       /* "disk-only" (without dashes) */
	int takes_value;        /* 0 flag, 1 one value, CLI_OPT_REPEAT any number of values */
	const char *value;      /* set when seen; "" for flags; the last one when repeated */
	int seen;
} cli_opt;
#define CLI_OPT_REPEAT 2
/*
 * Returns the number of positional slots put in pos[] (at most maxpos), or -1 on a usage error
 * (already printed). As in virsh, a command's positional arguments also have option names
 * (tools/cli_parse.c lists them: "--domain", "--snapshotname"...), so a slot may be filled
 * by name in any order; an optional slot left empty while a later one is filled is NULL.
 * A required slot left empty before a filled one is a usage error.
 */
int cli_parse(const char *cmd, int argc, char **argv, cli_opt *opts, size_t nopts,
	char **pos, int maxpos);
/* As cli_parse without virsh's positional slots: every positional argument goes to pos[] in
 * order and every "--opt" must be one of opts (the fleet forms, whose positionals are all
 * domains). */
int cli_parse_list(const char *cmd, int argc, char **argv, cli_opt *opts, size_t nopts,
	char **pos, int maxpos);
/* The values of a CLI_OPT_REPEAT option in order (valid until the next cli_parse). */
const char *const *cli_opt_values(const cli_opt *opt, size_t *count);
/* The option names of a command's positional slots ("domain", "?snapshotname" = optional),
 * NULL-terminated, or NULL when the command has none (completion and docs use them). */
const char *const *cli_positional_names(const char *cmd);
const cli_opt *cli_opt_get(const cli_opt *opts, size_t nopts, const char *name);

/* Prints what the XPath expression selects in xml (virsh's --xpath; --wrap puts the nodes in
 * one <nodes> element). Returns a CLI exit status, printing any error. */
int cli_print_xpath(const char *xml, const char *expr, int wrap);

/* Command tables; each ends with an entry whose name is NULL. */
extern const cli_command cli_vmx_commands[];
extern const cli_command cli_domain_commands[];
extern const cli_command cli_snapshot_commands[];
extern const cli_command cli_snapshot_change_commands[];
extern const cli_command cli_screenshot_commands[];
extern const cli_command cli_check_commands[];
extern const cli_command cli_snapshot_move_commands[];
extern const cli_command cli_session_commands[];

/* cmd_session.c: runs `line` (one or more ';'/newline-separated commands, virsh quoting) over
 * ctx's one connection; stops at the first failing command and returns its status. */
int cli_run_line(cli_ctx *ctx, const char *line);
/* tools/vsnap.c: runs one command given as argv (argv[0] its name). */
int cli_run_argv(cli_ctx *ctx, int argc, char **argv);

#endif

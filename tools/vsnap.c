/* vsnap: command-line front end, a thin layer over libvsnap.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "cli.h"
#include "selection.h"

#include <stdlib.h>
#include <string.h>

static const cli_command *const tables[] = {
	cli_domain_commands, cli_snapshot_change_commands, cli_snapshot_commands, cli_vmx_commands,
	cli_snapshot_move_commands, cli_session_commands, cli_fleet_commands,
	cli_screenshot_commands, cli_check_commands,
	NULL,
};

/*
 * Commands with no JSON output refuse --json instead of ignoring it. Listed by name (opt-out)
 * so that a new command that prints JSON needs no entry here.
 */
static const char *const no_json[] = {
	"dumpxml", "snapshot-dumpxml",
	/* (the translators, vmx2xml and the like, wrap their XML and warnings in JSON) */
	"define", "undefine", "start", "shutdown", "destroy", "suspend", "resume", "reset",
	"snapshot-revert", "snapshot-delete", "snapshot-edit", "snapshot-rename",
	"snapshot-delete-all", "remove-all", "logout", NULL,
};

static int prints_xml(const char *name)
{
	for (size_t i = 0; i < 2; i++)
		if (strcmp(no_json[i], name) == 0)
			return 1;
	return 0;
}

static int has_json_output(const char *name)
{
	for (size_t i = 0; no_json[i]; i++)
		if (strcmp(no_json[i], name) == 0)
			return 0;
	return 1;
}

static const cli_command *find_command(const char *name)
{
	for (size_t t = 0; tables[t]; t++)
		for (const cli_command *c = tables[t]; c->name; c++)
			if (strcmp(c->name, name) == 0 || (c->alias && strcmp(c->alias, name) == 0))
				return c;
	return NULL;
}

static void print_usage(FILE *f)
{
	fputs("usage: vsnap [-c URI] [--json] [-q] [--debug] [--auth-file FILE] [--timeout SECONDS]\n"
	      "             [--record DIR | --replay DIR] [--no-session-cache] COMMAND [ARGS...]\n"
	      "       vsnap [OPTIONS] 'COMMAND [ARGS...]; COMMAND [ARGS...]'   (one connection)\n"
	      "       vsnap help [COMMAND]\n\n"
	      "Virtual-machine snapshots on ESX/vCenter and local QEMU, the libvirt way.\n"
	      "URIs: esx://[user@]host[:port]/?no_verify=1  vpx://[user@]vcenter/dc/[cluster/]host\n"
	      "      qemu:///embed?root=DIR     (default: $VSNAP_DEFAULT_URI)\n"
	      "      vmwarews:///PATH           (VMware Workstation/Fusion/Player folders, read-only)\n\n"
	      "Commands:\n", f);
	for (size_t t = 0; tables[t]; t++)
		for (const cli_command *c = tables[t]; c->name; c++)
			fprintf(f, "  %-22s %.*s\n", c->name,
				(int)strcspn(c->synopsis, "\n"), c->synopsis);
	fputs("\nExit status: 0 success, 1 error, 2 usage error.\n", f);
}

static int help(const char *name)
{
	const cli_command *c;

	if (!name) {
		print_usage(stdout);
		return CLI_OK;
	}
	if (!(c = find_command(name)))
		return cli_usage(NULL, "unknown command '%s'", name);
	printf("usage: vsnap %s %s\n\n%s\n", c->name, c->synopsis, c->help);
	if (c->alias)
		printf("\nAlso available as '%s'.\n", c->alias);
	if (cli_fleet_help(c->name))
		printf("\n%s\n", cli_fleet_help(c->name));
	return CLI_OK;
}

/* Global options come before the command name; returns the index of the command, or < 0. */
static int parse_globals(cli_ctx *ctx, int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = NULL;
		if (a[0] != '-')
			break;
#define WANT_VALUE(longname)                                                          \
	(strcmp(a, longname) == 0 ? (i + 1 < argc ? (v = argv[++i], 1) : -1)            \
		: strncmp(a, longname "=", sizeof(longname)) == 0 ? (v = a + sizeof(longname), 1) : 0)
		int r;
		if (strcmp(a, "-c") == 0 || (r = WANT_VALUE("--connect")) != 0) {
			if (strcmp(a, "-c") == 0) {
				if (i + 1 >= argc)
					return cli_usage(NULL, "-c needs a URI"), -1;
				v = argv[++i];
			} else if (r < 0) {
				return cli_usage(NULL, "--connect needs a URI"), -1;
			}
			ctx->uri = v;
		} else if (strcmp(a, "--json") == 0) {
			ctx->json = 1;
		} else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
			ctx->quiet = 1;
		} else if (strcmp(a, "--debug") == 0) {
			ctx->debug = 1;
		} else if (strcmp(a, "--no-session-cache") == 0) {
			ctx->no_session_cache = 1;
		} else if ((r = WANT_VALUE("--auth-file")) != 0) {
			if (r < 0)
				return cli_usage(NULL, "--auth-file needs a file"), -1;
			ctx->auth_file = v;
		} else if ((r = WANT_VALUE("--timeout")) != 0) {
			char *end = NULL;
			double s = r < 0 ? -1 : strtod(v, &end);
			if (r < 0 || !end || *end || s <= 0 || s > 86400 * 7)
				return cli_usage(NULL, "--timeout needs a number of seconds"), -1;
			ctx->timeout_ms = (unsigned int)(s * 1000);
		} else if ((r = WANT_VALUE("--record")) != 0) {
			if (r < 0)
				return cli_usage(NULL, "--record needs a directory"), -1;
			ctx->record_dir = v;
		} else if ((r = WANT_VALUE("--replay")) != 0) {
			if (r < 0)
				return cli_usage(NULL, "--replay needs a directory"), -1;
			ctx->replay_dir = v;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			print_usage(stdout);
			exit(CLI_OK);
		} else if (strcmp(a, "-V") == 0 || strcmp(a, "-v") == 0 ||
				strcmp(a, "--version") == 0 || strcmp(a, "--version=short") == 0) {
			printf("vsnap %s\n", vsnap_version());
			exit(CLI_OK);
		} else {
			return cli_usage(NULL, "unknown option '%s'", a), -1;
		}
#undef WANT_VALUE
	}
	return i;
}

int cli_run_argv(cli_ctx *ctx, int argc, char **argv)
{
	const cli_command *cmd;
	int rc;

	if (strcmp(argv[0], "help") == 0)
		return help(argc > 1 ? argv[1] : NULL);
	if (!(cmd = find_command(argv[0])))
		return cli_usage(NULL, "unknown command '%s'", argv[0]);
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return help(cmd->name);
	/* A selection option (--all, --glob, ...) turns a snapshot command into its fleet form,
	 * which always has JSON output (an array of outcomes). */
	if (cli_fleet_dispatch(ctx, cmd->name, argc, argv, &rc))
		return rc;
	if (ctx->json && !has_json_output(cmd->name))
		return cli_usage(cmd->name, "'%s' has no JSON output (it prints %s): run it "
			"without --json", cmd->name, prints_xml(cmd->name) ? "XML" : "only a message");
	return cmd->run(ctx, argc, argv);
}

int main(int argc, char **argv)
{
	cli_ctx ctx;
	int first, rc;

	memset(&ctx, 0, sizeof(ctx));
	/* --json anywhere among the globals makes even their usage errors JSON */
	for (int i = 1; i < argc && argv[i][0] == '-'; i++)
		if (strcmp(argv[i], "--json") == 0)
			cli_set_json_errors(1);
	if ((first = parse_globals(&ctx, argc, argv)) < 0)
		return CLI_USAGE;
	if (first >= argc) {
		print_usage(stderr);
		return CLI_USAGE;
	}
	if (ctx.record_dir && ctx.replay_dir)
		return cli_usage(NULL, "--record and --replay exclude each other");
	/* virsh's form: one argument holding whole commands ('list; dominfo web'). */
	if (argc - first == 1 && argv[first][strcspn(argv[first], "; \t\n'\"")])
		rc = cli_run_line(&ctx, argv[first]);
	else
		rc = cli_run_argv(&ctx, argc - first, argv + first);
	cli_progress_done();
	cli_disconnect(&ctx);
	return rc;
}

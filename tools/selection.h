/* Selection options of the fleet commands (docs/esx.md "Selecting many VMs"), the fleet form of
 * the snapshot commands, and the outcome display. SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VSNAP_TOOLS_SELECTION_H
#define VSNAP_TOOLS_SELECTION_H

#include "cli.h"

/* The selection options, to put first in a command's cli_opt table. */
#define SELECTION_OPTS \
	{ "all", 0, NULL, 0 }, { "glob", CLI_OPT_REPEAT, NULL, 0 }, { "folder", CLI_OPT_REPEAT, NULL, 0 }, \
	{ "from-file", CLI_OPT_REPEAT, NULL, 0 }, { "domain", CLI_OPT_REPEAT, NULL, 0 }, { "parallel", 1, NULL, 0 }
#define SELECTION_NOPTS 6

/*
 * 1 when argv (a command's arguments) uses a selection option: the command then runs in its
 * fleet form, where every positional argument is a domain.
 */
int cli_fleet_wanted(int argc, char **argv);

/*
 * Builds the selection from the parsed options (first SELECTION_NOPTS of `o`), repeated
 * --glob/--folder/--domain taken from argv, and the positional domains. Prints errors.
 */
int cli_selection(vsnap_selection **out, const char *cmd, int argc, char **argv,
	const cli_opt *o, char **pos, int npos);
/* --parallel N into *out (0 when absent). Prints a usage error and returns -1 when bad. */
int cli_parallel(unsigned int *out, const char *cmd, const cli_opt *o);

/* Progress on stderr for a fleet run (a TTY, not --quiet/--json); pass as progress_cb. */
void cli_fleet_progress(size_t done, size_t total, const vsnap_fleet_outcome *last,
	void *payload);
/* Prints the outcomes (lines, or a JSON array with --json); CLI_ERROR when any failed. */
int cli_fleet_report(cli_ctx *ctx, const vsnap_fleet_result *res);

/*
 * Runs a snapshot command `cmd` in its fleet form when cli_fleet_wanted(): returns 1 and sets
 * *rc when it did, 0 when the command is not one that has a fleet form.
 */
int cli_fleet_dispatch(cli_ctx *ctx, const char *cmd, int argc, char **argv, int *rc);

/* A help paragraph on the fleet form of `cmd`, or NULL when it has none. */
const char *cli_fleet_help(const char *cmd);

/* The fleet commands: snapshot-report, snapshot-prune. */
extern const cli_command cli_fleet_commands[];

#endif

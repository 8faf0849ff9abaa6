/* What the snapshot commands share: "DOMAIN (SNAPSHOT | --current)" and how a change ends.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VSNAP_TOOLS_SNAPSHOT_TARGET_H
#define VSNAP_TOOLS_SNAPSHOT_TARGET_H

#include "cli.h"

#define NOPTS(a) (sizeof(a) / sizeof((a)[0]))
#define OPT(n) { n, 0, NULL, 0 }
#define OPTV(n) { n, 1, NULL, 0 }

/* A snapshot resolved in its domain's forest (all three owned by the caller). */
typedef struct {
	vsnap_domain *dom;
	vsnap_forest *forest;
	vsnap_snapshot *snap;
} target;

void target_free(target *t);
/* The usage checks of "DOMAIN (SNAPSHOT | --current)". */
int check_target_args(const char *cmd, int npos, int current);
/* The current snapshot of the forest, or NULL after saying the domain has none. */
vsnap_snapshot *current_of(vsnap_forest *forest, const vsnap_domain *dom);
int resolve(target *t, cli_ctx *ctx, const char *cmd, int npos, char **pos, int current);
/* Parses "DOMAIN (SNAPSHOT | --current)" plus the options `o` and resolves the target. */
int parse_target(target *t, cli_ctx *ctx, int argc, char **argv, cli_opt *o, size_t no);

/* snapshot-edit in $VISUAL/$EDITOR (tools/snapshot_edit.c); prints its own errors. */
int snapshot_edit_in_editor(cli_ctx *ctx, vsnap_domain *dom, const char *key);

int seen(const cli_opt *o, size_t n, const char *name);
const char *value(const cli_opt *o, size_t n, const char *name);

#endif

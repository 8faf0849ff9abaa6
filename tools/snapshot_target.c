/* Resolving "DOMAIN (SNAPSHOT | --current)" for the snapshot commands.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "snapshot_target.h"

#include <stdlib.h>
#include <string.h>

int seen(const cli_opt *o, size_t n, const char *name)
{
	return cli_opt_get(o, n, name) != NULL;
}

const char *value(const cli_opt *o, size_t n, const char *name)
{
	const cli_opt *x = cli_opt_get(o, n, name);
	return x ? x->value : NULL;
}

void target_free(target *t)
{
	vsnap_forest_free(t->forest);
	vsnap_domain_free(t->dom);
}

/* The usage checks of "DOMAIN (SNAPSHOT | --current)". */
int check_target_args(const char *cmd, int npos, int current)
{
	if (npos < 1)
		return cli_usage(cmd, "%s: a domain is required", cmd);
	if (npos < 2 && !current)
		return cli_usage(cmd, "%s: a snapshot name (or --current) is required", cmd);
	if (npos >= 2 && current)
		return cli_usage(cmd, "%s: give a snapshot or --current, not both", cmd);
	return 0;
}

/* The current snapshot of the forest, or NULL after saying the domain has none. */
vsnap_snapshot *current_of(vsnap_forest *forest, const vsnap_domain *dom)
{
	vsnap_snapshot *cur = vsnap_forest_current(forest);

	if (!cur)
		cli_error("domain '%s' has no current snapshot", vsnap_domain_name(dom));
	return cur;
}

int resolve(target *t, cli_ctx *ctx, const char *cmd, int npos, char **pos, int current)
{
	int rc;

	memset(t, 0, sizeof(*t));
	if ((rc = check_target_args(cmd, npos, current)))
		return rc;
	if (cli_domain(&t->dom, ctx, pos[0]))
		return CLI_ERROR;
	if (vsnap_forest_get(&t->forest, t->dom)) {
		target_free(t);
		return cli_fail(NULL);
	}
	if (current) {
		if (!(t->snap = current_of(t->forest, t->dom))) {
			target_free(t);
			return CLI_ERROR;
		}
	} else if (vsnap_forest_lookup(&t->snap, t->forest, pos[1])) {
		target_free(t);
		return cli_fail(NULL);
	}
	return 0;
}

/* Parses "DOMAIN (SNAPSHOT | --current)" plus the options `o` and resolves the target. */
int parse_target(target *t, cli_ctx *ctx, int argc, char **argv, cli_opt *o, size_t no)
{
	char *pos[2];
	int n = cli_parse(argv[0], argc, argv, o, no, pos, 2);

	if (n < 0)
		return CLI_USAGE;
	return resolve(t, ctx, argv[0], n, pos, seen(o, no, "current"));
}

/*
 * Fleet commands: the fleet form of the snapshot commands (a selection instead of one domain),
 * snapshot-report (audit) and snapshot-prune (retention). All the logic is the library's
 * (include/vsnap/fleet.h); this file parses options and prints.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "selection.h"

#include <stdlib.h>
#include <string.h>

#define OPT(n) { n, 0, NULL, 0 }
#define OPTV(n) { n, 1, NULL, 0 }
#define NOPTS(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_OPTS 24

static int has(const cli_opt *o, size_t n, const char *name)
{
	const cli_opt *x = cli_opt_get(o, n, name);

	return x && x->seen;
}

static const char *val(const cli_opt *o, size_t n, const char *name)
{
	const cli_opt *x = cli_opt_get(o, n, name);

	return x && x->seen ? x->value : NULL;
}

/* A command's fleet form: its operation and the options it keeps. */
typedef struct {
	const char *name;
	const char *alias;
	int op;                     /* vsnap_fleet_op, or 0: a read (list/info) */
	const char *opts[10];       /* NULL-terminated; a trailing '=' means it takes a value */
} fleet_form;

static const fleet_form forms[] = {
	{ "snapshot-create-as", NULL, VSNAP_FLEET_CREATE, { "name=", "description=",
		"disk-only", "quiesce", "halt", "atomic", "live", NULL } },
	{ "snapshot-create", NULL, VSNAP_FLEET_CREATE, { "name=", "description=", "disk-only",
		"quiesce", "halt", "atomic", "live", NULL } },
	{ "snapshot-revert", NULL, VSNAP_FLEET_REVERT, { "snapshotname=", "running", "paused",
		"force", NULL } },
	{ "snapshot-delete", NULL, VSNAP_FLEET_DELETE, { "snapshotname=", "children",
		"children-only", "metadata", "no-consolidate", NULL } },
	{ "snapshot-delete-all", "remove-all", VSNAP_FLEET_DELETE_ALL, { "no-consolidate",
		NULL } },
	{ "consolidate", NULL, VSNAP_FLEET_CONSOLIDATE, { NULL } },
	{ "snapshot-list", NULL, 0, { NULL } },
	{ "snapshot-info", NULL, 0, { "snapshotname=", "current", NULL } },
};

static unsigned int flags_of(int op, const cli_opt *o, size_t n)
{
	unsigned int f = 0;

	if (op == VSNAP_FLEET_CREATE) {
		f |= has(o, n, "disk-only") ? VSNAP_SNAPSHOT_CREATE_DISK_ONLY : 0;
		f |= has(o, n, "quiesce") ? VSNAP_SNAPSHOT_CREATE_QUIESCE : 0;
		f |= has(o, n, "halt") ? VSNAP_SNAPSHOT_CREATE_HALT : 0;
		f |= has(o, n, "atomic") ? VSNAP_SNAPSHOT_CREATE_ATOMIC : 0;
		f |= has(o, n, "live") ? VSNAP_SNAPSHOT_CREATE_LIVE : 0;
	} else if (op == VSNAP_FLEET_REVERT) {
		f |= has(o, n, "running") ? VSNAP_SNAPSHOT_REVERT_RUNNING : 0;
		f |= has(o, n, "paused") ? VSNAP_SNAPSHOT_REVERT_PAUSED : 0;
		f |= has(o, n, "force") ? VSNAP_SNAPSHOT_REVERT_FORCE : 0;
	} else {
		f |= has(o, n, "children") ? VSNAP_SNAPSHOT_DELETE_CHILDREN : 0;
		f |= has(o, n, "children-only") ? VSNAP_SNAPSHOT_DELETE_CHILDREN_ONLY : 0;
		f |= has(o, n, "metadata") ? VSNAP_SNAPSHOT_DELETE_METADATA_ONLY : 0;
		f |= has(o, n, "no-consolidate") ? VSNAP_SNAPSHOT_DELETE_NO_CONSOLIDATE : 0;
	}
	return f;
}

/* Parses selection + the form's options; *pos gets the positional domains (malloc'ed). */
static int parse_form(cli_opt *o, size_t *no, char ***pos, int *npos, const fleet_form *f,
	int argc, char **argv)
{
	static const cli_opt sel[] = { SELECTION_OPTS };

	*no = 0;
	for (size_t i = 0; i < SELECTION_NOPTS; i++)
		o[(*no)++] = sel[i];
	for (size_t i = 0; f->opts[i]; i++) {
		static char names[10][32];
		size_t len = strcspn(f->opts[i], "=");

		snprintf(names[i], sizeof(names[i]), "%.*s", (int)len, f->opts[i]);
		o[*no].name = names[i];
		o[*no].takes_value = f->opts[i][len] == '=';
		o[*no].value = NULL;
		o[(*no)++].seen = 0;
	}
	if (!(*pos = calloc((size_t)argc + 1, sizeof(**pos))))
		return cli_fail(NULL);
	if ((*npos = cli_parse_list(argv[0], argc, argv, o, *no, *pos, argc)) < 0) {
		free(*pos);
		*pos = NULL;
		return CLI_USAGE;
	}
	return 0;
}

/* snapshot-list / snapshot-info over a selection: the report rows (all, or one per domain). */
static int run_read(cli_ctx *ctx, vsnap_inventory *inv, const cli_opt *o, size_t no,
	int info)
{
	const char *key = val(o, no, "snapshotname");
	vsnap_report *rep = NULL;
	char *text = NULL;
	int rc = CLI_OK;

	if (info && !key && !has(o, no, "current"))
		return cli_usage("snapshot-info", "snapshot-info: give --snapshotname NAME or "
			"--current with a selection");
	if (vsnap_report_build(&rep, inv, NULL))
		return cli_fail(NULL);
	if (info) {
		/* Only each domain's chosen snapshot. */
		for (size_t i = 0; i < vsnap_report_count(rep); i++) {
			const vsnap_report_row *r = vsnap_report_at(rep, i);

			if (key ? strcmp(r->name, key) && strcmp(r->path, key) &&
				(!r->id || strcmp(r->id, key)) : !r->current)
				continue;
			printf("%-20s %s\n%-20s %s\n%-20s %s\n%-20s %lld\n%-20s %s\n\n", "Domain:",
				r->domain, "Name:", r->name, "State:",
				vsnap_snapshot_state_name(r->state), "Creation time:", r->creation_time,
				"Current:", r->current ? "yes" : "no");
		}
	} else if (vsnap_report_format(&text, rep, ctx->json ? VSNAP_REPORT_JSON :
			VSNAP_REPORT_TABLE)) {
		rc = cli_fail(NULL);
	} else {
		fputs(text, stdout);
	}
	for (size_t i = 0; i < vsnap_inventory_count(inv); i++) {
		const char *msg = NULL;

		if (vsnap_inventory_error(inv, i, &msg)) {
			fprintf(stderr, "error: %s\n", msg);
			rc = CLI_ERROR;
		}
	}
	vsnap_string_free(text);
	vsnap_report_free(rep);
	return rc;
}

int cli_fleet_dispatch(cli_ctx *ctx, const char *cmd, int argc, char **argv, int *rc)
{
	const fleet_form *f = NULL;
	cli_opt o[MAX_OPTS];
	size_t no = 0;
	char **pos = NULL;
	int npos = 0;
	vsnap_selection *sel = NULL;
	vsnap_fleet_options fo;
	vsnap_fleet_result *res = NULL;
	vsnap_inventory *inv = NULL;

	for (size_t i = 0; i < NOPTS(forms) && !f; i++)
		if (!strcmp(forms[i].name, cmd) || (forms[i].alias && !strcmp(forms[i].alias, cmd)))
			f = &forms[i];
	if (!f || !cli_fleet_wanted(argc, argv))
		return 0;
	vsnap_fleet_options_init(&fo, VSNAP_FLEET_OPTIONS_VERSION);
	if ((*rc = parse_form(o, &no, &pos, &npos, f, argc, argv)) != 0)
		return 1;
	if ((*rc = cli_selection(&sel, argv[0], argc, argv, o, pos, npos)) != 0 ||
	    cli_parallel(&fo.parallel, argv[0], o) < 0 || (*rc = cli_connect(ctx)) != 0) {
		if (*rc == 0)
			*rc = CLI_USAGE;
		goto cleanup;
	}
	fo.op = f->op;
	fo.snapshot = f->op == VSNAP_FLEET_CREATE ? val(o, no, "name") :
		val(o, no, "snapshotname");
	fo.description = val(o, no, "description");
	fo.flags = flags_of(f->op, o, no);
	fo.progress_cb = cli_fleet_progress;
	fo.progress_payload = ctx;
	if ((f->op == VSNAP_FLEET_REVERT || f->op == VSNAP_FLEET_DELETE) && !fo.snapshot) {
		*rc = cli_usage(argv[0], "%s: with a selection, name the snapshot with "
			"--snapshotname NAME", argv[0]);
		goto cleanup;
	}
	if (vsnap_inventory_get(&inv, ctx->conn, sel, 0)) {
		*rc = cli_fail(NULL);
		goto cleanup;
	}
	if (!f->op)
		*rc = run_read(ctx, inv, o, no, !strcmp(f->name, "snapshot-info"));
	else if (vsnap_fleet_run_inventory(&res, ctx->conn, inv, &fo))
		*rc = cli_fail(NULL);
	else
		*rc = cli_fleet_report(ctx, res);
cleanup:
	vsnap_fleet_result_free(res);
	vsnap_inventory_free(inv);
	vsnap_selection_free(sel);
	free(pos);
	return 1;
}

const char *cli_fleet_help(const char *cmd)
{
	for (size_t i = 0; i < NOPTS(forms); i++)
		if (!strcmp(forms[i].name, cmd) || (forms[i].alias && !strcmp(forms[i].alias, cmd)))
			return "Fleet form: with --all, --glob PAT, --folder PATH, --from-file FILE|-,\n"
			       "--domain KEY or --parallel N, every positional argument is a domain and\n"
			       "the snapshot is named with --name (create) or --snapshotname; one outcome\n"
			       "line per domain (--json: an array), exit 1 if any failed.";
	return NULL;
}

/* ---- snapshot-report and snapshot-prune ---- */

/* "90", "90s", "15m", "12h", "30d", "2w" -> seconds; -1 when malformed. */
static long long parse_age(const char *s)
{
	char *end = NULL;
	long long n = strtoll(s, &end, 10);

	if (!end || end == s || n < 0)
		return -1;
	switch (*end) {
	case '\0': case 's': break;
	case 'm': n *= 60; break;
	case 'h': n *= 3600; break;
	case 'd': n *= 86400; break;
	case 'w': n *= 7 * 86400; break;
	default: return -1;
	}
	return end[0] && end[1] ? -1 : n;
}

/* "512", "100K", "10M", "2G", "1T" (powers of 1024) -> bytes; -1 when malformed. */
static long long parse_size(const char *s)
{
	char *end = NULL;
	long long n = strtoll(s, &end, 10);
	const char *units = "KMGT";
	const char *u;

	if (!end || end == s || n < 0)
		return -1;
	if (!*end)
		return n;
	if (!(u = strchr(units, *end)) || (end[1] && strcmp(end + 1, "iB") && strcmp(end + 1, "B")))
		return -1;
	for (long k = 0; k <= u - units; k++)
		n *= 1024;
	return n;
}

static int open_inventory(vsnap_inventory **inv, cli_ctx *ctx, int argc, char **argv,
	cli_opt *o, char **pos, int npos, int default_all)
{
	vsnap_selection *sel = NULL;
	int rc;

	if (default_all && !cli_fleet_wanted(argc, argv) && !npos) {
		if (vsnap_selection_new(&sel) || vsnap_selection_add_all(sel)) {
			vsnap_selection_free(sel);
			return cli_fail(NULL);
		}
	} else if ((rc = cli_selection(&sel, argv[0], argc, argv, o, pos, npos)) != 0) {
		return rc;
	}
	if ((rc = cli_connect(ctx)) == 0 && vsnap_inventory_get(inv, ctx->conn, sel, 0))
		rc = cli_fail(NULL);
	vsnap_selection_free(sel);
	return rc;
}

static int cmd_report(cli_ctx *ctx, int argc, char **argv)
{
	cli_opt o[] = { SELECTION_OPTS, OPTV("older-than"), OPTV("min-size"), OPTV("name"),
		OPTV("format") };
	vsnap_report_options ro = VSNAP_REPORT_OPTIONS_INIT;
	vsnap_inventory *inv = NULL;
	vsnap_report *rep = NULL;
	char **pos = calloc((size_t)argc + 1, sizeof(*pos)), *text = NULL;
	const char *fmt;
	int n, format = ctx->json ? VSNAP_REPORT_JSON : VSNAP_REPORT_TABLE, rc = 0;

	if (!pos)
		return cli_fail(NULL);
	if ((n = cli_parse(argv[0], argc, argv, o, NOPTS(o), pos, argc)) < 0) {
		free(pos);
		return CLI_USAGE;
	}
	if ((fmt = val(o, NOPTS(o), "format"))) {
		if (!strcmp(fmt, "table"))
			format = VSNAP_REPORT_TABLE;
		else if (!strcmp(fmt, "json"))
			format = VSNAP_REPORT_JSON;
		else if (!strcmp(fmt, "openmetrics"))
			format = VSNAP_REPORT_OPENMETRICS;
		else
			rc = cli_usage(argv[0], "--format is table, json or openmetrics");
	}
	ro.name_glob = val(o, NOPTS(o), "name");
	if (rc == 0 && has(o, NOPTS(o), "older-than") &&
	    (ro.min_age_seconds = parse_age(val(o, NOPTS(o), "older-than"))) < 0)
		rc = cli_usage(argv[0], "--older-than needs an age such as 7d, 12h, 90m");
	if (rc == 0 && has(o, NOPTS(o), "min-size") &&
	    (ro.min_bytes = parse_size(val(o, NOPTS(o), "min-size"))) < 0)
		rc = cli_usage(argv[0], "--min-size needs a size such as 512M or 2G");
	if (rc) {
		free(pos);
		return rc;
	}
	rc = open_inventory(&inv, ctx, argc, argv, o, pos, n, 1);
	if (rc == 0 && (vsnap_report_build(&rep, inv, &ro) ||
			vsnap_report_format(&text, rep, format)))
		rc = cli_fail(NULL);
	if (rc == 0)
		fputs(text, stdout);
	for (size_t i = 0; rc == 0 && i < vsnap_inventory_count(inv); i++) {
		const char *msg = NULL;

		if (vsnap_inventory_error(inv, i, &msg)) {
			fprintf(stderr, "error: %s\n", msg);
			rc = CLI_ERROR;
		}
	}
	vsnap_string_free(text);
	vsnap_report_free(rep);
	vsnap_inventory_free(inv);
	free(pos);
	return rc;
}

static void print_plan(cli_ctx *ctx, const vsnap_prune_plan *plan)
{
	size_t n = vsnap_prune_plan_count(plan), nb = vsnap_prune_plan_blocked_count(plan);

	if (ctx->json) {
		printf("{\"remove\": [");
		for (size_t i = 0; i < n; i++) {
			const vsnap_report_row *r = vsnap_prune_plan_at(plan, i);

			printf(i ? ",\n  {\"domain\": " : "\n  {\"domain\": ");
			cli_json_string(stdout, r->domain);
			printf(", \"name\": ");
			cli_json_string(stdout, r->name);
			printf(", \"path\": ");
			cli_json_string(stdout, r->path);
			printf(", \"id\": ");
			cli_json_string(stdout, r->id);
			printf(", \"ageSeconds\": %lld, \"bytes\": %lld}", r->age_seconds, r->bytes);
		}
		printf("],\n \"blocked\": [");
		for (size_t i = 0; i < nb; i++) {
			const char *why = NULL, *dom = vsnap_prune_plan_blocked_at(plan, i, &why);

			printf(i ? ", {\"domain\": " : "{\"domain\": ");
			cli_json_string(stdout, dom);
			printf(", \"reason\": ");
			cli_json_string(stdout, why);
			printf("}");
		}
		printf("]}\n");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const vsnap_report_row *r = vsnap_prune_plan_at(plan, i);

		printf("would remove %s: %s (id %s, %.1f days old, %lld bytes)\n", r->domain,
			r->path, r->id ? r->id : "-", (double)r->age_seconds / 86400.0, r->bytes);
	}
	for (size_t i = 0; i < nb; i++) {
		const char *why = NULL, *dom = vsnap_prune_plan_blocked_at(plan, i, &why);

		printf("blocked %s: %s\n", dom, why);
	}
	printf("%zu snapshots would be removed, %zu domains blocked\n", n, nb);
}

static int cmd_prune(cli_ctx *ctx, int argc, char **argv)
{
	cli_opt o[] = { SELECTION_OPTS, OPTV("older-than"), OPTV("keep"), OPTV("name"),
		OPT("dry-run") };
	vsnap_prune_options po = VSNAP_PRUNE_OPTIONS_INIT;
	vsnap_fleet_options fo;
	vsnap_inventory *inv = NULL;
	vsnap_prune_plan *plan = NULL;
	vsnap_fleet_result *res = NULL;
	char **pos = calloc((size_t)argc + 1, sizeof(*pos)), *end = NULL;
	int n, rc = 0;

	if (!pos)
		return cli_fail(NULL);
	vsnap_fleet_options_init(&fo, VSNAP_FLEET_OPTIONS_VERSION);
	if ((n = cli_parse(argv[0], argc, argv, o, NOPTS(o), pos, argc)) < 0 ||
	    cli_parallel(&fo.parallel, argv[0], o) < 0)
		rc = CLI_USAGE;
	po.name_glob = val(o, NOPTS(o), "name");
	if (rc == 0 && has(o, NOPTS(o), "older-than") &&
	    (po.older_than_seconds = parse_age(val(o, NOPTS(o), "older-than"))) < 0)
		rc = cli_usage(argv[0], "--older-than needs an age such as 7d, 12h, 90m");
	if (rc == 0 && has(o, NOPTS(o), "keep")) {
		long k = strtol(val(o, NOPTS(o), "keep"), &end, 10);

		if (!end || *end || k < 0 || k > 100000)
			rc = cli_usage(argv[0], "--keep needs a number of snapshots");
		po.keep_newest = (unsigned int)(k < 0 ? 0 : k);
	}
	if (rc == 0 && !po.older_than_seconds && !po.keep_newest && !po.name_glob)
		rc = cli_usage(argv[0], "%s: say what goes: --older-than, --keep or --name",
			argv[0]);
	if (rc == 0)
		rc = open_inventory(&inv, ctx, argc, argv, o, pos, n, 0);
	if (rc == 0 && vsnap_prune_plan_build(&plan, inv, &po))
		rc = cli_fail(NULL);
	if (rc == 0 && has(o, NOPTS(o), "dry-run")) {
		print_plan(ctx, plan);
	} else if (rc == 0) {
		fo.progress_cb = cli_fleet_progress;
		fo.progress_payload = ctx;
		if (vsnap_prune_execute(&res, ctx->conn, plan, &fo))
			rc = cli_fail(NULL);
		else
			rc = cli_fleet_report(ctx, res);
	}
	vsnap_fleet_result_free(res);
	vsnap_prune_plan_free(plan);
	vsnap_inventory_free(inv);
	free(pos);
	return rc;
}

const cli_command cli_fleet_commands[] = {
	{ "snapshot-report", NULL,
	  "[DOMAIN...] [--all] [--glob PAT] [--folder PATH] [--from-file FILE|-]\n"
	  "                         [--older-than AGE] [--min-size SIZE] [--name PAT]\n"
	  "                         [--format table|json|openmetrics]",
	  "Audit snapshots across a selection (default: every domain): per snapshot the\n"
	  "domain, tree path, creation time, age, bytes on the datastore, quiesced, current.\n"
	  "Filters: --older-than (7d, 12h, 90m), --min-size (512M, 2G), --name (snapshot-name\n"
	  "glob). --format openmetrics writes gauges per domain (count, oldest age, bytes)\n"
	  "for Prometheus' textfile collector. ESX reads everything in two requests + pages.",
	  cmd_report },
	{ "snapshot-prune", NULL,
	  "(DOMAIN... | --all | --glob PAT | --folder PATH | --from-file FILE|-)\n"
	  "                         [--older-than AGE] [--keep N] [--name PAT] [--dry-run]\n"
	  "                         [--parallel N]",
	  "Remove snapshots by retention rules: per domain, of the snapshots --name matches\n"
	  "(default all), keep the N newest (--keep) and remove those older than AGE\n"
	  "(--older-than). --dry-run prints exactly what would be removed. Removals run\n"
	  "concurrently (--parallel, default 8). A domain whose disks need consolidation is\n"
	  "reported as blocked and makes the exit status 1.",
	  cmd_prune },
	{ NULL, NULL, NULL, NULL, NULL },
};

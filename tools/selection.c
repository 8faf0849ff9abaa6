/*
 * selection.c: the selection options every fleet command shares (--all, --glob, --folder,
 * --from-file, --domain, positional domains, --parallel), the progress line and the outcome
 * lines of a fleet run. SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "selection.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const selection_names[] = {
	"all", "glob", "folder", "from-file", "domain", "parallel",
};

int cli_fleet_wanted(int argc, char **argv)
{
	int domains = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--"))
			break;
		if (strncmp(a, "--", 2))
			continue;
		for (size_t k = 0; k < sizeof(selection_names) / sizeof(selection_names[0]); k++) {
			size_t len = strlen(selection_names[k]);

			if (strncmp(a + 2, selection_names[k], len) || (a[2 + len] && a[2 + len] != '='))
				continue;
			/* One --domain is virsh's named form of the single-domain command. */
			if (strcmp(selection_names[k], "domain") != 0 || ++domains > 1)
				return 1;
		}
	}
	return 0;
}

/* Calls add(sel, value) for every "--name V" / "--name=V" of argv (options may repeat). */
static int each_value(vsnap_selection *sel, int argc, char **argv, const char *name,
	int (*add)(vsnap_selection *, const char *))
{
	size_t len = strlen(name);

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = NULL;

		if (!strcmp(a, "--"))
			break;
		if (strncmp(a, "--", 2) || strncmp(a + 2, name, len))
			continue;
		if (a[2 + len] == '=')
			v = a + 3 + len;
		else if (!a[2 + len] && i + 1 < argc)
			v = argv[++i];
		if (v && add(sel, v) < 0)
			return -1;
	}
	return 0;
}

int cli_selection(vsnap_selection **out, const char *cmd, int argc, char **argv,
	const cli_opt *o, char **pos, int npos)
{
	vsnap_selection *sel = NULL;
	const char *file = o[3].seen ? o[3].value : NULL;
	int rc = vsnap_selection_new(&sel);

	*out = NULL;
	for (int i = 0; rc == 0 && i < npos; i++)
		rc = vsnap_selection_add_key(sel, pos[i]);
	if (rc == 0 && o[0].seen)
		rc = vsnap_selection_add_all(sel);
	if (rc == 0)
		rc = each_value(sel, argc, argv, "glob", vsnap_selection_add_glob);
	if (rc == 0)
		rc = each_value(sel, argc, argv, "folder", vsnap_selection_add_folder);
	if (rc == 0)
		rc = each_value(sel, argc, argv, "domain", vsnap_selection_add_key);
	if (rc == 0 && file) {
		char *text = NULL;

		if (cli_read_file(&text, NULL, file)) {
			vsnap_selection_free(sel);
			return CLI_ERROR;
		}
		rc = vsnap_selection_add_list(sel, text) < 0 ? -1 : 0;
		free(text);
	}
	if (rc < 0) {
		vsnap_selection_free(sel);
		return cli_fail(NULL);
	}
	if (vsnap_selection_is_empty(sel)) {
		vsnap_selection_free(sel);
		return cli_usage(cmd, "%s: no domains selected: give domains, --all, --glob, "
			"--folder or --from-file", cmd);
	}
	*out = sel;
	return 0;
}

int cli_parallel(unsigned int *out, const char *cmd, const cli_opt *o)
{
	char *end = NULL;
	long n;

	*out = 0;
	if (!o[5].seen)
		return 0;
	n = strtol(o[5].value, &end, 10);
	if (!end || *end || n < 1 || n > VSNAP_FLEET_MAX_PARALLEL)
		return cli_usage(cmd, "%s: --parallel needs a number from 1 to %d", cmd,
			VSNAP_FLEET_MAX_PARALLEL), -1;
	*out = (unsigned int)n;
	return 0;
}

/* One progress line for the whole run: counts, and the last domain that finished. */
void cli_fleet_progress(size_t done, size_t total, const vsnap_fleet_outcome *last,
	void *payload)
{
	static size_t failed;
	cli_ctx *ctx = payload;

	if (done == 1)
		failed = 0;
	failed += last && last->status != VSNAP_OUTCOME_DONE;
	if (ctx->quiet || ctx->json || !isatty(STDERR_FILENO))
		return;
	fprintf(stderr, "\r[%zu/%zu] %zu failed  %s %s\033[K", done, total, failed,
		last && last->domain ? last->domain : "", last ? vsnap_outcome_status_name(
			last->status) : "");
	if (done == total)
		fputc('\n', stderr);
	fflush(stderr);
}

int cli_fleet_report(cli_ctx *ctx, const vsnap_fleet_result *res)
{
	size_t n = vsnap_fleet_result_count(res), failed = vsnap_fleet_result_failed(res);

	if (ctx->json) {
		char *json = NULL;

		if (vsnap_fleet_result_json(&json, res))
			return cli_fail(NULL);
		fputs(json, stdout);
		vsnap_string_free(json);
	} else {
		for (size_t i = 0; i < n; i++) {
			const vsnap_fleet_outcome *o = vsnap_fleet_result_at(res, i);

			if (o->status == VSNAP_OUTCOME_DONE && ctx->quiet)
				continue;
			printf("%s: %s", o->domain, vsnap_outcome_status_name(o->status));
			if (o->snapshot)
				printf(" (snapshot %s)", o->snapshot);
			if (o->message)
				printf(": %s", o->message);
			putchar('\n');
		}
		if (!ctx->quiet)
			printf("%zu of %zu done, %zu failed or cancelled\n", n - failed, n, failed);
	}
	return failed ? CLI_ERROR : CLI_OK;
}

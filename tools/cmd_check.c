/*
 * snapshot-check DOMAIN [--repair]: the consistency check of include/vsnap/check.h.
 * Exit status: 0 when nothing is wrong (or everything found was repaired), 1 otherwise.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static int cmd_check(cli_ctx *ctx, int argc, char **argv)
{
	cli_opt o[] = { { "repair", 0, 0, 0 } };
	char *pos[1];
	vsnap_domain *dom = NULL;
	vsnap_check_item *items = NULL;
	size_t n = 0, open_items = 0;

	if (cli_parse(argv[0], argc, argv, o, 1, pos, 1) != 1)
		return cli_usage(argv[0], "expected DOMAIN");
	if (cli_connect(ctx) || cli_domain(&dom, ctx, pos[0]))
		return CLI_ERROR;
	if (vsnap_domain_check(&items, &n, dom, o[0].seen ? VSNAP_CHECK_REPAIR : 0)) {
		vsnap_domain_free(dom);
		return cli_fail("checking the domain");
	}
	for (size_t i = 0; i < n; i++)
		open_items += !items[i].repaired;
	if (ctx->json) {
		printf("[");
		for (size_t i = 0; i < n; i++) {
			printf("%s\n  {\"kind\": ", i ? "," : "");
			cli_json_string(stdout, vsnap_check_kind_name(items[i].kind));
			printf(", \"subject\": ");
			cli_json_string(stdout, items[i].subject);
			printf(", \"repairable\": %s, \"repaired\": %s, \"message\": ",
				items[i].repairable ? "true" : "false", items[i].repaired ? "true" : "false");
			cli_json_string(stdout, items[i].message);
			printf("}");
		}
		printf("%s]\n", n ? "\n" : "");
	} else {
		for (size_t i = 0; i < n; i++)
			printf("%-18s %s: %s\n", vsnap_check_kind_name(items[i].kind),
				items[i].repaired ? "repaired" : items[i].repairable ?
				"repairable (--repair)" : "needs you", items[i].message);
		if (!ctx->quiet)
			printf("domain '%s': %zu finding(s), %zu left\n", pos[0], n, open_items);
	}
	vsnap_check_items_free(items, n);
	vsnap_domain_free(dom);
	return open_items ? CLI_ERROR : CLI_OK;
}

const cli_command cli_check_commands[] = {
	{ "snapshot-check", "check", "DOMAIN [--repair]",
	  "Compare a domain's snapshot metadata with its images, overlays and run state: list "
	  "orphans and inconsistencies; with --repair, fix what is safe (finish an interrupted "
	  "change, drop tags and files nothing names, follow the running QEMU's images) and "
	  "explain the rest. Exit status 1 while anything is left. QEMU domains.", cmd_check },
	{ NULL, NULL, NULL, NULL, NULL },
};

/* snapshot-move: a domain's snapshot metadata from this connection to another (seed 001's
 * migration of metadata), a thin layer over vsnap_snapshot_move().
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "snapshot_target.h"

#include <stdlib.h>

static int cmd_move(cli_ctx *ctx, int argc, char **argv)
{
	cli_opt o[] = { OPTV("to"), OPT("define"), OPT("copy") };
	char *pos[1];
	vsnap_domain *dom = NULL;
	vsnap_conn *dst = NULL;
	size_t redefined = 0, present = 0;
	int n = cli_parse(argv[0], argc, argv, o, NOPTS(o), pos, 1), rc;

	if (n < 0)
		return CLI_USAGE;
	if (n < 1)
		return cli_usage(argv[0], "%s: a domain is required", argv[0]);
	if (!o[0].seen || !*o[0].value)
		return cli_usage(argv[0], "%s: the destination is required: --to URI", argv[0]);
	if (cli_domain(&dom, ctx, pos[0]))
		return CLI_ERROR;
	if (vsnap_conn_open(&dst, o[0].value, NULL)) {
		vsnap_domain_free(dom);
		return cli_fail(NULL);
	}
	rc = vsnap_snapshot_move(&redefined, &present, dom, dst,
		(o[1].seen ? VSNAP_SNAPSHOT_MOVE_DEFINE : 0) | (o[2].seen ? VSNAP_SNAPSHOT_MOVE_COPY : 0));
	if (rc == 0 && ctx->json)
		printf("{\"redefined\": %zu, \"present\": %zu}\n", redefined, present);
	else if (rc == 0 && !ctx->quiet)
		printf("Domain '%s': %zu snapshot(s) %s to %s (%zu there already)\n",
			vsnap_domain_name(dom), redefined + present, o[2].seen ? "copied" : "moved",
			o[0].value, present);
	vsnap_domain_free(dom);
	vsnap_conn_close(dst);
	return rc ? cli_fail(NULL) : CLI_OK;
}

const cli_command cli_snapshot_move_commands[] = {
	{ "snapshot-move", NULL, "DOMAIN --to URI [--define] [--copy]",
	  "Move the metadata of every snapshot of DOMAIN to the domain of the same name on\n"
	  "connection URI (the images stay where they are: both sides must see them). It\n"
	  "checks that URI can use each snapshot's data, redefines them there (parents first,\n"
	  "the current one last), reads them back, and only then drops the metadata here.\n"
	  "--define defines the domain on URI when it is missing; --copy keeps the metadata\n"
	  "here. An interrupted move is finished by running it again.", cmd_move },
	{ NULL, NULL, NULL, NULL, NULL },
};

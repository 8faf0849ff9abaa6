/* Snapshot commands that change things: create, revert, delete, edit, delete-all,
 * consolidate (virsh's names and flags). SPDX-License-Identifier: GPL-2.0-or-later */
#include "snapshot_target.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static int report_created(cli_ctx *ctx, char *name, int rc)
{
	if (rc)
		return cli_fail(NULL);
	if (ctx->json) {
		printf("{\"name\": ");
		cli_json_string(stdout, name);
		printf("}\n");
	} else if (!ctx->quiet) {
		printf("Domain snapshot %s created\n", name);
	}
	vsnap_string_free(name);
	return CLI_OK;
}

static unsigned int create_flags(const cli_opt *o, size_t n)
{
	unsigned int f = 0;

	if (seen(o, n, "disk-only")) f |= VSNAP_SNAPSHOT_CREATE_DISK_ONLY;
	if (seen(o, n, "quiesce")) f |= VSNAP_SNAPSHOT_CREATE_QUIESCE;
	if (seen(o, n, "halt")) f |= VSNAP_SNAPSHOT_CREATE_HALT;
	if (seen(o, n, "no-metadata")) f |= VSNAP_SNAPSHOT_CREATE_NO_METADATA;
	if (seen(o, n, "reuse-external")) f |= VSNAP_SNAPSHOT_CREATE_REUSE_EXT;
	if (seen(o, n, "atomic")) f |= VSNAP_SNAPSHOT_CREATE_ATOMIC;
	if (seen(o, n, "live")) f |= VSNAP_SNAPSHOT_CREATE_LIVE;
	if (seen(o, n, "redefine")) f |= VSNAP_SNAPSHOT_CREATE_REDEFINE;
	if (seen(o, n, "current")) f |= VSNAP_SNAPSHOT_CREATE_CURRENT;
	if (seen(o, n, "validate")) f |= VSNAP_SNAPSHOT_CREATE_VALIDATE;
	return f;
}

static int cmd_create_as(cli_ctx *ctx, int argc, char **argv)
{
	cli_opt o[] = { OPTV("name"), OPTV("description"), OPT("disk-only"), OPT("quiesce"),
		OPT("halt"), OPT("no-metadata"), OPT("reuse-external"), OPT("atomic"), OPT("live") };
	char *pos[3];
	vsnap_domain *dom = NULL;
	char *name = NULL;
	int n = cli_parse(argv[0], argc, argv, o, NOPTS(o), pos, 3);

	if (n < 0)
		return CLI_USAGE;
	if (n < 1)
		return cli_usage(argv[0], "%s: a domain is required", argv[0]);
	const char *sname = value(o, NOPTS(o), "name");
	const char *desc = value(o, NOPTS(o), "description");
	if (n > 1 && sname)
		return cli_usage(argv[0], "the name is given twice");
	if (n > 2 && desc)
		return cli_usage(argv[0], "the description is given twice");
	if (n > 1)
		sname = pos[1];
	if (n > 2)
		desc = pos[2];
	if (cli_domain(&dom, ctx, pos[0]))
		return CLI_ERROR;
	int rc = vsnap_snapshot_create(&name, dom, sname, desc, create_flags(o, NOPTS(o)));
	cli_progress_done();
	vsnap_domain_free(dom);
	return report_created(ctx, name, rc);
}

static int cmd_create(cli_ctx *ctx, int argc, char **argv)
{
	cli_opt o[] = { OPT("redefine"), OPT("current"), OPT("disk-only"), OPT("quiesce"),
		OPT("halt"), OPT("no-metadata"), OPT("reuse-external"), OPT("atomic"), OPT("live"),
		OPT("validate"), OPTV("xmlfile") };
	char *pos[2];
	char *xml = NULL, *name = NULL;
	vsnap_domain *dom = NULL;
	int n = cli_parse(argv[0], argc, argv, o, NOPTS(o), pos, 2);

	if (n < 0)
		return CLI_USAGE;
	if (n < 1)
		return cli_usage(argv[0], "%s: a domain is required", argv[0]);
	const char *file = n > 1 ? pos[1] : value(o, NOPTS(o), "xmlfile");
	if (file && cli_read_file(&xml, NULL, file))
		return CLI_ERROR;
	if (cli_domain(&dom, ctx, pos[0])) {
		free(xml);
		return CLI_ERROR;
	}
	unsigned int flags = create_flags(o, NOPTS(o));
	int rc = vsnap_snapshot_create_xml(&name, dom, xml, flags);
	cli_progress_done();
	free(xml);
	vsnap_domain_free(dom);
	if (rc == 0 && (flags & VSNAP_SNAPSHOT_CREATE_REDEFINE) && !ctx->quiet && !ctx->json) {
		printf("Domain snapshot %s defined\n", name);
		vsnap_string_free(name);
		return CLI_OK;
	}
	return report_created(ctx, name, rc);
}

/*
 * The end of a command that changes a domain: its message on success (not with --quiet or
 * --json), then the domain and `owned` (a string the message may use, or NULL) freed.
 */
static int finish(cli_ctx *ctx, vsnap_domain *dom, char *owned, int rc, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static int finish(cli_ctx *ctx, vsnap_domain *dom, char *owned, int rc, const char *fmt, ...)
{
	va_list ap;

	if (rc == 0 && !ctx->quiet && !ctx->json) {
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
	}
	vsnap_domain_free(dom);
	free(owned);
	return rc ? cli_fail(NULL) : CLI_OK;
}

/* revert/delete/edit address the snapshot by key, so the library resolves it once. */
typedef struct {
	vsnap_domain *dom;
	const char *key;
	char *made;   /* the key made for --current (owned), or NULL */
} keyed;

/* Parses "DOMAIN (SNAPSHOT | --current)"; on failure nothing is left to free. */
static int parse_keyed(keyed *k, cli_ctx *ctx, int argc, char **argv, cli_opt *o, size_t no)
{
	char *pos[2];
	int n = cli_parse(argv[0], argc, argv, o, no, pos, 2);
	target t;
	int rc;

	memset(k, 0, sizeof(*k));
	if (n < 0)
		return CLI_USAGE;
	if (!seen(o, no, "current")) {
		if ((rc = check_target_args(argv[0], n, 0)))
			return rc;
		k->key = pos[1];
		return cli_domain(&k->dom, ctx, pos[0]) ? CLI_ERROR : 0;
	}
	if ((rc = resolve(&t, ctx, argv[0], n, pos, 1)))
		return rc;
	/* Address it by id when there is one: names may repeat on ESX. */
	const char *id = vsnap_snapshot_id(t.snap);
	k->key = k->made = strdup(id ? id : vsnap_snapshot_name(t.snap));
	vsnap_forest_free(t.forest);
	if (!k->made) {
		vsnap_domain_free(t.dom);
		return CLI_ERROR;
	}
	k->dom = t.dom;
	return 0;
}

static int cmd_revert(cli_ctx *ctx, int argc, char **argv)
{
	cli_opt o[] = { OPT("current"), OPT("running"), OPT("paused"), OPT("force"),
		OPT("delete-children"), OPT("discard") };
	keyed k;
	int rc = parse_keyed(&k, ctx, argc, argv, o, NOPTS(o));

	if (rc)
		return rc;
	unsigned int flags = (o[1].seen ? VSNAP_SNAPSHOT_REVERT_RUNNING : 0) |
		(o[2].seen ? VSNAP_SNAPSHOT_REVERT_PAUSED : 0) |
		(o[3].seen ? VSNAP_SNAPSHOT_REVERT_FORCE : 0) |
		(o[4].seen ? VSNAP_SNAPSHOT_REVERT_DELETE_CHILDREN : 0) |
		(o[5].seen ? VSNAP_SNAPSHOT_REVERT_DISCARD : 0);
	rc = vsnap_snapshot_revert(k.dom, k.key, flags);
	cli_progress_done();
	return finish(ctx, k.dom, k.made, rc, "Domain '%s' reverted to snapshot %s\n",
		vsnap_domain_name(k.dom), k.key);
}

static int cmd_delete(cli_ctx *ctx, int argc, char **argv)
{
	cli_opt o[] = { OPT("current"), OPT("children"), OPT("children-only"), OPT("metadata"),
		OPT("no-consolidate") };
	keyed k;
	int rc = parse_keyed(&k, ctx, argc, argv, o, NOPTS(o));

	if (rc)
		return rc;
	unsigned int flags = (o[1].seen ? VSNAP_SNAPSHOT_DELETE_CHILDREN : 0) |
		(o[2].seen ? VSNAP_SNAPSHOT_DELETE_CHILDREN_ONLY : 0) |
		(o[3].seen ? VSNAP_SNAPSHOT_DELETE_METADATA_ONLY : 0) |
		(o[4].seen ? VSNAP_SNAPSHOT_DELETE_NO_CONSOLIDATE : 0);
	rc = vsnap_snapshot_delete(k.dom, k.key, flags);
	cli_progress_done();
	return finish(ctx, k.dom, k.made, rc, o[2].seen ? "Domain snapshot %s children deleted\n" :
		"Domain snapshot %s deleted\n", k.key);
}

static int cmd_edit(cli_ctx *ctx, int argc, char **argv)
{
	cli_opt o[] = { OPT("current"), OPTV("rename"), OPTV("description") };
	keyed k;
	int rc = parse_keyed(&k, ctx, argc, argv, o, NOPTS(o));

	if (rc)
		return rc;
	if (!o[1].seen && !o[2].seen) {
		vsnap_domain_free(k.dom);
		free(k.made);
		return cli_usage(argv[0], "snapshot-edit: give --rename NEW and/or --description TEXT");
	}
	rc = vsnap_snapshot_edit(k.dom, k.key, o[1].seen ? o[1].value : NULL,
		o[2].seen ? o[2].value : NULL);
	return finish(ctx, k.dom, k.made, rc, "Snapshot %s edited\n",
		o[1].seen ? o[1].value : k.key);
}

static int cmd_delete_all(cli_ctx *ctx, int argc, char **argv)
{
	char *pos[1];
	vsnap_domain *dom = NULL;
	int n = cli_parse(argv[0], argc, argv, NULL, 0, pos, 1);

	if (n < 0)
		return CLI_USAGE;
	if (n < 1)
		return cli_usage(argv[0], "%s: a domain is required", argv[0]);
	if (cli_domain(&dom, ctx, pos[0]))
		return CLI_ERROR;
	int rc = vsnap_snapshot_delete_all(dom, 0);
	cli_progress_done();
	return finish(ctx, dom, NULL, rc, "All snapshots of domain '%s' deleted\n",
		vsnap_domain_name(dom));
}

static int cmd_consolidate(cli_ctx *ctx, int argc, char **argv)
{
	cli_opt o[] = { OPT("check") };
	char *pos[1];
	vsnap_domain *dom = NULL;
	int needed = 0, rc;
	int n = cli_parse(argv[0], argc, argv, o, NOPTS(o), pos, 1);

	if (n < 0)
		return CLI_USAGE;
	if (n < 1)
		return cli_usage(argv[0], "consolidate: a domain is required");
	if (cli_domain(&dom, ctx, pos[0]))
		return CLI_ERROR;
	if (o[0].seen) {
		rc = vsnap_domain_needs_consolidation(&needed, dom);
		if (rc == 0) {
			if (ctx->json)
				printf("{\"consolidation_needed\": %s}\n", needed ? "true" : "false");
			else
				printf("%s\n", needed ? "consolidation needed" : "no consolidation needed");
		}
	} else {
		rc = vsnap_domain_consolidate(dom, 0);
		cli_progress_done();
		if (rc == 0 && !ctx->quiet && !ctx->json)
			printf("Disks of domain '%s' consolidated\n", vsnap_domain_name(dom));
	}
	vsnap_domain_free(dom);
	return rc ? cli_fail(NULL) : CLI_OK;
}

const cli_command cli_snapshot_change_commands[] = {
	{ "snapshot-create-as", NULL,
	  "DOMAIN [NAME] [DESCRIPTION] [--name N] [--description D] [--disk-only] [--quiesce]\n"
	  "                         [--halt] [--no-metadata] [--reuse-external] [--atomic] [--live]",
	  "Create a snapshot. A running domain gets a checkpoint (disks + memory) unless\n"
	  "--disk-only; --quiesce asks guest tools to flush file systems; --halt powers the\n"
	  "domain off afterwards. Without a name, one is made from the creation time.",
	  cmd_create_as },
	{ "snapshot-create", NULL,
	  "DOMAIN [FILE] [--redefine [--current]] [--disk-only] [--quiesce] [--halt]\n"
	  "                         [--reuse-external] [--no-metadata] [--validate]",
	  "Create a snapshot from <domainsnapshot> XML (name, description, memory and disks\n"
	  "are honoured), or with --redefine record the metadata of one that exists.",
	  cmd_create },
	{ "snapshot-revert", NULL, "DOMAIN (SNAPSHOT | --current) [--running | --paused] [--force]\n"
	  "                         [--delete-children] [--discard]",
	  "Revert the domain to a snapshot. The run state comes from the snapshot unless\n"
	  "--running or --paused says otherwise. Reverts that would throw away a running\n"
	  "guest in a surprising way need --force. --delete-children also deletes the\n"
	  "snapshots below it; --discard then deletes the snapshot itself (the domain keeps\n"
	  "its state; QEMU: an external snapshot's overlay goes). One operation: if a step\n"
	  "fails, running the same command again finishes it.", cmd_revert },
	{ "snapshot-delete", NULL,
	  "DOMAIN (SNAPSHOT | --current) [--children | --children-only] [--metadata]\n"
	  "                         [--no-consolidate]",
	  "Delete a snapshot; its data merges into its children, which move up to its parent.\n"
	  "--children deletes the whole subtree, --children-only the subtree below it.\n"
	  "--metadata drops only vsnap's metadata (not possible on ESX).", cmd_delete },
	{ "snapshot-edit", "snapshot-rename", "DOMAIN (SNAPSHOT | --current) [--rename NEW] [--description TEXT]",
	  "Rename a snapshot and/or change its description.", cmd_edit },
	{ "snapshot-delete-all", "remove-all", "DOMAIN",
	  "Delete every snapshot of the domain.", cmd_delete_all },
	{ "consolidate", NULL, "DOMAIN [--check]",
	  "Consolidate the domain's disks (ESX), or with --check say whether it is needed.",
	  cmd_consolidate },
	{ NULL, NULL, NULL, NULL, NULL },
};

/* Domain commands, named as virsh names them. SPDX-License-Identifier: GPL-2.0-or-later */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

#define NOPTS(a) (sizeof(a) / sizeof((a)[0]))

static int cmd_list(cli_ctx *ctx, int argc, char **argv)
{
	cli_opt o[] = { { "all", 0, 0, 0 }, { "inactive", 0, 0, 0 }, { "name", 0, 0, 0 },
		{ "uuid", 0, 0, 0 } };
	char *pos[1];
	vsnap_domain_info *list = NULL;
	size_t n = 0;
	unsigned int flags = VSNAP_LIST_DOMAINS_ACTIVE;

	if (cli_parse(argv[0], argc, argv, o, NOPTS(o), pos, 0) < 0)
		return CLI_USAGE;
	if (o[0].seen)
		flags = 0;
	else if (o[1].seen)
		flags = VSNAP_LIST_DOMAINS_INACTIVE;
	if (cli_connect(ctx))
		return CLI_ERROR;
	if (vsnap_domain_list(&list, &n, ctx->conn, flags))
		return cli_fail("listing domains");
	if (ctx->json) {
		printf("[");
		for (size_t i = 0; i < n; i++) {
			printf("%s\n  {\"name\": ", i ? "," : "");
			cli_json_string(stdout, list[i].name);
			printf(", \"uuid\": ");
			cli_json_string(stdout, list[i].uuid);
			printf(", \"id\": ");
			cli_json_string(stdout, list[i].id);
			printf(", \"state\": ");
			cli_json_string(stdout, vsnap_domain_state_name(list[i].state));
			printf("}");
		}
		printf("%s]\n", n ? "\n" : "");
	} else if (o[2].seen || o[3].seen) {
		for (size_t i = 0; i < n; i++)
			printf("%s\n", o[3].seen ? list[i].uuid : list[i].name);
	} else {
		printf(" %-10s %-30s %s\n", "Id", "Name", "State");
		printf("%s\n", "------------------------------------------------------");
		for (size_t i = 0; i < n; i++)
			printf(" %-10s %-30s %s\n", list[i].state == VSNAP_DOMAIN_SHUTOFF ? "-" :
				(list[i].id ? list[i].id : "-"), list[i].name,
				vsnap_domain_state_name(list[i].state));
		printf("\n");
	}
	vsnap_domain_info_list_free(list, n);
	return CLI_OK;
}

/* Parses "DOMAIN" plus the given flags, and looks the domain up. */
static int one_domain(vsnap_domain **dom, cli_ctx *ctx, int argc, char **argv, cli_opt *o,
	size_t no)
{
	char *pos[1];
	int n = cli_parse(argv[0], argc, argv, o, no, pos, 1);

	if (n < 0)
		return CLI_USAGE;
	if (n < 1)
		return cli_usage(argv[0], "%s: a domain is required", argv[0]);
	return cli_domain(dom, ctx, pos[0]);
}

static int cmd_dominfo(cli_ctx *ctx, int argc, char **argv)
{
	vsnap_domain *dom = NULL;
	vsnap_domain_info info;
	int rc;

	if ((rc = one_domain(&dom, ctx, argc, argv, NULL, 0)))
		return rc;
	if (vsnap_domain_get_info(&info, dom)) {
		vsnap_domain_free(dom);
		return cli_fail(NULL);
	}
	if (ctx->json) {
		printf("{\"name\": ");
		cli_json_string(stdout, info.name);
		printf(", \"uuid\": ");
		cli_json_string(stdout, info.uuid);
		printf(", \"id\": ");
		cli_json_string(stdout, info.id);
		printf(", \"state\": ");
		cli_json_string(stdout, vsnap_domain_state_name(info.state));
		printf(", \"memory_kib\": %llu, \"vcpus\": %u, \"has_snapshots\": %s, "
			"\"persistent\": %s}\n", info.memory_kib, info.vcpus,
			info.has_snapshots < 0 ? "null" : info.has_snapshots ? "true" : "false",
			info.persistent ? "true" : "false");
	} else {
		printf("%-15s %s\n", "Id:", info.state == VSNAP_DOMAIN_SHUTOFF || !info.id ? "-" : info.id);
		printf("%-15s %s\n", "Name:", info.name);
		printf("%-15s %s\n", "UUID:", info.uuid ? info.uuid : "");
		printf("%-15s %s\n", "State:", vsnap_domain_state_name(info.state));
		printf("%-15s %u\n", "CPU(s):", info.vcpus);
		printf("%-15s %llu KiB\n", "Max memory:", info.memory_kib);
		printf("%-15s %s\n", "Persistent:", info.persistent ? "yes" : "no");
		if (info.has_snapshots >= 0)
			printf("%-15s %s\n", "Snapshots:", info.has_snapshots ? "yes" : "no");
		printf("\n");
	}
	vsnap_domain_info_clear(&info);
	vsnap_domain_free(dom);
	return CLI_OK;
}

static int cmd_domstate(cli_ctx *ctx, int argc, char **argv)
{
	vsnap_domain *dom = NULL;
	vsnap_domain_info info;
	int rc;

	if ((rc = one_domain(&dom, ctx, argc, argv, NULL, 0)))
		return rc;
	rc = vsnap_domain_get_info(&info, dom);
	vsnap_domain_free(dom);
	if (rc)
		return cli_fail(NULL);
	if (ctx->json) {
		printf("{\"state\": ");
		cli_json_string(stdout, vsnap_domain_state_name(info.state));
		printf("}\n");
	} else {
		printf("%s\n", vsnap_domain_state_name(info.state));
	}
	vsnap_domain_info_clear(&info);
	return CLI_OK;
}

static int cmd_dumpxml(cli_ctx *ctx, int argc, char **argv)
{
	vsnap_domain *dom = NULL;
	char *xml = NULL;
	int rc;

	if ((rc = one_domain(&dom, ctx, argc, argv, NULL, 0)))
		return rc;
	rc = vsnap_domain_get_xml(&xml, dom, 0);
	vsnap_domain_free(dom);
	if (rc)
		return cli_fail(NULL);
	fputs(xml, stdout);
	vsnap_string_free(xml);
	return CLI_OK;
}

static int cmd_define(cli_ctx *ctx, int argc, char **argv)
{
	char *pos[1];
	char *xml = NULL;
	vsnap_domain *dom = NULL;
	int n = cli_parse(argv[0], argc, argv, NULL, 0, pos, 1);

	if (n < 0)
		return CLI_USAGE;
	if (n < 1)
		return cli_usage(argv[0], "define: an XML file is required");
	if (cli_read_file(&xml, NULL, pos[0]))
		return CLI_ERROR;
	if (cli_connect(ctx)) {
		free(xml);
		return CLI_ERROR;
	}
	int rc = vsnap_domain_define(&dom, ctx->conn, xml, 0);
	free(xml);
	if (rc)
		return cli_fail(NULL);
	if (!ctx->quiet)
		printf("Domain '%s' defined from %s\n", vsnap_domain_name(dom), pos[0]);
	vsnap_domain_free(dom);
	return CLI_OK;
}

static int cmd_undefine(cli_ctx *ctx, int argc, char **argv)
{
	cli_opt o[] = { { "snapshots-metadata", 0, 0, 0 } };
	vsnap_domain *dom = NULL;
	int rc;

	if ((rc = one_domain(&dom, ctx, argc, argv, o, NOPTS(o))))
		return rc;
	rc = vsnap_domain_undefine(dom, o[0].seen ? VSNAP_UNDEFINE_SNAPSHOTS_METADATA : 0);
	if (rc == 0 && !ctx->quiet)
		printf("Domain '%s' has been undefined\n", vsnap_domain_name(dom));
	vsnap_domain_free(dom);
	return rc ? cli_fail(NULL) : CLI_OK;
}

typedef int (*power_fn)(vsnap_domain *, unsigned int);

static int power(cli_ctx *ctx, int argc, char **argv, power_fn fn, const char *done)
{
	vsnap_domain *dom = NULL;
	int rc;

	if ((rc = one_domain(&dom, ctx, argc, argv, NULL, 0)))
		return rc;
	rc = fn(dom, 0);
	cli_progress_done();
	if (rc == 0 && !ctx->quiet)
		printf("Domain '%s' %s\n", vsnap_domain_name(dom), done);
	vsnap_domain_free(dom);
	return rc ? cli_fail(NULL) : CLI_OK;
}

static int cmd_start(cli_ctx *c, int n, char **v) { return power(c, n, v, vsnap_domain_start, "started"); }
static int cmd_shutdown(cli_ctx *c, int n, char **v) { return power(c, n, v, vsnap_domain_shutdown, "is being shutdown"); }
static int cmd_destroy(cli_ctx *c, int n, char **v) { return power(c, n, v, vsnap_domain_destroy, "destroyed"); }
static int cmd_suspend(cli_ctx *c, int n, char **v) { return power(c, n, v, vsnap_domain_suspend, "suspended"); }
static int cmd_resume(cli_ctx *c, int n, char **v) { return power(c, n, v, vsnap_domain_resume, "resumed"); }
static int cmd_reset(cli_ctx *c, int n, char **v) { return power(c, n, v, vsnap_domain_reset, "was reset"); }

const cli_command cli_domain_commands[] = {
	{ "list", NULL, "[--all | --inactive] [--name | --uuid]",
	  "List domains: running ones, or all with --all, or shut-off ones with --inactive.\n"
	  "--name/--uuid print one name or UUID per line; --json prints an array of\n"
	  "{name, uuid, id, state}.", cmd_list },
	{ "dominfo", NULL, "DOMAIN", "Show a domain's state, CPUs, memory and whether it has snapshots.\n"
	  "DOMAIN is a name, a UUID or the hypervisor's id (ESX MoRef).", cmd_dominfo },
	{ "domstate", NULL, "DOMAIN", "Print the domain's state (running, paused, shut off...).",
	  cmd_domstate },
	{ "dumpxml", NULL, "DOMAIN", "Print the domain's libvirt XML (ESX: its .vmx, translated).",
	  cmd_dumpxml },
	{ "define", NULL, "FILE", "Define a domain from libvirt XML (QEMU). '-' reads stdin.", cmd_define },
	{ "undefine", NULL, "DOMAIN [--snapshots-metadata]",
	  "Remove a domain's definition. Refused while it has snapshots unless\n"
	  "--snapshots-metadata, which also drops their metadata (never the disk data).",
	  cmd_undefine },
	{ "start", NULL, "DOMAIN", "Power the domain on.", cmd_start },
	{ "shutdown", NULL, "DOMAIN", "Ask the guest to shut down.", cmd_shutdown },
	{ "destroy", NULL, "DOMAIN", "Power the domain off at once.", cmd_destroy },
	{ "suspend", NULL, "DOMAIN", "Pause (QEMU) or suspend (ESX) the domain.", cmd_suspend },
	{ "resume", NULL, "DOMAIN", "Resume a paused or suspended domain.", cmd_resume },
	{ "reset", NULL, "DOMAIN", "Reset the domain as if by its reset button.", cmd_reset },
	{ NULL, NULL, NULL, NULL, NULL },
};

/* Domain commands, named as virsh names them. SPDX-License-Identifier: GPL-2.0-or-later */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

#define NOPTS(a) (sizeof(a) / sizeof((a)[0]))

static void print_list(cli_ctx *ctx, const vsnap_domain_info *list, size_t n, int names,
	int uuids)
{
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
	} else if (names || uuids) {
		for (size_t i = 0; i < n; i++)
			printf("%s\n", (uuids ? list[i].uuid : list[i].name) ?
				(uuids ? list[i].uuid : list[i].name) : "(unknown)");
	} else {
		printf(" %-10s %-30s %s\n", "Id", "Name", "State");
		printf("%s\n", "------------------------------------------------------");
		for (size_t i = 0; i < n; i++)
			printf(" %-10s %-30s %s\n", list[i].state == VSNAP_DOMAIN_SHUTOFF ? "-" :
				(list[i].id ? list[i].id : "-"), list[i].name ? list[i].name : "(unknown)",
				vsnap_domain_state_name(list[i].state));
		printf("\n");
	}
}

/* Whether a listed domain has snapshots; asks for its forest when the listing did not say. */
static int has_snapshots(cli_ctx *ctx, const vsnap_domain_info *info)
{
	vsnap_domain *dom = NULL;
	vsnap_forest *forest = NULL;
	int has = -1;

	if (info->has_snapshots >= 0)
		return info->has_snapshots;
	if (vsnap_domain_lookup(&dom, ctx->conn, info->id ? info->id : info->name) == 0 &&
			vsnap_forest_get(&forest, dom) == 0)
		has = vsnap_forest_count(forest) > 0;
	vsnap_forest_free(forest);
	vsnap_domain_free(dom);
	return has;
}

/* virsh's list filters: --with-snapshot, --without-snapshot, --state-*. -1 on error. */
static int keep(cli_ctx *ctx, const cli_opt *o, size_t no, const vsnap_domain_info *info)
{
	int st = info->state;
	int want_state = cli_opt_get(o, no, "state-running") || cli_opt_get(o, no, "state-paused") ||
		cli_opt_get(o, no, "state-shutoff");

	if (want_state && !((cli_opt_get(o, no, "state-running") && st == VSNAP_DOMAIN_RUNNING) ||
			(cli_opt_get(o, no, "state-paused") && st == VSNAP_DOMAIN_PAUSED) ||
			(cli_opt_get(o, no, "state-shutoff") && st == VSNAP_DOMAIN_SHUTOFF)))
		return 0;
	if (cli_opt_get(o, no, "with-snapshot") || cli_opt_get(o, no, "without-snapshot")) {
		int has = has_snapshots(ctx, info);
		if (has < 0) {
			cli_fail(NULL);
			cli_error("cannot tell whether domain '%s' has snapshots", info->name);
			return -1;
		}
		return cli_opt_get(o, no, "with-snapshot") ? has : !has;
	}
	return 1;
}

static int cmd_list(cli_ctx *ctx, int argc, char **argv)
{
	cli_opt o[] = { { "all", 0, 0, 0 }, { "inactive", 0, 0, 0 }, { "name", 0, 0, 0 },
		{ "uuid", 0, 0, 0 }, { "table", 0, 0, 0 }, { "with-snapshot", 0, 0, 0 },
		{ "without-snapshot", 0, 0, 0 }, { "state-running", 0, 0, 0 },
		{ "state-paused", 0, 0, 0 }, { "state-shutoff", 0, 0, 0 } };
	const size_t no = NOPTS(o);
	char *pos[1];
	vsnap_domain_info *list = NULL;
	size_t n = 0, shown = 0;
	unsigned int flags = VSNAP_LIST_DOMAINS_ACTIVE;
	int rc = CLI_OK;

	if (cli_parse(argv[0], argc, argv, o, no, pos, 0) < 0)
		return CLI_USAGE;
	if (o[4].seen && (o[2].seen || o[3].seen))
		return cli_usage(argv[0], "--table excludes --name and --uuid");
	if (o[5].seen && o[6].seen)
		return cli_usage(argv[0], "--with-snapshot and --without-snapshot exclude each other");
	/* As in virsh, a state filter or --all looks at every domain, not only running ones. */
	if (o[0].seen || o[7].seen || o[8].seen || o[9].seen)
		flags = 0;
	else if (o[1].seen)
		flags = VSNAP_LIST_DOMAINS_INACTIVE;
	if (cli_connect(ctx))
		return CLI_ERROR;
	if (vsnap_domain_list(&list, &n, ctx->conn, flags))
		return cli_fail("listing domains");
	size_t i;
	for (i = 0; i < n; i++) {
		int k = keep(ctx, o, no, &list[i]);
		if (k < 0) {
			rc = CLI_ERROR;
			break;
		}
		if (k)
			list[shown++] = list[i];
		else
			vsnap_domain_info_clear(&list[i]);
	}
	/* [shown, i) now holds cleared entries or copies moved down: not to be freed twice */
	for (size_t j = shown; j < i; j++)
		memset(&list[j], 0, sizeof(list[j]));
	if (rc == CLI_OK)
		print_list(ctx, list, shown, o[2].seen, o[3].seen);
	vsnap_domain_info_list_free(list, n);
	return rc;
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
		/* 0 CPUs or 0 KiB means the hypervisor did not say (a VM without readable
		 * config): unknown is null, never zero. */
		printf(", \"memory_kib\": ");
		info.memory_kib ? printf("%llu", info.memory_kib) : printf("null");
		printf(", \"vcpus\": ");
		info.vcpus ? printf("%u", info.vcpus) : printf("null");
		printf(", \"has_snapshots\": %s, \"persistent\": %s}\n",
			info.has_snapshots < 0 ? "null" : info.has_snapshots ? "true" : "false",
			info.persistent ? "true" : "false");
	} else {
		printf("%-15s %s\n", "Id:", info.state == VSNAP_DOMAIN_SHUTOFF || !info.id ? "-" : info.id);
		printf("%-15s %s\n", "Name:", info.name ? info.name : "(unknown)");
		printf("%-15s %s\n", "UUID:", info.uuid ? info.uuid : "(unknown)");
		printf("%-15s %s\n", "State:", vsnap_domain_state_name(info.state));
		if (info.vcpus)
			printf("%-15s %u\n", "CPU(s):", info.vcpus);
		else
			printf("%-15s %s\n", "CPU(s):", "(unknown)");
		if (info.memory_kib)
			printf("%-15s %llu KiB\n", "Max memory:", info.memory_kib);
		else
			printf("%-15s %s\n", "Max memory:", "(unknown)");
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
	cli_opt o[] = { { "reason", 0, 0, 0 } };
	vsnap_domain *dom = NULL;
	vsnap_domain_info info;
	int rc;

	if ((rc = one_domain(&dom, ctx, argc, argv, o, NOPTS(o))))
		return rc;
	rc = vsnap_domain_get_info(&info, dom);
	vsnap_domain_free(dom);
	if (rc)
		return cli_fail(NULL);
	if (ctx->json) {
		printf("{\"state\": ");
		cli_json_string(stdout, vsnap_domain_state_name(info.state));
		printf(o[0].seen ? ", \"reason\": \"unknown\"}\n" : "}\n");
	} else if (o[0].seen) {
		/* Neither ESX nor vsnap's QEMU records why a domain is in its state: libvirt's
		 * word for that is "unknown", never a made-up reason. */
		printf("%s (unknown)\n", vsnap_domain_state_name(info.state));
	} else {
		printf("%s\n", vsnap_domain_state_name(info.state));
	}
	vsnap_domain_info_clear(&info);
	return CLI_OK;
}

static int cmd_dumpxml(cli_ctx *ctx, int argc, char **argv)
{
	/* --inactive: vsnap's XML is always the persistent definition (the .vmx, the defined
	 * XML), so the flag asks for what it shows anyway. --security-info: no secrets are
	 * left out to begin with. */
	cli_opt o[] = { { "inactive", 0, 0, 0 }, { "security-info", 0, 0, 0 },
		{ "xpath", 1, 0, 0 }, { "wrap", 0, 0, 0 } };
	vsnap_domain *dom = NULL;
	char *xml = NULL;
	int rc;

	char *pos[1];
	int n = cli_parse(argv[0], argc, argv, o, NOPTS(o), pos, 1);

	if (n < 0)
		return CLI_USAGE;
	if (n < 1)
		return cli_usage(argv[0], "%s: a domain is required", argv[0]);
	if (o[3].seen && !o[2].seen)
		return cli_usage(argv[0], "--wrap needs --xpath");
	if ((rc = cli_domain(&dom, ctx, pos[0])))
		return rc;
	rc = vsnap_domain_get_xml(&xml, dom, 0);
	vsnap_domain_free(dom);
	if (rc)
		return cli_fail(NULL);
	if (o[2].seen)
		rc = cli_print_xpath(xml, o[2].value, o[3].seen);
	else
		fputs(xml, stdout);
	vsnap_string_free(xml);
	return rc;
}

static int cmd_define(cli_ctx *ctx, int argc, char **argv)
{
	cli_opt o[] = { { "validate", 0, 0, 0 } };
	char *pos[1];
	char *xml = NULL;
	vsnap_domain *dom = NULL;
	int n = cli_parse(argv[0], argc, argv, o, NOPTS(o), pos, 1);

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
	int rc = vsnap_domain_define(&dom, ctx->conn, xml,
		o[0].seen ? VSNAP_DOMAIN_DEFINE_VALIDATE : 0);
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
	cli_opt o[] = { { "paused", 0, 0, 0 } };
	int is_start = fn == vsnap_domain_start;
	vsnap_domain *dom = NULL;
	int rc;

	if ((rc = one_domain(&dom, ctx, argc, argv, o, is_start ? NOPTS(o) : 0)))
		return rc;
	cli_progress_label("%s '%s'", argv[0], vsnap_domain_name(dom));
	rc = fn(dom, is_start && o[0].seen ? VSNAP_DOMAIN_START_PAUSED : 0);
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
	{ "list", NULL, "[--all | --inactive] [--name | --uuid | --table]\n"
	  "                         [--with-snapshot | --without-snapshot]\n"
	  "                         [--state-running] [--state-paused] [--state-shutoff]",
	  "List domains: running ones, or all with --all, or shut-off ones with --inactive.\n"
	  "--name/--uuid print one name or UUID per line, --table (the default) a table;\n"
	  "--with-snapshot/--without-snapshot and --state-* filter as in virsh;\n"
	  "--json prints an array of {name, uuid, id, state}.", cmd_list },
	{ "dominfo", NULL, "[--domain] DOMAIN", "Show a domain's state, CPUs, memory and whether it has snapshots.\n"
	  "DOMAIN is a name, a UUID or the hypervisor's id (ESX MoRef).", cmd_dominfo },
	{ "domstate", NULL, "[--domain] DOMAIN [--reason]",
	  "Print the domain's state (running, paused, shut off...). --reason adds why, which\n"
	  "neither backend records: it says \"(unknown)\", as libvirt does when it cannot tell.",
	  cmd_domstate },
	{ "dumpxml", NULL, "[--domain] DOMAIN [--inactive] [--security-info] [--xpath EXPR [--wrap]]",
	  "Print the domain's libvirt XML (ESX: its .vmx, translated). It is always the\n"
	  "persistent definition, so --inactive changes nothing; --xpath prints what the\n"
	  "expression selects, --wrap puts the nodes in one <nodes> element.",
	  cmd_dumpxml },
	{ "define", NULL, "[--file] FILE [--validate]",
	  "Define a domain from libvirt XML (QEMU). '-' reads stdin. --validate checks it\n"
	  "against libvirt's domain schema first.", cmd_define },
	{ "undefine", NULL, "[--domain] DOMAIN [--snapshots-metadata]",
	  "Remove a domain's definition. Refused while it has snapshots unless\n"
	  "--snapshots-metadata, which also drops their metadata (never the disk data).",
	  cmd_undefine },
	{ "start", NULL, "[--domain] DOMAIN [--paused]",
	  "Power the domain on; --paused leaves it paused (QEMU; ESX cannot).", cmd_start },
	{ "shutdown", NULL, "[--domain] DOMAIN", "Ask the guest to shut down.", cmd_shutdown },
	{ "destroy", NULL, "[--domain] DOMAIN", "Power the domain off at once.", cmd_destroy },
	{ "suspend", NULL, "[--domain] DOMAIN", "Pause (QEMU) or suspend (ESX) the domain.", cmd_suspend },
	{ "resume", NULL, "[--domain] DOMAIN", "Resume a paused or suspended domain.", cmd_resume },
	{ "reset", NULL, "[--domain] DOMAIN", "Reset the domain as if by its reset button.", cmd_reset },
	{ NULL, NULL, NULL, NULL, NULL },
};

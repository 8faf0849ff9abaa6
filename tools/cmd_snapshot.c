/* Snapshot commands that read: list, current, info, parent, dumpxml (virsh's names and flags).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "snapshot_target.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static void print_time(long long t)
{
	char buf[64];
	time_t tt = (time_t)t;
	struct tm tm;

	localtime_r(&tt, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S %z", &tm);
	printf("%-27s", buf);
}

static void json_snapshot(const vsnap_snapshot *s)
{
	char *path = NULL;
	vsnap_snapshot *p = vsnap_snapshot_parent(s);

	vsnap_snapshot_path(&path, s);
	printf("{\"name\": ");
	cli_json_string(stdout, vsnap_snapshot_name(s));
	printf(", \"path\": ");
	cli_json_string(stdout, path);
	printf(", \"id\": ");
	cli_json_string(stdout, vsnap_snapshot_id(s));
	printf(", \"description\": ");
	cli_json_string(stdout, vsnap_snapshot_description(s));
	printf(", \"parent\": ");
	cli_json_string(stdout, p ? vsnap_snapshot_name(p) : NULL);
	printf(", \"creation_time\": %lld, \"state\": ", vsnap_snapshot_creation_time(s));
	cli_json_string(stdout, vsnap_snapshot_state_name(vsnap_snapshot_state(s)));
	int q = vsnap_snapshot_quiesced(s);
	printf(", \"current\": %s, \"memory\": %s, \"quiesced\": %s, \"location\": \"%s\", "
		"\"children\": %zu, \"descendants\": %zu}",
		vsnap_snapshot_is_current(s) ? "true" : "false",
		vsnap_snapshot_has_memory(s) ? "true" : "false",
		q < 0 ? "null" : q ? "true" : "false",
		vsnap_snapshot_is_external(s) ? "external" : "internal",
		vsnap_snapshot_child_count(s), vsnap_snapshot_descendant_count(s));
	vsnap_string_free(path);
}

static int cmd_list(cli_ctx *ctx, int argc, char **argv)
{
	static const struct { const char *opt; unsigned int flag; } filters[] = {
		{ "roots", VSNAP_LIST_ROOTS }, { "leaves", VSNAP_LIST_LEAVES },
		{ "no-leaves", VSNAP_LIST_NO_LEAVES }, { "metadata", VSNAP_LIST_METADATA },
		{ "no-metadata", VSNAP_LIST_NO_METADATA }, { "inactive", VSNAP_LIST_INACTIVE },
		{ "active", VSNAP_LIST_ACTIVE }, { "disk-only", VSNAP_LIST_DISK_ONLY },
		{ "internal", VSNAP_LIST_INTERNAL }, { "external", VSNAP_LIST_EXTERNAL },
		{ "topological", VSNAP_LIST_TOPOLOGICAL }, { "descendants", VSNAP_LIST_DESCENDANTS },
	};
	cli_opt o[] = { OPT("roots"), OPT("leaves"), OPT("no-leaves"), OPT("metadata"),
		OPT("no-metadata"), OPT("inactive"), OPT("active"), OPT("disk-only"), OPT("internal"),
		OPT("external"), OPT("topological"), OPT("descendants"), OPT("tree"), OPT("parent"),
		OPT("name"), OPTV("from"), OPT("current") };
	const size_t no = NOPTS(o);
	char *pos[1];
	vsnap_domain *dom = NULL;
	vsnap_forest *forest = NULL;
	vsnap_snapshot *from = NULL;
	vsnap_snapshot **list = NULL;
	size_t count = 0;
	unsigned int flags = 0;
	int rc = CLI_ERROR;
	int n = cli_parse(argv[0], argc, argv, o, no, pos, 1);

	if (n < 0)
		return CLI_USAGE;
	if (n < 1)
		return cli_usage(argv[0], "snapshot-list: a domain is required");
	for (size_t i = 0; i < sizeof(filters) / sizeof(filters[0]); i++)
		if (seen(o, no, filters[i].opt))
			flags |= filters[i].flag;
	if (seen(o, no, "tree") && (seen(o, no, "parent") || seen(o, no, "roots") ||
			seen(o, no, "name")))
		return cli_usage(argv[0], "--tree excludes --parent, --roots and --name");
	if (seen(o, no, "from") && seen(o, no, "current"))
		return cli_usage(argv[0], "--from and --current exclude each other");
	if ((flags & VSNAP_LIST_DESCENDANTS) && !seen(o, no, "from") && !seen(o, no, "current"))
		return cli_usage(argv[0], "--descendants needs --from or --current");
	if (cli_domain(&dom, ctx, pos[0]))
		return CLI_ERROR;
	if (vsnap_forest_get(&forest, dom)) {
		rc = cli_fail(NULL);
		goto out;
	}
	if (seen(o, no, "current") && !(from = current_of(forest, dom)))
		goto out;
	if (seen(o, no, "from") && vsnap_forest_lookup(&from, forest, value(o, no, "from"))) {
		rc = cli_fail(NULL);
		goto out;
	}
	if (seen(o, no, "tree") && !ctx->json) {
		char *tree = NULL;
		if (vsnap_forest_format_tree(&tree, forest, from)) {
			rc = cli_fail(NULL);
			goto out;
		}
		fputs(tree, stdout);
		vsnap_string_free(tree);
		rc = CLI_OK;
		goto out;
	}
	if (vsnap_forest_list(&list, &count, forest, from, flags)) {
		rc = cli_fail(NULL);
		goto out;
	}
	if (ctx->json) {
		printf("[");
		for (size_t i = 0; i < count; i++) {
			printf("%s\n  ", i ? "," : "");
			json_snapshot(list[i]);
		}
		printf("%s]\n", count ? "\n" : "");
	} else if (seen(o, no, "name")) {
		for (size_t i = 0; i < count; i++)
			printf("%s\n", vsnap_snapshot_name(list[i]));
	} else {
		int with_parent = seen(o, no, "parent");
		printf(" %-20s %-27s %-15s%s\n", "Name", "Creation Time", "State",
			with_parent ? "Parent" : "");
		printf("---------------------------------------------------------------%s\n",
			with_parent ? "------------" : "");
		for (size_t i = 0; i < count; i++) {
			vsnap_snapshot *p = vsnap_snapshot_parent(list[i]);
			printf(" %-20s ", vsnap_snapshot_name(list[i]));
			print_time(vsnap_snapshot_creation_time(list[i]));
			printf(" %-15s%s\n", vsnap_snapshot_state_name(vsnap_snapshot_state(list[i])),
				with_parent && p ? vsnap_snapshot_name(p) : "");
		}
		printf("\n");
	}
	rc = CLI_OK;
out:
	vsnap_snapshot_list_free(list);
	vsnap_forest_free(forest);
	vsnap_domain_free(dom);
	return rc;
}

/* snapshot-current DOMAIN SNAPSHOT: records SNAPSHOT as current by redefining its metadata
 * with the current mark, as virsh does; nothing is reverted. */
static int set_current(cli_ctx *ctx, const char *domain, const char *key)
{
	target t;
	char *xml = NULL, *name = NULL;
	char *pos[2] = { (char *)domain, (char *)key };
	int rc = resolve(&t, ctx, "snapshot-current", 2, pos, 0);

	if (rc)
		return rc;
	rc = vsnap_snapshot_get_xml(&xml, t.snap, 0);
	if (rc == 0)
		rc = vsnap_snapshot_create_xml(&name, t.dom, xml,
			VSNAP_SNAPSHOT_CREATE_REDEFINE | VSNAP_SNAPSHOT_CREATE_CURRENT);
	if (rc) {
		rc = cli_fail("cannot make it the current snapshot");
		if (vsnap_error_last()->code == VSNAP_EUNSUPPORTED)
			fprintf(stderr, "hint: this backend changes its current snapshot only by "
				"reverting: 'vsnap snapshot-revert %s %s'\n", domain, key);
	} else if (!ctx->quiet && !ctx->json) {
		printf("Snapshot %s set as current\n", name);
	}
	vsnap_string_free(name);
	vsnap_string_free(xml);
	target_free(&t);
	return rc;
}

static int cmd_current(cli_ctx *ctx, int argc, char **argv)
{
	cli_opt o[] = { OPT("name"), OPT("security-info"), OPT("no-domain") };
	char *pos[2];
	vsnap_domain *dom = NULL;
	vsnap_forest *forest = NULL;
	int rc = CLI_ERROR;
	int n = cli_parse(argv[0], argc, argv, o, NOPTS(o), pos, 2);

	if (n < 0)
		return CLI_USAGE;
	if (n < 1)
		return cli_usage(argv[0], "snapshot-current: a domain is required");
	if (n > 1 && pos[1]) {
		if (o[0].seen || o[2].seen)
			return cli_usage(argv[0], "setting the current snapshot takes no --name or "
				"--no-domain");
		return set_current(ctx, pos[0], pos[1]);
	}
	if (cli_domain(&dom, ctx, pos[0]))
		return CLI_ERROR;
	if (vsnap_forest_get(&forest, dom)) {
		rc = cli_fail(NULL);
		goto out;
	}
	vsnap_snapshot *cur = current_of(forest, dom);
	if (!cur)
		goto out;
	if (ctx->json) {
		json_snapshot(cur);
		printf("\n");
	} else if (o[0].seen) {
		printf("%s\n", vsnap_snapshot_name(cur));
	} else {
		char *xml = NULL;
		if (vsnap_snapshot_get_xml(&xml, cur, o[2].seen ? VSNAP_SNAPSHOT_XML_NO_DOMAIN : 0)) {
			rc = cli_fail(NULL);
			goto out;
		}
		fputs(xml, stdout);
		vsnap_string_free(xml);
	}
	rc = CLI_OK;
out:
	vsnap_forest_free(forest);
	vsnap_domain_free(dom);
	return rc;
}

static int cmd_info(cli_ctx *ctx, int argc, char **argv)
{
	cli_opt o[] = { OPT("current") };
	target t;
	int rc = parse_target(&t, ctx, argc, argv, o, NOPTS(o));

	if (rc)
		return rc;
	const vsnap_snapshot *s = t.snap;
	if (ctx->json) {
		json_snapshot(s);
		printf("\n");
		target_free(&t);
		return CLI_OK;
	}
	vsnap_snapshot *p = vsnap_snapshot_parent(s);
	int q = vsnap_snapshot_quiesced(s);
	int st = vsnap_snapshot_state(s);
	printf("%-15s %s\n", "Name:", vsnap_snapshot_name(s));
	printf("%-15s %s\n", "Domain:", vsnap_domain_name(t.dom));
	printf("%-15s %s\n", "Current:", vsnap_snapshot_is_current(s) ? "yes" : "no");
	printf("%-15s %s\n", "State:", vsnap_snapshot_state_name(st));
	printf("%-15s %s\n", "Kind:", st == VSNAP_SNAPSHOT_DISK_SNAPSHOT || !vsnap_snapshot_has_memory(s)
		? "disk snapshot" : "checkpoint (disks + memory)");
	printf("%-15s %s\n", "Location:", vsnap_snapshot_is_external(s) ? "external" : "internal");
	printf("%-15s %s\n", "Memory:", vsnap_snapshot_has_memory(s) ? "yes" : "no");
	printf("%-15s %s\n", "Quiesced:", q < 0 ? "unknown" : q ? "yes" : "no");
	if (vsnap_snapshot_description(s))
		printf("%-15s %s\n", "Description:", vsnap_snapshot_description(s));
	printf("%-15s ", "Created:");
	print_time(vsnap_snapshot_creation_time(s));
	printf("\n%-15s %s\n", "Parent:", p ? vsnap_snapshot_name(p) : "-");
	printf("%-15s %zu\n", "Children:", vsnap_snapshot_child_count(s));
	printf("%-15s %zu\n", "Descendants:", vsnap_snapshot_descendant_count(s));
	printf("%-15s %s\n", "Metadata:", "yes");
	if (vsnap_snapshot_id(s))
		printf("%-15s %s\n", "Id:", vsnap_snapshot_id(s));
	for (size_t i = 0; i < vsnap_snapshot_disk_count(s); i++) {
		static const char *const loc[] = { "default", "no", "internal", "external", "manual" };
		int l = vsnap_snapshot_disk_location(s, i);
		const char *f = vsnap_snapshot_disk_file(s, i);
		printf("%-15s %s %s%s%s\n", i ? "" : "Disks:", vsnap_snapshot_disk_name(s, i),
			l >= 0 && l <= 4 ? loc[l] : "?", f ? " " : "", f ? f : "");
	}
	target_free(&t);
	return CLI_OK;
}

static int cmd_parent(cli_ctx *ctx, int argc, char **argv)
{
	cli_opt o[] = { OPT("current") };
	target t;
	int rc = parse_target(&t, ctx, argc, argv, o, NOPTS(o));

	if (rc)
		return rc;
	vsnap_snapshot *p = vsnap_snapshot_parent(t.snap);
	if (!p) {
		cli_error("snapshot '%s' has no parent", vsnap_snapshot_name(t.snap));
		rc = CLI_ERROR;
	} else if (ctx->json) {
		json_snapshot(p);
		printf("\n");
	} else {
		printf("%s\n", vsnap_snapshot_name(p));
	}
	target_free(&t);
	return rc;
}

static int cmd_dumpxml(cli_ctx *ctx, int argc, char **argv)
{
	cli_opt o[] = { OPT("security-info"), OPT("no-domain"), OPTV("xpath"), OPT("wrap") };
	target t;
	char *xml = NULL;
	int rc;

	if ((rc = parse_target(&t, ctx, argc, argv, o, NOPTS(o))))
		return rc;
	if (o[3].seen && !o[2].seen) {
		target_free(&t);
		return cli_usage(argv[0], "--wrap needs --xpath");
	}
	if (vsnap_snapshot_get_xml(&xml, t.snap, o[1].seen ? VSNAP_SNAPSHOT_XML_NO_DOMAIN : 0)) {
		rc = cli_fail(NULL);
	} else {
		if (o[2].seen)
			rc = cli_print_xpath(xml, o[2].value, o[3].seen);
		else
			fputs(xml, stdout);
		vsnap_string_free(xml);
	}
	target_free(&t);
	return rc;
}

const cli_command cli_snapshot_commands[] = {
	{ "snapshot-list", NULL,
	  "[--domain] DOMAIN [--tree | --parent | --name] [--roots] [--leaves | --no-leaves]\n"
	  "                         [--from S [--descendants] | --current [--descendants]]\n"
	  "                         [--inactive] [--active] [--disk-only] [--internal]\n"
	  "                         [--external] [--topological] [--metadata | --no-metadata]",
	  "List snapshots as a table, a tree, or names. Filters combine as in virsh.\n"
	  "--json prints an array of snapshot objects.", cmd_list },
	{ "snapshot-current", NULL, "[--domain] DOMAIN [--name] [--no-domain] [[--snapshotname] S]",
	  "Show the current snapshot as XML, or only its name. With a snapshot, make it the\n"
	  "current one (the parent of the next snapshot) without reverting (QEMU; ESX\n"
	  "changes its current snapshot only by reverting).", cmd_current },
	{ "snapshot-info", NULL, "[--domain] DOMAIN ([--snapshotname] SNAPSHOT | --current)",
	  "Show what a snapshot is: state, kind (checkpoint or disk), memory, quiesced,\n"
	  "location, parent, children and disks.", cmd_info },
	{ "snapshot-parent", NULL, "[--domain] DOMAIN ([--snapshotname] SNAPSHOT | --current)",
	  "Print the name of a snapshot's parent.", cmd_parent },
	{ "snapshot-dumpxml", NULL,
	  "[--domain] DOMAIN [--snapshotname] SNAPSHOT [--no-domain] [--xpath EXPR [--wrap]]",
	  "Print a snapshot as <domainsnapshot> XML; --xpath prints what the expression\n"
	  "selects, --wrap puts the nodes in one <nodes> element.", cmd_dumpxml },
	{ NULL, NULL, NULL, NULL, NULL },
};

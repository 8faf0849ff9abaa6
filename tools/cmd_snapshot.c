/* Snapshot commands, named and flagged as virsh's. SPDX-License-Identifier: GPL-2.0-or-later */
#include "cli.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NOPTS(a) (sizeof(a) / sizeof((a)[0]))
#define OPT(n) { n, 0, NULL, 0 }
#define OPTV(n) { n, 1, NULL, 0 }

static int seen(const cli_opt *o, size_t n, const char *name)
{
	return cli_opt_get(o, n, name) != NULL;
}

static const char *value(const cli_opt *o, size_t n, const char *name)
{
	const cli_opt *x = cli_opt_get(o, n, name);
	return x ? x->value : NULL;
}

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

/* Shared by the commands that take "DOMAIN [SNAPSHOT] [--current]". */
typedef struct {
	vsnap_domain *dom;
	vsnap_forest *forest;
	vsnap_snapshot *snap;
} target;

static void target_free(target *t)
{
	vsnap_forest_free(t->forest);
	vsnap_domain_free(t->dom);
}

/* The usage checks of "DOMAIN (SNAPSHOT | --current)". */
static int check_target_args(const char *cmd, int npos, int current)
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
static vsnap_snapshot *current_of(vsnap_forest *forest, const vsnap_domain *dom)
{
	vsnap_snapshot *cur = vsnap_forest_current(forest);

	if (!cur)
		fprintf(stderr, "error: domain '%s' has no current snapshot\n", vsnap_domain_name(dom));
	return cur;
}

static int resolve(target *t, cli_ctx *ctx, const char *cmd, int npos, char **pos, int current)
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
static int parse_target(target *t, cli_ctx *ctx, int argc, char **argv, cli_opt *o, size_t no)
{
	char *pos[2];
	int n = cli_parse(argv[0], argc, argv, o, no, pos, 2);

	if (n < 0)
		return CLI_USAGE;
	return resolve(t, ctx, argv[0], n, pos, seen(o, no, "current"));
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

static int cmd_current(cli_ctx *ctx, int argc, char **argv)
{
	cli_opt o[] = { OPT("name"), OPT("security-info"), OPT("no-domain") };
	char *pos[1];
	vsnap_domain *dom = NULL;
	vsnap_forest *forest = NULL;
	int rc = CLI_ERROR;
	int n = cli_parse(argv[0], argc, argv, o, NOPTS(o), pos, 1);

	if (n < 0)
		return CLI_USAGE;
	if (n < 1)
		return cli_usage(argv[0], "snapshot-current: a domain is required");
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
		fprintf(stderr, "error: snapshot '%s' has no parent\n", vsnap_snapshot_name(t.snap));
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
	cli_opt o[] = { OPT("security-info"), OPT("no-domain") };
	target t;
	char *xml = NULL;
	int rc = parse_target(&t, ctx, argc, argv, o, NOPTS(o));

	if (rc)
		return rc;
	if (vsnap_snapshot_get_xml(&xml, t.snap, o[1].seen ? VSNAP_SNAPSHOT_XML_NO_DOMAIN : 0)) {
		rc = cli_fail(NULL);
	} else {
		fputs(xml, stdout);
		vsnap_string_free(xml);
	}
	target_free(&t);
	return rc;
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
	cli_opt o[] = { OPT("current"), OPT("running"), OPT("paused"), OPT("force") };
	keyed k;
	int rc = parse_keyed(&k, ctx, argc, argv, o, NOPTS(o));

	if (rc)
		return rc;
	unsigned int flags = (o[1].seen ? VSNAP_SNAPSHOT_REVERT_RUNNING : 0) |
		(o[2].seen ? VSNAP_SNAPSHOT_REVERT_PAUSED : 0) |
		(o[3].seen ? VSNAP_SNAPSHOT_REVERT_FORCE : 0);
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

const cli_command cli_snapshot_commands[] = {
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
	{ "snapshot-list", NULL,
	  "DOMAIN [--tree | --parent | --name] [--roots] [--leaves | --no-leaves]\n"
	  "                         [--from S [--descendants] | --current [--descendants]]\n"
	  "                         [--inactive] [--active] [--disk-only] [--internal]\n"
	  "                         [--external] [--topological] [--metadata | --no-metadata]",
	  "List snapshots as a table, a tree, or names. Filters combine as in virsh.\n"
	  "--json prints an array of snapshot objects.", cmd_list },
	{ "snapshot-current", NULL, "DOMAIN [--name] [--no-domain]",
	  "Show the current snapshot as XML, or only its name.", cmd_current },
	{ "snapshot-info", NULL, "DOMAIN (SNAPSHOT | --current)",
	  "Show what a snapshot is: state, kind (checkpoint or disk), memory, quiesced,\n"
	  "location, parent, children and disks.", cmd_info },
	{ "snapshot-parent", NULL, "DOMAIN (SNAPSHOT | --current)",
	  "Print the name of a snapshot's parent.", cmd_parent },
	{ "snapshot-dumpxml", NULL, "DOMAIN SNAPSHOT [--no-domain]",
	  "Print a snapshot as <domainsnapshot> XML.", cmd_dumpxml },
	{ "snapshot-revert", NULL, "DOMAIN (SNAPSHOT | --current) [--running | --paused] [--force]",
	  "Revert the domain to a snapshot. The run state comes from the snapshot unless\n"
	  "--running or --paused says otherwise. Reverts that would throw away a running\n"
	  "guest in a surprising way need --force.", cmd_revert },
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

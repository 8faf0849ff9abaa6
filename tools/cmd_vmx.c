/* .vmx translator commands. SPDX-License-Identifier: GPL-2.0-or-later */
#include "cli.h"

#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "vsnap/vmx.h"

/* Output and warnings: warnings on stderr ("warning: <file>:<line>: key 'k': ..."), or one
 * JSON object {"output": ..., "warnings": [{"line", "key", "message"}]} with --json. */
static int emit(cli_ctx *ctx, int rc, vsnap_vmx_result *res, const char *what)
{
	if (rc < 0)
		return cli_fail(what);
	size_t n = vsnap_vmx_result_warning_count(res);
	if (ctx && ctx->json) {
		fputs("{\"output\": ", stdout);
		cli_json_string(stdout, vsnap_vmx_result_text(res));
		fputs(", \"warnings\": [", stdout);
		for (size_t i = 0; i < n; i++) {
			const vsnap_vmx_warning *w = vsnap_vmx_result_warning(res, i);
			printf("%s{\"line\": %u, \"key\": ", i ? ", " : "", w->line);
			if (w->key)
				cli_json_string(stdout, w->key);
			else
				fputs("null", stdout);
			fputs(", \"message\": ", stdout);
			cli_json_string(stdout, w->message);
			fputs("}", stdout);
		}
		fputs("]}\n", stdout);
	} else {
		for (size_t i = 0; i < n; i++)
			fprintf(stderr, "warning: %s\n", vsnap_vmx_result_warning(res, i)->message);
		fputs(vsnap_vmx_result_text(res), stdout);
	}
	vsnap_vmx_result_free(res);
	return CLI_OK;
}

/* Reads the input FILE ('-' for stdin) and readies the options that name it in messages. */
static int read_input(char **text, size_t *len, vsnap_vmx_options *o, const char *file)
{
	if (cli_read_file(text, len, file) < 0)
		return CLI_ERROR;
	vsnap_vmx_options_init(o, VSNAP_VMX_OPTIONS_VERSION);
	o->source_name = strcmp(file, "-") ? file : "<stdin>";
	return 0;
}

/* Parses "FILE [options]": the one positional argument goes to *file. */
static int one_file(const char **file, int argc, char **argv, cli_opt *opts, size_t nopts)
{
	char *pos[2];
	int n = cli_parse(argv[0], argc, argv, opts, nopts, pos, 2);

	if (n < 0)
		return CLI_USAGE;
	if (n != 1)
		return cli_usage(argv[0], "expected one FILE ('-' for stdin)");
	*file = pos[0];
	return 0;
}

/* Parses virsh's "vmware-vmx FILE". */
static int native_file(const char **file, int argc, char **argv)
{
	char *pos[3];
	int n = cli_parse(argv[0], argc, argv, NULL, 0, pos, 3);

	if (n < 0)
		return CLI_USAGE;
	if (n != 2 || strcmp(pos[0], "vmware-vmx"))
		return cli_usage(argv[0], "expected 'vmware-vmx FILE'");
	*file = pos[1];
	return 0;
}

typedef struct {
	const char *ds, *dc, *missing;
	unsigned int flags;
} vmx2xml_args;

/* vmx2xml FILE [--datastore-dir '[ds] dir'] [--datacenter-path P] [--missing-prefix P] ... */
static int run_vmx2xml_common(cli_ctx *ctx, const char *cmd, const char *file,
	const vmx2xml_args *a)
{
	char *text, dir[PATH_MAX], *copy = NULL;
	size_t len;
	vsnap_vmx_options o;
	vsnap_vmx_result *res = NULL;

	if (read_input(&text, &len, &o, file))
		return CLI_ERROR;
	o.datastore_dir = a->ds;
	o.datacenter_path = a->dc;
	/* with a datastore directory we follow libvirt's offline conventions (docs/vmx-compat.md) */
	o.missing_prefix = a->missing ? a->missing : (a->ds ? "missing" : NULL);
	/* without one, file names are where VMware looks for them: beside the .vmx */
	if (!a->ds && strcmp(file, "-") && (copy = strdup(file)) && realpath(dirname(copy), dir))
		o.vmx_dir = dir;
	int rc = vsnap_vmx_convert(&res, VSNAP_VMX_CONVERT_VMX_TO_XML, text, len, &o, a->flags);
	free(text);
	free(copy);
	return emit(ctx, rc, res, cmd);
}

static int cmd_vmx2xml(cli_ctx *ctx, int argc, char **argv)
{
	cli_opt opts[] = { { "datastore-dir", 1, NULL, 0 }, { "datacenter-path", 1, NULL, 0 },
		{ "missing-prefix", 1, NULL, 0 }, { "no-secrets", 0, NULL, 0 },
		{ "strict", 0, NULL, 0 }, { "keep", 0, NULL, 0 }, { "libvirt-compat", 0, NULL, 0 } };
	const char *file = NULL;
	int rc = one_file(&file, argc, argv, opts, 7);

	if (rc)
		return rc;
	/* The .vmx holds its secrets in clear already: show them unless asked not to. */
	vmx2xml_args a = { opts[0].value, opts[1].value, opts[2].value,
		(opts[3].seen ? 0 : VSNAP_VMX_CONVERT_SECURE) |
		(opts[4].seen ? VSNAP_VMX_CONVERT_STRICT : 0) |
		(opts[5].seen ? VSNAP_VMX_CONVERT_KEEP : 0) |
		(opts[6].seen ? VSNAP_VMX_CONVERT_LIBVIRT_COMPAT : 0) };
	return run_vmx2xml_common(ctx, argv[0], file, &a);
}

static int run_xml2vmx(cli_ctx *ctx, const char *cmd, const char *file, int hw, int strict)
{
	char *text;
	size_t len;
	vsnap_vmx_options o;
	vsnap_vmx_result *res = NULL;

	if (read_input(&text, &len, &o, file))
		return CLI_ERROR;
	o.hw_version = hw;
	int rc = vsnap_vmx_convert(&res, VSNAP_VMX_CONVERT_XML_TO_VMX, text, len, &o,
		strict ? VSNAP_VMX_CONVERT_STRICT : 0);
	free(text);
	return emit(ctx, rc, res, cmd);
}

static int cmd_xml2vmx(cli_ctx *ctx, int argc, char **argv)
{
	cli_opt opts[] = { { "hw-version", 1, NULL, 0 }, { "strict", 0, NULL, 0 } };
	const char *file = NULL;
	int rc = one_file(&file, argc, argv, opts, 2);

	if (rc)
		return rc;
	int hw = 0;
	if (opts[0].value) {
		char *end;
		long v = strtol(opts[0].value, &end, 10);
		if (*end || v < 4 || v > 100)
			return cli_usage(argv[0], "--hw-version: expected a number from 4 to 100");
		hw = (int)v;
	}
	return run_xml2vmx(ctx, argv[0], file, hw, opts[1].seen);
}

/* virsh's names: domxml-from-native vmware-vmx FILE / domxml-to-native vmware-vmx FILE */
static int cmd_from_native(cli_ctx *ctx, int argc, char **argv)
{
	const char *file = NULL;
	int rc = native_file(&file, argc, argv);
	vmx2xml_args a = { NULL, NULL, NULL, VSNAP_VMX_CONVERT_SECURE };

	return rc ? rc : run_vmx2xml_common(ctx, argv[0], file, &a);
}

static int cmd_to_native(cli_ctx *ctx, int argc, char **argv)
{
	const char *file = NULL;
	int rc = native_file(&file, argc, argv);

	return rc ? rc : run_xml2vmx(ctx, argv[0], file, 0, 0);
}

static int cmd_vmsd2xml(cli_ctx *ctx, int argc, char **argv)
{
	cli_opt opts[] = { { "tree", 0, NULL, 0 }, { "strict", 0, NULL, 0 } };
	const char *file = NULL;
	char *text;
	size_t len;
	vsnap_vmx_options o;
	vsnap_vmx_result *res = NULL;
	int rc = one_file(&file, argc, argv, opts, 2);

	if (rc)
		return rc;
	if (read_input(&text, &len, &o, file))
		return CLI_ERROR;
	rc = vsnap_vmx_convert(&res, VSNAP_VMX_CONVERT_VMSD_TO_XML, text, len, &o,
		(opts[0].seen ? VSNAP_VMX_CONVERT_TREE : 0) |
		(opts[1].seen ? VSNAP_VMX_CONVERT_STRICT : 0));
	free(text);
	return emit(ctx, rc, res, argv[0]);
}

const cli_command cli_vmx_commands[] = {
	{ "vmx2xml", NULL, "FILE [--datastore-dir '[ds] dir'] [--datacenter-path P] "
	  "[--missing-prefix P] [--no-secrets] [--strict] [--keep] [--libvirt-compat]",
	  "Converts a .vmx file to libvirt domain XML. Bare file names are placed in the "
	  "datastore directory, else beside the .vmx; /vmfs/volumes/ds/x becomes '[ds] x'. "
	  "Every key not carried into the XML and every guess is a warning on stderr (--strict: "
	  "an error); --keep keeps those keys in <metadata> for xml2vmx; --libvirt-compat gives "
	  "libvirt 10.7's output where vsnap differs. The VNC password of the .vmx is shown "
	  "unless --no-secrets.", cmd_vmx2xml },
	{ "xml2vmx", NULL, "FILE [--hw-version N] [--strict]",
	  "Converts libvirt domain XML to a .vmx file (virtualHW.version N; by default the "
	  "oldest that has every device, at least 4, or the one kept in <metadata>).",
	  cmd_xml2vmx },
	{ "domxml-from-native", NULL, "vmware-vmx FILE",
	  "virsh's name for vmx2xml.", cmd_from_native },
	{ "domxml-to-native", NULL, "vmware-vmx FILE",
	  "virsh's name for xml2vmx.", cmd_to_native },
	{ "vmsd2xml", NULL, "FILE [--tree] [--strict]",
	  "Converts a .vmsd snapshot list to one <snapshots> document of <domainsnapshot> "
	  "elements, or draws the tree like 'virsh snapshot-list --tree'.", cmd_vmsd2xml },
	{ NULL, NULL, NULL, NULL, NULL },
};

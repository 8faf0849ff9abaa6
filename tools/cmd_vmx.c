/* .vmx translator commands. SPDX-License-Identifier: GPL-2.0-or-later */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

#include "vsnap/vmx.h"

static void print_warnings(char *w)
{
	if (w && *w)
		fprintf(stderr, "warning: %s\n", w);
	vsnap_string_free(w);
}

static int emit(int rc, char *out, const char *what)
{
	if (rc < 0)
		return cli_fail(what);
	fputs(out, stdout);
	vsnap_string_free(out);
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

/* vmx2xml FILE [--datastore-dir '[ds] dir'] [--datacenter-path P] [--missing-prefix P] */
static int run_vmx2xml_common(const char *cmd, const char *file, const char *ds, const char *dc,
	const char *missing, int secrets)
{
	char *text, *out = NULL, *warn = NULL;
	size_t len;
	vsnap_vmx_options o;

	if (read_input(&text, &len, &o, file))
		return CLI_ERROR;
	o.datastore_dir = ds;
	o.datacenter_path = dc;
	/* with a datastore directory we follow libvirt's offline conventions (docs/vmx-compat.md) */
	o.missing_prefix = missing ? missing : (ds ? "missing" : NULL);
	/* The .vmx holds its secrets in clear already: show them unless asked not to. */
	int rc = vsnap_vmx_to_domain_xml(&out, &warn, text, len, &o,
		secrets ? VSNAP_VMX_XML_SECURE : 0);
	free(text);
	print_warnings(warn);
	return emit(rc, out, cmd);
}

static int cmd_vmx2xml(cli_ctx *ctx, int argc, char **argv)
{
	(void)ctx;
	cli_opt opts[] = { { "datastore-dir", 1, NULL, 0 }, { "datacenter-path", 1, NULL, 0 },
		{ "missing-prefix", 1, NULL, 0 }, { "no-secrets", 0, NULL, 0 } };
	const char *file = NULL;
	int rc = one_file(&file, argc, argv, opts, 4);

	if (rc)
		return rc;
	return run_vmx2xml_common(argv[0], file, opts[0].value, opts[1].value, opts[2].value,
		!opts[3].seen);
}

static int run_xml2vmx(const char *cmd, const char *file, int hw)
{
	char *text, *out = NULL;
	size_t len;
	vsnap_vmx_options o;

	if (read_input(&text, &len, &o, file))
		return CLI_ERROR;
	o.hw_version = hw;
	int rc = vsnap_domain_xml_to_vmx(&out, text, &o, 0);
	free(text);
	return emit(rc, out, cmd);
}

static int cmd_xml2vmx(cli_ctx *ctx, int argc, char **argv)
{
	(void)ctx;
	cli_opt opts[] = { { "hw-version", 1, NULL, 0 } };
	const char *file = NULL;
	int rc = one_file(&file, argc, argv, opts, 1);

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
	return run_xml2vmx(argv[0], file, hw);
}

/* virsh's names: domxml-from-native vmware-vmx FILE / domxml-to-native vmware-vmx FILE */
static int cmd_from_native(cli_ctx *ctx, int argc, char **argv)
{
	(void)ctx;
	const char *file = NULL;
	int rc = native_file(&file, argc, argv);

	return rc ? rc : run_vmx2xml_common(argv[0], file, NULL, NULL, NULL, 1);
}

static int cmd_to_native(cli_ctx *ctx, int argc, char **argv)
{
	(void)ctx;
	const char *file = NULL;
	int rc = native_file(&file, argc, argv);

	return rc ? rc : run_xml2vmx(argv[0], file, 0);
}

static int cmd_vmsd2xml(cli_ctx *ctx, int argc, char **argv)
{
	(void)ctx;
	cli_opt opts[] = { { "tree", 0, NULL, 0 } };
	const char *file = NULL;
	char *text, *out = NULL;
	size_t len;
	vsnap_vmx_options o;
	int rc = one_file(&file, argc, argv, opts, 1);

	if (rc)
		return rc;
	if (read_input(&text, &len, &o, file))
		return CLI_ERROR;
	rc = vsnap_vmsd_to_xml(&out, text, len, &o, opts[0].seen ? VSNAP_VMSD_TREE : 0);
	free(text);
	return emit(rc, out, argv[0]);
}

const cli_command cli_vmx_commands[] = {
	{ "vmx2xml", NULL, "FILE [--datastore-dir '[ds] dir'] [--datacenter-path P] "
	  "[--missing-prefix P] [--no-secrets]",
	  "Converts a .vmx file to libvirt domain XML. Bare file names are placed in the "
	  "datastore directory; /vmfs/volumes/ds/x becomes '[ds] x'. The VNC password of the .vmx is shown unless --no-secrets.", cmd_vmx2xml },
	{ "xml2vmx", NULL, "FILE [--hw-version N]",
	  "Converts libvirt domain XML to a .vmx file (virtualHW.version N, 4 by default).",
	  cmd_xml2vmx },
	{ "domxml-from-native", NULL, "vmware-vmx FILE",
	  "virsh's name for vmx2xml.", cmd_from_native },
	{ "domxml-to-native", NULL, "vmware-vmx FILE",
	  "virsh's name for xml2vmx.", cmd_to_native },
	{ "vmsd2xml", NULL, "FILE [--tree]",
	  "Converts a .vmsd snapshot list to <domainsnapshot> documents, or draws the tree like "
	  "'virsh snapshot-list --tree'.", cmd_vmsd2xml },
	{ NULL, NULL, NULL, NULL, NULL },
};

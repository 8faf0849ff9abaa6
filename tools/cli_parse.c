/*
 * Command-level option parsing with virsh's grammar: options in any order, "--opt=value" or
 * "--opt value", and every positional argument also accepted by the option name virsh gives
 * it ("snapshot-revert --domain d --snapshotname s" = "snapshot-revert d s").
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

/*
 * The positional slots of each command, in order, named as `virsh help CMD` names them.
 * "?x": optional (may stay empty while a later slot is filled by name); "*x": takes every
 * remaining positional argument (virsh's "[--diskspec] <string>..."). A slot whose name is
 * also one of the command's own options (snapshot-create-as --name) fills that option too.
 */
typedef struct {
	const char *cmd;
	const char *slots[4];
} grammar;

static const grammar grammars[] = {
	{ "dominfo", { "domain" } }, { "domstate", { "domain" } }, { "dumpxml", { "domain" } },
	{ "define", { "file" } }, { "undefine", { "domain" } }, { "start", { "domain" } },
	{ "shutdown", { "domain" } }, { "destroy", { "domain" } }, { "suspend", { "domain" } },
	{ "resume", { "domain" } }, { "reset", { "domain" } },
	{ "snapshot-list", { "domain", "?from" } },
	{ "snapshot-current", { "domain", "?snapshotname" } },
	{ "snapshot-info", { "domain", "?snapshotname" } },
	{ "snapshot-parent", { "domain", "?snapshotname" } },
	{ "snapshot-dumpxml", { "domain", "snapshotname" } },
	{ "snapshot-create-as", { "domain", "?name", "?description", "*diskspec" } },
	{ "snapshot-create", { "domain", "?xmlfile" } },
	{ "snapshot-revert", { "domain", "?snapshotname" } },
	{ "snapshot-delete", { "domain", "?snapshotname" } },
	{ "snapshot-edit", { "domain", "?snapshotname" } },
	{ "snapshot-rename", { "domain", "?snapshotname" } },
	{ "snapshot-delete-all", { "domain" } }, { "remove-all", { "domain" } },
	{ "consolidate", { "domain" } },
	{ "domxml-from-native", { "format", "config" } },
	{ "domxml-to-native", { "format", "?xml" } },
};

const char *const *cli_positional_names(const char *cmd)
{
	for (size_t i = 0; i < sizeof(grammars) / sizeof(grammars[0]); i++)
		if (strcmp(grammars[i].cmd, cmd) == 0)
			return grammars[i].slots;
	return NULL;
}

/* A slot's name without its "?" or "*" mark. */
static const char *bare(const char *slot)
{
	return slot[0] == '?' || slot[0] == '*' ? slot + 1 : slot;
}

static cli_opt *find_opt(cli_opt *opts, size_t nopts, const char *name, size_t len)
{
	for (size_t k = 0; k < nopts; k++)
		if (strlen(opts[k].name) == len && strncmp(opts[k].name, name, len) == 0)
			return &opts[k];
	return NULL;
}

static int find_slot(const char *const *slots, const char *name, size_t len)
{
	for (int s = 0; slots && s < 4 && slots[s]; s++)
		if (strlen(bare(slots[s])) == len && strncmp(bare(slots[s]), name, len) == 0)
			return s;
	return -1;
}

/*
 * The values of repeated options (virsh's --diskspec), for the one command a process runs at a
 * time: pointers into argv, so nothing to free.
 */
static struct {
	const cli_opt *owner;
	const char *value;
} repeats[64];
static size_t nrepeats;

const char *const *cli_opt_values(const cli_opt *opt, size_t *count)
{
	static const char *out[64];
	size_t n = 0;

	for (size_t i = 0; i < nrepeats; i++)
		if (repeats[i].owner == opt)
			out[n++] = repeats[i].value;
	*count = n;
	return out;
}

static int add_value(cli_opt *o, const char *v)
{
	if (o->takes_value == CLI_OPT_REPEAT) {
		if (nrepeats >= sizeof(repeats) / sizeof(repeats[0]))
			return -1;
		repeats[nrepeats].owner = o;
		repeats[nrepeats++].value = v;
	}
	o->value = v;
	o->seen = 1;
	return 0;
}

/* Parsing state: slot values (by name or position) before they are handed out. */
typedef struct {
	const char *cmd;
	const char *const *slots;
	const char *slot_value[4];
	char *loose[64];        /* positional arguments in order */
	int nloose;
} parse_state;

/* "--name[=value]" at argv[*i]: a command option or a named slot. */
static int parse_named(parse_state *ps, int argc, char **argv, int *i, cli_opt *opts,
	size_t nopts)
{
	const char *cmd = ps->cmd;
	const char *name = argv[*i] + 2;
	const char *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	cli_opt *o = find_opt(opts, nopts, name, len);
	int slot = find_slot(ps->slots, name, len);
	const char *v = "";

	if (!o && slot < 0)
		return cli_usage(cmd, "%s: unknown option '--%.*s'", cmd, (int)len, name), -1;
	if (slot >= 0 || o->takes_value) {
		if (eq)
			v = eq + 1;
		else if (*i + 1 < argc)
			v = argv[++*i];
		else
			return cli_usage(cmd, "%s: option '--%.*s' needs a value", cmd, (int)len, name), -1;
	} else if (eq) {
		return cli_usage(cmd, "%s: option '--%s' takes no value", cmd, o->name), -1;
	}
	if (slot >= 0 && ps->slots[slot][0] != '*') {
		if (ps->slot_value[slot])
			return cli_usage(cmd, "%s: option '--%.*s' given twice", cmd, (int)len, name), -1;
		ps->slot_value[slot] = v;
		return 0;
	}
	if (o->seen && o->takes_value != CLI_OPT_REPEAT)
		return cli_usage(cmd, "%s: option '--%s' given twice", cmd, o->name), -1;
	if (add_value(o, v))
		return cli_usage(cmd, "%s: too many values", cmd), -1;
	return 0;
}

/* Hands the positional arguments to the empty slots in order, checks holes, fills pos[]. */
static int place(parse_state *ps, cli_opt *opts, size_t nopts, char **pos, int maxpos)
{
	const char *cmd = ps->cmd;
	int next = 0, nslots = 0, last = -1;

	while (ps->slots && nslots < 4 && ps->slots[nslots])
		nslots++;
	if (!ps->slots)
		nslots = maxpos < 4 ? maxpos : 4;
	for (int s = 0; s < nslots && next < ps->nloose; s++) {
		if (ps->slots && ps->slots[s][0] == '*') {
			cli_opt *o = find_opt(opts, nopts, bare(ps->slots[s]), strlen(bare(ps->slots[s])));
			while (o && next < ps->nloose)
				if (add_value(o, ps->loose[next++]))
					return cli_usage(cmd, "%s: too many values", cmd), -1;
			break;
		}
		if (!ps->slot_value[s])
			ps->slot_value[s] = ps->loose[next++];
	}
	if (next < ps->nloose)
		return cli_usage(cmd, "%s: unexpected argument '%s'", cmd, ps->loose[next]), -1;
	for (int s = 0; s < nslots && s < 4; s++)
		if (ps->slot_value[s])
			last = s;
	for (int s = 0; s < last; s++) {
		const char *slot = ps->slots ? ps->slots[s] : "";
		if (!ps->slot_value[s] && slot[0] != '?' && slot[0] != '*')
			return strcmp(slot, "domain") == 0
				? cli_usage(cmd, "%s: a domain is required", cmd)
				: cli_usage(cmd, "%s: '--%s' is required", cmd, bare(slot)), -1;
	}
	for (int s = 0; s <= last; s++) {
		const char *sname = ps->slots ? bare(ps->slots[s]) : "";
		cli_opt *o = ps->slots ? find_opt(opts, nopts, sname, strlen(sname)) : NULL;
		if (o && ps->slot_value[s]) {
			if (o->seen)
				return cli_usage(cmd, "%s: option '--%s' given twice", cmd, o->name), -1;
			add_value(o, ps->slot_value[s]);
		}
		if (s < maxpos)
			pos[s] = (char *)ps->slot_value[s];
		else if (!o && ps->slot_value[s])
			return cli_usage(cmd, "%s: unexpected argument '%s'", cmd, ps->slot_value[s]), -1;
	}
	return last + 1 < maxpos ? last + 1 : maxpos;
}

/*
 * Reads argv[*i]: "--" (from then on everything is positional), an option (with its value,
 * which may move *i on), or a positional argument. 1: argv[*i] is positional; 0: consumed;
 * -1: usage error (printed).
 */
static int next_arg(parse_state *ps, int argc, char **argv, int *i, cli_opt *opts,
	size_t nopts, int *only_pos)
{
	const char *a = argv[*i];

	if (*only_pos)
		return 1;
	if (strcmp(a, "--") == 0) {
		*only_pos = 1;
		return 0;
	}
	if (a[0] == '-' && a[1] == '-')
		return parse_named(ps, argc, argv, i, opts, nopts) < 0 ? -1 : 0;
	if (a[0] == '-' && a[1] != '\0')
		return cli_usage(ps->cmd, "%s: unknown option '%s'", ps->cmd, a), -1;
	return 1;
}

int cli_parse(const char *cmd, int argc, char **argv, cli_opt *opts, size_t nopts,
	char **pos, int maxpos)
{
	parse_state ps;
	int only_pos = 0;

	memset(&ps, 0, sizeof(ps));
	nrepeats = 0;
	ps.cmd = cmd;
	ps.slots = cli_positional_names(cmd);
	for (int i = 0; i < maxpos; i++)
		pos[i] = NULL;
	for (int i = 1; i < argc; i++) {
		int k = next_arg(&ps, argc, argv, &i, opts, nopts, &only_pos);

		if (k < 0)
			return -1;
		if (k == 0)
			continue;
		if (ps.nloose >= (int)(sizeof(ps.loose) / sizeof(ps.loose[0])))
			return cli_usage(cmd, "%s: too many arguments", cmd), -1;
		ps.loose[ps.nloose++] = argv[i];
	}
	return place(&ps, opts, nopts, pos, maxpos);
}

int cli_parse_list(const char *cmd, int argc, char **argv, cli_opt *opts, size_t nopts,
	char **pos, int maxpos)
{
	parse_state ps;
	int npos = 0, only_pos = 0;

	memset(&ps, 0, sizeof(ps));
	nrepeats = 0;
	ps.cmd = cmd;       /* no slots: every option is the command's own */
	for (int i = 1; i < argc; i++) {
		int k = next_arg(&ps, argc, argv, &i, opts, nopts, &only_pos);

		if (k < 0)
			return -1;
		if (k == 0)
			continue;
		if (npos >= maxpos)
			return cli_usage(cmd, "%s: too many arguments", cmd), -1;
		pos[npos++] = argv[i];
	}
	return npos;
}

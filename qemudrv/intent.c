/*
 * intent.c: the text form of an intent record. Line-based, so a partial file is impossible
 * (it is written atomically) and a human can read it:
 *   vsnap-intent 1
 *   op revert | snapshot NAME | current NAME | running 1 | ...
 *   step KIND TARGET FILE BASE FMT TAG     (fields tab-separated, "-" for none, %XX escapes)
 *   domain-xml LEN \n <LEN bytes>   snapshot-xml LEN \n <LEN bytes>
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemudrv/intent.h"
#include "core/error.h"
#include "core/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const op_names[] = { NULL, "create", "revert", "delete", "rename" };
static const char *const step_names[] = { NULL, "tag", "new-overlay", "apply", "overlay",
	"copy" };
#define NOPS (sizeof(op_names) / sizeof(op_names[0]))
#define NSTEPS (sizeof(step_names) / sizeof(step_names[0]))

const char *vsnap__qemu_intent_op_name(int op)
{
	return op > 0 && (size_t)op < NOPS ? op_names[op] : "unknown";
}

static int dup_opt(char **out, const char *s)
{
	*out = NULL;
	if (s && !(*out = strdup(s)))
		return vsnap__error_oom();
	return 0;
}

int vsnap__qemu_intent_add(vsnap_qemu_intent *in, int kind, const char *target,
	const char *file, const char *base, const char *fmt, const char *tag)
{
	vsnap_qemu_intent_step *p = realloc(in->steps, (in->nsteps + 1) * sizeof(*p));

	if (!p)
		return vsnap__error_oom();
	in->steps = p;
	p = &in->steps[in->nsteps];
	memset(p, 0, sizeof(*p));
	p->kind = kind;
	in->nsteps++;
	if (dup_opt(&p->target, target) < 0 || dup_opt(&p->file, file) < 0 ||
	    dup_opt(&p->base, base) < 0 || dup_opt(&p->fmt, fmt) < 0 || dup_opt(&p->tag, tag) < 0)
		return VSNAP_ENOMEM;
	return 0;
}

void vsnap__qemu_intent_clear(vsnap_qemu_intent *in)
{
	for (size_t i = 0; i < in->nsteps; i++) {
		vsnap_qemu_intent_step *s = &in->steps[i];
		free(s->target);
		free(s->file);
		free(s->base);
		free(s->fmt);
		free(s->tag);
	}
	free(in->steps);
	free(in->snapshot);
	free(in->new_name);
	free(in->old_current);
	free(in->memory_file);
	free(in->domain_xml);
	free(in->snapshot_xml);
	memset(in, 0, sizeof(*in));
}

/* A field: "-" for NULL; '%', tab, newline and a leading '-' are %XX-escaped. */
static void put_field(vsnap__strbuf *b, const char *s)
{
	if (!s) {
		vsnap__strbuf_append(b, "-");
		return;
	}
	for (const char *p = s; *p; p++) {
		if (*p == '%' || *p == '\t' || *p == '\n' || (p == s && *p == '-'))
			vsnap__strbuf_appendf(b, "%%%02X", (unsigned char)*p);
		else
			vsnap__strbuf_append_n(b, p, 1);
	}
}

static int get_field(char **out, const char *s, size_t n)
{
	char *o;
	size_t k = 0;

	*out = NULL;
	if (n == 1 && s[0] == '-')
		return 0;
	if (!(o = malloc(n + 1)))
		return vsnap__error_oom();
	for (size_t i = 0; i < n; i++) {
		unsigned int c;
		if (s[i] == '%' && i + 2 < n + 1 && sscanf(s + i + 1, "%2X", &c) == 1) {
			o[k++] = (char)c;
			i += 2;
		} else {
			o[k++] = s[i];
		}
	}
	o[k] = '\0';
	*out = o;
	return 0;
}

static void put_line(vsnap__strbuf *b, const char *key, const char *value)
{
	if (!value)
		return;
	vsnap__strbuf_appendf(b, "%s\t", key);
	put_field(b, value);
	vsnap__strbuf_append(b, "\n");
}

static void put_blob(vsnap__strbuf *b, const char *key, const char *blob)
{
	if (blob)
		vsnap__strbuf_appendf(b, "%s\t%zu\n%s\n", key, strlen(blob), blob);
}

int vsnap__qemu_intent_format(char **out, const vsnap_qemu_intent *in)
{
	vsnap__strbuf b = VSNAP__STRBUF_INIT;

	vsnap__strbuf_appendf(&b, "vsnap-intent\t1\nop\t%s\n", vsnap__qemu_intent_op_name(in->op));
	put_line(&b, "snapshot", in->snapshot);
	put_line(&b, "new-name", in->new_name);
	put_line(&b, "current", in->old_current);
	put_line(&b, "memory-file", in->memory_file);
	vsnap__strbuf_appendf(&b, "running\t%d\nmetadata-only\t%d\n", in->was_running,
		in->metadata_only);
	for (size_t i = 0; i < in->nsteps; i++) {
		const vsnap_qemu_intent_step *s = &in->steps[i];
		const char *f[] = { s->target, s->file, s->base, s->fmt, s->tag };
		vsnap__strbuf_appendf(&b, "step\t%s", step_names[s->kind]);
		for (size_t k = 0; k < 5; k++) {
			vsnap__strbuf_append(&b, "\t");
			put_field(&b, f[k]);
		}
		vsnap__strbuf_append(&b, "\n");
	}
	put_blob(&b, "domain-xml", in->domain_xml);
	put_blob(&b, "snapshot-xml", in->snapshot_xml);
	return vsnap__strbuf_detach(out, &b);
}

static int bad(const char *where, const char *why)
{
	return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_QEMU, "intent record '%s': %s",
		where, why);
}

/* Splits a line at tabs into at most `max` fields (pointers into the line). */
static size_t split(char *line, char **f, size_t max)
{
	size_t n = 0;
	char *p = line;

	while (n < max) {
		f[n++] = p;
		p = strchr(p, '\t');
		if (!p)
			break;
		*p++ = '\0';
	}
	return n;
}

static int parse_step(vsnap_qemu_intent *out, char **f, size_t n, const char *where)
{
	char *v[5] = { NULL };
	int kind = 0, rc = 0;

	if (n != 7)
		return bad(where, "a step line needs 6 fields");
	for (size_t k = 1; k < NSTEPS; k++)
		if (!strcmp(f[1], step_names[k]))
			kind = (int)k;
	if (!kind)
		return bad(where, "unknown step kind");
	for (size_t k = 0; rc == 0 && k < 5; k++)
		rc = get_field(&v[k], f[k + 2], strlen(f[k + 2]));
	if (rc == 0)
		rc = vsnap__qemu_intent_add(out, kind, v[0], v[1], v[2], v[3], v[4]);
	for (size_t k = 0; k < 5; k++)
		free(v[k]);
	return rc;
}

int vsnap__qemu_intent_parse(vsnap_qemu_intent *out, const char *text, const char *where)
{
	const char *p = text;
	int rc = 0, seen_header = 0;

	memset(out, 0, sizeof(*out));
	while (rc == 0 && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *line = strndup(p, len), *f[8];
		size_t n;

		if (!line)
			return vsnap__error_oom();
		p += len + (nl ? 1 : 0);
		n = split(line, f, 8);
		char **dst = !strcmp(f[0], "snapshot") ? &out->snapshot :
			!strcmp(f[0], "new-name") ? &out->new_name :
			!strcmp(f[0], "current") ? &out->old_current :
			!strcmp(f[0], "memory-file") ? &out->memory_file : NULL;
		if (!strcmp(f[0], "vsnap-intent")) {
			seen_header = n == 2 && !strcmp(f[1], "1");
		} else if (!seen_header) {
			rc = bad(where, "no 'vsnap-intent 1' header");
		} else if (dst && n == 2) {
			free(*dst);
			rc = get_field(dst, f[1], strlen(f[1]));
		} else if (!strcmp(f[0], "op") && n == 2) {
			for (size_t k = 1; k < NOPS; k++)
				if (!strcmp(f[1], op_names[k]))
					out->op = (int)k;
		} else if (!strcmp(f[0], "running") && n == 2) {
			out->was_running = atoi(f[1]);
		} else if (!strcmp(f[0], "metadata-only") && n == 2) {
			out->metadata_only = atoi(f[1]);
		} else if (!strcmp(f[0], "step")) {
			rc = parse_step(out, f, n, where);
		} else if ((!strcmp(f[0], "domain-xml") || !strcmp(f[0], "snapshot-xml")) && n == 2) {
			size_t blen = strtoul(f[1], NULL, 10);
			char **blob = f[0][0] == 'd' ? &out->domain_xml : &out->snapshot_xml;
			if (strlen(p) < blen) {
				rc = bad(where, "a blob is cut short");
			} else {
				free(*blob);
				if (!(*blob = strndup(p, blen)))
					rc = vsnap__error_oom();
				p += blen;
				if (*p == '\n')
					p++;
			}
		} else {
			rc = bad(where, "unknown line");
		}
		free(line);
	}
	if (rc == 0 && (!seen_header || !out->op || !out->snapshot))
		rc = bad(where, "op or snapshot missing");
	if (rc < 0)
		vsnap__qemu_intent_clear(out);
	return rc;
}

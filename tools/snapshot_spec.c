/*
 * snapshot-create-as's --memspec and --diskspec (virsh's grammar): the command line becomes a
 * <domainsnapshot> document, which --print-xml shows and snapshot creation takes as input.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "snapshot_spec.h"

#include <stdlib.h>
#include <string.h>

/* Appends printf-style text to a growing string; on failure sets *ok to 0. */
typedef struct {
	char *s;
	size_t len, cap;
	int ok;
} text;

static void put(text *t, const char *str, size_t n)
{
	if (!t->ok)
		return;
	if (t->len + n + 1 > t->cap) {
		size_t cap = (t->len + n + 1) * 2;
		char *ns = realloc(t->s, cap);
		if (!ns) {
			t->ok = 0;
			return;
		}
		t->s = ns;
		t->cap = cap;
	}
	memcpy(t->s + t->len, str, n);
	t->len += n;
	t->s[t->len] = '\0';
}

static void puts_(text *t, const char *str)
{
	put(t, str, strlen(str));
}

/* XML-escaped text, for element content and single-quoted attributes alike. */
static void esc(text *t, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '<': puts_(t, "&lt;"); break;
		case '>': puts_(t, "&gt;"); break;
		case '&': puts_(t, "&amp;"); break;
		case '\'': puts_(t, "&apos;"); break;
		case '"': puts_(t, "&quot;"); break;
		default: put(t, s + i, 1);
		}
	}
}

/*
 * Splits "a,b=c,,d" at single commas (",," stands for a literal comma) into at most `max`
 * fields, copied into `buf` (as long as the spec). Returns the number of fields.
 */
static size_t split(char **fields, size_t max, char *buf, const char *spec)
{
	size_t n = 0;
	char *w = buf;

	fields[n++] = w;
	for (const char *p = spec; *p; p++) {
		if (*p == ',' && p[1] == ',') {
			*w++ = ',';
			p++;
		} else if (*p == ',') {
			*w++ = '\0';
			if (n == max)
				return max + 1;
			fields[n++] = w;
		} else {
			*w++ = *p;
		}
	}
	*w = '\0';
	return n;
}

static const char *key_value(const char *field, const char *key)
{
	size_t k = strlen(key);
	return strncmp(field, key, k) == 0 && field[k] == '=' ? field + k + 1 : NULL;
}

static int memspec(text *t, const char *spec, char *err, size_t errlen)
{
	char *buf = malloc(strlen(spec) + 1), *f[4];
	const char *file = NULL, *snap = NULL;
	size_t n = buf ? split(f, 3, buf, spec) : 0;
	int rc = -1;

	for (size_t i = 0; buf && i < n && i < 3; i++) {
		const char *v;
		if ((v = key_value(f[i], "snapshot")))
			snap = v;
		else if ((v = key_value(f[i], "file")))
			file = v;
		else if (i == 0 && !strchr(f[i], '='))
			file = f[i];
		else
			goto bad;
	}
	if (!buf || n > 2 || (!file && !snap))
		goto bad;
	puts_(t, "  <memory");
	if (snap) {
		puts_(t, " snapshot='");
		esc(t, snap, strlen(snap));
		puts_(t, "'");
	}
	if (file) {
		puts_(t, " file='");
		esc(t, file, strlen(file));
		puts_(t, "'");
	}
	puts_(t, "/>\n");
	rc = 0;
bad:
	if (rc)
		snprintf(err, errlen, "--memspec '%s': expected [file=]NAME[,snapshot=TYPE]", spec);
	free(buf);
	return rc;
}

static int diskspec(text *t, const char *spec, char *err, size_t errlen)
{
	static const char *const keys[] = { "snapshot", "driver", "stype", "file" };
	const char *val[4] = { NULL, NULL, NULL, NULL };
	char *buf = malloc(strlen(spec) + 1), *f[6];
	size_t n = buf ? split(f, 5, buf, spec) : 0;
	int rc = -1;

	if (!buf || n > 5 || !*f[0] || strchr(f[0], '='))
		goto bad;
	for (size_t i = 1; i < n; i++) {
		size_t k;
		for (k = 0; k < 4 && !key_value(f[i], keys[k]); k++)
			;
		if (k == 4)
			goto bad;
		val[k] = key_value(f[i], keys[k]);
	}
	puts_(t, "    <disk name='");
	esc(t, f[0], strlen(f[0]));
	puts_(t, "'");
	for (size_t k = 0; k < 3; k += 2)
		if (val[k]) {
			puts_(t, k == 0 ? " snapshot='" : " type='");
			esc(t, val[k], strlen(val[k]));
			puts_(t, "'");
		}
	if (!val[1] && !val[3]) {
		puts_(t, "/>\n");
	} else {
		puts_(t, ">\n");
		if (val[1]) {
			puts_(t, "      <driver type='");
			esc(t, val[1], strlen(val[1]));
			puts_(t, "'/>\n");
		}
		if (val[3]) {
			puts_(t, val[2] && strcmp(val[2], "block") == 0 ? "      <source dev='" :
				"      <source file='");
			esc(t, val[3], strlen(val[3]));
			puts_(t, "'/>\n");
		}
		puts_(t, "    </disk>\n");
	}
	rc = 0;
bad:
	if (rc)
		snprintf(err, errlen, "--diskspec '%s': expected DISK[,snapshot=TYPE][,driver=TYPE]"
			"[,stype=TYPE][,file=NAME]", spec);
	free(buf);
	return rc;
}

int snapshot_spec_xml(char **out, const snapshot_spec *spec, char *err, size_t errlen)
{
	text t = { NULL, 0, 0, 1 };

	*out = NULL;
	puts_(&t, "<domainsnapshot>\n");
	if (spec->name) {
		puts_(&t, "  <name>");
		esc(&t, spec->name, strlen(spec->name));
		puts_(&t, "</name>\n");
	}
	if (spec->description) {
		puts_(&t, "  <description>");
		esc(&t, spec->description, strlen(spec->description));
		puts_(&t, "</description>\n");
	}
	if (spec->memspec && memspec(&t, spec->memspec, err, errlen))
		goto fail;
	if (spec->ndisks)
		puts_(&t, "  <disks>\n");
	for (size_t i = 0; i < spec->ndisks; i++)
		if (diskspec(&t, spec->diskspecs[i], err, errlen))
			goto fail;
	if (spec->ndisks)
		puts_(&t, "  </disks>\n");
	puts_(&t, "</domainsnapshot>\n");
	if (!t.ok) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	*out = t.s;
	return 0;
fail:
	free(t.s);
	return -1;
}

/*
 * domain_ids.c: UUIDs and CPU sets in the forms libvirt accepts, canonicalized the way libvirt
 * formats them back (lower-case 8-4-4-4-12 UUIDs; CPU lists as "0,3-5").
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "xml/domain_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "core/error.h"
#include "core/util.h"
#include "xml/xmlutil.h"

/* The largest CPU number accepted in a cpuset (libvirt's limit for a domain's CPU mask). */
#define CPUSET_MAX 8192

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void uuid_format(char out[37], const unsigned char raw[16])
{
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		raw[0], raw[1], raw[2], raw[3], raw[4], raw[5], raw[6], raw[7], raw[8], raw[9],
		raw[10], raw[11], raw[12], raw[13], raw[14], raw[15]);
}

int vsnap__domain_uuid_canon(char out[37], const char *text)
{
	unsigned char raw[16];
	const char *p = text;
	size_t i = 0;

	/* As libvirt: leading/trailing blanks, and '-' or ' ' anywhere between byte pairs. */
	while (is_space(*p))
		p++;
	while (i < 16) {
		if (*p == '-' || *p == ' ') {
			p++;
			continue;
		}
		if (vsnap__hex_digit(p[0]) < 0 || vsnap__hex_digit(p[1]) < 0)
			return -1;
		raw[i++] = (unsigned char)(vsnap__hex_digit(p[0]) << 4 | vsnap__hex_digit(p[1]));
		p += 2;
	}
	while (*p) {
		if (!is_space(*p))
			return -1;
		p++;
	}
	uuid_format(out, raw);
	return 0;
}

int vsnap__domain_uuid_generate(char out[37])
{
	unsigned char raw[16];

	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw))
		return vsnap__error_os("reading random bytes for a domain UUID");
	raw[6] = (unsigned char)((raw[6] & 0x0f) | 0x40);
	raw[8] = (unsigned char)((raw[8] & 0x3f) | 0x80);
	uuid_format(out, raw);
	return 0;
}

/* Reads a decimal CPU number at *p into *cpu, advancing *p. -1 when none or too large. */
static int read_cpu(const char **p, int *cpu)
{
	long v = 0;

	if (**p < '0' || **p > '9')
		return -1;
	while (**p >= '0' && **p <= '9') {
		v = v * 10 + (**p - '0');
		if (v >= CPUSET_MAX)
			return -1;
		(*p)++;
	}
	*cpu = (int)v;
	return 0;
}

/* Parses "a", "a-b", "^a" items separated by ',' into `set` (1 byte per CPU). */
static int cpuset_parse(unsigned char *set, const char *text)
{
	const char *p = text;
	int items = 0;

	for (;;) {
		int neg = 0, lo, hi;

		while (is_space(*p))
			p++;
		if (*p == '^') {
			neg = 1;
			p++;
		}
		if (read_cpu(&p, &lo) < 0)
			return -1;
		hi = lo;
		while (is_space(*p))
			p++;
		if (*p == '-') {
			if (neg)
				return -1;
			p++;
			while (is_space(*p))
				p++;
			if (read_cpu(&p, &hi) < 0 || hi < lo)
				return -1;
		}
		for (int c = lo; c <= hi; c++)
			set[c] = (unsigned char)!neg;
		items++;
		while (is_space(*p))
			p++;
		if (*p == '\0')
			break;
		if (*p != ',')
			return -1;
		p++;
	}
	return items;
}

int vsnap__domain_cpuset_canon(char **out, const char *text, const xmlNode *node)
{
	unsigned char *set = calloc(CPUSET_MAX, 1);
	char *res = NULL;
	size_t len = 0;
	int rc = 0;

	*out = NULL;
	if (!set)
		return vsnap__error_oom();
	if (cpuset_parse(set, text) < 0) {
		rc = vsnap__xml_error(node, "invalid CPU set '%s' in attribute 'cpuset'", text);
		goto cleanup;
	}
	/* Each range prints as at most "dddd-dddd," (10 bytes). */
	res = malloc(CPUSET_MAX / 2 * 11 + 1);
	if (!res) {
		rc = vsnap__error_oom();
		goto cleanup;
	}
	res[0] = '\0';
	for (int c = 0; c < CPUSET_MAX; c++) {
		int end = c;

		if (!set[c])
			continue;
		while (end + 1 < CPUSET_MAX && set[end + 1])
			end++;
		if (end == c)
			len += (size_t)sprintf(res + len, "%s%d", len ? "," : "", c);
		else
			len += (size_t)sprintf(res + len, "%s%d-%d", len ? "," : "", c, end);
		c = end;
	}
	if (len == 0) {
		rc = vsnap__xml_error(node, "CPU set '%s' in attribute 'cpuset' selects no CPU", text);
		goto cleanup;
	}
	*out = res;
	res = NULL;
 cleanup:
	free(res);
	free(set);
	return rc;
}

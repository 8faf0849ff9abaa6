/*
 * Character sets of .vmx/.vmsd files: finding `.encoding`, VMware's ICU converter names, and
 * the conversion to UTF-8 with iconv.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vmx/vmx_conf.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Finds `.encoding = "X"` without a full parse: the supported encodings keep ASCII bytes
 * below 0x40 (quotes, '=', '#', newlines) unambiguous, so a byte scan is safe. */
char *vsnap__vmx_find_encoding(const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		const char *q = p;
		while (q < eol && is_space(*q))
			q++;
		if ((size_t)(eol - q) > 9 && strncasecmp(q, ".encoding", 9) == 0) {
			q += 9;
			while (q < eol && is_space(*q))
				q++;
			if (q < eol && *q == '=') {
				q++;
				while (q < eol && is_space(*q))
					q++;
				if (q < eol && *q == '"') {
					const char *v = ++q;
					while (q < eol && *q != '"')
						q++;
					return strndup(v, (size_t)(q - v));
				}
			}
		}
		p = eol + 1;
	}
	return NULL;
}

int vsnap__vmx_is_utf8_name(const char *enc)
{
	return strcasecmp(enc, "UTF-8") == 0 || strcasecmp(enc, "UTF8") == 0;
}

/*
 * VMware writes ICU converter names (windows-949-2000, ibm-943_P15A-2003, x-mac-roman...);
 * glibc's iconv knows the same tables as CP949, IBM-943, MACINTOSH. Returns the iconv name
 * in buf, or enc itself when no rule applies.
 */
static const char *iconv_name(const char *enc, char *buf, size_t size)
{
	static const char *const mac[][2] = {
		{ "x-mac-roman", "MACINTOSH" }, { "macintosh", "MACINTOSH" },
		{ "x-mac-centraleurroman", "MAC-CENTRALEUROPE" }, { "x-mac-cyrillic", "MAC-CYRILLIC" },
		{ "x-mac-ukrainian", "MAC-UK" }, { "x-mac-greek", "CP10006" },
		{ "x-mac-turkish", "CP10081" }, { "x-mac-icelandic", "MAC-IS" },
	};
	for (size_t i = 0; i < sizeof(mac) / sizeof(mac[0]); i++)
		if (strcasecmp(enc, mac[i][0]) == 0)
			return mac[i][1];
	const char *digits = NULL, *prefix = NULL;
	if (strncasecmp(enc, "windows-", 8) == 0) {
		digits = enc + 8;
		prefix = "CP";
	} else if (strncasecmp(enc, "ibm-", 4) == 0) {
		digits = enc + 4;
		prefix = "IBM-";
	}
	if (!digits)
		return enc;
	size_t n = strspn(digits, "0123456789");
	/* the tail is ICU's table revision ("-2000", "_P15A-2003"): the same code page */
	if (n == 0 || n > 6 || (digits[n] && digits[n] != '-' && digits[n] != '_'))
		return enc;
	snprintf(buf, size, "%s%.*s", prefix, (int)n, digits);
	return buf;
}

/* Converts text from `enc` to UTF-8 with iconv. */
int vsnap__vmx_to_utf8(char **out, size_t *outlen, const char *text, size_t len, const char *enc,
	const char *source)
{
	char alias[32];
	iconv_t cd = iconv_open("UTF-8", enc);
	const char *icu = iconv_name(enc, alias, sizeof(alias));
	if (cd == (iconv_t)-1 && strcmp(icu, enc))
		cd = iconv_open("UTF-8", icu);
	if (cd == (iconv_t)-1)
		return vsnap__error_set(VSNAP_EUNSUPPORTED, VSNAP_ERRCLASS_VMX,
			"%s: key '.encoding': unsupported encoding '%s'", source, enc);
	size_t cap = len * 3 + 16;
	char *buf = malloc(cap);
	if (!buf) {
		iconv_close(cd);
		return vsnap__error_oom();
	}
	char *in = (char *)text, *o = buf;
	size_t inleft = len, oleft = cap - 1;
	int rc = 0;
	while (inleft > 0) {
		if (iconv(cd, &in, &inleft, &o, &oleft) == (size_t)-1) {
			if (errno == E2BIG) {
				size_t used = (size_t)(o - buf);
				cap *= 2;
				char *nb = realloc(buf, cap);
				if (!nb) {
					rc = vsnap__error_oom();
					break;
				}
				buf = nb;
				o = buf + used;
				oleft = cap - used - 1;
				continue;
			}
			unsigned int line = 1;
			for (const char *q = text; q < in; q++)
				line += *q == '\n';
			rc = vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_VMX,
				"%s:%u: invalid %s byte sequence", source, line, enc);
			break;
		}
	}
	iconv_close(cd);
	if (rc < 0) {
		free(buf);
		return rc;
	}
	*o = '\0';
	*out = buf;
	*outlen = (size_t)(o - buf);
	return 0;
}


/*
 * ws_png.c: finding a PNG stream inside a larger file. Workstation keeps the screen of a
 * running VM at snapshot time inside the snapshot's .vmsn (the snapshot manager's picture);
 * the stream is found by its 8-byte signature and followed chunk by chunk to IEND, so the
 * bytes returned are exactly one PNG file.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "wsdrv/ws_priv.h"
#include "core/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const unsigned char signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

/* A PNG larger than this is not a screenshot. */
#define MAX_PNG_BYTES (64u << 20)

/* Offset of the first signature within the first `max_scan` bytes, or -1. */
static long find_signature(FILE *f, size_t max_scan)
{
	unsigned char buf[65536];
	size_t keep = 0, scanned = 0;

	while (scanned < max_scan) {
		size_t want = sizeof(buf) - keep, got;
		if (want > max_scan - scanned)
			want = max_scan - scanned;
		if (!(got = fread(buf + keep, 1, want, f)))
			return -1;
		size_t have = keep + got;
		for (size_t i = 0; i + sizeof(signature) <= have; i++)
			if (buf[i] == signature[0] && !memcmp(buf + i, signature, sizeof(signature)))
				return (long)(scanned - keep + i);
		/* The last 7 bytes may start a signature the next read completes. */
		keep = have < sizeof(signature) - 1 ? have : sizeof(signature) - 1;
		memmove(buf, buf + have - keep, keep);
		scanned += got;
	}
	return -1;
}

static unsigned long be32(const unsigned char *p)
{
	return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 |
		p[3];
}

/* Copies chunks from the current position up to and including IEND. */
static int copy_stream(unsigned char **out, size_t *len, FILE *f, const char *path)
{
	size_t cap = 65536, n = sizeof(signature);
	unsigned char *buf = malloc(cap), hdr[8];

	if (!buf)
		return vsnap__error_oom();
	memcpy(buf, signature, n);
	for (;;) {
		if (fread(hdr, 1, 8, f) != 8)
			break;
		unsigned long clen = be32(hdr);
		size_t need = 8 + (size_t)clen + 4;
		if (clen > 0x7fffffffUL || n + need > MAX_PNG_BYTES)
			break;
		if (n + need > cap) {
			while (n + need > cap)
				cap *= 2;
			unsigned char *nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				return vsnap__error_oom();
			}
			buf = nb;
		}
		memcpy(buf + n, hdr, 8);
		if (fread(buf + n + 8, 1, clen + 4, f) != clen + 4)
			break;
		n += need;
		if (!memcmp(hdr + 4, "IEND", 4)) {
			*out = buf;
			*len = n;
			return 0;
		}
	}
	free(buf);
	return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_VMX,
		"'%s': the PNG image inside is cut short or damaged", path);
}

int vsnap__ws_png_extract(unsigned char **out, size_t *len, const char *path, size_t max_scan)
{
	FILE *f = fopen(path, "rb");
	long off;
	int rc;

	*out = NULL;
	*len = 0;
	if (!f)
		return vsnap__error_os("cannot open '%s'", path);
	if ((off = find_signature(f, max_scan)) < 0) {
		fclose(f);
		return vsnap__error_set(VSNAP_ENOTFOUND, VSNAP_ERRCLASS_VMX,
			"'%s' holds no PNG image in its first %zu bytes", path, max_scan);
	}
	if (fseek(f, off + (long)sizeof(signature), SEEK_SET) < 0)
		rc = vsnap__error_os("cannot read '%s'", path);
	else
		rc = copy_stream(out, len, f, path);
	fclose(f);
	return rc;
}

/*
 * The public screenshot API (include/vsnap/screenshot.h): argument checks, snapshot key
 * resolution, dispatch, and a check that what the driver returned is an image.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/forest.h"

static const char *dom_name(const vsnap_domain *dom)
{
	return dom->info.name ? dom->info.name : dom->info.id ? dom->info.id : "?";
}

/* The kind of image from its first bytes, or NULL when it is none of those we know. */
static const char *sniff(const unsigned char *p, size_t n)
{
	static const unsigned char png[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

	if (n >= sizeof(png) && !memcmp(p, png, sizeof(png)))
		return "image/png";
	if (n >= 2 && p[0] == 'B' && p[1] == 'M')
		return "image/bmp";
	if (n >= 2 && p[0] == 'P' && p[1] == '6')
		return "image/x-portable-pixmap";
	return NULL;
}

static int finish(unsigned char **out, size_t *len, const char **mime_type,
	unsigned char *data, size_t n, const char *what)
{
	const char *mime = sniff(data, n);

	if (!mime) {
		free(data);
		return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_INVALID,
			"%s: the %zu bytes received are not a PNG, BMP or PPM image", what, n);
	}
	*out = data;
	*len = n;
	if (mime_type)
		*mime_type = mime;
	return 0;
}

static int check_args(unsigned char **out, size_t *len, const char **mime_type,
	const vsnap_domain *dom, unsigned int flags)
{
	if (out)
		*out = NULL;
	if (len)
		*len = 0;
	if (mime_type)
		*mime_type = NULL;
	if (!out || !len || !dom || !dom->conn)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"screenshot: NULL argument");
	if (flags)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"unknown screenshot flags 0x%x", flags);
	return 0;
}

int vsnap_domain_screenshot(unsigned char **out, size_t *len, const char **mime_type,
	vsnap_domain *dom, unsigned int screen, unsigned int flags)
{
	unsigned char *data = NULL;
	size_t n = 0;
	int rc;

	if ((rc = check_args(out, len, mime_type, dom, flags)) < 0)
		return rc;
	if (!dom->conn->driver->domain_screenshot)
		rc = vsnap__error_set(VSNAP_EUNSUPPORTED, VSNAP_ERRCLASS_INVALID,
			"the %s driver cannot take screenshots", dom->conn->driver->name);
	else if ((rc = dom->conn->driver->domain_screenshot(&data, &n, dom, screen)) == 0)
		rc = finish(out, len, mime_type, data, n, "screenshot");
	if (rc < 0)
		return vsnap__error_prefix("screenshot of domain '%s'", dom_name(dom));
	return 0;
}

int vsnap_snapshot_screenshot(unsigned char **out, size_t *len, const char **mime_type,
	vsnap_domain *dom, const char *key, unsigned int flags)
{
	vsnap_forest *forest = NULL;
	vsnap_snapshot *snap = NULL;
	unsigned char *data = NULL;
	size_t n = 0;
	int rc;

	if ((rc = check_args(out, len, mime_type, dom, flags)) < 0)
		return rc;
	if (!key || !*key)
		rc = vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID, "no snapshot given");
	else if (!dom->conn->driver->snapshot_screenshot)
		rc = vsnap__error_set(VSNAP_EUNSUPPORTED, VSNAP_ERRCLASS_SNAPSHOT,
			"the %s driver keeps no screenshots with snapshots", dom->conn->driver->name);
	else if ((rc = vsnap_forest_get(&forest, dom)) == 0 &&
	    (rc = vsnap_forest_lookup(&snap, forest, key)) == 0 &&
	    (rc = dom->conn->driver->snapshot_screenshot(&data, &n, dom, snap->def,
		    &forest->data)) == 0)
		rc = finish(out, len, mime_type, data, n, "snapshot screenshot");
	/* Name the snapshot as its owner knows it, also when the key was an id. */
	if (rc < 0)
		vsnap__error_prefix("screenshot of snapshot '%s' of domain '%s'",
			snap ? snap->def->name : key ? key : "", dom_name(dom));
	vsnap_forest_free(forest);
	return rc;
}

const char *vsnap_image_extension(const char *mime_type)
{
	if (mime_type && !strcmp(mime_type, "image/bmp"))
		return "bmp";
	if (mime_type && !strcmp(mime_type, "image/x-portable-pixmap"))
		return "ppm";
	return "png";
}

void vsnap_buffer_free(void *data)
{
	free(data);
}

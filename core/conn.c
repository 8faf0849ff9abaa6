/* Connections: URI → driver, and the public connection API. SPDX-License-Identifier: GPL-2.0-or-later */
#include "core/driver.h"
#include "core/error.h"
#include "core/util.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef VSNAP_WITH_ESXDRV
extern const vsnap_driver vsnap__esx_driver;
#endif
#ifdef VSNAP_WITH_QEMUDRV
extern const vsnap_driver vsnap__qemu_driver;
#endif

/* The drivers built into this library, in lookup order. */
static const vsnap_driver *const drivers[] = {
#ifdef VSNAP_WITH_ESXDRV
	&vsnap__esx_driver,
#endif
#ifdef VSNAP_WITH_QEMUDRV
	&vsnap__qemu_driver,
#endif
	NULL,
};

static const vsnap_driver *driver_for_scheme(const char *scheme)
{
	for (size_t i = 0; drivers[i]; i++)
		for (size_t j = 0; drivers[i]->schemes[j]; j++)
			if (strcmp(drivers[i]->schemes[j], scheme) == 0)
				return drivers[i];
	return NULL;
}

int vsnap_conn_options_init(vsnap_conn_options *opts, unsigned int version)
{
	if (!opts || version == 0 || version > VSNAP_CONN_OPTIONS_VERSION)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"connection options version %u is not supported (this library knows %d)",
			version, VSNAP_CONN_OPTIONS_VERSION);
	/* A version-1 caller's struct ends where version 2 added fields. */
	memset(opts, 0, version == 1 ? offsetof(vsnap_conn_options, flags) : sizeof(*opts));
	opts->version = version;
	return 0;
}

int vsnap_conn_open(vsnap_conn **out, const char *uri_text, const vsnap_conn_options *opts)
{
	vsnap_uri *uri = NULL;
	vsnap_conn *conn;
	const vsnap_driver *drv;
	int rc;

	if (!out)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID, "out is NULL");
	*out = NULL;
	if ((rc = vsnap__global_init()) < 0)
		return rc;
	if (opts && (opts->version == 0 || opts->version > VSNAP_CONN_OPTIONS_VERSION))
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"connection options version %u is not supported", opts->version);
	if (!uri_text || !*uri_text)
		uri_text = getenv("VSNAP_DEFAULT_URI");
	if (!uri_text || !*uri_text)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_CONF,
			"no connection URI given (use -c URI or set VSNAP_DEFAULT_URI)");
	if ((rc = vsnap__uri_parse(&uri, uri_text)))
		return rc;
	if (!(drv = driver_for_scheme(uri->scheme))) {
		rc = vsnap__error_set(VSNAP_EUNSUPPORTED, VSNAP_ERRCLASS_CONF,
			"URI '%s': no driver for scheme '%s' in this build", uri_text, uri->scheme);
		vsnap__uri_free(uri);
		return rc;
	}
	if (!(conn = calloc(1, sizeof(*conn))) || !(conn->uri = strdup(uri_text))) {
		free(conn);
		vsnap__uri_free(uri);
		return vsnap__error_oom();
	}
	conn->driver = drv;
	vsnap_conn_options_init(&conn->opts, VSNAP_CONN_OPTIONS_VERSION);
	/* A caller built against version 1 has a shorter struct: copy only what it has. */
	if (opts)
		memcpy(&conn->opts, opts, opts->version == 1 ?
			offsetof(vsnap_conn_options, flags) : sizeof(*opts));
	conn->opts.version = VSNAP_CONN_OPTIONS_VERSION;
	rc = drv->open(conn, uri);
	vsnap__uri_free(uri);
	if (rc) {
		free(conn->uri);
		free(conn);
		return rc;
	}
	*out = conn;
	return 0;
}

void vsnap_conn_close(vsnap_conn *conn)
{
	if (!conn)
		return;
	if (conn->driver->close)
		conn->driver->close(conn);
	free(conn->uri);
	free(conn);
}

const char *vsnap_conn_driver(const vsnap_conn *conn)
{
	return conn ? conn->driver->name : NULL;
}

void vsnap_conn_cancel(vsnap_conn *conn)
{
	if (conn)
		conn->cancelled = 1;
}

void vsnap_conn_cancel_clear(vsnap_conn *conn)
{
	if (conn)
		conn->cancelled = 0;
}

unsigned long vsnap_conn_request_count(const vsnap_conn *conn)
{
	return conn ? conn->requests : 0;
}

int vsnap_conn_session_end(vsnap_conn *conn)
{
	if (!conn)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID, "conn is NULL");
	return conn->driver->session_end ? conn->driver->session_end(conn) : 0;
}

void vsnap__conn_warn(vsnap_conn *conn, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (!conn->opts.warning_cb)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	conn->opts.warning_cb(msg, conn->opts.warning_payload);
}

/* Credentials: URI user, libvirt auth.conf, $VSNAP_PASSWORD, then a prompt.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VSNAP_CORE_AUTH_H
#define VSNAP_CORE_AUTH_H

#include "vsnap/conn.h"

/*
 * Looks up credentials in a libvirt auth.conf file: section [auth-SERVICE-HOST], else
 * [auth-SERVICE-default], names a [credentials-NAME] section with authname= and
 * password=. user_out and password_out are set (or left NULL) and must be freed.
 * A missing file is not an error (returns 0 with nothing found); a malformed one is
 * VSNAP_EPARSE naming file:line.
 */
int vsnap__auth_file_lookup(char **user_out, char **password_out, const char *path,
	const char *service, const char *host);

/*
 * As vsnap__auth_file_lookup, and says in `why` what was read and what was missing when no
 * password was found ("auth file 'F': [credentials-a] (named by [auth-esx-h]) has no password
 * key (keys found: authname, pasword)"); the file itself may be missing here (0).
 * Lines up to 64 KiB are read whole; longer lines, NUL bytes and files over 1 MiB are
 * VSNAP_EPARSE naming file and line.
 */
int vsnap__auth_file_lookup_why(char **user_out, char **password_out, const char *path,
	const char *service, const char *host, char *why, size_t whysize);

/*
 * The whole chain for a connection: user from the URI (else auth file, else "root"),
 * password from the auth file (opts->auth_file, $VSNAP_AUTH_FILE, ~/.config/vsnap/auth.conf),
 * else $VSNAP_PASSWORD, else opts->password_cb, else VSNAP_EAUTH saying which file and
 * section were read and what was missing. A file named by opts->auth_file must exist and
 * be readable (else an error naming it); $VSNAP_AUTH_FILE and the default may be absent.
 */
int vsnap__credentials_get(char **user_out, char **password_out, const vsnap_conn_options *opts,
	const char *service, const char *host, const char *uri_user);

/* Overwrites and frees a secret. */
void vsnap__secret_free(char *secret);

#endif

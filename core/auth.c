/* libvirt auth.conf lookup and the credential chain. SPDX-License-Identifier: GPL-2.0-or-later */
#include "core/auth.h"
#include "core/error.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	char *section;
	char *key;
	char *value;
} ini_entry;

typedef struct {
	ini_entry *v;
	size_t n;
} ini;

static void ini_free(ini *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].section);
		free(f->v[i].key);
		if (f->v[i].value)
			vsnap__secret_free(f->v[i].value);
	}
	free(f->v);
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int ini_load(ini *out, const char *path, int *found)
{
	FILE *f = fopen(path, "re");
	char line[4096];
	char *section = NULL;
	unsigned lineno = 0;

	memset(out, 0, sizeof(*out));
	*found = 0;
	if (!f) {
		if (errno == ENOENT)
			return 0;
		return vsnap__error_os("cannot read auth file '%s'", path);
	}
	*found = 1;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		char *s = trim(line);
		if (!*s || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			char *end = strchr(s, ']');
			if (!end || end[1] != '\0') {
				free(section);
				fclose(f);
				ini_free(out);
				return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_CONF,
					"%s:%u: malformed section header", path, lineno);
			}
			*end = '\0';
			free(section);
			if (!(section = strdup(trim(s + 1))))
				goto oom;
			continue;
		}
		char *eq = strchr(s, '=');
		if (!eq || !section) {
			free(section);
			fclose(f);
			ini_free(out);
			return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_CONF,
				"%s:%u: expected 'key=value' inside a [section]", path, lineno);
		}
		*eq = '\0';
		ini_entry *v = realloc(out->v, (out->n + 1) * sizeof(*v));
		if (!v)
			goto oom;
		out->v = v;
		v = &out->v[out->n];
		v->section = strdup(section);
		v->key = strdup(trim(s));
		v->value = strdup(trim(eq + 1));
		out->n++;
		if (!v->section || !v->key || !v->value)
			goto oom;
	}
	/* The line buffer may hold a password. */
	memset(line, 0, sizeof(line));
	free(section);
	fclose(f);
	return 0;
oom:
	memset(line, 0, sizeof(line));
	free(section);
	fclose(f);
	ini_free(out);
	return vsnap__error_oom();
}

static const char *ini_get(const ini *f, const char *section, const char *key)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->v[i].section, section) == 0 && strcmp(f->v[i].key, key) == 0)
			return f->v[i].value;
	return NULL;
}

int vsnap__auth_file_lookup(char **user_out, char **password_out, const char *path,
	const char *service, const char *host)
{
	ini f;
	int found, rc;
	char sect[512];
	const char *cred;

	*user_out = *password_out = NULL;
	if ((rc = ini_load(&f, path, &found)))
		return rc;
	if (!found)
		return 0;
	snprintf(sect, sizeof(sect), "auth-%s-%s", service, host ? host : "");
	if (!(cred = ini_get(&f, sect, "credentials"))) {
		snprintf(sect, sizeof(sect), "auth-%s-default", service);
		cred = ini_get(&f, sect, "credentials");
	}
	if (cred) {
		char csect[512];
		snprintf(csect, sizeof(csect), "credentials-%s", cred);
		const char *u = ini_get(&f, csect, "username");
		const char *a = ini_get(&f, csect, "authname");
		const char *p = ini_get(&f, csect, "password");
		if (!u)
			u = a;
		if ((u && !(*user_out = strdup(u))) || (p && !(*password_out = strdup(p)))) {
			free(*user_out);
			*user_out = NULL;
			ini_free(&f);
			return vsnap__error_oom();
		}
		if (!u && !p) {
			ini_free(&f);
			return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_CONF,
				"auth file '%s': [%s] has no authname or password", path, csect);
		}
	}
	ini_free(&f);
	return 0;
}

void vsnap__secret_free(char *secret)
{
	if (!secret)
		return;
	volatile char *p = secret;
	while (*p)
		*p++ = '\0';
	free(secret);
}

static char *default_auth_file(void)
{
	const char *env = getenv("VSNAP_AUTH_FILE");
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	char *p = NULL;

	if (env && *env)
		return strdup(env);
	if (xdg && *xdg) {
		if (asprintf(&p, "%s/vsnap/auth.conf", xdg) < 0)
			return NULL;
		return p;
	}
	if (home && *home && asprintf(&p, "%s/.config/vsnap/auth.conf", home) >= 0)
		return p;
	return NULL;
}

int vsnap__credentials_get(char **user_out, char **password_out, const vsnap_conn_options *opts,
	const char *service, const char *host, const char *uri_user)
{
	char *file = opts && opts->auth_file ? strdup(opts->auth_file) : default_auth_file();
	char *fuser = NULL, *fpass = NULL;
	int rc = 0;

	*user_out = *password_out = NULL;
	if (file) {
		rc = vsnap__auth_file_lookup(&fuser, &fpass, file, service, host);
		free(file);
		if (rc)
			return rc;
	}
	const char *user = uri_user ? uri_user : fuser ? fuser : "root";
	if (!(*user_out = strdup(user))) {
		rc = vsnap__error_oom();
		goto out;
	}
	/* A password from the file only counts for the user it belongs to. */
	if (fpass && (!uri_user || !fuser || strcmp(uri_user, fuser) == 0)) {
		*password_out = fpass;
		fpass = NULL;
		goto out;
	}
	const char *env = getenv("VSNAP_PASSWORD");
	if (env) {
		if (!(*password_out = strdup(env)))
			rc = vsnap__error_oom();
		goto out;
	}
	if (opts && opts->password_cb) {
		char buf[1024] = { 0 };
		if (opts->password_cb(buf, sizeof(buf), user, host, opts->password_payload) == 0) {
			buf[sizeof(buf) - 1] = '\0';
			*password_out = strdup(buf);
			memset(buf, 0, sizeof(buf));
			if (!*password_out)
				rc = vsnap__error_oom();
			goto out;
		}
		memset(buf, 0, sizeof(buf));
	}
	rc = vsnap__error_set(VSNAP_EAUTH, VSNAP_ERRCLASS_CONF,
		"no password for %s@%s: put one in an auth file (--auth-file, $VSNAP_AUTH_FILE, "
		"~/.config/vsnap/auth.conf) or $VSNAP_PASSWORD, or run on a terminal to be asked",
		user, host ? host : "");
out:
	free(fuser);
	vsnap__secret_free(fpass);
	if (rc) {
		free(*user_out);
		*user_out = NULL;
	}
	return rc;
}

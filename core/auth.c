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

/* An auth file is a few sections; a longer one is a mistake (or /dev/zero). */
#define AUTH_MAX_LINE (64 * 1024)
#define AUTH_MAX_FILE (1024 * 1024)

static void wipe_line(char *line, size_t cap)
{
	if (line)
		memset(line, 0, cap);
	free(line);
}

static int ini_fail(ini *out, FILE *f, char *section, char *line, size_t cap)
{
	free(section);
	fclose(f);
	ini_free(out);
	wipe_line(line, cap);
	return VSNAP_EPARSE;
}

/*
 * Reads the file into entries. Lines of any length up to AUTH_MAX_LINE are whole (a long
 * password is never cut, its tail never becomes a key); longer lines, NUL bytes and files over
 * AUTH_MAX_FILE are refused naming file and line. *found: 0 when the file does not exist.
 */
static int ini_load(ini *out, const char *path, int *found)
{
	FILE *f = fopen(path, "re");
	char *line = NULL, *section = NULL;
	size_t cap = 0, total = 0;
	ssize_t n;
	unsigned lineno = 0;

	memset(out, 0, sizeof(*out));
	*found = 0;
	if (!f) {
		if (errno == ENOENT)
			return 0;
		return vsnap__error_os("cannot read auth file '%s'", path);
	}
	*found = 1;
	while ((n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		total += (size_t)n;
		if ((size_t)n > AUTH_MAX_LINE || total > AUTH_MAX_FILE) {
			vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_CONF,
				"%s:%u: %s is longer than %d bytes: refused (not an auth file?)",
				path, lineno, (size_t)n > AUTH_MAX_LINE ? "the line" : "the file",
				(size_t)n > AUTH_MAX_LINE ? AUTH_MAX_LINE : AUTH_MAX_FILE);
			return ini_fail(out, f, section, line, cap);
		}
		if (strlen(line) != (size_t)n) {
			vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_CONF,
				"%s:%u: the line contains a NUL byte (not a text file?)", path, lineno);
			return ini_fail(out, f, section, line, cap);
		}
		char *s = trim(line);
		if (!*s || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			char *end = strchr(s, ']');
			if (!end || end[1] != '\0') {
				vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_CONF,
					"%s:%u: malformed section header", path, lineno);
				return ini_fail(out, f, section, line, cap);
			}
			*end = '\0';
			free(section);
			if (!(section = strdup(trim(s + 1))))
				goto oom;
			continue;
		}
		char *eq = strchr(s, '=');
		if (!eq || !section) {
			vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_CONF,
				"%s:%u: expected 'key=value' inside a [section]", path, lineno);
			return ini_fail(out, f, section, line, cap);
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
	if (ferror(f)) {
		vsnap__error_os("cannot read auth file '%s'", path);
		ini_fail(out, f, section, line, cap);
		return VSNAP_EIO;
	}
	/* The line buffer may hold a password. */
	wipe_line(line, cap);
	free(section);
	fclose(f);
	return 0;
oom:
	ini_fail(out, f, section, line, cap);
	return vsnap__error_oom();
}

/* "a, b, c": the keys of `section` (for "no password key; keys found: pasword"). */
static void ini_keys(const ini *f, const char *section, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < f->n && used + 1 < size; i++)
		if (strcmp(f->v[i].section, section) == 0)
			used += (size_t)snprintf(out + used, size - used, "%s%s", used ? ", " : "",
				f->v[i].key);
}

static const char *ini_get(const ini *f, const char *section, const char *key)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->v[i].section, section) == 0 && strcmp(f->v[i].key, key) == 0)
			return f->v[i].value;
	return NULL;
}

int vsnap__auth_file_lookup_why(char **user_out, char **password_out, const char *path,
	const char *service, const char *host, char *why, size_t whysize)
{
	ini f;
	int found, rc;
	char sect[512], csect[512], keys[256];
	const char *cred;

	*user_out = *password_out = NULL;
	why[0] = '\0';
	if ((rc = ini_load(&f, path, &found)))
		return rc;
	if (!found) {
		snprintf(why, whysize, "there is no auth file '%s'", path);
		return 0;
	}
	snprintf(sect, sizeof(sect), "auth-%s-%s", service, host ? host : "");
	if (!(cred = ini_get(&f, sect, "credentials"))) {
		snprintf(sect, sizeof(sect), "auth-%s-default", service);
		cred = ini_get(&f, sect, "credentials");
	}
	if (!cred) {
		snprintf(why, whysize, "auth file '%s' has no [auth-%s-%s] or [auth-%s-default] "
			"section with a credentials= key", path, service, host ? host : "", service);
		ini_free(&f);
		return 0;
	}
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
	ini_keys(&f, csect, keys, sizeof(keys));
	if (!u && !p) {
		ini_free(&f);
		return vsnap__error_set(VSNAP_EPARSE, VSNAP_ERRCLASS_CONF,
			"auth file '%s': [%s] (named by [%s]) has no authname, username or password "
			"key%s%s%s", path, csect, sect, *keys ? " (keys found: " : "", keys,
			*keys ? ")" : "");
	}
	if (!p)
		snprintf(why, whysize, "auth file '%s': [%s] (named by [%s]) has no password key "
			"(keys found: %s)", path, csect, sect, keys);
	else
		snprintf(why, whysize, "auth file '%s': the password of [%s] (named by [%s]) is "
			"for user '%s'", path, csect, sect, u ? u : "(none given)");
	ini_free(&f);
	return 0;
}

int vsnap__auth_file_lookup(char **user_out, char **password_out, const char *path,
	const char *service, const char *host)
{
	char why[1024];

	return vsnap__auth_file_lookup_why(user_out, password_out, path, service, host, why,
		sizeof(why));
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

/* The auth file to read, and whether the caller named it in the options (then it must exist). */
static char *auth_file_path(const vsnap_conn_options *opts, int *explicit)
{
	const char *env = getenv("VSNAP_AUTH_FILE");
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	char *p = NULL;

	*explicit = 0;
	if (opts && opts->auth_file) {
		*explicit = 1;
		return strdup(opts->auth_file);
	}
	/* $VSNAP_AUTH_FILE may name an absent file (scripts set it to turn the default off);
	 * the final "no password" message says it was not there. */
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

/* A file the caller named must be there: a typo must not fall through to other sources. */
static int check_named_file(const char *file)
{
	FILE *f = fopen(file, "re");

	if (!f)
		return vsnap__error_os("cannot read the auth file '%s'", file);
	fclose(f);
	return 0;
}

int vsnap__credentials_get(char **user_out, char **password_out, const vsnap_conn_options *opts,
	const char *service, const char *host, const char *uri_user)
{
	int explicit = 0;
	char *file = auth_file_path(opts, &explicit);
	char *fuser = NULL, *fpass = NULL;
	char why[1024] = "no auth file (none named, and no $HOME)";
	int rc = 0;

	*user_out = *password_out = NULL;
	if (file) {
		if (explicit && (rc = check_named_file(file)) < 0) {
			free(file);
			return rc;
		}
		rc = vsnap__auth_file_lookup_why(&fuser, &fpass, file, service, host, why,
			sizeof(why));
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
	if (fpass) {
		size_t used = strlen(why);

		snprintf(why + used, sizeof(why) - used, ", not '%s' of the URI", uri_user);
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
		"no password for %s@%s: %s; $VSNAP_PASSWORD is not set%s", user, host ? host : "",
		why, opts && opts->password_cb ? "; the password callback gave none" : "");
out:
	free(fuser);
	vsnap__secret_free(fpass);
	if (rc) {
		free(*user_out);
		*user_out = NULL;
	}
	return rc;
}

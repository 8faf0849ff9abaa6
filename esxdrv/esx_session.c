/*
 * Saved sessions (VSNAP_CONN_SESSION_CACHE): where the file of a user + URL lives, reading it
 * only when it is safe (a regular file of ours that nobody else can read), writing it
 * atomically with mode 0600, removing it. The file's text is vsphere/session_file.c's. Any
 * problem with the file is a warning (conn's warning channel) and the connection logs in
 * afresh: a session cache never makes a command fail.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "esxdrv/esx_private.h"
#include "core/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SESSION_FILE_MAX 65536

int esx_session_enabled(const vsnap_conn *conn)
{
	const char *env = getenv("VSNAP_SESSION_CACHE");

	return (conn->opts.flags & VSNAP_CONN_SESSION_CACHE) && !conn->opts.record_dir &&
		!conn->opts.replay_dir && !(env && strcmp(env, "0") == 0);
}

/* The sessions folder: the option, else the runtime dir (gone at logout), else the cache. */
static int session_dir(char **out, const vsnap_conn *conn)
{
	const char *base = getenv("XDG_RUNTIME_DIR"), *tail = "/vsnap/sessions";
	char buf[4096];

	if (conn->opts.session_dir && *conn->opts.session_dir) {
		base = conn->opts.session_dir;
		tail = "";
	} else if (!base || *base != '/') {
		if ((base = getenv("XDG_CACHE_HOME")) && *base == '/') {
		} else if ((base = getenv("HOME")) && *base == '/') {
			tail = "/.cache/vsnap/sessions";
		} else {
			return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_CONF,
				"no folder for saved sessions: set XDG_RUNTIME_DIR, XDG_CACHE_HOME or HOME");
		}
	}
	if ((size_t)snprintf(buf, sizeof(buf), "%s%s", base, tail) >= sizeof(buf))
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_CONF,
			"the folder for saved sessions '%s' is too long", base);
	if (!(*out = strdup(buf)))
		return vsnap__error_oom();
	return 0;
}

/* FNV-1a 64 of "user\nurl": a stable name that does not show the host; the file's own
 * url/user lines are checked on load, so a collision only costs a fresh login. */
int esx_session_path(char **out, const vsnap_conn *conn, const char *url, const char *user)
{
	uint64_t h = 14695981039346656037ULL;
	const char *parts[3] = { user ? user : "", "\n", url };
	char *dir = NULL;
	int rc;

	*out = NULL;
	for (size_t i = 0; i < 3; i++)
		for (const unsigned char *p = (const unsigned char *)parts[i]; *p; p++)
			h = (h ^ *p) * 1099511628211ULL;
	if ((rc = session_dir(&dir, conn)) < 0)
		return rc;
	if (!(*out = malloc(strlen(dir) + 18)))
		rc = vsnap__error_oom();
	else
		sprintf(*out, "%s/%016llx", dir, (unsigned long long)h);
	free(dir);
	return rc;
}

static char *read_all(int fd, size_t size)
{
	char *text = malloc(size + 1);
	size_t got = 0;

	while (text && got < size) {
		ssize_t n = read(fd, text + got, size - got);

		if (n <= 0) {
			free(text);
			return NULL;
		}
		got += (size_t)n;
	}
	if (text)
		text[got] = '\0';
	return text;
}

char *esx_session_load(vsnap_conn *conn, const char *path)
{
	struct stat st;
	char *text;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0) {
		if (errno != ENOENT)
			vsnap__conn_warn(conn, "ignoring saved session '%s': %s", path,
				strerror(errno));
		return NULL;
	}
	text = NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		vsnap__conn_warn(conn, "ignoring saved session '%s': not a regular file", path);
	else if (st.st_uid != geteuid())
		vsnap__conn_warn(conn, "ignoring saved session '%s': owned by uid %u, not by you "
			"(uid %u)", path, (unsigned)st.st_uid, (unsigned)geteuid());
	else if (st.st_mode & 077)
		vsnap__conn_warn(conn, "ignoring saved session '%s': mode %04o lets others read "
			"it (it must be 0600); remove it", path, (unsigned)(st.st_mode & 07777));
	else if (st.st_size <= 0 || st.st_size > SESSION_FILE_MAX)
		vsnap__conn_warn(conn, "ignoring saved session '%s': size %lld is not plausible",
			path, (long long)st.st_size);
	else if (!(text = read_all(fd, (size_t)st.st_size)))
		vsnap__conn_warn(conn, "ignoring saved session '%s': cannot read it", path);
	close(fd);
	return text;
}

static int mkdirs(char *dir)
{
	for (char *p = dir + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
				*p = '/';
				return -1;
			}
			*p = '/';
		}
	return mkdir(dir, 0700) < 0 && errno != EEXIST ? -1 : 0;
}

/* Temp file + fsync + rename: a reader sees the old session or the new one, never half. */
void esx_session_store(vsnap_conn *conn, const char *path, const char *text)
{
	char *dir = strdup(path), *slash, *tmp = malloc(strlen(path) + 16);
	size_t len = strlen(text);
	int fd = -1, ok = 0;

	if (dir && tmp && (slash = strrchr(dir, '/')) && slash != dir) {
		*slash = '\0';
		sprintf(tmp, "%s.%ld.tmp", path, (long)getpid());
		if (mkdirs(dir) == 0 &&
		    (fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600)) >= 0)
			ok = fchmod(fd, 0600) == 0 && write(fd, text, len) == (ssize_t)len &&
				fsync(fd) == 0;
		if (fd >= 0 && close(fd) < 0)
			ok = 0;
		if (ok && rename(tmp, path) < 0)
			ok = 0;
		if (!ok && fd >= 0)
			unlink(tmp);
	}
	if (!ok)
		vsnap__conn_warn(conn, "cannot save the session in '%s': %s", path,
			errno ? strerror(errno) : "out of memory");
	free(dir);
	free(tmp);
}

void esx_session_remove(vsnap_conn *conn, const char *path)
{
	if (unlink(path) < 0 && errno != ENOENT)
		vsnap__conn_warn(conn, "cannot remove the saved session '%s': %s", path,
			strerror(errno));
}

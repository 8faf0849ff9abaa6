/* store.c: atomic files under the QEMU backend's root. SPDX-License-Identifier: GPL-2.0-or-later */
#include "qemudrv/store.h"
#include "core/error.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void vsnap__crash_point(const char *step)
{
	const char *at = getenv("VSNAP_TEST_CRASH_AT");

	if (at && !strcmp(at, step))
		_exit(86);
}

int vsnap__store_check_name(const char *what, const char *name)
{
	if (!name || !*name || strchr(name, '/') || name[0] == '.' || strlen(name) > 200)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_QEMU,
			"%s name '%s' is not usable: it must be 1-200 characters, without '/', "
			"and not start with '.'", what, name ? name : "");
	return 0;
}

int vsnap__store_mkdir(const char *path)
{
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return vsnap__error_os("creating directory '%s'", path);
	return 0;
}

int vsnap__store_open(vsnap_store *out, const char *root)
{
	memset(out, 0, sizeof(*out));
	if (!(out->root = strdup(root)))
		return vsnap__error_oom();
	return 0;
}

int vsnap__store_prepare(const vsnap_store *store)
{
	static const char *const sub[] = { "/domains", "/snapshots", "/run" };
	const char *root = store->root;
	char *copy = NULL, *last = NULL;
	int rc;

	/* Cheap when done: the last folder exists. */
	if (!(last = vsnap__store_path(store, sub[2], NULL, NULL)))
		return VSNAP_ENOMEM;
	rc = access(last, F_OK);
	free(last);
	if (rc == 0)
		return 0;
	/* Create missing parents of the root too: it is often $XDG_DATA_HOME/vsnap/qemu. */
	if (!(copy = strdup(root))) {
		rc = vsnap__error_oom();
		goto error;
	}
	for (char *p = copy + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, 0700) < 0 && errno != EEXIST) {
			rc = vsnap__error_os("creating directory '%s'", copy);
			goto error;
		}
		*p = '/';
	}
	if ((rc = vsnap__store_mkdir(root)) < 0)
		goto error;
	for (size_t i = 0; i < 3; i++) {
		char *d = vsnap__store_path(store, sub[i], NULL, NULL);
		if (!d) {
			rc = VSNAP_ENOMEM;
			goto error;
		}
		rc = vsnap__store_mkdir(d);
		free(d);
		if (rc < 0)
			goto error;
	}
	free(copy);
	return 0;
error:
	free(copy);
	return rc;
}

void vsnap__store_close(vsnap_store *store)
{
	free(store->root);
	store->root = NULL;
}

char *vsnap__store_path(const vsnap_store *store, const char *a, const char *b, const char *c)
{
	char *p = NULL;

	if (asprintf(&p, "%s%s%s%s", store->root, a ? a : "", b ? b : "", c ? c : "") < 0) {
		vsnap__error_oom();
		return NULL;
	}
	return p;
}

static int sync_dir_of(const char *path)
{
	char *copy = strdup(path);
	int fd, rc = 0;

	if (!copy)
		return vsnap__error_oom();
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) < 0)
		rc = vsnap__error_os("syncing the directory of '%s'", path);
	if (fd >= 0)
		close(fd);
	free(copy);
	return rc;
}

int vsnap__store_write(const char *path, const char *data, size_t len)
{
	return vsnap__store_write_ex(path, data, len, 1);
}

int vsnap__store_write_ex(const char *path, const char *data, size_t len, int sync_dir)
{
	char *tmp = NULL;
	int fd = -1, rc = 0;

	if (asprintf(&tmp, "%s.tmp%ld", path, (long)getpid()) < 0)
		return vsnap__error_oom();
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0) {
		rc = vsnap__error_os("creating '%s'", tmp);
		goto cleanup;
	}
	for (size_t off = 0; off < len;) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			rc = vsnap__error_os("writing '%s'", tmp);
			goto cleanup;
		}
		off += (size_t)w;
	}
	if (fsync(fd) < 0) {
		rc = vsnap__error_os("syncing '%s'", tmp);
		goto cleanup;
	}
	close(fd);
	fd = -1;
	if (rename(tmp, path) < 0) {
		rc = vsnap__error_os("renaming '%s' to '%s'", tmp, path);
		goto cleanup;
	}
	rc = sync_dir ? sync_dir_of(path) : 0;
cleanup:
	if (fd >= 0)
		close(fd);
	if (rc < 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

int vsnap__store_read(char **out, const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t len = 0, cap = 0;

	*out = NULL;
	if (!f) {
		if (errno == ENOENT)
			return vsnap__error_set(VSNAP_ENOTFOUND, VSNAP_ERRCLASS_QEMU,
				"'%s' does not exist", path);
		return vsnap__error_os("opening '%s'", path);
	}
	for (;;) {
		if (len + 4097 > cap) {
			char *p = realloc(buf, cap = cap ? cap * 2 : 8192);
			if (!p) {
				free(buf);
				fclose(f);
				return vsnap__error_oom();
			}
			buf = p;
		}
		size_t r = fread(buf + len, 1, 4096, f);
		len += r;
		if (r < 4096)
			break;
	}
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return vsnap__error_os("reading '%s'", path);
	}
	fclose(f);
	buf[len] = '\0';
	*out = buf;
	return 0;
}

int vsnap__store_remove(const char *path)
{
	return vsnap__store_remove_ex(path, 1);
}

int vsnap__store_remove_ex(const char *path, int sync_dir)
{
	if (unlink(path) < 0) {
		if (errno == ENOENT)
			return 0;
		return vsnap__error_os("removing '%s'", path);
	}
	return sync_dir ? sync_dir_of(path) : 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int vsnap__store_list(char ***out, size_t *count, const char *dir, const char *suffix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0, sl = strlen(suffix);

	*out = NULL;
	*count = 0;
	if (!d) {
		if (errno == ENOENT)
			return 0;
		return vsnap__error_os("listing '%s'", dir);
	}
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (e->d_name[0] == '.' || l <= sl || strcmp(e->d_name + l - sl, suffix))
			continue;
		if (n == cap) {
			char **p = realloc(names, (cap = cap ? cap * 2 : 16) * sizeof(*p));
			if (!p)
				goto oom;
			names = p;
		}
		if (!(names[n] = strndup(e->d_name, l - sl)))
			goto oom;
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	*out = names;
	*count = n;
	return 0;
oom:
	closedir(d);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return vsnap__error_oom();
}

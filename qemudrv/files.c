/*
 * files.c: the image files of a domain as a graph (backing links), the list of files vsnap
 * created, and garbage collection of created files that neither the domain nor any snapshot
 * needs any more (so reverts and deletes leave nothing behind, and a crash at worst leaves a
 * listed file that the next operation removes).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemudrv/qemu_priv.h"
#include "core/error.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *vsnap__qemu_canon(const char *path)
{
	char buf[PATH_MAX], *dcopy, *bcopy, *out = NULL;

	if (realpath(path, buf))
		return strdup(buf);
	/* Not there (yet): canonicalise the directory. */
	dcopy = strdup(path);
	bcopy = strdup(path);
	if (dcopy && bcopy && realpath(dirname(dcopy), buf)) {
		if (asprintf(&out, "%s/%s", buf, basename(bcopy)) < 0)
			out = NULL;
	} else if (dcopy && bcopy) {
		out = strdup(path);
	}
	free(dcopy);
	free(bcopy);
	return out;
}

static char *list_path(vsnap_qemu_dom *d)
{
	return vsnap__store_path(d->store, "/domains/", d->name, ".files");
}

/* The created-files list as lines. */
static int read_list(char ***out, size_t *n, vsnap_qemu_dom *d)
{
	char *path = list_path(d), *text = NULL, *save = NULL;
	char **v = NULL;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!path)
		return VSNAP_ENOMEM;
	rc = vsnap__store_read(&text, path);
	free(path);
	if (rc == VSNAP_ENOTFOUND) {
		vsnap_error_clear();
		return 0;
	}
	if (rc < 0)
		return rc;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (*n == cap) {
			char **p = realloc(v, (cap = cap ? 2 * cap : 8) * sizeof(*v));
			if (!p)
				goto oom;
			v = p;
		}
		if (!(v[*n] = strdup(line)))
			goto oom;
		(*n)++;
	}
	free(text);
	*out = v;
	return 0;
oom:
	free(text);
	vsnap__qemu_strv_free(v, *n);
	*n = 0;
	return vsnap__error_oom();
}

static int write_list(vsnap_qemu_dom *d, char **v, size_t n)
{
	vsnap__strbuf b = VSNAP__STRBUF_INIT;
	char *path = list_path(d);
	int rc;

	if (!path)
		return VSNAP_ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (v[i])
			vsnap__strbuf_appendf(&b, "%s\n", v[i]);
	if ((rc = vsnap__strbuf_check(&b)) == 0)
		rc = vsnap__store_write(path, vsnap__strbuf_cstr(&b), b.len);
	vsnap__strbuf_clear(&b);
	free(path);
	return rc;
}

int vsnap__qemu_files_record(vsnap_qemu_dom *d, const char *file)
{
	char **v = NULL, *c = vsnap__qemu_canon(file);
	size_t n = 0;
	int rc;

	if (!c)
		return vsnap__error_oom();
	if ((rc = read_list(&v, &n, d)) < 0)
		goto cleanup;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], c))
			goto cleanup;
	char **p = realloc(v, (n + 1) * sizeof(*v));
	if (!p) {
		rc = vsnap__error_oom();
		goto cleanup;
	}
	v = p;
	v[n++] = c;
	c = NULL;
	rc = write_list(d, v, n);
cleanup:
	free(c);
	vsnap__qemu_strv_free(v, n);
	return rc;
}

static int add_file(vsnap_qemu_files *f, vsnap_qemu_dom *d, const char *path, int created);

/* Adds `path` and its backing chain. */
static int add_chain(vsnap_qemu_files *f, vsnap_qemu_dom *d, const char *path, int created)
{
	char *c = vsnap__qemu_canon(path);
	int rc = 0;

	if (!c)
		return vsnap__error_oom();
	if (!vsnap__qemu_files_get(f, c))
		rc = add_file(f, d, c, created);
	free(c);
	return rc;
}

static int add_file(vsnap_qemu_files *f, vsnap_qemu_dom *d, const char *c, int created)
{
	const vsnap_img_info *info;
	vsnap_qemu_file *e;
	struct stat st;
	int rc;

	if (stat(c, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	if ((rc = vsnap__qemu_probe(&info, d, c)) < 0)
		return rc;
	vsnap_qemu_file *p = realloc(f->v, (f->n + 1) * sizeof(*p));
	if (!p)
		return vsnap__error_oom();
	f->v = p;
	e = &f->v[f->n];
	memset(e, 0, sizeof(*e));
	e->created = created;
	f->n++;
	if (!(e->path = strdup(c)) || (info->backing && !(e->backing = vsnap__qemu_canon(info->backing))) ||
	    (info->format && !(e->format = strdup(info->format))) ||
	    (info->nsnapshots && !(e->tags = calloc(info->nsnapshots, sizeof(char *)))))
		return vsnap__error_oom();
	for (size_t i = 0; i < info->nsnapshots; i++) {
		if (!(e->tags[i] = strdup(info->snapshots[i])))
			return vsnap__error_oom();
		e->ntags++;
	}
	return e->backing ? add_chain(f, d, e->backing, 0) : 0;
}

static int scan(vsnap_qemu_files *out, vsnap_qemu_dom *d, const vsnap_forest_data *forest,
	int with_list);

int vsnap__qemu_files_scan(vsnap_qemu_files *out, vsnap_qemu_dom *d,
	const vsnap_forest_data *forest)
{
	return scan(out, d, forest, 1);
}

/* `with_list` 0: only what the domain and snapshots reach (gc: a listed file outside that
 * is garbage, no need to read it). */
static int scan(vsnap_qemu_files *out, vsnap_qemu_dom *d, const vsnap_forest_data *forest,
	int with_list)
{
	char **list = NULL;
	size_t nlist = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = read_list(&list, &nlist, d)) < 0)
		return rc;
	for (size_t i = 0; rc == 0 && with_list && i < nlist; i++)
		rc = add_chain(out, d, list[i], 1);
	for (size_t i = 0; rc == 0 && i < d->def->ndisks; i++)
		if (d->def->disks[i]->src_file)
			rc = add_chain(out, d, d->def->disks[i]->src_file, 0);
	for (size_t i = 0; rc == 0 && forest && i < forest->count; i++) {
		vsnap_domain_def *sd = NULL;
		const vsnap_snapshot_def *s = forest->defs[i];
		for (size_t j = 0; rc == 0 && j < s->ndisks; j++)
			if (s->disks[j].source_file)
				rc = add_chain(out, d, s->disks[j].source_file, 0);
		if (rc == 0 && s->domain_xml && (rc = vsnap__qemu_meta_domain(&sd, s)) == 0)
			for (size_t j = 0; rc == 0 && j < sd->ndisks; j++)
				if (sd->disks[j]->src_file)
					rc = add_chain(out, d, sd->disks[j]->src_file, 0);
		vsnap__domain_def_free(sd);
	}
	/* A listed file found first through another root still counts as created. */
	for (size_t i = 0; rc == 0 && i < nlist; i++)
		for (size_t j = 0; j < out->n; j++)
			if (!strcmp(out->v[j].path, list[i]))
				out->v[j].created = 1;
	vsnap__qemu_strv_free(list, nlist);
	if (rc < 0)
		vsnap__qemu_files_clear(out);
	return rc;
}

void vsnap__qemu_files_clear(vsnap_qemu_files *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].path);
		free(f->v[i].backing);
		free(f->v[i].format);
		vsnap__qemu_strv_free(f->v[i].tags, f->v[i].ntags);
	}
	free(f->v);
	memset(f, 0, sizeof(*f));
}

const vsnap_qemu_file *vsnap__qemu_files_get(const vsnap_qemu_files *f, const char *path)
{
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->v[i].path, path))
			return &f->v[i];
	return NULL;
}

size_t vsnap__qemu_files_dependents(const vsnap_qemu_files *f, const char *path,
	const char **first)
{
	size_t n = 0;

	if (first)
		*first = NULL;
	for (size_t i = 0; i < f->n; i++) {
		if (f->v[i].backing && !strcmp(f->v[i].backing, path)) {
			if (first && !n)
				*first = f->v[i].path;
			n++;
		}
	}
	return n;
}

/* Marks `path` and its backing chain in `needed` (one flag per entry of `f`). */
static void mark(const vsnap_qemu_files *f, char *needed, const char *path)
{
	char *c = vsnap__qemu_canon(path);

	for (const char *p = c; p;) {
		const vsnap_qemu_file *e = vsnap__qemu_files_get(f, p);
		if (!e || needed[e - f->v])
			break;
		needed[e - f->v] = 1;
		p = e->backing;
	}
	free(c);
}

int vsnap__qemu_files_needed(char **out, const vsnap_qemu_files *f, vsnap_qemu_dom *d,
	const vsnap_forest_data *forest)
{
	char *needed = calloc(f->n + 1, 1);

	*out = NULL;
	if (!needed)
		return vsnap__error_oom();
	for (size_t i = 0; i < d->def->ndisks; i++)
		if (d->def->disks[i]->src_file)
			mark(f, needed, d->def->disks[i]->src_file);
	for (size_t i = 0; forest && i < forest->count; i++) {
		vsnap_domain_def *sd = NULL;
		int rc;

		if (!forest->defs[i]->domain_xml)
			continue;     /* nothing recorded: the snapshot pins no image by its domain */
		/* Unreadable is not "uses nothing": a caller would delete what the snapshot
		 * needs. Refuse, naming the snapshot. */
		if ((rc = vsnap__qemu_meta_domain(&sd, forest->defs[i])) < 0) {
			free(needed);
			return rc;
		}
		for (size_t j = 0; j < sd->ndisks; j++)
			if (sd->disks[j]->src_file)
				mark(f, needed, sd->disks[j]->src_file);
		vsnap__domain_def_free(sd);
	}
	*out = needed;
	return 0;
}

static int gc_run(vsnap_qemu_dom *d, const vsnap_forest_data *forest, char ***dry,
	size_t *ndry)
{
	vsnap_qemu_files f;
	char **list = NULL, *needed = NULL;
	size_t nlist = 0;
	int rc, changed = 0;

	if ((rc = scan(&f, d, forest, 0)) < 0)
		return rc;
	if ((rc = read_list(&list, &nlist, d)) < 0)
		goto cleanup;
	if ((rc = vsnap__qemu_files_needed(&needed, &f, d, forest)) < 0)
		goto cleanup;
	for (size_t i = 0; i < nlist; i++) {
		const vsnap_qemu_file *e = vsnap__qemu_files_get(&f, list[i]);
		int keep = e && needed[e - f.v];
		/* Memory state files are needed while a snapshot names them. */
		for (size_t s = 0; forest && !keep && s < forest->count; s++) {
			char *m = forest->defs[s]->memory_file ?
				vsnap__qemu_canon(forest->defs[s]->memory_file) : NULL;
			keep = m && !strcmp(m, list[i]);
			free(m);
		}
		if (keep)
			continue;
		if (dry) {
			char **p = realloc(*dry, (*ndry + 1) * sizeof(*p));
			if (!p || !(p[*ndry] = strdup(list[i]))) {
				if (p)
					*dry = p;
				rc = vsnap__error_oom();
				goto cleanup;
			}
			*dry = p;
			(*ndry)++;
			continue;
		}
		/* A snapshot's <disks> must not name a file that is gone: drop that source first
		 * (a crash in between leaves an unnamed, still listed file: removed next time). */
		for (size_t s = 0; rc == 0 && forest && s < forest->count; s++) {
			vsnap_snapshot_def *sn = forest->defs[s];
			int renamed = 0;
			for (size_t j = 0; j < sn->ndisks; j++) {
				char *m = sn->disks[j].source_file ?
					vsnap__qemu_canon(sn->disks[j].source_file) : NULL;
				if (m && !strcmp(m, list[i])) {
					free(sn->disks[j].source_file);
					sn->disks[j].source_file = NULL;
					renamed = 1;
				}
				free(m);
			}
			if (renamed)
				rc = vsnap__qemu_meta_save(d, sn, sn->is_current);
		}
		if (rc < 0)
			goto cleanup;
		if (unlink(list[i]) < 0 && errno != ENOENT) {
			rc = vsnap__error_os("removing unused image '%s'", list[i]);
			goto cleanup;
		}
		free(list[i]);
		list[i] = NULL;
		changed = 1;
	}
	if (changed)
		rc = write_list(d, list, nlist);
cleanup:
	free(needed);
	vsnap__qemu_strv_free(list, nlist);
	vsnap__qemu_files_clear(&f);
	return rc;
}

int vsnap__qemu_gc(vsnap_qemu_dom *d, const vsnap_forest_data *forest)
{
	return gc_run(d, forest, NULL, NULL);
}

int vsnap__qemu_gc_list(char ***out, size_t *n, vsnap_qemu_dom *d,
	const vsnap_forest_data *forest)
{
	*out = NULL;
	*n = 0;
	return gc_run(d, forest, out, n);
}

int vsnap__qemu_free_name(char **out, const char *base, const char *suffix)
{
	const char *slash = strrchr(base, '/');
	const char *dot = strrchr(base, '.');
	size_t stem = dot && (!slash || dot > slash) ? (size_t)(dot - base) : strlen(base);
	struct stat st;

	*out = NULL;
	for (int i = 0; i < 1000; i++) {
		char *p = NULL;
		int r = i ? asprintf(&p, "%.*s.%s.%d", (int)stem, base, suffix, i) :
			asprintf(&p, "%.*s.%s", (int)stem, base, suffix);
		if (r < 0)
			return vsnap__error_oom();
		if (stat(p, &st) < 0 && errno == ENOENT) {
			*out = p;
			return 0;
		}
		free(p);
	}
	return vsnap__error_set(VSNAP_EEXISTS, VSNAP_ERRCLASS_QEMU,
		"no free file name next to '%s' for '%s'", base, suffix);
}

int vsnap__qemu_copy_file(const char *from, const char *to)
{
	int in = open(from, O_RDONLY | O_CLOEXEC), out = -1, rc = 0;
	struct stat st;
	off_t pos = 0;

	if (in < 0 || fstat(in, &st) < 0) {
		rc = vsnap__error_os("opening '%s' to copy it", from);
		goto cleanup;
	}
	if ((out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0 ||
	    ftruncate(out, st.st_size) < 0) {
		rc = vsnap__error_os("creating '%s'", to);
		goto cleanup;
	}
	/* Copy only the data extents: images are sparse. */
	while (pos < st.st_size) {
		off_t data = lseek(in, pos, SEEK_DATA), hole;
		if (data < 0)
			break;
		hole = lseek(in, data, SEEK_HOLE);
		if (hole < 0)
			hole = st.st_size;
		off_t src = data, dst = data;
		while (src < hole) {
			ssize_t w = copy_file_range(in, &src, out, &dst, (size_t)(hole - src), 0);
			if (w <= 0) {
				rc = vsnap__error_os("copying '%s' to '%s'", from, to);
				goto cleanup;
			}
		}
		pos = hole;
	}
	if (fsync(out) < 0)
		rc = vsnap__error_os("syncing '%s'", to);
cleanup:
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	if (rc < 0 && out >= 0)
		unlink(to);
	return rc;
}

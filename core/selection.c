/*
 * selection.c: which domains a fleet command acts on (include/vsnap/fleet.h): keys, lists of
 * keys, globs over names, inventory folders, everything. Matching is pure: it runs on the
 * domain list a driver returned, so every backend selects the same way.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/error.h"
#include "core/fleet.h"

int vsnap_selection_new(vsnap_selection **out)
{
	if (!out)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"creating a selection: no output given");
	if (!(*out = calloc(1, sizeof(**out))))
		return vsnap__error_oom();
	return 0;
}

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void vsnap_selection_free(vsnap_selection *sel)
{
	if (!sel)
		return;
	strv_free(sel->keys, sel->nkeys);
	strv_free(sel->globs, sel->nglobs);
	strv_free(sel->folders, sel->nfolders);
	free(sel);
}

/* Appends a copy of the first `len` bytes of `s` to the vector. */
static int strv_add(char ***v, size_t *n, const char *s, size_t len)
{
	char **p = realloc(*v, (*n + 1) * sizeof(**v));

	if (!p)
		return vsnap__error_oom();
	*v = p;
	if (!(p[*n] = strndup(s, len)))
		return vsnap__error_oom();
	(*n)++;
	return 0;
}

static int check_arg(const vsnap_selection *sel, const char *s, const char *what)
{
	if (!sel)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"adding a %s: no selection given", what);
	if (!s || !*s)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"adding a %s to a selection: it is empty", what);
	return 0;
}

int vsnap_selection_add_key(vsnap_selection *sel, const char *key)
{
	int rc = check_arg(sel, key, "domain key");

	return rc ? rc : strv_add(&sel->keys, &sel->nkeys, key, strlen(key));
}

int vsnap_selection_add_glob(vsnap_selection *sel, const char *pattern)
{
	int rc = check_arg(sel, pattern, "name glob");

	return rc ? rc : strv_add(&sel->globs, &sel->nglobs, pattern, strlen(pattern));
}

int vsnap_selection_add_folder(vsnap_selection *sel, const char *path)
{
	int rc = check_arg(sel, path, "folder");

	return rc ? rc : strv_add(&sel->folders, &sel->nfolders, path, strlen(path));
}

int vsnap_selection_add_all(vsnap_selection *sel)
{
	if (!sel)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"selecting every domain: no selection given");
	sel->all = 1;
	return 0;
}

int vsnap_selection_add_list(vsnap_selection *sel, const char *text)
{
	const char *p = text;
	int added = 0, rc;

	if (!sel || !text)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"adding a list of domains: no selection or no text given");
	while (*p) {
		const char *end = strchr(p, '\n'), *next;
		size_t len;

		if (!end)
			end = p + strlen(p);
		next = *end ? end + 1 : end;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		len = (size_t)(end - p);
		while (len && (p[len - 1] == ' ' || p[len - 1] == '\t' || p[len - 1] == '\r'))
			len--;
		if (len && *p != '#') {
			if ((rc = strv_add(&sel->keys, &sel->nkeys, p, len)) < 0)
				return rc;
			added++;
		}
		p = next;
	}
	return added;
}

int vsnap_selection_is_empty(const vsnap_selection *sel)
{
	return !sel || (!sel->nkeys && !sel->nglobs && !sel->nfolders && !sel->all);
}

int vsnap__glob_match(const char *pattern, const char *name)
{
	return name && fnmatch(pattern, name, 0) == 0;
}

static int key_matches(const char *key, const vsnap_domain_info *d)
{
	return (d->name && !strcmp(d->name, key)) || (d->id && !strcmp(d->id, key)) ||
		(d->uuid && !strcasecmp(d->uuid, key));
}

/*
 * picked[i] = 1 for every domain of `list` the selection takes (the list is already limited
 * to the folders' scope when folders were given); key_found[k] = 1 for every key that matched.
 */
int vsnap__selection_match(const vsnap_selection *sel, const vsnap_domain_info *list,
	size_t n, unsigned char *picked, unsigned char *key_found)
{
	int scoped = sel->all || sel->nfolders || sel->nglobs;

	for (size_t i = 0; i < n; i++) {
		int in_scope = scoped, take = 0;

		if (in_scope && sel->nglobs) {
			in_scope = 0;
			for (size_t g = 0; g < sel->nglobs && !in_scope; g++)
				in_scope = vsnap__glob_match(sel->globs[g], list[i].name);
		}
		for (size_t k = 0; k < sel->nkeys; k++)
			if (key_matches(sel->keys[k], &list[i]))
				take = key_found[k] = 1;
		picked[i] = take || in_scope;
	}
	return 0;
}

/*
 * snapshot-edit without --rename/--description, as virsh does it: the snapshot's XML in
 * $VISUAL/$EDITOR (vi by default), then the changes applied. Only <name> and <description>
 * can change (that is what every backend can apply); any other change is refused with the
 * edited file kept, never dropped in silence.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "snapshot_target.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

/* The text of the root's child element `name` (owned), or NULL when absent. */
static char *child_text(xmlNodePtr root, const char *name, xmlNodePtr *node)
{
	for (xmlNodePtr c = root ? root->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && xmlStrcmp(c->name, BAD_CAST name) == 0) {
			xmlChar *v = xmlNodeGetContent(c);
			char *out = strdup(v ? (const char *)v : "");
			xmlFree(v);
			*node = c;
			return out;
		}
	*node = NULL;
	return NULL;
}

typedef struct {
	char *name, *description;
	char *rest;     /* the document without <name> and <description>, serialized */
} snapshot_text;

static void text_free(snapshot_text *t)
{
	free(t->name);
	free(t->description);
	xmlFree(t->rest);
}

static int split_doc(snapshot_text *out, const char *xml, size_t len)
{
	xmlDocPtr doc = xmlReadMemory(xml, (int)len, "snapshot.xml", NULL,
		XML_PARSE_NONET | XML_PARSE_NOBLANKS);
	xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL, n;
	int size = 0;

	memset(out, 0, sizeof(*out));
	if (!root || xmlStrcmp(root->name, BAD_CAST "domainsnapshot") != 0) {
		xmlFreeDoc(doc);
		return -1;
	}
	out->name = child_text(root, "name", &n);
	if (n) {
		xmlUnlinkNode(n);
		xmlFreeNode(n);
	}
	out->description = child_text(root, "description", &n);
	if (n) {
		xmlUnlinkNode(n);
		xmlFreeNode(n);
	}
	xmlDocDumpMemory(doc, (xmlChar **)&out->rest, &size);
	xmlFreeDoc(doc);
	return 0;
}

/* Runs the editor command in $VSNAP_EDITOR (through sh, so it may carry arguments) on path. */
static int run_editor(const char *path)
{
	int status;
	pid_t pid;

	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", "exec $VSNAP_EDITOR \"$1\"", "sh", path, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* Writes xml to a fresh temporary file; returns its path (owned) or NULL. */
static char *write_temp(const char *xml)
{
	const char *dir = getenv("TMPDIR");
	char *path = NULL;
	int fd;

	if (asprintf(&path, "%s/vsnap-snapshot-XXXXXX.xml", dir && *dir ? dir : "/tmp") < 0)
		return NULL;
	if ((fd = mkstemps(path, 4)) < 0) {
		free(path);
		return NULL;
	}
	size_t len = strlen(xml);
	int ok = write(fd, xml, len) == (ssize_t)len;
	if (close(fd) != 0 || !ok) {
		unlink(path);
		free(path);
		return NULL;
	}
	return path;
}

static int same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int snapshot_edit_in_editor(cli_ctx *ctx, vsnap_domain *dom, const char *key)
{
	vsnap_forest *forest = NULL;
	vsnap_snapshot *snap = NULL;
	snapshot_text before, after;
	char *xml = NULL, *edited = NULL, *path = NULL;
	size_t len = 0;
	int rc = CLI_ERROR;
	const char *ed = getenv("VISUAL") && *getenv("VISUAL") ? getenv("VISUAL") :
		getenv("EDITOR") && *getenv("EDITOR") ? getenv("EDITOR") : "vi";

	memset(&before, 0, sizeof(before));
	memset(&after, 0, sizeof(after));
	if (vsnap_forest_get(&forest, dom) || vsnap_forest_lookup(&snap, forest, key) ||
			vsnap_snapshot_get_xml(&xml, snap, 0)) {
		rc = cli_fail(NULL);
		goto out;
	}
	if (split_doc(&before, xml, strlen(xml)) || !(path = write_temp(xml))) {
		cli_error("cannot write snapshot '%s' to a temporary file", key);
		goto out;
	}
	if (setenv("VSNAP_EDITOR", ed, 1) || run_editor(path)) {
		cli_error("editor '%s' failed on %s; the snapshot is unchanged", ed, path);
		goto out;
	}
	if (cli_read_file(&edited, &len, path))
		goto out;
	if (split_doc(&after, edited, len)) {
		cli_error("%s is not <domainsnapshot> XML any more; the snapshot is "
			"unchanged (the edit is kept there)", path);
		free(path);
		path = NULL;
		goto out;
	}
	if (!same(before.rest, after.rest) || !after.name || !*after.name) {
		cli_error("snapshot '%s': only <name> and <description> can be changed "
			"by snapshot-edit; the snapshot is unchanged (the edit is kept in %s)", key, path);
		free(path);
		path = NULL;
		goto out;
	}
	if (same(before.name, after.name) && same(before.description, after.description)) {
		if (!ctx->quiet && !ctx->json)
			printf("Snapshot %s XML configuration not changed.\n", before.name);
		rc = CLI_OK;
		goto out;
	}
	if (vsnap_snapshot_edit(dom, key, same(before.name, after.name) ? NULL : after.name,
			same(before.description, after.description) ? NULL :
			after.description ? after.description : "")) {
		rc = cli_fail(NULL);
		goto out;
	}
	if (!ctx->quiet && !ctx->json)
		printf("Snapshot %s edited.\n", after.name);
	rc = CLI_OK;
out:
	if (path) {
		unlink(path);
		free(path);
	}
	text_free(&before);
	text_free(&after);
	free(edited);
	vsnap_string_free(xml);
	vsnap_forest_free(forest);
	return rc;
}

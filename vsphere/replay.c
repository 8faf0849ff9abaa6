/*
 * replay.c: recording exchanges to a fixture directory and replaying them (format:
 * docs/fixtures.md). Exchange N (from 1, counting every request of the client) is stored as
 *   NNNN-<Operation>.req.xml   the request body (secrets redacted)
 *   NNNN-<Operation>.resp.xml  the response body, byte for byte
 *   NNNN-<Operation>.status    the HTTP status ("200"); absent means 200
 * (datastore downloads use .req.txt / .resp.data). Replay matches by order and operation,
 * and, when the fixture has a request file, by the `_this` object.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/secret.h"
#include "vsphere/internal.h"

static const char redacted[] = "(redacted)";

/* Replaces the text of every element named `name` (any prefix) in b with "(redacted)". */
static int redact_element(vsnap__strbuf *out, const char *body, size_t len, const char *name)
{
	size_t nlen = strlen(name), i = 0;

	vsnap__strbuf_truncate(out, 0);
	while (i < len) {
		const char *lt = memchr(body + i, '<', len - i);
		const char *p, *gt, *end;

		if (!lt)
			break;
		p = lt + 1;
		while (p < body + len && *p != ':' && *p != '>' && *p != ' ' && *p != '/')
			p++;
		p = (p < body + len && *p == ':') ? p + 1 : lt + 1;
		if ((size_t)(body + len - p) > nlen && !strncmp(p, name, nlen) &&
		    (p[nlen] == '>' || p[nlen] == ' ') && (gt = memchr(p, '>', (size_t)(body + len - p))) &&
		    gt[-1] != '/' && (end = memchr(gt, '<', (size_t)(body + len - gt)))) {
			vsnap__strbuf_append_n(out, body + i, (size_t)(gt + 1 - (body + i)));
			vsnap__strbuf_append_n(out, redacted, sizeof(redacted) - 1);
			i = (size_t)(end - body);
			continue;
		}
		vsnap__strbuf_append_n(out, body + i, (size_t)(lt + 1 - (body + i)));
		i = (size_t)(lt + 1 - body);
	}
	vsnap__strbuf_append_n(out, body + i, len - i);
	return vsnap__strbuf_check(out);
}

/*
 * PropertyFilter ids embed the session id: "session[52a1...]52b7" (ESX and vcsim). The id
 * becomes "session[(redacted)]52b7" in place (never longer, as ids are longer than that).
 */
static void redact_filter_ids(char *s, size_t *len)
{
	char *p = s;

	while ((p = strstr(p, "session["))) {
		char *open = p + 8, *close = strchr(open, ']');
		size_t idlen;

		if (!close)
			break;
		idlen = (size_t)(close - open);
		if (idlen > sizeof(redacted) - 1) {
			memcpy(open, redacted, sizeof(redacted) - 1);
			memmove(open + sizeof(redacted) - 1, close, strlen(close) + 1);
			*len -= idlen - (sizeof(redacted) - 1);
		}
		p = open;
	}
}

char *vsnap__vs_redact(const char *body, size_t len, size_t *out_len)
{
	static const char *const always[] = { "password", "sessionID", "sessionKey" };
	vsnap__strbuf a = VSNAP__STRBUF_INIT, b = VSNAP__STRBUF_INIT;
	size_t i;

	vsnap__strbuf_append_n(&a, body, len);
	if (vsnap__strbuf_check(&a) < 0) {
		vsnap__strbuf_clear(&a);
		return NULL;
	}
	for (i = 0; i < sizeof(always) / sizeof(always[0]) + 1; i++) {
		vsnap__strbuf t;

		/* A UserSession's key is the session id on some servers. */
		if (i == sizeof(always) / sizeof(always[0]) && !strstr(a.ptr, "LoginResponse"))
			break;
		if (redact_element(&b, a.ptr, a.len,
				i < sizeof(always) / sizeof(always[0]) ? always[i] : "key") < 0) {
			vsnap__strbuf_clear(&a);
			vsnap__strbuf_clear(&b);
			return NULL;
		}
		t = a;
		a = b;
		b = t;
	}
	vsnap__strbuf_clear(&b);
	redact_filter_ids(a.ptr, &a.len);
	/* By value too: a server may echo a secret anywhere (a fault string), in any escaping. */
	{
		char *clean = vsnap__secret_scrub(a.ptr ? a.ptr : "", a.len, out_len);

		vsnap__strbuf_clear(&a);
		return clean;
	}
}

static int write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		return vsnap__error_os("record: cannot create '%s'", path);
	if (fwrite(data, 1, len, f) != len) {
		fclose(f);
		return vsnap__error_os("record: cannot write '%s'", path);
	}
	if (fclose(f) != 0)
		return vsnap__error_os("record: cannot write '%s'", path);
	return 0;
}

int vsnap__vs_record_write(vsnap_vs_client *c)
{
	int is_get = !strcmp(c->x.op, "GET");
	char path[4096], status[16];
	char *req;
	size_t rlen;
	int rc;

	if (mkdir(c->record_dir, 0700) < 0 && errno != EEXIST)
		return vsnap__error_os("record: cannot create directory '%s'", c->record_dir);
	if (!(req = vsnap__vs_redact(c->x.req.ptr ? c->x.req.ptr : "", c->x.req.len, &rlen)))
		return vsnap__error_oom();
	snprintf(path, sizeof(path), "%s/%04u-%s.%s", c->record_dir, c->seq, c->x.op,
		is_get ? "req.txt" : "req.xml");
	rc = write_file(path, req, rlen);
	free(req);
	if (rc < 0)
		return rc;
	snprintf(path, sizeof(path), "%s/%04u-%s.%s", c->record_dir, c->seq, c->x.op,
		is_get ? "resp.data" : "resp.xml");
	if (is_get) {
		/* A downloaded file (.vmx) is text: only registered secrets are taken out. */
		char *data = vsnap__secret_scrub(c->x.resp.ptr ? c->x.resp.ptr : "", c->x.resp.len,
			&rlen);

		if (!data)
			return vsnap__error_oom();
		rc = write_file(path, data, rlen);
		free(data);
	} else {
		char *resp = vsnap__vs_redact(c->x.resp.ptr ? c->x.resp.ptr : "", c->x.resp.len,
			&rlen);

		if (!resp)
			return vsnap__error_oom();
		rc = write_file(path, resp, rlen);
		free(resp);
	}
	if (rc < 0 || c->x.http_status == 200)
		return rc;
	snprintf(path, sizeof(path), "%s/%04u-%s.status", c->record_dir, c->seq, c->x.op);
	snprintf(status, sizeof(status), "%ld\n", c->x.http_status);
	return write_file(path, status, strlen(status));
}

/* Reads a whole file into b; 1 if it exists, 0 if not, < 0 on error. */
static int read_file(vsnap__strbuf *b, const char *path)
{
	FILE *f = fopen(path, "rb");
	char tmp[8192];
	size_t n;

	vsnap__strbuf_clear(b);
	if (!f)
		return errno == ENOENT ? 0 : vsnap__error_os("replay: cannot open '%s'", path);
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0) {
		vsnap__strbuf_append_n(b, tmp, n);
		if (vsnap__strbuf_check(b) < 0) {
			fclose(f);
			return VSNAP_ENOMEM;
		}
	}
	if (ferror(f)) {
		fclose(f);
		return vsnap__error_os("replay: cannot read '%s'", path);
	}
	fclose(f);
	return 1;
}

/* The text of the first <_this> element, or "" (points into a static buffer). */
static const char *this_of(const char *body, char *out, size_t size)
{
	const char *p = body ? strstr(body, "_this") : NULL, *gt, *lt;

	out[0] = '\0';
	if (p && (gt = strchr(p, '>')) && (lt = strchr(gt, '<')) && (size_t)(lt - gt - 1) < size) {
		memcpy(out, gt + 1, (size_t)(lt - gt - 1));
		out[lt - gt - 1] = '\0';
	}
	return out;
}

/* Finds "NNNN-<op>.resp.*" of exchange `seq`: sets *op (malloc'ed) and the extension. */
static int find_exchange(char **op, int *is_get, const char *dir, unsigned int seq)
{
	char prefix[16];
	struct dirent *de;
	DIR *d = opendir(dir);

	*op = NULL;
	if (!d)
		return vsnap__error_set(VSNAP_EREPLAY, VSNAP_ERRCLASS_ESX,
			"replay: cannot open fixture directory '%s'", dir);
	snprintf(prefix, sizeof(prefix), "%04u-", seq);
	while ((de = readdir(d))) {
		const char *n = de->d_name, *ext;

		if (strncmp(n, prefix, 5) || !(ext = strstr(n, ".resp.")))
			continue;
		*is_get = !strcmp(ext, ".resp.data");
		*op = strndup(n + 5, (size_t)(ext - n - 5));
		break;
	}
	closedir(d);
	return 0;
}

int vsnap__vs_replay_load(vsnap_vs_client *c)
{
	char path[4096], want[256], got[256];
	vsnap__strbuf fx = VSNAP__STRBUF_INIT;
	char *op = NULL;
	int is_get = 0, rc;

	if ((rc = find_exchange(&op, &is_get, c->replay_dir, c->seq)) < 0)
		return rc;
	if (!op) {
		rc = vsnap__error_set(VSNAP_EREPLAY, VSNAP_ERRCLASS_ESX,
			"replay '%s': unexpected request #%u %s: the fixture has no exchange %04u",
			c->replay_dir, c->seq, c->x.op, c->seq);
		goto out;
	}
	if (strcmp(op, c->x.op)) {
		rc = vsnap__error_set(VSNAP_EREPLAY, VSNAP_ERRCLASS_ESX,
			"replay '%s': request #%u is %s but the fixture expects %s (%04u-%s)",
			c->replay_dir, c->seq, c->x.op, op, c->seq, op);
		goto out;
	}
	snprintf(path, sizeof(path), "%s/%04u-%s.%s", c->replay_dir, c->seq, op,
		is_get ? "req.txt" : "req.xml");
	if ((rc = read_file(&fx, path)) < 0)
		goto out;
	if (rc == 1 && !is_get && strcmp(this_of(fx.ptr, want, sizeof(want)),
			this_of(c->x.req.ptr, got, sizeof(got)))) {
		rc = vsnap__error_set(VSNAP_EREPLAY, VSNAP_ERRCLASS_ESX,
			"replay '%s': request #%u %s is on '%s' but the fixture expects '%s'",
			c->replay_dir, c->seq, op, got, want);
		goto out;
	}
	if (rc == 1 && is_get && strcmp(fx.ptr, c->x.req.ptr ? c->x.req.ptr : "")) {
		rc = vsnap__error_set(VSNAP_EREPLAY, VSNAP_ERRCLASS_ESX,
			"replay '%s': request #%u is '%s' but the fixture expects '%s'",
			c->replay_dir, c->seq, c->x.req.ptr ? c->x.req.ptr : "", fx.ptr);
		goto out;
	}
	snprintf(path, sizeof(path), "%s/%04u-%s.status", c->replay_dir, c->seq, op);
	if ((rc = read_file(&fx, path)) < 0)
		goto out;
	c->x.http_status = rc == 1 ? strtol(fx.ptr, NULL, 10) : 200;
	snprintf(path, sizeof(path), "%s/%04u-%s.%s", c->replay_dir, c->seq, op,
		is_get ? "resp.data" : "resp.xml");
	if ((rc = read_file(&c->x.resp, path)) < 0)
		goto out;
	c->x.resp_loaded = 1;
	rc = 0;
out:
	free(op);
	vsnap__strbuf_clear(&fx);
	return rc;
}

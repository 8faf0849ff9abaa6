/*
 * faultsrv.c: see faultsrv.h. Plain sockets and OpenSSL; one thread, one client connection at
 * a time (the vSphere client is single-threaded and keeps one connection alive). A stop pipe
 * ends every wait, so a stalled reply never outlives fs_stop().
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "fault/faultsrv.h"

typedef struct {
	int fd;
	SSL *ssl;
} fs_conn;

typedef struct {
	char *data;
	size_t len, cap;
} fs_buf;

struct fs_server {
	fs_config cfg;
	int listen_fd, stop[2];
	SSL_CTX *ctx, *up_ctx;
	pthread_t thread;
	pthread_mutex_t lock;
	char url[64];
	fs_buf ops;                     /* every operation served, space-separated */
	int requests;
	fs_buf cookies;                 /* every session cookie the upstream set, space-separated */
	fs_buf captured;                /* last request body for cfg.capture_op */
};

static int buf_add(fs_buf *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		char *d;

		while (cap < b->len + n + 1)
			cap *= 2;
		if (!(d = realloc(b->data, cap)))
			return -1;
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

char *fs_fixture(const char *name)
{
	const char *src = getenv("VSNAP_SRC");
	char path[1024];
	fs_buf b = { 0 };
	char tmp[4096];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/fixtures/fault/%s", src ? src : ".", name);
	if (!(f = fopen(path, "rb"))) {
		fprintf(stderr, "faultsrv: cannot open %s\n", path);
		return NULL;
	}
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
		if (buf_add(&b, tmp, n) < 0)
			break;
	fclose(f);
	return b.data;
}

/* ---- I/O on a plain or TLS connection ---- */

static ssize_t conn_read(fs_conn *c, char *p, size_t n)
{
	if (c->ssl) {
		int r = SSL_read(c->ssl, p, (int)n);

		return r > 0 ? r : (SSL_get_error(c->ssl, r) == SSL_ERROR_ZERO_RETURN ? 0 : -1);
	}
	return recv(c->fd, p, n, 0);
}

static int conn_write(fs_conn *c, const void *p, size_t n)
{
	const char *s = p;

	while (n > 0) {
		ssize_t w = c->ssl ? SSL_write(c->ssl, s, (int)(n > 1 << 20 ? 1 << 20 : n))
			: send(c->fd, s, n, MSG_NOSIGNAL);

		if (w <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

static void conn_close(fs_conn *c, int reset)
{
	if (c->fd < 0)
		return;
	if (reset) {
		/* linger 0: close() sends RST instead of FIN */
		struct linger l = { 1, 0 };

		setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	} else if (c->ssl) {
		SSL_shutdown(c->ssl);
	}
	SSL_free(c->ssl);
	close(c->fd);
	c->ssl = NULL;
	c->fd = -1;
}

/* Finds header `name` in an HTTP head and copies its value; 0 found, -1 not. */
static int header(const char *head, const char *name, char *out, size_t size)
{
	size_t nl = strlen(name);
	const char *p = strstr(head, "\r\n");

	while (p && p[2] != '\r') {
		const char *line = p + 2, *end = strstr(line, "\r\n");

		if (!end)
			break;
		if (!strncasecmp(line, name, nl) && line[nl] == ':') {
			const char *v = line + nl + 1;

			while (*v == ' ')
				v++;
			snprintf(out, size, "%.*s", (int)(end - v), v);
			return 0;
		}
		p = end;
	}
	return -1;
}

/* Reads one request: head (up to the blank line, NUL-terminated) and Content-Length body. */
static int read_request(fs_conn *c, fs_buf *req, size_t *body_off)
{
	char tmp[16384], cl[32];
	char *eoh;
	size_t want;
	ssize_t n;

	req->len = 0;
	while (!req->data || !(eoh = strstr(req->data, "\r\n\r\n"))) {
		if ((n = conn_read(c, tmp, sizeof(tmp))) <= 0 || buf_add(req, tmp, (size_t)n) < 0)
			return -1;
	}
	*body_off = (size_t)(eoh - req->data) + 4;
	want = header(req->data, "Content-Length", cl, sizeof(cl)) == 0 ? strtoul(cl, NULL, 10) : 0;
	while (req->len < *body_off + want) {
		if ((n = conn_read(c, tmp, sizeof(tmp))) <= 0 || buf_add(req, tmp, (size_t)n) < 0)
			return -1;
	}
	return 0;
}

/* The SOAP operation: the first element inside <...:Body>, without its prefix. */
static void soap_op(const char *body, char *out, size_t size)
{
	const char *p = strstr(body, "Body>"), *e;

	snprintf(out, size, "GET");
	if (!p || !(p = strchr(p, '<')))
		return;
	p++;
	for (e = p; *e && *e != ' ' && *e != '>' && *e != '/'; e++)
		if (*e == ':')
			p = e + 1;
	snprintf(out, size, "%.*s", (int)(e - p), p);
}

/* ---- Replies ---- */

static int send_head(fs_conn *c, int status, const char *ctype, size_t len, int chunked)
{
	char head[512];

	snprintf(head, sizeof(head), "HTTP/1.1 %d %s\r\nContent-Type: %s\r\n%s\r\n", status,
		status == 200 ? "OK" : "Internal Server Error", ctype, chunked ?
		"Transfer-Encoding: chunked\r\n" : "");
	if (!chunked)
		snprintf(head + strlen(head) - 2, sizeof(head) - strlen(head) + 2,
			"Content-Length: %zu\r\n\r\n", len);
	return conn_write(c, head, strlen(head));
}

static const char *ctype_of(const char *body)
{
	return body && !strncmp(body, "<!", 2) ? "text/html" : "text/xml; charset=utf-8";
}

/* `body` without its @PAD@ marker, as (prefix, suffix). */
static void split_pad(const char *body, size_t *pre, const char **suf)
{
	const char *m = strstr(body, "@PAD@");

	*pre = m ? (size_t)(m - body) : strlen(body);
	*suf = m ? m + 5 : body + *pre;
}

static int send_piece(fs_conn *c, const char *p, size_t n, int chunked)
{
	char sz[32];

	if (!chunked)
		return conn_write(c, p, n);
	snprintf(sz, sizeof(sz), "%zx\r\n", n);
	return conn_write(c, sz, strlen(sz)) || conn_write(c, p, n) || conn_write(c, "\r\n", 2)
		? -1 : 0;
}

/* Streams the padded body without ever holding it whole. */
static int send_big(fs_conn *c, const fs_rule *r)
{
	static char pad[65536];
	size_t pre, left = r->size;
	const char *suf;

	memset(pad, 'x', sizeof(pad));
	split_pad(r->body, &pre, &suf);
	if (send_head(c, 200, "text/xml; charset=utf-8", pre + r->size + strlen(suf), r->chunked)
	    || send_piece(c, r->body, pre, r->chunked))
		return -1;
	while (left > 0) {
		size_t n = left < sizeof(pad) ? left : sizeof(pad);

		if (send_piece(c, pad, n, r->chunked) < 0)
			return -1;
		left -= n;
	}
	if (send_piece(c, suf, strlen(suf), r->chunked) < 0)
		return -1;
	return r->chunked ? conn_write(c, "0\r\n\r\n", 5) : 0;
}

static int send_text(fs_conn *c, int status, const char *body, size_t cut)
{
	size_t pre;
	const char *suf;
	fs_buf b = { 0 };
	int rc;

	split_pad(body, &pre, &suf);
	if (buf_add(&b, body, pre) < 0 || buf_add(&b, suf, strlen(suf)) < 0) {
		free(b.data);
		return -1;
	}
	if (cut && cut < b.len)
		b.len = cut;
	rc = send_head(c, status ? status : 200, ctype_of(body), b.len, 0) ||
		conn_write(c, b.data, b.len) ? -1 : 0;
	free(b.data);
	return rc;
}

/* The request in the four forms a server may echo it in (FS_ECHO). */
static int send_echo(fs_conn *c, const char *req, size_t len)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	static const char echo_head[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\">"
		"<soapenv:Body><soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>"
		"cannot handle request: <![CDATA[";
	fs_buf b = { 0 };
	char t[8];
	int rc = 0;

	rc |= buf_add(&b, echo_head, sizeof(echo_head) - 1);
	for (size_t i = 0; i < len; i++)   /* raw, except what would end the CDATA */
		rc |= req[i] == ']' ? buf_add(&b, "?", 1) : buf_add(&b, req + i, 1);
	rc |= buf_add(&b, "]]> escaped: ", 13);
	for (size_t i = 0; i < len; i++) {
		const char *e = req[i] == '&' ? "&amp;" : req[i] == '<' ? "&lt;" :
			req[i] == '>' ? "&gt;" : req[i] == '"' ? "&quot;" : req[i] == '\'' ? "&#39;"
			: NULL;

		rc |= e ? buf_add(&b, e, strlen(e)) : buf_add(&b, req + i, 1);
	}
	rc |= buf_add(&b, " percent: ", 10);
	for (size_t i = 0; i < len; i++) {
		snprintf(t, sizeof(t), "%%%02X", (unsigned char)req[i]);
		rc |= buf_add(&b, t, 3);
	}
	rc |= buf_add(&b, " base64: ", 9);
	for (size_t i = 0; i < len; i += 3) {
		unsigned v = (unsigned)(unsigned char)req[i] << 16;

		v |= i + 1 < len ? (unsigned)(unsigned char)req[i + 1] << 8 : 0;
		v |= i + 2 < len ? (unsigned char)req[i + 2] : 0;
		t[0] = b64[v >> 18];
		t[1] = b64[(v >> 12) & 63];
		t[2] = i + 1 < len ? b64[(v >> 6) & 63] : '=';
		t[3] = i + 2 < len ? b64[v & 63] : '=';
		rc |= buf_add(&b, t, 4);
	}
	rc |= buf_add(&b, "</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>\n",
		strlen("</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>\n"));
	if (rc == 0)
		rc = send_head(c, 500, "text/xml; charset=utf-8", b.len, 0) ||
			conn_write(c, b.data, b.len) ? -1 : 0;
	free(b.data);
	return rc;
}

/* ---- Upstream ---- */

/* One HTTP/1.0 exchange with the upstream (it closes after replying); reply in *resp. */
static int upstream(fs_server *s, const char *action, const char *cookie, const char *body,
	size_t blen, fs_buf *resp)
{
	struct sockaddr_in a = { 0 };
	fs_conn u = { socket(AF_INET, SOCK_STREAM, 0), NULL };
	struct timeval tv = { 30, 0 };
	char head[1024], tmp[16384];
	ssize_t n;
	int rc = -1;

	a.sin_family = AF_INET;
	a.sin_port = htons((unsigned short)s->cfg.upstream_port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(u.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (u.fd < 0 || connect(u.fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		goto out;
	if (s->up_ctx) {
		if (!(u.ssl = SSL_new(s->up_ctx)) || !SSL_set_fd(u.ssl, u.fd) ||
		    SSL_connect(u.ssl) != 1)
			goto out;
	}
	snprintf(head, sizeof(head), "POST /sdk HTTP/1.0\r\nHost: 127.0.0.1:%d\r\n"
		"Content-Type: text/xml; charset=utf-8\r\nSOAPAction: %s\r\n%s%s%s"
		"Content-Length: %zu\r\n\r\n", s->cfg.upstream_port, action,
		*cookie ? "Cookie: " : "", cookie, *cookie ? "\r\n" : "", blen);
	if (conn_write(&u, head, strlen(head)) < 0 || conn_write(&u, body, blen) < 0)
		goto out;
	resp->len = 0;
	while ((n = conn_read(&u, tmp, sizeof(tmp))) > 0)
		if (buf_add(resp, tmp, (size_t)n) < 0)
			goto out;
	rc = resp->data && strstr(resp->data, "\r\n\r\n") ? 0 : -1;
out:
	conn_close(&u, 0);
	return rc;
}

/* Copies the upstream reply to the client as HTTP/1.1 with a Content-Length. */
static int relay(fs_server *s, fs_conn *c, const fs_buf *resp)
{
	const char *eoh = strstr(resp->data, "\r\n\r\n") + 4, *p = resp->data;
	int status = atoi(strchr(resp->data, ' ') ? strchr(resp->data, ' ') + 1 : "502");
	fs_buf head = { 0 };
	char line[512];
	int rc;

	snprintf(line, sizeof(line), "HTTP/1.1 %d X\r\nContent-Type: text/xml; charset=utf-8\r\n"
		"Content-Length: %zu\r\n", status, resp->len - (size_t)(eoh - resp->data));
	buf_add(&head, line, strlen(line));
	while ((p = strstr(p, "\r\n")) && p + 2 < eoh) {
		const char *end = strstr(p + 2, "\r\n");

		p += 2;
		if (!strncasecmp(p, "Set-Cookie:", 11)) {
			const char *v = strstr(p, "vmware_soap_session=");

			buf_add(&head, p, (size_t)(end - p) + 2);
			if (v && v < end) {
				v += 20;
				pthread_mutex_lock(&s->lock);
				buf_add(&s->cookies, v, strcspn(v, ";\r"));
				buf_add(&s->cookies, " ", 1);
				pthread_mutex_unlock(&s->lock);
			}
		}
	}
	buf_add(&head, "\r\n", 2);
	rc = conn_write(c, head.data, head.len) || conn_write(c, eoh, resp->len -
		(size_t)(eoh - resp->data)) ? -1 : 0;
	free(head.data);
	return rc;
}

/* Ends the client's session upstream the way an idle timeout would. */
static void expire(fs_server *s, const char *cookie)
{
	char body[1024];
	fs_buf resp = { 0 };

	snprintf(body, sizeof(body), "<?xml version=\"1.0\"?><soapenv:Envelope xmlns:soapenv="
		"\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body><Logout xmlns="
		"\"urn:vim25\"><_this type=\"SessionManager\">%s</_this></Logout></soapenv:Body>"
		"</soapenv:Envelope>", s->cfg.session_manager ? s->cfg.session_manager
		: "ha-sessionmgr");
	if (upstream(s, "urn:vim25/6.0", cookie, body, strlen(body), &resp) < 0)
		fprintf(stderr, "faultsrv: upstream Logout failed\n");
	free(resp.data);
}

/* ---- Serving ---- */

static int wait_stop_or_close(fs_server *s, fs_conn *c)
{
	struct pollfd p[2] = { { s->stop[0], POLLIN, 0 }, { c->fd, POLLIN, 0 } };
	char tmp[256];

	for (;;) {
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			return -1;
		if (p[0].revents || (p[1].revents && conn_read(c, tmp, sizeof(tmp)) <= 0))
			return -1;
	}
}

static const fs_rule *match(fs_server *s, const char *op, int nth)
{
	size_t i;

	for (i = 0; i < s->cfg.nrules; i++) {
		const fs_rule *r = &s->cfg.rules[i];

		if ((!r->op || !strcmp(r->op, op)) && (!r->nth || r->nth == nth))
			return r;
	}
	return NULL;
}

/* Serves one request; -1: close the connection (after a reset, stall, or error). */
static int serve_one(fs_server *s, fs_conn *c)
{
	fs_buf req = { 0 }, resp = { 0 };
	fs_rule dflt = { NULL, 0, FS_PROXY, 0, NULL, 0, 0 };
	const fs_rule *r;
	char op[128], cookie[512] = "", action[128] = "\"urn:vim25/6.0\"";
	size_t boff, half;
	int rc = -1, nth;

	if (read_request(c, &req, &boff) < 0)
		goto out;
	soap_op(req.data + boff, op, sizeof(op));
	header(req.data, "Cookie", cookie, sizeof(cookie));
	header(req.data, "SOAPAction", action, sizeof(action));
	pthread_mutex_lock(&s->lock);
	s->requests++;
	buf_add(&s->ops, op, strlen(op));
	buf_add(&s->ops, " ", 1);
	if (s->cfg.capture_op && !strcmp(s->cfg.capture_op, op)) {
		s->captured.len = 0;
		buf_add(&s->captured, req.data + boff, req.len - boff);
	}
	pthread_mutex_unlock(&s->lock);
	nth = fs_count(s, op);
	if (!(r = match(s, op, nth)))
		r = &dflt;
	switch (r->action) {
	case FS_REPLY:
		rc = send_text(c, r->status, r->body, 0);
		break;
	case FS_TRUNCATE:
		rc = send_text(c, r->status, r->body, strlen(r->body) * 6 / 10);
		break;
	case FS_RESET:
		half = strlen(r->body) / 2;
		if (send_head(c, 200, ctype_of(r->body), strlen(r->body), 0) == 0)
			conn_write(c, r->body, half);
		usleep(50000);   /* let the client read the first half before the RST */
		conn_close(c, 1);
		break;
	case FS_STALL:
		wait_stop_or_close(s, c);
		break;
	case FS_BIG:
		rc = send_big(c, r);
		break;
	case FS_ECHO:
		rc = send_echo(c, req.data, req.len);
		break;
	case FS_EXPIRE:
		expire(s, cookie);
		/* fall through */
	case FS_PROXY:
		if (!s->cfg.upstream_port)
			rc = send_text(c, 404, "no rule for this request", 0);
		else if (upstream(s, action, cookie, req.data + boff, req.len - boff, &resp) == 0)
			rc = relay(s, c, &resp);
		break;
	}
out:
	free(req.data);
	free(resp.data);
	return rc;
}

static void *serve(void *arg)
{
	fs_server *s = arg;
	fs_conn c = { -1, NULL };

	for (;;) {
		struct pollfd p[3] = { { s->stop[0], POLLIN, 0 }, { s->listen_fd, POLLIN, 0 },
			{ c.fd, POLLIN, 0 } };

		if (poll(p, c.fd >= 0 ? 3 : 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents)
			break;
		if (c.fd >= 0 && p[2].revents && serve_one(s, &c) < 0)
			conn_close(&c, 0);
		if (p[1].revents) {
			struct timeval tv = { 10, 0 };
			int fd = accept(s->listen_fd, NULL, NULL);

			if (fd < 0)
				continue;
			conn_close(&c, 0);   /* the client gave up on the old connection */
			c.fd = fd;
			setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
			if (s->ctx && (!(c.ssl = SSL_new(s->ctx)) || !SSL_set_fd(c.ssl, fd) ||
			    SSL_accept(c.ssl) != 1)) {
				ERR_clear_error();
				conn_close(&c, 0);   /* the client refused our certificate */
			}
		}
	}
	conn_close(&c, 0);
	return NULL;
}

static int tls_setup(fs_server *s)
{
	if (s->cfg.certfile) {
		if (!(s->ctx = SSL_CTX_new(TLS_server_method())) ||
		    SSL_CTX_use_certificate_chain_file(s->ctx, s->cfg.certfile) != 1 ||
		    SSL_CTX_use_PrivateKey_file(s->ctx, s->cfg.keyfile, SSL_FILETYPE_PEM) != 1)
			return -1;
	}
	if (s->cfg.upstream_tls) {
		if (!(s->up_ctx = SSL_CTX_new(TLS_client_method())))
			return -1;
		SSL_CTX_set_verify(s->up_ctx, SSL_VERIFY_NONE, NULL);
	}
	return 0;
}

int fs_start(fs_server **out, const fs_config *cfg)
{
	fs_server *s = calloc(1, sizeof(*s));
	struct sockaddr_in a = { 0 };
	socklen_t alen = sizeof(a);
	int one = 1;

	*out = NULL;
	if (!s)
		return -1;
	s->cfg = *cfg;
	s->listen_fd = -1;
	s->stop[0] = s->stop[1] = -1;
	pthread_mutex_init(&s->lock, NULL);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (tls_setup(s) < 0 || pipe(s->stop) < 0 ||
	    (s->listen_fd = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    setsockopt(s->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(s->listen_fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(s->listen_fd, 8) < 0 ||
	    getsockname(s->listen_fd, (struct sockaddr *)&a, &alen) < 0) {
		fprintf(stderr, "faultsrv: setup failed: %s\n", strerror(errno));
		ERR_print_errors_fp(stderr);
		fs_stop(s);
		return -1;
	}
	snprintf(s->url, sizeof(s->url), "%s://127.0.0.1:%d/sdk", s->ctx ? "https" : "http",
		ntohs(a.sin_port));
	if (pthread_create(&s->thread, NULL, serve, s) != 0) {
		s->thread = 0;
		fs_stop(s);
		return -1;
	}
	*out = s;
	return 0;
}

void fs_stop(fs_server *s)
{
	if (!s)
		return;
	if (s->thread) {
		if (write(s->stop[1], "x", 1) != 1)
			perror("faultsrv: stop");
		pthread_join(s->thread, NULL);
	}
	if (s->listen_fd >= 0)
		close(s->listen_fd);
	if (s->stop[0] >= 0) {
		close(s->stop[0]);
		close(s->stop[1]);
	}
	SSL_CTX_free(s->ctx);
	SSL_CTX_free(s->up_ctx);
	pthread_mutex_destroy(&s->lock);
	free(s->ops.data);
	free(s->cookies.data);
	free(s->captured.data);
	free(s);
}

const char *fs_url(const fs_server *s)
{
	return s->url;
}

int fs_count(fs_server *s, const char *op)
{
	size_t n = strlen(op);
	const char *p;
	int count = 0;

	pthread_mutex_lock(&s->lock);
	if (!op[0])
		count = s->requests;
	for (p = s->ops.data; op[0] && p && *p; p = strchr(p, ' ') + 1)
		if (!strncmp(p, op, n) && p[n] == ' ')
			count++;
	pthread_mutex_unlock(&s->lock);
	return count;
}

void fs_cookies(fs_server *s, char *out, size_t size)
{
	pthread_mutex_lock(&s->lock);
	snprintf(out, size, "%s", s->cookies.data ? s->cookies.data : "");
	pthread_mutex_unlock(&s->lock);
}

void fs_ops(fs_server *s, char *out, size_t size)
{
	pthread_mutex_lock(&s->lock);
	snprintf(out, size, "%s", s->ops.data ? s->ops.data : "");
	pthread_mutex_unlock(&s->lock);
}

void fs_captured(fs_server *s, char *out, size_t size)
{
	pthread_mutex_lock(&s->lock);
	snprintf(out, size, "%s", s->captured.data ? s->captured.data : "");
	pthread_mutex_unlock(&s->lock);
}

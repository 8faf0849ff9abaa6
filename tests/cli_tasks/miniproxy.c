/*
 * miniproxy.c: see miniproxy.h. After the first request of a connection the proxy only copies
 * bytes both ways; later absolute-URI requests on a forwarded connection reach the server in
 * absolute form, which HTTP/1.1 servers must accept (RFC 9112 3.2.2), and are counted.
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
#include <sys/socket.h>
#include <unistd.h>

#include "cli_tasks/miniproxy.h"

struct mp_proxy {
	int listen_fd, stop[2], port;
	pthread_t thread;
	pthread_mutex_t lock;
	int connects, forwards;
	char first_line[600];
};

static int connect_local(int port)
{
	struct sockaddr_in a = { 0 };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_family = AF_INET;
	a.sin_port = htons((unsigned short)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static const char bad_gateway[] = "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n";
static const char established[] = "HTTP/1.1 200 Connection established\r\n\r\n";

static int count_forwards(const char *p, size_t n)
{
	static const char m[] = "POST http://";
	int count = 0;
	size_t i;

	for (i = 0; i + sizeof(m) - 1 <= n; i++)
		if (!memcmp(p + i, m, sizeof(m) - 1))
			count++;
	return count;
}

/*
 * Reads the client's first request head and opens the upstream: a tunnel for CONNECT, else
 * forwards the head rewritten. Returns the upstream fd or -1 (the client got an error reply).
 */
static int open_upstream(mp_proxy *p, int cfd, int *tunnel)
{
	char buf[16384], method[16], target[512], version[16], host[256];
	const char *eoh, *path;
	size_t len = 0;
	int port = 0, ufd;
	ssize_t n;

	while (!(eoh = (len ? memmem(buf, len, "\r\n\r\n", 4) : NULL))) {
		if (len == sizeof(buf) || (n = recv(cfd, buf + len, sizeof(buf) - len, 0)) <= 0)
			return -1;
		len += (size_t)n;
	}
	eoh += 4;
	if (sscanf(buf, "%15s %511s %15s", method, target, version) != 3)
		return -1;
	pthread_mutex_lock(&p->lock);
	if (!p->first_line[0])
		snprintf(p->first_line, sizeof(p->first_line), "%s %s %s", method, target, version);
	pthread_mutex_unlock(&p->lock);
	*tunnel = !strcmp(method, "CONNECT");
	if (*tunnel) {
		if (sscanf(target, "%255[^:]:%d", host, &port) != 2 || strcmp(host, "127.0.0.1") ||
		    (ufd = connect_local(port)) < 0) {
			send_all(cfd, bad_gateway, strlen(bad_gateway));
			return -1;
		}
		pthread_mutex_lock(&p->lock);
		p->connects++;
		pthread_mutex_unlock(&p->lock);
		send_all(cfd, established, strlen(established));
		/* a client does not send TLS bytes before the 200; nothing else is buffered */
		return ufd;
	}
	if (sscanf(target, "http://%255[^:/]:%d", host, &port) != 2 || strcmp(host, "127.0.0.1") ||
	    !(path = strchr(target + 7, '/')) || (ufd = connect_local(port)) < 0) {
		send_all(cfd, bad_gateway, strlen(bad_gateway));
		return -1;
	}
	pthread_mutex_lock(&p->lock);
	p->forwards++;
	pthread_mutex_unlock(&p->lock);
	{
		char line[700];
		const char *rest = strstr(buf, "\r\n");
		int ll = snprintf(line, sizeof(line), "%s %s %s", method, path, version);

		if (send_all(ufd, line, (size_t)ll) < 0 ||
		    send_all(ufd, rest, len - (size_t)(rest - buf)) < 0) {
			close(ufd);
			return -1;
		}
	}
	return ufd;
}

static void *serve(void *arg)
{
	mp_proxy *p = arg;
	int cfd = -1, ufd = -1, tunnel = 0;
	char buf[16384];

	for (;;) {
		struct pollfd f[4] = { { p->stop[0], POLLIN, 0 }, { p->listen_fd, POLLIN, 0 },
			{ cfd, POLLIN, 0 }, { ufd, POLLIN, 0 } };
		ssize_t n;

		if (poll(f, cfd >= 0 ? 4 : 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (f[0].revents)
			break;
		if (f[1].revents) {
			int fd = accept(p->listen_fd, NULL, NULL);

			if (fd < 0)
				continue;
			if (cfd >= 0)
				close(cfd);
			if (ufd >= 0)
				close(ufd);
			cfd = fd;
			ufd = open_upstream(p, cfd, &tunnel);
			if (ufd < 0) {
				close(cfd);
				cfd = -1;
			}
			continue;
		}
		if (cfd >= 0 && f[2].revents) {
			if ((n = recv(cfd, buf, sizeof(buf), 0)) <= 0 ||
			    send_all(ufd, buf, (size_t)n) < 0)
				goto drop;
			/* absolute-URI requests come in clear text: count the later ones too */
			if (!tunnel) {
				pthread_mutex_lock(&p->lock);
				p->forwards += count_forwards(buf, (size_t)n);
				pthread_mutex_unlock(&p->lock);
			}
		}
		if (ufd >= 0 && f[3].revents) {
			if ((n = recv(ufd, buf, sizeof(buf), 0)) <= 0 ||
			    send_all(cfd, buf, (size_t)n) < 0)
				goto drop;
		}
		continue;
drop:
		close(cfd);
		close(ufd);
		cfd = ufd = -1;
	}
	if (cfd >= 0)
		close(cfd);
	if (ufd >= 0)
		close(ufd);
	return NULL;
}

int mp_start(mp_proxy **out)
{
	mp_proxy *p = calloc(1, sizeof(*p));
	struct sockaddr_in a = { 0 };
	socklen_t alen = sizeof(a);

	*out = NULL;
	if (!p)
		return -1;
	p->listen_fd = p->stop[0] = p->stop[1] = -1;
	pthread_mutex_init(&p->lock, NULL);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (pipe(p->stop) < 0 || (p->listen_fd = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    bind(p->listen_fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(p->listen_fd, 8) < 0 ||
	    getsockname(p->listen_fd, (struct sockaddr *)&a, &alen) < 0) {
		fprintf(stderr, "miniproxy: setup failed: %s\n", strerror(errno));
		mp_stop(p);
		return -1;
	}
	p->port = ntohs(a.sin_port);
	if (pthread_create(&p->thread, NULL, serve, p) != 0) {
		p->thread = 0;
		mp_stop(p);
		return -1;
	}
	*out = p;
	return 0;
}

void mp_stop(mp_proxy *p)
{
	if (!p)
		return;
	if (p->thread) {
		if (write(p->stop[1], "x", 1) != 1)
			perror("miniproxy: stop");
		pthread_join(p->thread, NULL);
	}
	if (p->listen_fd >= 0)
		close(p->listen_fd);
	if (p->stop[0] >= 0) {
		close(p->stop[0]);
		close(p->stop[1]);
	}
	pthread_mutex_destroy(&p->lock);
	free(p);
}

int mp_port(const mp_proxy *p)
{
	return p->port;
}

int mp_connects(mp_proxy *p)
{
	int n;

	pthread_mutex_lock(&p->lock);
	n = p->connects;
	pthread_mutex_unlock(&p->lock);
	return n;
}

int mp_forwards(mp_proxy *p)
{
	int n;

	pthread_mutex_lock(&p->lock);
	n = p->forwards;
	pthread_mutex_unlock(&p->lock);
	return n;
}

void mp_first_line(mp_proxy *p, char *out, size_t size)
{
	pthread_mutex_lock(&p->lock);
	snprintf(out, size, "%s", p->first_line);
	pthread_mutex_unlock(&p->lock);
}

/*
 * vcsim_harness.c: see vcsim_harness.h. The certificate is made by the openssl CLI; the
 * simulator is a child process we stop by PID.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "vsphere/vcsim_harness.h"

static int run_openssl(const char *dir, const char *san)
{
	char cmd[2048];

	snprintf(cmd, sizeof(cmd),
		"openssl req -x509 -newkey rsa:2048 -nodes -keyout '%s/key.pem' -out '%s/cert.pem' "
		"-days 2 -subj /CN=vsnap-test -addext 'subjectAltName=%s' "
		"-addext basicConstraints=critical,CA:TRUE >'%s/openssl.log' 2>&1",
		dir, dir, san, dir);
	if (system(cmd) != 0) {
		fprintf(stderr, "vcsim harness: openssl failed (see %s/openssl.log)\n", dir);
		return -1;
	}
	return 0;
}

/* Reads the first line the child prints, within timeout_ms. */
static int read_url(int fd, char *out, size_t size, int timeout_ms)
{
	size_t len = 0;

	while (len + 1 < size) {
		struct pollfd p = { fd, POLLIN, 0 };
		ssize_t n;

		if (poll(&p, 1, timeout_ms) <= 0)
			return -1;
		if ((n = read(fd, out + len, 1)) <= 0)
			return -1;
		if (out[len] == '\n') {
			out[len] = '\0';
			return 0;
		}
		len++;
	}
	return -1;
}

int vsnap_vcsim_start(vsnap_vcsim *v, vsnap_vcsim_model model, const vsnap_vcsim_opts *opts)
{
	return vsnap_vcsim_start_args(v, model, opts, NULL);
}

int vsnap_vcsim_start_args(vsnap_vcsim *v, vsnap_vcsim_model model,
	const vsnap_vcsim_opts *opts, const char *const *extra_args)
{
	const char *bin = getenv("VSNAP_VCSIM");
	char keyfile[300];
	int fds[2];
	pid_t pid;

	memset(v, 0, sizeof(*v));
	if (!bin || access(bin, X_OK) != 0) {
		fprintf(stderr, "skipped: VSNAP_VCSIM (the simulator binary) is not set\n");
		return 77;
	}
	snprintf(v->dir, sizeof(v->dir), "/tmp/vsnap-vcsim-XXXXXX");
	if (!mkdtemp(v->dir)) {
		perror("vcsim harness: mkdtemp");
		return -1;
	}
	snprintf(v->certfile, sizeof(v->certfile), "%s/cert.pem", v->dir);
	snprintf(keyfile, sizeof(keyfile), "%s/key.pem", v->dir);
	snprintf(v->tracefile, sizeof(v->tracefile), "%s/trace", v->dir);
	if (run_openssl(v->dir, opts && opts->san ? opts->san : "DNS:localhost,IP:127.0.0.1") < 0)
		goto fail;
	if (pipe(fds) < 0)
		goto fail;
	if ((pid = fork()) < 0) {
		close(fds[0]);
		close(fds[1]);
		goto fail;
	}
	if (pid == 0) {
		const char *argv[32];
		int n = 0;

		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		argv[n++] = bin;
		argv[n++] = "-l";
		argv[n++] = "127.0.0.1:0";
		if (model == VSNAP_VCSIM_ESX)
			argv[n++] = "-esx";
		argv[n++] = "-cert";
		argv[n++] = v->certfile;
		argv[n++] = "-key";
		argv[n++] = keyfile;
		argv[n++] = "-trace-file";
		argv[n++] = v->tracefile;
		if (opts && opts->user) {
			argv[n++] = "-username";
			argv[n++] = opts->user;
			argv[n++] = "-password";
			argv[n++] = opts->password ? opts->password : "";
		}
		for (size_t i = 0; extra_args && extra_args[i] && n < 31; i++)
			argv[n++] = extra_args[i];
		argv[n] = NULL;
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	v->pid = pid;
	if (read_url(fds[0], v->url, sizeof(v->url), 60000) < 0) {
		fprintf(stderr, "vcsim harness: %s printed no URL within 60 s\n", bin);
		close(fds[0]);
		goto fail;
	}
	close(fds[0]);
	return 0;
fail:
	vsnap_vcsim_stop(v);
	return -1;
}

void vsnap_vcsim_stop(vsnap_vcsim *v)
{
	if (v->pid > 0) {
		int i, status;

		kill(v->pid, SIGTERM);
		for (i = 0; i < 100; i++) {
			if (waitpid(v->pid, &status, WNOHANG) == v->pid)
				break;
			usleep(50000);
		}
		if (i == 100) {
			kill(v->pid, SIGKILL);
			waitpid(v->pid, &status, 0);
		}
		v->pid = 0;
	}
	if (v->dir[0]) {
		char cmd[400];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", v->dir);
		if (system(cmd) != 0)
			fprintf(stderr, "vcsim harness: cannot remove %s\n", v->dir);
		v->dir[0] = '\0';
	}
}

int vsnap_vcsim_requests(const vsnap_vcsim *v)
{
	FILE *f = fopen(v->tracefile, "r");
	char *line = NULL;
	size_t cap = 0;
	int n = 0;

	if (!f)
		return 0;
	while (getline(&line, &cap, f) >= 0)
		if (!strncmp(line, "Request:", 8))
			n++;
	free(line);
	fclose(f);
	return n;
}

int vsnap_vcsim_fingerprint(const vsnap_vcsim *v, int sha1, char *out, size_t size)
{
	FILE *f = fopen(v->certfile, "r");
	X509 *cert = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0, i;
	size_t off = 0;

	if (f)
		fclose(f);
	if (!cert)
		return -1;
	X509_digest(cert, sha1 ? EVP_sha1() : EVP_sha256(), md, &len);
	X509_free(cert);
	out[0] = '\0';
	for (i = 0; i < len && off + 4 < size; i++)
		off += (size_t)snprintf(out + off, size - off, "%s%02X", i ? ":" : "", md[i]);
	return 0;
}

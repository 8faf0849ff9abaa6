/*
 * qemu_ops_bench URI: runs virsh-style operation lines from stdin ("op:command args") through
 * libvsnap in one process and prints "op seconds" (or "op FAIL") for each, so vsnap's time
 * compares with what `virsh -t` reports for libvirt's in-process embedded driver. Commands:
 * define FILE, start D, destroy D, snapshot-create-as D NAME [--disk-only],
 * snapshot-revert D NAME [--running] [--force], snapshot-list D, snapshot-delete D NAME.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vsnap/vsnap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int has(char **w, int n, const char *flag)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(w[i], flag))
			return 1;
	return 0;
}

static int run(vsnap_conn *c, char **w, int n)
{
	vsnap_domain *dom = NULL;
	int rc;

	if (!strcmp(w[0], "define")) {
		FILE *f = fopen(w[1], "r");
		char buf[8192];
		size_t len = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
		if (f)
			fclose(f);
		buf[len] = '\0';
		rc = vsnap_domain_define(&dom, c, buf, 0);
		vsnap_domain_free(dom);
		return rc;
	}
	if (n < 2 || (rc = vsnap_domain_lookup(&dom, c, w[1])) < 0)
		return -1;
	if (!strcmp(w[0], "start")) {
		rc = vsnap_domain_start(dom, 0);
	} else if (!strcmp(w[0], "destroy")) {
		rc = vsnap_domain_destroy(dom, 0);
	} else if (!strcmp(w[0], "snapshot-create-as") && n >= 3) {
		rc = vsnap_snapshot_create(NULL, dom, w[2], NULL, has(w, n, "--disk-only") ?
			VSNAP_SNAPSHOT_CREATE_DISK_ONLY : 0);
	} else if (!strcmp(w[0], "snapshot-revert") && n >= 3) {
		rc = vsnap_snapshot_revert(dom, w[2],
			(has(w, n, "--running") ? VSNAP_SNAPSHOT_REVERT_RUNNING : 0) |
			(has(w, n, "--force") ? VSNAP_SNAPSHOT_REVERT_FORCE : 0));
	} else if (!strcmp(w[0], "snapshot-list")) {
		vsnap_forest *f = NULL;
		if ((rc = vsnap_forest_get(&f, dom)) == 0)
			for (size_t i = 0; i < vsnap_forest_count(f); i++)
				(void)vsnap_snapshot_name(vsnap_forest_at(f, i));
		vsnap_forest_free(f);
	} else if (!strcmp(w[0], "snapshot-delete") && n >= 3) {
		rc = vsnap_snapshot_delete(dom, w[2], 0);
	} else {
		rc = -1;
	}
	vsnap_domain_free(dom);
	return rc;
}

int main(int argc, char **argv)
{
	vsnap_conn *c = NULL;
	char line[1024];

	if (argc != 2) {
		fprintf(stderr, "usage: qemu_ops_bench URI < ops\n");
		return 2;
	}
	if (vsnap_conn_open(&c, argv[1], NULL) < 0) {
		fprintf(stderr, "%s\n", vsnap_error_last()->message);
		return 1;
	}
	while (fgets(line, sizeof(line), stdin)) {
		char *colon = strchr(line, ':'), *w[16], *save = NULL;
		int n = 0;
		if (!colon)
			continue;
		*colon = '\0';
		for (char *t = strtok_r(colon + 1, " \n", &save); t && n < 16;
				t = strtok_r(NULL, " \n", &save))
			w[n++] = t;
		if (!n)
			continue;
		double a = now();
		int rc = run(c, w, n);
		double b = now();
		if (rc < 0)
			fprintf(stderr, "%s: %s\n", line, vsnap_error_last()->message);
		if (strcmp(line, "-"))
			printf(rc < 0 ? "%s FAIL\n" : "%s %.6f\n", line, b - a);
	}
	vsnap_conn_close(c);
	return 0;
}

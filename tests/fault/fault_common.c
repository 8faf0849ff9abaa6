/* Helpers shared by the fault tests (see fault_common.h). SPDX-License-Identifier: GPL-2.0-or-later */
#include "fault/fault_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

int fault_run(char **out, const char *cmd)
{
	size_t len = 0, cap = 4096, n;
	char *buf = malloc(cap);
	FILE *p;
	int st;

	if (!buf)
		abort();   /* a test helper: nothing sensible to go on with */
	buf[0] = '\0';
	*out = buf;
	if (!(p = popen(cmd, "r")))
		return -1;
	while ((n = fread(buf + len, 1, cap - len - 1, p)) > 0) {
		len += n;
		if (cap - len < 1024) {
			char *more = realloc(buf, cap * 2);
			if (!more)
				abort();
			buf = more;
			cap *= 2;
		}
	}
	buf[len] = '\0';
	*out = buf;
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int fault_cleanup(fs_server *srv, vsnap_vcsim *sim, const char *dir)
{
	char cmd[300];

	fs_stop(srv);
	vsnap_vcsim_stop(sim);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Shared helpers of the snapshot tests. SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VSNAP_TESTS_SNAPSHOT_UTIL_H
#define VSNAP_TESTS_SNAPSHOT_UTIL_H

#include <stdio.h>
#include <stdlib.h>

#include "vsnap/vsnap.h"

/* Fails the test showing the library's last error unless expr returns 0. */
#define assert_vsnap_ok(expr) do { \
	int rc_ = (expr); \
	if (rc_ != 0) \
		fail_msg("%s returned %d: %s", #expr, rc_, vsnap_error_last()->message); \
} while (0)

/* Reads fixtures/snapshot/<name> from $VSNAP_SRC (or the source tree). Free the result. */
static inline char *read_fixture(const char *name)
{
	const char *src = getenv("VSNAP_SRC");
	char path[4096];
	FILE *f;
	char *buf;
	long len;

	snprintf(path, sizeof(path), "%s/fixtures/snapshot/%s", src ? src : VSNAP_TEST_SRC, name);
	if (!(f = fopen(path, "rb")))
		return NULL;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)len + 1);
	if (buf && fread(buf, 1, (size_t)len, f) != (size_t)len) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		buf[len] = '\0';
	fclose(f);
	return buf;
}

#endif

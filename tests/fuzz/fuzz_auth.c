/*
 * libFuzzer target: libvirt auth.conf files (vsnap__auth_file_lookup reads a path, so the
 * input goes to an anonymous memory file opened through /proc/self/fd: no disk I/O).
 * The first input line (up to 64 bytes) names the host to look up; the rest is the file, so
 * the fuzzer can make [auth-esx-HOST] match.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "core/auth.h"

static int memfd = -1;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], host[65] = "";
	char *user = NULL, *password = NULL;
	const uint8_t *nl = memchr(data, '\n', size < 65 ? size : 65);
	int rc;

	if (memfd < 0 && (memfd = memfd_create("fuzz-auth", 0)) < 0)
		abort();
	if (nl) {
		memcpy(host, data, (size_t)(nl - data));
		host[nl - data] = '\0';
		size -= (size_t)(nl + 1 - data);
		data = nl + 1;
	}
	if (ftruncate(memfd, 0) < 0 || pwrite(memfd, data, size, 0) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd);
	rc = vsnap__auth_file_lookup(&user, &password, path, "esx", host[0] ? host : NULL);
	FUZZ_CHECK(rc == 0 || (!user && !password), "failed lookup left credentials behind");
	free(user);
	vsnap__secret_free(password);
	vsnap_error_clear();
	return 0;
}

/*
 * lock.c: one lock file per domain serialises vsnap processes that change it. flock() locks
 * vanish with the process, so a killed vsnap never leaves a stale lock behind.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemudrv/store.h"
#include "qemudrv/qmp.h"
#include "core/error.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

int vsnap__lock_acquire(int *fd_out, const char *path, unsigned int timeout_ms)
{
	long long deadline = vsnap__now_ms() + timeout_ms;
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

	*fd_out = -1;
	if (fd < 0)
		return vsnap__error_os("opening lock file '%s'", path);
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			int rc = vsnap__error_os("locking '%s'", path);
			close(fd);
			return rc;
		}
		if (vsnap__now_ms() >= deadline) {
			close(fd);
			return vsnap__error_set(VSNAP_ELOCKED, VSNAP_ERRCLASS_QEMU,
				"another vsnap process holds '%s' (waited %u ms)", path, timeout_ms);
		}
		struct timespec ts = { 0, 10 * 1000000L };
		nanosleep(&ts, NULL);
	}
	*fd_out = fd;
	return 0;
}

void vsnap__lock_release(int fd)
{
	if (fd >= 0)
		close(fd);
}

/*
 * QEMU processes: the command line vsnap generates, launch (daemonized, so it outlives the
 * CLI), liveness checks for later invocations, and stopping.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_QEMUDRV_PROCESS_H
#define VSNAP_QEMUDRV_PROCESS_H

#include <sys/types.h>

typedef struct {
	const char *target;   /* device id and node-name stem ("vda") */
	const char *file;     /* the image QEMU opens (for a transient disk: its scratch overlay) */
	const char *format;   /* "qcow2" or "raw" */
	int readonly;
	int cdrom;
} vsnap_qemu_disk;

typedef struct {
	const char *name;
	unsigned long long memory_kib;
	unsigned int vcpus;
	const vsnap_qemu_disk *disks;
	size_t ndisks;
	const char *pidfile;
	const char *qmp_path;
	int paused;           /* -S: do not run the vCPUs */
	int incoming;         /* -incoming defer: wait for migrate-incoming */
	const char *video;    /* display device ("VGA"), id "video0"; NULL: no screen */
} vsnap_qemu_launch;

/* The node-name of disk `target`'s format layer at launch ("fmt-vda"). */
#define VSNAP_QEMU_NODE_PREFIX "fmt-"

/*
 * Starts QEMU (`$VSNAP_QEMU_SYSTEM` or qemu-system-x86_64) daemonized; returns its pid once
 * the QMP socket listens. VSNAP_EQEMU with QEMU's own message when it refuses to start.
 */
int vsnap__qemu_launch(pid_t *pid_out, const vsnap_qemu_launch *l);

/*
 * 1 when `pid` is a live (non-zombie) QEMU that was started with `qmp_path` (guards against pid
 * reuse), else 0.
 */
int vsnap__qemu_alive(pid_t pid, const char *qmp_path);

/* SIGTERM, then SIGKILL after `grace_ms`; waits until the process is gone (bounded). */
int vsnap__qemu_kill(pid_t pid, const char *name, unsigned int grace_ms);

#endif

/*
 * QMP client: JSON commands over the QEMU monitor's unix socket. Events that arrive while a
 * command waits for its reply are dropped (vsnap polls state instead of following events).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_QEMUDRV_QMP_H
#define VSNAP_QEMUDRV_QMP_H

#include "qemudrv/json.h"

typedef struct vsnap_qmp vsnap_qmp;

/*
 * Connects to `path`, reads the greeting and negotiates capabilities. Waits at most
 * `timeout_ms` for the socket to accept. `counter` (may be NULL) is incremented per command.
 * VSNAP_ENETWORK when nothing listens, VSNAP_ETIMEOUT, VSNAP_EQEMU for a bad greeting.
 */
int vsnap__qmp_open(vsnap_qmp **out, const char *path, unsigned int timeout_ms,
	unsigned long *counter);
void vsnap__qmp_close(vsnap_qmp *qmp);

/*
 * Runs `cmd` with `args` (a JSON object text, or NULL). On success *reply (may be NULL) gets
 * the "return" value; free it with vsnap__json_free. A QMP error becomes VSNAP_EQEMU with
 * QEMU's class as the fault and its description in the message.
 */
int vsnap__qmp_run(qjson **reply, vsnap_qmp *qmp, const char *cmd, const char *args);

/*
 * Waits until job `id` concludes, reads its error, dismisses it. Polls query-jobs.
 * `what` names the operation in messages. VSNAP_EQEMU with the job's error text.
 */
int vsnap__qmp_job_wait(vsnap_qmp *qmp, const char *id, const char *what, unsigned int timeout_ms);

/*
 * Waits for a block job (block-commit/stream) `id`: when `complete` is set and the job
 * becomes ready, sends job-complete. Then waits for it to conclude, as vsnap__qmp_job_wait.
 */
int vsnap__qmp_block_job_wait(vsnap_qmp *qmp, const char *id, int complete, const char *what,
	unsigned int timeout_ms);

/* Waits until query-migrate reports completed (VSNAP_EQEMU on failed/cancelled). */
int vsnap__qmp_migrate_wait(vsnap_qmp *qmp, const char *what, unsigned int timeout_ms);

/* "running", "paused", "prelaunch", "inmigrate", ... from query-status. Free the string. */
int vsnap__qmp_status(char **out, vsnap_qmp *qmp);

/* Milliseconds on the monotonic clock. */
long long vsnap__now_ms(void);

#endif

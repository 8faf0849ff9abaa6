/*
 * cli_tasks_common.h: shared set-up of the CLI task tests: the simulator (ESX model), a
 * faultsrv in front of it (HTTPS, forwarding what the test does not script), and canned SOAP
 * replies for a task that the simulator cannot show (queued, running with progress, never
 * ending).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_TESTS_CLI_TASKS_COMMON_H
#define VSNAP_TESTS_CLI_TASKS_COMMON_H

#include <stddef.h>

#include "fault/faultsrv.h"
#include "vsphere/vcsim_harness.h"

/* A VM of the simulator's ESX model. */
#define CT_VM "ha-host_VM0"
/* The task MoRef of the scripted snapshot task (ESXi form). */
#define CT_TASK "haTask-2-vim.VirtualMachine.createSnapshot-4242"

#define CT_SOAP_HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<soapenv:Envelope " \
	"xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" " \
	"xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" " \
	"xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><soapenv:Body>"
#define CT_SOAP_TAIL "</soapenv:Body></soapenv:Envelope>"

/* Canned replies for the scripted task CT_TASK. */
extern const char ct_create_snapshot_reply[];
extern const char ct_create_filter_reply[];
extern const char ct_destroy_filter_reply[];
extern const char ct_cancel_task_reply[];

/*
 * A WaitForUpdatesEx reply carrying TaskInfo `state` (queued/running) and `progress` (< 0:
 * none) for `task`. The update version is left empty so that a later request forwarded to the
 * simulator reads its full current state. Written into buf; returns buf.
 */
const char *ct_task_update(char *buf, size_t size, const char *task, const char *state,
	int progress);

/* Starts the simulator (ESX model): 0, or exits 77 when it is not built, or -1. */
int ct_sim_start(vsnap_vcsim *sim);

/*
 * Starts a faultsrv speaking HTTPS with the simulator's certificate in front of `sim`, with
 * `rules` and `capture_op` (may be NULL). 0 or -1.
 */
int ct_front_start(fs_server **out, const vsnap_vcsim *sim, const fs_rule *rules, size_t n,
	const char *capture_op);

/* "esx://root@127.0.0.1:PORT/?no_verify=1" for a server URL; into buf. */
const char *ct_esx_uri(char *buf, size_t size, const char *server_url);

#endif

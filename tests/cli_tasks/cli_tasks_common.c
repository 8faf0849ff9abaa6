/*
 * cli_tasks_common.c: see cli_tasks_common.h.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_tasks/cli_tasks_common.h"
#include "cli_tasks/clirun.h"

const char ct_create_snapshot_reply[] = CT_SOAP_HEAD
	"<CreateSnapshot_TaskResponse xmlns=\"urn:vim25\"><returnval type=\"Task\">" CT_TASK
	"</returnval></CreateSnapshot_TaskResponse>" CT_SOAP_TAIL;
const char ct_create_filter_reply[] = CT_SOAP_HEAD
	"<CreateFilterResponse xmlns=\"urn:vim25\"><returnval type=\"PropertyFilter\">"
	"session[52a1]52b7</returnval></CreateFilterResponse>" CT_SOAP_TAIL;
const char ct_destroy_filter_reply[] = CT_SOAP_HEAD
	"<DestroyPropertyFilterResponse xmlns=\"urn:vim25\"></DestroyPropertyFilterResponse>"
	CT_SOAP_TAIL;
const char ct_cancel_task_reply[] = CT_SOAP_HEAD
	"<CancelTaskResponse xmlns=\"urn:vim25\"></CancelTaskResponse>" CT_SOAP_TAIL;

const char *ct_task_update(char *buf, size_t size, const char *task, const char *state,
	int progress)
{
	char prog[64] = "";

	if (progress >= 0)
		snprintf(prog, sizeof(prog), "<progress>%d</progress>", progress);
	snprintf(buf, size, CT_SOAP_HEAD "<WaitForUpdatesExResponse xmlns=\"urn:vim25\">"
		"<returnval><version></version><filterSet><filter type=\"PropertyFilter\">"
		"session[52a1]52b7</filter><objectSet><kind>modify</kind><obj type=\"Task\">%s</obj>"
		"<changeSet><name>info</name><op>assign</op><val xsi:type=\"TaskInfo\"><key>%s</key>"
		"<task type=\"Task\">%s</task><name>CreateSnapshot_Task</name>"
		"<descriptionId>VirtualMachine.createSnapshot</descriptionId>"
		"<entity type=\"VirtualMachine\">2</entity><entityName>" CT_VM "</entityName>"
		"<state>%s</state><cancelled>false</cancelled><cancelable>true</cancelable>%s"
		"<reason xsi:type=\"TaskReasonUser\"><userName>root</userName></reason>"
		"<queueTime>2026-11-21T10:00:01.5Z</queueTime><eventChainId>12</eventChainId>"
		"</val></changeSet></objectSet></filterSet></returnval></WaitForUpdatesExResponse>"
		CT_SOAP_TAIL, task, task, task, state, prog);
	return buf;
}

int ct_sim_start(vsnap_vcsim *sim)
{
	int rc = vsnap_vcsim_start(sim, VSNAP_VCSIM_ESX, NULL);

	if (rc == 77)
		exit(77);
	/* any non-empty password is accepted by the simulator */
	setenv("VSNAP_PASSWORD", "pass", 1);
	unsetenv("VSNAP_AUTH_FILE");
	return rc;
}

int ct_front_start(fs_server **out, const vsnap_vcsim *sim, const fs_rule *rules, size_t n,
	const char *capture_op)
{
	static char keyfile[300];
	fs_config cfg;

	snprintf(keyfile, sizeof(keyfile), "%s/key.pem", sim->dir);
	memset(&cfg, 0, sizeof(cfg));
	cfg.certfile = sim->certfile;
	cfg.keyfile = keyfile;
	cfg.upstream_port = cr_port_of(sim->url);
	cfg.upstream_tls = 1;
	cfg.session_manager = "ha-sessionmgr";
	cfg.capture_op = capture_op;
	cfg.rules = rules;
	cfg.nrules = n;
	return fs_start(out, &cfg);
}

const char *ct_esx_uri(char *buf, size_t size, const char *server_url)
{
	snprintf(buf, size, "esx://root@127.0.0.1:%d/?no_verify=1", cr_port_of(server_url));
	return buf;
}

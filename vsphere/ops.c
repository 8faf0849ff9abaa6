/*
 * ops.c: the snapshot and power methods. Each sends one request that starts a task (or, for
 * RenameSnapshot / ShutdownGuest / RebootGuest, does the job directly) and then waits for the
 * task with vsnap__vs_task_wait.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vsphere/internal.h"

typedef enum {
	OP_CREATE, OP_REVERT, OP_REVERT_CURRENT, OP_REMOVE, OP_REMOVE_ALL, OP_RENAME,
	OP_CONSOLIDATE, OP_POWER_ON, OP_POWER_OFF, OP_SUSPEND, OP_RESET, OP_SHUTDOWN, OP_REBOOT,
	OP_SCREENSHOT,
} op_kind;

static const char *const op_names[] = {
	"CreateSnapshot_Task", "RevertToSnapshot_Task", "RevertToCurrentSnapshot_Task",
	"RemoveSnapshot_Task", "RemoveAllSnapshots_Task", "RenameSnapshot",
	"ConsolidateVMDisks_Task", "PowerOnVM_Task", "PowerOffVM_Task", "SuspendVM_Task",
	"ResetVM_Task", "ShutdownGuest", "RebootGuest", "CreateScreenshot_Task",
};

/* The same operations in words, for progress labels and task errors (not API names). */
static const char *const op_words[] = {
	"creating a snapshot of", "reverting to", "reverting to the current snapshot of",
	"removing", "removing all snapshots of", "renaming", "consolidating the disks of",
	"powering on", "powering off", "suspending", "resetting", "shutting down the guest of",
	"rebooting the guest of", "taking a screenshot of",
};
_Static_assert(sizeof(op_words) == sizeof(op_names), "one word per operation");

struct op_arg {
	op_kind kind;
	const vsnap_vs_moref *obj;
	const vsnap_vs_moref *host;
	const char *name, *description;
	int b1, b2;               /* memory/quiesce, removeChildren/consolidate, suppressPowerOn */
	vsnap_vs_moref task;      /* out */
};

/* Optional boolean in the arena: -1 = not sent. */
static enum xsd__boolean *opt_bool(struct soap *soap, int v)
{
	enum xsd__boolean *b;

	if (v < 0 || !(b = soap_malloc(soap, sizeof(*b))))
		return NULL;
	*b = v ? true_ : false_;
	return b;
}

static int call_op(vsnap_vs_client *c, void *arg)
{
	struct op_arg *a = arg;
	struct soap *s = c->soap;
	vim25__MoRef *me = vsnap__vs_soap_moref(s, a->obj->type, a->obj->value);
	vim25__MoRef *host = a->host ? vsnap__vs_soap_moref(s, a->host->type, a->host->value)
		: NULL;
	char *name = soap_strdup(s, a->name), *desc = soap_strdup(s, a->description);
	vim25__MoRef *task = NULL;
	int rc;

	switch (a->kind) {
	case OP_CREATE:
		VSNAP_VS_CALL(rc, task, c, CreateSnapshot_USCORETask, me, name, desc,
			a->b1 ? true_ : false_, a->b2 ? true_ : false_);
		break;
	case OP_REVERT:
		VSNAP_VS_CALL(rc, task, c, RevertToSnapshot_USCORETask, me, host,
			opt_bool(s, a->b1));
		break;
	case OP_REVERT_CURRENT:
		VSNAP_VS_CALL(rc, task, c, RevertToCurrentSnapshot_USCORETask, me, host,
			opt_bool(s, a->b1));
		break;
	case OP_REMOVE:
		VSNAP_VS_CALL(rc, task, c, RemoveSnapshot_USCORETask, me, a->b1 ? true_ : false_,
			opt_bool(s, a->b2));
		break;
	case OP_REMOVE_ALL:
		VSNAP_VS_CALL(rc, task, c, RemoveAllSnapshots_USCORETask, me, opt_bool(s, a->b2));
		break;
	case OP_RENAME: {
		struct vim25__RenameSnapshotResponse r;

		return soap_call_vim25__RenameSnapshot(s, c->url, c->soap_action, me, name, desc, &r);
	}
	case OP_CONSOLIDATE:
		VSNAP_VS_CALL(rc, task, c, ConsolidateVMDisks_USCORETask, me);
		break;
	case OP_POWER_ON:
		VSNAP_VS_CALL(rc, task, c, PowerOnVM_USCORETask, me, host);
		break;
	case OP_POWER_OFF:
		VSNAP_VS_CALL(rc, task, c, PowerOffVM_USCORETask, me);
		break;
	case OP_SUSPEND:
		VSNAP_VS_CALL(rc, task, c, SuspendVM_USCORETask, me);
		break;
	case OP_RESET:
		VSNAP_VS_CALL(rc, task, c, ResetVM_USCORETask, me);
		break;
	case OP_SCREENSHOT:
		VSNAP_VS_CALL(rc, task, c, CreateScreenshot_USCORETask, me);
		break;
	case OP_SHUTDOWN: {
		struct vim25__ShutdownGuestResponse r;

		return soap_call_vim25__ShutdownGuest(s, c->url, c->soap_action, me, &r);
	}
	default: {
		struct vim25__RebootGuestResponse r;

		return soap_call_vim25__RebootGuest(s, c->url, c->soap_action, me, &r);
	}
	}
	if (rc != SOAP_OK)
		return rc;
	if (!task || !task->__item) {
		c->x.error_set = 1;
		vsnap__error_set(VSNAP_ENETWORK, VSNAP_ERRCLASS_SOAP,
			"%s on %s '%s': the reply names no task", op_names[a->kind], a->obj->type,
			a->obj->value);
		return SOAP_USER_ERROR;
	}
	if (vsnap__vs_moref_set(&a->task, task->type ? task->type : "Task", task->__item) < 0) {
		c->x.error_set = 1;
		return SOAP_USER_ERROR;
	}
	return SOAP_OK;
}

/* Sends the operation and, when it started a task, waits for it. */
static int run_op(vsnap_vs_moref *result, vsnap_vs_client *c, struct op_arg *a)
{
	char what[512];
	int rc;

	if (!a->obj || !a->obj->value)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"%s: no object given", op_names[a->kind]);
	if (a->kind == OP_CREATE)
		snprintf(what, sizeof(what), "%s '%s' (new snapshot '%s')", a->obj->type,
			a->obj->value, a->name ? a->name : "");
	else if (a->kind == OP_RENAME && a->name)
		snprintf(what, sizeof(what), "%s '%s' (new name '%s')", a->obj->type,
			a->obj->value, a->name);
	else
		snprintf(what, sizeof(what), "%s '%s'", a->obj->type, a->obj->value);
	if ((rc = vsnap__vs_invoke(c, op_names[a->kind], what, call_op, a, 0)) < 0)
		return rc;
	if (!a->task.value)
		return 0;
	if (a->kind == OP_CREATE)
		snprintf(what, sizeof(what), "creating snapshot '%s' of %s '%s'",
			a->name ? a->name : "", a->obj->type, a->obj->value);
	else
		snprintf(what, sizeof(what), "%s %s '%s'", op_words[a->kind], a->obj->type,
			a->obj->value);
	rc = vsnap__vs_task_wait(result, c, &a->task, what);
	vsnap__vs_moref_clear(&a->task);
	return rc;
}

int vsnap__vs_snapshot_create(vsnap_vs_moref *out, vsnap_vs_client *c, const vsnap_vs_moref *vm,
	const char *name, const char *description, int memory, int quiesce)
{
	struct op_arg a = { OP_CREATE, vm, NULL, name, description, memory, quiesce, { 0 } };
	vsnap_vs_moref res = { 0 };
	int rc;

	if (out)
		out->type = out->value = NULL;
	if (!name)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"CreateSnapshot_Task: a snapshot name is required");
	if ((rc = run_op(&res, c, &a)) < 0)
		return rc;
	if (out)
		*out = res;
	else
		vsnap__vs_moref_clear(&res);
	return 0;
}

int vsnap__vs_vm_screenshot(char **ds_path, vsnap_vs_client *c, const vsnap_vs_moref *vm)
{
	struct op_arg a = { OP_SCREENSHOT, vm, NULL, NULL, NULL, 0, 0, { 0 } };
	vsnap_vs_moref res = { 0 };
	int rc;

	*ds_path = NULL;
	if ((rc = run_op(&res, c, &a)) < 0)
		return rc;
	if (!res.value || !res.type || strcmp(res.type, "string")) {
		vsnap__vs_moref_clear(&res);
		return vsnap__error_set(VSNAP_ENETWORK, VSNAP_ERRCLASS_SOAP,
			"CreateScreenshot_Task on VM '%s': the task names no file", vm->value);
	}
	*ds_path = res.value;
	free(res.type);
	return 0;
}

int vsnap__vs_snapshot_revert(vsnap_vs_client *c, const vsnap_vs_moref *snapshot,
	int suppress_power_on, const vsnap_vs_moref *host)
{
	struct op_arg a = { OP_REVERT, snapshot, host, NULL, NULL, suppress_power_on, 0, { 0 } };

	return run_op(NULL, c, &a);
}

int vsnap__vs_snapshot_revert_current(vsnap_vs_client *c, const vsnap_vs_moref *vm,
	int suppress_power_on, const vsnap_vs_moref *host)
{
	struct op_arg a = { OP_REVERT_CURRENT, vm, host, NULL, NULL, suppress_power_on, 0, { 0 } };

	return run_op(NULL, c, &a);
}

int vsnap__vs_snapshot_remove(vsnap_vs_client *c, const vsnap_vs_moref *snapshot,
	int remove_children, int consolidate)
{
	struct op_arg a = { OP_REMOVE, snapshot, NULL, NULL, NULL, remove_children != 0,
		consolidate, { 0 } };

	return run_op(NULL, c, &a);
}

int vsnap__vs_snapshot_remove_all(vsnap_vs_client *c, const vsnap_vs_moref *vm, int consolidate)
{
	struct op_arg a = { OP_REMOVE_ALL, vm, NULL, NULL, NULL, 0, consolidate, { 0 } };

	return run_op(NULL, c, &a);
}

int vsnap__vs_snapshot_rename(vsnap_vs_client *c, const vsnap_vs_moref *snapshot,
	const char *name, const char *description)
{
	struct op_arg a = { OP_RENAME, snapshot, NULL, name, description, 0, 0, { 0 } };

	if (!name && !description)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"RenameSnapshot: give a new name, a new description or both");
	return run_op(NULL, c, &a);
}

int vsnap__vs_vm_consolidate(vsnap_vs_client *c, const vsnap_vs_moref *vm)
{
	struct op_arg a = { OP_CONSOLIDATE, vm, NULL, NULL, NULL, 0, 0, { 0 } };

	return run_op(NULL, c, &a);
}

int vsnap__vs_vm_power(vsnap_vs_client *c, const vsnap_vs_moref *vm, vsnap_vs_power_op op)
{
	static const op_kind kinds[] = {
		OP_POWER_ON, OP_POWER_OFF, OP_SUSPEND, OP_RESET, OP_SHUTDOWN, OP_REBOOT,
	};
	struct op_arg a = { OP_POWER_ON, vm, NULL, NULL, NULL, 0, 0, { 0 } };

	if ((unsigned)op >= sizeof(kinds) / sizeof(kinds[0]))
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"unknown power operation %d", (int)op);
	a.kind = kinds[op];
	return run_op(NULL, c, &a);
}

int vsnap__vs_task_start(vsnap_vs_moref *task, vsnap_vs_client *c,
	const vsnap_vs_task_request *req)
{
	static const op_kind kinds[] = {
		OP_CREATE, OP_REVERT, OP_REMOVE, OP_REMOVE_ALL, OP_CONSOLIDATE,
	};
	struct op_arg a = { OP_CREATE, req->obj, NULL, req->name, req->description, req->b1,
		req->b2, { 0 } };
	char what[512];
	volatile int *cancel;
	int rc;

	task->type = task->value = NULL;
	if ((unsigned)req->kind >= sizeof(kinds) / sizeof(kinds[0]) || !req->obj ||
	    !req->obj->value)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"starting a task: unknown kind %d or no object", (int)req->kind);
	a.kind = kinds[req->kind];
	if (a.kind == OP_REVERT)
		a.b1 = -1;     /* suppressPowerOn: not sent, the snapshot's state decides */
	snprintf(what, sizeof(what), "%s '%s'", req->obj->type, req->obj->value);
	/* Never abandoned half-way: a request cut off by Ctrl-C may still start its task on the
	 * server, and then nobody would know it. The fleet run checks the flag between submits. */
	cancel = c->cancel;
	c->cancel = NULL;
	rc = vsnap__vs_invoke(c, op_names[a.kind], what, call_op, &a, 0);
	c->cancel = cancel;
	if (rc < 0)
		return rc;
	*task = a.task;
	return 0;
}

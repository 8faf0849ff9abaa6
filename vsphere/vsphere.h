/*
 * vsphere.h: the internal vim25 (vSphere SOAP) client the ESX driver codes against.
 *
 * Everything about talking to ESX/vCenter lives behind this header: TLS, session, property
 * collector, tasks, record/replay. Nothing here knows about snapshot XML; results are plain C
 * structs that the caller owns and frees with the matching *_free / *_clear function.
 *
 * Every function that can fail returns 0 or a negative vsnap_error_code and sets the thread's
 * last error (core/error.h) with a message naming the object and the cause:
 *   VSNAP_EFAULT       the server answered with a vSphere fault; vsnap_error_last()->fault is its
 *                      type name ("InvalidState", "NotFound", "TooManySnapshotLevels", ...), also
 *                      when the fault came inside a task's TaskInfo.error
 *   VSNAP_EAUTH        InvalidLogin, or NotAuthenticated that a single re-login did not cure
 *   VSNAP_ENETWORK     connection refused/reset, HTTP error without SOAP fault, malformed reply,
 *                      reply larger than 64 MiB (refused, not buffered)
 *   VSNAP_ETIMEOUT     connect/request timeout, or a task that outlived the task timeout
 *   VSNAP_ECERTIFICATE TLS peer verification failed (CA, host name, pinned thumbprint)
 *   VSNAP_ECANCELLED   *opts.cancel became non-zero (a task under way is cancelled first)
 *   VSNAP_EREPLAY      replay mode: the request does not match the fixture directory
 *   VSNAP_ENOTFOUND    a Find* search found nothing
 * A client is used by one thread at a time.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_VSPHERE_H
#define VSNAP_VSPHERE_H

#include <stddef.h>
#include "vsnap/conn.h"

typedef struct vsnap_vs_client vsnap_vs_client;

/* A debug log line (one per request/response/event; secrets already redacted). */
typedef void (*vsnap_vs_log_cb)(const char *line, void *payload);

typedef struct {
	const char *url;              /* "https://host[:port]/sdk" (http:// allowed for tests) */
	const char *user;
	const char *password;         /* never logged, recorded or put in an error message */
	int no_verify;                /* 1: accept any certificate (only when asked) */
	const char *cafile;           /* PEM bundle instead of the system CA store; NULL: system */
	const char *thumbprint;       /* pinned leaf certificate: SHA-256 (64 hex) or SHA-1
	                                 (40 hex, "AA:BB:.." as ESX shows it); colons optional,
	                                 case ignored. A matching pin replaces CA + host checks. */
	const char *proxy;            /* "http://proxy:3128"; NULL: none (libcurl's env rules) */
	unsigned int connect_timeout_ms; /* 0: 30 s */
	unsigned int request_timeout_ms; /* one HTTP exchange; 0: task_timeout_ms if set and
	                                    shorter, else 300 s */
	unsigned int task_timeout_ms; /* vsnap__vs_task_wait; 0: no limit */
	const char *record_dir;       /* record every exchange here (redacted); NULL: off */
	const char *replay_dir;       /* serve exchanges from here, no network; NULL: off */
	vsnap_vs_log_cb log_cb;       /* NULL: no log */
	void *log_payload;
	vsnap_progress_cb progress_cb; /* task progress; NULL: none */
	void *progress_payload;
	volatile int *cancel;         /* non-zero: stop (CancelTask on a running task); NULL */
} vsnap_vs_options;

/* A managed object reference, e.g. {"VirtualMachine", "vm-42"} or {"Task", "haTask-..."}. */
typedef struct {
	char *type;
	char *value;
} vsnap_vs_moref;

/* What the driver needs to know about a VM; strings are NULL when the server sent none. */
typedef struct {
	vsnap_vs_moref moref;
	char *name;
	char *uuid;                   /* config.uuid (BIOS UUID) */
	char *instance_uuid;          /* config.instanceUuid */
	char *power_state;            /* runtime.powerState: "poweredOn", "poweredOff", "suspended" */
	char *vmx_path;               /* config.files.vmPathName: "[datastore1] web/web.vmx" */
	int memory_mb;                /* config.hardware.memoryMB; 0 unknown */
	int num_cpu;                  /* config.hardware.numCPU; 0 unknown */
	int consolidation_needed;     /* runtime.consolidationNeeded: 1, 0, -1 unknown */
	int is_template;              /* config.template: 1, 0 */
	char *host;                   /* runtime.host MoRef value, NULL unknown */
} vsnap_vs_vm;

/* One node of VirtualMachine.snapshot.rootSnapshotList, with its children. */
typedef struct vsnap_vs_snapshot vsnap_vs_snapshot;
struct vsnap_vs_snapshot {
	vsnap_vs_moref moref;         /* "snapshot-13" (vCenter) or "39-snapshot-1" (ESXi) */
	char *name;
	char *description;            /* "" when empty */
	int id;                       /* per-VM id (the .vmsd uid) */
	long long create_time;        /* seconds since the epoch (UTC) */
	char *create_time_raw;        /* the xsd:dateTime as sent */
	char *state;                  /* power state recorded: poweredOff/poweredOn/suspended */
	int quiesced;
	char *backup_manifest;        /* NULL when absent */
	int replay_supported;         /* 1, 0, -1 absent */
	vsnap_vs_snapshot *children;
	size_t nchildren;
};

/* A virtual disk of config.hardware.device (VirtualDisk only). */
typedef struct {
	int key;                      /* device key (layoutEx.disk[].key) */
	char *label;                  /* deviceInfo.label, e.g. "Hard disk 1" */
	char *file_name;              /* backing.fileName: "[ds] web/web-000002.vmdk" */
	int controller_key;
	int unit_number;              /* -1 unknown */
	long long capacity_kb;
	char *disk_mode;              /* backing.diskMode: "persistent", "independent_..." */
} vsnap_vs_disk;

/* layoutEx.file[] entries. */
typedef struct {
	int key;
	char *name;                   /* "[ds] dir/file" */
	char *type;                   /* "config", "snapshotData", "diskDescriptor", ... */
	long long size;
} vsnap_vs_file;

/* layoutEx.snapshot[]: which files belong to a snapshot. */
typedef struct {
	char *snapshot;               /* snapshot MoRef value */
	int data_key;                 /* file key of the .vmsn */
	int memory_key;               /* file key of a separate .vmem, -1 none */
	int *disk_files;              /* file keys of its disks' chains (layoutEx.snapshot[].disk) */
	size_t ndisk_files;
} vsnap_vs_snapshot_layout;

/* Whether `key` is among the sorted file keys `keys` (disk_files arrays). */
int vsnap__vs_has_key(const int *keys, size_t n, int key);

typedef enum {
	VSNAP_VS_INFO_DEVICES = 1u << 0,   /* also config.hardware.device (disks) */
	VSNAP_VS_INFO_LAYOUT = 1u << 1,    /* also layoutEx (files, snapshot files) */
} vsnap_vs_info_flag;

/* A VM with its snapshot forest, as read in ONE RetrievePropertiesEx. */
typedef struct {
	vsnap_vs_vm vm;
	vsnap_vs_snapshot *roots;     /* snapshot.rootSnapshotList; NULL/0 when no snapshot */
	size_t nroots;
	vsnap_vs_moref current;       /* snapshot.currentSnapshot; value NULL when unset */
	char *datacenter;             /* name of the datacenter holding the VM ("ha-datacenter") */
	char *datastore;              /* datastore of vmx_path ("datastore1"), NULL if unparsable */
	vsnap_vs_disk *disks;         /* with VSNAP_VS_INFO_DEVICES */
	size_t ndisks;
	vsnap_vs_file *files;         /* with VSNAP_VS_INFO_LAYOUT */
	size_t nfiles;
	vsnap_vs_snapshot_layout *snapshot_files;  /* with VSNAP_VS_INFO_LAYOUT */
	size_t nsnapshot_files;
	int *disk_files;              /* with VSNAP_VS_INFO_LAYOUT: file keys of the disk chains in
	                               * use now (layoutEx.disk) */
	size_t ndisk_files;
} vsnap_vs_vm_info;

typedef enum {
	VSNAP_VS_POWER_ON,            /* PowerOnVM_Task */
	VSNAP_VS_POWER_OFF,           /* PowerOffVM_Task (hard) */
	VSNAP_VS_POWER_SUSPEND,       /* SuspendVM_Task */
	VSNAP_VS_POWER_RESET,         /* ResetVM_Task */
	VSNAP_VS_POWER_SHUTDOWN_GUEST,/* ShutdownGuest (needs Tools; returns at once) */
	VSNAP_VS_POWER_REBOOT_GUEST,  /* RebootGuest (needs Tools; returns at once) */
} vsnap_vs_power_op;

/* ---- Client lifecycle ---- */

/*
 * Creates a client and fetches the ServiceContent (1 request: RetrieveServiceContent).
 * Option strings are copied. Does not log in.
 */
int vsnap__vs_open(vsnap_vs_client **out, const vsnap_vs_options *opts);
/*
 * Saved sessions (session_file.c). vsnap__vs_session_export writes the client's session as
 * text (cookies, session key, ServiceContent; a SECRET: keep it 0600, never log it); the
 * client must be logged in. vsnap__vs_open_saved creates a client that resumes such a text
 * without any request; it counts as logged in until the server says NotAuthenticated, when
 * the first read re-logs in once with opts.user/password. VSNAP_EPARSE: malformed text, or
 * text for another URL or user; VSNAP_EINVALID with record/replay directories.
 */
int vsnap__vs_session_export(char **out, vsnap_vs_client *c);
int vsnap__vs_open_saved(vsnap_vs_client **out, const vsnap_vs_options *opts, const char *saved);
/* Logs in with opts.user/password (1 request). VSNAP_EAUTH on InvalidLogin. */
int vsnap__vs_login(vsnap_vs_client *c);
/* Logs out (1 request) when logged in. */
int vsnap__vs_logout(vsnap_vs_client *c);
/* Frees the client without sending anything (call vsnap__vs_logout first). NULL ignored. */
void vsnap__vs_close(vsnap_vs_client *c);
/* The URL and user the client was opened with; borrowed. */
const char *vsnap__vs_url(const vsnap_vs_client *c);
const char *vsnap__vs_user(const vsnap_vs_client *c);
/* SOAP requests sent since open (replayed ones count too). */
unsigned long vsnap__vs_request_count(const vsnap_vs_client *c);
/* "HostAgent" (ESX) or "VirtualCenter"; borrowed, NULL before open succeeded. */
const char *vsnap__vs_api_type(const vsnap_vs_client *c);
/* about.apiVersion, e.g. "8.0.3.0"; borrowed. */
const char *vsnap__vs_api_version(const vsnap_vs_client *c);
/* The client's cancel flag, progress callback, etc. can change between calls. */
void vsnap__vs_set_progress(vsnap_vs_client *c, vsnap_progress_cb cb, void *payload);
/* The user and password of the next login (copied): asked for only once the server has
 * answered, so that a certificate problem is reported before any password prompt. */
int vsnap__vs_set_credentials(vsnap_vs_client *c, const char *user, const char *password);
/*
 * Keepalive: CurrentTime (1 request); re-logs in once if the session expired. `now` (may be
 * NULL) receives the server time in seconds since the epoch.
 */
int vsnap__vs_keepalive(vsnap_vs_client *c, long long *now);
/* SessionIsActive for the current session: *active = 1/0 (1 request). */
int vsnap__vs_session_is_active(vsnap_vs_client *c, int *active);

/* ---- Reads (property collector) ---- */

/* All VMs (ContainerView, one RetrievePropertiesEx + Continue pages). Free with
 * vsnap__vs_vms_free. */
int vsnap__vs_vm_list(vsnap_vs_vm **out, size_t *count, vsnap_vs_client *c);
void vsnap__vs_vms_free(vsnap_vs_vm *vms, size_t count);

/* One VM's summary + snapshot forest (+ flags' extras) in ONE RetrievePropertiesEx. */
int vsnap__vs_vm_info(vsnap_vs_vm_info **out, vsnap_vs_client *c, const vsnap_vs_moref *vm,
	unsigned int flags);
void vsnap__vs_vm_info_free(vsnap_vs_vm_info *info);

/*
 * VM keys ("selectors"). A key may name its kind with a prefix; a bare key is tried in the
 * order MoRef-shaped ("vm-42", "42") -> MoRef, UUID-shaped (8-4-4-4-12 hex) -> BIOS then
 * instance UUID, leading '/' -> inventory path, falling back to the name when the MoRef or
 * UUID finds nothing. Prefixed keys never fall back:
 *   name:NAME   moref:VALUE   uuid:UUID (BIOS or instance)   path:/DC/vm/FOLDER/NAME
 * A name matches the server's name as sent or with its escapes ("%2f" '/', "%25" '%',
 * "%5c" '\') decoded. Inventory paths are the server's (SearchIndex.FindByInventoryPath):
 * datacenter, "vm", folders, VM name; the leading '/' is optional after "path:".
 */
typedef enum {
	VSNAP_VS_KEY_AUTO,            /* bare key: the order above */
	VSNAP_VS_KEY_NAME,
	VSNAP_VS_KEY_MOREF,
	VSNAP_VS_KEY_UUID,
	VSNAP_VS_KEY_PATH,
} vsnap_vs_key_kind;

/* Splits a key into its kind and the text after the prefix (borrowed from `key`). A leading
 * '/' makes a bare key a path. */
vsnap_vs_key_kind vsnap__vs_key_parse(const char *key, const char **text);

/*
 * The VMs `key` selects (see above), resolved WITHOUT reading any VM's snapshot data, then
 * ONE RetrievePropertiesEx of the VM found. Requests, by selector: MoRef 1; UUID 2 (3 for an
 * instance UUID); path 2; name 2 (the name scan reads the `name` property of every VM in
 * scope, about 150 bytes each, and nothing else). `host` (a HostSystem MoRef value, or NULL)
 * limits the VMs to those of that host (vpx:// URIs).
 * On success *out is an array of *count infos:
 *   - 1: the VM, complete: summary + snapshot forest (+ flags' extras), as vsnap__vs_vm_info;
 *   - several (a name shared by several VMs): each holds only vm.moref and vm.name; the
 *     caller reports the ambiguity or reads the one it wants with vsnap__vs_vm_info;
 *   - none: NULL, 0 and success.
 * Free it with vsnap__vs_vm_infos_free. Errors as vsnap__vs_vm_info (ManagedObjectNotFound
 * of an explicit "moref:" key is VSNAP_EFAULT with that fault name). Safe for any caller that
 * has a client: it keeps no state between calls.
 */
int vsnap__vs_vm_info_find(vsnap_vs_vm_info ***out, size_t *count, vsnap_vs_client *c,
	const char *key, const char *host, unsigned int flags);
void vsnap__vs_vm_infos_free(vsnap_vs_vm_info **infos, size_t count);

/* SearchIndex lookups of a VM; VSNAP_ENOTFOUND when none. *out is cleared on failure. */
int vsnap__vs_find_by_uuid(vsnap_vs_moref *out, vsnap_vs_client *c, const char *uuid,
	int instance_uuid);
int vsnap__vs_find_by_path(vsnap_vs_moref *out, vsnap_vs_client *c, const char *inventory_path);
int vsnap__vs_find_by_ip(vsnap_vs_moref *out, vsnap_vs_client *c, const char *ip);
int vsnap__vs_find_by_dns(vsnap_vs_moref *out, vsnap_vs_client *c, const char *dns_name);

/* Depth-first search of a forest by MoRef value; NULL if absent. Borrowed. */
const vsnap_vs_snapshot *vsnap__vs_snapshot_find(const vsnap_vs_snapshot *roots, size_t n,
	const char *moref_value);

/* ---- Snapshot and power operations (each starts a task and waits for it) ---- */

/* CreateSnapshot_Task; *out (may be NULL) receives the new snapshot's MoRef. */
int vsnap__vs_snapshot_create(vsnap_vs_moref *out, vsnap_vs_client *c, const vsnap_vs_moref *vm,
	const char *name, const char *description, int memory, int quiesce);
/* RevertToSnapshot_Task. suppress_power_on: 1/0, -1 = not sent. host may be NULL. */
int vsnap__vs_snapshot_revert(vsnap_vs_client *c, const vsnap_vs_moref *snapshot,
	int suppress_power_on, const vsnap_vs_moref *host);
/* RevertToCurrentSnapshot_Task on the VM. */
int vsnap__vs_snapshot_revert_current(vsnap_vs_client *c, const vsnap_vs_moref *vm,
	int suppress_power_on, const vsnap_vs_moref *host);
/* RemoveSnapshot_Task. consolidate: 1/0, -1 = not sent (server default true). */
int vsnap__vs_snapshot_remove(vsnap_vs_client *c, const vsnap_vs_moref *snapshot,
	int remove_children, int consolidate);
/* RemoveAllSnapshots_Task. consolidate as above. */
int vsnap__vs_snapshot_remove_all(vsnap_vs_client *c, const vsnap_vs_moref *vm, int consolidate);
/* RenameSnapshot (not a task); name or description may be NULL (not sent), not both. */
int vsnap__vs_snapshot_rename(vsnap_vs_client *c, const vsnap_vs_moref *snapshot,
	const char *name, const char *description);
/* ConsolidateVMDisks_Task. */
int vsnap__vs_vm_consolidate(vsnap_vs_client *c, const vsnap_vs_moref *vm);
/* CreateScreenshot_Task: *ds_path receives the datastore path of the PNG it wrote
 * ("[ds] web/web-1.png"); free it. */
int vsnap__vs_vm_screenshot(char **ds_path, vsnap_vs_client *c, const vsnap_vs_moref *vm);
/* Power operations; the *_GUEST ones need VMware Tools and do not wait. */
int vsnap__vs_vm_power(vsnap_vs_client *c, const vsnap_vs_moref *vm, vsnap_vs_power_op op);

/* ---- Tasks ---- */

/*
 * Waits for a task with WaitForUpdatesEx on its info (CreateFilter / DestroyPropertyFilter; no
 * sleep polling), reporting progress; on timeout or cancel it sends CancelTask. `what` names
 * the operation and object for messages ("snapshot 's1' of VM 'web'"). On success *result (may
 * be NULL) receives TaskInfo.result when it is a MoRef, or a string as {"string", text}
 * (else value NULL). A task in state error
 * gives VSNAP_EFAULT with the fault's type name and message.
 */
int vsnap__vs_task_wait(vsnap_vs_moref *result, vsnap_vs_client *c, const vsnap_vs_moref *task,
	const char *what);
/* CancelTask. */
int vsnap__vs_task_cancel(vsnap_vs_client *c, const vsnap_vs_moref *task);

/* ---- Files ---- */

/*
 * Downloads a datastore file over HTTPS (/folder/<path>?dcPath=..&dsName=..) with the session
 * cookie and the same TLS rules. `ds_path` is "[datastore1] dir/file.vmx". *out is NUL-
 * terminated, *len (may be NULL) its size; free with free().
 */
int vsnap__vs_datastore_get(char **out, size_t *len, vsnap_vs_client *c, const char *datacenter,
	const char *ds_path);

/* Splits "[ds] dir/file" into datastore name and path; both malloc'ed. VSNAP_EPARSE. */
int vsnap__vs_ds_path_split(char **datastore, char **path, const char *ds_path);

/* ---- Small helpers ---- */

int vsnap__vs_moref_set(vsnap_vs_moref *out, const char *type, const char *value);
void vsnap__vs_moref_clear(vsnap_vs_moref *ref);
void vsnap__vs_snapshots_free(vsnap_vs_snapshot *nodes, size_t n);

/* ---- Fleet: inventory-wide reads (inventory.c) and many tasks at once (taskset.c) ---- */

/*
 * The VMs under `container` (a Folder, Datacenter, ClusterComputeResource, ComputeResource,
 * HostSystem, ResourcePool or VirtualApp; NULL: the root folder), recursively, with name,
 * config.uuid, runtime.powerState and config.template only: one RetrievePropertiesEx + pages.
 */
int vsnap__vs_inventory_list(vsnap_vs_vm **out, size_t *count, vsnap_vs_client *c,
	const vsnap_vs_moref *container);
/* As vsnap__vs_inventory_list, with each VM's snapshot forest and layoutEx too (the audit of
 * a whole container in one retrieval). Free with vsnap__vs_vm_infos_free(*out, *count). */
int vsnap__vs_inventory_scan(vsnap_vs_vm_info ***out, size_t *count, vsnap_vs_client *c,
	const vsnap_vs_moref *container);
/*
 * Summary, snapshot forest and layoutEx of the `n` VMs `vms` in one RetrievePropertiesEx +
 * pages: (*out)[i] belongs to vms[i], NULL when the server returned nothing for it (gone).
 * Free with vsnap__vs_vm_infos_free(*out, n).
 */
int vsnap__vs_inventory_read(vsnap_vs_vm_info ***out, vsnap_vs_client *c,
	const vsnap_vs_moref *vms, size_t n);

/* Kinds of task vsnap__vs_task_start can start. */
typedef enum {
	VSNAP_VS_TASK_CREATE,         /* CreateSnapshot_Task on a VM: name, description, b1 memory,
	                                 b2 quiesce */
	VSNAP_VS_TASK_REVERT,         /* RevertToSnapshot_Task on a snapshot */
	VSNAP_VS_TASK_REMOVE,         /* RemoveSnapshot_Task: b1 removeChildren, b2 consolidate
	                                 (-1 not sent) */
	VSNAP_VS_TASK_REMOVE_ALL,     /* RemoveAllSnapshots_Task on a VM: b2 consolidate */
	VSNAP_VS_TASK_CONSOLIDATE,    /* ConsolidateVMDisks_Task on a VM */
} vsnap_vs_task_kind;

typedef struct {
	vsnap_vs_task_kind kind;
	const vsnap_vs_moref *obj;    /* the VM, or the snapshot for REVERT / REMOVE */
	const char *name, *description;
	int b1, b2;
} vsnap_vs_task_request;

/* Sends the request (1 request) without waiting; *task receives the Task MoRef. The cancel
 * flag does not cut this request short (its task would start unseen); check it before. */
int vsnap__vs_task_start(vsnap_vs_moref *task, vsnap_vs_client *c,
	const vsnap_vs_task_request *req);

/* How a task of a task set ended. */
typedef struct {
	size_t slot;                  /* the caller's number for the task */
	int code;                     /* 0 success, else as vsnap__vs_task_wait would return */
	char *message;                /* malloc'ed; NULL on success */
	int cancelled;                /* the fault was RequestCanceled */
} vsnap_vs_task_end;

/*
 * Many running tasks, watched together: every task added gets into a property filter (one
 * CreateFilter per batch of additions), and one WaitForUpdatesEx reports on all of them.
 */
typedef struct vsnap_vs_taskset vsnap_vs_taskset;

int vsnap__vs_taskset_new(vsnap_vs_taskset **out);
/* Adds a started task (copied) under the caller's `slot`. */
int vsnap__vs_taskset_add(vsnap_vs_taskset *ts, const vsnap_vs_moref *task, size_t slot);
/*
 * Waits at most `max_wait_s` seconds for tasks to end; *ends (malloc'ed, *count entries, may
 * be 0 after the wait) lists those that ended since the last call. Runs even while the
 * client's cancel flag is raised.
 */
int vsnap__vs_taskset_wait(vsnap_vs_task_end **ends, size_t *count, vsnap_vs_taskset *ts,
	vsnap_vs_client *c, int max_wait_s);
/* CancelTask on every task that has not ended (1 request each; failures ignored: a task
 * that finished meanwhile cannot be cancelled, and its end is reported anyway). */
void vsnap__vs_taskset_cancel(vsnap_vs_taskset *ts, vsnap_vs_client *c);
/* Destroys the set's filters (1 request each) and frees it. NULL ignored. */
void vsnap__vs_taskset_free(vsnap_vs_taskset *ts, vsnap_vs_client *c);

#endif

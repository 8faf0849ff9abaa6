/*
 * vim25.gsoap.h: soapcpp2 input (run with `soapcpp2 -c`) describing the small part of the
 * vSphere vim25 SOAP API that vsnap uses. Written by hand for vsnap from the API reference;
 * only the members we read are declared (gSOAP skips undeclared elements). Received enum
 * values are plain strings so that a newer server's new values cannot fail a whole call.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

//gsoap vim25 service name: vim25
//gsoap vim25 service style: document
//gsoap vim25 service encoding: literal
//gsoap vim25 schema namespace: urn:vim25
//gsoap vim25 schema elementForm: qualified
//gsoap vim25 schema attributeForm: unqualified

/* ---- simple types ---- */

typedef char *xsd__string;
typedef int xsd__int;
typedef LONG64 xsd__long;
typedef short xsd__short;
typedef char *xsd__dateTime;               /* kept as text: we need its microseconds too */
enum xsd__boolean { false_, true_ };
typedef char *vim25__VirtualMachinePowerState;
typedef char *vim25__TaskInfoState;
typedef char *vim25__ManagedEntityStatus;


/* ---- references ---- */

struct vim25__ManagedObjectReference {
	char *__item;
	@char *type 1;
};
typedef struct vim25__ManagedObjectReference vim25__MoRef;

struct vim25__ArrayOfManagedObjectReference {
	int __sizeManagedObjectReference;
	struct vim25__ManagedObjectReference *ManagedObjectReference;
};

struct vim25__ArrayOfString {
	int __sizestring;
	char **string;
};

/* ---- faults (the type name and fields are read from raw XML by faults.c) ---- */

struct vim25__LocalizedMethodFault {
	_XML __any;                            /* <fault xsi:type="...">...</fault> */
	char *localizedMessage 0;
};

struct SOAP_ENV__Detail {
	_XML __any;                            /* <InvalidStateFault xsi:type=...>...</...> */
};

/* ---- service content, session ---- */

struct vim25__AboutInfo {
	char *name 0;
	char *fullName 0;
	char *version 0;
	char *apiType 0;
	char *apiVersion 0;
	char *instanceUuid 0;
};

struct vim25__ServiceContent {
	vim25__MoRef *rootFolder;
	vim25__MoRef *propertyCollector;
	vim25__MoRef *viewManager 0;
	struct vim25__AboutInfo *about;
	vim25__MoRef *sessionManager 0;
	vim25__MoRef *searchIndex 0;
	vim25__MoRef *fileManager 0;
};

struct vim25__UserSession {
	char *key;
	char *userName;
};

/* ---- property collector: requests ---- */

struct vim25__SelectionSpec {
	char *name 0;
};

struct vim25__TraversalSpec {
	char *name 0;
	char *type;
	char *path;
	enum xsd__boolean *skip 0;
	int __sizeselectSet;
	struct vim25__SelectionSpec *selectSet 0;
};

/* ObjectSpec.selectSet holds TraversalSpecs, sent with xsi:type. */
struct vim25__SelectSetItem {
	int __typeselectSet;
	void *selectSet;
};

struct vim25__ObjectSpec {
	vim25__MoRef *obj;
	enum xsd__boolean *skip 0;
	$int __sizeselectSet;
	struct vim25__SelectSetItem *__selectSet 0;
};

struct vim25__PropertySpec {
	char *type;
	enum xsd__boolean *all 0;
	int __sizepathSet;
	char **pathSet 0;
};

struct vim25__PropertyFilterSpec {
	int __sizepropSet;
	struct vim25__PropertySpec *propSet;
	int __sizeobjectSet;
	struct vim25__ObjectSpec *objectSet;
	enum xsd__boolean *reportMissingObjectsInResults 0;
};

struct vim25__RetrieveOptions {
	int *maxObjects 0;
};

struct vim25__WaitOptions {
	int *maxWaitSeconds 0;
	int *maxObjectUpdates 0;
};

/* ---- property collector: results ---- */

struct vim25__DynamicProperty {
	char *name;
	int __typeval;                         /* SOAP_TYPE_* chosen by xsi:type */
	void *val;
};

struct vim25__MissingProperty {
	char *path;
	struct vim25__LocalizedMethodFault *fault;
};

struct vim25__ObjectContent {
	vim25__MoRef *obj;
	int __sizepropSet;
	struct vim25__DynamicProperty *propSet 0;
	int __sizemissingSet;
	struct vim25__MissingProperty *missingSet 0;
};

struct vim25__RetrieveResult {
	char *token 0;
	int __sizeobjects;
	struct vim25__ObjectContent *objects 0;
};

struct vim25__PropertyChange {
	char *name;
	char *op;
	int __typeval;
	void *val;
};

struct vim25__ObjectUpdate {
	char *kind;
	vim25__MoRef *obj;
	int __sizechangeSet;
	struct vim25__PropertyChange *changeSet 0;
	int __sizemissingSet;
	struct vim25__MissingProperty *missingSet 0;
};

struct vim25__PropertyFilterUpdate {
	vim25__MoRef *filter;
	int __sizeobjectSet;
	struct vim25__ObjectUpdate *objectSet 0;
};

struct vim25__UpdateSet {
	char *version;
	int __sizefilterSet;
	struct vim25__PropertyFilterUpdate *filterSet 0;
	enum xsd__boolean *truncated 0;
};

/* ---- values read through the property collector ---- */

struct vim25__VirtualMachineSnapshotTree {
	vim25__MoRef *snapshot;
	vim25__MoRef *vm 0;
	char *name;
	char *description 0;
	int *id 0;
	xsd__dateTime createTime 0;
	char *state 0;
	enum xsd__boolean *quiesced 0;
	char *backupManifest 0;
	int __sizechildSnapshotList;
	struct vim25__VirtualMachineSnapshotTree *childSnapshotList 0;
	enum xsd__boolean *replaySupported 0;
};

struct vim25__VirtualMachineSnapshotInfo {
	vim25__MoRef *currentSnapshot 0;
	int __sizerootSnapshotList;
	struct vim25__VirtualMachineSnapshotTree *rootSnapshotList 0;
};

struct vim25__TaskInfo {
	char *key 0;
	vim25__MoRef *task 0;
	char *name 0;
	char *descriptionId 0;
	vim25__MoRef *entity 0;
	char *entityName 0;
	char *state;
	enum xsd__boolean *cancelled 0;
	enum xsd__boolean *cancelable 0;
	struct vim25__LocalizedMethodFault *error 0;
	int __typeresult;
	void *result 0;
	int *progress 0;
};

struct vim25__Description {
	char *label 0;
	char *summary 0;
};

/* Disk backings: the members of the flat/sparse/raw backings we read. */
struct vim25__VirtualDeviceBackingInfo {
	char *fileName 0;
	char *diskMode 0;
};

/*
 * One member of config.hardware.device. vcsim sends array items without xsi:type, real servers
 * with xsi:type="VirtualDisk" etc.: one struct holding the members we read serves both.
 */
struct vim25__VirtualDevice {
	int key;
	struct vim25__Description *deviceInfo 0;
	struct vim25__VirtualDeviceBackingInfo *backing 0;
	int *controllerKey 0;
	int *unitNumber 0;
	LONG64 *capacityInKB 0;
};

struct vim25__ArrayOfVirtualDevice {
	int __sizeVirtualDevice;
	struct vim25__VirtualDevice *VirtualDevice 0;
};

struct vim25__VirtualMachineFileLayoutExFileInfo {
	int key;
	char *name;
	char *type;
	LONG64 size;
};

/* One link of a disk's chain: its descriptor and extent files (keys into file[]). */
struct vim25__VirtualMachineFileLayoutExDiskUnit {
	int __sizefileKey;
	int *fileKey 0;
};

/* A virtual disk's chain of files, base first (device key: config.hardware.device[].key). */
struct vim25__VirtualMachineFileLayoutExDiskLayout {
	int key;
	int __sizechain;
	struct vim25__VirtualMachineFileLayoutExDiskUnit *chain 0;
};

struct vim25__VirtualMachineFileLayoutExSnapshotLayout {
	vim25__MoRef *key;
	int dataKey;
	int *memoryKey 0;
	int __sizedisk;
	struct vim25__VirtualMachineFileLayoutExDiskLayout *disk 0;   /* chains as at the snapshot */
};

struct vim25__VirtualMachineFileLayoutEx {
	int __sizefile;
	struct vim25__VirtualMachineFileLayoutExFileInfo *file 0;
	int __sizedisk;
	struct vim25__VirtualMachineFileLayoutExDiskLayout *disk 0;   /* the chains in use now */
	int __sizesnapshot;
	struct vim25__VirtualMachineFileLayoutExSnapshotLayout *snapshot 0;
};

struct vim25__DatastoreSummary {
	vim25__MoRef *datastore 0;
	char *name;
	char *url 0;
	LONG64 capacity;
	LONG64 freeSpace;
	char *type 0;
};

/* ---- operations: one request element + one response element each ---- */

int vim25__RetrieveServiceContent(vim25__MoRef *_USCOREthis,
	struct vim25__RetrieveServiceContentResponse { struct vim25__ServiceContent *returnval; } *);

int vim25__Login(vim25__MoRef *_USCOREthis, char *userName, char *password, char *locale 0,
	struct vim25__LoginResponse { struct vim25__UserSession *returnval; } *);

int vim25__Logout(vim25__MoRef *_USCOREthis, struct vim25__LogoutResponse { char dummy 0; } *);

int vim25__SessionIsActive(vim25__MoRef *_USCOREthis, char *sessionID, char *userName,
	struct vim25__SessionIsActiveResponse { enum xsd__boolean returnval; } *);

int vim25__CurrentTime(vim25__MoRef *_USCOREthis,
	struct vim25__CurrentTimeResponse { xsd__dateTime returnval; } *);

int vim25__RetrievePropertiesEx(vim25__MoRef *_USCOREthis, int __sizespecSet,
	struct vim25__PropertyFilterSpec *specSet, struct vim25__RetrieveOptions *options,
	struct vim25__RetrievePropertiesExResponse { struct vim25__RetrieveResult *returnval 0; } *);

int vim25__ContinueRetrievePropertiesEx(vim25__MoRef *_USCOREthis, char *token,
	struct vim25__ContinueRetrievePropertiesExResponse {
		struct vim25__RetrieveResult *returnval 0; } *);

int vim25__CreateFilter(vim25__MoRef *_USCOREthis, struct vim25__PropertyFilterSpec *spec,
	enum xsd__boolean partialUpdates,
	struct vim25__CreateFilterResponse { vim25__MoRef *returnval; } *);

int vim25__DestroyPropertyFilter(vim25__MoRef *_USCOREthis,
	struct vim25__DestroyPropertyFilterResponse { char dummy 0; } *);

int vim25__WaitForUpdatesEx(vim25__MoRef *_USCOREthis, char *version 0,
	struct vim25__WaitOptions *options 0,
	struct vim25__WaitForUpdatesExResponse { struct vim25__UpdateSet *returnval 0; } *);

int vim25__FindByUuid(vim25__MoRef *_USCOREthis, vim25__MoRef *datacenter 0, char *uuid,
	enum xsd__boolean vmSearch, enum xsd__boolean *instanceUuid 0,
	struct vim25__FindByUuidResponse { vim25__MoRef *returnval 0; } *);

int vim25__FindByInventoryPath(vim25__MoRef *_USCOREthis, char *inventoryPath,
	struct vim25__FindByInventoryPathResponse { vim25__MoRef *returnval 0; } *);

int vim25__FindByIp(vim25__MoRef *_USCOREthis, vim25__MoRef *datacenter 0, char *ip,
	enum xsd__boolean vmSearch,
	struct vim25__FindByIpResponse { vim25__MoRef *returnval 0; } *);

int vim25__FindByDnsName(vim25__MoRef *_USCOREthis, vim25__MoRef *datacenter 0, char *dnsName,
	enum xsd__boolean vmSearch,
	struct vim25__FindByDnsNameResponse { vim25__MoRef *returnval 0; } *);

int vim25__CreateSnapshot_USCORETask(vim25__MoRef *_USCOREthis, char *name,
	char *description 0, enum xsd__boolean memory, enum xsd__boolean quiesce,
	struct vim25__CreateSnapshot_USCORETaskResponse { vim25__MoRef *returnval; } *);

int vim25__RevertToSnapshot_USCORETask(vim25__MoRef *_USCOREthis, vim25__MoRef *host 0,
	enum xsd__boolean *suppressPowerOn 0,
	struct vim25__RevertToSnapshot_USCORETaskResponse { vim25__MoRef *returnval; } *);

int vim25__RevertToCurrentSnapshot_USCORETask(vim25__MoRef *_USCOREthis, vim25__MoRef *host 0,
	enum xsd__boolean *suppressPowerOn 0,
	struct vim25__RevertToCurrentSnapshot_USCORETaskResponse { vim25__MoRef *returnval; } *);

int vim25__RemoveSnapshot_USCORETask(vim25__MoRef *_USCOREthis, enum xsd__boolean removeChildren,
	enum xsd__boolean *consolidate 0,
	struct vim25__RemoveSnapshot_USCORETaskResponse { vim25__MoRef *returnval; } *);

int vim25__RemoveAllSnapshots_USCORETask(vim25__MoRef *_USCOREthis,
	enum xsd__boolean *consolidate 0,
	struct vim25__RemoveAllSnapshots_USCORETaskResponse { vim25__MoRef *returnval; } *);

int vim25__RenameSnapshot(vim25__MoRef *_USCOREthis, char *name 0, char *description 0,
	struct vim25__RenameSnapshotResponse { char dummy 0; } *);

/* Saves the console as a PNG on the VM's datastore; TaskInfo.result is its datastore path. */
int vim25__CreateScreenshot_USCORETask(vim25__MoRef *_USCOREthis,
	struct vim25__CreateScreenshot_USCORETaskResponse { vim25__MoRef *returnval; } *);

int vim25__ConsolidateVMDisks_USCORETask(vim25__MoRef *_USCOREthis,
	struct vim25__ConsolidateVMDisks_USCORETaskResponse { vim25__MoRef *returnval; } *);

int vim25__PowerOnVM_USCORETask(vim25__MoRef *_USCOREthis, vim25__MoRef *host 0,
	struct vim25__PowerOnVM_USCORETaskResponse { vim25__MoRef *returnval; } *);

int vim25__PowerOffVM_USCORETask(vim25__MoRef *_USCOREthis,
	struct vim25__PowerOffVM_USCORETaskResponse { vim25__MoRef *returnval; } *);

int vim25__SuspendVM_USCORETask(vim25__MoRef *_USCOREthis,
	struct vim25__SuspendVM_USCORETaskResponse { vim25__MoRef *returnval; } *);

int vim25__ResetVM_USCORETask(vim25__MoRef *_USCOREthis,
	struct vim25__ResetVM_USCORETaskResponse { vim25__MoRef *returnval; } *);

int vim25__ShutdownGuest(vim25__MoRef *_USCOREthis,
	struct vim25__ShutdownGuestResponse { char dummy 0; } *);

int vim25__RebootGuest(vim25__MoRef *_USCOREthis,
	struct vim25__RebootGuestResponse { char dummy 0; } *);

int vim25__CancelTask(vim25__MoRef *_USCOREthis,
	struct vim25__CancelTaskResponse { char dummy 0; } *);

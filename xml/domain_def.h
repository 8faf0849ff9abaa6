/*
 * The domain model: one libvirt <domain>, as the .vmx translator and the QEMU backend fill and
 * read it, and its XML parser and formatter (libvirt's element order, attribute order and
 * 2-space indentation, so libvirt's own outputs compare byte for byte).
 *
 * Conventions of every struct below: strings are owned and NULL when absent; integers that may be
 * absent are -1 when absent unless the comment says otherwise; "tristate" fields are -1 absent,
 * 0 'no', 1 'yes'.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_XML_DOMAIN_DEF_H
#define VSNAP_XML_DOMAIN_DEF_H

#include <stddef.h>
#include "vsnap/snapshot.h"

/* The namespace of <vmware:...> elements. */
#define VSNAP_DOMAIN_VMWARE_NS "http://libvirt.org/schemas/domain/vmware/1.0"

/*
 * What the model does not understand, kept so that parse -> format loses nothing.
 *
 * Every element the parser reads (the <domain> itself, <os>, <features>, <cpu>, <clock>,
 * <devices>, each device and each modelled child of these) is walked against a table of what it
 * models (xml/domain_spec.c). Attributes and child elements outside that table are kept here,
 * each under the `path` of the element that held it, relative to the struct owning the list:
 * "" is the owner's own element (the <domain>, or the device element), "driver" a disk's
 * <driver>, "os/loader" the domain's <os><loader>, "devices" the <devices> element.
 *
 * Formatting puts them back, after the modelled ones:
 *  - kept attributes after the modelled attributes of the same element (one the formatter
 *    already wrote, such as a default it fills in, is not repeated);
 *  - kept child elements at the end of their parent, in document order, re-indented in
 *    libvirt's style, with the namespace declarations they inherited written on them;
 *  - two exceptions follow libvirt's element order instead: unknown children of <domain> and
 *    of <devices> go where libvirt formats an element of that name (<metadata> after
 *    <description>, <sysinfo> before <os>, <channel> after the consoles, <rng> after
 *    <memballoon>, ...), in document order among themselves; names libvirt does not know (other
 *    namespaces such as <qemu:commandline>) go last.
 * Only the first child of a modelled name is modelled (as the parser reads it): a second
 * <source> of a udp <serial> or a second <memballoon> is kept whole. A modelled element with
 * nothing to say is then written empty (<source/>) instead of being left out, or the next
 * parse would model the kept second one. Comments and processing
 * instructions are not kept (libvirt drops them too).
 */
typedef struct {
	char *path;    /* element path relative to the owner ("" the owner itself) */
	char *name;    /* attribute: its qualified name ("xmlns:p" for a declaration); NULL: element */
	char *value;   /* attribute value, or the element's XML text (stand-alone, no indentation) */
} vsnap_domain_extra_item;

typedef struct {
	vsnap_domain_extra_item *items; size_t nitems;
} vsnap_domain_extra;

typedef struct { /* <address> of any kind */
	char *type;    /* "drive", "pci", ...; NULL: no <address> */
	int controller, bus, target, unit;   /* drive (bus is also pci's bus); -1 absent */
	int domain_, slot, function;         /* pci; -1 absent */
} vsnap_domain_address;

typedef struct {
	char *type;          /* "file" | "block" | ... (<disk type=>) */
	char *device;        /* "disk" | "cdrom" | "floppy" | "lun" */
	char *driver_name;   /* <driver name=> or NULL */
	char *driver_type;   /* <driver type=> "qcow2","raw" or NULL */
	char *driver_cache;  /* or NULL */
	char *src_file;      /* <source file=> (or dev= for block) or NULL */
	char *target_dev;    /* "vda", "sda", "hda" */
	char *target_bus;    /* "virtio","scsi","ide","sata","fdc" or NULL */
	int readonly, shareable, transient;   /* 0/1 */
	int snapshot;        /* vsnap_snapshot_location from include/vsnap/snapshot.h: DEFAULT when absent */
	vsnap_domain_address address;          /* type NULL when absent */
	/* ---- beyond the contract's first cut ---- */
	char *src_startup_policy;  /* <source startupPolicy=> ("optional") or NULL */
	int boot_order;            /* <boot order=>; 0 absent */
	char *driver_io;           /* <driver io=> or NULL */
	char *driver_discard;      /* <driver discard=> or NULL */
	char *serial;              /* <serial> text or NULL */
	vsnap_domain_extra extra;   /* what the model does not understand (above) */
} vsnap_domain_disk_def;

typedef struct {
	char *type;          /* "scsi", "ide", "sata", "fdc", "usb", "pci", "virtio-serial" */
	int index;           /* -1 absent */
	char *model;         /* "lsilogic", "buslogic", "lsisas1068", "vmpvscsi", "virtio-scsi" or NULL */
	vsnap_domain_address address;
	vsnap_domain_extra extra;   /* what the model does not understand (above) */
} vsnap_domain_controller_def;

typedef struct {
	char *type;          /* "bridge", "user", "ethernet", "network", "vds", "null", "direct"... */
	char *mac;           /* "00:50:56:..." or NULL */
	char *mac_type;      /* <mac type=> "generated" | "static" or NULL */
	char *mac_check;     /* <mac check=> "yes" | "no" or NULL */
	char *src_bridge;    /* <source bridge=> */
	char *src_network;   /* <source network=> */
	char *src_dev;       /* <source dev=> (direct) */
	char *src_mode;      /* <source mode=> (direct) */
	char *src_switchid, *src_portgroupid, *src_connectionid;   /* vds */
	long long src_portid;                                       /* vds; -1 absent */
	char *target_dev;    /* <target dev=> */
	char *model;         /* <model type=> "e1000", "vmxnet3", "virtio" or NULL */
	char *vmware_portgroup;   /* (reserved; not formatted by libvirt) */
	int mac_generated;   /* 1: the XML had no <mac>; the parser made `mac` up, as libvirt does */
	vsnap_domain_address address;
	vsnap_domain_extra extra;   /* what the model does not understand (above) */
} vsnap_domain_net_def;

/* A character device: <serial>, <parallel>, <console>. */
typedef struct {
	char *type;          /* "file", "dev", "pipe", "tcp", "udp", "pty", "null", "stdio"... */
	char *src_path;      /* <source path=> (file, dev, pipe, pty) */
	char *src_mode;      /* <source mode=> "bind" | "connect" (tcp) */
	char *src_host;      /* <source host=> (tcp) */
	char *src_service;   /* <source service=> (tcp) */
	char *protocol;      /* <protocol type=> "raw", "telnet", "telnets", "tls" or NULL */
	char *target_type;   /* <target type=> ("serial" for a console, "isa-serial"...) or NULL */
	int target_port;     /* <target port=>; -1 absent */
	vsnap_domain_address address;
	vsnap_domain_extra extra;   /* what the model does not understand (above) */
} vsnap_domain_chr_def;

typedef struct {
	char *model;         /* <model type=> "vmvga", "vga", "cirrus", "qxl", "virtio" */
	long long vram;      /* KiB; -1 absent */
	int heads;           /* -1 absent */
	int primary;         /* 1: primary='yes' */
	vsnap_domain_address address;
	vsnap_domain_extra extra;   /* what the model does not understand (above) */
} vsnap_domain_video_def;

typedef struct {
	char *type;          /* "vnc", "spice", "sdl" */
	int port;            /* -1 absent */
	int autoport;        /* tristate */
	char *keymap, *passwd;
	char *listen_type;   /* <listen type=> "address", "network", "none" or NULL */
	char *listen_address;/* <listen address=> and graphics' listen= attribute */
	vsnap_domain_extra extra;   /* what the model does not understand (above) */
} vsnap_domain_graphics_def;

typedef struct {
	char *type;          /* "mount", "file", "block" */
	char *accessmode;    /* "passthrough", "mapped", "squash" or NULL */
	char *driver_type;   /* <driver type=> ("virtiofs", "path") or NULL */
	char *src_dir;       /* <source dir=> */
	char *target_dir;    /* <target dir=> */
	int readonly;        /* <readonly/> */
	vsnap_domain_address address;
	vsnap_domain_extra extra;   /* what the model does not understand (above) */
} vsnap_domain_fs_def;

typedef struct {
	char *type;          /* "tablet", "mouse", "keyboard" */
	char *bus;           /* "usb", "ps2", "virtio" or NULL */
	vsnap_domain_extra extra;   /* what the model does not understand (above) */
} vsnap_domain_input_def;

typedef struct vsnap_domain_def {
	char *virt_type;     /* <domain type='vmware'|'qemu'|'kvm'> */
	char *name, *uuid, *description;
	unsigned long long memory_kib, current_memory_kib;
	unsigned int vcpus;
	char *os_type, *os_arch;   /* "hvm", "x86_64" */
	vsnap_domain_disk_def **disks; size_t ndisks;
	/* ---- beyond the contract's first cut ---- */
	char *title;
	char *genid;                       /* <genid> text or NULL */
	unsigned long long max_memory_kib; /* <maxMemory>; 0 absent */
	unsigned int max_memory_slots;
	unsigned long long min_guarantee_kib, hard_limit_kib, soft_limit_kib; /* <memtune>; 0 absent */
	char *vcpu_placement;              /* "static" (default when formatting) | "auto" */
	char *vcpu_cpuset;                 /* <vcpu cpuset=> or NULL */
	unsigned int vcpus_current;        /* <vcpu current=>; 0 absent */
	long long cputune_shares;          /* <cputune><shares>; -1 absent */
	/* <cpu> */
	char *cpu_mode;                    /* <cpu mode=> "host-passthrough"... or NULL */
	char *cpu_model;                   /* <cpu><model> text or NULL */
	unsigned int cpu_sockets, cpu_dies, cpu_clusters, cpu_cores, cpu_threads; /* 0: no topology */
	/* <os> */
	char *os_machine;                  /* <type machine=> */
	char *os_firmware;                 /* <os firmware=> "efi" | "bios" or NULL */
	char *os_loader;                   /* <loader> path or NULL */
	int os_loader_readonly;            /* tristate */
	char *os_loader_type;              /* "rom" | "pflash" or NULL */
	int os_loader_secure;              /* tristate */
	char *os_nvram;                    /* <nvram> path or NULL */
	char *os_nvram_template;           /* <nvram template=> or NULL */
	char **os_boot_devs; size_t nos_boot_devs;   /* <boot dev=> in order */
	int os_bootmenu;                   /* <bootmenu enable=> tristate */
	char *os_smbios_mode;              /* <smbios mode=> "host" | "sysinfo" | "emulate" */
	/* <features>: names of empty feature elements in order ("acpi", "apic", "pae", "vmport"...) */
	char **features; size_t nfeatures;
	char *clock_offset;                /* <clock offset=>; formatted as 'utc' when NULL */
	char *on_poweroff, *on_reboot, *on_crash;   /* NULL: libvirt's defaults */
	char *emulator;                    /* <devices><emulator> or NULL */
	vsnap_domain_controller_def **controllers; size_t ncontrollers;
	vsnap_domain_fs_def **filesystems; size_t nfilesystems;
	vsnap_domain_net_def **nets; size_t nnets;
	vsnap_domain_chr_def **serials; size_t nserials;
	vsnap_domain_chr_def **parallels; size_t nparallels;
	vsnap_domain_chr_def **consoles; size_t nconsoles;
	vsnap_domain_input_def **inputs; size_t ninputs;
	vsnap_domain_graphics_def **graphics; size_t ngraphics;
	vsnap_domain_video_def **videos; size_t nvideos;
	char *memballoon_model;            /* <memballoon model=> or NULL */
	/* vmware namespace */
	char *vmware_datacenterpath;       /* <vmware:datacenterpath> or NULL */
	char *vmware_moref;                /* <vmware:moref> or NULL */
	/* What the model does not understand: unknown top-level elements, unknown devices (path
	 * "devices"), and unknown parts of <os>, <cpu>, <clock>, <features>... (above). */
	vsnap_domain_extra extra;
} vsnap_domain_def;

/* Flags of vsnap__domain_def_format(). */
#define VSNAP_DOMAIN_XML_SECURE (1u << 0)   /* include secrets (VNC passwd), as libvirt's flag */
/* Also write <vmware:moref>: not in libvirt's schema, so off by default (output validates). */
#define VSNAP_DOMAIN_XML_VMWARE_MOREF (1u << 1)

vsnap_domain_def *vsnap__domain_def_new(void);
void vsnap__domain_def_free(vsnap_domain_def *def);
/* Parses <domain> XML; VSNAP_EPARSE naming element/attribute and line. flags reserved (0). */
int vsnap__domain_def_parse(vsnap_domain_def **out, const char *xml, unsigned int flags);
/* Parses from an already-parsed libxml2 node (used by the <domainsnapshot> parser). */
int vsnap__domain_def_parse_node(vsnap_domain_def **out, void *xml_node /* xmlNodePtr */, unsigned int flags);
/* Formats as libvirt does; `indent` spaces of extra indentation (2 when nested in <domainsnapshot>). */
int vsnap__domain_def_format(char **out, const vsnap_domain_def *def, unsigned int flags, int indent);
int vsnap__domain_def_copy(vsnap_domain_def **out, const vsnap_domain_def *src);

/* Constructors of device structs with every "absent" marker set (-1), for the translators. */
vsnap_domain_disk_def *vsnap__domain_disk_new(void);
vsnap_domain_controller_def *vsnap__domain_controller_new(void);
vsnap_domain_net_def *vsnap__domain_net_new(void);
vsnap_domain_chr_def *vsnap__domain_chr_new(void);
vsnap_domain_video_def *vsnap__domain_video_new(void);
vsnap_domain_graphics_def *vsnap__domain_graphics_new(void);
vsnap_domain_fs_def *vsnap__domain_fs_new(void);
vsnap_domain_input_def *vsnap__domain_input_new(void);
void vsnap__domain_disk_free(vsnap_domain_disk_def *disk);
void vsnap__domain_controller_free(vsnap_domain_controller_def *ctrl);
void vsnap__domain_net_free(vsnap_domain_net_def *net);
void vsnap__domain_chr_free(vsnap_domain_chr_def *chr);
void vsnap__domain_video_free(vsnap_domain_video_def *video);
void vsnap__domain_graphics_free(vsnap_domain_graphics_def *gfx);
void vsnap__domain_fs_free(vsnap_domain_fs_def *fs);
void vsnap__domain_input_free(vsnap_domain_input_def *input);

/*
 * Appends `item` to a device array of `def` (e.g. vsnap__domain_def_add(
 * (void ***)&def->disks, &def->ndisks, disk)). On success the array owns `item`.
 * VSNAP_ENOMEM on failure (item is not freed).
 */
int vsnap__domain_def_add(void ***array, size_t *count, void *item);

/* Frees every kept item and empties the list. */
void vsnap__domain_extra_clear(vsnap_domain_extra *extra);
/* *dst = deep copy of *src (dst's previous content is not freed); sets *failed on failure,
 * leaving *dst empty. */
void vsnap__domain_extra_copy(vsnap_domain_extra *dst, const vsnap_domain_extra *src,
	int *failed);
/*
 * Keeps an attribute (`name` non-NULL) or a child element (`name` NULL, `value` its XML text)
 * under `path`. An element text is checked to be one well-formed element. 0, VSNAP_ENOMEM or
 * VSNAP_EINVALID.
 */
int vsnap__domain_extra_add(vsnap_domain_extra *extra, const char *path, const char *name,
	const char *value);

/*
 * Drops kept child elements named `element` under `path` (a disk's "" and "backingStore" once
 * a backend changed the disk's source), or, with `element` NULL, everything kept under `path`.
 */
void vsnap__domain_extra_drop(vsnap_domain_extra *extra, const char *path,
	const char *element);

/* Clears an address to "absent" (type NULL, every number -1); frees its type. */
void vsnap__domain_address_clear(vsnap_domain_address *addr);

#endif

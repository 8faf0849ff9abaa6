/*
 * vsnap: virtual-machine snapshots on ESX/vCenter and QEMU, the libvirt way.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_COMMON_H
#define VSNAP_COMMON_H

#include <stddef.h>

#ifdef __cplusplus
# define VSNAP_BEGIN_DECL extern "C" {
# define VSNAP_END_DECL }
#else
# define VSNAP_BEGIN_DECL
# define VSNAP_END_DECL
#endif

/** Marks a symbol exported from libvsnap; everything else is hidden. */
#if defined(VSNAP_BUILDING_LIBRARY) && defined(__GNUC__)
# define VSNAP_EXTERN(type) extern __attribute__((visibility("default"))) type
#else
# define VSNAP_EXTERN(type) extern type
#endif

VSNAP_BEGIN_DECL

/** Frees a string that libvsnap returned through an `char **out`. NULL is ignored. */
VSNAP_EXTERN(void) vsnap_string_free(char *str);

/** Frees an array of strings of `count` entries returned by libvsnap, and the array. */
VSNAP_EXTERN(void) vsnap_strings_free(char **strs, size_t count);

/**
 * Initialises the libraries libvsnap builds on (libcurl, libxml2) for the whole process.
 * Optional: every libvsnap entry point that needs them does this itself, once, safely from any
 * thread. A program that also uses libcurl or libxml2 on its own, or that wants all global set-up
 * done before it starts threads (as libcurl's documentation asks), calls it first. It never
 * tears anything down: libvsnap does not call curl_global_cleanup() or xmlCleanupParser(),
 * because the program may still use those libraries. Returns 0, or a vsnap_error_code.
 */
VSNAP_EXTERN(int) vsnap_global_init(void);

/** The library version as "MAJOR.MINOR.PATCH". Never NULL, never freed. */
VSNAP_EXTERN(const char *) vsnap_version(void);

VSNAP_END_DECL
#endif

/*
 * Diagnostics of the .vmx translator: the warnings a conversion collects (each with the input
 * line and key it is about), and how the result object hands them to callers.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_VMX_DIAG_H
#define VSNAP_VMX_DIAG_H

#include <stddef.h>

#include "vsnap/vmx.h"

typedef struct {
	vsnap_vmx_warning *items;   /* key and message owned (cast away const to free) */
	size_t n, cap;
} vsnap__vmx_diags;

/*
 * Appends "<source>:<line>: key '<key>': <text>" (line 0: no ":<line>"; key NULL: no key
 * part). Returns 0 or VSNAP_ENOMEM.
 */
int vsnap__vmx_diag_add(vsnap__vmx_diags *d, const char *source, unsigned int line,
	const char *key, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void vsnap__vmx_diags_clear(vsnap__vmx_diags *d);
/* Moves every item of src to the end of dst (src ends empty). 0 or VSNAP_ENOMEM. */
int vsnap__vmx_diags_move(vsnap__vmx_diags *dst, vsnap__vmx_diags *src);
/* The messages joined by newlines (NULL when there are none); VSNAP_ENOMEM on failure. */
int vsnap__vmx_diags_join(char **out, const vsnap__vmx_diags *d);
/* With `strict`, a non-empty list becomes an error naming the first warning. */
int vsnap__vmx_diags_strict(const vsnap__vmx_diags *d);

/* Wraps text and the warnings (both moved in) into a public result object. */
int vsnap__vmx_result_new(vsnap_vmx_result **out, char *text, vsnap__vmx_diags *diags);

#endif

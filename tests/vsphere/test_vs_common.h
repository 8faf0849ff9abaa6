/* Helpers shared by the vsphere tests. SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VSNAP_TESTS_VS_COMMON_H
#define VSNAP_TESTS_VS_COMMON_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <cmocka.h>

#include "vsnap/error.h"

/* Like libgit2's cl_git_pass: shows the library's message when a call fails. */
#define assert_vs_ok(expr) do { \
	int rc_ = (expr); \
	if (rc_ < 0) \
		fail_msg("%s -> %d: %s", #expr, rc_, vsnap_error_last()->message); \
} while (0)

#define assert_vs_code(expr, code) do { \
	int rc_ = (expr); \
	if (rc_ != (code)) \
		fail_msg("%s -> %d (wanted %d): %s", #expr, rc_, (code), \
			vsnap_error_last()->message); \
} while (0)

#endif

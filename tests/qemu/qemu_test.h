/*
 * Helpers of the QEMU backend tests: a scratch root with one domain over real qcow2 images,
 * data patterns written and read with qemu-io (offline) or through QMP's
 * human-monitor-command "qemu-io" (online; test data generation only).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_TESTS_QEMU_TEST_H
#define VSNAP_TESTS_QEMU_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vsnap/vsnap.h"

#define assert_ok(expr) do { int rc_ = (expr); if (rc_ != 0) \
	fail_msg("%s -> %d: %s", #expr, rc_, vsnap_error_last()->message); } while (0)

typedef struct {
	char dir[256];
	char uri[512];
	vsnap_conn *conn;
	vsnap_domain *dom;
} qt_env;

/* 77 (skip) when QEMU is not installed: says so on stderr. */
int qt_have_qemu(void);
/* A scratch dir, a 64 MiB qcow2 per disk ("vda" [, "vdb"]) holding 0xaa in the first MiB, the
 * domain defined. `extra` is added to <devices> (may be NULL). */
void qt_setup(qt_env *e, int ndisks, const char *extra);
void qt_teardown(qt_env *e);
/* cmocka fixtures: a qt_env with one or two disks in *state, and its teardown. */
int qt_cm_setup1(void **state);
int qt_cm_setup2(void **state);
int qt_cm_teardown(void **state);
/* The current source file of disk `target`. Free it. */
char *qt_disk_file(qt_env *e, const char *target);
/* 1 when the first MiB of `file` holds `pattern` (offline read with -U). */
int qt_pattern_file(const char *file, int pattern);
/* Offline write of the first MiB. */
void qt_write_file(const char *file, int pattern);
/* Online through QMP (node of disk `target`). */
void qt_write_online(qt_env *e, const char *target, int pattern);
int qt_pattern_online(qt_env *e, const char *target, int pattern);
/* Current disk of `target` holds `pattern`, online or offline as the domain is. */
int qt_pattern(qt_env *e, const char *target, int pattern);
int qt_state(qt_env *e);
int qt_count(qt_env *e);
const char *qt_current(qt_env *e, char *buf, size_t n);
/* Runs a shell command; returns its exit status. */
int qt_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif

/*
 * fault_common.h: what the fault tests share besides the scripted server: running the CLI
 * with its output captured, and the common teardown.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_TESTS_FAULT_COMMON_H
#define VSNAP_TESTS_FAULT_COMMON_H

#include "vsphere/vcsim_harness.h"
#include "fault/faultsrv.h"

/*
 * Runs the shell command `cmd` (stderr should be joined to stdout by the caller's "2>&1").
 * Returns its exit status (-1 when it could not run or did not exit) and sets *out to all
 * it printed (malloc'ed, NUL-terminated, never NULL on return).
 */
int fault_run(char **out, const char *cmd);

/* Stops `srv` (may be NULL) and the simulator, and removes the scratch directory `dir`.
 * 0, or -1 when the directory could not be removed. */
int fault_cleanup(fs_server *srv, vsnap_vcsim *sim, const char *dir);

#endif

/*
 * vsnap umbrella header. SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_H
#define VSNAP_H

#include "common.h"
#include "error.h"
#include "conn.h"
#include "domain.h"
#include "snapshot.h"
#include "vmx.h"
#include "screenshot.h"
#include "check.h"
#include "snapshot_move.h"
#include "fleet.h"

#endif

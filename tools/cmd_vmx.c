/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cli.h"

const cli_command cli_vmx_commands[] = {
	{ NULL, NULL, NULL, NULL, NULL },
};

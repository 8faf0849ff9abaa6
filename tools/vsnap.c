/* vsnap: command-line front end. SPDX-License-Identifier: GPL-2.0-or-later */
#include "cli.h"

#include <string.h>

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("vsnap %s\n", vsnap_version());
	return CLI_OK;
}

/*
 * xml_init.c: libxml2's one-time initialisation (see global_init.c for why it must happen once,
 * up front). Apart from global_init.c so that the XML paths (the .vmx translator, domain and
 * snapshot XML) do not pull libcurl into a statically linked program.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <pthread.h>
#include <libxml/parser.h>

#include "core/util.h"

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void init_xml(void)
{
	xmlInitParser();
}

void vsnap__xml_global_init(void)
{
	pthread_once(&xml_once, init_xml);
}

/*
 * namespaces.c: the global `namespaces` table libgsoap refers to (it was built without
 * WITH_NONAMESPACES). We pass our own with soap_set_namespaces(), so this one stays empty.
 * It lives alone in its object: a static link must pull it in (--require-defined) even when the
 * program calls nothing from vsphere/, and pulling client.c in instead would drag libcurl and
 * OpenSSL into every program that only translates a .vmx. Default visibility: libgsoap.so must
 * see it.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdsoap2.h>

__attribute__((visibility("default"))) struct Namespace namespaces[] = {
	{ NULL, NULL, NULL, NULL },
};

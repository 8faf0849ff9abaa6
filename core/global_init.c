/*
 * One-time initialisation of the libraries libvsnap builds on.
 *
 * libcurl and libxml2 each keep process-wide state that must be set up once before threads use
 * them concurrently: curl_global_init() is not safe to race with itself or with a first
 * curl_easy_init(), and libxml2's lazy xmlInitParser() inside the first parse is not safe when
 * two threads parse for the first time together. A pthread_once here makes both safe however
 * many threads enter libvsnap at once; vsnap_global_init() lets a program do it up front, as
 * libcurl's documentation asks, before it starts any thread. libxml2's part is in xml_init.c, an
 * object of its own, so that a program that only parses XML does not link libcurl.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <pthread.h>
#include <curl/curl.h>

#include "vsnap/common.h"
#include "core/error.h"
#include "core/util.h"

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc = CURLE_OK;

static void init_curl(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

int vsnap__global_init(void)
{
	vsnap__xml_global_init();
	pthread_once(&init_once, init_curl);
	if (curl_init_rc != CURLE_OK)
		return vsnap__error_set(VSNAP_ERROR, VSNAP_ERRCLASS_NET,
			"libcurl could not be initialised: %s", curl_easy_strerror(curl_init_rc));
	return 0;
}

int vsnap_global_init(void)
{
	return vsnap__global_init();
}

/*
 * secrets.c: the secrets a vSphere client holds (password, session key, session cookies) are
 * registered with core/secret.c for as long as the client lives, so that error messages, the
 * debug log and recordings never carry them, whatever escaping a server echoes them in.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdlib.h>
#include <string.h>

#include "core/secret.h"
#include "vsphere/internal.h"

int vsnap__vs_secret_keep(vsnap_vs_client *c, const char *value)
{
	char **v;
	int rc;

	if (!value || strlen(value) < VSNAP_SECRET_MIN_LEN)
		return 0;
	for (size_t i = 0; i < c->nsecrets; i++)
		if (!strcmp(c->secrets[i], value))
			return 0;
	if (!(v = realloc(c->secrets, (c->nsecrets + 1) * sizeof(*v))))
		return vsnap__error_oom();
	c->secrets = v;
	if (!(v[c->nsecrets] = strdup(value)))
		return vsnap__error_oom();
	if ((rc = vsnap__secret_register(value)) < 0) {
		free(v[c->nsecrets]);
		return rc;
	}
	c->nsecrets++;
	return 0;
}

/* A Netscape cookie line: domain, flag, path, secure, expiry, name, value (tab-separated). */
static void keep_cookie_line(vsnap_vs_client *c, const char *line)
{
	const char *value = line;

	for (int field = 0; field < 6 && value; field++) {
		value = strchr(value, '\t');
		if (value)
			value++;
	}
	if (!value)
		return;
	(void)vsnap__vs_secret_keep(c, value);
	/* Real ESX quotes the value: the text between the quotes is the secret too. */
	if (*value == '"' && strlen(value) > 2) {
		char *inner = strndup(value + 1, strlen(value) - 2);

		if (inner)
			(void)vsnap__vs_secret_keep(c, inner);
		free(inner);
	}
}

void vsnap__vs_secret_keep_cookies(vsnap_vs_client *c)
{
	struct curl_slist *list = NULL;

	if (!c->curl || curl_easy_getinfo(c->curl, CURLINFO_COOKIELIST, &list) != CURLE_OK)
		return;
	for (struct curl_slist *l = list; l; l = l->next)
		keep_cookie_line(c, l->data);
	curl_slist_free_all(list);
}

void vsnap__vs_secrets_forget(vsnap_vs_client *c)
{
	for (size_t i = 0; i < c->nsecrets; i++) {
		vsnap__secret_unregister(c->secrets[i]);
		memset(c->secrets[i], 0, strlen(c->secrets[i]));
		free(c->secrets[i]);
	}
	free(c->secrets);
	c->secrets = NULL;
	c->nsecrets = 0;
}

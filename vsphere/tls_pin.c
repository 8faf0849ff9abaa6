/*
 * tls_pin.c: certificate pinning. ESX shows its certificate's SHA-1 thumbprint as
 * "AA:BB:..", vCenter and vsnap's docs use SHA-256; either may be pinned. The pin is checked on
 * the leaf certificate inside OpenSSL's verify callback, so a wrong certificate never gets a
 * request (not even the login with the password).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "vsphere/internal.h"

static int hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch = tolower(ch);
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/* "AA:BB:.." or "aabb.." (also with spaces) -> 20 or 32 bytes. */
int vsnap__vs_pin_parse(unsigned char *out, size_t *out_len, const char *text)
{
	size_t n = 0;
	const char *p;

	for (p = text; *p; ) {
		int hi, lo;

		if (*p == ':' || *p == ' ') {
			p++;
			continue;
		}
		hi = hexval((unsigned char)p[0]);
		lo = hi < 0 ? -1 : hexval((unsigned char)p[1]);
		if (hi < 0 || lo < 0 || n == 32)
			goto bad;
		out[n++] = (unsigned char)(hi << 4 | lo);
		p += 2;
	}
	if (n != 20 && n != 32)
		goto bad;
	*out_len = n;
	return 0;
bad:
	return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_TLS,
		"thumbprint '%s' is neither a SHA-1 (40 hex digits) nor a SHA-256 (64 hex digits) "
		"fingerprint", text);
}

static int pin_index = -1;
static pthread_once_t pin_once = PTHREAD_ONCE_INIT;

static void pin_index_init(void)
{
	pin_index = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, NULL);
}

/* At depth 0 the pin decides alone; chain errors above the leaf are ignored when pinned. */
static int verify_cb(int preverify_ok, X509_STORE_CTX *store)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx());
	SSL_CTX *ctx = ssl ? SSL_get_SSL_CTX(ssl) : NULL;
	vsnap_vs_client *c = ctx ? SSL_CTX_get_ex_data(ctx, pin_index) : NULL;
	X509 *cert = X509_STORE_CTX_get_current_cert(store);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;
	size_t off = 0;

	if (!c || !cert)
		return 0;
	/* Not pinned: OpenSSL's verdict stands; only the leaf's SHA-256 is noted, so that a
	 * failure can show the fingerprint to pin. */
	if (!c->pin_len) {
		if (X509_STORE_CTX_get_error_depth(store) == 0 &&
		    X509_digest(cert, EVP_sha256(), md, &mdlen))
			for (i = 0; i < mdlen && off + 4 < sizeof(c->peer_fingerprint); i++)
				off += (size_t)snprintf(c->peer_fingerprint + off,
					sizeof(c->peer_fingerprint) - off, "%s%02X", i ? ":" : "", md[i]);
		return preverify_ok;
	}
	if (X509_STORE_CTX_get_error_depth(store) != 0)
		return 1;
	if (!X509_digest(cert, c->pin_len == 20 ? EVP_sha1() : EVP_sha256(), md, &mdlen))
		return 0;
	for (i = 0; i < mdlen && off + 4 < sizeof(c->peer_fingerprint); i++)
		off += (size_t)snprintf(c->peer_fingerprint + off, sizeof(c->peer_fingerprint) - off,
			"%s%02X", i ? ":" : "", md[i]);
	if (mdlen != c->pin_len || memcmp(md, c->pin, mdlen) != 0) {
		c->pin_mismatch = 1;
		return 0;
	}
	X509_STORE_CTX_set_error(store, X509_V_OK);
	return 1;
}

/* CURLOPT_SSL_CTX_FUNCTION: runs after libcurl configured the context, before the handshake. */
CURLcode vsnap__vs_ssl_ctx_cb(CURL *curl, void *ssl_ctx, void *client)
{
	(void)curl;
	pthread_once(&pin_once, pin_index_init);
	if (pin_index < 0 || !SSL_CTX_set_ex_data(ssl_ctx, pin_index, client))
		return CURLE_SSL_CERTPROBLEM;
	SSL_CTX_set_verify(ssl_ctx, SSL_VERIFY_PEER, verify_cb);
	return CURLE_OK;
}

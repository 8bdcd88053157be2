/* tls_crypto.c - see tls.h: the digests of the SASL mechanisms (HMAC, a
 * hash, PBKDF2), through OpenSSL. Part of the TLS module, with tls.c and
 * tls_store.c. */
#include <config.h>

#include <limits.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "tls_int.h"

static const EVP_MD *tls_md_evp(enum tls_md md);

static const EVP_MD *
tls_md_evp(enum tls_md md)
{
	/* the plugins start OpenSSL as tls_new does (no atexit clean-up, no
	 * legacy cipher names), whichever of the two comes first */
	OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT | OPENSSL_INIT_NO_ADD_ALL_CIPHERS,
	    NULL);
	switch (md) {
	case TLS_MD_MD5:
		return EVP_md5();
	case TLS_MD_SHA1:
		return EVP_sha1();
	case TLS_MD_SHA256:
		return EVP_sha256();
	}
	return NULL;
}

size_t
tls_md_len(enum tls_md md)
{
	return md == TLS_MD_MD5 ? 16 : md == TLS_MD_SHA1 ? 20 : 32;
}

int
tls_hmac(enum tls_md md, const void *key, size_t klen, const void *data,
    size_t dlen, unsigned char *out, struct err *e)
{
	const EVP_MD *m = tls_md_evp(md);
	unsigned int n = 0;

	if (m == NULL || klen > INT_MAX ||
	    HMAC(m, key, (int)klen, data, dlen, out, &n) == NULL) {
		ERR_clear_error();
		return err_set(e, ERR_INTERNAL, "HMAC failed");
	}
	return 0;
}

int
tls_hash(enum tls_md md, const void *data, size_t len, unsigned char *out,
    struct err *e)
{
	const EVP_MD *m = tls_md_evp(md);
	unsigned int n = 0;

	if (m == NULL || EVP_Digest(data, len, out, &n, m, NULL) != 1) {
		ERR_clear_error();
		return err_set(e, ERR_INTERNAL, "digest failed");
	}
	return 0;
}

int
tls_pbkdf2(enum tls_md md, const char *pass, size_t plen,
    const unsigned char *salt, size_t slen, unsigned iter, unsigned char *out,
    size_t outlen, struct err *e)
{
	const EVP_MD *m = tls_md_evp(md);

	if (m == NULL || plen > INT_MAX || slen > INT_MAX || outlen > INT_MAX ||
	    iter == 0 || iter > INT_MAX ||
	    PKCS5_PBKDF2_HMAC(pass, (int)plen, salt, (int)slen, (int)iter, m,
	    (int)outlen, out) != 1) {
		ERR_clear_error();
		return err_set(e, ERR_INTERNAL, "PBKDF2 failed");
	}
	return 0;
}

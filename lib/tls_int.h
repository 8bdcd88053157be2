/* tls_int.h - what lib/tls.c (sessions, certificate facts) and
 * lib/tls_store.c (the shared contexts, the trust store, verification)
 * share with each other and with no one else: the TLS module's insides.
 * Includes OpenSSL: only these two files include it. */
#ifndef MP_TLS_INT_H
#define MP_TLS_INT_H

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "tls.h"

/* One certificate of the bundle file, not decoded yet: d2i_X509 costs
 * 1.5 M instructions in OpenSSL 3.0 (its public key goes through the
 * provider decoders), the subject name alone a few thousand. */
struct tls_bcert {
	X509_NAME *subject;
	unsigned char *der;
	long len;
	int aux;                /* TRUSTED CERTIFICATE: trust settings follow */
	int added;              /* decoded and in the store (or undecodable) */
};

/*
 * One TLS context, with its trust store, per process and trust setting:
 * the --all-mx threads, the --count workers and the MTA-STS policy fetch
 * share it, so the anchors are read once per process, not once per
 * session. The entries live until the process exits (still reachable).
 */
struct tls_ctxent {
	SSL_CTX *ctx;
	int anchors;            /* 1: trust anchors loaded (not --verify=none) */
	char *ca_file, *ca_path;   /* the key, with anchors; NULL: system store */
	int dane;               /* SSL_CTX_dane_enable done */
	/* The system store's bundle file: indexed (its certificates' DER and
	 * subjects) only when the hashed directory led to no anchor
	 * (tls_app_verify), or at once where there is no such directory, and
	 * then once per process; a certificate is decoded only when a chain
	 * asks for its subject (tls_bundle_by_subject). NULL when there is no
	 * bundle. */
	char *bundle;
	int bundle_state;       /* 0 not read, 1 indexed, -1 unreadable */
	struct tls_bcert *bcerts;
	int nbcerts;
};

struct tls {
	struct tls_ctxent *ent; /* the shared context (not owned) ... */
	struct tls_ctxent *own; /* ... or this session's own, when the cache is full */
	SSL *ssl;
	struct tls_opts o;
	struct tls_info info;
	char name[256];         /* the name (or IP) verified */
	char other[128];        /* words for TLS_P_OTHER */
	int started;
	int broken;             /* a fatal I/O error: no close_notify may follow */
	int anchor_miss;        /* verification failed where another anchor could
	                         * change the verdict (tls_verify_cb) */
};

/*
 * OpenSSL's error strings: 36 tables that OPENSSL_init_ssl() loads into a
 * hash by default, 1.0 M instructions and ~150 KB on every run, for words
 * that only a failure prints. They are skipped at start-up and loaded here,
 * on the first error that needs them. OpenSSL 3 refuses a later
 * OPENSSL_INIT_LOAD_*_STRINGS once NO_LOAD was given; the per-library
 * loaders (deprecated in 3.0, still exported) do load their tables.
 * Without those loaders (OPENSSL_NO_DEPRECATED_3_0) the strings load at
 * start-up as usual.
 */
#ifndef OPENSSL_NO_DEPRECATED_3_0
#define TLS_INIT_STRINGS (OPENSSL_INIT_NO_LOAD_SSL_STRINGS | \
	OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS)
#else
#define TLS_INIT_STRINGS 0
#endif

/* tls_store.c: load OpenSSL's error strings (once), for a failure's words. */
void tls_load_strings(void);

/* tls_store.c: OpenSSL's first queued error as text into BUF (CAP bytes),
 * or FALLBACK when there is none; the queue is cleared. Returns BUF. */
const char *tls_errstr(char *buf, size_t cap, const char *fallback);

/* tls_store.c: the shared context for O's trust setting, made on first
 * use; when the cache is full, a context of the session's own in *OWN
 * (free it with tls_ctx_clear and free). NULL with *E filled. */
struct tls_ctxent *tls_ctx_get(const struct tls_opts *o, struct tls_ctxent **own,
    struct err *e);

/* tls_store.c: free what ENT holds (not ENT itself). */
void tls_ctx_clear(struct tls_ctxent *ent);

#endif

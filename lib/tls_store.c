/* tls_store.c - see tls_int.h: the TLS contexts a process shares (one per
 * trust setting), their trust anchors (the system store's hashed directory
 * looked up lazily, its bundle file indexed only after a miss) and the
 * handshake's verification. Part of the TLS module, with tls.c. */
#include <config.h>

#include <sys/stat.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/pem.h>

#include "tls_int.h"

#define TLS_CTX_MAX 4
/* guards tls_ctxs, tls_nctx and every entry's dane */
static pthread_mutex_t tls_lock = PTHREAD_MUTEX_INITIALIZER;
/* one verification at a time, and every entry's bundle index: the store's
 * lookups run only inside a verification */
static pthread_mutex_t tls_vlock = PTHREAD_MUTEX_INITIALIZER;
static X509_LOOKUP_METHOD *tls_bundle_meth;   /* made under tls_lock */
static struct tls_ctxent tls_ctxs[TLS_CTX_MAX];
static int tls_nctx;

static int tls_verify_cb(int ok, X509_STORE_CTX *sctx);
static int tls_app_verify(X509_STORE_CTX *sctx, void *arg);
static int tls_verify_again(struct tls *t, X509_STORE_CTX *sctx);
static int tls_bundle_by_subject(X509_LOOKUP *lu, X509_LOOKUP_TYPE type,
    const X509_NAME *name, X509_OBJECT *ret);
static int tls_bundle_index(struct tls_ctxent *ent);
static int tls_bundle_add(struct tls_ctxent *ent, X509_STORE *st, const X509_NAME *name);
static int tls_bundle_chain(struct tls_ctxent *ent, X509_STORE_CTX *sctx);
static int tls_ctx_make(struct tls_ctxent *ent, const struct tls_opts *o, struct err *e);

#ifndef OPENSSL_NO_DEPRECATED_3_0
void
tls_load_strings(void)
{
	static int loaded;

	if (loaded)
		return;
	loaded = 1;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
	/* every library a TLS session, a certificate or a PEM file can fail
	 * in (provider and decoder errors have no public loader in 3.0) */
	ERR_load_ERR_strings();
	ERR_load_CRYPTO_strings();
	ERR_load_BIO_strings();
	ERR_load_BUF_strings();
	ERR_load_BN_strings();
	ERR_load_OBJ_strings();
	ERR_load_ASN1_strings();
	ERR_load_PEM_strings();
	ERR_load_X509_strings();
	ERR_load_X509V3_strings();
	ERR_load_EVP_strings();
	ERR_load_RSA_strings();
	ERR_load_DH_strings();
	ERR_load_EC_strings();
	ERR_load_RAND_strings();
	ERR_load_CONF_strings();
	ERR_load_OSSL_STORE_strings();
	ERR_load_SSL_strings();
#pragma GCC diagnostic pop
}
#else
void tls_load_strings(void) { }
#endif

/*
 * The ciphers a PEM block's "DEK-Info:" header can name. A trust-anchor file
 * that also holds a key encrypted in the traditional format must still load
 * (the key is skipped, not decrypted), and PEM looks the cipher up in the
 * legacy name table that tls_new() leaves empty. tls_new() adds these 30
 * names (not the 888 of every cipher) when a file fails for want of them.
 */
static void
tls_add_pem_ciphers(void)
{
	static const EVP_CIPHER *(*const pem[])(void) = {
		EVP_aes_128_cbc, EVP_aes_192_cbc, EVP_aes_256_cbc,
#ifndef OPENSSL_NO_DES
		EVP_des_ede3_cbc, EVP_des_cbc,
#endif
#ifndef OPENSSL_NO_CAMELLIA
		EVP_camellia_128_cbc, EVP_camellia_192_cbc, EVP_camellia_256_cbc,
#endif
#ifndef OPENSSL_NO_ARIA
		EVP_aria_128_cbc, EVP_aria_192_cbc, EVP_aria_256_cbc,
#endif
#ifndef OPENSSL_NO_SEED
		EVP_seed_cbc,
#endif
#ifndef OPENSSL_NO_BF
		EVP_bf_cbc,
#endif
#ifndef OPENSSL_NO_CAST
		EVP_cast5_cbc,
#endif
#ifndef OPENSSL_NO_RC2
		EVP_rc2_cbc,
#endif
#ifndef OPENSSL_NO_IDEA
		EVP_idea_cbc,
#endif
	};
	static int added;
	size_t i;

	if (added)
		return;
	added = 1;
	for (i = 0; i < sizeof(pem) / sizeof(pem[0]); i++)
		EVP_add_cipher(pem[i]());
}

/* 1 when PATHS (a directory, or a list of them as OpenSSL takes it)
 * names at least one directory that exists. */
static int
tls_dir_exists(const char *paths)
{
	const char *p = paths;

	while (*p) {
		size_t n = strcspn(p, ":");
		char one[4096];
		struct stat st;

		if (n > 0 && n < sizeof(one)) {
			memcpy(one, p, n);
			one[n] = '\0';
			if (stat(one, &st) == 0 && S_ISDIR(st.st_mode))
				return 1;
		}
		p += n;
		if (*p == ':')
			p++;
	}
	return 0;
}

/*
 * Load the trust anchors into ENT->ctx: 1 when done, 0 with OpenSSL's
 * error queued, -1 with *E filled.
 *
 * The system store (no --ca-file, no --ca-path) is found the cheap way:
 * the hashed directory (SSL_CERT_DIR, else OpenSSL's default) is looked
 * up lazily, by the issuer a chain names (a few certificates read);
 * the bundle file (SSL_CERT_FILE, else OpenSSL's default), which OpenSSL
 * would parse whole (~150 certificates, 240 M instructions) on every run,
 * is read only when the directory did not lead to a trust anchor
 * (tls_app_verify), then once per process, or here at once when no such
 * directory exists. As with OpenSSL's default paths both are trusted;
 * the verdict never depends on which of them held the anchor.
 */
static int
tls_load_anchors(struct tls_ctxent *ent, const struct tls_opts *o, struct err *e)
{
	const char *fenv, *denv, *file, *dir;
	X509_LOOKUP *lu;
	int dir_ok;

	if (o->ca_file || o->ca_path)
		return SSL_CTX_load_verify_locations(ent->ctx, o->ca_file, o->ca_path);
	fenv = getenv(X509_get_default_cert_file_env());
	denv = getenv(X509_get_default_cert_dir_env());
	file = fenv && *fenv ? fenv : X509_get_default_cert_file();
	dir = denv && *denv ? denv : X509_get_default_cert_dir();
	dir_ok = tls_dir_exists(dir);
	if (dir_ok && SSL_CTX_load_verify_dir(ent->ctx, dir) != 1)
		return 0;
	if (access(file, R_OK) != 0) {
		/* a bundle named on purpose must be there, as when it was read
		 * at once; OpenSSL's default one is optional where a directory
		 * exists */
		if ((fenv && *fenv) || !dir_ok)
			return err_sys(e, ERR_USAGE, errno, "cannot load trust anchors "
			    "from %s%s: %s", file, fenv && *fenv ? " (SSL_CERT_FILE)" : "",
			    strerror(errno));
		return 1;
	}
	if (tls_bundle_meth == NULL) {
		tls_bundle_meth = X509_LOOKUP_meth_new("mailprobe bundle by subject");
		if (tls_bundle_meth == NULL ||
		    !X509_LOOKUP_meth_set_get_by_subject(tls_bundle_meth, tls_bundle_by_subject))
			return err_set(e, ERR_INTERNAL, "out of memory");
	}
	ent->bundle = strdup(file);
	/* the lookup is added now, while no session uses the store; it finds
	 * nothing until the bundle is indexed */
	lu = X509_STORE_add_lookup(SSL_CTX_get_cert_store(ent->ctx), tls_bundle_meth);
	if (ent->bundle == NULL || lu == NULL || !X509_LOOKUP_set_method_data(lu, ent))
		return err_set(e, ERR_INTERNAL, "out of memory");
	if (!dir_ok) {
		/* no directory: the bundle is the store */
		ent->bundle_state = tls_bundle_index(ent);
		if (ent->bundle_state < 0)
			return err_set(e, ERR_USAGE, "cannot load trust anchors from %s: "
			    "no certificate could be read", file);
	}
	return 1;
}

/* The subject name of the DER certificate DER (LEN bytes), without decoding
 * the rest: Certificate ::= SEQUENCE { TBSCertificate ::= SEQUENCE {
 * [0] version OPTIONAL, serialNumber, signature, issuer, validity,
 * subject, ... } ... } (RFC 5280 §4.1). NULL when malformed. */
static X509_NAME *
tls_der_subject(const unsigned char *der, long len)
{
	const unsigned char *p = der, *end = der + len, *q;
	long l;
	int tag, cls, i, r;

	for (i = 0; i < 2; i++) {   /* into Certificate, then TBSCertificate */
		r = ASN1_get_object(&p, &l, &tag, &cls, end - p);
		if ((r & 0x80) || !(r & V_ASN1_CONSTRUCTED) || tag != V_ASN1_SEQUENCE)
			return NULL;
		end = p + l;
	}
	for (i = 0; i < 6; i++) {
		q = p;
		r = ASN1_get_object(&q, &l, &tag, &cls, end - p);
		if ((r & 0x80) || (r & 1) || l > end - q)
			return NULL;
		if (i == 0 && !(cls == V_ASN1_CONTEXT_SPECIFIC && tag == 0))
			i++;   /* no version: this is the serial number */
		if (i == 5)
			return d2i_X509_NAME(NULL, &p, (q - p) + l);
		p = q + l;
	}
	return NULL;
}

/* Index ENT's bundle file: 1, or -1 when it cannot be read, holds no
 * certificate or a malformed one (then, as with X509_load_cert_crl_file,
 * nothing of it is used). */
static int
tls_bundle_index(struct tls_ctxent *ent)
{
	BIO *b = BIO_new_file(ent->bundle, "r");
	int rc = -1;

	if (b == NULL)
		return -1;
	for (;;) {
		char *nm = NULL, *hdr = NULL;
		unsigned char *data = NULL;
		long len = 0;
		int aux;

		if (!PEM_read_bio(b, &nm, &hdr, &data, &len)) {
			unsigned long last = ERR_peek_last_error();

			/* the end of the file, after at least one certificate */
			if (ERR_GET_LIB(last) == ERR_LIB_PEM &&
			    ERR_GET_REASON(last) == PEM_R_NO_START_LINE && ent->nbcerts > 0)
				rc = 1;
			break;
		}
		aux = strcmp(nm, PEM_STRING_X509_TRUSTED) == 0;
		if (aux || strcmp(nm, PEM_STRING_X509) == 0 ||
		    strcmp(nm, PEM_STRING_X509_OLD) == 0) {
			X509_NAME *subject = tls_der_subject(data, len);
			struct tls_bcert *nb = subject ? realloc(ent->bcerts,
			    (size_t)(ent->nbcerts + 1) * sizeof(*nb)) : NULL;

			if (nb == NULL) {
				X509_NAME_free(subject);
				OPENSSL_free(nm);
				OPENSSL_free(hdr);
				OPENSSL_free(data);
				break;
			}
			ent->bcerts = nb;
			nb[ent->nbcerts].subject = subject;
			nb[ent->nbcerts].der = data;
			nb[ent->nbcerts].len = len;
			nb[ent->nbcerts].aux = aux;
			nb[ent->nbcerts].added = 0;
			ent->nbcerts++;
			data = NULL;
		}
		OPENSSL_free(nm);
		OPENSSL_free(hdr);
		OPENSSL_free(data);
	}
	BIO_free(b);
	ERR_clear_error();
	return rc;
}

/* Decode every certificate of ENT's index whose subject is NAME and that
 * is not in the store yet, and add it to ST: how many were added. */
static int
tls_bundle_add(struct tls_ctxent *ent, X509_STORE *st, const X509_NAME *name)
{
	int i, added = 0;

	for (i = 0; i < ent->nbcerts; i++) {
		struct tls_bcert *b = &ent->bcerts[i];
		const unsigned char *p = b->der;
		X509 *x;

		if (b->added || X509_NAME_cmp(b->subject, name) != 0)
			continue;
		b->added = 1;
		x = b->aux ? d2i_X509_AUX(NULL, &p, b->len) : d2i_X509(NULL, &p, b->len);
		if (x != NULL && X509_STORE_add_cert(st, x))
			added++;
		X509_free(x);
	}
	ERR_clear_error();
	return added;
}

/*
 * The store's lookup method for the bundle: the certificates of the index
 * with subject NAME go into the store, as reading the whole file would have
 * put them there, and the store's first match is returned (borrowed, as
 * OpenSSL's own lookups return it). Called only inside a verification,
 * under tls_vlock, for names not in the store yet.
 */
static int
tls_bundle_by_subject(X509_LOOKUP *lu, X509_LOOKUP_TYPE type,
    const X509_NAME *name, X509_OBJECT *ret)
{
	struct tls_ctxent *ent = X509_LOOKUP_get_method_data(lu);
	X509_STORE *st = X509_LOOKUP_get_store(lu);
	X509_OBJECT *obj;
	int ok = 0;

	if (ent == NULL || st == NULL || ent->bundle_state != 1 || type != X509_LU_X509 ||
	    tls_bundle_add(ent, st, name) == 0 || !X509_STORE_lock(st))
		return 0;
	obj = X509_OBJECT_retrieve_by_subject(X509_STORE_get0_objects(st), type, name);
	if (obj != NULL && X509_OBJECT_set1_X509(ret, X509_OBJECT_get0_X509(obj))) {
		X509_free(X509_OBJECT_get0_X509(obj));   /* the store keeps its reference */
		ok = 1;
	}
	X509_STORE_unlock(st);
	return ok;
}

/* Lookups stop at the first source that knows a name: a certificate the
 * directory gave for a name hides the bundle's under the same name (a
 * renewed root, say). Add those of the bundle for every name the failed
 * verification in SCTX dealt with (the subjects and issuers of its chain
 * and of what the server sent): how many were added. */
static int
tls_bundle_chain(struct tls_ctxent *ent, X509_STORE_CTX *sctx)
{
	STACK_OF(X509) *sk[2];
	X509_STORE *st = X509_STORE_CTX_get0_store(sctx);
	X509 *leaf = X509_STORE_CTX_get0_cert(sctx);
	int added = 0, i, j;

	sk[0] = X509_STORE_CTX_get0_chain(sctx);
	sk[1] = X509_STORE_CTX_get0_untrusted(sctx);
	if (leaf) {
		added += tls_bundle_add(ent, st, X509_get_subject_name(leaf));
		added += tls_bundle_add(ent, st, X509_get_issuer_name(leaf));
	}
	for (i = 0; i < 2; i++)
		for (j = 0; sk[i] && j < sk_X509_num(sk[i]); j++) {
			X509 *x = sk_X509_value(sk[i], j);

			added += tls_bundle_add(ent, st, X509_get_subject_name(x));
			added += tls_bundle_add(ent, st, X509_get_issuer_name(x));
		}
	return added;
}

/* Last OpenSSL error as text, or FALLBACK. */
const char *
tls_errstr(char *buf, size_t cap, const char *fallback)
{
	unsigned long code = ERR_peek_last_error();

	tls_load_strings();

	if (code == 0) {
		snprintf(buf, cap, "%s", fallback);
	} else {
		const char *reason = ERR_reason_error_string(code);

		snprintf(buf, cap, "%s", reason ? reason : fallback);
	}
	ERR_clear_error();
	return buf;
}

/* Free what ENT holds (a session's own entry, or one that failed). */
void
tls_ctx_clear(struct tls_ctxent *ent)
{
	int i;

	SSL_CTX_free(ent->ctx);
	free(ent->ca_file);
	free(ent->ca_path);
	free(ent->bundle);
	for (i = 0; i < ent->nbcerts; i++) {
		X509_NAME_free(ent->bcerts[i].subject);
		OPENSSL_free(ent->bcerts[i].der);
	}
	free(ent->bcerts);
	memset(ent, 0, sizeof(*ent));
}

static int
tls_same(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* A new context in ENT for the trust setting of O: 0, or -1 with *E. */
static int
tls_ctx_make(struct tls_ctxent *ent, const struct tls_opts *o, struct err *e)
{
	char buf[256];
	unsigned long first;
	int ok;

	ent->anchors = o->verify != TLS_VERIFY_NONE;
	ent->ctx = SSL_CTX_new(TLS_client_method());
	if (ent->ctx == NULL)
		return err_set(e, ERR_INTERNAL, "cannot create a TLS context: %s",
		    tls_errstr(buf, sizeof(buf), "OpenSSL error"));
	/* verification never aborts the handshake: see tls_verify_cb */
	SSL_CTX_set_verify(ent->ctx, SSL_VERIFY_NONE, tls_verify_cb);
	/* the trust store is loaded only when something will be verified */
	if (!ent->anchors)
		return 0;
	if ((o->ca_file && (ent->ca_file = strdup(o->ca_file)) == NULL) ||
	    (o->ca_path && (ent->ca_path = strdup(o->ca_path)) == NULL))
		return err_set(e, ERR_INTERNAL, "out of memory");
	ok = tls_load_anchors(ent, o, e);
	if (ok < 0)
		return -1;
	first = ERR_peek_error();
	if (ok != 1 && ERR_GET_LIB(first) == ERR_LIB_PEM &&
	    ERR_GET_REASON(first) == PEM_R_UNSUPPORTED_ENCRYPTION) {
		/* a key in the file names a cipher: tls_add_pem_ciphers() */
		ERR_clear_error();
		tls_add_pem_ciphers();
		ok = tls_load_anchors(ent, o, e);
		if (ok < 0)
			return -1;
	}
	if (ok != 1)
		return err_set(e, ERR_USAGE, "cannot load trust anchors from %s: %s",
		    o->ca_file ? o->ca_file : o->ca_path ? o->ca_path :
		    "the system store", tls_errstr(buf, sizeof(buf), "unreadable"));
	SSL_CTX_set_cert_verify_callback(ent->ctx, tls_app_verify, ent);
	return 0;
}

/*
 * The context for O's trust setting: the process's shared one, made on
 * first use (under tls_lock, so concurrent sessions wait for one load of
 * the anchors instead of each loading them), or when the cache is full a
 * new one in *OWN for this session alone. NULL with *E filled.
 */
struct tls_ctxent *
tls_ctx_get(const struct tls_opts *o, struct tls_ctxent **own, struct err *e)
{
	struct tls_ctxent *ent = NULL;
	int anchors = o->verify != TLS_VERIFY_NONE, i;
	char buf[256];

	*own = NULL;
	pthread_mutex_lock(&tls_lock);
	for (i = 0; i < tls_nctx && ent == NULL; i++) {
		struct tls_ctxent *c = &tls_ctxs[i];

		if (c->anchors == anchors && (!anchors ||
		    (tls_same(c->ca_file, o->ca_file) && tls_same(c->ca_path, o->ca_path))))
			ent = c;
	}
	if (ent == NULL) {
		int shared = tls_nctx < TLS_CTX_MAX;
		struct tls_ctxent *c = shared ? &tls_ctxs[tls_nctx] : calloc(1, sizeof(*c));

		if (c == NULL) {
			err_set(e, ERR_INTERNAL, "out of memory");
		} else if (tls_ctx_make(c, o, e) < 0) {
			tls_ctx_clear(c);
			if (!shared)
				free(c);
		} else {
			ent = c;
			if (shared)
				tls_nctx++;
			else
				*own = c;
		}
	}
	if (ent && o->ntlsa > 0 && !ent->dane) {
		if (SSL_CTX_dane_enable(ent->ctx) <= 0) {
			err_set(e, ERR_INTERNAL, "cannot enable DANE: %s",
			    tls_errstr(buf, sizeof(buf), "OpenSSL error"));
			if (*own) {
				tls_ctx_clear(*own);
				free(*own);
				*own = NULL;
			}
			ent = NULL;
		} else {
			ent->dane = 1;
		}
	}
	pthread_mutex_unlock(&tls_lock);
	return ent;
}


/* Record every problem, keep verifying: the plugin reports them all. */
static int
tls_verify_cb(int ok, X509_STORE_CTX *sctx)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(sctx, SSL_get_ex_data_X509_STORE_CTX_idx());
	struct tls *t = ssl ? SSL_get_app_data(ssl) : NULL;
	int code = X509_STORE_CTX_get_error(sctx);
	int depth = X509_STORE_CTX_get_error_depth(sctx);

	if (ok || t == NULL)
		return 1;
	if (t->info.verify_code == 0)
		t->info.verify_code = code;
	/* where another trust anchor could change the verdict: no issuer
	 * found, an untrusted root, or anything wrong above the leaf */
	if (depth > 0 || code == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ||
	    code == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
	    code == X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE ||
	    code == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT ||
	    code == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN ||
	    code == X509_V_ERR_CERT_UNTRUSTED || code == X509_V_ERR_CERT_REJECTED)
		t->anchor_miss = 1;
	switch (code) {
	case X509_V_ERR_HOSTNAME_MISMATCH:
	case X509_V_ERR_IP_ADDRESS_MISMATCH:
		t->info.problems |= TLS_P_NAME;
		break;
	case X509_V_ERR_CERT_HAS_EXPIRED:
		t->info.problems |= depth == 0 ? TLS_P_EXPIRED : TLS_P_CHAIN_EXPIRED;
		break;
	case X509_V_ERR_CERT_NOT_YET_VALID:
		t->info.problems |= TLS_P_NOT_YET;
		break;
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
		t->info.problems |= TLS_P_SELF_SIGNED;
		break;
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
		t->info.problems |= TLS_P_UNTRUSTED_ROOT;
		break;
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
		t->info.problems |= TLS_P_UNKNOWN_CA;
		break;
	default:
		if (!(t->info.problems & TLS_P_OTHER))
			snprintf(t->other, sizeof(t->other), "%s (depth %d)",
			    X509_verify_cert_error_string(code), depth);
		t->info.problems |= TLS_P_OTHER;
	}
	return 1;
}

/*
 * The handshake's verification, one session at a time (tls_vlock). The
 * sessions of a process share one store, which a hashed directory fills
 * as issuers are asked for: verified together, the --all-mx threads would
 * each read (and decode, 1.6 M instructions in OpenSSL 3.0) the same CA.
 * Where the system store has a bundle file and verification failed for
 * want of an anchor (tls_verify_cb), the bundle is indexed (once per
 * process) and the chain verified again with the bundle's certificates
 * for every name the first pass dealt with, so that the verdict is the
 * one the directory and the whole bundle together give.
 */
static int
tls_app_verify(X509_STORE_CTX *sctx, void *arg)
{
	struct tls_ctxent *ent = arg;
	SSL *ssl = X509_STORE_CTX_get_ex_data(sctx, SSL_get_ex_data_X509_STORE_CTX_idx());
	struct tls *t = ssl ? SSL_get_app_data(ssl) : NULL;
	int ok, fresh = 0;

	pthread_mutex_lock(&tls_vlock);
	if (t)
		t->anchor_miss = 0;
	ok = X509_verify_cert(sctx);
	if (t && t->anchor_miss && ent->bundle) {
		if (ent->bundle_state == 0) {
			ent->bundle_state = tls_bundle_index(ent);
			fresh = 1;
		}
		/* an unreadable bundle adds nothing: the first verdict stands;
		 * once indexed, the first pass asked the bundle already, and
		 * only a name the directory answered can have more to give */
		if (ent->bundle_state == 1 && (tls_bundle_chain(ent, sctx) > 0 || fresh))
			ok = tls_verify_again(t, sctx);
	}
	pthread_mutex_unlock(&tls_vlock);
	return ok;
}

/* Verify SCTX's chain once more, in a new store context with the same
 * parameters (host name, purpose, security level, DANE), and leave the
 * outcome in SCTX for libssl; T's problems are those of this pass. */
static int
tls_verify_again(struct tls *t, X509_STORE_CTX *sctx)
{
	X509_STORE_CTX *c2 = X509_STORE_CTX_new();
	X509_VERIFY_PARAM *p2 = X509_VERIFY_PARAM_new();
	STACK_OF(X509) *chain;
	int ok = 0;

	if (c2 == NULL || p2 == NULL ||
	    !X509_STORE_CTX_init(c2, X509_STORE_CTX_get0_store(sctx),
	    X509_STORE_CTX_get0_cert(sctx), X509_STORE_CTX_get0_untrusted(sctx)) ||
	    !X509_VERIFY_PARAM_set1(p2, X509_STORE_CTX_get0_param(sctx))) {
		X509_VERIFY_PARAM_free(p2);
		X509_STORE_CTX_free(c2);
		X509_STORE_CTX_set_error(sctx, X509_V_ERR_OUT_OF_MEM);
		return 0;
	}
	X509_STORE_CTX_set0_param(c2, p2);
	X509_STORE_CTX_set_ex_data(c2, SSL_get_ex_data_X509_STORE_CTX_idx(),
	    t->ssl);
	X509_STORE_CTX_set_verify_cb(c2, X509_STORE_CTX_get_verify_cb(sctx));
	if (t->o.ntlsa > 0)
		X509_STORE_CTX_set0_dane(c2, SSL_get0_dane(t->ssl));
	t->info.problems = 0;
	t->info.verify_code = 0;
	t->other[0] = '\0';
	t->anchor_miss = 0;
	ok = X509_verify_cert(c2);
	X509_STORE_CTX_set_error(sctx, X509_STORE_CTX_get_error(c2));
	X509_STORE_CTX_set_error_depth(sctx, X509_STORE_CTX_get_error_depth(c2));
	X509_STORE_CTX_set_current_cert(sctx, X509_STORE_CTX_get_current_cert(c2));
	chain = X509_STORE_CTX_get1_chain(c2);
	if (chain)
		X509_STORE_CTX_set0_verified_chain(sctx, chain);
	X509_VERIFY_PARAM_move_peername(X509_STORE_CTX_get0_param(sctx),
	    X509_STORE_CTX_get0_param(c2));
	X509_STORE_CTX_free(c2);
	return ok;
}

/* tls_probe.c - see tls.h: the extra handshakes of --all-certs and the
 * TLS floor probes (--forbid-tls, --forbid-cipher), each on a probe
 * connection of its own. What a probe offers (the signature algorithms of
 * one key type, one protocol version, weak cipher suites, a lowered
 * security level) is set on its SSL alone: the shared SSL_CTX of
 * tls_store.c stays as every other session of the run sees it. Also the
 * leaf key's type and size (tls_key_facts). */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "tls_int.h"

static void tls_probe_msg_cb(int write_p, int version, int content_type,
    const void *buf, size_t len, SSL *ssl, void *arg);
static void tls_quality_facts(X509 *cert, struct tls_info *in);
static int tls_weak_md(const X509 *x);

/* The signature algorithms of each key type: a server that holds a
 * certificate of that type must pick it (RFC 8446 §4.2.3, RFC 5246
 * §7.4.1.4.1), one that does not must decline. RSA-PSS with an rsaEncryption
 * key (rsae) is what TLS 1.3 uses for ordinary RSA certificates. */
static const char *const tls_key_sigalgs[] = {
	[TLS_KEY_RSA] = "rsa_pss_rsae_sha256:rsa_pss_rsae_sha384:rsa_pss_rsae_sha512:"
	    "rsa_pkcs1_sha256:rsa_pkcs1_sha384:rsa_pkcs1_sha512",
	[TLS_KEY_ECDSA] = "ecdsa_secp256r1_sha256:ecdsa_secp384r1_sha384:"
	    "ecdsa_secp521r1_sha512",
	[TLS_KEY_EDDSA] = "ed25519:ed448",
};

/* --forbid-cipher=weak: no forward secrecy (static RSA key exchange),
 * RC4, 3DES, export, NULL and anonymous suites; OpenSSL drops the
 * keywords it does not know (EXP, RC4 and 3DES in a build without them). */
#define TLS_WEAK_CIPHERS "kRSA:aNULL:eNULL:RC4:3DES:EXP:@SECLEVEL=0"

/* Each protocol message of a probe: did our hello go out, did the server
 * answer in TLS, did an alert pass either way? */
static void
tls_probe_msg_cb(int write_p, int version, int content_type, const void *buf,
    size_t len, SSL *ssl, void *arg)
{
	struct tls *t = arg;

	(void)version;
	(void)buf;
	(void)len;
	(void)ssl;
	if (content_type == SSL3_RT_ALERT || (!write_p &&
	    content_type == SSL3_RT_HANDSHAKE))
		t->alert = 1;
	else if (write_p && content_type == SSL3_RT_HANDSHAKE && t->alert == 0)
		t->alert = 2;
}

struct tls *
tls_probe_new(const struct tls_opts *o, const struct tls_restrict *r, struct err *e)
{
	static const int vers[] = { 0, TLS1_VERSION, TLS1_1_VERSION, TLS1_2_VERSION,
	    TLS1_3_VERSION };
	struct tls *t = tls_new(o, e);
	char buf[256];
	int ok = 1;

	if (t == NULL)
		return NULL;
	SSL_set_msg_callback(t->ssl, tls_probe_msg_cb);
	SSL_set_msg_callback_arg(t->ssl, t);
	if (r->seclevel >= 0)
		SSL_set_security_level(t->ssl, r->seclevel);
	if (r->key > TLS_KEY_NONE && r->key < TLS_KEY_OTHER)
		ok = SSL_set1_sigalgs_list(t->ssl, tls_key_sigalgs[r->key]) == 1;
	if (ok && r->version >= 10 && r->version <= 13) {
		int v = vers[r->version - 9];

		ok = SSL_set_min_proto_version(t->ssl, v) == 1 &&
		    SSL_set_max_proto_version(t->ssl, v) == 1;
		/* TLS 1.0/1.1 need SHA-1 and the CBC suites at security level 0 */
		if (ok && r->version < 12)
			ok = SSL_set_cipher_list(t->ssl, "DEFAULT:@SECLEVEL=0") == 1;
	}
	if (ok && r->weak)
		ok = SSL_set_min_proto_version(t->ssl, TLS1_VERSION) == 1 &&
		    SSL_set_max_proto_version(t->ssl, TLS1_2_VERSION) == 1 &&
		    SSL_set_cipher_list(t->ssl, TLS_WEAK_CIPHERS) == 1;
	if (!ok) {
		err_set(e, ERR_INTERNAL, "cannot restrict the probe handshake: %s",
		    tls_errstr(buf, sizeof(buf), "OpenSSL refused the setting"));
		tls_free(t);
		return NULL;
	}
	return t;
}

int
tls_probe_answered(const struct tls *t)
{
	return t->alert;
}

void
tls_key_facts(X509 *cert, struct tls_info *in)
{
	EVP_PKEY *k = X509_get0_pubkey(cert);
	char curve[64] = "";
	size_t len = 0;

	in->key_type = TLS_KEY_NONE;
	in->key_bits = 0;
	in->key_text[0] = '\0';
	if (k == NULL)
		return;
	in->key_bits = EVP_PKEY_get_bits(k);
	if (EVP_PKEY_is_a(k, "RSA") || EVP_PKEY_is_a(k, "RSA-PSS")) {
		in->key_type = TLS_KEY_RSA;
		snprintf(in->key_text, sizeof(in->key_text), "RSA %d", in->key_bits);
	} else if (EVP_PKEY_is_a(k, "EC")) {
		in->key_type = TLS_KEY_ECDSA;
		if (EVP_PKEY_get_utf8_string_param(k, "group", curve, sizeof(curve),
		    &len) != 1)
			snprintf(curve, sizeof(curve), "%d bits", in->key_bits);
		else if (strcmp(curve, "prime256v1") == 0)
			snprintf(curve, sizeof(curve), "P-256");
		else if (strcmp(curve, "secp384r1") == 0)
			snprintf(curve, sizeof(curve), "P-384");
		else if (strcmp(curve, "secp521r1") == 0)
			snprintf(curve, sizeof(curve), "P-521");
		snprintf(in->key_text, sizeof(in->key_text), "ECDSA %s", curve);
	} else if (EVP_PKEY_is_a(k, "ED25519") || EVP_PKEY_is_a(k, "ED448")) {
		in->key_type = TLS_KEY_EDDSA;
		snprintf(in->key_text, sizeof(in->key_text), "%s",
		    EVP_PKEY_is_a(k, "ED25519") ? "Ed25519" : "Ed448");
	} else {
		in->key_type = TLS_KEY_OTHER;
		snprintf(in->key_text, sizeof(in->key_text), "%.20s %d",
		    EVP_PKEY_get0_type_name(k) ? EVP_PKEY_get0_type_name(k) : "key",
		    in->key_bits);
	}
	tls_quality_facts(cert, in);
	ERR_clear_error();
}

/* The digest of X's signature: TLS_WEAK_SHA1, TLS_WEAK_MD5 or 0. */
static int
tls_weak_md(const X509 *x)
{
	int md = NID_undef, pk = NID_undef;

	if (!OBJ_find_sigid_algs(X509_get_signature_nid(x), &md, &pk))
		return 0;
	if (md == NID_sha1)
		return TLS_WEAK_SHA1;
	if (md == NID_md5 || md == NID_md5_sha1)
		return TLS_WEAK_MD5;
	return 0;
}

static void
tls_quality_facts(X509 *cert, struct tls_info *in)
{
	EXTENDED_KEY_USAGE *eku;
	TLS_FEATURE *feat;
	int day = 0, sec = 0, i;

	snprintf(in->sig_alg, sizeof(in->sig_alg), "%s",
	    OBJ_nid2ln(X509_get_signature_nid(cert)));
	in->eku = TLS_EKU_NONE;
	eku = X509_get_ext_d2i(cert, NID_ext_key_usage, NULL, NULL);
	if (eku != NULL) {
		in->eku = TLS_EKU_OTHER;
		for (i = 0; i < sk_ASN1_OBJECT_num(eku); i++) {
			int nid = OBJ_obj2nid(sk_ASN1_OBJECT_value(eku, i));

			if (nid == NID_server_auth || nid == NID_anyExtendedKeyUsage)
				in->eku = TLS_EKU_SERVER;
		}
		EXTENDED_KEY_USAGE_free(eku);
	}
	/* RFC 7633: TLS feature 5 (status_request) in a SEQUENCE of INTEGER */
	in->must_staple = 0;
	feat = X509_get_ext_d2i(cert, NID_tlsfeature, NULL, NULL);
	if (feat != NULL) {
		for (i = 0; i < sk_ASN1_INTEGER_num(feat); i++)
			if (ASN1_INTEGER_get(sk_ASN1_INTEGER_value(feat, i)) == 5)
				in->must_staple = 1;
		TLS_FEATURE_free(feat);
	}
	if (ASN1_TIME_diff(&day, &sec, X509_get0_notBefore(cert),
	    X509_get0_notAfter(cert)))
		in->validity_days = day;
}

void
tls_chain_facts(SSL *ssl, struct tls_info *in)
{
	STACK_OF(X509) *chain = SSL_get_peer_cert_chain(ssl);
	const unsigned char *resp = NULL;
	int i;

	in->weak_md = 0;
	in->weak_where[0] = '\0';
	for (i = 0; chain && i < sk_X509_num(chain) && !in->weak_md; i++) {
		X509 *x = sk_X509_value(chain, i);

		/* a root's own signature is not checked by anyone */
		if (i > 0 && (X509_get_extension_flags(x) & EXFLAG_SS))
			continue;
		in->weak_md = tls_weak_md(x);
		if (in->weak_md && i == 0) {
			snprintf(in->weak_where, sizeof(in->weak_where), "the leaf");
		} else if (in->weak_md) {
			char *n = X509_NAME_oneline(X509_get_subject_name(x), NULL, 0);

			snprintf(in->weak_where, sizeof(in->weak_where), "intermediate %.200s",
			    n ? n : "?");
			OPENSSL_free(n);
		}
	}
	in->stapled = SSL_get_tlsext_status_ocsp_resp(ssl, &resp) > 0 && resp != NULL;
}

/* tls.c - see tls.h: a TLS session over a struct conn and the facts of its
 * certificate. The shared contexts, the trust store and the verification
 * are in tls_store.c; these two are the only files that include OpenSSL
 * headers (through tls_int.h). */
#include <config.h>

#include <sys/stat.h>

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/pem.h>

#include "net.h"
#include "tls_int.h"

static long tls_read(void *ctx, int fd, void *buf, size_t n, short *events,
    struct err *e);
static long tls_write(void *ctx, int fd, const void *buf, size_t n,
    short *events, struct err *e);
static size_t tls_pending(void *ctx);
static void tls_collect(struct tls *t);
static int tls_io_error(struct tls *t, int rc, short *events, struct err *e,
    const char *what);

static const struct conn_transport tls_transport = {
	tls_read, tls_write, tls_pending
};

struct tls *
tls_new(const struct tls_opts *o, struct err *e)
{
	struct tls *t = calloc(1, sizeof(*t));
	char buf[256];

	if (t == NULL) {
		err_set(e, ERR_INTERNAL, "out of memory");
		return NULL;
	}
	t->o = *o;
	/*
	 * Start-up work OpenSSL 3 does by default and a check does not need
	 * (callgrind, STARTTLS against Postfix: 23.7 M instructions -> 20.3 M):
	 * - NO_ATEXIT: the process exits right after the check; the atexit
	 *   cleanup would spend 1.4 M freeing memory the kernel reclaims anyway
	 *   (it stays reachable, not leaked).
	 * - NO_ADD_ALL_CIPHERS: the legacy name table of ~150 ciphers (888
	 *   names, 1.3 M, and as much again copying them into the provider
	 *   name map) serves only EVP_get_cipherbyname(): encrypted PEM keys,
	 *   PKCS#12, CMS (see tls_add_pem_ciphers() for PEM files). libssl
	 *   fetches its ciphers from the provider by their canonical names,
	 *   so the TLS cipher suites stay the same (86 with "ALL", checked).
	 *   The digest table stays: certificate verification looks signature
	 *   digests up there (without it every certificate is "CA signature
	 *   digest algorithm too weak").
	 * - the error strings: see tls_load_strings().
	 */
	OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT | OPENSSL_INIT_NO_ADD_ALL_CIPHERS,
	    NULL);
	OPENSSL_init_ssl(TLS_INIT_STRINGS, NULL);
	t->ent = tls_ctx_get(o, &t->own, e);
	if (t->ent == NULL)
		goto fail;
	t->ssl = SSL_new(t->ent->ctx);
	if (t->ssl == NULL) {
		err_set(e, ERR_INTERNAL, "cannot create a TLS session: %s",
		    tls_errstr(buf, sizeof(buf), "OpenSSL error"));
		goto fail;
	}
	SSL_set_app_data(t->ssl, t);
	/* a peer that drops the TCP connection is "closed", not a TLS error
	 * (mail servers often hang up after QUIT without close_notify) */
	if (!o->strict_eof)
		SSL_set_options(t->ssl, SSL_OP_IGNORE_UNEXPECTED_EOF);
	if (o->ntlsa > 0) {
		int i;

		/* SNI stays the host name below; DANE-EE needs no name match
		 * (RFC 7672 §3.1.1) */
		if (SSL_dane_enable(t->ssl, o->dane_base) <= 0) {
			err_set(e, ERR_INTERNAL, "cannot enable DANE: %s",
			    tls_errstr(buf, sizeof(buf), "OpenSSL error"));
			goto fail;
		}
		SSL_dane_set_flags(t->ssl, DANE_FLAG_NO_DANE_EE_NAMECHECKS);
		for (i = 0; i < o->ntlsa; i++) {
			const struct tls_tlsa *r = &o->tlsa[i];

			if (SSL_dane_tlsa_add(t->ssl, r->usage, r->selector, r->mtype,
			    r->data, r->len) > 0) {
				t->info.dane_usable++;
				if (i < TLS_TLSA_MAX)
					t->info.tlsa_usable[i] = 1;
			}
		}
		ERR_clear_error();
	}
	if (o->sni && !net_is_literal(o->sni))
		SSL_set_tlsext_host_name(t->ssl, o->sni);
	/* ask for a stapled OCSP response: must-staple is judged on it */
	SSL_set_tlsext_status_type(t->ssl, TLSEXT_STATUSTYPE_ocsp);
	if (o->verify == TLS_VERIFY_FULL) {
		if (o->sni && !net_is_literal(o->sni)) {
			snprintf(t->name, sizeof(t->name), "%s", o->sni);
			SSL_set1_host(t->ssl, o->sni);
		} else if (o->verify_ip || o->sni) {
			const char *ip = o->verify_ip ? o->verify_ip : o->sni;

			snprintf(t->name, sizeof(t->name), "%s", ip);
			X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(t->ssl), ip);
		}
	}
	return t;
fail:
	tls_free(t);
	return NULL;
}

void
tls_problem_words(unsigned problems, double days_left,
    const char *not_before, const char *not_after, const char *name,
    const char *cert_names, const char *other_text, char *out, size_t cap)
{
	size_t o = 0;

#define TLS_ADD(...) do { \
		if (o < cap) { \
			int n_ = snprintf(out + o, cap - o, "%s", o ? "; " : ""); \
			o += n_ > 0 ? (size_t)n_ : 0; \
		} \
		if (o < cap) { \
			int n_ = snprintf(out + o, cap - o, __VA_ARGS__); \
			o += n_ > 0 ? (size_t)n_ : 0; \
		} \
	} while (0)

	if (cap == 0)
		return;
	out[0] = '\0';
	if (problems & TLS_P_NO_CERT)
		TLS_ADD("server sent no certificate");
	if (problems & TLS_P_EXPIRED) {
		long ago = (long)-days_left;   /* as cert_days: truncated toward zero */

		if (ago < 1)
			TLS_ADD("certificate expired today (notAfter %s)", not_after);
		else
			TLS_ADD("certificate expired %ld day%s ago (notAfter %s)", ago,
			    ago == 1 ? "" : "s", not_after);
	}
	if (problems & TLS_P_NOT_YET)
		TLS_ADD("certificate not yet valid (notBefore %s)", not_before);
	if (problems & TLS_P_NAME)
		TLS_ADD("certificate name mismatch: %s is not among its names (%s)",
		    name && *name ? name : "?", cert_names && *cert_names ?
		    cert_names : "none");
	if (problems & TLS_P_SELF_SIGNED)
		TLS_ADD("self-signed certificate, not issued by a trusted CA");
	else if (problems & TLS_P_UNTRUSTED_ROOT)
		TLS_ADD("the chain ends in a self-signed root that is not trusted");
	else if (problems & TLS_P_UNKNOWN_CA)
		TLS_ADD("unknown issuer: the chain does not lead to a trusted CA");
	if (problems & TLS_P_CHAIN_EXPIRED)
		TLS_ADD("a CA certificate in the chain has expired");
	if (problems & TLS_P_OTHER)
		TLS_ADD("certificate verification failed: %s",
		    other_text && *other_text ? other_text : "unknown reason");
#undef TLS_ADD
}

static void
tls_time_text(const ASN1_TIME *at, char *out, size_t cap, int64_t *epoch)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (at == NULL || ASN1_TIME_to_tm(at, &tm) != 1) {
		snprintf(out, cap, "?");
		return;
	}
	strftime(out, cap, "%Y-%m-%d %H:%M:%S UTC", &tm);
	if (epoch)
		*epoch = (int64_t)timegm(&tm);
}

static void
tls_name_text(X509_NAME *nm, char *out, size_t cap)
{
	BIO *b = BIO_new(BIO_s_mem());
	int n;

	out[0] = '\0';
	if (b == NULL)
		return;
	X509_NAME_print_ex(b, nm, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
	n = BIO_read(b, out, (int)cap - 1);
	out[n > 0 ? n : 0] = '\0';
	BIO_free(b);
	{
		char tmp[TLS_TEXT];

		err_sanitize(tmp, sizeof(tmp), out, strlen(out));
		snprintf(out, cap, "%s", tmp);
	}
}

static void
tls_san_text(X509 *cert, char *out, size_t cap)
{
	GENERAL_NAMES *gens = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
	size_t o = 0;
	int i;

	out[0] = '\0';
	if (gens == NULL)
		return;
	for (i = 0; i < sk_GENERAL_NAME_num(gens) && o + 1 < cap; i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		char item[300] = "";

		if (g->type == GEN_DNS) {
			const unsigned char *d = ASN1_STRING_get0_data(g->d.dNSName);
			int len = ASN1_STRING_length(g->d.dNSName);
			char clean[256];

			err_sanitize(clean, sizeof(clean), (const char *)d, (size_t)len);
			snprintf(item, sizeof(item), "DNS:%s", clean);
		} else if (g->type == GEN_IPADD) {
			int len = ASN1_STRING_length(g->d.iPAddress);
			char ip[NET_ADDRSTR];

			if (inet_ntop(len == 16 ? AF_INET6 : AF_INET,
			    ASN1_STRING_get0_data(g->d.iPAddress), ip, sizeof(ip)))
				snprintf(item, sizeof(item), "IP:%s", ip);
		}
		if (item[0]) {
			int n = snprintf(out + o, cap - o, "%s%s", o ? ", " : "", item);

			o += n > 0 ? (size_t)n : 0;
			if (o >= cap)
				o = cap - 1;
		}
	}
	GENERAL_NAMES_free(gens);
}

/* The facts of one certificate: names, validity, fingerprint. */
static void
tls_cert_facts(X509 *cert, struct tls_info *in)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;
	int day = 0, sec = 0;

	tls_name_text(X509_get_subject_name(cert), in->subject, sizeof(in->subject));
	tls_name_text(X509_get_issuer_name(cert), in->issuer, sizeof(in->issuer));
	tls_san_text(cert, in->names, sizeof(in->names));
	tls_key_facts(cert, in);
	tls_time_text(X509_get0_notBefore(cert), in->not_before,
	    sizeof(in->not_before), NULL);
	tls_time_text(X509_get0_notAfter(cert), in->not_after,
	    sizeof(in->not_after), &in->not_after_epoch);
	if (ASN1_TIME_diff(&day, &sec, NULL, X509_get0_notAfter(cert)))
		in->days_left = day + sec / 86400.0;
	if (X509_digest(cert, EVP_sha256(), md, &mdlen)) {
		for (i = 0; i < mdlen && (size_t)i * 3 + 3 <= sizeof(in->fingerprint); i++)
			snprintf(in->fingerprint + (size_t)i * 3, 4, "%02X%s", md[i],
			    i + 1 < mdlen ? ":" : "");
	}
}

/* Does TLSA record R (RFC 6698 §2.1) match certificate X? Selector 0 is
 * the whole certificate, 1 its SubjectPublicKeyInfo; matching type 0 the
 * DER itself, 1 SHA-256, 2 SHA-512. */
static int
tls_tlsa_matches(const struct tls_tlsa *r, X509 *x)
{
	unsigned char *der = NULL, md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	int len, ok = 0;

	if (r->selector == 0)
		len = i2d_X509(x, &der);
	else if (r->selector == 1)
		len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &der);
	else
		return 0;
	if (len <= 0)
		return 0;
	if (r->mtype == 0)
		ok = (size_t)len == r->len && memcmp(der, r->data, r->len) == 0;
	else if ((r->mtype == 1 || r->mtype == 2) && EVP_Digest(der, (size_t)len, md,
	    &mdlen, r->mtype == 1 ? EVP_sha256() : EVP_sha512(), NULL))
		ok = mdlen == r->len && memcmp(md, r->data, mdlen) == 0;
	OPENSSL_free(der);
	return ok;
}

/* For each TLSA record: does it match what the server sent? Usages 1 and 3
 * name the leaf; 0 and 2 a CA, which may also come from the local store
 * (the verified chain). This is reported apart from OpenSSL's verdict so
 * that a record matching nothing (a next key published ahead of a
 * rollover, or one left behind) can be named. */
static void
tls_tlsa_each(struct tls *t, X509 *leaf)
{
	STACK_OF(X509) *sent = SSL_get_peer_cert_chain(t->ssl);
	STACK_OF(X509) *built = SSL_get0_verified_chain(t->ssl);
	int i, j;

	t->info.ntlsa = t->o.ntlsa < TLS_TLSA_MAX ? t->o.ntlsa : TLS_TLSA_MAX;
	for (i = 0; i < t->info.ntlsa; i++) {
		const struct tls_tlsa *r = &t->o.tlsa[i];
		int m = 0;

		if (r->usage == 1 || r->usage == 3) {
			m = leaf != NULL && tls_tlsa_matches(r, leaf);
		} else if (r->usage == 0 || r->usage == 2) {
			for (j = 0; !m && sent && j < sk_X509_num(sent); j++)
				m = tls_tlsa_matches(r, sk_X509_value(sent, j));
			for (j = 0; !m && built && j < sk_X509_num(built); j++)
				m = tls_tlsa_matches(r, sk_X509_value(built, j));
		}
		t->info.tlsa_match[i] = (unsigned char)m;
	}
}

static void
tls_collect(struct tls *t)
{
	struct tls_info *in = &t->info;
	STACK_OF(X509) *chain = SSL_get_peer_cert_chain(t->ssl);
	X509 *cert = SSL_get1_peer_certificate(t->ssl);
	int v = SSL_version(t->ssl);

	snprintf(in->protocol, sizeof(in->protocol), "%s", SSL_get_version(t->ssl));
	snprintf(in->cipher, sizeof(in->cipher), "%s", SSL_get_cipher_name(t->ssl));
	in->chain_len = chain ? sk_X509_num(chain) : 0;
	in->version_ok = !((t->o.min_version == 13 && v < TLS1_3_VERSION) ||
	    (t->o.min_version == 12 && v < TLS1_2_VERSION));
	if (t->o.ntlsa > 0)
		tls_tlsa_each(t, cert);
	tls_chain_facts(t->ssl, in);
	if (cert == NULL) {
		in->problems |= TLS_P_NO_CERT;
	} else {
		tls_cert_facts(cert, in);
		/* expiry is judged even when nothing else is verified */
		if (in->days_left < 0)
			in->problems |= TLS_P_EXPIRED;
		X509_free(cert);
	}
	if (in->dane_usable > 0) {
		uint8_t u, sel, mt;
		const unsigned char *d;
		size_t dl, i, o = 0;

		if (SSL_get0_dane_authority(t->ssl, NULL, NULL) >= 0 &&
		    SSL_get0_dane_tlsa(t->ssl, &u, &sel, &mt, &d, &dl) >= 0) {
			in->dane = 1;
			o = (size_t)snprintf(in->dane_match, sizeof(in->dane_match),
			    "%u %u %u ", u, sel, mt);
			for (i = 0; i < dl && i < 16 && o + 3 < sizeof(in->dane_match); i++)
				o += (size_t)snprintf(in->dane_match + o,
				    sizeof(in->dane_match) - o, "%02x", d[i]);
			if (dl > 16 && o + 4 < sizeof(in->dane_match))
				snprintf(in->dane_match + o, sizeof(in->dane_match) - o, "...");
			/* RFC 7672 §3: a DANE match authenticates the server */
			in->verified = 1;
			in->problems &= TLS_P_EXPIRED;   /* expiry still judged by -D */
			return;
		}
		in->dane = -1;
	}
	switch (t->o.verify) {
	case TLS_VERIFY_NONE:
		in->verified = 1;
		break;
	case TLS_VERIFY_CHAIN:
		in->verified = !(in->problems & ~TLS_P_NAME);
		break;
	default:
		in->verified = in->problems == 0;
	}
	if (in->dane < 0) {
		in->verified = 0;
		snprintf(in->verify_msg, sizeof(in->verify_msg), "DANE: no TLSA record of "
		    "%s matches the certificate (SHA-256 %.23s...)", t->o.dane_base,
		    in->fingerprint);
		return;
	}
	if (!in->verified)
		tls_problem_words(t->o.verify == TLS_VERIFY_CHAIN ?
		    in->problems & ~TLS_P_NAME : in->problems, in->days_left,
		    in->not_before, in->not_after, t->name, in->names, t->other,
		    in->verify_msg, sizeof(in->verify_msg));
}

int
tls_start(struct tls *t, struct conn *c, struct err *e)
{
	char buf[256];

	if (SSL_set_fd(t->ssl, c->fd) != 1)
		return err_set(e, ERR_INTERNAL, "cannot attach TLS to the socket");
	ERR_clear_error();
	for (;;) {
		int rc = SSL_connect(t->ssl), w;
		short events;

		if (rc == 1)
			break;
		switch (SSL_get_error(t->ssl, rc)) {
		case SSL_ERROR_WANT_READ:
			events = POLLIN;
			break;
		case SSL_ERROR_WANT_WRITE:
			events = POLLOUT;
			break;
		case SSL_ERROR_ZERO_RETURN:
			return err_set(e, ERR_TLS,
			    "connection closed by server during the TLS handshake");
		case SSL_ERROR_SYSCALL:
			if (ERR_peek_last_error() == 0)
				return err_sys(e, ERR_TLS, errno, errno ?
				    "TLS handshake failed: %s" :
				    "connection closed by server during the TLS handshake%s",
				    errno ? strerror(errno) : "");
			/* fall through */
		default:
			/* the first bytes were no TLS record: a greeting in clear
			 * ("220 ...", "* OK", "+OK") where TLS was expected */
			if (ERR_GET_LIB(ERR_peek_last_error()) == ERR_LIB_SSL &&
			    ERR_GET_REASON(ERR_peek_last_error()) == SSL_R_WRONG_VERSION_NUMBER) {
				ERR_clear_error();
				return err_set(e, ERR_TLS, "TLS handshake failed: the server "
				    "answered in clear, not with TLS (wrong version number)");
			}
			return err_set(e, ERR_TLS, "TLS handshake failed: %s",
			    tls_errstr(buf, sizeof(buf), "protocol error"));
		}
		w = conn_wait(c->fd, events, c->dl);
		if (w == 0)
			return err_set(e, ERR_TIMEOUT, "TLS handshake not done");
		if (w < 0)
			return err_sys(e, ERR_TLS, errno, "poll failed: %s", strerror(errno));
	}
	t->started = 1;
	tls_collect(t);
	conn_set_transport(c, &tls_transport, t);
	if (c->transcript)
		sbuf_printf(c->transcript, "-- TLS handshake done: %s, %s\n",
		    t->info.protocol, t->info.cipher);
	return 0;
}

const struct tls_info *
tls_get_info(const struct tls *t)
{
	return &t->info;
}

static int
tls_io_error(struct tls *t, int rc, short *events, struct err *e, const char *what)
{
	char buf[256];

	switch (SSL_get_error(t->ssl, rc)) {
	case SSL_ERROR_WANT_READ:
		*events = POLLIN;
		return CONN_WOULD_BLOCK;
	case SSL_ERROR_WANT_WRITE:
		*events = POLLOUT;
		return CONN_WOULD_BLOCK;
	case SSL_ERROR_ZERO_RETURN:
		return 0;
	case SSL_ERROR_SYSCALL:
		if (ERR_peek_last_error() == 0) {
			if (errno == 0)
				return 0;
			t->broken = 1;   /* OpenSSL: no SSL_shutdown after this */
			return err_sys(e, ERR_CLOSED, errno, "connection %s: %s",
			    errno == ECONNRESET ? "reset by server" : "failed",
			    strerror(errno));
		}
		/* fall through */
	default:
		t->broken = 1;
		return err_set(e, ERR_TLS, "TLS %s failed: %s", what,
		    tls_errstr(buf, sizeof(buf), "protocol error"));
	}
}

static long
tls_read(void *ctx, int fd, void *buf, size_t n, short *events, struct err *e)
{
	struct tls *t = ctx;
	size_t got = 0;
	int rc;

	(void)fd;
	ERR_clear_error();
	errno = 0;
	rc = SSL_read_ex(t->ssl, buf, n, &got);
	if (rc == 1)
		return (long)got;
	return tls_io_error(t, rc, events, e, "read");
}

static long
tls_write(void *ctx, int fd, const void *buf, size_t n, short *events,
    struct err *e)
{
	struct tls *t = ctx;
	size_t put = 0;
	int rc;

	(void)fd;
	ERR_clear_error();
	errno = 0;
	rc = SSL_write_ex(t->ssl, buf, n, &put);
	if (rc == 1)
		return (long)put;
	rc = tls_io_error(t, rc, events, e, "write");
	if (rc == 0)
		return err_set(e, ERR_CLOSED, "connection closed by server while sending");
	return rc;
}

static size_t
tls_pending(void *ctx)
{
	const struct tls *t = ctx;

	return (size_t)SSL_pending(t->ssl);
}

void
tls_free(struct tls *t)
{
	if (t == NULL)
		return;
	if (t->ssl) {
		if (t->started && !t->broken)
			(void)SSL_shutdown(t->ssl);   /* close_notify, no wait */
		SSL_free(t->ssl);
	}
	if (t->own) {
		tls_ctx_clear(t->own);
		free(t->own);
	}
	ERR_clear_error();
	free(t);
}

int
tls_cert_file(const char *path, struct tls_info *out, struct err *e)
{
	BIO *b;
	X509 *x;
	char buf[256];

	memset(out, 0, sizeof(*out));
	ERR_clear_error();
	b = BIO_new_file(path, "r");
	if (b == NULL)
		return err_sys(e, ERR_USAGE, errno, "cannot read %s: %s", path,
		    strerror(errno ? errno : ENOENT));
	/* skips other PEM blocks (a private key before the certificate) */
	x = PEM_read_bio_X509(b, NULL, NULL, NULL);
	BIO_free(b);
	if (x == NULL)
		return err_set(e, ERR_USAGE, "%s holds no PEM certificate (%s)", path,
		    tls_errstr(buf, sizeof(buf), "no CERTIFICATE block"));
	tls_cert_facts(x, out);
	X509_free(x);
	return 0;
}

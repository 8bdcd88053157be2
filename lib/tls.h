/* tls.h - TLS for every plugin: the only file that uses OpenSSL.
 *
 * tls_start runs the handshake over a connected struct conn (implicit TLS
 * from the first byte, or after a STARTTLS/STLS go-ahead) within the run's
 * deadline, then switches the conn to TLS I/O. Verification never aborts
 * the handshake: its outcome is reported in struct tls_info so the plugin
 * can say in plain words what is wrong and still show the certificate. */
#ifndef MP_TLS_H
#define MP_TLS_H

#include <stdint.h>

#include "conn.h"
#include "err.h"

enum tls_verify_mode {
	TLS_VERIFY_FULL = 0,   /* chain to a trusted CA and host name */
	TLS_VERIFY_CHAIN,      /* chain only */
	TLS_VERIFY_NONE        /* nothing (the facts are still reported) */
};

/* A TLSA record as lib/dns hands it over (RFC 6698 §2.1). */
struct tls_tlsa {
	unsigned char usage, selector, mtype;
	const unsigned char *data;
	size_t len;
};

struct tls_opts {
	const char *sni;        /* server name for SNI and the name check, or NULL */
	const char *verify_ip;  /* IP literal to check instead of a name, or NULL */
	enum tls_verify_mode verify;
	const char *ca_file;    /* trust anchors, or NULL (with ca_path NULL):
	                         * the system store, its hashed directory
	                         * (SSL_CERT_DIR) first, its bundle file
	                         * (SSL_CERT_FILE) where that finds no anchor */
	const char *ca_path;
	int min_version;        /* 0, or 12 / 13: fail when older was negotiated */
	const struct tls_tlsa *tlsa;   /* validated TLSA records for DANE, or NULL */
	int ntlsa;
	const char *dane_base;  /* the TLSA base domain (the host name) */
	int strict_eof;         /* the stream must end with close_notify: a TCP
	                         * close without one is an error (a body read to
	                         * the end, which an attacker could cut short) */
};

#define TLS_TEXT 512
#define TLS_TLSA_MAX 16   /* as DNS_TLSA_MAX */

/* What the handshake proved, for output and thresholds. */
struct tls_info {
	char protocol[16];          /* "TLSv1.3" */
	char cipher[64];
	char subject[TLS_TEXT];     /* RFC 2253 form */
	char issuer[TLS_TEXT];
	char names[TLS_TEXT];       /* SAN DNS/IP names, comma separated */
	char not_before[32];        /* "2026-11-24 03:30:00 UTC" */
	char not_after[32];
	char fingerprint[100];      /* SHA-256, hex with colons */
	int64_t not_after_epoch;
	double days_left;           /* may be negative */
	int chain_len;              /* certificates the server sent */
	int verified;               /* 1 when verification (as configured) passed */
	unsigned problems;          /* TLS_P_* bits found (even with --verify=none) */
	long verify_code;           /* first OpenSSL X509_V_* error, 0 when none */
	char verify_msg[TLS_TEXT];  /* plain words when !verified */
	int version_ok;             /* 0 when older than min_version */
	int dane_usable;            /* TLSA records OpenSSL could use */
	int dane;                   /* 1 matched, -1 none matched, 0 not used */
	char dane_match[TLS_TEXT];  /* the record that matched, "3 1 1 ab12..." */
	int ntlsa;                  /* the TLSA records given (tls_opts.ntlsa) */
	/* per record: 1 when it matches a certificate the server sent (usage
	 * 1/3: the leaf; 0/2: any certificate of the chain), else 0. A record
	 * matching nothing is a next key published ahead, or a stale one. */
	unsigned char tlsa_match[TLS_TLSA_MAX];
	unsigned char tlsa_usable[TLS_TLSA_MAX];   /* OpenSSL took the record */
};

struct tls;

/* A TLS client for one connection; NULL with ERR_TLS/ERR_USAGE in *e
 * (e.g. an unreadable --ca-file). Free with tls_free. The TLS context and
 * trust store behind it are made once per process and trust setting
 * (ca_file, ca_path, verify none or not) and shared by every session
 * with that setting, across threads; they live until the process exits. */
struct tls *tls_new(const struct tls_opts *o, struct err *e);

/* Handshake over C (its socket and deadline); on success C reads and
 * writes through TLS. Refuses (ERR_PROTO) when C still holds unread
 * plaintext: bytes sent after a STARTTLS go-ahead are an injection. */
int tls_start(struct tls *t, struct conn *c, struct err *e);

/* Facts about the session and the server's certificate. */
const struct tls_info *tls_get_info(const struct tls *t);

/* Send close_notify (best effort, no waiting) and free. NULL is fine. */
void tls_free(struct tls *t);

/* The first certificate in the PEM file PATH (other PEM blocks, e.g. a
 * private key, are skipped; a full chain file gives its leaf): subject,
 * issuer, names, validity, days_left and fingerprint of *OUT are filled,
 * the rest zeroed. ERR_USAGE with the reason when it cannot be read. */
int tls_cert_file(const char *path, struct tls_info *out, struct err *e);

/* Message digests for the SASL mechanisms (lib/sasl.c): the TLS module is
 * the plugins' one way to OpenSSL, so the hashes live here too. */
enum tls_md {
	TLS_MD_MD5 = 0,        /* CRAM-MD5 (RFC 2195) */
	TLS_MD_SHA1,           /* SCRAM-SHA-1 (RFC 5802) */
	TLS_MD_SHA256          /* SCRAM-SHA-256 (RFC 7677) */
};
#define TLS_MD_MAX 32      /* the longest digest, in bytes */

/* The length of MD's digest in bytes (16, 20, 32). */
size_t tls_md_len(enum tls_md md);

/* HMAC-MD of DATA (DLEN bytes) keyed with KEY (KLEN bytes) into OUT
 * (TLS_MD_MAX bytes; tls_md_len(MD) written). Returns 0, or -1 with *E
 * filled (ERR_INTERNAL). */
int tls_hmac(enum tls_md md, const void *key, size_t klen, const void *data,
    size_t dlen, unsigned char *out, struct err *e);

/* The digest of DATA (LEN bytes) into OUT (TLS_MD_MAX bytes). */
int tls_hash(enum tls_md md, const void *data, size_t len, unsigned char *out,
    struct err *e);

/* PBKDF2-HMAC-MD (RFC 8018) of PASS with SALT and ITER iterations into OUT
 * (OUTLEN bytes). Returns 0, or -1 with *E filled. */
int tls_pbkdf2(enum tls_md md, const char *pass, size_t plen,
    const unsigned char *salt, size_t slen, unsigned iter, unsigned char *out,
    size_t outlen, struct err *e);

/* Verification problems, as bits of tls_info.problems. */
enum {
	TLS_P_NAME = 1 << 0,          /* host name not among the certificate's names */
	TLS_P_EXPIRED = 1 << 1,       /* the server's certificate has expired */
	TLS_P_NOT_YET = 1 << 2,       /* ... is not valid yet */
	TLS_P_SELF_SIGNED = 1 << 3,   /* self-signed leaf or untrusted root in chain */
	TLS_P_UNKNOWN_CA = 1 << 4,    /* chain does not lead to a trusted CA */
	TLS_P_CHAIN_EXPIRED = 1 << 5, /* an intermediate or CA certificate expired */
	TLS_P_NO_CERT = 1 << 6,       /* the server sent no certificate */
	TLS_P_OTHER = 1 << 7,         /* anything else: see other_code */
	TLS_P_UNTRUSTED_ROOT = 1 << 8 /* the chain ends in an untrusted self-signed root */
};

/* Plain words for PROBLEMS into OUT: "certificate expired 3 days ago
 * (notAfter 2026-11-21 10:00:00 UTC)", "name mismatch: mail.example.org
 * is not among the certificate's names (DNS:a.example)", ... joined by
 * "; ". OTHER_TEXT describes TLS_P_OTHER. Pure; used by tests. */
void tls_problem_words(unsigned problems, double days_left,
    const char *not_before, const char *not_after, const char *name,
    const char *cert_names, const char *other_text, char *out, size_t cap);

#endif

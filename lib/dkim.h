/* dkim.h - DKIM key records (RFC 6376 §3.6.1, Ed25519 keys RFC 8463): the
 * pure parts. libc only, no I/O: the TXT record comes from lib/dns, and
 * everything here is fed by the network, so every function takes an
 * explicit length and reads no byte past it.
 *
 * The key's size is read from the DER of the p= value by a small bounded
 * reader of our own (no OpenSSL: the DNS side of the plugins never loads
 * it). The parser says what is wrong in plain words (WHY, caller's
 * buffer): "tag 'p' appears twice". */
#ifndef MP_DKIM_H
#define MP_DKIM_H

#include <stddef.h>

#define DKIM_KEY_MAX 4096     /* decoded p= bytes kept (an RSA-16384 SPKI is ~2.1 KB) */
#define DKIM_TAGS_MAX 32      /* tags in one record; more is an error */

enum dkim_ktype {
	DKIM_K_RSA = 0,       /* k=rsa, the default */
	DKIM_K_ED25519,       /* k=ed25519 (RFC 8463) */
	DKIM_K_OTHER          /* a key type verifiers do not know: ktext */
};

/* One key record, as published. */
struct dkim_key {
	enum dkim_ktype type;
	char ktext[24];       /* k= as written (sanitized, cut), "rsa" when absent */
	int has_v;            /* v=DKIM1 was given (first, as §3.6.1 wants) */
	int revoked;          /* p= is empty: the key was revoked */
	int bits;             /* RSA: the modulus' size; Ed25519: 256; else 0 */
	int testing;          /* t=y: the domain is testing DKIM */
	int strict;           /* t=s: i= must be d= exactly */
	int sha256;           /* h= absent or lists sha256 (RFC 8301) */
	int email;            /* s= absent or lists * or email */
};

/* The record REC of LEN bytes (the TXT record's strings joined). 0 with
 * *K filled, or -1 with WHY naming the first problem: a malformed tag list
 * (§3.2: a tag twice, a bad name or value character), v= not DKIM1 or not
 * first, no p=, p= not base64, an RSA key that is no DER RSA key, an
 * Ed25519 key that is not 32 bytes. An unknown k= is not an error
 * (DKIM_K_OTHER): the caller judges it. */
int dkim_parse(const char *rec, size_t len, struct dkim_key *k, char *why,
    size_t cap);

/* The modulus size of the RSA public key DER of LEN bytes: a
 * SubjectPublicKeyInfo with rsaEncryption (what DKIM signers publish) or a
 * bare RSAPublicKey (RFC 3447 A.1.1, what RFC 6376 §3.6.1 names). 0 with
 * *BITS, or -1 when it is neither (WHY says how). */
int dkim_rsa_bits(const unsigned char *der, size_t len, int *bits, char *why,
    size_t cap);

#endif

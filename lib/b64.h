/* b64.h - base64 (RFC 4648) for SASL payloads; pure functions. */
#ifndef MP_B64_H
#define MP_B64_H

#include <stddef.h>

/* Encoded size of N bytes, with the terminating NUL. */
#define B64_ENCODED_SIZE(n) ((((n) + 2) / 3) * 4 + 1)

/* Encode N bytes of IN into OUT (capacity CAP >= B64_ENCODED_SIZE(N)).
 * Returns the length written (without NUL), or -1 when OUT is too small. */
long b64_encode(const void *in, size_t n, char *out, size_t cap);

/* Decode N characters of IN into OUT (capacity CAP); padding required
 * where the length is not a multiple of 4 is accepted missing. Returns the
 * bytes written, or -1 on an invalid character or too small an OUT. */
long b64_decode(const char *in, size_t n, unsigned char *out, size_t cap);

/* The value of the base64 digit C, or -1: the alphabet of RFC 4648 with
 * C63 as digit 63 ('/' in base64, ',' in IMAP's modified base64). */
int b64_digit(unsigned char c, unsigned char c63);

/* The most the credentials of one login may take, with the two NULs of an
 * RFC 4616 PLAIN message: every login of the plugins (SMTP AUTH, IMAP
 * AUTHENTICATE/LOGIN, POP3 AUTH/USER) keeps to it, whatever the mechanism. */
#define B64_SASL_MAX 1000

/* The scratch of one login, all of it secret: ENC for a base64 payload,
 * CMD for the command line that carries one (or the password). */
struct b64_sasl {
	char enc[B64_ENCODED_SIZE(1024)];
	char cmd[B64_ENCODED_SIZE(1024) + 64];
};

/* Begin a login of USER with PASS in S (both buffers emptied). Returns 0,
 * or -1 when the two with the two NULs are over B64_SASL_MAX bytes: the
 * caller refuses the login then, and S holds nothing to wipe. */
int b64_sasl_begin(struct b64_sasl *s, const char *user, const char *pass);

/* Wipe S (explicit_bzero): at the end of every login that began, whatever
 * its outcome. */
void b64_sasl_wipe(struct b64_sasl *s);

/* The RFC 4616 PLAIN message (empty authzid NUL USER NUL PASS), base64
 * encoded into OUT. Returns its length, or -1 when OUT is too small or the
 * credentials are longer than 1000 bytes together. Wipes its scratch copy. */
long b64_sasl_plain(const char *user, const char *pass, char *out, size_t cap);

#endif

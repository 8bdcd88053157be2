/* certq.h - certificate quality: pure judgements on the facts the TLS
 * module extracted from a server's certificate and chain (struct tls_info:
 * key type and size, signature digests, extended key usage, validity
 * length, OCSP must-staple). No OpenSSL here; unit-tested
 * (tests/unit/test_certq.c). */
#ifndef MP_CERTQ_H
#define MP_CERTQ_H

#include <stddef.h>

#include "result.h"
#include "tls.h"

#define CERTQ_MAX 6
#define CERTQ_TEXT 320

/* The longest validity a publicly trusted leaf may have (CA/Browser
 * Forum Baseline Requirements 6.3.2, since 2020-09-01). */
#define CERTQ_MAX_VALIDITY 398

struct certq_finding {
	enum state state;          /* with --cert-policy=strict; STATE_OK: noted */
	char text[CERTQ_TEXT];     /* plain words, no target */
};

/* The findings on IN into OUT (at most MAX), returning how many: RSA key
 * under 2048 bits or EC key under 256 bits (WARNING), a SHA-1 or MD5
 * signature on the leaf or an intermediate (WARNING), extendedKeyUsage
 * without serverAuth (WARNING), validity over 398 days (noted, OK), OCSP
 * must-staple without a stapled response (CRITICAL). Without STRICT every
 * finding's state is STATE_OK: reported, not judged. Pure. */
int certq_judge(const struct tls_info *in, int strict, struct certq_finding *out,
    int max);

/* One line of facts into OUT: "ECDSA P-256, signed ecdsa-with-SHA256,
 * EKU serverAuth, valid 366 days, no must-staple". Pure. */
void certq_summary(const struct tls_info *in, char *out, size_t cap);

#endif

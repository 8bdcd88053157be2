/* authres.h - Authentication-Results header fields (RFC 8601): pure
 * parsing and matching, no I/O, no heap.
 *
 *   Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=a.example;
 *     dkim=pass header.d=a.example; dmarc=pass header.from=a.example
 *
 * Only the authserv-id and each method with its result are kept (the
 * properties and comments are skipped). A field whose authserv-id is not
 * the one asked for is someone else's claim and is ignored by the caller
 * (RFC 8601 §5: a receiver trusts only the fields its own servers add). */
#ifndef MP_AUTHRES_H
#define MP_AUTHRES_H

#include <stddef.h>

#include "err.h"

#define AUTHRES_METHODS_MAX 16
#define AUTHRES_ID_MAX 256

struct authres_method {
	char method[32];            /* "spf", "dkim", "dmarc", ... (lower case) */
	char result[32];            /* "pass", "fail", "none", ... (lower case) */
};

struct authres {
	char serv_id[AUTHRES_ID_MAX];   /* the authserv-id */
	int n;
	struct authres_method m[AUTHRES_METHODS_MAX];
};

/* Parse one field's value (LEN bytes, unfolded or not) into *A.
 * ERR_PROTO when it has no authserv-id. "none" (no methods) gives n = 0. */
int authres_parse(const char *value, size_t len, struct authres *a,
    struct err *e);

/* Check the methods of EXPECT ("spf=pass,dkim=pass,dmarc=pass"; a result
 * may list alternatives: "dkim=pass|none") against A: every method named
 * must have a result among those listed (any of the method's results, when
 * it is there more than once, e.g. two DKIM signatures). Returns 0 when
 * all match; otherwise the number of mismatches, with "dkim=fail (expected
 * pass), spf missing" written into OUT (capacity CAP). -1 with *e set
 * (ERR_USAGE) when EXPECT is malformed. */
int authres_check(const struct authres *a, const char *expect, char *out,
    size_t cap, struct err *e);

/* EXPECT well formed (for the option handler)? 0, or -1 with *e set. */
int authres_expect_valid(const char *expect, struct err *e);

#endif

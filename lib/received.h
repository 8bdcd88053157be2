/* received.h - the path of a message: its Received: header fields (RFC
 * 5321 §4.4) read from a header block, pure functions, no I/O, no heap.
 *
 * Each hop is one Received: field, topmost first (the last hop first, as
 * they stand in the message). Of each the words a mail admin looks at are
 * kept: from, by, the with protocol (RFC 3848: ESMTP, ESMTPS, ESMTPSA,
 * LMTP, ...) and whether the hop was encrypted, from the protocol word (an
 * S after SMTP/LMTP, RFC 3848) or the comment a server writes for it
 * (Postfix "(using TLSv1.3 with cipher ...)", Exim "(TLS1.3)", Sendmail
 * "(version=TLSv1.3 ...)"). */
#ifndef MP_RECEIVED_H
#define MP_RECEIVED_H

#include <stddef.h>

#define RECEIVED_HOPS_MAX 32
#define RECEIVED_WORD_MAX 128

enum received_tls {
	RECEIVED_TLS_UNKNOWN = 0,   /* neither said: no with clause, no TLS words */
	RECEIVED_TLS_NO,            /* with ESMTP, SMTP, LMTP, ... and no TLS words */
	RECEIVED_TLS_YES            /* ESMTPS and the like, or TLS named in a comment */
};

struct received_hop {
	char from[RECEIVED_WORD_MAX];   /* the from clause's first word, or "" */
	char by[RECEIVED_WORD_MAX];     /* the by clause's first word, or "" */
	char with[32];                  /* the protocol, upper case, or "" */
	char tls_version[16];           /* "TLSv1.3" when a comment names it, or "" */
	enum received_tls tls;
};

struct received_path {
	int n;                          /* hops kept (RECEIVED_HOPS_MAX at most) */
	int more;                       /* Received: fields beyond those */
	struct received_hop hop[RECEIVED_HOPS_MAX];
};

/* Parse one Received: field's value (unfolded or not; LEN bytes, no NUL
 * needed) into *H. Never fails: what is not found stays empty. */
void received_hop_parse(const char *value, size_t len, struct received_hop *h);

/* Find every Received: field of the header block HDR (LEN bytes, lines
 * ended by CRLF or LF, folded lines joined) and parse them into *P,
 * topmost first. Returns the number of hops found (P->n). */
int received_path_parse(const char *hdr, size_t len, struct received_path *p);

/* The value of each field called NAME (case-insensitive) of header block
 * HDR, unfolded, passed to FN with CTX, in order; at most MAX of them.
 * Returns how many were passed. Each value is at most 4095 bytes (a longer
 * one is cut there). Shared with lib/authres. */
int received_fields(const char *hdr, size_t len, const char *name, int max,
    void (*fn)(void *ctx, const char *value, size_t vlen), void *ctx);

/* "ESMTPS" and so on: 1 when protocol word W says TLS (RFC 3848 and the
 * UTF8 variants of RFC 6531), 0 otherwise. */
int received_with_tls(const char *w);

#endif

/* smtp_msg.h - check_smtp_tx's test message, built from its parts.
 *
 * Pure: no clock, no randomness, no files. The caller gives the time, the
 * random bytes of the token and the --body-file bytes it read; the result
 * is the same for the same input, which the unit tests rely on. */
#ifndef MP_SMTP_MSG_H
#define MP_SMTP_MSG_H

#include <stddef.h>
#include <time.h>

#include "err.h"
#include "sbuf.h"

#define SMTP_MSG_TOKEN_MAX 64    /* "mp-<seconds>-<16 hex digits>" and NUL */
#define SMTP_MSG_RANDOM 8        /* random bytes in a token */

/* What the message is made of; every pointer is the caller's. */
struct smtp_msg_in {
	const char *token;            /* smtp_msg_token(): Subject, Message-ID, body */
	time_t date;                  /* the Date: header (written in UTC) */
	const char *from;             /* From: header; NULL or "": mailprobe@invalid */
	const char *const *rcpt;      /* To: header, NRCPT addresses */
	int nrcpt;
	const char *helo;             /* Message-ID domain; NULL or an address
	                               * literal ("[...]"): mailprobe.invalid */
	const char *const *headers;   /* NHEADERS "Name: value" lines, added as given */
	int nheaders;
	const char *body;             /* BODY_LEN bytes after the token line, or NULL */
	size_t body_len;
	long size;                    /* pad the text to at least SIZE bytes */
};

/* The token of one message ("mp-1700000000-0011223344556677") from the
 * time NOW and SMTP_MSG_RANDOM bytes RND, into BUF (CAP bytes, at least
 * SMTP_MSG_TOKEN_MAX). */
void smtp_msg_token(char *buf, size_t cap, time_t now,
    const unsigned char rnd[SMTP_MSG_RANDOM]);

/* Build the message of IN into OUT (emptied first): headers, a blank line,
 * the token line, the body, padding; CRLF line endings, leading dots
 * doubled (RFC 5321 §4.5.2), ended by ".\r\n", ready for after DATA's 354.
 * Returns 0, or -1 with ERR_INTERNAL when memory ran out (OUT is then
 * incomplete; the caller still frees it). */
int smtp_msg_build(const struct smtp_msg_in *in, struct sbuf *out, struct err *e);

#endif

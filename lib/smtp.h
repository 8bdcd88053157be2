/* smtp.h - SMTP replies (RFC 5321 §4.2) and EHLO keywords.
 *
 * The parsers are pure: they take lines without their CRLF and never do
 * I/O; smtp_read_reply ties them to a struct conn. */
#ifndef MP_SMTP_H
#define MP_SMTP_H

#include <stddef.h>

#include "caps.h"
#include "conn.h"
#include "err.h"

#define SMTP_REPLY_MAX 65536   /* bytes of text in one reply */

struct smtp_reply {
	int code;                   /* 3 digits, 0 before the first line */
	int nlines;
	int done;                   /* last line ("NNN " or "NNN") seen */
	char enh[16];               /* enhanced status code "5.7.1", or "" */
	size_t len;
	char text[SMTP_REPLY_MAX];  /* each line's text, joined with '\n' */
};

void smtp_reply_init(struct smtp_reply *r);

/* Feed one line. Returns 1 when the reply is complete, 0 when more lines
 * follow, -1 with ERR_PROTO when the line is malformed (not three digits,
 * first digit not 2-5, code changed mid-reply, control characters, reply
 * over SMTP_REPLY_MAX). */
int smtp_reply_feed(struct smtp_reply *r, const char *line, size_t len,
    struct err *e);

/* Parse one whole reply from BUF (lines ended by LF or CRLF). Returns the
 * bytes consumed, or -1: ERR_PROTO for malformed or truncated input. */
long smtp_reply_parse(const char *buf, size_t len, struct smtp_reply *r,
    struct err *e);

/* Length of the first line of text. */
size_t smtp_reply_line1_len(const struct smtp_reply *r);

/* Read one reply from C (bounded by the deadline). */
int smtp_read_reply(struct conn *c, struct smtp_reply *r, struct err *e);

/* Known extensions, as bits (RFC 5321, 3207, 4954, 2920, 1870, 6152, 6531,
 * 3030, 3461, 2034). */
enum {
	SMTP_EXT_STARTTLS = 1 << 0,
	SMTP_EXT_PIPELINING = 1 << 1,
	SMTP_EXT_SIZE = 1 << 2,
	SMTP_EXT_8BITMIME = 1 << 3,
	SMTP_EXT_SMTPUTF8 = 1 << 4,
	SMTP_EXT_CHUNKING = 1 << 5,
	SMTP_EXT_DSN = 1 << 6,
	SMTP_EXT_AUTH = 1 << 7,
	SMTP_EXT_ENHANCEDSTATUSCODES = 1 << 8
};

struct smtp_ext {
	unsigned flags;
	long size;                  /* SIZE parameter, 0 when none/unlimited */
	char domain[256];           /* first word of the first EHLO line */
	char auth[256];             /* AUTH mechanisms, space separated, upper case */
	struct caps kw;             /* every keyword line, with its parameters */
};

/* Parse a 250 EHLO reply into *x. ERR_PROTO when it does not fit. */
int smtp_ehlo_parse(const struct smtp_reply *r, struct smtp_ext *x,
    struct err *e);

/* 1 when the AUTH line offers MECH (case-insensitive). */
int smtp_ext_auth_has(const struct smtp_ext *x, const char *mech);

#endif

/* pop3.h - POP3 status lines and multi-line responses (RFC 1939, 2449). */
#ifndef MP_POP3_H
#define MP_POP3_H

#include <stddef.h>

#include "caps.h"
#include "err.h"

/* Parse "+OK text" / "-ERR text". *ok is 1 or 0; *text points into LINE
 * (after the status word and one space), *tlen its length.
 * ERR_PROTO for anything else. */
int pop3_status_parse(const char *line, size_t len, int *ok,
    const char **text, size_t *tlen, struct err *e);

/* One line of a multi-line response. Returns 1 at the terminating ".",
 * 0 otherwise with the dot-unstuffed data in *data / *dlen. */
int pop3_multi_line(const char *line, size_t len, const char **data,
    size_t *dlen);

/* Feed one CAPA line into *c. Returns 1 at the end, 0 for more, -1 error. */
int pop3_capa_feed(struct caps *c, const char *line, size_t len,
    struct err *e);

/* Find an APOP timestamp "<...@...>" in a greeting; copy it to OUT.
 * Returns 1 when found. */
int pop3_apop_timestamp(const char *greeting, size_t len, char *out,
    size_t cap);

/* ---- mailbox health (issue 21) */

/* The text of STAT's +OK ("3 1234": messages, octets; RFC 1939 §5).
 * -1 (ERR_PROTO) when malformed or a number is over 2^63-1. */
int pop3_stat_parse(const char *text, size_t len, unsigned long long *count,
    unsigned long long *octets, struct err *e);

/* An RFC 5322 §3.3 date-time ("Sat, 5 Dec 2026 09:00:00 +0000", the day
 * name optional, seconds optional, the obsolete zones UT, GMT, EST...
 * and two- or three-digit years of §4.3 accepted, a trailing comment
 * ignored) into seconds since the epoch. -1 when malformed. */
int pop3_date_parse(const char *s, size_t len, long long *when);

/* One header line of TOP's reply: 1 with *WHEN set when it is a Date:
 * field whose value parses, 0 otherwise (another field, a continuation
 * line, an unreadable date). */
int pop3_header_date(const char *line, size_t len, long long *when);

#endif

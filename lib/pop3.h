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

#endif

/* conn.h - a buffered line reader/writer over a socket or TLS, bound to the
 * run's deadline.
 *
 * Lines are bounded (CONN_LINE_MAX); a longer line is ERR_PROTO, never
 * silently cut. CRLF and bare LF end a line on input; CRLF is always sent.
 * With a transcript attached every line read or written is logged as
 * "S: ..." / "C: ..." (control characters made visible). */
#ifndef MP_CONN_H
#define MP_CONN_H

#include <stddef.h>
#include <stdint.h>

#include "deadline.h"
#include "err.h"
#include "sbuf.h"

#define CONN_LINE_MAX 4096
#define CONN_RBUF 16384

/* A transport moves bytes; plain TCP is built in, lib/tls adds TLS.
 * read/write return the byte count (read: 0 at end of stream), or
 * CONN_WOULD_BLOCK with *events set to POLLIN/POLLOUT, or -1 with *e set. */
#define CONN_WOULD_BLOCK (-2)
struct conn_transport {
	long (*read)(void *ctx, int fd, void *buf, size_t n, short *events, struct err *e);
	long (*write)(void *ctx, int fd, const void *buf, size_t n, short *events, struct err *e);
	size_t (*pending)(void *ctx);   /* bytes decoded but not yet read */
};

struct conn {
	int fd;
	const struct conn_transport *tp;
	void *tp_ctx;
	const struct deadline *dl;
	size_t rpos, rlen;          /* unread bytes are rbuf[rpos..rlen) */
	struct sbuf *transcript;    /* NULL: no transcript */
	uint64_t bytes_in, bytes_out;
	char rbuf[CONN_RBUF];       /* last, and not cleared by conn_init */
};

/* Wrap connected socket FD (non-blocking) with plain TCP I/O. */
void conn_init(struct conn *c, int fd, const struct deadline *dl);

/* Switch to another transport (e.g. after a TLS handshake). */
void conn_set_transport(struct conn *c, const struct conn_transport *tp, void *ctx);

/* Read one line into LINE (capacity CAP >= 2), without its line ending,
 * NUL-terminated; *LEN is its length (it may contain NUL bytes).
 * ERR_TIMEOUT, ERR_CLOSED (end of stream or reset), ERR_PROTO (too long). */
int conn_read_line(struct conn *c, char *line, size_t cap, size_t *len,
    struct err *e);

/* Write all of BUF before the deadline. */
int conn_write(struct conn *c, const void *buf, size_t n, struct err *e);

/* Send LINE followed by CRLF; logged in full. */
int conn_send_line(struct conn *c, const char *line, struct err *e);

/* Send LINE + CRLF but log only its first SHOW bytes followed by "***":
 * for AUTH payloads and passwords. */
int conn_send_secret(struct conn *c, const char *line, size_t show, struct err *e);

/* Bytes received but not yet consumed (our buffer + the transport's).
 * After a STARTTLS go-ahead this must be 0. */
size_t conn_buffered(const struct conn *c);

/* The bytes received but not yet consumed that sit in our own buffer (not
 * the transport's): *N of them at the pointer returned, which stays valid
 * until the next read or discard. For quoting unsolicited data. */
const char *conn_peek(const struct conn *c, size_t *n);

/* Drop what is buffered (after the caller has reported it). */
void conn_discard(struct conn *c);

/* Wait until FD is ready for EVENTS or the deadline passes.
 * Returns 1 ready, 0 timed out, -1 error (errno). Shared with lib/tls. */
int conn_wait(int fd, short events, const struct deadline *dl);

/* Append "PREFIX" + a printable rendering of DATA + "\n" to the transcript. */
void conn_log(struct conn *c, const char *prefix, const char *data, size_t n);

/* Close the socket (the transport must be shut down first). */
void conn_close(struct conn *c);

#endif

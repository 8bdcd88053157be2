/* conn.c - see conn.h */
#include <config.h>

#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conn.h"

static long tcp_read(void *ctx, int fd, void *buf, size_t n, short *events,
    struct err *e);
static long tcp_write(void *ctx, int fd, const void *buf, size_t n,
    short *events, struct err *e);
static size_t tcp_pending(void *ctx);
static int conn_fill(struct conn *c, struct err *e);

static const struct conn_transport tcp_transport = {
	tcp_read, tcp_write, tcp_pending
};

static long
tcp_read(void *ctx, int fd, void *buf, size_t n, short *events, struct err *e)
{
	ssize_t r;

	(void)ctx;
	for (;;) {
		r = recv(fd, buf, n, 0);
		if (r >= 0)
			return (long)r;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			*events = POLLIN;
			return CONN_WOULD_BLOCK;
		}
		if (errno == ECONNRESET)
			return err_sys(e, ERR_CLOSED, errno, "connection reset by server");
		return err_sys(e, ERR_CLOSED, errno, "read failed: %s", strerror(errno));
	}
}

static long
tcp_write(void *ctx, int fd, const void *buf, size_t n, short *events,
    struct err *e)
{
	ssize_t r;

	(void)ctx;
	for (;;) {
		r = send(fd, buf, n, MSG_NOSIGNAL);
		if (r >= 0)
			return (long)r;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			*events = POLLOUT;
			return CONN_WOULD_BLOCK;
		}
		if (errno == EPIPE || errno == ECONNRESET)
			return err_sys(e, ERR_CLOSED, errno,
			    "connection closed by server while sending");
		return err_sys(e, ERR_CLOSED, errno, "write failed: %s", strerror(errno));
	}
}

static size_t
tcp_pending(void *ctx)
{
	(void)ctx;
	return 0;
}

void
conn_init(struct conn *c, int fd, const struct deadline *dl)
{
	/* everything but rbuf, which is never read beyond rlen: clearing its
	 * 16 KB cost four page faults per connection */
	memset(c, 0, offsetof(struct conn, rbuf));
	c->fd = fd;
	c->dl = dl;
	c->tp = &tcp_transport;
}

void
conn_set_transport(struct conn *c, const struct conn_transport *tp, void *ctx)
{
	c->tp = tp ? tp : &tcp_transport;
	c->tp_ctx = ctx;
}

int
conn_wait(int fd, short events, const struct deadline *dl)
{
	struct pollfd pfd;
	int rc, left;

	pfd.fd = fd;
	pfd.events = events;
	for (;;) {
		left = deadline_left_ms(dl);
		if (left == 0)
			return 0;
		rc = poll(&pfd, 1, left);
		if (rc > 0)
			return 1;
		if (rc == 0)
			continue;   /* re-check the deadline */
		if (errno != EINTR)
			return -1;
	}
}

/* Read more bytes into rbuf; the caller made room. A timeout says whether
 * part of a line had come ("reply incomplete") or nothing ("no
 * response"); how long the phase waited is the plugin's to tell. */
static int
conn_fill(struct conn *c, struct err *e)
{
	short events = 0;
	long r;
	int w;

	for (;;) {
		r = c->tp->read(c->tp_ctx, c->fd, c->rbuf + c->rlen,
		    sizeof(c->rbuf) - c->rlen, &events, e);
		if (r > 0) {
			c->rlen += (size_t)r;
			c->bytes_in += (uint64_t)r;
			return 0;
		}
		if (r == 0)
			return err_set(e, ERR_CLOSED, "connection closed by server");
		if (r != CONN_WOULD_BLOCK)
			return -1;
		w = conn_wait(c->fd, events, c->dl);
		if (w == 0)
			return err_set(e, ERR_TIMEOUT, c->rlen > c->rpos ?
			    "reply incomplete" : "no response");
		if (w < 0)
			return err_sys(e, ERR_CLOSED, errno, "poll failed: %s",
			    strerror(errno));
	}
}

int
conn_read_line(struct conn *c, char *line, size_t cap, size_t *len,
    struct err *e)
{
	size_t max = cap - 1 < CONN_LINE_MAX ? cap - 1 : CONN_LINE_MAX;

	for (;;) {
		char *start = c->rbuf + c->rpos;
		size_t avail = c->rlen - c->rpos;
		char *nl = memchr(start, '\n', avail);

		if (nl != NULL) {
			size_t n = (size_t)(nl - start);

			c->rpos += n + 1;
			if (n > 0 && start[n - 1] == '\r')
				n--;
			if (n > max)
				return err_set(e, ERR_PROTO,
				    "line longer than %zu bytes", max);
			memcpy(line, start, n);
			line[n] = '\0';
			*len = n;
			conn_log(c, "S: ", line, n);
			return 0;
		}
		if (avail > max + 1)   /* +1: a CR may still precede the LF */
			return err_set(e, ERR_PROTO, "line longer than %zu bytes", max);
		/* make room: move the partial line to the front */
		if (c->rpos > 0) {
			memmove(c->rbuf, start, avail);
			c->rpos = 0;
			c->rlen = avail;
		}
		if (conn_fill(c, e) < 0) {
			if (e->kind == ERR_CLOSED && c->rlen > c->rpos) {
				conn_log(c, "S: ", c->rbuf + c->rpos, c->rlen - c->rpos);
				err_set(e, ERR_CLOSED,
				    "connection closed by server in the middle of a line");
			}
			return -1;
		}
	}
}

int
conn_write(struct conn *c, const void *buf, size_t n, struct err *e)
{
	const char *p = buf;
	short events = 0;
	long r;
	int w;

	while (n > 0) {
		r = c->tp->write(c->tp_ctx, c->fd, p, n, &events, e);
		if (r > 0) {
			p += r;
			n -= (size_t)r;
			c->bytes_out += (uint64_t)r;
			continue;
		}
		if (r != CONN_WOULD_BLOCK)
			return -1;
		w = conn_wait(c->fd, events, c->dl);
		if (w == 0)
			return err_set(e, ERR_TIMEOUT, "the server did not take our data");
		if (w < 0)
			return err_sys(e, ERR_CLOSED, errno, "poll failed: %s",
			    strerror(errno));
	}
	return 0;
}

static int
conn_send(struct conn *c, const char *line, size_t show, struct err *e)
{
	char buf[CONN_LINE_MAX + 2];
	size_t n = strlen(line);

	if (n > CONN_LINE_MAX)
		return err_set(e, ERR_INTERNAL, "command line too long");
	if (show < n) {
		char masked[CONN_LINE_MAX + 4];

		/* a length-carrying buffer, logged with its length */
		memcpy(masked, line, show);   /* NOLINT(bugprone-not-null-terminated-result) */
		memcpy(masked + show, "***", 3);   /* NOLINT(bugprone-not-null-terminated-result) */
		conn_log(c, "C: ", masked, show + 3);
	} else {
		conn_log(c, "C: ", line, n);
	}
	memcpy(buf, line, n);   /* NOLINT(bugprone-not-null-terminated-result): CRLF follows */
	buf[n] = '\r';
	buf[n + 1] = '\n';
	return conn_write(c, buf, n + 2, e);
}

int
conn_send_line(struct conn *c, const char *line, struct err *e)
{
	return conn_send(c, line, (size_t)-1, e);
}

int
conn_send_secret(struct conn *c, const char *line, size_t show, struct err *e)
{
	return conn_send(c, line, show, e);
}

size_t
conn_buffered(const struct conn *c)
{
	return (c->rlen - c->rpos) + c->tp->pending(c->tp_ctx);
}

const char *
conn_peek(const struct conn *c, size_t *n)
{
	*n = c->rlen - c->rpos;
	return c->rbuf + c->rpos;
}

void
conn_discard(struct conn *c)
{
	c->rpos = c->rlen = 0;
}

void
conn_log(struct conn *c, const char *prefix, const char *data, size_t n)
{
	size_t i, shown = n > 512 ? 512 : n;   /* a transcript is for people */

	if (c->transcript == NULL)
		return;
	sbuf_add(c->transcript, prefix);
	for (i = 0; i < shown; i++) {
		unsigned char ch = (unsigned char)data[i];

		if (ch == '|')
			sbuf_addc(c->transcript, '/');
		else if (ch < 0x20 || ch == 0x7f)
			sbuf_printf(c->transcript, "\\x%02x", ch);
		else
			sbuf_addc(c->transcript, (char)ch);
	}
	if (shown < n)
		sbuf_printf(c->transcript, " [%zu more bytes]", n - shown);
	sbuf_addc(c->transcript, '\n');
}

void
conn_close(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

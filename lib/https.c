/* https.c - see https.h. */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conn.h"
#include "https.h"
#include "resolve.h"

#define HTTPS_HEADERS_MAX 100
#define HTTPS_BODY_MAX (16u << 20)   /* the largest max_body accepted */

static long https_read(struct conn *c, char *buf, size_t n, struct err *e);
static int https_read_n(struct conn *c, char *buf, size_t n, struct err *e);
static int https_head(struct conn *c, const struct https_req *q,
    struct https_resp *r, long long *clen, int *chunked, struct err *e);
static int https_body(struct conn *c, const struct https_req *q,
    struct https_resp *r, long long clen, int chunked, struct err *e);
static const char *https_trim(char *s);
static int https_line(struct conn *c, char *line, size_t cap, size_t *n,
    struct err *e);

/* Raw bytes: first what the line reader buffered, then the transport. */
static long
https_read(struct conn *c, char *buf, size_t n, struct err *e)
{
	if (c->rpos < c->rlen) {
		size_t k = c->rlen - c->rpos < n ? c->rlen - c->rpos : n;

		memcpy(buf, c->rbuf + c->rpos, k);
		c->rpos += k;
		return (long)k;
	}
	for (;;) {
		short events = 0;
		long got = c->tp->read(c->tp_ctx, c->fd, buf, n, &events, e);
		int w;

		if (got >= 0)
			return got;
		if (got != CONN_WOULD_BLOCK)
			return -1;
		w = conn_wait(c->fd, events, c->dl);
		if (w == 0)
			return err_set(e, ERR_TIMEOUT, "the response was incomplete");
		if (w < 0)
			return err_sys(e, ERR_CLOSED, errno, "poll failed: %s", strerror(errno));
	}
}

/* Exactly N bytes, or an error (end of stream before them: ERR_PROTO). */
static int
https_read_n(struct conn *c, char *buf, size_t n, struct err *e)
{
	while (n > 0) {
		long got = https_read(c, buf, n, e);

		if (got < 0)
			return -1;
		if (got == 0)
			return err_set(e, ERR_PROTO, "the server closed the connection "
			    "before the end of the body");
		buf += got;
		n -= (size_t)got;
	}
	return 0;
}

/* A line after the status line: a deadline that strikes here met a server
 * that had begun to answer, which conn's "no response" would deny. */
static int
https_line(struct conn *c, char *line, size_t cap, size_t *n, struct err *e)
{
	if (conn_read_line(c, line, cap, n, e) == 0)
		return 0;
	if (e->kind == ERR_TIMEOUT)
		err_set(e, ERR_TIMEOUT, "reply incomplete");
	return -1;
}

static const char *
https_trim(char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return s;
}

/* Status line and headers; judges status and media type. */
static int
https_head(struct conn *c, const struct https_req *q, struct https_resp *r,
    long long *clen, int *chunked, struct err *e)
{
	char line[CONN_LINE_MAX], loc[200] = "", reason[80] = "", *p;
	size_t n;
	int i, have_type = 0;

	*clen = -1;
	*chunked = 0;
	if (conn_read_line(c, line, sizeof(line), &n, e) < 0)
		return -1;
	if (n < 12 || strncmp(line, "HTTP/1.", 7) != 0 || line[8] != ' ' ||
	    line[9] < '1' || line[9] > '5' || line[10] < '0' || line[10] > '9' ||
	    line[11] < '0' || line[11] > '9' || (n > 12 && line[12] != ' ')) {
		err_set(e, ERR_PROTO, "not an HTTP/1.x response");
		err_set_reply(e, line, n);
		return -1;
	}
	r->status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
	if (n > 13)
		err_sanitize(reason, sizeof(reason), line + 13, n - 13);
	for (i = 0; ; i++) {
		char *colon, *name, *val;

		if (i >= HTTPS_HEADERS_MAX)
			return err_set(e, ERR_PROTO, "more than %d header lines",
			    HTTPS_HEADERS_MAX);
		if (https_line(c, line, sizeof(line), &n, e) < 0)
			return -1;
		if (n == 0)
			break;
		if (memchr(line, '\0', n) || (colon = strchr(line, ':')) == NULL ||
		    line[0] == ' ' || line[0] == '\t')
			return err_set(e, ERR_PROTO, "malformed header line");
		*colon = '\0';
		name = line;
		val = colon + 1;
		val = (char *)https_trim(val);
		if (strcasecmp(name, "Content-Type") == 0) {
			err_sanitize(r->content_type, sizeof(r->content_type), val, strlen(val));
			have_type = 1;
		} else if (strcasecmp(name, "Content-Length") == 0) {
			char *end;
			long long v;

			errno = 0;
			v = strtoll(val, &end, 10);
			if (errno || end == val || *end || v < 0 ||
			    (*clen >= 0 && *clen != v))
				return err_set(e, ERR_PROTO, "invalid Content-Length");
			*clen = v;
		} else if (strcasecmp(name, "Transfer-Encoding") == 0) {
			if (strcasecmp(val, "chunked") != 0)
				return err_set(e, ERR_PROTO, "unsupported Transfer-Encoding '%.40s'",
				    val);
			*chunked = 1;
		} else if (strcasecmp(name, "Location") == 0) {
			err_sanitize(loc, sizeof(loc), val, strlen(val));
		}
	}
	if (r->status >= 300 && r->status < 400)
		return err_set(e, ERR_PROTO, "HTTP %d redirect%s%s: redirects are not "
		    "allowed (RFC 8461 §3.3)", r->status, loc[0] ? " to " : "", loc);
	if (r->status != 200)
		return err_set(e, ERR_PROTO, "HTTP %d%s%s", r->status, reason[0] ? " " : "",
		    reason);
	if (q->media_type) {
		char type[sizeof(r->content_type)];

		snprintf(type, sizeof(type), "%s", r->content_type);
		p = strchr(type, ';');   /* parameters (charset=...) are fine */
		if (p)
			*p = '\0';
		if (!have_type)
			return err_set(e, ERR_PROTO, "no Content-Type (%s required)",
			    q->media_type);
		if (strcasecmp(https_trim(type), q->media_type) != 0)
			return err_set(e, ERR_PROTO, "Content-Type is %s, not %s",
			    r->content_type, q->media_type);
	}
	if (*clen > (long long)q->max_body)
		return err_set(e, ERR_PROTO, "the body is %lld bytes, over the limit of "
		    "%zu", *clen, q->max_body);
	return 0;
}

static int
https_body(struct conn *c, const struct https_req *q, struct https_resp *r,
    long long clen, int chunked, struct err *e)
{
	char line[CONN_LINE_MAX];
	size_t n;

	/* max_body + 1 must neither wrap nor ask for more than a policy needs */
	if (q->max_body > HTTPS_BODY_MAX)
		return err_set(e, ERR_INTERNAL, "body limit %zu over %u", q->max_body,
		    HTTPS_BODY_MAX);
	r->body = malloc(q->max_body + 1);
	if (r->body == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	r->len = 0;
	if (chunked) {
		for (;;) {
			char *end;
			unsigned long long size;

			if (https_line(c, line, sizeof(line), &n, e) < 0)
				return -1;
			/* hex digits only: strtoull alone would take a sign, blanks
			 * and a 0x prefix (RFC 9112 §7.1: chunk-size = 1*HEXDIG) */
			if (!isxdigit((unsigned char)line[0]))
				return err_set(e, ERR_PROTO, "malformed chunk size");
			errno = 0;
			size = strtoull(line, &end, 16);
			if (errno || end == line || (*end && *end != ';' && *end != ' ' &&
			    *end != '\t') || (line[0] == '0' && (line[1] == 'x' || line[1] == 'X')))
				return err_set(e, ERR_PROTO, "malformed chunk size");
			if (size == 0)
				break;
			if (size > q->max_body - r->len)
				return err_set(e, ERR_PROTO, "the body is over the limit of %zu "
				    "bytes", q->max_body);
			if (https_read_n(c, r->body + r->len, (size_t)size, e) < 0)
				return -1;
			r->len += (size_t)size;
			if (https_line(c, line, sizeof(line), &n, e) < 0)
				return -1;
			if (n != 0)
				return err_set(e, ERR_PROTO, "malformed chunk end");
		}
		/* trailers, up to the empty line */
		do {
			if (https_line(c, line, sizeof(line), &n, e) < 0)
				return -1;
		} while (n != 0);
	} else if (clen >= 0) {
		if (https_read_n(c, r->body, (size_t)clen, e) < 0)
			return -1;
		r->len = (size_t)clen;
	} else {
		/* no length: the body ends when the server closes */
		for (;;) {
			long got;

			if (r->len == q->max_body) {
				char one;

				got = https_read(c, &one, 1, e);
				if (got > 0)
					return err_set(e, ERR_PROTO, "the body is over the limit "
					    "of %zu bytes", q->max_body);
			} else {
				got = https_read(c, r->body + r->len, q->max_body - r->len, e);
			}
			if (got < 0) {
				/* a reset, or a close without close_notify: truncated */
				char why[ERR_MSG_MAX];

				snprintf(why, sizeof(why), "%s", e->msg);
				return err_set(e, ERR_PROTO, "the body (no length given) ended "
				    "without a TLS close_notify after %zu bytes, so it may be "
				    "cut short: %s", r->len, why);
			}
			if (got == 0)
				break;
			r->len += (size_t)got;
		}
	}
	r->body[r->len] = '\0';
	return 0;
}

int
https_get(const struct https_req *q, const struct deadline *dl,
    struct https_resp *r, struct err *e)
{
	char req[1024], host[300];
	struct net_addrs addrs;
	struct net_peer peer;
	struct tls_opts o;
	struct tls *t = NULL;
	struct conn c;
	long long clen;
	int fd, chunked, rc = -1, n;

	memset(r, 0, sizeof(*r));
	snprintf(r->target, sizeof(r->target), "%s:%d", q->host, q->port);
	if (resolve_addrs(q->dns, q->host, q->port, q->family, dl, &addrs, NULL, e) < 0)
		return -1;
	fd = net_connect(&addrs, dl, &peer, e);
	if (fd < 0)
		return -1;
	snprintf(r->target, sizeof(r->target), "%s[%s]:%d", q->host,
	    peer.remote.text, peer.port);
	conn_init(&c, fd, dl);
	memset(&o, 0, sizeof(o));
	o.sni = q->host;
	o.verify = TLS_VERIFY_FULL;
	o.ca_file = q->ca_file;
	o.ca_path = q->ca_path;
	/* a body without a length ends with the connection: only a TLS
	 * close_notify proves that it was not cut short (RFC 9112 §9.8) */
	o.strict_eof = 1;
	t = tls_new(&o, e);
	if (t == NULL)
		goto out;
	if (tls_start(t, &c, e) < 0)
		goto out;
	r->tls = *tls_get_info(t);
	r->have_tls = 1;
	if (!r->tls.verified) {
		err_set(e, ERR_TLS_VERIFY, "%s", r->tls.verify_msg);
		goto out;
	}
	/* the port goes into Host: only when it is not the default */
	if (q->port != 443)
		snprintf(host, sizeof(host), "%s:%d", q->host, q->port);
	else
		snprintf(host, sizeof(host), "%s", q->host);
	n = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: %s\r\n"
	    "User-Agent: %s/%s\r\nAccept: %s\r\nConnection: close\r\n\r\n",
	    q->path, host, PACKAGE_NAME, PACKAGE_VERSION,
	    q->media_type ? q->media_type : "*/*");
	if (n < 0 || (size_t)n >= sizeof(req)) {
		err_set(e, ERR_USAGE, "the URL is too long");
		goto out;
	}
	if (conn_write(&c, req, (size_t)n, e) < 0)
		goto out;
	if (https_head(&c, q, r, &clen, &chunked, e) < 0)
		goto out;
	if (https_body(&c, q, r, clen, chunked, e) < 0)
		goto out;
	rc = 0;
out:
	tls_free(t);
	conn_close(&c);
	return rc;
}

void
https_resp_free(struct https_resp *r)
{
	free(r->body);
	r->body = NULL;
	r->len = 0;
}

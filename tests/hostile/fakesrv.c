/*
 * fakesrv - a tiny scripted, misbehaving mail server for the mailprobe tests.
 *
 *   fakesrv [-a ADDR] [-p PORT] [-P PORTFILE] [-i IDLE] [-x smtp|imap|pop3] [-K DIR] [-v]
 *           SCENARIO [ARG]
 *
 * Listens on ADDR (default 127.0.0.1; only 127.0.0.0/8 and ::1 are accepted) and PORT (default 0:
 * the kernel picks one), writes the bound port number to PORTFILE (atomically, once listening; to
 * stdout when no -P is given), then serves one connection at a time with SCENARIO, forever, until
 * it is killed (SIGTERM). -i IDLE drops a client that sends nothing for IDLE seconds (default: wait
 * forever, the client's timeout ends the connection). -v logs connections and commands to stderr.
 * -x picks the protocol the session scenarios speak (default smtp); `fakesrv -h` lists scenarios.
 *
 * Most scenarios are one well-behaved session (greeting; EHLO/HELO, STARTTLS, MAIL, RCPT, DATA,
 * RSET, NOOP, QUIT for SMTP; CAPABILITY, STARTTLS, NOOP, LOGOUT for IMAP; CAPA, STLS, QUIT for
 * POP3) with one fault placed at a point AT of it:
 *   BANNER     instead of the greeting
 *   VERB       a command, e.g. EHLO, CAPABILITY, CAPA, QUIT, LOGOUT, STARTTLS (case-insensitive)
 *   *          every command
 *   BODY       SMTP: after 354, once the first line of the message has arrived
 *   DOT        SMTP: after the message's final "."
 * Reply texts may span lines ('\n' separates them, each is sent with CRLF); "%T" becomes the tag
 * of the IMAP command being answered.
 *
 * HTTPS policy server (MTA-STS, RFC 8461 §3.3): `fakesrv -K DIR http FAULT[:N]` does an implicit
 * TLS handshake with DIR/key.pem and DIR/chain.pem (-K works for every scenario), reads the GET
 * request up to its empty line and answers with FAULT (`fakesrv -h` lists them; "good" is the
 * well-behaved baseline). The policy it serves is FAKESRV_POLICY (mode enforce, mx *.lab.test).
 *
 * Adding a scenario: write `static void sc_NAME(struct client *c)` (c->fd is the connection,
 * c->arg the optional argument) with the helpers below (send_str, send_line, read_line, drain,
 * session) and add a row to `scenarios[]`. The connection is closed when the function returns.
 *
 * C99 + POSIX, OpenSSL (libssl) for the TLS scenarios.
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0
#endif

#define LINE_MAX_LEN 8192

struct client {
	int fd;                   /* -1 once closed by a scenario (reset) */
	const char *arg;          /* scenario argument, or NULL */
	char buf[LINE_MAX_LEN];   /* bytes read but not yet returned as a line */
	size_t have;
	int idle_ms;              /* -1: wait forever */
	SSL *ssl;                 /* TLS once started, else NULL */
	SSL_CTX *tls_ctx;         /* certificate for STARTTLS / implicit TLS, or NULL */
	int tls_clean;            /* send close_notify at the end */
};

enum proto { PROTO_SMTP, PROTO_IMAP, PROTO_POP3 };

static const char *const proto_names[] = { "smtp", "imap", "pop3" };

/* Per-protocol texts. */
struct proto_text {
	const char *greeting;     /* the usual greeting */
	const char *ok_prefix;    /* what starts a positive greeting, for the broken variants */
	const char *capa_verb;    /* the command whose reply lists capabilities */
	const char *tls_verb;     /* STARTTLS / STLS */
	const char *tls_go;       /* go-ahead for TLS */
	const char *tls_inject;   /* plaintext a man in the middle would inject after it */
	const char *plain_reply;  /* plaintext sent where a TLS ServerHello belongs */
};

static const struct proto_text texts[] = {
	[PROTO_SMTP] = {
		"220 fakesrv.test ESMTP fakesrv", "220 ", "EHLO", "STARTTLS",
		"220 2.0.0 Ready to start TLS",
		"250-fakesrv.test injected\n250 AUTH PLAIN LOGIN",
		"250 fakesrv.test is still talking plaintext",
	},
	[PROTO_IMAP] = {
		"* OK fakesrv.test IMAP4rev1 ready", "* OK ", "CAPABILITY", "STARTTLS",
		"%T OK Begin TLS negotiation now",
		"* CAPABILITY IMAP4rev1 AUTH=PLAIN injected",
		"* OK fakesrv.test is still talking plaintext",
	},
	[PROTO_POP3] = {
		"+OK fakesrv.test POP3 ready", "+OK ", "CAPA", "STLS",
		"+OK Begin TLS negotiation",
		"+OK injected\nUSER\nSASL PLAIN\n.",
		"+OK fakesrv.test is still talking plaintext",
	},
};

/* Where a scenario strikes and what it does there. */
enum fault {
	F_NONE,
	F_RESET,        /* close with SO_LINGER 0: the peer sees a TCP reset */
	F_HANGUP,       /* close (FIN) without a reply */
	F_REPLY,        /* send text instead of the reply, go on */
	F_REPLY_CLOSE,  /* send text instead of the reply, then close */
	F_ENDLESS,      /* start the reply and never end it */
	F_TLS_PLAIN,    /* TLS go-ahead, then plaintext instead of a ServerHello */
	F_TLS_INJECT,   /* TLS go-ahead with plaintext in the same write */
	F_TLS_STALL,    /* TLS go-ahead, read the ClientHello, never answer */
	F_SLOW          /* wait ms, then the normal reply */
};

struct script {
	const char *at;     /* BANNER, BODY, DOT, *, a verb; NULL: no fault */
	enum fault fault;
	const char *text;   /* F_REPLY, F_REPLY_CLOSE */
	long ms;            /* F_ENDLESS: pause between lines (0: as fast as the peer reads);
	                     * F_SLOW: the wait before the reply */
};

static int verbose;
static enum proto proto = PROTO_SMTP;

static void logmsg(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	va_start(ap, fmt);
	fputs("fakesrv: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("fakesrv: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

static void sleep_ms(long ms)
{
	struct timespec ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* ------------------------------------------------------------------ I/O helpers */

/* Write all of buf (through TLS once started). Returns 0, or -1 when the peer went away. */
static int send_all(struct client *c, const void *buf, size_t len)
{
	const char *p = buf;

	if (c->fd < 0)
		return -1;
	while (len > 0) {
		ssize_t n;

		if (c->ssl) {
			int w = SSL_write(c->ssl, p, len > 16384 ? 16384 : (int)len);
			if (w <= 0)
				return -1;
			n = w;
		} else {
			n = send(c->fd, p, len, MSG_NOSIGNAL);
			if (n < 0) {
				if (errno == EINTR)
					continue;
				return -1;
			}
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int send_str(struct client *c, const char *s)
{
	return send_all(c, s, strlen(s));
}

/* Send s followed by CRLF. */
static int send_line(struct client *c, const char *s)
{
	if (send_str(c, s) < 0)
		return -1;
	return send_all(c, "\r\n", 2);
}

/*
 * Send a reply text: each '\n'-separated line with CRLF, "%T" replaced by tag, all in one write
 * (so that pipelined faults arrive together). Returns 0 or -1.
 */
static int send_reply(struct client *c, const char *text, const char *tag)
{
	char out[LINE_MAX_LEN];
	size_t o = 0;
	const char *p;

	for (p = text; *p; p++) {
		if (p[0] == '%' && p[1] == 'T') {
			size_t tl = strlen(tag ? tag : "*");
			if (o + tl + 2 >= sizeof out)
				break;
			memcpy(out + o, tag ? tag : "*", tl);
			o += tl;
			p++;
		} else if (*p == '\n') {
			if (o + 2 >= sizeof out)
				break;
			out[o++] = '\r';
			out[o++] = '\n';
		} else {
			if (o + 3 >= sizeof out)
				break;
			out[o++] = *p;
		}
	}
	out[o++] = '\r';
	out[o++] = '\n';
	logmsg("S: %s", text);
	return send_all(c, out, o);
}

/* Wait until fd is readable. Returns 1 readable, 0 idle timeout, -1 error. */
static int wait_readable(struct client *c)
{
	struct pollfd pfd;

	if (c->fd < 0)
		return -1;
	if (c->ssl && SSL_pending(c->ssl) > 0)
		return 1;
	pfd.fd = c->fd;
	pfd.events = POLLIN;
	for (;;) {
		int r = poll(&pfd, 1, c->idle_ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		return r > 0 ? 1 : 0;
	}
}

/* Read more bytes into c->buf. Returns bytes read, 0 on EOF/idle timeout/error. */
static size_t fill(struct client *c)
{
	ssize_t n;

	if (wait_readable(c) <= 0)
		return 0;
	if (c->ssl) {
		int r = SSL_read(c->ssl, c->buf + c->have, (int)(sizeof c->buf - c->have));
		n = r > 0 ? r : 0;
	} else {
		do
			n = recv(c->fd, c->buf + c->have, sizeof c->buf - c->have, 0);
		while (n < 0 && errno == EINTR);
	}
	if (n <= 0)
		return 0;
	c->have += (size_t)n;
	return (size_t)n;
}

/*
 * Read one line (terminated by LF; a CR before it is removed) into out (NUL-terminated, truncated
 * to outsz-1; an over-long line is returned in pieces). Returns the line length, or -1 on EOF,
 * idle timeout or error.
 */
static long read_line(struct client *c, char *out, size_t outsz)
{
	for (;;) {
		char *nl = memchr(c->buf, '\n', c->have);
		size_t take, len;

		if (nl == NULL && c->have < sizeof c->buf) {
			if (fill(c) == 0)
				return -1;
			continue;
		}
		take = nl ? (size_t)(nl - c->buf) + 1 : c->have;
		len = nl ? take - 1 : take;
		if (nl && len > 0 && c->buf[len - 1] == '\r')
			len--;
		if (len > outsz - 1)
			len = outsz - 1;
		memcpy(out, c->buf, len);
		out[len] = '\0';
		memmove(c->buf, c->buf + take, c->have - take);
		c->have -= take;
		return (long)len;
	}
}

/* Read and discard everything until the peer closes (or the idle timeout strikes). */
static void drain(struct client *c)
{
	for (;;) {
		c->have = 0;
		if (fill(c) == 0)
			return;
	}
}

/* Close now with SO_LINGER 0, so the peer gets a TCP reset instead of a FIN. */
static void reset_now(struct client *c)
{
	struct linger lg;

	if (c->fd < 0)
		return;
	lg.l_onoff = 1;
	lg.l_linger = 0;
	setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	close(c->fd);
	c->fd = -1;
	logmsg("reset sent");
}

/* Wait for the first bytes of a TLS ClientHello (plaintext, still in c->buf). 0 or -1. */
static int read_client_hello(struct client *c)
{
	if (c->have == 0 && fill(c) == 0)
		return -1;
	logmsg("%zu bytes of ClientHello (first byte 0x%02x)", c->have, (unsigned char)c->buf[0]);
	return 0;
}

/* Server side of the handshake with c->tls_ctx. 0 or -1. */
static int tls_accept(struct client *c)
{
	if (c->tls_ctx == NULL)
		return -1;
	if (c->have > 0) {
		logmsg("%zu plaintext bytes before the handshake: refusing", c->have);
		return -1;
	}
	c->ssl = SSL_new(c->tls_ctx);
	if (c->ssl == NULL || SSL_set_fd(c->ssl, c->fd) != 1 || SSL_accept(c->ssl) != 1) {
		if (verbose)
			ERR_print_errors_fp(stderr);
		logmsg("TLS handshake failed");
		ERR_clear_error();
		return -1;
	}
	logmsg("TLS handshake done: %s", SSL_get_version(c->ssl));
	return 0;
}

/* ------------------------------------------------------------------ the session engine */

static int at_matches(const struct script *s, const char *where)
{
	if (s->at == NULL || s->fault == F_NONE)
		return 0;
	if (strcmp(s->at, "*") == 0)
		return strcmp(where, "BANNER") != 0 && strcmp(where, "BODY") != 0 &&
		    strcmp(where, "DOT") != 0;
	return strcasecmp(s->at, where) == 0;
}

/* Pretend the reply to a capability request never ends. */
static void endless(struct client *c, long ms)
{
	char line[160];
	unsigned long n;

	switch (proto) {
	case PROTO_SMTP: if (send_str(c, "250-fakesrv.test greets you\r\n") < 0) return; break;
	case PROTO_IMAP: break;
	case PROTO_POP3: if (send_str(c, "+OK capability list follows\r\n") < 0) return; break;
	}
	logmsg("S: (an endless reply, %ld ms a line)", ms);
	for (n = 0;; n++) {
		switch (proto) {
		case PROTO_SMTP:
			snprintf(line, sizeof line, "250-XFAKE-%08lu padding padding padding "
			    "padding padding padding\r\n", n);
			break;
		case PROTO_IMAP:
			snprintf(line, sizeof line, "* XFAKE %08lu padding padding padding "
			    "padding padding padding\r\n", n);
			break;
		case PROTO_POP3:
			snprintf(line, sizeof line, "XFAKE-%08lu padding padding padding "
			    "padding padding padding\r\n", n);
			break;
		}
		if (send_str(c, line) < 0)
			return;
		if (ms > 0)
			sleep_ms(ms);
	}
}

/*
 * Apply the fault of s at this point. Returns 1: the session is over (return from the scenario),
 * 0: the reply was sent, go on, -1: no fault here, answer normally.
 */
static int strike(struct client *c, const struct script *s, const char *where, const char *tag)
{
	const struct proto_text *t = &texts[proto];

	if (!at_matches(s, where))
		return -1;
	logmsg("fault at %s", where);
	switch (s->fault) {
	case F_NONE:
		return -1;
	case F_RESET:
		reset_now(c);
		return 1;
	case F_HANGUP:
		return 1;
	case F_REPLY:
		return send_reply(c, s->text, tag) < 0 ? 1 : 0;
	case F_REPLY_CLOSE:
		send_reply(c, s->text, tag);
		return 1;
	case F_ENDLESS:
		endless(c, s->ms);
		return 1;
	case F_SLOW:
		sleep_ms(s->ms);
		return -1;
	case F_TLS_PLAIN:
		if (send_reply(c, t->tls_go, tag) < 0 || read_client_hello(c) < 0)
			return 1;
		send_reply(c, t->plain_reply, tag);
		drain(c);
		return 1;
	case F_TLS_INJECT: {
		char both[1024];

		snprintf(both, sizeof both, "%s\n%s", t->tls_go, t->tls_inject);
		if (send_reply(c, both, tag) == 0)
			drain(c);
		return 1;
	}
	case F_TLS_STALL:
		if (strcmp(where, "BANNER") != 0 && send_reply(c, t->tls_go, tag) < 0)
			return 1;
		if (read_client_hello(c) == 0)
			drain(c);
		return 1;
	}
	return -1;
}

/* SMTP DATA: read the message up to the final dot. 1: over, 0: go on. */
static int smtp_data(struct client *c, const struct script *s)
{
	char line[LINE_MAX_LEN];
	unsigned long bytes = 0;
	int first = 1, r;

	if (send_reply(c, "354 End data with <CR><LF>.<CR><LF>", NULL) < 0)
		return 1;
	for (;;) {
		long n = read_line(c, line, sizeof line);

		if (n < 0)
			return 1;
		bytes += (unsigned long)n + 2;
		if (first) {
			first = 0;
			if ((r = strike(c, s, "BODY", NULL)) >= 0)
				return r;
		}
		if (n == 1 && line[0] == '.')
			break;
	}
	logmsg("message of %lu bytes", bytes);
	if ((r = strike(c, s, "DOT", NULL)) >= 0)
		return r;
	return send_reply(c, "250 2.0.0 Ok: queued as FAKE4711", NULL) < 0;
}

/* The usual answer to one command. 1: the session is over, 0: go on. */
static int answer(struct client *c, const char *verb, const char *tag)
{
	const struct proto_text *t = &texts[proto];
	int can_tls = c->tls_ctx != NULL && c->ssl == NULL;   /* STARTTLS is offered anyway */
	char buf[512];

	switch (proto) {
	case PROTO_SMTP:
		if (strcasecmp(verb, "EHLO") == 0 || strcasecmp(verb, "LHLO") == 0) {
			snprintf(buf, sizeof buf, "250-fakesrv.test greets you\n250-SIZE 10240000\n"
			    "250-8BITMIME\n%s250 ENHANCEDSTATUSCODES", c->ssl ? "" : "250-STARTTLS\n");
			return send_reply(c, buf, NULL) < 0;
		}
		if (strcasecmp(verb, "HELO") == 0)
			return send_reply(c, "250 fakesrv.test", NULL) < 0;
		if (strcasecmp(verb, "QUIT") == 0) {
			send_reply(c, "221 2.0.0 Bye", NULL);
			c->tls_clean = 1;
			return 1;
		}
		if (strcasecmp(verb, "STARTTLS") == 0) {
			if (!can_tls)
				return send_reply(c, "454 4.7.0 TLS not available", NULL) < 0;
			if (send_reply(c, t->tls_go, NULL) < 0)
				return 1;
			return tls_accept(c) < 0;
		}
		if (strcasecmp(verb, "MAIL") == 0 || strcasecmp(verb, "RCPT") == 0 ||
		    strcasecmp(verb, "RSET") == 0 || strcasecmp(verb, "NOOP") == 0)
			return send_reply(c, "250 2.1.0 Ok", NULL) < 0;
		return send_reply(c, "502 5.5.2 Error: command not recognized", NULL) < 0;
	case PROTO_IMAP:
		if (strcasecmp(verb, "CAPABILITY") == 0) {
			snprintf(buf, sizeof buf, "* CAPABILITY IMAP4rev1 %sAUTH=PLAIN\n"
			    "%%T OK CAPABILITY completed", c->ssl ? "" : "STARTTLS ");
			return send_reply(c, buf, tag) < 0;
		}
		if (strcasecmp(verb, "LOGOUT") == 0) {
			send_reply(c, "* BYE fakesrv logging out\n%T OK LOGOUT completed", tag);
			c->tls_clean = 1;
			return 1;
		}
		if (strcasecmp(verb, "STARTTLS") == 0) {
			if (!can_tls)
				return send_reply(c, "%T NO [UNAVAILABLE] TLS not available", tag) < 0;
			if (send_reply(c, t->tls_go, tag) < 0)
				return 1;
			return tls_accept(c) < 0;
		}
		if (strcasecmp(verb, "NOOP") == 0)
			return send_reply(c, "%T OK NOOP completed", tag) < 0;
		return send_reply(c, "%T BAD unknown command", tag) < 0;
	case PROTO_POP3:
		if (strcasecmp(verb, "CAPA") == 0) {
			snprintf(buf, sizeof buf, "+OK Capability list follows\nUSER\nTOP\nUIDL\n%s.",
			    c->ssl ? "" : "STLS\n");
			return send_reply(c, buf, NULL) < 0;
		}
		if (strcasecmp(verb, "QUIT") == 0) {
			send_reply(c, "+OK fakesrv signing off", NULL);
			c->tls_clean = 1;
			return 1;
		}
		if (strcasecmp(verb, "STLS") == 0) {
			if (!can_tls)
				return send_reply(c, "-ERR TLS not available", NULL) < 0;
			if (send_reply(c, t->tls_go, NULL) < 0)
				return 1;
			return tls_accept(c) < 0;
		}
		return send_reply(c, "-ERR unknown command", NULL) < 0;
	}
	return 1;
}

/* Split "TAG VERB ..." (IMAP) or "VERB ..." into tag and verb (each NUL-terminated copies). */
static void split_command(const char *line, char *tag, size_t tagsz, char *verb, size_t verbsz)
{
	const char *p = line;
	size_t n;

	tag[0] = '\0';
	if (proto == PROTO_IMAP) {
		n = strcspn(p, " ");
		if (n >= tagsz)
			n = tagsz - 1;
		memcpy(tag, p, n);
		tag[n] = '\0';
		p += strcspn(p, " ");
		p += strspn(p, " ");
	}
	n = strcspn(p, " :");
	if (n >= verbsz)
		n = verbsz - 1;
	memcpy(verb, p, n);
	verb[n] = '\0';
}

/* Commands until the script or the client ends the session. */
static void session_loop(struct client *c, const struct script *s)
{
	char line[LINE_MAX_LEN], tag[64], verb[32];

	while (read_line(c, line, sizeof line) >= 0) {
		int r;

		logmsg("C: %s", line);
		split_command(line, tag, sizeof tag, verb, sizeof verb);
		if ((r = strike(c, s, verb, tag)) >= 0) {
			if (r == 1)
				return;
			continue;
		}
		if (proto == PROTO_SMTP && strcasecmp(verb, "DATA") == 0)
			r = smtp_data(c, s);
		else
			r = answer(c, verb, tag);
		if (r)
			return;
	}
}

/* Greeting (or the fault placed there), then the commands. */
static void session(struct client *c, const struct script *s)
{
	int r = strike(c, s, "BANNER", NULL);

	if (r == 1)
		return;
	if (r < 0 && send_reply(c, texts[proto].greeting, NULL) < 0)
		return;
	session_loop(c, s);
}

/* "AT=TEXT" into s. */
static void parse_at_text(const char *arg, struct script *s)
{
	static char at[64];
	const char *eq = strchr(arg, '=');
	size_t n;

	if (eq == NULL || eq == arg || (n = (size_t)(eq - arg)) >= sizeof at)
		die("argument must be AT=TEXT, e.g. EHLO='421 4.3.2 closing'");
	memcpy(at, arg, n);
	at[n] = '\0';
	s->at = at;
	s->text = eq + 1;
}

static long arg_num(const char *arg, long def, long min, long max)
{
	char *end;
	long v;

	if (arg == NULL)
		return def;
	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end != '\0' || v < min || v > max)
		die("bad number '%s'", arg);
	return v;
}

/* ------------------------------------------------------------------ scenarios */

/* Accept, read and discard, never say anything. */
static void sc_silent(struct client *c)
{
	drain(c);
}

/* Send ARG as the greeting, then 250 to every line and 221 to QUIT. */
static void sc_banner(struct client *c)
{
	char line[LINE_MAX_LEN];

	if (send_line(c, c->arg) < 0)
		return;
	while (read_line(c, line, sizeof line) >= 0) {
		logmsg("C: %s", line);
		if (strncasecmp(line, "QUIT", 4) == 0 && (line[4] == '\0' || line[4] == ' ')) {
			send_line(c, "221 bye");
			return;
		}
		if (send_line(c, "250 ok") < 0)
			return;
	}
}

/* Accept and close at once. */
static void sc_close(struct client *c)
{
	(void)c;
}

/* 1 KiB of binary, NUL bytes included (always the same bytes). 0 or -1. */
static int send_junk(struct client *c)
{
	unsigned char junk[1024];
	unsigned int x = 0x2545F491u;
	size_t i;

	for (i = 0; i < sizeof junk; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		junk[i] = (i % 7 == 0) ? 0 : (unsigned char)(x >> 24);
	}
	return send_all(c, junk, sizeof junk);
}

/* 1 KiB of binary (NUL bytes included) instead of a greeting, then wait. */
static void sc_garbage(struct client *c)
{
	if (send_junk(c) < 0)
		return;
	drain(c);
}

/* A well-behaved session (the baseline). */
static void sc_good(struct client *c)
{
	struct script s = { NULL, F_NONE, NULL, 0 };

	session(c, &s);
}

/* Every second connection (the 2nd, 4th, ...) is reset at once, before any TLS; the others get
 * a well-behaved session (after the -K handshake): a server that rate-limits the probes of
 * --all-certs, --forbid-tls and --all-addresses. */
static void sc_every2nd(struct client *c)
{
	static unsigned long n;

	if (++n % 2 == 0) {
		reset_now(c);
		return;
	}
	if (c->tls_ctx && tls_accept(c) < 0)
		return;
	sc_good(c);
}

/* ARG as the greeting, then a well-behaved session (* PREAUTH, -ERR, "25 hello", ...). */
static void sc_greet(struct client *c)
{
	struct script s = { "BANNER", F_REPLY, c->arg, 0 };

	session(c, &s);
}

/* The usual greeting, one byte every ARG ms (default 1000), then a well-behaved session. */
static void sc_drip(struct client *c)
{
	struct script s = { NULL, F_NONE, NULL, 0 };
	long ms = arg_num(c->arg, 1000, 1, 60000);
	const char *g = texts[proto].greeting;
	size_t i, n = strlen(g);

	logmsg("dripping the greeting, %ld ms a byte", ms);
	for (i = 0; i < n; i++) {
		if (send_all(c, g + i, 1) < 0)
			return;
		sleep_ms(ms);
	}
	if (send_str(c, "\r\n") < 0)
		return;
	session_loop(c, &s);
}

/* The usual greeting after ARG ms (default 300) of silence, then a
 * well-behaved session: a slow but healthy server (bench: --all-mx). */
static void sc_slowbanner(struct client *c)
{
	struct script s = { NULL, F_NONE, NULL, 0 };

	sleep_ms(arg_num(c->arg, 300, 0, 60000));
	session(c, &s);
}

/* A greeting with a NUL byte in its text. */
static void sc_nul(struct client *c)
{
	struct script s = { NULL, F_NONE, NULL, 0 };
	static const char tail[] = "fakesrv.test\0hidden after a NUL byte\r\n";
	const char *pre = texts[proto].ok_prefix;

	if (send_str(c, pre) < 0 || send_all(c, tail, sizeof tail - 1) < 0)
		return;
	session_loop(c, &s);
}

/* A greeting line of ARG bytes (default 1 MiB) before its CRLF. */
static void sc_longline(struct client *c)
{
	struct script s = { NULL, F_NONE, NULL, 0 };
	long total = arg_num(c->arg, 1048576, 1, 1L << 30);
	char chunk[4096];
	long sent;

	memset(chunk, 'x', sizeof chunk);
	if (send_str(c, texts[proto].ok_prefix) < 0)
		return;
	for (sent = 0; sent < total; sent += (long)sizeof chunk) {
		size_t n = total - sent < (long)sizeof chunk ? (size_t)(total - sent) : sizeof chunk;
		if (send_all(c, chunk, n) < 0)
			return;
	}
	if (send_str(c, "\r\n") < 0)
		return;
	session_loop(c, &s);
}

/* The reply to EHLO / CAPABILITY / CAPA never ends; ARG ms between lines (default 0). */
static void sc_endless(struct client *c)
{
	struct script s = { texts[proto].capa_verb, F_ENDLESS, NULL, 0 };

	s.ms = arg_num(c->arg, 0, 0, 60000);
	session(c, &s);
}

/* TCP reset at AT (default: the first command). */
static void sc_reset(struct client *c)
{
	struct script s = { "*", F_RESET, NULL, 0 };

	if (c->arg)
		s.at = c->arg;
	session(c, &s);
}

/* Close (FIN) without a reply at AT (default: the first command). */
static void sc_hangup(struct client *c)
{
	struct script s = { "*", F_HANGUP, NULL, 0 };

	if (c->arg)
		s.at = c->arg;
	session(c, &s);
}

/* ARG is AT=TEXT: TEXT instead of the reply at AT, then go on. */
static void sc_reply(struct client *c)
{
	struct script s = { NULL, F_REPLY, NULL, 0 };

	parse_at_text(c->arg, &s);
	session(c, &s);
}

/* ARG is AT=MS: the reply at AT (each time) after MS ms, then go on. */
static void sc_slowreply(struct client *c)
{
	struct script s = { NULL, F_SLOW, NULL, 0 };

	parse_at_text(c->arg, &s);
	s.ms = arg_num(s.text, 0, 0, 60000);
	session(c, &s);
}

/*
 * SMTP AUTH faults, with EHLO offering AUTH SCRAM-SHA-256 SCRAM-SHA-1 LOGIN CRAM-MD5 PLAIN
 * XOAUTH2. ARG:
 *   scram-badsig  a SCRAM exchange (the client's nonce extended) whose server signature is wrong
 *   scram-nosig   the same, but 235 right after the client's proof, without a signature
 *   endless       334 after every line of the client, forever
 *   badb64        a challenge that is not base64
 *   huge          a challenge line of 100 KB
 *   oauth-error   a token refused: its JSON status as a challenge, then 535
 * A "*" (the client cancels) is answered 501.
 */
static void sasl_b64(const unsigned char *in, size_t n, char *out)
{
	EVP_EncodeBlock((unsigned char *)out, in, (int)n);
}

static void sasl_fault(struct client *c, const char *line)
{
	const char *mode = c->arg ? c->arg : "";
	char msg[1024], enc[2048], rep[2200];
	unsigned char dec[1024];
	const char *sp = strchr(line + 5, ' '), *r;
	int n = 0, i;

	if (strcmp(mode, "endless") == 0) {
		for (i = 0; i < 1000; i++) {
			if (send_reply(c, "334 VXNlcm5hbWU6", NULL) < 0 || read_line(c, msg, sizeof msg) < 0)
				return;
		}
		return;
	}
	if (strcmp(mode, "badb64") == 0) {
		send_reply(c, "334 !!!this is not base64!!!", NULL);
		return;
	}
	if (strcmp(mode, "oauth-error") == 0) {
		/* {"status":"invalid_token","schemes":"bearer","scope":"mail"} */
		if (send_reply(c, "334 eyJzdGF0dXMiOiJpbnZhbGlkX3Rva2VuIiwic2NoZW1lcyI6ImJlYXJlciIs"
		    "InNjb3BlIjoibWFpbCJ9", NULL) == 0 && read_line(c, msg, sizeof msg) >= 0)
			send_reply(c, "535 5.7.8 Username and Password not accepted", NULL);
		return;
	}
	if (strcmp(mode, "huge") == 0) {
		static char big[100 * 1024 + 8];

		memcpy(big, "334 ", 4);
		memset(big + 4, 'A', sizeof big - 5);
		send_reply(c, big, NULL);
		return;
	}
	/* SCRAM: the client-first-message is the initial response */
	if (sp)
		n = EVP_DecodeBlock(dec, (const unsigned char *)sp + 1, (int)strlen(sp + 1));
	if (n <= 0) {
		send_reply(c, "501 5.5.2 no initial response", NULL);
		return;
	}
	dec[n] = '\0';
	r = strstr((const char *)dec, "r=");
	if (r == NULL) {
		send_reply(c, "501 5.5.2 no nonce", NULL);
		return;
	}
	snprintf(msg, sizeof msg, "r=%.100sfakesrv,s=QSXCR+Q6sek8bf92,i=4096", r + 2);
	sasl_b64((const unsigned char *)msg, strlen(msg), enc);
	snprintf(rep, sizeof rep, "334 %s", enc);
	if (send_reply(c, rep, NULL) < 0 || read_line(c, msg, sizeof msg) < 0)
		return;
	logmsg("C: %s", msg);
	if (strcmp(mode, "scram-nosig") == 0) {
		send_reply(c, "235 2.7.0 Authentication successful", NULL);
		return;
	}
	/* 32 zero bytes: not the signature of this exchange */
	send_reply(c, "334 dj1BQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBPQ==", NULL);
}

static void sc_sasl(struct client *c)
{
	char line[LINE_MAX_LEN], tag[64], verb[32];

	if (send_reply(c, texts[proto].greeting, NULL) < 0)
		return;
	while (read_line(c, line, sizeof line) >= 0) {
		logmsg("C: %s", line);
		split_command(line, tag, sizeof tag, verb, sizeof verb);
		if (strcasecmp(verb, "EHLO") == 0) {
			if (send_reply(c, "250-fakesrv.test greets you\n250-AUTH SCRAM-SHA-256 SCRAM-SHA-1 LOGIN "
			    "CRAM-MD5 PLAIN XOAUTH2\n250 ENHANCEDSTATUSCODES", NULL) < 0)
				return;
		} else if (strcasecmp(verb, "AUTH") == 0) {
			sasl_fault(c, line);
		} else if (strcmp(line, "*") == 0) {
			if (send_reply(c, "501 5.7.0 Authentication aborted", NULL) < 0)
				return;
		} else if (answer(c, verb, tag)) {
			return;
		}
	}
}

/*
 * An OAuth 2.0 token introspection endpoint for Dovecot's oauth2 passdb (introspection_mode = get,
 * introspection_url = http://ADDR:PORT/introspect?access_token=): a token that begins with "good-"
 * is active and belongs to user ARG; any other is not active, as an expired one is.
 */
static void sc_introspect(struct client *c)
{
	char line[LINE_MAX_LEN], body[512], head[256];
	const char *t;
	int good;
	long n;

	if (read_line(c, line, sizeof line) < 0)
		return;
	logmsg("C: %s", line);
	t = strstr(line, "access_token=");
	good = t && strncmp(t + 13, "good-", 5) == 0;
	while ((n = read_line(c, head, sizeof head)) > 0)
		;
	if (n < 0)
		return;
	if (good)
		snprintf(body, sizeof body, "{\"active\":true,\"username\":\"%s\"}", c->arg);
	else
		snprintf(body, sizeof body, "{\"active\":false}");
	snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\n\r\n", strlen(body));
	if (send_str(c, head) == 0)
		send_str(c, body);
}

/* ARG is AT=TEXT: TEXT instead of the reply at AT, then close (421, * BYE). */
static void sc_replyclose(struct client *c)
{
	struct script s = { NULL, F_REPLY_CLOSE, NULL, 0 };

	parse_at_text(c->arg, &s);
	session(c, &s);
}

/* STARTTLS/STLS go-ahead, then ARG: plain, inject or stall. */
static void sc_starttls(struct client *c)
{
	struct script s = { texts[proto].tls_verb, F_NONE, NULL, 0 };

	if (strcmp(c->arg, "plain") == 0)
		s.fault = F_TLS_PLAIN;
	else if (strcmp(c->arg, "inject") == 0)
		s.fault = F_TLS_INJECT;
	else if (strcmp(c->arg, "stall") == 0)
		s.fault = F_TLS_STALL;
	else
		die("starttls: mode must be plain, inject or stall");
	session(c, &s);
}

/* Implicit TLS: read the ClientHello, never answer. */
static void sc_hello_stall(struct client *c)
{
	struct script s = { "BANNER", F_TLS_STALL, NULL, 0 };

	session(c, &s);
}

/* Implicit TLS with the key and chain in directory ARG (key.pem, chain.pem), then a session. */
static void sc_tlschain(struct client *c)
{
	struct script s = { NULL, F_NONE, NULL, 0 };

	if (tls_accept(c) < 0)
		return;
	session(c, &s);
}

/* ------------------------------------------------------------------ HTTPS policy server */

/* What the "http" scenarios serve as an MTA-STS policy: valid for the lab's MX names. */
#define FAKESRV_POLICY "version: STSv1\r\nmode: enforce\r\nmx: *.lab.test\r\nmax_age: 86400\r\n"
/* Sent after FAKESRV_POLICY where a fault cuts the body short: a policy that is valid without it. */
#define FAKESRV_POLICY_MORE "mx: backup.lab.test\r\n"

/* Read the request line and headers up to the empty line. 0, or -1 when the client went away. */
static int http_read_request(struct client *c)
{
	char line[LINE_MAX_LEN];
	long n;
	int i;

	for (i = 0; (n = read_line(c, line, sizeof line)) > 0; i++)
		logmsg("C: %s", line);
	if (n < 0) {
		logmsg("the request ended after %d lines", i);
		return -1;
	}
	return 0;
}

/* Status line, headers (each line ending in CRLF, may be ""), the empty line. 0 or -1. */
static int http_head(struct client *c, const char *status, const char *headers)
{
	char buf[1024];

	snprintf(buf, sizeof buf, "HTTP/1.1 %s\r\n%sConnection: close\r\n\r\n", status, headers);
	logmsg("S: HTTP/1.1 %s", status);
	return send_str(c, buf);
}

/* A 200 text/plain head with Content-Length len. 0 or -1. */
static int http_ok_head(struct client *c, size_t len)
{
	char h[128];

	snprintf(h, sizeof h, "Content-Type: text/plain\r\nContent-Length: %zu\r\n", len);
	return http_head(c, "200 OK", h);
}

/* n bytes of 'x': lines of 64 bytes (the last one shorter) when LINES,
 * else one line without its CRLF. 0 or -1. */
static int http_filler(struct client *c, size_t n, int lines)
{
	char chunk[4096];
	size_t i;

	for (i = 0; i < sizeof chunk; i++)
		chunk[i] = (lines && i % 64 == 63) ? '\n' : 'x';
	while (n > 0) {
		size_t k = n < sizeof chunk ? n : sizeof chunk;

		if (send_all(c, chunk, k) < 0)
			return -1;
		n -= k;
	}
	return 0;
}

/* Close cleanly: close_notify, then FIN. */
static void http_close_clean(struct client *c)
{
	if (c->ssl && c->fd >= 0)
		SSL_shutdown(c->ssl);
	c->tls_clean = 0;
	if (c->fd >= 0) {
		shutdown(c->fd, SHUT_WR);
		drain(c);
	}
}

/* The faults of sc_http; param: 0 none, 1 required, 2 optional. */
static const struct http_fault {
	const char *name;
	int param;
} http_faults[] = {
	{ "good", 0 }, { "goodchunked", 0 }, { "silent", 0 }, { "garbage", 0 },
	{ "longstatus", 2 }, { "longheader", 2 }, { "headers", 2 }, { "clen", 1 },
	{ "smuggle", 0 }, { "big", 2 }, { "bigchunked", 2 }, { "chunk", 1 }, { "drip", 2 },
	{ "reset", 0 }, { "eofreset", 0 }, { "eofcut", 0 }, { "status", 2 }, { "notype", 0 },
};

/* Check an http ARG before listening, so that a typo ends fakesrv at once. */
static void http_check_arg(const char *arg)
{
	size_t i, n = strcspn(arg, ":");

	for (i = 0; i < sizeof http_faults / sizeof http_faults[0]; i++) {
		if (strlen(http_faults[i].name) != n || strncmp(arg, http_faults[i].name, n) != 0)
			continue;
		if (http_faults[i].param == 0 && arg[n] == ':')
			die("http: fault %s takes no parameter", http_faults[i].name);
		if (http_faults[i].param == 1 && arg[n] != ':')
			die("http: fault %s needs a parameter (%s:...)", http_faults[i].name,
			    http_faults[i].name);
		return;
	}
	die("http: unknown fault '%s' (fakesrv -h lists them)", arg);
}

/*
 * ARG is FAULT[:PARAM]: after the TLS handshake (-K) and the GET request,
 *   good            200, text/plain, Content-Length, FAKESRV_POLICY (the baseline)
 *   goodchunked     the same, chunked (one chunk a line)
 *   silent          nothing at all
 *   garbage         1 KiB of binary (NUL bytes included) and CRLF instead of a status line
 *   longstatus[:N]  a status line of N bytes (default 5000)
 *   longheader[:N]  a 200 with a header line of N bytes (default 921600)
 *   headers[:MS]    a 200, then header lines forever, MS ms apart (default 0)
 *   clen:N          Content-Length N, then FAKESRV_POLICY (more or fewer bytes), clean close
 *   smuggle         the exact Content-Length of FAKESRV_POLICY, then FAKESRV_POLICY_MORE
 *   big[:N]         no length, N bytes (default 70000), clean close (read-to-close)
 *   bigchunked[:N]  chunked, 4096-byte chunks summing to N bytes (default 70000)
 *   chunk:TEXT      chunked, TEXT as the first chunk-size line, then wait
 *   drip[:MS]       the good answer one byte every MS ms (default 100)
 *   reset           Content-Length of the whole policy, half of it, TCP reset
 *   eofreset        no length, FAKESRV_POLICY, then a TCP reset before FAKESRV_POLICY_MORE
 *   eofcut          no length, FAKESRV_POLICY, then a FIN without close_notify
 *   status[:TEXT]   TEXT as status (default "500 Internal Server Error"), a text/plain body
 *   notype          a 200 with the policy but no Content-Type
 */
static void sc_http(struct client *c)
{
	static const char pol[] = FAKESRV_POLICY;
	const size_t plen = sizeof pol - 1;
	char fault[32], h[256];
	const char *colon = strchr(c->arg, ':'), *param = colon ? colon + 1 : NULL;
	size_t n = colon ? (size_t)(colon - c->arg) : strlen(c->arg);

	if (n >= sizeof fault)   /* http_check_arg knows better */
		return;
	memcpy(fault, c->arg, n);
	fault[n] = '\0';
	if (http_read_request(c) < 0)
		return;
	logmsg("http fault %s%s%s", fault, param ? " " : "", param ? param : "");
	if (strcmp(fault, "good") == 0) {
		if (http_ok_head(c, plen) == 0 && send_all(c, pol, plen) == 0)
			http_close_clean(c);
	} else if (strcmp(fault, "goodchunked") == 0) {
		const char *p = pol;

		if (http_head(c, "200 OK", "Content-Type: text/plain; charset=utf-8\r\n"
		    "Transfer-Encoding: chunked\r\n") < 0)
			return;
		while (*p) {
			size_t k = strcspn(p, "\n") + 1;

			snprintf(h, sizeof h, "%zx\r\n", k);
			if (send_str(c, h) < 0 || send_all(c, p, k) < 0 || send_str(c, "\r\n") < 0)
				return;
			p += k;
		}
		if (send_str(c, "0\r\n\r\n") == 0)
			http_close_clean(c);
	} else if (strcmp(fault, "silent") == 0) {
		drain(c);
	} else if (strcmp(fault, "garbage") == 0) {
		if (send_junk(c) == 0 && send_str(c, "\r\n") == 0)
			drain(c);
	} else if (strcmp(fault, "longstatus") == 0) {
		size_t len = (size_t)arg_num(param, 5000, 20, 1L << 30);

		if (send_str(c, "HTTP/1.1 200 ") == 0 && http_filler(c, len - 13, 0) == 0 &&
		    send_str(c, "\r\n") == 0)
			drain(c);
	} else if (strcmp(fault, "longheader") == 0) {
		size_t len = (size_t)arg_num(param, 921600, 20, 1L << 30);

		if (send_str(c, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Big: ") == 0 &&
		    http_filler(c, len - 7, 0) == 0 && send_str(c, "\r\n\r\n") == 0 &&
		    send_all(c, pol, plen) == 0)
			http_close_clean(c);
	} else if (strcmp(fault, "headers") == 0) {
		long ms = arg_num(param, 0, 0, 60000);
		unsigned long i;

		if (send_str(c, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n") < 0)
			return;
		logmsg("S: (header lines forever, %ld ms a line)", ms);
		for (i = 0;; i++) {
			snprintf(h, sizeof h, "X-Fake-%08lu: padding padding padding\r\n", i);
			if (send_str(c, h) < 0)
				return;
			if (ms > 0)
				sleep_ms(ms);
		}
	} else if (strcmp(fault, "clen") == 0) {
		snprintf(h, sizeof h, "Content-Type: text/plain\r\nContent-Length: %s\r\n", param);
		if (http_head(c, "200 OK", h) == 0 && send_all(c, pol, plen) == 0)
			http_close_clean(c);
	} else if (strcmp(fault, "smuggle") == 0) {
		if (http_ok_head(c, plen) == 0 && send_all(c, pol, plen) == 0 &&
		    send_str(c, FAKESRV_POLICY_MORE) == 0)
			http_close_clean(c);
	} else if (strcmp(fault, "big") == 0) {
		size_t len = (size_t)arg_num(param, 70000, 1, 1L << 30);

		if (http_head(c, "200 OK", "Content-Type: text/plain\r\n") == 0 &&
		    send_all(c, pol, plen) == 0 && http_filler(c, len > plen ? len - plen : 0, 1) == 0)
			http_close_clean(c);
	} else if (strcmp(fault, "bigchunked") == 0) {
		size_t left = (size_t)arg_num(param, 70000, 1, 1L << 30);

		if (http_head(c, "200 OK", "Content-Type: text/plain\r\n"
		    "Transfer-Encoding: chunked\r\n") < 0)
			return;
		while (left > 0) {
			size_t k = left < 4096 ? left : 4096;

			snprintf(h, sizeof h, "%zx\r\n", k);
			if (send_str(c, h) < 0 || http_filler(c, k, 1) < 0 || send_str(c, "\r\n") < 0)
				return;
			left -= k;
		}
		if (send_str(c, "0\r\n\r\n") == 0)
			http_close_clean(c);
	} else if (strcmp(fault, "chunk") == 0) {
		if (http_head(c, "200 OK", "Content-Type: text/plain\r\n"
		    "Transfer-Encoding: chunked\r\n") == 0 && send_line(c, param) == 0 &&
		    send_all(c, pol, plen) == 0)
			drain(c);
	} else if (strcmp(fault, "drip") == 0) {
		long ms = arg_num(param, 100, 1, 60000);
		char all[512];
		int k = snprintf(all, sizeof all, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
		    "Content-Length: %zu\r\nConnection: close\r\n\r\n%s", plen, pol);
		int i;

		logmsg("dripping the answer, %ld ms a byte", ms);
		for (i = 0; i < k; i++) {
			if (send_all(c, all + i, 1) < 0)
				return;
			sleep_ms(ms);
		}
		http_close_clean(c);
	} else if (strcmp(fault, "reset") == 0) {
		if (http_ok_head(c, plen) == 0 && send_all(c, pol, plen / 2) == 0) {
			sleep_ms(300);
			reset_now(c);
		}
	} else if (strcmp(fault, "eofreset") == 0 || strcmp(fault, "eofcut") == 0) {
		if (http_head(c, "200 OK", "Content-Type: text/plain\r\n") < 0 ||
		    send_all(c, pol, plen) < 0)
			return;
		sleep_ms(300);
		if (strcmp(fault, "eofreset") == 0)
			reset_now(c);
		else
			shutdown(c->fd, SHUT_WR);   /* the FIN of a cut cable: no close_notify */
		/* main() closes the rest; c->tls_clean stays 0 */
		drain(c);
	} else if (strcmp(fault, "status") == 0) {
		static const char body[] = "policy server failure\r\n";

		snprintf(h, sizeof h, "Content-Type: text/plain\r\nContent-Length: %zu\r\n",
		    sizeof body - 1);
		if (http_head(c, param ? param : "500 Internal Server Error", h) == 0 &&
		    send_str(c, body) == 0)
			http_close_clean(c);
	} else if (strcmp(fault, "notype") == 0) {
		snprintf(h, sizeof h, "Content-Length: %zu\r\n", plen);
		if (http_head(c, "200 OK", h) == 0 && send_all(c, pol, plen) == 0)
			http_close_clean(c);
	}
}

/* ------------------------------------------------------------------ mailbox (check_smtp_tx --fetch) */

/*
 * A mailbox that a --fetch round trip logs into (IMAP with -x imap, POP3 with -x pop3; any login
 * is taken), with one FAULT (the argument):
 *   good          IMAP: the token search finds UID 7 in INBOX (not in Junk), removed with UID
 *                 EXPUNGE (UIDPLUS)
 *                 POP3: one message, a probe of 1970 (stale: deleted), never ours
 *   notfound      IMAP: the search never finds it (no IDLE: the client polls)
 *   searchstall   IMAP: UID SEARCH for the token is never answered
 *   searchendless IMAP: its reply is untagged "* SEARCH" lines without end
 *   literal       IMAP: its reply is a 10 MiB literal ("* SEARCH {10485760}")
 *   listloop      IMAP: the folder list (LIST) never ends
 *   expunge       IMAP: UID EXPUNGE refused (NO)
 *   flagged       IMAP: no UIDPLUS, and another message is flagged \Deleted already
 *   uidlflood     POP3: UIDL lists messages without end
 *   topflood      POP3: TOP n 0 sends header lines without end, whatever the size LIST gave
 */
enum mbox_flood_kind { MF_SEARCH, MF_LIST, MF_UIDL, MF_TOP };

static int mbox_flood(struct client *c, const char *first, enum mbox_flood_kind k)
{
	char line[160];
	unsigned long n;

	if (first && send_str(c, first) < 0)
		return 1;
	logmsg("S: (a reply without end)");
	for (n = 1;; n++) {
		switch (k) {
		case MF_SEARCH: snprintf(line, sizeof line, "* SEARCH %lu\r\n", n); break;
		case MF_LIST:
			snprintf(line, sizeof line, "* LIST () \".\" \"INBOX.loop%lu\"\r\n", n);
			break;
		case MF_UIDL: snprintf(line, sizeof line, "%lu fakeuid%lu\r\n", n, n); break;
		case MF_TOP: snprintf(line, sizeof line, "X-Pad-%lu: padding padding\r\n", n); break;
		}
		if (send_str(c, line) < 0)
			return 1;
	}
}

/* The mailbox servers' answer to the IMAP commands they do not script:
 * CAPABILITY and NOOP (CAPS), LOGOUT (1: the session ends), else BAD. */
static int mbox_imap_rest(struct client *c, const char *verb, const char *tag,
    const char *caps)
{
	char buf[512];

	if (strcasecmp(verb, "NOOP") == 0 || strcasecmp(verb, "CAPABILITY") == 0) {
		snprintf(buf, sizeof buf, "* CAPABILITY %s\n%%T OK done", caps);
		return send_reply(c, buf, tag) < 0;
	}
	if (strcasecmp(verb, "LOGOUT") == 0) {
		send_reply(c, "* BYE fakesrv logging out\n%T OK LOGOUT completed", tag);
		return 1;
	}
	return send_reply(c, "%T BAD unknown command", tag) < 0;
}

/* HEAD (ending in "{10485760}\r\n"), then the 10 MiB literal it announces, all FILL. */
static int send_literal_10m(struct client *c, const char *head, char fill)
{
	static char chunk[65536];
	int i;

	memset(chunk, fill, sizeof chunk);
	if (send_str(c, head) < 0)
		return -1;
	for (i = 0; i < 160; i++)
		if (send_all(c, chunk, sizeof chunk) < 0)
			return -1;
	return 0;
}

static int mbox_imap_search(struct client *c, const char *fault, const char *line, const char *tag,
    int in_junk)
{
	char buf[256];

	if (strstr(line, "DELETED")) {
		snprintf(buf, sizeof buf, "* SEARCH %s\n%%T OK search done",
		    strcmp(fault, "flagged") == 0 ? "7 9" : "7");
		return send_reply(c, buf, tag) < 0;
	}
	if (strstr(line, "mailprobe test mp-"))   /* stale probes: none */
		return send_reply(c, "* SEARCH\n%T OK search done", tag) < 0;
	if (strcmp(fault, "searchstall") == 0) {
		logmsg("S: (no reply to the search)");
		drain(c);
		return 1;
	}
	if (strcmp(fault, "searchendless") == 0)
		return mbox_flood(c, NULL, MF_SEARCH);
	if (strcmp(fault, "literal") == 0)
		return send_literal_10m(c, "* SEARCH {10485760}\r\n", '1') < 0 ||
		    send_reply(c, "\n%T OK search done", tag) < 0;
	if (strcmp(fault, "notfound") == 0 || in_junk)   /* the probe is in INBOX */
		return send_reply(c, "* SEARCH\n%T OK search done", tag) < 0;
	return send_reply(c, "* SEARCH 7\n%T OK search done", tag) < 0;
}

static int mbox_imap(struct client *c, const char *fault, const char *line, const char *tag,
    const char *verb, int *in_junk)
{
	const char *caps = strcmp(fault, "flagged") == 0 ? "IMAP4rev1 SPECIAL-USE" :
	    "IMAP4rev1 SPECIAL-USE UIDPLUS";
	const char *rest = line + strlen(tag) + 1 + strlen(verb);
	char buf[512];

	if (strcasecmp(verb, "AUTHENTICATE") == 0 || strcasecmp(verb, "LOGIN") == 0) {
		snprintf(buf, sizeof buf, "%%T OK [CAPABILITY %s] logged in", caps);
		return send_reply(c, buf, tag) < 0;
	}
	if (strcasecmp(verb, "LIST") == 0) {
		if (strcmp(fault, "listloop") == 0)
			return mbox_flood(c, NULL, MF_LIST);
		return send_reply(c, "* LIST (\\Junk) \".\" Junk\n* LIST () \".\" INBOX\n"
		    "%T OK LIST done", tag) < 0;
	}
	if (strcasecmp(verb, "SELECT") == 0) {
		*in_junk = strstr(rest, "Junk") != NULL;
		return send_reply(c, "* 1 EXISTS\n%T OK [READ-WRITE] selected", tag) < 0;
	}
	if (strcasecmp(verb, "UID") == 0 && strncasecmp(rest, " SEARCH", 7) == 0)
		return mbox_imap_search(c, fault, line, tag, *in_junk);
	if (strcasecmp(verb, "UID") == 0 && strncasecmp(rest, " STORE", 6) == 0)
		return send_reply(c, "%T OK stored", tag) < 0;
	if ((strcasecmp(verb, "UID") == 0 && strncasecmp(rest, " EXPUNGE", 8) == 0) ||
	    strcasecmp(verb, "EXPUNGE") == 0) {
		if (strcmp(fault, "expunge") == 0)
			return send_reply(c, "%T NO [EXPUNGEISSUED] expunge refused by fakesrv", tag) < 0;
		return send_reply(c, "* 1 EXPUNGE\n%T OK expunged", tag) < 0;
	}
	return mbox_imap_rest(c, verb, tag, caps);
}

static int mbox_pop3(struct client *c, const char *fault, const char *verb)
{
	if (strcasecmp(verb, "CAPA") == 0)
		return send_reply(c, "+OK Capability list follows\nUSER\nUIDL\nTOP\n.", NULL) < 0;
	if (strcasecmp(verb, "USER") == 0 || strcasecmp(verb, "PASS") == 0 ||
	    strcasecmp(verb, "DELE") == 0)
		return send_reply(c, "+OK", NULL) < 0;
	if (strcasecmp(verb, "UIDL") == 0) {
		if (strcmp(fault, "uidlflood") == 0)
			return mbox_flood(c, "+OK\r\n", MF_UIDL);
		return send_reply(c, "+OK\n1 fakeuid1\n.", NULL) < 0;
	}
	if (strcasecmp(verb, "TOP") == 0) {
		if (strcmp(fault, "topflood") == 0)
			return mbox_flood(c, "+OK 100 octets\r\n", MF_TOP);
		return send_reply(c, "+OK\nSubject: mailprobe test mp-1-00ff\nFrom: a@b\n\n.", NULL) < 0;
	}
	if (strcasecmp(verb, "QUIT") == 0) {
		send_reply(c, "+OK bye", NULL);
		return 1;
	}
	return send_reply(c, "-ERR unknown command", NULL) < 0;
}

static void sc_mailbox(struct client *c)
{
	char line[LINE_MAX_LEN], tag[64], verb[32];
	const char *fault = c->arg;
	int in_junk = 0;

	if (send_reply(c, proto == PROTO_POP3 ? "+OK fakesrv mailbox ready" :
	    "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR] fakesrv mailbox ready", NULL) < 0)
		return;
	while (read_line(c, line, sizeof line) >= 0) {
		int r;

		logmsg("C: %s", line);
		split_command(line, tag, sizeof tag, verb, sizeof verb);
		r = proto == PROTO_POP3 ? mbox_pop3(c, fault, verb) :
		    mbox_imap(c, fault, line, tag, verb, &in_junk);
		if (r)
			return;
	}
}

/* ------------------------------------------------------------------ mailbox health (issue 21) */

/*
 * A mailbox whose health the IMAP/POP3 plugins read after the login (any login is taken), with
 * one FAULT (the argument):
 *   good          IMAP: LIST INBOX and Archive; STATUS INBOX (MESSAGES 3 UNSEEN 1 RECENT 0);
 *                 EXAMINE, FETCH INTERNALDATE of 2026; POP3: STAT 3 300, TOP with a Date: header
 *   listloop      IMAP: LIST never ends
 *   statusabsurd  IMAP: STATUS INBOX (MESSAGES 99999999999999999999 ...)
 *   fetchliteral  IMAP: the reply to FETCH is a 10 MiB literal
 *   fetchstall    IMAP: FETCH is never answered
 *   statabsurd    POP3: STAT 99999999999999999999 1
 *   topflood      POP3: TOP n 0 sends header lines without end
 */
static int health_imap(struct client *c, const char *fault, const char *tag, const char *verb)
{
	if (strcasecmp(verb, "AUTHENTICATE") == 0 || strcasecmp(verb, "LOGIN") == 0)
		return send_reply(c, "%T OK [CAPABILITY IMAP4rev1 QUOTA] logged in", tag) < 0;
	if (strcasecmp(verb, "LIST") == 0) {
		if (strcmp(fault, "listloop") == 0)
			return mbox_flood(c, NULL, MF_LIST);
		return send_reply(c, "* LIST () \".\" INBOX\n* LIST () \".\" Archive\n%T OK LIST done",
		    tag) < 0;
	}
	if (strcasecmp(verb, "STATUS") == 0) {
		if (strcmp(fault, "statusabsurd") == 0)
			return send_reply(c, "* STATUS INBOX (MESSAGES 99999999999999999999 UNSEEN 1 "
			    "RECENT 0)\n%T OK STATUS done", tag) < 0;
		return send_reply(c, "* STATUS INBOX (MESSAGES 3 UNSEEN 1 RECENT 0)\n%T OK STATUS done",
		    tag) < 0;
	}
	if (strcasecmp(verb, "EXAMINE") == 0)
		return send_reply(c, "* 3 EXISTS\n%T OK [READ-ONLY] examined", tag) < 0;
	if (strcasecmp(verb, "GETQUOTAROOT") == 0)
		return send_reply(c, "* QUOTAROOT INBOX \"\"\n* QUOTA \"\" (STORAGE 10 100)\n"
		    "%T OK quota", tag) < 0;
	if (strcasecmp(verb, "FETCH") == 0) {
		if (strcmp(fault, "fetchstall") == 0) {
			logmsg("S: (no reply to FETCH)");
			drain(c);
			return 1;
		}
		if (strcmp(fault, "fetchliteral") == 0)
			return send_literal_10m(c, "* 1 FETCH (INTERNALDATE {10485760}\r\n", 'x') < 0 ||
			    send_reply(c, ")\n%T OK fetched", tag) < 0;
		return send_reply(c, "* 1 FETCH (INTERNALDATE \"01-Dec-2026 10:00:00 +0000\")\n"
		    "* 3 FETCH (INTERNALDATE \"02-Dec-2026 10:00:00 +0000\")\n%T OK fetched", tag) < 0;
	}
	return mbox_imap_rest(c, verb, tag, "IMAP4rev1 QUOTA");
}

static int health_pop3(struct client *c, const char *fault, const char *verb)
{
	if (strcasecmp(verb, "CAPA") == 0)
		return send_reply(c, "+OK Capability list follows\nUSER\nUIDL\nTOP\n.", NULL) < 0;
	if (strcasecmp(verb, "USER") == 0 || strcasecmp(verb, "PASS") == 0)
		return send_reply(c, "+OK", NULL) < 0;
	if (strcasecmp(verb, "STAT") == 0)
		return send_reply(c, strcmp(fault, "statabsurd") == 0 ?
		    "+OK 99999999999999999999 1" : "+OK 3 300", NULL) < 0;
	if (strcasecmp(verb, "TOP") == 0) {
		if (strcmp(fault, "topflood") == 0)
			return mbox_flood(c, "+OK 100 octets\r\n", MF_TOP);
		return send_reply(c, "+OK\nSubject: x\nDate: Tue, 01 Dec 2026 10:00:00 +0000\n\n.",
		    NULL) < 0;
	}
	if (strcasecmp(verb, "QUIT") == 0) {
		send_reply(c, "+OK bye", NULL);
		return 1;
	}
	return send_reply(c, "-ERR unknown command", NULL) < 0;
}

static void sc_mboxhealth(struct client *c)
{
	char line[LINE_MAX_LEN], tag[64], verb[32];
	const char *fault = c->arg;

	if (send_reply(c, proto == PROTO_POP3 ? "+OK fakesrv mailbox ready" :
	    "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR] fakesrv mailbox ready", NULL) < 0)
		return;
	while (read_line(c, line, sizeof line) >= 0) {
		int r;

		logmsg("C: %s", line);
		split_command(line, tag, sizeof tag, verb, sizeof verb);
		r = proto == PROTO_POP3 ? health_pop3(c, fault, verb) :
		    health_imap(c, fault, tag, verb);
		if (r)
			return;
	}
}

struct scenario {
	const char *name;
	int arg;                   /* 0: none, 1: required, 2: optional */
	void (*serve)(struct client *c);
	const char *help;
};

static const struct scenario scenarios[] = {
	{ "silent",  0, sc_silent,  "accept, read and discard, never speak" },
	{ "banner",  1, sc_banner,  "send TEXT as greeting, 250 to every line, 221 to QUIT" },
	{ "close",   0, sc_close,   "accept and close at once" },
	{ "garbage", 0, sc_garbage, "send 1 KiB of binary incl. NUL bytes, then wait" },
	{ "good",    0, sc_good,    "a well-behaved session of the -x protocol" },
	{ "greet",   1, sc_greet,   "TEXT as the greeting, then a well-behaved session" },
	{ "drip",    2, sc_drip,    "the greeting one byte every MS ms (default 1000)" },
	{ "slowbanner", 2, sc_slowbanner, "the greeting after MS ms (default 300), then a session" },
	{ "nul",     0, sc_nul,     "a greeting with a NUL byte inside its text" },
	{ "longline", 2, sc_longline, "a greeting line of BYTES bytes (default 1 MiB)" },
	{ "endless", 2, sc_endless, "the reply to EHLO/CAPABILITY/CAPA never ends (MS ms a line)" },
	{ "reset",   2, sc_reset,   "TCP reset (SO_LINGER 0) at AT (default: first command)" },
	{ "hangup",  2, sc_hangup,  "close without a reply at AT (default: first command)" },
	{ "reply",   1, sc_reply,   "AT=TEXT: TEXT instead of the reply at AT, go on" },
	{ "replyclose", 1, sc_replyclose, "AT=TEXT: TEXT instead of the reply at AT, then close" },
	{ "slowreply", 1, sc_slowreply, "AT=MS: the reply at AT after MS ms, go on" },
	{ "introspect", 1, sc_introspect, "USER: an OAuth token introspection endpoint (good-* tokens)" },
	{ "sasl",    1, sc_sasl,    "SMTP AUTH faults: scram-badsig|scram-nosig|endless|badb64|huge|oauth-error" },
	{ "starttls", 1, sc_starttls, "STARTTLS/STLS go-ahead, then plain|inject|stall" },
	{ "hello_stall", 0, sc_hello_stall, "implicit TLS: read the ClientHello, never answer" },
	{ "tlschain", 1, sc_tlschain, "implicit TLS with DIR/key.pem and DIR/chain.pem, a session" },
	{ "every2nd", 0, sc_every2nd, "reset every second connection at once, serve the others" },
	{ "http",    1, sc_http,    "FAULT[:P]: an HTTP(S) policy server (use -K DIR), see below" },
	{ "mailbox", 1, sc_mailbox, "FAULT: an IMAP/POP3 mailbox for --fetch (-x), see below" },
	{ "mboxhealth", 1, sc_mboxhealth, "FAULT: a mailbox whose health is read (-x), see below" },
};

#define N_SCENARIOS (sizeof scenarios / sizeof scenarios[0])

/* ------------------------------------------------------------------ main */

static void usage(FILE *f)
{
	size_t i;

	fputs("usage: fakesrv [-a ADDR] [-p PORT] [-P PORTFILE] [-i IDLE] [-x smtp|imap|pop3] [-K DIR]"
	      " [-v] SCENARIO [ARG]\n"
	      "ADDR must be in 127.0.0.0/8 or ::1 (default 127.0.0.1); PORT 0 lets the kernel pick.\n"
	      "AT is BANNER, BODY (SMTP, after the first message line), DOT (SMTP, after the final\n"
	      "dot), * (every command) or a command verb; \"%T\" in a TEXT is the IMAP tag.\n"
	      "scenarios:\n", f);
	for (i = 0; i < N_SCENARIOS; i++)
		fprintf(f, "  %-11s %-5s %s\n", scenarios[i].name,
		        scenarios[i].arg == 1 ? "ARG" : scenarios[i].arg == 2 ? "[ARG]" : "",
		        scenarios[i].help);
	fputs("http faults (after the GET request): good, goodchunked, silent, garbage,\n"
	      "  longstatus[:BYTES], longheader[:BYTES], headers[:MS], clen:N, smuggle, big[:BYTES],\n"
	      "  bigchunked[:BYTES], chunk:TEXT, drip[:MS], reset, eofreset, eofcut, status[:TEXT],\n"
	      "  notype (the comment above sc_http in fakesrv.c says what each sends)\n"
	      "-K DIR: implicit TLS with DIR/key.pem and DIR/chain.pem before any scenario\n"
	      "mailbox faults (-x imap): good, notfound, searchstall, searchendless, literal, listloop,\n"
	      "  expunge, flagged; (-x pop3): good, uidlflood, topflood (see sc_mailbox in fakesrv.c)\n"
	      "mboxhealth faults (-x imap): good, listloop, statusabsurd, fetchliteral, fetchstall;\n"
	      "  (-x pop3): good, statabsurd, topflood (see sc_mboxhealth in fakesrv.c)\n", f);
}

static long parse_num(const char *s, long min, long max, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end != '\0' || v < min || v > max)
		die("bad %s '%s'", what, s);
	return v;
}

/* Create, bind and listen; loopback addresses only. Returns the socket, stores the port. */
static int listen_on(const char *addr, int port, int *bound_port)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd, one = 1;

	memset(&ss, 0, sizeof ss);
	if (strchr(addr, ':')) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		if (inet_pton(AF_INET6, addr, &s6->sin6_addr) != 1)
			die("bad address '%s'", addr);
		if (!IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr))
			die("refusing to bind %s: only 127.0.0.0/8 and ::1", addr);
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((unsigned short)port);
		sl = sizeof *s6;
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		if (inet_pton(AF_INET, addr, &s4->sin_addr) != 1)
			die("bad address '%s'", addr);
		if ((ntohl(s4->sin_addr.s_addr) >> 24) != 127)
			die("refusing to bind %s: only 127.0.0.0/8 and ::1", addr);
		s4->sin_family = AF_INET;
		s4->sin_port = htons((unsigned short)port);
		sl = sizeof *s4;
	}
	fd = socket(ss.ss_family, SOCK_STREAM, 0);
	if (fd < 0)
		die("socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0)
		die("bind %s port %d: %s", addr, port, strerror(errno));
	if (listen(fd, 16) < 0)
		die("listen: %s", strerror(errno));
	sl = sizeof ss;
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) < 0)
		die("getsockname: %s", strerror(errno));
	*bound_port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
	                                             : ((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}

/* Write the port to path via a temporary file and rename(), so readers never see half of it. */
static void write_portfile(const char *path, int port)
{
	size_t len = strlen(path) + 8;
	char *tmp = malloc(len);
	FILE *f;

	if (tmp == NULL)
		die("out of memory");
	snprintf(tmp, len, "%s.tmp", path);
	f = fopen(tmp, "w");
	if (f == NULL)
		die("%s: %s", tmp, strerror(errno));
	fprintf(f, "%d\n", port);
	if (fclose(f) != 0 || rename(tmp, path) != 0)
		die("%s: %s", path, strerror(errno));
	free(tmp);
}

/* The server context for tlschain and -K: DIR/chain.pem (leaf first) and DIR/key.pem. */
static SSL_CTX *tls_server_ctx(const char *dir)
{
	char chain[4096], key[4096];
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

	if (ctx == NULL)
		die("cannot create a TLS context");
	snprintf(chain, sizeof chain, "%s/chain.pem", dir);
	snprintf(key, sizeof key, "%s/key.pem", dir);
	if (SSL_CTX_use_certificate_chain_file(ctx, chain) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		ERR_print_errors_fp(stderr);
		die("cannot load %s and %s", chain, key);
	}
	return ctx;
}

int main(int argc, char **argv)
{
	const char *addr = "127.0.0.1", *portfile = NULL, *tls_dir = NULL;
	const struct scenario *sc = NULL;
	int port = 0, bound = 0, lfd, opt, idle = -1, nargs, one = 1;
	SSL_CTX *tls_ctx = NULL;
	size_t i;

	while ((opt = getopt(argc, argv, "+a:p:P:i:x:K:vh")) != -1) {
		switch (opt) {
		case 'a': addr = optarg; break;
		case 'p': port = (int)parse_num(optarg, 0, 65535, "port"); break;
		case 'P': portfile = optarg; break;
		case 'i': idle = (int)parse_num(optarg, 1, 86400, "idle timeout"); break;
		case 'x':
			for (i = 0; i < sizeof proto_names / sizeof proto_names[0]; i++)
				if (strcasecmp(optarg, proto_names[i]) == 0)
					break;
			if (i == sizeof proto_names / sizeof proto_names[0])
				die("bad protocol '%s' (smtp, imap or pop3)", optarg);
			proto = (enum proto)i;
			break;
		case 'K': tls_dir = optarg; break;
		case 'v': verbose = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	for (i = 0; i < N_SCENARIOS; i++)
		if (strcmp(argv[optind], scenarios[i].name) == 0)
			sc = &scenarios[i];
	if (sc == NULL)
		die("unknown scenario '%s' (fakesrv -h lists them)", argv[optind]);
	nargs = argc - optind - 1;
	if (sc->arg == 1 && nargs < 1)
		die("scenario %s needs an argument", sc->name);
	if (nargs > (sc->arg ? 1 : 0))
		die("too many arguments");
	if (sc->serve == sc_tlschain && tls_dir)
		die("-K and tlschain both start TLS: give one of them");
	if (sc->serve == sc_tlschain)
		tls_ctx = tls_server_ctx(argv[optind + 1]);
	if (tls_dir)
		tls_ctx = tls_server_ctx(tls_dir);
	if (sc->serve == sc_http)
		http_check_arg(argv[optind + 1]);

	signal(SIGPIPE, SIG_IGN);
	lfd = listen_on(addr, port, &bound);
	if (portfile) {
		write_portfile(portfile, bound);
	} else {
		printf("%d\n", bound);
		fflush(stdout);
	}
	logmsg("%s (%s) listening on %s port %d", sc->name, proto_names[proto], addr, bound);

	for (;;) {
		struct client *c;
		int cfd = accept(lfd, NULL, NULL);

		if (cfd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			die("accept: %s", strerror(errno));
		}
		/* every reply leaves at once: timings measure the client, not Nagle */
		setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		c = calloc(1, sizeof *c);
		if (c == NULL)
			die("out of memory");
		c->fd = cfd;
		c->arg = nargs > 0 ? argv[optind + 1] : NULL;
		c->idle_ms = idle > 0 ? idle * 1000 : -1;
		c->tls_ctx = tls_ctx;
		logmsg("connection");
		if (tls_dir == NULL || sc->serve == sc_every2nd || tls_accept(c) == 0)
			sc->serve(c);
		if (c->ssl) {
			if (c->tls_clean && c->fd >= 0)
				SSL_shutdown(c->ssl);
			SSL_free(c->ssl);
		}
		ERR_clear_error();
		if (c->fd >= 0)
			close(c->fd);
		free(c);
		logmsg("closed");
	}
}

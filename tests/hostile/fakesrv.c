/*
 * fakesrv - a tiny scripted, misbehaving TCP server for the mailprobe tests.
 *
 *   fakesrv [-a ADDR] [-p PORT] [-P PORTFILE] [-i IDLE] [-v] SCENARIO [ARG]
 *
 * Listens on ADDR (default 127.0.0.1; only 127.0.0.0/8 and ::1 are accepted) and PORT (default 0:
 * the kernel picks one), writes the bound port number to PORTFILE (atomically, once listening; to
 * stdout when no -P is given), then serves one connection at a time with SCENARIO, forever, until
 * it is killed (SIGTERM). -i IDLE drops a client that sends nothing for IDLE seconds (default: wait
 * forever, the client's timeout ends the connection). -v logs connections to stderr.
 *
 * Adding a scenario: write `static void sc_NAME(struct client *c)` (c->fd is the connection,
 * c->arg the optional argument) with the helpers below (send_str, send_line, read_line, drain) and
 * add a row to `scenarios[]`. The connection is closed when the function returns.
 *
 * C99 + POSIX, no dependencies.
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0
#endif

#define LINE_MAX_LEN 8192

struct client {
	int fd;
	const char *arg;          /* scenario argument, or NULL */
	char buf[LINE_MAX_LEN];   /* bytes read but not yet returned as a line */
	size_t have;
	int idle_ms;              /* -1: wait forever */
};

static int verbose;

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

/* ------------------------------------------------------------------ I/O helpers */

/* Write all of buf. Returns 0, or -1 when the peer went away. */
static int send_all(struct client *c, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = send(c->fd, p, len, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
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

/* Wait until fd is readable. Returns 1 readable, 0 idle timeout, -1 error. */
static int wait_readable(struct client *c)
{
	struct pollfd pfd;

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
	do
		n = recv(c->fd, c->buf + c->have, sizeof c->buf - c->have, 0);
	while (n < 0 && errno == EINTR);
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

/* 1 KiB of binary (NUL bytes included) instead of a greeting, then wait. */
static void sc_garbage(struct client *c)
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
	if (send_all(c, junk, sizeof junk) < 0)
		return;
	drain(c);
}

struct scenario {
	const char *name;
	int arg;                   /* 0: none, 1: required */
	void (*serve)(struct client *c);
	const char *help;
};

static const struct scenario scenarios[] = {
	{ "silent",  0, sc_silent,  "accept, read and discard, never speak" },
	{ "banner",  1, sc_banner,  "send TEXT as greeting, 250 to every line, 221 to QUIT" },
	{ "close",   0, sc_close,   "accept and close at once" },
	{ "garbage", 0, sc_garbage, "send 1 KiB of binary incl. NUL bytes, then wait" },
};

#define N_SCENARIOS (sizeof scenarios / sizeof scenarios[0])

/* ------------------------------------------------------------------ main */

static void usage(FILE *f)
{
	size_t i;

	fputs("usage: fakesrv [-a ADDR] [-p PORT] [-P PORTFILE] [-i IDLE] [-v] SCENARIO [ARG]\n"
	      "ADDR must be in 127.0.0.0/8 or ::1 (default 127.0.0.1); PORT 0 lets the kernel pick.\n"
	      "scenarios:\n", f);
	for (i = 0; i < N_SCENARIOS; i++)
		fprintf(f, "  %-10s %-5s %s\n", scenarios[i].name, scenarios[i].arg ? "ARG" : "",
		        scenarios[i].help);
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

int main(int argc, char **argv)
{
	const char *addr = "127.0.0.1", *portfile = NULL;
	const struct scenario *sc = NULL;
	int port = 0, bound = 0, lfd, opt, idle = -1;
	size_t i;

	while ((opt = getopt(argc, argv, "+a:p:P:i:vh")) != -1) {
		switch (opt) {
		case 'a': addr = optarg; break;
		case 'p': port = (int)parse_num(optarg, 0, 65535, "port"); break;
		case 'P': portfile = optarg; break;
		case 'i': idle = (int)parse_num(optarg, 1, 86400, "idle timeout"); break;
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
	if (sc->arg && optind + 1 >= argc)
		die("scenario %s needs an argument", sc->name);
	if (argc > optind + 1 + sc->arg)
		die("too many arguments");

	signal(SIGPIPE, SIG_IGN);
	lfd = listen_on(addr, port, &bound);
	if (portfile) {
		write_portfile(portfile, bound);
	} else {
		printf("%d\n", bound);
		fflush(stdout);
	}
	logmsg("%s listening on %s port %d", sc->name, addr, bound);

	for (;;) {
		struct client *c;
		int cfd = accept(lfd, NULL, NULL);

		if (cfd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			die("accept: %s", strerror(errno));
		}
		c = calloc(1, sizeof *c);
		if (c == NULL)
			die("out of memory");
		c->fd = cfd;
		c->arg = sc->arg ? argv[optind + 1] : NULL;
		c->idle_ms = idle > 0 ? idle * 1000 : -1;
		logmsg("connection");
		sc->serve(c);
		close(cfd);
		free(c);
		logmsg("closed");
	}
}

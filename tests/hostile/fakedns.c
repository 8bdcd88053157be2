/*
 * fakedns - a tiny scripted, misbehaving DNS responder for the mailprobe tests (issue 14).
 *
 *   fakedns [-a ADDR] [-P PORTFILE] [-L LOGFILE] [-v] SCENARIO [ARG]
 *
 * Answers on UDP and TCP (RFC 1035 §4.2.2, a two-byte length before each message) on ADDR
 * (default 127.0.0.1; only 127.0.0.0/8 is accepted) and one port picked by the kernel for UDP
 * and taken for TCP as well, written to PORTFILE (atomically, once both listen; to stdout when
 * no -P is given). Serves until killed (SIGTERM). -L appends one line per query to LOGFILE:
 * "udp|tcp ID SOURCEPORT TYPE NAME". -v logs to stderr.
 *
 * The zone, for any name N asked (lower case, without the final dot):
 *   MX N      N MX 10 mx1.N, N MX 20 mx2.N
 *   A N       N A 127.0.0.1
 *   anything else: NOERROR without records (NODATA)
 * A UDP answer longer than the query's EDNS size (512 without EDNS) goes out truncated (TC, the
 * question only), so that the client asks again over TCP.
 *
 * Scenarios (`fakedns -h` lists them):
 *   good            the zone above
 *   wrong-id        every answer (UDP and TCP) with an ID other than the query's
 *   forged KIND     first a forged answer, then the true one 50 ms later. The forgery says
 *                   MX N: N MX 5 evil.N and A N: N A 127.0.0.2 (where nothing listens), and
 *                   KIND makes it one an attacker could send: id (another ID), name (the
 *                   question and owners are evil.N), type (the question's type is TXT), port
 *                   (all right, but sent from another port)
 *   wrong-owner     MX N: N MX 10 mx1.N; A N: only evil.N A 127.0.0.1 (another owner)
 *   cname           MX N: N MX 10 mx1.N; A N: N CNAME alias.N, alias.N A 127.0.0.1
 *   mx200           MX N: 199 records h000.N .. h198.N (preferences 20..218), then MX 10 best.N
 *                   last; the h*.N hosts have A 127.0.0.2 (where nothing listens)
 *   ties            MX N: N MX 10 b.N, N MX 10 a.N, N MX 20 z.N (two of equal preference)
 *   slow-addr MS    MX N: mx1.N .. mx5.N (preferences 10..50) at once; every A and AAAA answer
 *                   MS milliseconds late
 *   spf-tree        (issue 22) TXT N: "v=spf1 a:x.N include:l.N include:r.N -all" for every
 *                   name: an SPF include tree without end and without a repeated name
 *   txt-big         (issue 22) TXT N: one record of 200 character-strings of 250 bytes (50 KB,
 *                   over TCP), the first beginning "v=spf1 "
 *
 * C99 + POSIX, ldns to build and parse the messages.
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <ldns/ldns.h>

#define PENDING_MAX 256
#define FORGE_DELAY_MS 50

enum scenario {
	SC_GOOD, SC_WRONG_ID, SC_FORGED, SC_WRONG_OWNER, SC_CNAME, SC_MX200, SC_TIES, SC_SLOW_ADDR,
	SC_SPF_TREE, SC_TXT_BIG
};

static const struct {
	const char *name;
	enum scenario sc;
	const char *help;
} scenarios[] = {
	{ "good", SC_GOOD, "the zone: MX 10 mx1.N, MX 20 mx2.N; A 127.0.0.1" },
	{ "wrong-id", SC_WRONG_ID, "every answer with another ID" },
	{ "forged", SC_FORGED, "KIND (id|name|type|port): a forgery, then the truth 50 ms later" },
	{ "wrong-owner", SC_WRONG_OWNER, "the A answer holds only evil.N A 127.0.0.1" },
	{ "cname", SC_CNAME, "the A answer is N CNAME alias.N, alias.N A 127.0.0.1" },
	{ "mx200", SC_MX200, "200 MX records, the most preferred (best.N) last" },
	{ "ties", SC_TIES, "MX 10 b.N, MX 10 a.N, MX 20 z.N" },
	{ "slow-addr", SC_SLOW_ADDR, "MS: five MX hosts; A/AAAA answers MS ms late" },
	{ "spf-tree", SC_SPF_TREE, "TXT: v=spf1 a:x.N include:l.N include:r.N -all, for every N" },
	{ "txt-big", SC_TXT_BIG, "TXT: one record of 200 strings of 250 bytes (v=spf1 ...)" },
};

enum forge { FORGE_ID, FORGE_NAME, FORGE_TYPE, FORGE_PORT };

/* A datagram to send later. */
struct pending {
	int64_t due_ms;
	int fd;
	struct sockaddr_in to;
	uint8_t *wire;
	size_t len;
};

static enum scenario sc = SC_GOOD;
static enum forge forge_kind = FORGE_ID;
static long slow_ms;
static int verbose;
static FILE *qlog;
static struct pending pending[PENDING_MAX];
static int npending;

static void
logmsg(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	va_start(ap, fmt);
	fputs("fakedns: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static void
die(const char *what)
{
	fprintf(stderr, "fakedns: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Add the record TEXT (zone-file syntax) to the answer section of P. */
static void
add_rr(ldns_pkt *p, const char *fmt, ...)
{
	char text[1024];
	ldns_rr *rr = NULL;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (ldns_rr_new_frm_str(&rr, text, 300, NULL, NULL) != LDNS_STATUS_OK || rr == NULL) {
		fprintf(stderr, "fakedns: bad record: %s\n", text);
		exit(1);
	}
	ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER, rr);
}

/* An empty answer to Q: its ID and question, QR, RA, RD as asked. QNAME/QTYPE override the
 * question when not NULL/0. */
static ldns_pkt *
answer_head(const ldns_pkt *q, const char *qname, ldns_rr_type qtype)
{
	ldns_pkt *a = ldns_pkt_new();
	const ldns_rr *qr = ldns_rr_list_rr(ldns_pkt_question(q), 0);
	ldns_rr *nq;

	if (a == NULL)
		die("ldns_pkt_new");
	ldns_pkt_set_id(a, ldns_pkt_id(q));
	ldns_pkt_set_qr(a, true);
	ldns_pkt_set_ra(a, true);
	ldns_pkt_set_rd(a, ldns_pkt_rd(q));
	ldns_pkt_set_opcode(a, LDNS_PACKET_QUERY);
	ldns_pkt_set_rcode(a, LDNS_RCODE_NOERROR);
	nq = ldns_rr_clone(qr);
	if (qname) {
		ldns_rdf *o = ldns_dname_new_frm_str(qname);

		ldns_rdf_deep_free(ldns_rr_owner(nq));
		ldns_rr_set_owner(nq, o);
	}
	if (qtype)
		ldns_rr_set_type(nq, qtype);
	ldns_pkt_push_rr(a, LDNS_SECTION_QUESTION, nq);
	if (ldns_pkt_edns_udp_size(q) > 0) {
		ldns_pkt_set_edns_udp_size(a, 1232);
		ldns_pkt_set_edns_do(a, ldns_pkt_edns_do(q));
	}
	return a;
}

/* 1 when NAME starts with h and three digits and a dot (the mx200 filler hosts). */
static int
is_filler(const char *name)
{
	return name[0] == 'h' && isdigit((unsigned char)name[1]) &&
	    isdigit((unsigned char)name[2]) && isdigit((unsigned char)name[3]) && name[4] == '.';
}

/* A TXT record NAME (no final dot) of N character-strings of 250 bytes, the
 * first beginning "v=spf1 ", into the answer of P (scenario txt-big). */
static void
add_txt_big(ldns_pkt *p, const char *name, int n)
{
	ldns_rr *rr = ldns_rr_new();
	char owner[600];
	uint8_t s[251];
	int i;

	if (rr == NULL)
		die("ldns_rr_new");
	snprintf(owner, sizeof(owner), "%s.", name);
	ldns_rr_set_owner(rr, ldns_dname_new_frm_str(owner));
	ldns_rr_set_type(rr, LDNS_RR_TYPE_TXT);
	ldns_rr_set_class(rr, LDNS_RR_CLASS_IN);
	ldns_rr_set_ttl(rr, 300);
	s[0] = 250;
	for (i = 0; i < n; i++) {
		memset(s + 1, i ? 'y' : 'x', 250);
		if (i == 0)
			memcpy(s + 1, "v=spf1 ip4:127.0.0.1 ", 21);   /* NOLINT(bugprone-not-null-terminated-result): a character-string */
		ldns_rr_push_rdf(rr, ldns_rdf_new_frm_data(LDNS_RDF_TYPE_STR, sizeof(s), s));
	}
	ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER, rr);
}

/* The true answer to Q for NAME (no final dot) and type T. */
static ldns_pkt *
true_answer(const ldns_pkt *q, const char *name, ldns_rr_type t)
{
	ldns_pkt *a = answer_head(q, NULL, 0);
	int i;

	if (t == LDNS_RR_TYPE_MX) {
		switch (sc) {
		case SC_MX200:
			for (i = 0; i < 199; i++)
				add_rr(a, "%s. IN MX %d h%03d.%s.", name, 20 + i, i, name);
			add_rr(a, "%s. IN MX 10 best.%s.", name, name);
			break;
		case SC_TIES:
			add_rr(a, "%s. IN MX 10 b.%s.", name, name);
			add_rr(a, "%s. IN MX 10 a.%s.", name, name);
			add_rr(a, "%s. IN MX 20 z.%s.", name, name);
			break;
		case SC_SLOW_ADDR:
			for (i = 1; i <= 5; i++)
				add_rr(a, "%s. IN MX %d mx%d.%s.", name, i * 10, i, name);
			break;
		case SC_WRONG_OWNER:
		case SC_CNAME:
			add_rr(a, "%s. IN MX 10 mx1.%s.", name, name);
			break;
		default:
			add_rr(a, "%s. IN MX 10 mx1.%s.", name, name);
			add_rr(a, "%s. IN MX 20 mx2.%s.", name, name);
			break;
		}
	} else if (t == LDNS_RR_TYPE_A) {
		switch (sc) {
		case SC_WRONG_OWNER:
			add_rr(a, "evil.%s. IN A 127.0.0.1", name);
			break;
		case SC_CNAME:
			add_rr(a, "%s. IN CNAME alias.%s.", name, name);
			add_rr(a, "alias.%s. IN A 127.0.0.1", name);
			break;
		case SC_MX200:
			add_rr(a, "%s. IN A %s", name, is_filler(name) ? "127.0.0.2" : "127.0.0.1");
			break;
		default:
			add_rr(a, "%s. IN A 127.0.0.1", name);
			break;
		}
	} else if (t == LDNS_RR_TYPE_TXT && sc == SC_SPF_TREE && strlen(name) < 240) {
		add_rr(a, "%s. IN TXT \"v=spf1 a:x.%s include:l.%s include:r.%s -all\"", name, name,
		    name, name);
	} else if (t == LDNS_RR_TYPE_TXT && sc == SC_TXT_BIG) {
		add_txt_big(a, name, 200);
	}
	if (sc == SC_WRONG_ID)
		ldns_pkt_set_id(a, (uint16_t)(ldns_pkt_id(q) ^ 0x5555));
	return a;
}

/* The forgery that goes out before the true answer (scenario forged). */
static ldns_pkt *
forged_answer(const ldns_pkt *q, const char *name, ldns_rr_type t)
{
	char evil[600];
	const char *owner = name;
	ldns_pkt *a;

	snprintf(evil, sizeof(evil), "evil.%s.", name);
	if (forge_kind == FORGE_NAME) {
		a = answer_head(q, evil, 0);
		owner = evil;
	} else {
		a = answer_head(q, NULL, forge_kind == FORGE_TYPE ? LDNS_RR_TYPE_TXT : 0);
	}
	if (t == LDNS_RR_TYPE_MX)
		add_rr(a, "%s%s IN MX 5 evil.%s.", owner, owner == name ? "." : "", name);
	else if (t == LDNS_RR_TYPE_A)
		add_rr(a, "%s%s IN A 127.0.0.2", owner, owner == name ? "." : "");
	if (forge_kind == FORGE_ID)
		ldns_pkt_set_id(a, (uint16_t)(ldns_pkt_id(q) ^ 0x5555));
	return a;
}

/* The wire form of A; for UDP cut to the header and question with TC when longer than LIMIT. */
static uint8_t *
to_wire(ldns_pkt *a, size_t limit, size_t *len)
{
	uint8_t *w = NULL;

	if (ldns_pkt2wire(&w, a, len) != LDNS_STATUS_OK)
		die("ldns_pkt2wire");
	if (limit && *len > limit) {
		ldns_rr_list *an = ldns_pkt_answer(a);

		free(w);
		w = NULL;
		ldns_rr_list_deep_free(an);
		ldns_pkt_set_answer(a, ldns_rr_list_new());
		ldns_pkt_set_ancount(a, 0);
		ldns_pkt_set_tc(a, true);
		if (ldns_pkt2wire(&w, a, len) != LDNS_STATUS_OK)
			die("ldns_pkt2wire");
	}
	return w;
}

static void
queue(int fd, const struct sockaddr_in *to, uint8_t *wire, size_t len, long delay_ms)
{
	struct pending *p;

	if (delay_ms <= 0) {
		if (sendto(fd, wire, len, 0, (const struct sockaddr *)to, sizeof(*to)) < 0)
			logmsg("sendto: %s", strerror(errno));
		free(wire);
		return;
	}
	if (npending >= PENDING_MAX) {
		free(wire);
		return;
	}
	p = &pending[npending++];
	p->due_ms = now_ms() + delay_ms;
	p->fd = fd;
	p->to = *to;
	p->wire = wire;
	p->len = len;
}

static void
flush_due(void)
{
	int i = 0;
	int64_t now = now_ms();

	while (i < npending) {
		if (pending[i].due_ms > now) {
			i++;
			continue;
		}
		if (sendto(pending[i].fd, pending[i].wire, pending[i].len, 0,
		    (const struct sockaddr *)&pending[i].to, sizeof(pending[i].to)) < 0)
			logmsg("sendto: %s", strerror(errno));
		free(pending[i].wire);
		pending[i] = pending[--npending];
	}
}

/* Parse a query; NULL when it is not one we answer. NAME gets its name without the final
 * dot, in lower case. */
static ldns_pkt *
parse_query(const uint8_t *buf, size_t n, char *name, size_t cap, ldns_rr_type *t)
{
	ldns_pkt *q = NULL;
	ldns_rr_list *ql;
	char *s;
	size_t i, len;

	if (ldns_wire2pkt(&q, buf, n) != LDNS_STATUS_OK || q == NULL)
		return NULL;
	ql = ldns_pkt_question(q);
	if (ldns_pkt_qr(q) || ql == NULL || ldns_rr_list_rr_count(ql) != 1) {
		ldns_pkt_free(q);
		return NULL;
	}
	*t = ldns_rr_get_type(ldns_rr_list_rr(ql, 0));
	s = ldns_rdf2str(ldns_rr_owner(ldns_rr_list_rr(ql, 0)));
	len = s ? strlen(s) : 0;
	if (len > 0 && s[len - 1] == '.')
		s[--len] = '\0';
	if (s == NULL || len == 0 || len >= cap) {
		free(s);
		ldns_pkt_free(q);
		return NULL;
	}
	for (i = 0; i <= len; i++)
		name[i] = (char)tolower((unsigned char)s[i]);
	free(s);
	return q;
}

static void
log_query(const char *proto, const ldns_pkt *q, int port, ldns_rr_type t, const char *name)
{
	char *ts = ldns_rr_type2str(t);

	if (qlog) {
		fprintf(qlog, "%s %u %d %s %s\n", proto, (unsigned)ldns_pkt_id(q), port,
		    ts ? ts : "?", name);
		fflush(qlog);
	}
	logmsg("%s query %s %s id %u from port %d", proto, ts ? ts : "?", name,
	    (unsigned)ldns_pkt_id(q), port);
	free(ts);
}

static void
serve_udp(int fd, int forge_fd)
{
	uint8_t buf[65536];
	struct sockaddr_in from;
	socklen_t flen = sizeof(from);
	char name[512];
	ldns_rr_type t;
	ldns_pkt *q, *a;
	ssize_t n;
	size_t len, limit;
	uint8_t *w;
	long delay = 0;

	n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);
	if (n <= 0)
		return;
	q = parse_query(buf, (size_t)n, name, sizeof(name), &t);
	if (q == NULL)
		return;
	log_query("udp", q, ntohs(from.sin_port), t, name);
	limit = ldns_pkt_edns_udp_size(q) > 512 ? ldns_pkt_edns_udp_size(q) : 512;
	if (sc == SC_FORGED) {
		a = forged_answer(q, name, t);
		w = to_wire(a, limit, &len);
		ldns_pkt_free(a);
		queue(forge_kind == FORGE_PORT ? forge_fd : fd, &from, w, len, 0);
		delay = FORGE_DELAY_MS;
	}
	if (sc == SC_SLOW_ADDR && (t == LDNS_RR_TYPE_A || t == LDNS_RR_TYPE_AAAA))
		delay = slow_ms;
	a = true_answer(q, name, t);
	w = to_wire(a, limit, &len);
	ldns_pkt_free(a);
	queue(fd, &from, w, len, delay);
	ldns_pkt_free(q);
}

/* Read or write exactly N bytes; -1 on end of stream, error or 3 s of silence. */
static int
tcp_io(int fd, int out, uint8_t *buf, size_t n)
{
	size_t done = 0;

	while (done < n) {
		struct pollfd p = { fd, (short)(out ? POLLOUT : POLLIN), 0 };
		ssize_t r;

		if (poll(&p, 1, 3000) <= 0)
			return -1;
		r = out ? send(fd, buf + done, n - done, MSG_NOSIGNAL) : recv(fd, buf + done, n - done, 0);
		if (r <= 0)
			return -1;
		done += (size_t)r;
	}
	return 0;
}

/* One TCP connection: query after query until the client closes it. */
static void
serve_tcp(int lfd)
{
	struct sockaddr_in from;
	socklen_t flen = sizeof(from);
	int fd = accept(lfd, (struct sockaddr *)&from, &flen);
	uint8_t hdr[2], *buf = malloc(65536 + 2);

	if (fd < 0 || buf == NULL) {
		if (fd >= 0)
			close(fd);
		free(buf);
		return;
	}
	for (;;) {
		char name[512];
		ldns_rr_type t;
		ldns_pkt *q, *a;
		size_t n, len;
		uint8_t *w;

		if (tcp_io(fd, 0, hdr, 2) < 0)
			break;
		n = (size_t)hdr[0] << 8 | hdr[1];
		if (tcp_io(fd, 0, buf, n) < 0)
			break;
		q = parse_query(buf, n, name, sizeof(name), &t);
		if (q == NULL)
			break;
		log_query("tcp", q, ntohs(from.sin_port), t, name);
		a = true_answer(q, name, t);
		w = to_wire(a, 0, &len);
		ldns_pkt_free(a);
		ldns_pkt_free(q);
		if (len > 65535) {
			free(w);
			break;
		}
		buf[0] = (uint8_t)(len >> 8);
		buf[1] = (uint8_t)(len & 0xff);
		memcpy(buf + 2, w, len);
		free(w);
		if (tcp_io(fd, 1, buf, len + 2) < 0)
			break;
	}
	free(buf);
	close(fd);
}

static int
bind_on(const char *addr, int type, int port, int *bound)
{
	struct sockaddr_in sa;
	socklen_t slen = sizeof(sa);
	int fd = socket(AF_INET, type, 0), one = 1;

	if (fd < 0)
		die("socket");
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1)
		die("inet_pton");
	if (type == SOCK_STREAM)
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	if (type == SOCK_STREAM && listen(fd, 16) < 0)
		die("listen");
	if (getsockname(fd, (struct sockaddr *)&sa, &slen) < 0)
		die("getsockname");
	*bound = ntohs(sa.sin_port);
	return fd;
}

static void
write_portfile(const char *path, int port)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (f == NULL)
		die(tmp);
	fprintf(f, "%d\n", port);
	if (fclose(f) != 0 || rename(tmp, path) != 0)
		die(path);
}

static void
usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: fakedns [-a ADDR] [-P PORTFILE] [-L LOGFILE] [-v] SCENARIO [ARG]\n"
	    "scenarios:\n");
	for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		fprintf(f, "  %-12s %s\n", scenarios[i].name, scenarios[i].help);
}

int
main(int argc, char **argv)
{
	const char *addr = "127.0.0.1", *portfile = NULL, *arg = NULL;
	struct in_addr a4;
	int c, ufd = -1, tfd = -1, ffd, port = 0, tport = 0, dummy, tries;
	size_t i;

	while ((c = getopt(argc, argv, "a:P:L:vh")) != -1) {
		switch (c) {
		case 'a': addr = optarg; break;
		case 'P': portfile = optarg; break;
		case 'L':
			qlog = fopen(optarg, "a");
			if (qlog == NULL)
				die(optarg);
			break;
		case 'v': verbose = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	if (inet_pton(AF_INET, addr, &a4) != 1 || (ntohl(a4.s_addr) >> 24) != 127) {
		fprintf(stderr, "fakedns: %s is not in 127.0.0.0/8\n", addr);
		return 2;
	}
	for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		if (strcmp(argv[optind], scenarios[i].name) == 0)
			break;
	if (i == sizeof(scenarios) / sizeof(scenarios[0])) {
		fprintf(stderr, "fakedns: unknown scenario %s\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	sc = scenarios[i].sc;
	if (optind + 1 < argc)
		arg = argv[optind + 1];
	if (sc == SC_FORGED) {
		if (arg == NULL || strcmp(arg, "id") == 0)
			forge_kind = FORGE_ID;
		else if (strcmp(arg, "name") == 0)
			forge_kind = FORGE_NAME;
		else if (strcmp(arg, "type") == 0)
			forge_kind = FORGE_TYPE;
		else if (strcmp(arg, "port") == 0)
			forge_kind = FORGE_PORT;
		else {
			fprintf(stderr, "fakedns: forged: KIND is id, name, type or port\n");
			return 2;
		}
	}
	if (sc == SC_SLOW_ADDR)
		slow_ms = arg ? strtol(arg, NULL, 10) : 1000;

	/* one port for UDP and TCP: the kernel picks it for UDP, TCP takes the same */
	for (tries = 0; tries < 50 && tfd < 0; tries++) {
		if (ufd >= 0)
			close(ufd);
		ufd = bind_on(addr, SOCK_DGRAM, 0, &port);
		if (ufd < 0)
			die("bind udp");
		tfd = bind_on(addr, SOCK_STREAM, port, &tport);
	}
	if (tfd < 0)
		die("bind tcp");
	ffd = bind_on(addr, SOCK_DGRAM, 0, &dummy);   /* the forger's other port */
	if (ffd < 0)
		die("bind forger");
	if (portfile)
		write_portfile(portfile, port);
	else {
		printf("%d\n", port);
		fflush(stdout);
	}
	logmsg("listening on %s:%d (udp, tcp), scenario %s", addr, port, scenarios[i].name);

	for (;;) {
		struct pollfd p[2] = { { ufd, POLLIN, 0 }, { tfd, POLLIN, 0 } };
		int wait = -1, k;
		int64_t now = now_ms();

		for (k = 0; k < npending; k++) {
			int64_t w = pending[k].due_ms - now;

			if (w < 0)
				w = 0;
			if (wait < 0 || w < wait)
				wait = (int)w;
		}
		if (poll(p, 2, wait) < 0 && errno != EINTR)
			die("poll");
		flush_due();
		if (p[0].revents & POLLIN)
			serve_udp(ufd, ffd);
		if (p[1].revents & POLLIN)
			serve_tcp(tfd);
	}
}

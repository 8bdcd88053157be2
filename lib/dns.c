/* dns.c - see dns.h. The only file that includes ldns.
 *
 * ldns builds and parses the messages; the exchange is our own (ldns'
 * resolver takes an answer whatever its ID): one UDP socket connect()ed to
 * the server per query (the kernel picks a random source port and drops
 * datagrams from elsewhere), a random ID, and every datagram that does not
 * answer our question (ID, QR, name, type, class) is dropped while the wait
 * goes on. A truncated answer is asked again over TCP. */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include <ldns/ldns.h>

#include "conn.h"
#include "dns.h"

#define DNS_EDNS_SIZE 1232     /* DNS flag day 2020: no IP fragmentation */
#define DNS_CNAME_HOPS 8       /* CNAMEs followed inside one answer */
#define DNS_MSG_MAX 65535

/* Read-only after dns_new: several threads may query through one. */
struct dns {
	ldns_resolver *res;    /* the name servers and their port; no queries */
	char server[128];      /* for messages: "127.0.0.1:5353" or "the system resolver" */
};

/* One question as sent: an answer must echo it. */
struct dns_q {
	ldns_rdf *name;        /* absolute; owned */
	ldns_rr_type type;
	uint16_t id;
	uint8_t *wire;         /* the query message; owned (free) */
	size_t len;
};

/* An MX record found in an answer, before the best are kept. */
struct dns_mxc {
	const ldns_rr *rr;     /* belongs to the packet */
	unsigned pref;
	uint32_t tie;          /* random (live) or 0 (wire: ties by name) */
};

static int dns_random(void *buf, size_t n, struct err *e);
static int dns_q_init(struct dns_q *q, const char *name, ldns_rr_type t,
    struct err *e);
static void dns_q_free(struct dns_q *q);
static int dns_pkt_answers(const ldns_pkt *a, uint16_t id, const ldns_rdf *qname,
    ldns_rr_type t);
static int dns_same_peer(const struct sockaddr_storage *a,
    const struct sockaddr_storage *b);
static ldns_pkt *dns_accept(const struct dns_q *q, const uint8_t *buf, size_t n,
    int *discarded);
static int dns_udp(const struct sockaddr_storage *ss, socklen_t sslen,
    const struct dns_q *q, const struct deadline *dl, ldns_pkt **out,
    int *discarded, struct err *e);
static int dns_tcp(const struct sockaddr_storage *ss, socklen_t sslen,
    const struct dns_q *q, const struct deadline *dl, ldns_pkt **out,
    int *discarded, struct err *e);
static int dns_tcp_io(int fd, int out, uint8_t *buf, size_t n,
    const struct deadline *dl, struct err *e);
static int dns_exchange(struct dns *d, const struct dns_q *q, const char *tname,
    const char *name, const struct deadline *dl, ldns_pkt **out, struct err *e);
static int dns_query(struct dns *d, const char *name, ldns_rr_type t,
    const struct deadline *dl, ldns_pkt **out, struct err *e);
static const ldns_rdf *dns_owner(const ldns_pkt *pkt, int *cname);
static ldns_rr_list *dns_answer_rrs(const ldns_pkt *pkt, ldns_rr_type t,
    int *cname);
static int dns_mxc_cmp(const void *a, const void *b);
static int dns_pkt_mx(const ldns_pkt *pkt, int shuffle, struct dns_mxset *out,
    struct err *e);
static void dns_pkt_addrs(const ldns_pkt *pkt, ldns_rr_type t, int port,
    struct net_addrs *out, int *cname);
static int dns_pkt_tlsa(const ldns_pkt *pkt, struct dns_tlsa *out, int max,
    int *n, struct err *e);
static void dns_name_text(const ldns_rdf *rdf, char *out, size_t cap);

struct dns *
dns_new(const char *server, struct err *e)
{
	struct dns *d = calloc(1, sizeof(*d));
	ldns_status st;

	if (d == NULL) {
		err_set(e, ERR_INTERNAL, "out of memory");
		return NULL;
	}
	if (server == NULL) {
		st = ldns_resolver_new_frm_file(&d->res, NULL);
		if (st != LDNS_STATUS_OK) {
			err_set(e, ERR_DNS, "cannot read /etc/resolv.conf: %s",
			    ldns_get_errorstr_by_id(st));
			free(d);
			return NULL;
		}
		snprintf(d->server, sizeof(d->server), "the system resolver");
	} else {
		char host[100];
		const char *portp = NULL;
		ldns_rdf *addr;
		long port = 53;

		/* "[v6]:port", "v4:port", "v4", "v6" */
		if (server[0] == '[') {
			const char *close = strchr(server, ']');

			if (close == NULL || (size_t)(close - server - 1) >= sizeof(host))
				goto bad;
			snprintf(host, sizeof(host), "%.*s", (int)(close - server - 1), server + 1);
			if (close[1] == ':')
				portp = close + 2;
			else if (close[1] != '\0')
				goto bad;
		} else if (strchr(server, ':') && strchr(server, ':') == strrchr(server, ':')) {
			const char *colon = strchr(server, ':');

			if ((size_t)(colon - server) >= sizeof(host))
				goto bad;
			snprintf(host, sizeof(host), "%.*s", (int)(colon - server), server);
			portp = colon + 1;
		} else {
			if (strlen(server) >= sizeof(host))
				goto bad;
			snprintf(host, sizeof(host), "%s", server);
		}
		if (portp) {
			char *end;

			errno = 0;
			port = strtol(portp, &end, 10);
			if (errno || *end || port < 1 || port > 65535)
				goto bad;
		}
		addr = ldns_rdf_new_frm_str(strchr(host, ':') ? LDNS_RDF_TYPE_AAAA :
		    LDNS_RDF_TYPE_A, host);
		if (addr == NULL)
			goto bad;
		d->res = ldns_resolver_new();
		if (d->res == NULL) {
			ldns_rdf_deep_free(addr);
			err_set(e, ERR_INTERNAL, "out of memory");
			free(d);
			return NULL;
		}
		ldns_resolver_push_nameserver(d->res, addr);   /* copies */
		ldns_rdf_deep_free(addr);
		ldns_resolver_set_port(d->res, (uint16_t)port);
		snprintf(d->server, sizeof(d->server), strchr(host, ':') ? "[%s]:%ld" :
		    "%s:%ld", host, port);
	}
	return d;
bad:
	err_set(e, ERR_USAGE, "--dns-server '%.64s' is not ADDR, ADDR:PORT or [IPv6]:PORT",
	    server);
	free(d);
	return NULL;
}

void
dns_free(struct dns *d)
{
	if (d == NULL)
		return;
	if (d->res)
		ldns_resolver_deep_free(d->res);
	free(d);
}


static void
dns_name_text(const ldns_rdf *rdf, char *out, size_t cap)
{
	char *s = rdf ? ldns_rdf2str(rdf) : NULL;
	size_t n;

	if (s == NULL) {
		snprintf(out, cap, "?");
		return;
	}
	n = strlen(s);
	if (n > 1 && s[n - 1] == '.')
		s[--n] = '\0';
	err_sanitize(out, cap, s, n);
	free(s);
}

/* N bytes from the kernel's random generator into BUF. */
static int
dns_random(void *buf, size_t n, struct err *e)
{
	unsigned char *p = buf;
	size_t got = 0;

	while (got < n) {
		ssize_t r = getrandom(p + got, n - got, 0);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return err_sys(e, ERR_INTERNAL, errno, "no random bytes for DNS: %s",
			    strerror(errno));
		got += (size_t)r;
	}
	return 0;
}

/* The query for NAME and T into Q: a random ID, RD, EDNS with the DO bit
 * (the resolver's AD bit is what --dane trusts). dns_q_free Q afterwards,
 * also on failure. */
static int
dns_q_init(struct dns_q *q, const char *name, ldns_rr_type t, struct err *e)
{
	char abs[DNS_NAME_MAX + 2];
	ldns_pkt *pkt;
	ldns_status st;

	memset(q, 0, sizeof(*q));
	q->type = t;
	snprintf(abs, sizeof(abs), "%s%s", name,
	    name[0] && name[strlen(name) - 1] == '.' ? "" : ".");
	q->name = ldns_dname_new_frm_str(abs);
	if (q->name == NULL)
		return err_set(e, ERR_RESOLVE, "'%.64s' is not a valid domain name", name);
	if (dns_random(&q->id, sizeof(q->id), e) < 0)
		return -1;
	pkt = ldns_pkt_query_new(ldns_rdf_clone(q->name), t, LDNS_RR_CLASS_IN, LDNS_RD);
	if (pkt == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	ldns_pkt_set_id(pkt, q->id);
	ldns_pkt_set_edns_udp_size(pkt, DNS_EDNS_SIZE);
	ldns_pkt_set_edns_do(pkt, true);
	st = ldns_pkt2wire(&q->wire, pkt, &q->len);
	ldns_pkt_free(pkt);
	if (st != LDNS_STATUS_OK || q->wire == NULL)
		return err_set(e, ERR_INTERNAL, "cannot build the query for %s: %s", name,
		    ldns_get_errorstr_by_id(st));
	return 0;
}

static void
dns_q_free(struct dns_q *q)
{
	ldns_rdf_deep_free(q->name);
	free(q->wire);
	memset(q, 0, sizeof(*q));
}

/* 1 when A is the answer to the query ID for QNAME, type T, class IN:
 * the same ID, QR set, opcode QUERY, and the one question echoed. */
static int
dns_pkt_answers(const ldns_pkt *a, uint16_t id, const ldns_rdf *qname,
    ldns_rr_type t)
{
	const ldns_rr_list *ql = ldns_pkt_question(a);
	const ldns_rr *qr;

	if (ldns_pkt_id(a) != id || !ldns_pkt_qr(a) ||
	    ldns_pkt_get_opcode(a) != LDNS_PACKET_QUERY)
		return 0;
	if (ql == NULL || ldns_rr_list_rr_count(ql) != 1 || ldns_pkt_qdcount(a) != 1)
		return 0;
	qr = ldns_rr_list_rr(ql, 0);
	return ldns_rr_get_type(qr) == t && ldns_rr_get_class(qr) == LDNS_RR_CLASS_IN &&
	    ldns_rr_owner(qr) != NULL &&
	    ldns_rdf_get_type(ldns_rr_owner(qr)) == LDNS_RDF_TYPE_DNAME &&
	    ldns_dname_compare(ldns_rr_owner(qr), qname) == 0;
}

int
dns_wire_answers(const unsigned char *query, size_t qlen, const unsigned char *ans,
    size_t alen)
{
	ldns_pkt *q = NULL, *a = NULL;
	int ok = 0;

	if (ldns_wire2pkt(&q, query, qlen) == LDNS_STATUS_OK && q != NULL &&
	    ldns_wire2pkt(&a, ans, alen) == LDNS_STATUS_OK && a != NULL) {
		const ldns_rr_list *ql = ldns_pkt_question(q);

		if (ql != NULL && ldns_rr_list_rr_count(ql) == 1) {
			const ldns_rr *rr = ldns_rr_list_rr(ql, 0);

			ok = dns_pkt_answers(a, ldns_pkt_id(q), ldns_rr_owner(rr),
			    ldns_rr_get_type(rr));
		}
	}
	ldns_pkt_free(q);
	ldns_pkt_free(a);
	return ok;
}

/* 1 when A and B are the same address and port. */
static int
dns_same_peer(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return 0;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const struct sockaddr_in *)a;
		const struct sockaddr_in *y = (const struct sockaddr_in *)b;

		return x->sin_port == y->sin_port &&
		    x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const struct sockaddr_in6 *)a;
		const struct sockaddr_in6 *y = (const struct sockaddr_in6 *)b;

		return x->sin6_port == y->sin6_port &&
		    memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr)) == 0;
	}
	return 0;
}

/* The message BUF[N] parsed, when it answers Q; else NULL, and one more
 * *discarded. The caller frees the packet. */
static ldns_pkt *
dns_accept(const struct dns_q *q, const uint8_t *buf, size_t n, int *discarded)
{
	ldns_pkt *a = NULL;

	if (ldns_wire2pkt(&a, buf, n) != LDNS_STATUS_OK || a == NULL ||
	    !dns_pkt_answers(a, q->id, q->name, q->type)) {
		ldns_pkt_free(a);
		(*discarded)++;
		return NULL;
	}
	return a;
}

/* Q to the server at SS over UDP, then wait until DL for the datagram
 * that answers it; others are counted in *discarded and dropped. *out:
 * the answer (the caller frees it). ERR_TIMEOUT when none came. */
static int
dns_udp(const struct sockaddr_storage *ss, socklen_t sslen, const struct dns_q *q,
    const struct deadline *dl, ldns_pkt **out, int *discarded, struct err *e)
{
	uint8_t *buf = NULL;
	int fd, rc = -1;

	*out = NULL;
	fd = socket(ss->ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return err_sys(e, ERR_DNS, errno, "cannot create a socket: %s",
		    strerror(errno));
	/* connected: the kernel drops datagrams from any other address or port */
	if (connect(fd, (const struct sockaddr *)ss, sslen) < 0) {
		err_sys(e, ERR_DNS, errno, "%s", strerror(errno));
		goto out;
	}
	if (send(fd, q->wire, q->len, 0) != (ssize_t)q->len) {
		err_sys(e, ERR_DNS, errno, "cannot send the query: %s", strerror(errno));
		goto out;
	}
	buf = malloc(DNS_MSG_MAX);
	if (buf == NULL) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto out;
	}
	for (;;) {
		struct sockaddr_storage from;
		socklen_t flen = sizeof(from);
		ssize_t n;
		int w = conn_wait(fd, POLLIN, dl);

		if (w == 0) {
			err_set(e, ERR_TIMEOUT, "no answer");
			goto out;
		}
		if (w < 0) {
			err_sys(e, ERR_DNS, errno, "poll failed: %s", strerror(errno));
			goto out;
		}
		memset(&from, 0, sizeof(from));
		n = recvfrom(fd, buf, DNS_MSG_MAX, 0, (struct sockaddr *)&from, &flen);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
				continue;
			err_sys(e, ERR_DNS, errno, "%s", errno == ECONNREFUSED ?
			    "connection refused (nothing listens on that port)" :
			    strerror(errno));
			goto out;
		}
		if (!dns_same_peer(&from, ss)) {
			(*discarded)++;
			continue;
		}
		*out = dns_accept(q, buf, (size_t)n, discarded);
		if (*out) {
			rc = 0;
			break;
		}
	}
out:
	free(buf);
	close(fd);
	return rc;
}

/* Send (OUT) or receive exactly N bytes of BUF on the non-blocking TCP
 * socket FD before DL. */
static int
dns_tcp_io(int fd, int out, uint8_t *buf, size_t n, const struct deadline *dl,
    struct err *e)
{
	size_t done = 0;

	while (done < n) {
		ssize_t r = out ? send(fd, buf + done, n - done, MSG_NOSIGNAL) :
		    recv(fd, buf + done, n - done, 0);
		int w;

		if (r > 0) {
			done += (size_t)r;
			continue;
		}
		if (r == 0)
			return err_set(e, ERR_DNS, "the server closed the TCP connection");
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return err_sys(e, ERR_DNS, errno, "TCP %s failed: %s",
			    out ? "send" : "receive", strerror(errno));
		w = conn_wait(fd, out ? POLLOUT : POLLIN, dl);
		if (w == 0)
			return err_set(e, ERR_TIMEOUT, "no answer over TCP");
		if (w < 0)
			return err_sys(e, ERR_DNS, errno, "poll failed: %s", strerror(errno));
	}
	return 0;
}

/* Q over TCP (RFC 1035 §4.2.2: a two-byte length before each message),
 * reading messages until the one that answers Q; as dns_udp. */
static int
dns_tcp(const struct sockaddr_storage *ss, socklen_t sslen, const struct dns_q *q,
    const struct deadline *dl, ldns_pkt **out, int *discarded, struct err *e)
{
	struct net_addrs addrs;
	struct net_peer peer;
	uint8_t *buf = NULL, hdr[2];
	int fd, rc = -1;

	*out = NULL;
	if (sslen > sizeof(addrs.a[0].ss) || q->len > DNS_MSG_MAX)
		return err_set(e, ERR_INTERNAL, "bad name server address or query");
	memset(&addrs, 0, sizeof(addrs));
	memcpy(&addrs.a[0].ss, ss, sslen);
	addrs.a[0].len = sslen;
	addrs.a[0].family = ss->ss_family;
	net_addr_text((const struct sockaddr *)ss, addrs.a[0].text,
	    sizeof(addrs.a[0].text));
	addrs.n = 1;
	fd = net_connect(&addrs, dl, &peer, e);
	if (fd < 0)
		return -1;
	buf = malloc(DNS_MSG_MAX + 2);
	if (buf == NULL) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto out;
	}
	buf[0] = (uint8_t)(q->len >> 8);
	buf[1] = (uint8_t)(q->len & 0xff);
	memcpy(buf + 2, q->wire, q->len);
	if (dns_tcp_io(fd, 1, buf, q->len + 2, dl, e) < 0)
		goto out;
	for (;;) {
		size_t n;

		if (dns_tcp_io(fd, 0, hdr, 2, dl, e) < 0)
			goto out;
		n = (size_t)hdr[0] << 8 | hdr[1];
		if (dns_tcp_io(fd, 0, buf, n, dl, e) < 0)
			goto out;
		*out = dns_accept(q, buf, n, discarded);
		if (*out) {
			rc = 0;
			break;
		}
	}
out:
	free(buf);
	close(fd);
	return rc;
}

/* Ask the name servers of D in turn, each with an equal share of the time
 * left (one try each), until one answers Q; a truncated answer is asked
 * again over TCP. *out: the answer, whatever its rcode. */
static int
dns_exchange(struct dns *d, const struct dns_q *q, const char *tname,
    const char *name, const struct deadline *dl, ldns_pkt **out, struct err *e)
{
	ldns_rdf **ns = ldns_resolver_nameservers(d->res);
	size_t i, nns = ldns_resolver_nameserver_count(d->res);
	int64_t start = deadline_now_us();
	int discarded = 0, truncated = 0;
	char note[96] = "";
	struct err last;

	*out = NULL;
	err_clear(&last);
	for (i = 0; i < nns; i++) {
		struct sockaddr_storage *ss;
		struct deadline sub = *dl;
		int64_t now = deadline_now_us(), share = (dl->end_us - now) / (int64_t)(nns - i);
		size_t sslen = 0;
		ldns_pkt *pkt = NULL;
		int rc;

		if (i > 0 && now >= dl->end_us)
			break;
		if (share < 1000)
			share = 1000;
		if (now + share < sub.end_us)
			sub.end_us = now + share;
		err_clear(&last);
		truncated = 0;
		ss = ldns_rdf2native_sockaddr_storage(ns[i], ldns_resolver_port(d->res), &sslen);
		if (ss == NULL) {
			err_set(&last, ERR_DNS, "unusable name server address");
			continue;
		}
		rc = dns_udp(ss, (socklen_t)sslen, q, &sub, &pkt, &discarded, &last);
		if (rc == 0 && ldns_pkt_tc(pkt)) {
			ldns_pkt_free(pkt);
			pkt = NULL;
			truncated = 1;
			rc = dns_tcp(ss, (socklen_t)sslen, q, &sub, &pkt, &discarded, &last);
		}
		free(ss);
		if (rc == 0) {
			*out = pkt;
			return 0;
		}
	}
	if (discarded > 0)
		snprintf(note, sizeof(note), " (%d answer%s that did not match the query "
		    "discarded)", discarded, discarded == 1 ? "" : "s");
	if (truncated)
		return err_set(e, last.kind == ERR_TIMEOUT ? ERR_TIMEOUT : ERR_DNS,
		    "%s answer for %s was truncated and the TCP retry failed: %s%s", tname,
		    name, last.msg, note);
	if (last.kind == ERR_TIMEOUT)
		return err_set(e, ERR_TIMEOUT, "no answer from %s to the %s query for %s "
		    "within %.1f s%s", d->server, tname, name,
		    (double)(deadline_now_us() - start) / 1e6, note);
	return err_set(e, last.kind == ERR_INTERNAL ? ERR_INTERNAL : ERR_DNS,
	    "%s query for %s to %s failed: %s%s", tname, name, d->server, last.msg, note);
}

/* Send one query; *out holds a NOERROR answer (possibly without records
 * of type T: NODATA is for the caller). */
static int
dns_query(struct dns *d, const char *name, ldns_rr_type t,
    const struct deadline *dl, ldns_pkt **out, struct err *e)
{
	char tname[16];
	char *ts = ldns_rr_type2str(t);
	struct dns_q q;
	ldns_pkt *pkt = NULL;
	int rc;

	snprintf(tname, sizeof(tname), "%s", ts ? ts : "?");
	free(ts);
	*out = NULL;
	e->phase = "dns";
	if (deadline_left_us(dl) <= 0)
		return err_set(e, ERR_TIMEOUT, "no time left for the %s lookup of %s",
		    tname, name);
	if (ldns_resolver_nameserver_count(d->res) == 0)
		return err_set(e, ERR_DNS, "no name server configured");
	rc = dns_q_init(&q, name, t, e);
	if (rc == 0)
		rc = dns_exchange(d, &q, tname, name, dl, &pkt, e);
	dns_q_free(&q);
	if (rc < 0)
		return -1;
	switch (ldns_pkt_get_rcode(pkt)) {
	case LDNS_RCODE_NOERROR:
		break;
	case LDNS_RCODE_NXDOMAIN:
		ldns_pkt_free(pkt);
		return err_set(e, ERR_RESOLVE, "%s: NXDOMAIN (no such domain)", name);
	case LDNS_RCODE_SERVFAIL:
		ldns_pkt_free(pkt);
		return err_set(e, ERR_DNS, "%s query for %s: SERVFAIL (the resolver "
		    "could not get an answer, or DNSSEC validation failed)", tname, name);
	case LDNS_RCODE_REFUSED:
		ldns_pkt_free(pkt);
		return err_set(e, ERR_DNS, "%s query for %s: REFUSED by %s", tname, name,
		    d->server);
	default: {
		char *rc2 = ldns_pkt_rcode2str(ldns_pkt_get_rcode(pkt));

		err_set(e, ERR_DNS, "%s query for %s: %s", tname, name, rc2 ? rc2 : "error");
		free(rc2);
		ldns_pkt_free(pkt);
		return -1;
	}
	}
	if (ldns_pkt_tc(pkt)) {
		ldns_pkt_free(pkt);
		return err_set(e, ERR_DNS, "%s answer for %s was truncated even over TCP",
		    tname, name);
	}
	*out = pkt;
	return 0;
}

/* dns_query for lookups where a name that does not exist simply has no
 * records (PTR, TLSA, TXT): 1 with *out NULL on NXDOMAIN, 0 with an
 * answer, -1 on a real failure. */
static int
dns_query_opt(struct dns *d, const char *name, ldns_rr_type t,
    const struct deadline *dl, ldns_pkt **out, struct err *e)
{
	*out = NULL;
	if (dns_query(d, name, t, dl, out, e) == 0)
		return 0;
	if (e->kind != ERR_RESOLVE)
		return -1;
	err_clear(e);
	return 1;
}

/* The owner whose records answer the question of PKT: the name asked, or
 * the end of the CNAME chain that starts there in the answer section (at
 * most DNS_CNAME_HOPS links; a longer chain or a loop gives NULL: nothing
 * counts). *cname is set when a CNAME was followed. The rdf belongs to PKT. */
static const ldns_rdf *
dns_owner(const ldns_pkt *pkt, int *cname)
{
	const ldns_rr_list *ql = ldns_pkt_question(pkt);
	const ldns_rr_list *an = ldns_pkt_answer(pkt);
	size_t i, n = an ? ldns_rr_list_rr_count(an) : 0;
	const ldns_rdf *cur;
	ldns_rr_type qt;
	int hops;

	if (ql == NULL || ldns_rr_list_rr_count(ql) != 1)
		return NULL;
	cur = ldns_rr_owner(ldns_rr_list_rr(ql, 0));
	qt = ldns_rr_get_type(ldns_rr_list_rr(ql, 0));
	if (cur == NULL || ldns_rdf_get_type(cur) != LDNS_RDF_TYPE_DNAME)
		return NULL;
	if (qt == LDNS_RR_TYPE_CNAME)
		return cur;
	for (hops = 0; ; hops++) {
		const ldns_rdf *next = NULL;

		for (i = 0; i < n && next == NULL; i++) {
			const ldns_rr *rr = ldns_rr_list_rr(an, i);
			const ldns_rdf *o = ldns_rr_owner(rr);

			if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_CNAME ||
			    ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN || o == NULL ||
			    ldns_rdf_get_type(o) != LDNS_RDF_TYPE_DNAME ||
			    ldns_rr_rd_count(rr) != 1 || ldns_rr_rdf(rr, 0) == NULL ||
			    ldns_rdf_get_type(ldns_rr_rdf(rr, 0)) != LDNS_RDF_TYPE_DNAME ||
			    ldns_dname_compare(o, cur) != 0)
				continue;
			next = ldns_rr_rdf(rr, 0);
		}
		if (next == NULL)
			return cur;
		if (hops == DNS_CNAME_HOPS)
			return NULL;
		*cname = 1;
		cur = next;
	}
}

/* The answer-section RRs of type T and class IN owned by dns_owner(PKT):
 * a new list whose RRs belong to PKT (free it with ldns_rr_list_free,
 * never deep), or NULL when there are none. */
static ldns_rr_list *
dns_answer_rrs(const ldns_pkt *pkt, ldns_rr_type t, int *cname)
{
	const ldns_rdf *owner = dns_owner(pkt, cname);
	const ldns_rr_list *an = ldns_pkt_answer(pkt);
	size_t i, n = an ? ldns_rr_list_rr_count(an) : 0;
	ldns_rr_list *l;

	if (owner == NULL || n == 0)
		return NULL;
	l = ldns_rr_list_new();
	if (l == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(an, i);
		const ldns_rdf *o = ldns_rr_owner(rr);

		if (ldns_rr_get_type(rr) == t && ldns_rr_get_class(rr) == LDNS_RR_CLASS_IN &&
		    o != NULL && ldns_rdf_get_type(o) == LDNS_RDF_TYPE_DNAME &&
		    ldns_dname_compare(o, owner) == 0)
			(void)ldns_rr_list_push_rr(l, rr);
	}
	if (ldns_rr_list_rr_count(l) == 0) {
		ldns_rr_list_free(l);
		return NULL;
	}
	return l;
}

static int
dns_mx_cmp(const void *a, const void *b)
{
	const struct dns_mx *x = a, *y = b;

	if (x->pref != y->pref)
		return x->pref < y->pref ? -1 : 1;
	return strcasecmp(x->name, y->name);
}

void
dns_mx_sort(struct dns_mxset *s)
{
	qsort(s->mx, (size_t)s->n, sizeof(s->mx[0]), dns_mx_cmp);
}

/* By preference, then the tie key, then the name (canonical order). */
static int
dns_mxc_cmp(const void *a, const void *b)
{
	const struct dns_mxc *x = a, *y = b;

	if (x->pref != y->pref)
		return x->pref < y->pref ? -1 : 1;
	if (x->tie != y->tie)
		return x->tie < y->tie ? -1 : 1;
	return ldns_dname_compare(ldns_rr_mx_exchange(x->rr), ldns_rr_mx_exchange(y->rr));
}

/* The MX set of PKT: the best DNS_MX_MAX records by preference, whatever
 * their order on the wire; out->dropped counts the others. Records of
 * equal preference come in random order with SHUFFLE (RFC 5321 §5.1),
 * else by name. */
static int
dns_pkt_mx(const ldns_pkt *pkt, int shuffle, struct dns_mxset *out, struct err *e)
{
	int cname = 0;
	ldns_rr_list *l = dns_answer_rrs(pkt, LDNS_RR_TYPE_MX, &cname);
	size_t i, k = 0, n = l ? ldns_rr_list_rr_count(l) : 0;
	struct dns_mxc *c = NULL;
	uint32_t *tie = NULL;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (n == 0)
		goto out;
	c = calloc(n, sizeof(*c));
	tie = shuffle ? calloc(n, sizeof(*tie)) : NULL;
	if (c == NULL || (shuffle && tie == NULL)) {
		rc = err_set(e, ERR_INTERNAL, "out of memory");
		goto out;
	}
	if (shuffle && dns_random(tie, n * sizeof(*tie), e) < 0) {
		rc = -1;
		goto out;
	}
	for (i = 0; i < n; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(l, i);
		const ldns_rdf *pref = ldns_rr_mx_preference(rr);
		const ldns_rdf *ex = ldns_rr_mx_exchange(rr);

		if (pref == NULL || ex == NULL || ldns_rdf_size(pref) != 2 ||
		    ldns_rdf_get_type(ex) != LDNS_RDF_TYPE_DNAME)
			continue;
		c[k].rr = rr;
		c[k].pref = ldns_rdf2native_int16(pref);
		c[k].tie = shuffle ? tie[i] : 0;
		k++;
	}
	qsort(c, k, sizeof(*c), dns_mxc_cmp);
	for (i = 0; i < k; i++) {
		struct dns_mx *m;

		if (out->n >= DNS_MX_MAX) {
			out->dropped++;
			continue;
		}
		m = &out->mx[out->n++];
		m->pref = c[i].pref;
		dns_name_text(ldns_rr_mx_exchange(c[i].rr), m->name, sizeof(m->name));
	}
	/* RFC 7505: a single MX of preference 0 and an empty exchange */
	if (out->n == 1 && out->dropped == 0 && out->mx[0].pref == 0 &&
	    strcmp(out->mx[0].name, ".") == 0)
		out->null_mx = 1;
	if (!shuffle)
		dns_mx_sort(out);
out:
	free(c);
	free(tie);
	ldns_rr_list_free(l);
	return rc;
}

int
dns_mx(struct dns *d, const char *domain, const struct deadline *dl,
    struct dns_mxset *out, struct err *e)
{
	ldns_pkt *pkt;
	int rc;

	memset(out, 0, sizeof(*out));
	if (dns_query(d, domain, LDNS_RR_TYPE_MX, dl, &pkt, e) < 0) {
		if (e->kind == ERR_RESOLVE)
			e->kind = ERR_DNS;   /* the domain, not a host, is missing */
		return -1;
	}
	rc = dns_pkt_mx(pkt, 1, out, e);
	ldns_pkt_free(pkt);
	if (rc == 0 && out->n == 0) {
		/* RFC 5321 §5.1: no MX, the domain is its own implicit MX */
		out->implicit = 1;
		out->n = 1;
		snprintf(out->mx[0].name, sizeof(out->mx[0].name), "%s", domain);
		out->mx[0].pref = 0;
	}
	return rc;
}

int
dns_wire_mx(const unsigned char *wire, size_t len, struct dns_mxset *out,
    struct err *e)
{
	ldns_pkt *pkt = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if (ldns_wire2pkt(&pkt, wire, len) != LDNS_STATUS_OK || pkt == NULL)
		return err_set(e, ERR_DNS, "malformed DNS answer");
	rc = dns_pkt_mx(pkt, 0, out, e);
	ldns_pkt_free(pkt);
	return rc;
}

/* Append the address records of type T that answer PKT's question to OUT. */
static void
dns_pkt_addrs(const ldns_pkt *pkt, ldns_rr_type t, int port,
    struct net_addrs *out, int *cname)
{
	ldns_rr_list *l = dns_answer_rrs(pkt, t, cname);
	size_t i, n = l ? ldns_rr_list_rr_count(l) : 0;

	for (i = 0; i < n && out->n < NET_ADDRS_MAX; i++) {
		const ldns_rdf *rd = ldns_rr_rdf(ldns_rr_list_rr(l, i), 0);
		struct net_addr *a = &out->a[out->n];

		memset(a, 0, sizeof(*a));
		if (t == LDNS_RR_TYPE_A && rd && ldns_rdf_size(rd) == 4) {
			struct sockaddr_in *s4 = (struct sockaddr_in *)&a->ss;

			s4->sin_family = AF_INET;
			s4->sin_port = htons((uint16_t)port);
			memcpy(&s4->sin_addr, ldns_rdf_data(rd), 4);
			a->len = sizeof(*s4);
			a->family = AF_INET;
		} else if (t == LDNS_RR_TYPE_AAAA && rd && ldns_rdf_size(rd) == 16) {
			struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&a->ss;

			s6->sin6_family = AF_INET6;
			s6->sin6_port = htons((uint16_t)port);
			memcpy(&s6->sin6_addr, ldns_rdf_data(rd), 16);
			a->len = sizeof(*s6);
			a->family = AF_INET6;
		} else {
			continue;
		}
		net_addr_text((struct sockaddr *)&a->ss, a->text, sizeof(a->text));
		out->n++;
	}
	ldns_rr_list_free(l);
}

int
dns_wire_addrs(const unsigned char *wire, size_t len, int port,
    struct net_addrs *out, int *cname, struct err *e)
{
	ldns_pkt *pkt = NULL;
	const ldns_rr_list *ql;

	memset(out, 0, sizeof(*out));
	*cname = 0;
	if (ldns_wire2pkt(&pkt, wire, len) != LDNS_STATUS_OK || pkt == NULL)
		return err_set(e, ERR_DNS, "malformed DNS answer");
	ql = ldns_pkt_question(pkt);
	if (ql != NULL && ldns_rr_list_rr_count(ql) == 1) {
		ldns_rr_type t = ldns_rr_get_type(ldns_rr_list_rr(ql, 0));

		if (t == LDNS_RR_TYPE_A || t == LDNS_RR_TYPE_AAAA)
			dns_pkt_addrs(pkt, t, port, out, cname);
	}
	ldns_pkt_free(pkt);
	return 0;
}

int
dns_addrs(struct dns *d, const char *name, int port, int family,
    const struct deadline *dl, struct net_addrs *out, int *cname,
    struct err *e)
{
	static const ldns_rr_type order[2] = { LDNS_RR_TYPE_AAAA, LDNS_RR_TYPE_A };
	struct err last;
	int i, answered = 0;

	memset(out, 0, sizeof(*out));
	*cname = 0;
	err_clear(&last);
	if (net_is_literal(name))
		return net_resolve(name, port, family, dl, out, e);
	for (i = 0; i < 2; i++) {
		ldns_pkt *pkt;

		if ((order[i] == LDNS_RR_TYPE_AAAA && family == AF_INET) ||
		    (order[i] == LDNS_RR_TYPE_A && family == AF_INET6))
			continue;
		if (dns_query(d, name, order[i], dl, &pkt, &last) < 0) {
			if (last.kind == ERR_RESOLVE || last.kind == ERR_TIMEOUT)
				break;   /* NXDOMAIN holds for every type */
			continue;
		}
		answered = 1;
		dns_pkt_addrs(pkt, order[i], port, out, cname);
		ldns_pkt_free(pkt);
	}
	if (out->n > 0)
		return 0;
	e->phase = "dns";
	if (last.kind == ERR_TIMEOUT) {
		*e = last;
		return -1;
	}
	if (last.kind != ERR_NONE && !answered)
		return err_set(e, last.kind == ERR_RESOLVE ? ERR_RESOLVE : ERR_DNS,
		    "cannot resolve %s: %s", name, last.msg);
	return err_set(e, ERR_RESOLVE, "cannot resolve %s: no %s record (NODATA)", name,
	    family == AF_INET ? "A" : family == AF_INET6 ? "AAAA" : "A or AAAA");
}

int
dns_ptr(struct dns *d, const struct net_addr *a, const struct deadline *dl,
    char names[][DNS_NAME_MAX], int max, int *n, struct err *e)
{
	ldns_rdf *addr, *rev;
	ldns_rr_list *l;
	ldns_pkt *pkt;
	char *revs;
	size_t i, cnt;
	int rc, cname = 0;

	*n = 0;
	addr = ldns_rdf_new_frm_str(a->family == AF_INET6 ? LDNS_RDF_TYPE_AAAA :
	    LDNS_RDF_TYPE_A, a->text);
	if (addr == NULL)
		return err_set(e, ERR_INTERNAL, "bad address %s", a->text);
	rev = ldns_rdf_address_reverse(addr);
	ldns_rdf_deep_free(addr);
	revs = rev ? ldns_rdf2str(rev) : NULL;
	ldns_rdf_deep_free(rev);
	if (revs == NULL)
		return err_set(e, ERR_INTERNAL, "cannot build the reverse name of %s", a->text);
	rc = dns_query_opt(d, revs, LDNS_RR_TYPE_PTR, dl, &pkt, e);
	free(revs);
	if (rc != 0)
		return rc < 0 ? -1 : 0;   /* NXDOMAIN: no PTR */
	/* RFC 2317 delegations answer through a CNAME: dns_answer_rrs follows it */
	l = dns_answer_rrs(pkt, LDNS_RR_TYPE_PTR, &cname);
	cnt = l ? ldns_rr_list_rr_count(l) : 0;
	for (i = 0; i < cnt && *n < max; i++)
		dns_name_text(ldns_rr_rdf(ldns_rr_list_rr(l, i), 0), names[(*n)++],
		    DNS_NAME_MAX);
	ldns_rr_list_free(l);
	ldns_pkt_free(pkt);
	return 0;
}

static int
dns_pkt_tlsa(const ldns_pkt *pkt, struct dns_tlsa *out, int max, int *n,
    struct err *e)
{
	int cname = 0;
	ldns_rr_list *l = dns_answer_rrs(pkt, LDNS_RR_TYPE_TLSA, &cname);
	size_t i, cnt = l ? ldns_rr_list_rr_count(l) : 0;

	*n = 0;
	for (i = 0; i < cnt; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(l, i);
		const ldns_rdf *u = ldns_rr_rdf(rr, 0), *s = ldns_rr_rdf(rr, 1);
		const ldns_rdf *m = ldns_rr_rdf(rr, 2), *dd = ldns_rr_rdf(rr, 3);
		struct dns_tlsa *t;

		if (!u || !s || !m || !dd || ldns_rdf_size(u) != 1 ||
		    ldns_rdf_size(s) != 1 || ldns_rdf_size(m) != 1)
			continue;
		if (*n >= max || ldns_rdf_size(dd) > DNS_TLSA_DATA_MAX) {
			ldns_rr_list_free(l);
			return err_set(e, ERR_DNS, "too many or too large TLSA records");
		}
		t = &out[(*n)++];
		t->usage = ldns_rdf2native_int8(u);
		t->selector = ldns_rdf2native_int8(s);
		t->mtype = ldns_rdf2native_int8(m);
		t->len = ldns_rdf_size(dd);
		memcpy(t->data, ldns_rdf_data(dd), t->len);
	}
	ldns_rr_list_free(l);
	return 0;
}

int
dns_tlsa(struct dns *d, const char *host, int port, const struct deadline *dl,
    struct dns_tlsa *out, int max, int *n, int *secure, struct err *e)
{
	char name[DNS_NAME_MAX + 16];
	ldns_pkt *pkt;
	int rc;

	*n = 0;
	*secure = 0;
	snprintf(name, sizeof(name), "_%d._tcp.%s", port, host);
	rc = dns_query_opt(d, name, LDNS_RR_TYPE_TLSA, dl, &pkt, e);
	if (rc != 0)
		return rc < 0 ? -1 : 0;   /* NXDOMAIN: no TLSA */
	*secure = ldns_pkt_ad(pkt) ? 1 : 0;
	rc = dns_pkt_tlsa(pkt, out, max, n, e);
	ldns_pkt_free(pkt);
	return rc;
}

int
dns_wire_tlsa(const unsigned char *wire, size_t len, struct dns_tlsa *out,
    int max, int *n, int *secure, struct err *e)
{
	ldns_pkt *pkt = NULL;
	int rc;

	*n = 0;
	*secure = 0;
	if (ldns_wire2pkt(&pkt, wire, len) != LDNS_STATUS_OK || pkt == NULL)
		return err_set(e, ERR_DNS, "malformed DNS answer");
	*secure = ldns_pkt_ad(pkt) ? 1 : 0;
	rc = dns_pkt_tlsa(pkt, out, max, n, e);
	ldns_pkt_free(pkt);
	return rc;
}

static int
dns_srv_cmp(const void *a, const void *b)
{
	const struct dns_srv *x = a, *y = b;

	if (x->prio != y->prio)
		return x->prio < y->prio ? -1 : 1;
	if (x->weight != y->weight)
		return x->weight > y->weight ? -1 : 1;
	return strcasecmp(x->target, y->target);
}

int
dns_srv(struct dns *d, const char *name, const struct deadline *dl,
    struct dns_srv *out, int max, int *n, struct err *e)
{
	ldns_rr_list *l;
	ldns_pkt *pkt;
	size_t i, cnt;
	int cname = 0;

	*n = 0;
	if (dns_query(d, name, LDNS_RR_TYPE_SRV, dl, &pkt, e) < 0) {
		if (e->kind == ERR_RESOLVE) {
			err_clear(e);
			return 0;
		}
		return -1;
	}
	l = dns_answer_rrs(pkt, LDNS_RR_TYPE_SRV, &cname);
	cnt = l ? ldns_rr_list_rr_count(l) : 0;
	for (i = 0; i < cnt && *n < max; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(l, i);
		struct dns_srv *s = &out[*n];

		if (!ldns_rr_rdf(rr, 0) || !ldns_rr_rdf(rr, 1) || !ldns_rr_rdf(rr, 2) ||
		    !ldns_rr_rdf(rr, 3))
			continue;
		s->prio = ldns_rdf2native_int16(ldns_rr_rdf(rr, 0));
		s->weight = ldns_rdf2native_int16(ldns_rr_rdf(rr, 1));
		s->port = ldns_rdf2native_int16(ldns_rr_rdf(rr, 2));
		dns_name_text(ldns_rr_rdf(rr, 3), s->target, sizeof(s->target));
		(*n)++;
	}
	ldns_rr_list_free(l);
	ldns_pkt_free(pkt);
	qsort(out, (size_t)*n, sizeof(out[0]), dns_srv_cmp);
	return 0;
}

int
dns_txt(struct dns *d, const char *name, const struct deadline *dl,
    struct dns_txt *out, int max, int *n, struct err *e)
{
	ldns_rr_list *l;
	ldns_pkt *pkt;
	size_t i, j, cnt;
	int rc, cname = 0;

	*n = 0;
	rc = dns_query_opt(d, name, LDNS_RR_TYPE_TXT, dl, &pkt, e);
	if (rc != 0)
		return rc < 0 ? -1 : 0;   /* NXDOMAIN: no record */
	l = dns_answer_rrs(pkt, LDNS_RR_TYPE_TXT, &cname);
	cnt = l ? ldns_rr_list_rr_count(l) : 0;
	for (i = 0; i < cnt && *n < max; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(l, i);
		struct dns_txt *t = &out[*n];

		t->len = 0;
		t->truncated = 0;
		/* each rdf is one character-string: a length octet, then the bytes */
		for (j = 0; j < ldns_rr_rd_count(rr); j++) {
			const ldns_rdf *rd = ldns_rr_rdf(rr, j);
			const uint8_t *p;
			size_t k;

			if (rd == NULL || ldns_rdf_size(rd) < 1)
				continue;
			p = ldns_rdf_data(rd);
			k = p[0];
			if (k > ldns_rdf_size(rd) - 1)
				k = ldns_rdf_size(rd) - 1;
			if (k > sizeof(t->text) - 1 - t->len) {
				k = sizeof(t->text) - 1 - t->len;
				t->truncated = 1;
			}
			memcpy(t->text + t->len, p + 1, k);
			t->len += k;
		}
		t->text[t->len] = '\0';
		(*n)++;
	}
	ldns_rr_list_free(l);
	ldns_pkt_free(pkt);
	return 0;
}

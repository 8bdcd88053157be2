/* dns_xfer.c - one question on the wire (see dns_int.h): the query, sent
 * to the name servers and the answer taken.
 *
 * ldns builds and parses the messages; the exchange is our own (ldns'
 * resolver takes an answer whatever its ID): one UDP socket connect()ed to
 * the server per query (the kernel picks a random source port and drops
 * datagrams from elsewhere), a random ID, and every datagram that does not
 * answer our question (ID, QR, name, type, class) is dropped while the wait
 * goes on. A truncated answer is asked again over TCP. */
#include <config.h>

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include <ldns/ldns.h>

#include "conn.h"
#include "dns_int.h"

#define DNS_EDNS_SIZE 1232     /* DNS flag day 2020: no IP fragmentation */
#define DNS_MSG_MAX 65535

static int dns_q_build(struct dns_q *q, const char *name, ldns_rr_type t, int cd,
    struct err *e);
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

/* N bytes from the kernel's random generator into BUF. */
int
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
int
dns_q_init(struct dns_q *q, const char *name, ldns_rr_type t, struct err *e)
{
	return dns_q_build(q, name, t, 0, e);
}

int
dns_q_init_cd(struct dns_q *q, const char *name, ldns_rr_type t, struct err *e)
{
	return dns_q_build(q, name, t, 1, e);
}

/* dns_q_init, and the CD bit when CD. */
static int
dns_q_build(struct dns_q *q, const char *name, ldns_rr_type t, int cd,
    struct err *e)
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
	if (cd)
		ldns_pkt_set_cd(pkt, true);
	st = ldns_pkt2wire(&q->wire, pkt, &q->len);
	ldns_pkt_free(pkt);
	if (st != LDNS_STATUS_OK || q->wire == NULL)
		return err_set(e, ERR_INTERNAL, "cannot build the query for %s: %s", name,
		    ldns_get_errorstr_by_id(st));
	return 0;
}

void
dns_q_free(struct dns_q *q)
{
	ldns_rdf_deep_free(q->name);
	free(q->wire);
	memset(q, 0, sizeof(*q));
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
int
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

/* dns.h - DNS through ldns (lib/dns.c, dns_xfer.c and dns_wire.c are the
 * only files that use it; this header does not include it).
 *
 * A resolver from /etc/resolv.conf or --dns-server ADDR[:PORT]; every
 * query draws on the run's deadline (the time left is split between the
 * configured servers, one try each) and a truncated UDP answer is retried
 * over TCP. NXDOMAIN, NODATA, SERVFAIL, REFUSED and timeouts each get
 * their own words. TLSA records leave here as plain tuples for lib/tls.
 *
 * Forged answers: each query has a random ID and its own UDP socket
 * (a random source port), connected to the server; only a message from
 * that address and port that echoes the ID, name, type and class is taken,
 * anything else is dropped and the wait goes on until the deadline. Of an
 * answer only the records owned by the name asked count (or by the end of
 * a CNAME chain inside the answer, at most 8 links).
 *
 * A struct dns is read-only once made: threads may share one. */
#ifndef MP_DNS_H
#define MP_DNS_H

#include <stddef.h>

#include "deadline.h"
#include "err.h"
#include "net.h"

#define DNS_NAME_MAX 256
#define DNS_MX_MAX 64
#define DNS_TLSA_MAX 16
#define DNS_TLSA_DATA_MAX 2048
#define DNS_PTR_MAX 8
#define DNS_SRV_MAX 16
#define DNS_TXT_MAX 16
#define DNS_TXT_LEN 2048

struct dns;

struct dns_txt {
	size_t len;                /* bytes in text (may hold NULs) */
	int truncated;             /* the record was longer than DNS_TXT_LEN - 1 */
	char text[DNS_TXT_LEN];    /* the character-strings joined, NUL after len */
};

struct dns_mx {
	unsigned pref;
	char name[DNS_NAME_MAX];   /* without the trailing dot */
};

struct dns_mxset {
	struct dns_mx mx[DNS_MX_MAX];
	int n;
	int null_mx;      /* RFC 7505: the single record "0 ." */
	int implicit;     /* no MX: the domain itself (RFC 5321 §5.1) */
	int dropped;      /* less preferred records beyond DNS_MX_MAX, left out */
};

struct dns_tlsa {
	unsigned char usage, selector, mtype;
	size_t len;
	unsigned char data[DNS_TLSA_DATA_MAX];
};

struct dns_srv {
	unsigned prio, weight, port;
	char target[DNS_NAME_MAX];  /* "." means the service is not offered */
};

/* A resolver: SERVER is "ADDR", "ADDR:PORT", "[V6]:PORT" or NULL for
 * /etc/resolv.conf. NULL with ERR_USAGE (bad address) or ERR_DNS. */
struct dns *dns_new(const char *server, struct err *e);
void dns_free(struct dns *d);

/* The MX set of DOMAIN: the DNS_MX_MAX most preferred records whatever
 * their order on the wire (out->dropped counts the others), sorted by
 * preference, records of equal preference in random order (RFC 5321 §5.1).
 * With no MX the domain itself is the implicit MX (out->implicit). ERR_DNS
 * with the reason (NXDOMAIN: "domain does not exist", SERVFAIL, ...). */
int dns_mx(struct dns *d, const char *domain, const struct deadline *dl,
    struct dns_mxset *out, struct err *e);

/* A/AAAA of NAME for PORT into *out (family as for net_resolve).
 * *cname is set when the name is an alias (RFC 2181 §10.3 matters for MX).
 * ERR_RESOLVE when the name has no address. */
int dns_addrs(struct dns *d, const char *name, int port, int family,
    const struct deadline *dl, struct net_addrs *out, int *cname,
    struct err *e);

/* PTR names of address A. *n = 0 (and 0 returned) when there is none. */
int dns_ptr(struct dns *d, const struct net_addr *a, const struct deadline *dl,
    char names[][DNS_NAME_MAX], int max, int *n, struct err *e);

/* TLSA records of _PORT._tcp.HOST; *secure is 1 when the answer carried
 * the AD bit (validated by the resolver). *n = 0 when there are none. */
int dns_tlsa(struct dns *d, const char *host, int port,
    const struct deadline *dl, struct dns_tlsa *out, int max, int *n,
    int *secure, struct err *e);

/* SRV records of NAME, sorted by priority then weight (high first). */
int dns_srv(struct dns *d, const char *name, const struct deadline *dl,
    struct dns_srv *out, int max, int *n, struct err *e);

/* TXT records of NAME, each record's character-strings joined (RFC 7208
 * §3.3 style). NXDOMAIN and NODATA are *n = 0 and success: an absent
 * record is a finding for the caller, not a resolver failure. SERVFAIL,
 * REFUSED and timeouts are errors with the usual words. Records beyond
 * MAX are dropped. */
int dns_txt(struct dns *d, const char *name, const struct deadline *dl,
    struct dns_txt *out, int max, int *n, struct err *e);

/* Pure: the MX records of a wire-format answer that answer its question
 * (for tests and fuzzing): as dns_mx keeps them, but records of equal
 * preference sorted by name, and no implicit MX. */
int dns_wire_mx(const unsigned char *wire, size_t len, struct dns_mxset *out,
    struct err *e);

/* Pure, for tests and fuzzers that link lib/dns*.c (not in the module
 * table): the A or AAAA addresses (as the question's type) of a
 * wire-format answer that belong to the name asked, as dns_addrs takes
 * them; *cname as for dns_addrs. */
int dns_wire_addrs(const unsigned char *wire, size_t len, int port,
    struct net_addrs *out, int *cname, struct err *e);

/* Pure, likewise: 1 when the message ANS answers the query QUERY (the same
 * ID, QR set, opcode QUERY, the one question's name, type and class), 0
 * when it does not or either does not parse. */
int dns_wire_answers(const unsigned char *query, size_t qlen,
    const unsigned char *ans, size_t alen);

/* Pure: the TLSA records of a wire-format answer. */
int dns_wire_tlsa(const unsigned char *wire, size_t len, struct dns_tlsa *out,
    int max, int *n, int *secure, struct err *e);

/* Pure: sort an MX set by preference, then name (case-insensitive). */
void dns_mx_sort(struct dns_mxset *s);

/* --dnssec-expiry (issue 22): the signatures of one answer. */
#define DNS_TYPE_A 1
#define DNS_TYPE_MX 15
#define DNS_TYPE_TXT 16
#define DNS_TYPE_TLSA 52

struct dns_sigs {
	int rrs;             /* records of the type asked (at the end of a CNAME
	                      * chain inside the answer) */
	int sigs;            /* RRSIGs in the answer over them */
	long long expire;    /* the earliest of their expirations (Unix time;
	                      * RFC 4034 §3.1.5 serial arithmetic around now),
	                      * when sigs > 0 */
	int secure;          /* the answer carried the AD bit */
	int bogus;           /* the resolver said SERVFAIL, and answered the
	                      * same query with CD set (RFC 4035 §3.2.2): the
	                      * data is there, its validation failed */
	int absent;          /* NXDOMAIN (NODATA is rrs 0) */
};

/* The records of TYPE (DNS_TYPE_*) at NAME and their RRSIGs, asked with
 * the DO bit, into *out. A SERVFAIL is asked again with CD set: when that
 * gets an answer (NOERROR or NXDOMAIN), out->bogus is set and 0 returned;
 * when it too fails, the SERVFAIL is the error, worded as for every
 * lookup. Timeouts, REFUSED and the rest are errors as for dns_txt. */
int dns_sigs(struct dns *d, const char *name, int type,
    const struct deadline *dl, struct dns_sigs *out, struct err *e);

/* Pure, for tests and fuzzers: dns_sigs' reading of a wire-format answer
 * (its question gives the type), with NOW the time (Unix seconds) the
 * expirations are taken around. */
int dns_wire_sigs(const unsigned char *wire, size_t len, long long now,
    struct dns_sigs *out, struct err *e);

#endif

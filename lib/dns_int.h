/* dns_int.h - what the three files of the DNS module share; internal to
 * it (and to the tests and fuzzers that link those files directly, as
 * lib/ext.h allows). lib/dns.h stays free of ldns so that plugins never
 * need its headers; the ldns types live here.
 *
 *   dns.c       the resolver (dns_new, dns_free) and the public queries
 *   dns_xfer.c  one question on the wire: the query, the UDP/TCP exchange
 *               with the name servers, what answer is accepted
 *   dns_wire.c  pure: which records of an answer count, and their
 *               extraction (MX, A/AAAA, PTR, TLSA, SRV, TXT), dns_wire_*
 *
 * Built with hidden visibility into mailprobe_dns.so: none of these names
 * leaves the module. */
#ifndef MP_DNS_INT_H
#define MP_DNS_INT_H

#include <stddef.h>
#include <stdint.h>

#include <ldns/ldns.h>

#include "deadline.h"
#include "dns.h"
#include "err.h"
#include "net.h"

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

/* dns_xfer.c */

/* N bytes from the kernel's random generator into BUF. */
int dns_random(void *buf, size_t n, struct err *e);

/* The query for NAME and T into Q: a random ID, RD, EDNS with the DO bit
 * (the resolver's AD bit is what --dane trusts). dns_q_free Q afterwards,
 * also on failure. */
int dns_q_init(struct dns_q *q, const char *name, ldns_rr_type t,
    struct err *e);
void dns_q_free(struct dns_q *q);

/* dns_q_init with the CD bit set (RFC 4035 §3.2.2: checking disabled; the
 * resolver answers without validating). */
int dns_q_init_cd(struct dns_q *q, const char *name, ldns_rr_type t,
    struct err *e);

/* Ask the name servers of D in turn, each with an equal share of the time
 * left (one try each), until one answers Q; a truncated answer is asked
 * again over TCP. *out: the answer, whatever its rcode (the caller frees
 * it). TNAME and NAME are the type and name asked, for messages. */
int dns_exchange(struct dns *d, const struct dns_q *q, const char *tname,
    const char *name, const struct deadline *dl, ldns_pkt **out, struct err *e);

/* dns_wire.c: pure functions of a parsed answer PKT (which stays the
 * caller's). */

/* RDF as text for messages and results: no trailing dot, sanitized, "?"
 * when it cannot be printed. */
void dns_name_text(const ldns_rdf *rdf, char *out, size_t cap);

/* 1 when A is the answer to the query ID for QNAME, type T, class IN:
 * the same ID, QR set, opcode QUERY, and the one question echoed. */
int dns_pkt_answers(const ldns_pkt *a, uint16_t id, const ldns_rdf *qname,
    ldns_rr_type t);

/* The answer-section RRs of type T and class IN owned by the name asked
 * (or the end of a CNAME chain from it inside the answer; *cname set when
 * one was followed): a new list whose RRs belong to PKT (free it with
 * ldns_rr_list_free, never deep), or NULL when there are none. */
ldns_rr_list *dns_answer_rrs(const ldns_pkt *pkt, ldns_rr_type t,
    int *cname);

/* The MX set of PKT: the best DNS_MX_MAX records by preference, whatever
 * their order on the wire; out->dropped counts the others. Records of
 * equal preference come in random order with SHUFFLE (RFC 5321 §5.1),
 * else by name. */
int dns_pkt_mx(const ldns_pkt *pkt, int shuffle, struct dns_mxset *out,
    struct err *e);

/* Append the address records of type T that answer PKT's question to OUT. */
void dns_pkt_addrs(const ldns_pkt *pkt, ldns_rr_type t, int port,
    struct net_addrs *out, int *cname);

/* The PTR names of PKT into NAMES, at most MAX; *n of them. */
void dns_pkt_ptr(const ldns_pkt *pkt, char names[][DNS_NAME_MAX], int max,
    int *n);

/* The TLSA records of PKT into OUT; *n of them. ERR_DNS when there are
 * more than MAX or one is larger than DNS_TLSA_DATA_MAX. */
int dns_pkt_tlsa(const ldns_pkt *pkt, struct dns_tlsa *out, int max, int *n,
    struct err *e);

/* The SRV records of PKT into OUT (at most MAX; *n of them), sorted by
 * priority then weight (high first). */
void dns_pkt_srv(const ldns_pkt *pkt, struct dns_srv *out, int max, int *n);

/* The TXT records of PKT into OUT (at most MAX; *n of them), each
 * record's character-strings joined. */
void dns_pkt_txt(const ldns_pkt *pkt, struct dns_txt *out, int max, int *n);

/* The records of type T of PKT and the RRSIGs over them into OUT (its
 * rrs, sigs, expire, secure), expirations taken around NOW. */
void dns_pkt_sigs(const ldns_pkt *pkt, ldns_rr_type t, long long now,
    struct dns_sigs *out);

#endif

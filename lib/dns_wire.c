/* dns_wire.c - the pure half of the DNS module (see dns_int.h): which
 * records of an answer count (the question echoed; the records owned by
 * the name asked or the end of its CNAME chain inside the answer), and
 * their extraction (MX selection and order, A/AAAA, PTR, TLSA, SRV, TXT).
 * No resolver and no network: the dns_wire_* entry points (dns.h) take a
 * wire-format message, for tests and fuzzers. */
#include <config.h>

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <ldns/ldns.h>

#include "dns_int.h"

#define DNS_CNAME_HOPS 8       /* CNAMEs followed inside one answer */

/* An MX record found in an answer, before the best are kept. */
struct dns_mxc {
	const ldns_rr *rr;     /* belongs to the packet */
	unsigned pref;
	uint32_t tie;          /* random (live) or 0 (wire: ties by name) */
};

static const ldns_rdf *dns_owner(const ldns_pkt *pkt, int *cname);
static int dns_mx_cmp(const void *a, const void *b);
static int dns_mxc_cmp(const void *a, const void *b);
static int dns_srv_cmp(const void *a, const void *b);

void
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

/* 1 when A is the answer to the query ID for QNAME, type T, class IN:
 * the same ID, QR set, opcode QUERY, and the one question echoed. */
int
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
ldns_rr_list *
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
int
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
void
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

void
dns_pkt_ptr(const ldns_pkt *pkt, char names[][DNS_NAME_MAX], int max, int *n)
{
	int cname = 0;
	/* RFC 2317 delegations answer through a CNAME: dns_answer_rrs follows it */
	ldns_rr_list *l = dns_answer_rrs(pkt, LDNS_RR_TYPE_PTR, &cname);
	size_t i, cnt = l ? ldns_rr_list_rr_count(l) : 0;

	*n = 0;
	for (i = 0; i < cnt && *n < max; i++)
		dns_name_text(ldns_rr_rdf(ldns_rr_list_rr(l, i), 0), names[(*n)++],
		    DNS_NAME_MAX);
	ldns_rr_list_free(l);
}

int
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

void
dns_pkt_srv(const ldns_pkt *pkt, struct dns_srv *out, int max, int *n)
{
	int cname = 0;
	ldns_rr_list *l = dns_answer_rrs(pkt, LDNS_RR_TYPE_SRV, &cname);
	size_t i, cnt = l ? ldns_rr_list_rr_count(l) : 0;

	*n = 0;
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
	qsort(out, (size_t)*n, sizeof(out[0]), dns_srv_cmp);
}

void
dns_pkt_txt(const ldns_pkt *pkt, struct dns_txt *out, int max, int *n)
{
	int cname = 0;
	ldns_rr_list *l = dns_answer_rrs(pkt, LDNS_RR_TYPE_TXT, &cname);
	size_t i, j, cnt = l ? ldns_rr_list_rr_count(l) : 0;

	*n = 0;
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
}

/* --dnssec-expiry (issue 22): the RRSIGs of an answer. */

/* 1 when RR is a CNAME of the answer section of PKT owned by OWNER. */
static int
dns_is_cname_owner(const ldns_pkt *pkt, const ldns_rdf *owner)
{
	const ldns_rr_list *an = ldns_pkt_answer(pkt);
	size_t i, n = an ? ldns_rr_list_rr_count(an) : 0;

	for (i = 0; i < n; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(an, i);
		const ldns_rdf *o = ldns_rr_owner(rr);

		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_CNAME && o != NULL &&
		    ldns_rdf_get_type(o) == LDNS_RDF_TYPE_DNAME &&
		    ldns_dname_compare(o, owner) == 0)
			return 1;
	}
	return 0;
}

void
dns_pkt_sigs(const ldns_pkt *pkt, ldns_rr_type t, long long now,
    struct dns_sigs *out)
{
	int cname = 0;
	ldns_rr_list *l = dns_answer_rrs(pkt, t, &cname);
	const ldns_rdf *owner = l ? ldns_rr_owner(ldns_rr_list_rr(l, 0)) : NULL;
	const ldns_rr_list *an = ldns_pkt_answer(pkt);
	size_t i, n = an ? ldns_rr_list_rr_count(an) : 0;

	out->rrs = l ? (int)ldns_rr_list_rr_count(l) : 0;
	out->sigs = 0;
	out->expire = 0;
	out->secure = ldns_pkt_ad(pkt) ? 1 : 0;
	/* the RRSIGs over the records (owned by the end of the CNAME chain)
	 * and over the CNAMEs that lead there: a signed zone whose record is
	 * an alias into an unsigned one is signed as far as it goes */
	for (i = 0; owner != NULL && i < n; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(an, i);
		const ldns_rdf *o = ldns_rr_owner(rr);
		const ldns_rdf *cov, *exp;
		ldns_rr_type ct;
		uint32_t raw;
		long long abs;

		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_RRSIG ||
		    ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN || o == NULL ||
		    ldns_rdf_get_type(o) != LDNS_RDF_TYPE_DNAME)
			continue;
		cov = ldns_rr_rrsig_typecovered(rr);
		exp = ldns_rr_rrsig_expiration(rr);
		if (cov == NULL || exp == NULL || ldns_rdf_size(cov) != 2 ||
		    ldns_rdf_size(exp) != 4)
			continue;
		ct = ldns_rdf2rr_type(cov);
		if (!(ct == t && ldns_dname_compare(o, owner) == 0) &&
		    !(ct == LDNS_RR_TYPE_CNAME && cname && dns_is_cname_owner(pkt, o)))
			continue;
		raw = ldns_rdf2native_int32(exp);
		/* RFC 4034 §3.1.5: serial number arithmetic, around now */
		abs = now + (long long)(int32_t)(raw - (uint32_t)now);
		if (out->sigs == 0 || abs < out->expire)
			out->expire = abs;
		out->sigs++;
	}
	ldns_rr_list_free(l);
}

int
dns_wire_sigs(const unsigned char *wire, size_t len, long long now,
    struct dns_sigs *out, struct err *e)
{
	ldns_pkt *pkt = NULL;
	const ldns_rr_list *ql;

	memset(out, 0, sizeof(*out));
	if (ldns_wire2pkt(&pkt, wire, len) != LDNS_STATUS_OK || pkt == NULL)
		return err_set(e, ERR_DNS, "malformed DNS answer");
	ql = ldns_pkt_question(pkt);
	if (ql != NULL && ldns_rr_list_rr_count(ql) == 1)
		dns_pkt_sigs(pkt, ldns_rr_get_type(ldns_rr_list_rr(ql, 0)), now, out);
	ldns_pkt_free(pkt);
	return 0;
}

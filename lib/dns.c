/* dns.c - see dns.h. The only file that includes ldns. */
#include <config.h>

#include "ext.h"   /* renames the functions inside the module */

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ldns/ldns.h>

#include "dns.h"

struct dns {
	ldns_resolver *res;
	char server[128];      /* for messages: "127.0.0.1:5353" or "the system resolver" */
};

static int dns_query(struct dns *d, const char *name, ldns_rr_type t,
    const struct deadline *dl, ldns_pkt **out, struct err *e);
static int dns_pkt_mx(const ldns_pkt *pkt, struct dns_mxset *out, struct err *e);
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
	ldns_resolver_set_retry(d->res, 1);
	ldns_resolver_set_random(d->res, false);
	ldns_resolver_set_fallback(d->res, true);     /* TC -> TCP */
	ldns_resolver_set_recursive(d->res, true);
	ldns_resolver_set_dnssec(d->res, true);       /* DO bit: the AD flag for DANE */
	ldns_resolver_set_edns_udp_size(d->res, 1232);
	ldns_resolver_set_defnames(d->res, false);
	ldns_resolver_set_dnsrch(d->res, false);
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

/* Send one query; *out holds a NOERROR answer (possibly without records
 * of type T: NODATA is for the caller). */
static int
dns_query(struct dns *d, const char *name, ldns_rr_type t,
    const struct deadline *dl, ldns_pkt **out, struct err *e)
{
	char abs[DNS_NAME_MAX + 2], tname[16];
	ldns_rdf *q;
	ldns_pkt *pkt = NULL;
	ldns_status st;
	struct timeval tv;
	int64_t left = deadline_left_us(dl), start = deadline_now_us();
	size_t nns = ldns_resolver_nameserver_count(d->res);
	char *ts = ldns_rr_type2str(t);

	snprintf(tname, sizeof(tname), "%s", ts ? ts : "?");
	free(ts);
	*out = NULL;
	e->phase = "dns";
	if (left <= 0)
		return err_set(e, ERR_TIMEOUT, "no time left for the %s lookup of %s",
		    tname, name);
	if (nns == 0)
		return err_set(e, ERR_DNS, "no name server configured");
	left /= (int64_t)nns;
	if (left < 1000)
		left = 1000;
	tv.tv_sec = (time_t)(left / 1000000);
	tv.tv_usec = (suseconds_t)(left % 1000000);
	ldns_resolver_set_timeout(d->res, tv);

	snprintf(abs, sizeof(abs), "%s%s", name,
	    name[0] && name[strlen(name) - 1] == '.' ? "" : ".");
	q = ldns_dname_new_frm_str(abs);
	if (q == NULL)
		return err_set(e, ERR_RESOLVE, "'%.64s' is not a valid domain name", name);
	st = ldns_resolver_query_status(&pkt, d->res, q, t, LDNS_RR_CLASS_IN, LDNS_RD);
	ldns_rdf_deep_free(q);
	if (st != LDNS_STATUS_OK || pkt == NULL) {
		double took = (double)(deadline_now_us() - start) / 1e6;

		ldns_pkt_free(pkt);
		if (deadline_expired(dl) || took * 1e6 >= (double)left * 0.9)
			return err_set(e, ERR_TIMEOUT, "no answer from %s to the %s query "
			    "for %s within %.1f s", d->server, tname, name, took);
		return err_set(e, ERR_DNS, "%s query for %s to %s failed: %s", tname, name,
		    d->server, ldns_get_errorstr_by_id(st));
	}
	switch (ldns_pkt_get_rcode(pkt)) {
	case LDNS_RCODE_NOERROR:
		break;
	case LDNS_RCODE_NXDOMAIN:
		ldns_pkt_free(pkt);
		return err_set(e, ERR_RESOLVE, "%s: NXDOMAIN (no such domain)", name);
	case LDNS_RCODE_SERVFAIL:
		ldns_pkt_free(pkt);
		return err_set(e, ERR_DNS, "%s query for %s: SERVFAIL (the resolver "
		    "could not get an answer%s)", tname, name,
		    ldns_resolver_dnssec(d->res) ? ", or DNSSEC validation failed" : "");
	case LDNS_RCODE_REFUSED:
		ldns_pkt_free(pkt);
		return err_set(e, ERR_DNS, "%s query for %s: REFUSED by %s", tname, name,
		    d->server);
	default: {
		char *rc = ldns_pkt_rcode2str(ldns_pkt_get_rcode(pkt));

		err_set(e, ERR_DNS, "%s query for %s: %s", tname, name, rc ? rc : "error");
		free(rc);
		ldns_pkt_free(pkt);
		return -1;
	}
	}
	if (ldns_pkt_tc(pkt)) {
		ldns_pkt_free(pkt);
		return err_set(e, ERR_DNS, "%s answer for %s was truncated and the TCP "
		    "retry failed", tname, name);
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

static int
dns_pkt_mx(const ldns_pkt *pkt, struct dns_mxset *out, struct err *e)
{
	ldns_rr_list *l = ldns_pkt_rr_list_by_type(pkt, LDNS_RR_TYPE_MX,
	    LDNS_SECTION_ANSWER);
	size_t i, n = l ? ldns_rr_list_rr_count(l) : 0;

	(void)e;
	memset(out, 0, sizeof(*out));
	for (i = 0; i < n; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(l, i);
		const ldns_rdf *pref = ldns_rr_mx_preference(rr);
		const ldns_rdf *ex = ldns_rr_mx_exchange(rr);
		struct dns_mx *m;

		if (pref == NULL || ex == NULL || ldns_rdf_size(pref) != 2)
			continue;
		if (out->n >= DNS_MX_MAX) {
			out->dropped++;
			continue;
		}
		m = &out->mx[out->n++];
		m->pref = ldns_rdf2native_int16(pref);
		dns_name_text(ex, m->name, sizeof(m->name));
	}
	ldns_rr_list_deep_free(l);
	/* RFC 7505: a single MX of preference 0 and an empty exchange */
	if (out->n == 1 && out->dropped == 0 && out->mx[0].pref == 0 &&
	    strcmp(out->mx[0].name, ".") == 0)
		out->null_mx = 1;
	dns_mx_sort(out);
	return 0;
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
	rc = dns_pkt_mx(pkt, out, e);
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
	rc = dns_pkt_mx(pkt, out, e);
	ldns_pkt_free(pkt);
	return rc;
}

/* Append the address records of type T for NAME from PKT to OUT. */
static void
dns_pkt_addrs(const ldns_pkt *pkt, ldns_rr_type t, int port,
    struct net_addrs *out, int *cname)
{
	ldns_rr_list *l = ldns_pkt_rr_list_by_type(pkt, t, LDNS_SECTION_ANSWER);
	ldns_rr_list *c = ldns_pkt_rr_list_by_type(pkt, LDNS_RR_TYPE_CNAME,
	    LDNS_SECTION_ANSWER);
	size_t i, n = l ? ldns_rr_list_rr_count(l) : 0;

	if (c && ldns_rr_list_rr_count(c) > 0)
		*cname = 1;
	ldns_rr_list_deep_free(c);
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
	ldns_rr_list_deep_free(l);
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
	int rc;

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
	l = ldns_pkt_rr_list_by_type(pkt, LDNS_RR_TYPE_PTR, LDNS_SECTION_ANSWER);
	cnt = l ? ldns_rr_list_rr_count(l) : 0;
	for (i = 0; i < cnt && *n < max; i++)
		dns_name_text(ldns_rr_rdf(ldns_rr_list_rr(l, i), 0), names[(*n)++],
		    DNS_NAME_MAX);
	ldns_rr_list_deep_free(l);
	ldns_pkt_free(pkt);
	return 0;
}

static int
dns_pkt_tlsa(const ldns_pkt *pkt, struct dns_tlsa *out, int max, int *n,
    struct err *e)
{
	ldns_rr_list *l = ldns_pkt_rr_list_by_type(pkt, LDNS_RR_TYPE_TLSA,
	    LDNS_SECTION_ANSWER);
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
			ldns_rr_list_deep_free(l);
			return err_set(e, ERR_DNS, "too many or too large TLSA records");
		}
		t = &out[(*n)++];
		t->usage = ldns_rdf2native_int8(u);
		t->selector = ldns_rdf2native_int8(s);
		t->mtype = ldns_rdf2native_int8(m);
		t->len = ldns_rdf_size(dd);
		memcpy(t->data, ldns_rdf_data(dd), t->len);
	}
	ldns_rr_list_deep_free(l);
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

	*n = 0;
	if (dns_query(d, name, LDNS_RR_TYPE_SRV, dl, &pkt, e) < 0) {
		if (e->kind == ERR_RESOLVE) {
			err_clear(e);
			return 0;
		}
		return -1;
	}
	l = ldns_pkt_rr_list_by_type(pkt, LDNS_RR_TYPE_SRV, LDNS_SECTION_ANSWER);
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
	ldns_rr_list_deep_free(l);
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
	int rc;

	*n = 0;
	rc = dns_query_opt(d, name, LDNS_RR_TYPE_TXT, dl, &pkt, e);
	if (rc != 0)
		return rc < 0 ? -1 : 0;   /* NXDOMAIN: no record */
	l = ldns_pkt_rr_list_by_type(pkt, LDNS_RR_TYPE_TXT, LDNS_SECTION_ANSWER);
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
	ldns_rr_list_deep_free(l);
	ldns_pkt_free(pkt);
	return 0;
}

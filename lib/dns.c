/* dns.c - see dns.h. The resolver (dns_new, dns_free) and the public
 * queries; the exchange with the name servers is in dns_xfer.c, the
 * reading of answers in dns_wire.c (dns_int.h: what they share). These
 * three are the only files that include ldns. */
#include <config.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>

#include <ldns/ldns.h>

#include "dns_int.h"

static int dns_query(struct dns *d, const char *name, ldns_rr_type t,
    const struct deadline *dl, ldns_pkt **out, struct err *e);
static int dns_query_cd(struct dns *d, const char *name, ldns_rr_type t, int cd,
    const struct deadline *dl, ldns_pkt **out, int *rcode, struct err *e);
static int dns_query_opt(struct dns *d, const char *name, ldns_rr_type t,
    const struct deadline *dl, ldns_pkt **out, struct err *e);

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

/* Send one query; *out holds a NOERROR answer (possibly without records
 * of type T: NODATA is for the caller). */
static int
dns_query(struct dns *d, const char *name, ldns_rr_type t,
    const struct deadline *dl, ldns_pkt **out, struct err *e)
{
	int rcode;

	return dns_query_cd(d, name, t, 0, dl, out, &rcode, e);
}

/* dns_query, with the CD bit when CD; *rcode: the answer's rcode, or -1
 * when none came. */
static int
dns_query_cd(struct dns *d, const char *name, ldns_rr_type t, int cd,
    const struct deadline *dl, ldns_pkt **out, int *rcode, struct err *e)
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
	*rcode = -1;
	rc = cd ? dns_q_init_cd(&q, name, t, e) : dns_q_init(&q, name, t, e);
	if (rc == 0)
		rc = dns_exchange(d, &q, tname, name, dl, &pkt, e);
	dns_q_free(&q);
	if (rc < 0)
		return -1;
	*rcode = ldns_pkt_get_rcode(pkt);
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
	ldns_pkt *pkt;
	char *revs;
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
	dns_pkt_ptr(pkt, names, max, n);
	ldns_pkt_free(pkt);
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
dns_srv(struct dns *d, const char *name, const struct deadline *dl,
    struct dns_srv *out, int max, int *n, struct err *e)
{
	ldns_pkt *pkt;

	*n = 0;
	if (dns_query(d, name, LDNS_RR_TYPE_SRV, dl, &pkt, e) < 0) {
		if (e->kind == ERR_RESOLVE) {
			err_clear(e);
			return 0;
		}
		return -1;
	}
	dns_pkt_srv(pkt, out, max, n);
	ldns_pkt_free(pkt);
	return 0;
}

int
dns_txt(struct dns *d, const char *name, const struct deadline *dl,
    struct dns_txt *out, int max, int *n, struct err *e)
{
	ldns_pkt *pkt;
	int rc;

	*n = 0;
	rc = dns_query_opt(d, name, LDNS_RR_TYPE_TXT, dl, &pkt, e);
	if (rc != 0)
		return rc < 0 ? -1 : 0;   /* NXDOMAIN: no record */
	dns_pkt_txt(pkt, out, max, n);
	ldns_pkt_free(pkt);
	return 0;
}

/* --dnssec-expiry (issue 22). */
int
dns_sigs(struct dns *d, const char *name, int type, const struct deadline *dl,
    struct dns_sigs *out, struct err *e)
{
	ldns_pkt *pkt = NULL;
	int rcode = -1;

	memset(out, 0, sizeof(*out));
	if (dns_query_cd(d, name, (ldns_rr_type)type, 0, dl, &pkt, &rcode, e) < 0) {
		struct err cde;
		int rcode2 = -1;

		if (rcode == LDNS_RCODE_NXDOMAIN) {
			err_clear(e);
			out->absent = 1;
			return 0;
		}
		if (rcode != LDNS_RCODE_SERVFAIL)
			return -1;
		/* validation failed, or the resolver could not get an answer at
		 * all: with CD set the first gets the data, the second fails again */
		err_clear(&cde);
		if (dns_query_cd(d, name, (ldns_rr_type)type, 1, dl, &pkt, &rcode2,
		    &cde) == 0 || rcode2 == LDNS_RCODE_NXDOMAIN) {
			ldns_pkt_free(pkt);
			err_clear(e);
			out->bogus = 1;
			return 0;
		}
		return -1;   /* the first SERVFAIL's words */
	}
	dns_pkt_sigs(pkt, (ldns_rr_type)type, (long long)time(NULL), out);
	ldns_pkt_free(pkt);
	return 0;
}

/* test_dns.c - the pure parts of lib/dns.c (linked in directly, see
 * lib/ext.h): which message answers a query (ID, QR, question), which
 * records count (the owner asked, CNAME chains inside the answer), and
 * which MX records are kept (the most preferred, whatever the wire order). */
#include <config.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "dns.h"
#include "dnsmsg.h"
#include "tap.h"

/* ------------------------------------------------------------ answer matching */
static void
test_answers(void)
{
	static const struct {
		uint16_t id;
		int qr;
		const char *qname;    /* NULL: no question */
		ldns_rr_type t;
		ldns_rr_class c;
		int two;              /* a second question */
		int want;
		const char *what;
	} cases[] = {
		{ 0x1234, 1, "mx.d.test.", LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, 0, 1, "the answer" },
		{ 0x1234, 1, "MX.D.Test.", LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, 0, 1,
		  "the answer, name in other case" },
		{ 0x1235, 1, "mx.d.test.", LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, 0, 0, "another ID" },
		{ 0x3412, 1, "mx.d.test.", LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, 0, 0,
		  "the ID's bytes swapped" },
		{ 0x1234, 0, "mx.d.test.", LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, 0, 0,
		  "QR clear (a query, not an answer)" },
		{ 0x1234, 1, "evil.d.test.", LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, 0, 0,
		  "another name" },
		{ 0x1234, 1, "mx.d.test.evil.", LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, 0, 0,
		  "the name with a suffix" },
		{ 0x1234, 1, "mx.d.test.", LDNS_RR_TYPE_AAAA, LDNS_RR_CLASS_IN, 0, 0,
		  "another type" },
		{ 0x1234, 1, "mx.d.test.", LDNS_RR_TYPE_A, LDNS_RR_CLASS_CH, 0, 0,
		  "another class" },
		{ 0x1234, 1, NULL, LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, 0, 0, "no question" },
		{ 0x1234, 1, "mx.d.test.", LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, 1, 0,
		  "two questions" },
	};
	uint8_t *q, *a;
	size_t qlen, alen, i;
	ldns_pkt *p;

	p = dnsmsg_new(0x1234, 0, "mx.d.test.", LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN);
	q = dnsmsg_wire(p, &qlen);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		p = dnsmsg_new(cases[i].id, cases[i].qr, cases[i].qname, cases[i].t, cases[i].c);
		if (cases[i].two) {
			ldns_rr *q2 = ldns_rr_new();

			ldns_rr_set_owner(q2, ldns_dname_new_frm_str("mx.d.test."));
			ldns_rr_set_type(q2, LDNS_RR_TYPE_A);
			ldns_rr_set_class(q2, LDNS_RR_CLASS_IN);
			ldns_rr_set_question(q2, true);
			ldns_pkt_push_rr(p, LDNS_SECTION_QUESTION, q2);
		}
		dnsmsg_add(p, "mx.d.test. IN A 192.0.2.1");
		a = dnsmsg_wire(p, &alen);
		is_int(dns_wire_answers(q, qlen, a, alen), cases[i].want, "answers the A query "
		    "for mx.d.test id 0x1234: %s", cases[i].what);
		free(a);
	}
	is_int(dns_wire_answers(q, qlen, (const unsigned char *)"\x12\x34\x80", 3), 0,
	    "a 3-byte message answers nothing");
	is_int(dns_wire_answers(q, qlen, q, qlen), 0, "the query itself is no answer");
	free(q);
}

/* ------------------------------------------------------------ owners */

/* The addresses dns_wire_addrs takes from an answer to QNAME/T holding the
 * records of RRS ("|"-separated), as "ADDR ADDR ..." into OUT. */
static int
addrs_of(const char *qname, ldns_rr_type t, const char *rrs, char *out, size_t cap,
    int *cname)
{
	ldns_pkt *p = dnsmsg_new(7, 1, qname, t, LDNS_RR_CLASS_IN);
	char buf[4096], *tok, *save = NULL;
	struct net_addrs a;
	struct err e;
	uint8_t *w;
	size_t len, o = 0;
	int i, rc;

	snprintf(buf, sizeof(buf), "%s", rrs);
	for (tok = strtok_r(buf, "|", &save); tok; tok = strtok_r(NULL, "|", &save))
		dnsmsg_add(p, "%s", tok);
	w = dnsmsg_wire(p, &len);
	err_clear(&e);
	rc = dns_wire_addrs(w, len, 25, &a, cname, &e);
	free(w);
	out[0] = '\0';
	for (i = 0; rc == 0 && i < a.n; i++)
		o += (size_t)snprintf(out + o, cap - o, "%s%s", i ? " " : "", a.a[i].text);
	return rc;
}

static void
test_owners(void)
{
	static const struct {
		const char *qname;
		ldns_rr_type t;
		const char *rrs;
		const char *want;
		int cname;
		const char *what;
	} cases[] = {
		{ "mx.d.test.", LDNS_RR_TYPE_A, "mx.d.test. IN A 192.0.2.1", "192.0.2.1", 0,
		  "the name's own A record" },
		{ "mx.d.test.", LDNS_RR_TYPE_A, "evil.d.test. IN A 192.0.2.66", "", 0,
		  "only another owner's A record: nothing" },
		{ "mx.d.test.", LDNS_RR_TYPE_A,
		  "evil.d.test. IN A 192.0.2.66|mx.d.test. IN A 192.0.2.1|d.test. IN A 192.0.2.67",
		  "192.0.2.1", 0, "the own record among others" },
		{ "MX.D.TEST.", LDNS_RR_TYPE_A, "mx.d.test. IN A 192.0.2.1", "192.0.2.1", 0,
		  "owner in other case" },
		{ "mx.d.test.", LDNS_RR_TYPE_A, "mx.d.test. CH A 192.0.2.1", "", 0,
		  "class CH does not count" },
		{ "mx.d.test.", LDNS_RR_TYPE_A,
		  "mx.d.test. IN CNAME b.d.test.|b.d.test. IN A 192.0.2.2|evil.d.test. IN A 192.0.2.66",
		  "192.0.2.2", 1, "through a CNAME" },
		{ "mx.d.test.", LDNS_RR_TYPE_A,
		  "b.d.test. IN A 192.0.2.2|mx.d.test. IN CNAME b.d.test.",
		  "192.0.2.2", 1, "through a CNAME listed after its target" },
		{ "mx.d.test.", LDNS_RR_TYPE_A,
		  "other.d.test. IN CNAME b.d.test.|b.d.test. IN A 192.0.2.2", "", 0,
		  "another owner's CNAME is not followed" },
		{ "mx.d.test.", LDNS_RR_TYPE_A,
		  "mx.d.test. IN CNAME b.d.test.|b.d.test. IN CNAME mx.d.test.|b.d.test. IN A 192.0.2.3",
		  "", 1, "a CNAME loop: nothing" },
		{ "mx.d.test.", LDNS_RR_TYPE_A,
		  "mx.d.test. IN CNAME c1.t.|c1.t. IN CNAME c2.t.|c2.t. IN CNAME c3.t.|"
		  "c3.t. IN CNAME c4.t.|c4.t. IN CNAME c5.t.|c5.t. IN CNAME c6.t.|"
		  "c6.t. IN CNAME c7.t.|c7.t. IN CNAME c8.t.|c8.t. IN A 192.0.2.8",
		  "192.0.2.8", 1, "a chain of 8 CNAMEs is followed" },
		{ "mx.d.test.", LDNS_RR_TYPE_A,
		  "mx.d.test. IN CNAME c1.t.|c1.t. IN CNAME c2.t.|c2.t. IN CNAME c3.t.|"
		  "c3.t. IN CNAME c4.t.|c4.t. IN CNAME c5.t.|c5.t. IN CNAME c6.t.|"
		  "c6.t. IN CNAME c7.t.|c7.t. IN CNAME c8.t.|c8.t. IN CNAME c9.t.|c9.t. IN A 192.0.2.9",
		  "", 1, "a chain of 9 is not" },
		{ "mx.d.test.", LDNS_RR_TYPE_AAAA,
		  "evil.d.test. IN AAAA 2001:db8::66|mx.d.test. IN AAAA 2001:db8::1|"
		  "mx.d.test. IN A 192.0.2.1",
		  "2001:db8::1", 0, "AAAA: the own AAAA record, no A" },
	};
	char got[512];
	size_t i;
	int cname;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cname = -1;
		is_int(addrs_of(cases[i].qname, cases[i].t, cases[i].rrs, got, sizeof(got),
		    &cname), 0, "%s: parsed", cases[i].what);
		is_str(got, cases[i].want, "%s: addresses", cases[i].what);
		is_int(cname, cases[i].cname, "%s: cname flag", cases[i].what);
	}
}

/* ------------------------------------------------------------ MX */
static void
test_mx(void)
{
	static struct dns_mxset s;
	ldns_pkt *p;
	uint8_t *w;
	size_t len;
	struct err e;
	int i, best_at = -1;

	/* 200 records, the most preferred one last on the wire */
	p = dnsmsg_new(9, 1, "d.test.", LDNS_RR_TYPE_MX, LDNS_RR_CLASS_IN);
	for (i = 0; i < 199; i++)
		dnsmsg_add(p, "d.test. IN MX %d h%03d.d.test.", 20 + i, i);
	dnsmsg_add(p, "d.test. IN MX 10 best.d.test.");
	w = dnsmsg_wire(p, &len);
	err_clear(&e);
	is_int(dns_wire_mx(w, len, &s, &e), 0, "200 MX: parsed");
	free(w);
	is_int(s.n, DNS_MX_MAX, "200 MX: %d kept", DNS_MX_MAX);
	is_int(s.dropped, 200 - DNS_MX_MAX, "200 MX: the others counted as left out");
	is_str(s.mx[0].name, "best.d.test", "200 MX: the most preferred (last on the wire) is first");
	is_int(s.mx[0].pref, 10, "200 MX: preference 10 first");
	is_int(s.mx[DNS_MX_MAX - 1].pref, 20 + DNS_MX_MAX - 2,
	    "200 MX: the last kept is the %d-th best", DNS_MX_MAX);
	for (i = 1; i < s.n; i++)
		if (s.mx[i - 1].pref > s.mx[i].pref)
			break;
	is_int(i, s.n, "200 MX: sorted by preference");

	/* the best in the middle of the wire order, the worst first */
	p = dnsmsg_new(9, 1, "d.test.", LDNS_RR_TYPE_MX, LDNS_RR_CLASS_IN);
	for (i = 0; i < 100; i++)
		dnsmsg_add(p, "d.test. IN MX %d w%03d.d.test.", 1000 - i, i);
	dnsmsg_add(p, "d.test. IN MX 5 mid.d.test.");
	for (i = 0; i < 100; i++)
		dnsmsg_add(p, "d.test. IN MX %d v%03d.d.test.", 2000 + i, i);
	w = dnsmsg_wire(p, &len);
	is_int(dns_wire_mx(w, len, &s, &e), 0, "201 MX: parsed");
	free(w);
	for (i = 0; i < s.n; i++)
		if (strcmp(s.mx[i].name, "mid.d.test") == 0)
			best_at = i;
	is_int(best_at, 0, "201 MX: the best one from the middle is first");
	is_int(s.mx[DNS_MX_MAX - 1].pref, 1000 - 100 + DNS_MX_MAX - 1,
	    "201 MX: kept are the %d best", DNS_MX_MAX);
	is_int(s.dropped, 201 - DNS_MX_MAX, "201 MX: dropped counts the rest");

	/* more records of one preference than fit: which are kept does not
	 * depend on their order on the wire */
	p = dnsmsg_new(9, 1, "d.test.", LDNS_RR_TYPE_MX, LDNS_RR_CLASS_IN);
	dnsmsg_add(p, "d.test. IN MX 20 z.d.test.");
	for (i = DNS_MX_MAX + 5; i > 0; i--)
		dnsmsg_add(p, "d.test. IN MX 10 t%03d.d.test.", i);
	w = dnsmsg_wire(p, &len);
	is_int(dns_wire_mx(w, len, &s, &e), 0, "ties: parsed");
	free(w);
	is_int(s.n, DNS_MX_MAX, "ties: %d kept", DNS_MX_MAX);
	is_int(s.dropped, 6, "ties: 6 left out (5 of preference 10, the 20)");
	is_str(s.mx[0].name, "t001.d.test", "ties: sorted by name within a preference");
	is_int(s.mx[DNS_MX_MAX - 1].pref, 10, "ties: the preference-20 record is the one left out");

	/* records of another owner do not count */
	p = dnsmsg_new(9, 1, "d.test.", LDNS_RR_TYPE_MX, LDNS_RR_CLASS_IN);
	dnsmsg_add(p, "evil.test. IN MX 1 evil.test.");
	dnsmsg_add(p, "d.test. IN MX 10 mx.d.test.");
	dnsmsg_add(p, "x.d.test. IN MX 0 evil.test.");
	w = dnsmsg_wire(p, &len);
	is_int(dns_wire_mx(w, len, &s, &e), 0, "owner: parsed");
	free(w);
	is_int(s.n, 1, "owner: one record of d.test");
	is_str(s.mx[0].name, "mx.d.test", "owner: the one of d.test");
	is_int(s.dropped, 0, "owner: another owner's records are not 'left out'");

	/* an MX answer through a CNAME */
	p = dnsmsg_new(9, 1, "d.test.", LDNS_RR_TYPE_MX, LDNS_RR_CLASS_IN);
	dnsmsg_add(p, "d.test. IN CNAME e.test.");
	dnsmsg_add(p, "e.test. IN MX 10 mx.e.test.");
	w = dnsmsg_wire(p, &len);
	is_int(dns_wire_mx(w, len, &s, &e), 0, "cname: parsed");
	free(w);
	is_int(s.n, 1, "cname: the target's MX counts");
	is_str(s.n ? s.mx[0].name : "", "mx.e.test", "cname: its exchange");

	/* null MX is still recognised */
	p = dnsmsg_new(9, 1, "d.test.", LDNS_RR_TYPE_MX, LDNS_RR_CLASS_IN);
	dnsmsg_add(p, "d.test. IN MX 0 .");
	w = dnsmsg_wire(p, &len);
	is_int(dns_wire_mx(w, len, &s, &e), 0, "null MX: parsed");
	free(w);
	is_int(s.null_mx, 1, "null MX: recognised");

	/* no question: no owner, nothing counts */
	p = dnsmsg_new(9, 1, NULL, LDNS_RR_TYPE_MX, LDNS_RR_CLASS_IN);
	dnsmsg_add(p, "d.test. IN MX 10 mx.d.test.");
	w = dnsmsg_wire(p, &len);
	is_int(dns_wire_mx(w, len, &s, &e), 0, "no question: parsed");
	free(w);
	is_int(s.n, 0, "no question: no records");
}

int
main(void)
{
	test_answers();
	test_owners();
	test_mx();
	return done_testing();
}

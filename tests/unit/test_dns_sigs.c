/* test_dns_sigs.c - issue 22: dns_wire_sigs, the RRSIGs of an answer as
 * --dnssec-expiry reads them (lib/dns_wire.c linked in directly, see
 * lib/ext.h): the records of the type asked and the RRSIGs over them (not
 * over other types, at the end of a CNAME chain), the earliest expiration,
 * RFC 4034 §3.1.5 serial arithmetic around now, the AD bit. */
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

#define SIG "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=="
#define NOW 1798761600LL            /* 2027-01-01 00:00:00 UTC */

static int sigs(ldns_pkt *p, long long now, struct dns_sigs *out);

/* An answer (ID 7) to QNAME/T, with the AD bit when AD. */
static ldns_pkt *
msg(const char *qname, ldns_rr_type t, int ad)
{
	ldns_pkt *p = dnsmsg_new(7, 1, qname, t, LDNS_RR_CLASS_IN);

	ldns_pkt_set_ad(p, ad != 0);
	return p;
}

/* dns_wire_sigs on P's wire form; P is freed. */
static int
sigs(ldns_pkt *p, long long now, struct dns_sigs *out)
{
	size_t len = 0;
	uint8_t *w = dnsmsg_wire(p, &len);
	struct err e;
	int rc;

	err_clear(&e);
	rc = dns_wire_sigs(w, len, now, out, &e);
	free(w);
	return rc;
}

int
main(void)
{
	struct dns_sigs s;
	ldns_pkt *p;
	struct err e;

	/* one MX, one RRSIG over it: expires 2027-01-11 00:00:00 */
	p = msg("a.test.", LDNS_RR_TYPE_MX, 1);
	dnsmsg_add(p, "a.test. IN MX 10 b.test.");
	dnsmsg_add(p, "a.test. IN RRSIG MX 13 2 300 20270111000000 20261201000000 1 a.test. " SIG);
	is_int(sigs(p, NOW, &s), 0, "signed MX: parses");
	is_int(s.rrs, 1, "signed MX: one record");
	is_int(s.sigs, 1, "signed MX: one RRSIG");
	is_int(s.expire, NOW + 10 * 86400, "signed MX: expires 10 days after now");
	is_int(s.secure, 1, "signed MX: the AD bit");

	/* two RRSIGs (two keys): the earlier counts; one over another type does not */
	p = msg("a.test.", LDNS_RR_TYPE_MX, 0);
	dnsmsg_add(p, "a.test. IN MX 10 b.test.");
	dnsmsg_add(p, "a.test. IN RRSIG MX 13 2 300 20270121000000 20261201000000 1 a.test. " SIG);
	dnsmsg_add(p, "a.test. IN RRSIG MX 8 2 300 20270104000000 20261201000000 2 a.test. " SIG);
	dnsmsg_add(p, "a.test. IN RRSIG TXT 13 2 300 20270102000000 20261201000000 1 a.test. " SIG);
	is_int(sigs(p, NOW, &s), 0, "two RRSIGs: parses");
	is_int(s.sigs, 2, "two RRSIGs over MX (the TXT one left out)");
	is_int(s.expire, NOW + 3 * 86400, "two RRSIGs: the earlier expiration");
	is_int(s.secure, 0, "no AD bit");

	/* another owner's RRSIG does not count */
	p = msg("a.test.", LDNS_RR_TYPE_MX, 0);
	dnsmsg_add(p, "a.test. IN MX 10 b.test.");
	dnsmsg_add(p, "evil.test. IN RRSIG MX 13 2 300 20270102000000 20261201000000 1 evil.test. " SIG);
	is_int(sigs(p, NOW, &s), 0, "foreign RRSIG: parses");
	is_int(s.rrs, 1, "foreign RRSIG: the record counts");
	is_int(s.sigs, 0, "foreign RRSIG: not counted (unsigned)");

	/* unsigned */
	p = msg("a.test.", LDNS_RR_TYPE_TXT, 0);
	dnsmsg_add(p, "a.test. IN TXT \"v=spf1 -all\"");
	is_int(sigs(p, NOW, &s), 0, "unsigned TXT: parses");
	ok(s.rrs == 1 && s.sigs == 0, "unsigned TXT: a record, no RRSIG");

	/* NODATA: nothing at all */
	p = msg("a.test.", LDNS_RR_TYPE_TLSA, 0);
	is_int(sigs(p, NOW, &s), 0, "NODATA: parses");
	ok(s.rrs == 0 && s.sigs == 0, "NODATA: no records, no RRSIG");

	/* a CNAME chain inside the answer: the target's RRSIG over TXT counts */
	p = msg("_dmarc.a.test.", LDNS_RR_TYPE_TXT, 1);
	dnsmsg_add(p, "_dmarc.a.test. IN CNAME _dmarc.b.test.");
	dnsmsg_add(p, "_dmarc.a.test. IN RRSIG CNAME 13 3 300 20270102000000 20261201000000 1 a.test. " SIG);
	dnsmsg_add(p, "_dmarc.b.test. IN TXT \"v=DMARC1; p=reject\"");
	dnsmsg_add(p, "_dmarc.b.test. IN RRSIG TXT 13 3 300 20270106000000 20261201000000 1 b.test. " SIG);
	is_int(sigs(p, NOW, &s), 0, "CNAME: parses");
	is_int(s.rrs, 1, "CNAME: the target's TXT");
	is_int(s.sigs, 2, "CNAME: the CNAME's RRSIG and the target's over TXT");
	is_int(s.expire, NOW + 86400, "CNAME: the earlier expiration (the CNAME's)");

	/* a signed alias into an unsigned zone: signed as far as it goes */
	p = msg("s1._domainkey.a.test.", LDNS_RR_TYPE_TXT, 1);
	dnsmsg_add(p, "s1._domainkey.a.test. IN CNAME s1.provider.test.");
	dnsmsg_add(p, "s1._domainkey.a.test. IN RRSIG CNAME 13 4 300 20270103000000 20261201000000 1 a.test. " SIG);
	dnsmsg_add(p, "s1.provider.test. IN TXT \"v=DKIM1; p=\"");
	is_int(sigs(p, NOW, &s), 0, "alias into an unsigned zone: parses");
	ok(s.rrs == 1 && s.sigs == 1 && s.expire == NOW + 2 * 86400,
	    "alias into an unsigned zone: the CNAME's RRSIG counts (not 'unsigned')");
	/* an RRSIG over CNAME without a CNAME in the answer does not count */
	p = msg("a.test.", LDNS_RR_TYPE_TXT, 0);
	dnsmsg_add(p, "a.test. IN TXT \"x\"");
	dnsmsg_add(p, "a.test. IN RRSIG CNAME 13 2 300 20270103000000 20261201000000 1 a.test. " SIG);
	is_int(sigs(p, NOW, &s), 0, "stray CNAME RRSIG: parses");
	is_int(s.sigs, 0, "stray CNAME RRSIG: not counted");

	/* RFC 4034 §3.1.5: 32-bit times past 2106 wrap; taken around now */
	p = msg("a.test.", LDNS_RR_TYPE_MX, 0);
	dnsmsg_add(p, "a.test. IN MX 10 b.test.");
	dnsmsg_add(p, "a.test. IN RRSIG MX 13 2 300 5000 1000 1 a.test. " SIG);
	is_int(sigs(p, 4294967296LL + 1000, &s), 0, "wrap: parses");
	is_int(s.expire, 4294967296LL + 5000, "wrap: 5000 after the 2106 wrap is in the future");
	/* an expiration before now */
	p = msg("a.test.", LDNS_RR_TYPE_MX, 0);
	dnsmsg_add(p, "a.test. IN MX 10 b.test.");
	dnsmsg_add(p, "a.test. IN RRSIG MX 13 2 300 20261231000000 20261201000000 1 a.test. " SIG);
	is_int(sigs(p, NOW, &s), 0, "expired: parses");
	is_int(s.expire, NOW - 86400, "expired: a day before now");

	err_clear(&e);
	is_int(dns_wire_sigs((const unsigned char *)"\x01\x02", 2, NOW, &s, &e), -1,
	    "a malformed message is an error");
	return done_testing();
}

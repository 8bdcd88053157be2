/* test_spf - lib/spf: the record grammar (RFC 7208 §4.6, §12), the
 * lookup terms counted per record (§4.6.4), macro expansion (§7 and the
 * examples of §7.4), address matching, the choice of one record. */
#include <config.h>

#include <arpa/inet.h>

#include "spf.h"
#include "tap.h"

static const struct {
	const char *rec;
	int ok;               /* 0 parses, -1 error */
	int nterms, lookups, has_all;
	const char *why;      /* a part of the error text */
} parse_cases[] = {
	{ "v=spf1", 0, 0, 0, 0, NULL },
	{ "v=spf1 -all", 0, 1, 0, 1, NULL },
	{ "V=SPF1 ip4:192.0.2.0/24 ~ALL", 0, 2, 0, 1, NULL },
	{ "v=spf1  a mx   -all  ", 0, 3, 2, 1, NULL },
	{ "v=spf1 include:_spf.example.org include:b.example.org a:x.example.org mx:y.example.org "
	  "ptr exists:%{i}.z.example.org -all", 0, 7, 6, 1, NULL },
	{ "v=spf1 redirect=_spf.example.org", 0, 0, 1, 0, NULL },
	{ "v=spf1 -all redirect=_spf.example.org", 0, 1, 0, 1, NULL },   /* §6.1: ignored */
	{ "v=spf1 a/24 a//64 a:x.example.org/24//64 mx/30 -all", 0, 5, 4, 1, NULL },
	{ "v=spf1 ip6:2001:db8::/32 ip6:::1 -all", 0, 3, 0, 1, NULL },
	{ "v=spf1 foo=bar -all", 0, 1, 0, 1, NULL },   /* unknown modifier ignored */
	{ "v=spf1 exp=explain.%{d} -all", 0, 1, 0, 1, NULL },
	{ "v=spf10 -all", -1, 0, 0, 0, "v=spf1" },
	{ "spf1 -all", -1, 0, 0, 0, "v=spf1" },
	{ "v=spf1 ip4:192.0.2.300", -1, 0, 0, 0, "not an IPv4 address" },
	{ "v=spf1 ip4:192.0.2.0/33", -1, 0, 0, 0, "CIDR" },
	{ "v=spf1 ip4:192.0.2.0/024", -1, 0, 0, 0, "CIDR" },
	{ "v=spf1 ip6:2001:db8::/129", -1, 0, 0, 0, "CIDR" },
	{ "v=spf1 ip6:192.0.2.1x", -1, 0, 0, 0, "IPv6" },
	{ "v=spf1 include", -1, 0, 0, 0, "needs ':'" },
	{ "v=spf1 include:", -1, 0, 0, 0, "needs ':'" },
	{ "v=spf1 include:nodot", -1, 0, 0, 0, "top-level" },
	{ "v=spf1 include:example.123", -1, 0, 0, 0, "top-level" },
	{ "v=spf1 frob:example.org", -1, 0, 0, 0, "unknown mechanism" },
	{ "v=spf1 all:example.org", -1, 0, 0, 0, "no argument" },
	{ "v=spf1 redirect=a.example.org redirect=b.example.org", -1, 0, 0, 0, "twice" },
	{ "v=spf1 exists:%{q}.example.org", -1, 0, 0, 0, "macro letter" },
	{ "v=spf1 exists:%{i.example.org", -1, 0, 0, 0, "not closed" },
	{ "v=spf1 exists:%{c}.example.org", -1, 0, 0, 0, "exp= only" },
	{ "v=spf1 a:ex%ample.org", -1, 0, 0, 0, "'%'" },
	{ "v=spf1 *all", -1, 0, 0, 0, "unknown mechanism" },
	{ "v=spf1 a:exa\tmple.org", -1, 0, 0, 0, "0x09" },
};

static const struct {
	const char *spec, *want;
} macro_cases[] = {
	/* RFC 7208 §7.4, sender strong-bad@email.example.com, IP 192.0.2.3 */
	{ "%{s}", "strong-bad@email.example.com" },
	{ "%{o}", "email.example.com" },
	{ "%{d}", "email.example.com" },
	{ "%{d4}", "email.example.com" },
	{ "%{d3}", "email.example.com" },
	{ "%{d2}", "example.com" },
	{ "%{d1}", "com" },
	{ "%{dr}", "com.example.email" },
	{ "%{d2r}", "example.email" },
	{ "%{l}", "strong-bad" },
	{ "%{l-}", "strong.bad" },
	{ "%{lr}", "strong-bad" },
	{ "%{lr-}", "bad.strong" },
	{ "%{l1r-}", "strong" },
	{ "%{ir}.%{v}._spf.%{d2}", "3.2.0.192.in-addr._spf.example.com" },
	{ "%{lr-}.lp._spf.%{d2}", "bad.strong.lp._spf.example.com" },
	{ "%{lr-}.lp.%{ir}.%{v}._spf.%{d2}", "bad.strong.lp.3.2.0.192.in-addr._spf.example.com" },
	{ "%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}", "3.2.0.192.in-addr.strong.lp._spf.example.com" },
	{ "%{d2}.trusted-domains.example.net", "example.com.trusted-domains.example.net" },
	{ "a%%b%_c%-d.example.org", "a%b c%20d.example.org" },
	{ "%{h}.example.org", "mx.email.example.com.example.org" },
	{ "plain.example.org", "plain.example.org" },
};

static void
test_parse(void)
{
	size_t i;

	for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		struct spf_record r;
		char why[256] = "";
		int rc = spf_parse(parse_cases[i].rec, strlen(parse_cases[i].rec), &r, why,
		    sizeof(why));

		is_int(rc, parse_cases[i].ok, "parse '%s'", parse_cases[i].rec);
		if (rc == 0) {
			is_int(r.nterms, parse_cases[i].nterms, "  terms of '%s'",
			    parse_cases[i].rec);
			is_int(r.lookups, parse_cases[i].lookups, "  lookups of '%s'",
			    parse_cases[i].rec);
			is_int(r.has_all, parse_cases[i].has_all, "  all in '%s'",
			    parse_cases[i].rec);
		} else {
			ok(parse_cases[i].why && strstr(why, parse_cases[i].why) != NULL,
			    "  why of '%s': %s", parse_cases[i].rec, why);
		}
	}
}

static void
test_terms(void)
{
	const char *rec = "v=spf1 ~a:x.example.org/24//64 ?ip4:192.0.2.0/25 -ip6:2001:db8::1 "
	    "+include:_spf.example.org ip4:198.51.100.1 -all";
	struct spf_record r;
	unsigned char a[16];
	char why[256];

	is_int(spf_parse(rec, strlen(rec), &r, why, sizeof(why)), 0, "terms parse");
	is_int(r.terms[0].mech, SPF_A, "a");
	is_int(r.terms[0].qual, '~', "a's qualifier");
	is_str(r.terms[0].spec, "x.example.org", "a's domain");
	is_int(r.terms[0].cidr4, 24, "a's /24");
	is_int(r.terms[0].cidr6, 64, "a's //64");
	is_str(r.terms[0].text, "~a:x.example.org/24//64", "a as written");
	is_int(r.terms[1].qual, '?', "ip4's qualifier");
	is_int(r.terms[1].cidr4, 25, "ip4's /25");
	inet_pton(AF_INET, "192.0.2.127", a);
	ok(spf_addr_in(r.terms[1].addr, a, 0, r.terms[1].cidr4), "192.0.2.127 in 192.0.2.0/25");
	inet_pton(AF_INET, "192.0.2.128", a);
	ok(!spf_addr_in(r.terms[1].addr, a, 0, r.terms[1].cidr4), "192.0.2.128 not in it");
	is_int(r.terms[2].cidr6, 128, "ip6 default /128");
	inet_pton(AF_INET6, "2001:db8::1", a);
	ok(spf_addr_in(r.terms[2].addr, a, 1, 128), "2001:db8::1 matches itself");
	inet_pton(AF_INET6, "2001:db8::2", a);
	ok(!spf_addr_in(r.terms[2].addr, a, 1, 128), "2001:db8::2 does not");
	ok(spf_addr_in(r.terms[2].addr, a, 1, 64), "... but is in its /64");
	ok(spf_addr_in(r.terms[2].addr, a, 1, 0), "... and in ::/0");
	is_int(r.terms[3].qual, '+', "explicit +");
	is_int(r.terms[4].qual, '+', "default qualifier +");
	is_int(spf_qual_result('~'), SPF_SOFTFAIL, "~ is softfail");
	is_int(spf_qual_result('?'), SPF_NEUTRAL, "? is neutral");
	is_int(spf_qual_result('-'), SPF_FAIL, "- is fail");
	is_int(spf_qual_result('+'), SPF_PASS, "+ is pass");
	is_str(spf_result_name(SPF_PERMERROR), "permerror", "permerror's name");
	is_str(spf_mech_name(SPF_EXISTS), "exists", "exists' name");
}

static void
test_macros(void)
{
	struct spf_macro_ctx ctx = { "strong-bad@email.example.com", "email.example.com",
	    "192.0.2.3", "mx.email.example.com" };
	struct spf_macro_ctx v6 = { "strong-bad@email.example.com", "email.example.com",
	    "2001:db8::cb01", NULL };
	struct spf_macro_ctx noip = { "a@b.example", "b.example", NULL, NULL };
	char out[SPF_DOMAIN_MAX + 1], why[128], spec[400];
	size_t i;

	for (i = 0; i < sizeof(macro_cases) / sizeof(macro_cases[0]); i++) {
		why[0] = '\0';
		is_int(spf_macro_expand(macro_cases[i].spec, &ctx, out, sizeof(out), why,
		    sizeof(why)), 0, "expand %s", macro_cases[i].spec);
		is_str(out, macro_cases[i].want, "  %s", macro_cases[i].spec);
	}
	is_int(spf_macro_expand("%{ir}.%{v}._spf.%{d2}", &v6, out, sizeof(out), why,
	    sizeof(why)), 0, "expand IPv6");
	is_str(out, "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf."
	    "example.com", "  §7.4's IPv6 example");
	is_int(spf_macro_expand("%{i}.x.example", &noip, out, sizeof(out), why,
	    sizeof(why)), -1, "no IP: %%{i} cannot expand");
	ok(strstr(why, "no value") != NULL, "  why: %s", why);
	is_int(spf_macro_expand("%{d0}.x.example", &ctx, out, sizeof(out), why,
	    sizeof(why)), -1, "zero parts refused");
	/* §7.3: a long expansion loses labels on the left */
	snprintf(spec, sizeof(spec), "%s", "%{s}.");
	for (i = 0; i < 30; i++)
		strcat(spec, "abcdefgh.");
	strcat(spec, "example");
	is_int(spf_macro_expand(spec, &ctx, out, sizeof(out), why, sizeof(why)), 0,
	    "long expansion");
	ok(strlen(out) <= 253, "  cut to %zu octets", strlen(out));
	ok(strlen(out) > 200 && strstr(out, "abcdefgh.example") != NULL, "  from the left");
	/* escaped octets (%{S}: each '+' and '@' becomes 3 bytes) near the end
	 * of the expansion buffer, at every offset: refused as too long, never
	 * written past it (the fuzzer's crash; ASan watches this) */
	{
		struct spf_macro_ctx esc = { "a+b@xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.example",
		    "x.example", "192.0.2.3", NULL };
		static char big[4096];
		int j, refused = 0;

		for (j = 0; j < 64; j++) {
			memset(big, 'a', (size_t)j);
			big[j] = '\0';
			for (i = 0; i < 60; i++)
				strcat(big, ".%{S}");
			if (spf_macro_expand(big, &esc, out, sizeof(out), why, sizeof(why)) < 0 &&
			    strstr(why, "too long") != NULL)
				refused++;
		}
		is_int(refused, 64, "escaped expansions over the buffer: refused at every offset");
	}
	is_int(spf_macro_letters("%{i}.%{V}.%{d2}.%%"), (1u << ('i' - 'a')) |
	    (1u << ('v' - 'a')) | (1u << ('d' - 'a')), "letters used");
	is_int(spf_macro_check("plain.example", why, sizeof(why)), 0, "no macro");
	is_int(spf_macro_check("%{d}", why, sizeof(why)), 1, "a macro");
}

static void
test_select(void)
{
	const char *set1[] = { "google-site-verification=x", "v=spf1 -all" };
	const char *set2[] = { "v=spf1 -all", "v=spf1 +all" };
	const char *set3[] = { "v=spf10 a", "spf1", "v=spf1" };
	const char *set4[] = { "v=DMARC1; p=none" };
	size_t len[3];
	int w, i;

	for (i = 0; i < 2; i++)
		len[i] = strlen(set1[i]);
	is_int(spf_select(set1, len, 2, &w), 1, "one of two TXT is SPF");
	is_int(w, 1, "  the second");
	for (i = 0; i < 2; i++)
		len[i] = strlen(set2[i]);
	is_int(spf_select(set2, len, 2, &w), -1, "two SPF records");
	is_int(w, 2, "  counted");
	for (i = 0; i < 3; i++)
		len[i] = strlen(set3[i]);
	is_int(spf_select(set3, len, 3, &w), 1, "v=spf10 is no SPF record, v=spf1 alone is");
	is_int(w, 2, "  the bare one");
	len[0] = strlen(set4[0]);
	is_int(spf_select(set4, len, 1, &w), 0, "no SPF record");
	is_int(spf_select(set4, len, 0, &w), 0, "empty set");
	/* an embedded NUL ends nothing: the length counts */
	ok(spf_is_record("v=spf1 -all\0x", 13), "length, not NUL");
	ok(!spf_is_record("v=spf", 5), "short");
}

int
main(void)
{
	test_parse();
	test_terms();
	test_macros();
	test_select();
	return done_testing();
}

/* test_dmarc - lib/dmarc: the tag list of RFC 7489 §6.3/§6.4, the choice
 * of one record, mailto: domains and the organizational domain (two
 * labels, no Public Suffix List). */
#include <config.h>

#include "dmarc.h"
#include "tap.h"

static const struct {
	const char *rec;
	int ok;
	enum dmarc_policy p, sp;
	int pct, nrua, nruf;
	const char *why;
} cases[] = {
	{ "v=DMARC1; p=reject", 0, DMARC_P_REJECT, DMARC_P_UNSET, 100, 0, 0, NULL },
	{ "v=DMARC1;p=none;", 0, DMARC_P_NONE, DMARC_P_UNSET, 100, 0, 0, NULL },
	{ "v = DMARC1 ; p = Quarantine ; sp=reject; pct=20", 0, DMARC_P_QUARANTINE,
	  DMARC_P_REJECT, 20, 0, 0, NULL },
	{ "v=DMARC1; p=reject; rua=mailto:a@example.org,mailto:b@example.net!10m; "
	  "ruf=mailto:f@example.org", 0, DMARC_P_REJECT, DMARC_P_UNSET, 100, 2, 1, NULL },
	{ "v=DMARC1; rua=mailto:a@example.org", 0, DMARC_P_UNSET, DMARC_P_UNSET, 100, 1, 0,
	  NULL },
	{ "v=DMARC1; p=reject; adkim=s; aspf=r; fo=1; ri=3600; rf=afrf; x-new=1", 0,
	  DMARC_P_REJECT, DMARC_P_UNSET, 100, 0, 0, NULL },
	{ "v=DMARC1; p=reject; pct=0", 0, DMARC_P_REJECT, DMARC_P_UNSET, 0, 0, 0, NULL },
	{ "v=DMARC2; p=reject", -1, 0, 0, 0, 0, 0, "v=DMARC1" },
	{ "p=reject; v=DMARC1", -1, 0, 0, 0, 0, 0, "v=DMARC1" },
	{ "v=dmarc1; p=reject", -1, 0, 0, 0, 0, 0, "v=DMARC1" },
	{ "v=DMARC1; p=rejected", -1, 0, 0, 0, 0, 0, "not none" },
	{ "v=DMARC1; p=reject; p=none", -1, 0, 0, 0, 0, 0, "twice" },
	{ "v=DMARC1; p=reject; pct=101", -1, 0, 0, 0, 0, 0, "percentage" },
	{ "v=DMARC1; p=reject; pct=-1", -1, 0, 0, 0, 0, 0, "percentage" },
	{ "v=DMARC1; p=reject; adkim=x", -1, 0, 0, 0, 0, 0, "r or s" },
	{ "v=DMARC1; p=reject; rua=a@example.org", -1, 0, 0, 0, 0, 0, "not a URI" },
	{ "v=DMARC1; p=reject; rua=mailto:a@example.org,", -1, 0, 0, 0, 0, 0, "empty URI" },
	{ "v=DMARC1; p=reject; garbage", -1, 0, 0, 0, 0, 0, "tag=value" },
	{ "v=DMARC1; v=DMARC1; p=reject", -1, 0, 0, 0, 0, 0, "twice" },
};

static void
test_parse(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dmarc_record r;
		char why[256] = "";
		int rc = dmarc_parse(cases[i].rec, strlen(cases[i].rec), &r, why, sizeof(why));

		is_int(rc, cases[i].ok, "parse '%s'", cases[i].rec);
		if (rc == 0) {
			is_int(r.p, cases[i].p, "  p of '%s'", cases[i].rec);
			is_int(r.sp, cases[i].sp, "  sp");
			is_int(r.pct, cases[i].pct, "  pct");
			is_int(r.nrua, cases[i].nrua, "  rua count");
			is_int(r.nruf, cases[i].nruf, "  ruf count");
		} else {
			ok(cases[i].why && strstr(why, cases[i].why) != NULL, "  why: %s", why);
		}
	}
}

static void
test_values(void)
{
	const char *rec = "v=DMARC1; p=reject; rua=mailto:agg@Reports.Example.NET!10m, "
	    "https://r.example/x; adkim=S";
	struct dmarc_record r;
	char why[128], dom[DMARC_DOMAIN_MAX];

	is_int(dmarc_parse(rec, strlen(rec), &r, why, sizeof(why)), 0, "parse");
	is_str(r.rua[0], "mailto:agg@Reports.Example.NET!10m", "rua 1 as given");
	is_str(r.rua[1], "https://r.example/x", "rua 2 trimmed");
	is_int(r.adkim, 's', "adkim lower case");
	is_int(r.aspf, 'r', "aspf default r");
	is_int(r.ri, 86400, "ri default");
	is_int(dmarc_mailto_domain(r.rua[0], dom, sizeof(dom)), 1, "mailto domain");
	is_str(dom, "reports.example.net", "  lower case, size suffix off");
	is_int(dmarc_mailto_domain(r.rua[1], dom, sizeof(dom)), 0, "https is no mailto");
	is_int(dmarc_mailto_domain("mailto:nobody", dom, sizeof(dom)), -1, "no @");
	is_int(dmarc_mailto_domain("mailto:@x.example", dom, sizeof(dom)), -1, "no local part");
	is_int(dmarc_mailto_domain("mailto:a@", dom, sizeof(dom)), -1, "no domain");
	is_int(dmarc_mailto_domain("MAILTO:a@b.example?subject=x", dom, sizeof(dom)), 1,
	    "query cut");
	is_str(dom, "b.example", "  domain");
	is_int(dmarc_mailto_domain("mailto:a@b ex.example", dom, sizeof(dom)), -1, "blank");
	is_str(dmarc_policy_name(DMARC_P_QUARANTINE), "quarantine", "policy name");
	is_str(dmarc_policy_name(DMARC_P_UNSET), "unset", "unset");
}

static void
test_select_org(void)
{
	const char *set[] = { "v=spf1 -all", "v=DMARC1; p=none", "v=DMARC1;p=reject" };
	size_t len[3];
	char org[DMARC_DOMAIN_MAX];
	int w, i;

	for (i = 0; i < 3; i++)
		len[i] = strlen(set[i]);
	is_int(dmarc_select(set, len, 2, &w), 1, "one DMARC record");
	is_int(w, 1, "  the second");
	is_int(dmarc_select(set, len, 3, &w), -1, "two");
	is_int(w, 2, "  counted");
	is_int(dmarc_select(set, len, 1, &w), 0, "none");
	ok(dmarc_is_record("v=DMARC1", 8), "v=DMARC1 alone");
	ok(!dmarc_is_record("v=DMARC1x", 9), "v=DMARC1x");
	dmarc_org_domain("mail.sub.Example.ORG.", org, sizeof(org));
	is_str(org, "example.org", "org domain of a deep name");
	dmarc_org_domain("example.org", org, sizeof(org));
	is_str(org, "example.org", "org domain of itself");
	dmarc_org_domain("test", org, sizeof(org));
	is_str(org, "test", "one label");
}

int
main(void)
{
	test_parse();
	test_values();
	test_select_org();
	return done_testing();
}

/* test_mtasts.c - lib/mtasts: the _mta-sts TXT record (RFC 8461 §3.1),
 * the policy (§3.2), mx pattern matching (§4.1) and the _smtp._tls TXT
 * record (RFC 8460 §3). */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "mtasts.h"
#include "tap.h"

/* One TXT set of up to 4 records (NULL ends it). */
static int
txt(int tlsrpt, const char *r0, const char *r1, const char *r2, char *why,
    size_t cap, struct mtasts_txt *sts, struct tlsrpt_txt *rpt)
{
	const char *rec[3];
	size_t len[3];
	int n = 0;

	if (r0) {
		rec[n] = r0;
		len[n++] = strlen(r0);
	}
	if (r1) {
		rec[n] = r1;
		len[n++] = strlen(r1);
	}
	if (r2) {
		rec[n] = r2;
		len[n++] = strlen(r2);
	}
	why[0] = '\0';
	return tlsrpt ? tlsrpt_txt_parse(rec, len, n, rpt, why, cap) :
	    mtasts_txt_parse(rec, len, n, sts, why, cap);
}

static const struct {
	const char *rec;
	int rc;
	const char *id_or_why;
} sts_txt[] = {
	{ "v=STSv1; id=20260101T000000;", 1, "20260101T000000" },
	{ "v=STSv1;id=abc", 1, "abc" },
	{ "v=STSv1; id=abc ;", 1, "abc" },
	{ "v=STSv1 ; id=abc; ext=foo-bar.1", 1, "abc" },
	{ "v=STSv1; ext=x; id=Z9", 1, "Z9" },
	{ "v=STSv1; id=12345678901234567890123456789012", 1, "12345678901234567890123456789012" },
	{ "v=STSv1", -1, "no id field" },
	{ "v=STSv1;", -1, "no id field" },
	{ "v=STSv1; foo=bar", -1, "no id field" },
	{ "v=STSv1; id=", -1, "field id has no value" },
	{ "v=STSv1; id=abc-def", -1, "id 'abc-def' is not 1 to 32 letters and digits" },
	{ "v=STSv1; id=123456789012345678901234567890123", -1,
	  "id '123456789012345678901234567890123' is not 1 to 32 letters and digits" },
	{ "v=STSv1; id=a; id=b", -1, "more than one id field" },
	{ "v=STSv1 id=abc", -1, "expected ';' before 'id=abc'" },
	{ "v=STSv1; =abc", -1, "'=abc' is not a NAME=VALUE field" },
	{ "v=STSv1; ID=abc", -1, "no id field" },   /* %s"id=" is case-sensitive */
	{ "v=spf1 -all", 0, "" },
	{ "v=STSv10; id=abc", 0, "" },
	{ "V=STSv1; id=abc", 0, "" },
};

static const struct {
	const char *text;
	int rc;
	const char *why;
} policies[] = {
	{ "version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 86400\n", 0, "" },
	{ "version: STSv1\r\nmode: testing\r\nmx: *.example.com\r\nmx: mail.example.net.\r\n"
	  "max_age: 604800\r\n", 0, "" },
	{ "version:STSv1\nmode:none\nmax_age:0", 0, "" },
	{ "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 1\nfoo_bar: whatever\n", 0, "" },
	{ "version: STSv1\n\nmode: enforce\nmx: a.example  \nmax_age: 31557600\n", 0, "" },
	{ "", -1, "the policy is empty" },
	{ "\n\n", -1, "the policy is empty" },
	{ "mode: enforce\nmx: a.example\nmax_age: 1\n", -1, "no version field" },
	{ "version: STSv1\nmx: a.example\nmax_age: 1\n", -1, "no mode field" },
	{ "version: STSv1\nmode: enforce\nmx: a.example\n", -1, "no max_age field" },
	{ "version: STSv1\nmode: enforce\nmax_age: 1\n", -1,
	  "no mx field (required unless the mode is none)" },
	{ "version: STSv2\nmode: enforce\nmx: a.example\nmax_age: 1\n", -1,
	  "line 1: version 'STSv2' is not STSv1" },
	{ "version: STSv1\nmode: enforcing\nmx: a.example\nmax_age: 1\n", -1,
	  "line 2: mode 'enforcing' is not enforce, testing or none" },
	{ "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 31557601\n", -1,
	  "line 4: max_age 31557601 is over the maximum of 31557600 seconds" },
	{ "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 99999999999\n", -1,
	  "line 4: max_age '99999999999' is not a number of seconds" },
	{ "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: -1\n", -1,
	  "line 4: max_age '-1' is not a number of seconds" },
	{ "version: STSv1\nmode: enforce\nmx: a..example\nmax_age: 1\n", -1,
	  "line 3: mx 'a..example' is not a host name or *.domain pattern" },
	{ "version: STSv1\nmode: enforce\nmx: *.*.example\nmax_age: 1\n", -1,
	  "line 3: mx '*.*.example' is not a host name or *.domain pattern" },
	{ "version: STSv1\nmode: enforce\nmx: -a.example\nmax_age: 1\n", -1,
	  "line 3: mx '-a.example' is not a host name or *.domain pattern" },
	{ "version: STSv1\nmode: enforce\nmode: testing\nmx: a.example\nmax_age: 1\n", -1,
	  "line 3: a second mode field" },
	{ "<html><body>Not Found</body></html>\n", -1,
	  "line 1: '<html><body>Not Found</body></html>' is not a 'key: value' line" },
	{ "version STSv1\n", -1, "line 1: 'version STSv1' is not a 'key: value' line" },
	{ "version: STSv1\nmode: enforce\x01\n", -1, "line 2: control character 0x01" },
	{ " version: STSv1\n", -1, "line 1: ' version: STSv1' is not a 'key: value' line" },
};

static const struct {
	const char *pat, *host;
	int match;
} matches[] = {
	{ "mail.example.com", "mail.example.com", 1 },
	{ "mail.example.com", "MAIL.Example.COM", 1 },
	{ "mail.example.com.", "mail.example.com", 1 },
	{ "mail.example.com", "mail.example.com.", 1 },
	{ "mail.example.com", "mail2.example.com", 0 },
	{ "mail.example.com", "example.com", 0 },
	{ "*.example.com", "mx1.example.com", 1 },
	{ "*.example.com", "MX1.EXAMPLE.COM.", 1 },
	{ "*.example.com", "example.com", 0 },
	{ "*.example.com", "a.b.example.com", 0 },
	{ "*.example.com", ".example.com", 0 },
	{ "*.example.com", "mx1.example.org", 0 },
	{ "*.example.com", "mx1.xexample.com", 0 },
	{ "*.com", "example.com", 1 },
	{ "", "", 0 },
};

static const struct {
	const char *rec;
	int rc;
	const char *rua_or_why;
} rpt_txt[] = {
	{ "v=TLSRPTv1; rua=mailto:tlsrpt@example.com", 1, "mailto:tlsrpt@example.com" },
	{ "v=TLSRPTv1;rua=mailto:a@example.com,https://r.example.com/tlsrpt;", 1,
	  "mailto:a@example.com,https://r.example.com/tlsrpt" },
	{ "v=TLSRPTv1; rua=mailto:a@example.com , mailto:b@example.com ; x=y", 1,
	  "mailto:a@example.com , mailto:b@example.com" },
	{ "v=TLSRPTv1", -1, "no rua field" },
	{ "v=TLSRPTv1;", -1, "no rua field" },
	{ "v=TLSRPTv1; rua=", -1, "rua is empty" },
	{ "v=TLSRPTv1; rua=ftp://x.example/", -1, "rua URI 'ftp://x.example/' is neither mailto: nor https:" },
	{ "v=TLSRPTv1; rua=tlsrpt@example.com", -1,
	  "rua URI 'tlsrpt@example.com' is neither mailto: nor https:" },
	{ "v=TLSRPTv1; rua=mailto:nobody", -1, "rua URI 'mailto:nobody' has no address" },
	{ "v=TLSRPTv1; rua=mailto:a@example.com,", -1, "rua has an empty URI" },
	{ "v=TLSRPTv1; rua=mailto:a@b; rua=mailto:c@d", -1, "more than one rua field" },
	{ "v=TLSRPTv1 rua=mailto:a@b", -1, "expected ';' before 'rua=mailto:a@b'" },
	{ "v=STSv1; id=1", 0, "" },
};

int
main(void)
{
	struct mtasts_txt sts;
	struct tlsrpt_txt rpt;
	struct mtasts_policy p;
	char why[256], *big;
	size_t i, n;
	int rc;

	for (i = 0; i < sizeof(sts_txt) / sizeof(sts_txt[0]); i++) {
		rc = txt(0, sts_txt[i].rec, NULL, NULL, why, sizeof(why), &sts, NULL);
		is_int(rc, sts_txt[i].rc, "STS TXT '%s': result", sts_txt[i].rec);
		if (rc == 1)
			is_str(sts.id, sts_txt[i].id_or_why, "STS TXT '%s': id", sts_txt[i].rec);
		else if (rc < 0)
			is_str(why, sts_txt[i].id_or_why, "STS TXT '%s': why", sts_txt[i].rec);
	}
	rc = txt(0, "v=spf1 -all", "v=STSv1; id=x1", "something else", why, sizeof(why), &sts, NULL);
	ok(rc == 1 && strcmp(sts.id, "x1") == 0, "STS TXT: other records are ignored");
	rc = txt(0, "v=STSv1; id=a", "v=STSv1; id=b", NULL, why, sizeof(why), &sts, NULL);
	is_int(rc, -1, "STS TXT: two STSv1 records are invalid");
	is_str(why, "2 TXT records begin with v=STSv1 (there must be exactly one)",
	    "STS TXT: two records: why");
	rc = txt(0, NULL, NULL, NULL, why, sizeof(why), &sts, NULL);
	is_int(rc, 0, "STS TXT: no record at all");
	{
		/* a NUL inside the record: the length counts, not strlen */
		const char rec0[] = "v=STSv1; id=ab\0cd";
		const char *rec[1] = { rec0 };
		size_t len[1] = { sizeof(rec0) - 1 };

		rc = mtasts_txt_parse(rec, len, 1, &sts, why, sizeof(why));
		is_int(rc, -1, "STS TXT: a NUL byte in the id is refused");
	}

	for (i = 0; i < sizeof(policies) / sizeof(policies[0]); i++) {
		why[0] = '\0';
		rc = mtasts_policy_parse(policies[i].text, strlen(policies[i].text), &p,
		    why, sizeof(why));
		is_int(rc, policies[i].rc, "policy %zu: result", i);
		is_str(why, policies[i].why, "policy %zu: why", i);
	}
	rc = mtasts_policy_parse(policies[1].text, strlen(policies[1].text), &p, why,
	    sizeof(why));
	ok(rc == 0 && p.mode == MTASTS_TESTING && p.max_age == 604800 && p.nmx == 2 &&
	    strcmp(p.mx[0], "*.example.com") == 0 && strcmp(p.mx[1], "mail.example.net") == 0,
	    "policy: CRLF lines, two mx (trailing dot dropped), testing, max_age");
	rc = mtasts_policy_parse("VERSION: stsv1\nMode: Enforce\nMX: Mail.Example.COM\n"
	    "Max_Age: 5\n", 61, &p, why, sizeof(why));
	ok(rc == 0 && p.mode == MTASTS_ENFORCE && strcmp(p.mx[0], "mail.example.com") == 0,
	    "policy: keys and values are case-insensitive; mx kept in lower case");
	/* no terminator at all, and no byte read past LEN */
	rc = mtasts_policy_parse("version: STSv1\nmode: none\nmax_age: 12XXXX", 37, &p, why,
	    sizeof(why));
	ok(rc == 0 && p.max_age == 12 && p.mode == MTASTS_NONE,
	    "policy: LEN bounds the text (last line unterminated)");
	{
		const char t[] = "version: STSv1\nmode: enforce\nmx: a\0b.example\nmax_age: 1\n";

		rc = mtasts_policy_parse(t, sizeof(t) - 1, &p, why, sizeof(why));
		is_int(rc, -1, "policy: a NUL byte is refused");
		is_str(why, "line 3: control character 0x00", "policy: NUL byte: why");
	}
	/* 33 mx lines: one over the limit */
	big = malloc(4096);
	if (big) {
		n = (size_t)snprintf(big, 4096, "version: STSv1\nmode: enforce\nmax_age: 1\n");
		for (i = 0; i < MTASTS_MX_MAX + 1; i++)
			n += (size_t)snprintf(big + n, 4096 - n, "mx: m%zu.example\n", i);
		rc = mtasts_policy_parse(big, n, &p, why, sizeof(why));
		is_int(rc, -1, "policy: more than %d mx patterns", MTASTS_MX_MAX);
		is_str(why, "line 36: more than 32 mx patterns", "policy: too many mx: why");
		free(big);
	}
	big = malloc(MTASTS_POLICY_MAX + 2);
	if (big) {
		memset(big, '\n', MTASTS_POLICY_MAX + 1);
		rc = mtasts_policy_parse(big, MTASTS_POLICY_MAX + 1, &p, why, sizeof(why));
		is_int(rc, -1, "policy: over 64 KiB refused");
		is_str(why, "the policy is larger than 65536 bytes", "policy: too large: why");
		free(big);
	}

	for (i = 0; i < sizeof(matches) / sizeof(matches[0]); i++)
		is_int(mtasts_mx_match(matches[i].pat, matches[i].host), matches[i].match,
		    "mx '%s' vs host '%s'", matches[i].pat, matches[i].host);
	rc = mtasts_policy_parse(policies[1].text, strlen(policies[1].text), &p, why,
	    sizeof(why));
	is_int(mtasts_policy_match(&p, "mx7.example.com"), 0, "policy match: the wildcard");
	is_int(mtasts_policy_match(&p, "MAIL.example.net"), 1, "policy match: the second mx");
	is_int(mtasts_policy_match(&p, "mail.example.org"), -1, "policy match: none");

	for (i = 0; i < sizeof(rpt_txt) / sizeof(rpt_txt[0]); i++) {
		rc = txt(1, rpt_txt[i].rec, NULL, NULL, why, sizeof(why), NULL, &rpt);
		is_int(rc, rpt_txt[i].rc, "TLS-RPT '%s': result", rpt_txt[i].rec);
		if (rc == 1)
			is_str(rpt.rua, rpt_txt[i].rua_or_why, "TLS-RPT '%s': rua", rpt_txt[i].rec);
		else if (rc < 0)
			is_str(why, rpt_txt[i].rua_or_why, "TLS-RPT '%s': why", rpt_txt[i].rec);
	}
	rc = txt(1, "v=TLSRPTv1; rua=mailto:a@b.example", "v=TLSRPTv1; rua=mailto:c@d.example",
	    NULL, why, sizeof(why), NULL, &rpt);
	is_int(rc, -1, "TLS-RPT: two records are invalid");
	is_str(why, "2 TXT records begin with v=TLSRPTv1 (there must be exactly one)",
	    "TLS-RPT: two records: why");
	rc = txt(1, "v=TLSRPTv1; rua=mailto:a@b.example,https://c.example/r", NULL, NULL,
	    why, sizeof(why), NULL, &rpt);
	is_int(rpt.nuri, 2, "TLS-RPT: two URIs counted");
	is_str(mtasts_mode_name(MTASTS_ENFORCE), "enforce", "mode name enforce");
	is_str(mtasts_mode_name(MTASTS_NONE), "none", "mode name none");
	return done_testing();
}

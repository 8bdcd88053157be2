/* test_authres.c - Authentication-Results (lib/authres.c): parsing and
 * the --expect-auth-results check, table-driven. */
#include <config.h>

#include <string.h>

#include "authres.h"
#include "tap.h"

static void
test_parse(void)
{
	static const struct {
		const char *value;
		int rc;
		const char *id;
		int n;
		const char *m0, *r0, *mlast, *rlast;
	} cases[] = {
		{ " mail.lab.test; spf=pass smtp.mailfrom=lab.test; dkim=pass header.d=lab.test; "
		  "dmarc=pass header.from=lab.test", 0, "mail.lab.test", 3, "spf", "pass", "dmarc", "pass" },
		{ "mx.example.org 1; dkim=fail (signature did not verify) header.d=a.example "
		  "header.b=\"ab;cd\"; spf=softfail smtp.mailfrom=a.example", 0, "mx.example.org", 2,
		  "dkim", "fail", "spf", "softfail" },
		{ "example.com; none", 0, "example.com", 0, NULL, NULL, NULL, NULL },
		{ "(comment) \"quoted.id\"; DKIM = PASS", 0, "quoted.id", 1, "dkim", "pass", "dkim", "pass" },
		{ "example.com; dkim/1=pass", 0, "example.com", 1, "dkim", "pass", "dkim", "pass" },
		{ "example.com; spf", 0, "example.com", 0, NULL, NULL, NULL, NULL },
		{ "example.com;;; spf=; dkim=pass", 0, "example.com", 1, "dkim", "pass", "dkim", "pass" },
		{ "", -1, "", 0, NULL, NULL, NULL, NULL },
		{ "   ; spf=pass", -1, "", 0, NULL, NULL, NULL, NULL },
		{ "(unclosed comment", -1, "", 0, NULL, NULL, NULL, NULL },
		{ "\"unclosed", 0, "unclosed", 0, NULL, NULL, NULL, NULL },
		{ "id; /1=pass; dkim=pass", 0, "id", 1, "dkim", "pass", "dkim", "pass" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct authres a;
		struct err e;
		int rc;

		err_clear(&e);
		rc = authres_parse(cases[i].value, strlen(cases[i].value), &a, &e);
		is_int(rc, cases[i].rc, "'%s': rc", cases[i].value);
		if (rc < 0) {
			is_int(e.kind, ERR_PROTO, "'%s': ERR_PROTO", cases[i].value);
			continue;
		}
		is_str(a.serv_id, cases[i].id, "'%s': authserv-id", cases[i].value);
		is_int(a.n, cases[i].n, "'%s': methods", cases[i].value);
		if (cases[i].n > 0) {
			is_str(a.m[0].method, cases[i].m0, "'%s': first method", cases[i].value);
			is_str(a.m[0].result, cases[i].r0, "'%s': first result", cases[i].value);
			is_str(a.m[a.n - 1].method, cases[i].mlast, "'%s': last method", cases[i].value);
			is_str(a.m[a.n - 1].result, cases[i].rlast, "'%s': last result", cases[i].value);
		}
	}
	{
		/* more methods than kept */
		char v[2000] = "id";
		struct authres a;
		struct err e;
		int k;

		for (k = 0; k < 40; k++)
			strcat(v, "; spf=pass");
		err_clear(&e);
		is_int(authres_parse(v, strlen(v), &a, &e), 0, "40 methods: parsed");
		is_int(a.n, AUTHRES_METHODS_MAX, "40 methods: %d kept", AUTHRES_METHODS_MAX);
	}
}

static void
test_check(void)
{
	static const char v[] = "mx; spf=pass smtp.mailfrom=a; dkim=fail header.d=a; "
	    "dkim=pass header.d=b; dmarc=none";
	static const struct {
		const char *expect;
		int rc;
		const char *msg;
	} cases[] = {
		{ "spf=pass", 0, "" },
		{ "spf=pass,dkim=pass", 0, "" },            /* one of the two signatures passed */
		{ "dmarc=pass", 1, "dmarc=none (expected pass)" },
		{ "dmarc=pass|none", 0, "" },
		{ "spf=pass,dmarc=pass,arc=pass", 2, "dmarc=none (expected pass), arc missing" },
		{ "SPF=PASS", 0, "" },
		{ "spf", -1, "" },
		{ "spf=", -1, "" },
		{ "=pass", -1, "" },
		{ "spf=pass;dkim=pass", -1, "" },
		{ "", -1, "" },
	};
	struct authres a;
	struct err e;
	size_t i;

	err_clear(&e);
	authres_parse(v, strlen(v), &a, &e);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[256];
		int rc;

		err_clear(&e);
		rc = authres_check(&a, cases[i].expect, out, sizeof(out), &e);
		is_int(rc, cases[i].rc, "check '%s': rc", cases[i].expect);
		if (rc > 0)
			is_str(out, cases[i].msg, "check '%s': the mismatches named", cases[i].expect);
		if (rc < 0)
			is_int(e.kind, ERR_USAGE, "check '%s': ERR_USAGE", cases[i].expect);
	}
	{
		char tiny[8];

		err_clear(&e);
		is_int(authres_check(&a, "spf=fail,dkim=none,dmarc=pass", tiny, sizeof(tiny), &e), 3,
		    "a small buffer: still counted");
		ok(strlen(tiny) < sizeof(tiny), "a small buffer: not overrun");
	}
}

int
main(void)
{
	test_parse();
	test_check();
	return done_testing();
}

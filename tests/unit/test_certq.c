/* test_certq.c - certificate quality judgements (lib/certq.c): key sizes
 * on both sides of each limit, weak signature digests on the leaf and on
 * an intermediate, extended key usage, validity length, must-staple, and
 * strict against report-only. */
#include <config.h>

#include <string.h>

#include "certq.h"
#include "tap.h"

struct q_case {
	const char *name;
	int key_type, key_bits, weak_md, eku, must_staple, stapled;
	long validity;
	enum state strict_state;     /* the worst finding with strict */
	int nfindings;
	const char *text;            /* a finding's words contain this, or NULL */
};

static const struct q_case cases[] = {
	{ "ECDSA P-256, 1 year", TLS_KEY_ECDSA, 256, 0, TLS_EKU_SERVER, 0, 0, 366,
	  STATE_OK, 0, NULL },
	{ "RSA 2048", TLS_KEY_RSA, 2048, 0, TLS_EKU_SERVER, 0, 0, 90, STATE_OK, 0, NULL },
	{ "RSA 2047", TLS_KEY_RSA, 2047, 0, TLS_EKU_SERVER, 0, 0, 90, STATE_WARNING, 1,
	  "RSA key of 2047 bits (under 2048)" },
	{ "RSA 1024", TLS_KEY_RSA, 1024, 0, TLS_EKU_SERVER, 0, 0, 90, STATE_WARNING, 1,
	  "RSA key of 1024 bits" },
	{ "EC 224", TLS_KEY_ECDSA, 224, 0, TLS_EKU_SERVER, 0, 0, 90, STATE_WARNING, 1,
	  "EC key of 224 bits (under 256)" },
	{ "EC 384", TLS_KEY_ECDSA, 384, 0, TLS_EKU_SERVER, 0, 0, 90, STATE_OK, 0, NULL },
	{ "Ed25519 (253 bits is no EC limit)", TLS_KEY_EDDSA, 253, 0, TLS_EKU_SERVER, 0, 0,
	  90, STATE_OK, 0, NULL },
	{ "SHA-1 on the leaf", TLS_KEY_ECDSA, 256, TLS_WEAK_SHA1, TLS_EKU_SERVER, 0, 0, 90,
	  STATE_WARNING, 1, "SHA-1 signature on the leaf" },
	{ "MD5 on the leaf", TLS_KEY_RSA, 2048, TLS_WEAK_MD5, TLS_EKU_SERVER, 0, 0, 90,
	  STATE_WARNING, 1, "MD5 signature" },
	{ "no EKU at all (any purpose)", TLS_KEY_ECDSA, 256, 0, TLS_EKU_NONE, 0, 0, 90,
	  STATE_OK, 0, NULL },
	{ "EKU clientAuth only", TLS_KEY_ECDSA, 256, 0, TLS_EKU_OTHER, 0, 0, 90,
	  STATE_WARNING, 1, "without serverAuth" },
	{ "398 days", TLS_KEY_ECDSA, 256, 0, TLS_EKU_SERVER, 0, 0, 398, STATE_OK, 0, NULL },
	{ "399 days: noted", TLS_KEY_ECDSA, 256, 0, TLS_EKU_SERVER, 0, 0, 399, STATE_OK, 1,
	  "valid for 399 days" },
	{ "must-staple, stapled", TLS_KEY_ECDSA, 256, 0, TLS_EKU_SERVER, 1, 1, 90, STATE_OK,
	  0, NULL },
	{ "must-staple, nothing stapled", TLS_KEY_ECDSA, 256, 0, TLS_EKU_SERVER, 1, 0, 90,
	  STATE_CRITICAL, 1, "no OCSP response was stapled" },
	{ "everything wrong", TLS_KEY_RSA, 1024, TLS_WEAK_SHA1, TLS_EKU_OTHER, 1, 0, 800,
	  STATE_CRITICAL, 5, NULL },
};

static void
fill(struct tls_info *in, const struct q_case *c)
{
	memset(in, 0, sizeof(*in));
	in->key_type = c->key_type;
	in->key_bits = c->key_bits;
	in->weak_md = c->weak_md;
	if (c->weak_md)
		strcpy(in->weak_where, "the leaf");
	in->eku = c->eku;
	in->must_staple = c->must_staple;
	in->stapled = c->stapled;
	in->validity_days = c->validity;
}

int
main(void)
{
	struct certq_finding f[CERTQ_MAX];
	struct tls_info in;
	char line[256];
	size_t i;
	int j, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct q_case *c = &cases[i];
		enum state worst = STATE_OK;
		int found = c->text == NULL;

		fill(&in, c);
		n = certq_judge(&in, 1, f, CERTQ_MAX);
		is_int(n, c->nfindings, "%s: findings", c->name);
		for (j = 0; j < n; j++) {
			if (f[j].state > worst)
				worst = f[j].state;
			if (c->text && strstr(f[j].text, c->text))
				found = 1;
		}
		is_int(worst, c->strict_state, "%s: state with strict", c->name);
		ok(found, "%s: words '%s'", c->name, c->text ? c->text : "");
		/* report only: the same findings, none judged */
		n = certq_judge(&in, 0, f, CERTQ_MAX);
		for (j = 0, worst = STATE_OK; j < n; j++)
			if (f[j].state > worst)
				worst = f[j].state;
		ok(n == c->nfindings && worst == STATE_OK, "%s: report only: noted, OK",
		    c->name);
	}
	/* the room given is respected */
	fill(&in, &cases[sizeof(cases) / sizeof(cases[0]) - 1]);
	is_int(certq_judge(&in, 1, f, 2), 2, "at most MAX findings");
	/* the summary line */
	fill(&in, &cases[0]);
	strcpy(in.key_text, "ECDSA P-256");
	strcpy(in.sig_alg, "ecdsa-with-SHA256");
	certq_summary(&in, line, sizeof(line));
	is_str(line, "ECDSA P-256, signed ecdsa-with-SHA256, EKU serverAuth, valid 366 "
	    "days, no must-staple", "summary");
	in.must_staple = 1;
	certq_summary(&in, line, sizeof(line));
	ok(strstr(line, "must-staple, nothing stapled") != NULL, "summary: must-staple");
	return done_testing();
}

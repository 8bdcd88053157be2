/* fuzz_spf - lib/spf, fed what DNS would feed it: the whole input as one
 * TXT record (exact-length heap copy) for spf_parse, its lines as a TXT
 * set for spf_select, and its first line as a domain-spec for
 * spf_macro_check and spf_macro_expand (with an IPv4 and an IPv6
 * context, and one without an address). Invariants: results in range,
 * counts bounded, every string filled terminated inside its array, an
 * expansion at most 253 octets. */
#include <config.h>

#include "fuzz_common.h"
#include "spf.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct spf_record rec;
	static const struct spf_macro_ctx ctx[3] = {
		{ "strong-bad@email.example.com", "email.example.com", "192.0.2.3",
		  "mx.example.com" },
		{ "a@b.example", "b.example", "2001:db8::cb01", NULL },
		{ NULL, "c.example", NULL, NULL }
	};
	char why[128], out[SPF_DOMAIN_MAX + 1], *text;
	struct fuzz_recs r;
	int rc, i, which, m;

	text = fuzz_exact_copy(data, size);
	why[0] = '\0';
	rc = spf_parse(text, size, &rec, why, sizeof(why));
	fuzz_check(rc == 0 || rc == -1);
	if (rc == 0) {
		fuzz_check(rec.nterms >= 0 && rec.nterms <= SPF_TERMS_MAX);
		fuzz_check(rec.lookups >= 0 && rec.lookups <= rec.nterms + 1);
		fuzz_check(strlen(rec.redirect) < sizeof(rec.redirect));
		fuzz_check(strlen(rec.exp) < sizeof(rec.exp));
		for (i = 0; i < rec.nterms; i++) {
			const struct spf_term *t = &rec.terms[i];

			fuzz_check(t->mech >= SPF_ALL && t->mech <= SPF_EXISTS);
			fuzz_check(t->qual == '+' || t->qual == '-' || t->qual == '~' ||
			    t->qual == '?');
			fuzz_check(t->cidr4 >= 0 && t->cidr4 <= 32);
			fuzz_check(t->cidr6 >= 0 && t->cidr6 <= 128);
			fuzz_check(strlen(t->spec) < sizeof(t->spec));
			fuzz_check(strlen(t->text) < sizeof(t->text));
			fuzz_check(spf_mech_name(t->mech)[0] != '?');
		}
	} else {
		fuzz_check(why[0] != '\0' && strlen(why) < sizeof(why));
	}
	free(text);

	fuzz_recs_read(data, size, &r);
	rc = spf_select((const char *const *)r.rec, r.len, r.n, &which);
	fuzz_check(rc >= -1 && rc <= 1);
	if (rc == 1)
		fuzz_check(which >= 0 && which < r.n);
	if (rc == -1)
		fuzz_check(which >= 2 && which <= r.n);
	if (r.n >= 1) {
		char *spec = fuzz_str_copy(r.rec[0], r.len[0]);

		m = spf_macro_check(spec, why, sizeof(why));
		fuzz_check(m >= -1 && m <= 1);
		for (i = 0; i < 3; i++) {
			rc = spf_macro_expand(spec, &ctx[i], out, sizeof(out), why, sizeof(why));
			fuzz_check(rc == 0 || rc == -1);
			if (rc == 0)
				fuzz_check(strlen(out) <= 253);
			else
				fuzz_check(strlen(why) < sizeof(why));
			if (m < 0)
				fuzz_check(rc == -1);
		}
		free(spec);
	}
	fuzz_recs_free(&r);
	return 0;
}

/* fuzz_dmarc - lib/dmarc, fed what DNS would feed it: the whole input as
 * one TXT record (exact-length heap copy) for dmarc_parse, its lines as a
 * TXT set for dmarc_select, each parsed URI through dmarc_mailto_domain,
 * and its first line as a domain for dmarc_org_domain. Invariants:
 * results in range, counts bounded, every string terminated inside its
 * array. */
#include <config.h>

#include "dmarc.h"
#include "fuzz_common.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dmarc_record d;
	char why[128], dom[DMARC_DOMAIN_MAX], *text;
	struct fuzz_recs r;
	int rc, i, which;

	text = fuzz_exact_copy(data, size);
	why[0] = '\0';
	rc = dmarc_parse(text, size, &d, why, sizeof(why));
	fuzz_check(rc == 0 || rc == -1);
	if (rc == 0) {
		fuzz_check(d.pct >= 0 && d.pct <= 100);
		fuzz_check(d.adkim == 'r' || d.adkim == 's');
		fuzz_check(d.aspf == 'r' || d.aspf == 's');
		fuzz_check(d.nrua >= 0 && d.nrua <= DMARC_URIS_MAX);
		fuzz_check(d.nruf >= 0 && d.nruf <= DMARC_URIS_MAX);
		fuzz_check(strlen(d.fo) < sizeof(d.fo));
		fuzz_check(dmarc_is_record(text, size));
		for (i = 0; i < d.nrua + d.nruf; i++) {
			const char *u = i < d.nrua ? d.rua[i] : d.ruf[i - d.nrua];

			fuzz_check(strlen(u) < DMARC_URI_MAX);
			rc = dmarc_mailto_domain(u, dom, sizeof(dom));
			fuzz_check(rc >= -1 && rc <= 1);
			if (rc == 1)
				fuzz_check(dom[0] != '\0' && strlen(dom) < sizeof(dom));
		}
	} else {
		fuzz_check(why[0] != '\0' && strlen(why) < sizeof(why));
	}
	free(text);

	fuzz_recs_read(data, size, &r);
	rc = dmarc_select((const char *const *)r.rec, r.len, r.n, &which);
	fuzz_check(rc >= -1 && rc <= 1);
	if (rc == 1)
		fuzz_check(which >= 0 && which < r.n);
	if (r.n >= 1) {
		char *name = fuzz_str_copy(r.rec[0], r.len[0]);

		dmarc_org_domain(name, dom, sizeof(dom));
		fuzz_check(strlen(dom) < sizeof(dom) && strlen(dom) <= strlen(name));
		rc = dmarc_mailto_domain(name, dom, sizeof(dom));
		fuzz_check(rc >= -1 && rc <= 1);
		free(name);
	}
	fuzz_recs_free(&r);
	return 0;
}

/* fuzz_mtasts - lib/mtasts, fed what the network would feed it: the
 * policy text (RFC 8461 §3.2) as an exact-length heap copy, the input's
 * lines as a TXT record set for both TXT parsers, and its first two lines
 * as an mx pattern and a host name. Invariants: results in range, the
 * strings filled are terminated and as the grammar allows. */
#include <config.h>

#include "fuzz_common.h"
#include "mtasts.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mtasts_policy p;
	struct mtasts_txt sts;
	struct tlsrpt_txt rpt;
	struct fuzz_recs r;
	char why[128], *text;
	int rc, i;

	text = fuzz_exact_copy(data, size);
	why[0] = '\0';
	rc = mtasts_policy_parse(text, size, &p, why, sizeof(why));
	fuzz_check(rc == 0 || rc == -1);
	if (rc == 0) {
		fuzz_check(p.mode == MTASTS_NONE || p.nmx > 0);
		fuzz_check(p.max_age >= 0 && p.max_age <= MTASTS_MAX_AGE_MAX);
		fuzz_check(p.nmx <= MTASTS_MX_MAX);
		for (i = 0; i < p.nmx; i++) {
			fuzz_check(strlen(p.mx[i]) < MTASTS_NAME_MAX);
			fuzz_check(mtasts_policy_match(&p, p.mx[i]) >= 0 || p.mx[i][0] == '*');
		}
	} else {
		fuzz_check(why[0] != '\0' && strlen(why) < sizeof(why));
	}
	free(text);

	fuzz_recs_read(data, size, &r);
	rc = mtasts_txt_parse((const char *const *)r.rec, r.len, r.n, &sts, why, sizeof(why));
	fuzz_check(rc >= -1 && rc <= 1);
	if (rc == 1)
		fuzz_check(strlen(sts.id) >= 1 && strlen(sts.id) <= MTASTS_ID_MAX);
	rc = tlsrpt_txt_parse((const char *const *)r.rec, r.len, r.n, &rpt, why, sizeof(why));
	fuzz_check(rc >= -1 && rc <= 1);
	if (rc == 1)
		fuzz_check(rpt.nuri >= 1 && strlen(rpt.rua) < sizeof(rpt.rua));
	if (r.n >= 2) {
		char *pat = fuzz_str_copy(r.rec[0], r.len[0]);
		char *host = fuzz_str_copy(r.rec[1], r.len[1]);

		rc = mtasts_mx_match(pat, host);
		fuzz_check(rc == 0 || rc == 1);
		free(pat);
		free(host);
	}
	fuzz_recs_free(&r);
	return 0;
}

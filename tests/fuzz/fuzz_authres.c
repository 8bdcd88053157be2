/* fuzz_authres - Authentication-Results (lib/authres): authres_parse on
 * each line, then authres_check of a fixed and of a fuzzed expectation
 * (the line's first word) against what was parsed. */
#include <config.h>

#include "authres.h"
#include "fuzz_common.h"

static void
parse_line(void *ctx, const char *line, size_t len)
{
	struct authres a;
	struct err e;
	char out[128], expect[64];
	size_t n;
	int i, rc;

	(void)ctx;
	err_clear(&e);
	if (authres_parse(line, len, &a, &e) < 0) {
		fuzz_check(e.kind == ERR_PROTO);
		return;
	}
	fuzz_check(a.serv_id[0] != '\0' && strlen(a.serv_id) < sizeof(a.serv_id));
	fuzz_check(a.n >= 0 && a.n <= AUTHRES_METHODS_MAX);
	for (i = 0; i < a.n; i++) {
		fuzz_check(a.m[i].method[0] != '\0' && a.m[i].result[0] != '\0');
		fuzz_check(strlen(a.m[i].method) < sizeof(a.m[i].method));
		fuzz_check(strlen(a.m[i].result) < sizeof(a.m[i].result));
	}
	rc = authres_check(&a, "spf=pass,dkim=pass|none,dmarc=pass", out, sizeof(out), &e);
	fuzz_check(rc >= 0 && rc <= 3 && strlen(out) < sizeof(out));
	n = len < sizeof(expect) - 1 ? len : sizeof(expect) - 1;
	memcpy(expect, line, n);
	expect[n] = '\0';
	expect[strcspn(expect, " ;")] = '\0';
	err_clear(&e);
	rc = authres_check(&a, expect, out, sizeof(out), &e);
	fuzz_check(rc >= -1 && strlen(out) < sizeof(out));
	fuzz_check(rc != -1 || e.kind == ERR_USAGE);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_each_line(data, size, parse_line, NULL);
	return 0;
}

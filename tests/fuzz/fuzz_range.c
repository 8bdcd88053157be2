/* fuzz_range - threshold ranges (lib/range): range_parse on a NUL-terminated
 * copy of the input, then range_alert. With 8 bytes or more, the first 8 are
 * also tried as the measured value (any double: NaN and infinities too). */
#include <config.h>

#include <math.h>

#include "fuzz_common.h"
#include "range.h"

static void
try_range(const char *text, const double *vals, size_t nvals)
{
	struct range r;
	struct err e;
	size_t i;

	err_clear(&e);
	if (range_parse(&r, text, &e) < 0) {
		fuzz_check(e.kind == ERR_USAGE && !r.set);
		fuzz_check(range_alert(&r, 0.0) == 0);
		return;
	}
	fuzz_check(r.set);
	fuzz_check(strcmp(r.text, text) == 0);
	fuzz_check(r.start_inf || isfinite(r.start));
	fuzz_check(r.end_inf || isfinite(r.end));
	if (!r.start_inf && !r.end_inf) {
		fuzz_check(r.start <= r.end);
		/* both ends belong to the range */
		fuzz_check(range_alert(&r, r.start) == r.inside);
		fuzz_check(range_alert(&r, r.end) == r.inside);
	}
	if (!r.start_inf)
		fuzz_check(range_alert(&r, -INFINITY) == !r.inside);
	if (!r.end_inf)
		fuzz_check(range_alert(&r, INFINITY) == !r.inside);
	for (i = 0; i < nvals; i++) {
		int a = range_alert(&r, vals[i]);

		fuzz_check(a == 0 || a == 1);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	double vals[3] = { 0.0, -1.5, 1e300 };
	size_t nvals = 3;
	char *text;

	text = fuzz_str_copy(data, size);
	try_range(text, vals, nvals);
	free(text);
	if (size >= sizeof(double)) {
		memcpy(&vals[0], data, sizeof(double));
		text = fuzz_str_copy(data + sizeof(double), size - sizeof(double));
		try_range(text, vals, 1);
		free(text);
	}
	return 0;
}

/* fuzz_b64 - base64 (lib/b64). The input is decoded; what decodes is
 * encoded again and that must decode to the same bytes. The raw input is
 * also encoded and decoded back. Buffers are exact-size heap blocks. */
#include <config.h>

#include "b64.h"
#include "fuzz_common.h"

/* Encode N bytes of IN, decode the result, and demand IN back. */
static void
round_trip(const unsigned char *in, size_t n)
{
	size_t ecap = B64_ENCODED_SIZE(n);
	char *enc = malloc(ecap);
	unsigned char *dec = malloc(n ? n : 1);
	long elen, dlen;

	if (enc == NULL || dec == NULL)
		abort();
	elen = b64_encode(in, n, enc, ecap);
	fuzz_check(elen >= 0 && (size_t)elen == ecap - 1);
	fuzz_check((size_t)elen == strlen(enc));
	fuzz_check(b64_encode(in, n, enc, ecap - 1) == -1);
	elen = b64_encode(in, n, enc, ecap);
	dlen = b64_decode(enc, (size_t)elen, dec, n);
	fuzz_check(dlen >= 0 && (size_t)dlen == n);
	fuzz_check(n == 0 || memcmp(dec, in, n) == 0);
	free(enc);
	free(dec);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = fuzz_exact_copy(data, size);
	size_t cap = size * 3 / 4 + 1;
	unsigned char *out = malloc(cap);
	long n;

	if (out == NULL)
		abort();
	n = b64_decode(in, size, out, cap);
	if (n >= 0) {
		fuzz_check((size_t)n <= size * 3 / 4);
		round_trip(out, (size_t)n);
		/* an OUT one byte too small must be refused, not overrun */
		if (n > 0) {
			unsigned char *small = malloc((size_t)n - 1 ? (size_t)n - 1 : 1);

			if (small == NULL)
				abort();
			fuzz_check(b64_decode(in, size, small, (size_t)n - 1) == -1);
			free(small);
		}
	}
	free(out);
	round_trip(data, size);
	free(in);
	return 0;
}

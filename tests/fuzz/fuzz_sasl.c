/* fuzz_sasl - the server's messages of a SASL login (lib/sasl). The first
 * byte picks the mechanism; the rest, split at the first NUL, is the
 * server's first and second message, each in a heap block of exactly its
 * length. Whatever comes, sasl_step answers within its buffer or refuses
 * (ERR_PROTO, ERR_REJECTED), and a SCRAM login never succeeds without a
 * server signature that matches. Server-first messages asking for more
 * than 4096 iterations are skipped: they cost time, not coverage. */
#include <config.h>

#include "fuzz_common.h"
#include "sasl.h"

static const enum sasl_mech mechs[] = {
	SASL_SCRAM_SHA256, SASL_SCRAM_SHA1, SASL_CRAM_MD5, SASL_LOGIN, SASL_PLAIN,
	SASL_XOAUTH2, SASL_OAUTHBEARER
};

/* 1 when MSG (LEN bytes) names an iteration count over 4096. */
static int
too_slow(const char *msg, size_t len)
{
	size_t i;

	for (i = 0; i + 2 < len; i++) {
		if ((i == 0 || msg[i - 1] == ',') && msg[i] == 'i' && msg[i + 1] == '=') {
			size_t d = 0;
			unsigned long v = 0;

			for (i += 2; i < len && msg[i] >= '0' && msg[i] <= '9' && d < 12; i++, d++)
				v = v * 10 + (unsigned long)(msg[i] - '0');
			return v > 4096;
		}
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char out[SASL_MSG_MAX];
	const uint8_t *nul;
	size_t l1, l2;
	char *m1, *m2;
	struct sasl s;
	struct err e;
	long n;

	if (size < 1)
		return 0;
	err_clear(&e);
	if (sasl_begin(&s, mechs[data[0] % (sizeof(mechs) / sizeof(mechs[0]))], "user",
	    "pencil", "mail.example.test", 587, &e) < 0)
		abort();
	sasl_set_nonce(&s, "fyko+d2lbbFgONRv9qkxdawL");
	data++;
	size--;
	nul = memchr(data, '\0', size);
	l1 = nul ? (size_t)(nul - data) : size;
	l2 = nul ? size - l1 - 1 : 0;
	m1 = fuzz_exact_copy(data, l1);
	m2 = fuzz_exact_copy(nul ? nul + 1 : data, l2);
	if (too_slow(m1, l1))
		goto out;
	n = sasl_first(&s, out, sizeof(out), &e);
	fuzz_check(n >= 0 && (size_t)n <= sizeof(out));
	n = sasl_step(&s, (const unsigned char *)m1, l1, out, sizeof(out), &e);
	fuzz_check(n >= -1 && n <= (long)sizeof(out));
	if (n >= 0 && nul) {
		n = sasl_step(&s, (const unsigned char *)m2, l2, out, sizeof(out), &e);
		fuzz_check(n >= -1 && n <= (long)sizeof(out));
	}
	err_clear(&e);
	if (sasl_finish(&s, NULL, 0, &e) == 0 &&
	    (s.mech == SASL_SCRAM_SHA1 || s.mech == SASL_SCRAM_SHA256))
		fuzz_check(s.verified);
out:
	sasl_wipe(&s);
	free(m1);
	free(m2);
	return 0;
}

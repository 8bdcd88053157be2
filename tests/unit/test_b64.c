/* test_b64.c - base64 (RFC 4648 §10 vectors) and the SASL PLAIN message
 * (RFC 4616 §4 example). */
#include <config.h>

#include <string.h>

#include "b64.h"
#include "tap.h"

static const struct {
	const char *plain, *enc;
} vectors[] = {
	{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
	{ "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
};

int
main(void)
{
	char out[256];
	unsigned char back[256];
	size_t i;
	long n;

	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		n = b64_encode(vectors[i].plain, strlen(vectors[i].plain), out, sizeof(out));
		is_str(out, vectors[i].enc, "encode '%s'", vectors[i].plain);
		is_int((int)n, (int)strlen(vectors[i].enc), "encode '%s': length", vectors[i].plain);
		n = b64_decode(vectors[i].enc, strlen(vectors[i].enc), back, sizeof(back));
		ok(n == (long)strlen(vectors[i].plain) &&
		    memcmp(back, vectors[i].plain, (size_t)n) == 0, "decode '%s'", vectors[i].enc);
	}
	ok(b64_encode("foo", 3, out, 4) == -1, "encode refuses a too small buffer");
	ok(b64_encode("foo", 3, out, 5) == 4, "encode fits exactly (with the NUL)");
	ok(b64_decode("Zm9v!", 5, back, sizeof(back)) == -1, "decode refuses '!'");
	ok(b64_decode("Zg==Zg==", 8, back, sizeof(back)) == -1, "decode refuses data after padding");
	ok(b64_decode("Zm9vYmFy", 8, back, 5) == -1, "decode refuses a too small buffer");
	ok(b64_decode("Zg", 2, back, sizeof(back)) == 1 && back[0] == 'f',
	    "decode accepts missing padding");

	/* RFC 4616 §4: "\0tim\0tanstaaftanstaaf" */
	n = b64_sasl_plain("tim", "tanstaaftanstaaf", out, sizeof(out));
	is_str(out, "AHRpbQB0YW5zdGFhZnRhbnN0YWFm", "SASL PLAIN of the RFC 4616 example");
	ok(n == 28, "SASL PLAIN length");
	n = b64_decode(out, (size_t)n, back, sizeof(back));
	ok(n == 21 && back[0] == 0 && back[4] == 0 && memcmp(back + 5, "tanstaaftanstaaf", 16) == 0,
	    "SASL PLAIN decodes to NUL user NUL password");
	{
		char big[1100];

		memset(big, 'x', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		ok(b64_sasl_plain(big, "p", out, sizeof(out)) == -1,
		    "SASL PLAIN refuses credentials over 1000 bytes");
	}
	ok(b64_sasl_plain("u", "p", out, 4) == -1, "SASL PLAIN refuses a too small buffer");
	{
		/* the guard of every login: user + password + 2 NULs <= 1000 */
		struct b64_sasl sa;
		char user[1000];
		int zero = 1;

		memset(user, 'u', 997);
		user[997] = '\0';
		ok(b64_sasl_begin(&sa, user, "p") == 0 && sa.enc[0] == '\0' &&
		    sa.cmd[0] == '\0', "SASL login of exactly 1000 bytes begins, buffers empty");
		ok(b64_sasl_begin(&sa, user, "pw") == -1, "SASL login of 1001 bytes is refused");
		ok(b64_sasl_begin(&sa, "", "") == 0, "SASL login with empty credentials begins");
		memset(&sa, 'x', sizeof(sa));
		b64_sasl_wipe(&sa);
		for (i = 0; i < sizeof(sa.enc); i++)
			zero &= sa.enc[i] == 0;
		for (i = 0; i < sizeof(sa.cmd); i++)
			zero &= sa.cmd[i] == 0;
		ok(zero, "SASL wipe clears both buffers");
	}
	return done_testing();
}

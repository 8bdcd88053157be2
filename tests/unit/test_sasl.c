/* test_sasl.c - lib/sasl.c against the examples of the RFCs: SCRAM-SHA-1
 * (RFC 5802 §5), SCRAM-SHA-256 (RFC 7677 §3), CRAM-MD5 (RFC 2195 §2),
 * OAUTHBEARER (RFC 7628 §4.1), and the XOAUTH2 message byte for byte; the
 * mechanism names and the choice of -A auto; malformed and hostile server
 * messages. The TLS module's digests are linked in directly. */
#include <config.h>

#include <string.h>

#include "b64.h"
#include "sasl.h"
#include "tap.h"

/* One SCRAM exchange: the client-first, the client-final for SERVER_FIRST
 * and the verification of SERVER_FINAL, against the RFC's messages. */
static void
scram_vector(enum sasl_mech m, const char *nonce, const char *first,
    const char *server_first, const char *final, const char *server_final)
{
	const char *name = sasl_mech_name(m);
	unsigned char out[SASL_MSG_MAX];
	struct sasl s;
	struct err e;
	long n;

	err_clear(&e);
	is_int(sasl_begin(&s, m, "user", "pencil", NULL, 0, &e), 0, "%s: begin", name);
	ok(strlen(s.nonce) == 24 && strchr(s.nonce, ',') == NULL,
	    "%s: a random nonce of 24 characters without ','", name);
	sasl_set_nonce(&s, nonce);
	n = sasl_first(&s, out, sizeof(out), &e);
	ok(n == (long)strlen(first) && memcmp(out, first, (size_t)n) == 0,
	    "%s: client-first-message as in the RFC", name);
	n = sasl_step(&s, (const unsigned char *)server_first, strlen(server_first), out,
	    sizeof(out), &e);
	ok(n == (long)strlen(final) && memcmp(out, final, (size_t)n) == 0,
	    "%s: client-final-message (the proof) as in the RFC: %.*s", name,
	    n > 0 ? (int)n : 0, (const char *)out);
	is_int(sasl_finish(&s, (const unsigned char *)server_final, strlen(server_final),
	    &e), 0, "%s: the server's signature (v=) verifies", name);
	ok(s.verified, "%s: verified", name);
	sasl_wipe(&s);

	/* the same, but the server-final as a challenge (IMAP, SMTP 334) */
	sasl_begin(&s, m, "user", "pencil", NULL, 0, &e);
	sasl_set_nonce(&s, nonce);
	(void)sasl_first(&s, out, sizeof(out), &e);
	(void)sasl_step(&s, (const unsigned char *)server_first, strlen(server_first), out,
	    sizeof(out), &e);
	is_int((int)sasl_step(&s, (const unsigned char *)server_final, strlen(server_final),
	    out, sizeof(out), &e), 0, "%s: server-final as a challenge: an empty answer",
	    name);
	is_int(sasl_finish(&s, NULL, 0, &e), 0, "%s: then the success needs nothing more",
	    name);
	sasl_wipe(&s);

	/* a wrong server signature is never a success */
	sasl_begin(&s, m, "user", "pencil", NULL, 0, &e);
	sasl_set_nonce(&s, nonce);
	(void)sasl_first(&s, out, sizeof(out), &e);
	(void)sasl_step(&s, (const unsigned char *)server_first, strlen(server_first), out,
	    sizeof(out), &e);
	err_clear(&e);
	ok(sasl_finish(&s, (const unsigned char *)"v=AAAAAAAAAAAAAAAAAAAAAAAAAAA=", 30,
	    &e) == -1 && strstr(e.msg, "server proof does not match") != NULL,
	    "%s: a wrong v= fails: %s", name, e.msg);
	err_clear(&e);
	ok(sasl_finish(&s, NULL, 0, &e) == -1 && strstr(e.msg, "did not prove") != NULL,
	    "%s: a success without v= fails: %s", name, e.msg);
	sasl_wipe(&s);

	/* the wrong password gives another proof */
	sasl_begin(&s, m, "user", "pencil!", NULL, 0, &e);
	sasl_set_nonce(&s, nonce);
	(void)sasl_first(&s, out, sizeof(out), &e);
	n = sasl_step(&s, (const unsigned char *)server_first, strlen(server_first), out,
	    sizeof(out), &e);
	ok(n > 0 && (n != (long)strlen(final) || memcmp(out, final, (size_t)n) != 0),
	    "%s: another password, another proof", name);
	sasl_wipe(&s);
}

static void
test_scram(void)
{
	scram_vector(SASL_SCRAM_SHA1, "fyko+d2lbbFgONRv9qkxdawL",
	    "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL",
	    "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096",
	    "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,"
	    "p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
	    "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=");
	scram_vector(SASL_SCRAM_SHA256, "rOprNGfwEbeRWgbNEkqO",
	    "n,,n=user,r=rOprNGfwEbeRWgbNEkqO",
	    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
	    "s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
	    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
	    "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
	    "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
}

/* Server-first messages that must be refused, each with its words. */
static void
test_scram_hostile(void)
{
	static const struct {
		const char *msg, *words;
	} bad[] = {
		{ "r=abc,s=QSXCR+Q6sek8bf92,i=4096", "does not extend ours" },
		{ "r=fyko+d2lbbFgONRv9qkxdawL,s=QSXCR+Q6sek8bf92,i=4096", "does not extend ours" },
		{ "r=fyko+d2lbbFgONRv9qkxdawLxx,s=QSXCR+Q6sek8bf92", "malformed" },
		{ "r=fyko+d2lbbFgONRv9qkxdawLxx,i=4096", "malformed" },
		{ "r=fyko+d2lbbFgONRv9qkxdawLxx,s=QSXCR+Q6sek8bf92,i=0", "out of range" },
		{ "r=fyko+d2lbbFgONRv9qkxdawLxx,s=QSXCR+Q6sek8bf92,i=99999999999", "out of range" },
		{ "r=fyko+d2lbbFgONRv9qkxdawLxx,s=QSXCR+Q6sek8bf92,i=12x", "out of range" },
		{ "r=fyko+d2lbbFgONRv9qkxdawLxx,s=!!!!,i=4096", "malformed salt" },
		{ "m=ext,r=fyko+d2lbbFgONRv9qkxdawLxx,s=QSXCR+Q6sek8bf92,i=4096", "extension" },
		{ "", "malformed" },
		{ "e=unknown-user", "malformed" },
	};
	unsigned char out[SASL_MSG_MAX];
	static unsigned char big[SASL_MSG_MAX + 1];
	struct sasl s;
	struct err e;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		sasl_begin(&s, SASL_SCRAM_SHA1, "user", "pencil", NULL, 0, &e);
		sasl_set_nonce(&s, "fyko+d2lbbFgONRv9qkxdawL");
		(void)sasl_first(&s, out, sizeof(out), &e);
		err_clear(&e);
		ok(sasl_step(&s, (const unsigned char *)bad[i].msg, strlen(bad[i].msg), out,
		    sizeof(out), &e) == -1 && e.kind == ERR_PROTO &&
		    strstr(e.msg, bad[i].words) != NULL, "SCRAM server-first '%s' refused: %s",
		    bad[i].msg, e.msg);
		sasl_wipe(&s);
	}
	memset(big, 'r', sizeof(big));
	sasl_begin(&s, SASL_SCRAM_SHA256, "user", "pencil", NULL, 0, &e);
	(void)sasl_first(&s, out, sizeof(out), &e);
	err_clear(&e);
	ok(sasl_step(&s, big, sizeof(big), out, sizeof(out), &e) == -1 &&
	    strstr(e.msg, "longer than") != NULL, "a challenge over %d bytes: %s",
	    SASL_MSG_MAX, e.msg);
	sasl_wipe(&s);

	/* e= in the server-final: the server's words, a rejection */
	sasl_begin(&s, SASL_SCRAM_SHA1, "user", "pencil", NULL, 0, &e);
	sasl_set_nonce(&s, "fyko+d2lbbFgONRv9qkxdawL");
	(void)sasl_first(&s, out, sizeof(out), &e);
	(void)sasl_step(&s, (const unsigned char *)"r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,"
	    "s=QSXCR+Q6sek8bf92,i=4096", 70, out, sizeof(out), &e);
	err_clear(&e);
	ok(sasl_step(&s, (const unsigned char *)"e=invalid-proof", 15, out, sizeof(out), &e)
	    == -1 && e.kind == ERR_REJECTED && strcmp(s.server_error, "invalid-proof") == 0,
	    "e=invalid-proof: a rejection with the server's words: %s", e.msg);
	err_clear(&e);
	ok(sasl_step(&s, (const unsigned char *)"v=x", 3, out, sizeof(out), &e) == -1,
	    "a third SCRAM challenge is refused: %s", e.msg);
	sasl_wipe(&s);

	/* user names with ',' and '=' are escaped (RFC 5802 §5.1) */
	sasl_begin(&s, SASL_SCRAM_SHA256, "a,b=c", "pw", NULL, 0, &e);
	sasl_set_nonce(&s, "N");
	ok(sasl_first(&s, out, sizeof(out), &e) == 18 &&
	    memcmp(out, "n,,n=a=2Cb=3Dc,r=N", 18) == 0, "saslname: ',' =2C and '=' =3D");
	sasl_wipe(&s);
}

static void
test_cram_login_plain(void)
{
	static const char chal[] = "<1896.697170952@postoffice.reston.mci.net>";
	unsigned char out[SASL_MSG_MAX];
	struct sasl s;
	struct err e;
	long n;

	err_clear(&e);
	sasl_begin(&s, SASL_CRAM_MD5, "tim", "tanstaaftanstaaf", NULL, 0, &e);
	is_int((int)sasl_first(&s, out, sizeof(out), &e), 0, "CRAM-MD5 has no initial response");
	n = sasl_step(&s, (const unsigned char *)chal, strlen(chal), out, sizeof(out), &e);
	ok(n == 36 && memcmp(out, "tim b913a602c7eda7a495b4e6e7334d3890", 36) == 0,
	    "CRAM-MD5: RFC 2195's answer: %.*s", n > 0 ? (int)n : 0, (const char *)out);
	err_clear(&e);
	ok(sasl_step(&s, (const unsigned char *)chal, strlen(chal), out, sizeof(out), &e) == -1,
	    "CRAM-MD5: a second challenge is refused");
	sasl_wipe(&s);
	sasl_begin(&s, SASL_CRAM_MD5, "tim", "x", NULL, 0, &e);
	err_clear(&e);
	ok(sasl_step(&s, out, 0, out, sizeof(out), &e) == -1,
	    "CRAM-MD5: an empty challenge is refused");
	sasl_wipe(&s);

	sasl_begin(&s, SASL_LOGIN, "u", "p", NULL, 0, &e);
	is_int((int)sasl_first(&s, out, sizeof(out), &e), 0, "LOGIN has no initial response");
	ok(sasl_step(&s, (const unsigned char *)"Username:", 9, out, sizeof(out), &e) == 1 &&
	    out[0] == 'u', "LOGIN: the user name first");
	ok(sasl_step(&s, (const unsigned char *)"Password:", 9, out, sizeof(out), &e) == 1 &&
	    out[0] == 'p', "LOGIN: then the password");
	err_clear(&e);
	ok(sasl_step(&s, (const unsigned char *)"More:", 5, out, sizeof(out), &e) == -1,
	    "LOGIN: a third prompt is refused");
	sasl_wipe(&s);

	sasl_begin(&s, SASL_PLAIN, "tim", "tanstaaf", NULL, 0, &e);
	n = sasl_first(&s, out, sizeof(out), &e);
	ok(n == 13 && memcmp(out, "\0tim\0tanstaaf", 13) == 0, "PLAIN: NUL user NUL password");
	ok(sasl_step(&s, out, 0, out, sizeof(out), &e) == 13,
	    "PLAIN: an empty challenge asks for the message again");
	sasl_wipe(&s);
}

static void
test_oauth(void)
{
	static const char xo[] = "user=someuser@example.com\001auth=Bearer ya29.vF9dft4qmTc2Nvb3"
	    "RlckBhdHRhdmlzdGEuY29tCg\001\001";
	static const char ob[] = "n,a=user@example.com,\001host=server.example.com\001port=143"
	    "\001auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\001\001";
	static const char json[] = "{\"status\":\"invalid_token\",\"scope\":\"example_scope\"}";
	unsigned char out[SASL_MSG_MAX];
	struct sasl s;
	struct err e;
	long n;

	err_clear(&e);
	sasl_begin(&s, SASL_XOAUTH2, "someuser@example.com",
	    "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg", NULL, 0, &e);
	n = sasl_first(&s, out, sizeof(out), &e);
	ok(n == (long)strlen(xo) && memcmp(out, xo, (size_t)n) == 0,
	    "XOAUTH2: user=...^Aauth=Bearer ...^A^A");
	is_int((int)sasl_step(&s, (const unsigned char *)json, strlen(json), out, sizeof(out),
	    &e), 0, "XOAUTH2: the error status is answered with an empty message");
	ok(s.failed && strcmp(s.server_error, json) == 0, "XOAUTH2: the server's JSON is kept");
	sasl_wipe(&s);

	sasl_begin(&s, SASL_OAUTHBEARER, "user@example.com",
	    "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==", "server.example.com", 143, &e);
	n = sasl_first(&s, out, sizeof(out), &e);
	ok(n == (long)strlen(ob) && memcmp(out, ob, (size_t)n) == 0,
	    "OAUTHBEARER: RFC 7628 §4.1's initial response, byte for byte");
	ok(sasl_step(&s, (const unsigned char *)json, strlen(json), out, sizeof(out), &e) == 1
	    && out[0] == '\001', "OAUTHBEARER: the error status is answered with ^A");
	ok(strcmp(s.server_error, json) == 0, "OAUTHBEARER: the server's JSON is kept");
	sasl_wipe(&s);
}

static void
test_names(void)
{
	struct sasl s;
	struct err e;
	static char longpw[2000];

	is_int(sasl_mech_parse("scram-sha-256"), SASL_SCRAM_SHA256, "parse: any case");
	is_int(sasl_mech_parse("CRAM-MD5"), SASL_CRAM_MD5, "parse: CRAM-MD5");
	is_int(sasl_mech_parse("DIGEST-MD5"), SASL_NONE, "parse: unknown -> SASL_NONE");
	is_str(sasl_mech_name(SASL_OAUTHBEARER), "OAUTHBEARER", "name: OAUTHBEARER");
	ok(sasl_offered("PLAIN LOGIN CRAM-MD5", "cram-md5") &&
	    sasl_offered("plain,login", "LOGIN") && !sasl_offered("PLAINX", "PLAIN"),
	    "offered: words, any case, not a prefix");
	is_int(sasl_mech_auto("PLAIN LOGIN CRAM-MD5 SCRAM-SHA-1 SCRAM-SHA-256", 1, 0),
	    SASL_SCRAM_SHA256, "auto: SCRAM-SHA-256 first");
	is_int(sasl_mech_auto("PLAIN LOGIN CRAM-MD5", 1, 0), SASL_CRAM_MD5,
	    "auto: CRAM-MD5 over PLAIN");
	is_int(sasl_mech_auto("LOGIN PLAIN", 1, 0), SASL_PLAIN, "auto: PLAIN over LOGIN");
	is_int(sasl_mech_auto("LOGIN PLAIN", 0, 0), SASL_NONE,
	    "auto: no PLAIN or LOGIN without TLS");
	is_int(sasl_mech_auto("PLAIN XOAUTH2 OAUTHBEARER", 1, 1), SASL_OAUTHBEARER,
	    "auto with a token: OAUTHBEARER first");
	is_int(sasl_mech_auto("PLAIN XOAUTH2", 1, 1), SASL_XOAUTH2, "auto with a token: XOAUTH2");
	memset(longpw, 'x', sizeof(longpw) - 1);
	err_clear(&e);
	ok(sasl_begin(&s, SASL_PLAIN, "u", longpw, NULL, 0, &e) == -1 && e.kind == ERR_USAGE,
	    "a password over the login limit is a usage error: %s", e.msg);
	sasl_wipe(&s);
}

int
main(void)
{
	test_scram();
	test_scram_hostile();
	test_cram_login_plain();
	test_oauth();
	test_names();
	return done_testing();
}

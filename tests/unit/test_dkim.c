/* test_dkim.c - lib/dkim: the key record's tag list (RFC 6376 §3.2,
 * §3.6.1), the key types (rsa, ed25519 of RFC 8463), the RSA key size read
 * from the DER of p= (SubjectPublicKeyInfo or bare RSAPublicKey), and
 * lib/dnsbl: the names of RFC 5782 §2.1/§2.4 and the answer codes. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "dkim.h"
#include "dnsbl.h"
#include "tap.h"

/* Keys made with openssl genpkey (public halves only). */
#define K512 "MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAMUwj6/FS1Yfoj4uj0Pn6VmJpLfEkcniY0n62kJc189NwVxFxvrLKfdYuCbOmYS9DdpssSSKYWCXnaAh85H9lOMCAwEAAQ=="
#define K1024 "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDR+RIM2aY286zwYqNFJaFQ0qvEZ5td+HwPO5Ntl06PNR0SVpT05TgQ2R+VqsxK2tSERwLWi+fe3zEOfKdjtfh9UDnLMPKaJpw4CxJv0YUXfguaOxaxoGBa+vYatr+V9TnzmA1uevR3c0mi+97/Zlt0olssx4t1Sdwbj1CruUicvQIDAQAB"
#define K2048 "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAyXJSq9CEDLcP0tbmVvB1TdrJD/mFFbgqGajUmB3faH2CRxODLHP9UAMv2p4VB9QG5ypem/vnmgrqERjy1eHtm8j26pYVSOM8qYXI5ujP4FZGtDVekSeL1M49yM8r5zyYe8oWvcIZRCiVYfb4qFrJufxRbItvGdrcSSAiySiLshFvjDI5pPVeyIMzHYLumrl5k5VgACQc3fwvfr5/C11se8jXi9w4H1xcvU2OI9D5hbbQpHxRwEQCzuwFaJrfTiQREt7sFIxdDvTVpD3Q7NRebzCHmFnf7UGIvn0OGmC1ViIdgYJ+kJehdzxDDjkRhJbMQUW0QC5rRm4yYRPp+x1eXQIDAQAB"
#define KED "8Lgann0TcZTiieIx9glNtOTpaGwBeaxIAcFca6mDRBA="
#define KRSAPUB "MIGJAoGBALN01xZvGgPJOLqcN6CUWPDit/s5/SesBXoCAPPrD0F0CtLyJoBKtlLneLpCaFQLm4hbdMyhfQIMBsRpIt5HBAxPEsHZP+AHgtizCrZ1QyuehkAtXtTO8KUGwFZqxdqRcZjnsFJ1ja0i0vr3m9Xh6TztzjorLghPda4QzEcgvPxhAgMBAAE="

static const struct {
	const char *rec;
	int rc;             /* dkim_parse */
	int type, bits, revoked, testing, strict, sha256, email;
	const char *why;    /* rc -1: a piece of it */
} cases[] = {
	{ "v=DKIM1; k=rsa; p=" K2048, 0, DKIM_K_RSA, 2048, 0, 0, 0, 1, 1, NULL },
	{ "v=DKIM1; p=" K1024, 0, DKIM_K_RSA, 1024, 0, 0, 0, 1, 1, NULL },
	{ "p=" K512, 0, DKIM_K_RSA, 512, 0, 0, 0, 1, 1, NULL },
	{ "v=DKIM1; k=rsa; p=" KRSAPUB, 0, DKIM_K_RSA, 1024, 0, 0, 0, 1, 1, NULL },
	{ "v=DKIM1; k=ed25519; p=" KED, 0, DKIM_K_ED25519, 256, 0, 0, 0, 1, 1, NULL },
	{ "v=DKIM1; k=rsa; p=", 0, DKIM_K_RSA, 0, 1, 0, 0, 1, 1, NULL },
	{ "v=DKIM1; p= ;", 0, DKIM_K_RSA, 0, 1, 0, 0, 1, 1, NULL },
	{ "v=DKIM1; t=y; p=" K2048, 0, DKIM_K_RSA, 2048, 0, 1, 0, 1, 1, NULL },
	{ "v=DKIM1; t=y:s; p=" K2048, 0, DKIM_K_RSA, 2048, 0, 1, 1, 1, 1, NULL },
	{ "v=DKIM1; h=sha1; p=" K2048, 0, DKIM_K_RSA, 2048, 0, 0, 0, 0, 1, NULL },
	{ "v=DKIM1; h=sha1:sha256; p=" K2048, 0, DKIM_K_RSA, 2048, 0, 0, 0, 1, 1, NULL },
	{ "v=DKIM1; s=other; p=" K2048, 0, DKIM_K_RSA, 2048, 0, 0, 0, 1, 0, NULL },
	{ "v=DKIM1; s=email:other; p=" K2048, 0, DKIM_K_RSA, 2048, 0, 0, 0, 1, 1, NULL },
	{ "k=foo; p=AAAA", 0, DKIM_K_OTHER, 0, 0, 0, 0, 1, 1, NULL },
	/* FWS inside p= and around the tags, unknown tags ignored, ";" at the end */
	{ " v = DKIM1 ;\r\n\tn=notes here; x_y=z ; p = " K2048 " ;", 0, DKIM_K_RSA, 2048,
	  0, 0, 0, 1, 1, NULL },
	{ "v=DKIM1; p=MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJB AMUwj6/FS1Yfoj4uj0Pn6VmJpLfEkcniY0n62kJc"
	  "189NwVxFxvrLKfdYuCbOmYS9DdpssSSKYWCXnaAh85H9lOMCAwEAAQ==", 0, DKIM_K_RSA, 512,
	  0, 0, 0, 1, 1, NULL },
	/* errors */
	{ "v=DKIM1; k=rsa", -1, 0, 0, 0, 0, 0, 0, 0, "no key" },
	{ "", -1, 0, 0, 0, 0, 0, 0, 0, "no key" },
	{ "v=DKIM2; p=" K2048, -1, 0, 0, 0, 0, 0, 0, 0, "not DKIM1" },
	{ "k=rsa; v=DKIM1; p=" K2048, -1, 0, 0, 0, 0, 0, 0, 0, "not the first" },
	{ "v=DKIM1; p=" K2048 "; p=", -1, 0, 0, 0, 0, 0, 0, 0, "appears twice" },
	{ "v=DKIM1; k=rsa; k=rsa; p=" K2048, -1, 0, 0, 0, 0, 0, 0, 0, "appears twice" },
	{ "v=DKIM1; garbage; p=" K2048, -1, 0, 0, 0, 0, 0, 0, 0, "not a TAG=VALUE" },
	{ "v=DKIM1; 1x=y; p=" K2048, -1, 0, 0, 0, 0, 0, 0, 0, "begin with a letter" },
	{ "v=DKIM1; a-b=y; p=" K2048, -1, 0, 0, 0, 0, 0, 0, 0, "other than letters" },
	{ "v=DKIM1; p=!!!!", -1, 0, 0, 0, 0, 0, 0, 0, "not base64" },
	{ "v=DKIM1; p=AAAAAAAA", -1, 0, 0, 0, 0, 0, 0, 0, "not one DER SEQUENCE" },
	{ "v=DKIM1; k=ed25519; p=" K2048, -1, 0, 0, 0, 0, 0, 0, 0, "not 32" },
	{ "v=DKIM1; k=rsa; p=" KED, -1, 0, 0, 0, 0, 0, 0, 0, "not one DER SEQUENCE" },
	/* an Ed25519 SubjectPublicKeyInfo where an RSA key belongs */
	{ "v=DKIM1; p=MCowBQYDK2VwAyEA8Lgann0TcZTiieIx9glNtOTpaGwBeaxIAcFca6mDRBA=", -1,
	  0, 0, 0, 0, 0, 0, 0, "not an RSA key" },
};

/* DER cases for dkim_rsa_bits */
static void
der_cases(void)
{
	/* SEQUENCE { INTEGER 0x00 0x80.., INTEGER 3 }: a 16-bit modulus */
	static const unsigned char small[] = { 0x30, 0x08, 0x02, 0x03, 0x00, 0x80, 0x01,
		0x02, 0x01, 0x03 };
	static const unsigned char neg[] = { 0x30, 0x07, 0x02, 0x02, 0x80, 0x01, 0x02,
		0x01, 0x03 };
	static const unsigned char trail[] = { 0x30, 0x08, 0x02, 0x03, 0x00, 0x80, 0x01,
		0x02, 0x01, 0x03, 0x00 };
	static const unsigned char longlen[] = { 0x30, 0x85, 0, 0, 0, 0, 8 };
	static const unsigned char indef[] = { 0x30, 0x80, 0x02, 0x01, 0x01, 0x02, 0x01,
		0x03, 0, 0 };
	static const unsigned char over[] = { 0x30, 0x82, 0xff, 0xff, 0x02, 0x01, 0x01 };
	static const unsigned char zero[] = { 0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01,
		0x03 };
	static const unsigned char noexp[] = { 0x30, 0x03, 0x02, 0x01, 0x05 };
	char why[128];
	int bits = -1;

	is_int(dkim_rsa_bits(small, sizeof(small), &bits, why, sizeof(why)), 0,
	    "DER: a bare RSAPublicKey");
	is_int(bits, 16, "DER: leading zero octet of the modulus not counted");
	is_int(dkim_rsa_bits(neg, sizeof(neg), &bits, why, sizeof(why)), -1,
	    "DER: negative modulus refused");
	is_int(dkim_rsa_bits(trail, sizeof(trail), &bits, why, sizeof(why)), -1,
	    "DER: bytes after the SEQUENCE refused");
	is_int(dkim_rsa_bits(longlen, sizeof(longlen), &bits, why, sizeof(why)), -1,
	    "DER: five length octets refused");
	is_int(dkim_rsa_bits(indef, sizeof(indef), &bits, why, sizeof(why)), -1,
	    "DER: indefinite length refused");
	is_int(dkim_rsa_bits(over, sizeof(over), &bits, why, sizeof(why)), -1,
	    "DER: a length past the end refused");
	is_int(dkim_rsa_bits(zero, sizeof(zero), &bits, why, sizeof(why)), -1,
	    "DER: a zero modulus refused");
	is_int(dkim_rsa_bits(noexp, sizeof(noexp), &bits, why, sizeof(why)), -1,
	    "DER: no exponent refused");
	is_int(dkim_rsa_bits(small, 0, &bits, why, sizeof(why)), -1, "DER: empty input");
	is_int(dkim_rsa_bits(small, 1, &bits, why, sizeof(why)), -1, "DER: one byte");
}

static void
dnsbl_cases(void)
{
	static const struct {
		const char *addr, *zone;
		int rc;
		const char *name;
	} n[] = {
		{ "127.0.0.2", "bl.test", 0, "2.0.0.127.bl.test" },
		{ "192.0.2.99", "zen.spamhaus.org.", 0, "99.2.0.192.zen.spamhaus.org" },
		{ "2001:db8:1:2::3", "bl.test", 0,
		  "3.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.2.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.bl.test" },
		{ "::1", "x.y", 0,
		  "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.x.y" },
		{ "::ffff:127.0.0.2", "x.y", 0,
		  "2.0.0.0.0.0.f.7.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.x.y" },
		{ "mail.example", "bl.test", -1, "" },
		{ "127.0.0.256", "bl.test", -1, "" },
		{ "127.0.0.2", "", -1, "" },
		{ "127.0.0.2", ".", -1, "" },
	};
	static const struct {
		unsigned char a[4];
		int code;
	} c[] = {
		{ { 127, 0, 0, 2 }, DNSBL_LISTED },
		{ { 127, 0, 0, 10 }, DNSBL_LISTED },
		{ { 127, 255, 255, 253 }, DNSBL_LISTED },
		{ { 127, 255, 255, 252 }, DNSBL_REFUSED },
		{ { 127, 255, 255, 254 }, DNSBL_REFUSED },
		{ { 127, 255, 255, 255 }, DNSBL_REFUSED },
		{ { 127, 0, 0, 1 }, DNSBL_REFUSED },
		{ { 10, 0, 0, 2 }, DNSBL_UNEXPECTED },
		{ { 128, 0, 0, 2 }, DNSBL_UNEXPECTED },
	};
	char out[DNSBL_NAME_MAX], tiny[12];
	size_t i;

	for (i = 0; i < sizeof(n) / sizeof(n[0]); i++) {
		is_int(dnsbl_name(n[i].addr, n[i].zone, out, sizeof(out)), n[i].rc,
		    "dnsbl_name %s in '%s': rc", n[i].addr, n[i].zone);
		if (n[i].rc == 0)
			is_str(out, n[i].name, "dnsbl_name %s in %s", n[i].addr, n[i].zone);
	}
	is_int(dnsbl_name("127.0.0.2", "bl.test", tiny, sizeof(tiny)), -1,
	    "dnsbl_name: too small a buffer");
	is_int(dnsbl_name("::1", "bl.test", tiny, sizeof(tiny)), -1,
	    "dnsbl_name: too small a buffer (IPv6)");
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		is_int(dnsbl_classify(c[i].a), c[i].code, "dnsbl_classify %u.%u.%u.%u",
		    c[i].a[0], c[i].a[1], c[i].a[2], c[i].a[3]);
	ok(strstr(dnsbl_refusal(c[4].a), "public") != NULL, "127.255.255.254 means a public resolver");
	is_str(dnsbl_refusal(c[0].a), "", "127.0.0.2 is no refusal");
}

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dkim_key k;
		char why[256];
		int rc = dkim_parse(cases[i].rec, strlen(cases[i].rec), &k, why, sizeof(why));

		if (!is_int(rc, cases[i].rc, "case %zu: rc", i))
			diag("why: %s", why);
		if (rc != 0 || cases[i].rc != 0) {
			if (cases[i].why)
				ok(strstr(why, cases[i].why) != NULL, "case %zu: why '%s' has '%s'",
				    i, why, cases[i].why);
			continue;
		}
		is_int(k.type, cases[i].type, "case %zu: key type", i);
		is_int(k.bits, cases[i].bits, "case %zu: bits", i);
		is_int(k.revoked, cases[i].revoked, "case %zu: revoked", i);
		is_int(k.testing, cases[i].testing, "case %zu: t=y", i);
		is_int(k.strict, cases[i].strict, "case %zu: t=s", i);
		is_int(k.sha256, cases[i].sha256, "case %zu: sha256", i);
		is_int(k.email, cases[i].email, "case %zu: email", i);
	}
	/* a record with a NUL byte inside a value */
	{
		static const char nul[] = "v=DKIM1; n=a\0b; p=";
		struct dkim_key k;
		char why[128];

		is_int(dkim_parse(nul, sizeof(nul) - 1, &k, why, sizeof(why)), -1,
		    "a NUL byte in a value is refused");
	}
	/* 40 tags: over DKIM_TAGS_MAX */
	{
		char rec[512] = "";
		struct dkim_key k;
		char why[128];
		int t;

		for (t = 0; t < 40; t++)
			snprintf(rec + strlen(rec), sizeof(rec) - strlen(rec), "x%d=1;", t);
		is_int(dkim_parse(rec, strlen(rec), &k, why, sizeof(why)), -1,
		    "more than %d tags refused", DKIM_TAGS_MAX);
	}
	/* a key longer than DKIM_KEY_MAX */
	{
		size_t n = 8000;
		char *rec = malloc(n + 8);
		struct dkim_key k;
		char why[128];

		if (rec) {
			memcpy(rec, "p=", 2);
			memset(rec + 2, 'A', n);
			is_int(dkim_parse(rec, n + 2, &k, why, sizeof(why)), -1,
			    "a p= over %d bytes refused", DKIM_KEY_MAX);
			ok(strstr(why, "longer") != NULL, "... saying so: %s", why);
			free(rec);
		}
	}
	der_cases();
	dnsbl_cases();
	return done_testing();
}

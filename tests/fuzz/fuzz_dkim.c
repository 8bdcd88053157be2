/* fuzz_dkim - issue 22's pure readers of network input: lib/dkim (the key
 * record's tag list and the DER of its RSA key), lib/dnsbl (names and
 * answer codes) and dns_wire_sigs (the RRSIGs of an answer). The first
 * byte picks the reader, the rest is its input:
 *   0  dkim_parse on an exact-length copy (a TXT record's text)
 *   1  dkim_rsa_bits on an exact-length copy (a p= value, decoded)
 *   2  dns_wire_sigs (a DNS message in wire format)
 *   3  dnsbl_name on two NUL-terminated strings (address, zone) cut at the
 *      first NUL, dnsbl_classify and dnsbl_refusal on the first 4 bytes
 * Invariants: results in range, what is filled is consistent. */
#include <config.h>

#include "dkim.h"
#include "dnsbl.h"
#include "dns.h"
#include "fuzz_common.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char why[128];
	int rc;

	if (size < 1)
		return 0;
	switch (data[0] % 4) {
	case 0: {
		struct dkim_key k;
		char *t = fuzz_exact_copy(data + 1, size - 1);

		rc = dkim_parse(t, size - 1, &k, why, sizeof(why));
		fuzz_check(rc == 0 || rc == -1);
		fuzz_check(strlen(why) < sizeof(why));
		if (rc == 0) {
			fuzz_check(k.bits >= 0 && k.bits <= 8192 * 8);
			fuzz_check(!k.revoked || k.bits == 0);
			fuzz_check(k.type != DKIM_K_ED25519 || k.revoked || k.bits == 256);
			fuzz_check(strlen(k.ktext) < sizeof(k.ktext));
		}
		free(t);
		break;
	}
	case 1: {
		unsigned char *d = (unsigned char *)fuzz_exact_copy(data + 1, size - 1);
		int bits = -1;

		rc = dkim_rsa_bits(d, size - 1, &bits, why, sizeof(why));
		fuzz_check(rc == 0 || rc == -1);
		fuzz_check(rc < 0 ? bits == 0 : (bits >= 1 && (size_t)bits <= (size - 1) * 8));
		free(d);
		break;
	}
	case 2: {
		struct dns_sigs s;
		struct err e;

		err_clear(&e);
		rc = dns_wire_sigs(data + 1, size - 1, 1800000000LL, &s, &e);
		fuzz_check(rc == 0 || rc == -1);
		fuzz_check(s.rrs >= 0 && s.sigs >= 0);
		fuzz_check(s.sigs == 0 || (s.expire > 1800000000LL - 2147483649LL &&
		    s.expire < 1800000000LL + 2147483648LL));
		break;
	}
	default: {
		char *in = fuzz_str_copy(data + 1, size - 1);
		const char *zone = in + strlen(in) + 1;
		char out[DNSBL_NAME_MAX];
		unsigned char a[4] = { 0, 0, 0, 0 };
		enum dnsbl_code c;

		if ((size_t)(zone - in) > size - 1)
			zone = "";
		rc = dnsbl_name(in, zone, out, sizeof(out));
		fuzz_check(rc == 0 || rc == -1);
		fuzz_check(strlen(out) < sizeof(out));
		memcpy(a, data + 1, size - 1 < 4 ? size - 1 : 4);
		c = dnsbl_classify(a);
		fuzz_check(c == DNSBL_LISTED || c == DNSBL_REFUSED || c == DNSBL_UNEXPECTED);
		fuzz_check((c == DNSBL_REFUSED) == (dnsbl_refusal(a)[0] != '\0'));
		free(in);
		break;
	}
	}
	return 0;
}

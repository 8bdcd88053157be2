/* fuzz_dns - DNS answers (lib/dns): the input is a wire-format DNS message
 * for dns_wire_mx, dns_wire_addrs and dns_wire_tlsa, the pure halves of
 * dns_mx, dns_addrs and dns_tlsa (no resolver, no network), and for
 * dns_wire_answers. The TLSA output array is an exact-size heap block,
 * tried with room for DNS_TLSA_MAX records and for one. */
#include <config.h>

#include "dns.h"
#include "fuzz_common.h"

static struct dns_mxset mxs;
static struct net_addrs addrs;

static void
check_mx(const struct dns_mxset *s)
{
	int i;

	fuzz_check(s->n >= 0 && s->n <= DNS_MX_MAX);
	fuzz_check(s->dropped >= 0);
	if (s->null_mx)
		fuzz_check(s->n == 1 && s->mx[0].pref == 0);
	for (i = 0; i < s->n; i++) {
		fuzz_check(strlen(s->mx[i].name) < sizeof(s->mx[i].name));
		fuzz_check(s->mx[i].pref <= 0xffff);
		if (i > 0)
			fuzz_check(s->mx[i - 1].pref <= s->mx[i].pref);
	}
}

static void
try_tlsa(const uint8_t *wire, size_t size, int max)
{
	struct dns_tlsa *out = malloc(sizeof(*out) * (size_t)max);
	struct err e;
	int n = -1, secure = -1, i;

	if (out == NULL)
		abort();
	err_clear(&e);
	if (dns_wire_tlsa(wire, size, out, max, &n, &secure, &e) < 0) {
		fuzz_check(e.kind == ERR_DNS);
	} else {
		fuzz_check(n >= 0 && n <= max);
		for (i = 0; i < n; i++)
			fuzz_check(out[i].len <= DNS_TLSA_DATA_MAX);
	}
	fuzz_check(secure == 0 || secure == 1);
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *wire = (unsigned char *)fuzz_exact_copy(data, size);
	struct err e;
	int cname = -1, self;

	err_clear(&e);
	if (dns_wire_mx(wire, size, &mxs, &e) == 0) {
		check_mx(&mxs);
		dns_mx_sort(&mxs);
		check_mx(&mxs);
	} else {
		fuzz_check(e.kind == ERR_DNS);
	}
	err_clear(&e);
	if (dns_wire_addrs(wire, size, 25, &addrs, &cname, &e) == 0) {
		fuzz_check(addrs.n >= 0 && addrs.n <= NET_ADDRS_MAX);
		fuzz_check(cname == 0 || cname == 1);
	} else {
		fuzz_check(e.kind == ERR_DNS);
	}
	self = dns_wire_answers(wire, size, wire, size);
	fuzz_check(self == 0 || self == 1);
	try_tlsa(wire, size, DNS_TLSA_MAX);
	try_tlsa(wire, size, 1);
	free(wire);
	return 0;
}

/* ext_dns.c - the table the DNS module exports (see ext.h). Built only
 * into mailprobe_dns.so, with MP_EXT_IMPL and hidden visibility. */
#include <config.h>

#include "ext.h"

__attribute__((visibility("default")))
const struct mp_ext_dns mailprobe_dns_v3 = {
	MP_EXT_VERSION,
	mp_ext_abi(),
	dns_new, dns_free, dns_mx, dns_addrs, dns_ptr, dns_tlsa, dns_srv,
	dns_wire_mx, dns_wire_tlsa, dns_mx_sort, dns_txt
};

/* ext_module.c - the table the TLS/DNS module exports (see ext.h). Built
 * only into mailprobe_ext.so, with MP_EXT_IMPL and hidden visibility. */
#include <config.h>

#include "ext.h"

__attribute__((visibility("default")))
const struct mp_ext mailprobe_ext_v1 = {
	MP_EXT_VERSION,
	mp_ext_abi(),
	tls_new, tls_start, tls_get_info, tls_free, tls_problem_words,
	dns_new, dns_free, dns_mx, dns_addrs, dns_ptr, dns_tlsa, dns_srv,
	dns_wire_mx, dns_wire_tlsa, dns_mx_sort
};

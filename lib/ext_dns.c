/* ext_dns.c - the table the DNS module exports (see ext.h), one entry per
 * line of ext_dns.def. Built only into mailprobe_dns.so, with hidden
 * visibility. */
#include <config.h>

#include "ext.h"

#define EXT_FN(type, name, params, args, err, fail) name,
#define EXT_FREE(name, type) name,

__attribute__((visibility("default")))
const struct mp_ext_dns MP_EXT_SYMBOL(dns) = {
	MP_EXT_VERSION,
	mp_ext_abi(),
#include "ext_dns.def"
};

#undef EXT_FN
#undef EXT_FREE

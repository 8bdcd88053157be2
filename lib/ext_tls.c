/* ext_tls.c - the table the TLS module exports (see ext.h), one entry per
 * line of ext_tls.def. Built only into mailprobe_tls.so, with hidden
 * visibility. */
#include <config.h>

#include "ext.h"

#define EXT_FN(type, name, params, args, err, fail) name,
#define EXT_FREE(name, type) name,

__attribute__((visibility("default")))
const struct mp_ext_tls MP_EXT_SYMBOL(tls) = {
	MP_EXT_VERSION,
	mp_ext_abi(),
#include "ext_tls.def"
};

#undef EXT_FN
#undef EXT_FREE

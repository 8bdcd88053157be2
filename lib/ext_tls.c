/* ext_tls.c - the table the TLS module exports (see ext.h). Built only
 * into mailprobe_tls.so, with MP_EXT_IMPL and hidden visibility. */
#include <config.h>

#include "ext.h"

__attribute__((visibility("default")))
const struct mp_ext_tls mailprobe_tls_v3 = {
	MP_EXT_VERSION,
	mp_ext_abi(),
	tls_new, tls_start, tls_get_info, tls_free, tls_problem_words
};

/* utf7.h - IMAP's modified UTF-7 for mailbox names (RFC 3501 §5.1.3,
 * RFC 9051 §5.1.3), pure functions.
 *
 * Printable US-ASCII (0x20-0x7e) stands for itself, except "&", written
 * "&-"; any other run of characters is "&" + the modified base64 (","
 * for "/", no padding) of their UTF-16BE encoding + "-". */
#ifndef MP_UTF7_H
#define MP_UTF7_H

#include <stddef.h>

#include "err.h"

/* Decode modified UTF-7 IN (LEN bytes) into UTF-8 OUT (CAP bytes,
 * NUL-terminated). -1 with *E filled (ERR_PROTO) when IN is not valid
 * modified UTF-7 (a byte outside printable ASCII, a bad base64 run, an
 * unpaired surrogate, a run encoding ASCII: printable ASCII stands for
 * itself and a control character is refused, ...) or OUT is too
 * small; OUT is then "". */
int utf7_decode(const char *in, size_t len, char *out, size_t cap, struct err *e);

/* Encode the UTF-8 string IN as modified UTF-7 into OUT (CAP bytes,
 * NUL-terminated). -1 with *E filled (ERR_USAGE) when IN is not valid
 * UTF-8 (or holds a NUL or a control character) or OUT is too small. */
int utf7_encode(const char *in, char *out, size_t cap, struct err *e);

#endif

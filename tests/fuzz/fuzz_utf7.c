/* fuzz_utf7 - IMAP modified UTF-7 mailbox names (lib/utf7). The input is
 * decoded; what decodes is encoded again and that must decode to the same
 * name. The raw input is also encoded (as UTF-8) and decoded back (when
 * it fits the buffer; else decoding says it is too long). */
#include <config.h>

#include "fuzz_common.h"
#include "utf7.h"

#define NAME_CAP 4096

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = fuzz_exact_copy(data, size);
	char *s = fuzz_str_copy(data, size);
	static char dec[NAME_CAP], enc[4 * NAME_CAP], back[NAME_CAP];
	struct err e;

	err_clear(&e);
	if (utf7_decode(in, size, dec, sizeof(dec), &e) == 0) {
		fuzz_check(strlen(dec) < sizeof(dec));
		fuzz_check(utf7_encode(dec, enc, sizeof(enc), &e) == 0);
		fuzz_check(utf7_decode(enc, strlen(enc), back, sizeof(back), &e) == 0);
		fuzz_check(strcmp(back, dec) == 0);
	} else {
		fuzz_check(e.kind == ERR_PROTO && dec[0] == '\0');
	}
	err_clear(&e);
	if (utf7_encode(s, enc, sizeof(enc), &e) == 0) {
		/* what does not fit BACK is refused as too long, not mangled */
		if (strlen(s) < sizeof(back)) {
			fuzz_check(utf7_decode(enc, strlen(enc), back, sizeof(back), &e) == 0);
			fuzz_check(strcmp(back, s) == 0);
		} else {
			fuzz_check(utf7_decode(enc, strlen(enc), back, sizeof(back), &e) == -1 &&
			    e.kind == ERR_PROTO && back[0] == '\0');
		}
	} else {
		fuzz_check(e.kind == ERR_USAGE && enc[0] == '\0');
	}
	free(in);
	free(s);
	return 0;
}

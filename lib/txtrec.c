/* txtrec.c - the one record of a kind in a set of TXT records. */
#include <config.h>

#include "txtrec.h"

int
txtrec_select(const char *const *rec, const size_t *len, int n,
    int (*is_record)(const char *text, size_t len), int *which)
{
	int i, found = 0;

	*which = -1;
	for (i = 0; i < n; i++) {
		if (!is_record(rec[i], len[i]))
			continue;
		if (found++ == 0)
			*which = i;
	}
	if (found > 1) {
		*which = found;
		return -1;
	}
	return found;
}

/* txtrec.h - the one record of a kind in a set of TXT records (SPF,
 * DMARC: RFC 7208 §4.5 and RFC 7489 §6.6.3 both say a set holding several
 * is an error). Pure. */
#ifndef MP_TXTREC_H
#define MP_TXTREC_H

#include <stddef.h>

/* The one record of N (REC[i] of LEN[i] bytes) for which IS_RECORD is
 * true: 1 with *WHICH its index, 0 when there is none, -1 when there are
 * several (*WHICH: how many). */
int txtrec_select(const char *const *rec, const size_t *len, int n,
    int (*is_record)(const char *text, size_t len), int *which);

#endif

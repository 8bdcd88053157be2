/* domain_auth.h - what domain_auth.c (DMARC, the findings) and
 * domain_spf.c (SPF's check_host()) share; not used elsewhere. */
#ifndef MP_DOMAIN_AUTH_H
#define MP_DOMAIN_AUTH_H

#include <stddef.h>

#include "dns.h"
#include "facts.h"
#include "smtp_tx.h"

/* Record a finding of check CHECK ("spf", "dmarc"; static): a fact of FA,
 * and a problem of S's run unless ST is OK. */
void dauth_find(struct smtp_check *s, struct fact_domain_auth *fa,
    const char *check, enum state st, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* The TXT records at NAME into TXT (DNS_TXT_MAX), and as the parsers take
 * them into REC, LEN and *N. 0, 1 when a record was too long to be read
 * whole, -1 when the lookup failed (*e). */
int dauth_txt(struct smtp_check *s, const char *name, struct dns_txt *txt,
    const char **rec, size_t *len, int *n, struct err *e);

/* --spf: the record, its lookups, the result for unlisted addresses and
 * for each --spf-ip, into FA and S's result (domain_spf.c). */
void dauth_spf(struct smtp_check *s, struct fact_domain_auth *fa);

#endif

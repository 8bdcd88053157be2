/* dmarc.h - DMARC (RFC 7489): the pure parts. libc only, no I/O: the TXT
 * records come from lib/dns; which names are asked (_dmarc.DOMAIN, the
 * organizational domain, DOMAIN._report._dmarc.OTHER) is the plugin's
 * (plugins/smtp_tx/domain_auth.c). Fed by the network: explicit lengths,
 * no byte read past them, nothing allocated.
 *
 * The organizational domain (RFC 7489 §3.2) needs the Public Suffix List,
 * which this code does not carry: dmarc_org_domain takes the last two
 * labels of the name, which is right for example.org and mail.example.org
 * and wrong under multi-label suffixes such as co.uk. */
#ifndef MP_DMARC_H
#define MP_DMARC_H

#include <stddef.h>

#define DMARC_URIS_MAX 8
#define DMARC_URI_MAX 256
#define DMARC_DOMAIN_MAX 254

enum dmarc_policy {
	DMARC_P_UNSET = 0,         /* the tag is absent */
	DMARC_P_NONE,
	DMARC_P_QUARANTINE,
	DMARC_P_REJECT
};

/* A parsed record (RFC 7489 §6.3). */
struct dmarc_record {
	enum dmarc_policy p, sp;   /* sp: DMARC_P_UNSET when absent (p applies) */
	int pct;                   /* 0..100, default 100 */
	char adkim, aspf;          /* 'r' or 's' (default 'r') */
	long ri;                   /* seconds, default 86400 */
	char fo[16];               /* as given, default "0" */
	int nrua, nruf;
	char rua[DMARC_URIS_MAX][DMARC_URI_MAX];   /* URIs as given (size suffix kept) */
	char ruf[DMARC_URIS_MAX][DMARC_URI_MAX];
};

/* "unset", "none", "quarantine", "reject". */
const char *dmarc_policy_name(enum dmarc_policy p);

/* 1 when TEXT (LEN bytes) is a DMARC record: it begins with the tag
 * v=DMARC1 (blanks around '=' allowed, RFC 7489 §6.4), then ';' or its end. */
int dmarc_is_record(const char *text, size_t len);

/* The one DMARC record of a TXT set, as spf_select: 1 (*WHICH its index),
 * 0 (none), -1 (several; *WHICH how many). */
int dmarc_select(const char *const *rec, const size_t *len, int n, int *which);

/* Parse the record TEXT of LEN bytes into OUT (defaults filled). 0, or -1
 * with WHY: not v=DMARC1 first, a tag without '=', a tag given twice, a
 * bad value of p, sp, pct, adkim, aspf or ri, too many or too long URIs.
 * Unknown tags are ignored (§6.3). A missing p= is no parse error:
 * out->p stays DMARC_P_UNSET for the caller to judge. */
int dmarc_parse(const char *text, size_t len, struct dmarc_record *out,
    char *why, size_t cap);

/* The domain of a mailto: URI (without any "!size" suffix or ?query), lower
 * case, into OUT (CAP bytes). 1 when URI is a mailto: with a domain, 0
 * when it is another scheme, -1 when it is a malformed mailto:. */
int dmarc_mailto_domain(const char *uri, char *out, size_t cap);

/* The organizational domain of DOMAIN (see the top of this file) into OUT:
 * its last two labels, lower case, without a trailing dot. */
void dmarc_org_domain(const char *domain, char *out, size_t cap);

#endif

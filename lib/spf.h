/* spf.h - SPF (RFC 7208): the pure parts. libc only, no I/O: the TXT
 * records come from lib/dns, and the evaluation that asks DNS (which
 * names, in what order, the lookup limits of §4.6.4) is the plugin's
 * (plugins/smtp_tx/domain_auth.c). Everything here is fed by the network,
 * so every function takes explicit lengths and reads no byte past them.
 *
 * Each parser says what is wrong in plain words (WHY, caller's buffer):
 * "term 3 'ip4:10.0.0.300': not an IPv4 address". Nothing allocates. */
#ifndef MP_SPF_H
#define MP_SPF_H

#include <stddef.h>

#define SPF_TERMS_MAX 64          /* directives kept; more is an error */
#define SPF_SPEC_MAX 256          /* a domain-spec as written */
#define SPF_DOMAIN_MAX 254        /* an expanded domain name */
#define SPF_LOOKUP_LIMIT 10       /* RFC 7208 §4.6.4 */
#define SPF_VOID_LIMIT 2          /* RFC 7208 §4.6.4: void lookups */
#define SPF_MX_LIMIT 10           /* RFC 7208 §4.6.4: MX names per mx */

/* The results of check_host() (RFC 7208 §2.6). */
enum spf_result {
	SPF_NONE = 0,
	SPF_NEUTRAL,
	SPF_PASS,
	SPF_FAIL,
	SPF_SOFTFAIL,
	SPF_TEMPERROR,
	SPF_PERMERROR
};

enum spf_mech {
	SPF_ALL = 0,
	SPF_INCLUDE,
	SPF_A,
	SPF_MX,
	SPF_PTR,
	SPF_IP4,
	SPF_IP6,
	SPF_EXISTS
};

/* One directive: [qualifier] mechanism. */
struct spf_term {
	enum spf_mech mech;
	char qual;                 /* '+', '-', '~' or '?' (default '+') */
	int has_macro;             /* spec holds a macro-expand */
	int cidr4, cidr6;          /* prefix lengths (32 and 128 unless given) */
	unsigned char addr[16];    /* ip4 (4 bytes) / ip6 (16 bytes) */
	char spec[SPF_SPEC_MAX];   /* domain-spec as written, "" when none */
	char text[SPF_SPEC_MAX + 48];   /* the term as written (for messages) */
};

/* A parsed record (RFC 7208 §4.6, §12). */
struct spf_record {
	int nterms;
	int has_all;               /* an all mechanism: redirect is ignored (§6.1) */
	int lookups;               /* terms of this record that cost a DNS
	                            * lookup (include a mx ptr exists, and the
	                            * redirect when it applies), nested ones not
	                            * counted */
	char redirect[SPF_SPEC_MAX];   /* redirect=, "" when none */
	char exp[SPF_SPEC_MAX];    /* exp=, "" when none */
	struct spf_term terms[SPF_TERMS_MAX];
};

/* What the macros of §7 expand to. NULL members expand to "" (and make
 * spf_macro_expand fail when used, as an unknown value must not be
 * guessed). IP is the text of the address: dotted quad or IPv6. */
struct spf_macro_ctx {
	const char *sender;        /* s: local-part@domain */
	const char *domain;        /* d: the current domain */
	const char *ip;            /* i, c (and v from its family) */
	const char *helo;          /* h */
};

/* "none", "neutral", "pass", "fail", "softfail", "temperror", "permerror". */
const char *spf_result_name(enum spf_result r);

/* The result a qualifier gives when its mechanism matches. */
enum spf_result spf_qual_result(char qual);

/* "all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists". */
const char *spf_mech_name(enum spf_mech m);

/* 1 when the record TEXT of LEN bytes is an SPF record: "v=spf1" (any
 * case) followed by a space or its end (RFC 7208 §4.5). */
int spf_is_record(const char *text, size_t len);

/* The one SPF record of a TXT set of N records (REC[i] of LEN[i] bytes):
 * 1 with *WHICH its index, 0 when there is none, -1 when there are
 * several (*WHICH: how many). */
int spf_select(const char *const *rec, const size_t *len, int n, int *which);

/* Parse the record TEXT of LEN bytes into OUT. 0, or -1 with WHY naming the
 * term and the fault (a syntax error is permerror, RFC 7208 §4.6). Unknown
 * modifiers are ignored; a repeated redirect or exp is an error. */
int spf_parse(const char *text, size_t len, struct spf_record *out, char *why,
    size_t cap);

/* Check the macro syntax of SPEC (a macro-string, §7.1): 1 when it holds a
 * macro-expand, 0 when none, -1 when malformed (WHY). */
int spf_macro_check(const char *spec, char *why, size_t cap);

/* Which macro letters SPEC uses, as a bit mask: bit (c - 'a') for each
 * letter c, in lower case. 0 when none. */
unsigned spf_macro_letters(const char *spec);

/* Expand the domain-spec SPEC with CTX into OUT (CAP bytes; at least
 * SPF_DOMAIN_MAX + 1 for a domain name). Over 253 octets, labels are
 * dropped from the left (§7.3). 0, or -1 with WHY (a malformed macro, a
 * value CTX does not have, no room). */
int spf_macro_expand(const char *spec, const struct spf_macro_ctx *ctx,
    char *out, size_t cap, char *why, size_t wcap);

/* 1 when the address ADDR (4 or 16 bytes as FAMILY_V6 says) lies in
 * NET/PREFIX of the same length; 0 otherwise. */
int spf_addr_in(const unsigned char *net, const unsigned char *addr, int v6,
    int prefix);

#endif

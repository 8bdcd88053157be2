/* ext.h - the TLS and DNS code lives in a module loaded on demand.
 *
 * Why: OpenSSL and ldns are large shared libraries; merely linking them
 * makes every run pay the dynamic loader's work for them (measured: a
 * banner+EHLO+QUIT check costs about 0.3 M instructions linked to libc
 * alone, over 4 M linked to libssl, libcrypto and libldns without calling
 * them). A check that needs no TLS and no DNS lookup through ldns should
 * not pay that. So lib/tls.c and lib/dns.c are built into two private
 * modules, mailprobe_tls.so and mailprobe_dns.so, installed in $(pkglibdir)
 * and dlopen()ed the first time a plugin needs TLS or ldns (a STARTTLS
 * check does not load ldns; an MX lookup does not load libssl). The module still links the system's OpenSSL
 * and ldns dynamically, so distribution security updates apply as usual,
 * and the plugins themselves link only libc.
 *
 * The plugins call tls_*() and dns_*() as declared in tls.h and dns.h;
 * lib/ext.c implements those names by forwarding to the module's table.
 * Inside the module the implementations are renamed (MP_EXT_IMPL) so that
 * the two never clash; tests and fuzzers may instead link lib/tls.c and
 * lib/dns.c directly (without MP_EXT_IMPL and without lib/ext.c). */
#ifndef MP_EXT_H
#define MP_EXT_H

#ifdef MP_EXT_IMPL
#define tls_new tlsimpl_new
#define tls_start tlsimpl_start
#define tls_get_info tlsimpl_get_info
#define tls_free tlsimpl_free
#define tls_problem_words tlsimpl_problem_words
#define tls_cert_file tlsimpl_cert_file
#define dns_new dnsimpl_new
#define dns_free dnsimpl_free
#define dns_mx dnsimpl_mx
#define dns_addrs dnsimpl_addrs
#define dns_ptr dnsimpl_ptr
#define dns_tlsa dnsimpl_tlsa
#define dns_srv dnsimpl_srv
#define dns_wire_mx dnsimpl_wire_mx
#define dns_wire_tlsa dnsimpl_wire_tlsa
#define dns_mx_sort dnsimpl_mx_sort
#define dns_txt dnsimpl_txt
#endif

#include "conn.h"
#include "dns.h"
#include "tls.h"

/* Bumped when a table or a struct it passes changes. */
#define MP_EXT_VERSION 3

struct mp_ext_tls {
	int version;
	unsigned long abi;   /* mp_ext_abi() of the module's build */
	struct tls *(*tls_new)(const struct tls_opts *, struct err *);
	int (*tls_start)(struct tls *, struct conn *, struct err *);
	const struct tls_info *(*tls_get_info)(const struct tls *);
	void (*tls_free)(struct tls *);
	void (*tls_problem_words)(unsigned, double, const char *, const char *,
	    const char *, const char *, const char *, char *, size_t);
	int (*tls_cert_file)(const char *, struct tls_info *, struct err *);
};

struct mp_ext_dns {
	int version;
	unsigned long abi;
	struct dns *(*dns_new)(const char *, struct err *);
	void (*dns_free)(struct dns *);
	int (*dns_mx)(struct dns *, const char *, const struct deadline *,
	    struct dns_mxset *, struct err *);
	int (*dns_addrs)(struct dns *, const char *, int, int,
	    const struct deadline *, struct net_addrs *, int *, struct err *);
	int (*dns_ptr)(struct dns *, const struct net_addr *,
	    const struct deadline *, char (*)[DNS_NAME_MAX], int, int *, struct err *);
	int (*dns_tlsa)(struct dns *, const char *, int, const struct deadline *,
	    struct dns_tlsa *, int, int *, int *, struct err *);
	int (*dns_srv)(struct dns *, const char *, const struct deadline *,
	    struct dns_srv *, int, int *, struct err *);
	int (*dns_wire_mx)(const unsigned char *, size_t, struct dns_mxset *,
	    struct err *);
	int (*dns_wire_tlsa)(const unsigned char *, size_t, struct dns_tlsa *,
	    int, int *, int *, struct err *);
	void (*dns_mx_sort)(struct dns_mxset *);
	int (*dns_txt)(struct dns *, const char *, const struct deadline *,
	    struct dns_txt *, int, int *, struct err *);
};

/* A fingerprint of the structs both sides must agree on. */
#define mp_ext_abi() ((unsigned long)(sizeof(struct mp_ext_tls) * 31u + \
	sizeof(struct mp_ext_dns) * 41u + \
	sizeof(struct conn) * 7u + sizeof(struct err) * 11u + \
	sizeof(struct tls_info) * 13u + sizeof(struct tls_opts) * 17u + \
	sizeof(struct net_addrs) * 19u + sizeof(struct dns_mxset) * 23u + \
	sizeof(struct dns_tlsa) * 29u + sizeof(struct deadline) * 37u + \
	sizeof(struct dns_txt) * 43u))

/* Each module's one exported symbol. */
extern const struct mp_ext_tls mailprobe_tls_v3;
extern const struct mp_ext_dns mailprobe_dns_v3;

#endif

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
 * Which functions the modules export is written once, in lib/ext_tls.def
 * and lib/ext_dns.def; the table structs below, the tables of
 * lib/ext_tls.c and lib/ext_dns.c and the forwarders of lib/ext.c are
 * expanded from those lists. A function of tls.h or dns.h that is not
 * listed has no forwarder: a plugin calling it does not link.
 *
 * Inside a module the implementations keep their names: the module is
 * built with hidden visibility and -Bsymbolic and exports only its table
 * (mailprobe_tls_vN, mailprobe_dns_vN), so they never meet the forwarders
 * of the same names in the plugin, nor the plugin's own copies of
 * err.c, sbuf.c, ... (EXT_CORE in Makefile.am). Tests and fuzzers may
 * instead link lib/tls.c and lib/dns.c directly (without lib/ext.c). */
#ifndef MP_EXT_H
#define MP_EXT_H

#include "conn.h"
#include "dns.h"
#include "tls.h"

/* Bumped when a table or a struct it passes changes. */
#define MP_EXT_VERSION 5

/* The name of module MOD's one exported symbol, mailprobe_MOD_vN for
 * N = MP_EXT_VERSION (a module of another version is not even found), and
 * that name as a string for dlsym. */
#define MP_EXT_PASTE_(a, b) a##b
#define MP_EXT_PASTE(a, b) MP_EXT_PASTE_(a, b)
#define MP_EXT_QUOTE_(a) #a
#define MP_EXT_QUOTE(a) MP_EXT_QUOTE_(a)
#define MP_EXT_SYMBOL(mod) MP_EXT_PASTE(mailprobe_##mod##_v, MP_EXT_VERSION)
#define MP_EXT_SYMBOL_NAME(mod) MP_EXT_QUOTE(MP_EXT_SYMBOL(mod))

/* The members of a table: one function pointer per line of its list
 * (NAME is the member's name: "(*(name))" would not declare it). */
/* NOLINTNEXTLINE(bugprone-macro-parentheses) */
#define EXT_FN(type, name, params, args, err, fail) type (*name) params;
/* NOLINTNEXTLINE(bugprone-macro-parentheses) */
#define EXT_FREE(name, type) void (*name)(type);

struct mp_ext_tls {
	int version;
	unsigned long abi;   /* mp_ext_abi() of the module's build */
#include "ext_tls.def"
};

struct mp_ext_dns {
	int version;
	unsigned long abi;
#include "ext_dns.def"
};

#undef EXT_FN
#undef EXT_FREE

/* A fingerprint of the structs both sides must agree on. */
#define mp_ext_abi() ((unsigned long)(sizeof(struct mp_ext_tls) * 31u + \
	sizeof(struct mp_ext_dns) * 41u + \
	sizeof(struct conn) * 7u + sizeof(struct err) * 11u + \
	sizeof(struct tls_info) * 13u + sizeof(struct tls_opts) * 17u + \
	sizeof(struct net_addrs) * 19u + sizeof(struct dns_mxset) * 23u + \
	sizeof(struct dns_tlsa) * 29u + sizeof(struct deadline) * 37u + \
	sizeof(struct dns_txt) * 43u))

/* Each module's one exported symbol. */
extern const struct mp_ext_tls MP_EXT_SYMBOL(tls);
extern const struct mp_ext_dns MP_EXT_SYMBOL(dns);

#endif

/* plugin_int.h - what the files of plugins/common share among themselves
 * and with no one else (plugin.h is the plugins' interface). */
#ifndef MP_PLUGIN_INT_H
#define MP_PLUGIN_INT_H

#include "plugin.h"

/* plugin.c: (re)arm the alarm() backstop for the rest of the run:
 * c->timeout from c->run_start_us on, plus one second. */
void plugin_arm(const struct plugin_config *c);

/* plugin_dns.c: --dane: fetch the TLSA records of _PORT._tcp.HOST into
 * p->tlsa (phase dns). */
int plugin_tlsa(struct plugin *p, struct err *e);

/* plugin_output.c: print the result to stdout in the --output format;
 * TOTAL is the run's time in seconds. */
void plugin_print(struct plugin *p, double total);

/* plugin_help.c: the option tables of C (at most PLUGIN_TABLES_MAX
 * entries, the last NULL) in the order that gives each short letter its
 * owner (lib/opts.h); --help and the man page printed from them. */
#define PLUGIN_TABLES_MAX 6
void plugin_tables(const struct plugin_config *c, const struct opt_spec **t);
void plugin_help(const struct plugin_config *c);
void plugin_man(const struct plugin_config *c);

/* plugin_tls.c: the TLS options of P's session for NAME (SNI and the name
 * verified; NULL: none): verification, trust anchors, and P's TLSA records
 * as tuples in TT (DNS_TLSA_MAX of them). */
void plugin_tls_opts(const struct plugin *p, const char *name, struct tls_opts *o,
    struct tls_tlsa *tt);

/* plugin_connect.c: -r: send the PROXY header for PEER on C. */
int plugin_proxy_header(const struct plugin *p, struct conn *c,
    const struct net_peer *peer, struct err *e);

/* plugin_probe.c: the options of the extra handshakes (OPT_ALL_CERTS ...)
 * into C. */
int plugin_probe_option(struct plugin_config *c, int id, const char *arg,
    struct err *e);

/* plugin_probe.c: the quality of certificate IN (lib/certq.h): with
 * --cert-policy=strict each finding is a problem of WHO ("host[addr]:port",
 * "... RSA certificate"), else it is noted in the long output. */
void plugin_cert_quality(struct plugin *p, const struct tls_info *in,
    const char *who);

/* plugin_probe.c: those options taken together (plugin_validate, first):
 * --all-certs implies -S without -s. */
int plugin_probe_validate(struct plugin_config *c, struct err *e);

#endif

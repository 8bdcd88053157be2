/* domain_dns.h - check_smtp_tx --dkim, --dnssec-expiry, --dnsbl and
 * --dnsbl-ip (issue 22): a domain's DKIM keys, the lifetimes of the RRSIGs
 * of its mail records, and the blocklist listings of its mail hosts. Once
 * per run, before the sessions, in phase domain, through lib/dns (ldns)
 * with --dns-server and at most half the time left of the run's deadline
 * (a resolver that does not answer leaves the sessions the other half).
 * Not installed, not for lib/.
 *
 * The pure parts are lib/dkim.c and lib/dnsbl.c; the signatures come from
 * dns_sigs (lib/dns.c). What was found is the run's fact
 * (struct fact_domain_dns, lib/facts.h): the long output and JSON render
 * it; each finding that is wrong is a problem of its own state. */
#ifndef MP_SMTP_DOMAIN_DNS_H
#define MP_SMTP_DOMAIN_DNS_H

#include "err.h"
#include "plugin.h"
#include "range.h"

/* The option ids, apart from options.c's enum and fetch.h's. */
enum {
	DDNS_OPT_DKIM = OPT_PLUGIN_BASE + 64,
	DDNS_OPT_DNSSEC_EXPIRY,
	DDNS_OPT_DNSBL,
	DDNS_OPT_DNSBL_IP
};

#define DDNS_SELECTORS_MAX 8
#define DDNS_ZONES_MAX 8
#define DDNS_IPS_MAX 16
#define DDNS_MX_HOSTS_MAX 16     /* MX hosts whose TLSA and addresses are read */

/* The configuration: filled by the options, then only read. */
struct smtp_ddns {
	int nsel;
	char sel[DDNS_SELECTORS_MAX][64];     /* --dkim */
	int expiry;                           /* --dnssec-expiry given */
	struct range warn, crit;              /* its days, as ranges "N:" */
	int nzones;
	char zone[DDNS_ZONES_MAX][256];       /* --dnsbl */
	int nips;
	char ip[DDNS_IPS_MAX][48];            /* --dnsbl-ip */
};

/* The rows of options.c's table. */
#define DDNS_OPTS \
	{ DDNS_OPT_DKIM, "dkim", required_argument, "SELECTOR[,...]", \
	  "With --mx: the DKIM key of each SELECTOR (RFC 6376), the TXT record " \
	  "SELECTOR._domainkey.DOMAIN (repeatable, at most 8 selectors): missing, " \
	  "malformed or revoked (empty p=) is CRITICAL; an RSA key of less than " \
	  "2048 bits WARNING, of less than 1024 bits CRITICAL; Ed25519 (RFC 8463) " \
	  "is accepted; a key not for email (s=) or for sha1 only (h=) is " \
	  "WARNING; t=y (testing) is noted. Perfdata dkim_bits (the RSA modulus, " \
	  "256 for Ed25519), with several selectors dkim_bits_SELECTOR each. " \
	  "Phase domain." }, \
	{ DDNS_OPT_DNSSEC_EXPIRY, "dnssec-expiry", required_argument, "WARN[,CRIT]", \
	  "With --mx: days before the earliest RRSIG expiration of the domain's " \
	  "mail records to warn / go critical: the MX, SPF (the domain's TXT), " \
	  "_dmarc, _mta-sts and --dkim TXT answers and the TLSA records of each " \
	  "MX host (_25._tcp.HOST, at most 16 hosts), asked with the DO bit. " \
	  "Perfdata rrsig_days. Records that exist but come without RRSIG " \
	  "(an unsigned zone) are UNKNOWN; a bogus answer (the resolver says " \
	  "SERVFAIL, yet answers with checking disabled) is CRITICAL, told " \
	  "apart from a resolver that cannot be reached." }, \
	{ DDNS_OPT_DNSBL, "dnsbl", required_argument, "ZONE[,ZONE...]", \
	  "Look each address of each MX host (with --mx; at most 16 hosts), or " \
	  "of the -H host, and each --dnsbl-ip up in the DNS blocklists ZONE " \
	  "(RFC 5782: IPv4 octets reversed, IPv6 nibbles; at most 8 zones). A " \
	  "listing (an A record in 127.0.0.0/8) is CRITICAL, with the zone, the " \
	  "code and the TXT reason; the operators' refusal codes (127.0.0.1, " \
	  "127.255.255.252, .254, .255: \"you may not query us\", e.g. through " \
	  "a public resolver) and answers outside 127.0.0.0/8 are UNKNOWN, " \
	  "never a listing. Perfdata dnsbl_listed. Phase domain." }, \
	{ DDNS_OPT_DNSBL_IP, "dnsbl-ip", required_argument, "ADDR", \
	  "With --dnsbl: one more address to look up, e.g. an outbound relay " \
	  "(repeatable, at most 16)." }

/* One option of the table above into C. */
int smtp_ddns_option(struct smtp_ddns *c, int id, const char *arg,
    struct err *e);

/* The options taken together: MX_DOMAIN is --mx (or NULL), COUNT --count. */
int smtp_ddns_validate(const struct smtp_ddns *c, const char *mx_domain,
    long count, struct err *e);

/* Anything to do? */
int smtp_ddns_wanted(const struct smtp_ddns *c);

struct smtp_check;

/* The checks into the run's result S (s->p.res.domain_dns), on S's
 * deadline and resolver (smtp_domain_run in domain.c sets them up). */
void smtp_ddns_checks(struct smtp_check *s);

/* After the run: a passing run's status line names what was proven. */
void smtp_ddns_ok(struct smtp_check *s);

#endif

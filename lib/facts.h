/* facts.h - what a run found beside its verdict, kept as data so that
 * each output format renders it (lib/json.h for --output=json, facts_text
 * below for the long output of the Nagios text): the TLS session and
 * certificate (struct tls_info), the TLS-RPT record, the MTA-STS record and
 * policy, the MX set of a domain and what became of each host.
 *
 * The plugin fills them in storage of its own and points its struct
 * result at them (result.h: tls_rpt, mta_sts, mx) once they are there;
 * a NULL pointer means the run found no such fact. Nothing here owns
 * memory: there is nothing to free. */
#ifndef MP_FACTS_H
#define MP_FACTS_H

#include "authres.h"
#include "dkim.h"
#include "dmarc.h"
#include "dns.h"
#include "err.h"
#include "mtasts.h"
#include "net.h"
#include "received.h"
#include "result.h"
#include "spf.h"
#include "tls.h"

/* --tls-rpt: the _smtp._tls TXT set, once it was read (RFC 8460 §3). */
struct fact_tlsrpt {
	char name[DNS_NAME_MAX + 16];   /* where it was looked up: _smtp._tls.DOMAIN */
	int valid;                 /* 1: one well-formed record, in rec */
	struct tlsrpt_txt rec;     /* its rua list (when valid) */
};

/* --mta-sts: the record and the policy (RFC 8461 §3). */
struct fact_sts {
	int policy;                /* 1: a policy was fetched and parsed */
	char record[DNS_NAME_MAX + 16];   /* where the record was looked up */
	struct mtasts_txt id;      /* the _mta-sts record's id ("" until read) */
	char url[DNS_NAME_MAX + 64];   /* where the policy was fetched */
	struct mtasts_policy pol;  /* mode, max_age, mx patterns */
	enum state fail;           /* what a violation weighs: enforce CRITICAL,
	                            * testing WARNING, none OK (only noted) */
};

/* --mx: one MX host. */
struct fact_mx_host {
	int resolved;              /* its addresses were found */
	int checked;               /* a session ran: state and summary below */
	enum state state;          /* the session's verdict (and cert_stale) */
	int stale;                 /* serves an older certificate than a peer */
	int have_cert;             /* the session saw a certificate: cert */
	struct err err;            /* why the lookup failed; kind ERR_NONE when
	                            * it did not or was not tried */
	char summary[RESULT_PROBLEM_LEN];   /* the session's line 1 text */
	struct tls_info cert;      /* the certificate it served */
};

/* --mx: the MX set of a domain, host[i] the fate of set.mx[i]. Large:
 * a plugin keeps it in static storage, where only the pages of the hosts
 * it writes are ever touched. */
struct fact_mx {
	const char *domain;        /* the --mx domain (the caller's string) */
	struct dns_mxset set;      /* the records (preference, name), in order */
	struct fact_mx_host host[DNS_MX_MAX];
};

/* --all-certs: the certificates of the key types the first handshake did
 * not show, one probe handshake each (plugins/common/plugin_probe.c). */
#define FACT_CERTS_MAX 3

enum fact_cert_outcome {
	FACT_CERT_SERVED = 0,      /* the server sent one: cert */
	FACT_CERT_NONE,            /* it declined: it holds none of that type */
	FACT_CERT_SAME,            /* it sent the certificate already seen */
	FACT_CERT_UNPROBED         /* the probe connection failed: why */
};

struct fact_cert {
	int key;                   /* TLS_KEY_* asked for */
	enum fact_cert_outcome outcome;
	char why[RESULT_PROBLEM_LEN];   /* NONE, UNPROBED: in plain words */
	struct tls_info cert;      /* SERVED, SAME */
};

struct fact_certs {
	int n;
	struct fact_cert c[FACT_CERTS_MAX];
};

/* --all-addresses: what became of each address of one host. */
struct fact_addr {
	char addr[NET_ADDRSTR];    /* numeric, no brackets */
	enum state state;          /* its session's own verdict */
	char summary[RESULT_PROBLEM_LEN];   /* its session's line 1 text */
};

struct fact_addrs {
	int n;
	struct fact_addr a[NET_ADDRS_MAX];
};

/* "RSA", "ECDSA", "EdDSA" for a TLS_KEY_* (static). */
const char *facts_key_name(int key);

/* --fetch: the round trip of the message (check_smtp_tx). */
struct fact_fetch {
	char url[512];             /* the --fetch URL (no password in it) */
	int found;                 /* the message was seen before the deadline */
	int junk;                  /* in the \Junk folder */
	int deleted;               /* the probe was removed */
	int stale;                 /* probes of earlier runs removed */
	char folder[256];          /* where it was seen (IMAP), or "" */
	double delivery;           /* seconds from the DATA reply to seen (found) */
	struct received_path path; /* its Received: fields (found) */
	int auth_checked;          /* --expect-auth-results: 1 when a field of the
	                            * --auth-serv-id was read into auth */
	int auth_ok;               /* its results were as expected */
	struct authres auth;
};

/* --spf and --dmarc (check_smtp_tx --mx, issue 22): the records of the
 * domain and every finding, each with its state (OK: a note). */
#define FACT_DAUTH_FINDINGS 24
#define FACT_SPF_IPS 8

struct fact_dauth_finding {
	const char *check;         /* "spf" or "dmarc" (static) */
	enum state state;
	char text[RESULT_PROBLEM_LEN];
};

struct fact_spf_ip {
	char ip[64];               /* --spf-ip as given */
	enum spf_result result;    /* check_host() for it */
	char why[RESULT_PROBLEM_LEN];   /* the term that matched, or the error */
};

struct fact_domain_auth {
	const char *domain;        /* the --mx domain (the caller's string) */
	int spf_checked;           /* --spf ran: the members below are set */
	int spf_found;             /* one v=spf1 record was read: spf_record */
	char spf_record[DNS_TXT_LEN];
	enum spf_result spf_other; /* what an address the record does not list gets */
	int spf_lookups, spf_voids;
	int nips;
	struct fact_spf_ip ips[FACT_SPF_IPS];
	int dmarc_checked;         /* --dmarc ran */
	int dmarc_found;           /* one v=DMARC1 record was parsed: dmarc */
	int dmarc_org;             /* it is the organizational domain's */
	char dmarc_name[DNS_NAME_MAX + 16];   /* where it was found */
	char dmarc_record[DNS_TXT_LEN];
	struct dmarc_record dmarc;
	int nfind;
	struct fact_dauth_finding find[FACT_DAUTH_FINDINGS];
};

/* Issue 22 (i22b): a domain's DKIM keys, RRSIG lifetimes and DNSBL
 * listings (check_smtp_tx --dkim, --dnssec-expiry, --dnsbl; phase domain). */
#define FACT_DKIM_MAX 8
#define FACT_RRSIG_MAX 32
#define FACT_DNSBL_MAX 64

/* --dkim: one selector's key record. */
struct fact_dkim {
	char selector[64];
	char name[DNS_NAME_MAX + 80];   /* SELECTOR._domainkey.DOMAIN */
	int found;                 /* a TXT record was there */
	int valid;                 /* it parsed: key */
	struct dkim_key key;
	enum state state;          /* the verdict on this key */
	char note[RESULT_PROBLEM_LEN];   /* the verdict in words */
};

/* --dnssec-expiry: one answer whose signatures were read. */
struct fact_rrsig {
	char name[DNS_NAME_MAX + 16];
	const char *type;          /* "MX", "TXT", "TLSA" (static) */
	int qtype;                 /* the same, DNS_TYPE_* */
	int failed;                /* the lookup failed: note */
	struct dns_sigs sig;
	char note[128];            /* why it failed, or "" */
};

/* --dnsbl: one address looked up in one list. */
struct fact_dnsbl {
	char addr[NET_ADDRSTR];
	char host[DNS_NAME_MAX];   /* the MX host or -H host, "" for --dnsbl-ip */
	char zone[DNS_NAME_MAX];
	enum state state;          /* OK: not listed */
	int listed;
	char codes[64];            /* the A records, "127.0.0.2, 127.0.0.4" */
	char reason[256];          /* the TXT record, or "" */
	char note[128];            /* refused, unexpected, lookup failed: words */
};

struct fact_domain_dns {
	int ndkim;
	struct fact_dkim dkim[FACT_DKIM_MAX];
	int rrsig_checked;         /* --dnssec-expiry ran */
	int nrrsig;
	struct fact_rrsig rrsig[FACT_RRSIG_MAX];
	int rrsig_earliest;        /* index of the earliest expiration, or -1 */
	double rrsig_days;         /* days until it (when rrsig_earliest >= 0) */
	int dnsbl_checked;         /* --dnsbl ran */
	int ndnsbl;
	struct fact_dnsbl dnsbl[FACT_DNSBL_MAX];
	int dnsbl_dropped;         /* lookups beyond FACT_DNSBL_MAX, not made */
	int dnsbl_listed;
};

/* Mailbox health (issue 21, plugins/common/mbox_health.c): each folder
 * checked after the login and each quota root of theirs. */
#define FACT_FOLDERS_MAX 200
#define FACT_QUOTAS_MAX 16
#define FACT_QUOTA_RES_MAX 4
#define FACT_FOLDER_NAME_MAX 256

struct fact_folder {
	char name[FACT_FOLDER_NAME_MAX];   /* as shown (UTF-8) */
	int missing;               /* the server refused it (e.g. no such folder) */
	int have_messages, have_unseen, have_recent, have_size, have_oldest, have_newest;
	unsigned long long messages, unseen, recent, size;   /* size: octets (POP3 STAT) */
	long long oldest, newest;  /* the date of the oldest / newest message (epoch) */
	double oldest_age, newest_age;   /* seconds before the check */
};

struct fact_quota {
	char root[256];            /* the quota root, "" for an unnamed one */
	int n;
	struct {
		char name[32];         /* "STORAGE" (KiB, as RFC 9208 counts), "MESSAGE" */
		unsigned long long usage, limit;
	} res[FACT_QUOTA_RES_MAX];
};

struct fact_mailbox {
	int n;                     /* folders checked */
	int skipped;               /* --folder='*': selectable folders over --max-folders */
	struct fact_folder f[FACT_FOLDERS_MAX];
	int nquota;
	struct fact_quota q[FACT_QUOTAS_MAX];
};

/* Append the facts R points to (its TLS session and certificate, TLS-RPT
 * record, MTA-STS record and policy) to OUT as lines of long output, each
 * prefixed by INDENT. The MX hosts are lines of the MX run itself. */
void facts_text(const struct result *r, const char *indent, struct sbuf *out);

#endif

/* plugin.h - what every plugin shares: the common options of SPEC §3,
 * usage errors, --help/--version, the run's deadline and its alarm()
 * backstop, the mapping of an error kind to a Nagios state, and printing
 * the result. plugins/common/ is where the plugins print and exit; lib/
 * never does (tests/static/layering.test). Implemented in plugin.c
 * (lifecycle), plugin_opts.c, plugin_connect.c, plugin_dns.c,
 * plugin_tls.c and plugin_output.c. */
#ifndef MP_PLUGIN_H
#define MP_PLUGIN_H

#include "deadline.h"
#include "err.h"
#include "opts.h"
#include "phase.h"
#include "conn.h"
#include "dns.h"
#include "facts.h"
#include "net.h"
#include "result.h"
#include "tls.h"

enum {
	OPT_WARNING_PHASE = OPT_LONG_BASE,
	OPT_CRITICAL_PHASE,
	OPT_EXTRA_OPTS,
	OPT_OUTPUT,
	OPT_JSON,
	OPT_HELP_MAN,
	OPT_SNI,
	OPT_VERIFY,
	OPT_CA_FILE,
	OPT_CA_PATH,
	OPT_TLS_MIN,
	OPT_AUTHFILE,
	OPT_ALLOW_PLAINTEXT_AUTH,
	OPT_DNS_SERVER,
	OPT_FCRDNS,
	OPT_DANE,
	OPT_REQUIRE_TLS,
	OPT_EXPECT_CERT_FILE,
	OPT_STARTTLS,              /* -S in check_smtp_tx, long only elsewhere */
	OPT_TLS,                   /* -s in check_smtp_tx, -S elsewhere */
	OPT_PROXY,                 /* -r in check_smtp_tx, long only elsewhere */
	OPT_IGNORE_CERT_EXPIRY,    /* check_smtp 3.0 --ignore-certificate-expiration */
	OPT_OUTPUT_FORMAT,         /* monitoring-plugins 3.0 --output-format */
	OPT_ALL_CERTS,             /* plugin_probe.c */
	OPT_CERT_POLICY,
	OPT_FORBID_TLS,
	OPT_FORBID_CIPHER,
	OPT_ALL_ADDRESSES,
	OPT_AUTH_BASE = OPT_LONG_BASE + 40,       /* plugins/common/plugin_auth */
	OPT_TEXTCHECK_BASE = OPT_LONG_BASE + 48,  /* plugins/common/textcheck */
	OPT_PLUGIN_BASE = OPT_LONG_BASE + 64   /* plugins number theirs from here */
};

/* --output */
enum plugin_output {
	PLUGIN_OUT_NAGIOS = 0,     /* status line, long output (default) */
	PLUGIN_OUT_JSON,           /* one JSON object */
	PLUGIN_OUT_OPENMETRICS     /* OpenMetrics text (lib/metrics.h) */
};

/* Whose short letters a plugin's options have (SPEC §3): check_smtp's
 * (-S STARTTLS, -s implicit TLS, -r PROXY, -A authtype, -q ignore a failed
 * QUIT) or check_tcp's, as check_imap, check_pop and check_ssmtp use them
 * (-S implicit TLS, -s send, -r refuse state, -A all expect strings, -q
 * quit string). Long options are the same in both. */
enum plugin_letters {
	PLUGIN_LETTERS_SMTP = 0,
	PLUGIN_LETTERS_TCP
};

/* A monitoring-plugins program a plugin stands in for, by its name: make
 * install links the name to the plugin in <plugindir>/mailprobe-compat/,
 * and invoked by it the plugin takes that program's defaults. */
struct plugin_alias {
	const char *name;          /* "check_simap" */
	const char *service;       /* "SIMAP": line 1 says it as the program did */
	int implicit_tls;          /* the s variants: TLS from the first byte */
	const char *expect;        /* its default -e, or NULL */
	enum plugin_letters letters;
};

struct textcheck;

/* What the plugin is and what the command line asked for: filled by the
 * plugin (its description) and plugin_parse (the options), completed by
 * plugin_validate, then only read, through a const pointer, by every
 * session of the run (one per MX host, one per --count run). */
struct plugin_config {
	/* set by the plugin before plugin_parse */
	const char *name;          /* "check_smtp_tx" */
	const char *service;       /* "SMTP" */
	const char *synopsis;      /* one usage line, without the name */
	const char *description;   /* what it checks */
	const char *examples;      /* example command lines, with comments */
	const char *compat;        /* table: the options of the tool it replaces */
	const struct opt_spec *opts;   /* the plugin's own options */
	opt_handler handler;       /* called for the plugin's own options */
	void *ctx;                 /* passed to handler */
	int default_port;
	const enum phase_id *phase_ids;
	enum plugin_letters letters;   /* short letters of its predecessor */
	const struct plugin_alias *aliases;   /* names it answers to (ends
	                                       * with a NULL name), or NULL */
	struct textcheck *tc;      /* check_tcp's text options (textcheck.h) */

	/* set by plugin_parse from argv[0] */
	const struct plugin_alias *alias;   /* the alias invoked, or NULL */

	/* the common options, filled by plugin_parse */
	const char *host;          /* -H, or NULL */
	int port;                  /* 0: not given; plugin_validate sets the default */
	int port_from_default;     /* port is the protocol's default */
	int family;                /* AF_UNSPEC, AF_INET, AF_INET6 */
	double timeout;            /* seconds, default 10 */
	enum state timeout_state;  /* default CRITICAL */
	int verbose;
	enum plugin_output output;
	int starttls;              /* --starttls */
	int implicit_tls;          /* --tls */
	int unix_socket;           /* -H /absolute/path: a unix socket */
	int ignore_cert_expiry;    /* --ignore-certificate-expiration */
	const char *sni;           /* --sni=NAME, or NULL: the host name */
	int proxy;                 /* -r: 0 none, 1 v1, 2 v2 */
	struct range cert_warn;    /* -D WARN: alert when fewer days left */
	struct range cert_crit;
	enum tls_verify_mode verify;
	const char *ca_file, *ca_path;
	int tls_min;               /* 0, 12 or 13 */
	const char *dns_server;    /* --dns-server, or NULL: /etc/resolv.conf */
	int fcrdns;                /* --fcrdns */
	int dane;                  /* --dane: 1, --dane=required: 2 */
	int dane_rollover;         /* --dane=rollover: a second key must be published */
	int require_tls;           /* --require-tls: posture assertions */
	const char *expect_cert_file;   /* --expect-cert-file */
	int use_ldns;              /* resolve names through lib/dns */
	const char *srv_domain;    /* --srv DOMAIN (IMAP, POP3) */
	const char *authuser;      /* -U */
	char *authpass;            /* -P / --authfile: owned, wiped by plugin_config_free */
	int allow_plaintext_auth;
	const char *oauth_token_file;     /* --oauth-token-file (plugin_auth.h) */
	const char *oauth_token_command;  /* --oauth-token-command */
	const char *require_auth;  /* --require-auth MECH,...: one must be offered */
	const char *forbid_auth;   /* --forbid-auth MECH,...: none may be offered */
	int want_login;            /* -U and a password: set by plugin_validate */

	int64_t run_start_us;      /* plugin_parse began: -t counts from here */
	char **argv_alloc;         /* argv after --extra-opts expansion */
	char **argv_orig;
	struct phase_limits limits;   /* -w, -c, --warning-phase, --critical-phase */
	struct tls_info expect_cert;  /* --expect-cert-file: its certificate */

	/* the extra handshakes (plugin_probe.c) */
	int all_certs;             /* --all-certs */
	int cert_strict;           /* --cert-policy=strict: judge the quality */
	unsigned forbid_tls;       /* --forbid-tls: 1 TLS 1.0, 2 TLS 1.1 */
	enum state forbid_tls_state;   /* WARNING, or CRITICAL (:critical) */
	int forbid_weak;           /* --forbid-cipher=weak */
	enum state forbid_weak_state;
	int all_addresses;         /* --all-addresses (plugin_multi.c) */
};

/* One session's run state: what it checks and what it found. Made fresh
 * for each session (plugin_init), so that a session for one MX host or
 * one --count run starts from nothing and shares only the configuration. */
struct plugin {
	const struct plugin_config *cfg;
	const char *host;          /* the server of this session: cfg->host, the
	                            * --srv target, or one MX host */
	int port;                  /* cfg->port, or the --srv target's port */
	struct dns *dns;           /* the resolver, made on first use */
	int have_addrs;            /* addrs is set: skip resolving */
	int ntlsa;
	int tlsa_secure;           /* they came with the AD bit */
	int tlsa_looked_up;
	int no_transcript;         /* no -v transcript (one --count run of many) */

	/* the connection, after plugin_connect */
	struct net_peer peer;
	int connected;
	struct tls *tls;           /* TLS session, or NULL */
	int have_tls_info;
	const char *perf_prefix;   /* one host of several: labels become PREFIX_label */
	int tls_untrusted;         /* verification failed: send nothing secret */
	enum state untrusted_state;   /* the state of that failure (CRITICAL;
	                                 WARNING for an MTA-STS policy in testing) */
	char target[512];          /* "host[addr]:port", for messages */
	struct deadline dl;

	/* The large members last, the ones a plain run hardly touches at the
	 * very end: the plugins keep their check in static storage, and every
	 * 4 KB page a run writes is a page fault (11 us on the bench VM). */
	struct phase_set phases;
	struct result res;
	struct net_addrs addrs;    /* set before plugin_connect to skip resolving */
	struct tls_info tls_info;  /* kept for the output after the session ends */
	char ptr_name[DNS_NAME_MAX];   /* FCrDNS-confirmed name of the server */
	char srv_host[DNS_NAME_MAX];   /* --srv: the target found */
	struct dns_tlsa tlsa[DNS_TLSA_MAX];   /* --dane: the records found */
	struct conn conn;          /* the connection, after plugin_connect */
	struct fact_certs certs;   /* --all-certs: the other certificates */
	struct fact_addrs addrs_fact;   /* --all-addresses: each address */
};

/* The common option tables (SPEC §3): the run and output options, the
 * TLS and PROXY switches with check_smtp's letters or with check_tcp's,
 * and the TLS, login and DNS options. */
extern const struct opt_spec plugin_common_opts[];
extern const struct opt_spec plugin_letters_smtp[];
extern const struct opt_spec plugin_letters_tcp[];
extern const struct opt_spec plugin_common_tls_opts[];

/* Set the defaults of C (after the plugin set its description), expand
 * --extra-opts and parse every option into C. On a usage error prints the
 * UNKNOWN line with a hint and exits 3; --help/--version print and exit 3
 * (as monitoring-plugins do). Arms the alarm() backstop for -t. */
void plugin_parse(struct plugin_config *c, int argc, char **argv);

/* Read an authfile PATH (named WHAT in messages, e.g. "--authfile"):
 * "user=..." and "password=..." lines, or the password alone on the first
 * line; it must be a regular file not readable by group or others. USER
 * (UCAP bytes) gets the user name, "" when the file names none; *PASS is
 * replaced by a copy of the password (the old one wiped; the caller wipes
 * and frees it). -1 with *E filled (ERR_USAGE) when it cannot be used. */
int plugin_authfile_read(const char *what, const char *path, char *user,
    size_t ucap, char **pass, struct err *e);

/* Print "SERVICE UNKNOWN - MSG" and the usage hint; free C; exit 3. */
void plugin_usage_error(struct plugin_config *c, const char *msg)
	__attribute__((noreturn));

/* Free what C owns (the expanded argv; the password, wiped first). */
void plugin_config_free(struct plugin_config *c);

/* Make P a fresh session of configuration C (its server: C's host and
 * port), with the run's deadline DL (NULL: start the run's clock now,
 * from C's run_start_us, and ignore SIGPIPE). */
void plugin_init(struct plugin *p, const struct plugin_config *c,
    const struct deadline *dl);

/* --srv (RFC 6186): look up _SERVICE._tcp.DOMAIN (SERVICE is TLS_SERVICE
 * with -s, else PLAIN_SERVICE) and make the best target the session's
 * p->host and its port p->port (unless -p was given). A "." target means the service is
 * not offered. Records the failure as a problem and returns -1. */
int plugin_srv(struct plugin *p, const char *tls_service,
    const char *plain_service);

/* The common options taken together, once, after plugin_parse: -S and
 * -s exclude each other; -D, --dane, --require-tls and --expect-cert-file
 * without -s imply -S; --dane needs a host name; the --expect-cert-file
 * certificate must be readable; -H and --srv exclude each other. Sets the
 * default port (default_port, or TLS_PORT with -s). The login: -U needs a
 * password, and credentials are refused over plaintext without -S/-s or
 * --allow-plaintext-auth (before anything is sent); sets want_login.
 * Returns 0, or -1 with *e set (ERR_USAGE) for plugin_usage_error. */
int plugin_validate(struct plugin_config *c, int tls_port, struct err *e);

/* The addresses of p->host into *out: a name through the DNS module when
 * p->use_ldns (--dns-server, --srv, --mx), else and for a literal through
 * the system resolver (lib/resolve.h). Begins no phase. */
int plugin_resolve(struct plugin *p, struct net_addrs *out, struct err *e);

/* Resolve (phase dns, for names), connect (phase connect), send the PROXY
 * header (-r) and, with -s, run the TLS handshake (phase tls). Fills
 * p->conn, p->peer, p->target. */
int plugin_connect(struct plugin *p, struct err *e);

/* The resolver (made on first use from --dns-server or resolv.conf). */
struct dns *plugin_dns(struct plugin *p, struct err *e);

/* --fcrdns: the server address must have a PTR whose name resolves back to
 * it (else WARNING); the confirmed name is kept in p->ptr_name. */
void plugin_fcrdns(struct plugin *p);

/* Upgrade p->conn to TLS (after STARTTLS/STLS, or for -s). */
int plugin_upgrade(struct plugin *p, struct err *e);

/* -D: a WARNING or CRITICAL "WHO: certificate expires in DAYS days (...
 * below N, notAfter NOT_AFTER)" when DAYS (whole days left) is within
 * cfg->cert_warn or cfg->cert_crit; nothing otherwise. */
void plugin_cert_expiry(struct plugin *p, const char *who, long days,
    const char *not_after);

/* Append ", TLSv1.3[ via NAME], certificate N days left" (or "expired N
 * days ago") to OUT when the run used TLS; VIA names the upgrade command
 * (STARTTLS, STLS) when -S was used. */
void plugin_tls_summary(const struct plugin *p, const char *via, struct sbuf *out);

/* After the session (its connection closed): the extra handshakes the
 * options ask for (--all-certs, --forbid-tls, --forbid-cipher), each on a connection of its own to the
 * session's address, in phases of their own, judged into p->res. HELLO
 * is the SMTP greeting command to send before STARTTLS ("EHLO name",
 * "LHLO name"), NULL for IMAP and POP3. Does nothing without TLS. */
void plugin_tls_probes(struct plugin *p, const char *hello);

/* How plugin_multi_run makes, runs and frees one address's session. */
struct plugin_multi_ops {
	/* a fresh session of the run for HOST at the one address of ADDRS
	 * (the run's configuration and deadline), or NULL (out of memory) */
	struct plugin *(*session_new)(void *ctx, const char *host,
	    const struct net_addrs *addrs);
	void (*session_run)(struct plugin *s);    /* one session, verdict in s->res */
	/* optional: after the session's verdict is merged into the run, in the
	 * run's thread, one address after the other (facts the generic merge
	 * does not know, e.g. the mailbox health of the IMAP/POP3 plugins) */
	void (*session_merged)(void *ctx, struct plugin *s);
	void (*session_free)(struct plugin *s);
	void *ctx;
};

/* --all-addresses: every address of RUN's host (run->addrs when
 * have_addrs, else resolved here in phase dns, -4/-6 respected) checked
 * at once, one session and thread each, on the run's deadline. Each
 * address's verdict, long output and perfdata (labelled ADDR_phase, or
 * PREFIX_ADDR_phase under run->perf_prefix) go into run->res; a family
 * failing while the other works is WARNING ("IPv6 fails, IPv4 works"),
 * every address failing CRITICAL. Returns 0, or -1 when the host could
 * not be resolved (recorded as the run's problem). */
int plugin_multi_run(struct plugin *run, const struct plugin_multi_ops *ops);

/* Record error E as the problem of the run: the target, the cause in
 * plain words, and the phase it struck in. */
void plugin_fail(struct plugin *p, const struct err *e);

/* Close the TLS session and the socket. */
void plugin_close(struct plugin *p);


/* The state an error of kind E means (timeouts: --timeout's STATE;
 * 4xx rejections WARNING, 5xx CRITICAL, 421 CRITICAL). */
enum state plugin_err_state(const struct plugin *p, const struct err *e);

/* Stop timing, add the phase perfdata and thresholds, print (in the
 * --output format), free the session's result and return the exit code,
 * which the format does not change. */
int plugin_finish(struct plugin *p);

#endif

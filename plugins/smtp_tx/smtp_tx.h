/* smtp_tx.h - check_smtp_tx's own header: the check (struct smtp_check)
 * and what its files call across each other. Not installed, not for lib/.
 *
 *   main.c     main: the options taken together, then one of the three runs;
 *              a session's clone for one MX host or --count run; the message
 *   options.c  the option table, the option handler, --help and man text
 *   reply.c    --expect-reply, the verdict on a reply, reading and sending
 *   session.c  one SMTP session: connect, banner, EHLO, STARTTLS, AUTH,
 *              MAIL, RCPT, DATA, LMTP replies, QUIT, run by one step table
 *   probes.c   steps beside the transaction: --require-tls posture,
 *              --relay-test, -C/-R
 *   sts.c      --mta-sts and --tls-rpt
 *   mx.c       --mx and --all-mx (the fan-out, one thread per host)
 *   repeat.c   --count (the load generator)
 *   fetch*.c   --fetch: the message fetched back over IMAP or POP3 (fetch.h)
 *   domain_auth.c  --spf, --spf-ip, --dmarc, --dmarc-policy: the domain's SPF
 *              and DMARC records (issue 22) */
#ifndef MP_SMTP_TX_H
#define MP_SMTP_TX_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "dns.h"
#include "err.h"
#include "facts.h"
#include "fetch.h"
#include "mtasts.h"
#include "net.h"
#include "plugin.h"
#include "sasl.h"
#include "sbuf.h"
#include "smtp.h"
#include "smtp_msg.h"
#include "textcheck.h"

#define SMTP_RCPT_MAX 100
#define SMTP_HEADERS_MAX 32
#define SMTP_CMDS_MAX 16
#define SMTP_EXPECT_MAX 16
#define SMTP_BODY_MAX (10L * 1024 * 1024)

/* domain_auth.c: the option ids of --spf and --dmarc (in options.c's
 * table), numbered apart from options.c's own enum and fetch.h's. */
enum {
	DAUTH_OPT_SPF = OPT_PLUGIN_BASE + 80,
	DAUTH_OPT_SPF_IP,
	DAUTH_OPT_DMARC,
	DAUTH_OPT_DMARC_POLICY
};

#define DAUTH_SPF_IPS_MAX 8

/* --spf and --dmarc (configuration). */
struct dauth_config {
	int spf;                   /* --spf (or --spf-ip) */
	const char *spf_ip[DAUTH_SPF_IPS_MAX];   /* --spf-ip, as given */
	int nspf_ip;
	int dmarc;                 /* --dmarc */
	int dmarc_none_ok;         /* --dmarc-policy=none: p=none is OK */
};

/* The phases, in the order of their perfdata; --expect-reply names them
 * (defined in options.c). */
extern const enum phase_id smtp_phases[];

struct smtp_expect {
	enum phase_id phase;       /* one of smtp_phases that has a reply */
	char codes[64];            /* "5xx,421" */
};

/* The test message of a session (lib/smtp_msg): its token and its text,
 * dot-stuffed, CRLF. */
struct smtp_message {
	char token[SMTP_MSG_TOKEN_MAX];
	struct sbuf text;
};

/* The configuration: the command line (options.c), taken together and
 * completed once by smtp_validate (main.c), then only read, through a const
 * pointer, by every session of the run. */
struct smtp_config {
	struct plugin_config pc;   /* first: the option handler gets &pc's ctx */
	const char *helo;
	struct textcheck tc;       /* -e, --send, --quit, -M, ... (check_tcp's) */
	const char *from;
	char from_buf[320];         /* -f '<ADDR>' without its brackets */
	const char *rcpt[SMTP_RCPT_MAX];
	int nrcpt;
	int no_data;
	const char *headers[SMTP_HEADERS_MAX];
	int nheaders;
	const char *body_file;
	long size;
	enum sasl_mech authmech;   /* -A, or SASL_NONE: the default */
	int auth_auto;             /* -A auto: the strongest offered */
	int no_pipelining;
	const char *require_ext;
	struct smtp_expect expects[SMTP_EXPECT_MAX];
	int nexpects;
	const char *cmds[SMTP_CMDS_MAX];
	int ncmds;
	const char *resps[SMTP_CMDS_MAX];
	int nresps;
	int lmtp;
	const char *mx_domain;
	int all_mx;
	int mta_sts, tls_rpt;
	long mta_sts_port;
	const char *relay_test;
	long count, parallel;
	double interval;
	struct smtp_message msg;   /* built once before the clock starts (a
	                            * --count run builds one per message) */
	struct fetch_config fetch; /* --fetch: the round trip (fetch.h) */
	struct dauth_config dauth; /* --spf, --dmarc (domain_auth.c) */
};

/* One session's run state. smtp_check_init makes it fresh from the
 * configuration, so that a session for one MX host or one --count run
 * shares nothing with another but the configuration and the deadline. */
struct smtp_check {
	struct plugin p;
	const struct smtp_config *cfg;
	const struct smtp_message *msg;   /* cfg->msg, or a --count run's own */
	struct fact_sts *sts;      /* --mta-sts: the policy found, for the checks
	                            * after the sessions (the run's, which the
	                            * sessions of its MX hosts point to) */
	int relay_refused;         /* --relay-test: the foreign RCPT was refused (5xx) */
	const char *helo;          /* the EHLO name: cfg->helo, or helo_buf */
	char helo_buf[300];
	enum err_kind failed;      /* how the session ended: ERR_NONE when well */
	int failed_at_connect;     /* it failed resolving or connecting */
	double elapsed;            /* the session's own time */
	int stop;                  /* an expected refusal ended the transaction */
	struct smtp_reply reply;   /* the last reply */
	char banner[512];
	int greeted;               /* the banner (greeting) was read */
	struct smtp_ext ext;
	int used_helo;
	struct sbuf seen;          /* the banner's first line, code included, for -e */
	int rcpt_ok;               /* recipients accepted */
	unsigned char rcpt_acc[SMTP_RCPT_MAX];   /* which of them (LMTP's replies) */
	int pending;               /* pipelined replies not read yet */
	char queue_id[128];
	struct smtp_message own;   /* a --count run's message */
	int64_t accepted_us;       /* the 2xx after DATA came (monotonic), or 0 */
	time_t accepted_at;        /* the same, wall clock (for --fetch's messages) */
	struct fact_fetch *fetch_fact;   /* --fetch: the round trip (owned; the
	                                  * result points to it) */
};

/* options.c */
void smtp_setup(struct smtp_config *c);

/* reply.c */
int smtp_expect_parse(struct smtp_config *c, const char *arg, struct err *e);
int smtp_expected(const struct smtp_check *s, enum phase_id phase, int code);
int smtp_judge(struct smtp_check *s, enum phase_id phase, const char *what,
    const char *okdigits, struct err *e);
int smtp_read_reply_p(struct smtp_check *s, struct err *e);
int smtp_drain(struct smtp_check *s);
int smtp_reply_error(struct smtp_check *s, struct err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int smtp_rejected(struct smtp_check *s, const char *what, struct err *e);
void smtp_mail_cmd(const struct smtp_check *s, char *cmd, size_t cap);
int smtp_cmd(struct smtp_check *s, const char *cmd, struct err *e);

/* session.c */
int smtp_session(struct smtp_check *s);

/* auth.c */
int smtp_step_auth(void *ctx, struct err *e);
int smtp_step_auth_posture(void *ctx, struct err *e);

/* probes.c */
int smtp_step_posture(struct smtp_check *s, struct err *e);
int smtp_step_relay(void *ctx, struct err *e);
int smtp_step_commands(void *ctx, struct err *e);

/* main.c */
/* Build a message of configuration C into M (sbuf_init'ed): a token of its
 * own (the time and random bytes), the --body-file read now. */
int smtp_build_message(const struct smtp_config *c, struct smtp_message *m,
    struct err *e);
/* Make S (zeroed) a fresh session of C; DL: the run's deadline (NULL:
 * start the clock now). */
void smtp_check_init(struct smtp_check *s, const struct smtp_config *c,
    const struct deadline *dl);
/* A fresh session for HOST at ADDRS, of the same configuration and deadline
 * as T, on the heap; NULL when out of memory. */
struct smtp_check *smtp_session_new(const struct smtp_check *t, const char *host,
    const struct net_addrs *addrs);
/* Free what session S owns but its result (plugin_finish frees that). */
void smtp_check_fini(struct smtp_check *s);
/* Free a session made by smtp_session_new, its result included. */
void smtp_session_free(struct smtp_check *c);

/* sts.c */
void smtp_sts_policy(struct smtp_check *s, const struct dns_mxset *mx);
void smtp_sts_host(struct smtp_check *s, const struct smtp_check *c, const char *name);
void smtp_sts_ok(struct smtp_check *s);

/* mx.c */
void smtp_run_mx(struct smtp_check *s);

/* addrs.c: --all-addresses: every address of s->p.host (s->p.addrs when
 * preset) in a session of its own, at once; the verdicts merged into s. */
void smtp_run_addresses(struct smtp_check *s);

/* addrs.c: --all-addresses (and the extra handshakes of --all-certs,
 * --forbid-tls, --forbid-cipher) with the other options: ERR_USAGE, or 0. */
int smtp_addresses_validate(const struct smtp_config *c, struct err *e);

/* repeat.c */
void smtp_run_repeat(struct smtp_check *s);

/* domain_auth.c: --spf, --spf-ip, --dmarc, --dmarc-policy (issue 22). */
/* One of the DAUTH_OPT_* options into C. ERR_USAGE, or 0. */
int smtp_dauth_option(struct smtp_config *c, int id, const char *arg,
    struct err *e);
/* The options taken together (they need --mx). ERR_USAGE, or 0. */
int smtp_dauth_validate(const struct smtp_config *c, struct err *e);
/* The domain's SPF and DMARC records, once per run, before the MX
 * sessions, in phase domain: each finding merged into S's result and
 * kept as a fact (s->p.res.domain_auth). Nothing when not asked for. */
void smtp_dauth_run(struct smtp_check *s);
/* The status line of a run that passed names SPF's and DMARC's verdicts. */
void smtp_dauth_ok(struct smtp_check *s);

#endif

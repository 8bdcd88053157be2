/* check_smtp_tx - prove an SMTP server works, one timed phase at a time.
 *
 * The session, as a person would type it: connect, (TLS), banner, EHLO
 * (HELO fallback), STARTTLS and EHLO again, AUTH, MAIL, RCPT, DATA, the
 * message, QUIT. Each step is one call; each failure becomes one status
 * line naming the phase and the cause. */
#include <config.h>

#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "b64.h"
#include "conn.h"
#include "dns.h"
#include "https.h"
#include "mtasts.h"
#include "net.h"
#include "plugin.h"
#include "smtp.h"
#include "tls.h"

#define SMTP_RCPT_MAX 100
#define SMTP_HEADERS_MAX 32
#define SMTP_CMDS_MAX 16
#define SMTP_EXPECT_MAX 16
#define SMTP_BODY_MAX (10L * 1024 * 1024)

enum {
	OPT_RCPT = OPT_PLUGIN_BASE,
	OPT_NO_DATA,
	OPT_HEADER,
	OPT_BODY_FILE,
	OPT_SIZE,
	OPT_NO_PIPELINING,
	OPT_REQUIRE_EXT,
	OPT_EXPECT_REPLY,
	OPT_MX,
	OPT_ALL_MX,
	OPT_COUNT,
	OPT_INTERVAL,
	OPT_PARALLEL,
	OPT_RELAY_TEST,
	OPT_MTA_STS,
	OPT_MTA_STS_PORT,
	OPT_TLS_RPT
};

static const char *const smtp_phases[] = {
	"dns", "connect", "tls", "banner", "ehlo", "starttls", "relay", "auth",
	"mail", "rcpt", "data", "datasent", "quit", "mta_sts", NULL
};

static const struct opt_spec smtp_opts[] = {
	{ 'F', "helo", required_argument, "NAME",
	  "Name to send with EHLO/HELO (default: this host's FQDN, else the "
	  "address literal of the local end of the connection)." },
	{ 'F', "fqdn", required_argument, "NAME", NULL },
	{ 'e', "expect", required_argument, "STRING",
	  "Text the banner or the EHLO reply must contain; a mismatch is "
	  "WARNING (as in check_smtp)." },
	{ 'f', "from", required_argument, "ADDR",
	  "Envelope sender for MAIL FROM (default: the null sender <>, which "
	  "-f '' also gives, as for a bounce)." },
	{ OPT_RCPT, "rcpt", required_argument, "ADDR",
	  "Envelope recipient (repeatable). With a recipient the whole "
	  "transaction runs: MAIL, RCPT, DATA and a generated test message; "
	  "without one the check ends after EHLO (and STARTTLS/AUTH)." },
	{ OPT_NO_DATA, "no-data", no_argument, NULL,
	  "Probe MAIL and RCPT only, then RSET and QUIT: nothing is delivered." },
	{ OPT_HEADER, "header", required_argument, "NAME:VALUE",
	  "Add a header to the test message (repeatable)." },
	{ OPT_BODY_FILE, "body-file", required_argument, "FILE",
	  "Send FILE as the message body (after the token line)." },
	{ OPT_SIZE, "size", required_argument, "BYTES",
	  "Pad the message body to about BYTES bytes." },
	{ 'A', "authtype", required_argument, "PLAIN|LOGIN",
	  "SASL mechanism for AUTH (default: PLAIN when offered, else LOGIN "
	  "when -U is given)." },
	{ OPT_NO_PIPELINING, "no-pipelining", no_argument, NULL,
	  "Do not use PIPELINING (RFC 2920) even when the server offers it." },
	{ OPT_REQUIRE_EXT, "require-ext", required_argument, "LIST",
	  "Extensions the final EHLO must offer, e.g. "
	  "STARTTLS,PIPELINING,SIZE,8BITMIME,SMTPUTF8,CHUNKING,DSN; missing "
	  "ones are CRITICAL." },
	{ OPT_EXPECT_REPLY, "expect-reply", required_argument, "PHASE=CODES",
	  "Reply codes expected in a phase (repeatable), e.g. rcpt=5xx to prove "
	  "that relaying is refused: the refusal is then OK, acceptance "
	  "CRITICAL. CODES: 550, 5xx, 55x, comma separated." },
	{ OPT_MX, "mx", required_argument, "DOMAIN",
	  "Check DOMAIN's mail hosts found through MX (RFC 5321 §5.1: with no MX "
	  "the domain itself; a null MX (RFC 7505) is CRITICAL). The most "
	  "preferred host that answers is checked; one that cannot be reached "
	  "makes the check fall through to the next, and says so (WARNING). "
	  "Hosts are looked up in that order as they are tried (one whose lookup "
	  "hangs may use half the time left); equal preferences come in random "
	  "order, and of more than 64 records the 64 most preferred are used." },
	{ OPT_ALL_MX, "all-mx", no_argument, NULL,
	  "With --mx: check every MX host, concurrently; one long-output line per "
	  "host, perfdata prefixed with the host name, the worst state wins. "
	  "Their certificates are compared: one that ends more than 7 days "
	  "before a peer's certificate for the same names is WARNING (renewed "
	  "but not reloaded?)." },
	{ OPT_COUNT, "count", required_argument, "N",
	  "Repeat the whole transaction N times (as smtpping does) and report "
	  "min/avg/max per phase, messages per second (perfdata rate) and the "
	  "worst state of the runs. -t bounds all of the runs together." },
	{ OPT_INTERVAL, "interval", required_argument, "SEC",
	  "With --count: start a run every SEC seconds (default: back to back)." },
	{ OPT_PARALLEL, "parallel", required_argument, "P",
	  "With --count: keep P sessions open at once, in this one process "
	  "(default 1)." },
	{ OPT_RELAY_TEST, "relay-test", required_argument, "ADDR",
	  "Open-relay test before any AUTH: MAIL FROM (-f, else <>) and RCPT TO "
	  "ADDR, an address in a domain the server must not relay to, then RSET. "
	  "Refused (5xx) is OK, accepted is CRITICAL (open relay), 4xx WARNING "
	  "(inconclusive). Phase relay. The rest of the check goes on." },
	{ OPT_MTA_STS, "mta-sts", no_argument, NULL,
	  "With --mx: check the domain's MTA-STS (RFC 8461): the TXT record "
	  "_mta-sts.DOMAIN, the policy fetched from https://mta-sts.DOMAIN/"
	  ".well-known/mta-sts.txt (verified certificate, no redirects, "
	  "text/plain, at most 64 KiB), every MX name against the policy's mx "
	  "patterns, and the certificate of the MX host checked (every MX host "
	  "with --all-mx; implies -S; "
	  "the certificate must be valid for the MX name). In mode enforce a "
	  "failure is CRITICAL, in testing WARNING, in none only noted. No "
	  "policy published, or one that cannot be fetched or parsed, is "
	  "CRITICAL. Perfdata: mta_sts (the fetch time) and sts_max_age." },
	{ OPT_MTA_STS_PORT, "mta-sts-port", required_argument, "PORT",
	  "Fetch the MTA-STS policy from this port instead of 443: for tests, "
	  "or a policy host reached through a port forward." },
	{ OPT_TLS_RPT, "tls-rpt", no_argument, NULL,
	  "With --mx: the domain must publish an SMTP TLS Reporting record "
	  "(RFC 8460): _smtp._tls.DOMAIN TXT \"v=TLSRPTv1; rua=...\" with mailto: "
	  "or https: URIs. Missing or malformed is WARNING." },
	{ 'C', "command", required_argument, "COMMAND",
	  "Send COMMAND after EHLO (repeatable, as in check_smtp)." },
	{ 'R', "response", required_argument, "REGEX",
	  "Extended regular expression the reply to the matching -C must "
	  "match; a mismatch is WARNING." },
	{ 'L', "lmtp", no_argument, NULL, "Speak LMTP: LHLO instead of EHLO, and "
	  "one reply per accepted recipient after the message (RFC 2033), each judged "
	  "like a RCPT reply (--expect-reply datasent=...)." },
	{ 'q', "ignore-quit-failure", no_argument, NULL,
	  "Accepted for check_smtp compatibility: a server that closes before "
	  "answering QUIT is already OK." },
	OPT_END
};

/* --mta-sts: what the policy says, for the checks after the sessions. */
struct smtp_sts {
	int policy;                /* 1: a policy was fetched and parsed */
	struct mtasts_policy pol;
	enum state fail;           /* a violation: enforce CRITICAL, testing
	                            * WARNING, none OK (only noted) */
};

struct smtp_expect {
	int phase;                 /* index into smtp_phases */
	char codes[64];            /* "5xx,421" */
};

struct smtp_check {
	struct plugin p;
	/* options */
	const char *helo;
	const char *expect;
	const char *from;
	const char *rcpt[SMTP_RCPT_MAX];
	int nrcpt;
	int no_data;
	const char *headers[SMTP_HEADERS_MAX];
	int nheaders;
	const char *body_file;
	long size;
	const char *authtype;
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
	struct smtp_sts *sts;      /* --mta-sts: the policy found (shared by clones) */
	int want_auth;
	const char *relay_test;
	int relay_refused;         /* --relay-test: the foreign RCPT was refused (5xx) */
	long count, parallel;
	double interval;

	/* session */
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
	struct sbuf seen;          /* banner + EHLO text, for --expect */
	int rcpt_ok;               /* recipients accepted */
	unsigned char rcpt_acc[SMTP_RCPT_MAX];   /* which of them (LMTP's replies) */
	int pending;               /* pipelined replies not read yet */
	char queue_id[128];
	char token[64];
	struct sbuf msg;           /* the message, dot-stuffed, CRLF */
};

static int smtp_option(void *ctx, int id, const char *arg, struct err *e);
static int smtp_step_connect(struct smtp_check *s, struct err *e);
static int smtp_step_banner(struct smtp_check *s, struct err *e);
static int smtp_step_ehlo(struct smtp_check *s, const char *phase, struct err *e);
static int smtp_step_starttls(struct smtp_check *s, struct err *e);
static int smtp_step_auth(struct smtp_check *s, struct err *e);
static int smtp_step_commands(struct smtp_check *s, struct err *e);
static int smtp_step_envelope(struct smtp_check *s, struct err *e);
static int smtp_step_data(struct smtp_check *s, struct err *e);
static int smtp_step_quit(struct smtp_check *s, struct err *e);
static int smtp_read_reply_p(struct smtp_check *s, struct err *e);
static int smtp_unsolicited(struct smtp_check *s, struct err *e);
static int smtp_lmtp_replies(struct smtp_check *s, struct err *e);
static int smtp_greeting_quiet(struct smtp_check *s);

/* ------------------------------------------------------------ options */

static int
smtp_phase_index(const char *name, size_t n)
{
	int i;

	for (i = 0; smtp_phases[i]; i++)
		if (strlen(smtp_phases[i]) == n && strncmp(smtp_phases[i], name, n) == 0)
			return i;
	return -1;
}

/* "rcpt=5xx,421" */
static int
smtp_expect_parse(struct smtp_check *s, const char *arg, struct err *e)
{
	const char *eq = strchr(arg, '='), *p;
	struct smtp_expect *x;

	if (s->nexpects >= SMTP_EXPECT_MAX)
		return err_set(e, ERR_USAGE, "too many --expect-reply options");
	if (eq == NULL)
		return err_set(e, ERR_USAGE, "--expect-reply needs PHASE=CODES, e.g. rcpt=5xx");
	x = &s->expects[s->nexpects];
	x->phase = smtp_phase_index(arg, (size_t)(eq - arg));
	if (x->phase < 3)   /* not dns, connect, tls: they have no reply */
		return err_set(e, ERR_USAGE, "--expect-reply: unknown phase '%.*s' "
		    "(banner, ehlo, starttls, auth, mail, rcpt, data, datasent, quit)",
		    (int)(eq - arg), arg);
	p = eq + 1;
	if (*p == '\0' || strlen(p) >= sizeof(x->codes))
		return err_set(e, ERR_USAGE, "--expect-reply: no codes after '='");
	while (*p) {
		size_t n = strcspn(p, ",");

		if (n != 3 || p[0] < '2' || p[0] > '5' ||
		    !(isdigit((unsigned char)p[1]) || p[1] == 'x' || p[1] == 'X') ||
		    !(isdigit((unsigned char)p[2]) || p[2] == 'x' || p[2] == 'X'))
			return err_set(e, ERR_USAGE, "--expect-reply: '%.*s' is not a reply "
			    "code (550, 5xx, 55x)", (int)n, p);
		p += n;
		if (*p == ',')
			p++;
	}
	snprintf(x->codes, sizeof(x->codes), "%s", eq + 1);
	s->nexpects++;
	return 0;
}

/* -1: no expectation for PHASE; 1: CODE matches it; 0: it does not. */
static int
smtp_expected(const struct smtp_check *s, const char *phase, int code)
{
	char c[4];
	int i, any = 0;

	snprintf(c, sizeof(c), "%03d", code);
	for (i = 0; i < s->nexpects; i++) {
		const char *p = s->expects[i].codes;

		if (strcmp(smtp_phases[s->expects[i].phase], phase) != 0)
			continue;
		any = 1;
		while (*p) {
			int k, ok = 1;

			for (k = 0; k < 3; k++)
				if (p[k] != 'x' && p[k] != 'X' && p[k] != c[k])
					ok = 0;
			if (ok)
				return 1;
			p += 3;
			if (*p == ',')
				p++;
		}
	}
	return any ? 0 : -1;
}

static int
smtp_option(void *ctx, int id, const char *arg, struct err *e)
{
	struct smtp_check *s = ctx;
	long v;

	switch (id) {
	case 'F':
		if (arg[0] == '\0' || strpbrk(arg, " \r\n"))
			return err_set(e, ERR_USAGE, "--helo needs a name without blanks");
		s->helo = arg;
		return 0;
	case 'e':
		/* "" would be found in any reply: a check that cannot fail */
		if (arg[0] == '\0')
			return err_set(e, ERR_USAGE, "-e needs a string to expect, not an "
			    "empty one");
		s->expect = arg;
		return 0;
	case 'f':
		/* -f '' is the null sender <> (bounces), as without -f */
		if (strpbrk(arg, "<> \r\n"))
			return err_set(e, ERR_USAGE, "--from takes a bare address, without <> or blanks");
		s->from = arg;
		return 0;
	case OPT_RCPT:
		if (arg[0] == '\0' || strpbrk(arg, "<> \r\n"))
			return err_set(e, ERR_USAGE, "--rcpt takes a bare address, without <> or blanks");
		if (s->nrcpt >= SMTP_RCPT_MAX)
			return err_set(e, ERR_USAGE, "at most %d --rcpt", SMTP_RCPT_MAX);
		s->rcpt[s->nrcpt++] = arg;
		return 0;
	case OPT_NO_DATA:
		s->no_data = 1;
		return 0;
	case OPT_RELAY_TEST:
		if (strpbrk(arg, "<> \r\n") || strchr(arg, '@') == NULL || arg[0] == '@' ||
		    strchr(arg, '@')[1] == '\0')
			return err_set(e, ERR_USAGE, "--relay-test takes a bare address "
			    "(user@domain), without <> or blanks");
		s->relay_test = arg;
		return 0;
	case OPT_HEADER: {
		const char *colon = strchr(arg, ':'), *q;

		if (colon == NULL || colon == arg || strpbrk(arg, "\r\n"))
			return err_set(e, ERR_USAGE, "--header needs NAME:VALUE on one line");
		for (q = arg; q < colon; q++)
			if (*q <= ' ' || *q > '~')
				return err_set(e, ERR_USAGE, "--header: invalid header name");
		if (s->nheaders >= SMTP_HEADERS_MAX)
			return err_set(e, ERR_USAGE, "at most %d --header", SMTP_HEADERS_MAX);
		s->headers[s->nheaders++] = arg;
		return 0;
	}
	case OPT_BODY_FILE:
		if (arg[0] == '\0')
			return err_set(e, ERR_USAGE, "--body-file needs a file name, not an "
			    "empty string");
		s->body_file = arg;
		return 0;
	case OPT_SIZE:
		if (opts_int("--size", arg, 0, SMTP_BODY_MAX, &v, e) < 0)
			return -1;
		s->size = v;
		return 0;
	case 'A':
		if (strcasecmp(arg, "PLAIN") != 0 && strcasecmp(arg, "LOGIN") != 0)
			return err_set(e, ERR_USAGE, "--authtype must be PLAIN or LOGIN");
		s->authtype = strcasecmp(arg, "PLAIN") == 0 ? "PLAIN" : "LOGIN";
		return 0;
	case OPT_NO_PIPELINING:
		s->no_pipelining = 1;
		return 0;
	case OPT_REQUIRE_EXT:
		if (arg[0] == '\0')
			return err_set(e, ERR_USAGE, "--require-ext needs a list of extensions");
		s->require_ext = arg;
		return 0;
	case OPT_EXPECT_REPLY:
		return smtp_expect_parse(s, arg, e);
	case 'C':
		if (arg[0] == '\0')
			return err_set(e, ERR_USAGE, "-C needs a command, not an empty string");
		if (s->ncmds >= SMTP_CMDS_MAX || strpbrk(arg, "\r\n"))
			return err_set(e, ERR_USAGE, "-C: at most %d one-line commands", SMTP_CMDS_MAX);
		s->cmds[s->ncmds++] = arg;
		return 0;
	case 'R': {
		regex_t re;

		if (arg[0] == '\0')
			return err_set(e, ERR_USAGE, "-R needs a regular expression, not an "
			    "empty string");
		if (s->nresps >= SMTP_CMDS_MAX)
			return err_set(e, ERR_USAGE, "-R: at most %d", SMTP_CMDS_MAX);
		if (regcomp(&re, arg, REG_EXTENDED | REG_NOSUB) != 0)
			return err_set(e, ERR_USAGE, "-R: invalid regular expression '%.64s'", arg);
		regfree(&re);
		s->resps[s->nresps++] = arg;
		return 0;
	}
	case 'L':
		s->lmtp = 1;
		return 0;
	case OPT_MX:
		if (arg[0] == '\0' || strpbrk(arg, " /@"))
			return err_set(e, ERR_USAGE, "--mx needs a domain name");
		if (opts_hostname("--mx", arg, e) < 0)
			return -1;
		s->mx_domain = arg;
		return 0;
	case OPT_ALL_MX:
		s->all_mx = 1;
		return 0;
	case OPT_MTA_STS:
		s->mta_sts = 1;
		return 0;
	case OPT_MTA_STS_PORT:
		return opts_int("--mta-sts-port", arg, 1, 65535, &s->mta_sts_port, e);
	case OPT_TLS_RPT:
		s->tls_rpt = 1;
		return 0;
	case OPT_COUNT:
		return opts_int("--count", arg, 1, 1000000, &s->count, e);
	case OPT_PARALLEL:
		return opts_int("--parallel", arg, 1, 256, &s->parallel, e);
	case OPT_INTERVAL:
		return opts_seconds("--interval", arg, &s->interval, e);
	case 'q':
		return 0;
	default:
		return err_set(e, ERR_INTERNAL, "unhandled option %d", id);
	}
}

/* ------------------------------------------------------------ helpers */

/* ERR_REJECTED with our words (FMT) and the last reply as the server's
 * words; CODE decides the state (4xx WARNING, else CRITICAL). Returns -1. */
static int
smtp_reply_error(struct smtp_check *s, struct err *e, int code, const char *fmt, ...)
{
	char tmp[ERR_REPLY_MAX];
	va_list ap;

	err_clear(e);
	e->kind = ERR_REJECTED;
	e->reply_code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	snprintf(tmp, sizeof(tmp), "%d %.*s", s->reply.code, (int)s->reply.len, s->reply.text);
	err_set_reply(e, tmp, strlen(tmp));
	return -1;
}

/* The last reply as an error about WHAT: ERR_REJECTED with its code. */
static int
smtp_rejected(struct smtp_check *s, const char *what, struct err *e)
{
	if (s->reply.code == 421)
		return smtp_reply_error(s, e, 421, "service not available (421) in phase %s",
		    phase_current(&s->p.phases));
	return smtp_reply_error(s, e, s->reply.code, "%s rejected", what);
}

/* Judge the last reply in PHASE to WHAT: OK when it is one of the codes
 * the protocol wants (first digit in OKDIGITS) and no --expect-reply says
 * otherwise. Returns 0 to go on, 1 when an expected refusal ends the
 * transaction (OK), -1 with *e set. */
static int
smtp_judge(struct smtp_check *s, const char *phase, const char *what,
    const char *okdigits, struct err *e)
{
	int x = smtp_expected(s, phase, s->reply.code);
	int good = strchr(okdigits, '0' + s->reply.code / 100) != NULL;

	if (x == 1 && good)
		return 0;
	if (x == 1) {
		result_detail(&s->p.res, "%s refused as expected: %d %.*s", what,
		    s->reply.code, (int)smtp_reply_line1_len(&s->reply), s->reply.text);
		s->stop = 1;
		return 1;
	}
	if (x == 0) {
		int i;

		for (i = 0; i < s->nexpects; i++)
			if (strcmp(smtp_phases[s->expects[i].phase], phase) == 0)
				break;
		/* an unexpected answer is CRITICAL, whatever its class */
		return smtp_reply_error(s, e, 500, "%s answered %d but %s was expected",
		    what, s->reply.code, s->expects[i].codes);
	}
	if (good)
		return 0;
	return smtp_rejected(s, what, e);
}

/* Read a reply that may be one of a pipelined group. */
static int
smtp_read_reply_p(struct smtp_check *s, struct err *e)
{
	if (s->pending > 0)
		s->pending--;
	return smtp_read_reply(&s->p.conn, &s->reply, e);
}

/* After a failure inside a pipelined group, read the replies still on
 * their way so that QUIT gets its own reply. Returns -1 when the session
 * must be dropped instead (a 354 we did not ask for: hanging up is the
 * only way to deliver nothing, RFC 5321 §3.3). Best effort: errors here
 * add nothing to the verdict. */
static int
smtp_drain(struct smtp_check *s)
{
	struct err e;

	err_clear(&e);
	while (s->pending > 0) {
		if (smtp_read_reply_p(s, &e) < 0)
			return -1;
		if (s->pending == 0 && s->reply.code == 354)
			return -1;
	}
	return 0;
}

/* "MAIL FROM:<sender>" (-f, else the null sender) into CMD. */
static void
smtp_mail_cmd(const struct smtp_check *s, char *cmd, size_t cap)
{
	snprintf(cmd, cap, "MAIL FROM:<%s>", s->from ? s->from : "");
}

static int
smtp_cmd(struct smtp_check *s, const char *cmd, struct err *e)
{
	if (conn_send_line(&s->p.conn, cmd, e) < 0)
		return -1;
	return smtp_read_reply(&s->p.conn, &s->reply, e);
}

/* ------------------------------------------------------------ the steps */

/* The default EHLO name: the PTR name of our own address when DNS is in use
 * anyway (--dns-server, --fcrdns, --mx), else this host's FQDN, else the
 * address literal of our end of the connection (RFC 5321 §4.1.3). */
static void
smtp_default_helo(struct smtp_check *s)
{
	char host[256];

	if (s->p.use_ldns || s->p.fcrdns) {
		char names[DNS_PTR_MAX][DNS_NAME_MAX];
		struct deadline sub = s->p.dl;
		struct err e;
		int n = 0;

		/* at most a second of the run for a nicety */
		if (sub.end_us - deadline_now_us() > 1000000)
			sub.end_us = deadline_now_us() + 1000000;
		err_clear(&e);
		if (plugin_dns(&s->p, &e) && dns_ptr(s->p.dns, &s->p.peer.local, &sub,
		    names, DNS_PTR_MAX, &n, &e) == 0 && n > 0 && strchr(names[0], '.')) {
			snprintf(s->helo_buf, sizeof(s->helo_buf), "%.255s", names[0]);
			s->helo = s->helo_buf;
			return;
		}
	}
	memset(host, 0, sizeof(host));
	if (gethostname(host, sizeof(host) - 1) == 0 && strchr(host, '.') != NULL)
		snprintf(s->helo_buf, sizeof(s->helo_buf), "%s", host);
	else if (s->p.peer.local.family == AF_INET6)
		snprintf(s->helo_buf, sizeof(s->helo_buf), "[IPv6:%s]", s->p.peer.local.text);
	else
		snprintf(s->helo_buf, sizeof(s->helo_buf), "[%s]", s->p.peer.local.text);
	s->helo = s->helo_buf;
}

static int
smtp_step_connect(struct smtp_check *s, struct err *e)
{
	if (plugin_connect(&s->p, e) < 0)
		return -1;
	if (s->p.tls_untrusted)
		s->stop = 1;
	if (s->helo == NULL)
		smtp_default_helo(s);
	return 0;
}

static int
smtp_step_banner(struct smtp_check *s, struct err *e)
{
	int rc;

	phase_begin(&s->p.phases, "banner");
	if (smtp_read_reply(&s->p.conn, &s->reply, e) < 0)
		return -1;
	s->greeted = 1;
	err_sanitize(s->banner, sizeof(s->banner), s->reply.text,
	    smtp_reply_line1_len(&s->reply));
	sbuf_addn(&s->seen, s->reply.text, s->reply.len);
	sbuf_addc(&s->seen, '\n');
	if (s->p.fcrdns && s->p.ptr_name[0]) {
		size_t n = strcspn(s->banner, " ");

		if (strlen(s->p.ptr_name) != n || strncasecmp(s->banner, s->p.ptr_name, n) != 0)
			result_problem(&s->p.res, STATE_WARNING, "%s: the banner names %.*s, but "
			    "the PTR of %s is %s", s->p.target, (int)n, s->banner,
			    s->p.peer.remote.text, s->p.ptr_name);
	}
	rc = smtp_judge(s, "banner", "banner", "2", e);
	if (rc == 0 && s->reply.code != 220)
		return smtp_rejected(s, "banner", e);
	return rc < 0 ? -1 : 0;
}

/* Bytes the server sent after its banner, before our first EHLO: a reply
 * to no command (RFC 5321 §4.3.1: after the greeting it is the client's
 * turn). Read on, it would be taken as EHLO's reply and every later reply
 * as the one before it, so it is a protocol violation, quoted from its
 * first line. Only what is already buffered counts: a banner of several
 * lines is one reply, read whole by smtp_read_reply. Returns -1. */
static int
smtp_unsolicited(struct smtp_check *s, struct err *e)
{
	size_t n = conn_buffered(&s->p.conn), have, l1;
	const char *b = conn_peek(&s->p.conn, &have);
	const char *nl = memchr(b, '\n', have);

	l1 = nl ? (size_t)(nl - b) : have;
	if (l1 > 0 && b[l1 - 1] == '\r')
		l1--;
	if (have > 0)
		conn_log(&s->p.conn, "S: ", b, l1);
	err_set(e, ERR_PROTO, "server sent %zu unsolicited bytes after the banner, "
	    "before our %s", n, s->lmtp ? "LHLO" : "EHLO");
	if (l1 > 0)
		err_set_reply(e, b, l1);
	conn_discard(&s->p.conn);
	return -1;
}

static int
smtp_step_ehlo(struct smtp_check *s, const char *phase, struct err *e)
{
	char cmd[400];
	int rc;

	/* the first EHLO: nothing may have come after the banner (after
	 * STARTTLS plugin_upgrade has made sure of it before the handshake) */
	if (strcmp(phase, "ehlo") == 0 && conn_buffered(&s->p.conn) > 0)
		return smtp_unsolicited(s, e);
	phase_begin(&s->p.phases, phase);
	snprintf(cmd, sizeof(cmd), "%s %s", s->lmtp ? "LHLO" : "EHLO", s->helo);
	if (smtp_cmd(s, cmd, e) < 0)
		return -1;
	if (!s->lmtp && (s->reply.code == 500 || s->reply.code == 502)) {
		/* RFC 5321 §3.2: an old server; fall back to HELO */
		s->used_helo = 1;
		snprintf(cmd, sizeof(cmd), "HELO %s", s->helo);
		if (smtp_cmd(s, cmd, e) < 0)
			return -1;
		rc = smtp_judge(s, "ehlo", "HELO", "2", e);
		memset(&s->ext, 0, sizeof(s->ext));
		return rc < 0 ? -1 : 0;
	}
	rc = smtp_judge(s, "ehlo", s->lmtp ? "LHLO" : "EHLO", "2", e);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	s->used_helo = 0;
	if (smtp_ehlo_parse(&s->reply, &s->ext, e) < 0)
		return -1;
	sbuf_addn(&s->seen, s->reply.text, s->reply.len);
	return 0;
}

static int
smtp_step_starttls(struct smtp_check *s, struct err *e)
{
	int rc;

	phase_begin(&s->p.phases, "starttls");
	if (!(s->ext.flags & SMTP_EXT_STARTTLS) && s->sts && s->sts->policy) {
		/* the MTA-STS mode says what this weighs (RFC 8461 §5) */
		if (s->sts->fail == STATE_OK)
			result_detail(&s->p.res, "%s: STARTTLS not offered (MTA-STS mode none: "
			    "not enforced)", s->p.target);
		else
			result_problem(&s->p.res, s->sts->fail, "%s: STARTTLS not offered, "
			    "which the MTA-STS policy requires (mode %s)", s->p.target,
			    mtasts_mode_name(s->sts->pol.mode));
		s->stop = 1;
		return 0;
	}
	if (!(s->ext.flags & SMTP_EXT_STARTTLS)) {
		err_clear(e);
		return err_set(e, ERR_MISSING_FEATURE, "STARTTLS not offered%s%s",
		    s->used_helo ? " (server refused EHLO)" : "",
		    s->p.require_tls ? " (--require-tls)" : "");
	}
	if (smtp_cmd(s, "STARTTLS", e) < 0)
		return -1;
	rc = smtp_judge(s, "starttls", "STARTTLS", "2", e);
	if (rc < 0 && e->kind == ERR_REJECTED)
		e->reply_code = 0;   /* -S asked for TLS: no TLS is CRITICAL, even 454 */
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if (s->reply.code != 220)
		return smtp_rejected(s, "STARTTLS", e);
	if (plugin_upgrade(&s->p, e) < 0)
		return -1;
	if (s->p.tls_untrusted) {
		s->stop = 1;   /* do not go on over a connection we cannot trust */
		return 0;
	}
	/* RFC 3207 §4.2: forget what we knew, ask again */
	memset(&s->ext, 0, sizeof(s->ext));
	if (smtp_step_ehlo(s, "starttls", e) < 0)
		return -1;
	return 0;
}

/* --require-tls, before STARTTLS: what the plaintext session invites.
 * STARTTLS itself missing is found by the STARTTLS step (-S is implied). */
static int
smtp_step_posture(struct smtp_check *s, struct err *e)
{
	char cmd[CONN_LINE_MAX];

	if (s->ext.flags & SMTP_EXT_AUTH)
		result_problem(&s->p.res, STATE_WARNING, "%s: AUTH is offered before "
		    "STARTTLS (AUTH %s): passwords may be sent in clear", s->p.target,
		    s->ext.auth[0] ? s->ext.auth : "");
	else
		result_detail(&s->p.res, "no AUTH before STARTTLS");
	if (s->p.port != 587 && !s->want_auth)
		return 0;
	/* a submission port: mail must not be taken before TLS */
	smtp_mail_cmd(s, cmd, sizeof(cmd));
	if (smtp_cmd(s, cmd, e) < 0)
		return -1;
	if (s->reply.code / 100 == 2) {
		result_problem(&s->p.res, STATE_WARNING, "%s: MAIL FROM accepted before "
		    "STARTTLS %s (%d %.*s)", s->p.target, s->p.port == 587 ?
		    "on the submission port" : "where users log in (-U)", s->reply.code,
		    (int)smtp_reply_line1_len(&s->reply), s->reply.text);
		if (smtp_cmd(s, "RSET", e) < 0)
			return -1;
	} else if (s->reply.code == 421) {
		return smtp_rejected(s, "MAIL FROM", e);
	} else {
		result_detail(&s->p.res, "MAIL FROM before STARTTLS refused: %d %.*s",
		    s->reply.code, (int)smtp_reply_line1_len(&s->reply), s->reply.text);
	}
	return 0;
}

/* --relay-test ADDR: without authentication, a recipient in a foreign
 * domain must be refused. RSET afterwards, so nothing is ever sent. */
static int
smtp_step_relay(struct smtp_check *s, struct err *e)
{
	char cmd[CONN_LINE_MAX];
	int code;

	phase_begin(&s->p.phases, "relay");
	smtp_mail_cmd(s, cmd, sizeof(cmd));
	if (smtp_cmd(s, cmd, e) < 0)
		return -1;
	if (s->reply.code == 421)
		return smtp_rejected(s, "MAIL FROM", e);
	if (s->reply.code / 100 != 2) {
		result_problem(&s->p.res, STATE_WARNING, "%s: relay test not possible: "
		    "%s answered %d %.*s", s->p.target, cmd, s->reply.code,
		    (int)smtp_reply_line1_len(&s->reply), s->reply.text);
		return smtp_cmd(s, "RSET", e) < 0 ? -1 : 0;
	}
	snprintf(cmd, sizeof(cmd), "RCPT TO:<%s>", s->relay_test);
	if (smtp_cmd(s, cmd, e) < 0)
		return -1;
	code = s->reply.code;
	if (code == 421)
		return smtp_rejected(s, "RCPT TO", e);
	/* 501: the address itself was refused (syntax), not the relaying */
	s->relay_refused = code / 100 == 5 && code != 501;
	if (s->relay_refused)
		result_detail(&s->p.res, "relay test: RCPT TO <%s> refused without "
		    "authentication: %d %.*s", s->relay_test, code,
		    (int)smtp_reply_line1_len(&s->reply), s->reply.text);
	else if (code / 100 == 2)
		result_problem(&s->p.res, STATE_CRITICAL, "%s: open relay: RCPT TO <%s> "
		    "accepted without authentication (%d %.*s)", s->p.target, s->relay_test,
		    code, (int)smtp_reply_line1_len(&s->reply), s->reply.text);
	else
		result_problem(&s->p.res, STATE_WARNING, "%s: relay test inconclusive: "
		    "RCPT TO <%s> answered %d %.*s", s->p.target, s->relay_test, code,
		    (int)smtp_reply_line1_len(&s->reply), s->reply.text);
	if (smtp_cmd(s, "RSET", e) < 0)
		return -1;
	return 0;
}

static int
smtp_step_auth(struct smtp_check *s, struct err *e)
{
	const char *mech = s->authtype;
	char enc[B64_ENCODED_SIZE(1024)], cmd[sizeof(enc) + 32];
	size_t ul = strlen(s->p.authuser), pl = strlen(s->p.authpass);
	int rc = -1;

	phase_begin(&s->p.phases, "auth");
	if (!(s->ext.flags & SMTP_EXT_AUTH))
		return err_set(e, ERR_MISSING_FEATURE, "AUTH not offered%s",
		    (s->p.tls != NULL) ? "" : " before STARTTLS");
	if (mech == NULL)
		mech = smtp_ext_auth_has(&s->ext, "PLAIN") ? "PLAIN" : "LOGIN";
	if (!smtp_ext_auth_has(&s->ext, mech))
		return err_set(e, ERR_MISSING_FEATURE, "AUTH %s not offered (offered: %s)",
		    mech, s->ext.auth[0] ? s->ext.auth : "none");
	if (ul + pl + 2 > 1000)
		return err_set(e, ERR_USAGE, "user name and password too long");
	if (strcmp(mech, "PLAIN") == 0) {
		/* RFC 4616: authzid NUL authcid NUL passwd, as the initial response */
		b64_sasl_plain(s->p.authuser, s->p.authpass, enc, sizeof(enc));
		snprintf(cmd, sizeof(cmd), "AUTH PLAIN %s", enc);
		if (conn_send_secret(&s->p.conn, cmd, strlen("AUTH PLAIN "), e) < 0 ||
		    smtp_read_reply(&s->p.conn, &s->reply, e) < 0)
			goto out;
		if (s->reply.code == 334) {
			/* a server that ignores the initial response asks again */
			if (conn_send_secret(&s->p.conn, enc, 0, e) < 0 ||
			    smtp_read_reply(&s->p.conn, &s->reply, e) < 0)
				goto out;
		}
	} else {
		if (smtp_cmd(s, "AUTH LOGIN", e) < 0)
			goto out;
		if (s->reply.code == 334) {
			/* every AUTH payload is masked, the user name too (SPEC §2) */
			b64_encode(s->p.authuser, ul, enc, sizeof(enc));
			if (conn_send_secret(&s->p.conn, enc, 0, e) < 0 ||
			    smtp_read_reply(&s->p.conn, &s->reply, e) < 0)
				goto out;
		}
		if (s->reply.code == 334) {
			b64_encode(s->p.authpass, pl, enc, sizeof(enc));
			if (conn_send_secret(&s->p.conn, enc, 0, e) < 0 ||
			    smtp_read_reply(&s->p.conn, &s->reply, e) < 0)
				goto out;
		}
	}
	if (s->reply.code == 535 && smtp_expected(s, "auth", 535) != 1) {
		smtp_reply_error(s, e, 535, "authentication failed for %.128s (AUTH %s)",
		    s->p.authuser, mech);
		goto out;
	}
	snprintf(cmd, sizeof(cmd), "AUTH %s", mech);
	rc = smtp_judge(s, "auth", cmd, "2", e);
	if (rc == 0)
		result_detail(&s->p.res, "authenticated as %s with AUTH %s", s->p.authuser, mech);
	rc = rc < 0 ? -1 : 0;
out:
	explicit_bzero(enc, sizeof(enc));
	explicit_bzero(cmd, sizeof(cmd));
	return rc;
}

/* check_smtp's -C/-R pairs: a mismatch is WARNING, the session goes on. */
static int
smtp_step_commands(struct smtp_check *s, struct err *e)
{
	int i;

	for (i = 0; i < s->ncmds; i++) {
		if (smtp_cmd(s, s->cmds[i], e) < 0)
			return -1;
		if (i < s->nresps) {
			regex_t re;
			char line[CONN_LINE_MAX + 8];

			snprintf(line, sizeof(line), "%d %.*s", s->reply.code,
			    (int)smtp_reply_line1_len(&s->reply), s->reply.text);
			if (regcomp(&re, s->resps[i], REG_EXTENDED | REG_NOSUB) == 0) {
				if (regexec(&re, line, 0, NULL, 0) != 0)
					result_problem(&s->p.res, STATE_WARNING,
					    "%s: reply '%s' to '%s' does not match '%s'",
					    s->p.target, line, s->cmds[i], s->resps[i]);
				regfree(&re);
			}
		}
	}
	return 0;
}

/* MAIL and every RCPT, pipelined when offered (RFC 2920), then DATA on its
 * own once a recipient was accepted: DATA inside the group would be
 * answered 354 even when every RCPT was refused, and the only way out of
 * that is to hang up. */
static int
smtp_step_envelope(struct smtp_check *s, struct err *e)
{
	char cmd[CONN_LINE_MAX];
	int pipe = (s->ext.flags & SMTP_EXT_PIPELINING) && !s->no_pipelining;
	int i, rc;

	phase_begin(&s->p.phases, "mail");
	smtp_mail_cmd(s, cmd, sizeof(cmd));
	if (pipe) {
		struct sbuf group;

		sbuf_init(&group);
		conn_log(&s->p.conn, "C: ", cmd, strlen(cmd));
		sbuf_printf(&group, "%s\r\n", cmd);
		for (i = 0; i < s->nrcpt; i++) {
			snprintf(cmd, sizeof(cmd), "RCPT TO:<%s>", s->rcpt[i]);
			conn_log(&s->p.conn, "C: ", cmd, strlen(cmd));
			sbuf_printf(&group, "%s\r\n", cmd);
		}
		rc = group.failed ? err_set(e, ERR_INTERNAL, "out of memory") :
		    conn_write(&s->p.conn, group.s, group.len, e);
		sbuf_free(&group);
		if (rc < 0)
			return -1;
		s->pending = 1 + s->nrcpt;
	} else if (conn_send_line(&s->p.conn, cmd, e) < 0) {
		return -1;
	}
	if (smtp_read_reply_p(s, e) < 0)
		return -1;
	smtp_mail_cmd(s, cmd, sizeof(cmd));
	rc = smtp_judge(s, "mail", cmd, "2", e);
	if (rc != 0)
		return rc < 0 ? -1 : 0;   /* with PIPELINING the RCPTs are refused too */

	/* with PIPELINING the server answers the whole group at once, so its
	 * time for the RCPTs mostly shows in `mail` */
	phase_begin(&s->p.phases, "rcpt");
	for (i = 0; i < s->nrcpt; i++) {
		snprintf(cmd, sizeof(cmd), "RCPT TO:<%s>", s->rcpt[i]);
		if ((!pipe && conn_send_line(&s->p.conn, cmd, e) < 0) ||
		    smtp_read_reply_p(s, e) < 0)
			return -1;
		rc = smtp_judge(s, "rcpt", cmd, "2", e);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			s->rcpt_ok++;
			s->rcpt_acc[i] = 1;
		}
	}
	if (s->no_data || s->stop || s->rcpt_ok == 0)
		return 0;

	phase_begin(&s->p.phases, "data");
	if (smtp_cmd(s, "DATA", e) < 0)
		return -1;
	rc = smtp_judge(s, "data", "DATA", "3", e);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if (s->reply.code != 354)
		return smtp_rejected(s, "DATA", e);
	return 0;
}

/* Build the message: headers, token, body, padding; CRLF, dot-stuffed. */
static int
smtp_build_message(struct smtp_check *s, struct err *e)
{
	struct sbuf raw;
	unsigned char rnd[8];
	char date[64], *line;
	time_t now = time(NULL);
	struct tm tm;
	int i;

	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return err_set(e, ERR_INTERNAL, "no random bytes for the token");
	snprintf(s->token, sizeof(s->token), "mp-%lld-%02x%02x%02x%02x%02x%02x%02x%02x",
	    (long long)now, rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]);
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	sbuf_init(&raw);
	sbuf_printf(&raw, "Date: %s\n", date);
	sbuf_printf(&raw, "From: <%s>\n", s->from && *s->from ? s->from : "mailprobe@invalid");
	sbuf_add(&raw, "To: ");
	for (i = 0; i < s->nrcpt; i++)
		sbuf_printf(&raw, "%s<%s>", i ? ", " : "", s->rcpt[i]);
	sbuf_printf(&raw, "\nSubject: mailprobe test %s\n", s->token);
	sbuf_printf(&raw, "Message-ID: <%s@%s>\n", s->token,
	    s->helo && s->helo[0] != '[' ? s->helo : "mailprobe.invalid");
	sbuf_add(&raw, "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n");
	sbuf_printf(&raw, "X-Mailer: %s %s (check_smtp_tx)\n", PACKAGE_NAME, PACKAGE_VERSION);
	for (i = 0; i < s->nheaders; i++)
		sbuf_printf(&raw, "%s\n", s->headers[i]);
	sbuf_printf(&raw, "\nThis message was sent by check_smtp_tx (mailprobe) to prove "
	    "that this server accepts mail.\nToken: %s\n", s->token);
	if (s->body_file) {
		/* a FIFO is refused, not waited for (opts_open_file) */
		if (opts_read_file("--body-file", s->body_file, (size_t)SMTP_BODY_MAX,
		    &raw, e) < 0) {
			sbuf_free(&raw);
			return -1;
		}
		if (raw.len && raw.s[raw.len - 1] != '\n')
			sbuf_addc(&raw, '\n');
	}
	while ((long)raw.len < s->size) {
		/* 76 characters a line, well under the 998 of RFC 5322 */
		sbuf_add(&raw, "mailprobe padding ..........................................................\n");
	}
	if (raw.failed) {
		sbuf_free(&raw);
		return err_set(e, ERR_INTERNAL, "out of memory building the message");
	}
	/* CRLF line endings, leading dots doubled (RFC 5321 §4.5.2) */
	sbuf_reset(&s->msg);
	for (line = raw.s; line && *line;) {
		char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);

		if (n > 0 && line[n - 1] == '\r')
			n--;
		if (line[0] == '.')
			sbuf_addc(&s->msg, '.');
		sbuf_addn(&s->msg, line, n);
		sbuf_add(&s->msg, "\r\n");
		line = nl ? nl + 1 : NULL;
	}
	sbuf_add(&s->msg, ".\r\n");
	sbuf_free(&raw);
	return s->msg.failed ? err_set(e, ERR_INTERNAL, "out of memory") : 0;
}

static void
smtp_queue_id(struct smtp_check *s)
{
	const char *t = s->reply.text, *p;
	size_t n;

	if ((p = strstr(t, "queued as ")) != NULL)
		p += 10;
	else if ((p = strstr(t, "id=")) != NULL)
		p += 3;
	else
		return;
	n = strcspn(p, " \n;,()<>");
	if (n > 0 && n < sizeof(s->queue_id)) {
		memcpy(s->queue_id, p, n);
		s->queue_id[n] = '\0';
	}
}

/* LMTP (RFC 2033 §4.2): after the final dot one reply for each accepted
 * recipient, in the order of the RCPTs. Each is judged like a RCPT's reply
 * (in phase datasent, for --expect-reply), naming the recipient; when one
 * fails, those still on their way are left to smtp_drain (s->pending). */
static int
smtp_lmtp_replies(struct smtp_check *s, struct err *e)
{
	char what[CONN_LINE_MAX];
	int i, rc, first = 1;

	s->pending = s->rcpt_ok;
	for (i = 0; i < s->nrcpt; i++) {
		if (!s->rcpt_acc[i])
			continue;
		if (smtp_read_reply_p(s, e) < 0)
			return -1;
		snprintf(what, sizeof(what), "message for <%s>", s->rcpt[i]);
		rc = smtp_judge(s, "datasent", what, "2", e);
		if (rc != 0)
			return rc < 0 ? -1 : 0;
		if (first)
			smtp_queue_id(s);
		first = 0;
		result_detail(&s->p.res, "message accepted for <%s>: %d %.*s", s->rcpt[i],
		    s->reply.code, (int)smtp_reply_line1_len(&s->reply), s->reply.text);
	}
	result_detail(&s->p.res, "token: %s", s->token);
	return 0;
}

static int
smtp_step_data(struct smtp_check *s, struct err *e)
{
	int rc;

	phase_begin(&s->p.phases, "datasent");
	if (s->p.conn.transcript)
		sbuf_printf(s->p.conn.transcript, "C: [message: %zu bytes, token %s]\nC: .\n",
		    s->msg.len, s->token);
	{
		struct sbuf *t = s->p.conn.transcript;

		s->p.conn.transcript = NULL;   /* the body is summarised above */
		rc = conn_write(&s->p.conn, s->msg.s, s->msg.len, e);
		s->p.conn.transcript = t;
	}
	if (rc < 0)
		return -1;
	if (s->lmtp)
		return smtp_lmtp_replies(s, e);
	if (smtp_read_reply(&s->p.conn, &s->reply, e) < 0)
		return -1;
	rc = smtp_judge(s, "datasent", "message", "2", e);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	smtp_queue_id(s);
	result_detail(&s->p.res, "message accepted: %d %.*s", s->reply.code,
	    (int)smtp_reply_line1_len(&s->reply), s->reply.text);
	result_detail(&s->p.res, "token: %s", s->token);
	return 0;
}

/* A session abandoned before its banner was read (implicit TLS whose
 * certificate failed verification): read the greeting now, within a second
 * at most and without judging it, so that QUIT gets its own reply. Returns
 * -1 when it did not come: then QUIT is not sent. */
static int
smtp_greeting_quiet(struct smtp_check *s)
{
	struct deadline sub;
	const struct deadline *keep = s->p.conn.dl;
	struct err e;
	int rc;

	phase_begin(&s->p.phases, "banner");
	deadline_cap(&sub, &s->p.dl, 1000000);
	err_clear(&e);
	s->p.conn.dl = &sub;
	rc = smtp_read_reply(&s->p.conn, &s->reply, &e);
	s->p.conn.dl = keep;
	if (rc < 0)
		return -1;
	s->greeted = 1;
	err_sanitize(s->banner, sizeof(s->banner), s->reply.text,
	    smtp_reply_line1_len(&s->reply));
	return 0;
}

static int
smtp_step_quit(struct smtp_check *s, struct err *e)
{
	phase_begin(&s->p.phases, "quit");
	if (smtp_cmd(s, "QUIT", e) < 0) {
		if (e->kind == ERR_CLOSED) {
			/* like check_smtp -q: a server that hangs up on QUIT is fine */
			result_detail(&s->p.res, "server closed the connection before "
			    "answering QUIT");
			err_clear(e);
			return 0;
		}
		return -1;
	}
	if (s->reply.code != 221)
		result_detail(&s->p.res, "QUIT answered %d (expected 221)", s->reply.code);
	return 0;
}

/* The OK summary: what was proven, with the figures that matter. */
static void
smtp_summary(struct smtp_check *s)
{
	struct sbuf t;

	sbuf_init(&t);
	if (s->stop && s->nexpects)
		sbuf_add(&t, "refused as expected");
	else if (s->nrcpt && !s->no_data)
		sbuf_printf(&t, "message accepted%s%s", s->queue_id[0] ? ", queued as " : "",
		    s->queue_id);
	else if (s->nrcpt)
		sbuf_printf(&t, "%d of %d recipients accepted (no data sent)", s->rcpt_ok,
		    s->nrcpt);
	else
		sbuf_printf(&t, "%s accepted", s->lmtp ? "LHLO" : s->used_helo ? "HELO" : "EHLO");
	sbuf_printf(&t, " in %.3f s", deadline_elapsed(&s->p.dl));
	plugin_tls_summary(&s->p, "STARTTLS", &t);
	if (s->p.authuser && s->p.authpass)
		sbuf_printf(&t, ", authenticated as %s", s->p.authuser);
	if (s->relay_refused)
		sbuf_printf(&t, ", relaying to %s refused", s->relay_test);
	result_ok(&s->p.res, "%s: %s: %s", s->p.target, sbuf_str(&t), s->banner);
	sbuf_free(&t);
}

static void
smtp_setup(struct smtp_check *s)
{
	s->p.name = "check_smtp_tx";
	s->p.service = "SMTP";
	s->p.synopsis = "-H HOST [-p PORT] [-S|-s] [-A PLAIN|LOGIN -U USER "
	    "(-P PASS|--authfile FILE)] [-f FROM --rcpt RCPT...] [-D WARN[,CRIT]] "
	    "[-w RANGE] [-c RANGE] [-t SEC[:STATE]] [-v] ...";
	s->p.description =
	    "Checks an SMTP server the way a person would in telnet or openssl "
	    "s_client: connect (implicit TLS with -s), read the banner, EHLO (HELO "
	    "when EHLO is refused), STARTTLS and EHLO again (-S), AUTH (-A/-U), "
	    "MAIL FROM, RCPT TO, DATA with a generated test message and QUIT. "
	    "Every phase is timed (perfdata: connect tls banner ehlo starttls auth "
	    "mail rcpt data datasent quit, and the total as time), thresholded, and "
	    "named when it fails.\n"
	    "check_smtp command lines keep working: -H -p -e -C -R -f -F -A -U -P "
	    "-L -q -s -S --sni -D -r -w -c -t -4 -6 --extra-opts -v mean what they "
	    "mean there (-D without -S or -s implies -S).";
	s->p.examples =
	    "  check_smtp_tx -H mail.example.org\n"
	    "      banner, EHLO and QUIT on port 25\n"
	    "  check_smtp_tx -H mail.example.org -S -D 30,7\n"
	    "      STARTTLS; WARNING when the certificate expires within 30 days, CRITICAL within 7\n"
	    "  check_smtp_tx -H mail.example.org -p 587 -S -A PLAIN -U probe@example.org \\\n"
	    "      --authfile /etc/nagios/probe.auth -f probe@example.org --rcpt sink@example.org\n"
	    "      a whole submission: STARTTLS, AUTH, MAIL, RCPT, DATA; the queue id is shown\n"
	    "  check_smtp_tx -H mx.example.org -f a@example.org --rcpt x@elsewhere.test \\\n"
	    "      --expect-reply rcpt=5xx\n"
	    "      open-relay test: OK when relaying is refused, CRITICAL when accepted\n"
	    "  check_smtp_tx -H 192.0.2.25 -w 2 -c 5 --critical-phase=banner=3 -t 20:WARNING\n"
	    "      thresholds on the total and on one phase; a timeout is only WARNING\n"
	    "  check_smtp_tx --mx example.org --all-mx -S --output=openmetrics\n"
	    "      every MX host, as OpenMetrics text for the node_exporter textfile\n"
	    "      collector (per-host samples labelled mx=\"HOST\"); same exit code\n"
	    "  check_smtp_tx --mx example.org --all-mx --mta-sts --tls-rpt -D 30,7\n"
	    "      mail security posture: every MX over STARTTLS, the MTA-STS policy\n"
	    "      (RFC 8461) and the TLS-RPT record (RFC 8460)\n";
	s->p.compat =
	    "  check_smtp (monitoring-plugins 2.3, 2.4, 3.0)  check_smtp_tx\n"
	    "  -H -p -4 -6 -w -c            the same (-w/-c on the total time)\n"
	    "  -t SEC[:STATE]               the same, one deadline for the whole run\n"
	    "  -e STRING                    -e: banner or EHLO reply must contain it (else WARNING)\n"
	    "  -C COMMAND -R REGEX          -C/-R: sent after EHLO; a reply not matching is WARNING\n"
	    "  -f FROM                      -f: MAIL FROM (add --rcpt for the whole transaction)\n"
	    "  -F FQDN                      -F/--helo (--fqdn too)\n"
	    "  -A LOGIN -U USER -P PASS     -A PLAIN|LOGIN -U -P (or --authfile); needs -S or -s\n"
	    "  -L                           -L: LHLO (LMTP)\n"
	    "  -q                           -q: accepted; a server hanging up on QUIT is OK anyway\n"
	    "  -s, --ssl                    -s/--tls/--ssl: implicit TLS (port 465)\n"
	    "  -S, --starttls               -S: STARTTLS\n"
	    "  --sni                        --sni[=NAME]\n"
	    "  -D WARN[,CRIT]               -D: certificate days (implies -S without -s)\n"
	    "  -r, --proxy                  -r/--proxy[=v1|v2]\n"
	    "  --extra-opts, -v             the same (-v shows the transcript)\n";
	s->p.opts = smtp_opts;
	s->p.handler = smtp_option;
	s->p.ctx = s;
	s->p.default_port = 25;
	s->p.phase_names = smtp_phases;
}

/* One whole session against s->p.host (or the addresses preset in
 * s->p.addrs), its verdict recorded in s->p.res and s->p.phases. */
static int
smtp_session(struct smtp_check *s)
{
	int64_t t0 = deadline_now_us();
	struct err e;
	int rc;

	err_clear(&e);
	rc = smtp_step_connect(s, &e);
	if (rc < 0)
		s->failed_at_connect = 1;
	if (rc == 0 && !s->stop)
		rc = smtp_step_banner(s, &e);
	if (rc == 0 && !s->stop)
		rc = smtp_step_ehlo(s, "ehlo", &e);
	if (rc == 0 && !s->stop && s->expect && !strstr(sbuf_str(&s->seen), s->expect))
		result_problem(&s->p.res, STATE_WARNING, "%s: expected '%s' not found in "
		    "the banner or EHLO reply", s->p.target, s->expect);
	if (rc == 0 && !s->stop && s->p.require_tls && !s->p.implicit_tls)
		rc = smtp_step_posture(s, &e);
	else if (rc == 0 && s->p.require_tls)
		result_detail(&s->p.res, "--require-tls: implicit TLS, nothing is said "
		    "before TLS");
	if (rc == 0 && !s->stop && s->p.starttls)
		rc = smtp_step_starttls(s, &e);
	if (rc == 0 && !s->stop && s->relay_test)
		rc = smtp_step_relay(s, &e);
	if (rc == 0 && !s->stop && s->require_ext)
		rc = caps_require(&s->ext.kw, s->require_ext, "extension", &e);
	if (rc == 0 && !s->stop && s->want_auth)
		rc = smtp_step_auth(s, &e);
	if (rc == 0 && !s->stop)
		rc = smtp_step_commands(s, &e);
	if (rc == 0 && !s->stop && s->nrcpt)
		rc = smtp_step_envelope(s, &e);
	if (rc == 0 && !s->stop && s->nrcpt && !s->no_data)
		rc = smtp_step_data(s, &e);
	if (rc == 0 && !s->stop && s->no_data)
		rc = smtp_cmd(s, "RSET", &e);
	s->failed = rc < 0 ? e.kind : ERR_NONE;
	if (rc < 0)
		plugin_fail(&s->p, &e);
	if (s->p.connected && (rc == 0 || e.kind == ERR_REJECTED ||
	    e.kind == ERR_MISSING_FEATURE)) {
		struct err qe;

		err_clear(&qe);
		if (smtp_drain(s) < 0) {
			result_detail(&s->p.res, "connection dropped without QUIT so that "
			    "the server discards the unfinished message");
		} else if (!s->greeted && smtp_greeting_quiet(s) < 0) {
			result_detail(&s->p.res, "session abandoned before the greeting "
			    "came: connection dropped without QUIT");
		} else if (rc < 0 || s->stop) {
			/* say goodbye; a failure here adds nothing to the verdict */
			if (s->stop && s->rcpt_ok)
				(void)smtp_cmd(s, "RSET", &qe);
			err_clear(&qe);
			(void)smtp_step_quit(s, &qe);
		} else if (smtp_step_quit(s, &qe) < 0) {
			plugin_fail(&s->p, &qe);
		}
	}
	phase_end(&s->p.phases);
	if (rc == 0)
		smtp_summary(s);
	if (s->p.connected) {
		if (s->banner[0])
			result_detail(&s->p.res, "banner: %s", s->banner);
		if (!s->used_helo && s->ext.kw.n > 0) {
			struct sbuf x;

			sbuf_init(&x);
			caps_join(&s->ext.kw, &x, " ");
			result_detail(&s->p.res, "%s %s: %s", s->lmtp ? "LHLO" : "EHLO",
			    s->helo, sbuf_str(&x));
			sbuf_free(&x);
		}
	}
	plugin_close(&s->p);
	s->elapsed = (double)(deadline_now_us() - t0) / 1e6;
	return rc;
}

/* A fresh session for HOST with the configuration of T (same deadline). */
static struct smtp_check *
smtp_clone(const struct smtp_check *t, const char *host,
    const struct net_addrs *addrs)
{
	struct smtp_check *c = malloc(sizeof(*c));
	int i;

	if (c == NULL)
		return NULL;
	memcpy(c, t, sizeof(*c));
	result_init(&c->p.res, c->p.service);
	sbuf_init(&c->p.json_extra);   /* the run's JSON is the parent's alone */
	for (i = 0; i < c->p.phases.n; i++) {
		c->p.phases.p[i].ran = 0;
		c->p.phases.p[i].secs = 0;
	}
	c->p.phases.cur = -1;
	sbuf_init(&c->seen);
	c->p.host = host;
	c->p.addrs = *addrs;
	c->p.have_addrs = 1;
	c->p.dns = NULL;
	c->p.tls = NULL;
	c->p.connected = 0;
	c->p.have_tls_info = 0;
	c->p.ptr_name[0] = '\0';
	smtp_reply_init(&c->reply);
	return c;
}

static void
smtp_clone_free(struct smtp_check *c)
{
	if (c == NULL)
		return;
	result_free(&c->p.res);
	sbuf_free(&c->seen);
	free(c);
}

/* ------------------------------------------------------------ MTA-STS, TLS-RPT */


/* The records of a dns_txt answer as the parsers of lib/mtasts take them.
 * Returns 1 when one was too long to be read whole: it cannot be judged. */
static int
smtp_txt_list(const struct dns_txt *t, int n, const char **rec, size_t *len)
{
	int i, truncated = 0;

	for (i = 0; i < n; i++) {
		rec[i] = t[i].text;
		len[i] = t[i].len;
		truncated |= t[i].truncated;
	}
	return truncated;
}

/* --tls-rpt (RFC 8460 §3): _smtp._tls.DOMAIN; anything amiss is WARNING. */
static void
smtp_tlsrpt(struct smtp_check *s, struct dns_txt *txt)
{
	char name[DNS_NAME_MAX + 16], why[256];
	const char *rec[DNS_TXT_MAX];
	size_t len[DNS_TXT_MAX];
	struct tlsrpt_txt rpt;
	struct err e;
	int n = 0, rc;

	err_clear(&e);
	snprintf(name, sizeof(name), "_smtp._tls.%s", s->mx_domain);
	if (dns_txt(s->p.dns, name, &s->p.dl, txt, DNS_TXT_MAX, &n, &e) < 0) {
		result_problem(&s->p.res, e.kind == ERR_TIMEOUT ? s->p.timeout_state :
		    STATE_WARNING, "cannot look up the TLS-RPT record at %s: %s", name, e.msg);
		return;
	}
	if (smtp_txt_list(txt, n, rec, len)) {
		result_problem(&s->p.res, STATE_WARNING, "a TXT record at %s is longer than "
		    "%d bytes: not read whole", name, DNS_TXT_LEN - 1);
		return;
	}
	rc = tlsrpt_txt_parse(rec, len, n, &rpt, why, sizeof(why));
	if (rc == 0)
		result_problem(&s->p.res, STATE_WARNING, "no TLS-RPT record at %s", name);
	else if (rc < 0)
		result_problem(&s->p.res, STATE_WARNING, "TLS-RPT record at %s is "
		    "invalid: %s", name, why);
	else
		result_detail(&s->p.res, "TLS-RPT %s: rua=%s", name, rpt.rua);
	sbuf_printf(&s->p.json_extra, ",\"tls_rpt\":{\"valid\":%s", rc > 0 ? "true" :
	    "false");
	if (rc > 0) {
		sbuf_add(&s->p.json_extra, ",\"rua\":");
		sbuf_json_str(&s->p.json_extra, rpt.rua);
	}
	sbuf_addc(&s->p.json_extra, '}');
}

/* --mta-sts and --tls-rpt, before the sessions: the records, the policy
 * (phase mta_sts), and every MX name of MX against its patterns. Sets the
 * state a certificate failure of an MX host gets in the sessions. */
static void
smtp_sts_policy(struct smtp_check *s, const struct dns_mxset *mx)
{
	static struct smtp_sts sts;
	static struct dns_txt txt[DNS_TXT_MAX];
	char name[DNS_NAME_MAX + 16], host[DNS_NAME_MAX + 16], url[DNS_NAME_MAX + 64];
	char why[256];
	const char *rec[DNS_TXT_MAX];
	size_t len[DNS_TXT_MAX];
	struct mtasts_txt id;
	struct https_req q;
	struct https_resp r;
	struct sbuf pats;
	struct err e;
	int i, n = 0, rc, port = s->mta_sts_port ? (int)s->mta_sts_port : 443;

	err_clear(&e);
	memset(&r, 0, sizeof(r));
	if (s->tls_rpt) {
		phase_begin(&s->p.phases, "dns");
		smtp_tlsrpt(s, txt);
	}
	phase_end(&s->p.phases);
	if (!s->mta_sts)
		return;
	memset(&sts, 0, sizeof(sts));
	s->sts = &sts;
	phase_begin(&s->p.phases, "mta_sts");
	snprintf(name, sizeof(name), "_mta-sts.%s", s->mx_domain);
	if (dns_txt(s->p.dns, name, &s->p.dl, txt, DNS_TXT_MAX, &n, &e) < 0) {
		result_problem(&s->p.res, plugin_err_state(&s->p, &e), "cannot look up "
		    "the MTA-STS record at %s: %s", name, e.msg);
		goto out;
	}
	if (smtp_txt_list(txt, n, rec, len)) {
		result_problem(&s->p.res, STATE_CRITICAL, "a TXT record at %s is longer "
		    "than %d bytes: not read whole", name, DNS_TXT_LEN - 1);
		goto out;
	}
	rc = mtasts_txt_parse(rec, len, n, &id, why, sizeof(why));
	if (rc == 0) {
		result_problem(&s->p.res, STATE_CRITICAL, "no MTA-STS policy published: "
		    "no v=STSv1 TXT record at %s", name);
		goto out;
	}
	if (rc < 0) {
		result_problem(&s->p.res, STATE_CRITICAL, "MTA-STS record at %s is "
		    "invalid: %s", name, why);
		goto out;
	}
	result_detail(&s->p.res, "MTA-STS record %s: id %s", name, id.id);

	/* RFC 8461 §3.3: HTTPS GET, verified, no redirects, text/plain */
	snprintf(host, sizeof(host), "mta-sts.%s", s->mx_domain);
	if (port == 443)
		snprintf(url, sizeof(url), "https://%s/.well-known/mta-sts.txt", host);
	else
		snprintf(url, sizeof(url), "https://%s:%d/.well-known/mta-sts.txt", host, port);
	memset(&q, 0, sizeof(q));
	q.host = host;
	q.port = port;
	q.path = "/.well-known/mta-sts.txt";
	q.family = s->p.family;
	q.dns = s->p.dns;
	q.ca_file = s->p.ca_file;
	q.ca_path = s->p.ca_path;
	q.media_type = "text/plain";
	q.max_body = MTASTS_POLICY_MAX;
	if (https_get(&q, &s->p.dl, &r, &e) < 0) {
		if (e.kind == ERR_RESOLVE)
			result_problem(&s->p.res, STATE_CRITICAL, "MTA-STS policy %s cannot "
			    "be fetched: %s", url, e.msg);
		else
			result_problem(&s->p.res, plugin_err_state(&s->p, &e), "MTA-STS policy "
			    "%s cannot be fetched: %s: %s", url, r.target, e.msg);
		goto out;
	}
	if (r.have_tls) {
		long days = (long)r.tls.days_left;

		result_detail(&s->p.res, "MTA-STS policy host %s: %s, certificate %s, "
		    "valid until %s", r.target, r.tls.protocol, r.tls.subject,
		    r.tls.not_after);
		/* -D counts for the policy host too: when its certificate lapses,
		 * senders can no longer refresh the policy */
		if (range_alert(&s->p.cert_crit, (double)days))
			result_problem(&s->p.res, STATE_CRITICAL, "MTA-STS policy host %s: "
			    "certificate expires in %ld days (critical below %.0f, notAfter %s)",
			    host, days, s->p.cert_crit.start, r.tls.not_after);
		else if (range_alert(&s->p.cert_warn, (double)days))
			result_problem(&s->p.res, STATE_WARNING, "MTA-STS policy host %s: "
			    "certificate expires in %ld days (warning below %.0f, notAfter %s)",
			    host, days, s->p.cert_warn.start, r.tls.not_after);
	}
	if (mtasts_policy_parse(r.body, r.len, &sts.pol, why, sizeof(why)) < 0) {
		result_problem(&s->p.res, STATE_CRITICAL, "MTA-STS policy of %s is "
		    "invalid: %s", s->mx_domain, why);
		goto out;
	}
	sts.policy = 1;
	sts.fail = sts.pol.mode == MTASTS_ENFORCE ? STATE_CRITICAL :
	    sts.pol.mode == MTASTS_TESTING ? STATE_WARNING : STATE_OK;
	/* a certificate failure of an MX host weighs what the mode says */
	s->p.untrusted_state = sts.fail;
	sbuf_init(&pats);
	for (i = 0; i < sts.pol.nmx; i++)
		sbuf_printf(&pats, "%s%s", i ? ", " : "", sts.pol.mx[i]);
	result_detail(&s->p.res, "MTA-STS policy %s: mode %s, max_age %ld s, mx %s", url,
	    mtasts_mode_name(sts.pol.mode), sts.pol.max_age, pats.len ? sbuf_str(&pats) :
	    "(none)");
	result_perf(&s->p.res, "sts_max_age", (double)sts.pol.max_age, "", NULL, NULL,
	    0, (double)MTASTS_MAX_AGE_MAX);
	sbuf_add(&s->p.json_extra, ",\"mta_sts\":{\"id\":");
	sbuf_json_str(&s->p.json_extra, id.id);
	sbuf_printf(&s->p.json_extra, ",\"mode\":\"%s\",\"max_age\":%ld,\"mx\":[",
	    mtasts_mode_name(sts.pol.mode), sts.pol.max_age);
	for (i = 0; i < sts.pol.nmx; i++) {
		if (i)
			sbuf_addc(&s->p.json_extra, ',');
		sbuf_json_str(&s->p.json_extra, sts.pol.mx[i]);
	}
	sbuf_add(&s->p.json_extra, "]}");
	if (sts.pol.mode == MTASTS_NONE)
		result_detail(&s->p.res, "MTA-STS mode none: the policy is switched off; "
		    "nothing is enforced");
	/* every MX name, whether or not a session goes to it (RFC 8461 §4.1) */
	for (i = 0; i < mx->n; i++) {
		int k = mtasts_policy_match(&sts.pol, mx->mx[i].name);

		if (k >= 0)
			result_detail(&s->p.res, "MTA-STS: MX %s matches mx %s", mx->mx[i].name,
			    sts.pol.mx[k]);
		else if (sts.pol.mode == MTASTS_NONE)
			result_detail(&s->p.res, "MTA-STS: MX %s matches no mx pattern (mode "
			    "none: not enforced)", mx->mx[i].name);
		else
			result_problem(&s->p.res, sts.fail, "MTA-STS policy of %s (mode %s): "
			    "MX %s matches none of its mx patterns (%s)", s->mx_domain,
			    mtasts_mode_name(sts.pol.mode), mx->mx[i].name, sbuf_str(&pats));
	}
	sbuf_free(&pats);
out:
	https_resp_free(&r);
	phase_end(&s->p.phases);
}

/* --mta-sts, after the session C with MX host NAME: its certificate must
 * be valid for its name (RFC 8461 §4.2). */
static void
smtp_sts_host(struct smtp_check *s, const struct smtp_check *c, const char *name)
{
	const struct smtp_sts *sts = s->sts;

	if (!s->mta_sts || sts == NULL || !sts->policy || !c->p.have_tls_info)
		return;
	if (c->p.tls_info.verified)
		result_detail(&s->p.res, "MTA-STS: MX %s presents a certificate valid for "
		    "its name", name);
	else if (sts->pol.mode == MTASTS_NONE)
		result_detail(&s->p.res, "MTA-STS: MX %s presents no certificate valid for "
		    "its name (mode none: not enforced)", name);
	else
		result_problem(&s->p.res, sts->fail, "MTA-STS policy of %s (mode %s): MX %s "
		    "presents no certificate valid for its name", s->mx_domain,
		    mtasts_mode_name(sts->pol.mode), name);
}

/* The status line of a run that passed names the policy. */
static void
smtp_sts_ok(struct smtp_check *s)
{
	if (s->sts && s->sts->policy)
		sbuf_printf(&s->p.res.ok_text, "; MTA-STS mode %s, max_age %ld s",
		    mtasts_mode_name(s->sts->pol.mode), s->sts->pol.max_age);
}

struct smtp_mxhost {
	struct tls_info tls;       /* the certificate it served, when have_tls */
	int have_tls;
	int checked;               /* a session ran: its verdict below */
	int stale;                 /* serves an older certificate than a peer */
	enum state state;
	char summary[RESULT_PROBLEM_LEN];
	struct net_addrs addrs;
	int resolved;
	int cname;                 /* the name is an alias (CNAME) */
	struct err err;
	struct smtp_check *c;
	pthread_t th;
	int started;
	struct smtp_check *run;    /* --all-mx: the run, for smtp_mx_thread */
	const char *name;          /* --all-mx: the host */
};

/* How much earlier a host's certificate may end than a peer's for the
 * same names before it counts as stale: hosts that renew on their own
 * (each its own ACME client) differ by a day or two; a host that missed
 * a renewal by a whole renewal cycle (weeks). */
#define SMTP_CERT_SLACK ((int64_t)7 * 86400)

/* --all-mx: the hosts of one domain should serve current certificates.
 * A host whose certificate is for the same names (or subject) as a peer's
 * but ends more than SMTP_CERT_SLACK earlier was most likely not reloaded
 * after a renewal: WARNING. Hosts with certificates of their own are not
 * compared. */
static void
smtp_cert_consistency(struct smtp_check *s, const struct dns_mxset *mx,
    struct smtp_mxhost *h)
{
	int i, j, n = 0, distinct = 0, first = -1;

	for (i = 0; i < mx->n; i++) {
		int newest = -1, seen = 0;

		if (!h[i].have_tls)
			continue;
		n++;
		if (first < 0)
			first = i;
		for (j = 0; j < mx->n; j++) {
			if (j == i || !h[j].have_tls)
				continue;
			if (j < i && strcmp(h[j].tls.fingerprint, h[i].tls.fingerprint) == 0)
				seen = 1;
			if (strcmp(h[j].tls.fingerprint, h[i].tls.fingerprint) == 0 ||
			    h[j].tls.not_after_epoch <= h[i].tls.not_after_epoch + SMTP_CERT_SLACK)
				continue;
			if (strcmp(h[j].tls.names, h[i].tls.names) != 0 &&
			    strcmp(h[j].tls.subject, h[i].tls.subject) != 0)
				continue;
			if (newest < 0 || h[j].tls.not_after_epoch > h[newest].tls.not_after_epoch)
				newest = j;
		}
		distinct += !seen;
		if (newest < 0)
			continue;
		result_problem(&s->p.res, STATE_WARNING, "MX %s serves an older "
		    "certificate than %s (notAfter %s, %s there): renewed but not "
		    "reloaded?", mx->mx[i].name, mx->mx[newest].name,
		    h[i].tls.not_after, h[newest].tls.not_after);
		h[i].stale = 1;
		h[i].state = state_worst(h[i].state, STATE_WARNING);
	}
	if (n > 1 && distinct == 1)
		result_detail(&s->p.res, "certificates: all %d MX hosts serve the same one "
		    "(notAfter %s)", n, h[first].tls.not_after);
	else if (n > 1)
		result_detail(&s->p.res, "certificates: the %d MX hosts serve %d different "
		    "ones", n, distinct);
}

/* Keep what the session C found for host H: for the JSON output and the
 * certificate comparison. */
static void
smtp_mx_record(struct smtp_mxhost *h, const struct smtp_check *c)
{
	struct sbuf t;

	sbuf_init(&t);
	result_summary(&c->p.res, &t);
	snprintf(h->summary, sizeof(h->summary), "%s", sbuf_str(&t));
	sbuf_free(&t);
	h->checked = 1;
	h->state = result_state(&c->p.res);
	if (c->p.have_tls_info && !(c->p.tls_info.problems & TLS_P_NO_CERT)) {
		h->tls = c->p.tls_info;
		h->have_tls = 1;
	}
}

/* --output=json: "mx":{"domain", "implicit", "hosts":[...]} (SPEC §2). */
static void
smtp_json_mx(struct smtp_check *s, const struct dns_mxset *mx,
    const struct smtp_mxhost *h)
{
	struct sbuf *j = &s->p.json_extra;
	int i;

	sbuf_add(j, ",\"mx\":{\"domain\":");
	sbuf_json_str(j, s->mx_domain);
	sbuf_printf(j, ",\"null_mx\":%s,\"implicit\":%s,\"hosts\":[",
	    mx->null_mx ? "true" : "false", mx->implicit ? "true" : "false");
	for (i = 0; i < mx->n; i++) {
		sbuf_printf(j, "%s{\"pref\":%u,\"name\":", i ? "," : "", mx->mx[i].pref);
		sbuf_json_str(j, mx->mx[i].name);
		sbuf_printf(j, ",\"resolved\":%s,\"checked\":%s", h[i].resolved ? "true" :
		    "false", h[i].checked ? "true" : "false");
		if (!h[i].resolved && h[i].err.kind != ERR_NONE) {   /* else not looked up */
			sbuf_add(j, ",\"error\":");
			sbuf_json_str(j, h[i].err.msg);
		}
		if (h[i].checked) {
			sbuf_printf(j, ",\"state\":\"%s\",\"summary\":", state_name(h[i].state));
			sbuf_json_str(j, h[i].summary);
		}
		if (h[i].have_tls) {
			sbuf_add(j, ",\"cert_not_after\":");
			sbuf_json_str(j, h[i].tls.not_after);
			sbuf_add(j, ",\"cert_sha256\":");
			sbuf_json_str(j, h[i].tls.fingerprint);
			sbuf_printf(j, ",\"cert_stale\":%s", h[i].stale ? "true" : "false");
		}
		sbuf_addc(j, '}');
	}
	sbuf_add(j, "]}");
}

/* Look up the addresses of MX host NAME into H, waiting until UNTIL at the
 * latest (microseconds on the deadline's clock; the run's deadline caps it). */
static void
smtp_mx_resolve(const struct smtp_check *s, const char *name, int64_t until,
    struct smtp_mxhost *h)
{
	struct deadline dl = s->p.dl;

	if (until < dl.end_us)
		dl.end_us = until;
	err_clear(&h->err);
	if (dns_addrs(s->p.dns, name, s->p.port, s->p.family, &dl, &h->addrs, &h->cname,
	    &h->err) == 0)
		h->resolved = 1;
}

/* What the name of MX host M says, once its addresses were looked up. */
static void
smtp_mx_name_problems(struct smtp_check *s, const struct dns_mx *m,
    const struct smtp_mxhost *h)
{
	if (net_is_literal(m->name))
		result_problem(&s->p.res, STATE_WARNING, "MX %s of %s is an address "
		    "literal, not a host name", m->name, s->mx_domain);
	if (h->cname)
		result_problem(&s->p.res, STATE_WARNING, "MX %s of %s is an alias "
		    "(CNAME), which RFC 2181 §10.3 forbids", m->name, s->mx_domain);
}

/* --all-mx: one host, its address lookup and then its session, beside
 * the others. */
static void *
smtp_mx_thread(void *arg)
{
	struct smtp_mxhost *h = arg;

	smtp_mx_resolve(h->run, h->name, h->run->p.dl.end_us, h);
	if (!h->resolved)
		return NULL;
	h->c = smtp_clone(h->run, h->name, &h->addrs);
	if (h->c == NULL)
		return NULL;
	h->c->p.perf_prefix = h->name;
	smtp_session(h->c);
	return NULL;
}

/* No MX host could be checked: the reason from the most preferred host
 * that failed, and the -t state when the run ran out of time. */
static void
smtp_mx_none(struct smtp_check *s, const struct dns_mxset *mx,
    const struct smtp_mxhost *h, int resolved, int timeouts, int failures)
{
	const char *why = "";
	int i;

	for (i = 0; i < mx->n && !why[0]; i++)
		if (!h[i].resolved && h[i].err.kind != ERR_NONE)
			why = h[i].err.msg;
	if (deadline_expired(&s->p.dl) || (failures > 0 && timeouts == failures))
		result_problem(&s->p.res, s->p.timeout_state, "no MX host of %s could be "
		    "%s before the deadline (timeout %g s)%s%s", s->mx_domain,
		    resolved ? "checked" : "resolved", s->p.timeout,
		    resolved ? "" : ": ", resolved ? "" : why);
	else
		result_problem(&s->p.res, STATE_CRITICAL, "no MX host of %s could be %s%s%s",
		    s->mx_domain, resolved ? "checked" : "resolved",
		    resolved || !why[0] ? "" : ": ", resolved ? "" : why);
}

/* --mx: look up the MX set, then resolve and try its hosts in order of
 * preference until one answers (falling through on connection failures),
 * or all of them at once with --all-mx (each resolved in its own thread).
 * The verdict goes into s->p.res, each host's into H. Returns 1 when the
 * MX set was found (0: the lookup failed). */
static int
smtp_mx_check(struct smtp_check *s, struct dns_mxset *mx, struct smtp_mxhost *h)
{
	struct sbuf list;
	struct err e;
	int i, chosen = -1, resolved = 0, timeouts = 0, failures = 0;

	err_clear(&e);
	phase_begin(&s->p.phases, "dns");
	if (plugin_dns(&s->p, &e) == NULL || dns_mx(s->p.dns, s->mx_domain, &s->p.dl,
	    mx, &e) < 0) {
		result_problem(&s->p.res, plugin_err_state(&s->p, &e), "cannot look up "
		    "the MX records of %s: %s", s->mx_domain, e.msg);
		return 0;
	}
	if (mx->null_mx) {
		result_problem(&s->p.res, STATE_CRITICAL, "%s accepts no mail: null MX "
		    "(RFC 7505)", s->mx_domain);
		return 1;
	}
	sbuf_init(&list);
	for (i = 0; i < mx->n; i++)
		sbuf_printf(&list, "%s%u %s", i ? ", " : "", mx->mx[i].pref, mx->mx[i].name);
	if (mx->implicit)
		result_detail(&s->p.res, "MX %s: none; the domain is its own implicit MX "
		    "(RFC 5321 §5.1)", s->mx_domain);
	else
		result_detail(&s->p.res, "MX %s: %s", s->mx_domain, sbuf_str(&list));
	sbuf_free(&list);
	if (mx->dropped)
		result_detail(&s->p.res, "MX %s: %d less preferred records left out (the "
		    "best %d are used)", s->mx_domain, mx->dropped, DNS_MX_MAX);
	result_perf(&s->p.res, "mx_count", mx->n + mx->dropped, "", NULL, NULL, 0, NAN);
	for (i = 0; i < mx->n; i++)
		memset(&h[i], 0, sizeof(h[i]));
	phase_end(&s->p.phases);
	if (s->mta_sts || s->tls_rpt)
		smtp_sts_policy(s, mx);

	if (!s->all_mx) {
		/* one host after the other: a host whose lookup hangs may take
		 * half of the time left, the last one all of it */
		for (i = 0; i < mx->n && chosen < 0; i++) {
			struct smtp_check *c;
			int64_t now = deadline_now_us();

			phase_begin(&s->p.phases, "dns");
			smtp_mx_resolve(s, mx->mx[i].name, i + 1 < mx->n ?
			    now + (s->p.dl.end_us - now) / 2 : s->p.dl.end_us, &h[i]);
			phase_end(&s->p.phases);
			smtp_mx_name_problems(s, &mx->mx[i], &h[i]);
			if (!h[i].resolved) {
				failures++;
				timeouts += h[i].err.kind == ERR_TIMEOUT;
				result_detail(&s->p.res, "MX %s: %s", mx->mx[i].name, h[i].err.msg);
				continue;
			}
			resolved++;
			c = smtp_clone(s, mx->mx[i].name, &h[i].addrs);
			if (c == NULL)
				break;
			smtp_session(c);
			if (c->failed_at_connect && i + 1 < mx->n) {
				struct sbuf why;

				failures++;
				timeouts += c->failed == ERR_TIMEOUT;
				sbuf_init(&why);
				result_summary(&c->p.res, &why);
				result_detail(&s->p.res, "MX %s: %s; trying the next MX",
				    mx->mx[i].name, sbuf_str(&why));
				sbuf_free(&why);
				smtp_mx_record(&h[i], c);
				smtp_clone_free(c);
				continue;
			}
			chosen = i;
			h[i].c = c;
		}
		if (chosen < 0) {
			smtp_mx_none(s, mx, h, resolved, timeouts, failures);
			return 1;
		}
		if (chosen > 0)
			result_problem(&s->p.res, STATE_WARNING, "%s: the preferred MX %s "
			    "cannot be reached; %s (preference %u) answered", s->mx_domain,
			    mx->mx[0].name, mx->mx[chosen].name, mx->mx[chosen].pref);
		smtp_sts_host(s, h[chosen].c, mx->mx[chosen].name);
		for (i = chosen + 1; s->mta_sts && i < mx->n; i++)
			result_detail(&s->p.res, "MTA-STS: the certificate of MX %s was not "
			    "checked (--all-mx checks every MX host)", mx->mx[i].name);
		/* the chosen session's verdict and phases become the run's */
		result_merge(&s->p.res, &h[chosen].c->p.res);
		sbuf_reset(&s->p.res.ok_text);
		sbuf_add(&s->p.res.ok_text, sbuf_str(&h[chosen].c->p.res.ok_text));
		result_merge_perf(&s->p.res, &h[chosen].c->p.res);
		for (i = 0; i < s->p.phases.n; i++) {
			const struct phase *cp = &h[chosen].c->p.phases.p[i];

			if (cp->ran && strcmp(cp->name, "dns") != 0) {
				s->p.phases.p[i].ran = 1;
				s->p.phases.p[i].secs += cp->secs;
			}
		}
		if (h[chosen].c->p.have_tls_info) {
			s->p.tls_info = h[chosen].c->p.tls_info;
			s->p.have_tls_info = 1;
		}
		smtp_mx_record(&h[chosen], h[chosen].c);
		smtp_clone_free(h[chosen].c);
		return 1;
	}

	/* --all-mx: every host at once, each looked up in its own thread; wall
	 * time is the slowest host's */
	for (i = 0; i < mx->n; i++) {
		h[i].run = s;
		h[i].name = mx->mx[i].name;
		if (pthread_create(&h[i].th, NULL, smtp_mx_thread, &h[i]) == 0)
			h[i].started = 1;
		else
			(void)smtp_mx_thread(&h[i]);   /* no thread: do it here */
	}
	for (i = 0; i < mx->n; i++) {
		struct smtp_check *c;
		struct sbuf line;

		if (h[i].started)
			pthread_join(h[i].th, NULL);
		c = h[i].c;   /* set by the thread */
		smtp_mx_name_problems(s, &mx->mx[i], &h[i]);
		if (!h[i].resolved) {
			result_problem(&s->p.res, plugin_err_state(&s->p, &h[i].err), "MX %s: %s",
			    mx->mx[i].name, h[i].err.msg);
			continue;
		}
		if (c == NULL)
			continue;
		sbuf_init(&line);
		result_summary(&c->p.res, &line);
		result_detail(&s->p.res, "MX %u %s: %s - %s", mx->mx[i].pref, mx->mx[i].name,
		    state_name(result_state(&c->p.res)), sbuf_str(&line));
		sbuf_free(&line);
		phase_report(&c->p.phases, c->elapsed, &c->p.res, mx->mx[i].name);
		result_merge_details(&s->p.res, &c->p.res, "  ");
		smtp_sts_host(s, c, mx->mx[i].name);
		sbuf_reset(&c->p.res.details);
		if (c->p.res.transcript.len)
			sbuf_printf(&s->p.res.transcript, "-- MX %s\n", mx->mx[i].name);
		result_merge(&s->p.res, &c->p.res);
		result_merge_perf(&s->p.res, &c->p.res);
		smtp_mx_record(&h[i], c);
		smtp_clone_free(c);
	}
	smtp_cert_consistency(s, mx, h);
	result_ok(&s->p.res, "all %d MX hosts of %s passed in %.3f s", mx->n, s->mx_domain,
	    deadline_elapsed(&s->p.dl));
	return 1;
}

static void
smtp_run_mx(struct smtp_check *s)
{
	static struct dns_mxset mx;
	static struct smtp_mxhost h[DNS_MX_MAX];

	if (smtp_mx_check(s, &mx, h) && s->p.output == PLUGIN_OUT_JSON)
		smtp_json_mx(s, &mx, h);
}

/* --count: the runs share one deadline, one process and these totals. */
struct smtp_repeat {
	struct smtp_check *tmpl;
	pthread_mutex_t lock;
	long next;                 /* the next run to start */
	long done, failed;
	int64_t t0;
	double sum[PHASE_MAX], min[PHASE_MAX], max[PHASE_MAX];
	int ran[PHASE_MAX];
	double tsum, tmin, tmax;
	enum state worst;
	struct result first_bad;   /* the problems of the first run that failed */
	int have_bad;
};

static void *
smtp_repeat_worker(void *arg)
{
	struct smtp_repeat *r = arg;
	const struct smtp_check *t = r->tmpl;

	for (;;) {
		struct smtp_check *c;
		enum state st;
		long idx;
		int i;

		pthread_mutex_lock(&r->lock);
		idx = r->next < t->count && !deadline_expired(&t->p.dl) ? r->next++ : -1;
		pthread_mutex_unlock(&r->lock);
		if (idx < 0)
			return NULL;
		if (t->interval > 0) {
			/* pace the starts: run IDX begins at t0 + IDX * interval */
			int64_t at = r->t0 + (int64_t)(t->interval * 1e6 * (double)idx);
			int64_t now = deadline_now_us();

			if (at > t->p.dl.end_us)
				return NULL;
			if (at > now) {
				struct timespec ts;

				ts.tv_sec = (time_t)((at - now) / 1000000);
				ts.tv_nsec = (long)((at - now) % 1000000) * 1000;
				nanosleep(&ts, NULL);
			}
		}
		c = smtp_clone(t, t->p.host, &t->p.addrs);
		if (c == NULL)
			return NULL;
		c->p.have_addrs = t->p.have_addrs;
		c->p.verbose = 0;
		c->p.conn.transcript = NULL;
		sbuf_init(&c->msg);
		if (t->nrcpt && !t->no_data) {
			struct err e;

			err_clear(&e);
			(void)smtp_build_message(c, &e);   /* a token of its own */
		}
		smtp_session(c);
		st = result_state(&c->p.res);
		pthread_mutex_lock(&r->lock);
		r->done++;
		r->worst = state_worst(r->worst, st);
		if (st != STATE_OK) {
			r->failed++;
			if (!r->have_bad) {
				result_merge(&r->first_bad, &c->p.res);
				r->have_bad = 1;
			}
		}
		for (i = 0; i < c->p.phases.n; i++) {
			const struct phase *ph = &c->p.phases.p[i];

			if (!ph->ran)
				continue;
			if (!r->ran[i] || ph->secs < r->min[i])
				r->min[i] = ph->secs;
			if (!r->ran[i] || ph->secs > r->max[i])
				r->max[i] = ph->secs;
			r->sum[i] += ph->secs;
			r->ran[i]++;
		}
		if (r->done == 1 || c->elapsed < r->tmin)
			r->tmin = c->elapsed;
		if (c->elapsed > r->tmax)
			r->tmax = c->elapsed;
		r->tsum += c->elapsed;
		pthread_mutex_unlock(&r->lock);
		sbuf_free(&c->msg);
		smtp_clone_free(c);
	}
}

/* --count N [--interval SEC] [--parallel P] */
static void
smtp_run_repeat(struct smtp_check *s)
{
	static struct smtp_repeat r;
	pthread_t th[256];
	int started[256] = { 0 };
	double wall, rate;
	long i, workers = s->parallel > 0 ? s->parallel : 1;

	if (workers > s->count)
		workers = s->count;
	if (!net_is_literal(s->p.host)) {
		/* resolve once for all the runs */
		struct err e;
		int cname;

		err_clear(&e);
		phase_begin(&s->p.phases, "dns");
		if ((s->p.use_ldns ? (plugin_dns(&s->p, &e) == NULL ? -1 :
		    dns_addrs(s->p.dns, s->p.host, s->p.port, s->p.family, &s->p.dl,
		    &s->p.addrs, &cname, &e)) : net_resolve(s->p.host, s->p.port,
		    s->p.family, &s->p.dl, &s->p.addrs, &e)) < 0) {
			snprintf(s->p.target, sizeof(s->p.target), "%s:%d", s->p.host, s->p.port);
			plugin_fail(&s->p, &e);
			return;
		}
		phase_end(&s->p.phases);
		s->p.have_addrs = 1;
	}
	memset(&r, 0, sizeof(r));
	r.tmpl = s;
	r.worst = STATE_OK;
	r.t0 = deadline_now_us();
	result_init(&r.first_bad, s->p.service);
	pthread_mutex_init(&r.lock, NULL);
	for (i = 0; i < workers; i++)
		started[i] = pthread_create(&th[i], NULL, smtp_repeat_worker, &r) == 0;
	if (!started[0])
		smtp_repeat_worker(&r);
	for (i = 0; i < workers; i++)
		if (started[i])
			pthread_join(th[i], NULL);
	pthread_mutex_destroy(&r.lock);
	wall = (double)(deadline_now_us() - r.t0) / 1e6;
	rate = wall > 0 ? (double)(r.done - r.failed) / wall : 0;

	if (r.have_bad)
		result_merge(&s->p.res, &r.first_bad);
	result_free(&r.first_bad);
	if (r.failed)
		result_problem(&s->p.res, r.worst, "%ld of %ld runs failed (the first "
		    "failure is shown)", r.failed, r.done);
	if (r.done < s->count)
		result_problem(&s->p.res, s->p.timeout_state, "only %ld of %ld runs "
		    "finished within the timeout (%g s)", r.done, s->count, s->p.timeout);
	for (i = 0; i < s->p.phases.n; i++) {
		if (!r.ran[i])
			continue;
		/* the usual labels carry the averages, so graphs keep working */
		s->p.phases.p[i].ran = 1;
		s->p.phases.p[i].secs = r.sum[i] / r.ran[i];
		result_detail(&s->p.res, "%-8s min %.6f s, avg %.6f s, max %.6f s",
		    s->p.phases.p[i].name, r.min[i], r.sum[i] / r.ran[i], r.max[i]);
	}
	if (r.done)
		result_detail(&s->p.res, "%-8s min %.6f s, avg %.6f s, max %.6f s",
		    "session", r.tmin, r.tsum / (double)r.done, r.tmax);
	result_perf(&s->p.res, "rate", rate, "", NULL, NULL, 0, NAN);
	result_perf(&s->p.res, "runs", (double)r.done, "", NULL, NULL, 0, (double)s->count);
	result_perf(&s->p.res, "runs_failed", (double)r.failed, "", NULL, NULL, 0,
	    (double)s->count);
	result_ok(&s->p.res, "%s:%d: %ld of %ld %s OK in %.3f s, %.1f per second "
	    "(%ld at a time), avg %.4f s each", s->p.host, s->p.port, r.done - r.failed,
	    s->count, s->nrcpt && !s->no_data ? "messages" : "sessions", wall, rate,
	    workers, r.done ? r.tsum / (double)r.done : 0);
}

int
main(int argc, char **argv)
{
	/* Static storage: zero pages the kernel maps only where the check
	 * writes. calloc() of this ~150 KB struct made glibc clear the part
	 * of it in the heap's first arena: 32 page faults on every run. */
	static struct smtp_check session;
	struct smtp_check *s = &session;
	struct err e;
	int rc;

	smtp_setup(s);
	sbuf_init(&s->seen);
	sbuf_init(&s->msg);
	plugin_init(&s->p);
	plugin_parse(&s->p, argc, argv);

	/* ---- what the options mean together */
	if (s->p.host == NULL && s->mx_domain == NULL)
		plugin_usage_error(&s->p, "no host to check: give -H HOST or --mx DOMAIN");
	if (s->p.host && s->mx_domain)
		plugin_usage_error(&s->p, "-H and --mx exclude each other");
	if (s->all_mx && !s->mx_domain)
		plugin_usage_error(&s->p, "--all-mx needs --mx DOMAIN");
	if (s->mx_domain)
		s->p.use_ldns = 1;
	if ((s->mta_sts || s->tls_rpt) && !s->mx_domain)
		plugin_usage_error(&s->p, "--mta-sts and --tls-rpt check a domain: give "
		    "--mx DOMAIN");
	if (s->mta_sts_port && !s->mta_sts)
		plugin_usage_error(&s->p, "--mta-sts-port goes with --mta-sts");
	if (s->mta_sts) {
		/* RFC 8461 §4.2: STARTTLS, and a certificate valid for the MX name */
		if (s->p.implicit_tls)
			plugin_usage_error(&s->p, "--mta-sts checks STARTTLS on port 25: "
			    "drop -s");
		if (s->p.verify != TLS_VERIFY_FULL || s->p.sni)
			plugin_usage_error(&s->p, "--mta-sts verifies each MX certificate "
			    "for the MX name: drop --verify and --sni");
		if (s->p.dane)
			plugin_usage_error(&s->p, "--mta-sts judges each MX certificate by "
			    "PKIX and the MX name, which a DANE match would replace "
			    "(RFC 8461 §2 leaves hosts with DANE to DANE): check --dane in "
			    "a run of its own");
		s->p.starttls = 1;
	}
	plugin_check_tls_opts(&s->p, 465);
	if (s->authtype && !s->p.authuser)
		plugin_usage_error(&s->p, "-A needs a user (-U) and a password");
	s->want_auth = plugin_want_login(&s->p);
	if (s->no_data && s->nrcpt == 0)
		plugin_usage_error(&s->p, "--no-data needs at least one --rcpt");
	if ((s->nheaders || s->body_file || s->size) && s->nrcpt == 0)
		plugin_usage_error(&s->p, "--header, --body-file and --size need --rcpt");
	if (s->nresps > s->ncmds)
		plugin_usage_error(&s->p, "more -R than -C: each -R goes with the -C before it");
	if ((s->parallel || s->interval > 0) && !s->count)
		plugin_usage_error(&s->p, "--parallel and --interval go with --count N");
	if (s->count && s->mx_domain)
		plugin_usage_error(&s->p, "--count repeats one host: use -H, not --mx");
	err_clear(&e);
	if (s->nrcpt && !s->no_data && smtp_build_message(s, &e) < 0)
		plugin_usage_error(&s->p, e.msg);

	plugin_start(&s->p);
	if (s->mx_domain) {
		s->p.host = s->mx_domain;   /* for the JSON output */
		smtp_run_mx(s);
		smtp_sts_ok(s);
		dns_free(s->p.dns);
		s->p.dns = NULL;
	} else if (s->count) {
		smtp_run_repeat(s);
	} else {
		smtp_session(s);
	}
	rc = plugin_finish(&s->p);
	sbuf_free(&s->seen);
	sbuf_free(&s->msg);
	return rc;
}

/* textcheck.h - check_tcp's text options, as monitoring-plugins' check_imap,
 * check_simap, check_pop, check_spop and check_ssmtp command lines use them,
 * for all three plugins: -e/--expect (repeatable, matched against the
 * server's first line, code included), -A/--all, -M/--mismatch,
 * -E/--escape, -s/--send, -q/--quit, -r/--refuse, -j/--jail,
 * -m/--maxbytes, -d/--delay. The letters are check_tcp's; in check_smtp_tx
 * (check_smtp's letters) -s, -q, -A and -r belong to its own options and
 * these are reached by their long names (lib/opts.h OPT_SHORT). */
#ifndef MP_TEXTCHECK_H
#define MP_TEXTCHECK_H

#include "plugin.h"

#define TEXTCHECK_EXPECT_MAX 16

enum {
	OPT_SEND = OPT_TEXTCHECK_BASE,
	OPT_REFUSE,
	OPT_QUIT,
	OPT_ALL,
	OPT_JAIL,
	OPT_MAXBYTES,
	OPT_DELAY
};

struct textcheck {
	const char *expect[TEXTCHECK_EXPECT_MAX];   /* -e (after -E: expect_esc) */
	int nexpect;
	int all;                  /* -A: every -e must match (default: any) */
	char *send;               /* -s/--send: sent after the greeting (owned) */
	char *quit;               /* -q/--quit: sent instead of LOGOUT/QUIT (owned) */
	int escape;               /* -E: \r \n \t \\ in --send, --quit and -e */
	char *expect_esc[TEXTCHECK_EXPECT_MAX];     /* -e after -E (owned) */
	enum state mismatch;      /* -M: state when -e does not match (WARNING) */
	enum state refuse;        /* -r/--refuse: state on connection refused (CRITICAL) */
	int mismatch_set, refuse_set;
	int jail;                 /* -j: the server's text stays out of line 1 */
	long maxbytes;            /* -m: accepted (replies are bounded anyway) */
	double delay;             /* -d: seconds between --send and reading */
	int expect_default;       /* nexpect came from the alias's default */
};

/* The options above, with check_tcp's letters. */
extern const struct opt_spec textcheck_opts[];

/* The rows of the --help compatibility table that check_imap and check_pop
 * share (both are check_tcp underneath); the plugin writes the header. */
#define TEXTCHECK_COMPAT_ROWS \
	"  -H HOST, or HOST alone        the same (-H /path: a unix socket)\n" \
	"  -p -4 -6 -w -c -t             the same (-wt -ct -to too)\n" \
	"  -e STRING (repeatable), -A    the same: the greeting line (or the reply to -s)\n" \
	"  -M ok|warn|crit, -E           the same\n" \
	"  -s STRING, -q STRING          the same (-q replaces our LOGOUT/QUIT)\n" \
	"  -S, --ssl                     the same: implicit TLS (993/995)\n" \
	"  -r ok|warn|crit               the same: state when the connection is refused\n" \
	"  -j, -d SEC                    the same\n" \
	"  -m BYTES                      accepted: every reply is bounded (4096-byte lines)\n" \
	"  -D DAYS[,DAYS]                the same; without -S it implies --starttls\n" \
	"  (none)                        --starttls: STARTTLS/STLS (long only: -S is --ssl)\n"

/* The intended differences, one table for all three plugins. */
#define TEXTCHECK_COMPAT_DIFFS \
	"Intended differences:\n" \
	"  certificates are verified (chain and host name) by default: --verify=none\n" \
	"    or --verify=chain to relax; a failure is CRITICAL in plain words\n" \
	"  --starttls (check_smtp -S) without STARTTLS on offer is CRITICAL, not WARNING\n" \
	"  a host name that does not resolve is CRITICAL (cannot resolve), not UNKNOWN\n" \
	"  the protocol is spoken to the end (LOGOUT/QUIT read), each phase timed\n" \
	"  -D without TLS implies STARTTLS (check_smtp, check_tcp: implicit TLS)\n" \
	"  -s without a line end is sent as is, as check_tcp does; -q gets CRLF\n" \
	"  --output-format: only the text formats; --output=json for JSON\n"

/* The option ID with ARG into TC (configuration). */
int textcheck_option(struct textcheck *tc, int id, const char *arg, struct err *e);

/* After parsing: the defaults (-M warn, -r crit, the alias's -e) and -E
 * applied. Returns -1 with *e set (ERR_USAGE) on a usage error. */
int textcheck_validate(struct textcheck *tc, const struct plugin_config *c,
    struct err *e);

/* Judge -e against the greeting's first line TEXT (unless --send takes
 * that role). */
void textcheck_greeting(const struct textcheck *tc, struct plugin *p, const char *text);

/* Send --send, wait -d, read the reply (its continuation lines "NNN-" too)
 * and judge -e against GREETING (the first line) and the reply's first
 * line, as check_tcp judges all it received. */
int textcheck_send(const struct textcheck *tc, struct plugin *p, const char *greeting,
    struct err *e);

/* Send --quit and read one line, not judged; the server may hang up. */
void textcheck_quit(const struct textcheck *tc, struct plugin *p);

/* Record E as the run's problem, with --refuse for a refused connection. */
void textcheck_fail(const struct textcheck *tc, struct plugin *p, const struct err *e);

/* Free what textcheck owns. */
void textcheck_free(struct textcheck *tc);

#endif

/* textcheck.h - the check_tcp options that monitoring-plugins' check_imap,
 * check_simap, check_pop and check_spop command lines use, for the IMAP and
 * POP3 plugins: -e/--expect, --send (check_tcp -s), -E/--escape,
 * -M/--mismatch and --refuse (check_tcp -r). Where check_tcp's short
 * letter clashes with SPEC (-s, -S, -r) SPEC wins and only the long form
 * is kept. */
#ifndef MP_TEXTCHECK_H
#define MP_TEXTCHECK_H

#include "plugin.h"

enum {
	OPT_SEND = OPT_TEXTCHECK_BASE,
	OPT_REFUSE,
	OPT_SRV
};

struct textcheck {
	const char *expect;       /* -e: text the greeting (or reply to --send) must contain */
	char *send;               /* --send: bytes sent after the greeting (owned) */
	int escape;               /* -E: \r \n \t \\ in --send/--expect */
	char *expect_esc;         /* -e after -E processing (owned) */
	enum state mismatch;      /* -M: state when -e does not match (WARNING) */
	enum state refuse;        /* --refuse: state on connection refused (CRITICAL) */
	int mismatch_set, refuse_set;
};

#define TEXTCHECK_OPTS \
	{ 'e', "expect", required_argument, "STRING", \
	  "Text the greeting (or the reply to --send) must contain; a mismatch " \
	  "is WARNING (see -M), as in check_imap/check_pop." }, \
	{ OPT_SEND, "send", required_argument, "STRING", \
	  "check_tcp -s: send STRING after the greeting and match -e against " \
	  "the reply (-s means implicit TLS here)." }, \
	{ 'E', "escape", no_argument, NULL, \
	  "check_tcp -E: read \\\\r \\\\n \\\\t \\\\\\\\ in --send and -e." }, \
	{ 'M', "mismatch", required_argument, "ok|warn|crit", \
	  "State when -e does not match (default warn)." }, \
	{ OPT_REFUSE, "refuse", required_argument, "ok|warn|crit", \
	  "check_tcp -r: state when the connection is refused (default crit; " \
	  "-r means --proxy here)." }, \
	{ OPT_SRV, "srv", required_argument, "DOMAIN", \
	  "Find the server through DOMAIN's SRV records (RFC 6186: _imaps/_imap " \
	  "or _pop3s/_pop3 ._tcp, the TLS one with -s), in priority and weight " \
	  "order; a \".\" target means the service is not offered (CRITICAL)." }

#define TEXTCHECK_COMPAT_TEXT(a, b) \
	a " and " b " command lines keep working: -H -p -e -E -M -D -w -c -t " \
	"-4 -6 mean what they mean there; check_tcp's -s (send), -S (ssl) and " \
	"-r (refuse) are --send, -s and --refuse here, because -S is STARTTLS, " \
	"-s implicit TLS and -r --proxy in this suite."

/* The rows of the --help compatibility table that check_imap and check_pop
 * share (both are check_tcp underneath); the plugin writes the header. */
#define TEXTCHECK_COMPAT_ROWS \
	"  -H -p -4 -6 -w -c -t -D       the same\n" \
	"  -e STRING                     -e: the greeting must contain it\n" \
	"  -M ok|warn|crit               -M: state when -e does not match\n" \
	"  -E                            -E: escapes in --send and -e\n" \
	"  -s STRING (send)              --send STRING (-s is implicit TLS here)\n" \
	"  -S, --ssl                     -s/--tls (-S is STARTTLS here)\n" \
	"  -r ok|warn|crit (refuse)      --refuse (-r is --proxy here)\n"

/* The options above, into TC (configuration; --srv into C). */
int textcheck_option(struct textcheck *tc, struct plugin_config *c, int id,
    const char *arg, struct err *e);

/* After parsing: -H or --srv is required; -E is applied. Returns -1 with
 * *e set (ERR_USAGE) on a usage error. */
int textcheck_validate(struct textcheck *tc, const struct plugin_config *c,
    struct err *e);

/* Judge -e against the greeting TEXT (unless --send takes that role). */
void textcheck_greeting(const struct textcheck *tc, struct plugin *p, const char *text);

/* Send --send, read one line, judge -e against it. */
int textcheck_send(const struct textcheck *tc, struct plugin *p, struct err *e);

/* Record E as the run's problem, with --refuse for a refused connection. */
void textcheck_fail(const struct textcheck *tc, struct plugin *p, const struct err *e);

/* Free what textcheck owns. */
void textcheck_free(struct textcheck *tc);

#endif

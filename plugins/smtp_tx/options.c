/* options.c - check_smtp_tx's options: the table behind --help and the man
 * page, the handler that checks each option on its own, and the help text.
 * What the options mean together is checked in main.c. */
#include <config.h>

#include <regex.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "opts.h"
#include "plugin_auth.h"
#include "smtp_tx.h"

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


const enum phase_id smtp_phases[] = {
	PHASE_DNS, PHASE_CONNECT, PHASE_TLS, PHASE_BANNER, PHASE_EHLO,
	PHASE_POSTURE, PHASE_STARTTLS, PHASE_RELAY, PHASE_AUTH, PHASE_COMMANDS,
	PHASE_MAIL, PHASE_RCPT, PHASE_DATA, PHASE_DATASENT, PHASE_QUIT,
	PHASE_MTA_STS, PHASE_PROBE_RSA, PHASE_PROBE_ECDSA, PHASE_PROBE_EDDSA,
	PHASE_PROBE_TLS10, PHASE_PROBE_TLS11, PHASE_PROBE_WEAK, PHASE_DELIVERY,
	PHASE_DOMAIN,
	PHASE_NONE
};


static const struct opt_spec smtp_opts[] = {
	{ 'F', "helo", required_argument, "NAME",
	  "Name to send with EHLO/HELO (default: this host's FQDN, else the "
	  "address literal of the local end of the connection)." },
	{ 'F', "fqdn", required_argument, "NAME", NULL },
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
	  "Pad the message body to about BYTES bytes. When the server offers "
	  "SIZE, MAIL FROM declares the message's size (RFC 1870), so a message "
	  "over the server's limit is refused at MAIL FROM, before it is sent." },
	{ 'A', "authtype", required_argument, "MECH",
	  "SASL mechanism for AUTH: PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-1, "
	  "SCRAM-SHA-256 (the server's signature is verified: a wrong one is "
	  "CRITICAL), XOAUTH2 or OAUTHBEARER (with --oauth-token-file or "
	  "--oauth-token-command), or auto: the strongest the server offers "
	  "(SCRAM > CRAM-MD5 > PLAIN/LOGIN, these two only over TLS). Default: "
	  "PLAIN when offered, else LOGIN (with a token: OAUTHBEARER, else "
	  "XOAUTH2)." },
	PLUGIN_AUTH_OPTS,
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
	{ DAUTH_OPT_SPF, "spf", no_argument, NULL,
	  "With --mx: check the domain's SPF record (RFC 7208), once per run, in "
	  "phase domain: exactly one v=spf1 TXT record (none, several or a syntax "
	  "error is CRITICAL); the DNS lookups a receiver makes for an address the "
	  "record does not list, nested include: and redirect= counted (more than "
	  "10 is CRITICAL permerror; perfdata spf_lookups), more than 2 void "
	  "lookups WARNING; what such an address gets: pass (+all) is CRITICAL, "
	  "neutral (?all, or no all and no redirect) WARNING, softfail or fail OK. "
	  "ptr is counted but never matches (RFC 7208 §5.5)." },
	{ DAUTH_OPT_SPF_IP, "spf-ip", required_argument, "ADDR",
	  "With --mx (implies --spf; repeatable): evaluate the domain's SPF for "
	  "this sending address (an outbound relay) as a receiver would "
	  "(check_host(), sender postmaster@DOMAIN or -f); anything but pass is "
	  "CRITICAL, naming the result (fail, softfail, neutral, none, permerror, "
	  "temperror)." },
	{ DAUTH_OPT_DMARC, "dmarc", no_argument, NULL,
	  "With --mx: check the domain's DMARC record (RFC 7489) at _dmarc.DOMAIN "
	  "(else at the organizational domain, taken as the last two labels: no "
	  "Public Suffix List), once per run, in phase domain: exactly one "
	  "v=DMARC1 record that parses, with p= (missing, several or malformed is "
	  "CRITICAL); p=none is WARNING (see --dmarc-policy); each mailto: in rua= "
	  "or ruf= of another organizational domain must be authorized there by a "
	  "v=DMARC1 record at DOMAIN._report._dmarc.OTHER (RFC 7489 §7.1), else "
	  "WARNING; pct below 100 is noted." },
	{ DAUTH_OPT_DMARC_POLICY, "dmarc-policy", required_argument, "none",
	  "With --dmarc: accept p=none (a domain still collecting reports): only "
	  "noted, not WARNING." },
	{ FETCH_OPT_URL, "fetch", required_argument, "URL",
	  "Round trip: after the message is accepted, fetch it back from the "
	  "mailbox of --rcpt: imap://USER@HOST[:PORT][/FOLDER] (default INBOX), "
	  "imaps://..., pop3://USER@HOST[:PORT] or pop3s://... (USER %-encoded: "
	  "probe%40example.org). IMAP searches the folder for the probe's token "
	  "(UID SEARCH HEADER), and the \\Junk folder too when the server has "
	  "SPECIAL-USE (RFC 6154); it waits with IDLE when offered, else polls. "
	  "POP3 looks at new messages only (UIDL, TOP n 0). Phase delivery (the "
	  "2xx after DATA to the message seen; perfdata delivery, thresholds with "
	  "--warning-phase/--critical-phase delivery=RANGE). Not seen before the "
	  "deadline (-t) is CRITICAL; found in \\Junk WARNING. The message is "
	  "deleted afterwards (\\Deleted and UID EXPUNGE with UIDPLUS; POP3 DELE). "
	  "The TLS options apply to the mailbox server too (-D, --verify, "
	  "--ca-file)." },
	{ FETCH_OPT_STARTTLS, "fetch-starttls", no_argument, NULL,
	  "With --fetch imap:// or pop3://: upgrade with STARTTLS (STLS)." },
	{ FETCH_OPT_AUTHFILE, "fetch-authfile", required_argument, "FILE",
	  "The mailbox password for --fetch (mode 600; the format of --authfile: "
	  "password=... and user=... lines, or the password alone). The URL's "
	  "user name wins over user=." },
	{ FETCH_OPT_KEEP, "fetch-keep", no_argument, NULL,
	  "With --fetch: leave the probe message in the mailbox." },
	{ FETCH_OPT_LOST_AFTER, "lost-after", required_argument, "SEC",
	  "With --fetch: probe messages of earlier runs older than SEC seconds "
	  "(default 3600) are deleted when found; the long output says how many." },
	{ FETCH_OPT_REQUIRE_TLS_HOPS, "require-tls-hops", no_argument, NULL,
	  "With --fetch: every SMTP hop in the fetched message's Received: "
	  "fields must have been encrypted (with ESMTPS, or TLS named in its "
	  "comment); a hop in clear is WARNING, named. The long output shows the "
	  "path in any case." },
	{ FETCH_OPT_EXPECT_AUTH, "expect-auth-results", required_argument, "LIST",
	  "With --fetch and --auth-serv-id: the Authentication-Results field (RFC "
	  "8601) the receiving server added must say e.g. "
	  "spf=pass,dkim=pass,dmarc=pass (alternatives: dkim=pass|none); a "
	  "mismatch or no such field is WARNING, with the field's words." },
	{ FETCH_OPT_AUTH_SERV_ID, "auth-serv-id", required_argument, "ID",
	  "The authserv-id of the receiving server's Authentication-Results "
	  "fields (usually its host name); fields of other ids are ignored." },
	{ FETCH_OPT_STATE_FILE, "state-file", required_argument, "FILE",
	  "With --fetch, for slow or remote loops: do not wait for the message. "
	  "Each run sends a new probe, records it in FILE, and looks once for "
	  "every probe still pending there: each one found is reported with its "
	  "delivery time and deleted, one older than --lost-after is CRITICAL "
	  "(lost; never the run's own probe). FILE is locked (flock) and replaced atomically; a missing, "
	  "empty or corrupt FILE is started afresh with a WARNING." },
	DDNS_OPTS,
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

static int smtp_option(void *ctx, int id, const char *arg, struct err *e);
static int smtp_option_session(struct smtp_config *s, int id, const char *arg,
    struct err *e);

/* The options of the transaction: names, envelope, message. The others
 * go on to smtp_option_session. */
static int
smtp_option(void *ctx, int id, const char *arg, struct err *e)
{
	struct smtp_config *s = ctx;
	long v;

	switch (id) {
	case 'F':
		if (arg[0] == '\0' || strpbrk(arg, " \r\n"))
			return err_set(e, ERR_USAGE, "--helo needs a name without blanks");
		s->helo = arg;
		return 0;
	case 'f':
		/* check_smtp 3.0 takes -f '<a@b>' too: the brackets are not ours */
		if (arg[0] == '<' && arg[strlen(arg) - 1] == '>' && strlen(arg) - 2 <
		    sizeof(s->from_buf)) {
			snprintf(s->from_buf, sizeof(s->from_buf), "%.*s",
			    (int)(strlen(arg) - 2), arg + 1);
			arg = s->from_buf;
		}
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
	default:
		return smtp_option_session(s, id, arg, e);
	}
}

/* The options of the session (AUTH, extensions, replies, -C/-R, LMTP) and
 * of the run (--mx and its checks, --count). */
static int
smtp_option_session(struct smtp_config *s, int id, const char *arg, struct err *e)
{
	switch (id) {
	case 'A':
		return plugin_auth_mech(arg, &s->authmech, &s->auth_auto, e);
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
	case DAUTH_OPT_SPF:
	case DAUTH_OPT_SPF_IP:
	case DAUTH_OPT_DMARC:
	case DAUTH_OPT_DMARC_POLICY:
		return smtp_dauth_option(s, id, arg, e);
	case FETCH_OPT_URL:
	case FETCH_OPT_STARTTLS:
	case FETCH_OPT_AUTHFILE:
	case FETCH_OPT_KEEP:
	case FETCH_OPT_LOST_AFTER:
	case FETCH_OPT_REQUIRE_TLS_HOPS:
	case FETCH_OPT_EXPECT_AUTH:
	case FETCH_OPT_AUTH_SERV_ID:
	case FETCH_OPT_STATE_FILE:
		return smtp_fetch_option(&s->fetch, id, arg, e);
	case DDNS_OPT_DKIM:
	case DDNS_OPT_DNSSEC_EXPIRY:
	case DDNS_OPT_DNSBL:
	case DDNS_OPT_DNSBL_IP:
		return smtp_ddns_option(&s->ddns, id, arg, e);
	default:
		return err_set(e, ERR_INTERNAL, "unhandled option %d", id);
	}
}

/* the monitoring-plugins programs this one stands in for: check_ssmtp is
 * check_tcp underneath, with its letters (-S implicit TLS, -s send) */
static const struct plugin_alias smtp_aliases[] = {
	{ "check_smtp", "SMTP", 0, "220", PLUGIN_LETTERS_SMTP },
	{ "check_ssmtp", "SSMTP", 1, "220", PLUGIN_LETTERS_TCP },
	{ NULL, NULL, 0, NULL, PLUGIN_LETTERS_SMTP }
};

void
smtp_setup(struct smtp_config *s)
{
	s->pc.name = "check_smtp_tx";
	s->pc.service = "SMTP";
	s->pc.synopsis = "-H HOST [-p PORT] [-S|-s] [-A PLAIN|LOGIN -U USER "
	    "(-P PASS|--authfile FILE)] [-f FROM --rcpt RCPT...] [-D WARN[,CRIT]] "
	    "[-w RANGE] [-c RANGE] [-t SEC[:STATE]] [-v] ...";
	s->pc.description =
	    "Checks an SMTP server the way a person would in telnet or openssl "
	    "s_client: connect (implicit TLS with -s), read the banner, EHLO (HELO "
	    "when EHLO is refused), STARTTLS and EHLO again (-S), AUTH (-A/-U), "
	    "MAIL FROM, RCPT TO, DATA with a generated test message and QUIT. "
	    "Every phase is timed (perfdata: dns connect tls banner ehlo posture "
	    "starttls relay auth commands mail rcpt data datasent quit mta_sts "
	    "delivery domain, each when it ran, and the total as time), "
	    "thresholded, and named when it fails. posture is --require-tls's probe "
	    "before STARTTLS, commands the -C commands; the second EHLO is part of "
	    "starttls, an RSET part of quit; domain the --mx domain's own DNS "
	    "checks (--spf, --dmarc).\n"
	    "Round trip: with --fetch the message is fetched back from the "
	    "recipient's mailbox over IMAP or POP3, timed from the 2xx after DATA "
	    "to the message seen (phase delivery), its Received: path shown, and "
	    "deleted; found in the junk folder is WARNING, not seen before the "
	    "deadline CRITICAL. With --state-file the run does not wait: each run "
	    "sends a probe and collects those of earlier runs.\n"
	    "check_smtp command lines keep working: every option of check_smtp "
	    "2.3 to 3.0 means what it means there (see COMPATIBILITY), the host "
	    "may be given alone, and -H /path is a unix socket (LMTP with -L). "
	    "Invoked as check_smtp or check_ssmtp (the links make install puts in "
	    "mailprobe-compat/) it takes their defaults; as check_ssmtp its short "
	    "options are check_tcp's.";
	s->pc.examples =
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
	    "      (RFC 8461) and the TLS-RPT record (RFC 8460)\n"
	    "  check_smtp_tx -H mail.example.org -S -f probe@example.org \\\n"
	    "      --rcpt probe@example.org --fetch imaps://probe%40example.org@imap.example.org \\\n"
	    "      --fetch-authfile /etc/nagios/probe-imap.auth --critical-phase delivery=30 -t 50\n"
	    "      round trip: the message fetched back over IMAPS, timed (perfdata\n"
	    "      delivery) and deleted; CRITICAL when it takes over 30 s or never comes\n"
	    "  check_smtp_tx -H mail.example.org -S -f probe@example.net --rcpt probe@example.net \\\n"
	    "      --fetch imaps://probe%40example.net@imap.example.net \\\n"
	    "      --fetch-authfile /etc/nagios/probe-remote.auth \\\n"
	    "      --state-file /var/lib/nagios/probe-remote.state --lost-after 1800\n"
	    "      a slow remote loop: each run sends a probe and reports those of\n"
	    "      earlier runs; one not seen within 30 minutes is CRITICAL\n"
	    "  check_smtp_tx --mx example.org --spf --spf-ip 192.0.2.25 --dmarc\n"
	    "      the domain's SPF record (lookups, +all/?all, the result for the relay\n"
	    "      192.0.2.25) and its DMARC record (p=, report authorizations)\n"
	    "  check_smtp_tx --mx example.org --dkim=s2024 --dnssec-expiry=10,3 \\\n"
	    "      --dnsbl=zen.spamhaus.org --dns-server 127.0.0.1\n"
	    "      the domain's DNS: a DKIM key, the RRSIG lifetimes, the MX addresses in a\n"
	    "      blocklist (asked through a resolver of your own)\n";
	s->pc.compat =
	    "  check_smtp (2.3 to 3.0)      check_smtp_tx\n"
	    "  -H HOST, or HOST alone       the same; -H /path: a unix socket (connect timed,\n"
	    "                               no certificate name check unless --sni)\n"
	    "  -p -4 -6 -w -c               the same (-w/-c on the total time; -wt -ct too)\n"
	    "  -t SEC[:STATE], -to SEC      the same, one deadline for the whole run\n"
	    "  -e STRING                    the same: the banner's first line, code included\n"
	    "                               (default 220); a mismatch is WARNING\n"
	    "  -C COMMAND -R REGEX          the same: sent after EHLO; a reply not matching\n"
	    "                               is WARNING\n"
	    "  -f FROM, -f '<FROM>'         MAIL FROM of the transaction --rcpt asks for; without\n"
	    "                               --rcpt no MAIL is sent (check_smtp sends one)\n"
	    "  -F FQDN                      the same (-F/--fqdn/--helo)\n"
	    "  -A LOGIN -U USER -P PASS     the same (PLAIN too, --authfile); needs -S or -s\n"
	    "  -L, -q                       the same (LHLO; a hang-up on QUIT is OK anyway)\n"
	    "  -s, --ssl, --tls             the same: implicit TLS (port 465)\n"
	    "  -S, --starttls, --sni        the same (--sni=NAME too)\n"
	    "  -D WARN[,CRIT]               the same, certificate days\n"
	    "  -r, --proxy                  the same (--proxy=v2 too)\n"
	    "  --ignore-certificate-expiration, --output-format, --extra-opts, -v   the same\n"
	    "Invoked as check_smtp: service SMTP, port 25; as check_ssmtp (check_tcp):\n"
	    "service SSMTP, implicit TLS on 465, -e 220, and check_tcp's letters: -S is\n"
	    "--ssl, -s --send, -q --quit, -A --all, -r --refuse (ok|warn|crit), -E -M -j -m -d.\n"
	    TEXTCHECK_COMPAT_DIFFS;
	s->pc.opts = smtp_opts;
	s->pc.aliases = smtp_aliases;
	s->pc.letters = PLUGIN_LETTERS_SMTP;
	s->pc.tc = &s->tc;
	s->pc.handler = smtp_option;
	s->pc.ctx = s;
	s->pc.default_port = 25;
	s->pc.phase_ids = smtp_phases;
}

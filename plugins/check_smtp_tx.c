/* check_smtp_tx - prove an SMTP server works, one timed phase at a time.
 *
 * The session, as a person would type it: connect, banner, EHLO (HELO
 * fallback), QUIT. Each step is one call; each failure becomes one
 * status line that names the phase and the cause. */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conn.h"
#include "net.h"
#include "plugin.h"
#include "smtp.h"

enum {
	OPT_FQDN_ALIAS = OPT_PLUGIN_BASE
};

static const char *const smtp_phases[] = {
	"dns", "connect", "tls", "banner", "ehlo", "starttls", "auth",
	"mail", "rcpt", "data", "datasent", "quit", NULL
};

static const struct opt_spec smtp_opts[] = {
	{ 'F', "helo", required_argument, "NAME",
	  "Name to send with EHLO/HELO (default: this host's FQDN, else the "
	  "address literal of the local end of the connection)." },
	{ 'F', "fqdn", required_argument, "NAME", NULL },
	{ 'e', "expect", required_argument, "STRING",
	  "Text the banner or the EHLO reply must contain; a mismatch is "
	  "WARNING (as in check_smtp)." },
	{ 'q', "ignore-quit-failure", no_argument, NULL,
	  "Accepted for check_smtp compatibility: a server that closes before "
	  "answering QUIT is already OK." },
	OPT_END
};

struct smtp_check {
	struct plugin p;
	const char *helo;
	const char *expect;
	struct conn c;
	int connected;
	char target[512];          /* "host[addr]:port" for messages */
	struct smtp_reply reply;   /* the last reply */
	char banner[512];
	struct smtp_ext ext;
	int used_helo;             /* EHLO refused, HELO used */
	struct sbuf seen;          /* banner + EHLO text, for --expect */
};

static int smtp_option(void *ctx, int id, const char *arg, struct err *e);
static int smtp_step_connect(struct smtp_check *s, struct err *e);
static int smtp_step_banner(struct smtp_check *s, struct err *e);
static int smtp_step_ehlo(struct smtp_check *s, struct err *e);
static int smtp_step_quit(struct smtp_check *s, struct err *e);
static void smtp_fail(struct smtp_check *s, const struct err *e);
static int smtp_rejected(struct smtp_check *s, const char *what,
    struct err *e);

static int
smtp_option(void *ctx, int id, const char *arg, struct err *e)
{
	struct smtp_check *s = ctx;

	switch (id) {
	case 'F':
		if (arg[0] == '\0' || strpbrk(arg, " \r\n"))
			return err_set(e, ERR_USAGE, "--helo needs a name without blanks");
		s->helo = arg;
		return 0;
	case 'e':
		s->expect = arg;
		return 0;
	case 'q':
		return 0;
	default:
		return err_set(e, ERR_INTERNAL, "unhandled option %d", id);
	}
}

/* Turn the last reply into an ERR_REJECTED error about WHAT. */
static int
smtp_rejected(struct smtp_check *s, const char *what, struct err *e)
{
	size_t n = s->reply.len;

	e->kind = ERR_REJECTED;
	e->reply_code = s->reply.code;
	if (s->reply.code == 421)
		snprintf(e->msg, sizeof(e->msg), "service not available (421) after %s", what);
	else
		snprintf(e->msg, sizeof(e->msg), "%s rejected", what);
	{
		char tmp[ERR_REPLY_MAX];

		snprintf(tmp, sizeof(tmp), "%d %.*s", s->reply.code, (int)n, s->reply.text);
		err_set_reply(e, tmp, strlen(tmp));
	}
	return -1;
}

static int
smtp_step_connect(struct smtp_check *s, struct err *e)
{
	struct net_addrs addrs;
	struct net_peer peer;
	int fd, literal = net_is_literal(s->p.host);

	snprintf(s->target, sizeof(s->target), literal && strchr(s->p.host, ':') &&
	    s->p.host[0] != '[' ? "[%s]:%d" : "%s:%d", s->p.host, s->p.port);
	if (!literal)
		phase_begin(&s->p.phases, "dns");
	if (net_resolve(s->p.host, s->p.port, s->p.family, &s->p.dl, &addrs, e) < 0)
		return -1;
	phase_begin(&s->p.phases, "connect");
	fd = net_connect(&addrs, &s->p.dl, &peer, e);
	if (fd < 0)
		return -1;
	if (literal)
		snprintf(s->target, sizeof(s->target), peer.remote.family == AF_INET6 ?
		    "[%s]:%d" : "%s:%d", peer.remote.text, peer.port);
	else
		snprintf(s->target, sizeof(s->target), "%s[%s]:%d", s->p.host,
		    peer.remote.text, peer.port);
	conn_init(&s->c, fd, &s->p.dl);
	s->connected = 1;
	if (s->p.verbose)
		s->c.transcript = &s->p.res.transcript;
	if (s->helo == NULL) {
		static char name[300];
		char host[256];

		if (gethostname(host, sizeof(host)) == 0 && host[sizeof(host) - 1] == '\0' &&
		    strchr(host, '.') != NULL)
			snprintf(name, sizeof(name), "%s", host);
		else if (peer.local.family == AF_INET6)
			snprintf(name, sizeof(name), "[IPv6:%s]", peer.local.text);
		else
			snprintf(name, sizeof(name), "[%s]", peer.local.text);
		s->helo = name;
	}
	return 0;
}

static int
smtp_step_banner(struct smtp_check *s, struct err *e)
{
	phase_begin(&s->p.phases, "banner");
	if (smtp_read_reply(&s->c, &s->reply, e) < 0)
		return -1;
	err_sanitize(s->banner, sizeof(s->banner), s->reply.text,
	    smtp_reply_line1_len(&s->reply));
	sbuf_addn(&s->seen, s->reply.text, s->reply.len);
	sbuf_addc(&s->seen, '\n');
	if (s->reply.code != 220)
		return smtp_rejected(s, "banner", e);
	return 0;
}

static int
smtp_step_ehlo(struct smtp_check *s, struct err *e)
{
	char cmd[400];

	phase_begin(&s->p.phases, "ehlo");
	snprintf(cmd, sizeof(cmd), "EHLO %s", s->helo);
	if (conn_send_line(&s->c, cmd, e) < 0 || smtp_read_reply(&s->c, &s->reply, e) < 0)
		return -1;
	if (s->reply.code == 500 || s->reply.code == 502) {
		/* RFC 5321 §3.2: an old server; fall back to HELO */
		s->used_helo = 1;
		snprintf(cmd, sizeof(cmd), "HELO %s", s->helo);
		if (conn_send_line(&s->c, cmd, e) < 0 ||
		    smtp_read_reply(&s->c, &s->reply, e) < 0)
			return -1;
		if (s->reply.code != 250)
			return smtp_rejected(s, "HELO", e);
		memset(&s->ext, 0, sizeof(s->ext));
	} else if (s->reply.code != 250) {
		return smtp_rejected(s, "EHLO", e);
	} else if (smtp_ehlo_parse(&s->reply, &s->ext, e) < 0) {
		return -1;
	}
	sbuf_addn(&s->seen, s->reply.text, s->reply.len);
	return 0;
}

static int
smtp_step_quit(struct smtp_check *s, struct err *e)
{
	phase_begin(&s->p.phases, "quit");
	if (conn_send_line(&s->c, "QUIT", e) < 0 ||
	    smtp_read_reply(&s->c, &s->reply, e) < 0) {
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

/* One problem line from an error, naming the target and the phase. */
static void
smtp_fail(struct smtp_check *s, const struct err *e)
{
	enum state st = plugin_err_state(&s->p, e);
	const char *phase = phase_current(&s->p.phases);

	if (e->kind == ERR_RESOLVE || (e->kind == ERR_TIMEOUT && e->phase &&
	    strcmp(e->phase, "dns") == 0))
		result_problem(&s->p.res, st, "%s", e->msg);
	else if (e->kind == ERR_TIMEOUT)
		result_problem(&s->p.res, st, "%s: %s in phase %s (timeout %g s)",
		    s->target, e->msg, phase, s->p.timeout);
	else if (e->kind == ERR_REJECTED)
		result_problem(&s->p.res, st, "%s: %s: %s", s->target, e->msg, e->reply);
	else if (e->reply[0])
		result_problem(&s->p.res, st, "%s: %s in phase %s: %s", s->target,
		    e->msg, phase, e->reply);
	else if (e->kind == ERR_CONNECT)
		result_problem(&s->p.res, st, "%s: %s", s->target, e->msg);
	else
		result_problem(&s->p.res, st, "%s: %s in phase %s", s->target, e->msg,
		    phase);
}

int
main(int argc, char **argv)
{
	struct smtp_check *s;
	struct err e;
	int rc;

	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		puts("SMTP UNKNOWN - out of memory");
		return STATE_UNKNOWN;
	}
	s->p.name = "check_smtp_tx";
	s->p.service = "SMTP";
	s->p.synopsis = "-H HOST [-p PORT] [-4|-6] [-F HELO] [-e STRING] "
	    "[-w RANGE] [-c RANGE] [-t SEC[:STATE]] [-v]";
	s->p.description =
	    "Checks an SMTP server the way a person would in telnet: connect, "
	    "read the banner, EHLO (HELO when EHLO is refused) and QUIT, each "
	    "phase timed, thresholded and named when it fails.";
	s->p.examples =
	    "  check_smtp_tx -H mail.example.org\n"
	    "      banner, EHLO and QUIT on port 25\n"
	    "  check_smtp_tx -H 192.0.2.25 -p 587 -w 2 -c 5 --critical-phase=banner=3\n"
	    "      WARNING above 2 s in total, CRITICAL above 5 s or a banner slower than 3 s\n"
	    "  check_smtp_tx -H mail.example.org -e Postfix -t 20:WARNING\n"
	    "      the banner or EHLO reply must mention Postfix; a timeout is only WARNING\n";
	s->p.opts = smtp_opts;
	s->p.handler = smtp_option;
	s->p.ctx = s;
	s->p.default_port = 25;
	s->p.phase_names = smtp_phases;
	sbuf_init(&s->seen);
	plugin_init(&s->p);
	plugin_parse(&s->p, argc, argv);
	if (s->p.host == NULL)
		plugin_usage_error(&s->p, "no host to check: give -H HOST");
	if (s->p.port == 0)
		s->p.port = s->p.default_port;

	plugin_start(&s->p);
	err_clear(&e);
	if (smtp_step_connect(s, &e) < 0 || smtp_step_banner(s, &e) < 0 ||
	    smtp_step_ehlo(s, &e) < 0) {
		smtp_fail(s, &e);
		if (s->connected && (e.kind == ERR_REJECTED || e.kind == ERR_MISSING_FEATURE)) {
			struct err qe;

			err_clear(&qe);
			(void)smtp_step_quit(s, &qe);
		}
	} else {
		if (s->expect && !strstr(sbuf_str(&s->seen), s->expect))
			result_problem(&s->p.res, STATE_WARNING,
			    "%s: expected '%s' not found in banner or EHLO reply",
			    s->target, s->expect);
		if (smtp_step_quit(s, &e) < 0)
			smtp_fail(s, &e);
		phase_end(&s->p.phases);
		result_ok(&s->p.res, "%s: %s accepted in %.3f s: %s", s->target,
		    s->used_helo ? "HELO" : "EHLO", deadline_elapsed(&s->p.dl), s->banner);
	}
	if (s->connected) {
		result_detail(&s->p.res, "banner: %s", s->banner);
		if (!s->used_helo && s->ext.kw.n > 0) {
			struct sbuf x;

			sbuf_init(&x);
			caps_join(&s->ext.kw, &x, " ");
			result_detail(&s->p.res, "EHLO %s: %s", s->helo, sbuf_str(&x));
			sbuf_free(&x);
		}
		conn_close(&s->c);
	}
	rc = plugin_finish(&s->p);
	sbuf_free(&s->seen);
	free(s);
	return rc;
}

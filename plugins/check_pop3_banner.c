/* check_pop3_banner - prove a POP3 server works: greeting, CAPA, STLS or
 * implicit TLS, an optional login, and a clean QUIT.
 * Option parsing plus a protocol script over lib/. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "b64.h"
#include "caps.h"
#include "plugin.h"
#include "pop3.h"
#include "mbox.h"
#include "textcheck.h"

static const struct opt_spec pop3_opts[] = {
	MBOX_REQUIRE_CAP_OPT(
	  "CAPA entries the server must announce (after STLS when -S; before or "
	  "after the login when logging in), e.g. UIDL,TOP; missing ones are "
	  "CRITICAL."),
	TEXTCHECK_OPTS,
	OPT_END
};

struct pop3_check {
	struct mbox_check mb;     /* first: mbox_main hands us back &mb */
	int have_capa;            /* CAPA answered +OK */
	char apop[256];
	int ok;                   /* the last status line: +OK or -ERR */
	char text[CONN_LINE_MAX + 1];   /* its text */
};

/* Read a +OK/-ERR status line into m->ok / m->text. */
static int
pop3_status(struct pop3_check *m, struct err *e)
{
	char line[CONN_LINE_MAX + 1];
	const char *t;
	size_t len, tl;

	if (conn_read_line(&m->mb.p.conn, line, sizeof(line), &len, e) < 0)
		return -1;
	memcpy(m->mb.raw, line, len + 1);
	if (pop3_status_parse(line, len, &m->ok, &t, &tl, e) < 0) {
		err_set_reply(e, line, len);
		return -1;
	}
	memcpy(m->text, t, tl);
	m->text[tl] = '\0';
	return 0;
}

/* Send CMD (logging SHOW bytes of it) and read its status line. */
static int
pop3_cmd(struct pop3_check *m, const char *cmd, size_t show, struct err *e)
{
	if (conn_send_secret(&m->mb.p.conn, cmd, show, e) < 0)
		return -1;
	return pop3_status(m, e);
}

static int
pop3_refused(struct pop3_check *m, const char *what, struct err *e)
{
	char tmp[sizeof(m->text) + 8];

	err_set(e, ERR_REJECTED, "%s refused", what);
	snprintf(tmp, sizeof(tmp), "-ERR %s", m->text);
	err_set_reply(e, tmp, strlen(tmp));
	return -1;
}

static int
pop3_step_banner(struct mbox_check *mb, struct err *e)
{
	struct pop3_check *m = (struct pop3_check *)mb;

	if (pop3_status(m, e) < 0)
		return -1;
	err_sanitize(m->mb.greeting, sizeof(m->mb.greeting), m->text, strlen(m->text));
	if (!m->ok) {
		err_set(e, ERR_REJECTED, "server refused the connection (-ERR greeting)");
		err_set_reply(e, m->text, strlen(m->text));
		return -1;
	}
	if (pop3_apop_timestamp(m->text, strlen(m->text), m->apop, sizeof(m->apop))) {
		m->mb.apop = 1;   /* --require-tls: APOP offered before STLS */
		result_detail(&m->mb.p.res, "APOP timestamp in the greeting: %s", m->apop);
	}
	textcheck_greeting(&m->mb.cfg->tc, &m->mb.p, m->mb.raw);
	return 0;
}

static int
pop3_step_capa(struct pop3_check *m, enum phase_id phase, struct err *e)
{
	char line[CONN_LINE_MAX + 1];
	size_t len;
	int rc;

	if (phase != PHASE_NONE)
		phase_begin(&m->mb.p.phases, phase);
	caps_init(&m->mb.caps);
	m->have_capa = 0;
	if (pop3_cmd(m, "CAPA", (size_t)-1, e) < 0)
		return -1;
	m->mb.caps_from = MBOX_CAPS_ASKED;   /* whatever the answer: asking again tells no more */
	if (!m->ok) {
		/* RFC 1939 servers lack CAPA: not a failure by itself */
		result_detail(&m->mb.p.res, "CAPA not supported: -ERR %s", m->text);
		return 0;
	}
	do {
		if (conn_read_line(&m->mb.p.conn, line, sizeof(line), &len, e) < 0) {
			caps_init(&m->mb.caps);   /* never show an unfinished list */
			return -1;
		}
		rc = pop3_capa_feed(&m->mb.caps, line, len, e);
		if (rc < 0) {
			err_set_reply(e, line, len);
			caps_init(&m->mb.caps);   /* never show an unfinished list */
			return -1;
		}
	} while (rc == 0);
	m->have_capa = 1;
	return 0;
}

static int
pop3_step_stls(struct mbox_check *mb, struct err *e)
{
	struct pop3_check *m = (struct pop3_check *)mb;

	if (m->have_capa && !caps_has(&m->mb.caps, "STLS"))
		return err_set(e, ERR_MISSING_FEATURE, "STLS not offered");
	if (pop3_cmd(m, "STLS", (size_t)-1, e) < 0)
		return -1;
	if (!m->ok)
		return pop3_refused(m, "STLS", e);
	if (plugin_upgrade(&m->mb.p, e) < 0)
		return -1;
	if (m->mb.p.tls_untrusted)
		return 0;
	/* RFC 2595 §4: capabilities may change; ask again */
	return pop3_step_capa(m, PHASE_NONE, e);
}

/* Does the SASL capability offer MECH? */
static int
pop3_sasl_has(const struct pop3_check *m, const char *mech)
{
	const char *s = caps_find(&m->mb.caps, "SASL");
	size_t ml = strlen(mech);

	for (s = s ? s + 4 : NULL; s && *s; ) {
		size_t n;

		s += strspn(s, " ");
		n = strcspn(s, " ");
		if (n == ml && strncmp(s, mech, ml) == 0)
			return 1;
		s += n;
	}
	return 0;
}

static int
pop3_step_login(struct mbox_check *mb, struct err *e)
{
	struct pop3_check *m = (struct pop3_check *)mb;

	struct b64_sasl sa;
	const char *user = m->mb.p.cfg->authuser, *pass = m->mb.p.cfg->authpass, *how;
	int rc = -1;

	if (strpbrk(user, "\r\n") || strpbrk(pass, "\r\n") ||
	    b64_sasl_begin(&sa, user, pass) < 0)
		return err_set(e, ERR_USAGE, "user name or password cannot be sent");
	if (pop3_sasl_has(m, "PLAIN")) {
		how = "AUTH PLAIN";
		b64_sasl_plain(user, pass, sa.enc, sizeof(sa.enc));
		snprintf(sa.cmd, sizeof(sa.cmd), "AUTH PLAIN %s", sa.enc);
		if (pop3_cmd(m, sa.cmd, strlen("AUTH PLAIN "), e) < 0)
			goto out;
	} else if (m->have_capa && !caps_has(&m->mb.caps, "USER")) {
		rc = err_set(e, ERR_MISSING_FEATURE, "cannot log in: neither SASL PLAIN "
		    "nor USER is offered%s", m->mb.p.tls ? "" : " (try -S or -s)");
		goto out;
	} else {
		how = "USER/PASS";
		snprintf(sa.cmd, sizeof(sa.cmd), "USER %s", user);
		if (pop3_cmd(m, sa.cmd, (size_t)-1, e) < 0)
			goto out;
		if (!m->ok) {
			rc = pop3_refused(m, "USER", e);
			goto out;
		}
		snprintf(sa.cmd, sizeof(sa.cmd), "PASS %s", pass);
		if (pop3_cmd(m, sa.cmd, strlen("PASS "), e) < 0)
			goto out;
	}
	if (!m->ok) {
		pop3_refused(m, how, e);
		snprintf(e->msg, sizeof(e->msg), "authentication failed for %.128s (%s)", user, how);
		goto out;
	}
	m->mb.logged_in = 1;
	result_detail(&m->mb.p.res, "logged in as %s with %s", user, how);
	rc = 0;
out:
	b64_sasl_wipe(&sa);
	return rc;
}

static int
pop3_step_quit(struct mbox_check *mb, struct err *e)
{
	struct pop3_check *m = (struct pop3_check *)mb;

	phase_begin(&m->mb.p.phases, PHASE_LOGOUT);
	if (pop3_cmd(m, "QUIT", (size_t)-1, e) < 0)
		return -1;
	if (!m->ok)
		result_detail(&m->mb.p.res, "QUIT answered -ERR %s", m->text);
	return 0;
}

/* The steps as mbox_main calls them. */
static int
pop3_capability(struct mbox_check *mb, struct err *e)
{
	return pop3_step_capa((struct pop3_check *)mb, PHASE_CAPABILITY, e);
}

static const struct mbox_proto pop3_proto = {
	.name = "check_pop3_banner",
	.service = "POP3",
	.synopsis = "-H HOST [-p PORT] [-S|-s] [-U USER (-P PASS|--authfile FILE)] "
	    "[-e STRING] [--require-cap LIST] [-D WARN[,CRIT]] [-w RANGE] [-c RANGE] "
	    "[-t SEC[:STATE]] [-v] ...",
	.description =
	    "Checks a POP3 server (RFC 1939/2449/2595): the greeting (+OK; -ERR is "
	    "CRITICAL), CAPA, STLS (-S) or implicit TLS on 995 (-s) with the "
	    "certificate, an optional login (AUTH PLAIN when offered, else "
	    "USER/PASS) and a clean QUIT. Every phase is timed (perfdata: connect "
	    "tls banner capability starttls login logout, and the total as time).\n"
	    TEXTCHECK_COMPAT_TEXT("check_pop", "check_spop"),
	.examples =
	    "  check_pop3_banner -H pop.example.org -S -D 30,7\n"
	    "      greeting, CAPA, STLS, certificate at least 30 (7) days from expiry\n"
	    "  check_pop3_banner -H pop.example.org -s --require-cap UIDL,TOP\n"
	    "      implicit TLS on 995; UIDL and TOP must be announced\n"
	    "  check_pop3_banner -H pop.example.org -s -U probe --authfile /etc/nagios/pop.auth\n"
	    "      a real login and QUIT\n"
	    "  check_pop3_banner -H pop.example.org -s --output=openmetrics\n"
	    "      the same facts as the perfdata, as OpenMetrics text for Prometheus\n",
	.compat =
	    "  check_pop, check_spop (check_tcp)   this plugin\n"
	    TEXTCHECK_COMPAT_ROWS,
	.opts = pop3_opts,
	.default_port = 110,
	.tls_service = "pop3s",
	.plain_service = "pop3",
	.tls_port = 995,
	.starttls_name = "STLS",
	.logout_name = "QUIT",
	.plain_must_not = "USER",
	.banner = pop3_step_banner,
	.capability = pop3_capability,
	.starttls = pop3_step_stls,
	.login = pop3_step_login,
	.check_size = sizeof(struct pop3_check),
	.logout = pop3_step_quit,
	.recapability = pop3_capability   /* after login: CAPA in the TRANSACTION state */
};

int
main(int argc, char **argv)
{
	/* Static storage: zero pages the kernel maps only where the check
	 * writes. calloc() of this ~92 KB struct made glibc clear all of it
	 * (it fits the heap's first arena): 22 page faults on every run. */
	static struct pop3_check check;

	return mbox_main(&check.mb, &pop3_proto, argc, argv);
}

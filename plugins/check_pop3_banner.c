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
#include "plugin_auth.h"
#include "textcheck.h"

static const struct opt_spec pop3_opts[] = {
	MBOX_REQUIRE_CAP_OPT(
	  "CAPA entries the server must announce (after STLS with --starttls; before or "
	  "after the login when logging in), e.g. UIDL,TOP; missing ones are "
	  "CRITICAL."),
	MBOX_AUTHTYPE_OPT(
	  "How -U logs in: a SASL mechanism (PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-1, "
	  "SCRAM-SHA-256: the server's signature is verified; XOAUTH2, OAUTHBEARER "
	  "with --oauth-token-file or --oauth-token-command) with AUTH (RFC 5034), "
	  "auto (the strongest offered), user (USER/PASS) or apop (APOP, with the "
	  "greeting's timestamp). Default: AUTH PLAIN when offered, else USER/PASS."),
	PLUGIN_AUTH_OPTS,
	MBOX_SRV_OPT(
	  "Find the server through DOMAIN's SRV records (RFC 6186: _pop3s._tcp "
	  "with -S, else _pop3._tcp), in priority and weight order; a \".\" "
	  "target means the service is not offered (CRITICAL)."),
	MBOX_HEALTH_OPTS_POP3,   /* issue 21: mailbox health */
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

/* The SASL mechanisms of CAPA's SASL line. */
static void
pop3_offered(const struct mbox_check *mb, char *out, size_t cap)
{
	const char *sl = caps_find(&mb->caps, "SASL");

	snprintf(out, cap, "%s", sl && strlen(sl) > 4 ? sl + 5 : "");
}

/* AUTH MECH (RFC 5034): the initial response on the line when it stays
 * within 255 octets, else on the first "+"; each "+ " challenge answered
 * by lib/sasl.c; "*" cancels. Ends with the +OK/-ERR in m->ok/m->text. */
static int
pop3_sasl(struct pop3_check *m, struct sasl *sa, struct err *e)
{
	const char *name = sasl_mech_name(sa->mech);
	char ir[B64_ENCODED_SIZE(SASL_MSG_MAX)], line[B64_ENCODED_SIZE(SASL_MSG_MAX) + 64];
	char in[CONN_LINE_MAX + 1];
	size_t len;
	long n;
	int pending, steps = 0, rc = -1;

	n = plugin_sasl_initial(sa, ir, sizeof(ir), e);
	if (n < 0)
		return -1;
	pending = n > 0 && strlen("AUTH ") + strlen(name) + 1 + (size_t)n > 253;
	snprintf(line, sizeof(line), "AUTH %s%s%s", name, n > 0 && !pending ? " " : "",
	    n > 0 && !pending ? ir : "");
	if (conn_send_secret(&m->mb.p.conn, line, strlen("AUTH ") + strlen(name) + 1, e) < 0)
		goto out;
	for (;;) {
		if (conn_read_line(&m->mb.p.conn, in, sizeof(in), &len, e) < 0)
			goto out;
		if (!(len >= 1 && in[0] == '+' && (len == 1 || in[1] == ' ')))
			break;   /* +OK or -ERR */
		if (++steps > 8) {
			err_set(e, ERR_PROTO, "AUTH %s: more than 8 challenges", name);
			goto out;
		}
		if (pending) {
			snprintf(line, sizeof(line), "%s", ir);
			pending = 0;
		} else if (plugin_sasl_answer(sa, len > 2 ? in + 2 : "", len > 2 ? len - 2 : 0,
		    line, sizeof(line), e) < 0) {
			struct err ce;

			err_clear(&ce);
			if (conn_send_line(&m->mb.p.conn, "*", &ce) == 0)
				(void)pop3_status(m, &ce);
			goto out;
		}
		if (conn_send_secret(&m->mb.p.conn, line, 0, e) < 0)
			goto out;
	}
	memcpy(m->mb.raw, in, len + 1);
	{
		const char *t;
		size_t tl;

		if (pop3_status_parse(in, len, &m->ok, &t, &tl, e) < 0) {
			err_set_reply(e, in, len);
			goto out;
		}
		memcpy(m->text, t, tl);
		m->text[tl] = '\0';
	}
	rc = 0;
out:
	explicit_bzero(ir, sizeof(ir));
	explicit_bzero(line, sizeof(line));
	return rc;
}

/* USER, then PASS; or APOP with the greeting's timestamp (RFC 1939 §7). */
static int
pop3_login_command(struct pop3_check *m, int apop, const char *user,
    const char *pass, struct err *e)
{
	char cmd[1300];
	int rc;

	if (apop) {
		unsigned char md[TLS_MD_MAX];
		char hex[33], buf[1100];
		size_t i;

		if (!m->mb.apop)
			return err_set(e, ERR_MISSING_FEATURE, "APOP asked for, but the greeting "
			    "carries no timestamp");
		snprintf(buf, sizeof(buf), "%s%s", m->apop, pass);
		rc = tls_hash(TLS_MD_MD5, buf, strlen(buf), md, e);
		explicit_bzero(buf, sizeof(buf));
		if (rc < 0)
			return -1;
		for (i = 0; i < 16; i++)
			snprintf(hex + 2 * i, 3, "%02x", md[i]);
		snprintf(cmd, sizeof(cmd), "APOP %s %s", user, hex);
		rc = pop3_cmd(m, cmd, strlen("APOP ") + strlen(user) + 1, e);
		explicit_bzero(cmd, sizeof(cmd));
		return rc;
	}
	snprintf(cmd, sizeof(cmd), "USER %s", user);
	if (pop3_cmd(m, cmd, (size_t)-1, e) < 0)
		return -1;
	if (!m->ok)
		return pop3_refused(m, "USER", e);
	snprintf(cmd, sizeof(cmd), "PASS %s", pass);
	rc = pop3_cmd(m, cmd, strlen("PASS "), e);
	explicit_bzero(cmd, sizeof(cmd));
	return rc;
}

static int
pop3_step_login(struct mbox_check *mb, struct err *e)
{
	struct pop3_check *m = (struct pop3_check *)mb;
	const struct mbox_config *c = mb->cfg;
	const char *user = c->pc.authuser;
	char offered[512], how[64], *secret;
	enum sasl_mech mech;
	struct sasl sa;
	int rc = -1, sasl;

	memset(&sa, 0, sizeof(sa));
	if (strpbrk(user, "\r\n"))
		return err_set(e, ERR_USAGE, "the user name cannot be sent");
	pop3_offered(mb, offered, sizeof(offered));
	sasl = mbox_login_prepare(mb, pop3_sasl_has(m, "PLAIN"), offered, &mech, &secret, e);
	if (sasl < 0)
		return -1;
	if (!sasl && c->login == MBOX_LOGIN_DEFAULT && m->have_capa &&
	    !caps_has(&mb->caps, "USER")) {
		err_set(e, ERR_MISSING_FEATURE, "cannot log in: neither SASL PLAIN "
		    "nor USER is offered%s", mb->p.tls ? "" : " (try --starttls or -S)");
		goto out;
	}
	if (strpbrk(secret, "\r\n")) {
		rc = err_set(e, ERR_USAGE, "the password cannot be sent");
		goto out;
	}
	if (sasl) {
		snprintf(how, sizeof(how), "AUTH %s", sasl_mech_name(mech));
		if (sasl_begin(&sa, mech, user, secret, c->pc.sni ? c->pc.sni : mb->p.host,
		    mb->p.port, e) < 0 || pop3_sasl(m, &sa, e) < 0)
			goto out;
	} else {
		snprintf(how, sizeof(how), "%s", c->login == MBOX_LOGIN_APOP ? "APOP" :
		    "USER/PASS");
		if (pop3_login_command(m, c->login == MBOX_LOGIN_APOP, user, secret, e) < 0)
			goto out;
	}
	if (!m->ok) {
		pop3_refused(m, how, e);
		plugin_auth_failed(e, user, how, &sa);
		goto out;
	}
	if (sasl && sasl_finish(&sa, NULL, 0, e) < 0)
		goto out;
	m->mb.logged_in = 1;
	result_detail(&m->mb.p.res, "logged in as %s with %s%s", user, how,
	    sa.verified ? " (the server proved it knows the password)" : "");
	rc = 0;
out:
	sasl_wipe(&sa);
	plugin_auth_secret_free(secret);
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

/* the monitoring-plugins programs this one stands in for */
static const struct plugin_alias pop3_aliases[] = {
	{ "check_pop", "POP", 0, "+OK", PLUGIN_LETTERS_TCP },
	{ "check_spop", "SPOP", 1, "+OK", PLUGIN_LETTERS_TCP },
	{ NULL, NULL, 0, NULL, PLUGIN_LETTERS_TCP }
};

static const struct mbox_proto pop3_proto = {
	.name = "check_pop3_banner",
	.service = "POP3",
	.synopsis = MBOX_SYNOPSIS,
	.description =
	    "Checks a POP3 server (RFC 1939/2449/2595): the greeting (+OK; -ERR is "
	    "CRITICAL), CAPA, STLS (--starttls) or implicit TLS on 995 (-S, --ssl, "
	    "as check_pop) with the certificate, an optional login (AUTH PLAIN when offered, else "
	    "USER/PASS) and a clean QUIT. Every phase is timed (perfdata: connect "
	    "tls banner capability starttls login logout, and the total as time).\n"
	    "check_pop and check_spop command lines keep working: every option of "
	    "theirs (check_tcp's) means the same here (see COMPATIBILITY); invoked "
	    "as check_pop or check_spop (the links make install puts in "
	    "mailprobe-compat/) it takes their defaults.\n"
	    "Mailbox health (after a login; phase mailbox): the maildrop's message "
	    "count and size (STAT) and the age of its first and last message (the "
	    "Date: header, TOP n 0), against Nagios ranges (--messages, --oldest-age, "
	    "--newest-age); read-only: no RETR, no DELE.",
	.examples =
	    "  check_pop3_banner -H pop.example.org --starttls -D 30,7\n"
	    "      greeting, CAPA, STLS, certificate at least 30 (7) days from expiry\n"
	    "  check_pop3_banner -H pop.example.org -S --require-cap UIDL,TOP\n"
	    "      implicit TLS on 995; UIDL and TOP must be announced\n"
	    "  check_pop3_banner -H pop.example.org -S -U probe --authfile /etc/nagios/pop.auth\n"
	    "      a real login and QUIT\n"
	    "  check_pop -H pop.example.org -p 995 -S -e '+OK'\n"
	    "      a check_spop command line, run through the link in mailprobe-compat/\n"
	    "  check_pop3_banner -H pop.example.org -S -U bounces --authfile b.auth \\\n"
	    "      --messages=:100,:1000 --oldest-age=1d,3d\n"
	    "      a bounce mailbox that must be emptied daily (mailbox health)\n"
	    "  check_pop3_banner -H pop.example.org -S --output=openmetrics\n"
	    "      the same facts as the perfdata, as OpenMetrics text for Prometheus\n",
	.compat =
	    "  check_pop, check_spop (check_tcp)    check_pop3_banner\n"
	    TEXTCHECK_COMPAT_ROWS
	    "Invoked as check_pop: service POP, port 110, -e '+OK' by default;\n"
	    "as check_spop: service SPOP, implicit TLS on 995, -e '+OK'.\n"
	    TEXTCHECK_COMPAT_DIFFS,
	.opts = pop3_opts,
	.aliases = pop3_aliases,
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
	.recapability = pop3_capability,   /* after login: CAPA in the TRANSACTION state */
	.offered = pop3_offered,
	.health = mbox_health_pop3   /* issue 21 */
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

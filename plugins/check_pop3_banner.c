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
#include "textcheck.h"

enum {
	OPT_REQUIRE_CAP = OPT_PLUGIN_BASE
};

static const char *const pop3_phases[] = {
	"dns", "connect", "tls", "banner", "capability", "starttls", "login",
	"logout", NULL
};

static const struct opt_spec pop3_opts[] = {
	{ OPT_REQUIRE_CAP, "require-cap", required_argument, "LIST",
	  "CAPA entries the server must announce (after STLS when -S), e.g. "
	  "UIDL,TOP; missing ones are CRITICAL." },
	TEXTCHECK_OPTS,
	OPT_END
};

struct pop3_check {
	struct plugin p;
	struct textcheck tc;
	const char *require_cap;
	struct caps caps;
	int have_capa;            /* CAPA answered +OK */
	char greeting[512];
	char apop[256];
	int logged_in;
	int ok;                   /* the last status line: +OK or -ERR */
	char text[CONN_LINE_MAX + 1];   /* its text */
};

static int
pop3_option(void *ctx, int id, const char *arg, struct err *e)
{
	struct pop3_check *m = ctx;

	if (id == OPT_REQUIRE_CAP) {
		m->require_cap = arg;
		return 0;
	}
	return textcheck_option(&m->tc, &m->p, id, arg, e);
}

/* Read a +OK/-ERR status line into m->ok / m->text. */
static int
pop3_status(struct pop3_check *m, struct err *e)
{
	char line[CONN_LINE_MAX + 1];
	const char *t;
	size_t len, tl;

	if (conn_read_line(&m->p.conn, line, sizeof(line), &len, e) < 0)
		return -1;
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
	if (conn_send_secret(&m->p.conn, cmd, show, e) < 0)
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
pop3_step_banner(struct pop3_check *m, struct err *e)
{
	phase_begin(&m->p.phases, "banner");
	if (pop3_status(m, e) < 0)
		return -1;
	err_sanitize(m->greeting, sizeof(m->greeting), m->text, strlen(m->text));
	if (!m->ok) {
		err_set(e, ERR_REJECTED, "server refused the connection (-ERR greeting)");
		err_set_reply(e, m->text, strlen(m->text));
		return -1;
	}
	if (pop3_apop_timestamp(m->text, strlen(m->text), m->apop, sizeof(m->apop)))
		result_detail(&m->p.res, "APOP timestamp in the greeting: %s", m->apop);
	textcheck_greeting(&m->tc, &m->p, m->text);
	return 0;
}

static int
pop3_step_capa(struct pop3_check *m, const char *phase, struct err *e)
{
	char line[CONN_LINE_MAX + 1];
	size_t len;
	int rc;

	if (phase)
		phase_begin(&m->p.phases, phase);
	caps_init(&m->caps);
	m->have_capa = 0;
	if (pop3_cmd(m, "CAPA", (size_t)-1, e) < 0)
		return -1;
	if (!m->ok) {
		/* RFC 1939 servers lack CAPA: not a failure by itself */
		result_detail(&m->p.res, "CAPA not supported: -ERR %s", m->text);
		return 0;
	}
	do {
		if (conn_read_line(&m->p.conn, line, sizeof(line), &len, e) < 0)
			return -1;
		rc = pop3_capa_feed(&m->caps, line, len, e);
		if (rc < 0) {
			err_set_reply(e, line, len);
			return -1;
		}
	} while (rc == 0);
	m->have_capa = 1;
	return 0;
}

static int
pop3_step_stls(struct pop3_check *m, struct err *e)
{
	phase_begin(&m->p.phases, "starttls");
	if (m->have_capa && !caps_has(&m->caps, "STLS"))
		return err_set(e, ERR_MISSING_FEATURE, "STLS not offered");
	if (pop3_cmd(m, "STLS", (size_t)-1, e) < 0)
		return -1;
	if (!m->ok)
		return pop3_refused(m, "STLS", e);
	if (plugin_upgrade(&m->p, e) < 0)
		return -1;
	if (m->p.tls_untrusted)
		return 0;
	/* RFC 2595 §4: capabilities may change; ask again */
	return pop3_step_capa(m, NULL, e);
}

/* Does the SASL capability offer MECH? */
static int
pop3_sasl_has(const struct pop3_check *m, const char *mech)
{
	const char *s = caps_find(&m->caps, "SASL");
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
pop3_step_login(struct pop3_check *m, struct err *e)
{
	char raw[1024], enc[B64_ENCODED_SIZE(1024)], cmd[sizeof(enc) + 32];
	const char *user = m->p.authuser, *pass = m->p.authpass, *how;
	size_t ul = strlen(user), pl = strlen(pass);
	int rc = -1;

	phase_begin(&m->p.phases, "login");
	if (ul + pl + 2 > sizeof(raw) || strpbrk(user, "\r\n") || strpbrk(pass, "\r\n"))
		return err_set(e, ERR_USAGE, "user name or password cannot be sent");
	if (pop3_sasl_has(m, "PLAIN")) {
		how = "AUTH PLAIN";
		raw[0] = '\0';
		memcpy(raw + 1, user, ul);
		raw[1 + ul] = '\0';
		memcpy(raw + 2 + ul, pass, pl);
		b64_encode(raw, ul + pl + 2, enc, sizeof(enc));
		snprintf(cmd, sizeof(cmd), "AUTH PLAIN %s", enc);
		if (pop3_cmd(m, cmd, strlen("AUTH PLAIN "), e) < 0)
			goto out;
	} else if (m->have_capa && !caps_has(&m->caps, "USER")) {
		rc = err_set(e, ERR_MISSING_FEATURE, "cannot log in: neither SASL PLAIN "
		    "nor USER is offered%s", m->p.tls ? "" : " (try -S or -s)");
		goto out;
	} else {
		how = "USER/PASS";
		snprintf(cmd, sizeof(cmd), "USER %s", user);
		if (pop3_cmd(m, cmd, (size_t)-1, e) < 0)
			goto out;
		if (!m->ok) {
			rc = pop3_refused(m, "USER", e);
			goto out;
		}
		snprintf(cmd, sizeof(cmd), "PASS %s", pass);
		if (pop3_cmd(m, cmd, strlen("PASS "), e) < 0)
			goto out;
	}
	if (!m->ok) {
		pop3_refused(m, how, e);
		snprintf(e->msg, sizeof(e->msg), "authentication failed for %.128s (%s)", user, how);
		goto out;
	}
	m->logged_in = 1;
	result_detail(&m->p.res, "logged in as %s with %s", user, how);
	rc = 0;
out:
	explicit_bzero(raw, sizeof(raw));
	explicit_bzero(enc, sizeof(enc));
	explicit_bzero(cmd, sizeof(cmd));
	return rc;
}

static int
pop3_step_quit(struct pop3_check *m, struct err *e)
{
	phase_begin(&m->p.phases, "logout");
	if (pop3_cmd(m, "QUIT", (size_t)-1, e) < 0) {
		if (e->kind == ERR_CLOSED) {
			result_detail(&m->p.res, "server closed the connection before "
			    "answering QUIT");
			err_clear(e);
			return 0;
		}
		return -1;
	}
	if (!m->ok)
		result_detail(&m->p.res, "QUIT answered -ERR %s", m->text);
	return 0;
}

static void
pop3_setup(struct pop3_check *m)
{
	m->p.name = "check_pop3_banner";
	m->p.service = "POP3";
	m->p.synopsis = "-H HOST [-p PORT] [-S|-s] [-U USER (-P PASS|--authfile FILE)] "
	    "[-e STRING] [--require-cap LIST] [-D WARN[,CRIT]] [-w RANGE] [-c RANGE] "
	    "[-t SEC[:STATE]] [-v] ...";
	m->p.description =
	    "Checks a POP3 server (RFC 1939/2449/2595): the greeting (+OK; -ERR is "
	    "CRITICAL), CAPA, STLS (-S) or implicit TLS on 995 (-s) with the "
	    "certificate, an optional login (AUTH PLAIN when offered, else "
	    "USER/PASS) and a clean QUIT. Every phase is timed (perfdata: connect "
	    "tls banner capability starttls login logout, and the total as time).\n"
	    TEXTCHECK_COMPAT_TEXT("check_pop", "check_spop");
	m->p.examples =
	    "  check_pop3_banner -H pop.example.org -S -D 30,7\n"
	    "      greeting, CAPA, STLS, certificate at least 30 (7) days from expiry\n"
	    "  check_pop3_banner -H pop.example.org -s --require-cap UIDL,TOP\n"
	    "      implicit TLS on 995; UIDL and TOP must be announced\n"
	    "  check_pop3_banner -H pop.example.org -s -U probe --authfile /etc/nagios/pop.auth\n"
	    "      a real login and QUIT\n";
	m->p.opts = pop3_opts;
	m->p.handler = pop3_option;
	m->p.ctx = m;
	m->p.default_port = 110;
	m->p.phase_names = pop3_phases;
}

int
main(int argc, char **argv)
{
	struct pop3_check *m;
	struct err e;
	int rc, want_login;

	m = calloc(1, sizeof(*m));
	if (m == NULL) {
		puts("POP3 UNKNOWN - out of memory");
		return STATE_UNKNOWN;
	}
	pop3_setup(m);
	caps_init(&m->caps);
	plugin_init(&m->p);
	plugin_parse(&m->p, argc, argv);
	textcheck_validate(&m->tc, &m->p);
	plugin_check_tls_opts(&m->p, 995);
	want_login = plugin_want_login(&m->p);

	plugin_start(&m->p);
	err_clear(&e);
	/* -2: the SRV lookup failed, and said so */
	rc = m->p.srv_domain && plugin_srv(&m->p, "pop3s", "pop3") < 0 ? -2 : 0;
	if (rc == 0)
		rc = plugin_connect(&m->p, &e);
	if (rc == 0 && !m->p.tls_untrusted)
		rc = pop3_step_banner(m, &e);
	if (rc == 0 && !m->p.tls_untrusted && m->tc.send)
		rc = textcheck_send(&m->tc, &m->p, &e);
	if (rc == 0 && !m->p.tls_untrusted)
		rc = pop3_step_capa(m, "capability", &e);
	if (rc == 0 && !m->p.tls_untrusted && m->p.starttls)
		rc = pop3_step_stls(m, &e);
	if (rc == 0 && !m->p.tls_untrusted && m->require_cap) {
		struct sbuf miss;

		sbuf_init(&miss);
		if (caps_missing(&m->caps, m->require_cap, &miss) > 0)
			rc = err_set(&e, ERR_MISSING_FEATURE, "required capabilit%s not "
			    "announced: %s", strchr(sbuf_str(&miss), ',') ? "ies" : "y",
			    sbuf_str(&miss));
		sbuf_free(&miss);
	}
	if (rc == 0 && !m->p.tls_untrusted && want_login)
		rc = pop3_step_login(m, &e);
	if (rc == -1)
		textcheck_fail(&m->tc, &m->p, &e);
	if (m->p.connected && (rc == 0 || e.kind == ERR_REJECTED ||
	    e.kind == ERR_MISSING_FEATURE)) {
		struct err qe;

		err_clear(&qe);
		if (pop3_step_quit(m, &qe) < 0 && rc == 0)
			plugin_fail(&m->p, &qe);
	}
	phase_end(&m->p.phases);
	if (rc == 0) {
		struct sbuf t;

		sbuf_init(&t);
		sbuf_printf(&t, "%s: %s in %.3f s", m->p.target,
		    m->logged_in ? "logged in and out" : "greeting and capabilities",
		    deadline_elapsed(&m->p.dl));
		if (m->p.tls) {
			const struct tls_info *in = tls_get_info(m->p.tls);

			sbuf_printf(&t, ", %s%s", in->protocol, m->p.starttls ? " via STLS" : "");
			if (!(in->problems & TLS_P_NO_CERT))
				sbuf_printf(&t, ", certificate %ld days left", (long)in->days_left);
		}
		result_ok(&m->p.res, "%s: %s", sbuf_str(&t), m->greeting);
		sbuf_free(&t);
	}
	if (m->p.connected) {
		struct sbuf x;

		if (m->greeting[0])
			result_detail(&m->p.res, "greeting: %s", m->greeting);
		sbuf_init(&x);
		caps_join(&m->caps, &x, " ");
		if (x.len)
			result_detail(&m->p.res, "capabilities: %s", sbuf_str(&x));
		sbuf_free(&x);
		plugin_close(&m->p);
	}
	rc = plugin_finish(&m->p);
	textcheck_free(&m->tc);
	free(m);
	return rc;
}

/* check_imap_banner - prove an IMAP server works: greeting, capabilities,
 * STARTTLS or implicit TLS, an optional login, and a clean LOGOUT.
 * Option parsing plus a protocol script over lib/. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "b64.h"
#include "caps.h"
#include "imap.h"
#include "plugin.h"
#include "mbox.h"
#include "plugin_auth.h"
#include "textcheck.h"

#define IMAP_MAX_UNTAGGED 1000

static const struct opt_spec imap_opts[] = {
	{ MBOX_OPT_ALLOW_PREAUTH, "allow-preauth", no_argument, NULL,
	  "A PREAUTH greeting (already logged in) is OK instead of WARNING." },
	MBOX_REQUIRE_CAP_OPT(
	  "Capabilities the server must announce (after STARTTLS with --starttls; before "
	  "or after the login when logging in, as some are listed only after it), "
	  "e.g. IMAP4rev1,IDLE; missing ones are CRITICAL. One missing from the "
	  "greeting's list is asked for with CAPABILITY."),
	MBOX_AUTHTYPE_OPT(
	  "How -U logs in: a SASL mechanism (PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-1, "
	  "SCRAM-SHA-256: the server's signature is verified; XOAUTH2, OAUTHBEARER "
	  "with --oauth-token-file or --oauth-token-command) with AUTHENTICATE "
	  "(SASL-IR when offered), auto (the strongest offered), or login-command "
	  "(LOGIN). Default: AUTHENTICATE PLAIN when offered, else LOGIN."),
	PLUGIN_AUTH_OPTS,
	MBOX_SRV_OPT(
	  "Find the server through DOMAIN's SRV records (RFC 6186: _imaps._tcp "
	  "with -S, else _imap._tcp), in priority and weight order; a \".\" "
	  "target means the service is not offered (CRITICAL)."),
	MBOX_HEALTH_OPTS_IMAP,   /* issue 21: mailbox health */
	OPT_END
};

struct imap_check {
	struct mbox_check mb;     /* first: mbox_main hands us back &mb */
	int tagno;
	struct imap_resp r;       /* the last response */
};

/* Read one response line into m->r. */
static int
imap_read(struct imap_check *m, struct err *e)
{
	char line[CONN_LINE_MAX + 1];
	size_t len;

	if (conn_read_line(&m->mb.p.conn, line, sizeof(line), &len, e) < 0)
		return -1;
	memcpy(m->mb.raw, line, len + 1);
	if (imap_resp_parse(line, len, &m->r, e) < 0) {
		err_set_reply(e, line, len);
		return -1;
	}
	return 0;
}

/* Send "TAG COMMAND" (SHOW bytes of it logged, the rest masked when
 * SHOW < strlen) and read up to the tagged response; untagged
 * CAPABILITY data is collected on the way. */
/* Read responses until the tagged one of TAG or a continuation (the
 * caller sends what is asked for); CMD names the command in messages.
 * Untagged CAPABILITY lists are taken as they come. */
static int
imap_await(struct imap_check *m, const char *tag, const char *cmd, struct err *e)
{
	int i;

	for (i = 0; i < IMAP_MAX_UNTAGGED; i++) {
		if (imap_read(m, e) < 0)
			return -1;
		if (m->r.kind == IMAP_TAGGED) {
			if (strcmp(m->r.tag, tag) != 0)
				return err_set(e, ERR_PROTO, "response for tag %s while "
				    "waiting for %s", m->r.tag, tag);
			return 0;
		}
		if (m->r.kind == IMAP_CONTINUATION)
			return 0;   /* the caller sends what is asked for */
		if (strcmp(m->r.keyword, "CAPABILITY") == 0) {
			caps_init(&m->mb.caps);
			m->mb.caps_from = MBOX_CAPS_CODE;   /* MBOX_CAPS_ASKED when we asked */
			if (imap_caps_parse(m->r.text, strlen(m->r.text), &m->mb.caps, e) < 0)
				return -1;
		} else if (m->r.status == IMAP_BYE && strcasecmp(cmd, "LOGOUT") != 0) {
			err_set(e, ERR_REJECTED, "server said BYE in reply to %.*s",
			    (int)strcspn(cmd, " "), cmd);
			err_set_reply(e, m->r.text, strlen(m->r.text));
			return -1;
		}
	}
	return err_set(e, ERR_PROTO, "more than %d untagged responses to one command",
	    IMAP_MAX_UNTAGGED);
}

/* Send CMD with a new tag (logging SHOW bytes of it, (size_t)-1: all) and
 * read up to its tagged response or a continuation. */
static int
imap_cmd(struct imap_check *m, const char *cmd, size_t show, struct err *e)
{
	char line[CONN_LINE_MAX], tag[16];
	int n;

	snprintf(tag, sizeof(tag), "A%d", ++m->tagno);
	n = snprintf(line, sizeof(line), "%s %s", tag, cmd);
	if (n < 0 || (size_t)n >= sizeof(line))
		return err_set(e, ERR_INTERNAL, "command too long");
	if (conn_send_secret(&m->mb.p.conn, line, show == (size_t)-1 ? (size_t)-1 :
	    strlen(tag) + 1 + show, e) < 0)
		return -1;
	return imap_await(m, tag, cmd, e);
}

static int
imap_refused(struct imap_check *m, const char *what, struct err *e)
{
	char tmp[2 * IMAP_TEXT_MAX + 16];

	err_set(e, ERR_REJECTED, "%s refused", what);
	snprintf(tmp, sizeof(tmp), "%s%s%s%s%s", imap_status_name(m->r.status),
	    m->r.code[0] ? " [" : "", m->r.code, m->r.code[0] ? "] " : " ", m->r.text);
	err_set_reply(e, tmp, strlen(tmp));
	return -1;
}

static int
imap_step_banner(struct mbox_check *mb, struct err *e)
{
	struct imap_check *m = (struct imap_check *)mb;

	if (imap_read(m, e) < 0)
		return -1;
	err_sanitize(m->mb.greeting, sizeof(m->mb.greeting), m->r.text, strlen(m->r.text));
	if (m->r.kind != IMAP_UNTAGGED)
		return err_set(e, ERR_PROTO, "greeting is not an untagged response");
	switch (m->r.status) {
	case IMAP_OK:
		break;
	case IMAP_PREAUTH:
		m->mb.preauth = 1;
		if (!m->mb.cfg->allow_preauth)
			result_problem(&m->mb.p.res, STATE_WARNING, "%s: PREAUTH greeting: the "
			    "server logged us in without credentials (--allow-preauth "
			    "accepts it)", m->mb.p.target);
		break;
	case IMAP_BYE:
		err_set(e, ERR_REJECTED, "server refused the connection (BYE greeting)");
		err_set_reply(e, m->r.text, strlen(m->r.text));
		return -1;
	default:
		return err_set(e, ERR_PROTO, "greeting is neither OK, PREAUTH nor BYE");
	}
	switch (imap_code_caps(m->r.code, &m->mb.caps, e)) {
	case -1:
		return -1;
	case 1:
		m->mb.caps_from = MBOX_CAPS_CODE;
		break;
	default:
		break;
	}
	textcheck_greeting(&m->mb.cfg->tc, &m->mb.p, m->mb.raw);
	return 0;
}

static int
imap_step_capability(struct imap_check *m, enum phase_id phase, struct err *e)
{
	if (phase != PHASE_NONE)
		phase_begin(&m->mb.p.phases, phase);
	caps_init(&m->mb.caps);
	if (imap_cmd(m, "CAPABILITY", (size_t)-1, e) < 0)
		return -1;
	if (m->r.status != IMAP_OK)
		return imap_refused(m, "CAPABILITY", e);
	imap_code_caps(m->r.code, &m->mb.caps, e);
	if (m->mb.caps.n == 0)
		return err_set(e, ERR_PROTO, "CAPABILITY returned no capabilities");
	m->mb.caps_from = MBOX_CAPS_ASKED;
	return 0;
}

/* The tagged OK of a login: a [CAPABILITY ...] code in it is the list for
 * the logged-in state (RFC 9051 §6.2.2), replacing the one from before. */
static int
imap_login_caps(struct imap_check *m, struct err *e)
{
	if (!imap_code_is_caps(m->r.code))
		return 0;
	caps_init(&m->mb.caps);
	m->mb.caps_from = MBOX_CAPS_CODE;
	return imap_code_caps(m->r.code, &m->mb.caps, e) < 0 ? -1 : 0;
}

static int
imap_step_starttls(struct mbox_check *mb, struct err *e)
{
	struct imap_check *m = (struct imap_check *)mb;

	if (!caps_has(&m->mb.caps, "STARTTLS"))
		return err_set(e, ERR_MISSING_FEATURE, "STARTTLS not offered");
	if (imap_cmd(m, "STARTTLS", (size_t)-1, e) < 0)
		return -1;
	if (m->r.status != IMAP_OK)
		return imap_refused(m, "STARTTLS", e);
	if (plugin_upgrade(&m->mb.p, e) < 0)
		return -1;
	if (m->mb.p.tls_untrusted)
		return 0;
	/* RFC 9051 §6.2.1: capabilities are asked for again over TLS */
	return imap_step_capability(m, PHASE_NONE, e);
}

/* The SASL mechanisms the server offers (AUTH=...), space separated. */
static void
imap_offered(const struct mbox_check *mb, char *out, size_t cap)
{
	size_t o = 0;
	int i;

	out[0] = '\0';
	for (i = 0; i < mb->caps.n; i++) {
		const char *cp = caps_get(&mb->caps, i);

		if (strncasecmp(cp, "AUTH=", 5) == 0 && o + strlen(cp) < cap)
			o += (size_t)snprintf(out + o, cap - o, "%s%s", o ? " " : "", cp + 5);
	}
}

/* AUTHENTICATE MECH (RFC 9051 §6.2.2), with SASL-IR (RFC 4959) when
 * offered; each "+" continuation answered by lib/sasl.c; "*" cancels. */
static int
imap_sasl(struct imap_check *m, struct sasl *sa, struct err *e)
{
	const char *name = sasl_mech_name(sa->mech);
	char ir[B64_ENCODED_SIZE(SASL_MSG_MAX)], line[B64_ENCODED_SIZE(SASL_MSG_MAX) + 64];
	char tag[16];
	long n;
	int pending = 0, steps = 0, rc = -1;

	n = plugin_sasl_initial(sa, ir, sizeof(ir), e);
	if (n < 0)
		return -1;
	if (n > 0 && caps_has(&m->mb.caps, "SASL-IR"))
		snprintf(line, sizeof(line), "AUTHENTICATE %s %s", name, ir);
	else
		snprintf(line, sizeof(line), "AUTHENTICATE %s", name);
	pending = n > 0 && !caps_has(&m->mb.caps, "SASL-IR");
	/* every payload is masked in the transcript, the user name too */
	if (imap_cmd(m, line, strlen("AUTHENTICATE ") + strlen(name) + 1, e) < 0)
		goto out;
	snprintf(tag, sizeof(tag), "A%d", m->tagno);
	while (m->r.kind == IMAP_CONTINUATION) {
		if (++steps > 8) {
			err_set(e, ERR_PROTO, "AUTHENTICATE %s: more than 8 continuations", name);
			goto out;
		}
		if (pending) {
			snprintf(line, sizeof(line), "%s", ir);
			pending = 0;
		} else if (plugin_sasl_answer(sa, m->r.text, strlen(m->r.text), line,
		    sizeof(line), e) < 0) {
			struct err ce;

			/* RFC 9051 §6.2.2: "*" cancels; the server answers BAD */
			err_clear(&ce);
			if (conn_send_line(&m->mb.p.conn, "*", &ce) == 0)
				(void)imap_await(m, tag, "AUTHENTICATE", &ce);
			goto out;
		}
		if (conn_send_secret(&m->mb.p.conn, line, 0, e) < 0 ||
		    imap_await(m, tag, "AUTHENTICATE", e) < 0)
			goto out;
	}
	rc = 0;
out:
	explicit_bzero(ir, sizeof(ir));
	explicit_bzero(line, sizeof(line));
	return rc;
}

/* LOGIN USER PASSWORD (both quoted) */
static int
imap_login_command(struct imap_check *m, const char *user, const char *pass,
    struct err *e)
{
	char qu[600], qp[600], cmd[1300];
	int rc;

	if (imap_quote(user, qu, sizeof(qu)) < 0 || imap_quote(pass, qp, sizeof(qp)) < 0)
		return err_set(e, ERR_USAGE, "user name or password cannot be sent with LOGIN");
	snprintf(cmd, sizeof(cmd), "LOGIN %s %s", qu, qp);
	rc = imap_cmd(m, cmd, strlen("LOGIN ") + strlen(qu) + 1, e);
	explicit_bzero(qp, sizeof(qp));
	explicit_bzero(cmd, sizeof(cmd));
	return rc;
}

static int
imap_step_login(struct mbox_check *mb, struct err *e)
{
	struct imap_check *m = (struct imap_check *)mb;
	const struct mbox_config *c = mb->cfg;
	const char *user = c->pc.authuser;
	char offered[512], how[64], *secret;
	enum sasl_mech mech;
	struct sasl sa;
	int rc = -1, sasl;

	memset(&sa, 0, sizeof(sa));
	imap_offered(mb, offered, sizeof(offered));
	sasl = mbox_login_prepare(mb, caps_has(&mb->caps, "AUTH=PLAIN"), offered, &mech,
	    &secret, e);
	if (sasl < 0)
		return -1;
	if (!sasl && caps_has(&mb->caps, "LOGINDISABLED")) {
		err_set(e, ERR_MISSING_FEATURE, "cannot log in: the server announces "
		    "LOGINDISABLED and offers no AUTH=PLAIN%s", mb->p.tls ? "" :
		    " (try --starttls or -S)");
		goto out;
	}
	if (sasl) {
		snprintf(how, sizeof(how), "AUTHENTICATE %s", sasl_mech_name(mech));
		if (sasl_begin(&sa, mech, user, secret, c->pc.sni ? c->pc.sni : mb->p.host,
		    mb->p.port, e) < 0 || imap_sasl(m, &sa, e) < 0)
			goto out;
	} else {
		snprintf(how, sizeof(how), "LOGIN");
		if (imap_login_command(m, user, secret, e) < 0)
			goto out;
	}
	if (m->r.kind != IMAP_TAGGED) {
		rc = err_set(e, ERR_PROTO, "no tagged reply to %s", how);
	} else if (m->r.status == IMAP_NO) {
		rc = imap_refused(m, "login", e);
		plugin_auth_failed(e, user, how, &sa);
	} else if (m->r.status != IMAP_OK) {
		rc = imap_refused(m, how, e);
	} else if (sasl && sasl_finish(&sa, NULL, 0, e) < 0) {
		rc = -1;
	} else {
		m->mb.logged_in = 1;
		result_detail(&m->mb.p.res, "logged in as %s with %s%s", user, how,
		    sa.verified ? " (the server proved it knows the password)" : "");
		rc = imap_login_caps(m, e);
	}
out:
	sasl_wipe(&sa);
	plugin_auth_secret_free(secret);
	return rc;
}

static int
imap_step_logout(struct mbox_check *mb, struct err *e)
{
	struct imap_check *m = (struct imap_check *)mb;

	phase_begin(&m->mb.p.phases, PHASE_LOGOUT);
	if (imap_cmd(m, "LOGOUT", (size_t)-1, e) < 0)
		return -1;
	if (m->r.status != IMAP_OK)
		result_detail(&m->mb.p.res, "LOGOUT answered %s", imap_status_name(m->r.status));
	return 0;
}

/* The steps as mbox_main calls them. */
static int
imap_capability(struct mbox_check *mb, struct err *e)
{
	/* the greeting's [CAPABILITY ...] spares a round trip: the phase is
	 * still reported (0 s), so the perfdata labels stay the same */
	if (mb->caps.n > 0) {
		phase_skip(&mb->p.phases, PHASE_CAPABILITY);
		return 0;
	}
	return imap_step_capability((struct imap_check *)mb, PHASE_CAPABILITY, e);
}

/* --require-cap: ask again (after a partial greeting list, or after login) */
static int
imap_recapability(struct mbox_check *mb, struct err *e)
{
	return imap_step_capability((struct imap_check *)mb, PHASE_CAPABILITY, e);
}

/* the monitoring-plugins programs this one stands in for */
static const struct plugin_alias imap_aliases[] = {
	{ "check_imap", "IMAP", 0, "* OK", PLUGIN_LETTERS_TCP },
	{ "check_simap", "SIMAP", 1, "* OK", PLUGIN_LETTERS_TCP },
	{ NULL, NULL, 0, NULL, PLUGIN_LETTERS_TCP }
};

static const struct mbox_proto imap_proto = {
	.name = "check_imap_banner",
	.service = "IMAP",
	.synopsis = MBOX_SYNOPSIS,
	.description =
	    "Checks an IMAP server (RFC 9051/3501): the greeting (* OK; PREAUTH is "
	    "WARNING, BYE CRITICAL), its capabilities, STARTTLS (--starttls) or "
	    "implicit TLS on 993 (-S, --ssl, as check_imap) with the certificate, an optional login (AUTHENTICATE PLAIN "
	    "when offered, else LOGIN) and a clean LOGOUT. Every phase is timed "
	    "(perfdata: connect tls banner capability starttls login logout, and the "
	    "total as time).\n"
	    "check_imap and check_simap command lines keep working: every option of "
	    "theirs (check_tcp's) means the same here (see COMPATIBILITY); invoked "
	    "as check_imap or check_simap (the links make install puts in "
	    "mailprobe-compat/) it takes their defaults.\n"
	    "Mailbox health (after a login; phase mailbox): each folder's message, "
	    "unseen and recent counts, the age of its oldest and newest message and the "
	    "quota used, against Nagios ranges (--folder, --messages, --unseen, --recent, "
	    "--oldest-age, --newest-age, --quota); read-only: STATUS, EXAMINE, FETCH "
	    "INTERNALDATE, GETQUOTAROOT.",
	.examples =
	    "  check_imap_banner -H imap.example.org --starttls -D 30,7\n"
	    "      greeting, STARTTLS, certificate at least 30 (7) days from expiry\n"
	    "  check_imap_banner -H imap.example.org -S --require-cap IMAP4rev1,IDLE\n"
	    "      implicit TLS on 993; IDLE must be announced\n"
	    "  check_imap_banner -H imap.example.org -S -U probe --authfile /etc/nagios/imap.auth\n"
	    "      a real login and LOGOUT\n"
	    "  check_imap -H imap.example.org -p 993 -S -e '* OK'\n"
	    "      a check_simap command line, run through the link in mailprobe-compat/\n"
	    "  check_imap_banner -H imap.example.org -S -U postmaster --authfile pm.auth \\\n"
	    "      --messages=:500,:2000 --oldest-age=2d,7d --quota=80%,95%\n"
	    "      a mailbox nobody reads, and its quota (mailbox health)\n"
	    "  check_imap_banner -H imap.example.org -S -U probe --authfile probe.auth \\\n"
	    "      --folder=Feeds/Börse --newest-age=1h,1d\n"
	    "      a folder whose feed must deliver every hour\n"
	    "  check_imap_banner -H imap.example.org -S --output=openmetrics\n"
	    "      the same facts as the perfdata, as OpenMetrics text for Prometheus\n",
	.compat =
	    "  check_imap, check_simap (check_tcp)  check_imap_banner\n"
	    TEXTCHECK_COMPAT_ROWS
	    "Invoked as check_imap: service IMAP, port 143, -e '* OK' by default;\n"
	    "as check_simap: service SIMAP, implicit TLS on 993, -e '* OK'.\n"
	    TEXTCHECK_COMPAT_DIFFS,
	.opts = imap_opts,
	.aliases = imap_aliases,
	.default_port = 143,
	.tls_service = "imaps",
	.plain_service = "imap",
	.tls_port = 993,
	.starttls_name = "STARTTLS",
	.logout_name = "LOGOUT",
	.plain_must_have = "LOGINDISABLED",
	.banner = imap_step_banner,
	.capability = imap_capability,
	.starttls = imap_step_starttls,
	.login = imap_step_login,
	.check_size = sizeof(struct imap_check),
	.logout = imap_step_logout,
	.recapability = imap_recapability,
	.offered = imap_offered,
	.health = mbox_health_imap   /* issue 21 */
};

int
main(int argc, char **argv)
{
	/* Static storage: zero pages the kernel maps only where the check
	 * writes. calloc() of this ~96 KB struct made glibc clear all of it
	 * (it fits the heap's first arena): 23 page faults on every run. */
	static struct imap_check check;

	return mbox_main(&check.mb, &imap_proto, argc, argv);
}

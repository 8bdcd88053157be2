/* mbox.c - see mbox.h */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mbox.h"
#include "plugin_auth.h"
#include "session.h"

static void mbox_summary(struct mbox_check *m, const struct mbox_proto *proto);
static void mbox_posture(struct mbox_check *m, const struct mbox_proto *proto);
static int mbox_require(struct mbox_check *m, const struct mbox_proto *proto,
    const char *list, int defer, struct err *e);
static int mbox_greeting_quiet(struct mbox_check *m);
static int mbox_step_banner(void *ctx, struct err *e);
static int mbox_step_send(void *ctx, struct err *e);
static int mbox_step_capability(void *ctx, struct err *e);
static int mbox_step_require_tls(void *ctx, struct err *e);
static int mbox_step_starttls(void *ctx, struct err *e);
static int mbox_step_require_cap(void *ctx, struct err *e);
static int mbox_step_login(void *ctx, struct err *e);
static int mbox_step_require_cap_after(void *ctx, struct err *e);
static int mbox_step_auth_posture(void *ctx, struct err *e);
static int mbox_validate_login(const struct mbox_config *c,
    const struct mbox_proto *proto, struct err *e);
static int mbox_step_health(void *ctx, struct err *e);

static void
mbox_summary(struct mbox_check *m, const struct mbox_proto *proto)
{
	struct sbuf t;

	sbuf_init(&t);
	sbuf_printf(&t, "%s: %s in %.3f s", m->p.target,
	    m->logged_in ? "logged in and out" : m->preauth ? "PREAUTH greeting" :
	    "greeting and capabilities", deadline_elapsed(&m->p.dl));
	mbox_health_summary(m, &t);   /* issue 21: the folders' figures */
	plugin_tls_summary(&m->p, proto->starttls_name, &t);
	if (m->cfg->tc.jail)   /* -j: the server's words stay out */
		result_ok(&m->p.res, "%s", sbuf_str(&t));
	else
		result_ok(&m->p.res, "%s: %s", sbuf_str(&t), m->greeting);
	sbuf_free(&t);
}

/* --require-tls: the plaintext session must not invite a password. APOP
 * (RFC 1939 §7: the greeting's timestamp) sends no password, but an MD5 of
 * timestamp and password that an eavesdropper can guess the password from
 * offline. */
static void
mbox_posture(struct mbox_check *m, const struct mbox_proto *proto)
{
	int found = 0;

	if (proto->plain_must_have && !caps_has(&m->caps, proto->plain_must_have)) {
		result_problem(&m->p.res, STATE_WARNING, "%s: no %s before %s: the "
		    "server invites a plaintext login", m->p.target,
		    proto->plain_must_have, proto->starttls_name);
		found = 1;
	} else if (proto->plain_must_not && caps_has(&m->caps, proto->plain_must_not)) {
		result_problem(&m->p.res, STATE_WARNING, "%s: %s is offered before %s: "
		    "the password may be sent in clear", m->p.target,
		    proto->plain_must_not, proto->starttls_name);
		found = 1;
	}
	if (m->apop) {
		result_problem(&m->p.res, STATE_WARNING, "%s: APOP is offered before %s "
		    "(timestamp in the greeting): it exposes an MD5 of the password to "
		    "offline guessing", m->p.target, proto->starttls_name);
		found = 1;
	}
	if (!found)
		result_detail(&m->p.res, "no plaintext login offered before %s",
		    proto->starttls_name);
}

/* --require-cap: the entries of LIST missing from the list at hand are
 * judged against what the server advertises where it matters. With DEFER
 * (a login follows) they are kept in m->cap_missing, to be judged after the
 * login. Otherwise, when the list at hand was not the answer to a
 * capability command in this state (a greeting's code can be partial, and
 * after a login the list may have grown), the capabilities are asked for
 * once more first. Returns -1 with *e set (ERR_MISSING_FEATURE) when some
 * are still missing. */
static int
mbox_require(struct mbox_check *m, const struct mbox_proto *proto,
    const char *list, int defer, struct err *e)
{
	struct sbuf miss;
	int rc = 0;

	sbuf_init(&miss);
	if (caps_missing(&m->caps, list, &miss) == 0)
		goto out;
	if (defer) {
		sbuf_reset(&m->cap_missing);
		sbuf_add(&m->cap_missing, sbuf_str(&miss));
		goto out;
	}
	if (m->caps_from != MBOX_CAPS_ASKED && proto->recapability &&
	    proto->recapability(m, e) < 0) {
		rc = -1;
		goto out;
	}
	rc = caps_require(&m->caps, sbuf_str(&miss), "capability", e);
out:
	sbuf_free(&miss);
	return rc;
}

/* A session abandoned right after an untrusted implicit-TLS handshake has
 * not read the greeting yet: read it now (at most 1 s, not judged), so that
 * it is never taken for the LOGOUT/QUIT reply. -1 when none came: the
 * caller then hangs up without LOGOUT/QUIT. */
static int
mbox_greeting_quiet(struct mbox_check *m)
{
	struct deadline sub;
	const struct deadline *keep = m->p.conn.dl;
	struct err e;
	size_t len;
	int rc;

	phase_begin(&m->p.phases, PHASE_BANNER);
	deadline_cap(&sub, &m->p.dl, 1000000);
	err_clear(&e);
	m->p.conn.dl = &sub;
	rc = conn_read_line(&m->p.conn, m->raw, sizeof(m->raw), &len, &e);
	m->p.conn.dl = keep;
	if (rc < 0)
		return -1;
	err_sanitize(m->greeting, sizeof(m->greeting), m->raw, len);
	return 0;
}

static int
mbox_step_banner(void *ctx, struct err *e)
{
	struct mbox_check *m = ctx;

	return m->proto->banner(m, e);
}

static int
mbox_step_send(void *ctx, struct err *e)
{
	struct mbox_check *m = ctx;

	return textcheck_send(&m->cfg->tc, &m->p, m->raw, e);
}

static int
mbox_step_capability(void *ctx, struct err *e)
{
	struct mbox_check *m = ctx;

	return m->proto->capability(m, e);
}

static int
mbox_step_require_tls(void *ctx, struct err *e)
{
	struct mbox_check *m = ctx;

	(void)e;
	if (m->p.cfg->implicit_tls)
		result_detail(&m->p.res, "--require-tls: implicit TLS, nothing is said "
		    "before TLS");
	else
		mbox_posture(m, m->proto);
	return 0;
}

static int
mbox_step_starttls(void *ctx, struct err *e)
{
	struct mbox_check *m = ctx;

	return m->proto->starttls(m, e);
}

/* --require-cap: judged after the login when there is one (a server may
 * list some capabilities only then, as Cyrus does IDLE) */
static int
mbox_step_require_cap(void *ctx, struct err *e)
{
	struct mbox_check *m = ctx;

	return mbox_require(m, m->proto, m->cfg->require_cap,
	    m->p.cfg->want_login && !m->preauth, e);
}

static int
mbox_step_login(void *ctx, struct err *e)
{
	struct mbox_check *m = ctx;

	m->caps_from = MBOX_CAPS_NONE;   /* the login step sets it when the reply lists them */
	return m->proto->login(m, e);
}

/* --require-cap, the entries left to judge after the login */
static int
mbox_step_require_cap_after(void *ctx, struct err *e)
{
	struct mbox_check *m = ctx;

	return mbox_require(m, m->proto, sbuf_str(&m->cap_missing), 0, e);
}

int
mbox_login_prepare(struct mbox_check *m, int default_sasl, const char *offered,
    enum sasl_mech *mech, char **secret, struct err *e)
{
	const struct mbox_config *c = m->cfg;
	int sasl = c->login == MBOX_LOGIN_SASL;

	*mech = SASL_NONE;
	*secret = NULL;
	if (c->login == MBOX_LOGIN_DEFAULT)
		sasl = plugin_has_token(&c->pc) || default_sasl;
	if (sasl && plugin_auth_choose(&m->p, c->authmech, c->auth_auto, offered, mech,
	    e) < 0)
		return -1;
	if (plugin_auth_secret(&m->p, secret, e) < 0)
		return -1;
	return sasl;
}

/* --require-auth, --forbid-auth: on the mechanisms offered where the login
 * would happen (after STARTTLS when asked for) */
static int
mbox_step_auth_posture(void *ctx, struct err *e)
{
	struct mbox_check *m = ctx;
	char offered[512];

	(void)e;
	m->proto->offered(m, offered, sizeof(offered));
	plugin_auth_posture(&m->p, offered);
	return 0;
}

/* issue 21: the mailbox health (mbox_health.c), after the login */
static int
mbox_step_health(void *ctx, struct err *e)
{
	return mbox_health_run(ctx, e);
}

/* When a step of mbox_steps is wanted, by the options and what the steps
 * before found. */
enum mbox_when {
	MBOX_ALWAYS,
	MBOX_IF_SEND,            /* --send */
	MBOX_IF_REQUIRE_TLS,     /* --require-tls */
	MBOX_IF_STARTTLS,        /* -S */
	MBOX_IF_REQUIRE_CAP,     /* --require-cap */
	MBOX_IF_LOGIN,           /* -U, unless the greeting was PREAUTH */
	MBOX_IF_CAP_MISSING,     /* --require-cap entries deferred to after the login */
	MBOX_IF_AUTH_POSTURE,    /* --require-auth, --forbid-auth */
	MBOX_IF_HEALTH           /* issue 21: a mailbox option, once logged in */
};

/* A step after the connection (session.h): it runs when no step before
 * it failed and it is wanted, unless the TLS connection is not trusted
 * (p.tls_untrusted, the session's stop flag: nothing more is sent over
 * it). The driver begins the step's phase; the capability step begins
 * capability itself (or records it as done in no time when the greeting
 * listed them). --send and its reply belong to
 * the greeting check, as in check_tcp: phase banner. --require-tls judges
 * the capabilities read; --require-cap too, and when it asks for them
 * again the protocol's step begins phase capability. */
static const struct session_step mbox_steps[] = {
	/* phase           run                           wanted               after_stop */
	{ PHASE_BANNER,     mbox_step_banner,            MBOX_ALWAYS,         0 },
	{ PHASE_BANNER,     mbox_step_send,              MBOX_IF_SEND,        0 },
	{ PHASE_NONE,       mbox_step_capability,        MBOX_ALWAYS,         0 },
	{ PHASE_NONE,       mbox_step_require_tls,       MBOX_IF_REQUIRE_TLS, 0 },
	{ PHASE_STARTTLS,   mbox_step_starttls,          MBOX_IF_STARTTLS,    0 },
	{ PHASE_NONE,       mbox_step_auth_posture,      MBOX_IF_AUTH_POSTURE, 0 },
	{ PHASE_NONE,       mbox_step_require_cap,       MBOX_IF_REQUIRE_CAP, 0 },
	{ PHASE_LOGIN,      mbox_step_login,             MBOX_IF_LOGIN,       0 },
	{ PHASE_NONE,       mbox_step_require_cap_after, MBOX_IF_CAP_MISSING, 0 },
	{ PHASE_MAILBOX,    mbox_step_health,            MBOX_IF_HEALTH,      0 },
};

static int
mbox_wanted(const void *ctx, int when)
{
	const struct mbox_check *m = ctx;

	switch ((enum mbox_when)when) {
	case MBOX_IF_SEND:
		return m->cfg->tc.send != NULL;
	case MBOX_IF_REQUIRE_TLS:
		return m->p.cfg->require_tls != 0;
	case MBOX_IF_STARTTLS:
		return m->p.cfg->starttls != 0;
	case MBOX_IF_REQUIRE_CAP:
		return m->cfg->require_cap != NULL;
	case MBOX_IF_LOGIN:
		return m->p.cfg->want_login && !m->preauth;
	case MBOX_IF_AUTH_POSTURE:
		return m->p.cfg->require_auth != NULL || m->p.cfg->forbid_auth != NULL;
	case MBOX_IF_CAP_MISSING:
		return m->cap_missing.len > 0;
	case MBOX_IF_HEALTH:
		return m->cfg->health.wanted && (m->logged_in || m->preauth);
	case MBOX_ALWAYS:
		break;
	}
	return 1;
}

/* The phases of both protocols, in the order of their perfdata. */
static const enum phase_id mbox_phases[] = {
	PHASE_DNS, PHASE_CONNECT, PHASE_TLS, PHASE_BANNER, PHASE_CAPABILITY,
	PHASE_STARTTLS, PHASE_LOGIN, PHASE_MAILBOX, PHASE_LOGOUT, PHASE_PROBE_RSA, PHASE_PROBE_ECDSA,
	PHASE_PROBE_EDDSA, PHASE_PROBE_TLS10, PHASE_PROBE_TLS11, PHASE_PROBE_WEAK,
	PHASE_NONE
};

static int
mbox_option(void *ctx, int id, const char *arg, struct err *e)
{
	struct mbox_config *c = ctx;

	switch (id) {
	case MBOX_OPT_ALLOW_PREAUTH:
		c->allow_preauth = 1;
		return 0;
	case MBOX_OPT_REQUIRE_CAP:
		if (arg[0] == '\0')
			return err_set(e, ERR_USAGE, "--require-cap needs a list of capabilities");
		c->require_cap = arg;
		return 0;
	case MBOX_OPT_AUTHTYPE:
		if (strcasecmp(arg, "login-command") == 0 || strcasecmp(arg, "user") == 0) {
			c->login = MBOX_LOGIN_COMMAND;
			return 0;
		}
		if (strcasecmp(arg, "apop") == 0) {
			c->login = MBOX_LOGIN_APOP;
			return 0;
		}
		c->login = MBOX_LOGIN_SASL;
		return plugin_auth_mech(arg, &c->authmech, &c->auth_auto, e);
	case MBOX_OPT_SRV:
		if (arg[0] == '\0' || strpbrk(arg, " /@"))
			return err_set(e, ERR_USAGE, "--srv needs a domain name");
		if (opts_hostname("--srv", arg, e) < 0)
			return -1;
		c->pc.srv_domain = arg;
		return 0;
	default: {
		int rc = mbox_health_option(&c->health, id, arg, e);   /* issue 21 */

		if (rc != 1)
			return rc;
		return err_set(e, ERR_INTERNAL, "unhandled option %d", id);
	}
	}
}

/* --authtype taken with the credentials. */
static int
mbox_validate_login(const struct mbox_config *c, const struct mbox_proto *proto,
    struct err *e)
{
	int token = plugin_has_token(&c->pc);

	if (c->login != MBOX_LOGIN_DEFAULT && !c->pc.authuser)
		return err_set(e, ERR_USAGE, "--authtype needs a user (-U) and a password "
		    "or token");
	if (c->login == MBOX_LOGIN_APOP && strcmp(proto->service, "POP3") != 0)
		return err_set(e, ERR_USAGE, "--authtype=apop is POP3's");
	if (token && (c->login == MBOX_LOGIN_COMMAND || c->login == MBOX_LOGIN_APOP ||
	    (c->authmech != SASL_NONE && !sasl_mech_token(c->authmech))))
		return err_set(e, ERR_USAGE, "an OAuth token goes with --authtype XOAUTH2 or "
		    "OAUTHBEARER");
	if (!token && sasl_mech_token(c->authmech))
		return err_set(e, ERR_USAGE, "--authtype %s needs --oauth-token-file or "
		    "--oauth-token-command", sasl_mech_name(c->authmech));
	return 0;
}

/* The configuration of PROTO's plugin from the command line; a usage
 * error exits 3. */
static void
mbox_configure(struct mbox_config *c, const struct mbox_proto *proto, int argc,
    char **argv)
{
	struct err e;

	c->pc.name = proto->name;
	c->pc.service = proto->service;
	c->pc.synopsis = proto->synopsis;
	c->pc.description = proto->description;
	c->pc.examples = proto->examples;
	c->pc.compat = proto->compat;
	c->pc.opts = proto->opts;
	c->pc.handler = mbox_option;
	c->pc.ctx = c;
	c->pc.default_port = proto->default_port;
	c->pc.phase_ids = mbox_phases;
	c->pc.letters = PLUGIN_LETTERS_TCP;
	c->pc.aliases = proto->aliases;
	c->pc.tc = &c->tc;
	plugin_parse(&c->pc, argc, argv);
	err_clear(&e);
	if (c->pc.host == NULL && c->pc.srv_domain == NULL)
		plugin_usage_error(&c->pc, "no host to check: give -H HOST (or HOST "
		    "alone) or --srv DOMAIN");
	if (textcheck_validate(&c->tc, &c->pc, &e) < 0 ||
	    plugin_validate(&c->pc, proto->tls_port, &e) < 0 ||
	    mbox_validate_login(c, proto, &e) < 0 ||
	    mbox_health_validate(c, proto, &e) < 0)
		plugin_usage_error(&c->pc, e.msg);
}

/* One session of M (its server: m->p.host, or the addresses preset in
 * m->p.addrs); RC is -2 when the --srv lookup failed (and said so), else
 * 0. The verdict goes into m->p.res; the connection is closed after. */
static void
mbox_session(struct mbox_check *m, int rc)
{
	const struct mbox_proto *proto = m->proto;
	struct err e;
	int ok, silent = 0;

	err_clear(&e);
	if (rc == 0)
		rc = plugin_connect(&m->p, &e);
	if (rc == 0)
		rc = session_run(mbox_steps, sizeof(mbox_steps) / sizeof(mbox_steps[0]), m,
		    mbox_wanted, &m->p.tls_untrusted, &m->p.phases, &e);
	if (rc == -1)
		textcheck_fail(&m->cfg->tc, &m->p, &e);
	ok = rc == 0;
	if (m->p.connected && ok && m->p.tls_untrusted && !m->greeting[0] &&
	    mbox_greeting_quiet(m) < 0) {
		result_detail(&m->p.res, "session abandoned before the greeting came: "
		    "%s not sent", proto->logout_name);
		silent = 1;
	}
	if (m->p.connected && !silent && (ok || e.kind == ERR_REJECTED ||
	    e.kind == ERR_MISSING_FEATURE)) {
		struct err le;

		err_clear(&le);
		if (m->cfg->tc.quit) {
			phase_begin(&m->p.phases, PHASE_LOGOUT);
			textcheck_quit(&m->cfg->tc, &m->p);
		} else if (proto->logout(m, &le) < 0) {
			if (le.kind == ERR_CLOSED)   /* hanging up on LOGOUT/QUIT is fine */
				result_detail(&m->p.res, "server closed the connection before "
				    "answering %s", proto->logout_name);
			else if (ok)
				plugin_fail(&m->p, &le);
		}
	}
	phase_end(&m->p.phases);
	if (ok)
		mbox_summary(m, proto);
	if (m->p.connected) {
		struct sbuf x;

		if (m->greeting[0] && !m->cfg->tc.jail)
			result_detail(&m->p.res, "greeting: %s", m->greeting);
		sbuf_init(&x);
		caps_join(&m->caps, &x, " ");
		if (x.len)
			result_detail(&m->p.res, "capabilities: %s", sbuf_str(&x));
		sbuf_free(&x);
	}
	plugin_close(&m->p);
	plugin_tls_probes(&m->p, NULL);   /* --all-certs, --forbid-tls */
}

/* --all-addresses: a fresh session of the run CTX for one address. */
static struct plugin *
mbox_addr_new(void *ctx, const char *host, const struct net_addrs *addrs)
{
	const struct mbox_check *run = ctx;
	struct mbox_check *m = calloc(1, run->proto->check_size);

	if (m == NULL)
		return NULL;
	m->cfg = run->cfg;
	m->proto = run->proto;
	caps_init(&m->caps);
	sbuf_init(&m->cap_missing);
	plugin_init(&m->p, &run->cfg->pc, &run->p.dl);
	m->p.host = host;
	m->p.port = run->p.port;
	m->p.addrs = *addrs;
	m->p.have_addrs = 1;
	return &m->p;
}

static void
mbox_addr_run(struct plugin *p)
{
	mbox_session((struct mbox_check *)p, 0);
}

/* The mailbox is the same behind every address: the run's JSON object
 * "mailbox" is the first address's findings (the perfdata, and so
 * OpenMetrics, has each address's, labelled by address). */
static void
mbox_addr_merged(void *ctx, struct plugin *p)
{
	struct mbox_check *run = ctx;
	const struct mbox_check *m = (const struct mbox_check *)p;

	if (run->p.res.mailbox != NULL || m->p.res.mailbox == NULL)
		return;
	run->mailbox = m->mailbox;
	run->p.res.mailbox = &run->mailbox;
}

static void
mbox_addr_free(struct plugin *p)
{
	struct mbox_check *m = (struct mbox_check *)p;

	result_free(&m->p.res);
	sbuf_free(&m->cap_missing);
	free(m);
}

int
mbox_main(struct mbox_check *m, const struct mbox_proto *proto, int argc,
    char **argv)
{
	static struct mbox_config cfg;
	int rc;

	mbox_configure(&cfg, proto, argc, argv);
	m->cfg = &cfg;
	m->proto = proto;
	caps_init(&m->caps);
	sbuf_init(&m->cap_missing);
	plugin_init(&m->p, &cfg.pc, NULL);
	/* -2: the SRV lookup failed, and said so */
	rc = m->p.cfg->srv_domain && plugin_srv(&m->p, proto->tls_service,
	    proto->plain_service) < 0 ? -2 : 0;
	if (rc == 0 && cfg.pc.all_addresses) {
		const struct plugin_multi_ops ops = {
			.session_new = mbox_addr_new, .session_run = mbox_addr_run,
			.session_merged = mbox_addr_merged,
			.session_free = mbox_addr_free,
			.ctx = m
		};

		(void)plugin_multi_run(&m->p, &ops);
	} else {
		mbox_session(m, rc);
	}
	rc = plugin_finish(&m->p);
	sbuf_free(&m->cap_missing);
	textcheck_free(&cfg.tc);
	plugin_config_free(&cfg.pc);
	return rc;
}

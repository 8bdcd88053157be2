/* plugin_probe.c - see plugin.h: the extra handshakes after a session,
 * each on a probe connection of its own to the same address: --all-certs
 * (one handshake per other key type, restricted by signature algorithms).
 * The TLS side (what a probe offers) is lib/tls_probe.c; this file gets
 * each probe connection to its handshake (PROXY header, the protocol's
 * STARTTLS or STLS) and judges what came back. */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certq.h"
#include "plugin.h"
#include "plugin_int.h"
#include "smtp.h"

static int plugin_probe_handshake(struct plugin *p, const char *hello,
    const struct tls_restrict *r, struct tls_info *out, int *answered,
    struct err *e);
static int plugin_preamble(const struct plugin *p, struct conn *c,
    const char *hello, struct err *e);
static void plugin_probe_certs(struct plugin *p, const char *hello);
static void plugin_probe_floor(struct plugin *p, const char *hello);

/* "WORD" or "WORD:critical" / "WORD:warning" (ARG up to a ':' must be
 * WORD when WORD is given): the state of a finding into *ST. */
static int
plugin_forbid_state(const char *arg, const char *word, enum state *st)
{
	const char *colon = strchr(arg, ':');
	size_t n = colon ? (size_t)(colon - arg) : strlen(arg);

	*st = STATE_WARNING;
	if (word && (n != strlen(word) || strncmp(arg, word, n) != 0))
		return -1;
	if (colon == NULL)
		return 0;
	if (strcmp(colon + 1, "critical") == 0)
		*st = STATE_CRITICAL;
	else if (strcmp(colon + 1, "warning") != 0)
		return -1;
	return 0;
}

/* --forbid-tls=1.0,1.1[:critical] */
static int
plugin_forbid_tls(struct plugin_config *c, const char *arg, struct err *e)
{
	const char *s = arg;

	if (plugin_forbid_state(arg, NULL, &c->forbid_tls_state) < 0)
		goto bad;
	c->forbid_tls = 0;
	while (*s && *s != ':') {
		if (strncmp(s, "1.0", 3) == 0)
			c->forbid_tls |= 1;
		else if (strncmp(s, "1.1", 3) == 0)
			c->forbid_tls |= 2;
		else
			goto bad;
		s += 3;
		if (*s == ',')
			s++;
		else if (*s && *s != ':')
			goto bad;
	}
	if (c->forbid_tls == 0)
		goto bad;
	return 0;
bad:
	return err_set(e, ERR_USAGE, "--forbid-tls wants a list of 1.0 and 1.1, "
	    "optionally :critical (e.g. 1.0,1.1:critical), not '%.40s'", arg);
}

int
plugin_probe_option(struct plugin_config *c, int id, const char *arg,
    struct err *e)
{
	switch (id) {
	case OPT_ALL_CERTS:
		c->all_certs = 1;
		return 0;
	case OPT_CERT_POLICY:
		if (strcmp(arg, "strict") == 0)
			c->cert_strict = 1;
		else if (strcmp(arg, "report") == 0)
			c->cert_strict = 0;
		else
			return err_set(e, ERR_USAGE, "--cert-policy must be report or strict, "
			    "not '%.32s'", arg);
		return 0;
	case OPT_FORBID_TLS:
		return plugin_forbid_tls(c, arg, e);
	case OPT_ALL_ADDRESSES:
		c->all_addresses = 1;
		return 0;
	case OPT_FORBID_CIPHER:
		if (plugin_forbid_state(arg, "weak", &c->forbid_weak_state) < 0)
			return err_set(e, ERR_USAGE, "--forbid-cipher wants weak[:critical], "
			    "not '%.40s'", arg);
		c->forbid_weak = 1;
		return 0;
	default:
		return err_set(e, ERR_INTERNAL, "option %d has no handler", id);
	}
}

int
plugin_probe_validate(struct plugin_config *c, struct err *e)
{
	(void)e;
	if ((c->all_certs || c->forbid_tls || c->forbid_weak) && !c->implicit_tls)
		c->starttls = 1;
	return 0;
}

/* One SMTP reply on C, whose code must begin with DIGIT. */
static int
plugin_smtp_expect(struct conn *c, struct smtp_reply *r, const char *what,
    char digit, struct err *e)
{
	if (smtp_read_reply(c, r, e) < 0)
		return -1;
	if (r->code / 100 != digit - '0')
		return err_set(e, ERR_REJECTED, "%s answered %d", what, r->code);
	return 0;
}

/* One line of an IMAP or POP3 server on C, which must begin with WANT;
 * IMAP untagged lines before it (TAG given) are skipped. */
static int
plugin_line_expect(struct conn *c, const char *tag, const char *want,
    const char *what, struct err *e)
{
	char line[1024];
	size_t len;
	int i;

	for (i = 0; i < 64; i++) {
		if (conn_read_line(c, line, sizeof(line), &len, e) < 0)
			return -1;
		if (tag && strncmp(line, tag, strlen(tag)) != 0 && line[0] == '*')
			continue;
		if (strncmp(line, want, strlen(want)) == 0)
			return 0;
		return err_set(e, ERR_REJECTED, "%s answered '%.80s'", what, line);
	}
	return err_set(e, ERR_PROTO, "%s: no tagged answer", what);
}

/* The protocol's way to the TLS handshake on a probe connection. */
static int
plugin_preamble(const struct plugin *p, struct conn *c, const char *hello,
    struct err *e)
{
	const char *svc = p->cfg->service;

	if (strcmp(svc, "IMAP") == 0) {
		if (plugin_line_expect(c, NULL, "* OK", "the greeting", e) < 0 ||
		    conn_send_line(c, "P1 STARTTLS", e) < 0)
			return -1;
		return plugin_line_expect(c, "P1 ", "P1 OK", "STARTTLS", e);
	}
	if (strcmp(svc, "POP3") == 0) {
		if (plugin_line_expect(c, NULL, "+OK", "the greeting", e) < 0 ||
		    conn_send_line(c, "STLS", e) < 0)
			return -1;
		return plugin_line_expect(c, NULL, "+OK", "STLS", e);
	} else {
		struct smtp_reply *r = malloc(sizeof(*r));
		int rc = -1;

		if (r == NULL)
			return err_set(e, ERR_INTERNAL, "out of memory");
		if (plugin_smtp_expect(c, r, "the banner", '2', e) == 0 &&
		    conn_send_line(c, hello ? hello : "EHLO localhost", e) == 0 &&
		    plugin_smtp_expect(c, r, "EHLO", '2', e) == 0 &&
		    conn_send_line(c, "STARTTLS", e) == 0 &&
		    plugin_smtp_expect(c, r, "STARTTLS", '2', e) == 0)
			rc = 0;
		free(r);
		return rc;
	}
}

/* One probe: connect to the session's address, get to TLS as the session
 * did, and shake hands as R says. 0 with the facts in *OUT; -1 with
 * *ANSWERED 1 when the server declined the handshake (a TLS alert), 0
 * when the probe could not get that far (the reason in *E). */
static int
plugin_probe_handshake(struct plugin *p, const char *hello,
    const struct tls_restrict *r, struct tls_info *out, int *answered,
    struct err *e)
{
	struct tls_tlsa tt[DNS_TLSA_MAX];
	const char *name = p->cfg->sni ? p->cfg->sni : p->host;
	struct net_addrs one;
	struct net_peer peer;
	struct tls_opts o;
	struct conn c;
	struct tls *t = NULL;
	int fd, rc = -1;

	*answered = 0;
	one.n = 1;
	one.a[0] = p->peer.remote;
	fd = net_connect(&one, &p->dl, &peer, e);
	if (fd < 0)
		return -1;
	conn_init(&c, fd, &p->dl);
	if (p->cfg->verbose && !p->no_transcript)
		c.transcript = &p->res.transcript;
	if (p->cfg->proxy && plugin_proxy_header(p, &c, &peer, e) < 0)
		goto done;
	if (!p->cfg->implicit_tls && plugin_preamble(p, &c, hello, e) < 0)
		goto done;
	plugin_tls_opts(p, name, &o, tt);
	if (c.transcript && r->seclevel >= 0)
		sbuf_printf(c.transcript, "-- probe: OpenSSL security level lowered to %d "
		    "for this probe connection only\n", r->seclevel);
	t = tls_probe_new(&o, r, e);
	if (t == NULL)
		goto done;
	if (tls_start(t, &c, e) == 0) {
		*out = *tls_get_info(t);
		rc = 0;
	} else {
		/* an alert, or the server hung up on our hello (Dovecot does):
		 * it took part in the handshake and declined it; a reset or a
		 * timeout is no answer */
		int a = tls_probe_answered(t);

		*answered = a == 1 || (a == 2 && e->kind == ERR_TLS && e->sys_errno == 0);
	}
done:
	tls_free(t);
	conn_close(&c);
	return rc;
}

void
plugin_cert_quality(struct plugin *p, const struct tls_info *in, const char *who)
{
	struct certq_finding f[CERTQ_MAX];
	int i, n = certq_judge(in, p->cfg->cert_strict, f, CERTQ_MAX);

	for (i = 0; i < n; i++) {
		if (f[i].state != STATE_OK)
			result_problem(&p->res, f[i].state, "%s: certificate quality: %s", who,
			    f[i].text);
		else
			result_detail(&p->res, "%s: certificate quality: %s%s", who, f[i].text,
			    p->cfg->cert_strict ? "" : " (judged with --cert-policy=strict)");
	}
}

/* One more certificate, judged as plugin_upgrade judges the first. */
static void
plugin_probe_judge(struct plugin *p, const struct tls_info *in, const char *k)
{
	long days = (long)in->days_left;
	char who[600];

	snprintf(who, sizeof(who), "%s: %s certificate", p->target, k);
	if (!in->verified && p->untrusted_state == STATE_OK)
		result_detail(&p->res, "%s: %s (not enforced)", who, in->verify_msg);
	else if (!in->verified)
		result_problem(&p->res, p->untrusted_state, "%s: %s", who, in->verify_msg);
	else if (in->days_left < 0)
		result_problem(&p->res, p->cfg->cert_warn.set || p->cfg->cert_crit.set ?
		    STATE_CRITICAL : STATE_WARNING, "%s expired %ld day%s ago (notAfter %s)",
		    who, -days, days == -1 ? "" : "s", in->not_after);
	else
		plugin_cert_expiry(p, who, days, in->not_after);
	plugin_cert_quality(p, in, who);
}

static void
plugin_probe_certs(struct plugin *p, const char *hello)
{
	static const enum phase_id ph[] = { PHASE_NONE, PHASE_PROBE_RSA,
	    PHASE_PROBE_ECDSA, PHASE_PROBE_EDDSA };
	const struct tls_info *first = &p->tls_info;
	double min = first->days_left;
	int key, have_first = !(first->problems & TLS_P_NO_CERT);
	char label[32];

	p->certs.n = 0;
	for (key = TLS_KEY_RSA; key <= TLS_KEY_EDDSA; key++) {
		struct fact_cert *c = &p->certs.c[p->certs.n];
		struct tls_restrict r = { key, 0, 0, -1 };
		const char *k = facts_key_name(key);
		struct err e;
		int answered;

		if (key == first->key_type || p->certs.n >= FACT_CERTS_MAX)
			continue;
		p->certs.n++;
		memset(c, 0, sizeof(*c));
		c->key = key;
		err_clear(&e);
		phase_begin(&p->phases, ph[key]);
		if (plugin_probe_handshake(p, hello, &r, &c->cert, &answered, &e) < 0) {
			phase_end(&p->phases);
			c->outcome = answered ? FACT_CERT_NONE : FACT_CERT_UNPROBED;
			if (answered) {
				snprintf(c->why, sizeof(c->why), "none (the server declined a "
				    "handshake offering only %s signatures: %s)", k, e.msg);
			} else {
				snprintf(c->why, sizeof(c->why), "could not probe: %s", e.msg);
				result_problem(&p->res, STATE_WARNING, "%s: could not probe for "
				    "an %s certificate: %s", p->target, k, e.msg);
			}
			continue;
		}
		phase_end(&p->phases);
		if (c->cert.key_type != key || (have_first &&
		    strcmp(c->cert.fingerprint, first->fingerprint) == 0)) {
			c->outcome = FACT_CERT_SAME;
			continue;
		}
		c->outcome = FACT_CERT_SERVED;
		plugin_probe_judge(p, &c->cert, k);
		snprintf(label, sizeof(label), "cert_days_%s", key == TLS_KEY_RSA ? "rsa" :
		    key == TLS_KEY_ECDSA ? "ecdsa" : "eddsa");
		result_perf_host(&p->res, p->perf_prefix, label, (double)(long)c->cert.days_left,
		    "", &p->cfg->cert_warn, &p->cfg->cert_crit, NAN, NAN);
		if (!have_first || c->cert.days_left < min)
			min = c->cert.days_left;
		have_first = 1;
	}
	if (!(first->problems & TLS_P_NO_CERT) && first->key_type > TLS_KEY_NONE &&
	    first->key_type < TLS_KEY_OTHER) {
		snprintf(label, sizeof(label), "cert_days_%s", first->key_type ==
		    TLS_KEY_RSA ? "rsa" : first->key_type == TLS_KEY_ECDSA ? "ecdsa" : "eddsa");
		result_perf_host(&p->res, p->perf_prefix, label, (double)(long)first->days_left,
		    "", &p->cfg->cert_warn, &p->cfg->cert_crit, NAN, NAN);
	}
	if (have_first)
		result_perf_host(&p->res, p->perf_prefix, "cert_days", (double)(long)min, "",
		    &p->cfg->cert_warn, &p->cfg->cert_crit, NAN, NAN);
	p->res.certs = &p->certs;
}

/* One floor probe: acceptance is a problem of state ST naming WHAT, a
 * refusal a line of long output, no answer a WARNING. */
static void
plugin_probe_one(struct plugin *p, const char *hello, enum phase_id ph,
    const struct tls_restrict *r, const char *what, enum state st)
{
	struct tls_info *info = malloc(sizeof(*info));
	struct err e;
	int answered = 0, rc;

	if (info == NULL) {
		result_problem(&p->res, STATE_UNKNOWN, "out of memory");
		return;
	}
	err_clear(&e);
	phase_begin(&p->phases, ph);
	rc = plugin_probe_handshake(p, hello, r, info, &answered, &e);
	phase_end(&p->phases);
	if (rc == 0)
		result_problem(&p->res, st, "%s: accepts %s (%s, cipher %s)", p->target,
		    what, info->protocol, info->cipher);
	else if (answered)
		result_detail(&p->res, "%s: refused (%s)", what, e.msg);
	else
		result_problem(&p->res, STATE_WARNING, "%s: could not probe for %s: %s",
		    p->target, what, e.msg);
	free(info);
}

/* --forbid-tls, --forbid-cipher: what the server must no longer accept. */
static void
plugin_probe_floor(struct plugin *p, const char *hello)
{
	const struct plugin_config *c = p->cfg;
	struct tls_restrict r10 = { 0, 10, 0, 0 }, r11 = { 0, 11, 0, 0 },
	    weak = { 0, 0, 1, 0 };

	if (c->forbid_tls & 1)
		plugin_probe_one(p, hello, PHASE_PROBE_TLS10, &r10, "TLS 1.0",
		    c->forbid_tls_state);
	if (c->forbid_tls & 2)
		plugin_probe_one(p, hello, PHASE_PROBE_TLS11, &r11, "TLS 1.1",
		    c->forbid_tls_state);
	if (c->forbid_weak)
		plugin_probe_one(p, hello, PHASE_PROBE_WEAK, &weak, "a weak cipher suite "
		    "(no forward secrecy, RC4, 3DES, export, NULL or anonymous)",
		    c->forbid_weak_state);
}

void
plugin_tls_probes(struct plugin *p, const char *hello)
{
	if (!p->have_tls_info)
		return;
	if (p->cfg->all_certs)
		plugin_probe_certs(p, hello);
	if (p->cfg->forbid_tls || p->cfg->forbid_weak)
		plugin_probe_floor(p, hello);
}

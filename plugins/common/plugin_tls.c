/* plugin_tls.c - see plugin.h: the TLS upgrade and its verdicts: the
 * certificate (trust, expiry, -D), DANE (TLSA matches, --dane=rollover),
 * --expect-cert-file and --tls-min; the TLS part of the status line. */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"
#include "plugin.h"
#include "plugin_int.h"

/* "3 1 1 0a1b2c3d4e5f6071..." for messages. */
static void
plugin_tlsa_text(const struct dns_tlsa *r, char *out, size_t cap)
{
	size_t i, o;

	o = (size_t)snprintf(out, cap, "%u %u %u ", r->usage, r->selector, r->mtype);
	for (i = 0; i < r->len && i < 8 && o + 3 < cap; i++)
		o += (size_t)snprintf(out + o, cap - o, "%02x", r->data[i]);
	if (r->len > 8 && o + 4 < cap)
		snprintf(out + o, cap - o, "...");
}

/* --dane: name each TLSA record that matches nothing the server sent, and
 * with --dane=rollover insist on a second key: a record that does not
 * match the current certificate (the next key, published ahead), or a CA
 * record (usage 0/2), which survives a new leaf key (RFC 7671 §8.1). */
static void
plugin_tlsa_each(struct plugin *p, const struct tls_info *in)
{
	const char *base = p->cfg->sni ? p->cfg->sni : p->host;
	char rec[64];
	int i, spare = 0, u = 0, n = in->ntlsa < p->ntlsa ? in->ntlsa : p->ntlsa;

	for (i = 0; i < n; i++) {
		plugin_tlsa_text(&p->tlsa[i], rec, sizeof(rec));
		if (!in->tlsa_usable[i]) {
			/* an unknown usage, selector or matching type: no key at all */
			result_detail(&p->res, "DANE: TLSA %s of _%d._tcp.%s is not usable "
			    "(unsupported usage, selector or matching type)", rec, p->port, base);
			continue;
		}
		u++;
		if (p->tlsa[i].usage == 0 || p->tlsa[i].usage == 2)
			spare++;
		if (in->tlsa_match[i])
			continue;
		spare++;
		result_detail(&p->res, "DANE: TLSA %s of _%d._tcp.%s matches no certificate "
		    "the server sent (a next key published ahead, or a stale record)", rec,
		    p->port, base);
	}
	if (p->cfg->dane_rollover && u > 0 && spare == 0)
		result_problem(&p->res, STATE_WARNING, "%s: DANE: no second key published: "
		    "%s usable TLSA record%s of _%d._tcp.%s match%s only the current "
		    "certificate, so replacing it breaks DANE until DNS catches up "
		    "(publish the next key first, RFC 7671 §8.1)", p->target,
		    u == 1 ? "the one" : "all", u == 1 ? "" : "s", p->port, base,
		    u == 1 ? "es" : "");
}

/* --expect-cert-file: is the certificate served the one on disk? */
static void
plugin_expect_cert(struct plugin *p, const struct tls_info *in)
{
	const struct tls_info *f = &p->cfg->expect_cert;

	if (strcmp(in->fingerprint, f->fingerprint) == 0) {
		result_detail(&p->res, "certificate is the one in %s", p->cfg->expect_cert_file);
		return;
	}
	if (f->not_after_epoch > in->not_after_epoch)
		result_problem(&p->res, STATE_WARNING, "%s: serves an older certificate than "
		    "%s (notAfter %s served, %s on disk): renewed but not reloaded?",
		    p->target, p->cfg->expect_cert_file, in->not_after, f->not_after);
	else
		result_problem(&p->res, STATE_WARNING, "%s: serves a certificate other than "
		    "the one in %s (notAfter %s served, %s on disk)", p->target,
		    p->cfg->expect_cert_file, in->not_after, f->not_after);
	result_detail(&p->res, "certificate in %s: subject %s; SHA-256 %s",
	    p->cfg->expect_cert_file, f->subject, f->fingerprint);
}

void
plugin_cert_expiry(struct plugin *p, const char *who, long days,
    const char *not_after)
{
	if (range_alert(&p->cfg->cert_crit, (double)days))
		result_problem(&p->res, STATE_CRITICAL, "%s: certificate expires in %ld days "
		    "(critical below %.0f, notAfter %s)", who, days, p->cfg->cert_crit.start,
		    not_after);
	else if (range_alert(&p->cfg->cert_warn, (double)days))
		result_problem(&p->res, STATE_WARNING, "%s: certificate expires in %ld days "
		    "(warning below %.0f, notAfter %s)", who, days, p->cfg->cert_warn.start,
		    not_after);
}

void
plugin_tls_opts(const struct plugin *p, const char *name, struct tls_opts *o,
    struct tls_tlsa *tt)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->sni = name;
	o->verify_ip = name && net_is_literal(name) ? name : NULL;
	o->verify = p->cfg->verify;
	o->ca_file = p->cfg->ca_file;
	o->ca_path = p->cfg->ca_path;
	for (i = 0; i < p->ntlsa; i++) {
		tt[i].usage = p->tlsa[i].usage;
		tt[i].selector = p->tlsa[i].selector;
		tt[i].mtype = p->tlsa[i].mtype;
		tt[i].data = p->tlsa[i].data;
		tt[i].len = p->tlsa[i].len;
	}
	o->tlsa = tt;
	o->ntlsa = p->ntlsa;
	o->dane_base = name;
}

int
plugin_upgrade(struct plugin *p, struct err *e)
{
	struct tls_tlsa tt[DNS_TLSA_MAX];
	long days;
	struct conn *c = &p->conn;
	struct tls_opts o;
	const struct tls_info *in;
	struct tls *t;
	/* a unix socket has no host name: the chain only, unless --sni */
	const char *name = p->cfg->sni ? p->cfg->sni : p->host[0] == '/' ? NULL : p->host;

	p->tls_untrusted = 0;
	/* checked before OpenSSL is loaded: a session that failed here needs none
	 * of it, and under a slow loader the verdict must not wait for it */
	if (conn_buffered(c) > 0)
		return err_set(e, ERR_PROTO, "server sent %zu unexpected bytes before the "
		    "TLS handshake (refusing: plaintext injected after the go-ahead "
		    "could be taken as encrypted)", conn_buffered(c));
	plugin_tls_opts(p, name, &o, tt);
	o.min_version = p->cfg->tls_min;
	t = tls_new(&o, e);
	if (t == NULL)
		return -1;
	if (tls_start(t, c, e) < 0) {
		tls_free(t);
		return -1;
	}
	p->tls = t;
	in = tls_get_info(t);
	p->tls_info = *in;
	p->have_tls_info = 1;
	p->res.tls = &p->tls_info;   /* a fact: the long output and JSON show it */
	/* whole days, truncated toward zero, as lib/facts.c writes them */
	days = (long)in->days_left;
	/* --all-certs: the minimum over every certificate (plugin_probe.c) */
	if (!(in->problems & TLS_P_NO_CERT) && !p->cfg->all_certs) {
		result_perf_host(&p->res, p->perf_prefix, "cert_days", (double)days, "",
		    &p->cfg->cert_warn, &p->cfg->cert_crit, NAN, NAN);
	}
	if (in->dane > 0)
		result_detail(&p->res, "DANE: the certificate matches TLSA %s", in->dane_match);
	else if (p->cfg->dane && p->ntlsa > 0 && in->dane_usable == 0)
		result_problem(&p->res, STATE_CRITICAL, "DANE: none of the %d TLSA records "
		    "is usable", p->ntlsa);
	if (p->ntlsa > 0)
		plugin_tlsa_each(p, in);
	if (p->cfg->expect_cert_file && !(in->problems & TLS_P_NO_CERT))
		plugin_expect_cert(p, in);
	if (p->cfg->ignore_cert_expiry && (in->days_left < 0 || !in->verified) &&
	    (in->problems & ~TLS_P_EXPIRED) == 0) {
		/* check_smtp 3.0 --ignore-certificate-expiration: noted only */
		result_detail(&p->res, "%s: certificate expired %ld day%s ago (notAfter %s; "
		    "--ignore-certificate-expiration)", p->target, -days, days == -1 ? "" : "s",
		    in->not_after);
	} else if (!in->verified && p->untrusted_state == STATE_OK) {
		/* a policy that is switched off (MTA-STS mode none): noted only */
		p->tls_untrusted = 1;
		result_detail(&p->res, "%s: %s (phase %s; not enforced)", p->target,
		    in->verify_msg, phase_current(&p->phases));
	} else if (!in->verified) {
		p->tls_untrusted = 1;
		result_problem(&p->res, p->untrusted_state, "%s: %s (phase %s)", p->target,
		    in->verify_msg, phase_current(&p->phases));
	} else if (in->days_left < 0) {
		/* verification off (--verify=none, or DANE-EE): expiry still counts */
		result_problem(&p->res, p->cfg->cert_warn.set || p->cfg->cert_crit.set ?
		    STATE_CRITICAL : STATE_WARNING, "%s: certificate expired %ld day%s ago "
		    "(notAfter %s)", p->target, -days, days == -1 ? "" : "s", in->not_after);
	} else if (!p->cfg->ignore_cert_expiry) {
		plugin_cert_expiry(p, p->target, days, in->not_after);
	}
	if (!(in->problems & TLS_P_NO_CERT))
		plugin_cert_quality(p, in, p->target);
	if (!in->version_ok)
		result_problem(&p->res, STATE_CRITICAL, "%s: negotiated %s, older than the "
		    "required TLSv1.%d", p->target, in->protocol, p->cfg->tls_min - 10);
	return 0;
}

void
plugin_tls_summary(const struct plugin *p, const char *via, struct sbuf *out)
{
	const struct tls_info *in = &p->tls_info;

	if (!p->have_tls_info)
		return;
	sbuf_printf(out, ", %s%s%s", in->protocol, p->cfg->starttls ? " via " : "",
	    p->cfg->starttls ? via : "");
	if (!(in->problems & TLS_P_NO_CERT))
		sbuf_printf(out, in->days_left < 0 ? ", certificate expired %ld days ago" :
		    ", certificate %ld days left", labs((long)in->days_left));
}

/* domain_auth.c - check_smtp_tx --spf, --spf-ip, --dmarc, --dmarc-policy
 * (issue 22): the --mx domain's SPF (RFC 7208) and DMARC (RFC 7489)
 * records, in phase domain (domain.c runs them).
 *
 * The records are parsed by lib/spf.c and lib/dmarc.c; this file decides
 * which names to ask (through lib/dns, on the run's deadline and
 * --dns-server) and what each finding weighs. Every finding is a fact
 * (struct fact_domain_auth, one long-output line each) and, when it is
 * not OK, a problem of the run. SPF's check_host() is in domain_spf.c. */
#include <config.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "dmarc.h"
#include "dns.h"
#include "facts.h"
#include "range.h"
#include "smtp_tx.h"
#include "spf.h"
#include "domain_auth.h"

static void dauth_dmarc(struct smtp_check *s, struct fact_domain_auth *fa);
static void dauth_report_auth(struct smtp_check *s, struct fact_domain_auth *fa,
    const char *policy_domain, const char *tag, const char *uri);

int
smtp_dauth_option(struct smtp_config *c, int id, const char *arg, struct err *e)
{
	struct dauth_config *d = &c->dauth;
	unsigned char a[16];

	switch (id) {
	case DAUTH_OPT_SPF:
		d->spf = 1;
		return 0;
	case DAUTH_OPT_SPF_IP:
		if (inet_pton(AF_INET, arg, a) != 1 && inet_pton(AF_INET6, arg, a) != 1)
			return err_set(e, ERR_USAGE, "--spf-ip takes an IPv4 or IPv6 address, "
			    "not '%.64s'", arg);
		if (d->nspf_ip >= DAUTH_SPF_IPS_MAX)
			return err_set(e, ERR_USAGE, "at most %d --spf-ip", DAUTH_SPF_IPS_MAX);
		d->spf_ip[d->nspf_ip++] = arg;
		d->spf = 1;
		return 0;
	case DAUTH_OPT_DMARC:
		d->dmarc = 1;
		return 0;
	case DAUTH_OPT_DMARC_POLICY:
		if (strcasecmp(arg, "none") != 0)
			return err_set(e, ERR_USAGE, "--dmarc-policy takes 'none' (accept "
			    "p=none), not '%.32s'", arg);
		d->dmarc_none_ok = 1;
		return 0;
	default:
		return err_set(e, ERR_INTERNAL, "unhandled option %d", id);
	}
}

int
smtp_dauth_validate(const struct smtp_config *c, struct err *e)
{
	if (c->dauth.dmarc_none_ok && !c->dauth.dmarc)
		return err_set(e, ERR_USAGE, "--dmarc-policy goes with --dmarc");
	if (c->mx_domain)
		return 0;
	if (c->dauth.nspf_ip)
		return err_set(e, ERR_USAGE, "--spf-ip needs --mx DOMAIN (the domain whose "
		    "SPF record is evaluated)");
	if (c->dauth.spf)
		return err_set(e, ERR_USAGE, "--spf needs --mx DOMAIN");
	if (c->dauth.dmarc)
		return err_set(e, ERR_USAGE, "--dmarc needs --mx DOMAIN");
	return 0;
}

/* Record a finding: a fact, and a problem of the run unless ST is OK. */
void
dauth_find(struct smtp_check *s, struct fact_domain_auth *fa, const char *check,
    enum state st, const char *fmt, ...)
{
	char text[RESULT_PROBLEM_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (st != STATE_OK)
		result_problem(&s->p.res, st, "%s", text);
	if (fa->nfind >= FACT_DAUTH_FINDINGS)
		return;
	fa->find[fa->nfind].check = check;
	fa->find[fa->nfind].state = st;
	err_sanitize(fa->find[fa->nfind].text, sizeof(fa->find[0].text), text, strlen(text));
	fa->nfind++;
}

/* The TXT records at NAME into TXT, and as the parsers take them into REC,
 * LEN and *N. 0, 1 when a record was too long to be read whole, -1 when
 * the lookup failed (*e). */
int
dauth_txt(struct smtp_check *s, const char *name, struct dns_txt *txt,
    const char **rec, size_t *len, int *n, struct err *e)
{
	int i, truncated = 0;

	*n = 0;
	err_clear(e);
	if (dns_txt(s->p.dns, name, &s->p.dl, txt, DNS_TXT_MAX, n, e) < 0)
		return -1;
	for (i = 0; i < *n; i++) {
		rec[i] = txt[i].text;
		len[i] = txt[i].len;
		truncated |= txt[i].truncated;
	}
	return truncated;
}

/* --------------------------------------------------------------- DMARC */

/* RFC 7489 §7.1: a report address TAG=URI in another organizational
 * domain than POLICY_DOMAIN's must be authorized there. */
static void
dauth_report_auth(struct smtp_check *s, struct fact_domain_auth *fa,
    const char *policy_domain, const char *tag, const char *uri)
{
	static struct dns_txt txt[DNS_TXT_MAX];
	char dom[DMARC_DOMAIN_MAX], org1[DMARC_DOMAIN_MAX], org2[DMARC_DOMAIN_MAX];
	char name[2 * DNS_NAME_MAX + 32];
	const char *rec[DNS_TXT_MAX];
	size_t len[DNS_TXT_MAX];
	struct err e;
	int n, which, rc;

	rc = dmarc_mailto_domain(uri, dom, sizeof(dom));
	if (rc < 0) {
		dauth_find(s, fa, "dmarc", STATE_WARNING, "DMARC %s '%s' is not a valid "
		    "mailto: address", tag, uri);
		return;
	}
	if (rc == 0)
		return;   /* another scheme: nothing to authorize by mail */
	dmarc_org_domain(dom, org1, sizeof(org1));
	dmarc_org_domain(policy_domain, org2, sizeof(org2));
	if (strcmp(org1, org2) == 0)
		return;
	snprintf(name, sizeof(name), "%s._report._dmarc.%s", policy_domain, dom);
	rc = dauth_txt(s, name, txt, rec, len, &n, &e);
	if (rc < 0) {
		dauth_find(s, fa, "dmarc", e.kind == ERR_TIMEOUT ? s->p.cfg->timeout_state :
		    STATE_WARNING, "DMARC %s %s: cannot look up its authorization at %s: %s",
		    tag, uri, name, e.msg);
		return;
	}
	if (dmarc_select(rec, len, n, &which) == 0) {
		dauth_find(s, fa, "dmarc", STATE_WARNING, "DMARC %s %s is not authorized: no "
		    "v=DMARC1 record at %s (RFC 7489 §7.1; receivers send it no reports)", tag,
		    uri, name);
		return;
	}
	dauth_find(s, fa, "dmarc", STATE_OK, "DMARC %s %s: authorized by %s", tag, uri,
	    name);
}

/* --dmarc: _dmarc.DOMAIN, else the organizational domain's record. */
static void
dauth_dmarc(struct smtp_check *s, struct fact_domain_auth *fa)
{
	static struct dns_txt txt[DNS_TXT_MAX];
	const char *dom = s->cfg->mx_domain, *rec[DNS_TXT_MAX];
	char name[DNS_NAME_MAX + 16], org[DMARC_DOMAIN_MAX], why[256];
	char policy_domain[DNS_NAME_MAX];
	struct dmarc_record *d = &fa->dmarc;
	enum dmarc_policy p;
	size_t len[DNS_TXT_MAX];
	struct err e;
	int n, which = -1, rc, i, tried_org = 0;

	fa->dmarc_checked = 1;
	snprintf(policy_domain, sizeof(policy_domain), "%s", dom);
	for (;;) {
		snprintf(name, sizeof(name), "_dmarc.%s", policy_domain);
		rc = dauth_txt(s, name, txt, rec, len, &n, &e);
		if (rc < 0) {
			dauth_find(s, fa, "dmarc", plugin_err_state(&s->p, &e), "cannot look up "
			    "the DMARC record at %s: %s", name, e.msg);
			return;
		}
		rc = dmarc_select(rec, len, n, &which);
		if (rc != 0)
			break;
		/* RFC 7489 §6.6.3: the organizational domain's record */
		dmarc_org_domain(dom, org, sizeof(org));
		if (tried_org || strcasecmp(org, policy_domain) == 0) {
			if (tried_org)
				dauth_find(s, fa, "dmarc", STATE_CRITICAL, "no DMARC record at "
				    "_dmarc.%s or at %s (the organizational domain)", dom, name);
			else
				dauth_find(s, fa, "dmarc", STATE_CRITICAL, "no DMARC record at %s",
				    name);
			return;
		}
		tried_org = 1;
		snprintf(policy_domain, sizeof(policy_domain), "%s", org);
	}
	if (rc < 0) {
		dauth_find(s, fa, "dmarc", STATE_CRITICAL, "DMARC: %d v=DMARC1 records at %s "
		    "(RFC 7489 §6.6.3: then none applies)", which, name);
		return;
	}
	if (txt[which].truncated || memchr(rec[which], '\0', len[which]) != NULL ||
	    dmarc_parse(rec[which], len[which], d, why, sizeof(why)) < 0) {
		if (txt[which].truncated || memchr(rec[which], '\0', len[which]) != NULL)
			snprintf(why, sizeof(why), "not read whole, or a NUL byte in it");
		dauth_find(s, fa, "dmarc", STATE_CRITICAL, "DMARC record at %s is invalid: %s",
		    name, why);
		return;
	}
	fa->dmarc_found = 1;
	fa->dmarc_org = tried_org;
	snprintf(fa->dmarc_name, sizeof(fa->dmarc_name), "%s", name);
	err_sanitize(fa->dmarc_record, sizeof(fa->dmarc_record), rec[which], len[which]);
	p = tried_org && d->sp != DMARC_P_UNSET ? d->sp : d->p;
	if (d->p == DMARC_P_UNSET) {
		dauth_find(s, fa, "dmarc", STATE_CRITICAL, "DMARC record at %s has no policy "
		    "(p=)", name);
	} else if (p == DMARC_P_NONE) {
		dauth_find(s, fa, "dmarc", s->cfg->dauth.dmarc_none_ok ? STATE_OK :
		    STATE_WARNING, "DMARC policy of %s is %s=none: failing mail is only "
		    "reported, not refused%s", dom, tried_org && d->sp != DMARC_P_UNSET ?
		    "sp" : "p", s->cfg->dauth.dmarc_none_ok ? " (accepted: --dmarc-policy=none)" :
		    "");
	} else {
		dauth_find(s, fa, "dmarc", STATE_OK, "DMARC policy of %s: %s%s", dom,
		    dmarc_policy_name(p), tried_org ? " (the organizational domain's)" : "");
	}
	if (d->pct < 100)
		dauth_find(s, fa, "dmarc", STATE_OK, "DMARC pct=%d: the policy applies to %d%% "
		    "of failing mail", d->pct, d->pct);
	for (i = 0; i < d->nrua; i++)
		dauth_report_auth(s, fa, policy_domain, "rua", d->rua[i]);
	for (i = 0; i < d->nruf; i++)
		dauth_report_auth(s, fa, policy_domain, "ruf", d->ruf[i]);
}

/* ----------------------------------------------------------------- run */

void
smtp_dauth_checks(struct smtp_check *s)
{
	static struct fact_domain_auth fa;

	if (!s->cfg->dauth.spf && !s->cfg->dauth.dmarc)
		return;
	memset(&fa, 0, sizeof(fa));
	fa.domain = s->cfg->mx_domain;
	s->p.res.domain_auth = &fa;
	if (s->cfg->dauth.spf)
		dauth_spf(s, &fa);
	if (s->cfg->dauth.dmarc)
		dauth_dmarc(s, &fa);
}

void
smtp_dauth_ok(struct smtp_check *s)
{
	const struct fact_domain_auth *fa = s->p.res.domain_auth;

	if (fa == NULL)
		return;
	if (fa->spf_checked && fa->spf_found)
		sbuf_printf(&s->p.res.ok_text, "; SPF %s for unlisted hosts, %d lookups",
		    spf_result_name(fa->spf_other), fa->spf_lookups);
	if (fa->nips)
		sbuf_printf(&s->p.res.ok_text, ", pass for %d --spf-ip", fa->nips);
	if (fa->dmarc_found)
		sbuf_printf(&s->p.res.ok_text, "; DMARC p=%s", dmarc_policy_name(fa->dmarc.p));
}

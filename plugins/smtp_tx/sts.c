/* sts.c - check_smtp_tx --mta-sts (RFC 8461) and --tls-rpt (RFC 8460):
 * the records and the policy before the sessions, each MX host's
 * certificate after its session, the policy in the status line. */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "dns.h"
#include "facts.h"
#include "https.h"
#include "mtasts.h"
#include "range.h"
#include "smtp_tx.h"

/* The records of a dns_txt answer as the parsers of lib/mtasts take them.
 * Returns 1 when one was too long to be read whole: it cannot be judged. */
static int
smtp_txt_list(const struct dns_txt *t, int n, const char **rec, size_t *len)
{
	int i, truncated = 0;

	for (i = 0; i < n; i++) {
		rec[i] = t[i].text;
		len[i] = t[i].len;
		truncated |= t[i].truncated;
	}
	return truncated;
}

/* The TXT records at PREFIX.<the MX domain> (its name into NAME, CAP bytes)
 * into TXT and, as the lib/mtasts parsers take them, REC, LEN and *N. Returns 0,
 * -1 when the lookup failed (*e), or 1 when a record was too long to be read
 * whole. */
static int
smtp_txt_at(struct smtp_check *s, const char *prefix, char *name, size_t cap,
    struct dns_txt *txt, const char **rec, size_t *len, int *n, struct err *e)
{
	*n = 0;
	err_clear(e);
	snprintf(name, cap, "%s.%s", prefix, s->cfg->mx_domain);
	if (dns_txt(s->p.dns, name, &s->p.dl, txt, DNS_TXT_MAX, n, e) < 0)
		return -1;
	return smtp_txt_list(txt, *n, rec, len);
}

/* --tls-rpt (RFC 8460 §3): _smtp._tls.DOMAIN; anything amiss is WARNING.
 * The record, once read, becomes the run's fact (s->p.res.tls_rpt). */
static void
smtp_tlsrpt(struct smtp_check *s, struct dns_txt *txt)
{
	static struct fact_tlsrpt rpt;
	char name[DNS_NAME_MAX + 16], why[256];
	const char *rec[DNS_TXT_MAX];
	size_t len[DNS_TXT_MAX];
	struct err e;
	int n = 0, rc;

	rc = smtp_txt_at(s, "_smtp._tls", name, sizeof(name), txt, rec, len, &n, &e);
	if (rc < 0) {
		result_problem(&s->p.res, e.kind == ERR_TIMEOUT ? s->p.cfg->timeout_state :
		    STATE_WARNING, "cannot look up the TLS-RPT record at %s: %s", name, e.msg);
		return;
	}
	if (rc > 0) {
		result_problem(&s->p.res, STATE_WARNING, "a TXT record at %s is longer than "
		    "%d bytes: not read whole", name, DNS_TXT_LEN - 1);
		return;
	}
	rc = tlsrpt_txt_parse(rec, len, n, &rpt.rec, why, sizeof(why));
	if (rc == 0)
		result_problem(&s->p.res, STATE_WARNING, "no TLS-RPT record at %s", name);
	else if (rc < 0)
		result_problem(&s->p.res, STATE_WARNING, "TLS-RPT record at %s is "
		    "invalid: %s", name, why);
	rpt.valid = rc > 0;
	memcpy(rpt.name, name, sizeof(rpt.name));
	s->p.res.tls_rpt = &rpt;
}

/* --mta-sts: the TXT record _mta-sts.DOMAIN into STS (TXT: room for the
 * answer). Returns 0, or -1 when it is missing or cannot be used (the
 * problem is recorded). */
static int
smtp_sts_record(struct smtp_check *s, struct dns_txt *txt, struct fact_sts *sts)
{
	char *name = sts->record, why[256];
	struct mtasts_txt *id = &sts->id;
	const char *rec[DNS_TXT_MAX];
	size_t len[DNS_TXT_MAX];
	struct err e;
	int n = 0, rc;

	rc = smtp_txt_at(s, "_mta-sts", name, sizeof(sts->record), txt, rec, len, &n, &e);
	if (rc < 0) {
		result_problem(&s->p.res, plugin_err_state(&s->p, &e), "cannot look up "
		    "the MTA-STS record at %s: %s", name, e.msg);
		return -1;
	}
	if (rc > 0) {
		result_problem(&s->p.res, STATE_CRITICAL, "a TXT record at %s is longer "
		    "than %d bytes: not read whole", name, DNS_TXT_LEN - 1);
		return -1;
	}
	rc = mtasts_txt_parse(rec, len, n, id, why, sizeof(why));
	if (rc == 0) {
		result_problem(&s->p.res, STATE_CRITICAL, "no MTA-STS policy published: "
		    "no v=STSv1 TXT record at %s", name);
		return -1;
	}
	if (rc < 0) {
		result_problem(&s->p.res, STATE_CRITICAL, "MTA-STS record at %s is "
		    "invalid: %s", name, why);
		return -1;
	}
	return 0;
}

/* --mta-sts: fetch the policy into R, its address into URL (CAP bytes);
 * -D applies to the policy host's certificate. Returns 0, or -1 when it
 * cannot be fetched (the problem is recorded). The caller frees R. */
static int
smtp_sts_fetch(struct smtp_check *s, char *url, size_t cap, struct https_resp *r)
{
	char host[DNS_NAME_MAX + 16];
	struct https_req q;
	struct err e;
	int port = s->cfg->mta_sts_port ? (int)s->cfg->mta_sts_port : 443;

	/* RFC 8461 §3.3: HTTPS GET, verified, no redirects, text/plain */
	err_clear(&e);
	snprintf(host, sizeof(host), "mta-sts.%s", s->cfg->mx_domain);
	if (port == 443)
		snprintf(url, cap, "https://%s/.well-known/mta-sts.txt", host);
	else
		snprintf(url, cap, "https://%s:%d/.well-known/mta-sts.txt", host, port);
	memset(&q, 0, sizeof(q));
	q.host = host;
	q.port = port;
	q.path = "/.well-known/mta-sts.txt";
	q.family = s->p.cfg->family;
	q.dns = s->p.dns;
	q.ca_file = s->p.cfg->ca_file;
	q.ca_path = s->p.cfg->ca_path;
	q.media_type = "text/plain";
	q.max_body = MTASTS_POLICY_MAX;
	if (https_get(&q, &s->p.dl, r, &e) < 0) {
		if (e.kind == ERR_RESOLVE)
			result_problem(&s->p.res, STATE_CRITICAL, "MTA-STS policy %s cannot "
			    "be fetched: %s", url, e.msg);
		else
			result_problem(&s->p.res, plugin_err_state(&s->p, &e), "MTA-STS policy "
			    "%s cannot be fetched: %s: %s", url, r->target, e.msg);
		return -1;
	}
	if (r->have_tls) {
		char who[sizeof(host) + 32];

		result_detail(&s->p.res, "MTA-STS policy host %s: %s, certificate %s, "
		    "valid until %s", r->target, r->tls.protocol, r->tls.subject,
		    r->tls.not_after);
		/* -D counts for the policy host too: when its certificate lapses,
		 * senders can no longer refresh the policy */
		snprintf(who, sizeof(who), "MTA-STS policy host %s", host);
		plugin_cert_expiry(&s->p, who, (long)r->tls.days_left, r->tls.not_after);
	}
	return 0;
}

/* --mta-sts: the policy fetched (the body of R) into s->sts: what
 * it says, and every MX name of MX against its patterns. Once parsed it is
 * the run's fact (s->p.res.mta_sts). */
static void
smtp_sts_judge(struct smtp_check *s, const struct dns_mxset *mx,
    const struct https_resp *r)
{
	struct fact_sts *sts = s->sts;
	char why[256];
	struct sbuf pats;
	int i;

	if (mtasts_policy_parse(r->body, r->len, &sts->pol, why, sizeof(why)) < 0) {
		result_problem(&s->p.res, STATE_CRITICAL, "MTA-STS policy of %s is "
		    "invalid: %s", s->cfg->mx_domain, why);
		return;
	}
	sts->policy = 1;
	sts->fail = sts->pol.mode == MTASTS_ENFORCE ? STATE_CRITICAL :
	    sts->pol.mode == MTASTS_TESTING ? STATE_WARNING : STATE_OK;
	sbuf_init(&pats);
	for (i = 0; i < sts->pol.nmx; i++)
		sbuf_printf(&pats, "%s%s", i ? ", " : "", sts->pol.mx[i]);
	result_perf(&s->p.res, "sts_max_age", (double)sts->pol.max_age, "", NULL, NULL,
	    0, (double)MTASTS_MAX_AGE_MAX);
	if (sts->pol.mode == MTASTS_NONE)
		result_detail(&s->p.res, "MTA-STS mode none: the policy is switched off; "
		    "nothing is enforced");
	/* every MX name, whether or not a session goes to it (RFC 8461 §4.1) */
	for (i = 0; i < mx->n; i++) {
		int k = mtasts_policy_match(&sts->pol, mx->mx[i].name);

		if (k >= 0)
			result_detail(&s->p.res, "MTA-STS: MX %s matches mx %s", mx->mx[i].name,
			    sts->pol.mx[k]);
		else if (sts->pol.mode == MTASTS_NONE)
			result_detail(&s->p.res, "MTA-STS: MX %s matches no mx pattern (mode "
			    "none: not enforced)", mx->mx[i].name);
		else
			result_problem(&s->p.res, sts->fail, "MTA-STS policy of %s (mode %s): "
			    "MX %s matches none of its mx patterns (%s)", s->cfg->mx_domain,
			    mtasts_mode_name(sts->pol.mode), mx->mx[i].name, sbuf_str(&pats));
	}
	sbuf_free(&pats);
}

/* --mta-sts and --tls-rpt, before the sessions: the records, the policy
 * (phase mta_sts), and every MX name of MX against its patterns. Sets the
 * state a certificate failure of an MX host gets in the sessions. */
void
smtp_sts_policy(struct smtp_check *s, const struct dns_mxset *mx)
{
	static struct fact_sts sts;
	static struct dns_txt txt[DNS_TXT_MAX];
	struct https_resp r;

	memset(&r, 0, sizeof(r));
	if (s->cfg->tls_rpt) {
		phase_begin(&s->p.phases, PHASE_DNS);
		smtp_tlsrpt(s, txt);
	}
	phase_end(&s->p.phases);
	if (!s->cfg->mta_sts)
		return;
	memset(&sts, 0, sizeof(sts));
	s->sts = &sts;
	s->p.res.mta_sts = &sts;   /* facts: the record, then the policy */
	phase_begin(&s->p.phases, PHASE_MTA_STS);
	if (smtp_sts_record(s, txt, &sts) == 0 &&
	    smtp_sts_fetch(s, sts.url, sizeof(sts.url), &r) == 0)
		smtp_sts_judge(s, mx, &r);
	https_resp_free(&r);
	phase_end(&s->p.phases);
}

/* --mta-sts, after the session C with MX host NAME: its certificate must
 * be valid for its name (RFC 8461 §4.2). */
void
smtp_sts_host(struct smtp_check *s, const struct smtp_check *c, const char *name)
{
	const struct fact_sts *sts = s->sts;

	if (!s->cfg->mta_sts || sts == NULL || !sts->policy || !c->p.have_tls_info)
		return;
	if (c->p.tls_info.verified)
		result_detail(&s->p.res, "MTA-STS: MX %s presents a certificate valid for "
		    "its name", name);
	else if (sts->pol.mode == MTASTS_NONE)
		result_detail(&s->p.res, "MTA-STS: MX %s presents no certificate valid for "
		    "its name (mode none: not enforced)", name);
	else
		result_problem(&s->p.res, sts->fail, "MTA-STS policy of %s (mode %s): MX %s "
		    "presents no certificate valid for its name", s->cfg->mx_domain,
		    mtasts_mode_name(sts->pol.mode), name);
}

/* The status line of a run that passed names the policy. */
void
smtp_sts_ok(struct smtp_check *s)
{
	if (s->sts && s->sts->policy)
		sbuf_printf(&s->p.res.ok_text, "; MTA-STS mode %s, max_age %ld s",
		    mtasts_mode_name(s->sts->pol.mode), s->sts->pol.max_age);
}

/* mx.c - check_smtp_tx --mx and --all-mx: the MX set of a domain, its
 * hosts tried in order of preference, or every one of them at once (one
 * thread per host), their certificates compared; what became of each host
 * is the run's fact (s->p.res.mx, lib/facts.h). */
#include <config.h>

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dns.h"
#include "facts.h"
#include "net.h"
#include "smtp_tx.h"

/* One MX host while the run works on it; what it found goes into *f. */
struct smtp_mxhost {
	struct fact_mx_host *f;    /* its facts (resolved, err, verdict, cert) */
	struct net_addrs addrs;
	int cname;                 /* the name is an alias (CNAME) */
	struct smtp_check *c;
	pthread_t th;
	int started;
	struct smtp_check *run;    /* --all-mx: the run, for smtp_mx_thread */
	const char *name;          /* --all-mx: the host */
};

/* How much earlier a host's certificate may end than a peer's for the
 * same names before it counts as stale: hosts that renew on their own
 * (each its own ACME client) differ by a day or two; a host that missed
 * a renewal by a whole renewal cycle (weeks). */
#define SMTP_CERT_SLACK ((int64_t)7 * 86400)

/* --all-mx: the hosts of one domain should serve current certificates.
 * A host whose certificate is for the same names (or subject) as a peer's
 * but ends more than SMTP_CERT_SLACK earlier was most likely not reloaded
 * after a renewal: WARNING. Hosts with certificates of their own are not
 * compared. */
static void
smtp_cert_consistency(struct smtp_check *s, const struct dns_mxset *mx,
    struct fact_mx_host *h)
{
	int i, j, n = 0, distinct = 0, first = -1;

	for (i = 0; i < mx->n; i++) {
		int newest = -1, seen = 0;

		if (!h[i].have_cert)
			continue;
		n++;
		if (first < 0)
			first = i;
		for (j = 0; j < mx->n; j++) {
			if (j == i || !h[j].have_cert)
				continue;
			if (j < i && strcmp(h[j].cert.fingerprint, h[i].cert.fingerprint) == 0)
				seen = 1;
			if (strcmp(h[j].cert.fingerprint, h[i].cert.fingerprint) == 0 ||
			    h[j].cert.not_after_epoch <= h[i].cert.not_after_epoch + SMTP_CERT_SLACK)
				continue;
			if (strcmp(h[j].cert.names, h[i].cert.names) != 0 &&
			    strcmp(h[j].cert.subject, h[i].cert.subject) != 0)
				continue;
			if (newest < 0 || h[j].cert.not_after_epoch > h[newest].cert.not_after_epoch)
				newest = j;
		}
		distinct += !seen;
		if (newest < 0)
			continue;
		result_problem(&s->p.res, STATE_WARNING, "MX %s serves an older "
		    "certificate than %s (notAfter %s, %s there): renewed but not "
		    "reloaded?", mx->mx[i].name, mx->mx[newest].name,
		    h[i].cert.not_after, h[newest].cert.not_after);
		h[i].stale = 1;
		h[i].state = state_worst(h[i].state, STATE_WARNING);
	}
	if (n > 1 && distinct == 1)
		result_detail(&s->p.res, "certificates: all %d MX hosts serve the same one "
		    "(notAfter %s)", n, h[first].cert.not_after);
	else if (n > 1)
		result_detail(&s->p.res, "certificates: the %d MX hosts serve %d different "
		    "ones", n, distinct);
}

/* Keep what the session C found as facts H: for the output and the
 * certificate comparison. */
static void
smtp_mx_record(struct fact_mx_host *h, const struct smtp_check *c)
{
	struct sbuf t;

	sbuf_init(&t);
	result_summary(&c->p.res, &t);
	snprintf(h->summary, sizeof(h->summary), "%s", sbuf_str(&t));
	sbuf_free(&t);
	h->checked = 1;
	h->state = result_state(&c->p.res);
	if (c->p.have_tls_info && !(c->p.tls_info.problems & TLS_P_NO_CERT)) {
		h->cert = c->p.tls_info;
		h->have_cert = 1;
	}
}

/* Look up the addresses of MX host NAME into H, waiting until UNTIL at the
 * latest (microseconds on the deadline's clock; the run's deadline caps it). */
static void
smtp_mx_resolve(const struct smtp_check *s, const char *name, int64_t until,
    struct smtp_mxhost *h)
{
	struct deadline dl = s->p.dl;

	if (until < dl.end_us)
		dl.end_us = until;
	err_clear(&h->f->err);
	if (dns_addrs(s->p.dns, name, s->p.port, s->p.cfg->family, &dl, &h->addrs, &h->cname,
	    &h->f->err) == 0)
		h->f->resolved = 1;
}

/* What the name of MX host M says, once its addresses were looked up. */
static void
smtp_mx_name_problems(struct smtp_check *s, const struct dns_mx *m,
    const struct smtp_mxhost *h)
{
	if (net_is_literal(m->name))
		result_problem(&s->p.res, STATE_WARNING, "MX %s of %s is an address "
		    "literal, not a host name", m->name, s->cfg->mx_domain);
	if (h->cname)
		result_problem(&s->p.res, STATE_WARNING, "MX %s of %s is an alias "
		    "(CNAME), which RFC 2181 §10.3 forbids", m->name, s->cfg->mx_domain);
}

/* --all-mx: one host, its address lookup and then its session, beside
 * the others. */
static void *
smtp_mx_thread(void *arg)
{
	struct smtp_mxhost *h = arg;

	smtp_mx_resolve(h->run, h->name, h->run->p.dl.end_us, h);
	if (!h->f->resolved)
		return NULL;
	h->c = smtp_session_new(h->run, h->name, &h->addrs);
	if (h->c == NULL)
		return NULL;
	h->c->p.perf_prefix = h->name;
	if (h->c->p.cfg->all_addresses)
		smtp_run_addresses(h->c);   /* every address of the host */
	else
		smtp_session(h->c);
	return NULL;
}

/* No MX host could be checked: the reason from the most preferred host
 * that failed, and the -t state when the run ran out of time. */
static void
smtp_mx_none(struct smtp_check *s, const struct dns_mxset *mx,
    const struct fact_mx_host *h, int resolved, int timeouts, int failures)
{
	const char *why = "";
	int i;

	for (i = 0; i < mx->n && !why[0]; i++)
		if (!h[i].resolved && h[i].err.kind != ERR_NONE)
			why = h[i].err.msg;
	if (deadline_expired(&s->p.dl) || (failures > 0 && timeouts == failures))
		result_problem(&s->p.res, s->p.cfg->timeout_state, "no MX host of %s could be "
		    "%s before the deadline (timeout %g s)%s%s", s->cfg->mx_domain,
		    resolved ? "checked" : "resolved", s->p.cfg->timeout,
		    resolved ? "" : ": ", resolved ? "" : why);
	else
		result_problem(&s->p.res, STATE_CRITICAL, "no MX host of %s could be %s%s%s",
		    s->cfg->mx_domain, resolved ? "checked" : "resolved",
		    resolved || !why[0] ? "" : ": ", resolved ? "" : why);
}

/* --mx: look up the MX set of the domain into M and say what it is; H
 * (one for each MX host) is cleared, each with its facts in M. Returns 0
 * to go on, 1 when there is nothing to check (null MX), -1 when the lookup
 * failed. */
static int
smtp_mx_lookup(struct smtp_check *s, struct fact_mx *m, struct smtp_mxhost *h)
{
	struct dns_mxset *mx = &m->set;
	struct sbuf list;
	struct err e;
	int i;

	err_clear(&e);
	phase_begin(&s->p.phases, PHASE_DNS);
	if (plugin_dns(&s->p, &e) == NULL || dns_mx(s->p.dns, s->cfg->mx_domain, &s->p.dl,
	    mx, &e) < 0) {
		result_problem(&s->p.res, plugin_err_state(&s->p, &e), "cannot look up "
		    "the MX records of %s: %s", s->cfg->mx_domain, e.msg);
		return -1;
	}
	if (mx->null_mx) {
		result_problem(&s->p.res, STATE_CRITICAL, "%s accepts no mail: null MX "
		    "(RFC 7505)", s->cfg->mx_domain);
		return 1;
	}
	sbuf_init(&list);
	for (i = 0; i < mx->n; i++)
		sbuf_printf(&list, "%s%u %s", i ? ", " : "", mx->mx[i].pref, mx->mx[i].name);
	if (mx->implicit)
		result_detail(&s->p.res, "MX %s: none; the domain is its own implicit MX "
		    "(RFC 5321 §5.1)", s->cfg->mx_domain);
	else
		result_detail(&s->p.res, "MX %s: %s", s->cfg->mx_domain, sbuf_str(&list));
	sbuf_free(&list);
	if (mx->dropped)
		result_detail(&s->p.res, "MX %s: %d less preferred records left out (the "
		    "best %d are used)", s->cfg->mx_domain, mx->dropped, DNS_MX_MAX);
	result_perf(&s->p.res, "mx_count", mx->n + mx->dropped, "", NULL, NULL, 0, NAN);
	for (i = 0; i < mx->n; i++) {
		memset(&h[i], 0, sizeof(h[i]));
		memset(&m->host[i], 0, sizeof(m->host[i]));
		h[i].f = &m->host[i];
	}
	phase_end(&s->p.phases);
	return 0;
}

/* Without --all-mx: the session C with the chosen MX host becomes the run:
 * its verdict, its phases (but dns, which the run timed itself), its
 * certificate. */
static void
smtp_mx_adopt(struct smtp_check *s, const struct smtp_check *c)
{
	int i;

	result_merge(&s->p.res, &c->p.res);
	sbuf_reset(&s->p.res.ok_text);
	sbuf_add(&s->p.res.ok_text, sbuf_str(&c->p.res.ok_text));
	result_merge_perf(&s->p.res, &c->p.res);
	for (i = 0; i < s->p.phases.n; i++) {
		const struct phase *cp = &c->p.phases.p[i];

		if (cp->ran && strcmp(cp->name, "dns") != 0) {
			s->p.phases.p[i].ran = 1;
			s->p.phases.p[i].secs += cp->secs;
		}
	}
	if (c->p.have_tls_info) {
		s->p.tls_info = c->p.tls_info;
		s->p.have_tls_info = 1;
	}
}

/* Without --all-mx: resolve and try the hosts in order of preference until
 * one answers (falling through on connection failures). */
static void
smtp_mx_first(struct smtp_check *s, struct fact_mx *m, struct smtp_mxhost *h)
{
	const struct dns_mxset *mx = &m->set;
	int i, chosen = -1, resolved = 0, timeouts = 0, failures = 0;

	/* one host after the other: a host whose lookup hangs may take
	 * half of the time left, the last one all of it */
	for (i = 0; i < mx->n && chosen < 0; i++) {
		struct smtp_check *c;
		int64_t now = deadline_now_us();

		phase_begin(&s->p.phases, PHASE_DNS);
		smtp_mx_resolve(s, mx->mx[i].name, i + 1 < mx->n ?
		    now + (s->p.dl.end_us - now) / 2 : s->p.dl.end_us, &h[i]);
		phase_end(&s->p.phases);
		smtp_mx_name_problems(s, &mx->mx[i], &h[i]);
		if (!h[i].f->resolved) {
			failures++;
			timeouts += h[i].f->err.kind == ERR_TIMEOUT;
			result_detail(&s->p.res, "MX %s: %s", mx->mx[i].name, h[i].f->err.msg);
			continue;
		}
		resolved++;
		c = smtp_session_new(s, mx->mx[i].name, &h[i].addrs);
		if (c == NULL)
			break;
		smtp_session(c);
		if (c->failed_at_connect && i + 1 < mx->n) {
			struct sbuf why;

			failures++;
			timeouts += c->failed == ERR_TIMEOUT;
			sbuf_init(&why);
			result_summary(&c->p.res, &why);
			result_detail(&s->p.res, "MX %s: %s; trying the next MX",
			    mx->mx[i].name, sbuf_str(&why));
			sbuf_free(&why);
			smtp_mx_record(h[i].f, c);
			smtp_session_free(c);
			continue;
		}
		chosen = i;
		h[i].c = c;
	}
	if (chosen < 0) {
		smtp_mx_none(s, mx, m->host, resolved, timeouts, failures);
		return;
	}
	if (chosen > 0)
		result_problem(&s->p.res, STATE_WARNING, "%s: the preferred MX %s "
		    "cannot be reached; %s (preference %u) answered", s->cfg->mx_domain,
		    mx->mx[0].name, mx->mx[chosen].name, mx->mx[chosen].pref);
	smtp_sts_host(s, h[chosen].c, mx->mx[chosen].name);
	for (i = chosen + 1; s->cfg->mta_sts && i < mx->n; i++)
		result_detail(&s->p.res, "MTA-STS: the certificate of MX %s was not "
		    "checked (--all-mx checks every MX host)", mx->mx[i].name);
	/* the chosen session's verdict and phases become the run's */
	smtp_mx_adopt(s, h[chosen].c);
	smtp_mx_record(h[chosen].f, h[chosen].c);
	smtp_session_free(h[chosen].c);
}

/* --all-mx: every host at once, each looked up in its own thread; wall
 * time is the slowest host's */
static void
smtp_mx_all(struct smtp_check *s, struct fact_mx *m, struct smtp_mxhost *h)
{
	const struct dns_mxset *mx = &m->set;
	int i;

	for (i = 0; i < mx->n; i++) {
		h[i].run = s;
		h[i].name = mx->mx[i].name;
		if (pthread_create(&h[i].th, NULL, smtp_mx_thread, &h[i]) == 0)
			h[i].started = 1;
		else
			(void)smtp_mx_thread(&h[i]);   /* no thread: do it here */
	}
	for (i = 0; i < mx->n; i++) {
		struct smtp_check *c;
		struct sbuf line;

		if (h[i].started)
			pthread_join(h[i].th, NULL);
		c = h[i].c;   /* set by the thread */
		smtp_mx_name_problems(s, &mx->mx[i], &h[i]);
		if (!h[i].f->resolved) {
			result_problem(&s->p.res, plugin_err_state(&s->p, &h[i].f->err), "MX %s: %s",
			    mx->mx[i].name, h[i].f->err.msg);
			continue;
		}
		if (c == NULL)
			continue;
		sbuf_init(&line);
		result_summary(&c->p.res, &line);
		result_detail(&s->p.res, "MX %u %s: %s - %s", mx->mx[i].pref, mx->mx[i].name,
		    state_name(result_state(&c->p.res)), sbuf_str(&line));
		sbuf_free(&line);
		phase_report(&c->p.phases, &c->p.cfg->limits, c->elapsed, &c->p.res, mx->mx[i].name);
		result_merge_details(&s->p.res, &c->p.res, "  ");
		smtp_sts_host(s, c, mx->mx[i].name);
		sbuf_reset(&c->p.res.details);
		c->p.res.tls = NULL;   /* rendered in the host's lines above */
		if (c->p.res.transcript.len)
			sbuf_printf(&s->p.res.transcript, "-- MX %s\n", mx->mx[i].name);
		result_merge(&s->p.res, &c->p.res);
		result_merge_perf(&s->p.res, &c->p.res);
		smtp_mx_record(h[i].f, c);
		smtp_session_free(c);
	}
	smtp_cert_consistency(s, mx, m->host);
	result_ok(&s->p.res, "all %d MX hosts of %s passed in %.3f s", mx->n, s->cfg->mx_domain,
	    deadline_elapsed(&s->p.dl));
}

/* --mx: look up the MX set into M, then resolve and try its hosts in
 * order of preference until one answers (falling through on connection
 * failures), or all of them at once with --all-mx (each resolved in its
 * own thread). The verdict goes into s->p.res, each host's facts into M
 * (H: their run state). Returns 1 when the MX set was found (0: the
 * lookup failed). */
static int
smtp_mx_check(struct smtp_check *s, struct fact_mx *m, struct smtp_mxhost *h)
{
	int rc = smtp_mx_lookup(s, m, h);

	if (rc != 0)
		return rc > 0;
	if (s->cfg->mta_sts || s->cfg->tls_rpt)
		smtp_sts_policy(s, &m->set);
	if (!s->cfg->all_mx)
		smtp_mx_first(s, m, h);
	else
		smtp_mx_all(s, m, h);
	return 1;
}

void
smtp_run_mx(struct smtp_check *s)
{
	static struct fact_mx mx;
	static struct smtp_mxhost h[DNS_MX_MAX];

	mx.domain = s->cfg->mx_domain;
	if (smtp_mx_check(s, &mx, h))
		s->p.res.mx = &mx;   /* the MX set and its hosts: facts of the run */
}

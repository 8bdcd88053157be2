/* domain.c - check_smtp_tx's checks of a domain's own mail DNS (issue 22):
 * --spf, --spf-ip, --dmarc (domain_auth.c) and --dkim, --dnssec-expiry,
 * --dnsbl, --dnsbl-ip (domain_dns.c), run together once per run, before
 * the sessions, in phase domain, on the run's resolver (--dns-server) and
 * in at most half the time left of -t: a resolver that does not answer
 * leaves the sessions the other half. */
#include <config.h>

#include "smtp_tx.h"

int
smtp_domain_validate(const struct smtp_config *c, struct err *e)
{
	if (smtp_dauth_validate(c, e) < 0)
		return -1;
	return smtp_ddns_validate(&c->ddns, c->mx_domain, c->count, e);
}

void
smtp_domain_run(struct smtp_check *s)
{
	const struct smtp_config *c = s->cfg;
	struct deadline run = s->p.dl;
	struct err e;

	if (!c->dauth.spf && !c->dauth.dmarc && !smtp_ddns_wanted(&c->ddns))
		return;
	err_clear(&e);
	phase_begin(&s->p.phases, PHASE_DOMAIN);
	if (plugin_dns(&s->p, &e) == NULL) {
		result_problem(&s->p.res, plugin_err_state(&s->p, &e), "domain checks: %s",
		    e.msg);
		phase_end(&s->p.phases);
		return;
	}
	deadline_cap(&s->p.dl, &run, deadline_left_us(&run) / 2);
	/* DNSSEC first: a bogus answer is named before what it broke */
	smtp_ddns_checks(s);
	smtp_dauth_checks(s);
	s->p.dl = run;
	phase_end(&s->p.phases);
}

void
smtp_domain_ok(struct smtp_check *s)
{
	smtp_dauth_ok(s);
	smtp_ddns_ok(s);
}

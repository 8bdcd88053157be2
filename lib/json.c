/* json.c - see json.h */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "certq.h"
#include "facts.h"
#include "json.h"

static void json_tls(struct sbuf *j, const struct tls_info *in);
static void json_details(struct sbuf *j, const struct result *r);
static void json_tlsrpt(struct sbuf *j, const struct fact_tlsrpt *t);
static void json_sts(struct sbuf *j, const struct fact_sts *sts);
static void json_mx(struct sbuf *j, const struct fact_mx *m);
static void json_certs(struct sbuf *j, const struct fact_certs *fc);
static void json_addrs(struct sbuf *j, const struct fact_addrs *fa);
static void json_fetch(struct sbuf *j, const struct fact_fetch *f);
static void json_domain_auth(struct sbuf *j, const struct fact_domain_auth *a);
static void json_domain_dns(struct sbuf *j, const struct fact_domain_dns *f);
static void json_strs(struct sbuf *j, const char (*v)[DMARC_URI_MAX], int n);
static void json_mailbox(struct sbuf *j, const struct fact_mailbox *mb);

static const char *
json_bool(int v)
{
	return v ? "true" : "false";
}

void
json_format(struct sbuf *j, const struct json_target *t, const struct result *r)
{
	struct sbuf tmp;
	int i, first;

	sbuf_init(&tmp);
	sbuf_add(j, "{\"plugin\":");
	sbuf_json_str(j, t->plugin);
	sbuf_add(j, ",\"service\":");
	sbuf_json_str(j, t->service);
	sbuf_printf(j, ",\"state\":\"%s\",\"exit_code\":%d,\"summary\":",
	    state_name(result_state(r)), (int)result_state(r));
	result_summary(r, &tmp);
	sbuf_json_str(j, sbuf_str(&tmp));
	sbuf_free(&tmp);
	if (t->host) {
		sbuf_add(j, ",\"host\":");
		sbuf_json_str(j, t->host);
		sbuf_printf(j, ",\"port\":%d", t->port);
	}
	sbuf_add(j, ",\"problems\":[");
	for (i = 0; i < r->nproblems; i++) {
		sbuf_printf(j, "%s{\"state\":\"%s\",\"text\":", i ? "," : "",
		    state_name(r->problems[i].state));
		sbuf_json_str(j, r->problems[i].text);
		sbuf_addc(j, '}');
	}
	sbuf_add(j, "],\"phases\":{");
	for (i = 0, first = 1; t->phases && i < t->phases->n; i++) {
		const struct phase *ph = &t->phases->p[i];

		if (!ph->ran)
			continue;
		sbuf_printf(j, "%s\"%s\":%.6f", first ? "" : ",", ph->name, ph->secs);
		first = 0;
	}
	sbuf_printf(j, "},\"time\":%.6f", t->time);
	if (t->tls)
		json_tls(j, t->tls);
	json_facts(j, r);
	sbuf_add(j, ",\"perfdata\":");
	sbuf_json_str(j, sbuf_str(&r->perf));
	json_details(j, r);
	if (r->transcript.len) {
		sbuf_add(j, ",\"transcript\":");
		sbuf_json_str(j, sbuf_str(&r->transcript));
	}
	sbuf_add(j, "}\n");
}

/* "tls": the session's protocol, cipher, verdict and certificate. */
static void
json_tls(struct sbuf *j, const struct tls_info *in)
{
	sbuf_add(j, ",\"tls\":{\"protocol\":");
	sbuf_json_str(j, in->protocol);
	sbuf_add(j, ",\"cipher\":");
	sbuf_json_str(j, in->cipher);
	sbuf_printf(j, ",\"verified\":%s", json_bool(in->verified));
	if (!(in->problems & TLS_P_NO_CERT)) {
		sbuf_add(j, ",\"subject\":");
		sbuf_json_str(j, in->subject);
		sbuf_add(j, ",\"issuer\":");
		sbuf_json_str(j, in->issuer);
		sbuf_add(j, ",\"names\":");
		sbuf_json_str(j, in->names);
		sbuf_add(j, ",\"not_after\":");
		sbuf_json_str(j, in->not_after);
		sbuf_printf(j, ",\"days_left\":%.0f", floor(in->days_left));
		sbuf_add(j, ",\"sha256\":");
		sbuf_json_str(j, in->fingerprint);
		if (in->key_text[0]) {
			char q[256];

			sbuf_add(j, ",\"key\":");
			sbuf_json_str(j, in->key_text);
			certq_summary(in, q, sizeof(q));
			sbuf_add(j, ",\"quality\":");
			sbuf_json_str(j, q);
		}
	}
	if (!in->verified) {
		sbuf_add(j, ",\"verify_error\":");
		sbuf_json_str(j, in->verify_msg);
	}
	sbuf_addc(j, '}');
}

/* "details": one string for each complete line of the long output. */
static void
json_details(struct sbuf *j, const struct result *r)
{
	struct sbuf tmp;
	const char *line, *nl;
	int first;

	sbuf_init(&tmp);
	sbuf_add(j, ",\"details\":[");
	for (line = sbuf_str(&r->details), first = 1; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (nl == NULL)
			break;
		sbuf_reset(&tmp);
		sbuf_addn(&tmp, line, (size_t)(nl - line));
		sbuf_add(j, first ? "" : ",");
		sbuf_json_str(j, sbuf_str(&tmp));
		first = 0;
	}
	sbuf_add(j, "]");
	sbuf_free(&tmp);
}

void
json_facts(struct sbuf *j, const struct result *r)
{
	if (r->tls_rpt)
		json_tlsrpt(j, r->tls_rpt);
	if (r->mta_sts)
		json_sts(j, r->mta_sts);
	if (r->mx)
		json_mx(j, r->mx);
	if (r->certs)
		json_certs(j, r->certs);
	if (r->addrs)
		json_addrs(j, r->addrs);
	if (r->fetch)
		json_fetch(j, r->fetch);
	if (r->domain_auth)
		json_domain_auth(j, r->domain_auth);
	if (r->domain_dns)
		json_domain_dns(j, r->domain_dns);
	if (r->mailbox)
		json_mailbox(j, r->mailbox);
}

/* Issue 22 (i22b): "dkim":[{"selector", "name", "found", "valid", "type",
 * "bits", "revoked", "testing", "state", "note"}], "dnssec":{"days",
 * "earliest", "answers":[{"name", "type", "records", "signatures",
 * "expires", "secure", "bogus", "failed"}]}, "dnsbl":{"listed",
 * "lookups":[{"address", "host", "zone", "listed", "codes", "reason",
 * "state", "note"}]}: only those the run asked for. */
static void
json_domain_dns(struct sbuf *j, const struct fact_domain_dns *f)
{
	static const char *const ktype[] = { "rsa", "ed25519", "other" };
	int i;

	if (f->ndkim) {
		sbuf_add(j, ",\"dkim\":[");
		for (i = 0; i < f->ndkim; i++) {
			const struct fact_dkim *k = &f->dkim[i];

			sbuf_add(j, i ? ",{\"selector\":" : "{\"selector\":");
			sbuf_json_str(j, k->selector);
			sbuf_add(j, ",\"name\":");
			sbuf_json_str(j, k->name);
			sbuf_printf(j, ",\"found\":%s,\"valid\":%s", json_bool(k->found),
			    json_bool(k->valid));
			if (k->valid)
				sbuf_printf(j, ",\"type\":\"%s\",\"bits\":%d,\"revoked\":%s,"
				    "\"testing\":%s", ktype[k->key.type], k->key.bits,
				    json_bool(k->key.revoked), json_bool(k->key.testing));
			sbuf_printf(j, ",\"state\":\"%s\",\"note\":", state_name(k->state));
			sbuf_json_str(j, k->note);
			sbuf_addc(j, '}');
		}
		sbuf_addc(j, ']');
	}
	if (f->rrsig_checked) {
		sbuf_add(j, ",\"dnssec\":{");
		if (f->rrsig_earliest >= 0) {
			sbuf_printf(j, "\"days\":%.2f,\"earliest\":", f->rrsig_days);
			sbuf_json_str(j, f->rrsig[f->rrsig_earliest].name);
			sbuf_addc(j, ',');
		}
		sbuf_add(j, "\"answers\":[");
		for (i = 0; i < f->nrrsig; i++) {
			const struct fact_rrsig *r = &f->rrsig[i];

			sbuf_add(j, i ? ",{\"name\":" : "{\"name\":");
			sbuf_json_str(j, r->name);
			sbuf_printf(j, ",\"type\":\"%s\",\"records\":%d,\"signatures\":%d",
			    r->type, r->sig.rrs, r->sig.sigs);
			if (r->sig.sigs > 0)
				sbuf_printf(j, ",\"expires\":%lld", r->sig.expire);
			sbuf_printf(j, ",\"secure\":%s,\"bogus\":%s,\"failed\":%s}",
			    json_bool(r->sig.secure), json_bool(r->sig.bogus),
			    json_bool(r->failed));
		}
		sbuf_add(j, "]}");
	}
	if (f->dnsbl_checked) {
		sbuf_printf(j, ",\"dnsbl\":{\"listed\":%d,\"lookups\":[", f->dnsbl_listed);
		for (i = 0; i < f->ndnsbl; i++) {
			const struct fact_dnsbl *b = &f->dnsbl[i];

			sbuf_add(j, i ? ",{\"address\":" : "{\"address\":");
			sbuf_json_str(j, b->addr);
			sbuf_add(j, ",\"host\":");
			sbuf_json_str(j, b->host);
			sbuf_add(j, ",\"zone\":");
			sbuf_json_str(j, b->zone);
			sbuf_printf(j, ",\"listed\":%s,\"codes\":", json_bool(b->listed));
			sbuf_json_str(j, b->codes);
			sbuf_add(j, ",\"reason\":");
			sbuf_json_str(j, b->reason);
			sbuf_printf(j, ",\"state\":\"%s\",\"note\":", state_name(b->state));
			sbuf_json_str(j, b->note);
			sbuf_addc(j, '}');
		}
		sbuf_add(j, "]}");
	}
}

/* "addresses": --all-addresses, each address with its own verdict. */
static void
json_addrs(struct sbuf *j, const struct fact_addrs *fa)
{
	int i;

	sbuf_add(j, ",\"addresses\":[");
	for (i = 0; i < fa->n; i++) {
		sbuf_add(j, i ? ",{\"address\":" : "{\"address\":");
		sbuf_json_str(j, fa->a[i].addr);
		sbuf_printf(j, ",\"state\":\"%s\",\"summary\":", state_name(fa->a[i].state));
		sbuf_json_str(j, fa->a[i].summary);
		sbuf_addc(j, '}');
	}
	sbuf_addc(j, ']');
}

/* "certs": --all-certs, one object per other key type probed. */
static void
json_certs(struct sbuf *j, const struct fact_certs *fc)
{
	static const char *const outcome[] = { "served", "none", "same", "unprobed" };
	int i;

	sbuf_add(j, ",\"certs\":[");
	for (i = 0; i < fc->n; i++) {
		const struct fact_cert *c = &fc->c[i];

		sbuf_printf(j, "%s{\"type\":\"%s\",\"outcome\":\"%s\"", i ? "," : "",
		    facts_key_name(c->key), outcome[c->outcome]);
		if (c->outcome == FACT_CERT_SERVED) {
			sbuf_add(j, ",\"key\":");
			sbuf_json_str(j, c->cert.key_text);
			sbuf_add(j, ",\"subject\":");
			sbuf_json_str(j, c->cert.subject);
			sbuf_add(j, ",\"names\":");
			sbuf_json_str(j, c->cert.names);
			sbuf_add(j, ",\"not_after\":");
			sbuf_json_str(j, c->cert.not_after);
			sbuf_printf(j, ",\"days_left\":%.0f,\"verified\":%s",
			    floor(c->cert.days_left), json_bool(c->cert.verified));
			sbuf_add(j, ",\"sha256\":");
			sbuf_json_str(j, c->cert.fingerprint);
		} else if (c->outcome != FACT_CERT_SAME) {
			sbuf_add(j, ",\"reason\":");
			sbuf_json_str(j, c->why);
		}
		sbuf_addc(j, '}');
	}
	sbuf_addc(j, ']');
}

/* "fetch":{"url", "found", "folder", "junk", "delivery", "deleted",
 * "stale", "hops":[{"from", "by", "with", "tls", "tls_version"}],
 * "auth_results":{"serv_id", "ok", "methods":{"spf":"pass", ...}}} */
static void
json_fetch(struct sbuf *j, const struct fact_fetch *f)
{
	int i;

	sbuf_add(j, ",\"fetch\":{\"url\":");
	sbuf_json_str(j, f->url);
	sbuf_printf(j, ",\"found\":%s", json_bool(f->found));
	if (!f->found) {
		sbuf_addc(j, '}');
		return;
	}
	sbuf_add(j, ",\"folder\":");
	sbuf_json_str(j, f->folder);
	sbuf_printf(j, ",\"junk\":%s,\"delivery\":%.6f,\"deleted\":%s,\"stale\":%d,"
	    "\"hops\":[", json_bool(f->junk), f->delivery, json_bool(f->deleted), f->stale);
	/* the first hop first, as the long output lists them */
	for (i = f->path.n - 1; i >= 0; i--) {
		const struct received_hop *h = &f->path.hop[i];

		sbuf_add(j, i == f->path.n - 1 ? "{\"from\":" : ",{\"from\":");
		sbuf_json_str(j, h->from);
		sbuf_add(j, ",\"by\":");
		sbuf_json_str(j, h->by);
		sbuf_add(j, ",\"with\":");
		sbuf_json_str(j, h->with);
		sbuf_printf(j, ",\"tls\":%s,\"tls_version\":",
		    h->tls == RECEIVED_TLS_YES ? "true" : h->tls == RECEIVED_TLS_NO ? "false" : "null");
		sbuf_json_str(j, h->tls_version);
		sbuf_addc(j, '}');
	}
	sbuf_addc(j, ']');
	if (f->auth_checked) {
		sbuf_add(j, ",\"auth_results\":{\"serv_id\":");
		sbuf_json_str(j, f->auth.serv_id);
		sbuf_printf(j, ",\"ok\":%s,\"methods\":{", json_bool(f->auth_ok));
		for (i = 0; i < f->auth.n; i++) {
			sbuf_add(j, i ? "," : "");
			sbuf_json_str(j, f->auth.m[i].method);
			sbuf_addc(j, ':');
			sbuf_json_str(j, f->auth.m[i].result);
		}
		sbuf_add(j, "}}");
	}
	sbuf_addc(j, '}');
}

/* "tls_rpt":{"valid", "rua"} */
static void
json_tlsrpt(struct sbuf *j, const struct fact_tlsrpt *t)
{
	sbuf_printf(j, ",\"tls_rpt\":{\"valid\":%s", json_bool(t->valid));
	if (t->valid) {
		sbuf_add(j, ",\"rua\":");
		sbuf_json_str(j, t->rec.rua);
	}
	sbuf_addc(j, '}');
}

/* "mta_sts":{"id", "mode", "max_age", "mx":[patterns]}, once the policy
 * was parsed */
static void
json_sts(struct sbuf *j, const struct fact_sts *sts)
{
	int i;

	if (!sts->policy)
		return;
	sbuf_add(j, ",\"mta_sts\":{\"id\":");
	sbuf_json_str(j, sts->id.id);
	sbuf_printf(j, ",\"mode\":\"%s\",\"max_age\":%ld,\"mx\":[",
	    mtasts_mode_name(sts->pol.mode), sts->pol.max_age);
	for (i = 0; i < sts->pol.nmx; i++) {
		if (i)
			sbuf_addc(j, ',');
		sbuf_json_str(j, sts->pol.mx[i]);
	}
	sbuf_add(j, "]}");
}

/* "mx":{"domain", "null_mx", "implicit", "hosts":[...]} (SPEC §2) */
static void
json_mx(struct sbuf *j, const struct fact_mx *m)
{
	int i;

	sbuf_add(j, ",\"mx\":{\"domain\":");
	sbuf_json_str(j, m->domain);
	sbuf_printf(j, ",\"null_mx\":%s,\"implicit\":%s,\"hosts\":[",
	    json_bool(m->set.null_mx), json_bool(m->set.implicit));
	for (i = 0; i < m->set.n; i++) {
		const struct fact_mx_host *h = &m->host[i];

		sbuf_printf(j, "%s{\"pref\":%u,\"name\":", i ? "," : "", m->set.mx[i].pref);
		sbuf_json_str(j, m->set.mx[i].name);
		sbuf_printf(j, ",\"resolved\":%s,\"checked\":%s", json_bool(h->resolved),
		    json_bool(h->checked));
		if (!h->resolved && h->err.kind != ERR_NONE) {   /* else not looked up */
			sbuf_add(j, ",\"error\":");
			sbuf_json_str(j, h->err.msg);
		}
		if (h->checked) {
			sbuf_printf(j, ",\"state\":\"%s\",\"summary\":", state_name(h->state));
			sbuf_json_str(j, h->summary);
		}
		if (h->have_cert) {
			sbuf_add(j, ",\"cert_not_after\":");
			sbuf_json_str(j, h->cert.not_after);
			sbuf_add(j, ",\"cert_sha256\":");
			sbuf_json_str(j, h->cert.fingerprint);
			sbuf_printf(j, ",\"cert_stale\":%s", json_bool(h->stale));
		}
		sbuf_addc(j, '}');
	}
	sbuf_add(j, "]}");
}

/* A JSON array of N strings. */
static void
json_strs(struct sbuf *j, const char (*v)[DMARC_URI_MAX], int n)
{
	int i;

	sbuf_addc(j, '[');
	for (i = 0; i < n; i++) {
		if (i)
			sbuf_addc(j, ',');
		sbuf_json_str(j, v[i]);
	}
	sbuf_addc(j, ']');
}

/* "domain_auth":{"domain", "spf":{"record", "other", "lookups",
 * "void_lookups", "ips":[{"ip", "result", "why"}]}, "dmarc":{"name", "org",
 * "record", "p", "sp", "pct", "rua", "ruf"}, "findings":[{"check",
 * "state", "text"}]} (--spf, --dmarc; issue 22) */
static void
json_domain_auth(struct sbuf *j, const struct fact_domain_auth *a)
{
	int i;

	sbuf_add(j, ",\"domain_auth\":{\"domain\":");
	sbuf_json_str(j, a->domain);
	if (a->spf_checked) {
		sbuf_add(j, ",\"spf\":{\"record\":");
		if (a->spf_found)
			sbuf_json_str(j, a->spf_record);
		else
			sbuf_add(j, "null");
		sbuf_printf(j, ",\"other\":\"%s\",\"lookups\":%d,\"void_lookups\":%d,"
		    "\"ips\":[", spf_result_name(a->spf_other), a->spf_lookups, a->spf_voids);
		for (i = 0; i < a->nips; i++) {
			sbuf_add(j, i ? ",{\"ip\":" : "{\"ip\":");
			sbuf_json_str(j, a->ips[i].ip);
			sbuf_printf(j, ",\"result\":\"%s\",\"why\":",
			    spf_result_name(a->ips[i].result));
			sbuf_json_str(j, a->ips[i].why);
			sbuf_addc(j, '}');
		}
		sbuf_add(j, "]}");
	}
	if (a->dmarc_checked) {
		sbuf_add(j, ",\"dmarc\":{\"name\":");
		if (a->dmarc_found) {
			sbuf_json_str(j, a->dmarc_name);
			sbuf_printf(j, ",\"org\":%s,\"record\":", json_bool(a->dmarc_org));
			sbuf_json_str(j, a->dmarc_record);
			sbuf_printf(j, ",\"p\":\"%s\",\"sp\":\"%s\",\"pct\":%d,\"rua\":",
			    dmarc_policy_name(a->dmarc.p), dmarc_policy_name(a->dmarc.sp),
			    a->dmarc.pct);
			json_strs(j, a->dmarc.rua, a->dmarc.nrua);
			sbuf_add(j, ",\"ruf\":");
			json_strs(j, a->dmarc.ruf, a->dmarc.nruf);
		} else {
			sbuf_add(j, "null");
		}
		sbuf_addc(j, '}');
	}
	sbuf_add(j, ",\"findings\":[");
	for (i = 0; i < a->nfind; i++) {
		sbuf_printf(j, "%s{\"check\":\"%s\",\"state\":\"%s\",\"text\":", i ? "," : "",
		    a->find[i].check, state_name(a->find[i].state));
		sbuf_json_str(j, a->find[i].text);
		sbuf_addc(j, '}');
	}
	sbuf_add(j, "]}");
}

/* "mailbox":{"folders":[{"name", "missing", "messages", "unseen", "recent",
 * "size", "oldest", "oldest_age", "newest", "newest_age"}], "skipped",
 * "quota":[{"root", "resources":[{"name", "usage", "limit"}]}]} (issue 21;
 * a figure the server did not give is left out) */
static void
json_mailbox(struct sbuf *j, const struct fact_mailbox *mb)
{
	int i, k;

	sbuf_add(j, ",\"mailbox\":{\"folders\":[");
	for (i = 0; i < mb->n; i++) {
		const struct fact_folder *f = &mb->f[i];

		sbuf_add(j, i ? ",{\"name\":" : "{\"name\":");
		sbuf_json_str(j, f->name);
		sbuf_printf(j, ",\"missing\":%s", json_bool(f->missing));
		if (f->have_messages)
			sbuf_printf(j, ",\"messages\":%llu", f->messages);
		if (f->have_unseen)
			sbuf_printf(j, ",\"unseen\":%llu", f->unseen);
		if (f->have_recent)
			sbuf_printf(j, ",\"recent\":%llu", f->recent);
		if (f->have_size)
			sbuf_printf(j, ",\"size\":%llu", f->size);
		if (f->have_oldest)
			sbuf_printf(j, ",\"oldest\":%lld,\"oldest_age\":%.0f", f->oldest,
			    floor(f->oldest_age));
		if (f->have_newest)
			sbuf_printf(j, ",\"newest\":%lld,\"newest_age\":%.0f", f->newest,
			    floor(f->newest_age));
		sbuf_addc(j, '}');
	}
	sbuf_printf(j, "],\"skipped\":%d,\"quota\":[", mb->skipped);
	for (i = 0; i < mb->nquota; i++) {
		const struct fact_quota *q = &mb->q[i];

		sbuf_add(j, i ? ",{\"root\":" : "{\"root\":");
		sbuf_json_str(j, q->root);
		sbuf_add(j, ",\"resources\":[");
		for (k = 0; k < q->n; k++) {
			sbuf_add(j, k ? ",{\"name\":" : "{\"name\":");
			sbuf_json_str(j, q->res[k].name);
			sbuf_printf(j, ",\"usage\":%llu,\"limit\":%llu}", q->res[k].usage,
			    q->res[k].limit);
		}
		sbuf_add(j, "]}");
	}
	sbuf_add(j, "]}");
}

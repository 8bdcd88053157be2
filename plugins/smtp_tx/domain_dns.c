/* domain_dns.c - see domain_dns.h: --dkim, --dnssec-expiry, --dnsbl. */
#include <config.h>

#include <arpa/inet.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "dkim.h"
#include "dnsbl.h"
#include "dns.h"
#include "facts.h"
#include "net.h"
#include "opts.h"
#include "smtp_tx.h"

/* An address to look up in the blocklists, and whose it is. */
struct ddns_addr {
	char addr[NET_ADDRSTR];
	const char *host;          /* the MX or -H host (static storage), or "" */
};

#define DDNS_ADDRS_MAX 32

static void ddns_note(char *out, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void ddns_copy(char *out, size_t cap, const char *s);
static int ddns_list(char (*out)[256], int max, int *n, size_t each,
    const char *opt, const char *arg, struct err *e);
static void ddns_dkim(struct smtp_check *s, struct fact_domain_dns *f);
static void ddns_dkim_one(struct smtp_check *s, struct fact_dkim *k,
    struct dns_txt *txt);
static void ddns_rrsig(struct smtp_check *s, struct fact_domain_dns *f,
    const struct dns_mxset *mx);
static void ddns_rrsig_judge(struct smtp_check *s, struct fact_domain_dns *f);
static int ddns_mx(struct smtp_check *s, struct dns_mxset *mx);
static void ddns_dnsbl(struct smtp_check *s, struct fact_domain_dns *f,
    const struct dns_mxset *mx, int have_mx);
static void ddns_dnsbl_one(struct smtp_check *s, struct fact_domain_dns *f,
    const struct ddns_addr *a, const char *zone, int *refused);
static void ddns_when(long long t, char *out, size_t cap);

/* FMT into OUT (CAP bytes), cut when longer. */
static void
ddns_note(char *out, size_t cap, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(out, cap, fmt, ap);
	va_end(ap);
}

/* S into OUT (CAP > 0 bytes), cut when longer. */
static void
ddns_copy(char *out, size_t cap, const char *s)
{
	size_t n = strnlen(s, cap - 1);

	memcpy(out, s, n);
	out[n] = '\0';
}

/* "a,b,c" of option OPT into OUT (each at most EACH bytes), appended. */
static int
ddns_list(char (*out)[256], int max, int *n, size_t each, const char *opt,
    const char *arg, struct err *e)
{
	const char *p = arg;

	if (arg[0] == '\0')
		return err_set(e, ERR_USAGE, "%s needs a list, not an empty string", opt);
	while (*p) {
		size_t len = strcspn(p, ",");
		char item[256];

		if (len == 0 || len >= each || len >= sizeof(item))
			return err_set(e, ERR_USAGE, "%s: empty or too long an item in '%.64s'",
			    opt, arg);
		if (*n >= max)
			return err_set(e, ERR_USAGE, "%s: at most %d", opt, max);
		snprintf(item, sizeof(item), "%.*s", (int)len, p);
		if (opts_hostname(opt, item, e) < 0)
			return -1;
		ddns_copy(out[(*n)++], each, item);
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

int
smtp_ddns_option(struct smtp_ddns *c, int id, const char *arg, struct err *e)
{
	switch (id) {
	case DDNS_OPT_DKIM: {
		/* selectors are domain names' labels (RFC 6376 §3.1) */
		char tmp[DDNS_SELECTORS_MAX][256];
		int i, n = 0;

		if (ddns_list(tmp, DDNS_SELECTORS_MAX - c->nsel, &n, sizeof(c->sel[0]),
		    "--dkim", arg, e) < 0)
			return -1;
		for (i = 0; i < n; i++)
			ddns_copy(c->sel[c->nsel++], sizeof(c->sel[0]), tmp[i]);
		return 0;
	}
	case DDNS_OPT_DNSSEC_EXPIRY: {
		const char *comma = strchr(arg, ',');
		char w[32];
		long days;

		snprintf(w, sizeof(w), "%.*s", (int)(comma ? (size_t)(comma - arg) :
		    strlen(arg)), arg);
		if (opts_int("--dnssec-expiry", w, 0, 3650, &days, e) < 0)
			return -1;
		snprintf(w, sizeof(w), "%ld:", days);
		if (range_parse(&c->warn, w, e) < 0)
			return -1;
		if (comma) {
			if (opts_int("--dnssec-expiry", comma + 1, 0, 3650, &days, e) < 0)
				return -1;
			snprintf(w, sizeof(w), "%ld:", days);
			if (range_parse(&c->crit, w, e) < 0)
				return -1;
		}
		c->expiry = 1;
		return 0;
	}
	case DDNS_OPT_DNSBL:
		return ddns_list(c->zone, DDNS_ZONES_MAX, &c->nzones, sizeof(c->zone[0]),
		    "--dnsbl", arg, e);
	case DDNS_OPT_DNSBL_IP: {
		unsigned char b[16];

		if (inet_pton(AF_INET, arg, b) != 1 && inet_pton(AF_INET6, arg, b) != 1)
			return err_set(e, ERR_USAGE, "--dnsbl-ip needs an IPv4 or IPv6 address, "
			    "not '%.64s'", arg);
		if (c->nips >= DDNS_IPS_MAX)
			return err_set(e, ERR_USAGE, "--dnsbl-ip: at most %d", DDNS_IPS_MAX);
		snprintf(c->ip[c->nips++], sizeof(c->ip[0]), "%s", arg);
		return 0;
	}
	default:
		return err_set(e, ERR_INTERNAL, "unhandled option %d", id);
	}
}

int
smtp_ddns_validate(const struct smtp_ddns *c, const char *mx_domain, long count,
    struct err *e)
{
	if (c->nsel && !mx_domain)
		return err_set(e, ERR_USAGE, "--dkim needs --mx DOMAIN (the domain whose "
		    "SELECTOR._domainkey records are read)");
	if (c->expiry && !mx_domain)
		return err_set(e, ERR_USAGE, "--dnssec-expiry needs --mx DOMAIN");
	if (c->nips && !c->nzones)
		return err_set(e, ERR_USAGE, "--dnsbl-ip needs --dnsbl ZONE");
	if (smtp_ddns_wanted(c) && count)
		return err_set(e, ERR_USAGE, "--dkim, --dnssec-expiry and --dnsbl check a "
		    "domain once: not with --count");
	return 0;
}

int
smtp_ddns_wanted(const struct smtp_ddns *c)
{
	return c->nsel > 0 || c->expiry || c->nzones > 0;
}

/* ---------------------------------------------------------------- DKIM */

/* --dkim: one selector's record into K (its selector and name set), its
 * verdict a problem of S when it is not OK. TXT: room for the answer. */
static void
ddns_dkim_one(struct smtp_check *s, struct fact_dkim *k, struct dns_txt *txt)
{
	char why[256];
	struct err e;
	int n = 0;

	err_clear(&e);
	k->state = STATE_OK;
	if (dns_txt(s->p.dns, k->name, &s->p.dl, txt, DNS_TXT_MAX, &n, &e) < 0) {
		k->state = plugin_err_state(&s->p, &e);
		ddns_note(k->note, sizeof(k->note), "cannot look up the DKIM key %s: %s",
		    k->name, e.msg);
		result_problem(&s->p.res, k->state, "%s", k->note);
		return;
	}
	if (n == 0) {
		k->state = STATE_CRITICAL;
		ddns_note(k->note, sizeof(k->note), "DKIM selector %s: no key record at %s",
		    k->selector, k->name);
		result_problem(&s->p.res, k->state, "%s", k->note);
		return;
	}
	k->found = 1;
	if (txt[0].truncated) {
		k->state = STATE_WARNING;
		ddns_note(k->note, sizeof(k->note), "DKIM record at %s is longer than %d "
		    "bytes: not read whole", k->name, DNS_TXT_LEN - 1);
		result_problem(&s->p.res, k->state, "%s", k->note);
		return;
	}
	if (dkim_parse(txt[0].text, txt[0].len, &k->key, why, sizeof(why)) < 0) {
		k->state = STATE_CRITICAL;
		ddns_note(k->note, sizeof(k->note), "DKIM key %s is invalid: %s", k->name, why);
		result_problem(&s->p.res, k->state, "%s", k->note);
		return;
	}
	k->valid = 1;
	if (k->key.revoked) {
		k->state = STATE_CRITICAL;
		ddns_note(k->note, sizeof(k->note), "DKIM key %s revoked (empty p=)", k->name);
	} else if (k->key.type == DKIM_K_OTHER) {
		k->state = STATE_CRITICAL;
		ddns_note(k->note, sizeof(k->note), "DKIM key %s has a key type verifiers "
		    "do not know (k=%s)", k->name, k->key.ktext);
	} else if (k->key.type == DKIM_K_RSA && k->key.bits < 1024) {
		k->state = STATE_CRITICAL;
		ddns_note(k->note, sizeof(k->note), "DKIM key %s: RSA %d bits (less than "
		    "1024)", k->name, k->key.bits);
	} else if (k->key.type == DKIM_K_RSA && k->key.bits < 2048) {
		k->state = STATE_WARNING;
		ddns_note(k->note, sizeof(k->note), "DKIM key %s: RSA %d bits (less than "
		    "2048)", k->name, k->key.bits);
	} else if (!k->key.email) {
		k->state = STATE_WARNING;
		ddns_note(k->note, sizeof(k->note), "DKIM key %s is not for email (s=)",
		    k->name);
	} else if (!k->key.sha256) {
		k->state = STATE_WARNING;
		ddns_note(k->note, sizeof(k->note), "DKIM key %s allows sha1 only (h=; "
		    "RFC 8301 forbids sha1)", k->name);
	} else {
		ddns_note(k->note, sizeof(k->note), "DKIM key %s: %s %d bits", k->name,
		    k->key.type == DKIM_K_ED25519 ? "Ed25519" : "RSA", k->key.bits);
	}
	if (k->state != STATE_OK)
		result_problem(&s->p.res, k->state, "%s", k->note);
	if (n > 1)
		result_problem(&s->p.res, STATE_WARNING, "%d TXT records at %s (RFC 6376 "
		    "§3.6.2.2: one key per selector); the first was judged", n, k->name);
}

/* --dkim: every selector, into F; perfdata dkim_bits. */
static void
ddns_dkim(struct smtp_check *s, struct fact_domain_dns *f)
{
	static struct dns_txt txt[DNS_TXT_MAX];
	const struct smtp_ddns *c = &s->cfg->ddns;
	static const struct range w2048 = { .set = 1, .start = 2048, .end_inf = 1,
		.text = "2048:" };
	static const struct range c1024 = { .set = 1, .start = 1024, .end_inf = 1,
		.text = "1024:" };
	int i;

	for (i = 0; i < c->nsel && f->ndkim < FACT_DKIM_MAX; i++) {
		struct fact_dkim *k = &f->dkim[f->ndkim++];
		char label[96];
		int rsa;

		ddns_copy(k->selector, sizeof(k->selector), c->sel[i]);
		snprintf(k->name, sizeof(k->name), "%s._domainkey.%s", c->sel[i],
		    s->cfg->mx_domain);
		ddns_dkim_one(s, k, txt);
		if (!k->valid)
			continue;
		rsa = k->key.type == DKIM_K_RSA;
		if (c->nsel > 1)
			snprintf(label, sizeof(label), "dkim_bits_%s", k->selector);
		else
			snprintf(label, sizeof(label), "dkim_bits");
		result_perf(&s->p.res, label, k->key.revoked ? 0 : k->key.bits, "",
		    rsa ? &w2048 : NULL, rsa ? &c1024 : NULL, NAN, NAN);
	}
}

/* ---------------------------------------------------------------- RRSIG */

/* Unix time T as "2027-01-04 09:00 UTC". */
static void
ddns_when(long long t, char *out, size_t cap)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL || strftime(out, cap, "%Y-%m-%d %H:%M UTC", &tm) == 0)
		snprintf(out, cap, "%lld", t);
}

/* The MX set of the domain into MX (for the TLSA names and the blocklists).
 * Returns 1 when there is one, 0 when it could not be read (noted; the
 * MX run says what is wrong with it), -1 when the resolver did not answer
 * in time (a problem: the domain checks end there). */
static int
ddns_mx(struct smtp_check *s, struct dns_mxset *mx)
{
	struct err e;

	err_clear(&e);
	if (dns_mx(s->p.dns, s->cfg->mx_domain, &s->p.dl, mx, &e) < 0) {
		if (e.kind == ERR_TIMEOUT) {
			result_problem(&s->p.res, plugin_err_state(&s->p, &e), "domain checks: "
			    "cannot look up the MX records of %s: %s", s->cfg->mx_domain, e.msg);
			return -1;
		}
		result_detail(&s->p.res, "domain checks: cannot look up the MX records of "
		    "%s: %s", s->cfg->mx_domain, e.msg);
		return 0;
	}
	return !mx->null_mx;
}

/* --dnssec-expiry: the signatures of the domain's mail answers into F. */
static void
ddns_rrsig(struct smtp_check *s, struct fact_domain_dns *f,
    const struct dns_mxset *mx)
{
	const struct smtp_ddns *c = &s->cfg->ddns;
	const char *dom = s->cfg->mx_domain;
	int i, port = s->p.port > 0 ? s->p.port : 25;

	f->rrsig_checked = 1;
	f->rrsig_earliest = -1;
#define DDNS_ADD(TYPE, TNAME, ...) do { \
		if (f->nrrsig < FACT_RRSIG_MAX) { \
			struct fact_rrsig *r_ = &f->rrsig[f->nrrsig++]; \
			snprintf(r_->name, sizeof(r_->name), __VA_ARGS__); \
			r_->type = TNAME; \
			r_->qtype = TYPE; \
		} \
	} while (0)
	DDNS_ADD(DNS_TYPE_MX, "MX", "%s", dom);
	DDNS_ADD(DNS_TYPE_TXT, "TXT", "%s", dom);
	DDNS_ADD(DNS_TYPE_TXT, "TXT", "_dmarc.%s", dom);
	DDNS_ADD(DNS_TYPE_TXT, "TXT", "_mta-sts.%s", dom);
	for (i = 0; i < c->nsel; i++)
		DDNS_ADD(DNS_TYPE_TXT, "TXT", "%s._domainkey.%s", c->sel[i], dom);
	for (i = 0; mx && !mx->implicit && i < mx->n && i < DDNS_MX_HOSTS_MAX; i++)
		DDNS_ADD(DNS_TYPE_TLSA, "TLSA", "_%d._tcp.%s", port, mx->mx[i].name);
#undef DDNS_ADD
	for (i = 0; i < f->nrrsig; i++) {
		struct fact_rrsig *r = &f->rrsig[i];
		struct err e;

		err_clear(&e);
		if (dns_sigs(s->p.dns, r->name, r->qtype, &s->p.dl, &r->sig, &e) < 0) {
			r->failed = 1;
			ddns_note(r->note, sizeof(r->note), "%s", e.msg);
			result_problem(&s->p.res, plugin_err_state(&s->p, &e), "cannot read the "
			    "signatures of %s %s: %s", r->name, r->type, e.msg);
			if (e.kind == ERR_TIMEOUT)
				break;
			continue;
		}
		if (r->sig.bogus)
			result_problem(&s->p.res, STATE_CRITICAL, "bogus DNSSEC answer for %s "
			    "%s (the resolver's validation failed: SERVFAIL, yet the data is "
			    "there with checking disabled)", r->name, r->type);
		else if (r->sig.sigs > 0 && (f->rrsig_earliest < 0 ||
		    r->sig.expire < f->rrsig[f->rrsig_earliest].sig.expire))
			f->rrsig_earliest = i;
	}
	ddns_rrsig_judge(s, f);
}

/* The verdict on the signatures read: unsigned answers, the earliest
 * expiration against the thresholds; perfdata rrsig_days. */
static void
ddns_rrsig_judge(struct smtp_check *s, struct fact_domain_dns *f)
{
	const struct smtp_ddns *c = &s->cfg->ddns;
	const struct fact_rrsig *first = NULL;
	int i, unsigned_n = 0, failed = 0, bogus = 0;

	for (i = 0; i < f->nrrsig; i++) {
		const struct fact_rrsig *r = &f->rrsig[i];

		failed += r->failed;
		bogus += r->sig.bogus;
		if (!r->failed && !r->sig.bogus && r->sig.rrs > 0 && r->sig.sigs == 0) {
			if (first == NULL)
				first = r;
			unsigned_n++;
		}
	}
	if (first)
		result_problem(&s->p.res, STATE_UNKNOWN, "zone not signed: cannot check "
		    "signature lifetimes (%s %s has no RRSIG%s)", first->name, first->type,
		    unsigned_n > 1 ? ", nor have other answers" : "");
	if (f->rrsig_earliest >= 0) {
		const struct fact_rrsig *r = &f->rrsig[f->rrsig_earliest];
		char when[64];
		double days = (double)(r->sig.expire - (long long)time(NULL)) / 86400.0;

		days = floor(days * 100.0) / 100.0;   /* 2.999 days are 2.99, never 3.0 */
		f->rrsig_days = days;
		ddns_when(r->sig.expire, when, sizeof(when));
		result_perf(&s->p.res, "rrsig_days", days, "", &c->warn, &c->crit, NAN, NAN);
		if (days < 0)
			result_problem(&s->p.res, STATE_CRITICAL, "RRSIG of %s %s expired %.2f "
			    "days ago (%s)", r->name, r->type, -days, when);
		else if (range_alert(&c->crit, days))
			result_problem(&s->p.res, STATE_CRITICAL, "RRSIG of %s %s expires in "
			    "%.2f days (%s; critical below %g days)", r->name, r->type, days,
			    when, c->crit.start);
		else if (range_alert(&c->warn, days))
			result_problem(&s->p.res, STATE_WARNING, "RRSIG of %s %s expires in "
			    "%.2f days (%s; warning below %g days)", r->name, r->type, days,
			    when, c->warn.start);
	} else if (!first && !failed && !bogus) {
		result_problem(&s->p.res, STATE_UNKNOWN, "no signed answer to check: none "
		    "of the domain's mail records (MX, SPF, DMARC, MTA-STS, DKIM, TLSA) "
		    "exists");
	}
}

/* ---------------------------------------------------------------- DNSBL */

/* One address A in one list ZONE into F. *refused: the zone said "you may
 * not query us" before (said once per zone). */
static void
ddns_dnsbl_one(struct smtp_check *s, struct fact_domain_dns *f,
    const struct ddns_addr *a, const char *zone, int *refused)
{
	char name[DNSBL_NAME_MAX];
	struct fact_dnsbl *b;
	struct net_addrs got;
	struct err e;
	int i, cname = 0, nlisted = 0;
	const char *refusal = NULL, *unexpected = NULL;

	if (f->ndnsbl >= FACT_DNSBL_MAX) {
		f->dnsbl_dropped++;
		return;
	}
	b = &f->dnsbl[f->ndnsbl++];
	ddns_copy(b->addr, sizeof(b->addr), a->addr);
	ddns_copy(b->host, sizeof(b->host), a->host);
	ddns_copy(b->zone, sizeof(b->zone), zone);
	b->state = STATE_OK;
	if (dnsbl_name(a->addr, zone, name, sizeof(name)) < 0) {
		b->state = STATE_UNKNOWN;
		ddns_note(b->note, sizeof(b->note), "no DNSBL name for %s in %s", a->addr, zone);
		result_problem(&s->p.res, b->state, "%s", b->note);
		return;
	}
	err_clear(&e);
	if (dns_addrs(s->p.dns, name, 0, AF_INET, &s->p.dl, &got, &cname, &e) < 0) {
		if (e.kind == ERR_RESOLVE)
			return;   /* NXDOMAIN or NODATA: not listed */
		b->state = plugin_err_state(&s->p, &e);
		ddns_note(b->note, sizeof(b->note), "%s", e.msg);
		result_problem(&s->p.res, b->state, "DNSBL %s: cannot look up %s: %s", zone,
		    a->addr, e.msg);
		return;
	}
	for (i = 0; i < got.n; i++) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)&got.a[i].ss;
		unsigned char q[4];
		size_t l = strlen(b->codes);

		if (got.a[i].family != AF_INET)
			continue;
		memcpy(q, &sin->sin_addr, 4);
		switch (dnsbl_classify(q)) {
		case DNSBL_REFUSED:
			if (refusal == NULL)
				refusal = dnsbl_refusal(q);
			break;
		case DNSBL_UNEXPECTED:
			if (unexpected == NULL)
				unexpected = got.a[i].text;
			break;
		default:
			nlisted++;
			break;
		}
		if (l + strlen(got.a[i].text) + 3 < sizeof(b->codes))
			snprintf(b->codes + l, sizeof(b->codes) - l, "%s%s", l ? ", " : "",
			    got.a[i].text);
	}
	if (refusal) {
		b->state = STATE_UNKNOWN;
		ddns_note(b->note, sizeof(b->note), "refused: %s", refusal);
		if (!*refused)
			result_problem(&s->p.res, STATE_UNKNOWN, "DNSBL %s refused the query "
			    "(%s: %s): no verdict on %s", zone, b->codes, refusal, a->addr);
		*refused = 1;
		return;
	}
	if (unexpected) {
		b->state = STATE_UNKNOWN;
		ddns_note(b->note, sizeof(b->note), "unexpected answer %s", unexpected);
		result_problem(&s->p.res, STATE_UNKNOWN, "DNSBL %s: unexpected answer %s for "
		    "%s (not in 127.0.0.0/8)", zone, unexpected, a->addr);
		return;
	}
	if (nlisted == 0)
		return;
	b->listed = 1;
	b->state = STATE_CRITICAL;
	f->dnsbl_listed++;
	{
		struct dns_txt txt[2];
		int n = 0;

		err_clear(&e);
		if (dns_txt(s->p.dns, name, &s->p.dl, txt, 2, &n, &e) == 0 && n > 0)
			err_sanitize(b->reason, sizeof(b->reason), txt[0].text, txt[0].len);
	}
	if (b->reason[0])
		result_problem(&s->p.res, STATE_CRITICAL, "%s listed in %s (%s: \"%s\")",
		    a->addr, zone, b->codes, b->reason);
	else
		result_problem(&s->p.res, STATE_CRITICAL, "%s listed in %s (%s)", a->addr,
		    zone, b->codes);
}

/* --dnsbl: the addresses (the MX hosts', or the -H host's, and the
 * --dnsbl-ip ones) in every zone, into F; perfdata dnsbl_listed. */
static void
ddns_dnsbl(struct smtp_check *s, struct fact_domain_dns *f,
    const struct dns_mxset *mx, int have_mx)
{
	static struct ddns_addr addrs[DDNS_ADDRS_MAX];
	const struct smtp_ddns *c = &s->cfg->ddns;
	int i, j, z, n = 0, refused[DDNS_ZONES_MAX];
	struct net_addrs got;
	struct err e;
	int cname;

	f->dnsbl_checked = 1;
	/* the hosts: each MX host (--mx), or the -H host */
	for (i = 0; i < (s->cfg->mx_domain ? (have_mx ? mx->n : 0) : 1) &&
	    i < DDNS_MX_HOSTS_MAX; i++) {
		const char *host = s->cfg->mx_domain ? mx->mx[i].name : s->p.host;

		if (host == NULL || s->p.cfg->unix_socket)
			break;
		err_clear(&e);
		if (dns_addrs(s->p.dns, host, 25, s->p.cfg->family, &s->p.dl, &got, &cname,
		    &e) < 0) {
			result_detail(&s->p.res, "DNSBL: cannot resolve %s: %s", host, e.msg);
			continue;
		}
		for (j = 0; j < got.n && n < DDNS_ADDRS_MAX; j++) {
			int k, dup = 0;

			for (k = 0; k < n; k++)
				dup |= strcmp(addrs[k].addr, got.a[j].text) == 0;
			if (dup)
				continue;
			ddns_copy(addrs[n].addr, sizeof(addrs[n].addr), got.a[j].text);
			addrs[n++].host = host;
		}
	}
	for (i = 0; i < c->nips && n < DDNS_ADDRS_MAX; i++) {
		ddns_copy(addrs[n].addr, sizeof(addrs[n].addr), c->ip[i]);
		addrs[n++].host = "";
	}
	memset(refused, 0, sizeof(refused));
	for (i = 0; i < n && !deadline_expired(&s->p.dl); i++)
		for (z = 0; z < c->nzones; z++)
			ddns_dnsbl_one(s, f, &addrs[i], c->zone[z], &refused[z]);
	if (f->dnsbl_dropped)
		result_detail(&s->p.res, "DNSBL: %d lookups left out (at most %d)",
		    f->dnsbl_dropped, FACT_DNSBL_MAX);
	result_perf(&s->p.res, "dnsbl_listed", f->dnsbl_listed, "", NULL, NULL, 0, NAN);
}

/* ---------------------------------------------------------------- the run */

void
smtp_ddns_checks(struct smtp_check *s)
{
	static struct fact_domain_dns f;
	static struct dns_mxset mx;
	const struct smtp_ddns *c = &s->cfg->ddns;
	int have_mx = 0;

	if (!smtp_ddns_wanted(c))
		return;
	memset(&f, 0, sizeof(f));
	f.rrsig_earliest = -1;
	s->p.res.domain_dns = &f;
	if (s->cfg->mx_domain && (c->expiry || c->nzones))
		have_mx = ddns_mx(s, &mx);
	if (have_mx < 0)
		return;
	/* the signatures first: a bogus answer is named before what it broke */
	if (c->expiry)
		ddns_rrsig(s, &f, have_mx ? &mx : NULL);
	if (c->nsel)
		ddns_dkim(s, &f);
	if (c->nzones)
		ddns_dnsbl(s, &f, &mx, have_mx);
}

void
smtp_ddns_ok(struct smtp_check *s)
{
	const struct fact_domain_dns *f = s->p.res.domain_dns;
	int i, nkeys = 0;

	if (f == NULL || result_state(&s->p.res) != STATE_OK)
		return;
	for (i = 0; i < f->ndkim; i++)
		nkeys += f->dkim[i].valid;
	if (nkeys)
		sbuf_printf(&s->p.res.ok_text, "; %d DKIM key%s good", nkeys,
		    nkeys == 1 ? "" : "s");
	if (f->rrsig_earliest >= 0)
		sbuf_printf(&s->p.res.ok_text, "; RRSIGs valid %.2f more days", f->rrsig_days);
	if (f->dnsbl_checked)
		sbuf_printf(&s->p.res.ok_text, "; listed in none of %d DNSBL%s",
		    s->cfg->ddns.nzones, s->cfg->ddns.nzones == 1 ? "" : "s");
}

/* domain_auth.c - check_smtp_tx --spf, --spf-ip, --dmarc, --dmarc-policy
 * (issue 22): the --mx domain's SPF (RFC 7208) and DMARC (RFC 7489)
 * records, once per run, before the MX sessions, in phase domain.
 *
 * The records are parsed by lib/spf.c and lib/dmarc.c; this file decides
 * which names to ask (through lib/dns, on the run's deadline and
 * --dns-server) and what each finding weighs. Every finding is a fact
 * (struct fact_domain_auth, one long-output line each) and, when it is
 * not OK, a problem of the run.
 *
 * SPF is evaluated by one function, check_host() of RFC 7208 §4, in two
 * modes: for an address of --spf-ip (as a receiver would), and without
 * one ("walk"), where ip4/ip6/a/mx/exists never match, so that every
 * term a receiver evaluates for an address the record does not list is
 * evaluated: its lookups counted (§4.6.4, nested includes and redirects
 * included), its void lookups counted, and its result is what such an
 * address gets (+all: pass, ?all or nothing: neutral). */
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

/* Walk mode stops after this many lookups: a loop of includes, or a tree
 * far past the limit, is reported as "more than" this. */
#define DAUTH_WALK_MAX 20
#define DAUTH_DEPTH_MAX 25

/* One check_host() evaluation. */
struct dauth_spf {
	struct smtp_check *s;
	struct fact_domain_auth *fa;
	int have_ip, v6;           /* an --spf-ip address, or walk mode */
	unsigned char ip[16];
	const char *iptext;
	int lookups, voids;
	int limit;                 /* lookups allowed before permerror */
	int cut;                   /* stopped at the limit */
	int ptr_seen;              /* a ptr term was counted, not evaluated */
	int macro_skipped;         /* walk mode: a term needing the address */
	enum err_kind tempkind;    /* temperror: what failed */
	char sender[320];
	char why[RESULT_PROBLEM_LEN];     /* permerror / temperror: the cause */
	char matched[RESULT_PROBLEM_LEN]; /* the term that decided, and where */
	char voidnames[200];       /* names of the void lookups */
	const char *chain[DAUTH_DEPTH_MAX + 1];   /* the domains being evaluated,
	                            * outermost first (an include loop) */
};

/* What one level of check_host() needs: on the heap (about 70 KB). */
struct dauth_frame {
	struct dns_txt txt[DNS_TXT_MAX];
	struct spf_record rec;
};

static void dauth_find(struct smtp_check *s, struct fact_domain_auth *fa,
    const char *check, enum state st, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static enum spf_result dauth_check_host(struct dauth_spf *ev, const char *domain,
    int depth);
static int dauth_term(struct dauth_spf *ev, const struct spf_term *t,
    const char *domain, int depth, enum spf_result *res);
static int dauth_expand(struct dauth_spf *ev, const char *spec, const char *domain,
    char *out, size_t cap, int *skip);
static int dauth_count(struct dauth_spf *ev, const char *what);
static void dauth_void(struct dauth_spf *ev, const char *name);
static enum spf_result dauth_temp(struct dauth_spf *ev, const struct err *e);
static int dauth_addr_match(struct dauth_spf *ev, const char *name, int c4, int c6,
    int *any, struct err *e);
static void dauth_spf(struct smtp_check *s, struct fact_domain_auth *fa);
static void dauth_spf_ip(struct smtp_check *s, struct fact_domain_auth *fa,
    const char *ip);
static void dauth_dmarc(struct smtp_check *s, struct fact_domain_auth *fa);
static void dauth_report_auth(struct smtp_check *s, struct fact_domain_auth *fa,
    const char *policy_domain, const char *tag, const char *uri);
static int dauth_txt(struct smtp_check *s, const char *name, struct dns_txt *txt,
    const char **rec, size_t *len, int *n, struct err *e);

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
static void
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
static int
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

/* ---------------------------------------------------------------- SPF */

/* One more DNS-querying term (WHAT, for the message). 0, or -1 when the
 * limit is passed (ev->why set). */
static int
dauth_count(struct dauth_spf *ev, const char *what)
{
	if (++ev->lookups <= ev->limit)
		return 0;
	ev->cut = 1;
	if (ev->have_ip)
		snprintf(ev->why, sizeof(ev->why), "more than %d DNS lookups (limit %d; "
		    "the 11th is %.128s)", SPF_LOOKUP_LIMIT, SPF_LOOKUP_LIMIT, what);
	else
		snprintf(ev->why, sizeof(ev->why), "more than %d DNS lookups (limit %d)",
		    DAUTH_WALK_MAX, SPF_LOOKUP_LIMIT);
	return -1;
}

/* A lookup that found nothing (RFC 7208 §4.6.4: NXDOMAIN or no records). */
static void
dauth_void(struct dauth_spf *ev, const char *name)
{
	size_t o = strlen(ev->voidnames);

	ev->voids++;
	if (o + strlen(name) + 3 < sizeof(ev->voidnames))
		snprintf(ev->voidnames + o, sizeof(ev->voidnames) - o, "%s%s", o ? ", " : "",
		    name);
}

/* A lookup failed: temperror, with its words. */
static enum spf_result
dauth_temp(struct dauth_spf *ev, const struct err *e)
{
	ev->tempkind = e->kind;
	snprintf(ev->why, sizeof(ev->why), "%s", e->msg);
	return SPF_TEMPERROR;
}

/* Expand SPEC (the term's domain-spec; "" means DOMAIN) into OUT. 0; -1 on
 * an expansion error (permerror, ev->why); *SKIP set in walk mode when it
 * needs the address, which the walk does not have. */
static int
dauth_expand(struct dauth_spf *ev, const char *spec, const char *domain, char *out,
    size_t cap, int *skip)
{
	struct spf_macro_ctx ctx;
	char why[128];
	unsigned need_ip = (1u << ('i' - 'a')) | (1u << ('c' - 'a')) |
	    (1u << ('v' - 'a')) | (1u << ('p' - 'a'));

	*skip = 0;
	if (spec[0] == '\0') {
		snprintf(out, cap, "%s", domain);
		return 0;
	}
	if (!ev->have_ip && (spf_macro_letters(spec) & need_ip)) {
		*skip = 1;
		ev->macro_skipped = 1;
		return 0;
	}
	ctx.sender = ev->sender;
	ctx.domain = domain;
	ctx.ip = ev->have_ip ? ev->iptext : NULL;
	ctx.helo = ev->s->helo ? ev->s->helo : domain;
	if (spf_macro_expand(spec, &ctx, out, cap, why, sizeof(why)) < 0) {
		snprintf(ev->why, sizeof(ev->why), "in the SPF record of %s: '%.64s': %s",
		    domain, spec, why);
		return -1;
	}
	return 0;
}

/* The addresses of NAME (A for an IPv4 address, AAAA for IPv6, both in
 * walk mode) against the evaluated address in /C4 or /C6: 1 on a match,
 * 0 on none (*ANY: NAME has addresses), -1 with *e when the lookup failed
 * for another reason than NXDOMAIN or NODATA. */
static int
dauth_addr_match(struct dauth_spf *ev, const char *name, int c4, int c6, int *any,
    struct err *e)
{
	struct net_addrs a;
	int cname, i, family = !ev->have_ip ? AF_UNSPEC : ev->v6 ? AF_INET6 : AF_INET;

	*any = 0;
	err_clear(e);
	if (net_is_literal(name))   /* a domain-spec is a name, never an address */
		return 0;
	if (dns_addrs(ev->s->p.dns, name, 0, family, &ev->s->p.dl, &a, &cname, e) < 0)
		return e->kind == ERR_RESOLVE ? 0 : -1;
	*any = a.n > 0;
	for (i = 0; ev->have_ip && i < a.n; i++) {
		unsigned char b[16];
		int v6 = a.a[i].family == AF_INET6;

		if (v6 != ev->v6 || inet_pton(v6 ? AF_INET6 : AF_INET, a.a[i].text, b) != 1)
			continue;
		if (spf_addr_in(b, ev->ip, v6, v6 ? c6 : c4))
			return 1;
	}
	return 0;
}

/* One mechanism T of DOMAIN's record: 1 when it matches (*RES its result),
 * 0 when not, -1 when evaluation ends with *RES (permerror, temperror).
 * Recursive through include (check_host() is, RFC 7208 §5.2): bounded by
 * the lookup limit and DAUTH_DEPTH_MAX. */
static int
dauth_term(struct dauth_spf *ev, const struct spf_term *t, const char *domain,   /* NOLINT(misc-no-recursion): bounded */
    int depth, enum spf_result *res)
{
	char target[SPF_DOMAIN_MAX + 1], what[SPF_SPEC_MAX + 80];
	struct err e;
	int skip = 0, any, rc, i;

	*res = spf_qual_result(t->qual);
	snprintf(what, sizeof(what), "%s in %s", t->text, domain);
	switch (t->mech) {
	case SPF_ALL:
		return 1;
	case SPF_IP4:
	case SPF_IP6:
		if (!ev->have_ip || ev->v6 != (t->mech == SPF_IP6))
			return 0;
		return spf_addr_in(t->addr, ev->ip, ev->v6, t->mech == SPF_IP6 ? t->cidr6 :
		    t->cidr4);
	case SPF_PTR:
		if (dauth_count(ev, what) < 0)
			goto perm;
		ev->ptr_seen = 1;   /* RFC 7208 §5.5: SHOULD NOT be used */
		return 0;
	default:
		break;
	}
	/* include, a, mx, exists: one lookup each */
	if (dauth_count(ev, what) < 0)
		goto perm;
	if (dauth_expand(ev, t->spec, domain, target, sizeof(target), &skip) < 0)
		goto perm;
	if (skip)
		return 0;
	switch (t->mech) {
	case SPF_INCLUDE: {
		enum spf_result r = dauth_check_host(ev, target, depth + 1);

		switch (r) {
		case SPF_PASS:
			return 1;
		case SPF_FAIL:
		case SPF_SOFTFAIL:
		case SPF_NEUTRAL:
			ev->matched[0] = '\0';   /* no match for the includer (§5.2) */
			return 0;
		case SPF_NONE:
			/* RFC 7208 §5.2: an include without a record is permerror */
			snprintf(ev->why, sizeof(ev->why), "include:%.200s (in %.100s): no SPF "
			    "record there", target, domain);
			*res = SPF_PERMERROR;
			return -1;
		default:
			*res = r;
			return -1;
		}
	}
	case SPF_A:
		rc = dauth_addr_match(ev, target, t->cidr4, t->cidr6, &any, &e);
		if (rc < 0) {
			*res = dauth_temp(ev, &e);
			return -1;
		}
		if (!any)
			dauth_void(ev, target);
		return rc;
	case SPF_EXISTS: {
		struct net_addrs a;
		int cname;

		err_clear(&e);
		if (dns_addrs(ev->s->p.dns, target, 0, AF_INET, &ev->s->p.dl, &a, &cname,
		    &e) < 0) {
			if (e.kind != ERR_RESOLVE) {
				*res = dauth_temp(ev, &e);
				return -1;
			}
			dauth_void(ev, target);
			return 0;
		}
		return ev->have_ip && a.n > 0;
	}
	case SPF_MX: {
		struct dns_mxset *mx = calloc(1, sizeof(*mx));

		if (mx == NULL) {
			snprintf(ev->why, sizeof(ev->why), "out of memory");
			ev->tempkind = ERR_INTERNAL;
			*res = SPF_TEMPERROR;
			return -1;
		}
		err_clear(&e);
		if (dns_mx(ev->s->p.dns, target, &ev->s->p.dl, mx, &e) < 0) {
			free(mx);
			if (strstr(e.msg, "NXDOMAIN") == NULL) {
				*res = dauth_temp(ev, &e);
				return -1;
			}
			dauth_void(ev, target);
			return 0;
		}
		if (mx->implicit) {   /* RFC 7208 §5.4: no implicit MX here */
			free(mx);
			dauth_void(ev, target);
			return 0;
		}
		if (mx->n > SPF_MX_LIMIT) {
			snprintf(ev->why, sizeof(ev->why), "mx:%s (in %s) has %d MX records "
			    "(limit %d)", target, domain, mx->n, SPF_MX_LIMIT);
			free(mx);
			*res = SPF_PERMERROR;
			return -1;
		}
		rc = 0;
		for (i = 0; ev->have_ip && !mx->null_mx && i < mx->n && rc == 0; i++) {
			rc = dauth_addr_match(ev, mx->mx[i].name, t->cidr4, t->cidr6, &any, &e);
			if (rc < 0) {
				free(mx);
				*res = dauth_temp(ev, &e);
				return -1;
			}
		}
		free(mx);
		return rc;
	}
	default:
		return 0;
	}
perm:
	*res = SPF_PERMERROR;
	return -1;
}

/* check_host() (RFC 7208 §4) for DOMAIN at nesting DEPTH. */
static enum spf_result
dauth_check_host(struct dauth_spf *ev, const char *domain, int depth)   /* NOLINT(misc-no-recursion): bounded */
{
	struct dauth_frame *f;
	const char *rec[DNS_TXT_MAX];
	size_t len[DNS_TXT_MAX];
	enum spf_result res = SPF_NEUTRAL;
	struct err e;
	char why[256];
	int n, which, rc, i;

	if (depth > DAUTH_DEPTH_MAX) {
		snprintf(ev->why, sizeof(ev->why), "includes nested deeper than %d",
		    DAUTH_DEPTH_MAX);
		return SPF_PERMERROR;
	}
	for (i = 0; i < depth; i++) {
		if (strcasecmp(ev->chain[i], domain) != 0)
			continue;
		/* receivers run into the lookup limit; say why */
		snprintf(ev->why, sizeof(ev->why), "include loop: %.200s is included again "
		    "by %.200s", domain, ev->chain[depth - 1]);
		return SPF_PERMERROR;
	}
	if ((f = calloc(1, sizeof(*f))) == NULL) {
		snprintf(ev->why, sizeof(ev->why), "out of memory");
		ev->tempkind = ERR_INTERNAL;
		return SPF_TEMPERROR;
	}
	ev->chain[depth] = domain;   /* until this level returns */
	rc = dauth_txt(ev->s, domain, f->txt, rec, len, &n, &e);
	if (rc < 0) {
		res = dauth_temp(ev, &e);
		snprintf(ev->why, sizeof(ev->why), "the SPF record of %.200s: %.250s", domain,
		    e.msg);
		goto out;
	}
	rc = spf_select(rec, len, n, &which);
	if (rc == 0) {
		if (depth > 0)
			dauth_void(ev, domain);
		res = SPF_NONE;
		goto out;
	}
	if (rc < 0) {
		snprintf(ev->why, sizeof(ev->why), "%d v=spf1 records at %s (exactly one "
		    "allowed)", which, domain);
		res = SPF_PERMERROR;
		goto out;
	}
	if (f->txt[which].truncated) {
		snprintf(ev->why, sizeof(ev->why), "the SPF record of %s is longer than %d "
		    "bytes: not read whole", domain, DNS_TXT_LEN - 1);
		res = SPF_PERMERROR;
		goto out;
	}
	if (depth == 0 && ev->fa && !ev->have_ip) {
		ev->fa->spf_found = 1;
		err_sanitize(ev->fa->spf_record, sizeof(ev->fa->spf_record), rec[which],
		    len[which]);
	}
	if (memchr(rec[which], '\0', len[which]) != NULL ||
	    spf_parse(rec[which], len[which], &f->rec, why, sizeof(why)) < 0) {
		if (memchr(rec[which], '\0', len[which]) != NULL)
			snprintf(why, sizeof(why), "a NUL byte in the record");
		snprintf(ev->why, sizeof(ev->why), "syntax error in the SPF record of %s: %s",
		    domain, why);
		res = SPF_PERMERROR;
		goto out;
	}
	for (i = 0; i < f->rec.nterms; i++) {
		const struct spf_term *t = &f->rec.terms[i];

		rc = dauth_term(ev, t, domain, depth, &res);
		if (rc < 0)
			goto out;
		if (ev->have_ip && ev->voids > SPF_VOID_LIMIT) {
			snprintf(ev->why, sizeof(ev->why), "more than %d void DNS lookups (%s)",
			    SPF_VOID_LIMIT, ev->voidnames);
			res = SPF_PERMERROR;
			goto out;
		}
		if (rc > 0) {
			/* an include that matched keeps the term inside it that did */
			if (t->mech != SPF_INCLUDE)
				snprintf(ev->matched, sizeof(ev->matched), "%s in %s", t->text,
				    domain);
			goto out;
		}
	}
	if (f->rec.redirect[0] && !f->rec.has_all) {
		char target[SPF_DOMAIN_MAX + 1], what[SPF_SPEC_MAX + 80];
		int skip;

		snprintf(what, sizeof(what), "redirect=%s in %s", f->rec.redirect, domain);
		if (dauth_count(ev, what) < 0 ||
		    dauth_expand(ev, f->rec.redirect, domain, target, sizeof(target),
		    &skip) < 0) {
			res = SPF_PERMERROR;
			goto out;
		}
		if (skip) {
			res = SPF_NEUTRAL;
			goto out;
		}
		res = dauth_check_host(ev, target, depth + 1);
		if (res == SPF_NONE) {
			/* RFC 7208 §6.1: a redirect to no record is permerror */
			snprintf(ev->why, sizeof(ev->why), "redirect=%.200s (in %.100s): no SPF "
			    "record there", target, domain);
			res = SPF_PERMERROR;
		}
		goto out;
	}
	res = SPF_NEUTRAL;   /* §4.7: no match, no redirect */
	ev->matched[0] = '\0';
out:
	ev->chain[depth] = NULL;
	free(f);
	return res;
}

/* An evaluation of the run's domain: IP NULL is the walk. */
static void
dauth_spf_init(struct dauth_spf *ev, struct smtp_check *s,
    struct fact_domain_auth *fa, const char *ip)
{
	const char *from = s->cfg->from;

	memset(ev, 0, sizeof(*ev));
	ev->s = s;
	ev->fa = fa;
	ev->limit = DAUTH_WALK_MAX;
	if (from && strchr(from, '@') && from[0] != '@')
		snprintf(ev->sender, sizeof(ev->sender), "%s", from);
	else
		snprintf(ev->sender, sizeof(ev->sender), "postmaster@%s", s->cfg->mx_domain);
	if (ip == NULL)
		return;
	ev->iptext = ip;
	ev->have_ip = 1;
	ev->limit = SPF_LOOKUP_LIMIT;
	if (inet_pton(AF_INET, ip, ev->ip) != 1) {
		ev->v6 = 1;
		(void)inet_pton(AF_INET6, ip, ev->ip);
	}
}

/* The state of a temperror. */
static enum state
dauth_temp_state(const struct smtp_check *s, const struct dauth_spf *ev)
{
	if (ev->tempkind == ERR_TIMEOUT)
		return s->p.cfg->timeout_state;
	if (ev->tempkind == ERR_INTERNAL)
		return STATE_UNKNOWN;
	return STATE_CRITICAL;
}

/* --spf-ip IP: check_host() for it must be pass. */
static void
dauth_spf_ip(struct smtp_check *s, struct fact_domain_auth *fa, const char *ip)
{
	struct fact_spf_ip *fi = &fa->ips[fa->nips++];
	const char *dom = s->cfg->mx_domain;
	struct dauth_spf ev;
	enum spf_result r;
	enum state st = STATE_CRITICAL;

	dauth_spf_init(&ev, s, NULL, ip);
	r = dauth_check_host(&ev, dom, 0);
	snprintf(fi->ip, sizeof(fi->ip), "%s", ip);
	fi->result = r;
	switch (r) {
	case SPF_PASS:
		snprintf(fi->why, sizeof(fi->why), "matched %.400s", ev.matched);
		dauth_find(s, fa, "spf", STATE_OK, "SPF for %s: pass (%s)", ip, fi->why);
		return;
	case SPF_PERMERROR:
	case SPF_TEMPERROR:
		snprintf(fi->why, sizeof(fi->why), "%s", ev.why);
		if (r == SPF_TEMPERROR)
			st = dauth_temp_state(s, &ev);
		break;
	case SPF_NONE:
		snprintf(fi->why, sizeof(fi->why), "no SPF record at %s", dom);
		break;
	default:
		if (ev.matched[0])
			snprintf(fi->why, sizeof(fi->why), "matched %.400s", ev.matched);
		else
			snprintf(fi->why, sizeof(fi->why), "no mechanism matched, no all");
	}
	dauth_find(s, fa, "spf", st, "SPF for %s: %s, not pass (%s)", ip, spf_result_name(r),
	    fi->why);
}

/* --spf: the record of the domain, its lookups, and what an address it
 * does not list gets; then each --spf-ip. */
static void
dauth_spf(struct smtp_check *s, struct fact_domain_auth *fa)
{
	const char *dom = s->cfg->mx_domain;
	struct range crit, vwarn;
	struct err e;
	struct dauth_spf ev;
	enum spf_result r;
	int i, usable = 1, ips = 1;

	fa->spf_checked = 1;
	dauth_spf_init(&ev, s, fa, NULL);
	r = dauth_check_host(&ev, dom, 0);
	fa->spf_other = r;
	fa->spf_lookups = ev.lookups;
	fa->spf_voids = ev.voids;
	err_clear(&e);
	(void)range_parse(&crit, "10", &e);
	(void)range_parse(&vwarn, "2", &e);
	result_perf(&s->p.res, "spf_lookups", ev.lookups, "", NULL, &crit, 0, NAN);
	result_perf(&s->p.res, "spf_void_lookups", ev.voids, "", &vwarn, NULL, 0, NAN);
	switch (r) {
	case SPF_NONE:
		dauth_find(s, fa, "spf", STATE_CRITICAL, "no SPF record at %s (no v=spf1 TXT "
		    "record)", dom);
		usable = ips = 0;
		break;
	case SPF_TEMPERROR:
		dauth_find(s, fa, "spf", dauth_temp_state(s, &ev), "SPF temperror: cannot "
		    "look up %s", ev.why);
		usable = ips = 0;
		break;
	case SPF_PERMERROR:
		dauth_find(s, fa, "spf", STATE_CRITICAL, "SPF permerror: %s", ev.why);
		usable = 0;
		ips = ev.cut;   /* over the lookup limit: an address may still pass early */
		break;
	default:
		break;
	}
	if (ev.cut)
		; /* said above */
	else if (ev.lookups > SPF_LOOKUP_LIMIT)
		dauth_find(s, fa, "spf", STATE_CRITICAL, "SPF permerror: %d DNS lookups (limit "
		    "%d)", ev.lookups, SPF_LOOKUP_LIMIT);
	if (ev.voids > SPF_VOID_LIMIT)
		dauth_find(s, fa, "spf", STATE_WARNING, "SPF: %d void DNS lookups (limit %d; "
		    "receivers may answer permerror): %s", ev.voids, SPF_VOID_LIMIT,
		    ev.voidnames);
	if (usable) {
		switch (r) {
		case SPF_PASS:
			dauth_find(s, fa, "spf", STATE_CRITICAL, "SPF of %s passes any address "
			    "(%s)", dom, ev.matched);
			break;
		case SPF_NEUTRAL:
			if (ev.matched[0])
				dauth_find(s, fa, "spf", STATE_WARNING, "SPF of %s ends in neutral "
				    "(%s): addresses it does not list are not refused", dom,
				    ev.matched);
			else
				dauth_find(s, fa, "spf", STATE_WARNING, "SPF of %s has no all "
				    "mechanism and no redirect: addresses it does not list get "
				    "neutral", dom);
			break;
		default:
			dauth_find(s, fa, "spf", STATE_OK, "SPF of %s: %d DNS lookups, %d void; "
			    "addresses it does not list get %s (%s)", dom, ev.lookups, ev.voids,
			    spf_result_name(r), ev.matched);
		}
	}
	if (ev.ptr_seen)
		dauth_find(s, fa, "spf", STATE_OK, "SPF of %s uses ptr (RFC 7208 §5.5: do "
		    "not use): counted, evaluated as no match", dom);
	if (ev.macro_skipped && s->cfg->dauth.nspf_ip == 0)
		dauth_find(s, fa, "spf", STATE_OK, "SPF of %s: terms with address macros "
		    "were counted but not looked up (give --spf-ip to evaluate them)", dom);
	for (i = 0; i < s->cfg->dauth.nspf_ip && fa->nips < FACT_SPF_IPS; i++) {
		if (!usable && !ips) {
			dauth_find(s, fa, "spf", STATE_OK, "SPF for %s: not evaluated (the "
			    "record cannot be used)", s->cfg->dauth.spf_ip[i]);
			continue;
		}
		dauth_spf_ip(s, fa, s->cfg->dauth.spf_ip[i]);
	}
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
smtp_dauth_run(struct smtp_check *s)
{
	static struct fact_domain_auth fa;
	struct err e;

	if (!s->cfg->dauth.spf && !s->cfg->dauth.dmarc)
		return;
	memset(&fa, 0, sizeof(fa));
	fa.domain = s->cfg->mx_domain;
	s->p.res.domain_auth = &fa;
	phase_begin(&s->p.phases, PHASE_DOMAIN);
	err_clear(&e);
	if (plugin_dns(&s->p, &e) == NULL) {
		result_problem(&s->p.res, plugin_err_state(&s->p, &e), "%s", e.msg);
		phase_end(&s->p.phases);
		return;
	}
	if (s->cfg->dauth.spf)
		dauth_spf(s, &fa);
	if (s->cfg->dauth.dmarc)
		dauth_dmarc(s, &fa);
	phase_end(&s->p.phases);
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

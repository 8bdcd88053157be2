/* fetch_path.c - what the fetched message's header says about its way:
 * the Received: path (lib/received) as long output and --require-tls-hops,
 * and the Authentication-Results of --auth-serv-id (lib/authres) against
 * --expect-auth-results. Both verdicts are WARNING: the message arrived. */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "authres.h"
#include "fetch.h"
#include "received.h"

struct fetch_ar {
	const struct fetch_config *fc;
	struct fact_fetch *ff;
	struct result *r;
	const char *target;
	int ours;                  /* fields of --auth-serv-id seen */
	int judged;
};

static int fetch_hop_smtp(const struct received_hop *h);
static void fetch_ar_one(void *ctx, const char *value, size_t vlen);

/* An SMTP hop (the ones --require-tls-hops judges): not LMTP, local
 * delivery or a protocol the field does not name. */
static int
fetch_hop_smtp(const struct received_hop *h)
{
	return strstr(h->with, "SMTP") != NULL;
}

static void
fetch_ar_one(void *ctx, const char *value, size_t vlen)
{
	struct fetch_ar *ar = ctx;
	struct authres a;
	struct err e;
	char bad[256], words[200];
	int rc;

	err_clear(&e);
	if (authres_parse(value, vlen, &a, &e) < 0 ||
	    strcasecmp(a.serv_id, ar->fc->auth_serv_id) != 0)
		return;   /* another server's claim (RFC 8601 §5) */
	ar->ours++;
	err_sanitize(words, sizeof(words), value, vlen);
	result_detail(ar->r, "Authentication-Results:%s", words);
	if (ar->judged)
		return;   /* the topmost of ours is the one judged */
	ar->judged = 1;
	rc = authres_check(&a, ar->fc->expect_auth, bad, sizeof(bad), &e);
	if (ar->ff) {
		ar->ff->auth = a;
		ar->ff->auth_checked = 1;
		ar->ff->auth_ok = rc == 0;
	}
	if (rc > 0)
		result_problem(ar->r, STATE_WARNING, "%s: Authentication-Results by %s: %s "
		    "(the field says:%s)", ar->target, a.serv_id, bad, words);
	else if (rc == 0)
		result_detail(ar->r, "Authentication-Results by %s as expected: %s",
		    a.serv_id, ar->fc->expect_auth);
}

void
fetch_path_verdict(const struct fetch_run *f, struct result *r, const char *target,
    struct fact_fetch *ff)
{
	const struct fetch_config *fc = f->fc;
	const char *hdr = sbuf_str(&f->headers);
	struct received_path *p = calloc(1, sizeof(*p));
	struct fetch_ar ar;
	int i, clear = 0, tls = 0;

	if (p == NULL)
		return;
	received_path_parse(hdr, f->headers.len, p);
	result_detail(r, "path: %d hop%s (Received: fields)%s", p->n + p->more,
	    p->n + p->more == 1 ? "" : "s", p->more ? ", the first ones not shown" : "");
	/* the first hop first: the fields stand in the message last hop first */
	for (i = p->n - 1; i >= 0; i--) {
		const struct received_hop *h = &p->hop[i];
		const char *how = h->tls == RECEIVED_TLS_YES ? "TLS" :
		    h->tls == RECEIVED_TLS_NO ? "in clear" : "TLS not said";

		tls += h->tls == RECEIVED_TLS_YES;
		result_detail(r, "hop %d: from %s by %s with %s, %s%s%s", p->n - i,
		    h->from[0] ? h->from : "?", h->by[0] ? h->by : "?",
		    h->with[0] ? h->with : "?", how, h->tls_version[0] ? " " : "",
		    h->tls_version);
		if (fc->require_tls_hops && fetch_hop_smtp(h) && h->tls != RECEIVED_TLS_YES) {
			clear++;
			result_problem(r, STATE_WARNING, "%s: hop %d (from %s by %s with %s) "
			    "was not encrypted (--require-tls-hops)", target, p->n - i,
			    h->from[0] ? h->from : "?", h->by[0] ? h->by : "?", h->with);
		}
	}
	if (fc->require_tls_hops && clear == 0)
		result_detail(r, "every SMTP hop was encrypted");
	/* perfdata (and OpenMetrics mailprobe_hops, mailprobe_hops_tls) */
	result_perf(r, "hops", (double)(p->n + p->more), "", NULL, NULL, 0, NAN);
	result_perf(r, "hops_tls", (double)tls, "", NULL, NULL, 0, NAN);
	if (ff)
		ff->path = *p;
	free(p);
	if (fc->expect_auth == NULL)
		return;
	memset(&ar, 0, sizeof(ar));
	ar.fc = fc;
	ar.ff = ff;
	ar.r = r;
	ar.target = target;
	received_fields(hdr, f->headers.len, "Authentication-Results", 64, fetch_ar_one, &ar);
	if (ar.ours == 0)
		result_problem(r, STATE_WARNING, "%s: no Authentication-Results field by %s in "
		    "the message (--expect-auth-results %s)", target, fc->auth_serv_id,
		    fc->expect_auth);
}

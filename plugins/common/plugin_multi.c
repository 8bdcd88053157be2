/* plugin_multi.c - see plugin.h: --all-addresses, every address of one
 * host checked at once: one session per A and AAAA address, each in its
 * own thread, all on the run's deadline; their verdicts merged into the
 * run (line 1 names the worst; each address's block of long output and
 * its perfdata, labelled ADDR_phase), and one verdict on the families: an
 * address family failing while the other works is WARNING ("IPv6 fails,
 * IPv4 works"), every address failing CRITICAL. */
#include <config.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugin.h"
#include "plugin_int.h"

/* One address while the run works on it. */
struct plugin_addr {
	const struct plugin_multi_ops *ops;
	const struct plugin *run;
	struct net_addrs one;      /* the address, alone */
	char prefix[NET_ADDRSTR + 300];   /* perfdata: [HOST_]ADDR */
	struct plugin *s;          /* its session (ops->session_new) */
	double elapsed;
	pthread_t th;
	int started;
};

static void *
plugin_addr_thread(void *arg)
{
	struct plugin_addr *a = arg;
	int64_t t0 = deadline_now_us();

	a->s = a->ops->session_new(a->ops->ctx, a->run->host, &a->one);
	if (a->s == NULL)
		return NULL;
	a->s->perf_prefix = a->prefix;
	a->ops->session_run(a->s);
	a->elapsed = (double)(deadline_now_us() - t0) / 1e6;
	return NULL;
}

/* Each family's count of addresses and of those that work (a session
 * whose state is better than CRITICAL): [0] IPv4, [1] IPv6. */
struct plugin_families {
	int n[2], ok[2];
};

/* The verdict on the families, before the addresses' own problems. */
static void
plugin_multi_verdict(struct plugin *run, const struct plugin_families *f, int n)
{
	int ok = f->ok[0] + f->ok[1];

	if (ok == n)
		return;
	if (ok == 0) {
		result_problem(&run->res, STATE_CRITICAL, "%s: all %d address%s fail%s",
		    run->host, n, n == 1 ? "" : "es", n == 1 ? "s" : "");
		return;
	}
	if (f->n[0] && f->n[1] && (f->ok[0] == 0 || f->ok[1] == 0))
		result_problem(&run->res, STATE_WARNING, "%s: %s fails, %s works", run->host,
		    f->ok[1] ? "IPv4" : "IPv6", f->ok[1] ? "IPv6" : "IPv4");
	else
		result_problem(&run->res, STATE_WARNING, "%s: %d of %d addresses fail",
		    run->host, n - ok, n);
}

/* Merge the session of address A into RUN; a failure of an address while
 * others work is capped at WARNING (CAP): mail still gets through. */
static void
plugin_multi_merge(struct plugin *run, struct plugin_addr *a, enum state cap)
{
	struct plugin *s = a->s;
	struct sbuf line;
	int i;

	sbuf_init(&line);
	result_summary(&s->res, &line);
	result_detail(&run->res, "address %s: %s - %s", a->one.a[0].text,
	    state_name(result_state(&s->res)), sbuf_str(&line));
	if (run->addrs_fact.n < NET_ADDRS_MAX) {
		struct fact_addr *f = &run->addrs_fact.a[run->addrs_fact.n++];

		snprintf(f->addr, sizeof(f->addr), "%s", a->one.a[0].text);
		f->state = result_state(&s->res);
		snprintf(f->summary, sizeof(f->summary), "%s", sbuf_str(&line));
		run->res.addrs = &run->addrs_fact;
	}
	sbuf_free(&line);
	phase_report(&s->phases, &s->cfg->limits, a->elapsed, &s->res, a->prefix);
	result_merge_details(&run->res, &s->res, "  ");
	sbuf_reset(&s->res.details);
	s->res.tls = NULL;     /* rendered in the address's lines above */
	s->res.certs = NULL;
	for (i = 0; i < s->res.nproblems; i++)
		if (s->res.problems[i].state > cap && s->res.problems[i].state != STATE_UNKNOWN)
			s->res.problems[i].state = cap;
	if (s->res.transcript.len)
		sbuf_printf(&run->res.transcript, "-- address %s\n", a->one.a[0].text);
	result_merge(&run->res, &s->res);
	result_merge_perf(&run->res, &s->res);
	if (s->have_tls_info && !run->have_tls_info) {
		/* the first certificate seen: --all-mx compares hosts by it */
		run->tls_info = s->tls_info;
		run->have_tls_info = 1;
	}
}

int
plugin_multi_run(struct plugin *run, const struct plugin_multi_ops *ops)
{
	struct plugin_addr *a;
	struct plugin_families f;
	struct net_addrs addrs;
	struct err e;
	int i, n;

	memset(&f, 0, sizeof(f));
	snprintf(run->target, sizeof(run->target), "%s:%d", run->host, run->port);
	err_clear(&e);
	if (run->have_addrs) {
		addrs = run->addrs;
	} else {
		if (!net_is_literal(run->host))
			phase_begin(&run->phases, PHASE_DNS);
		if (plugin_resolve(run, &addrs, &e) < 0) {
			plugin_fail(run, &e);
			plugin_close(run);
			return -1;
		}
		phase_end(&run->phases);
	}
	n = addrs.n;
	a = calloc((size_t)n, sizeof(*a));
	if (a == NULL) {
		result_problem(&run->res, STATE_UNKNOWN, "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++) {
		a[i].ops = ops;
		a[i].run = run;
		a[i].one.n = 1;
		a[i].one.a[0] = addrs.a[i];
		snprintf(a[i].prefix, sizeof(a[i].prefix), "%s%s%s", run->perf_prefix ?
		    run->perf_prefix : "", run->perf_prefix ? "_" : "", addrs.a[i].text);
		if (pthread_create(&a[i].th, NULL, plugin_addr_thread, &a[i]) == 0)
			a[i].started = 1;
		else
			(void)plugin_addr_thread(&a[i]);   /* no thread: do it here */
	}
	for (i = 0; i < n; i++) {
		int v6 = addrs.a[i].family == AF_INET6;

		if (a[i].started)
			pthread_join(a[i].th, NULL);
		f.n[v6]++;
		if (a[i].s && result_state(&a[i].s->res) < STATE_CRITICAL)
			f.ok[v6]++;
	}
	plugin_multi_verdict(run, &f, n);
	for (i = 0; i < n; i++) {
		if (a[i].s == NULL) {
			result_problem(&run->res, STATE_UNKNOWN, "out of memory");
			continue;
		}
		plugin_multi_merge(run, &a[i], f.ok[0] + f.ok[1] > 0 ? STATE_WARNING :
		    STATE_CRITICAL);
		if (ops->session_merged != NULL)
			ops->session_merged(ops->ctx, a[i].s);
		ops->session_free(a[i].s);
	}
	result_ok(&run->res, "%s: all %d address%s passed in %.3f s", run->host, n,
	    n == 1 ? "" : "es", deadline_elapsed(&run->dl));
	free(a);
	plugin_close(run);   /* the resolver, if the look-up made one */
	return 0;
}

/* repeat.c - check_smtp_tx --count: the same transaction N times, P at
 * once in this one process, paced by --interval; min/avg/max per phase,
 * the rate, and the worst state of the runs. */
#include <config.h>

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "net.h"
#include "smtp_tx.h"

/* --count: the runs share one deadline, one process and these totals. */
struct smtp_repeat {
	struct smtp_check *tmpl;
	pthread_mutex_t lock;
	long next;                 /* the next run to start */
	long done, failed;
	int64_t t0;
	double sum[PHASE_MAX], min[PHASE_MAX], max[PHASE_MAX];
	int ran[PHASE_MAX];
	double tsum, tmin, tmax;
	enum state worst;
	struct result first_bad;   /* the problems of the first run that failed */
	int have_bad;
};

static void *
smtp_repeat_worker(void *arg)
{
	struct smtp_repeat *r = arg;
	const struct smtp_check *t = r->tmpl;

	for (;;) {
		struct smtp_check *c;
		enum state st;
		long idx;
		int i;

		pthread_mutex_lock(&r->lock);
		idx = r->next < t->cfg->count && !deadline_expired(&t->p.dl) ? r->next++ : -1;
		pthread_mutex_unlock(&r->lock);
		if (idx < 0)
			return NULL;
		if (t->cfg->interval > 0) {
			/* pace the starts: run IDX begins at t0 + IDX * interval */
			int64_t at = r->t0 + (int64_t)(t->cfg->interval * 1e6 * (double)idx);
			int64_t now = deadline_now_us();

			if (at > t->p.dl.end_us)
				return NULL;
			if (at > now) {
				struct timespec ts;

				ts.tv_sec = (time_t)((at - now) / 1000000);
				ts.tv_nsec = (long)((at - now) % 1000000) * 1000;
				nanosleep(&ts, NULL);
			}
		}
		c = smtp_session_new(t, t->p.host, &t->p.addrs);
		if (c == NULL)
			return NULL;
		c->p.have_addrs = t->p.have_addrs;
		c->p.no_transcript = 1;
		if (t->cfg->nrcpt && !t->cfg->no_data) {
			struct err e;

			err_clear(&e);
			/* a token of its own */
			if (smtp_build_message(t->cfg, &c->own, &e) == 0)
				c->msg = &c->own;
		}
		smtp_session(c);
		st = result_state(&c->p.res);
		pthread_mutex_lock(&r->lock);
		r->done++;
		r->worst = state_worst(r->worst, st);
		if (st != STATE_OK) {
			r->failed++;
			if (!r->have_bad) {
				result_merge(&r->first_bad, &c->p.res);
				r->have_bad = 1;
			}
		}
		for (i = 0; i < c->p.phases.n; i++) {
			const struct phase *ph = &c->p.phases.p[i];

			if (!ph->ran)
				continue;
			if (!r->ran[i] || ph->secs < r->min[i])
				r->min[i] = ph->secs;
			if (!r->ran[i] || ph->secs > r->max[i])
				r->max[i] = ph->secs;
			r->sum[i] += ph->secs;
			r->ran[i]++;
		}
		if (r->done == 1 || c->elapsed < r->tmin)
			r->tmin = c->elapsed;
		if (c->elapsed > r->tmax)
			r->tmax = c->elapsed;
		r->tsum += c->elapsed;
		pthread_mutex_unlock(&r->lock);
		smtp_session_free(c);
	}
}

/* --count N [--interval SEC] [--parallel P] */
void
smtp_run_repeat(struct smtp_check *s)
{
	static struct smtp_repeat r;
	pthread_t th[256];
	int started[256] = { 0 };
	double wall, rate;
	long i, workers = s->cfg->parallel > 0 ? s->cfg->parallel : 1;

	if (workers > s->cfg->count)
		workers = s->cfg->count;
	if (!net_is_literal(s->p.host)) {
		/* resolve once for all the runs */
		struct err e;

		err_clear(&e);
		phase_begin(&s->p.phases, PHASE_DNS);
		if (plugin_resolve(&s->p, &s->p.addrs, &e) < 0) {
			snprintf(s->p.target, sizeof(s->p.target), "%s:%d", s->p.host, s->p.port);
			plugin_fail(&s->p, &e);
			return;
		}
		phase_end(&s->p.phases);
		s->p.have_addrs = 1;
	}
	memset(&r, 0, sizeof(r));
	r.tmpl = s;
	r.worst = STATE_OK;
	r.t0 = deadline_now_us();
	result_init(&r.first_bad, s->p.cfg->service);
	pthread_mutex_init(&r.lock, NULL);
	for (i = 0; i < workers; i++)
		started[i] = pthread_create(&th[i], NULL, smtp_repeat_worker, &r) == 0;
	if (!started[0])
		smtp_repeat_worker(&r);
	for (i = 0; i < workers; i++)
		if (started[i])
			pthread_join(th[i], NULL);
	pthread_mutex_destroy(&r.lock);
	wall = (double)(deadline_now_us() - r.t0) / 1e6;
	rate = wall > 0 ? (double)(r.done - r.failed) / wall : 0;

	if (r.have_bad)
		result_merge(&s->p.res, &r.first_bad);
	result_free(&r.first_bad);
	if (r.failed)
		result_problem(&s->p.res, r.worst, "%ld of %ld runs failed (the first "
		    "failure is shown)", r.failed, r.done);
	if (r.done < s->cfg->count)
		result_problem(&s->p.res, s->p.cfg->timeout_state, "only %ld of %ld runs "
		    "finished within the timeout (%g s)", r.done, s->cfg->count, s->p.cfg->timeout);
	for (i = 0; i < s->p.phases.n; i++) {
		if (!r.ran[i])
			continue;
		/* the usual labels carry the averages, so graphs keep working */
		s->p.phases.p[i].ran = 1;
		s->p.phases.p[i].secs = r.sum[i] / r.ran[i];
		result_detail(&s->p.res, "%-8s min %.6f s, avg %.6f s, max %.6f s",
		    s->p.phases.p[i].name, r.min[i], r.sum[i] / r.ran[i], r.max[i]);
	}
	if (r.done)
		result_detail(&s->p.res, "%-8s min %.6f s, avg %.6f s, max %.6f s",
		    "session", r.tmin, r.tsum / (double)r.done, r.tmax);
	result_perf(&s->p.res, "rate", rate, "", NULL, NULL, 0, NAN);
	result_perf(&s->p.res, "runs", (double)r.done, "", NULL, NULL, 0, (double)s->cfg->count);
	result_perf(&s->p.res, "runs_failed", (double)r.failed, "", NULL, NULL, 0,
	    (double)s->cfg->count);
	result_ok(&s->p.res, "%s:%d: %ld of %ld %s OK in %.3f s, %.1f per second "
	    "(%ld at a time), avg %.4f s each", s->p.host, s->p.port, r.done - r.failed,
	    s->cfg->count, s->cfg->nrcpt && !s->cfg->no_data ? "messages" : "sessions", wall, rate,
	    workers, r.done ? r.tsum / (double)r.done : 0);
}

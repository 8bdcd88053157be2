/* fetch.c - check_smtp_tx --fetch: the round trip after the message was
 * accepted. The mailbox session (fetch_imap.c, fetch_pop3.c) runs as a
 * plugin session of its own (struct fetch_run.m, of the configuration
 * smtp_fetch_validate made); its verdict, lines and transcript are merged
 * into the SMTP session's result here, with phase delivery. */
#include <config.h>

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fetch.h"
#include "smtp_tx.h"

static void fetch_merge(struct smtp_check *s, struct fetch_run *f);

/* Run the mailbox session of F (IMAP or POP3), record its failure, close
 * it and merge what it found into S's result. 0 when it ran to the end. */
int
fetch_session(struct smtp_check *s, struct fetch_run *f)
{
	struct err e;
	int rc;

	err_clear(&e);
	rc = f->fc->url.proto == FETCH_IMAP ? fetch_imap(f, &e) : fetch_pop3(f, &e);
	if (rc < 0 && !f->stopped)
		plugin_fail(&f->m, &e);
	plugin_close(&f->m);
	fetch_merge(s, f);
	return rc == 0 && !f->stopped ? 0 : -1;
}
static void fetch_verdict(struct smtp_check *s, struct fetch_run *f);

int64_t
fetch_left_us(const struct fetch_run *f)
{
	return f->wait.end_us - deadline_now_us();
}

void
fetch_sleep(struct fetch_run *f, int64_t end_us)
{
	struct deadline sub = f->wait;
	int64_t now = deadline_now_us();

	if (end_us < sub.end_us)
		sub.end_us = end_us;
	if (sub.end_us <= now)
		return;
	if (f->m.connected)
		(void)conn_wait(f->m.conn.fd, POLLIN, &sub);
	else
		(void)poll(NULL, 0, deadline_left_ms(&sub));
}

/* The mailbox session's problems (prefixed "mailbox"), its long output
 * (its TLS facts and lines, prefixed "mailbox "), its perfdata (labels
 * fetch_...) and its transcript, into the SMTP session's result. */
static void
fetch_merge(struct smtp_check *s, struct fetch_run *f)
{
	int i;

	for (i = 0; i < f->m.res.nproblems; i++)
		result_problem(&s->p.res, f->m.res.problems[i].state, "mailbox %s",
		    f->m.res.problems[i].text);
	s->p.res.dropped += f->m.res.dropped;
	result_merge_details(&s->p.res, &f->m.res, "mailbox ");
	result_merge_perf(&s->p.res, &f->m.res);
	sbuf_add(&s->p.res.transcript, sbuf_str(&f->m.res.transcript));
}

/* Put TEXT first among the detail lines (after the facts): line 2 of the
 * output when the SMTP side used no TLS. */
void
fetch_detail_first(struct result *r, const char *text)
{
	struct sbuf d;

	sbuf_init(&d);
	sbuf_printf(&d, "%s\n", text);
	sbuf_add(&d, sbuf_str(&r->details));
	if (!d.failed) {
		sbuf_free(&r->details);
		r->details = d;
	} else {
		sbuf_free(&d);
		result_detail(r, "%s", text);
	}
}

void
fetch_ok_add(struct smtp_check *s, const char *text)
{
	const char *ok = sbuf_str(&s->p.res.ok_text);
	size_t n = strlen(ok), bl = strlen(s->banner);
	struct sbuf t;

	/* before the banner, which ends the OK line after ": " */
	sbuf_init(&t);
	if (bl + 2 <= n && strcmp(ok + n - bl, s->banner) == 0 &&
	    strncmp(ok + n - bl - 2, ": ", 2) == 0) {
		sbuf_addn(&t, ok, n - bl - 2);
		sbuf_printf(&t, "%s: %s", text, s->banner);
	} else {
		sbuf_printf(&t, "%s%s", ok, text);
	}
	result_ok(&s->p.res, "%s", sbuf_str(&t));
	sbuf_free(&t);
}

static void
fetch_verdict(struct smtp_check *s, struct fetch_run *f)
{
	const struct fetch_config *fc = f->fc;
	char when[64], line[512];
	struct tm tm;
	double secs;

	if (!f->found) {
		gmtime_r(&s->accepted_at, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
		secs = (double)(deadline_now_us() - s->accepted_us) / 1e6;
		result_problem(&s->p.res, STATE_CRITICAL, "%s: message not delivered to %s "
		    "within %.1f s (queued as %s at %s)", s->p.target, fc->url_arg, secs,
		    s->queue_id[0] ? s->queue_id : "?", when);
		return;
	}
	secs = (double)(f->seen_us - s->accepted_us) / 1e6;
	phase_add(&s->p.phases, PHASE_DELIVERY, secs);
	if (s->fetch_fact) {
		struct fact_fetch *ff = s->fetch_fact;

		ff->found = 1;
		ff->junk = f->junk;
		ff->deleted = f->deleted;
		ff->stale = f->stale;
		ff->delivery = secs;
		snprintf(ff->folder, sizeof(ff->folder), "%s", f->folder);
	}
	if (f->junk)
		result_problem(&s->p.res, STATE_WARNING, "%s: message delivered to the "
		    "junk folder %s of %s after %.3f s", s->p.target, f->folder,
		    fc->url_arg, secs);
	snprintf(line, sizeof(line), ", delivered to %s in %.3f s",
	    f->folder[0] ? f->folder : "the mailbox", secs);
	fetch_ok_add(s, line);
	snprintf(line, sizeof(line), "fetched back from %s: %s%s after %.3f s, %s; "
	    "%d stale probe message%s older than %ld s removed",
	    fc->url_arg, f->folder[0] ? "in " : "", f->folder[0] ? f->folder : "found",
	    secs, fc->keep ? "kept (--fetch-keep)" : f->deleted ? "deleted" :
	    "not deleted", f->stale, f->stale == 1 ? "" : "s", fc->lost_after);
	fetch_detail_first(&s->p.res, line);
	fetch_path_verdict(f, &s->p.res, s->p.target, s->fetch_fact);
}

void
smtp_fetch(struct smtp_check *s)
{
	const struct fetch_config *fc = &s->cfg->fetch;
	struct fetch_run *f = calloc(1, sizeof(*f));
	int64_t left, margin;

	if (f == NULL) {
		result_problem(&s->p.res, STATE_UNKNOWN, "--fetch: out of memory");
		return;
	}
	free(s->fetch_fact);
	s->fetch_fact = calloc(1, sizeof(*s->fetch_fact));
	if (s->fetch_fact) {
		snprintf(s->fetch_fact->url, sizeof(s->fetch_fact->url), "%s", fc->url_arg);
		s->p.res.fetch = s->fetch_fact;
	}
	f->fc = fc;
	f->token = s->msg->token;
	f->run = s->p.dl;
	/* a margin for the goodbye and the output: a quarter of what is left,
	 * at most a second */
	left = deadline_left_us(&s->p.dl);
	margin = left / 4 < 1000000 ? left / 4 : 1000000;
	f->wait = s->p.dl;
	f->wait.end_us -= margin;
	f->cmds = s->p.dl;
	f->cmds.end_us -= margin / 2;
	plugin_init(&f->m, &fc->pc, &f->cmds);
	f->m.perf_prefix = "fetch";
	f->m.no_transcript = s->p.no_transcript;
	caps_init(&f->caps);
	sbuf_init(&f->headers);
	if (fc->state_file) {
		smtp_fetch_stateful(s, f);
	} else if (fetch_session(s, f) == 0) {
		fetch_verdict(s, f);
	}
	result_free(&f->m.res);
	sbuf_free(&f->headers);
	free(f);
}

/* test_result.c - states, perfdata, status line and phases
 * (lib/result.c, lib/phase.c). */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "phase.h"
#include "range.h"
#include "result.h"
#include "tap.h"

static const enum state all_states[] = {
	STATE_OK, STATE_WARNING, STATE_CRITICAL, STATE_UNKNOWN
};

/* CRITICAL > WARNING > UNKNOWN > OK */
static int
rank(enum state s)
{
	switch (s) {
	case STATE_OK: return 0;
	case STATE_UNKNOWN: return 1;
	case STATE_WARNING: return 2;
	case STATE_CRITICAL: return 3;
	}
	return -1;
}

/* Everything result_format writes, in a malloc'ed string. */
static char *
print_to_string(const struct result *r)
{
	struct sbuf out;
	char *buf;

	sbuf_init(&out);
	result_format(r, &out);
	buf = strdup(sbuf_str(&out));
	sbuf_free(&out);
	return buf;
}

/* Length of the first line of S. */
static size_t
line1_len(const char *s)
{
	return strcspn(s, "\n");
}

static int
count_char(const char *s, size_t n, char c)
{
	size_t i;
	int k = 0;

	for (i = 0; i < n; i++)
		k += s[i] == c;
	return k;
}

static void
set_range(struct range *rg, const char *text)
{
	struct err e;

	err_clear(&e);
	if (range_parse(rg, text, &e) < 0)
		diag("range_parse('%s') failed: %s", text, e.msg);
}

/* ------------------------------------------------------------ states */
static void
test_states(void)
{
	size_t i, j;
	enum state s;

	is_str(state_name(STATE_OK), "OK", "state_name OK");
	is_str(state_name(STATE_WARNING), "WARNING", "state_name WARNING");
	is_str(state_name(STATE_CRITICAL), "CRITICAL", "state_name CRITICAL");
	is_str(state_name(STATE_UNKNOWN), "UNKNOWN", "state_name UNKNOWN");
	is_int(STATE_OK, 0, "exit code OK is 0");
	is_int(STATE_WARNING, 1, "exit code WARNING is 1");
	is_int(STATE_CRITICAL, 2, "exit code CRITICAL is 2");
	is_int(STATE_UNKNOWN, 3, "exit code UNKNOWN is 3");

	for (i = 0; i < 4; i++) {
		for (j = 0; j < 4; j++) {
			enum state a = all_states[i], b = all_states[j];
			enum state want = rank(a) >= rank(b) ? a : b;

			is_str(state_name(state_worst(a, b)), state_name(want),
			    "state_worst(%s, %s)", state_name(a), state_name(b));
		}
	}

	{
		static const struct {
			const char *text;
			enum state want;
		} good[] = {
			{ "ok", STATE_OK }, { "OK", STATE_OK },
			{ "warning", STATE_WARNING }, { "Warning", STATE_WARNING },
			{ "critical", STATE_CRITICAL }, { "CRITICAL", STATE_CRITICAL },
			{ "unknown", STATE_UNKNOWN }, { "UnKnOwN", STATE_UNKNOWN },
			{ "0", STATE_OK }, { "1", STATE_WARNING },
			{ "2", STATE_CRITICAL }, { "3", STATE_UNKNOWN },
		};
		static const char *const bad[] = {
			"", "4", "-1", "01", "okay", " ok", "ok ", "crit", "warn",
			"c", "2x", "1.0",
		};

		for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
			s = STATE_OK;
			if (ok(state_parse(good[i].text, &s) == 0,
			    "state_parse('%s') succeeds", good[i].text))
				is_str(state_name(s), state_name(good[i].want),
				    "state_parse('%s') -> %s", good[i].text,
				    state_name(good[i].want));
		}
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			is_int(state_parse(bad[i], &s), -1, "state_parse('%s') fails",
			    bad[i]);
	}
}

/* ------------------------------------------------------------ perfdata */
struct perf_case {
	const char *label;
	double value;
	const char *uom;
	const char *warn, *crit;   /* range texts, or NULL */
	double min, max;
	const char *want;
};

static void
test_perf_format(void)
{
	static const struct perf_case cases[] = {
		{ "time", 0.001234, "s", NULL, NULL, 0, NAN, "time=0.001234s;;;0" },
		{ "time", 0.001234, "s", "1", "2", 0, NAN, "time=0.001234s;1;2;0" },
		{ "time", 0.001234, "s", "~:0.5", "@1:2", 0, NAN,
		    "time=0.001234s;~:0.5;@1:2;0" },
		{ "banner", 1.0, "s", NULL, NULL, 0, NAN, "banner=1.000000s;;;0" },
		{ "banner", 12.3456789, "s", NULL, NULL, 0, NAN, "banner=12.345679s;;;0" },
		{ "connect", 0, "s", NULL, NULL, 0, NAN, "connect=0.000000s;;;0" },
		{ "my label", 3, NULL, NULL, NULL, NAN, NAN, "'my label'=3" },
		{ "it's", 1, NULL, NULL, NULL, NAN, NAN, "'it''s'=1" },
		{ "a=b", 1, NULL, NULL, NULL, NAN, NAN, "'a_b'=1" },
		{ "it's a=b", 2, "", NULL, NULL, NAN, NAN, "'it''s a_b'=2" },
		{ "mx_count", 3, NULL, NULL, NULL, NAN, NAN, "mx_count=3" },
		{ "mx_count", 3, "", NULL, NULL, NAN, NAN, "mx_count=3" },
		{ "ratio", 1.5, NULL, NULL, NULL, NAN, NAN, "ratio=1.5" },
		{ "ratio", 2.50, NULL, NULL, NULL, NAN, NAN, "ratio=2.5" },
		{ "ratio", 0.1234567, NULL, NULL, NULL, NAN, NAN, "ratio=0.123457" },
		{ "ratio", -1.25, NULL, NULL, NULL, NAN, NAN, "ratio=-1.25" },
		{ "x", 1.5, NULL, NULL, NULL, 0, 100, "x=1.5;;;0;100" },
		{ "x", 1, NULL, "5", NULL, NAN, NAN, "x=1;5" },
		{ "x", 1, NULL, NULL, "5", NAN, NAN, "x=1;;5" },
		{ "x", 1, NULL, NULL, NULL, NAN, 100, "x=1;;;;100" },
		{ "x", 1, NULL, NULL, NULL, 0.5, 1.5, "x=1;;;0.5;1.5" },
		{ "usage", 50, "%", "80", "90", 0, 100, "usage=50%;80;90;0;100" },
		{ "size", 10240000, "B", NULL, NULL, 0, NAN, "size=10240000B;;;0" },
		{ "cert_days", -3, NULL, "30:", "7:", NAN, NAN, "cert_days=-3;30:;7:" },
		{ "cert_days", 89, NULL, "30:", "7:", NAN, NAN, "cert_days=89;30:;7:" },
		{ "rate", 12.5, NULL, NULL, NULL, 0, NAN, "rate=12.5;;;0" },
		{ "ms-1.x:y/z[0]", 1, NULL, NULL, NULL, NAN, NAN, "ms-1.x:y/z[0]=1" },
	};
	struct range w, c;
	struct sbuf out;
	size_t i;

	sbuf_init(&out);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct perf_case *pc = &cases[i];

		sbuf_reset(&out);
		if (pc->warn)
			set_range(&w, pc->warn);
		if (pc->crit)
			set_range(&c, pc->crit);
		perf_format(&out, pc->label, pc->value, pc->uom,
		    pc->warn ? &w : NULL, pc->crit ? &c : NULL, pc->min, pc->max);
		is_str(sbuf_str(&out), pc->want, "perf_format -> %s", pc->want);
	}

	/* ranges that are not set count as absent */
	memset(&w, 0, sizeof(w));
	memset(&c, 0, sizeof(c));
	sbuf_reset(&out);
	perf_format(&out, "time", 0.5, "s", &w, &c, 0, NAN);
	is_str(sbuf_str(&out), "time=0.500000s;;;0", "perf_format: unset ranges left out");

	/* perf_format appends */
	sbuf_reset(&out);
	sbuf_add(&out, "a=1 ");
	perf_format(&out, "b", 2, NULL, NULL, NULL, NAN, NAN);
	is_str(sbuf_str(&out), "a=1 b=2", "perf_format appends to OUT");
	sbuf_free(&out);
}

/* ------------------------------------------------------------ status line */
static void
test_result_output(void)
{
	struct result r;
	struct sbuf s;
	struct range w, c;
	char *out;
	size_t l1;
	int i;

	sbuf_init(&s);

	/* default OK text, no perfdata: no " | " */
	result_init(&r, "SMTP");
	is_int(result_state(&r), STATE_OK, "fresh result is OK");
	result_summary(&r, &s);
	ok(s.len > 0, "default OK summary is not empty: '%s'", sbuf_str(&s));
	out = print_to_string(&r);
	ok(out && strncmp(out, "SMTP OK - ", 10) == 0,
	    "default OK line starts 'SMTP OK - ': %s", out ? out : "(null)");
	ok(out && strchr(out, '|') == NULL, "no perfdata -> no '|'");
	ok(out && out[strlen(out) - 1] == '\n' && count_char(out, strlen(out), '\n') == 1,
	    "one line, newline-terminated");
	free(out);
	result_free(&r);

	/* OK with text and perfdata: the exact first line */
	result_init(&r, "SMTP");
	result_ok(&r, "mail.example[127.0.0.1]:25 answered in %.3f s", 0.0123);
	result_perf(&r, "banner", 0.0123, "s", NULL, NULL, 0, NAN);
	result_perf(&r, "time", 0.02, "s", NULL, NULL, 0, NAN);
	result_problem(&r, STATE_OK, "an OK problem is ignored");
	is_int(r.nproblems, 0, "result_problem(STATE_OK) is ignored");
	out = print_to_string(&r);
	is_str(out, "SMTP OK - mail.example[127.0.0.1]:25 answered in 0.012 s"
	    " | banner=0.012300s;;;0 time=0.020000s;;;0\n",
	    "OK status line with perfdata, exactly");
	free(out);
	sbuf_reset(&s);
	result_summary(&r, &s);
	is_str(sbuf_str(&s), "mail.example[127.0.0.1]:25 answered in 0.012 s",
	    "result_summary is the OK text");
	result_ok(&r, "second %s", "text");
	sbuf_reset(&s);
	result_summary(&r, &s);
	is_str(sbuf_str(&s), "second text", "result_ok replaces the OK text");
	result_free(&r);

	/* IMAP / POP3 service names */
	result_init(&r, "IMAP");
	result_ok(&r, "fine");
	out = print_to_string(&r);
	is_str(out, "IMAP OK - fine\n", "IMAP service name");
	free(out);
	result_free(&r);

	/* problems: CRITICAL first, then WARNING, then UNKNOWN, joined by "; " */
	result_init(&r, "SMTP");
	result_ok(&r, "not shown when there are problems");
	result_problem(&r, STATE_WARNING, "w1");
	result_problem(&r, STATE_UNKNOWN, "u1");
	result_problem(&r, STATE_CRITICAL, "c1");
	result_problem(&r, STATE_WARNING, "w2");
	result_problem(&r, STATE_CRITICAL, "c2");
	is_int(result_state(&r), STATE_CRITICAL, "worst of W,U,C,W,C is CRITICAL");
	sbuf_reset(&s);
	result_summary(&r, &s);
	is_str(sbuf_str(&s), "c1; c2; w1; w2; u1", "problems ordered C, W, U");
	result_perf(&r, "time", 1.5, "s", NULL, NULL, 0, NAN);
	out = print_to_string(&r);
	is_str(out, "SMTP CRITICAL - c1; c2; w1; w2; u1 | time=1.500000s;;;0\n",
	    "CRITICAL status line, exactly");
	free(out);
	result_free(&r);

	/* state of single problems */
	result_init(&r, "POP3");
	result_problem(&r, STATE_UNKNOWN, "usage: %s", "bad option");
	is_int(result_state(&r), STATE_UNKNOWN, "UNKNOWN alone is UNKNOWN");
	result_problem(&r, STATE_WARNING, "slow");
	is_int(result_state(&r), STATE_WARNING, "WARNING beats UNKNOWN");
	out = print_to_string(&r);
	is_str(out, "POP3 WARNING - slow; usage: bad option\n",
	    "WARNING line lists the UNKNOWN problem after the WARNING one");
	free(out);
	result_free(&r);

	/* '|' and control characters in problem text */
	result_init(&r, "SMTP");
	result_problem(&r, STATE_CRITICAL, "RCPT TO <a@b> rejected: %s",
	    "550 5.7.1 a|b\r\nc\x01" "d\x7f" "e\tf");
	sbuf_reset(&s);
	result_summary(&r, &s);
	is_str(sbuf_str(&s), "RCPT TO <a@b> rejected: 550 5.7.1 a/b  c?d?e f",
	    "problem text: '|' -> '/', CR/LF/TAB -> ' ', controls -> '?'");
	result_ok(&r, "ok|text\nx");
	result_perf(&r, "time", 0.25, "s", NULL, NULL, 0, NAN);
	out = print_to_string(&r);
	l1 = out ? line1_len(out) : 0;
	is_int(out ? count_char(out, l1, '|') : -1, 1,
	    "line 1 holds exactly one '|', the perfdata separator");
	ok(out && strstr(out, " | time=0.250000s;;;0\n") != NULL,
	    "perfdata follows ' | '");
	free(out);
	result_free(&r);

	/* '|' in the OK text */
	result_init(&r, "SMTP");
	result_ok(&r, "banner: 220 a|b\r\n");
	sbuf_reset(&s);
	result_summary(&r, &s);
	ok(strchr(sbuf_str(&s), '|') == NULL && strchr(sbuf_str(&s), '\n') == NULL &&
	    strchr(sbuf_str(&s), '\r') == NULL,
	    "OK text has no '|', CR or LF: '%s'", sbuf_str(&s));
	result_free(&r);

	/* long output lines after line 1 */
	result_init(&r, "SMTP");
	result_ok(&r, "all good");
	result_detail(&r, "mx1.example[192.0.2.1]: OK");
	result_detail(&r, "subject: CN=%s", "mail.example");
	result_detail(&r, "weird|detail\nwith newline");
	result_perf(&r, "time", 0.5, "s", NULL, NULL, 0, NAN);
	out = print_to_string(&r);
	is_str(out, "SMTP OK - all good | time=0.500000s;;;0\n"
	    "mx1.example[192.0.2.1]: OK\n"
	    "subject: CN=mail.example\n"
	    "weird/detail with newline\n",
	    "long output after line 1; '|' and LF in a detail replaced");
	free(out);
	result_free(&r);

	/* warn/crit ranges in perfdata through result_perf */
	result_init(&r, "SMTP");
	set_range(&w, "5");
	set_range(&c, "10");
	result_perf(&r, "time", 0.001, "s", &w, &c, 0, NAN);
	result_perf(&r, "cert_days", 42, NULL, NULL, NULL, NAN, NAN);
	is_str(sbuf_str(&r.perf), "time=0.001000s;5;10;0 cert_days=42",
	    "result_perf joins items with one space");
	result_free(&r);

	/* too many problems: counted, and the state stays right */
	result_init(&r, "SMTP");
	for (i = 0; i < RESULT_PROBLEMS_MAX; i++)
		result_problem(&r, STATE_WARNING, "w%d", i);
	result_problem(&r, STATE_WARNING, "one too many");
	is_int(r.nproblems, RESULT_PROBLEMS_MAX, "problems capped at %d",
	    RESULT_PROBLEMS_MAX);
	is_int(r.dropped, 1, "one problem dropped");
	is_int(result_state(&r), STATE_WARNING, "state WARNING while all are WARNING");
	sbuf_reset(&s);
	result_summary(&r, &s);
	ok(strstr(sbuf_str(&s), "1 more") != NULL,
	    "summary mentions the dropped problem: ...%s",
	    s.len > 40 ? sbuf_str(&s) + s.len - 40 : sbuf_str(&s));
	result_problem(&r, STATE_CRITICAL, "the critical cause");
	is_int(result_state(&r), STATE_CRITICAL,
	    "a CRITICAL beyond the cap still makes the result CRITICAL");
	sbuf_reset(&s);
	result_summary(&r, &s);
	/* SPEC §2: on failure line 1 names the cause. A CRITICAL result whose
	 * line shows only WARNING texts hides why it is critical. */
	ok(strstr(sbuf_str(&s), "the critical cause") != NULL,
	    "a CRITICAL problem beyond the cap is still named on the status line");
	result_free(&r);

	/* a very long problem text is bounded and marked as cut */
	{
		char big[2000];

		memset(big, 'x', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		result_init(&r, "SMTP");
		result_problem(&r, STATE_CRITICAL, "reply: %s", big);
		ok(strlen(r.problems[0].text) < RESULT_PROBLEM_LEN,
		    "long problem text bounded (%zu bytes)", strlen(r.problems[0].text));
		/* err_sanitize promises "..." on cut text; the status line should
		 * not silently lose the end of a message */
		ok(strlen(r.problems[0].text) >= 3 &&
		    strcmp(r.problems[0].text + strlen(r.problems[0].text) - 3, "...") == 0,
		    "long problem text ends in '...'");
		result_free(&r);
	}
	sbuf_free(&s);
}

/* ------------------------------------------------------------ phases */
static const enum phase_id smtp_phases[] = {
	PHASE_DNS, PHASE_CONNECT, PHASE_TLS, PHASE_BANNER, PHASE_EHLO,
	PHASE_STARTTLS, PHASE_QUIT, PHASE_NONE
};

/* The names table: one name per phase, and the reply property that
 * --expect-reply goes by. */
static void
test_phase_names(void)
{
	struct phase_set ps;
	int i, j, named = 1, distinct = 1;

	for (i = 0; i < PHASE_COUNT; i++) {
		if (phase_name((enum phase_id)i)[0] == '\0')
			named = 0;
		for (j = 0; j < i; j++)
			if (strcmp(phase_name((enum phase_id)i), phase_name((enum phase_id)j)) == 0)
				distinct = 0;
	}
	ok(named && distinct, "every phase has its own name");
	is_str(phase_name(PHASE_NONE), "", "PHASE_NONE has no name");
	ok(!phase_has_reply(PHASE_DNS) && !phase_has_reply(PHASE_CONNECT) &&
	    !phase_has_reply(PHASE_TLS) && phase_has_reply(PHASE_BANNER) &&
	    phase_has_reply(PHASE_DATASENT) && !phase_has_reply(PHASE_NONE),
	    "dns, connect, tls have no reply; banner and datasent have one");
	phase_set_init(&ps, smtp_phases);
	phase_begin(&ps, PHASE_EHLO);
	ok(phase_current_id(&ps) == PHASE_EHLO && ps.p[4].name == phase_name(PHASE_EHLO),
	    "phase_current_id; the set takes its names from the table");
	phase_end(&ps);
}

static void
test_phases(void)
{
	struct phase_set ps;
	struct phase_limits lim, *l = &lim;
	struct result r;
	struct err e;
	struct sbuf s;
	char *out;
	int i;

	sbuf_init(&s);
	memset(&lim, 0, sizeof(lim));
	phase_set_init(&ps, smtp_phases);
	is_int(ps.n, 7, "phase_set_init: 7 phases");
	is_int(phase_lookup(smtp_phases, "dns"), PHASE_DNS, "phase_lookup dns");
	is_int(phase_lookup(smtp_phases, "ehlo"), PHASE_EHLO, "phase_lookup ehlo");
	is_int(phase_lookup(smtp_phases, "quit"), PHASE_QUIT, "phase_lookup quit");
	is_int(phase_lookup(smtp_phases, "nope"), PHASE_NONE, "phase_lookup unknown -> PHASE_NONE");
	is_int(phase_lookup(smtp_phases, "mail"), PHASE_NONE,
	    "phase_lookup: a phase not in the list -> PHASE_NONE");
	is_str(phase_current(&ps), "", "no running phase");
	for (i = 0; i < ps.n; i++)
		if (ps.p[i].ran)
			break;
	is_int(i, ps.n, "no phase ran after init");

	/* thresholds */
	err_clear(&e);
	is_int(phase_threshold(l, smtp_phases, "banner=2", 0, &e), 0, "banner=2 (warning)");
	ok(l->warn[PHASE_BANNER].set && !l->crit[PHASE_BANNER].set, "banner warning set, critical not");
	is_str(l->warn[PHASE_BANNER].text, "2", "banner warning text");
	is_int(phase_threshold(l, smtp_phases, "banner=~:5", 1, &e), 0, "banner=~:5 (critical)");
	is_str(l->crit[PHASE_BANNER].text, "~:5", "banner critical text");
	is_int(phase_threshold(l, smtp_phases, "time=~:0", 1, &e), 0, "time=~:0 (critical)");
	ok(l->total_crit.set && l->total_crit.start_inf && l->total_crit.end == 0,
	    "time=~:0 sets the total's critical range");
	ok(!l->total_warn.set, "total warning still unset");
	is_int(phase_threshold(l, smtp_phases, "time=10", 0, &e), 0, "time=10 (warning)");
	is_str(l->total_warn.text, "10", "total warning text");
	is_int(phase_threshold(l, smtp_phases, "ehlo=@0:0.5", 0, &e), 0, "ehlo=@0:0.5");
	ok(l->warn[PHASE_EHLO].inside, "ehlo warning is an inside range");

	err_clear(&e);
	is_int(phase_threshold(l, smtp_phases, "nope=1", 0, &e), -1, "unknown phase fails");
	is_int(e.kind, ERR_USAGE, "unknown phase -> ERR_USAGE");
	ok(strstr(e.msg, "nope") != NULL, "message names the bad phase: %s", e.msg);
	ok(strstr(e.msg, "dns") && strstr(e.msg, "connect") && strstr(e.msg, "banner") &&
	    strstr(e.msg, "ehlo") && strstr(e.msg, "quit") && strstr(e.msg, "time"),
	    "message lists the phases and time");

	{
		static const char *const bad[] = {
			"banner", "=1", "banner=", "banner=abc", "banner=10:5",
			"", "dns:1",
			"a_phase_name_that_is_far_too_long_to_exist=1",
		};
		size_t k;

		for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
			err_clear(&e);
			ok(phase_threshold(l, smtp_phases, bad[k], 0, &e) == -1 && e.kind == ERR_USAGE,
			    "phase_threshold('%s') -> ERR_USAGE", bad[k]);
		}
	}
	err_clear(&e);
	phase_threshold(l, smtp_phases, "banner", 0, &e);
	ok(strstr(e.msg, "PHASE=RANGE") != NULL || strstr(e.msg, "=") != NULL,
	    "missing '=' message says what is expected: %s", e.msg);

	/* phase_report: perfdata only for phases that ran, plus `time` */
	memset(&lim, 0, sizeof(lim));
	phase_set_init(&ps, smtp_phases);
	ps.p[0].ran = 1; ps.p[0].secs = 0.001;        /* dns */
	ps.p[1].ran = 1; ps.p[1].secs = 0.002;        /* connect */
	ps.p[3].ran = 1; ps.p[3].secs = 0.5;          /* banner */
	ps.p[4].ran = 1; ps.p[4].secs = 0.25;         /* ehlo */
	ps.p[6].ran = 1; ps.p[6].secs = 0.000001;     /* quit */
	err_clear(&e);
	phase_threshold(l, smtp_phases, "banner=~:0.1", 0, &e);  /* trips: WARNING */
	phase_threshold(l, smtp_phases, "ehlo=~:1", 0, &e);      /* does not trip */
	phase_threshold(l, smtp_phases, "ehlo=0.1", 1, &e);      /* trips: CRITICAL */
	phase_threshold(l, smtp_phases, "connect=~:0", 0, &e);   /* trips both: */
	phase_threshold(l, smtp_phases, "connect=~:0", 1, &e);   /*   CRITICAL only */
	result_init(&r, "SMTP");
	phase_report(&ps, l, 0.8, &r, NULL);
	is_str(sbuf_str(&r.perf),
	    "dns=0.001000s;;;0 connect=0.002000s;~:0;~:0;0 banner=0.500000s;~:0.1;;0 "
	    "ehlo=0.250000s;~:1;0.1;0 quit=0.000001s;;;0 time=0.800000s;;;0",
	    "perfdata: phases that ran, in order, then time");
	ok(strstr(sbuf_str(&r.perf), "tls=") == NULL &&
	    strstr(sbuf_str(&r.perf), "starttls=") == NULL,
	    "phases that did not run have no perfdata");
	is_int(r.nproblems, 3, "three thresholds tripped");
	is_int(result_state(&r), STATE_CRITICAL, "state CRITICAL");
	{
		int nw = 0, nc = 0, banner_w = 0, ehlo_c = 0, connect_c = 0;

		for (i = 0; i < r.nproblems; i++) {
			const char *t = r.problems[i].text;

			if (r.problems[i].state == STATE_WARNING)
				nw++;
			if (r.problems[i].state == STATE_CRITICAL)
				nc++;
			if (strstr(t, "banner") && r.problems[i].state == STATE_WARNING)
				banner_w = 1;
			if (strstr(t, "ehlo") && r.problems[i].state == STATE_CRITICAL)
				ehlo_c = 1;
			if (strstr(t, "connect") && r.problems[i].state == STATE_CRITICAL)
				connect_c = 1;
			diag("problem %d (%s): %s", i, state_name(r.problems[i].state), t);
		}
		is_int(nw, 1, "one WARNING problem");
		is_int(nc, 2, "two CRITICAL problems (warn+crit tripped -> CRITICAL only)");
		ok(banner_w, "banner WARNING names the phase");
		ok(ehlo_c, "ehlo CRITICAL names the phase");
		ok(connect_c, "connect CRITICAL names the phase");
	}
	out = print_to_string(&r);
	ok(out && strncmp(out, "SMTP CRITICAL - ", 16) == 0, "status line: %.*s",
	    out ? (int)line1_len(out) : 0, out ? out : "");
	free(out);
	result_free(&r);

	/* a threshold on the total */
	memset(&lim, 0, sizeof(lim));
	phase_set_init(&ps, smtp_phases);
	err_clear(&e);
	phase_threshold(l, smtp_phases, "time=~:0", 1, &e);
	result_init(&r, "SMTP");
	phase_report(&ps, l, 0.3, &r, NULL);
	is_str(sbuf_str(&r.perf), "time=0.300000s;;~:0;0",
	    "nothing ran: only time, with its critical range");
	is_int(r.nproblems, 1, "total threshold tripped once");
	is_int(result_state(&r), STATE_CRITICAL, "total over ~:0 is CRITICAL");
	ok(r.nproblems == 1 && strstr(r.problems[0].text, "time") != NULL,
	    "problem names the total time: %s", r.nproblems ? r.problems[0].text : "");
	result_free(&r);

	/* -w on the total, not tripped / tripped */
	memset(&lim, 0, sizeof(lim));
	phase_set_init(&ps, smtp_phases);
	phase_threshold(l, smtp_phases, "time=1", 0, &e);
	result_init(&r, "SMTP");
	phase_report(&ps, l, 0.999, &r, NULL);
	is_int(r.nproblems, 0, "total 0.999 under warning 1: no problem");
	result_free(&r);
	result_init(&r, "SMTP");
	phase_report(&ps, l, 1.5, &r, NULL);
	is_int(result_state(&r), STATE_WARNING, "total 1.5 over warning 1: WARNING");
	result_free(&r);

	/* real timing through phase_begin/phase_end (short) */
	phase_set_init(&ps, smtp_phases);
	phase_begin(&ps, PHASE_CONNECT);
	is_str(phase_current(&ps), "connect", "phase_begin sets the running phase");
	phase_begin(&ps, PHASE_BANNER);
	ok(ps.p[1].ran && ps.p[1].secs >= 0 && ps.p[1].secs < 1,
	    "starting banner ended connect (%.6f s)", ps.p[1].secs);
	is_str(phase_current(&ps), "banner", "banner is running");
	phase_end(&ps);
	is_str(phase_current(&ps), "", "phase_end: nothing running");
	ok(ps.p[3].ran, "banner ran");
	phase_end(&ps);
	ok(!ps.p[0].ran && !ps.p[2].ran, "dns and tls did not run");
	phase_begin(&ps, PHASE_MAIL);
	is_str(phase_current(&ps), "", "a phase the set does not declare is not timed");
	phase_end(&ps);
	{
		double before = ps.p[1].secs;

		phase_begin(&ps, PHASE_CONNECT);
		phase_end(&ps);
		ok(ps.p[1].secs >= before, "a phase run twice accumulates");
	}
	sbuf_free(&s);
}

/* issue 14 item 13: every line printed is cleaned as line 1 is */
static void
test_result_clean_lines(void)
{
	struct result r;
	struct sbuf out;
	const char *t;

	result_init(&r, "SMTP");
	result_ok(&r, "ok");
	result_detail(&r, "EHLO: X-GR%s SIZE", "\xc3\x9c\xc3\x9f" "E\xff\xfe\x1b[31m|\t");
	sbuf_add(&r.transcript, "S: 220 Gr\xc3\xbc\xc3\x9f" "e \xff\xc0\xaf\x9b" "2J|x\n");
	sbuf_add(&r.transcript, "C: QUIT\x7f\x1b\n");
	sbuf_add(&r.transcript, "S: \xed\xa0\x80 no newline at the end");
	sbuf_init(&out);
	result_format(&r, &out);
	t = sbuf_str(&out);
	ok(strstr(t, "\nEHLO: X-GR\xc3\x9c\xc3\x9f" "E???[31m/  SIZE\n") != NULL,
	    "long output: UTF-8 kept; bad bytes, ESC '?'; '|' '/'; TAB a blank");
	ok(strstr(t, "\nS: 220 Gr\xc3\xbc\xc3\x9f" "e ????2J/x\n") != NULL,
	    "transcript: bad bytes, overlong and C1 bytes become '?', '|' '/'");
	ok(strstr(t, "\nC: QUIT??\n") != NULL, "transcript: DEL and ESC become '?'");
	ok(strstr(t, "\nS: ??? no newline at the end\n") != NULL,
	    "transcript: a surrogate is not UTF-8; the last line gets its newline");
	is_int(count_char(t, strlen(t), '\n'), 5, "five lines: the structure is kept");
	diag("output:\n%s", t);
	sbuf_free(&out);
	result_free(&r);
}

/* The facts a result points to become lines of long output (facts_text),
 * before the detail lines; a host's block is indented as a whole. */
static void
test_facts_text(void)
{
	static struct tls_info tls;
	static struct fact_tlsrpt rpt;
	static struct fact_sts sts;
	struct result r, top;
	struct sbuf out;
	const char *t;

	memset(&tls, 0, sizeof(tls));
	snprintf(tls.protocol, sizeof(tls.protocol), "TLSv1.3");
	snprintf(tls.cipher, sizeof(tls.cipher), "TLS_AES_256_GCM_SHA384");
	snprintf(tls.subject, sizeof(tls.subject), "CN=mail.example.test");
	snprintf(tls.issuer, sizeof(tls.issuer), "CN=Test CA");
	snprintf(tls.not_after, sizeof(tls.not_after), "2027-01-01 00:00:00 UTC");
	snprintf(tls.fingerprint, sizeof(tls.fingerprint), "AB:CD");
	tls.days_left = 30.9;
	result_init(&r, "SMTP");
	result_ok(&r, "fine");
	result_detail(&r, "banner: hello");
	r.tls = &tls;
	sbuf_init(&out);
	result_format(&r, &out);
	t = sbuf_str(&out);
	ok(strstr(t, "\nTLS: TLSv1.3, cipher TLS_AES_256_GCM_SHA384\n"
	    "certificate: subject CN=mail.example.test; issuer CN=Test CA\n"
	    "certificate names: none\n"
	    "certificate valid until 2027-01-01 00:00:00 UTC (30 days left); SHA-256 AB:CD\n"
	    "banner: hello\n") != NULL, "facts_text: TLS and certificate lines, then the details");
	sbuf_reset(&out);
	tls.days_left = -3.2;
	snprintf(tls.names, sizeof(tls.names), "mail.example.test");
	facts_text(&r, "", &out);
	ok(strstr(sbuf_str(&out), "certificate names: mail.example.test\n") &&
	    strstr(sbuf_str(&out), "certificate expired on 2027-01-01 00:00:00 UTC (3 days "
	    "ago); SHA-256 AB:CD\n"), "facts_text: an expired certificate, in whole days");
	sbuf_reset(&out);
	tls.problems = TLS_P_NO_CERT;
	facts_text(&r, "", &out);
	is_str(sbuf_str(&out), "TLS: TLSv1.3, cipher TLS_AES_256_GCM_SHA384\n",
	    "facts_text: no certificate, only the TLS line");
	tls.problems = 0;

	/* a host's block: its facts and details indented, once */
	result_init(&top, "SMTP");
	result_merge_details(&top, &r, "  ");
	ok(strncmp(sbuf_str(&top.details), "  TLS: TLSv1.3", 14) == 0 &&
	    strstr(sbuf_str(&top.details), "\n  banner: hello\n") != NULL,
	    "result_merge_details: the facts first, each line indented");
	result_free(&top);

	/* TLS-RPT and MTA-STS */
	sbuf_reset(&out);
	r.tls = NULL;
	snprintf(rpt.name, sizeof(rpt.name), "_smtp._tls.example.test");
	snprintf(rpt.rec.rua, sizeof(rpt.rec.rua), "mailto:tlsrpt@example.test");
	r.tls_rpt = &rpt;
	r.mta_sts = &sts;
	snprintf(sts.record, sizeof(sts.record), "_mta-sts.example.test");
	facts_text(&r, "", &out);
	is_str(sbuf_str(&out), "", "facts_text: an invalid TLS-RPT record and no MTA-STS id: no lines");
	rpt.valid = 1;
	snprintf(sts.id.id, sizeof(sts.id.id), "20261205");
	snprintf(sts.url, sizeof(sts.url), "https://mta-sts.example.test/.well-known/mta-sts.txt");
	sts.policy = 1;
	sts.pol.mode = MTASTS_ENFORCE;
	sts.pol.max_age = 86400;
	sts.pol.nmx = 2;
	snprintf(sts.pol.mx[0], sizeof(sts.pol.mx[0]), "mx1.example.test");
	snprintf(sts.pol.mx[1], sizeof(sts.pol.mx[1]), "*.example.test");
	sbuf_reset(&out);
	facts_text(&r, "", &out);
	is_str(sbuf_str(&out), "TLS-RPT _smtp._tls.example.test: rua=mailto:tlsrpt@example.test\n"
	    "MTA-STS record _mta-sts.example.test: id 20261205\n"
	    "MTA-STS policy https://mta-sts.example.test/.well-known/mta-sts.txt: mode enforce, "
	    "max_age 86400 s, mx mx1.example.test, *.example.test\n",
	    "facts_text: the TLS-RPT record, the MTA-STS record and policy");
	sts.pol.nmx = 0;
	sbuf_reset(&out);
	facts_text(&r, "", &out);
	ok(strstr(sbuf_str(&out), "max_age 86400 s, mx (none)\n") != NULL,
	    "facts_text: a policy without mx patterns says (none)");
	sbuf_free(&out);
	result_free(&r);
}

int
main(void)
{
	test_states();
	test_perf_format();
	test_result_output();
	test_phases();
	test_phase_names();
	test_result_clean_lines();
	test_facts_text();
	return done_testing();
}

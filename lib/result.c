/* result.c - see result.h */
#include <config.h>

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "facts.h"
#include "result.h"

static void perf_label(struct sbuf *out, const char *label);
static void perf_number(struct sbuf *out, double v, const char *uom);
static struct perf_item *result_item_new(struct result *r);
static void result_add_lines(struct sbuf *out, const struct sbuf *text);

const char *
state_name(enum state s)
{
	switch (s) {
	case STATE_OK: return "OK";
	case STATE_WARNING: return "WARNING";
	case STATE_CRITICAL: return "CRITICAL";
	default: return "UNKNOWN";
	}
}

static int
state_rank(enum state s)
{
	switch (s) {
	case STATE_OK: return 0;
	case STATE_UNKNOWN: return 1;
	case STATE_WARNING: return 2;
	default: return 3;
	}
}

enum state
state_worst(enum state a, enum state b)
{
	return state_rank(a) >= state_rank(b) ? a : b;
}

int
state_parse(const char *text, enum state *out)
{
	static const char *const names[] = { "ok", "warning", "critical", "unknown" };
	int i;

	for (i = 0; i < 4; i++) {
		if (strcasecmp(text, names[i]) == 0 ||
		    (text[0] == '0' + i && text[1] == '\0')) {
			*out = (enum state)i;
			return 0;
		}
	}
	return -1;
}

void
result_init(struct result *r, const char *service)
{
	/* everything but the problem texts (see struct result) */
	memset(r, 0, offsetof(struct result, problems));
	r->service = service;
	sbuf_init(&r->ok_text);
	sbuf_init(&r->details);
	sbuf_init(&r->transcript);
	sbuf_init(&r->perf);
}

void
result_free(struct result *r)
{
	sbuf_free(&r->ok_text);
	sbuf_free(&r->details);
	sbuf_free(&r->transcript);
	sbuf_free(&r->perf);
	free(r->items);
	r->items = NULL;
	r->nitems = r->capitems = 0;
}

void
result_problem(struct result *r, enum state s, const char *fmt, ...)
{
	char tmp[4 * RESULT_PROBLEM_LEN];
	va_list ap;
	int i, slot;

	if (s == STATE_OK)
		return;
	slot = r->nproblems;
	if (slot >= RESULT_PROBLEMS_MAX) {
		/* full: a worse problem takes the place of the mildest one, so
		 * the status line always names the cause of the state */
		slot = 0;
		for (i = 1; i < r->nproblems; i++)
			if (state_rank(r->problems[i].state) < state_rank(r->problems[slot].state))
				slot = i;
		r->dropped++;
		if (state_rank(s) <= state_rank(r->problems[slot].state))
			return;
	} else {
		r->nproblems++;
	}
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	/* err_sanitize marks a cut with "..." */
	err_sanitize(r->problems[slot].text, RESULT_PROBLEM_LEN, tmp, strlen(tmp));
	r->problems[slot].state = s;
}

void
result_ok(struct result *r, const char *fmt, ...)
{
	char tmp[RESULT_PROBLEM_LEN], clean[RESULT_PROBLEM_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	err_sanitize(clean, sizeof(clean), tmp, strlen(tmp));
	sbuf_reset(&r->ok_text);
	sbuf_add(&r->ok_text, clean);
}

void
result_detail(struct result *r, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	/* one fact per line, cleaned as line 1 is: no '|' (Nagios would read
	 * perfdata), no CR/LF or other control bytes, only valid UTF-8 */
	n = strlen(tmp);
	sbuf_add_clean(&r->details, tmp, n);
	sbuf_addc(&r->details, '\n');
}

enum state
result_state(const struct result *r)
{
	enum state s = STATE_OK;
	int i;

	for (i = 0; i < r->nproblems; i++)
		s = state_worst(s, r->problems[i].state);
	return s;
}

static void
perf_label(struct sbuf *out, const char *label)
{
	const char *p;
	int quote = 0;

	for (p = label; *p; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("_.-:/[]", *p)))
			quote = 1;
	}
	if (!quote) {
		sbuf_add(out, label);
		return;
	}
	sbuf_addc(out, '\'');
	for (p = label; *p; p++) {
		if (*p == '\'')
			sbuf_add(out, "''");
		else if (*p == '=')
			sbuf_addc(out, '_');   /* '=' may not appear, even quoted */
		else
			sbuf_addc(out, *p);
	}
	sbuf_addc(out, '\'');
}

static void
perf_number(struct sbuf *out, double v, const char *uom)
{
	char tmp[64];
	size_t n;

	if (uom && strcmp(uom, "s") == 0) {
		sbuf_printf(out, "%.6f", v);
		return;
	}
	if (v == floor(v) && fabs(v) < 1e15) {
		sbuf_printf(out, "%.0f", v);
		return;
	}
	snprintf(tmp, sizeof(tmp), "%.6f", v);
	n = strlen(tmp);
	while (n > 0 && tmp[n - 1] == '0')
		tmp[--n] = '\0';
	if (n > 0 && tmp[n - 1] == '.')
		tmp[--n] = '\0';
	sbuf_add(out, tmp);
}

void
perf_format(struct sbuf *out, const char *label, double value,
    const char *uom, const struct range *warn, const struct range *crit,
    double min, double max)
{
	perf_label(out, label);
	sbuf_addc(out, '=');
	perf_number(out, value, uom);
	if (uom)
		sbuf_add(out, uom);
	sbuf_addc(out, ';');
	if (warn && warn->set)
		sbuf_add(out, warn->text);
	sbuf_addc(out, ';');
	if (crit && crit->set)
		sbuf_add(out, crit->text);
	sbuf_addc(out, ';');
	if (!isnan(min))
		perf_number(out, min, NULL);
	sbuf_addc(out, ';');
	if (!isnan(max))
		perf_number(out, max, NULL);
	/* trailing empty fields are allowed to be dropped */
	while (out->len > 0 && out->s[out->len - 1] == ';')
		out->s[--out->len] = '\0';
}

/* A zeroed slot at the end of R's items, or NULL (counted as lost). */
static struct perf_item *
result_item_new(struct result *r)
{
	struct perf_item *it;

	if (r->nitems == r->capitems) {
		int cap = r->capitems ? r->capitems * 2 : 16;

		it = realloc(r->items, (size_t)cap * sizeof(*it));
		if (it == NULL) {
			r->items_lost++;
			return NULL;
		}
		r->items = it;
		r->capitems = cap;
	}
	it = &r->items[r->nitems++];
	memset(it, 0, sizeof(*it));
	return it;
}

void
result_perf_host(struct result *r, const char *host, const char *label,
    double value, const char *uom, const struct range *warn,
    const struct range *crit, double min, double max)
{
	struct perf_item *it;
	struct sbuf full;

	if (r->perf.len > 0)
		sbuf_addc(&r->perf, ' ');
	if (host) {
		sbuf_init(&full);
		sbuf_printf(&full, "%s_%s", host, label);
		perf_format(&r->perf, sbuf_str(&full), value, uom, warn, crit, min, max);
		sbuf_free(&full);
	} else {
		perf_format(&r->perf, label, value, uom, warn, crit, min, max);
	}
	it = result_item_new(r);
	if (it == NULL)
		return;
	snprintf(it->host, sizeof(it->host), "%s", host ? host : "");
	snprintf(it->label, sizeof(it->label), "%s", label);
	it->value = value;
	snprintf(it->uom, sizeof(it->uom), "%s", uom ? uom : "");
	if (warn && warn->set)
		snprintf(it->warn, sizeof(it->warn), "%s", warn->text);
	if (crit && crit->set)
		snprintf(it->crit, sizeof(it->crit), "%s", crit->text);
	it->min = min;
	it->max = max;
}

void
result_perf(struct result *r, const char *label, double value,
    const char *uom, const struct range *warn, const struct range *crit,
    double min, double max)
{
	result_perf_host(r, NULL, label, value, uom, warn, crit, min, max);
}

void
result_merge_perf(struct result *dst, const struct result *src)
{
	struct perf_item *it;
	int i;

	if (src->perf.len > 0) {
		if (dst->perf.len > 0)
			sbuf_addc(&dst->perf, ' ');
		sbuf_add(&dst->perf, sbuf_str(&src->perf));
	}
	for (i = 0; i < src->nitems; i++) {
		it = result_item_new(dst);
		if (it != NULL)
			*it = src->items[i];
	}
	dst->items_lost += src->items_lost;
}

void
result_merge(struct result *dst, const struct result *src)
{
	int i;

	for (i = 0; i < src->nproblems; i++)
		result_problem(dst, src->problems[i].state, "%s", src->problems[i].text);
	dst->dropped += src->dropped;
	result_merge_details(dst, src, "");
	sbuf_add(&dst->transcript, sbuf_str(&src->transcript));
}

void
result_merge_details(struct result *dst, const struct result *src,
    const char *indent)
{
	const char *line = sbuf_str(&src->details), *nl;

	facts_text(src, indent, &dst->details);
	for (; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (nl == NULL)
			break;
		sbuf_add(&dst->details, indent);
		sbuf_addn(&dst->details, line, (size_t)(nl - line) + 1);
	}
}

void
result_summary(const struct result *r, struct sbuf *out)
{
	static const enum state order[] = { STATE_CRITICAL, STATE_WARNING, STATE_UNKNOWN };
	size_t o;
	int i, first = 1;

	for (o = 0; o < sizeof(order) / sizeof(order[0]); o++) {
		for (i = 0; i < r->nproblems; i++) {
			if (r->problems[i].state != order[o])
				continue;
			if (!first)
				sbuf_add(out, "; ");
			sbuf_add(out, r->problems[i].text);
			first = 0;
		}
	}
	if (r->dropped)
		sbuf_printf(out, "; and %d more problem%s", r->dropped,
		    r->dropped == 1 ? "" : "s");
	if (first)
		sbuf_add(out, r->ok_text.len ? sbuf_str(&r->ok_text) : "all checks passed");
}

/* Append the lines of TEXT to OUT, each cleaned as line 1 is (the -v
 * transcript holds server bytes: invalid UTF-8, escape sequences). */
static void
result_add_lines(struct sbuf *out, const struct sbuf *text)
{
	const char *line = sbuf_str(text), *nl;

	for (; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (nl == NULL) {
			sbuf_add_clean(out, line, strlen(line));
			sbuf_addc(out, '\n');
			break;
		}
		sbuf_add_clean(out, line, (size_t)(nl - line));
		sbuf_addc(out, '\n');
	}
}

void
result_format(const struct result *r, struct sbuf *out)
{
	struct sbuf line;

	sbuf_init(&line);
	result_summary(r, &line);
	sbuf_printf(out, "%s %s - %s", r->service, state_name(result_state(r)),
	    sbuf_str(&line));
	if (r->perf.len) {
		sbuf_add(out, " | ");
		sbuf_add(out, sbuf_str(&r->perf));
	}
	sbuf_addc(out, '\n');
	facts_text(r, "", out);
	sbuf_add(out, sbuf_str(&r->details));
	result_add_lines(out, &r->transcript);
	sbuf_free(&line);
}


/* metrics.c - see metrics.h */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "metrics.h"

#define METRICS_NAME_MAX 160

/* What a perfdata item becomes: its family and, for phases, the phase. */
struct metrics_family {
	char name[METRICS_NAME_MAX];
	const char *help;       /* NULL: no HELP line */
	const char *unit;       /* NULL: no UNIT line */
	const char *phase;      /* the phase label's value, or NULL */
};

static void metrics_family_of(const struct perf_item *it, struct metrics_family *f);
static int metrics_dup(const struct result *r, const struct metrics_family *f,
    int i);
static void metrics_header(struct sbuf *out, const char *name, const char *help,
    const char *unit);
static void metrics_labels(struct sbuf *out, const struct metrics_target *t,
    const char *mx, const char *phase);
static void metrics_domain_auth(struct sbuf *out, const struct metrics_target *t,
    const struct fact_domain_auth *a);

/* HELP for the perfdata labels the plugins emit; others go without. */
static const struct {
	const char *label, *help;
} metrics_help[] = {
	{ "cert_days", "Days until the server certificate expires (negative: "
	  "days since it expired)." },
	{ "mx_count", "MX records of the domain (--mx)." },
	{ "rate", "Successful transactions per second (--count)." },
	{ "runs", "Transactions that finished (--count)." },
	{ "runs_failed", "Transactions that failed (--count)." },
	{ "spf_lookups", "DNS lookups the domain's SPF record costs a receiver, "
	  "nested includes counted (RFC 7208 limit: 10; --spf)." },
	{ "spf_void_lookups", "SPF lookups that found nothing (limit: 2; --spf)." },
};

void
metrics_label_value(struct sbuf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			sbuf_add(out, "\\\\");
		else if (*s == '"')
			sbuf_add(out, "\\\"");
		else if (*s == '\n')
			sbuf_add(out, "\\n");
		else
			sbuf_addc(out, *s);
	}
}

void
metrics_name_part(struct sbuf *out, const char *name)
{
	for (; *name; name++) {
		char c = *name;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_'))
			c = '_';
		sbuf_addc(out, c);
	}
}

void
metrics_number(struct sbuf *out, double v)
{
	char tmp[64];
	int prec;

	if (isnan(v)) {
		sbuf_add(out, "NaN");
		return;
	}
	if (isinf(v)) {
		sbuf_add(out, v > 0 ? "+Inf" : "-Inf");
		return;
	}
	if (v == floor(v) && fabs(v) < 1e15) {
		sbuf_printf(out, "%.0f", v);
		return;
	}
	/* the shortest form that reads back as V: 0.001234, not
	 * 0.0012340000000000001 */
	for (prec = 15; prec < 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*g", prec, v);
		if (strtod(tmp, NULL) == v)
			break;
	}
	if (prec == 17)
		snprintf(tmp, sizeof(tmp), "%.17g", v);
	sbuf_add(out, tmp);
}

static void
metrics_family_of(const struct perf_item *it, struct metrics_family *f)
{
	static const char *const reserved[] = {
		"mailprobe_state", "mailprobe_phase_seconds", "mailprobe_time_seconds"
	};
	struct sbuf n;
	size_t i;

	memset(f, 0, sizeof(*f));
	if (strcmp(it->uom, "s") == 0 && strcmp(it->label, "time") == 0) {
		snprintf(f->name, sizeof(f->name), "mailprobe_time_seconds");
		f->help = "Total time of the check, in seconds.";
		f->unit = "seconds";
		return;
	}
	if (strcmp(it->uom, "s") == 0) {
		/* only phases are measured in seconds (lib/phase.c) */
		snprintf(f->name, sizeof(f->name), "mailprobe_phase_seconds");
		f->help = "Time spent in one phase of the check, in seconds.";
		f->unit = "seconds";
		f->phase = it->label;
		return;
	}
	sbuf_init(&n);
	sbuf_add(&n, "mailprobe_");
	metrics_name_part(&n, it->label);
	if (strcmp(it->uom, "%") == 0) {
		sbuf_add(&n, "_percent");
	} else if (strcmp(it->uom, "B") == 0) {
		sbuf_add(&n, "_bytes");
		f->unit = "bytes";
	} else if (it->uom[0]) {
		sbuf_addc(&n, '_');
		metrics_name_part(&n, it->uom);
	}
	/* a perfdata label may not take the name of a family above */
	for (i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		if (strcmp(sbuf_str(&n), reserved[i]) == 0)
			sbuf_add(&n, "_value");
	snprintf(f->name, sizeof(f->name), "%s", sbuf_str(&n));
	sbuf_free(&n);
	for (i = 0; i < sizeof(metrics_help) / sizeof(metrics_help[0]); i++)
		if (strcmp(it->label, metrics_help[i].label) == 0 && it->uom[0] == '\0')
			f->help = metrics_help[i].help;
}

/* Item I gives the same sample as an earlier one: same family, host and
 * phase (also when two labels differ only in characters that
 * metrics_name_part replaces). */
static int
metrics_dup(const struct result *r, const struct metrics_family *f, int i)
{
	int j;

	for (j = 0; j < i; j++)
		if (strcmp(f[j].name, f[i].name) == 0 &&
		    strcmp(r->items[j].host, r->items[i].host) == 0 &&
		    (f[j].phase == NULL) == (f[i].phase == NULL) &&
		    (f[j].phase == NULL || strcmp(f[j].phase, f[i].phase) == 0))
			return 1;
	return 0;
}

static void
metrics_header(struct sbuf *out, const char *name, const char *help,
    const char *unit)
{
	sbuf_printf(out, "# TYPE %s gauge\n", name);
	if (help)
		sbuf_printf(out, "# HELP %s %s\n", name, help);
	if (unit)
		sbuf_printf(out, "# UNIT %s %s\n", name, unit);
}

static void
metrics_labels(struct sbuf *out, const struct metrics_target *t,
    const char *mx, const char *phase)
{
	sbuf_add(out, "{plugin=\"");
	metrics_label_value(out, t->plugin);
	sbuf_add(out, "\",service=\"");
	metrics_label_value(out, t->service);
	sbuf_addc(out, '"');
	if (t->host) {
		sbuf_add(out, ",host=\"");
		metrics_label_value(out, t->host);
		sbuf_addc(out, '"');
	}
	if (t->port > 0)
		sbuf_printf(out, ",port=\"%d\"", t->port);
	if (mx && mx[0]) {
		sbuf_add(out, ",mx=\"");
		metrics_label_value(out, mx);
		sbuf_addc(out, '"');
	}
	if (phase) {
		sbuf_add(out, ",phase=\"");
		metrics_label_value(out, phase);
		sbuf_addc(out, '"');
	}
	sbuf_addc(out, '}');
}

void
metrics_format(struct sbuf *out, const struct metrics_target *t,
    const struct result *r)
{
	struct metrics_family *f = NULL;
	int i, j, k, seen;

	metrics_header(out, "mailprobe_state",
	    "Check state: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.", NULL);
	sbuf_add(out, "mailprobe_state");
	metrics_labels(out, t, NULL, NULL);
	sbuf_printf(out, " %d\n", (int)result_state(r));

	if (r->nitems > 0)
		f = calloc((size_t)r->nitems, sizeof(*f));
	if (f == NULL)
		goto end;   /* nothing to add, or out of memory: the state stands */
	for (i = 0; i < r->nitems; i++)
		metrics_family_of(&r->items[i], &f[i]);
	/* one family at a time, in the order of first appearance: OpenMetrics
	 * forbids interleaving the samples of two families */
	for (i = 0; i < r->nitems; i++) {
		for (j = 0, seen = 0; j < i && !seen; j++)
			seen = strcmp(f[i].name, f[j].name) == 0;
		if (seen)
			continue;
		metrics_header(out, f[i].name, f[i].help, f[i].unit);
		for (k = i; k < r->nitems; k++) {
			if (strcmp(f[k].name, f[i].name) != 0 || metrics_dup(r, f, k))
				continue;
			sbuf_add(out, f[k].name);
			metrics_labels(out, t, r->items[k].host, f[k].phase);
			sbuf_addc(out, ' ');
			metrics_number(out, r->items[k].value);
			sbuf_addc(out, '\n');
		}
	}
end:
	free(f);
	if (r->domain_auth)
		metrics_domain_auth(out, t, r->domain_auth);
	sbuf_add(out, "# EOF\n");
}

/* --spf, --dmarc (issue 22): the worst state of each check's findings,
 * as mailprobe_spf_state and mailprobe_dmarc_state. */
static void
metrics_domain_auth(struct sbuf *out, const struct metrics_target *t,
    const struct fact_domain_auth *a)
{
	static const char *const checks[] = { "spf", "dmarc" };
	size_t c;
	int i;

	for (c = 0; c < sizeof(checks) / sizeof(checks[0]); c++) {
		enum state st = STATE_OK;
		char name[32];

		if ((c == 0 && !a->spf_checked) || (c == 1 && !a->dmarc_checked))
			continue;
		for (i = 0; i < a->nfind; i++)
			if (strcmp(a->find[i].check, checks[c]) == 0)
				st = state_worst(st, a->find[i].state);
		snprintf(name, sizeof(name), "mailprobe_%s_state", checks[c]);
		metrics_header(out, name, c == 0 ? "The worst finding of --spf: 0 OK, 1 "
		    "WARNING, 2 CRITICAL, 3 UNKNOWN." : "The worst finding of --dmarc: 0 OK, "
		    "1 WARNING, 2 CRITICAL, 3 UNKNOWN.", NULL);
		sbuf_add(out, name);
		metrics_labels(out, t, NULL, NULL);
		sbuf_printf(out, " %d\n", (int)st);
	}
}

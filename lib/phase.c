/* phase.c - see phase.h */
#include <config.h>

#include <math.h>
#include <string.h>

#include "deadline.h"
#include "phase.h"

static void phase_check(struct result *r, const char *what, double secs,
    const struct range *warn, const struct range *crit);

void
phase_set_init(struct phase_set *ps, const char *const *names)
{
	memset(ps, 0, sizeof(*ps));
	ps->cur = -1;
	for (; *names && ps->n < PHASE_MAX; names++)
		ps->p[ps->n++].name = *names;
}

int
phase_index(const struct phase_set *ps, const char *name)
{
	int i;

	for (i = 0; i < ps->n; i++)
		if (strcmp(ps->p[i].name, name) == 0)
			return i;
	return -1;
}

void
phase_begin(struct phase_set *ps, const char *name)
{
	phase_end(ps);
	ps->cur = phase_index(ps, name);
	ps->cur_start_us = deadline_now_us();
}

void
phase_end(struct phase_set *ps)
{
	if (ps->cur < 0)
		return;
	ps->p[ps->cur].ran = 1;
	ps->p[ps->cur].secs += (double)(deadline_now_us() - ps->cur_start_us) / 1e6;
	ps->cur = -1;
}

void
phase_skip(struct phase_set *ps, const char *name)
{
	int i = phase_index(ps, name);

	phase_end(ps);
	if (i >= 0)
		ps->p[i].ran = 1;
}

double
phase_running_secs(const struct phase_set *ps)
{
	if (ps->cur < 0)
		return 0;
	return ps->p[ps->cur].secs + (double)(deadline_now_us() - ps->cur_start_us) / 1e6;
}

const char *
phase_current(const struct phase_set *ps)
{
	return ps->cur >= 0 ? ps->p[ps->cur].name : "";
}

int
phase_threshold(struct phase_set *ps, const char *arg, int critical,
    struct err *e)
{
	const char *eq = strchr(arg, '=');
	char name[32];
	struct range *target;
	size_t n;
	int i;

	if (eq == NULL || eq == arg)
		return err_set(e, ERR_USAGE,
		    "expected PHASE=RANGE, got '%s'", arg);
	n = (size_t)(eq - arg);
	if (n >= sizeof(name))
		return err_set(e, ERR_USAGE, "unknown phase in '%s'", arg);
	memcpy(name, arg, n);
	name[n] = '\0';
	if (strcmp(name, "time") == 0) {
		target = critical ? &ps->total_crit : &ps->total_warn;
	} else {
		i = phase_index(ps, name);
		if (i < 0) {
			char list[256] = "";
			int j;

			for (j = 0; j < ps->n; j++) {
				strncat(list, ps->p[j].name, sizeof(list) - strlen(list) - 1);
				strncat(list, " ", sizeof(list) - strlen(list) - 1);
			}
			return err_set(e, ERR_USAGE,
			    "unknown phase '%s' (phases: %stime)", name, list);
		}
		target = critical ? &ps->p[i].crit : &ps->p[i].warn;
	}
	return range_parse(target, eq + 1, e);
}

static void
phase_check(struct result *r, const char *what, double secs,
    const struct range *warn, const struct range *crit)
{
	/* sub-millisecond phases are common on a LAN: keep them readable */
	int prec = secs < 0.01 ? 6 : 3;

	if (range_alert(crit, secs))
		result_problem(r, STATE_CRITICAL, "%s %.*f s (critical %s)",
		    what, prec, secs, crit->text);
	else if (range_alert(warn, secs))
		result_problem(r, STATE_WARNING, "%s %.*f s (warning %s)",
		    what, prec, secs, warn->text);
}

void
phase_report(const struct phase_set *ps, double total, struct result *r,
    const char *prefix)
{
	char what[320];
	int i;

	for (i = 0; i < ps->n; i++) {
		const struct phase *p = &ps->p[i];

		if (!p->ran)
			continue;
		result_perf_host(r, prefix, p->name, p->secs, "s", &p->warn,
		    &p->crit, 0, NAN);
		snprintf(what, sizeof(what), "%s%sphase %s took", prefix ? prefix : "",
		    prefix ? ": " : "", p->name);
		phase_check(r, what, p->secs, &p->warn, &p->crit);
	}
	result_perf_host(r, prefix, "time", total, "s", &ps->total_warn,
	    &ps->total_crit, 0, NAN);
	snprintf(what, sizeof(what), "%s%stotal time", prefix ? prefix : "", prefix ? ": " : "");
	phase_check(r, what, total, &ps->total_warn, &ps->total_crit);
}

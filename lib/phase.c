/* phase.c - see phase.h */
#include <config.h>

#include <math.h>
#include <string.h>

#include "deadline.h"
#include "phase.h"

static int phase_pos(const struct phase_set *ps, enum phase_id id);
static void phase_check(struct result *r, const char *what, double secs,
    const struct range *warn, const struct range *crit);

/* The one names table: the perfdata labels, and the property each phase has. */
static const struct {
	const char *name;
	int reply;            /* ends in a reply of the server */
} phase_table[PHASE_COUNT] = {
	[PHASE_DNS]        = { "dns",        0 },
	[PHASE_CONNECT]    = { "connect",    0 },
	[PHASE_TLS]        = { "tls",        0 },
	[PHASE_BANNER]     = { "banner",     1 },
	[PHASE_EHLO]       = { "ehlo",       1 },
	[PHASE_CAPABILITY] = { "capability", 1 },
	[PHASE_STARTTLS]   = { "starttls",   1 },
	[PHASE_RELAY]      = { "relay",      1 },
	[PHASE_AUTH]       = { "auth",       1 },
	[PHASE_LOGIN]      = { "login",      1 },
	[PHASE_MAIL]       = { "mail",       1 },
	[PHASE_RCPT]       = { "rcpt",       1 },
	[PHASE_DATA]       = { "data",       1 },
	[PHASE_DATASENT]   = { "datasent",   1 },
	[PHASE_QUIT]       = { "quit",       1 },
	[PHASE_LOGOUT]     = { "logout",     1 },
	[PHASE_MTA_STS]    = { "mta_sts",    1 },
	/* their replies are judged by --require-tls and -R, not --expect-reply */
	[PHASE_POSTURE]    = { "posture",    0 },
	[PHASE_COMMANDS]   = { "commands",   0 },
	[PHASE_PROBE_RSA]  = { "probe_rsa",  0 },
	[PHASE_PROBE_ECDSA] = { "probe_ecdsa", 0 },
	[PHASE_PROBE_EDDSA] = { "probe_eddsa", 0 },
	[PHASE_PROBE_TLS10] = { "probe_tls10", 0 },
	[PHASE_PROBE_TLS11] = { "probe_tls11", 0 },
	[PHASE_PROBE_WEAK] = { "probe_weak", 0 },
	[PHASE_DELIVERY]   = { "delivery",   0 },
	[PHASE_DOMAIN]     = { "domain",     0 },
	[PHASE_MAILBOX]    = { "mailbox",    1 },
};

const char *
phase_name(enum phase_id id)
{
	if (id < 0 || id >= PHASE_COUNT)
		return "";
	return phase_table[id].name;
}

int
phase_has_reply(enum phase_id id)
{
	return id >= 0 && id < PHASE_COUNT && phase_table[id].reply;
}

void
phase_set_init(struct phase_set *ps, const enum phase_id *ids)
{
	memset(ps, 0, sizeof(*ps));
	ps->cur = -1;
	for (; *ids != PHASE_NONE && ps->n < PHASE_MAX; ids++) {
		ps->p[ps->n].id = *ids;
		ps->p[ps->n++].name = phase_name(*ids);
	}
}

/* Index of ID in PS, or -1. */
static int
phase_pos(const struct phase_set *ps, enum phase_id id)
{
	int i;

	for (i = 0; i < ps->n; i++)
		if (ps->p[i].id == id)
			return i;
	return -1;
}

enum phase_id
phase_lookup(const enum phase_id *ids, const char *name)
{
	for (; *ids != PHASE_NONE; ids++)
		if (strcmp(phase_name(*ids), name) == 0)
			return *ids;
	return PHASE_NONE;
}

void
phase_begin(struct phase_set *ps, enum phase_id id)
{
	phase_end(ps);
	ps->cur = phase_pos(ps, id);
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
phase_skip(struct phase_set *ps, enum phase_id id)
{
	int i = phase_pos(ps, id);

	phase_end(ps);
	if (i >= 0)
		ps->p[i].ran = 1;
}

void
phase_add(struct phase_set *ps, enum phase_id id, double secs)
{
	int i = phase_pos(ps, id);

	if (i < 0)
		return;
	ps->p[i].ran = 1;
	ps->p[i].secs += secs;
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

enum phase_id
phase_current_id(const struct phase_set *ps)
{
	return ps->cur >= 0 ? ps->p[ps->cur].id : PHASE_NONE;
}

int
phase_threshold(struct phase_limits *l, const enum phase_id *ids,
    const char *arg, int critical, struct err *e)
{
	const char *eq = strchr(arg, '=');
	char name[32];
	struct range *target;
	enum phase_id id;
	size_t n;

	if (eq == NULL || eq == arg)
		return err_set(e, ERR_USAGE,
		    "expected PHASE=RANGE, got '%s'", arg);
	n = (size_t)(eq - arg);
	if (n >= sizeof(name))
		return err_set(e, ERR_USAGE, "unknown phase in '%s'", arg);
	memcpy(name, arg, n);
	name[n] = '\0';
	if (strcmp(name, "time") == 0) {
		target = critical ? &l->total_crit : &l->total_warn;
	} else {
		id = phase_lookup(ids, name);
		if (id == PHASE_NONE) {
			char list[256] = "";
			const enum phase_id *j;

			for (j = ids; *j != PHASE_NONE; j++) {
				strncat(list, phase_name(*j), sizeof(list) - strlen(list) - 1);
				strncat(list, " ", sizeof(list) - strlen(list) - 1);
			}
			return err_set(e, ERR_USAGE,
			    "unknown phase '%s' (phases: %stime)", name, list);
		}
		target = critical ? &l->crit[id] : &l->warn[id];
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
phase_report(const struct phase_set *ps, const struct phase_limits *l,
    double total, struct result *r, const char *prefix)
{
	char what[320];
	int i;

	for (i = 0; i < ps->n; i++) {
		const struct phase *p = &ps->p[i];

		if (!p->ran)
			continue;
		result_perf_host(r, prefix, p->name, p->secs, "s", &l->warn[p->id],
		    &l->crit[p->id], 0, NAN);
		snprintf(what, sizeof(what), "%s%sphase %s took", prefix ? prefix : "",
		    prefix ? ": " : "", p->name);
		phase_check(r, what, p->secs, &l->warn[p->id], &l->crit[p->id]);
	}
	result_perf_host(r, prefix, "time", total, "s", &l->total_warn,
	    &l->total_crit, 0, NAN);
	snprintf(what, sizeof(what), "%s%stotal time", prefix ? prefix : "", prefix ? ": " : "");
	phase_check(r, what, total, &l->total_warn, &l->total_crit);
}

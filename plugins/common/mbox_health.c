/* mbox_health.c - see mbox_health.h */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "imap.h"
#include "mbox.h"
#include "mbox_health.h"
#include "utf7.h"

static int mbox_limit_parse(struct mbox_limit *l, const char *opt, const char *arg,
    int age, struct err *e);
static int mbox_age_part(const char *opt, const char *part, int age, struct range *r,
    struct err *e);
static int mbox_percent(const char *opt, const char *part, double *v, struct err *e);
static void mbox_label(char *out, size_t cap, const char *name, const char *what);
static void mbox_judge(struct mbox_check *m, const struct fact_folder *f,
    const struct mbox_limit *l, double v, const char *what, int age);
static void mbox_date_text(long long when, char *out, size_t cap);

/* One part of an age option: "90", "90s", "15m", "2h", "7d" (the range
 * 0:N in seconds), or a Nagios range in seconds. An empty part is unset. */
static int
mbox_age_part(const char *opt, const char *part, int age, struct range *r,
    struct err *e)
{
	char tmp[RANGE_TEXT_MAX];
	size_t n = strlen(part);

	memset(r, 0, sizeof(*r));
	if (n == 0)
		return 0;
	if (n >= sizeof(tmp))
		return err_set(e, ERR_USAGE, "--%s: '%s' is too long", opt, part);
	if (age && strspn(part, "0123456789.") == n - 1 && strchr("smhd", part[n - 1]) &&
	    n > 1) {
		double mult = part[n - 1] == 's' ? 1 : part[n - 1] == 'm' ? 60 :
		    part[n - 1] == 'h' ? 3600 : 86400;
		char *end;
		double v = strtod(part, &end);

		if (end != part + n - 1 || !(v >= 0) || v * mult > 1e12)
			return err_set(e, ERR_USAGE, "--%s: '%s' is not an age (seconds, or "
			    "with s, m, h, d)", opt, part);
		snprintf(tmp, sizeof(tmp), "%.0f", v * mult);
		part = tmp;
	}
	if (range_parse(r, part, e) < 0) {
		char why[sizeof(e->msg)];

		snprintf(why, sizeof(why), "%s", e->msg);
		return err_set(e, ERR_USAGE, "--%s: %s", opt, why);
	}
	return 0;
}

/* WARN[,CRIT] of option OPT into L. */
static int
mbox_limit_parse(struct mbox_limit *l, const char *opt, const char *arg, int age,
    struct err *e)
{
	char w[RANGE_TEXT_MAX * 2];
	const char *comma = strchr(arg, ',');
	size_t wn = comma ? (size_t)(comma - arg) : strlen(arg);

	memset(l, 0, sizeof(*l));
	if (arg[0] == '\0' || (comma && strchr(comma + 1, ',')))
		return err_set(e, ERR_USAGE, "--%s needs WARN[,CRIT] (Nagios ranges)", opt);
	if (wn >= sizeof(w))
		return err_set(e, ERR_USAGE, "--%s: '%s' is too long", opt, arg);
	memcpy(w, arg, wn);
	w[wn] = '\0';
	if (mbox_age_part(opt, w, age, &l->warn, e) < 0 ||
	    (comma && mbox_age_part(opt, comma + 1, age, &l->crit, e) < 0))
		return -1;
	if (!l->warn.set && !l->crit.set)
		return err_set(e, ERR_USAGE, "--%s needs WARN[,CRIT] (Nagios ranges)", opt);
	l->set = 1;
	l->text = arg;
	return 0;
}

/* "80%" or "80": a percentage; "" leaves *v at -1 (not given). */
static int
mbox_percent(const char *opt, const char *part, double *v, struct err *e)
{
	char *end;

	*v = -1;
	if (part[0] == '\0')
		return 0;
	*v = strtod(part, &end);
	if (end == part || (*end == '%' ? end[1] != '\0' : *end != '\0') ||
	    !(*v >= 0 && *v <= 100))
		return err_set(e, ERR_USAGE, "--%s: '%s' is not a percentage from 0 to 100",
		    opt, part);
	return 0;
}

int
mbox_health_option(struct mbox_health_config *h, int id, const char *arg,
    struct err *e)
{
	switch (id) {
	case MBOX_OPT_FOLDER:
		if (arg[0] == '\0' || strpbrk(arg, "\r\n"))
			return err_set(e, ERR_USAGE, "--folder needs a folder name");
		if (strcmp(arg, "*") == 0) {
			h->all_folders = 1;
		} else {
			if (h->nfolders >= MBOX_HEALTH_FOLDER_ARGS)
				return err_set(e, ERR_USAGE, "--folder given more than %d times "
				    "(--folder='*' checks them all)", MBOX_HEALTH_FOLDER_ARGS);
			h->folders[h->nfolders++] = arg;
		}
		break;
	case MBOX_OPT_MAX_FOLDERS: {
		char *end;
		long v = strtol(arg, &end, 10);

		if (end == arg || *end || v < 1 || v > FACT_FOLDERS_MAX)
			return err_set(e, ERR_USAGE, "--max-folders needs a number from 1 to %d",
			    FACT_FOLDERS_MAX);
		h->max_folders = (int)v;
		break;
	}
	case MBOX_OPT_MESSAGES:
		if (mbox_limit_parse(&h->messages, "messages", arg, 0, e) < 0)
			return -1;
		break;
	case MBOX_OPT_UNSEEN:
		if (mbox_limit_parse(&h->unseen, "unseen", arg, 0, e) < 0)
			return -1;
		break;
	case MBOX_OPT_RECENT:
		if (mbox_limit_parse(&h->recent, "recent", arg, 0, e) < 0)
			return -1;
		break;
	case MBOX_OPT_OLDEST_AGE:
		if (mbox_limit_parse(&h->oldest, "oldest-age", arg, 1, e) < 0)
			return -1;
		break;
	case MBOX_OPT_NEWEST_AGE:
		if (mbox_limit_parse(&h->newest, "newest-age", arg, 1, e) < 0)
			return -1;
		break;
	case MBOX_OPT_QUOTA: {
		char w[64];
		const char *comma = strchr(arg, ',');
		size_t wn = comma ? (size_t)(comma - arg) : strlen(arg);

		if (wn >= sizeof(w) || (comma && strchr(comma + 1, ',')))
			return err_set(e, ERR_USAGE, "--quota needs WARN%%[,CRIT%%]");
		memcpy(w, arg, wn);
		w[wn] = '\0';
		if (mbox_percent("quota", w, &h->quota_warn, e) < 0 ||
		    mbox_percent("quota", comma ? comma + 1 : "", &h->quota_crit, e) < 0)
			return -1;
		if (h->quota_warn < 0 && h->quota_crit < 0)
			return err_set(e, ERR_USAGE, "--quota needs WARN%%[,CRIT%%]");
		h->quota = 1;
		h->quota_text = arg;
		break;
	}
	default:
		return 1;
	}
	h->wanted = 1;
	return 0;
}

int
mbox_health_validate(const struct mbox_config *c, const struct mbox_proto *proto,
    struct err *e)
{
	const struct mbox_health_config *h = &c->health;
	int pop3 = strcmp(proto->service, "POP3") == 0, i;

	if (h->max_folders && !h->all_folders)
		return err_set(e, ERR_USAGE, "--max-folders goes with --folder='*'");
	if (!h->wanted)
		return 0;
	if (pop3 && (h->nfolders || h->all_folders || h->unseen.set || h->recent.set ||
	    h->quota))
		return err_set(e, ERR_USAGE, "--folder, --unseen, --recent and --quota are "
		    "IMAP's: a POP3 maildrop is one folder (use --messages, --oldest-age, "
		    "--newest-age)");
	if (!c->pc.want_login)
		return err_set(e, ERR_USAGE, "the mailbox options (--messages, --folder, "
		    "...) are read after a login: give -U with -P or --authfile");
	if (h->all_folders && h->nfolders)
		return err_set(e, ERR_USAGE, "--folder='*' already checks every folder: "
		    "give it alone");
	for (i = 0; i < h->nfolders; i++) {
		char wire[IMAP_MAILBOX_MAX];

		if (utf7_encode(h->folders[i], wire, sizeof(wire), e) < 0)
			return err_set(e, ERR_USAGE, "--folder: '%s' is not a folder name in "
			    "UTF-8", h->folders[i]);
	}
	return 0;
}

int
mbox_health_run(struct mbox_check *m, struct err *e)
{
	if (m->proto->health == NULL)
		return err_set(e, ERR_INTERNAL, "no mailbox health for %s", m->proto->service);
	m->p.res.mailbox = &m->mailbox;
	return m->proto->health(m, e);
}

struct fact_folder *
mbox_health_folder_new(struct mbox_check *m, const char *name)
{
	struct fact_folder *f;
	size_t n = strlen(name);

	if (m->mailbox.n >= FACT_FOLDERS_MAX)
		return NULL;
	f = &m->mailbox.f[m->mailbox.n++];
	memset(f, 0, sizeof(*f));
	if (n >= sizeof(f->name)) {   /* cut at a character boundary */
		n = sizeof(f->name) - 1;
		while (n > 0 && ((unsigned char)name[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(f->name, name, n);
	f->name[n] = '\0';
	return f;
}

/* NAME_WHAT as a perfdata label (PERF_LABEL_MAX), NAME cut at a
 * character boundary when it would not fit. */
static void
mbox_label(char *out, size_t cap, const char *name, const char *what)
{
	size_t room = cap > strlen(what) + 2 ? cap - strlen(what) - 2 : 0;
	size_t n = strlen(name);

	if (n > room) {
		n = room;
		while (n > 0 && ((unsigned char)name[n] & 0xc0) == 0x80)
			n--;
	}
	snprintf(out, cap, "%.*s_%s", (int)n, name, what);
}

void
mbox_health_age_text(double secs, char *out, size_t cap)
{
	long long s = secs < 0 ? 0 : (long long)secs;

	if (s >= 86400)
		snprintf(out, cap, "%lld d %lld h", s / 86400, s % 86400 / 3600);
	else if (s >= 3600)
		snprintf(out, cap, "%lld h %lld min", s / 3600, s % 3600 / 60);
	else if (s >= 60)
		snprintf(out, cap, "%lld min", s / 60);
	else
		snprintf(out, cap, "%lld s", s);
}

static void
mbox_date_text(long long when, char *out, size_t cap)
{
	time_t t = (time_t)when;
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, cap, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(out, cap, "%lld", when);
}

/* A problem when V trips L's critical or warning range. */
static void
mbox_judge(struct mbox_check *m, const struct fact_folder *f, const struct mbox_limit *l,
    double v, const char *what, int age)
{
	const struct range *r = NULL;
	enum state st = STATE_OK;
	char val[64];

	if (!l->set)
		return;
	if (range_alert(&l->crit, v)) {
		r = &l->crit;
		st = STATE_CRITICAL;
	} else if (range_alert(&l->warn, v)) {
		r = &l->warn;
		st = STATE_WARNING;
	}
	if (r == NULL)
		return;
	if (age) {
		char a[48];

		mbox_health_age_text(v, a, sizeof(a));
		snprintf(val, sizeof(val), "%s message %s old", what, a);
		result_problem(&m->p.res, st, "folder %s: %s (%s range %s s, --%s=%s)",
		    f->name, val, st == STATE_CRITICAL ? "critical" : "warning", r->text,
		    what[0] == 'o' ? "oldest-age" : "newest-age", l->text);
	} else {
		result_problem(&m->p.res, st, "folder %s: %.0f %s (%s range %s)", f->name, v,
		    what, st == STATE_CRITICAL ? "critical" : "warning", r->text);
	}
}

void
mbox_health_folder(struct mbox_check *m, struct fact_folder *f)
{
	const struct mbox_health_config *h = &m->cfg->health;
	char label[PERF_LABEL_MAX], d1[64], d2[64], a1[48], a2[48];
	struct sbuf t;
	double now = (double)time(NULL);

	if (f->missing)
		return;
	if (f->have_oldest) {
		f->oldest_age = now - (double)f->oldest;
		if (f->oldest_age < 0)
			f->oldest_age = 0;
	}
	if (f->have_newest) {
		f->newest_age = now - (double)f->newest;
		if (f->newest_age < 0)
			f->newest_age = 0;
	}
	if (f->have_messages) {
		mbox_label(label, sizeof(label), f->name, "messages");
		result_perf(&m->p.res, label, (double)f->messages, "",
		    h->messages.set ? &h->messages.warn : NULL,
		    h->messages.set ? &h->messages.crit : NULL, 0, NAN);
		mbox_judge(m, f, &h->messages, (double)f->messages, "messages", 0);
	}
	if (f->have_unseen) {
		mbox_label(label, sizeof(label), f->name, "unseen");
		result_perf(&m->p.res, label, (double)f->unseen, "",
		    h->unseen.set ? &h->unseen.warn : NULL,
		    h->unseen.set ? &h->unseen.crit : NULL, 0, NAN);
		mbox_judge(m, f, &h->unseen, (double)f->unseen, "unseen", 0);
	}
	if (f->have_recent) {
		mbox_label(label, sizeof(label), f->name, "recent");
		result_perf(&m->p.res, label, (double)f->recent, "",
		    h->recent.set ? &h->recent.warn : NULL,
		    h->recent.set ? &h->recent.crit : NULL, 0, NAN);
		mbox_judge(m, f, &h->recent, (double)f->recent, "recent", 0);
	}
	if (f->have_size) {
		mbox_label(label, sizeof(label), f->name, "size");
		result_perf(&m->p.res, label, (double)f->size, "B", NULL, NULL, 0, NAN);
	}
	if (f->have_oldest) {
		mbox_label(label, sizeof(label), f->name, "oldest_age");
		result_perf(&m->p.res, label, floor(f->oldest_age), "",
		    h->oldest.set ? &h->oldest.warn : NULL,
		    h->oldest.set ? &h->oldest.crit : NULL, 0, NAN);
		mbox_judge(m, f, &h->oldest, f->oldest_age, "oldest", 1);
	}
	if (f->have_newest) {
		mbox_label(label, sizeof(label), f->name, "newest_age");
		result_perf(&m->p.res, label, floor(f->newest_age), "",
		    h->newest.set ? &h->newest.warn : NULL,
		    h->newest.set ? &h->newest.crit : NULL, 0, NAN);
		mbox_judge(m, f, &h->newest, f->newest_age, "newest", 1);
	}
	/* one line of long output */
	sbuf_init(&t);
	sbuf_printf(&t, "folder %s:", f->name);
	if (f->have_messages)
		sbuf_printf(&t, " %llu messages", f->messages);
	if (f->have_size)
		sbuf_printf(&t, " (%llu octets)", f->size);
	if (f->have_unseen)
		sbuf_printf(&t, ", %llu unseen", f->unseen);
	if (f->have_recent)
		sbuf_printf(&t, ", %llu recent", f->recent);
	if (f->have_oldest) {
		mbox_date_text(f->oldest, d1, sizeof(d1));
		mbox_health_age_text(f->oldest_age, a1, sizeof(a1));
		sbuf_printf(&t, "; oldest %s (%s ago)", d1, a1);
	}
	if (f->have_newest) {
		mbox_date_text(f->newest, d2, sizeof(d2));
		mbox_health_age_text(f->newest_age, a2, sizeof(a2));
		sbuf_printf(&t, "; newest %s (%s ago)", d2, a2);
	}
	if ((h->oldest.set || h->newest.set) && f->have_messages && f->messages == 0)
		sbuf_add(&t, "; empty: no age");
	result_detail(&m->p.res, "%s", sbuf_str(&t));
	sbuf_free(&t);
}

void
mbox_health_quota(struct mbox_check *m, const struct fact_quota *q)
{
	const struct mbox_health_config *h = &m->cfg->health;
	struct fact_mailbox *mb = &m->mailbox;
	struct sbuf t;
	enum state worst = STATE_OK;
	char worst_text[160] = "";
	int i;

	for (i = 0; i < mb->nquota; i++)
		if (strcmp(mb->q[i].root, q->root) == 0)
			return;   /* judged for an earlier folder */
	if (mb->nquota >= FACT_QUOTAS_MAX)
		return;
	mb->q[mb->nquota++] = *q;
	sbuf_init(&t);
	sbuf_printf(&t, "quota root '%s':", q->root);
	if (q->n == 0)
		sbuf_add(&t, " no limits");
	for (i = 0; i < q->n; i++) {
		int storage = strcmp(q->res[i].name, "STORAGE") == 0;
		double unit = storage ? 1024.0 : 1.0;
		double usage = (double)q->res[i].usage * unit, limit = (double)q->res[i].limit * unit;
		double pct = limit > 0 ? 100.0 * usage / limit : 0;
		struct range w, c;
		char label[PERF_LABEL_MAX], lower[32], num[64];
		struct err e;
		size_t k;
		enum state st = STATE_OK;

		for (k = 0; q->res[i].name[k] && k + 1 < sizeof(lower); k++)
			lower[k] = (char)(q->res[i].name[k] >= 'A' && q->res[i].name[k] <= 'Z' ?
			    q->res[i].name[k] + 32 : q->res[i].name[k]);
		lower[k] = '\0';
		memset(&w, 0, sizeof(w));
		memset(&c, 0, sizeof(c));
		err_clear(&e);
		if (limit > 0 && h->quota_warn >= 0) {
			snprintf(num, sizeof(num), "%.0f", floor(limit * h->quota_warn / 100));
			(void)range_parse(&w, num, &e);
		}
		if (limit > 0 && h->quota_crit >= 0) {
			snprintf(num, sizeof(num), "%.0f", floor(limit * h->quota_crit / 100));
			(void)range_parse(&c, num, &e);
		}
		snprintf(label, sizeof(label), "quota%s%.*s_%s", q->root[0] ? "_" : "",
		    (int)(sizeof(label) > strlen(lower) + 8 ? sizeof(label) - strlen(lower) - 8 : 0),
		    q->root, lower);
		for (k = 0; label[k]; k++)   /* "User quota": no blank in a label */
			if (label[k] == ' ')
				label[k] = '_';
		result_perf(&m->p.res, label, usage, storage ? "B" : "", &w, &c, 0,
		    limit > 0 ? limit : NAN);
		if (storage)
			sbuf_printf(&t, "%s STORAGE %llu of %llu KiB", i ? "," : "",
			    q->res[i].usage, q->res[i].limit);
		else
			sbuf_printf(&t, "%s %s %llu of %llu", i ? "," : "", q->res[i].name,
			    q->res[i].usage, q->res[i].limit);
		if (limit <= 0) {
			sbuf_add(&t, " (no limit)");
			continue;
		}
		sbuf_printf(&t, " (%.0f%%)", floor(pct));
		if (h->quota_crit >= 0 && pct > h->quota_crit)
			st = STATE_CRITICAL;
		else if (h->quota_warn >= 0 && pct > h->quota_warn)
			st = STATE_WARNING;
		if (st > worst || (st != STATE_OK && worst == STATE_OK)) {
			worst = st;
			snprintf(worst_text, sizeof(worst_text), "%s %.0f%% used (%llu of %llu%s)",
			    q->res[i].name, floor(pct), q->res[i].usage, q->res[i].limit,
			    storage ? " KiB" : "");
		}
	}
	if (worst != STATE_OK)
		result_problem(&m->p.res, worst, "quota root '%s': %s (--quota=%s)", q->root,
		    worst_text, h->quota_text);
	result_detail(&m->p.res, "%s", sbuf_str(&t));
	sbuf_free(&t);
}

void
mbox_health_summary(const struct mbox_check *m, struct sbuf *out)
{
	const struct fact_mailbox *mb = &m->mailbox;
	unsigned long long total = 0;
	double qmax = -1;
	int i, j;

	if (m->p.res.mailbox == NULL || mb->n == 0)
		return;
	if (mb->n > 3) {
		for (i = 0; i < mb->n; i++)
			total += mb->f[i].messages;
		sbuf_printf(out, ", %d folders, %llu messages", mb->n, total);
	} else {
		for (i = 0; i < mb->n; i++) {
			const struct fact_folder *f = &mb->f[i];
			char a[48];

			if (f->missing)
				continue;
			sbuf_printf(out, ", %s %llu messages", f->name, f->messages);
			if (f->have_unseen)
				sbuf_printf(out, " (%llu unseen)", f->unseen);
			if (f->have_oldest) {
				mbox_health_age_text(f->oldest_age, a, sizeof(a));
				sbuf_printf(out, ", oldest %s", a);
			}
			if (f->have_newest) {
				mbox_health_age_text(f->newest_age, a, sizeof(a));
				sbuf_printf(out, ", newest %s", a);
			}
		}
	}
	for (i = 0; i < mb->nquota; i++)
		for (j = 0; j < mb->q[i].n; j++)
			if (mb->q[i].res[j].limit > 0) {
				double p = 100.0 * (double)mb->q[i].res[j].usage /
				    (double)mb->q[i].res[j].limit;

				if (p > qmax)
					qmax = p;
			}
	if (qmax >= 0)
		sbuf_printf(out, ", quota %.0f%% used", floor(qmax));
}

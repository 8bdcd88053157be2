/* phase.h - per-phase timing and thresholds.
 *
 * A plugin declares its phases in order (SPEC §4/§5); each one that ran is
 * timed in microseconds on the monotonic clock and becomes one perfdata
 * label; the total is `time`. --warning-phase/--critical-phase PHASE=RANGE
 * and -w/-c (on the total) are checked here. */
#ifndef MP_PHASE_H
#define MP_PHASE_H

#include <stdint.h>

#include "err.h"
#include "range.h"
#include "result.h"

#define PHASE_MAX 24

struct phase {
	const char *name;     /* static */
	int ran;              /* timed at least once */
	double secs;          /* accumulated duration */
	struct range warn, crit;
};

struct phase_set {
	int n;
	int cur;              /* index of the running phase, -1 when none */
	int64_t cur_start_us;
	struct range total_warn, total_crit;  /* -w / -c on `time` */
	struct phase p[PHASE_MAX];   /* last: a run uses only the first n */
};

/* Declare the phases, NULL-terminated list of static names. */
void phase_set_init(struct phase_set *ps, const char *const *names);

/* Index of NAME, or -1. */
int phase_index(const struct phase_set *ps, const char *name);

/* Start timing NAME (ends any running phase first). Unknown names are ignored. */
void phase_begin(struct phase_set *ps, const char *name);

/* Stop the running phase and add its time. */
void phase_end(struct phase_set *ps);

/* End the running phase and record NAME as done in no time (its work was
 * done by an earlier step, e.g. capabilities read from the greeting), so
 * that the perfdata labels stay the same from run to run. */
void phase_skip(struct phase_set *ps, const char *name);

/* Seconds spent in the running phase so far (0 when none). */
double phase_running_secs(const struct phase_set *ps);

/* Name of the running phase, or "" when none. */
const char *phase_current(const struct phase_set *ps);

/* Parse "PHASE=RANGE" for --warning-phase (critical = 0) or
 * --critical-phase (critical = 1). `time` means the total. */
int phase_threshold(struct phase_set *ps, const char *arg, int critical,
    struct err *e);

/* Emit one perfdata item for each phase that ran and `time` = TOTAL,
 * and record a problem for each threshold that trips. With a PREFIX
 * (one host of several) labels become PREFIX_phase and the messages name
 * PREFIX. */
void phase_report(const struct phase_set *ps, double total, struct result *r,
    const char *prefix);

#endif

/* deadline.h - one deadline per run, on the monotonic clock.
 *
 * main() makes one struct deadline from --timeout; every blocking call in
 * lib/ takes a `const struct deadline *` and waits at most deadline_left_ms.
 * Times are microseconds since an arbitrary monotonic origin. */
#ifndef MP_DEADLINE_H
#define MP_DEADLINE_H

#include <stdint.h>

struct deadline {
	int64_t start_us;   /* when the run started */
	int64_t end_us;     /* when it must be over */
	double timeout_s;   /* the configured timeout, for messages */
};

/* Monotonic now, in microseconds. */
int64_t deadline_now_us(void);

/* Start the clock: the deadline is now + timeout_s. */
void deadline_init(struct deadline *d, double timeout_s);

/* Milliseconds left, rounded up, never negative (0 means expired); for poll(). */
int deadline_left_ms(const struct deadline *d);

/* Microseconds left; negative when past the deadline. */
int64_t deadline_left_us(const struct deadline *d);

/* *SUB = *D, but over no later than MAX_US from now (a short wait inside
 * the run, e.g. for a greeting nobody will judge). */
void deadline_cap(struct deadline *sub, const struct deadline *d, int64_t max_us);

/* 1 when the deadline has passed. */
int deadline_expired(const struct deadline *d);

/* Seconds since deadline_init. */
double deadline_elapsed(const struct deadline *d);

/* Pure helper for tests: ms left between NOW_US and END_US, rounded up,
 * clamped to [0, INT_MAX]. */
int deadline_ms_between(int64_t now_us, int64_t end_us);

#endif

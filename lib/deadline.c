/* deadline.c - see deadline.h */
#include <config.h>

#include <limits.h>
#include <time.h>

#include "deadline.h"

int64_t
deadline_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void
deadline_init(struct deadline *d, double timeout_s)
{
	d->start_us = deadline_now_us();
	d->timeout_s = timeout_s;
	d->end_us = d->start_us + (int64_t)(timeout_s * 1e6);
}

int
deadline_ms_between(int64_t now_us, int64_t end_us)
{
	int64_t left = end_us - now_us;

	if (left <= 0)
		return 0;
	left = left / 1000 + (left % 1000 != 0);   /* round up, no overflow */
	return left > INT_MAX ? INT_MAX : (int)left;
}

int
deadline_left_ms(const struct deadline *d)
{
	return deadline_ms_between(deadline_now_us(), d->end_us);
}

int64_t
deadline_left_us(const struct deadline *d)
{
	return d->end_us - deadline_now_us();
}

void
deadline_cap(struct deadline *sub, const struct deadline *d, int64_t max_us)
{
	int64_t now = deadline_now_us();

	*sub = *d;
	if (sub->end_us - now > max_us)
		sub->end_us = now + max_us;
}

int
deadline_expired(const struct deadline *d)
{
	return deadline_now_us() >= d->end_us;
}

double
deadline_elapsed(const struct deadline *d)
{
	return (double)(deadline_now_us() - d->start_us) / 1e6;
}

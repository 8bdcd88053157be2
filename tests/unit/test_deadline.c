/* test_deadline.c - deadline maths: time left, expiry, deadline_cap. */
#include <config.h>

#include <limits.h>
#include <stdint.h>
#include <time.h>

#include "deadline.h"
#include "tap.h"

/* ------------------------------------------------------------ deadline */
static void
sleep_us(long us)
{
	struct timespec ts = { 0, us * 1000 };

	nanosleep(&ts, NULL);
}

static void
test_deadline(void)
{
	static const struct {
		int64_t now, end;
		int want;
	} cases[] = {
		{ 0, 0, 0 },
		{ 100, 100, 0 },
		{ 100, 99, 0 },
		{ 0, -1, 0 },
		{ 5000000, 0, 0 },
		{ 0, 1, 1 },
		{ 0, 999, 1 },
		{ 0, 1000, 1 },
		{ 0, 1001, 2 },
		{ 0, 1999, 2 },
		{ 0, 2000, 2 },
		{ 1000000, 1000001, 1 },
		{ 0, 10000000, 10000 },
		{ -5000, -4000, 1 },
		{ 0, (int64_t)INT_MAX * 1000, INT_MAX },
		{ 0, (int64_t)INT_MAX * 1000 + 1, INT_MAX },
		{ 0, (int64_t)INT_MAX * 1000 - 999, INT_MAX },
		{ 0, (int64_t)INT_MAX * 1000 - 1000, INT_MAX - 1 },
		{ 0, INT64_MAX / 2, INT_MAX },
		{ 0, INT64_MAX, INT_MAX },
		{ INT64_MAX, INT64_MAX, 0 },
	};
	struct deadline d;
	size_t i;
	int ms;
	int64_t us;
	double el;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		is_int(deadline_ms_between(cases[i].now, cases[i].end), cases[i].want,
		    "deadline_ms_between(%lld, %lld) = %d", (long long)cases[i].now,
		    (long long)cases[i].end, cases[i].want);

	{
		struct deadline far, near, sub;
		int64_t now = deadline_now_us();

		far.start_us = near.start_us = now;
		far.end_us = now + 60000000;
		near.end_us = now + 200000;
		far.timeout_s = near.timeout_s = 60;
		deadline_cap(&sub, &far, 1000000);
		ok(sub.end_us >= now + 1000000 && sub.end_us < now + 2000000 &&
		    sub.start_us == now && sub.timeout_s == 60,
		    "deadline_cap: a far deadline is cut to 1 s from now");
		deadline_cap(&sub, &near, 1000000);
		ok(sub.end_us == near.end_us, "deadline_cap: a nearer deadline stays as it is");
	}
	{
		int64_t a = deadline_now_us(), b = deadline_now_us();

		ok(a > 0 && b >= a, "deadline_now_us is monotonic (%lld, %lld)",
		    (long long)a, (long long)b);
	}

	deadline_init(&d, 10);
	is_double(d.timeout_s, 10, 0, "timeout_s kept");
	is_int(d.end_us - d.start_us, 10000000, "end = start + 10 s");
	ms = deadline_left_ms(&d);
	ok(ms > 9900 && ms <= 10000, "10 s deadline: %d ms left", ms);
	us = deadline_left_us(&d);
	ok(us > 9900000 && us <= 10000000, "10 s deadline: %lld us left", (long long)us);
	is_int(deadline_expired(&d), 0, "10 s deadline not expired");
	el = deadline_elapsed(&d);
	ok(el >= 0 && el < 0.1, "elapsed right after init: %f", el);

	deadline_init(&d, 0.5);
	is_int(d.end_us - d.start_us, 500000, "0.5 s = 500000 us");

	deadline_init(&d, 0);
	is_int(deadline_left_ms(&d), 0, "0 s deadline: 0 ms left");
	ok(deadline_left_us(&d) <= 0, "0 s deadline: left_us <= 0");
	is_int(deadline_expired(&d), 1, "0 s deadline expired");

	deadline_init(&d, 0.002);
	sleep_us(3000);
	is_int(deadline_expired(&d), 1, "2 ms deadline expired after 3 ms");
	is_int(deadline_left_ms(&d), 0, "expired: 0 ms left, never negative");
	ok(deadline_left_us(&d) < 0, "expired: left_us negative (%lld)",
	    (long long)deadline_left_us(&d));
	el = deadline_elapsed(&d);
	ok(el >= 0.003 && el < 1, "elapsed after 3 ms sleep: %f", el);

	deadline_init(&d, -1);
	is_int(deadline_expired(&d), 1, "negative timeout: expired");
	is_int(deadline_left_ms(&d), 0, "negative timeout: 0 ms left");

	/* a deadline a little in the future: ms is rounded up, never 0 early */
	deadline_init(&d, 0.0005);
	ms = deadline_left_ms(&d);
	ok(deadline_expired(&d) || ms == 1, "0.5 ms left rounds up to 1 ms (%d)", ms);
}

int
main(void)
{
	test_deadline();
	return done_testing();
}

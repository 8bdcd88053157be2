/* test_range.c - Nagios threshold ranges (lib/range.c).
 *
 * The table of the Monitoring Plugins Development Guidelines, with values
 * inside, outside and on the edges (edges belong to the range, so a value
 * on the edge of a normal range does not alert and one on the edge of an
 * '@' range does). */
#include <config.h>

#include <string.h>

#include "range.h"
#include "tap.h"

struct alert_case {
	const char *range;
	double value;
	int alert;
};

static const struct alert_case alert_cases[] = {
	/* 10: alert if < 0 or > 10 */
	{ "10", -1, 1 },
	{ "10", -0.001, 1 },
	{ "10", 0, 0 },
	{ "10", 5, 0 },
	{ "10", 10, 0 },
	{ "10", 10.001, 1 },
	{ "10", 11, 1 },
	/* 10: alert if < 10 */
	{ "10:", -5, 1 },
	{ "10:", 9.999, 1 },
	{ "10:", 10, 0 },
	{ "10:", 11, 0 },
	{ "10:", 1e12, 0 },
	/* ~:10 alert if > 10 */
	{ "~:10", -1e12, 0 },
	{ "~:10", -1, 0 },
	{ "~:10", 10, 0 },
	{ "~:10", 10.5, 1 },
	/* 10:20 alert if < 10 or > 20 */
	{ "10:20", 9, 1 },
	{ "10:20", 10, 0 },
	{ "10:20", 15, 0 },
	{ "10:20", 20, 0 },
	{ "10:20", 20.0001, 1 },
	{ "10:20", 21, 1 },
	/* @10:20 alert if 10 <= x <= 20 */
	{ "@10:20", 9.999, 0 },
	{ "@10:20", 10, 1 },
	{ "@10:20", 15, 1 },
	{ "@10:20", 20, 1 },
	{ "@10:20", 20.001, 0 },
	{ "@10:20", -15, 0 },
	/* decimals */
	{ "0.5:1.5", 0.4, 1 },
	{ "0.5:1.5", 0.5, 0 },
	{ "0.5:1.5", 1.0, 0 },
	{ "0.5:1.5", 1.5, 0 },
	{ "0.5:1.5", 1.6, 1 },
	{ "1.5", 1.5, 0 },
	{ "1.5", 1.51, 1 },
	{ "0.25", 0.3, 1 },
	/* negatives */
	{ "-5:-1", -6, 1 },
	{ "-5:-1", -5, 0 },
	{ "-5:-1", -3, 0 },
	{ "-5:-1", -1, 0 },
	{ "-5:-1", 0, 1 },
	{ "@-5:-1", -3, 1 },
	{ "@-5:-1", 0, 0 },
	{ "-10:", -10, 0 },
	{ "-10:", -11, 1 },
	{ "~:-1", -1, 0 },
	{ "~:-1", 0, 1 },
	/* "~:" is the whole line: never alerts */
	{ "~:", -1e300, 0 },
	{ "~:", 0, 0 },
	{ "~:", 1e300, 0 },
	/* "@~:" alerts always */
	{ "@~:", 0, 1 },
	{ "@~:", -1e300, 1 },
	/* ":5" has an empty start, which range.c reads as 0 (same as "5") */
	{ ":5", -1, 1 },
	{ ":5", 0, 0 },
	{ ":5", 5, 0 },
	{ ":5", 6, 1 },
	/* ":" alone: empty start (0) and empty end (+inf), i.e. "0:" */
	{ ":", -0.5, 1 },
	{ ":", 0, 0 },
	{ ":", 1e12, 0 },
	{ "@:", 0, 1 },
	{ "@:", -1, 0 },
	/* a range of one point */
	{ "3:3", 3, 0 },
	{ "3:3", 3.001, 1 },
	{ "@3:3", 3, 1 },
	{ "@3:3", 2.999, 0 },
	/* 0 means "only 0 is fine" */
	{ "0", 0, 0 },
	{ "0", 0.000001, 1 },
	/* explicit sign */
	{ "+10", 10, 0 },
	{ "+10", 10.5, 1 },
	/* the "time=~:0" idiom used by the phase tests: anything above 0 */
	{ "~:0", 0, 0 },
	{ "~:0", 0.000001, 1 },
};

struct field_case {
	const char *range;
	int start_inf, end_inf, inside;
	double start, end;
};

static const struct field_case field_cases[] = {
	{ "10", 0, 0, 0, 0, 10 },
	{ "10:", 0, 1, 0, 10, 0 },
	{ "~:10", 1, 0, 0, 0, 10 },
	{ "10:20", 0, 0, 0, 10, 20 },
	{ "@10:20", 0, 0, 1, 10, 20 },
	{ "0.5:1.5", 0, 0, 0, 0.5, 1.5 },
	{ "-5:-1", 0, 0, 0, -5, -1 },
	{ "~:", 1, 1, 0, 0, 0 },
	{ ":5", 0, 0, 0, 0, 5 },
	{ "@~:", 1, 1, 1, 0, 0 },
};

static const char *const bad_ranges[] = {
	"",
	"abc",
	"10:5",
	"-1:-2",
	"@20:10",
	"1:2:3",
	"@",
	"~",
	"@~",
	"10:x",
	"x:10",
	"0x10",
	"1e3",
	"inf",
	"-inf",
	"nan",
	"~:inf",
	"10:~",
	"~10",
	"-",
	".",
	"10 ",
	" 10",
	"1 0",
	"10:20 ",
	"@@10",
	"5@",
	"10,20",
	"--5",
};

int
main(void)
{
	struct range r;
	struct err e;
	size_t i;
	char longtext[101];

	/* ---- alert table */
	for (i = 0; i < sizeof(alert_cases) / sizeof(alert_cases[0]); i++) {
		const struct alert_case *c = &alert_cases[i];
		int rc;

		err_clear(&e);
		rc = range_parse(&r, c->range, &e);
		if (!ok(rc == 0 && r.set, "range '%s' parses", c->range)) {
			diag("rc %d, error: %s", rc, e.msg);
			continue;
		}
		is_int(range_alert(&r, c->value), c->alert,
		    "range '%s' value %g -> %s", c->range, c->value,
		    c->alert ? "alert" : "no alert");
	}

	/* ---- parsed fields and kept text */
	for (i = 0; i < sizeof(field_cases) / sizeof(field_cases[0]); i++) {
		const struct field_case *c = &field_cases[i];

		err_clear(&e);
		if (!ok(range_parse(&r, c->range, &e) == 0, "fields: '%s' parses",
		    c->range))
			continue;
		ok(r.set == 1 && r.start_inf == c->start_inf &&
		    r.end_inf == c->end_inf && r.inside == c->inside &&
		    (c->start_inf || r.start == c->start) &&
		    (c->end_inf || r.end == c->end),
		    "fields: '%s' start %g%s end %g%s inside %d", c->range,
		    c->start, c->start_inf ? "(-inf)" : "", c->end,
		    c->end_inf ? "(+inf)" : "", c->inside);
		is_str(r.text, c->range, "fields: '%s' kept as text", c->range);
	}

	/* ---- the longest text that fits is kept whole */
	memset(longtext, '1', RANGE_TEXT_MAX - 1);
	longtext[0] = '@';
	longtext[1] = '0';
	longtext[2] = ':';
	longtext[RANGE_TEXT_MAX - 1] = '\0';
	err_clear(&e);
	ok(range_parse(&r, longtext, &e) == 0, "range of %d chars parses",
	    RANGE_TEXT_MAX - 1);
	is_str(r.text, longtext, "range of %d chars kept whole", RANGE_TEXT_MAX - 1);

	/* ---- an unset range never alerts */
	memset(&r, 0, sizeof(r));
	is_int(range_alert(&r, 1e9), 0, "unset range: no alert for 1e9");
	is_int(range_alert(&r, -1e9), 0, "unset range: no alert for -1e9");

	/* ---- parse errors */
	for (i = 0; i < sizeof(bad_ranges) / sizeof(bad_ranges[0]); i++) {
		int rc;

		err_clear(&e);
		rc = range_parse(&r, bad_ranges[i], &e);
		ok(rc == -1 && e.kind == ERR_USAGE && e.msg[0] != '\0',
		    "bad range '%s' -> ERR_USAGE", bad_ranges[i]);
		is_int(r.set, 0, "bad range '%s' leaves the range unset",
		    bad_ranges[i]);
	}
	memset(longtext, '1', 100);
	longtext[100] = '\0';
	err_clear(&e);
	ok(range_parse(&r, longtext, &e) == -1 && e.kind == ERR_USAGE,
	    "100-char range -> ERR_USAGE");
	ok(strlen(e.msg) < ERR_MSG_MAX, "100-char range: message bounded");
	memset(longtext, '1', RANGE_TEXT_MAX);
	longtext[RANGE_TEXT_MAX] = '\0';
	err_clear(&e);
	ok(range_parse(&r, longtext, &e) == -1 && e.kind == ERR_USAGE,
	    "range of RANGE_TEXT_MAX (%d) chars -> ERR_USAGE", RANGE_TEXT_MAX);

	/* the message names the problem */
	err_clear(&e);
	range_parse(&r, "10:5", &e);
	ok(strstr(e.msg, "10:5") != NULL, "'10:5' error quotes the range: %s", e.msg);
	err_clear(&e);
	range_parse(&r, "abc", &e);
	ok(strstr(e.msg, "abc") != NULL, "'abc' error quotes the range: %s", e.msg);

	/* a failed parse after a good one does not keep the old threshold */
	err_clear(&e);
	range_parse(&r, "10", &e);
	range_parse(&r, "bogus", &e);
	is_int(range_alert(&r, 100), 0, "failed parse resets an earlier range");

	return done_testing();
}

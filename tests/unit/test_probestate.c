/* test_probestate.c - the --state-file text (lib/probestate.c): parse,
 * add within the bound, remove, format, and corrupt files refused. */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "probestate.h"
#include "tap.h"

static void
test_round_trip(void)
{
	struct probestate ps, back;
	struct sbuf s;
	struct err e;
	int i;
	char tok[64];

	memset(&ps, 0, sizeof(ps));
	err_clear(&e);
	is_int(probestate_add(&ps, "mp-1796455674-8ef80d6f4e1b82c8", 1796455674, "4F1C2A7215B", &e),
	    0, "add a probe");
	is_int(probestate_add(&ps, "mp-1796455675-00", 1796455675, NULL, &e), 0,
	    "add a probe without queue id");
	is_int(probestate_add(&ps, "not-a-token", 1, NULL, &e), -1, "a bad token is refused");
	is_int(probestate_add(&ps, "mp-1-ab", 1, "two words", &e), -1, "a bad queue id is refused");
	sbuf_init(&s);
	probestate_format(&ps, &s);
	is_str(sbuf_str(&s), "mailprobe-state 1\nmp-1796455674-8ef80d6f4e1b82c8 1796455674 "
	    "4F1C2A7215B\nmp-1796455675-00 1796455675 -\n", "format");
	err_clear(&e);
	is_int(probestate_parse(s.s, s.len, &back, &e), 0, "parse what was written");
	is_int(back.n, 2, "two probes back");
	is_str(back.e[0].queue_id, "4F1C2A7215B", "queue id back");
	is_str(back.e[1].queue_id, "", "'-' is no queue id");
	is_int((long long)back.e[1].sent, 1796455675, "time back");
	probestate_remove(&back, 0);
	is_int(back.n, 1, "remove: one left");
	is_str(back.e[0].token, "mp-1796455675-00", "remove: the other one left");
	probestate_remove(&back, 5);
	is_int(back.n, 1, "remove out of range: nothing");
	/* the bound: the oldest are dropped */
	memset(&ps, 0, sizeof(ps));
	for (i = 0; i < PROBESTATE_MAX + 5; i++) {
		snprintf(tok, sizeof(tok), "mp-%d-ab", i);
		probestate_add(&ps, tok, i, "Q", &e);
	}
	is_int(ps.n, PROBESTATE_MAX, "bounded to %d probes", PROBESTATE_MAX);
	is_int(ps.dropped, 5, "the 5 oldest dropped");
	is_str(ps.e[0].token, "mp-5-ab", "the oldest kept is the 6th");
	sbuf_reset(&s);
	probestate_format(&ps, &s);
	ok(s.len < PROBESTATE_FILE_MAX, "a full state is %zu bytes, under the file bound", s.len);
	is_int(probestate_parse(s.s, s.len, &back, &e), 0, "a full state parses");
	sbuf_free(&s);
	is_int(probestate_parse("", 0, &back, &e), 0, "an empty file is an empty state");
	is_int(back.n, 0, "empty: no probes");
}

static void
test_corrupt(void)
{
	static const struct {
		const char *text;
		const char *msg;
	} cases[] = {
		{ "garbage\n", "line 1 is not" },
		{ "mailprobe-state 2\n", "line 1 is not" },
		{ "mailprobe-state 1", "line 1 has no end" },
		{ "mailprobe-state 1\nmp-1-ab 1 Q", "line 2 has no end" },
		{ "mailprobe-state 1\nmp-1-ab 1\n", "line 2 is not TOKEN TIME QUEUE-ID" },
		{ "mailprobe-state 1\nmp-1-ab 1 Q extra\n", "line 2 is not" },
		{ "mailprobe-state 1\nxx-1-ab 1 Q\n", "line 2 is not" },
		{ "mailprobe-state 1\nmp-1-ab -1 Q\n", "line 2: bad time" },
		{ "mailprobe-state 1\nmp-1-ab 12x Q\n", "line 2: bad time" },
		{ "mailprobe-state 1\nmp-1-ab  Q\n", "line 2" },
		{ "mailprobe-state 1\n\n", "line 2 is not" },
		{ "mailprobe-state 1\nmp-1-ab 1 Q\0\n", "line 2 is not" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct probestate ps;
		struct err e;
		size_t len = strlen(cases[i].text);

		if (strstr(cases[i].text, "Q") && i == sizeof(cases) / sizeof(cases[0]) - 1)
			len += 2;   /* the NUL case: the bytes after the NUL too */
		err_clear(&e);
		ok(probestate_parse(cases[i].text, len, &ps, &e) == -1 && e.kind == ERR_PROTO &&
		    strstr(e.msg, cases[i].msg) != NULL, "corrupt %zu refused: %s", i, e.msg);
	}
	{
		static char big[PROBESTATE_FILE_MAX + 10];
		struct probestate ps;
		struct err e;

		memset(big, 'a', sizeof(big));
		err_clear(&e);
		ok(probestate_parse(big, sizeof(big), &ps, &e) == -1 && strstr(e.msg, "larger"),
		    "an oversized file refused: %s", e.msg);
	}
}

int
main(void)
{
	test_round_trip();
	test_corrupt();
	return done_testing();
}

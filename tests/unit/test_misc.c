/* test_misc.c - deadline maths, sbuf, err, caps, opts, net_is_literal. */
#include <config.h>

#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "caps.h"
#include "deadline.h"
#include "err.h"
#include "net.h"
#include "opts.h"
#include "sbuf.h"
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

/* ------------------------------------------------------------ sbuf */
static void
test_sbuf(void)
{
	struct sbuf b;
	char big[300];
	size_t cap;
	int i;

	sbuf_init(&b);
	ok(b.s == NULL && b.len == 0 && b.cap == 0 && !b.failed, "init: empty");
	is_str(sbuf_str(&b), "", "sbuf_str of a fresh buffer is \"\"");
	sbuf_reset(&b);
	is_str(sbuf_str(&b), "", "reset of a fresh buffer");

	sbuf_add(&b, "hello");
	sbuf_addc(&b, ' ');
	sbuf_addn(&b, "worldXXX", 5);
	is_str(sbuf_str(&b), "hello world", "add, addc, addn");
	is_int(b.len, 11, "len 11");
	sbuf_add(&b, "");
	sbuf_addn(&b, "zzz", 0);
	is_int(b.len, 11, "empty appends change nothing");

	sbuf_printf(&b, " %d-%s", 42, "x");
	is_str(sbuf_str(&b), "hello world 42-x", "printf appends");

	/* grow past 64 bytes, in one go and bit by bit */
	memset(big, 'a', 200);
	big[200] = '\0';
	sbuf_printf(&b, "[%s]", big);
	is_int(b.len, 16 + 202, "printf of 202 bytes grows the buffer");
	ok(b.cap > b.len && b.s[b.len] == '\0', "terminated, cap %zu > len %zu", b.cap, b.len);
	ok(b.s[16] == '[' && b.s[217] == ']' && b.s[100] == 'a', "printf content intact");
	sbuf_reset(&b);
	for (i = 0; i < 1000; i++)
		sbuf_addc(&b, (char)('0' + i % 10));
	is_int(b.len, 1000, "1000 single chars");
	ok(b.s[999] == '9' && b.s[1000] == '\0' && b.s[500] == '0', "content of 1000 chars");
	sbuf_reset(&b);
	for (i = 0; i < 20; i++)
		sbuf_printf(&b, "%08d|", i);
	is_int(b.len, 180, "20 printf appends of 9 bytes");
	ok(strncmp(b.s + 171, "00000019|", 9) == 0, "last printf append in place");

	/* reset keeps the memory */
	cap = b.cap;
	sbuf_reset(&b);
	ok(b.len == 0 && b.cap == cap && b.s != NULL, "reset keeps memory (cap %zu)", cap);
	is_str(sbuf_str(&b), "", "reset empties");
	sbuf_add(&b, "again");
	is_str(sbuf_str(&b), "again", "append after reset");

	/* exactly 63 / 64 / 65 bytes around the first capacity */
	sbuf_free(&b);
	ok(b.s == NULL && b.len == 0 && b.cap == 0, "free resets the struct");
	memset(big, 'b', 63);
	sbuf_addn(&b, big, 63);
	is_int(b.len, 63, "63 bytes");
	sbuf_addc(&b, 'c');
	is_int(b.len, 64, "64 bytes");
	ok(b.cap >= 65 && b.s[64] == '\0' && b.s[63] == 'c', "64 bytes + NUL fit");
	sbuf_addc(&b, 'd');
	ok(b.len == 65 && b.s[64] == 'd' && b.s[65] == '\0', "65 bytes");
	ok(!b.failed, "no allocation failure");
	sbuf_free(&b);

	/* embedded NUL through addn */
	sbuf_addn(&b, "a\0b", 3);
	ok(b.len == 3 && memcmp(b.s, "a\0b", 4) == 0, "addn copies a NUL byte");
	sbuf_free(&b);
	sbuf_free(&b);   /* twice is harmless */
	ok(b.s == NULL, "double free harmless");
}

/* ------------------------------------------------------------ err */
static void
test_err(void)
{
	static const struct {
		const char *in;
		size_t len;    /* 0: strlen */
		size_t cap;
		const char *want;
	} cases[] = {
		{ "plain text", 0, 64, "plain text" },
		{ "", 0, 64, "" },
		{ "a|b", 0, 64, "a/b" },
		{ "tab\tcr\rlf\n", 0, 64, "tab cr lf " },
		{ "bell\x07" "esc\x1b" "del\x7f", 0, 64, "bell?esc?del?" },
		{ "nul\0x", 5, 64, "nul?x" },
		{ "Gr\xc3\xbc\xc3\x9f" "e", 0, 64, "Gr\xc3\xbc\xc3\x9f" "e" },
		{ "abcdefg", 0, 8, "abcdefg" },            /* exactly fits */
		{ "abcdefgh", 0, 8, "abcd..." },           /* one too long */
		{ "abcdefghijklmnop", 0, 8, "abcd..." },
		{ "abcde", 0, 4, "..." },                  /* cap 4: only the dots */
		{ "abc", 0, 4, "abc" },
		{ "abcd", 0, 3, "ab" },                    /* too small for "..." */
		{ "ab", 0, 2, "a" },
		{ "ab", 0, 1, "" },
		{ "a|b|c|d|e|f", 0, 8, "a/b/..." },
		{ "text with\nnewline", 9, 64, "text with" },   /* LEN honoured */
	};
	char buf[128];
	size_t i, n;
	struct err e;
	int rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].in);

		memset(buf, 'Z', sizeof(buf));
		n = err_sanitize(buf, cases[i].cap, cases[i].in, len);
		is_str(buf, cases[i].want, "err_sanitize(cap %zu) -> '%s'", cases[i].cap,
		    cases[i].want);
		is_int(n, strlen(cases[i].want), "err_sanitize returns strlen (%zu)",
		    strlen(cases[i].want));
		ok(buf[cases[i].cap] == 'Z', "err_sanitize cap %zu: nothing written past CAP",
		    cases[i].cap);
	}
	memset(buf, 'Z', sizeof(buf));
	n = err_sanitize(buf, 0, "abc", 3);
	ok(n == 0 && buf[0] == 'Z', "err_sanitize cap 0 writes nothing");

	/* a long reply, as err_set_reply sees it */
	{
		char longtext[1000];

		memset(longtext, 'r', sizeof(longtext));
		err_clear(&e);
		err_set_reply(&e, longtext, sizeof(longtext));
		is_int(strlen(e.reply), ERR_REPLY_MAX - 1, "err_set_reply bounded");
		is_str(e.reply + ERR_REPLY_MAX - 4, "...", "err_set_reply marks the cut");
		err_set_reply(&e, "550 no|pe\r\n", 11);
		is_str(e.reply, "550 no/pe  ", "err_set_reply sanitises");
	}

	err_clear(&e);
	ok(e.kind == ERR_NONE && e.msg[0] == '\0' && e.reply[0] == '\0' &&
	    e.sys_errno == 0 && e.phase == NULL && e.reply_code == 0, "err_clear");
	rc = err_set(&e, ERR_PROTO, "bad %s %d", "reply", 7);
	is_int(rc, -1, "err_set returns -1");
	is_int(e.kind, ERR_PROTO, "err_set kind");
	is_str(e.msg, "bad reply 7", "err_set message");
	rc = err_sys(&e, ERR_CONNECT, 111, "connect: %s", "refused");
	ok(rc == -1 && e.kind == ERR_CONNECT && e.sys_errno == 111, "err_sys keeps errno");
	{
		char longfmt[600];

		memset(longfmt, 'm', sizeof(longfmt) - 1);
		longfmt[sizeof(longfmt) - 1] = '\0';
		err_set(&e, ERR_INTERNAL, "%s", longfmt);
		is_int(strlen(e.msg), ERR_MSG_MAX - 1, "long message bounded");
	}

	{
		static const struct {
			enum err_kind k;
			const char *name;
		} names[] = {
			{ ERR_NONE, "none" }, { ERR_USAGE, "usage" },
			{ ERR_RESOLVE, "resolve" }, { ERR_CONNECT, "connect" },
			{ ERR_TIMEOUT, "timeout" }, { ERR_CLOSED, "closed" },
			{ ERR_TLS, "tls" }, { ERR_TLS_VERIFY, "tls-verify" },
			{ ERR_PROTO, "protocol" }, { ERR_REJECTED, "rejected" },
			{ ERR_MISSING_FEATURE, "missing-feature" }, { ERR_DNS, "dns" },
			{ ERR_INTERNAL, "internal" },
		};

		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			is_str(err_kind_name(names[i].k), names[i].name, "err_kind_name %s",
			    names[i].name);
		is_str(err_kind_name((enum err_kind)99), "unknown", "err_kind_name(99)");
		is_str(err_kind_name((enum err_kind)-1), "unknown", "err_kind_name(-1)");
	}
}

/* ------------------------------------------------------------ caps */
static void
test_caps(void)
{
	static struct caps c;
	struct sbuf s;
	struct err e;
	char entry[200];
	int i, rc;

	sbuf_init(&s);
	caps_init(&c);
	err_clear(&e);
	is_int(caps_add(&c, "  SIZE 1000\t ", 13, &e), 0, "caps_add trims blanks");
	is_str(caps_get(&c, 0), "SIZE 1000", "trimmed entry");
	is_int(caps_add(&c, "   ", 3, &e), 0, "caps_add of blanks: ignored");
	is_int(caps_add(&c, "", 0, &e), 0, "caps_add of nothing: ignored");
	is_int(c.n, 1, "blank entries not stored");
	caps_add(&c, "AUTH PLAIN LOGIN", 16, &e);
	caps_add(&c, "STARTTLSxxxx", 8, &e);
	is_str(caps_get(&c, 2), "STARTTLS", "caps_add copies LEN bytes");
	is_str(caps_find(&c, "auth"), "AUTH PLAIN LOGIN", "caps_find by first word");
	is_str(caps_find(&c, "PLAIN"), NULL, "a later word is not found");
	is_str(caps_find(&c, "SIZE 1000"), NULL, "whole entry is not a first word");
	caps_join(&c, &s, ", ");
	is_str(sbuf_str(&s), "SIZE, AUTH, STARTTLS", "caps_join with ', '");
	sbuf_reset(&s);
	caps_init(&c);
	caps_join(&c, &s, ",");
	is_str(sbuf_str(&s), "", "caps_join of nothing");
	is_int(caps_missing(&c, "A,B", &s), 2, "everything missing from an empty list");
	is_str(sbuf_str(&s), "A,B", "missing A,B");

	/* CAPS_MAX entries */
	caps_init(&c);
	rc = 0;
	for (i = 0; i < CAPS_MAX && rc == 0; i++) {
		int n = snprintf(entry, sizeof(entry), "E%d", i);

		rc = caps_add(&c, entry, (size_t)n, &e);
	}
	is_int(rc, 0, "%d entries fit", CAPS_MAX);
	err_clear(&e);
	is_int(caps_add(&c, "ONE-MORE", 8, &e), -1, "entry %d -> -1", CAPS_MAX + 1);
	is_int(e.kind, ERR_PROTO, "too many entries -> ERR_PROTO");
	is_int(c.n, CAPS_MAX, "count stays %d", CAPS_MAX);
	is_str(caps_get(&c, CAPS_MAX - 1), "E127", "last entry intact");

	/* CAPS_STORE bytes: 99-byte entries take 100 bytes each */
	caps_init(&c);
	memset(entry, 'x', 99);
	rc = 0;
	for (i = 0; i < CAPS_STORE / 100 && rc == 0; i++) {
		entry[0] = (char)('A' + i % 26);
		rc = caps_add(&c, entry, 99, &e);
	}
	is_int(rc, 0, "%d entries of 99 bytes fit", CAPS_STORE / 100);
	err_clear(&e);
	rc = caps_add(&c, entry, 99, &e);
	is_int(rc, -1, "store overflow -> -1");
	is_int(e.kind, ERR_PROTO, "store overflow -> ERR_PROTO");
	is_int(c.n, CAPS_STORE / 100, "count unchanged after overflow");
	ok(c.used <= CAPS_STORE, "store used %zu <= %d", c.used, CAPS_STORE);
	/* a small entry still fits in what is left */
	err_clear(&e);
	is_int(caps_add(&c, "TINY", 4, &e), 0, "a small entry fits in the rest");
	is_str(caps_get(&c, c.n - 1), "TINY", "small entry stored");
	sbuf_free(&s);
}

/* ------------------------------------------------------------ opts */
enum {
	OPT_NODATA = OPT_LONG_BASE,
	OPT_RCPT,
	OPT_SNI
};

static const struct opt_spec test_table[] = {
	{ 'H', "hostname", required_argument, "HOST", "Host to check." },
	{ 'p', "port", required_argument, "PORT", "Port." },
	{ 'v', "verbose", no_argument, NULL, "More output." },
	{ 's', "tls", no_argument, NULL, "Implicit TLS." },
	{ 's', "ssl", no_argument, NULL, NULL },   /* hidden alias */
	{ OPT_NODATA, "no-data", no_argument, NULL, "Stop before DATA." },
	{ OPT_RCPT, "rcpt", required_argument, "ADDR", "Recipient." },
	{ OPT_SNI, "sni", optional_argument, "NAME", "SNI name." },
	OPT_END
};
static const struct opt_spec *const test_tables[] = { test_table, NULL };

struct seen {
	struct sbuf log;   /* "id:arg " per call */
	int refuse;        /* id to refuse */
};

static int
handler(void *ctx, int id, const char *arg, struct err *e)
{
	struct seen *s = ctx;

	if (id == s->refuse)
		return err_set(e, ERR_USAGE, "refused option %d", id);
	if (id < OPT_LONG_BASE)
		sbuf_printf(&s->log, "%c", id);
	else
		sbuf_printf(&s->log, "#%d", id - OPT_LONG_BASE);
	sbuf_printf(&s->log, "=%s ", arg ? arg : "(null)");
	return 0;
}

/* Forget getopt's internal state (a glibc full re-initialisation: optind
 * = 0). opts_parse sets optind = 1, which keeps the scan pointer of the
 * previous run; test_opts_reparse shows that on its own. */
static void
getopt_forget(void)
{
	static char arg0[] = "prog";
	char *argv[] = { arg0, NULL };

	optind = 0;
	opterr = 0;
	while (getopt(1, argv, "") != -1)
		;
}

/* Parse a space-separated command line (no quoting; "_" stands for a
 * blank inside an argument). */
static int
parse_line(const char *line, struct seen *s, struct err *e)
{
	char copy[512], *argv[32], *tok, *save = NULL;
	int argc = 0;
	size_t i;

	snprintf(copy, sizeof(copy), "prog %s", line);
	for (tok = strtok_r(copy, " ", &save); tok && argc < 31;
	    tok = strtok_r(NULL, " ", &save)) {
		for (i = 0; tok[i]; i++)
			if (tok[i] == '_')
				tok[i] = ' ';
		argv[argc++] = tok;
	}
	argv[argc] = NULL;
	sbuf_reset(&s->log);
	err_clear(e);
	getopt_forget();
	return opts_parse(argc, argv, test_tables, handler, s, e);
}

static void
test_opts(void)
{
	static const struct {
		const char *line;
		const char *log;
	} good[] = {
		{ "-H mail.example", "H=mail.example " },
		{ "-Hmail.example", "H=mail.example " },
		{ "--hostname mail.example", "H=mail.example " },
		{ "--hostname=mail.example", "H=mail.example " },
		{ "--host=mail.example", "H=mail.example " },   /* unique prefix */
		{ "-v -v", "v=(null) v=(null) " },
		{ "-vv", "v=(null) v=(null) " },
		{ "-vH h", "v=(null) H=h " },
		{ "--tls", "s=(null) " },
		{ "--ssl", "s=(null) " },
		{ "-s", "s=(null) " },
		{ "--no-data", "#0=(null) " },
		{ "--rcpt a@b --rcpt=c@d", "#1=a@b #1=c@d " },
		{ "--sni", "#2=(null) " },
		{ "--sni=mx.example", "#2=mx.example " },
		{ "-H h -p 25 -v --rcpt=a@b --no-data",
		  "H=h p=25 v=(null) #1=a@b #0=(null) " },
		{ "-H -v", "H=-v " },                    /* required arg taken as is */
		{ "--rcpt=", "#1= " },
		{ "", "" },
		{ "-- ", "" },
	};
	static const struct {
		const char *line;
		const char *what;
	} bad[] = {
		{ "-H", "-H without argument" },
		{ "-v -p", "-p without argument at the end" },
		{ "--hostname", "--hostname without argument" },
		{ "--rcpt", "--rcpt without argument" },
		{ "-x", "unknown short option" },
		{ "-vx", "unknown option in a cluster" },
		{ "--bogus", "unknown long option" },
		{ "--bogus=1", "unknown long option with value" },
		{ "--verbose=1", "argument to a no-argument option" },
		{ "--no-data=yes", "argument to a long-only flag" },
		{ "stray", "stray argument" },
		{ "-H h stray", "stray argument after options" },
		{ "stray -H h", "stray argument before options" },
		{ "-- -H", "argument after --" },
		{ "--s", "ambiguous prefix (--sni / --ssl)" },
	};
	struct seen s;
	struct err e;
	size_t i;
	int rc;

	memset(&s, 0, sizeof(s));
	sbuf_init(&s.log);
	s.refuse = -1;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		rc = parse_line(good[i].line, &s, &e);
		if (!is_int(rc, 0, "opts_parse '%s' succeeds", good[i].line))
			diag("error: %s", e.msg);
		is_str(sbuf_str(&s.log), good[i].log, "opts_parse '%s' handler calls",
		    good[i].line);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		rc = parse_line(bad[i].line, &s, &e);
		ok(rc == -1 && e.kind == ERR_USAGE && e.msg[0] != '\0',
		    "opts_parse '%s' (%s) -> ERR_USAGE", bad[i].line, bad[i].what);
		diag("  message: %s", e.msg);
	}
	/* messages name the option */
	parse_line("-x", &s, &e);
	ok(strstr(e.msg, "-x") != NULL, "unknown -x named: %s", e.msg);
	parse_line("--bogus", &s, &e);
	ok(strstr(e.msg, "--bogus") != NULL, "unknown --bogus named: %s", e.msg);
	parse_line("-H", &s, &e);
	ok(strstr(e.msg, "-H") != NULL, "missing argument of -H named: %s", e.msg);
	parse_line("--rcpt", &s, &e);
	ok(strstr(e.msg, "--rcpt") != NULL, "missing argument of --rcpt named: %s", e.msg);
	parse_line("-H h stray", &s, &e);
	ok(strstr(e.msg, "stray") != NULL, "stray argument named: %s", e.msg);
	/* --verbose exists; it only takes no value: saying "unknown option -v"
	 * sends the user looking for the wrong thing */
	parse_line("--verbose=1", &s, &e);
	ok(strstr(e.msg, "--verbose") != NULL,
	    "'--verbose=1': the message names --verbose: %s", e.msg);

	/* the handler's error stops the parse */
	s.refuse = 'p';
	rc = parse_line("-v -p 0 -H h", &s, &e);
	ok(rc == -1 && strstr(e.msg, "refused") != NULL, "handler error returned: %s",
	    e.msg);
	is_str(sbuf_str(&s.log), "v=(null) ", "no option handled after the refusal");
	s.refuse = -1;


	/* help output mentions every visible option and the alias */
	{
		struct sbuf help;
		const char *buf;

		sbuf_init(&help);
		opts_help(&help, test_tables);
		buf = sbuf_str(&help);
		ok(strstr(buf, "-H, --hostname=HOST") != NULL, "help: -H, --hostname=HOST");
		ok(strstr(buf, "--tls, --ssl") != NULL, "help: alias listed");
		ok(strstr(buf, "--sni[=NAME]") != NULL, "help: optional argument");
		ok(strstr(buf, "\n     --no-data\n") != NULL,
		    "help: long-only option without a short letter");
		sbuf_free(&help);
	}
	sbuf_free(&s.log);
}

/* opts_parse called twice in one process, the second time on an ARGV whose
 * strings live where the first one's did (as any reused buffer does):
 * each call must parse its own ARGV from the start. */
static void
test_opts_reparse(void)
{
	static char buf[64];
	char *argv[3];
	struct seen s;
	struct err e;
	int rc;

	memset(&s, 0, sizeof(s));
	sbuf_init(&s.log);
	s.refuse = -1;
	getopt_forget();

	strcpy(buf, "prog");
	strcpy(buf + 5, "-s");
	argv[0] = buf;
	argv[1] = buf + 5;
	argv[2] = NULL;
	err_clear(&e);
	rc = opts_parse(2, argv, test_tables, handler, &s, &e);
	ok(rc == 0, "first opts_parse ('-s') succeeds");

	memset(buf, 0, sizeof(buf));
	strcpy(buf, "prog");
	strcpy(buf + 5, "--no-data");
	sbuf_reset(&s.log);
	err_clear(&e);
	rc = opts_parse(2, argv, test_tables, handler, &s, &e);
	if (!is_int(rc, 0, "second opts_parse ('--no-data') in the same process succeeds"))
		diag("error: %s (getopt's scan pointer was left from the first run; "
		    "opts_parse sets optind = 1, glibc needs optind = 0 to start afresh)",
		    e.msg);
	is_str(sbuf_str(&s.log), "#0=(null) ", "second opts_parse sees --no-data");
	sbuf_free(&s.log);
}

static void
test_opts_values(void)
{
	static const struct {
		const char *arg;
		long min, max, want;
	} ints_good[] = {
		{ "25", 1, 65535, 25 }, { "1", 1, 65535, 1 }, { "65535", 1, 65535, 65535 },
		{ "0", 0, 10, 0 }, { "-5", -10, 10, -5 }, { "+7", 0, 10, 7 },
	};
	static const struct {
		const char *arg;
		long min, max;
	} ints_bad[] = {
		{ "0", 1, 65535 }, { "65536", 1, 65535 }, { "-1", 1, 65535 },
		{ "abc", 1, 65535 }, { "", 1, 65535 }, { "25x", 1, 65535 },
		{ "2 5", 1, 65535 }, { "25 ", 1, 65535 }, { "1.5", 1, 65535 },
		{ "99999999999999999999999", 1, LONG_MAX },
		{ "-99999999999999999999999", LONG_MIN, 0 },
		{ "0x19", 1, 65535 },
	};
	static const struct {
		const char *arg;
		double want;
	} secs_good[] = {
		{ "10", 10 }, { "0.5", 0.5 }, { "1.25", 1.25 }, { "86400", 86400 },
		{ "0.001", 0.001 },
	};
	static const char *const secs_bad[] = {
		"0", "-1", "-0.5", "abc", "", "10s", "inf", "nan", "86401", "1e9", " ",
		"10 ",
	};
	struct err e;
	long lv;
	double dv;
	size_t i;

	for (i = 0; i < sizeof(ints_good) / sizeof(ints_good[0]); i++) {
		lv = -12345;
		err_clear(&e);
		is_int(opts_int("port", ints_good[i].arg, ints_good[i].min, ints_good[i].max,
		    &lv, &e), 0, "opts_int('%s') in [%ld, %ld]", ints_good[i].arg,
		    ints_good[i].min, ints_good[i].max);
		is_int(lv, ints_good[i].want, "opts_int('%s') = %ld", ints_good[i].arg,
		    ints_good[i].want);
	}
	for (i = 0; i < sizeof(ints_bad) / sizeof(ints_bad[0]); i++) {
		lv = -12345;
		err_clear(&e);
		ok(opts_int("port", ints_bad[i].arg, ints_bad[i].min, ints_bad[i].max,
		    &lv, &e) == -1 && e.kind == ERR_USAGE && lv == -12345,
		    "opts_int('%s') in [%ld, %ld] -> ERR_USAGE, value untouched",
		    ints_bad[i].arg, ints_bad[i].min, ints_bad[i].max);
	}
	err_clear(&e);
	opts_int("--port", "abc", 1, 65535, &lv, &e);
	ok(strstr(e.msg, "--port") && strstr(e.msg, "abc") && strstr(e.msg, "65535"),
	    "opts_int message names option, value and range: %s", e.msg);

	for (i = 0; i < sizeof(secs_good) / sizeof(secs_good[0]); i++) {
		dv = -1;
		err_clear(&e);
		is_int(opts_seconds("timeout", secs_good[i].arg, &dv, &e), 0,
		    "opts_seconds('%s')", secs_good[i].arg);
		is_double(dv, secs_good[i].want, 1e-9, "opts_seconds('%s') = %g",
		    secs_good[i].arg, secs_good[i].want);
	}
	for (i = 0; i < sizeof(secs_bad) / sizeof(secs_bad[0]); i++) {
		dv = -1;
		err_clear(&e);
		ok(opts_seconds("timeout", secs_bad[i], &dv, &e) == -1 &&
		    e.kind == ERR_USAGE && dv == -1,
		    "opts_seconds('%s') -> ERR_USAGE, value untouched", secs_bad[i]);
	}
}

/* ------------------------------------------------------------ net */
static void
test_net_literal(void)
{
	static const struct {
		const char *host;
		int want;
	} cases[] = {
		{ "127.0.0.1", 1 },
		{ "192.0.2.255", 1 },
		{ "::1", 1 },
		{ "[::1]", 1 },
		{ "2001:db8::25", 1 },
		{ "[2001:db8::25]", 1 },
		{ "::ffff:192.0.2.1", 1 },
		{ "mail.example", 0 },
		{ "localhost", 0 },
		{ "", 0 },
		{ "[]", 0 },
		{ "[", 0 },
		{ "1.2.3", 0 },
		{ "1.2.3.4.5", 0 },
		{ "256.1.1.1", 0 },
		{ "1.2.3.4 ", 0 },
		{ "[::1", 0 },
		{ "::1]", 0 },
		{ "[[::1]]", 0 },
		{ "2001:db8::g", 0 },
		{ "0x7f.0.0.1", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		is_int(net_is_literal(cases[i].host), cases[i].want, "net_is_literal('%s') = %d",
		    cases[i].host, cases[i].want);
}

/* ------------------------------------------------- issue 14: UTF-8, JSON */
static void
test_json_utf8(void)
{
	static const struct {
		const char *in;
		const char *want;
	} cases[] = {
		{ "plain", "\"plain\"" },
		{ "q\"b\\", "\"q\\\"b\\\\\"" },
		{ "t\tn\nr\r", "\"t\\tn\\nr\\r\"" },
		{ "esc\x1b del\x7f", "\"esc\\u001b del\\u007f\"" },
		/* a character is one code point, not its bytes */
		{ "Gr\xc3\xbc\xc3\x9f" "e", "\"Gr\\u00fc\\u00dfe\"" },
		{ "\xe2\x82\xac", "\"\\u20ac\"" },
		{ "\xf0\x9f\x98\x80", "\"\\ud83d\\ude00\"" },          /* surrogate pair */
		{ "\xc2\x9b", "\"\\u009b\"" },                         /* C1: escaped, valid */
		/* bytes that are not UTF-8: one U+FFFD each */
		{ "a\xff" "b", "\"a\\ufffdb\"" },
		{ "\xc3", "\"\\ufffd\"" },                             /* cut sequence */
		{ "\xc3(", "\"\\ufffd(\"" },
		{ "\xc0\xaf", "\"\\ufffd\\ufffd\"" },                  /* overlong '/' */
		{ "\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"" },       /* overlong */
		{ "\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"" },       /* surrogate */
		{ "\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },   /* > U+10FFFF */
		{ "\xf8\x88\x80\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\"" },
		{ "\x80x", "\"\\ufffdx\"" },                           /* lone continuation */
	};
	unsigned int cp;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sbuf b;

		sbuf_init(&b);
		sbuf_json_str(&b, cases[i].in);
		is_str(sbuf_str(&b), cases[i].want, "sbuf_json_str case %zu -> %s", i,
		    cases[i].want);
		sbuf_free(&b);
	}
	is_int((int)sbuf_utf8_decode((const unsigned char *)"\xc3\xbc", 2, &cp), 2,
	    "sbuf_utf8_decode: 2 bytes");
	is_int((int)cp, 0xfc, "sbuf_utf8_decode: U+00FC");
	is_int((int)sbuf_utf8_decode((const unsigned char *)"\xef\xbf\xbd", 3, &cp), 3,
	    "sbuf_utf8_decode: U+FFFD itself is valid");
	is_int((int)sbuf_utf8_decode((const unsigned char *)"\xf4\x8f\xbf\xbf", 4, &cp), 4,
	    "sbuf_utf8_decode: U+10FFFF is valid");
	is_int((int)sbuf_utf8_decode((const unsigned char *)"\xe2\x82", 2, &cp), 0,
	    "sbuf_utf8_decode: N honoured (cut sequence)");
}

/* err_sanitize (line 1) is strict too, and sbuf_add_clean uses it */
static void
test_clean_utf8(void)
{
	static const struct {
		const char *in;
		const char *want;
	} cases[] = {
		{ "Gr\xc3\xbc\xc3\x9f" "e", "Gr\xc3\xbc\xc3\x9f" "e" },
		{ "\xf0\x9f\x98\x80!", "\xf0\x9f\x98\x80!" },
		{ "a\xff\xfe" "b", "a??b" },
		{ "\xc0\xaf", "??" },                       /* overlong */
		{ "\xed\xa0\x80", "???" },                  /* surrogate */
		{ "\xf4\x90\x80\x80", "????" },             /* > U+10FFFF */
		{ "\xc2\x9b" "2J", "??2J" },                /* C1 CSI */
		{ "\x1b[31mred", "?[31mred" },
		{ "a|b\tc\rd", "a/b c d" },
		{ "\xc2\xa0nbsp", "\xc2\xa0nbsp" },         /* U+00A0 is not C1 */
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sbuf b;
		char buf[64];

		err_sanitize(buf, sizeof(buf), cases[i].in, strlen(cases[i].in));
		is_str(buf, cases[i].want, "err_sanitize strict UTF-8, case %zu", i);
		sbuf_init(&b);
		sbuf_add(&b, "<");
		sbuf_add_clean(&b, cases[i].in, strlen(cases[i].in));
		sbuf_add(&b, ">");
		ok(b.len == strlen(cases[i].want) + 2 && strncmp(b.s + 1, cases[i].want,
		    strlen(cases[i].want)) == 0 && b.s[b.len - 1] == '>',
		    "sbuf_add_clean case %zu: '%s'", i, sbuf_str(&b));
		sbuf_free(&b);
	}
	{
		struct sbuf b;

		sbuf_init(&b);
		sbuf_add_clean(&b, "a\0b", 3);
		is_str(sbuf_str(&b), "a?b", "sbuf_add_clean: a NUL byte becomes '?'");
		sbuf_add_clean(&b, "", 0);
		is_int((int)b.len, 3, "sbuf_add_clean of nothing adds nothing");
		sbuf_free(&b);
	}
}

/* opts_hostname and opts_open_file (issue 14 items 10, 11) */
static void
test_opts_files(void)
{
	static const struct {
		const char *host;
		int want;
	} hosts[] = {
		{ "mail.example", 0 },
		{ "mail.example.", 0 },          /* the root label at the end */
		{ "127.0.0.1", 0 },
		{ "::1", 0 },
		{ "[2001:db8::1]", 0 },
		{ "localhost", 0 },
		{ "", -1 },
		{ ".", -1 },
		{ ".example", -1 },
		{ "a..b", -1 },
		{ "a.b..", -1 },
	};
	char name[300], dir[] = "/tmp/mp-test-files.XXXXXX", path[64];
	struct sbuf b;
	struct err e;
	size_t i;
	int fd;

	for (i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
		err_clear(&e);
		is_int(opts_hostname("-H", hosts[i].host, &e), hosts[i].want,
		    "opts_hostname('%s') = %d", hosts[i].host, hosts[i].want);
		if (hosts[i].want < 0)
			ok(e.kind == ERR_USAGE, "opts_hostname('%s'): ERR_USAGE: %s",
			    hosts[i].host, e.msg);
	}
	/* 253 characters: fine; 254 with a final dot: fine; 254 without: not */
	memset(name, 'a', sizeof(name));
	for (i = 63; i < 253; i += 64)
		name[i] = '.';
	name[253] = '\0';
	is_int(opts_hostname("-H", name, &e), 0, "253 characters: a host name");
	name[253] = '.';
	name[254] = '\0';
	is_int(opts_hostname("-H", name, &e), 0, "253 characters and the root dot");
	name[253] = 'a';
	err_clear(&e);
	is_int(opts_hostname("-H", name, &e), -1, "254 characters: not a host name");
	ok(strstr(e.msg, "253") != NULL, "the message says the limit: %s", e.msg);
	memset(name, 'a', 64);
	name[64] = '\0';
	is_int(opts_hostname("-H", name, &e), -1, "a label of 64 characters: refused");

	if (mkdtemp(dir) == NULL) {
		ok(0, "mkdtemp");
		return;
	}
	snprintf(path, sizeof(path), "%s/fifo", dir);
	if (mkfifo(path, 0600) < 0) {
		ok(0, "mkfifo");
	} else {
		int64_t t0 = deadline_now_us();

		err_clear(&e);
		fd = opts_open_file("--authfile", path, &e);
		ok(fd == -1 && e.kind == ERR_USAGE, "a FIFO is refused: %s", e.msg);
		ok(strstr(e.msg, path) && strstr(e.msg, "not a regular file"),
		    "the message names the FIFO");
		ok(deadline_now_us() - t0 < 1000000, "and at once, without a writer");
		unlink(path);
	}
	err_clear(&e);
	ok(opts_open_file("--body-file", dir, &e) == -1 && strstr(e.msg, "directory"),
	    "a directory is refused: %s", e.msg);
	err_clear(&e);
	ok(opts_open_file("--body-file", "", &e) == -1 && e.kind == ERR_USAGE,
	    "an empty file name is refused: %s", e.msg);
	snprintf(path, sizeof(path), "%s/file", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ok(fd >= 0 && write(fd, "0123456789", 10) == 10, "a regular file written");
	if (fd >= 0)
		close(fd);
	sbuf_init(&b);
	sbuf_add(&b, "pre:");
	err_clear(&e);
	is_int(opts_read_file("--body-file", path, 10, &b, &e), 0,
	    "opts_read_file: 10 bytes with MAX 10");
	is_str(sbuf_str(&b), "pre:0123456789", "opts_read_file appends");
	err_clear(&e);
	is_int(opts_read_file("--body-file", path, 9, &b, &e), -1,
	    "opts_read_file: 10 bytes with MAX 9 is refused");
	ok(e.kind == ERR_USAGE && strstr(e.msg, "larger"), "ERR_USAGE: %s", e.msg);
	sbuf_free(&b);
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	test_deadline();
	test_sbuf();
	test_err();
	test_caps();
	test_opts();
	test_opts_reparse();
	test_opts_values();
	test_net_literal();
	test_json_utf8();
	test_clean_utf8();
	test_opts_files();
	return done_testing();
}

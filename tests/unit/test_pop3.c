/* test_pop3.c - POP3 status lines, multi-line responses, CAPA and APOP
 * (lib/pop3.c). */
#include <config.h>

#include <string.h>

#include "caps.h"
#include "pop3.h"
#include "tap.h"

static void
test_status(void)
{
	static const struct {
		const char *line;
		int ok;
		const char *text;
	} good[] = {
		{ "+OK Dovecot ready.", 1, "Dovecot ready." },
		{ "+OK", 1, "" },
		{ "+OK ", 1, "" },
		{ "+OK  two blanks", 1, " two blanks" },
		{ "+OK 2 320", 1, "2 320" },
		{ "+OK [IN-USE] x", 1, "[IN-USE] x" },
		{ "+OK tab\tinside", 1, "tab\tinside" },
		{ "-ERR [AUTH] Authentication failed.", 0, "[AUTH] Authentication failed." },
		{ "-ERR", 0, "" },
		{ "-ERR ", 0, "" },
		{ "-ERR [SYS/TEMP] try later", 0, "[SYS/TEMP] try later" },
	};
	static const struct {
		const char *line;
		size_t len;   /* 0: strlen */
		const char *what;
	} bad[] = {
		{ "", 0, "empty line" },
		{ "OK", 0, "OK without '+'" },
		{ "OK ready", 0, "OK ready" },
		{ "+OKAY", 0, "+OKAY" },
		{ "+OKready", 0, "+OKready" },
		{ "-ERROR x", 0, "-ERROR" },
		{ "-ERRx", 0, "-ERRx" },
		/* RFC 1939 §3: servers MUST send "+OK" and "-ERR" in upper case */
		{ "+ok ready", 0, "+ok (lower case)" },
		{ "-err nope", 0, "-err (lower case)" },
		{ "+Ok", 0, "+Ok" },
		{ "+", 0, "'+' alone" },
		{ "-", 0, "'-' alone" },
		{ "+O", 0, "'+O'" },
		{ " +OK", 0, "leading blank" },
		{ "+OK\tx", 0, "tab after +OK" },
		{ "* OK imap", 0, "an IMAP greeting" },
		{ "220 smtp", 0, "an SMTP greeting" },
		{ "+OK a\x01" "b", 0, "control character" },
		{ "+OK a\rb", 0, "CR inside" },
		{ "+OK a\nb", 0, "LF inside" },
		{ "+OK a\x7f", 0, "DEL" },
		{ "+OK a\x1b[0m", 0, "escape sequence" },
		{ "-ERR a\0b", 8, "NUL in -ERR text" },
		{ "+OK\0", 4, "NUL right after +OK" },
	};
	const char *text;
	size_t tlen, i;
	struct err e;
	int okv;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		const char *line = good[i].line;
		size_t len = strlen(line);

		err_clear(&e);
		okv = -1;
		text = NULL;
		tlen = 12345;
		if (!is_int(pop3_status_parse(line, len, &okv, &text, &tlen, &e), 0,
		    "status '%s' parses", line)) {
			diag("error: %s", e.msg);
			continue;
		}
		is_int(okv, good[i].ok, "status '%s': ok=%d", line, good[i].ok);
		ok(text != NULL && text >= line && text <= line + len &&
		    tlen == strlen(good[i].text) &&
		    memcmp(text, good[i].text, tlen) == 0,
		    "status '%s': text '%s' points into the line", line, good[i].text);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t len = bad[i].len ? bad[i].len : strlen(bad[i].line);

		err_clear(&e);
		ok(pop3_status_parse(bad[i].line, len, &okv, &text, &tlen, &e) == -1 &&
		    e.kind == ERR_PROTO && e.msg[0] != '\0',
		    "malformed status (%s) -> ERR_PROTO", bad[i].what);
	}

	/* LEN is honoured */
	err_clear(&e);
	is_int(pop3_status_parse("+OK hiXXXX", 6, &okv, &text, &tlen, &e), 0,
	    "status: only LEN bytes read");
	is_int(tlen, 2, "status: text length within LEN");
	err_clear(&e);
	is_int(pop3_status_parse("+OKAY", 3, &okv, &text, &tlen, &e), 0,
	    "status: '+OK' prefix of a longer buffer with LEN 3");
}

static void
test_multi_line(void)
{
	static const struct {
		const char *line;
		int end;
		const char *data;
	} cases[] = {
		{ ".", 1, NULL },
		{ "..foo", 0, ".foo" },
		{ "..", 0, "." },
		{ "...", 0, ".." },
		{ "foo", 0, "foo" },
		{ "foo.", 0, "foo." },
		{ "", 0, "" },
		{ ". ", 0, " " },
		{ "TOP", 0, "TOP" },
		{ "SASL PLAIN LOGIN", 0, "SASL PLAIN LOGIN" },
	};
	const char *data;
	size_t dlen, i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc;

		data = NULL;
		dlen = 999;
		rc = pop3_multi_line(cases[i].line, strlen(cases[i].line), &data, &dlen);
		is_int(rc, cases[i].end, "multi-line '%s' -> %d", cases[i].line,
		    cases[i].end);
		if (cases[i].data)
			ok(rc == 0 && data && dlen == strlen(cases[i].data) &&
			    memcmp(data, cases[i].data, dlen) == 0,
			    "multi-line '%s' -> data '%s'", cases[i].line, cases[i].data);
	}
	/* "." followed by more bytes beyond LEN is still the terminator */
	is_int(pop3_multi_line(".rest", 1, &data, &dlen), 1, "'.' with LEN 1 ends");
}

static const char *const dovecot_capa[] = {
	"CAPA", "TOP", "UIDL", "RESP-CODES", "PIPELINING", "AUTH-RESP-CODE",
	"STLS", "USER", "SASL PLAIN LOGIN", ".", NULL
};

static void
test_capa(void)
{
	struct caps c;
	struct sbuf s;
	struct err e;
	int i, rc = -1, more = 0;

	sbuf_init(&s);
	caps_init(&c);
	for (i = 0; dovecot_capa[i]; i++) {
		err_clear(&e);
		rc = pop3_capa_feed(&c, dovecot_capa[i], strlen(dovecot_capa[i]), &e);
		if (rc != 0)
			break;
		more++;
	}
	is_int(more, 9, "every CAPA line before '.' returns 0");
	is_int(rc, 1, "'.' ends the CAPA list");
	is_str(dovecot_capa[i], ".", "and it was the '.' line that ended it");
	is_int(c.n, 9, "9 CAPA entries");
	is_str(caps_find(&c, "SASL"), "SASL PLAIN LOGIN", "caps_find(SASL)");
	is_str(caps_find(&c, "sasl"), "SASL PLAIN LOGIN", "caps_find(sasl)");
	ok(caps_has(&c, "STLS"), "STLS");
	ok(caps_has(&c, "uidl") && caps_has(&c, "TOP"), "UIDL and TOP");
	ok(caps_has(&c, "RESP-CODES") && caps_has(&c, "AUTH-RESP-CODE"),
	    "RESP-CODES and AUTH-RESP-CODE");
	ok(!caps_has(&c, "PLAIN"), "PLAIN is a parameter, not an entry");
	ok(!caps_has(&c, "IMPLEMENTATION"), "no IMPLEMENTATION");
	is_int(caps_missing(&c, "UIDL,TOP", &s), 0, "--require-cap UIDL,TOP present");
	sbuf_reset(&s);
	is_int(caps_missing(&c, "UIDL,EXPIRE,LOGIN-DELAY", &s), 2, "two caps missing");
	is_str(sbuf_str(&s), "EXPIRE,LOGIN-DELAY", "missing EXPIRE,LOGIN-DELAY");
	sbuf_reset(&s);
	{
		err_clear(&e);
		is_int(caps_require(&c, "UIDL,TOP", "capability", &e), 0, "caps_require: all there -> 0");
		is_int(caps_require(&c, "UIDL,EXPIRE", "capability", &e), -1, "caps_require: one missing -> -1");
		is_int(e.kind, ERR_MISSING_FEATURE, "caps_require: ERR_MISSING_FEATURE");
		is_str(e.msg, "required capability not offered: EXPIRE", "caps_require: one capability");
		caps_require(&c, "EXPIRE,LOGIN-DELAY", "capability", &e);
		is_str(e.msg, "required capabilities not offered: EXPIRE,LOGIN-DELAY",
		    "caps_require: plural of capability");
		caps_require(&c, "EXPIRE,LOGIN-DELAY", "extension", &e);
		is_str(e.msg, "required extensions not offered: EXPIRE,LOGIN-DELAY",
		    "caps_require: plural of extension");
	}
	caps_join(&c, &s, ",");
	is_str(sbuf_str(&s), "CAPA,TOP,UIDL,RESP-CODES,PIPELINING,AUTH-RESP-CODE,"
	    "STLS,USER,SASL", "caps_join joins first words");

	/* dot-stuffed and blank lines */
	caps_init(&c);
	err_clear(&e);
	is_int(pop3_capa_feed(&c, "..HIDDEN", 8, &e), 0, "dot-stuffed CAPA line");
	is_str(caps_get(&c, 0), ".HIDDEN", "dot-stuffed CAPA line unstuffed");
	is_int(pop3_capa_feed(&c, "", 0, &e), 0, "blank CAPA line: more");
	is_int(pop3_capa_feed(&c, "   ", 3, &e), 0, "blanks-only CAPA line: more");
	is_int(c.n, 1, "blank lines add nothing");
	is_int(pop3_capa_feed(&c, "  TOP  ", 7, &e), 0, "padded CAPA line");
	is_str(caps_get(&c, 1), "TOP", "padding trimmed");
	is_int(pop3_capa_feed(&c, "IMPLEMENTATION Dovecot\ttabs", 27, &e), 0,
	    "tab inside a CAPA line accepted");

	/* control characters */
	err_clear(&e);
	is_int(pop3_capa_feed(&c, "TOP\x01", 4, &e), -1, "control char in CAPA -> -1");
	is_int(e.kind, ERR_PROTO, "control char in CAPA -> ERR_PROTO");
	err_clear(&e);
	is_int(pop3_capa_feed(&c, "TO\0P", 4, &e), -1, "NUL in CAPA -> -1");
	err_clear(&e);
	is_int(pop3_capa_feed(&c, "..\x1b", 3, &e), -1, "control char after a stuffed dot -> -1");

	/* overflow */
	{
		char line[32];
		int k;

		caps_init(&c);
		rc = 0;
		for (k = 0; k < CAPS_MAX + 10 && rc == 0; k++) {
			int n = snprintf(line, sizeof(line), "X-CAP-%d", k);

			err_clear(&e);
			rc = pop3_capa_feed(&c, line, (size_t)n, &e);
		}
		is_int(rc, -1, "CAPA list over CAPS_MAX entries -> -1");
		is_int(e.kind, ERR_PROTO, "CAPA overflow -> ERR_PROTO");
		is_int(k, CAPS_MAX + 1, "fails at entry %d", CAPS_MAX + 1);
		is_int(c.n, CAPS_MAX, "%d entries kept", CAPS_MAX);
	}
	sbuf_free(&s);
}

static void
test_apop(void)
{
	char out[128];
	const char *g;

	g = "+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>";
	is_int(pop3_apop_timestamp(g, strlen(g), out, sizeof(out)), 1, "RFC 1939 timestamp found");
	is_str(out, "<1896.697170952@dbc.mtview.ca.us>", "timestamp copied with brackets");

	g = "+OK Dovecot ready. <3b2d.1.5f3a1c2b.abcdef==@mail.example> trailing";
	is_int(pop3_apop_timestamp(g, strlen(g), out, sizeof(out)), 1, "timestamp mid-line");
	is_str(out, "<3b2d.1.5f3a1c2b.abcdef==@mail.example>", "mid-line timestamp");

	g = "+OK Dovecot ready.";
	strcpy(out, "untouched");
	is_int(pop3_apop_timestamp(g, strlen(g), out, sizeof(out)), 0, "no timestamp");
	g = "+OK ready <1896.697170952@dbc.mtview";
	is_int(pop3_apop_timestamp(g, strlen(g), out, sizeof(out)), 0, "unterminated timestamp");
	g = "+OK ready <1896.697170952>";
	is_int(pop3_apop_timestamp(g, strlen(g), out, sizeof(out)), 0, "no '@' inside <>");
	g = "+OK user@host ready <1896>";
	is_int(pop3_apop_timestamp(g, strlen(g), out, sizeof(out)), 0, "'@' outside <>");
	g = "+OK ready > <";
	is_int(pop3_apop_timestamp(g, strlen(g), out, sizeof(out)), 0, "'>' before '<'");
	g = "";
	is_int(pop3_apop_timestamp(g, 0, out, sizeof(out)), 0, "empty greeting");

	/* LEN is honoured */
	g = "+OK <1@a>";
	is_int(pop3_apop_timestamp(g, strlen(g) - 1, out, sizeof(out)), 0,
	    "'>' beyond LEN is not seen");

	/* OUT capacity: exactly enough (5 chars + NUL), one short */
	is_int(pop3_apop_timestamp(g, strlen(g), out, 6), 1, "timestamp fits cap 6");
	is_str(out, "<1@a>", "timestamp in cap 6");
	is_int(pop3_apop_timestamp(g, strlen(g), out, 5), 0, "timestamp does not fit cap 5");
}

/* issue 21: STAT and the Date: header */
static void
test_health(void)
{
	unsigned long long c, o;
	long long t;
	struct err e;
	static const struct {
		const char *s;
		long long want;   /* -1: refused */
	} dates[] = {
		{ "Sat, 05 Dec 2026 09:00:00 +0000", 1796461200LL },
		{ " Sat, 5 Dec 2026 10:00:00 +0100", 1796461200LL },
		{ "5 Dec 2026 09:00 GMT", 1796461200LL },
		{ "Sat, 05 Dec 2026 04:00:00 EST", 1796461200LL },
		{ "Sat, 05 Dec 2026 09:00:00 +0000 (UTC)", 1796461200LL },
		{ "Sat, 05 Dec 26 09:00:00 +0000", 1796461200LL },
		{ "Thu, 01 Jan 1970 00:00:00 -0000", 0 },
		{ "Sat, 05 Dec 2026 09:00:00 XYZ", 1796461200LL },
		{ "Sat, 05 Foo 2026 09:00:00 +0000", -1 },
		{ "Sat, 05 Dec 2026 25:00:00 +0000", -1 },
		{ "Sat, 05 Dec 2026 09:00:00 +00", -1 },
		{ "Sat, 05 Dec 2026 09:00:00", -1 },
		{ "yesterday", -1 },
		{ "", -1 },
		{ "Sat, 05 Dec 2026 09:00:00 +0000 garbage", -1 },
	};
	size_t i;

	err_clear(&e);
	is_int(pop3_stat_parse("3 1234", 6, &c, &o, &e), 0, "STAT 3 1234");
	is_int((long long)c, 3, "STAT count");
	is_int((long long)o, 1234, "STAT octets");
	is_int(pop3_stat_parse("0 0 extra words", 15, &c, &o, &e), 0, "STAT with more text");
	is_int(pop3_stat_parse("3", 1, &c, &o, &e), -1, "STAT without octets");
	is_int(pop3_stat_parse("x 1", 3, &c, &o, &e), -1, "STAT not a number");
	is_int(pop3_stat_parse("99999999999999999999 1", 22, &c, &o, &e), -1, "STAT absurd count");
	is_int(e.kind, ERR_PROTO, "STAT absurd: ERR_PROTO");
	is_int(pop3_stat_parse("3 12x", 5, &c, &o, &e), -1, "STAT octets with junk");
	for (i = 0; i < sizeof(dates) / sizeof(dates[0]); i++) {
		int rc = pop3_date_parse(dates[i].s, strlen(dates[i].s), &t);

		if (dates[i].want < 0) {
			is_int(rc, -1, "date '%s' refused", dates[i].s);
		} else {
			is_int(rc, 0, "date '%s'", dates[i].s);
			is_int(t, dates[i].want, "date '%s': value", dates[i].s);
		}
	}
	is_int(pop3_header_date("Date: Sat, 05 Dec 2026 09:00:00 +0000", 37, &t), 1, "Date: header");
	is_int(pop3_header_date("DATE:Sat, 05 Dec 2026 09:00:00 +0000", 36, &t), 1, "DATE: any case");
	is_int(pop3_header_date("Subject: Date: x", 16, &t), 0, "another header");
	is_int(pop3_header_date("Date: soon", 10, &t), 0, "an unreadable date");
}

int
main(void)
{
	test_health();
	test_status();
	test_multi_line();
	test_capa();
	test_apop();
	return done_testing();
}

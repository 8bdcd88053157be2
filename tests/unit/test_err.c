/* test_err.c - struct err: set, reply, errno, kind names; err_sanitize and
 * sbuf_add_clean (strict UTF-8). */
#include <config.h>

#include <string.h>

#include "err.h"
#include "sbuf.h"
#include "tap.h"

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

int
main(void)
{
	test_err();
	test_clean_utf8();
	return done_testing();
}

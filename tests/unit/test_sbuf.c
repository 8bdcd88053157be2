/* test_sbuf.c - the growing string buffer: adds, printf, reset; JSON strings and
 * the UTF-8 decoder. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "sbuf.h"
#include "tap.h"

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

int
main(void)
{
	test_sbuf();
	test_json_utf8();
	return done_testing();
}

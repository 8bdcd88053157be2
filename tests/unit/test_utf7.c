/* test_utf7.c - IMAP's modified UTF-7 mailbox names (lib/utf7.c). */
#include <config.h>

#include <string.h>

#include "tap.h"
#include "utf7.h"

/* both ways: the name as sent and as shown */
static const struct {
	const char *wire, *utf8;
} both[] = {
	{ "INBOX", "INBOX" },
	{ "", "" },
	{ "&-", "&" },
	{ "Tom &- Jerry", "Tom & Jerry" },
	{ "Entw&APw-rfe", "Entw\xc3\xbc" "rfe" },                 /* Entwürfe */
	{ "&AMQA1gDc-", "\xc3\x84\xc3\x96\xc3\x9c" },             /* ÄÖÜ */
	{ "~peter/mail/&U,BTFw-/&ZeVnLIqe-",                      /* RFC 3501 §5.1.3 */
	  "~peter/mail/\xe5\x8f\xb0\xe5\x8c\x97/\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e" },
	{ "&2D3eAA-", "\xf0\x9f\x98\x80" },                        /* U+1F600, a surrogate pair */
	{ "a&AOk-b&AOk-", "a\xc3\xa9" "b\xc3\xa9" },
	{ "Gel&APY-scht", "Gel\xc3\xb6scht" },
};

/* not modified UTF-7 */
static const char *const bad_wire[] = {
	"&",             /* unterminated */
	"&AMQ",          /* no '-' */
	"&-&",           /* unterminated after a good one */
	"&AGE-",         /* 'a' (printable ASCII) encoded */
	"&2D0-",         /* a lone high surrogate */
	"&3gA-",         /* a lone low surrogate */
	"&AMQ/-",        /* '/' is not modified base64 */
	"&AMR-",         /* nonzero bits left over */
	"&AMQAxA-x&-",   /* fine ... */
	"a\tb",          /* control character */
	"\xc3\xa4",      /* raw 8-bit */
	"&=-",           /* padding */
	"&ABU-",         /* U+0015, a control character (found by fuzz_utf7) */
	"&AewAFTqe-",    /* ... inside a run */
	"&AH8-",         /* DEL */
	"&AAA-",         /* NUL */
};

static const char *const bad_utf8[] = {
	"\xc3",          /* truncated */
	"\xc0\xaf",      /* overlong '/' */
	"\xed\xa0\x80",  /* a surrogate */
	"\xf4\x90\x80\x80",   /* past U+10FFFF */
	"a\x01z",        /* control character */
	"\xff",
};

int
main(void)
{
	char out[256], small[4];
	struct err e;
	size_t i;

	for (i = 0; i < sizeof(both) / sizeof(both[0]); i++) {
		err_clear(&e);
		ok(utf7_decode(both[i].wire, strlen(both[i].wire), out, sizeof(out), &e) == 0,
		    "decode '%s'", both[i].wire);
		is_str(out, both[i].utf8, "decode '%s' gives the name", both[i].wire);
		err_clear(&e);
		ok(utf7_encode(both[i].utf8, out, sizeof(out), &e) == 0, "encode #%zu", i);
		is_str(out, both[i].wire, "encode #%zu gives '%s'", i, both[i].wire);
	}
	for (i = 0; i < sizeof(bad_wire) / sizeof(bad_wire[0]); i++) {
		int rc;

		err_clear(&e);
		rc = utf7_decode(bad_wire[i], strlen(bad_wire[i]), out, sizeof(out), &e);
		if (strcmp(bad_wire[i], "&AMQAxA-x&-") == 0) {
			ok(rc == 0, "decode '%s' (valid)", bad_wire[i]);
			is_str(out, "\xc3\x84\xc3\x84x&", "decode '%s' gives the name", bad_wire[i]);
			continue;
		}
		ok(rc == -1 && e.kind == ERR_PROTO, "decode #%zu refused", i);
		is_str(out, "", "decode #%zu leaves \"\"", i);
	}
	for (i = 0; i < sizeof(bad_utf8) / sizeof(bad_utf8[0]); i++) {
		err_clear(&e);
		ok(utf7_encode(bad_utf8[i], out, sizeof(out), &e) == -1 && e.kind == ERR_USAGE,
		    "encode bad UTF-8 #%zu refused", i);
	}
	/* bounded output */
	err_clear(&e);
	ok(utf7_decode("INBOX", 5, small, sizeof(small), &e) == -1, "decode into 4 bytes refused");
	is_str(small, "", "and leaves \"\"");
	err_clear(&e);
	ok(utf7_encode("\xc3\xa4", small, sizeof(small), &e) == -1, "encode into 4 bytes refused");
	err_clear(&e);
	ok(utf7_encode("&&", small, sizeof(small), &e) == -1, "\"&&\" needs 5 bytes");
	err_clear(&e);
	ok(utf7_encode("&", small, sizeof(small), &e) == 0 && strcmp(small, "&-") == 0,
	    "\"&\" fits in 3");
	/* a NUL inside the wire name is refused (LEN counts it) */
	err_clear(&e);
	ok(utf7_decode("IN\0BOX", 6, out, sizeof(out), &e) == -1, "NUL refused");
	return done_testing();
}

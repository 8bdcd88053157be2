/* test_smtp.c - SMTP reply parser and EHLO keywords (lib/smtp.c). */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "smtp.h"
#include "tap.h"

static struct smtp_reply rep;   /* 64 KiB: keep off the stack */
static struct smtp_ext ext;

/* Parse a whole reply given as a C string. */
static long
parse(const char *s, struct err *e)
{
	err_clear(e);
	return smtp_reply_parse(s, strlen(s), &rep, e);
}

/* ------------------------------------------------------------ good replies */
struct good_case {
	const char *in;
	int code;
	int nlines;
	const char *text;
	const char *enh;
};

static void
test_good_replies(void)
{
	static const struct good_case cases[] = {
		{ "220 mail.example ESMTP\r\n", 220, 1, "mail.example ESMTP", "" },
		{ "220 mail.example ESMTP\n", 220, 1, "mail.example ESMTP", "" },
		{ "250-mail.example\r\n250-PIPELINING\r\n250 8BITMIME\r\n", 250, 3,
		    "mail.example\nPIPELINING\n8BITMIME", "" },
		{ "250-mail.example\n250-PIPELINING\n250 8BITMIME\n", 250, 3,
		    "mail.example\nPIPELINING\n8BITMIME", "" },
		{ "250-mail.example\r\n250-PIPELINING\n250 8BITMIME\r\n", 250, 3,
		    "mail.example\nPIPELINING\n8BITMIME", "" },
		{ "250\r\n", 250, 1, "", "" },
		{ "250\n", 250, 1, "", "" },
		{ "250 \r\n", 250, 1, "", "" },
		{ "250-\r\n250 x\r\n", 250, 2, "\nx", "" },
		{ "250-first\r\n250\r\n", 250, 2, "first\n", "" },
		{ "354 End data with <CR><LF>.<CR><LF>\r\n", 354, 1,
		    "End data with <CR><LF>.<CR><LF>", "" },
		{ "421 4.3.2 Service shutting down\r\n", 421, 1,
		    "4.3.2 Service shutting down", "4.3.2" },
		{ "550 5.7.1 Relaying denied\r\n", 550, 1, "5.7.1 Relaying denied", "5.7.1" },
		{ "250 2.0.0 Ok\r\n", 250, 1, "2.0.0 Ok", "2.0.0" },
		{ "250 2.0.0 Ok: queued as 4Bq1Lp0pLbz9t\r\n", 250, 1,
		    "2.0.0 Ok: queued as 4Bq1Lp0pLbz9t", "2.0.0" },
		{ "550 2.0.0 odd\r\n", 550, 1, "2.0.0 odd", "" },       /* class mismatch */
		{ "250 5.0.0 odd\r\n", 250, 1, "5.0.0 odd", "" },
		{ "250 2.1.5\r\n", 250, 1, "2.1.5", "2.1.5" },           /* nothing after */
		{ "553 5.1.10 bad\r\n", 553, 1, "5.1.10 bad", "5.1.10" },
		{ "554 5.123.456 x\r\n", 554, 1, "5.123.456 x", "5.123.456" },
		{ "550 5.7.1234 x\r\n", 550, 1, "5.7.1234 x", "" },     /* 4-digit detail */
		{ "550 5.1234.1 x\r\n", 550, 1, "5.1234.1 x", "" },     /* 4-digit subject */
		{ "550 5.71 x\r\n", 550, 1, "5.71 x", "" },
		{ "550 5. x\r\n", 550, 1, "5. x", "" },
		{ "550 5.7. x\r\n", 550, 1, "5.7. x", "" },
		{ "550 55.7.1 x\r\n", 550, 1, "55.7.1 x", "" },
		{ "550 5.7.1x\r\n", 550, 1, "5.7.1x", "" },
		{ "550 Relaying denied 5.7.1\r\n", 550, 1, "Relaying denied 5.7.1", "" },
		{ "550-5.7.1 first\r\n550 5.7.1 second\r\n", 550, 2,
		    "5.7.1 first\n5.7.1 second", "5.7.1" },
		{ "550-first\r\n550 5.7.1 second\r\n", 550, 2,
		    "first\n5.7.1 second", "" },        /* enhanced code only on line 1 */
		{ "250 tab\there\r\n", 250, 1, "tab\there", "" },
		{ "250 Gr\xc3\xbc\xc3\x9f" "e\r\n", 250, 1, "Gr\xc3\xbc\xc3\x9f" "e", "" },
		{ "220-banner line 1\r\n220-banner line 2\r\n220 ready\r\n", 220, 3,
		    "banner line 1\nbanner line 2\nready", "" },
	};
	struct err e;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct good_case *c = &cases[i];
		long rc = parse(c->in, &e);
		char name[64];
		size_t nl = strcspn(c->in, "\r\n");

		if (nl >= sizeof(name))
			nl = sizeof(name) - 1;
		memcpy(name, c->in, nl);
		name[nl] = '\0';
		if (!is_int(rc, (long)strlen(c->in), "parse '%s'...: consumes all", name)) {
			diag("error: %s", e.msg);
			continue;
		}
		ok(rep.code == c->code && rep.nlines == c->nlines && rep.done == 1,
		    "parse '%s': code %d, %d line(s), done", name, c->code, c->nlines);
		is_str(rep.text, c->text, "parse '%s': text", name);
		is_int(rep.len, strlen(c->text), "parse '%s': len", name);
		is_str(rep.enh, c->enh, "parse '%s': enhanced code '%s'", name, c->enh);
	}
}

/* ------------------------------------------------------------ bad replies */
struct bad_case {
	const char *in;
	size_t len;     /* 0: strlen */
	const char *what;
};

static void
test_bad_replies(void)
{
	static const struct bad_case cases[] = {
		{ "", 0, "empty input" },
		{ "250 no newline", 0, "last line without LF" },
		{ "250-a\r\n250-b\r\n", 0, "multi-line without final line" },
		{ "250-a\r\n", 0, "one continuation line only" },
		{ "25 ok\r\n", 0, "two digits" },
		{ "2 ok\r\n", 0, "one digit" },
		{ "25\r\n", 0, "two digits alone" },
		{ "\r\n", 0, "empty line" },
		{ "abc ok\r\n", 0, "letters" },
		{ "2a0 ok\r\n", 0, "letter in code" },
		{ "2500 ok\r\n", 0, "four digits" },
		{ "250_ok\r\n", 0, "bad separator" },
		{ "250\tok\r\n", 0, "tab separator" },
		{ " 250 ok\r\n", 0, "leading blank" },
		{ "600 x\r\n", 0, "first digit 6" },
		{ "150 x\r\n", 0, "first digit 1" },
		{ "050 x\r\n", 0, "first digit 0" },
		{ "999 x\r\n", 0, "999" },
		{ "250-a\n251 b\n", 0, "code changes mid-reply" },
		{ "250-a\r\n550 b\r\n", 0, "class changes mid-reply" },
		{ "250-a\r\n250-b\r\nxyz\r\n", 0, "garbage line mid-reply" },
		{ "250 a\x01" "b\r\n", 0, "control character" },
		{ "250 a\x1b[31mred\r\n", 0, "escape sequence" },
		{ "250 a\x7f" "b\r\n", 0, "DEL" },
		{ "250 a\rb\r\n", 0, "bare CR inside a line" },
		{ "250 a\r\r\n", 0, "CR CR LF" },
		{ "250 a\0b\r\n", 9, "NUL inside the text" },
		{ "250-a\r\n250-\0\r\n250 c\r\n", 21, "NUL in a continuation line" },
		{ "2\0" "0 x\r\n", 7, "NUL inside the code" },
	};
	struct err e;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct bad_case *c = &cases[i];
		size_t len = c->len ? c->len : strlen(c->in);
		long rc;

		err_clear(&e);
		rc = smtp_reply_parse(c->in, len, &rep, &e);
		ok(rc == -1 && e.kind == ERR_PROTO && e.msg[0] != '\0',
		    "malformed (%s) -> ERR_PROTO", c->what);
	}
}

/* ------------------------------------------------------------ feeding */
static void
feed_str(const char *line, int want, const char *name)
{
	struct err e;

	err_clear(&e);
	is_int(smtp_reply_feed(&rep, line, strlen(line), &e), want, "%s", name);
}

static void
test_feed(void)
{
	struct err e;
	long rc;
	int i, got;
	char *big;
	size_t pos;

	smtp_reply_init(&rep);
	is_int(rep.code, 0, "init: code 0");
	is_int(rep.done, 0, "init: not done");
	feed_str("250-mail.example.org", 0, "feed line 1 -> more");
	is_int(rep.code, 250, "code known after line 1");
	feed_str("250-PIPELINING", 0, "feed line 2 -> more");
	feed_str("250 SIZE 1000", 1, "feed last line -> complete");
	is_str(rep.text, "mail.example.org\nPIPELINING\nSIZE 1000", "fed text joined");
	is_int(rep.nlines, 3, "3 lines");
	is_int(smtp_reply_line1_len(&rep), strlen("mail.example.org"), "line1_len");
	err_clear(&e);
	is_int(smtp_reply_feed(&rep, "250 more", 8, &e), -1, "feed after the end -> -1");
	is_int(e.kind, ERR_PROTO, "feed after the end -> ERR_PROTO");

	smtp_reply_init(&rep);
	feed_str("220", 1, "feed '220' alone -> complete");
	is_int(smtp_reply_line1_len(&rep), 0, "line1_len of empty text");
	smtp_reply_init(&rep);
	feed_str("220 single", 1, "feed single line");
	is_int(smtp_reply_line1_len(&rep), 6, "line1_len of one line");

	/* the length argument wins over the NUL: feed a prefix */
	smtp_reply_init(&rep);
	err_clear(&e);
	is_int(smtp_reply_feed(&rep, "250 okXXXX", 6, &e), 1, "feed uses LEN, not strlen");
	is_str(rep.text, "ok", "only LEN bytes taken");

	/* a mid-reply error leaves an error, not a half-complete reply */
	smtp_reply_init(&rep);
	feed_str("250-a", 0, "feed 250-a");
	feed_str("251 b", -1, "feed 251 b -> -1 (code changed)");

	/* split input: a buffer holding two replies, parsed one at a time */
	{
		const char *two = "250-a\r\n250 b\r\n354 go ahead\r\n";
		struct err e2;

		err_clear(&e2);
		rc = smtp_reply_parse(two, strlen(two), &rep, &e2);
		is_int(rc, 14, "first of two replies: 14 bytes consumed");
		is_int(rep.code, 250, "first reply 250");
		rc = smtp_reply_parse(two + 14, strlen(two) - 14, &rep, &e2);
		is_int(rc, 14, "second reply: 14 bytes consumed");
		is_int(rep.code, 354, "second reply 354");
		is_str(rep.text, "go ahead", "second reply text");
	}

	/* a long reply close to the limit is fine */
	big = malloc(80 * 1100);
	if (big == NULL)
		return;
	pos = 0;
	for (i = 0; i < 60; i++) {
		pos += (size_t)sprintf(big + pos, "250%c", i == 59 ? ' ' : '-');
		memset(big + pos, 'a' + i % 26, 1000);
		pos += 1000;
		big[pos++] = '\r';
		big[pos++] = '\n';
	}
	err_clear(&e);
	rc = smtp_reply_parse(big, pos, &rep, &e);
	is_int(rc, (long)pos, "60 lines of 1000 bytes: accepted");
	is_int(rep.len, 60 * 1000 + 59, "60 lines: text length");

	/* over SMTP_REPLY_MAX: fed line by line */
	smtp_reply_init(&rep);
	memset(big, 'x', 1004);
	memcpy(big, "250-", 4);
	got = 0;
	for (i = 0; i < 80; i++) {
		err_clear(&e);
		got = smtp_reply_feed(&rep, big, 1004, &e);
		if (got != 0)
			break;
	}
	is_int(got, -1, "feeding 80 x 1000 bytes fails");
	is_int(e.kind, ERR_PROTO, "reply over SMTP_REPLY_MAX -> ERR_PROTO");
	ok(i >= 60 && i <= 66, "failed at line %d (limit %d bytes)", i + 1, SMTP_REPLY_MAX);
	ok(rep.len < SMTP_REPLY_MAX && rep.text[rep.len] == '\0',
	    "text stays bounded and terminated (%zu)", rep.len);

	/* over SMTP_REPLY_MAX through smtp_reply_parse */
	pos = 0;
	for (i = 0; i < 70; i++) {
		pos += (size_t)sprintf(big + pos, "250%c", i == 69 ? ' ' : '-');
		memset(big + pos, 'y', 1000);
		pos += 1000;
		big[pos++] = '\n';
	}
	err_clear(&e);
	ok(smtp_reply_parse(big, pos, &rep, &e) == -1 && e.kind == ERR_PROTO,
	    "parse of a 70 KB reply -> ERR_PROTO");

	/* many short lines */
	err_clear(&e);
	smtp_reply_init(&rep);
	got = 0;
	for (i = 0; i < 30000 && got == 0; i++)
		got = smtp_reply_feed(&rep, "250-abc", 7, &e);
	is_int(got, -1, "30000 short continuation lines end in an error");
	free(big);
}

/* ------------------------------------------------------------ EHLO */
static const char postfix_ehlo[] =
	"250-mail.example.org\r\n"
	"250-PIPELINING\r\n"
	"250-SIZE 10240000\r\n"
	"250-VRFY\r\n"
	"250-ETRN\r\n"
	"250-STARTTLS\r\n"
	"250-AUTH PLAIN LOGIN\r\n"
	"250-AUTH=PLAIN LOGIN\r\n"
	"250-ENHANCEDSTATUSCODES\r\n"
	"250-8BITMIME\r\n"
	"250-DSN\r\n"
	"250-SMTPUTF8\r\n"
	"250 CHUNKING\r\n";

static int
ehlo(const char *s, struct err *e)
{
	if (parse(s, e) < 0) {
		diag("reply did not parse: %s", e->msg);
		return -2;
	}
	err_clear(e);
	return smtp_ehlo_parse(&rep, &ext, e);
}

static void
test_ehlo(void)
{
	static const struct {
		const char *name;
		unsigned bit;
	} bits[] = {
		{ "STARTTLS", SMTP_EXT_STARTTLS },
		{ "PIPELINING", SMTP_EXT_PIPELINING },
		{ "SIZE", SMTP_EXT_SIZE },
		{ "8BITMIME", SMTP_EXT_8BITMIME },
		{ "SMTPUTF8", SMTP_EXT_SMTPUTF8 },
		{ "CHUNKING", SMTP_EXT_CHUNKING },
		{ "DSN", SMTP_EXT_DSN },
		{ "AUTH", SMTP_EXT_AUTH },
		{ "ENHANCEDSTATUSCODES", SMTP_EXT_ENHANCEDSTATUSCODES },
	};
	struct err e;
	struct sbuf s;
	size_t i;
	int n;

	sbuf_init(&s);
	is_int(ehlo(postfix_ehlo, &e), 0, "Postfix EHLO parses");
	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		ok(ext.flags & bits[i].bit, "Postfix EHLO: %s flag", bits[i].name);
	is_int(ext.size, 10240000, "SIZE 10240000");
	is_str(ext.domain, "mail.example.org", "domain");
	ok(smtp_ext_auth_has(&ext, "PLAIN"), "AUTH has PLAIN");
	ok(smtp_ext_auth_has(&ext, "LOGIN"), "AUTH has LOGIN");
	ok(smtp_ext_auth_has(&ext, "plain"), "AUTH has plain (case-insensitive)");
	ok(smtp_ext_auth_has(&ext, "Login"), "AUTH has Login (case-insensitive)");
	ok(!smtp_ext_auth_has(&ext, "CRAM-MD5"), "AUTH lacks CRAM-MD5");
	ok(!smtp_ext_auth_has(&ext, "PLAI"), "AUTH: prefix PLAI is not PLAIN");
	ok(!smtp_ext_auth_has(&ext, "PLAINX"), "AUTH: PLAINX is not PLAIN");
	ok(!smtp_ext_auth_has(&ext, ""), "AUTH: empty mechanism not found");
	is_int(ext.kw.n, 12, "12 keyword lines (domain line excluded)");
	is_str(caps_find(&ext.kw, "SIZE"), "SIZE 10240000", "caps_find(SIZE)");
	is_str(caps_find(&ext.kw, "size"), "SIZE 10240000", "caps_find(size)");
	is_str(caps_find(&ext.kw, "AUTH"), "AUTH PLAIN LOGIN", "caps_find(AUTH)");
	is_str(caps_find(&ext.kw, "VRFY"), "VRFY", "caps_find(VRFY)");
	is_str(caps_find(&ext.kw, "ETRN"), "ETRN", "caps_find(ETRN)");
	is_str(caps_find(&ext.kw, "mail.example.org"), NULL,
	    "the domain is not a keyword");
	is_str(caps_find(&ext.kw, "SIZ"), NULL, "caps_find(SIZ) is not SIZE");
	is_str(caps_get(&ext.kw, 0), "PIPELINING", "first keyword");
	is_str(caps_get(&ext.kw, 11), "CHUNKING", "last keyword");
	n = caps_missing(&ext.kw, "STARTTLS,PIPELINING,SIZE,8BITMIME,SMTPUTF8,CHUNKING,DSN", &s);
	is_int(n, 0, "--require-ext list all present");
	sbuf_reset(&s);
	n = caps_missing(&ext.kw, "STARTTLS,BINARYMIME,DSN,REQUIRETLS", &s);
	is_int(n, 2, "two extensions missing");
	is_str(sbuf_str(&s), "BINARYMIME,REQUIRETLS", "missing list");

	/* same reply with bare LF */
	{
		char lf[sizeof(postfix_ehlo)];
		size_t o = 0;

		for (i = 0; postfix_ehlo[i]; i++)
			if (postfix_ehlo[i] != '\r')
				lf[o++] = postfix_ehlo[i];
		lf[o] = '\0';
		is_int(ehlo(lf, &e), 0, "Postfix EHLO with bare LF parses");
		is_int(ext.flags, 0x1ff, "bare LF: all nine flags");
		is_int(ext.kw.n, 12, "bare LF: 12 keywords");
	}

	/* greeting line only */
	is_int(ehlo("250 mail.example.org Hello client.example [192.0.2.7]\r\n", &e), 0,
	    "EHLO without extensions parses");
	is_str(ext.domain, "mail.example.org", "domain from a one-line EHLO");
	is_int(ext.flags, 0, "no extensions: no flags");
	is_int(ext.size, 0, "no extensions: size 0");
	is_int(ext.kw.n, 0, "no extensions: no keywords");
	is_str(ext.auth, "", "no extensions: no AUTH");
	ok(!smtp_ext_auth_has(&ext, "PLAIN"), "no extensions: no PLAIN");

	is_int(ehlo("250-mx.example Hi\r\n250 STARTTLS\r\n", &e), 0, "two-line EHLO");
	is_str(ext.domain, "mx.example", "domain is the first word only");
	is_int(ext.flags, SMTP_EXT_STARTTLS, "only STARTTLS");

	/* non-250 replies */
	is_int(ehlo("502 5.5.2 Error: command not recognized\r\n", &e), -1,
	    "EHLO 502 -> error");
	is_int(e.kind, ERR_PROTO, "EHLO 502 -> ERR_PROTO");
	is_int(ehlo("220 mail.example.org\r\n", &e), -1, "EHLO 220 -> error");
	is_int(ehlo("251 mail.example.org\r\n", &e), -1, "EHLO 251 -> error");
	is_int(ehlo("421 4.3.2 shutting down\r\n", &e), -1, "EHLO 421 -> error");

	/* lower case keywords and the old AUTH= form alone */
	is_int(ehlo("250-mx\r\n250-starttls\r\n250-size 1000\r\n250 auth=login plain\r\n", &e),
	    0, "lower-case EHLO parses");
	ok(ext.flags == (SMTP_EXT_STARTTLS | SMTP_EXT_SIZE | SMTP_EXT_AUTH),
	    "lower-case keywords set flags (0x%x)", ext.flags);
	is_int(ext.size, 1000, "size 1000");
	ok(smtp_ext_auth_has(&ext, "LOGIN") && smtp_ext_auth_has(&ext, "PLAIN"),
	    "old AUTH= form alone: LOGIN and PLAIN ('%s')", ext.auth);

	/* no false friends */
	is_int(ehlo("250-mx\r\n250-STARTTLSX\r\n250-XSIZE 5\r\n250-AUTHX PLAIN\r\n"
	    "250-X-DSN\r\n250 PIPELININGS\r\n", &e), 0, "look-alike keywords parse");
	is_int(ext.flags, 0, "look-alike keywords set no flags");
	is_int(ext.size, 0, "XSIZE is not SIZE");
	ok(!smtp_ext_auth_has(&ext, "PLAIN"), "AUTHX PLAIN is not AUTH");

	/* SIZE without a number (no limit announced) */
	is_int(ehlo("250-mx\r\n250 SIZE\r\n", &e), 0, "bare SIZE parses");
	ok(ext.flags & SMTP_EXT_SIZE, "bare SIZE: flag");
	is_int(ext.size, 0, "bare SIZE: size 0");
	is_int(ehlo("250-mx\r\n250 SIZE 0\r\n", &e), 0, "SIZE 0 parses");
	is_int(ext.size, 0, "SIZE 0: size 0");
	/* RFC 1870: size-param is digits only; a negative size is nonsense */
	n = ehlo("250-mx\r\n250 SIZE -5\r\n", &e);
	ok(n == -1 || ext.size >= 0, "SIZE -5: error or a size that is not negative "
	    "(rc %d, size %ld)", n, ext.size);

	/* empty keyword lines are skipped */
	is_int(ehlo("250-mx\r\n250-\r\n250-   \r\n250 DSN\r\n", &e), 0,
	    "empty keyword lines parse");
	is_int(ext.kw.n, 1, "empty keyword lines skipped");

	/* too many keywords -> ERR_PROTO */
	{
		static char many[CAPS_MAX * 16 + 64];
		size_t o = 0;
		int k;

		o += (size_t)sprintf(many + o, "250-mx\r\n");
		for (k = 0; k < CAPS_MAX + 1; k++)
			o += (size_t)sprintf(many + o, "250%cX-KW%d\r\n",
			    k == CAPS_MAX ? ' ' : '-', k);
		is_int(ehlo(many, &e), -1, "EHLO with %d keywords -> error", CAPS_MAX + 1);
		is_int(e.kind, ERR_PROTO, "too many keywords -> ERR_PROTO");
	}
	/* ... but exactly CAPS_MAX fit */
	{
		static char many[CAPS_MAX * 16 + 64];
		size_t o = 0;
		int k;

		o += (size_t)sprintf(many + o, "250-mx\r\n");
		for (k = 0; k < CAPS_MAX; k++)
			o += (size_t)sprintf(many + o, "250%cX-KW%d\r\n",
			    k == CAPS_MAX - 1 ? ' ' : '-', k);
		is_int(ehlo(many, &e), 0, "EHLO with %d keywords parses", CAPS_MAX);
		is_int(ext.kw.n, CAPS_MAX, "all %d kept", CAPS_MAX);
	}
	sbuf_free(&s);
}

int
main(void)
{
	test_good_replies();
	test_bad_replies();
	test_feed();
	test_ehlo();
	return done_testing();
}

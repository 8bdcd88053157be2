/* test_imap.c - IMAP response lines and capabilities (lib/imap.c, caps). */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "imap.h"
#include "tap.h"

static struct imap_resp resp;

static int
parse(const char *line, struct err *e)
{
	err_clear(e);
	return imap_resp_parse(line, strlen(line), &resp, e);
}

struct good_case {
	const char *line;
	enum imap_kind kind;
	enum imap_status status;
	const char *tag;
	const char *keyword;   /* NULL: not checked */
	const char *code;
	const char *text;
};

static const char *
kind_name(enum imap_kind k)
{
	switch (k) {
	case IMAP_UNTAGGED: return "untagged";
	case IMAP_TAGGED: return "tagged";
	case IMAP_CONTINUATION: return "continuation";
	}
	return "?";
}

static void
test_good(void)
{
	static const struct good_case cases[] = {
		{ "* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE "
		  "LITERAL+ STARTTLS AUTH=PLAIN] Dovecot ready.",
		  IMAP_UNTAGGED, IMAP_OK, "", "OK",
		  "CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE "
		  "LITERAL+ STARTTLS AUTH=PLAIN", "Dovecot ready." },
		{ "* OK Dovecot ready.", IMAP_UNTAGGED, IMAP_OK, "", "OK", "",
		  "Dovecot ready." },
		{ "* OK", IMAP_UNTAGGED, IMAP_OK, "", "OK", "", "" },
		{ "* ok lower case", IMAP_UNTAGGED, IMAP_OK, "", "OK", "", "lower case" },
		{ "* PREAUTH [CAPABILITY IMAP4rev1] Logged in as user",
		  IMAP_UNTAGGED, IMAP_PREAUTH, "", "PREAUTH", "CAPABILITY IMAP4rev1",
		  "Logged in as user" },
		{ "* BYE shutting down", IMAP_UNTAGGED, IMAP_BYE, "", "BYE", "",
		  "shutting down" },
		{ "* BYE [UNAVAILABLE] Server shutting down.", IMAP_UNTAGGED, IMAP_BYE,
		  "", "BYE", "UNAVAILABLE", "Server shutting down." },
		{ "* NO [ALERT] disk full", IMAP_UNTAGGED, IMAP_NO, "", "NO", "ALERT",
		  "disk full" },
		{ "* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED", IMAP_UNTAGGED,
		  IMAP_NONE, "", "CAPABILITY", "", "IMAP4rev1 STARTTLS LOGINDISABLED" },
		{ "* capability IMAP4rev1", IMAP_UNTAGGED, IMAP_NONE, "", "CAPABILITY",
		  "", "IMAP4rev1" },
		/* a '[' in a non-status response is not a response code */
		{ "* FLAGS [x] y", IMAP_UNTAGGED, IMAP_NONE, "", "FLAGS", "", "[x] y" },
		{ "A1 OK [CAPABILITY IMAP4rev1 SASL-IR SORT THREAD=REFERENCES] Logged in",
		  IMAP_TAGGED, IMAP_OK, "A1", "OK",
		  "CAPABILITY IMAP4rev1 SASL-IR SORT THREAD=REFERENCES", "Logged in" },
		{ "A2 NO [AUTHENTICATIONFAILED] Authentication failed.", IMAP_TAGGED,
		  IMAP_NO, "A2", "NO", "AUTHENTICATIONFAILED", "Authentication failed." },
		{ "A3 BAD Error in IMAP command", IMAP_TAGGED, IMAP_BAD, "A3", "BAD", "",
		  "Error in IMAP command" },
		{ "a4 ok done", IMAP_TAGGED, IMAP_OK, "a4", "OK", "", "done" },
		{ "mp.0001 OK done", IMAP_TAGGED, IMAP_OK, "mp.0001", "OK", "", "done" },
		{ "A5 OK", IMAP_TAGGED, IMAP_OK, "A5", "OK", "", "" },
		{ "A6 OK [READ-WRITE] Select completed (0.001 + 0.000 secs).",
		  IMAP_TAGGED, IMAP_OK, "A6", "OK", "READ-WRITE",
		  "Select completed (0.001 + 0.000 secs)." },
		{ "A7 NO []", IMAP_TAGGED, IMAP_NO, "A7", "NO", "", "" },
		{ "+ ", IMAP_CONTINUATION, IMAP_NONE, "", NULL, "", "" },
		{ "+", IMAP_CONTINUATION, IMAP_NONE, "", NULL, "", "" },
		{ "+ dXNlcm5hbWU6", IMAP_CONTINUATION, IMAP_NONE, "", NULL, "",
		  "dXNlcm5hbWU6" },
		{ "+ idling", IMAP_CONTINUATION, IMAP_NONE, "", NULL, "", "idling" },
		{ "* 3 EXISTS", IMAP_UNTAGGED, IMAP_NONE, "", NULL, "", NULL },
		{ "* OK tab\there", IMAP_UNTAGGED, IMAP_OK, "", "OK", "", "tab\there" },
		{ "* OK Gr\xc3\xbc\xc3\x9f" "e", IMAP_UNTAGGED, IMAP_OK, "", "OK", "",
		  "Gr\xc3\xbc\xc3\x9f" "e" },
	};
	struct err e;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct good_case *c = &cases[i];

		if (!is_int(parse(c->line, &e), 0, "parse '%.40s'", c->line)) {
			diag("error: %s", e.msg);
			continue;
		}
		ok(resp.kind == c->kind && resp.status == c->status,
		    "'%.40s': %s %s", c->line, kind_name(c->kind),
		    imap_status_name(c->status));
		if (c->kind == IMAP_TAGGED)
			is_str(resp.tag, c->tag, "'%.40s': tag", c->line);
		if (c->keyword)
			is_str(resp.keyword, c->keyword, "'%.40s': keyword", c->line);
		is_str(resp.code, c->code, "'%.40s': code", c->line);
		if (c->text)
			is_str(resp.text, c->text, "'%.40s': text", c->line);
	}

	is_str(imap_status_name(IMAP_OK), "OK", "imap_status_name OK");
	is_str(imap_status_name(IMAP_NO), "NO", "imap_status_name NO");
	is_str(imap_status_name(IMAP_BAD), "BAD", "imap_status_name BAD");
	is_str(imap_status_name(IMAP_PREAUTH), "PREAUTH", "imap_status_name PREAUTH");
	is_str(imap_status_name(IMAP_BYE), "BYE", "imap_status_name BYE");

	/* the length argument is honoured (no NUL needed after the line) */
	err_clear(&e);
	is_int(imap_resp_parse("A1 OK doneXXXX", 10, &resp, &e), 0, "parse LEN bytes only");
	is_str(resp.text, "done", "text stops at LEN");

	/* "* 3 EXISTS": the number comes before the data name (RFC 9051
	 * message-data / mailbox-data); imap.h says keyword is the "untagged
	 * data name" */
	parse("* 3 EXISTS", &e);
	is_str(resp.keyword, "EXISTS", "'* 3 EXISTS': keyword is the data name EXISTS");

	/* the longest line that fits */
	{
		static char line[IMAP_TEXT_MAX + 16];

		memcpy(line, "* OK ", 5);
		memset(line + 5, 'a', IMAP_TEXT_MAX - 1);
		line[5 + IMAP_TEXT_MAX - 1] = '\0';
		is_int(parse(line, &e), 0, "text of %d bytes fits", IMAP_TEXT_MAX - 1);
		is_int(strlen(resp.text), IMAP_TEXT_MAX - 1, "and is kept whole");
	}
}

static void
test_bad(void)
{
	static const struct {
		const char *line;
		size_t len;     /* 0: strlen */
		const char *what;
	} cases[] = {
		{ "", 0, "empty line" },
		{ "A1", 0, "tag alone" },
		{ "A1 ", 0, "tag and blank" },
		{ "*", 0, "star alone" },
		{ "* ", 0, "star and blank" },
		{ "A1 FOO bar", 0, "tagged FOO" },
		{ "A1 PREAUTH x", 0, "tagged PREAUTH" },
		{ "A1 BYE x", 0, "tagged BYE" },
		{ "A1 CAPABILITY IMAP4rev1", 0, "tagged data" },
		{ "A1 OKAY x", 0, "tagged OKAY" },
		{ "* OK [CAPABILITY IMAP4rev1", 0, "code without ']'" },
		{ "A1 NO [AUTHENTICATIONFAILED", 0, "tagged code without ']'" },
		{ "* OK hello\x01world", 0, "control character" },
		{ "* OK hello\rworld", 0, "CR" },
		{ "* OK hello\nworld", 0, "LF" },
		{ "* OK hello\x7f", 0, "DEL" },
		{ "* OK a\0b", 8, "NUL" },
		{ "+ a\x1b", 0, "control character in a continuation" },
		{ "A*1 OK x", 0, "tag with '*'" },
		{ "A(1 OK x", 0, "tag with '('" },
		{ "A)1 OK x", 0, "tag with ')'" },
		{ "A{1 OK x", 0, "tag with '{'" },
		{ "A%1 OK x", 0, "tag with '%'" },
		{ "A\"1 OK x", 0, "tag with '\"'" },
		{ "A\\1 OK x", 0, "tag with backslash" },
		{ "A]1 OK x", 0, "tag with ']'" },
		{ "** OK x", 0, "double star" },
		{ " A1 OK x", 0, "leading blank" },
		{ "A1  OK x", 0, "two blanks after the tag" },
		{ "A1\tOK x", 0, "tab after the tag" },
		{ "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA OK x", 0, "40-char tag" },
	};
	struct err e;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].line);

		err_clear(&e);
		ok(imap_resp_parse(cases[i].line, len, &resp, &e) == -1 &&
		    e.kind == ERR_PROTO && e.msg[0] != '\0',
		    "malformed (%s) -> ERR_PROTO", cases[i].what);
	}

	/* text over IMAP_TEXT_MAX */
	{
		static char line[IMAP_TEXT_MAX + 64];

		memcpy(line, "* OK ", 5);
		memset(line + 5, 'a', IMAP_TEXT_MAX + 10);
		line[5 + IMAP_TEXT_MAX + 10] = '\0';
		ok(parse(line, &e) == -1 && e.kind == ERR_PROTO,
		    "text over IMAP_TEXT_MAX -> ERR_PROTO");
		memcpy(line, "+ ", 2);
		memset(line + 2, 'b', IMAP_TEXT_MAX + 10);
		line[2 + IMAP_TEXT_MAX + 10] = '\0';
		ok(parse(line, &e) == -1 && e.kind == ERR_PROTO,
		    "continuation over IMAP_TEXT_MAX -> ERR_PROTO");
	}
	/* a response code over IMAP_TEXT_MAX: STYLE.md, overflow is a PROTO
	 * error, never silent truncation */
	{
		static char line[IMAP_TEXT_MAX + 64];
		size_t o = 0;
		int rc;

		memcpy(line, "* OK [", 6);
		o = 6;
		memset(line + o, 'c', IMAP_TEXT_MAX + 10);
		o += IMAP_TEXT_MAX + 10;
		memcpy(line + o, "] hi", 5);
		rc = parse(line, &e);
		ok(rc == -1 && e.kind == ERR_PROTO,
		    "response code over IMAP_TEXT_MAX -> ERR_PROTO (rc %d, code len %zu)",
		    rc, strlen(resp.code));
	}
}

static void
test_caps(void)
{
	struct caps c;
	struct sbuf s;
	struct err e;
	int n;

	sbuf_init(&s);

	/* from the greeting's response code */
	parse("* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE "
	    "LITERAL+ STARTTLS AUTH=PLAIN] Dovecot ready.", &e);
	caps_init(&c);
	err_clear(&e);
	is_int(imap_code_caps(resp.code, &c, &e), 1, "imap_code_caps on CAPABILITY code -> 1");
	is_int(c.n, 9, "9 capabilities");
	is_str(caps_get(&c, 0), "IMAP4rev1", "first capability");
	is_str(caps_get(&c, 8), "AUTH=PLAIN", "last capability");
	is_str(caps_get(&c, 9), NULL, "caps_get past the end -> NULL");
	is_str(caps_get(&c, -1), NULL, "caps_get(-1) -> NULL");
	ok(caps_has(&c, "AUTH=PLAIN"), "caps_has AUTH=PLAIN");
	ok(caps_has(&c, "auth=plain"), "caps_has auth=plain (case-insensitive)");
	ok(caps_has(&c, "imap4REV1"), "caps_has imap4REV1 (case-insensitive)");
	ok(caps_has(&c, "LITERAL+"), "caps_has LITERAL+");
	ok(!caps_has(&c, "LITERAL"), "LITERAL is not LITERAL+");
	ok(!caps_has(&c, "AUTH"), "AUTH is not AUTH=PLAIN");
	ok(!caps_has(&c, "AUTH=LOGIN"), "no AUTH=LOGIN");
	ok(!caps_has(&c, "LOGINDISABLED"), "no LOGINDISABLED");
	ok(!caps_has(&c, "IMAP4"), "IMAP4 is not IMAP4rev1");
	ok(!caps_has(&c, ""), "empty name not found");
	n = caps_missing(&c, "IMAP4rev1,IDLE,NOPE", &s);
	is_int(n, 1, "caps_missing IMAP4rev1,IDLE,NOPE -> 1");
	is_str(sbuf_str(&s), "NOPE", "missing: NOPE");
	sbuf_reset(&s);
	n = caps_missing(&c, " idle , STARTTLS ,, X1 X2", &s);
	is_int(n, 2, "caps_missing with blanks and empty items -> 2");
	is_str(sbuf_str(&s), "X1,X2", "missing: X1,X2");
	sbuf_reset(&s);
	is_int(caps_missing(&c, "", &s), 0, "empty list: nothing missing");
	sbuf_reset(&s);
	caps_join(&c, &s, " ");
	is_str(sbuf_str(&s), "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE "
	    "LITERAL+ STARTTLS AUTH=PLAIN", "caps_join");

	/* other codes */
	caps_init(&c);
	is_int(imap_code_caps("AUTHENTICATIONFAILED", &c, &e), 0, "other code -> 0");
	is_int(imap_code_caps("", &c, &e), 0, "empty code -> 0");
	is_int(imap_code_caps("CAPABILITYX A", &c, &e), 0, "CAPABILITYX -> 0");
	is_int(imap_code_caps("READ-WRITE", &c, &e), 0, "READ-WRITE -> 0");
	is_int(c.n, 0, "no capabilities added by other codes");
	is_int(imap_code_caps("capability imap4rev1 idle", &c, &e), 1,
	    "lower-case capability code -> 1");
	is_int(c.n, 2, "two capabilities");
	is_int(imap_code_caps("CAPABILITY", &c, &e), 1, "CAPABILITY with no atoms -> 1");
	is_int(c.n, 2, "nothing added (imap_code_caps appends)");
	ok(imap_code_is_caps("CAPABILITY IMAP4rev1 IDLE"), "imap_code_is_caps: CAPABILITY list");
	ok(imap_code_is_caps("capability"), "imap_code_is_caps: bare, lower case");
	ok(!imap_code_is_caps("CAPABILITYX A"), "imap_code_is_caps: CAPABILITYX is not");
	ok(!imap_code_is_caps(""), "imap_code_is_caps: empty code is not");
	ok(!imap_code_is_caps("READ-WRITE"), "imap_code_is_caps: READ-WRITE is not");

	/* the untagged CAPABILITY response */
	parse("* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED", &e);
	caps_init(&c);
	is_int(imap_caps_parse(resp.text, strlen(resp.text), &c, &e), 0,
	    "imap_caps_parse on '* CAPABILITY' text");
	is_int(c.n, 3, "3 capabilities");
	ok(caps_has(&c, "LOGINDISABLED") && caps_has(&c, "starttls"),
	    "LOGINDISABLED and STARTTLS");
	is_int(imap_caps_parse("  A   B  ", 9, &c, &e), 0, "extra blanks parse");
	is_int(c.n, 5, "extra blanks: two more atoms");
	is_str(caps_get(&c, 4), "B", "atom without blanks");
	is_int(imap_caps_parse("", 0, &c, &e), 0, "empty list parses");
	is_int(c.n, 5, "empty list adds nothing");

	/* too many capabilities -> ERR_PROTO */
	{
		struct sbuf big;
		int k;

		sbuf_init(&big);
		for (k = 0; k < CAPS_MAX + 5; k++)
			sbuf_printf(&big, "X-CAP%d ", k);
		caps_init(&c);
		err_clear(&e);
		is_int(imap_caps_parse(big.s, big.len, &c, &e), -1,
		    "%d capabilities -> error", CAPS_MAX + 5);
		is_int(e.kind, ERR_PROTO, "capability overflow -> ERR_PROTO");
		sbuf_reset(&big);
		sbuf_add(&big, "CAPABILITY");
		for (k = 0; k < CAPS_MAX + 1; k++)
			sbuf_printf(&big, " X-CAP%d", k);
		caps_init(&c);
		err_clear(&e);
		is_int(imap_code_caps(sbuf_str(&big), &c, &e), -1,
		    "imap_code_caps overflow -> -1");
		is_int(e.kind, ERR_PROTO, "imap_code_caps overflow -> ERR_PROTO");
		sbuf_free(&big);
	}
	sbuf_free(&s);
}

/* LOGIN's quoted strings: '\\' and '"' escaped; CR, LF and short buffers refused */
static void
test_quote(void)
{
	char out[16];

	is_int(imap_quote("pw", out, sizeof(out)), 0, "quote: plain");
	is_str(out, "\"pw\"", "quote: in quotes");
	is_int(imap_quote("a\"b\\c", out, sizeof(out)), 0, "quote: \" and \\");
	is_str(out, "\"a\\\"b\\\\c\"", "quote: escaped with a backslash");
	is_int(imap_quote("a\rb", out, sizeof(out)), -1, "quote: CR refused");
	is_int(imap_quote("a\nb", out, sizeof(out)), -1, "quote: LF refused");
	is_int(imap_quote("0123456789abcdef", out, sizeof(out)), -1, "quote: too long for OUT");
	is_int(imap_quote("", out, 2), -1, "quote: OUT under 3 bytes");
}

/* issue 21: the data of LIST, STATUS, QUOTAROOT, QUOTA, FETCH */
static void
test_health(void)
{
	struct imap_list l;
	struct imap_status_data st;
	struct imap_quotaroot qr;
	struct imap_quota q;
	struct err e;
	long long t;
	unsigned long long n;
	char out[256];
	size_t olen;
	static const struct {
		const char *text;
		int rc;
		const char *name;
		char delim;
		int noselect;
	} lists[] = {
		{ "(\\HasNoChildren) \".\" INBOX", 0, "INBOX", '.', 0 },
		{ "(\\HasNoChildren \\Junk) \"/\" \"Junk\"", 0, "Junk", '/', 0 },
		{ "(\\Noselect \\HasChildren) \"/\" \"Archive\"", 0, "Archive", '/', 1 },
		{ "(\\NonExistent) NIL \"x\"", 0, "x", '\0', 1 },
		{ "() \".\" \"Entw&APw-rfe\"", 0, "Entw&APw-rfe", '.', 0 },
		{ "() \".\" \"a \\\"q\\\" b\"", 0, "a \"q\" b", '.', 0 },
		{ "() \".\" \"\"", 0, "", '.', 0 },
		{ "\\HasNoChildren \".\" INBOX", -1, NULL, 0, 0 },
		{ "() \".\"", -1, NULL, 0, 0 },
		{ "() \"..\" x", -1, NULL, 0, 0 },
		{ "() \".\" \"unterminated", -1, NULL, 0, 0 },
		{ "(", -1, NULL, 0, 0 },
	};
	static const struct {
		const char *text;
		int rc;
		const char *name;
		long messages, unseen, recent;   /* -1: absent */
	} statuses[] = {
		{ "INBOX (MESSAGES 3 UNSEEN 1 RECENT 0)", 0, "INBOX", 3, 1, 0 },
		{ "\"Entw&APw-rfe\" (MESSAGES 0)", 0, "Entw&APw-rfe", 0, -1, -1 },
		{ "INBOX (UIDNEXT 5 MESSAGES 4294967295 SIZE 123456789012)", 0, "INBOX",
		  4294967295L, -1, -1 },
		{ "INBOX ()", 0, "INBOX", -1, -1, -1 },
		{ "INBOX (MESSAGES 4294967296)", -1, NULL, 0, 0, 0 },
		{ "INBOX (MESSAGES 99999999999999999999)", -1, NULL, 0, 0, 0 },
		{ "INBOX (MESSAGES -1)", -1, NULL, 0, 0, 0 },
		{ "INBOX (MESSAGES)", -1, NULL, 0, 0, 0 },
		{ "INBOX (MESSAGES 3", -1, NULL, 0, 0, 0 },
		{ "INBOX MESSAGES 3", -1, NULL, 0, 0, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		err_clear(&e);
		is_int(imap_list_parse(lists[i].text, &l, &e), lists[i].rc, "LIST %s", lists[i].text);
		if (lists[i].rc == 0) {
			is_str(l.name, lists[i].name, "LIST %s: name", lists[i].text);
			is_int(l.delim, lists[i].delim, "LIST %s: delimiter", lists[i].text);
			is_int(l.noselect, lists[i].noselect, "LIST %s: noselect", lists[i].text);
		} else {
			is_int(e.kind, ERR_PROTO, "LIST %s: ERR_PROTO", lists[i].text);
		}
	}
	for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
		err_clear(&e);
		is_int(imap_status_data_parse(statuses[i].text, &st, &e), statuses[i].rc,
		    "STATUS %s", statuses[i].text);
		if (statuses[i].rc != 0) {
			is_int(e.kind, ERR_PROTO, "STATUS %s: ERR_PROTO", statuses[i].text);
			continue;
		}
		is_str(st.name, statuses[i].name, "STATUS %s: name", statuses[i].text);
		is_int(st.have_messages ? (long long)st.messages : -1, statuses[i].messages,
		    "STATUS %s: MESSAGES", statuses[i].text);
		is_int(st.have_unseen ? (long long)st.unseen : -1, statuses[i].unseen,
		    "STATUS %s: UNSEEN", statuses[i].text);
		is_int(st.have_recent ? (long long)st.recent : -1, statuses[i].recent,
		    "STATUS %s: RECENT", statuses[i].text);
	}
	err_clear(&e);
	is_int(imap_quotaroot_parse("INBOX \"User quota\"", &qr, &e), 0, "QUOTAROOT: Dovecot");
	is_int(qr.nroots, 1, "QUOTAROOT: one root");
	is_str(qr.roots[0], "User quota", "QUOTAROOT: its name");
	is_int(imap_quotaroot_parse("INBOX", &qr, &e), 0, "QUOTAROOT: no root");
	is_int(qr.nroots, 0, "QUOTAROOT: none");
	is_int(imap_quotaroot_parse("INBOX \"\" user.x a b c d e f g h", &qr, &e), 0,
	    "QUOTAROOT: many roots");
	is_int(qr.nroots, IMAP_QUOTAROOTS_MAX, "QUOTAROOT: bounded");
	is_int(qr.more, 1, "QUOTAROOT: more noted");
	is_str(qr.roots[0], "", "QUOTAROOT: the root \"\"");
	is_int(imap_quotaroot_parse("INBOX \"open", &qr, &e), -1, "QUOTAROOT: malformed");
	err_clear(&e);
	is_int(imap_quota_parse("\"User quota\" (STORAGE 10 100 MESSAGE 3 50)", &q, &e), 0,
	    "QUOTA: Dovecot");
	is_str(q.root, "User quota", "QUOTA: root");
	is_int(q.n, 2, "QUOTA: two resources");
	is_str(q.res[0].name, "STORAGE", "QUOTA: STORAGE");
	is_int((long long)q.res[0].usage, 10, "QUOTA: usage");
	is_int((long long)q.res[0].limit, 100, "QUOTA: limit");
	is_str(q.res[1].name, "MESSAGE", "QUOTA: MESSAGE");
	is_int((long long)q.res[1].limit, 50, "QUOTA: message limit");
	is_int(imap_quota_parse("\"\" (storage 9223372036854775807 9223372036854775807)", &q, &e),
	    0, "QUOTA: number64 at its top");
	is_str(q.res[0].name, "STORAGE", "QUOTA: name upper-cased");
	is_int(imap_quota_parse("\"\" ()", &q, &e), 0, "QUOTA: no resources");
	is_int(q.n, 0, "QUOTA: none");
	is_int(imap_quota_parse("\"\" (STORAGE 9223372036854775808 1)", &q, &e), -1,
	    "QUOTA: past number64");
	is_int(imap_quota_parse("\"\" (STORAGE 1)", &q, &e), -1, "QUOTA: no limit");
	is_int(imap_quota_parse("\"\" STORAGE 1 2", &q, &e), -1, "QUOTA: no list");
	is_int(imap_quota_parse("\"\" (STORAGE 1 2", &q, &e), -1, "QUOTA: no ')'");

	is_int(imap_datetime_parse("05-Dec-2026 09:00:00 +0000", 26, &t), 0, "date-time");
	is_int(t, 1796461200LL, "date-time: 2026-12-05 09:00 UTC");
	is_int(imap_datetime_parse(" 5-Dec-2026 10:00:00 +0100", 26, &t), 0,
	    "date-time: space-padded day, +0100");
	is_int(t, 1796461200LL, "date-time: the same instant");
	is_int(imap_datetime_parse("01-Jan-1970 00:00:00 -0130", 26, &t), 0, "date-time: -0130");
	is_int(t, 5400, "date-time: 1.5 h after the epoch");
	is_int(imap_datetime_parse("29-Feb-2024 23:59:59 +0000", 26, &t), 0, "leap day");
	is_int(t, 1709251199LL, "leap day: its value");
	is_int(imap_datetime_parse("05-Foo-2026 09:00:00 +0000", 26, &t), -1, "bad month");
	is_int(imap_datetime_parse("05-Dec-2026 24:00:00 +0000", 26, &t), -1, "bad hour");
	is_int(imap_datetime_parse("05-Dec-2026 09:00:00", 20, &t), -1, "no zone");
	is_int(imap_datetime_parse("05-Dec-2026 09:00:00 +0000x", 27, &t), -1, "trailing text");
	err_clear(&e);
	is_int(imap_fetch_internaldate("(INTERNALDATE \"05-Dec-2026 09:00:00 +0000\")", &t, &e),
	    1, "FETCH INTERNALDATE");
	is_int(t, 1796461200LL, "FETCH INTERNALDATE: value");
	is_int(imap_fetch_internaldate("(UID 4 INTERNALDATE \"05-Dec-2026 09:00:00 +0000\" "
	    "FLAGS (\\Seen))", &t, &e), 1, "FETCH INTERNALDATE among others");
	is_int(imap_fetch_internaldate("(FLAGS (\\Seen))", &t, &e), 0, "FETCH without it");
	is_int(imap_fetch_internaldate("(INTERNALDATE NIL)", &t, &e), -1, "FETCH INTERNALDATE NIL");

	is_int(imap_literal_size("* LIST () \".\" {5}", 17, &n), 1, "literal {5}");
	is_int((long long)n, 5, "literal size");
	is_int(imap_literal_size("* 1 FETCH (BODY[] {10485760+}", 29, &n), 1, "literal {N+}");
	is_int((long long)n, 10485760, "literal+ size");
	is_int(imap_literal_size("* SEARCH {99999999999999999999999}", 34, &n), 1, "huge literal");
	ok(n == ~0ULL, "huge literal saturates");
	is_int(imap_literal_size("* OK {x}", 8, &n), 0, "{x} is no literal");
	is_int(imap_literal_size("* OK {}", 7, &n), 0, "{} is no literal");
	is_int(imap_literal_size("* OK done", 9, &n), 0, "no literal");
	err_clear(&e);
	is_int(imap_literal_inline("* LIST () \".\" {6}", 17, "a \"b\"cx", 7, out, sizeof(out),
	    &olen, &e), 0, "inline a literal");
	is_str(out, "* LIST () \".\" \"a \\\"b\\\"c\"x", "inline: quoted, rest kept");
	is_int((long long)olen, (long long)strlen(out), "inline: length");
	is_int(imap_literal_inline("* LIST () \".\" {9}", 17, "short", 5, out, sizeof(out),
	    &olen, &e), -1, "inline: literal longer than the line");
	is_int(imap_literal_inline("* LIST () \".\" {5}", 17, "abcde", 5, out, 10,
	    &olen, &e), -1, "inline: bounded output");
}

int
main(void)
{
	test_health();
	test_quote();
	test_good();
	test_bad();
	test_caps();
	return done_testing();
}

/* test_smtp_msg.c - check_smtp_tx's test message (lib/smtp_msg): the token,
 * the headers, the body and padding, CRLF and dot-stuffing, table-driven. */
#include <config.h>

#include <string.h>

#include "smtp_msg.h"
#include "tap.h"

#define TOKEN "mp-1700000000-0001020304050607"
#define MAILER "X-Mailer: " PACKAGE_NAME " " PACKAGE_VERSION " (check_smtp_tx)\r\n"
#define HEAD_END "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n" MAILER
#define SENT "This message was sent by check_smtp_tx (mailprobe) to prove that " \
	"this server accepts mail.\r\nToken: " TOKEN "\r\n"
#define PAD "mailprobe padding ..........................................................\r\n"

static const char *const one_rcpt[] = { "a@example.org" };
static const char *const two_rcpt[] = { "a@example.org", "b@example.net" };
static const char *const hdrs[] = { "X-Probe: 1", "X-Other: two words" };

static const struct {
	const char *name;
	const char *from, *helo;
	const char *const *rcpt;
	int nrcpt;
	const char *const *headers;
	int nheaders;
	const char *body;           /* NUL-terminated here, passed with its length */
	long size;
	const char *want;
} cases[] = {
	{ "null sender, address literal HELO", NULL, "[192.0.2.1]", one_rcpt, 1, NULL, 0,
	  NULL, 0,
	  "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\nFrom: <mailprobe@invalid>\r\n"
	  "To: <a@example.org>\r\nSubject: mailprobe test " TOKEN "\r\n"
	  "Message-ID: <" TOKEN "@mailprobe.invalid>\r\n" HEAD_END "\r\n" SENT ".\r\n" },
	{ "-f '' is the null sender too, no HELO", "", NULL, one_rcpt, 1, NULL, 0,
	  NULL, 0,
	  "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\nFrom: <mailprobe@invalid>\r\n"
	  "To: <a@example.org>\r\nSubject: mailprobe test " TOKEN "\r\n"
	  "Message-ID: <" TOKEN "@mailprobe.invalid>\r\n" HEAD_END "\r\n" SENT ".\r\n" },
	{ "sender, two recipients, HELO name, headers", "me@example.org", "probe.example.org",
	  two_rcpt, 2, hdrs, 2, NULL, 0,
	  "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\nFrom: <me@example.org>\r\n"
	  "To: <a@example.org>, <b@example.net>\r\nSubject: mailprobe test " TOKEN "\r\n"
	  "Message-ID: <" TOKEN "@probe.example.org>\r\n" HEAD_END
	  "X-Probe: 1\r\nX-Other: two words\r\n\r\n" SENT ".\r\n" },
	{ "body: LF and CRLF lines, dots doubled, last line ended", NULL, NULL, one_rcpt, 1,
	  NULL, 0, "line 1\n.hidden\r\n..two\nno newline", 0,
	  "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\nFrom: <mailprobe@invalid>\r\n"
	  "To: <a@example.org>\r\nSubject: mailprobe test " TOKEN "\r\n"
	  "Message-ID: <" TOKEN "@mailprobe.invalid>\r\n" HEAD_END "\r\n" SENT
	  "line 1\r\n..hidden\r\n...two\r\nno newline\r\n.\r\n" },
	{ "a lone dot in the body is stuffed, not the end", NULL, NULL, one_rcpt, 1, NULL, 0,
	  ".\n", 0,
	  "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\nFrom: <mailprobe@invalid>\r\n"
	  "To: <a@example.org>\r\nSubject: mailprobe test " TOKEN "\r\n"
	  "Message-ID: <" TOKEN "@mailprobe.invalid>\r\n" HEAD_END "\r\n" SENT "..\r\n.\r\n" },
	{ "--size pads to at least SIZE bytes of text", NULL, NULL, one_rcpt, 1, NULL, 0,
	  NULL, 600,
	  "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\nFrom: <mailprobe@invalid>\r\n"
	  "To: <a@example.org>\r\nSubject: mailprobe test " TOKEN "\r\n"
	  "Message-ID: <" TOKEN "@mailprobe.invalid>\r\n" HEAD_END "\r\n" SENT
	  PAD PAD PAD ".\r\n" },
};

int
main(void)
{
	const unsigned char rnd[SMTP_MSG_RANDOM] = { 0, 1, 2, 3, 4, 5, 6, 7 };
	const unsigned char ff[SMTP_MSG_RANDOM] = { 255, 254, 16, 15, 0, 0, 0, 171 };
	char token[SMTP_MSG_TOKEN_MAX];
	struct sbuf out;
	struct err e;
	size_t i;

	smtp_msg_token(token, sizeof(token), 1700000000, rnd);
	is_str(token, TOKEN, "token: the time and the random bytes in hex");
	smtp_msg_token(token, sizeof(token), 0, ff);
	is_str(token, "mp-0-fffe100f000000ab", "token: two hex digits a byte, leading zeros kept");

	sbuf_init(&out);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct smtp_msg_in in;

		memset(&in, 0, sizeof(in));
		in.token = TOKEN;
		in.date = 1700000000;
		in.from = cases[i].from;
		in.helo = cases[i].helo;
		in.rcpt = cases[i].rcpt;
		in.nrcpt = cases[i].nrcpt;
		in.headers = cases[i].headers;
		in.nheaders = cases[i].nheaders;
		in.body = cases[i].body;
		in.body_len = cases[i].body ? strlen(cases[i].body) : 0;
		in.size = cases[i].size;
		sbuf_add(&out, "left over from the last message");
		err_clear(&e);
		is_int(smtp_msg_build(&in, &out, &e), 0, "%s: built", cases[i].name);
		is_str(sbuf_str(&out), cases[i].want, "%s", cases[i].name);
	}
	sbuf_free(&out);
	return done_testing();
}

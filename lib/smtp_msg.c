/* smtp_msg.c - see smtp_msg.h */
#include <config.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "smtp_msg.h"

static void smtp_msg_text(const struct smtp_msg_in *in, struct sbuf *raw);
static void smtp_msg_wire(const char *text, struct sbuf *out);

void
smtp_msg_token(char *buf, size_t cap, time_t now,
    const unsigned char rnd[SMTP_MSG_RANDOM])
{
	snprintf(buf, cap, "mp-%lld-%02x%02x%02x%02x%02x%02x%02x%02x",
	    (long long)now, rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]);
}

/* The message as text with LF line endings: headers, token, body, padding. */
static void
smtp_msg_text(const struct smtp_msg_in *in, struct sbuf *raw)
{
	char date[64];
	struct tm tm;
	int i;

	gmtime_r(&in->date, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	sbuf_printf(raw, "Date: %s\n", date);
	sbuf_printf(raw, "From: <%s>\n", in->from && *in->from ? in->from : "mailprobe@invalid");
	sbuf_add(raw, "To: ");
	for (i = 0; i < in->nrcpt; i++)
		sbuf_printf(raw, "%s<%s>", i ? ", " : "", in->rcpt[i]);
	sbuf_printf(raw, "\nSubject: mailprobe test %s\n", in->token);
	sbuf_printf(raw, "Message-ID: <%s@%s>\n", in->token,
	    in->helo && in->helo[0] != '[' ? in->helo : "mailprobe.invalid");
	sbuf_add(raw, "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n");
	sbuf_printf(raw, "X-Mailer: %s %s (check_smtp_tx)\n", PACKAGE_NAME, PACKAGE_VERSION);
	for (i = 0; i < in->nheaders; i++)
		sbuf_printf(raw, "%s\n", in->headers[i]);
	sbuf_printf(raw, "\nThis message was sent by check_smtp_tx (mailprobe) to prove "
	    "that this server accepts mail.\nToken: %s\n", in->token);
	if (in->body) {
		sbuf_addn(raw, in->body, in->body_len);
		if (raw->len && raw->s[raw->len - 1] != '\n')
			sbuf_addc(raw, '\n');
	}
	while ((long)raw->len < in->size) {
		/* 76 characters a line, well under the 998 of RFC 5322 */
		sbuf_add(raw, "mailprobe padding ..........................................................\n");
	}
}

/* TEXT on the wire: CRLF line endings, leading dots doubled (RFC 5321
 * §4.5.2), the final dot. */
static void
smtp_msg_wire(const char *text, struct sbuf *out)
{
	const char *line;

	for (line = text; line && *line;) {
		const char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);

		if (n > 0 && line[n - 1] == '\r')
			n--;
		if (line[0] == '.')
			sbuf_addc(out, '.');
		sbuf_addn(out, line, n);
		sbuf_add(out, "\r\n");
		line = nl ? nl + 1 : NULL;
	}
	sbuf_add(out, ".\r\n");
}

int
smtp_msg_build(const struct smtp_msg_in *in, struct sbuf *out, struct err *e)
{
	struct sbuf raw;

	sbuf_init(&raw);
	smtp_msg_text(in, &raw);
	if (raw.failed) {
		sbuf_free(&raw);
		return err_set(e, ERR_INTERNAL, "out of memory building the message");
	}
	sbuf_reset(out);
	smtp_msg_wire(raw.s, out);
	sbuf_free(&raw);
	return out->failed ? err_set(e, ERR_INTERNAL, "out of memory") : 0;
}

/* reply.c - check_smtp_tx's replies: --expect-reply (which codes a phase
 * expects), the verdict on each reply, the errors that quote it, and the
 * reading and sending that every step shares. */
#include <config.h>

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "conn.h"
#include "smtp_tx.h"

/* ------------------------------------------------------------ --expect-reply */

/* The phase of smtp_phases called NAME (N bytes), or PHASE_NONE. */
static enum phase_id
smtp_phase_id(const char *name, size_t n)
{
	const char *t;
	int i;

	for (i = 0; smtp_phases[i] != PHASE_NONE; i++) {
		t = phase_name(smtp_phases[i]);
		if (strlen(t) == n && strncmp(t, name, n) == 0)
			return smtp_phases[i];
	}
	return PHASE_NONE;
}

/* "rcpt=5xx,421" */
int
smtp_expect_parse(struct smtp_config *c, const char *arg, struct err *e)
{
	const char *eq = strchr(arg, '='), *p;
	struct smtp_expect *x;

	if (c->nexpects >= SMTP_EXPECT_MAX)
		return err_set(e, ERR_USAGE, "too many --expect-reply options");
	if (eq == NULL)
		return err_set(e, ERR_USAGE, "--expect-reply needs PHASE=CODES, e.g. rcpt=5xx");
	x = &c->expects[c->nexpects];
	x->phase = smtp_phase_id(arg, (size_t)(eq - arg));
	if (!phase_has_reply(x->phase))   /* not dns, connect, tls */
		return err_set(e, ERR_USAGE, "--expect-reply: unknown phase '%.*s' "
		    "(banner, ehlo, starttls, auth, mail, rcpt, data, datasent, quit)",
		    (int)(eq - arg), arg);
	p = eq + 1;
	if (*p == '\0' || strlen(p) >= sizeof(x->codes))
		return err_set(e, ERR_USAGE, "--expect-reply: no codes after '='");
	while (*p) {
		size_t n = strcspn(p, ",");

		if (n != 3 || p[0] < '2' || p[0] > '5' ||
		    !(isdigit((unsigned char)p[1]) || p[1] == 'x' || p[1] == 'X') ||
		    !(isdigit((unsigned char)p[2]) || p[2] == 'x' || p[2] == 'X'))
			return err_set(e, ERR_USAGE, "--expect-reply: '%.*s' is not a reply "
			    "code (550, 5xx, 55x)", (int)n, p);
		p += n;
		if (*p == ',')
			p++;
	}
	snprintf(x->codes, sizeof(x->codes), "%s", eq + 1);
	c->nexpects++;
	return 0;
}

/* -1: no expectation for PHASE; 1: CODE matches it; 0: it does not. */
int
smtp_expected(const struct smtp_check *s, enum phase_id phase, int code)
{
	char c[4];
	int i, any = 0;

	snprintf(c, sizeof(c), "%03d", code);
	for (i = 0; i < s->cfg->nexpects; i++) {
		const char *p = s->cfg->expects[i].codes;

		if (s->cfg->expects[i].phase != phase)
			continue;
		any = 1;
		while (*p) {
			int k, ok = 1;

			for (k = 0; k < 3; k++)
				if (p[k] != 'x' && p[k] != 'X' && p[k] != c[k])
					ok = 0;
			if (ok)
				return 1;
			p += 3;
			if (*p == ',')
				p++;
		}
	}
	return any ? 0 : -1;
}


/* ------------------------------------------------------------ helpers */

/* ERR_REJECTED with our words (FMT) and the last reply as the server's
 * words; CODE decides the state (4xx WARNING, else CRITICAL). Returns -1. */
int
smtp_reply_error(struct smtp_check *s, struct err *e, int code, const char *fmt, ...)
{
	char tmp[ERR_REPLY_MAX];
	va_list ap;

	err_clear(e);
	e->kind = ERR_REJECTED;
	e->reply_code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	snprintf(tmp, sizeof(tmp), "%d %.*s", s->reply.code, (int)s->reply.len, s->reply.text);
	err_set_reply(e, tmp, strlen(tmp));
	return -1;
}

/* The last reply as an error about WHAT: ERR_REJECTED with its code. */
int
smtp_rejected(struct smtp_check *s, const char *what, struct err *e)
{
	if (s->reply.code == 421)
		return smtp_reply_error(s, e, 421, "service not available (421) in phase %s",
		    phase_current(&s->p.phases));
	return smtp_reply_error(s, e, s->reply.code, "%s rejected", what);
}

/* Judge the last reply in PHASE to WHAT: OK when it is one of the codes
 * the protocol wants (first digit in OKDIGITS) and no --expect-reply says
 * otherwise. Returns 0 to go on, 1 when an expected refusal ends the
 * transaction (OK), -1 with *e set. */
int
smtp_judge(struct smtp_check *s, enum phase_id phase, const char *what,
    const char *okdigits, struct err *e)
{
	int x = smtp_expected(s, phase, s->reply.code);
	int good = strchr(okdigits, '0' + s->reply.code / 100) != NULL;

	if (x == 1 && good)
		return 0;
	if (x == 1) {
		result_detail(&s->p.res, "%s refused as expected: %d %.*s", what,
		    s->reply.code, (int)smtp_reply_line1_len(&s->reply), s->reply.text);
		s->stop = 1;
		return 1;
	}
	if (x == 0) {
		int i;

		for (i = 0; i < s->cfg->nexpects; i++)
			if (s->cfg->expects[i].phase == phase)
				break;
		/* an unexpected answer is CRITICAL, whatever its class */
		return smtp_reply_error(s, e, 500, "%s answered %d but %s was expected",
		    what, s->reply.code, s->cfg->expects[i].codes);
	}
	if (good)
		return 0;
	return smtp_rejected(s, what, e);
}

/* Read a reply that may be one of a pipelined group. */
int
smtp_read_reply_p(struct smtp_check *s, struct err *e)
{
	if (s->pending > 0)
		s->pending--;
	return smtp_read_reply(&s->p.conn, &s->reply, e);
}

/* After a failure inside a pipelined group, read the replies still on
 * their way so that QUIT gets its own reply. Returns -1 when the session
 * must be dropped instead (a 354 we did not ask for: hanging up is the
 * only way to deliver nothing, RFC 5321 §3.3). Best effort: errors here
 * add nothing to the verdict. */
int
smtp_drain(struct smtp_check *s)
{
	struct err e;

	err_clear(&e);
	while (s->pending > 0) {
		if (smtp_read_reply_p(s, &e) < 0)
			return -1;
		if (s->pending == 0 && s->reply.code == 354)
			return -1;
	}
	return 0;
}

/* "MAIL FROM:<sender>" (-f, else the null sender) into CMD. */
void
smtp_mail_cmd(const struct smtp_check *s, char *cmd, size_t cap)
{
	snprintf(cmd, cap, "MAIL FROM:<%s>", s->cfg->from ? s->cfg->from : "");
}

int
smtp_cmd(struct smtp_check *s, const char *cmd, struct err *e)
{
	if (conn_send_line(&s->p.conn, cmd, e) < 0)
		return -1;
	return smtp_read_reply(&s->p.conn, &s->reply, e);
}


/* probes.c - check_smtp_tx's steps beside the transaction: what the
 * plaintext session invites (--require-tls), whether the server relays for
 * strangers (--relay-test), and check_smtp's -C/-R. Each is one step of the
 * session (session.c), with its reply judged here. */
#include <config.h>

#include <regex.h>
#include <stdio.h>

#include "conn.h"
#include "smtp_tx.h"

/* --require-tls, before STARTTLS: what the plaintext session invites.
 * STARTTLS itself missing is found by the STARTTLS step (-S is implied). */
int
smtp_step_posture(struct smtp_check *s, struct err *e)
{
	char cmd[CONN_LINE_MAX];

	if (s->ext.flags & SMTP_EXT_AUTH)
		result_problem(&s->p.res, STATE_WARNING, "%s: AUTH is offered before "
		    "STARTTLS (AUTH %s): passwords may be sent in clear", s->p.target,
		    s->ext.auth[0] ? s->ext.auth : "");
	else
		result_detail(&s->p.res, "no AUTH before STARTTLS");
	if (s->p.port != 587 && !s->p.cfg->want_login)
		return 0;
	/* a submission port: mail must not be taken before TLS */
	smtp_mail_cmd(s, cmd, sizeof(cmd));
	if (smtp_cmd(s, cmd, e) < 0)
		return -1;
	if (s->reply.code / 100 == 2) {
		result_problem(&s->p.res, STATE_WARNING, "%s: MAIL FROM accepted before "
		    "STARTTLS %s (%d %.*s)", s->p.target, s->p.port == 587 ?
		    "on the submission port" : "where users log in (-U)", s->reply.code,
		    (int)smtp_reply_line1_len(&s->reply), s->reply.text);
		if (smtp_cmd(s, "RSET", e) < 0)
			return -1;
	} else if (s->reply.code == 421) {
		return smtp_rejected(s, "MAIL FROM", e);
	} else {
		result_detail(&s->p.res, "MAIL FROM before STARTTLS refused: %d %.*s",
		    s->reply.code, (int)smtp_reply_line1_len(&s->reply), s->reply.text);
	}
	return 0;
}

/* --relay-test ADDR: without authentication, a recipient in a foreign
 * domain must be refused. RSET afterwards, so nothing is ever sent. */
int
smtp_step_relay(void *ctx, struct err *e)
{
	struct smtp_check *s = ctx;
	char cmd[CONN_LINE_MAX];
	int code;

	smtp_mail_cmd(s, cmd, sizeof(cmd));
	if (smtp_cmd(s, cmd, e) < 0)
		return -1;
	if (s->reply.code == 421)
		return smtp_rejected(s, "MAIL FROM", e);
	if (s->reply.code / 100 != 2) {
		result_problem(&s->p.res, STATE_WARNING, "%s: relay test not possible: "
		    "%s answered %d %.*s", s->p.target, cmd, s->reply.code,
		    (int)smtp_reply_line1_len(&s->reply), s->reply.text);
		return smtp_cmd(s, "RSET", e) < 0 ? -1 : 0;
	}
	snprintf(cmd, sizeof(cmd), "RCPT TO:<%s>", s->cfg->relay_test);
	if (smtp_cmd(s, cmd, e) < 0)
		return -1;
	code = s->reply.code;
	if (code == 421)
		return smtp_rejected(s, "RCPT TO", e);
	/* 501: the address itself was refused (syntax), not the relaying */
	s->relay_refused = code / 100 == 5 && code != 501;
	if (s->relay_refused)
		result_detail(&s->p.res, "relay test: RCPT TO <%s> refused without "
		    "authentication: %d %.*s", s->cfg->relay_test, code,
		    (int)smtp_reply_line1_len(&s->reply), s->reply.text);
	else if (code / 100 == 2)
		result_problem(&s->p.res, STATE_CRITICAL, "%s: open relay: RCPT TO <%s> "
		    "accepted without authentication (%d %.*s)", s->p.target, s->cfg->relay_test,
		    code, (int)smtp_reply_line1_len(&s->reply), s->reply.text);
	else
		result_problem(&s->p.res, STATE_WARNING, "%s: relay test inconclusive: "
		    "RCPT TO <%s> answered %d %.*s", s->p.target, s->cfg->relay_test, code,
		    (int)smtp_reply_line1_len(&s->reply), s->reply.text);
	if (smtp_cmd(s, "RSET", e) < 0)
		return -1;
	return 0;
}

/* check_smtp's -C/-R pairs: a mismatch is WARNING, the session goes on. */
int
smtp_step_commands(void *ctx, struct err *e)
{
	struct smtp_check *s = ctx;
	int i;

	for (i = 0; i < s->cfg->ncmds; i++) {
		if (smtp_cmd(s, s->cfg->cmds[i], e) < 0)
			return -1;
		if (i < s->cfg->nresps) {
			regex_t re;
			char line[CONN_LINE_MAX + 8];

			snprintf(line, sizeof(line), "%d %.*s", s->reply.code,
			    (int)smtp_reply_line1_len(&s->reply), s->reply.text);
			if (regcomp(&re, s->cfg->resps[i], REG_EXTENDED | REG_NOSUB) == 0) {
				if (regexec(&re, line, 0, NULL, 0) != 0)
					result_problem(&s->p.res, STATE_WARNING,
					    "%s: reply '%s' to '%s' does not match '%s'",
					    s->p.target, line, s->cfg->cmds[i], s->cfg->resps[i]);
				regfree(&re);
			}
		}
	}
	return 0;
}


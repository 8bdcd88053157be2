/* session.c - check_smtp_tx's SMTP session, one timed phase at a time.
 *
 * The session, as a person would type it: connect, (TLS), banner, EHLO
 * (HELO fallback), STARTTLS and EHLO again, AUTH, MAIL, RCPT, DATA, the
 * message, QUIT. Each step is one call; each failure becomes one status
 * line naming the phase and the cause. The steps between the banner and
 * QUIT are one table (smtp_steps), run in order by smtp_session through
 * the driver shared with IMAP/POP3 (plugins/common/session.h). */
#include <config.h>

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "b64.h"
#include "caps.h"
#include "conn.h"
#include "session.h"
#include "smtp_tx.h"

static int smtp_step_connect(struct smtp_check *s, struct err *e);
static int smtp_step_banner(void *ctx, struct err *e);
static int smtp_step_ehlo(struct smtp_check *s, enum phase_id phase, struct err *e);
static int smtp_step_starttls(void *ctx, struct err *e);
static void smtp_envelope_mail_cmd(const struct smtp_check *s, char *cmd, size_t cap);
static int smtp_step_envelope(void *ctx, struct err *e);
static int smtp_step_data(void *ctx, struct err *e);
static int smtp_step_quit(struct smtp_check *s, struct err *e);
static int smtp_unsolicited(struct smtp_check *s, struct err *e);
static int smtp_lmtp_replies(struct smtp_check *s, struct err *e);
static int smtp_greeting_quiet(struct smtp_check *s);

/* ------------------------------------------------------------ the steps */

/* The default EHLO name: the PTR name of our own address when DNS is in use
 * anyway (--dns-server, --fcrdns, --mx), else this host's FQDN, else the
 * address literal of our end of the connection (RFC 5321 §4.1.3). */
static void
smtp_default_helo(struct smtp_check *s)
{
	char host[256];

	if (s->p.cfg->use_ldns || s->p.cfg->fcrdns) {
		char names[DNS_PTR_MAX][DNS_NAME_MAX];
		struct deadline sub = s->p.dl;
		struct err e;
		int n = 0;

		/* at most a second of the run for a nicety */
		if (sub.end_us - deadline_now_us() > 1000000)
			sub.end_us = deadline_now_us() + 1000000;
		err_clear(&e);
		if (plugin_dns(&s->p, &e) && dns_ptr(s->p.dns, &s->p.peer.local, &sub,
		    names, DNS_PTR_MAX, &n, &e) == 0 && n > 0 && strchr(names[0], '.')) {
			snprintf(s->helo_buf, sizeof(s->helo_buf), "%.255s", names[0]);
			s->helo = s->helo_buf;
			return;
		}
	}
	memset(host, 0, sizeof(host));
	if (gethostname(host, sizeof(host) - 1) == 0 && strchr(host, '.') != NULL)
		snprintf(s->helo_buf, sizeof(s->helo_buf), "%s", host);
	else if (s->p.peer.local.family == AF_UNIX)   /* -H /path: no address of ours */
		snprintf(s->helo_buf, sizeof(s->helo_buf), "%s", host[0] ? host : "localhost");
	else if (s->p.peer.local.family == AF_INET6)
		snprintf(s->helo_buf, sizeof(s->helo_buf), "[IPv6:%s]", s->p.peer.local.text);
	else
		snprintf(s->helo_buf, sizeof(s->helo_buf), "[%s]", s->p.peer.local.text);
	s->helo = s->helo_buf;
}

static int
smtp_step_connect(struct smtp_check *s, struct err *e)
{
	if (plugin_connect(&s->p, e) < 0)
		return -1;
	if (s->p.tls_untrusted)
		s->stop = 1;
	if (s->helo == NULL)
		smtp_default_helo(s);
	return 0;
}

static int
smtp_step_banner(void *ctx, struct err *e)
{
	struct smtp_check *s = ctx;
	int rc;

	if (smtp_read_reply(&s->p.conn, &s->reply, e) < 0)
		return -1;
	s->greeted = 1;
	err_sanitize(s->banner, sizeof(s->banner), s->reply.text,
	    smtp_reply_line1_len(&s->reply));
	/* -e, as check_smtp's: the first line of the response, code included */
	sbuf_printf(&s->seen, "%03d%c%.*s", s->reply.code, s->reply.nlines > 1 ? '-' : ' ',
	    (int)smtp_reply_line1_len(&s->reply), s->reply.text);
	textcheck_greeting(&s->cfg->tc, &s->p, sbuf_str(&s->seen));
	if (s->p.cfg->fcrdns && s->p.ptr_name[0]) {
		size_t n = strcspn(s->banner, " ");

		if (strlen(s->p.ptr_name) != n || strncasecmp(s->banner, s->p.ptr_name, n) != 0)
			result_problem(&s->p.res, STATE_WARNING, "%s: the banner names %.*s, but "
			    "the PTR of %s is %s", s->p.target, (int)n, s->banner,
			    s->p.peer.remote.text, s->p.ptr_name);
	}
	rc = smtp_judge(s, PHASE_BANNER, "banner", "2", e);
	if (rc == 0 && s->reply.code != 220)
		return smtp_rejected(s, "banner", e);
	return rc < 0 ? -1 : 0;
}

/* Bytes the server sent after its banner, before our first EHLO: a reply
 * to no command (RFC 5321 §4.3.1: after the greeting it is the client's
 * turn). Read on, it would be taken as EHLO's reply and every later reply
 * as the one before it, so it is a protocol violation, quoted from its
 * first line. Only what is already buffered counts: a banner of several
 * lines is one reply, read whole by smtp_read_reply. Returns -1. */
static int
smtp_unsolicited(struct smtp_check *s, struct err *e)
{
	size_t n = conn_buffered(&s->p.conn), have, l1;
	const char *b = conn_peek(&s->p.conn, &have);
	const char *nl = memchr(b, '\n', have);

	l1 = nl ? (size_t)(nl - b) : have;
	if (l1 > 0 && b[l1 - 1] == '\r')
		l1--;
	if (have > 0)
		conn_log(&s->p.conn, "S: ", b, l1);
	err_set(e, ERR_PROTO, "server sent %zu unsolicited bytes after the banner, "
	    "before our %s", n, s->cfg->lmtp ? "LHLO" : "EHLO");
	if (l1 > 0)
		err_set_reply(e, b, l1);
	conn_discard(&s->p.conn);
	return -1;
}

static int
smtp_step_ehlo(struct smtp_check *s, enum phase_id phase, struct err *e)
{
	char cmd[400];
	int rc;

	/* the first EHLO: nothing may have come after the banner (after
	 * STARTTLS plugin_upgrade has made sure of it before the handshake) */
	if (phase == PHASE_EHLO && conn_buffered(&s->p.conn) > 0)
		return smtp_unsolicited(s, e);
	phase_begin(&s->p.phases, phase);
	snprintf(cmd, sizeof(cmd), "%s %s", s->cfg->lmtp ? "LHLO" : "EHLO", s->helo);
	if (smtp_cmd(s, cmd, e) < 0)
		return -1;
	if (!s->cfg->lmtp && (s->reply.code == 500 || s->reply.code == 502)) {
		/* RFC 5321 §3.2: an old server; fall back to HELO */
		s->used_helo = 1;
		snprintf(cmd, sizeof(cmd), "HELO %s", s->helo);
		if (smtp_cmd(s, cmd, e) < 0)
			return -1;
		rc = smtp_judge(s, PHASE_EHLO, "HELO", "2", e);
		memset(&s->ext, 0, sizeof(s->ext));
		return rc < 0 ? -1 : 0;
	}
	rc = smtp_judge(s, PHASE_EHLO, s->cfg->lmtp ? "LHLO" : "EHLO", "2", e);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	s->used_helo = 0;
	if (smtp_ehlo_parse(&s->reply, &s->ext, e) < 0)
		return -1;
	sbuf_addn(&s->seen, s->reply.text, s->reply.len);
	return 0;
}

static int
smtp_step_starttls(void *ctx, struct err *e)
{
	struct smtp_check *s = ctx;
	int rc;

	if (!(s->ext.flags & SMTP_EXT_STARTTLS) && s->sts && s->sts->policy) {
		/* the MTA-STS mode says what this weighs (RFC 8461 §5) */
		if (s->sts->fail == STATE_OK)
			result_detail(&s->p.res, "%s: STARTTLS not offered (MTA-STS mode none: "
			    "not enforced)", s->p.target);
		else
			result_problem(&s->p.res, s->sts->fail, "%s: STARTTLS not offered, "
			    "which the MTA-STS policy requires (mode %s)", s->p.target,
			    mtasts_mode_name(s->sts->pol.mode));
		s->stop = 1;
		return 0;
	}
	if (!(s->ext.flags & SMTP_EXT_STARTTLS)) {
		err_clear(e);
		return err_set(e, ERR_MISSING_FEATURE, "STARTTLS not offered%s%s",
		    s->used_helo ? " (server refused EHLO)" : "",
		    s->p.cfg->require_tls ? " (--require-tls)" : "");
	}
	if (smtp_cmd(s, "STARTTLS", e) < 0)
		return -1;
	rc = smtp_judge(s, PHASE_STARTTLS, "STARTTLS", "2", e);
	if (rc < 0 && e->kind == ERR_REJECTED)
		e->reply_code = 0;   /* -S asked for TLS: no TLS is CRITICAL, even 454 */
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if (s->reply.code != 220)
		return smtp_rejected(s, "STARTTLS", e);
	if (plugin_upgrade(&s->p, e) < 0)
		return -1;
	if (s->p.tls_untrusted) {
		s->stop = 1;   /* do not go on over a connection we cannot trust */
		return 0;
	}
	/* RFC 3207 §4.2: forget what we knew, ask again */
	memset(&s->ext, 0, sizeof(s->ext));
	if (smtp_step_ehlo(s, PHASE_STARTTLS, e) < 0)
		return -1;
	return 0;
}

/* The transaction's MAIL FROM: with the message's size declared (RFC 1870
 * §6: SIZE=octets) when the server offers SIZE and a message will follow,
 * so that a message over the server's limit is refused here, in phase mail,
 * before it is sent. */
static void
smtp_envelope_mail_cmd(const struct smtp_check *s, char *cmd, size_t cap)
{
	size_t n;

	smtp_mail_cmd(s, cmd, cap);
	if (!(s->ext.flags & SMTP_EXT_SIZE) || s->cfg->no_data || s->msg == NULL)
		return;
	n = strlen(cmd);
	if (n < cap)
		snprintf(cmd + n, cap - n, " SIZE=%zu", s->msg->text.len);
}

/* MAIL and every RCPT, pipelined when offered (RFC 2920), then DATA on its
 * own once a recipient was accepted: DATA inside the group would be
 * answered 354 even when every RCPT was refused, and the only way out of
 * that is to hang up. */
static int
smtp_step_envelope(void *ctx, struct err *e)
{
	struct smtp_check *s = ctx;
	char cmd[CONN_LINE_MAX];
	int pipe = (s->ext.flags & SMTP_EXT_PIPELINING) && !s->cfg->no_pipelining;
	int i, rc;

	smtp_envelope_mail_cmd(s, cmd, sizeof(cmd));
	if (pipe) {
		struct sbuf group;

		sbuf_init(&group);
		conn_log(&s->p.conn, "C: ", cmd, strlen(cmd));
		sbuf_printf(&group, "%s\r\n", cmd);
		for (i = 0; i < s->cfg->nrcpt; i++) {
			snprintf(cmd, sizeof(cmd), "RCPT TO:<%s>", s->cfg->rcpt[i]);
			conn_log(&s->p.conn, "C: ", cmd, strlen(cmd));
			sbuf_printf(&group, "%s\r\n", cmd);
		}
		rc = group.failed ? err_set(e, ERR_INTERNAL, "out of memory") :
		    conn_write(&s->p.conn, group.s, group.len, e);
		sbuf_free(&group);
		if (rc < 0)
			return -1;
		s->pending = 1 + s->cfg->nrcpt;
	} else if (conn_send_line(&s->p.conn, cmd, e) < 0) {
		return -1;
	}
	if (smtp_read_reply_p(s, e) < 0)
		return -1;
	smtp_envelope_mail_cmd(s, cmd, sizeof(cmd));
	rc = smtp_judge(s, PHASE_MAIL, cmd, "2", e);
	if (rc != 0)
		return rc < 0 ? -1 : 0;   /* with PIPELINING the RCPTs are refused too */

	/* with PIPELINING the server answers the whole group at once, so its
	 * time for the RCPTs mostly shows in `mail` */
	phase_begin(&s->p.phases, PHASE_RCPT);
	for (i = 0; i < s->cfg->nrcpt; i++) {
		snprintf(cmd, sizeof(cmd), "RCPT TO:<%s>", s->cfg->rcpt[i]);
		if ((!pipe && conn_send_line(&s->p.conn, cmd, e) < 0) ||
		    smtp_read_reply_p(s, e) < 0)
			return -1;
		rc = smtp_judge(s, PHASE_RCPT, cmd, "2", e);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			s->rcpt_ok++;
			s->rcpt_acc[i] = 1;
		}
	}
	if (s->cfg->no_data || s->stop || s->rcpt_ok == 0)
		return 0;

	phase_begin(&s->p.phases, PHASE_DATA);
	if (smtp_cmd(s, "DATA", e) < 0)
		return -1;
	rc = smtp_judge(s, PHASE_DATA, "DATA", "3", e);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if (s->reply.code != 354)
		return smtp_rejected(s, "DATA", e);
	return 0;
}

static void
smtp_queue_id(struct smtp_check *s)
{
	const char *t = s->reply.text, *p;
	size_t n;

	if ((p = strstr(t, "queued as ")) != NULL)
		p += 10;
	else if ((p = strstr(t, "id=")) != NULL)
		p += 3;
	else
		return;
	n = strcspn(p, " \n;,()<>");
	if (n > 0 && n < sizeof(s->queue_id)) {
		memcpy(s->queue_id, p, n);
		s->queue_id[n] = '\0';
	}
}

/* LMTP (RFC 2033 §4.2): after the final dot one reply for each accepted
 * recipient, in the order of the RCPTs. Each is judged like a RCPT's reply
 * (in phase datasent, for --expect-reply), naming the recipient; when one
 * fails, those still on their way are left to smtp_drain (s->pending). */
static int
smtp_lmtp_replies(struct smtp_check *s, struct err *e)
{
	char what[CONN_LINE_MAX];
	int i, rc, first = 1;

	s->pending = s->rcpt_ok;
	for (i = 0; i < s->cfg->nrcpt; i++) {
		if (!s->rcpt_acc[i])
			continue;
		if (smtp_read_reply_p(s, e) < 0)
			return -1;
		snprintf(what, sizeof(what), "message for <%s>", s->cfg->rcpt[i]);
		rc = smtp_judge(s, PHASE_DATASENT, what, "2", e);
		if (rc != 0)
			return rc < 0 ? -1 : 0;
		if (first)
			smtp_queue_id(s);
		first = 0;
		result_detail(&s->p.res, "message accepted for <%s>: %d %.*s", s->cfg->rcpt[i],
		    s->reply.code, (int)smtp_reply_line1_len(&s->reply), s->reply.text);
	}
	if (!s->stop) {
		s->accepted_us = deadline_now_us();   /* --fetch: delivery counts from here */
		s->accepted_at = time(NULL);
	}
	result_detail(&s->p.res, "token: %s", s->msg->token);
	return 0;
}

static int
smtp_step_data(void *ctx, struct err *e)
{
	struct smtp_check *s = ctx;
	int rc;

	if (s->p.conn.transcript)
		sbuf_printf(s->p.conn.transcript, "C: [message: %zu bytes, token %s]\nC: .\n",
		    s->msg->text.len, s->msg->token);
	{
		struct sbuf *t = s->p.conn.transcript;

		s->p.conn.transcript = NULL;   /* the body is summarised above */
		rc = conn_write(&s->p.conn, s->msg->text.s, s->msg->text.len, e);
		s->p.conn.transcript = t;
	}
	if (rc < 0)
		return -1;
	if (s->cfg->lmtp)
		return smtp_lmtp_replies(s, e);
	if (smtp_read_reply(&s->p.conn, &s->reply, e) < 0)
		return -1;
	rc = smtp_judge(s, PHASE_DATASENT, "message", "2", e);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	smtp_queue_id(s);
	if (!s->stop) {
		s->accepted_us = deadline_now_us();   /* --fetch: delivery counts from here */
		s->accepted_at = time(NULL);
	}
	result_detail(&s->p.res, "message accepted: %d %.*s", s->reply.code,
	    (int)smtp_reply_line1_len(&s->reply), s->reply.text);
	result_detail(&s->p.res, "token: %s", s->msg->token);
	return 0;
}

/* A session abandoned before its banner was read (implicit TLS whose
 * certificate failed verification): read the greeting now, within a second
 * at most and without judging it, so that QUIT gets its own reply. Returns
 * -1 when it did not come: then QUIT is not sent. */
static int
smtp_greeting_quiet(struct smtp_check *s)
{
	struct deadline sub;
	const struct deadline *keep = s->p.conn.dl;
	struct err e;
	int rc;

	phase_begin(&s->p.phases, PHASE_BANNER);
	deadline_cap(&sub, &s->p.dl, 1000000);
	err_clear(&e);
	s->p.conn.dl = &sub;
	rc = smtp_read_reply(&s->p.conn, &s->reply, &e);
	s->p.conn.dl = keep;
	if (rc < 0)
		return -1;
	s->greeted = 1;
	err_sanitize(s->banner, sizeof(s->banner), s->reply.text,
	    smtp_reply_line1_len(&s->reply));
	return 0;
}

static int
smtp_step_quit(struct smtp_check *s, struct err *e)
{
	phase_begin(&s->p.phases, PHASE_QUIT);
	if (s->cfg->tc.quit) {   /* check_ssmtp -q: its own goodbye */
		textcheck_quit(&s->cfg->tc, &s->p);
		return 0;
	}
	if (smtp_cmd(s, "QUIT", e) < 0) {
		if (e->kind == ERR_CLOSED) {
			/* like check_smtp -q: a server that hangs up on QUIT is fine */
			result_detail(&s->p.res, "server closed the connection before "
			    "answering QUIT");
			err_clear(e);
			return 0;
		}
		return -1;
	}
	if (s->reply.code != 221)
		result_detail(&s->p.res, "QUIT answered %d (expected 221)", s->reply.code);
	return 0;
}

/* The OK summary: what was proven, with the figures that matter. */
static void
smtp_summary(struct smtp_check *s)
{
	struct sbuf t;

	sbuf_init(&t);
	if (s->stop && s->cfg->nexpects)
		sbuf_add(&t, "refused as expected");
	else if (s->cfg->nrcpt && !s->cfg->no_data)
		sbuf_printf(&t, "message accepted%s%s", s->queue_id[0] ? ", queued as " : "",
		    s->queue_id);
	else if (s->cfg->nrcpt)
		sbuf_printf(&t, "%d of %d recipients accepted (no data sent)", s->rcpt_ok,
		    s->cfg->nrcpt);
	else
		sbuf_printf(&t, "%s accepted", s->cfg->lmtp ? "LHLO" : s->used_helo ? "HELO" : "EHLO");
	sbuf_printf(&t, " in %.3f s", deadline_elapsed(&s->p.dl));
	plugin_tls_summary(&s->p, "STARTTLS", &t);
	if (s->p.cfg->authuser && s->p.cfg->authpass)
		sbuf_printf(&t, ", authenticated as %s", s->p.cfg->authuser);
	if (s->relay_refused)
		sbuf_printf(&t, ", relaying to %s refused", s->cfg->relay_test);
	if (s->cfg->tc.jail)   /* -j: the server's words stay out */
		result_ok(&s->p.res, "%s: %s", s->p.target, sbuf_str(&t));
	else
		result_ok(&s->p.res, "%s: %s: %s", s->p.target, sbuf_str(&t), s->banner);
	sbuf_free(&t);
}

/* ------------------------------------------------------------ the session */

/* --send (check_ssmtp -s): the string after the banner, its reply judged
 * by -e (textcheck.h). */
static int
smtp_step_send(void *ctx, struct err *e)
{
	struct smtp_check *s = ctx;

	return textcheck_send(&s->cfg->tc, &s->p, sbuf_str(&s->seen), e);
}

static int
smtp_step_ehlo_first(void *ctx, struct err *e)
{
	struct smtp_check *s = ctx;

	return smtp_step_ehlo(s, PHASE_EHLO, e);
}

/* --require-tls: the plaintext posture (probes.c). With implicit TLS there
 * is none; the same line is written when a step before ended the
 * transaction (an expected refusal), as it always was. */
static int
smtp_step_require_tls(void *ctx, struct err *e)
{
	struct smtp_check *s = ctx;

	if (s->stop || s->p.cfg->implicit_tls) {
		result_detail(&s->p.res, "--require-tls: implicit TLS, nothing is said "
		    "before TLS");
		return 0;
	}
	return smtp_step_posture(s, e);
}

static int
smtp_step_require_ext(void *ctx, struct err *e)
{
	struct smtp_check *s = ctx;

	return caps_require(&s->ext.kw, s->cfg->require_ext, "extension", e);
}

/* --no-data: the envelope was only probed; nothing is delivered. */
static int
smtp_step_rset(void *ctx, struct err *e)
{
	struct smtp_check *s = ctx;

	return smtp_cmd(s, "RSET", e);
}

/* When a step of smtp_steps is wanted, by the options. */
enum smtp_when {
	SMTP_ALWAYS,
	SMTP_IF_SEND,           /* --send */
	SMTP_IF_REQUIRE_TLS,    /* --require-tls */
	SMTP_IF_STARTTLS,       /* -S */
	SMTP_IF_RELAY_TEST,     /* --relay-test */
	SMTP_IF_REQUIRE_EXT,    /* --require-ext */
	SMTP_IF_AUTH,           /* -U (want_login) */
	SMTP_IF_COMMANDS,       /* -C */
	SMTP_IF_AUTH_POSTURE,   /* --require-auth, --forbid-auth */
	SMTP_IF_RCPT,           /* --rcpt */
	SMTP_IF_DATA,           /* --rcpt without --no-data */
	SMTP_IF_NO_DATA         /* --no-data */
};

/* A step after the connection: it runs when no step before it failed, it
 * is wanted, and no step before ended the transaction (s->stop: an
 * expected refusal, an untrusted TLS connection) unless AFTER_STOP. The
 * driver begins the step's phase (session.h); -e and --require-ext make no
 * round trip (they judge the banner and the EHLO reply); the first EHLO
 * begins phase ehlo itself, once it made sure that nothing came after the
 * banner (which is a fault of phase banner); the envelope step
 * bills MAIL, RCPT and DATA to their phases, and STARTTLS its handshake and
 * the second EHLO to starttls (SPEC §4). The RSET after --no-data is the
 * goodbye, with QUIT: phase quit. */
static const struct session_step smtp_steps[] = {
	/* phase         run                     wanted                after_stop */
	{ PHASE_BANNER,   smtp_step_banner,      SMTP_ALWAYS,          0 },
	{ PHASE_BANNER,   smtp_step_send,        SMTP_IF_SEND,         0 },
	{ PHASE_NONE,     smtp_step_ehlo_first,  SMTP_ALWAYS,          0 },
	{ PHASE_POSTURE,  smtp_step_require_tls, SMTP_IF_REQUIRE_TLS,  1 },
	{ PHASE_STARTTLS, smtp_step_starttls,    SMTP_IF_STARTTLS,     0 },
	{ PHASE_RELAY,    smtp_step_relay,       SMTP_IF_RELAY_TEST,   0 },
	{ PHASE_NONE,     smtp_step_require_ext, SMTP_IF_REQUIRE_EXT,  0 },
	{ PHASE_NONE,     smtp_step_auth_posture, SMTP_IF_AUTH_POSTURE, 0 },
	{ PHASE_AUTH,     smtp_step_auth,        SMTP_IF_AUTH,         0 },
	{ PHASE_COMMANDS, smtp_step_commands,    SMTP_IF_COMMANDS,     0 },
	{ PHASE_MAIL,     smtp_step_envelope,    SMTP_IF_RCPT,         0 },
	{ PHASE_DATASENT, smtp_step_data,        SMTP_IF_DATA,         0 },
	{ PHASE_QUIT,     smtp_step_rset,        SMTP_IF_NO_DATA,      0 },
};

static int
smtp_wanted(const void *ctx, int when)
{
	const struct smtp_check *s = ctx;

	switch ((enum smtp_when)when) {
	case SMTP_IF_SEND:
		return s->cfg->tc.send != NULL;
	case SMTP_IF_REQUIRE_TLS:
		return s->p.cfg->require_tls != 0;
	case SMTP_IF_STARTTLS:
		return s->p.cfg->starttls != 0;
	case SMTP_IF_RELAY_TEST:
		return s->cfg->relay_test != NULL;
	case SMTP_IF_REQUIRE_EXT:
		return s->cfg->require_ext != NULL;
	case SMTP_IF_AUTH:
		return s->p.cfg->want_login != 0;
	case SMTP_IF_COMMANDS:
		return s->cfg->ncmds > 0;
	case SMTP_IF_AUTH_POSTURE:
		return s->p.cfg->require_auth != NULL || s->p.cfg->forbid_auth != NULL;
	case SMTP_IF_RCPT:
		return s->cfg->nrcpt > 0;
	case SMTP_IF_DATA:
		return s->cfg->nrcpt > 0 && !s->cfg->no_data;
	case SMTP_IF_NO_DATA:
		return s->cfg->no_data != 0;
	case SMTP_ALWAYS:
		break;
	}
	return 1;
}

/* One whole session against s->p.host (or the addresses preset in
 * s->p.addrs), its verdict recorded in s->p.res and s->p.phases. */
int
smtp_session(struct smtp_check *s)
{
	int64_t t0 = deadline_now_us();
	struct err e;
	int rc;

	err_clear(&e);
	rc = smtp_step_connect(s, &e);
	if (rc < 0)
		s->failed_at_connect = 1;
	else
		rc = session_run(smtp_steps, sizeof(smtp_steps) / sizeof(smtp_steps[0]),
		    s, smtp_wanted, &s->stop, &s->p.phases, &e);
	s->failed = rc < 0 ? e.kind : ERR_NONE;
	if (rc < 0)   /* -r/--refuse: the state of a refused connection */
		textcheck_fail(&s->cfg->tc, &s->p, &e);
	if (s->p.connected && (rc == 0 || e.kind == ERR_REJECTED ||
	    e.kind == ERR_MISSING_FEATURE)) {
		struct err qe;

		err_clear(&qe);
		if (smtp_drain(s) < 0) {
			result_detail(&s->p.res, "connection dropped without QUIT so that "
			    "the server discards the unfinished message");
		} else if (!s->greeted && smtp_greeting_quiet(s) < 0) {
			result_detail(&s->p.res, "session abandoned before the greeting "
			    "came: connection dropped without QUIT");
		} else if (rc < 0 || s->stop) {
			/* say goodbye; a failure here adds nothing to the verdict */
			if (s->stop && s->rcpt_ok) {
				phase_begin(&s->p.phases, PHASE_QUIT);
				(void)smtp_cmd(s, "RSET", &qe);
			}
			err_clear(&qe);
			(void)smtp_step_quit(s, &qe);
		} else if (smtp_step_quit(s, &qe) < 0) {
			plugin_fail(&s->p, &qe);
		}
	}
	phase_end(&s->p.phases);
	if (rc == 0)
		smtp_summary(s);
	if (s->p.connected) {
		if (s->banner[0] && !s->cfg->tc.jail)
			result_detail(&s->p.res, "banner: %s", s->banner);
		if (!s->used_helo && s->ext.kw.n > 0) {
			struct sbuf x;

			sbuf_init(&x);
			caps_join(&s->ext.kw, &x, " ");
			result_detail(&s->p.res, "%s %s: %s", s->cfg->lmtp ? "LHLO" : "EHLO",
			    s->helo, sbuf_str(&x));
			sbuf_free(&x);
		}
	}
	plugin_close(&s->p);
	{
		char hello[300];   /* --all-certs: each probe says EHLO (LHLO) as we did */

		snprintf(hello, sizeof(hello), "%s %s", s->cfg->lmtp ? "LHLO" : "EHLO",
		    s->helo ? s->helo : "localhost");
		plugin_tls_probes(&s->p, hello);
	}
	s->elapsed = (double)(deadline_now_us() - t0) / 1e6;
	return rc;
}

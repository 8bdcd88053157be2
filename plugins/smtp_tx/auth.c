/* auth.c - check_smtp_tx's AUTH (RFC 4954): the mechanism chosen
 * (plugin_auth.h), its messages made by lib/sasl.c, carried as base64 in
 * AUTH's initial response and the 334 challenges; and --require-auth /
 * --forbid-auth on the mechanisms the final EHLO offers. */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "b64.h"
#include "conn.h"
#include "plugin_auth.h"
#include "smtp_tx.h"

/* The most 334 challenges one AUTH may take (SCRAM takes two). */
#define SMTP_AUTH_STEPS_MAX 8

static int smtp_auth_exchange(struct smtp_check *s, struct sasl *sa, struct err *e);

/* The exchange, from AUTH to the server's last reply (in s->reply). */
static int
smtp_auth_exchange(struct smtp_check *s, struct sasl *sa, struct err *e)
{
	const char *name = sasl_mech_name(sa->mech);
	char line[B64_ENCODED_SIZE(SASL_MSG_MAX) + 64], ir[B64_ENCODED_SIZE(SASL_MSG_MAX)];
	long n;
	int steps = 0, rc = -1;

	n = plugin_sasl_initial(sa, ir, sizeof(ir), e);
	if (n < 0)
		goto out;
	snprintf(line, sizeof(line), "AUTH %s%s%s", name, n > 0 ? " " : "", n > 0 ? ir : "");
	/* every AUTH payload is masked in the transcript, the user name too */
	if (conn_send_secret(&s->p.conn, line, strlen("AUTH ") + strlen(name) + (n > 0),
	    e) < 0 || smtp_read_reply(&s->p.conn, &s->reply, e) < 0)
		goto out;
	while (s->reply.code == 334) {
		if (++steps > SMTP_AUTH_STEPS_MAX) {
			err_set(e, ERR_PROTO, "AUTH %s: more than %d challenges", name,
			    SMTP_AUTH_STEPS_MAX);
			goto out;
		}
		if (plugin_sasl_answer(sa, s->reply.text, smtp_reply_line1_len(&s->reply), line,
		    sizeof(line), e) < 0)
			goto cancel;
		if (conn_send_secret(&s->p.conn, line, 0, e) < 0 ||
		    smtp_read_reply(&s->p.conn, &s->reply, e) < 0)
			goto out;
	}
	rc = 0;
	goto out;
cancel:
	{
		/* RFC 4954 §4: "*" cancels; the server answers 501 */
		struct err ce;

		err_clear(&ce);
		if (conn_send_line(&s->p.conn, "*", &ce) == 0)
			(void)smtp_read_reply(&s->p.conn, &s->reply, &ce);
	}
out:
	explicit_bzero(ir, sizeof(ir));
	explicit_bzero(line, sizeof(line));
	return rc;
}

int
smtp_step_auth(void *ctx, struct err *e)
{
	struct smtp_check *s = ctx;
	const char *user = s->p.cfg->authuser;
	char *secret = NULL;
	struct sasl sa;
	enum sasl_mech m;
	char cmd[64];
	int rc = -1;

	if (!(s->ext.flags & SMTP_EXT_AUTH))
		return err_set(e, ERR_MISSING_FEATURE, "AUTH not offered%s",
		    (s->p.tls != NULL) ? "" : " before STARTTLS");
	if (plugin_auth_choose(&s->p, s->cfg->authmech, s->cfg->auth_auto, s->ext.auth,
	    &m, e) < 0 || plugin_auth_secret(&s->p, &secret, e) < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	if (sasl_begin(&sa, m, user, secret, s->p.cfg->sni ? s->p.cfg->sni : s->p.host,
	    s->p.port, e) < 0 || smtp_auth_exchange(s, &sa, e) < 0)
		goto out;
	snprintf(cmd, sizeof(cmd), "AUTH %s", sasl_mech_name(m));
	if (s->reply.code == 535 && smtp_expected(s, PHASE_AUTH, 535) != 1) {
		smtp_reply_error(s, e, 535, "authentication failed");
		plugin_auth_failed(e, user, cmd, &sa);
		goto out;
	}
	rc = smtp_judge(s, PHASE_AUTH, cmd, "2", e);
	if (rc == 0 && s->reply.code / 100 == 2 && sasl_finish(&sa, NULL, 0, e) < 0) {
		rc = -1;
		goto out;
	}
	if (rc == 0)
		result_detail(&s->p.res, "authenticated as %s with %s%s", user, cmd,
		    sa.verified ? " (the server proved it knows the password)" : "");
	rc = rc < 0 ? -1 : 0;
out:
	sasl_wipe(&sa);
	plugin_auth_secret_free(secret);
	return rc;
}

int
smtp_step_auth_posture(void *ctx, struct err *e)
{
	struct smtp_check *s = ctx;

	(void)e;
	plugin_auth_posture(&s->p, s->ext.auth);
	return 0;
}

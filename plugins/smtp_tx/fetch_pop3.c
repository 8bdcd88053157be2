/* fetch_pop3.c - the POP3 side of --fetch. A POP3 session sees the
 * maildrop as it was at login (RFC 1939 §8), so each look is a session of
 * its own: greeting, CAPA, STLS, login (AUTH PLAIN when offered, else
 * USER/PASS), UIDL, TOP n 0 of the messages not looked at before (their
 * headers only), DELE of the probe and of stale probes, QUIT (which
 * commits the DELEs). Between sessions a backoff. Replies are parsed by
 * lib/pop3.c; the first session's facts are kept, later ones add only
 * their transcript and, when one fails, its problem. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "b64.h"
#include "fetch.h"
#include "pop3.h"

#define FP_UIDL_MAX 10000          /* messages in the maildrop we look at */
#define FP_TOP_LINES_MAX 2000      /* header lines of one message */
#define FP_TOP_BYTES_MAX ((size_t)256 * 1024)
#define FP_SEEN_MAX 4096           /* messages known not to be ours */
#define FP_BACKOFF_MIN_US 200000
#define FP_BACKOFF_MAX_US 2000000

struct fpop {
	struct fetch_run *f;
	struct plugin *p;              /* this look's session */
	struct conn *c;
	int ok;                        /* the last status: +OK */
	const char *text;              /* its text (in line) */
	size_t tlen;
	int nseen;
	char *seen[FP_SEEN_MAX];       /* UIDs looked at: not ours (owned) */
	char line[CONN_LINE_MAX + 1];
};

static int fp_status(struct fpop *fp, const char *cmd, size_t show, struct err *e);
static int fp_refused(struct fpop *fp, const char *what, struct err *e);
static int fp_open(struct fpop *fp, struct err *e);
static int fp_login(struct fpop *fp, struct err *e);
static int fp_top(struct fpop *fp, long n, int *mine, int *stale, struct err *e);
static int fp_look(struct fpop *fp, struct err *e);
static int fp_seen(const struct fpop *fp, const char *uid);

/* Send CMD (SHOW bytes shown, the rest masked; (size_t)-1 all; NULL: send
 * nothing, read the greeting) and read its status line. */
static int
fp_status(struct fpop *fp, const char *cmd, size_t show, struct err *e)
{
	size_t len;

	if (cmd && conn_send_secret(fp->c, cmd, show, e) < 0)
		return -1;
	if (conn_read_line(fp->c, fp->line, sizeof(fp->line), &len, e) < 0)
		return -1;
	if (pop3_status_parse(fp->line, len, &fp->ok, &fp->text, &fp->tlen, e) < 0) {
		err_set_reply(e, fp->line, len);
		return -1;
	}
	return 0;
}

static int
fp_refused(struct fpop *fp, const char *what, struct err *e)
{
	err_set(e, ERR_REJECTED, "%s refused", what);
	err_set_reply(e, fp->line, strlen(fp->line));
	return -1;
}

/* Greeting, CAPA, STLS and the login. */
static int
fp_open(struct fpop *fp, struct err *e)
{
	struct fetch_run *f = fp->f;
	size_t len;
	int i, rc;

	phase_begin(&fp->p->phases, PHASE_BANNER);
	if (fp_status(fp, NULL, 0, e) < 0)
		return -1;
	if (!fp->ok)
		return fp_refused(fp, "the connection", e);
	for (i = 0; i < 2; i++) {
		phase_begin(&fp->p->phases, PHASE_CAPABILITY);
		caps_init(&f->caps);
		if (fp_status(fp, "CAPA", (size_t)-1, e) < 0)
			return -1;
		while (fp->ok) {
			if (conn_read_line(fp->c, fp->line, sizeof(fp->line), &len, e) < 0)
				return -1;
			if ((rc = pop3_capa_feed(&f->caps, fp->line, len, e)) < 0)
				return -1;
			if (rc == 1)
				break;
		}
		if (i == 1 || !f->fc->starttls)
			break;
		phase_begin(&fp->p->phases, PHASE_STARTTLS);
		if (!caps_has(&f->caps, "STLS"))
			return err_set(e, ERR_MISSING_FEATURE, "STLS not offered");
		if (fp_status(fp, "STLS", (size_t)-1, e) < 0)
			return -1;
		if (!fp->ok)
			return fp_refused(fp, "STLS", e);
		if (plugin_upgrade(fp->p, e) < 0)
			return -1;
		if (fp->p->tls_untrusted) {
			f->stopped = 1;
			return -1;
		}
	}
	return fp_login(fp, e);
}

/* AUTH PLAIN when CAPA lists SASL PLAIN, else USER and PASS. */
static int
fp_login(struct fpop *fp, struct err *e)
{
	const char *user = fp->f->fc->user, *pass = fp->f->fc->pass;
	const char *sasl = caps_find(&fp->f->caps, "SASL");
	struct b64_sasl sa;
	int rc = -1;

	phase_begin(&fp->p->phases, PHASE_LOGIN);
	if (b64_sasl_begin(&sa, user, pass) < 0)
		return err_set(e, ERR_USAGE, "mailbox user name and password too long");
	if (sasl && strcasestr(sasl, " PLAIN") != NULL) {
		b64_sasl_plain(user, pass, sa.enc, sizeof(sa.enc));
		snprintf(sa.cmd, sizeof(sa.cmd), "AUTH PLAIN %s", sa.enc);
		if (fp_status(fp, sa.cmd, strlen("AUTH PLAIN "), e) < 0)
			goto out;
	} else {
		if (strpbrk(user, "\r\n ") || strpbrk(pass, "\r\n")) {
			rc = err_set(e, ERR_USAGE, "mailbox user name or password cannot be "
			    "sent with USER/PASS");
			goto out;
		}
		snprintf(sa.cmd, sizeof(sa.cmd), "USER %s", user);
		if (fp_status(fp, sa.cmd, (size_t)-1, e) < 0)
			goto out;
		if (fp->ok) {
			snprintf(sa.cmd, sizeof(sa.cmd), "PASS %s", pass);
			if (fp_status(fp, sa.cmd, strlen("PASS "), e) < 0)
				goto out;
		}
	}
	if (!fp->ok) {
		fp_refused(fp, "login", e);
		snprintf(e->msg, sizeof(e->msg), "authentication failed for %.128s", user);
		goto out;
	}
	rc = 0;
out:
	b64_sasl_wipe(&sa);
	return rc;
}

static int
fp_seen(const struct fpop *fp, const char *uid)
{
	int i;

	for (i = 0; i < fp->nseen; i++)
		if (strcmp(fp->seen[i], uid) == 0)
			return 1;
	return 0;
}

/* TOP N 0: the headers of message N. *MINE: its Subject holds our token;
 * *STALE: it is the probe of an earlier run, older than --lost-after.
 * Bounded in lines and bytes, whatever LIST or UIDL said of its size. */
static int
fp_top(struct fpop *fp, long n, int *mine, int *stale, struct err *e)
{
	char cmd[64];
	const char *data;
	size_t len, dlen, total = 0;
	int lines;

	*mine = *stale = 0;
	sbuf_reset(&fp->f->headers);
	snprintf(cmd, sizeof(cmd), "TOP %ld 0", n);
	if (fp_status(fp, cmd, (size_t)-1, e) < 0)
		return -1;
	if (!fp->ok)
		return 0;   /* gone meanwhile: not ours */
	for (lines = 0; ; lines++) {
		if (conn_read_line(fp->c, fp->line, sizeof(fp->line), &len, e) < 0)
			return -1;
		if (pop3_multi_line(fp->line, len, &data, &dlen) == 1) {
			if (!*mine)
				sbuf_reset(&fp->f->headers);
			return 0;
		}
		total += len + 2;
		sbuf_addn(&fp->f->headers, data, dlen);
		sbuf_addc(&fp->f->headers, '\n');
		if (lines >= FP_TOP_LINES_MAX || total > FP_TOP_BYTES_MAX)
			return err_set(e, ERR_PROTO, "TOP %ld 0 sent more than %d lines or "
			    "%zu KiB of headers", n, FP_TOP_LINES_MAX, FP_TOP_BYTES_MAX / 1024);
		if (dlen > 8 && strncasecmp(data, "Subject:", 8) == 0 &&
		    memmem(data, dlen, "mailprobe test mp-", 18) != NULL) {
			time_t when;

			int k;

			for (k = 0; k < fp->f->npend; k++) {
				struct fetch_probe *pp = &fp->f->pend[k];

				if (!pp->found && memmem(data, dlen, pp->token, strlen(pp->token))) {
					fetch_probe_seen(pp, "", 0);
					*mine = 1;
				}
			}
			if (fp->f->pend == NULL &&
			    memmem(data, dlen, fp->f->token, strlen(fp->f->token)) != NULL)
				*mine = 1;
			else if (*mine)
				;
			else if (fetch_token_time(data, dlen, &when) == 1 &&
			    when < time(NULL) - fp->f->fc->lost_after)
				*stale = 1;
		}
	}
}

/* One look: UIDL, then TOP of each message not looked at before; DELE of
 * ours (unless --fetch-keep) and of stale probes. */
static int
fp_look(struct fpop *fp, struct err *e)
{
	struct fetch_run *f = fp->f;
	char (*uids)[80] = NULL;
	long *nums = NULL, n;
	const char *data;
	size_t len, dlen;
	int count = 0, i, mine, stale, rc = -1;

	phase_begin(&fp->p->phases, PHASE_DELIVERY);
	if (fp_status(fp, "UIDL", (size_t)-1, e) < 0)
		return -1;
	if (!fp->ok)
		return fp_refused(fp, "UIDL", e);
	uids = calloc(FP_UIDL_MAX, sizeof(*uids));
	nums = calloc(FP_UIDL_MAX, sizeof(*nums));
	if (uids == NULL || nums == NULL) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto out;
	}
	for (;;) {
		char *end;
		size_t ul;

		if (conn_read_line(fp->c, fp->line, sizeof(fp->line), &len, e) < 0)
			goto out;
		if (pop3_multi_line(fp->line, len, &data, &dlen) == 1)
			break;
		if (count >= FP_UIDL_MAX) {
			err_set(e, ERR_PROTO, "UIDL listed more than %d messages", FP_UIDL_MAX);
			goto out;
		}
		/* "n unique-id": 1..70 printable characters (RFC 1939 §7) */
		n = strtol(fp->line, &end, 10);
		ul = end > fp->line && *end == ' ' ? strcspn(end + 1, " ") : 0;
		if (n < 1 || ul < 1 || ul > 70) {
			err_set(e, ERR_PROTO, "malformed UIDL line");
			err_set_reply(e, fp->line, len);
			goto out;
		}
		nums[count] = n;
		memcpy(uids[count], end + 1, ul);
		uids[count++][ul] = '\0';
	}
	for (i = 0; i < count && (!f->found || f->pend); i++) {
		if (fp_seen(fp, uids[i]))
			continue;
		if (fp_top(fp, nums[i], &mine, &stale, e) < 0)
			goto out;
		if (mine) {
			f->found = 1;
			f->seen_us = deadline_now_us();
			phase_begin(&fp->p->phases, PHASE_LOGOUT);
			if (!f->fc->keep) {
				snprintf(fp->line, sizeof(fp->line), "DELE %ld", nums[i]);
				if (fp_status(fp, fp->line, (size_t)-1, e) < 0)
					goto out;
				if (fp->ok)
					f->deleted = 1;
				else
					result_problem(&fp->p->res, STATE_WARNING, "%s: cannot remove "
					    "the probe message: DELE refused: %s", fp->p->target, fp->line);
			}
			continue;
		}
		if (stale) {
			snprintf(fp->line, sizeof(fp->line), "DELE %ld", nums[i]);
			if (fp_status(fp, fp->line, (size_t)-1, e) < 0)
				goto out;
			f->stale += fp->ok;
		}
		if (fp->nseen < FP_SEEN_MAX && (fp->seen[fp->nseen] = strdup(uids[i])) != NULL)
			fp->nseen++;
	}
	rc = 0;
out:
	free(uids);
	free(nums);
	return rc;
}

int
fetch_pop3(struct fetch_run *f, struct err *e)
{
	struct fpop *fp = calloc(1, sizeof(*fp));
	struct plugin *later = NULL;
	int64_t backoff = FP_BACKOFF_MIN_US;
	int i, rc = -1;

	if (fp == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	fp->f = f;
	for (;;) {
		struct plugin *p = &f->m;

		if (f->rounds > 0) {
			/* a later look: a session of its own, its facts not kept */
			if (later == NULL && (later = calloc(1, sizeof(*later))) == NULL) {
				err_set(e, ERR_INTERNAL, "out of memory");
				break;
			}
			plugin_init(later, f->m.cfg, &f->cmds);
			later->perf_prefix = "fetch";
			later->no_transcript = f->m.no_transcript;
			p = later;
		}
		fp->p = p;
		f->rounds++;
		rc = plugin_connect(p, e);
		if (rc == 0 && p->tls_untrusted) {
			f->stopped = 1;
			rc = -1;
		}
		fp->c = &p->conn;
		if (rc == 0)
			rc = fp_open(fp, e);
		if (rc == 0)
			rc = fp_look(fp, e);
		if (rc == 0) {
			struct err qe;

			err_clear(&qe);
			/* QUIT commits the DELEs (RFC 1939 §6) */
			if (fp_status(fp, "QUIT", (size_t)-1, &qe) < 0 || !fp->ok) {
				if (f->deleted || f->stale)
					result_problem(&p->res, STATE_WARNING, "%s: QUIT failed, so "
					    "the DELE of the probe message may not be committed: %s",
					    p->target, qe.msg[0] ? qe.msg : fp->line);
			}
		} else if (p != &f->m && !f->stopped) {
			plugin_fail(p, e);
		}
		plugin_close(p);
		if (p != &f->m) {
			/* a failure of a later look is the verdict: its problem and its
			 * transcript go to the first session's result */
			for (i = 0; i < p->res.nproblems; i++)
				result_problem(&f->m.res, p->res.problems[i].state, "%s",
				    p->res.problems[i].text);
			sbuf_add(&f->m.res.transcript, sbuf_str(&p->res.transcript));
			result_free(&p->res);
			if (rc < 0) {
				f->stopped = 1;   /* recorded */
				break;
			}
		}
		if (rc < 0 || f->found || f->pend || fetch_left_us(f) <= 0)
			break;
		fetch_sleep(f, deadline_now_us() + backoff);
		if (fetch_left_us(f) <= 0)
			break;
		backoff = backoff * 2 > FP_BACKOFF_MAX_US ? FP_BACKOFF_MAX_US : backoff * 2;
	}
	for (i = 0; i < fp->nseen; i++)
		free(fp->seen[i]);
	free(later);
	free(fp);
	return rc;
}

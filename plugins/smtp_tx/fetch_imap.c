/* fetch_imap.c - the IMAP side of --fetch: greeting, STARTTLS, login,
 * the \Junk folder (SPECIAL-USE, RFC 6154), the search for the token
 * (UID SEARCH HEADER SUBJECT) in the folder and in \Junk, waiting with
 * IDLE (RFC 2177) when offered, else polling with a backoff, then the
 * cleanup (\Deleted and UID EXPUNGE with UIDPLUS, RFC 4315; EXPUNGE only
 * when nothing else is flagged) and LOGOUT. Responses are parsed by
 * lib/imap.c; every read waits on the connection's deadline (the search's
 * end while searching, the run's for the goodbye). */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "b64.h"
#include "fetch.h"
#include "imap.h"

#define FI_UNTAGGED_MAX 1000       /* untagged responses to one command */
#define FI_BACKOFF_MIN_US 100000
#define FI_BACKOFF_MAX_US 2000000
#define FI_LITERAL_MAX 0           /* we never ask for a literal */

struct fimap {
	struct fetch_run *f;
	struct conn *c;
	int tagno;
	int exists;                    /* an EXISTS or RECENT arrived */
	int nuids, uids_more;
	unsigned long uids[FETCH_UIDS_MAX];   /* the last SEARCH's */
	char junk[FETCH_FOLDER_MAX];   /* the \Junk folder, or "" */
	int selected;                  /* 0 none, 1 the folder, 2 junk; -1 broken */
	unsigned long found_uid;
	struct sbuf *lit_out;          /* a literal is read into this, or refused */
	size_t lit_max;
	struct imap_resp r;            /* the last response */
	char line[CONN_LINE_MAX + 1];
};

static int fi_literal(struct fimap *fi, unsigned long n, struct err *e);
static int fi_read(struct fimap *fi, struct err *e);
static void fi_headers(struct fimap *fi);
static int fi_untagged(struct fimap *fi, const char *cmd, struct err *e);
static int fi_cmd(struct fimap *fi, const char *cmd, size_t show, struct err *e);
static int fi_ok(struct fimap *fi, const char *what, struct err *e);
static int fi_refused(struct fimap *fi, const char *what, struct err *e);
static int fi_login(struct fimap *fi, struct err *e);
static int fi_open(struct fimap *fi, struct err *e);
static int fi_select(struct fimap *fi, int which, struct err *e);
static int fi_search(struct fimap *fi, const char *token, struct err *e);
static int fi_scan(struct fimap *fi, struct err *e);
static void fi_scan_clean(struct fimap *fi);
static int fi_idle(struct fimap *fi, int64_t until_us, struct err *e);
static int fi_wait(struct fimap *fi, struct err *e);
static void fi_clean(struct fimap *fi, int which, unsigned long uid);
static int fi_stale(struct fimap *fi, struct err *e);

/* The literal of N bytes announced at the end of fi->line: its lines into
 * fi->lit_out, then the rest of the response line (read and dropped). */
static int
fi_literal(struct fimap *fi, unsigned long n, struct err *e)
{
	char lit[CONN_LINE_MAX + 1];
	unsigned long got = 0;
	size_t len;

	while (got < n) {
		if (conn_read_line(fi->c, lit, sizeof(lit), &len, e) < 0)
			return -1;
		got += (unsigned long)len + 2;
		sbuf_addn(fi->lit_out, lit, len);
		sbuf_addc(fi->lit_out, '\n');
	}
	if (got != n)
		return err_set(e, ERR_PROTO, "a literal of %lu bytes did not end with a "
		    "line", n);
	return conn_read_line(fi->c, lit, sizeof(lit), &len, e);
}

/* One response line into fi->r. A literal ({N} at the end of a line) is
 * read into fi->lit_out when one is asked for and N is within lit_max,
 * else refused. */
static int
fi_read(struct fimap *fi, struct err *e)
{
	size_t len;

	if (conn_read_line(fi->c, fi->line, sizeof(fi->line), &len, e) < 0)
		return -1;
	if (len >= 3 && fi->line[len - 1] == '}') {
		const char *o = memrchr(fi->line, '{', len);

		if (o != NULL) {
			char *end;
			unsigned long n = strtoul(o + 1, &end, 10);

			if (fi->lit_out == NULL || n > fi->lit_max || (*end != '}' && *end != '+'))
				return err_set(e, ERR_PROTO, "the server sent a literal of %.*s "
				    "bytes, which nothing we asked for needs",
				    (int)(fi->line + len - 1 - o - 1), o + 1);
			len = (size_t)(o - fi->line);
			while (len > 0 && fi->line[len - 1] == ' ')
				len--;
			fi->line[len] = '\0';
			if (fi_literal(fi, n, e) < 0)
				return -1;
		}
	}
	if (imap_resp_parse(fi->line, len, &fi->r, e) < 0) {
		err_set_reply(e, fi->line, len);
		return -1;
	}
	return 0;
}

/* An untagged response on the way to a command's tagged one. */
static int
fi_untagged(struct fimap *fi, const char *cmd, struct err *e)
{
	struct imap_resp *r = &fi->r;

	if (strcmp(r->keyword, "CAPABILITY") == 0) {
		caps_init(&fi->f->caps);
		return imap_caps_parse(r->text, strlen(r->text), &fi->f->caps, e);
	}
	if (strcmp(r->keyword, "EXISTS") == 0 || strcmp(r->keyword, "RECENT") == 0) {
		fi->exists = 1;
		return 0;
	}
	if (strcmp(r->keyword, "SEARCH") == 0) {
		const char *p = r->text;
		char *end;

		while (*p) {
			unsigned long v = strtoul(p, &end, 10);

			if (end == p)
				break;
			if (fi->nuids < FETCH_UIDS_MAX)
				fi->uids[fi->nuids++] = v;
			else
				fi->uids_more = 1;
			p = end + strspn(end, " ");
		}
		return 0;
	}
	if (strcmp(r->keyword, "LIST") == 0 && fi->junk[0] == '\0') {
		/* (\HasNoChildren \Junk) "." Junk   or   ... "Junk" */
		const char *close = strchr(r->text, ')'), *name;
		size_t n;

		if (r->text[0] != '(' || close == NULL)
			return 0;
		if (strcasestr(r->text, "\\Junk") == NULL ||
		    strcasestr(r->text, "\\Junk") > close)
			return 0;
		name = close + 1 + strspn(close + 1, " ");
		name += strcspn(name, " ");      /* the delimiter */
		name += strspn(name, " ");
		if (*name == '"') {
			name++;
			n = strcspn(name, "\"\\");
			if (name[n] != '"')
				return 0;   /* an escaped name: not ours to handle */
		} else {
			n = strlen(name);
		}
		if (n > 0 && n < sizeof(fi->junk) &&
		    !(strlen(fi->f->fc->url.folder) == n &&
		    strncmp(name, fi->f->fc->url.folder, n) == 0)) {
			memcpy(fi->junk, name, n);
			fi->junk[n] = '\0';
		}
		return 0;
	}
	if (r->status == IMAP_BYE && strncasecmp(cmd, "LOGOUT", 6) != 0) {
		err_set(e, ERR_REJECTED, "server said BYE in reply to %.*s",
		    (int)strcspn(cmd, " "), cmd);
		err_set_reply(e, r->text, strlen(r->text));
		return -1;
	}
	return 0;
}

/* Send "TAG CMD" (only SHOW bytes of CMD shown in the transcript when
 * SHOW is not (size_t)-1) and read up to its tagged response, or up to a
 * continuation request. */
static int
fi_cmd(struct fimap *fi, const char *cmd, size_t show, struct err *e)
{
	char line[CONN_LINE_MAX], tag[16];
	int n, i;

	snprintf(tag, sizeof(tag), "F%d", ++fi->tagno);
	n = snprintf(line, sizeof(line), "%s %s", tag, cmd);
	if (n < 0 || (size_t)n >= sizeof(line))
		return err_set(e, ERR_INTERNAL, "command too long");
	if (conn_send_secret(fi->c, line, show == (size_t)-1 ? (size_t)-1 :
	    strlen(tag) + 1 + show, e) < 0)
		return -1;
	fi->nuids = fi->uids_more = 0;
	for (i = 0; i < FI_UNTAGGED_MAX; i++) {
		if (fi_read(fi, e) < 0)
			return -1;
		if (fi->r.kind == IMAP_CONTINUATION)
			return 0;
		if (fi->r.kind == IMAP_TAGGED) {
			if (strcmp(fi->r.tag, tag) != 0)
				return err_set(e, ERR_PROTO, "response for tag %s while waiting "
				    "for %s", fi->r.tag, tag);
			return 0;
		}
		if (fi_untagged(fi, cmd, e) < 0)
			return -1;
	}
	return err_set(e, ERR_PROTO, "more than %d untagged responses to %.*s",
	    FI_UNTAGGED_MAX, (int)strcspn(cmd, " "), cmd);
}

/* The tagged response was not OK: ERR_REJECTED naming WHAT, with the
 * server's words. */
static int
fi_refused(struct fimap *fi, const char *what, struct err *e)
{
	char tmp[256];

	err_set(e, ERR_REJECTED, "%s refused", what);
	snprintf(tmp, sizeof(tmp), "%s %.200s", imap_status_name(fi->r.status), fi->r.text);
	err_set_reply(e, tmp, strlen(tmp));
	return -1;
}

static int
fi_ok(struct fimap *fi, const char *what, struct err *e)
{
	if (fi->r.kind != IMAP_TAGGED)
		return err_set(e, ERR_PROTO, "unexpected continuation in reply to %s", what);
	if (fi->r.status != IMAP_OK)
		return fi_refused(fi, what, e);
	return 0;
}

/* AUTHENTICATE PLAIN (with SASL-IR) or LOGIN; the password never shows. */
static int
fi_login(struct fimap *fi, struct err *e)
{
	const struct caps *cp = &fi->f->caps;
	const char *user = fi->f->fc->user, *pass = fi->f->fc->pass;
	struct b64_sasl sa;
	int rc = -1;

	phase_begin(&fi->f->m.phases, PHASE_LOGIN);
	if (b64_sasl_begin(&sa, user, pass) < 0)
		return err_set(e, ERR_USAGE, "mailbox user name and password too long");
	if (caps_has(cp, "AUTH=PLAIN") && caps_has(cp, "SASL-IR")) {
		b64_sasl_plain(user, pass, sa.enc, sizeof(sa.enc));
		snprintf(sa.cmd, sizeof(sa.cmd), "AUTHENTICATE PLAIN %s", sa.enc);
		if (fi_cmd(fi, sa.cmd, strlen("AUTHENTICATE PLAIN "), e) < 0)
			goto out;
	} else if (caps_has(cp, "LOGINDISABLED")) {
		rc = err_set(e, ERR_MISSING_FEATURE, "cannot log in: the server announces "
		    "LOGINDISABLED and offers no AUTH=PLAIN with SASL-IR%s",
		    fi->f->m.tls ? "" : " (add --fetch-starttls or use imaps://)");
		goto out;
	} else {
		char qu[600], qp[600];

		/* LOGIN "user" "pass" (RFC 9051 quoted strings) */
		if (imap_quote(user, qu, sizeof(qu)) < 0 || imap_quote(pass, qp, sizeof(qp)) < 0) {
			explicit_bzero(qp, sizeof(qp));
			rc = err_set(e, ERR_USAGE, "mailbox user name or password cannot be "
			    "sent with LOGIN");
			goto out;
		}
		snprintf(sa.cmd, sizeof(sa.cmd), "LOGIN %s %s", qu, qp);
		explicit_bzero(qp, sizeof(qp));
		if (fi_cmd(fi, sa.cmd, strlen("LOGIN ") + strlen(qu) + 1, e) < 0)
			goto out;
	}
	if (fi->r.kind != IMAP_TAGGED) {
		rc = err_set(e, ERR_PROTO, "no tagged reply to the login");
	} else if (fi->r.status != IMAP_OK) {
		fi_refused(fi, "login", e);
		snprintf(e->msg, sizeof(e->msg), "authentication failed for %.128s", user);
		rc = -1;
	} else {
		rc = 0;
		result_detail(&fi->f->m.res, "logged in as %s", user);
		if (imap_code_is_caps(fi->r.code)) {
			caps_init(&fi->f->caps);
			rc = imap_code_caps(fi->r.code, &fi->f->caps, e) < 0 ? -1 : 0;
		} else {
			caps_init(&fi->f->caps);
		}
	}
out:
	b64_sasl_wipe(&sa);
	return rc;
}

/* Greeting, capabilities, STARTTLS, login, and the \Junk folder. */
static int
fi_open(struct fimap *fi, struct err *e)
{
	struct fetch_run *f = fi->f;

	phase_begin(&f->m.phases, PHASE_BANNER);
	if (fi_read(fi, e) < 0)
		return -1;
	if (fi->r.kind != IMAP_UNTAGGED || (fi->r.status != IMAP_OK &&
	    fi->r.status != IMAP_PREAUTH)) {
		err_set(e, fi->r.status == IMAP_BYE ? ERR_REJECTED : ERR_PROTO,
		    "greeting is not * OK");
		err_set_reply(e, fi->line, strlen(fi->line));
		return -1;
	}
	if (imap_code_caps(fi->r.code, &f->caps, e) < 0)
		return -1;
	if (f->fc->starttls) {
		phase_begin(&f->m.phases, PHASE_STARTTLS);
		if (f->caps.n == 0 && (fi_cmd(fi, "CAPABILITY", (size_t)-1, e) < 0 ||
		    fi_ok(fi, "CAPABILITY", e) < 0))
			return -1;
		if (!caps_has(&f->caps, "STARTTLS"))
			return err_set(e, ERR_MISSING_FEATURE, "STARTTLS not offered");
		if (fi_cmd(fi, "STARTTLS", (size_t)-1, e) < 0 || fi_ok(fi, "STARTTLS", e) < 0)
			return -1;
		if (plugin_upgrade(&f->m, e) < 0)
			return -1;
		if (f->m.tls_untrusted) {
			f->stopped = 1;   /* plugin_upgrade said why; no password sent */
			return -1;
		}
		caps_init(&f->caps);
	}
	if (f->caps.n == 0) {
		phase_begin(&f->m.phases, PHASE_CAPABILITY);
		if (fi_cmd(fi, "CAPABILITY", (size_t)-1, e) < 0 ||
		    fi_ok(fi, "CAPABILITY", e) < 0)
			return -1;
	}
	if (fi_login(fi, e) < 0)
		return -1;
	if (f->caps.n == 0 && (fi_cmd(fi, "CAPABILITY", (size_t)-1, e) < 0 ||
	    fi_ok(fi, "CAPABILITY", e) < 0))
		return -1;
	phase_begin(&f->m.phases, PHASE_DELIVERY);
	if (caps_has(&f->caps, "SPECIAL-USE")) {
		/* RFC 6154 §2: the folder marked \Junk, searched as well */
		if (fi_cmd(fi, "LIST \"\" \"*\" RETURN (SPECIAL-USE)", (size_t)-1, e) < 0)
			return -1;
		if (fi->r.kind == IMAP_TAGGED && fi->r.status != IMAP_OK) {
			/* LIST-EXTENDED missing: the selection option instead */
			if (fi_cmd(fi, "LIST (SPECIAL-USE) \"\" \"*\"", (size_t)-1, e) < 0)
				return -1;
		}
		if (fi->junk[0])
			result_detail(&f->m.res, "junk folder (SPECIAL-USE \\Junk): %s", fi->junk);
	}
	return 0;
}

/* SELECT the folder (WHICH 1) or the junk folder (2), unless selected. */
static int
fi_select(struct fimap *fi, int which, struct err *e)
{
	const char *name = which == 1 ? fi->f->fc->url.folder : fi->junk;
	char cmd[FETCH_FOLDER_MAX + 16], what[FETCH_FOLDER_MAX + 16];

	if (fi->selected == which)
		return 0;
	fi->selected = 0;
	snprintf(cmd, sizeof(cmd), "SELECT \"%s\"", name);
	snprintf(what, sizeof(what), "SELECT %s", name);
	if (fi_cmd(fi, cmd, (size_t)-1, e) < 0 || fi_ok(fi, what, e) < 0)
		return -1;
	fi->selected = which;
	return 0;
}

/* UID SEARCH for the token in the selected folder: 1 found (the UID in
 * fi->uids[0]), 0 not, -1 error. */
static int
fi_search(struct fimap *fi, const char *token, struct err *e)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "UID SEARCH HEADER SUBJECT \"%s\"", token);
	if (fi_cmd(fi, cmd, (size_t)-1, e) < 0 || fi_ok(fi, "UID SEARCH", e) < 0)
		return -1;
	fi->f->rounds++;
	return fi->nuids > 0;
}

/* IDLE until an EXISTS arrives or UNTIL_US (at most the search's end);
 * then DONE and its tagged OK. A server that refuses IDLE is waited for
 * without it. */
static int
fi_idle(struct fimap *fi, int64_t until_us, struct err *e)
{
	struct deadline sub = fi->f->wait;
	const struct deadline *keep = fi->c->dl;
	char tag[16];
	int i, rc = 0;

	if (fi_cmd(fi, "IDLE", (size_t)-1, e) < 0)
		return -1;
	if (fi->r.kind == IMAP_TAGGED) {
		fetch_sleep(fi->f, until_us);   /* IDLE refused */
		return 0;
	}
	snprintf(tag, sizeof(tag), "F%d", fi->tagno);
	if (until_us < sub.end_us)
		sub.end_us = until_us;
	fi->exists = 0;
	fi->c->dl = &sub;
	for (i = 0; i < FI_UNTAGGED_MAX && !fi->exists; i++) {
		if (fi_read(fi, e) < 0) {
			if (e->kind == ERR_TIMEOUT) {
				err_clear(e);
				break;
			}
			rc = -1;
			break;
		}
		if (fi->r.kind == IMAP_TAGGED)
			break;   /* the server ended the IDLE itself */
		if (fi->r.kind == IMAP_UNTAGGED && fi_untagged(fi, "IDLE", e) < 0) {
			rc = -1;
			break;
		}
	}
	fi->c->dl = keep;
	if (rc < 0 || fi->r.kind == IMAP_TAGGED)
		return rc;
	/* the end of the IDLE is read on the run's deadline: the search's
	 * may be over by now */
	fi->c->dl = &fi->f->cmds;
	rc = -1;
	if (conn_send_line(fi->c, "DONE", e) < 0)
		goto out;
	for (i = 0; i < FI_UNTAGGED_MAX; i++) {
		if (fi_read(fi, e) < 0)
			goto out;
		if (fi->r.kind == IMAP_TAGGED) {
			rc = strcmp(fi->r.tag, tag) == 0 ? 0 : err_set(e, ERR_PROTO,
			    "response for tag %s while waiting for %s", fi->r.tag, tag);
			goto out;
		}
		if (fi_untagged(fi, "IDLE", e) < 0)
			goto out;
	}
	err_set(e, ERR_PROTO, "more than %d untagged responses to IDLE", FI_UNTAGGED_MAX);
out:
	fi->c->dl = keep;
	return rc;
}

/* Search the folder and the junk folder until the message is seen or the
 * search's time is up: 0 either way (f->found), -1 on error. */
static int
fi_wait(struct fimap *fi, struct err *e)
{
	struct fetch_run *f = fi->f;
	int idle = caps_has(&f->caps, "IDLE");
	int64_t backoff = FI_BACKOFF_MIN_US;
	int which, k, rc;

	for (;;) {
		/* the junk folder first, so that the folder itself stays
		 * selected for the IDLE that follows */
		for (k = fi->junk[0] ? 0 : 1; k < 2; k++) {
			which = k == 0 ? 2 : 1;
			if (fi_select(fi, which, e) < 0)
				return -1;
			if ((rc = fi_search(fi, f->token, e)) < 0)
				return -1;
			if (rc == 1) {
				f->found = 1;
				fi->found_uid = fi->uids[0];
				f->seen_us = deadline_now_us();
				f->junk = which == 2;
				snprintf(f->folder, sizeof(f->folder), "%s",
				    which == 1 ? f->fc->url.folder : fi->junk);
				return 0;
			}
		}
		if (fetch_left_us(f) <= 0)
			return 0;
		/* with one folder IDLE waits for the delivery itself; with two
		 * it wakes for the selected one and the other is looked at
		 * after the backoff */
		if (idle) {
			if (fi_idle(fi, fi->junk[0] ? deadline_now_us() + backoff :
			    f->wait.end_us, e) < 0)
				return -1;
		} else {
			fetch_sleep(f, deadline_now_us() + backoff);
			if (fetch_left_us(f) <= 0)
				return 0;
			if (fi->selected && (fi_cmd(fi, "NOOP", (size_t)-1, e) < 0 ||
			    fi_ok(fi, "NOOP", e) < 0))
				return -1;
		}
		backoff = backoff * 2 > FI_BACKOFF_MAX_US ? FI_BACKOFF_MAX_US : backoff * 2;
	}
}

/* The Received: and Authentication-Results: fields of the message found
 * (BODY.PEEK: it stays unseen), into f->headers; a failure is noted. */
static void
fi_headers(struct fimap *fi)
{
	char cmd[160];
	struct err e;

	err_clear(&e);
	snprintf(cmd, sizeof(cmd), "UID FETCH %lu (BODY.PEEK[HEADER.FIELDS (RECEIVED "
	    "AUTHENTICATION-RESULTS)])", fi->found_uid);
	fi->lit_out = &fi->f->headers;
	fi->lit_max = (size_t)256 * 1024;
	if (fi_cmd(fi, cmd, (size_t)-1, &e) < 0 || fi_ok(fi, "UID FETCH", &e) < 0) {
		result_detail(&fi->f->m.res, "cannot read the message's header: %s%s%s", e.msg,
		    e.reply[0] ? ": " : "", e.reply);
		if (e.kind != ERR_REJECTED)
			fi->selected = -1;   /* out of step: no cleanup, no goodbye */
	}
	fi->lit_out = NULL;
}

/* --state-file: each pending probe looked for once, in the folder and in
 * the junk folder. */
static int
fi_scan(struct fimap *fi, struct err *e)
{
	struct fetch_run *f = fi->f;
	int which, i, rc;

	for (which = 1; which <= (fi->junk[0] ? 2 : 1); which++) {
		if (fi_select(fi, which, e) < 0)
			return -1;
		for (i = 0; i < f->npend; i++) {
			struct fetch_probe *p = &f->pend[i];

			if (p->found)
				continue;
			if ((rc = fi_search(fi, p->token, e)) < 0)
				return -1;
			if (rc == 1) {
				p->uid = fi->uids[0];
				fetch_probe_seen(p, which == 1 ? f->fc->url.folder : fi->junk,
				    which == 2);
				f->found = 1;
			}
		}
	}
	return 0;
}

/* --state-file: the probes found removed, and the stale ones, from each
 * folder. */
static void
fi_scan_clean(struct fimap *fi)
{
	struct fetch_run *f = fi->f;
	int which, i, n;

	for (which = 1; which <= (fi->junk[0] ? 2 : 1) && fi->selected >= 0; which++) {
		for (i = n = 0; i < f->npend && fi->selected >= 0; i++) {
			if (!f->pend[i].found || f->pend[i].junk != (which == 2))
				continue;
			fi_clean(fi, which, f->pend[i].uid);
			n++;
		}
		if (n == 0 && fi->selected >= 0)
			fi_clean(fi, which, 0);
	}
}

/* The probes of earlier runs in the selected folder, older than
 * --lost-after, into fi->uids (SEARCH OLDER with WITHIN, RFC 5032, else by
 * the day of their Date: header). */
static int
fi_stale(struct fimap *fi, struct err *e)
{
	const struct fetch_config *fc = fi->f->fc;
	char cmd[160];

	if (caps_has(&fi->f->caps, "WITHIN")) {
		snprintf(cmd, sizeof(cmd), "UID SEARCH HEADER SUBJECT \"mailprobe test mp-\" "
		    "OLDER %ld", fc->lost_after);
	} else {
		static const char *mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
		    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
		time_t t = time(NULL) - fc->lost_after;
		struct tm tm;

		gmtime_r(&t, &tm);
		snprintf(cmd, sizeof(cmd), "UID SEARCH HEADER SUBJECT \"mailprobe test mp-\" "
		    "SENTBEFORE %d-%s-%d", tm.tm_mday, mon[tm.tm_mon], tm.tm_year + 1900);
	}
	if (fi_cmd(fi, cmd, (size_t)-1, e) < 0 || fi_ok(fi, "UID SEARCH", e) < 0)
		return -1;
	return 0;
}

/* Remove the probe UID (0: none) and the stale probes from folder WHICH:
 * \Deleted, then UID EXPUNGE (UIDPLUS), else EXPUNGE when no other message
 * is flagged \Deleted. A failure is a WARNING: the message arrived, but
 * the probe mailbox would fill up. */
static void
fi_clean(struct fimap *fi, int which, unsigned long uid)
{
	struct fetch_run *f = fi->f;
	unsigned long set[FETCH_UIDS_MAX];
	struct sbuf uids;
	struct err e;
	int n = 0, stale = 0, i, j, others = 0;

	err_clear(&e);
	sbuf_init(&uids);
	if (uid && !f->fc->keep)
		set[n++] = uid;
	if (fi_select(fi, which, &e) < 0 || fi_stale(fi, &e) < 0)
		goto fail;
	for (i = 0; i < fi->nuids && n < FETCH_UIDS_MAX; i++)
		if (fi->uids[i] != uid) {
			set[n++] = fi->uids[i];
			stale++;
		}
	if (n == 0)
		goto out;
	for (i = 0; i < n; i++)
		sbuf_printf(&uids, "%s%lu", i ? "," : "", set[i]);
	{
		char cmd[CONN_LINE_MAX];

		snprintf(cmd, sizeof(cmd), "UID STORE %s +FLAGS.SILENT (\\Deleted)",
		    sbuf_str(&uids));
		if (fi_cmd(fi, cmd, (size_t)-1, &e) < 0 || fi_ok(fi, "UID STORE \\Deleted", &e) < 0)
			goto fail;
		if (caps_has(&f->caps, "UIDPLUS")) {
			snprintf(cmd, sizeof(cmd), "UID EXPUNGE %s", sbuf_str(&uids));
			if (fi_cmd(fi, cmd, (size_t)-1, &e) < 0 || fi_ok(fi, "UID EXPUNGE", &e) < 0)
				goto fail;
		} else {
			if (fi_cmd(fi, "UID SEARCH DELETED", (size_t)-1, &e) < 0 ||
			    fi_ok(fi, "UID SEARCH DELETED", &e) < 0)
				goto fail;
			for (i = 0; i < fi->nuids; i++) {
				for (j = 0; j < n && set[j] != fi->uids[i]; j++)
					;
				others += j == n;
			}
			if (others || fi->uids_more) {
				result_problem(&f->m.res, STATE_WARNING, "%s: probe message "
				    "flagged \\Deleted but not expunged: %d other message%s in "
				    "%s %s flagged \\Deleted too and the server has no UIDPLUS",
				    f->m.target, others, others == 1 ? "" : "s",
				    which == 1 ? f->fc->url.folder : fi->junk,
				    others == 1 ? "is" : "are");
				goto out;
			}
			if (fi_cmd(fi, "EXPUNGE", (size_t)-1, &e) < 0 || fi_ok(fi, "EXPUNGE", &e) < 0)
				goto fail;
		}
	}
	if (uid && !f->fc->keep)
		f->deleted = 1;
	f->stale += stale;
	goto out;
fail:
	if (e.kind == ERR_TIMEOUT || e.kind == ERR_CLOSED)
		f->m.connected = f->m.connected && e.kind != ERR_CLOSED;
	result_problem(&f->m.res, STATE_WARNING, "%s: cannot remove the probe "
	    "message: %s%s%s", f->m.target, e.msg, e.reply[0] ? ": " : "", e.reply);
	fi->selected = -1;
out:
	sbuf_free(&uids);
}

int
fetch_imap(struct fetch_run *f, struct err *e)
{
	struct fimap *fi = calloc(1, sizeof(*fi));
	int rc = -1;

	if (fi == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	fi->f = f;
	if (plugin_connect(&f->m, e) < 0)
		goto out;
	fi->c = &f->m.conn;
	if (f->m.tls_untrusted) {
		f->stopped = 1;
		goto out;
	}
	if (fi_open(fi, e) < 0 || (f->pend ? fi_scan(fi, e) : fi_wait(fi, e)) < 0)
		goto out;
	rc = 0;
	f->m.dl = f->run;   /* the cleanup and the goodbye: the rest of the run */
	phase_begin(&f->m.phases, PHASE_LOGOUT);
	if (f->pend)
		fi_scan_clean(fi);
	if (f->found && !f->pend)
		fi_headers(fi);
	if (f->found && !f->pend && fi->selected >= 0)
		fi_clean(fi, f->junk ? 2 : 1, fi->found_uid);
	if (f->found && !f->pend && fi->junk[0] && fi->selected >= 0)
		fi_clean(fi, f->junk ? 1 : 2, 0);
	if (fi->selected >= 0) {
		struct err le;

		err_clear(&le);
		if (fi_cmd(fi, "LOGOUT", (size_t)-1, &le) < 0)
			result_detail(&f->m.res, "LOGOUT: %s", le.msg);
	}
out:
	free(fi);
	return rc;
}

/* mbox_health_imap.c - the IMAP side of the mailbox health (see
 * mbox_health.h): LIST for --folder='*', then for each folder STATUS
 * (MESSAGES UNSEEN RECENT), for the ages EXAMINE (read-only) and FETCH
 * INTERNALDATE of the first and last message in arrival order (ESORT
 * MIN/MAX when offered, else messages 1 and *), for --quota
 * GETQUOTAROOT. Nothing else is sent: no SELECT, no STORE, no EXPUNGE.
 * Commands are tagged H1, H2, ... so that they never collide with the
 * session's A tags. Every reply is bounded: lines by the connection,
 * untagged responses per command by HI_UNTAGGED_MAX, literals (only a
 * folder name may come as one) by IMAP_MAILBOX_MAX. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "imap.h"
#include "mbox.h"
#include "mbox_health.h"
#include "utf7.h"

#define HI_UNTAGGED_MAX 10000   /* untagged responses to one command */
#define HI_LITERALS_MAX 4       /* literals in one response */
#define HI_LINE_MAX (3 * CONN_LINE_MAX)

/* What the current command collects. */
enum hi_want { HI_NONE, HI_LIST, HI_STATUS, HI_FETCH, HI_ESORT, HI_QUOTA };

struct hi {
	struct mbox_check *m;
	int tagno;
	enum hi_want want;
	const char *cmd;               /* its name, for messages */
	/* LIST */
	char (*names)[IMAP_MAILBOX_MAX];   /* selectable folders (wire names) */
	int nnames, cap, over;
	/* STATUS */
	int have_status;
	struct imap_status_data st;
	/* FETCH, ESORT */
	int ndates;
	long long dmin, dmax;
	int have_esort;
	unsigned long long esort_min, esort_max;
	/* GETQUOTAROOT */
	struct fact_quota quota;
	struct imap_resp r;
	char line[HI_LINE_MAX + 1], next[CONN_LINE_MAX + 1], tmp[HI_LINE_MAX + 1];
};

static int hi_read(struct hi *h, struct err *e);
static int hi_untagged(struct hi *h, struct err *e);
static int hi_cmd(struct hi *h, enum hi_want want, const char *head, const char *arg,
    const char *tail, struct err *e);
static int hi_list(struct hi *h, struct err *e);
static int hi_folder(struct hi *h, const char *wire, const char *shown, struct err *e);
static int hi_ages(struct hi *h, const char *q, struct fact_folder *f, struct err *e);
static void hi_refused(struct hi *h, struct fact_folder *f);

/* One response into h->r; literals (a folder name) inlined. */
static int
hi_read(struct hi *h, struct err *e)
{
	size_t len, nlen, olen;
	unsigned long long n;
	int i;

	if (conn_read_line(&h->m->p.conn, h->line, CONN_LINE_MAX + 1, &len, e) < 0)
		return -1;
	for (i = 0; imap_literal_size(h->line, len, &n) == 1; i++) {
		if (i >= HI_LITERALS_MAX)
			return err_set(e, ERR_PROTO, "more than %d literals in one reply to %s",
			    HI_LITERALS_MAX, h->cmd);
		if (n > IMAP_MAILBOX_MAX)
			return err_set(e, ERR_PROTO, "the server sent a literal of %llu bytes in "
			    "reply to %s: more than the %d bytes a folder name may take", n,
			    h->cmd, IMAP_MAILBOX_MAX);
		if (conn_read_line(&h->m->p.conn, h->next, sizeof(h->next), &nlen, e) < 0 ||
		    imap_literal_inline(h->line, len, h->next, nlen, h->tmp, sizeof(h->tmp),
		    &olen, e) < 0)
			return -1;
		memcpy(h->line, h->tmp, olen + 1);
		len = olen;
	}
	if (imap_resp_parse(h->line, len, &h->r, e) < 0) {
		err_set_reply(e, h->line, len);
		return -1;
	}
	return 0;
}

/* An untagged response on the way to the tagged one. */
static int
hi_untagged(struct hi *h, struct err *e)
{
	const struct imap_resp *r = &h->r;

	if (r->status == IMAP_BYE) {
		err_set(e, ERR_REJECTED, "server said BYE in reply to %s", h->cmd);
		err_set_reply(e, r->text, strlen(r->text));
		return -1;
	}
	if (h->want == HI_LIST && strcmp(r->keyword, "LIST") == 0) {
		struct imap_list l;

		if (imap_list_parse(r->text, &l, e) < 0)
			return -1;
		if (l.noselect)
			return 0;
		if (h->nnames < h->cap)
			memcpy(h->names[h->nnames++], l.name, strlen(l.name) + 1);
		else
			h->over++;
		return 0;
	}
	if (h->want == HI_STATUS && strcmp(r->keyword, "STATUS") == 0) {
		if (imap_status_data_parse(r->text, &h->st, e) < 0)
			return -1;
		h->have_status = 1;
		return 0;
	}
	if (h->want == HI_FETCH && strcmp(r->keyword, "FETCH") == 0) {
		long long when;
		int rc = imap_fetch_internaldate(r->text, &when, e);

		if (rc < 0)
			return -1;
		if (rc == 1) {
			if (h->ndates == 0 || when < h->dmin)
				h->dmin = when;
			if (h->ndates == 0 || when > h->dmax)
				h->dmax = when;
			h->ndates++;
		}
		return 0;
	}
	if (h->want == HI_ESORT && strcmp(r->keyword, "ESEARCH") == 0) {
		/* (TAG "H7") MIN 2 MAX 5 (RFC 4731, 5267) */
		const char *mn = strstr(r->text, " MIN "), *mx = strstr(r->text, " MAX ");
		char *end;

		if (mn && mx) {
			h->esort_min = strtoull(mn + 5, &end, 10);
			h->esort_max = strtoull(mx + 5, &end, 10);
			h->have_esort = h->esort_min > 0 && h->esort_max > 0 &&
			    h->esort_min < 0xffffffffULL && h->esort_max < 0xffffffffULL;
		}
		return 0;
	}
	if (h->want == HI_QUOTA && strcmp(r->keyword, "QUOTA") == 0) {
		struct imap_quota q;
		int i;

		if (imap_quota_parse(r->text, &q, e) < 0)
			return -1;
		memset(&h->quota, 0, sizeof(h->quota));
		snprintf(h->quota.root, sizeof(h->quota.root), "%s", q.root);
		for (i = 0; i < q.n && h->quota.n < FACT_QUOTA_RES_MAX; i++) {
			snprintf(h->quota.res[h->quota.n].name,
			    sizeof(h->quota.res[h->quota.n].name), "%s", q.res[i].name);
			h->quota.res[h->quota.n].usage = q.res[i].usage;
			h->quota.res[h->quota.n].limit = q.res[i].limit;
			h->quota.n++;
		}
		mbox_health_quota(h->m, &h->quota);
		return 0;
	}
	return 0;
}

/* Send "Hn HEAD[ ARG TAIL]" and read up to its tagged response, h->r. */
static int
hi_cmd(struct hi *h, enum hi_want want, const char *head, const char *arg,
    const char *tail, struct err *e)
{
	char tag[16], line[CONN_LINE_MAX];
	int n, i;

	snprintf(tag, sizeof(tag), "H%d", ++h->tagno);
	n = snprintf(line, sizeof(line), "%s %s%s%s%s", tag, head, arg ? " " : "",
	    arg ? arg : "", arg && tail ? tail : "");
	if (n < 0 || (size_t)n >= sizeof(line))
		return err_set(e, ERR_USAGE, "folder name too long to be sent");
	h->want = want;
	h->cmd = want == HI_LIST ? "LIST" : want == HI_STATUS ? "STATUS" :
	    want == HI_FETCH ? "FETCH" : want == HI_ESORT ? "SORT" :
	    want == HI_QUOTA ? "GETQUOTAROOT" : "EXAMINE";
	if (conn_send_line(&h->m->p.conn, line, e) < 0)
		return -1;
	for (i = 0; i < HI_UNTAGGED_MAX; i++) {
		if (hi_read(h, e) < 0)
			return -1;
		if (h->r.kind == IMAP_TAGGED) {
			if (strcmp(h->r.tag, tag) != 0)
				return err_set(e, ERR_PROTO, "response for tag %s while waiting "
				    "for %s", h->r.tag, tag);
			return 0;
		}
		if (h->r.kind == IMAP_CONTINUATION)
			return err_set(e, ERR_PROTO, "unexpected continuation request in reply "
			    "to %s", h->cmd);
		if (hi_untagged(h, e) < 0)
			return -1;
	}
	return err_set(e, ERR_PROTO, "more than %d untagged responses to %s",
	    HI_UNTAGGED_MAX, h->cmd);
}

/* --folder='*': the selectable folders, at most --max-folders. */
static int
hi_list(struct hi *h, struct err *e)
{
	if (hi_cmd(h, HI_LIST, "LIST \"\" \"*\"", NULL, NULL, e) < 0)
		return -1;
	if (h->r.status != IMAP_OK) {
		err_set(e, ERR_REJECTED, "LIST refused");
		err_set_reply(e, h->r.text, strlen(h->r.text));
		return -1;
	}
	h->m->mailbox.skipped = h->over;
	if (h->over)
		result_detail(&h->m->p.res, "--folder='*': %d more selectable folders not "
		    "checked (--max-folders %d)", h->over, h->cap);
	return 0;
}

/* The folder's command was refused: CRITICAL, naming it and the reply. */
static void
hi_refused(struct hi *h, struct fact_folder *f)
{
	char code[80] = "";

	f->missing = 1;
	if (h->r.code[0])
		snprintf(code, sizeof(code), "[%.70s] ", h->r.code);
	result_problem(&h->m->p.res, STATE_CRITICAL, "folder %s cannot be read: %s %s: %s%s",
	    f->name, h->cmd, imap_status_name(h->r.status), code, h->r.text);
}

/* EXAMINE (read-only), then the INTERNALDATE of the first and the last
 * message in arrival order. */
static int
hi_ages(struct hi *h, const char *q, struct fact_folder *f, struct err *e)
{
	char set[64];

	if (hi_cmd(h, HI_NONE, "EXAMINE", q, NULL, e) < 0)
		return -1;
	if (h->r.status != IMAP_OK) {
		hi_refused(h, f);
		return 0;
	}
	h->have_esort = 0;
	h->ndates = 0;
	snprintf(set, sizeof(set), "1,*");
	if (caps_has(&h->m->caps, "ESORT")) {
		if (hi_cmd(h, HI_ESORT, "SORT RETURN (MIN MAX) (ARRIVAL) UTF-8 ALL", NULL,
		    NULL, e) < 0)
			return -1;
		if (h->r.status == IMAP_OK && h->have_esort)
			snprintf(set, sizeof(set), "%llu,%llu", h->esort_min, h->esort_max);
	}
	if (hi_cmd(h, HI_FETCH, "FETCH", set, " (INTERNALDATE)", e) < 0)
		return -1;
	if (h->r.status != IMAP_OK) {
		hi_refused(h, f);
		return 0;
	}
	if (h->ndates) {
		f->have_oldest = f->have_newest = 1;
		f->oldest = h->dmin;
		f->newest = h->dmax;
	}
	return 0;
}

/* One folder: WIRE as sent, SHOWN as displayed. */
static int
hi_folder(struct hi *h, const char *wire, const char *shown, struct err *e)
{
	const struct mbox_health_config *hc = &h->m->cfg->health;
	struct fact_folder *f;
	char q[2 * IMAP_MAILBOX_MAX + 3];

	f = mbox_health_folder_new(h->m, shown);
	if (f == NULL)
		return 0;
	if (imap_quote(wire, q, sizeof(q)) < 0)
		return err_set(e, ERR_USAGE, "folder %s cannot be sent", shown);
	h->have_status = 0;
	if (hi_cmd(h, HI_STATUS, "STATUS", q, " (MESSAGES UNSEEN RECENT)", e) < 0)
		return -1;
	if (h->r.status != IMAP_OK) {
		hi_refused(h, f);
		return 0;
	}
	if (!h->have_status)
		return err_set(e, ERR_PROTO, "STATUS of %s answered OK without the figures",
		    shown);
	f->have_messages = h->st.have_messages;
	f->messages = h->st.messages;
	f->have_unseen = h->st.have_unseen;
	f->unseen = h->st.unseen;
	f->have_recent = h->st.have_recent;
	f->recent = h->st.recent;
	if ((hc->oldest.set || hc->newest.set) && f->messages > 0 &&
	    hi_ages(h, q, f, e) < 0)
		return -1;
	if (hc->quota && !f->missing && caps_has(&h->m->caps, "QUOTA")) {
		if (hi_cmd(h, HI_QUOTA, "GETQUOTAROOT", q, NULL, e) < 0)
			return -1;
		if (h->r.status != IMAP_OK)
			result_detail(&h->m->p.res, "folder %s: GETQUOTAROOT answered %s %s", shown,
			    imap_status_name(h->r.status), h->r.text);
	}
	mbox_health_folder(h->m, f);
	return 0;
}

int
mbox_health_imap(struct mbox_check *m, struct err *e)
{
	const struct mbox_health_config *hc = &m->cfg->health;
	struct hi *h = calloc(1, sizeof(*h));
	int i, rc = -1;

	if (h == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	h->m = m;
	/* the capabilities of the logged-in state (QUOTA, ESORT) */
	if (m->caps_from == MBOX_CAPS_NONE && m->proto->recapability) {
		if (m->proto->recapability(m, e) < 0)
			goto out;
		phase_begin(&m->p.phases, PHASE_MAILBOX);
	}
	if (hc->quota && !caps_has(&m->caps, "QUOTA"))
		result_problem(&m->p.res, STATE_UNKNOWN, "--quota: the server does not "
		    "announce QUOTA (RFC 9208): no quota to check");
	if (hc->all_folders) {
		h->cap = hc->max_folders ? hc->max_folders : MBOX_HEALTH_MAX_FOLDERS;
		h->names = calloc((size_t)h->cap, sizeof(*h->names));
		if (h->names == NULL) {
			err_set(e, ERR_INTERNAL, "out of memory");
			goto out;
		}
		if (hi_list(h, e) < 0)
			goto out;
		for (i = 0; i < h->nnames; i++) {
			char shown[FACT_FOLDER_NAME_MAX];
			struct err de;

			err_clear(&de);
			if (utf7_decode(h->names[i], strlen(h->names[i]), shown, sizeof(shown),
			    &de) < 0)
				snprintf(shown, sizeof(shown), "%s", h->names[i]);
			if (hi_folder(h, h->names[i], shown, e) < 0)
				goto out;
		}
		if (h->nnames == 0)
			result_problem(&m->p.res, STATE_WARNING, "--folder='*': LIST returned no "
			    "selectable folder");
	} else if (hc->nfolders == 0) {
		if (hi_folder(h, "INBOX", "INBOX", e) < 0)
			goto out;
	} else {
		for (i = 0; i < hc->nfolders; i++) {
			char wire[IMAP_MAILBOX_MAX];

			if (utf7_encode(hc->folders[i], wire, sizeof(wire), e) < 0)
				goto out;
			if (hi_folder(h, wire, hc->folders[i], e) < 0)
				goto out;
		}
	}
	rc = 0;
out:
	free(h->names);
	free(h);
	return rc;
}

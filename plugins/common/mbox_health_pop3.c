/* mbox_health_pop3.c - the POP3 side of the mailbox health (see
 * mbox_health.h): STAT for the count and size of the maildrop, and for
 * the ages the Date: header of the first and the last message (TOP n 0,
 * RFC 2449; the headers only, nothing marked as read). No DELE, no RETR.
 * Every reply is bounded: lines by the connection, TOP's headers by
 * HP_HEADER_LINES_MAX. */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "mbox.h"
#include "mbox_health.h"
#include "pop3.h"

#define HP_HEADER_LINES_MAX 2000   /* header lines of one TOP n 0 */

static int hp_status(struct mbox_check *m, const char *cmd, int *ok, char *text,
    size_t cap, struct err *e);
static int hp_top_date(struct mbox_check *m, unsigned long long n, int *found,
    long long *when, struct err *e);

/* Send CMD and read its +OK/-ERR line: *OK, its text into TEXT. */
static int
hp_status(struct mbox_check *m, const char *cmd, int *ok, char *text, size_t cap,
    struct err *e)
{
	char line[CONN_LINE_MAX + 1];
	const char *t;
	size_t len, tl;

	if (conn_send_line(&m->p.conn, cmd, e) < 0 ||
	    conn_read_line(&m->p.conn, line, sizeof(line), &len, e) < 0)
		return -1;
	if (pop3_status_parse(line, len, ok, &t, &tl, e) < 0) {
		err_set_reply(e, line, len);
		return -1;
	}
	snprintf(text, cap, "%.*s", (int)tl, t);
	return 0;
}

/* TOP N 0: the Date: of message N (*found 0 when it has none that parses). */
static int
hp_top_date(struct mbox_check *m, unsigned long long n, int *found, long long *when,
    struct err *e)
{
	char cmd[64], text[CONN_LINE_MAX + 1], line[CONN_LINE_MAX + 1];
	const char *data;
	size_t len, dlen;
	int ok, i;

	*found = 0;
	snprintf(cmd, sizeof(cmd), "TOP %llu 0", n);
	if (hp_status(m, cmd, &ok, text, sizeof(text), e) < 0)
		return -1;
	if (!ok) {
		err_set(e, ERR_REJECTED, "TOP %llu 0 refused (the ages need TOP, RFC 2449)", n);
		err_set_reply(e, text, strlen(text));
		return -1;
	}
	for (i = 0; i < HP_HEADER_LINES_MAX; i++) {
		long long t;

		if (conn_read_line(&m->p.conn, line, sizeof(line), &len, e) < 0)
			return -1;
		if (pop3_multi_line(line, len, &data, &dlen) == 1)
			return 0;
		if (!*found && pop3_header_date(data, dlen, &t) == 1) {
			*found = 1;
			*when = t;
		}
	}
	return err_set(e, ERR_PROTO, "TOP %llu 0: more than %d header lines", n,
	    HP_HEADER_LINES_MAX);
}

int
mbox_health_pop3(struct mbox_check *m, struct err *e)
{
	const struct mbox_health_config *hc = &m->cfg->health;
	char text[CONN_LINE_MAX + 1];
	struct fact_folder *f;
	unsigned long long count, octets;
	int ok;

	if (hp_status(m, "STAT", &ok, text, sizeof(text), e) < 0)
		return -1;
	if (!ok) {
		err_set(e, ERR_REJECTED, "STAT refused");
		err_set_reply(e, text, strlen(text));
		return -1;
	}
	if (pop3_stat_parse(text, strlen(text), &count, &octets, e) < 0) {
		err_set_reply(e, text, strlen(text));
		return -1;
	}
	f = mbox_health_folder_new(m, "INBOX");
	if (f == NULL)
		return err_set(e, ERR_INTERNAL, "no room for the maildrop");
	f->have_messages = f->have_size = 1;
	f->messages = count;
	f->size = octets;
	if ((hc->oldest.set || hc->newest.set) && count > 0) {
		long long d1 = 0, dn = 0;
		int found1, foundn;

		if (hp_top_date(m, 1, &found1, &d1, e) < 0)
			return -1;
		foundn = found1;
		dn = d1;
		if (count > 1 && hp_top_date(m, count, &foundn, &dn, e) < 0)
			return -1;
		if (found1 || foundn) {
			if (!found1)
				d1 = dn;
			if (!foundn)
				dn = d1;
			f->have_oldest = f->have_newest = 1;
			f->oldest = d1 < dn ? d1 : dn;
			f->newest = d1 < dn ? dn : d1;
		} else {
			result_problem(&m->p.res, STATE_UNKNOWN, "maildrop: no Date: header that "
			    "can be read in message 1%s: no age to judge", count > 1 ? " nor the last" : "");
		}
	}
	mbox_health_folder(m, f);
	return 0;
}

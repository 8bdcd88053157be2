/* textcheck.c - see textcheck.h */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "textcheck.h"

static char *textcheck_unescape(const char *s);
static int textcheck_state(const char *arg, enum state *out, struct err *e);
static int textcheck_string(char **dst, const char *what, const char *arg,
    struct err *e);

const struct opt_spec textcheck_opts[] = {
	{ 'e', "expect", required_argument, "STRING",
	  "Text the server's first line (the greeting, code included, e.g. "
	  "'220', '* OK', '+OK'), or its reply to --send, must contain "
	  "(repeatable: any of them, all with --all); a mismatch is WARNING "
	  "(see --mismatch), as in check_smtp, check_imap and check_pop." },
	{ OPT_SHORT('A', OPT_ALL), "all", no_argument, NULL,
	  "All --expect strings must be found (default: any one)." },
	{ 'M', "mismatch", required_argument, "ok|warn|crit",
	  "State when --expect does not match (default warn)." },
	{ 'E', "escape", no_argument, NULL,
	  "Read \\r \\n \\t \\\\ in --send, --quit and --expect." },
	{ OPT_SHORT('s', OPT_SEND), "send", required_argument, "STRING",
	  "Send STRING after the greeting (as it is: add \\r\\n with "
	  "--escape) and match --expect against the reply." },
	{ OPT_SHORT('d', OPT_DELAY), "delay", required_argument, "SEC",
	  "Wait SEC seconds between --send and reading the reply." },
	{ OPT_SHORT('q', OPT_QUIT), "quit", required_argument, "STRING",
	  "Send STRING (CRLF added) to end the session instead of "
	  "QUIT/LOGOUT; its reply is read but not judged." },
	{ OPT_SHORT('r', OPT_REFUSE), "refuse", required_argument, "ok|warn|crit",
	  "State when the connection is refused (default crit)." },
	{ OPT_SHORT('j', OPT_JAIL), "jail", no_argument, NULL,
	  "Keep the server's text (greeting, banner) out of the status line "
	  "and the long output." },
	{ OPT_SHORT('m', OPT_MAXBYTES), "maxbytes", required_argument, "BYTES",
	  "Accepted for check_tcp command lines: every reply is read line by "
	  "line and bounded (4096-byte lines) anyway." },
	OPT_END
};

static int
textcheck_state(const char *arg, enum state *out, struct err *e)
{
	if (strcmp(arg, "ok") == 0)
		*out = STATE_OK;
	else if (strcmp(arg, "warn") == 0 || strcmp(arg, "warning") == 0)
		*out = STATE_WARNING;
	else if (strcmp(arg, "crit") == 0 || strcmp(arg, "critical") == 0)
		*out = STATE_CRITICAL;
	else
		return err_set(e, ERR_USAGE, "state must be ok, warn or crit, not '%.16s'", arg);
	return 0;
}

/* A string option's value, copied into *DST (the last one given wins). */
static int
textcheck_string(char **dst, const char *what, const char *arg, struct err *e)
{
	/* nothing to send, and then a wait for a reply until the deadline */
	if (arg[0] == '\0')
		return err_set(e, ERR_USAGE, "%s needs a string, not an empty one", what);
	free(*dst);
	*dst = strdup(arg);
	return *dst ? 0 : err_set(e, ERR_INTERNAL, "out of memory");
}

int
textcheck_option(struct textcheck *tc, int id, const char *arg, struct err *e)
{
	switch (id) {
	case 'e':
		/* "" would be found in any text: a check that cannot fail */
		if (arg[0] == '\0')
			return err_set(e, ERR_USAGE, "-e needs a string to expect, not an "
			    "empty one");
		if (tc->nexpect >= TEXTCHECK_EXPECT_MAX)
			return err_set(e, ERR_USAGE, "at most %d -e", TEXTCHECK_EXPECT_MAX);
		tc->expect[tc->nexpect++] = arg;
		return 0;
	case OPT_ALL:
		tc->all = 1;
		return 0;
	case OPT_SEND:
		return textcheck_string(&tc->send, "--send", arg, e);
	case OPT_QUIT:
		return textcheck_string(&tc->quit, "--quit", arg, e);
	case 'E':
		tc->escape = 1;
		return 0;
	case 'M':
		tc->mismatch_set = 1;
		return textcheck_state(arg, &tc->mismatch, e);
	case OPT_REFUSE:
		tc->refuse_set = 1;
		return textcheck_state(arg, &tc->refuse, e);
	case OPT_JAIL:
		tc->jail = 1;
		return 0;
	case OPT_MAXBYTES:
		return opts_int("--maxbytes", arg, 1, 1L << 30, &tc->maxbytes, e);
	case OPT_DELAY:
		return opts_seconds("--delay", arg, &tc->delay, e);
	default:
		return err_set(e, ERR_INTERNAL, "unhandled option %d", id);
	}
}

/* \r \n \t \\ as check_tcp -E reads them; a new string. */
static char *
textcheck_unescape(const char *s)
{
	char *out = malloc(strlen(s) + 1), *o = out;

	if (out == NULL)
		return NULL;
	for (; *s; s++) {
		if (*s == '\\' && s[1]) {
			s++;
			*o++ = (char)(*s == 'r' ? '\r' : *s == 'n' ? '\n' : *s == 't' ? '\t' : *s);
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
	return out;
}

int
textcheck_validate(struct textcheck *tc, const struct plugin_config *c,
    struct err *e)
{
	int i;

	if (!tc->mismatch_set)
		tc->mismatch = STATE_WARNING;
	if (!tc->refuse_set)
		tc->refuse = STATE_CRITICAL;
	if (tc->nexpect == 0 && c->alias && c->alias->expect) {
		tc->expect[tc->nexpect++] = c->alias->expect;
		tc->expect_default = 1;
	}
	if (tc->delay > 0 && !tc->send)
		return err_set(e, ERR_USAGE, "--delay goes with --send");
	if (tc->escape) {
		char *t;

		if (tc->send) {
			t = textcheck_unescape(tc->send);
			free(tc->send);
			tc->send = t;
		}
		if (tc->quit) {
			t = textcheck_unescape(tc->quit);
			free(tc->quit);
			tc->quit = t;
		}
		for (i = 0; i < tc->nexpect; i++) {
			tc->expect_esc[i] = textcheck_unescape(tc->expect[i]);
			tc->expect[i] = tc->expect_esc[i];
		}
	}
	if (tc->quit && tc->quit[0] && tc->quit[strlen(tc->quit) - 1] != '\n') {
		size_t n = strlen(tc->quit);
		char *t = realloc(tc->quit, n + 3);

		if (t == NULL)
			return err_set(e, ERR_INTERNAL, "out of memory");
		memcpy(t + n, "\r\n", 3);
		tc->quit = t;
	}
	return 0;
}

static void
textcheck_match(const struct textcheck *tc, struct plugin *p, const char *text,
    const char *where)
{
	int i, found = 0;

	for (i = 0; i < tc->nexpect; i++) {
		if (strstr(text, tc->expect[i]) != NULL) {
			found++;
			continue;
		}
		if (tc->all || tc->nexpect == 1) {
			result_problem(&p->res, tc->mismatch, "%s: expected '%s' not found in %s",
			    p->target, tc->expect[i], where);
			return;
		}
	}
	if (tc->nexpect > 1 && found == 0)
		result_problem(&p->res, tc->mismatch, "%s: none of the %d expected strings "
		    "found in %s", p->target, tc->nexpect, where);
}

void
textcheck_greeting(const struct textcheck *tc, struct plugin *p, const char *text)
{
	if (!tc->send)
		textcheck_match(tc, p, text, "the greeting");
}

/* 1 when LINE continues a reply ("250-..."). */
static int
textcheck_continued(const char *line, size_t len)
{
	return len > 3 && isdigit((unsigned char)line[0]) && isdigit((unsigned char)line[1]) &&
	    isdigit((unsigned char)line[2]) && line[3] == '-';
}

int
textcheck_send(const struct textcheck *tc, struct plugin *p, const char *greeting,
    struct err *e)
{
	char line[CONN_LINE_MAX + 1], both[2 * CONN_LINE_MAX + 2];
	size_t len;
	int i;

	conn_log(&p->conn, "C: ", tc->send, strlen(tc->send));
	if (conn_write(&p->conn, tc->send, strlen(tc->send), e) < 0)
		return -1;
	if (tc->delay > 0) {
		int ms = (int)(tc->delay * 1000), left = deadline_left_ms(&p->dl);

		while (poll(NULL, 0, ms < left ? ms : left) < 0 && errno == EINTR)
			;
	}
	if (conn_read_line(&p->conn, line, sizeof(line), &len, e) < 0)
		return -1;
	/* as check_tcp, -e looks at all that came: the greeting, then the
	 * reply's first line */
	snprintf(both, sizeof(both), "%s\n%s", greeting, line);
	/* a reply of several lines ("250-...") is read whole, bounded */
	for (i = 0; i < 100 && textcheck_continued(line, len); i++)
		if (conn_read_line(&p->conn, line, sizeof(line), &len, e) < 0)
			return -1;
	textcheck_match(tc, p, both, "the greeting or the reply to --send");
	return 0;
}

void
textcheck_quit(const struct textcheck *tc, struct plugin *p)
{
	char line[CONN_LINE_MAX + 1];
	size_t len;
	struct err e;

	err_clear(&e);
	conn_log(&p->conn, "C: ", tc->quit, strcspn(tc->quit, "\r\n"));
	if (conn_write(&p->conn, tc->quit, strlen(tc->quit), &e) < 0 ||
	    conn_read_line(&p->conn, line, sizeof(line), &len, &e) < 0)
		result_detail(&p->res, "no reply to --quit (%s)", e.msg);
}

void
textcheck_fail(const struct textcheck *tc, struct plugin *p, const struct err *e)
{
	if (e->kind == ERR_CONNECT && e->sys_errno == ECONNREFUSED &&
	    tc->refuse != STATE_CRITICAL) {
		result_problem(&p->res, tc->refuse, "%s: connection refused", p->target);
		if (tc->refuse == STATE_OK)
			result_ok(&p->res, "%s: connection refused (--refuse=ok)", p->target);
		return;
	}
	plugin_fail(p, e);
}

void
textcheck_free(struct textcheck *tc)
{
	int i;

	free(tc->send);
	free(tc->quit);
	tc->send = tc->quit = NULL;
	for (i = 0; i < TEXTCHECK_EXPECT_MAX; i++) {
		free(tc->expect_esc[i]);
		tc->expect_esc[i] = NULL;
	}
}

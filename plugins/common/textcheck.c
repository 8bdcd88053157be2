/* textcheck.c - see textcheck.h */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "textcheck.h"

static char *textcheck_unescape(const char *s);

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

int
textcheck_option(struct textcheck *tc, struct plugin_config *c, int id,
    const char *arg, struct err *e)
{
	switch (id) {
	case OPT_SRV:
		if (arg[0] == '\0' || strpbrk(arg, " /@"))
			return err_set(e, ERR_USAGE, "--srv needs a domain name");
		if (opts_hostname("--srv", arg, e) < 0)
			return -1;
		c->srv_domain = arg;
		return 0;
	case 'e':
		/* "" would be found in any text: a check that cannot fail */
		if (arg[0] == '\0')
			return err_set(e, ERR_USAGE, "-e needs a string to expect, not an "
			    "empty one");
		tc->expect = arg;
		return 0;
	case OPT_SEND:
		/* nothing to send, and then a wait for a reply until the deadline */
		if (arg[0] == '\0')
			return err_set(e, ERR_USAGE, "--send needs a string to send, not an "
			    "empty one");
		free(tc->send);
		tc->send = strdup(arg);
		return tc->send ? 0 : err_set(e, ERR_INTERNAL, "out of memory");
	case 'E':
		tc->escape = 1;
		return 0;
	case 'M':
		tc->mismatch_set = 1;
		return textcheck_state(arg, &tc->mismatch, e);
	case OPT_REFUSE:
		tc->refuse_set = 1;
		return textcheck_state(arg, &tc->refuse, e);
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
	if (!tc->mismatch_set)
		tc->mismatch = STATE_WARNING;
	if (!tc->refuse_set)
		tc->refuse = STATE_CRITICAL;
	if (c->host == NULL && c->srv_domain == NULL)
		return err_set(e, ERR_USAGE, "no host to check: give -H HOST or --srv DOMAIN");
	if (tc->escape) {
		char *t = tc->send ? textcheck_unescape(tc->send) : NULL;

		if (tc->send) {
			free(tc->send);
			tc->send = t;
		}
		if (tc->expect) {
			tc->expect_esc = textcheck_unescape(tc->expect);
			tc->expect = tc->expect_esc;
		}
	}
	return 0;
}

static void
textcheck_match(const struct textcheck *tc, struct plugin *p, const char *text,
    const char *where)
{
	if (tc->expect && strstr(text, tc->expect) == NULL)
		result_problem(&p->res, tc->mismatch, "%s: expected '%s' not found in %s",
		    p->target, tc->expect, where);
}

void
textcheck_greeting(const struct textcheck *tc, struct plugin *p, const char *text)
{
	if (!tc->send)
		textcheck_match(tc, p, text, "the greeting");
}

int
textcheck_send(const struct textcheck *tc, struct plugin *p, struct err *e)
{
	char line[CONN_LINE_MAX + 1];
	size_t len;

	conn_log(&p->conn, "C: ", tc->send, strlen(tc->send));
	if (conn_write(&p->conn, tc->send, strlen(tc->send), e) < 0 ||
	    conn_read_line(&p->conn, line, sizeof(line), &len, e) < 0)
		return -1;
	textcheck_match(tc, p, line, "the reply to --send");
	return 0;
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
	free(tc->send);
	free(tc->expect_esc);
	tc->send = tc->expect_esc = NULL;
}

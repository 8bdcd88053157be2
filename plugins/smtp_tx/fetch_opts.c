/* fetch_opts.c - the options of check_smtp_tx --fetch, each on its own
 * (smtp_fetch_option) and taken together (smtp_fetch_validate), and the
 * mailbox server's configuration made from the SMTP side's. */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "authres.h"
#include "fetch.h"
#include "opts.h"
#include "smtp_tx.h"

static int fetch_authfile(struct fetch_config *fc, struct err *e);

/* The phases of the mailbox session: its messages name them (the time of
 * the session itself shows only in phase delivery of the SMTP side). */
static const enum phase_id fetch_phases[] = {
	PHASE_DNS, PHASE_CONNECT, PHASE_TLS, PHASE_BANNER, PHASE_CAPABILITY,
	PHASE_STARTTLS, PHASE_LOGIN, PHASE_DELIVERY, PHASE_LOGOUT, PHASE_NONE
};

int
smtp_fetch_option(struct fetch_config *fc, int id, const char *arg, struct err *e)
{
	switch (id) {
	case FETCH_OPT_URL:
		if (fetch_url_parse(arg, &fc->url, e) < 0)
			return -1;
		fc->url_arg = arg;
		return 0;
	case FETCH_OPT_STARTTLS:
		fc->starttls = 1;
		return 0;
	case FETCH_OPT_AUTHFILE:
		if (arg[0] == '\0')
			return err_set(e, ERR_USAGE, "--fetch-authfile needs a file name");
		fc->authfile = arg;
		return 0;
	case FETCH_OPT_KEEP:
		fc->keep = 1;
		return 0;
	case FETCH_OPT_LOST_AFTER:
		fc->lost_after_set = 1;
		return opts_int("--lost-after", arg, 1, 365L * 86400, &fc->lost_after, e);
	case FETCH_OPT_REQUIRE_TLS_HOPS:
		fc->require_tls_hops = 1;
		return 0;
	case FETCH_OPT_EXPECT_AUTH:
		if (authres_expect_valid(arg, e) < 0)
			return -1;
		fc->expect_auth = arg;
		return 0;
	case FETCH_OPT_STATE_FILE:
		if (arg[0] == '\0')
			return err_set(e, ERR_USAGE, "--state-file needs a file name");
		fc->state_file = arg;
		return 0;
	case FETCH_OPT_AUTH_SERV_ID:
		if (arg[0] == '\0' || strpbrk(arg, " ;\r\n\t"))
			return err_set(e, ERR_USAGE, "--auth-serv-id needs one word (the "
			    "server's authserv-id)");
		fc->auth_serv_id = arg;
		return 0;
	default:
		return err_set(e, ERR_INTERNAL, "unhandled option %d", id);
	}
}

/* --fetch-authfile, as --authfile is read (plugin_authfile_read); the
 * URL's user name wins over the file's. */
static int
fetch_authfile(struct fetch_config *fc, struct err *e)
{
	char user[FETCH_USER_MAX];
	int rc = plugin_authfile_read("--fetch-authfile", fc->authfile, user,
	    sizeof(user), &fc->pass, e);

	if (rc == 0 && fc->user[0] == '\0')
		snprintf(fc->user, sizeof(fc->user), "%s", user);
	return rc;
}

int
smtp_fetch_validate(struct smtp_config *c, struct err *e)
{
	struct fetch_config *fc = &c->fetch;
	struct plugin_config *pc = &fc->pc;

	if (fc->url_arg == NULL) {
		if (fc->starttls || fc->authfile || fc->keep || fc->lost_after_set ||
		    fc->require_tls_hops || fc->expect_auth || fc->auth_serv_id ||
		    fc->state_file)
			return err_set(e, ERR_USAGE, "--fetch-starttls, --fetch-authfile, "
			    "--fetch-keep, --lost-after, --require-tls-hops, "
			    "--expect-auth-results, --auth-serv-id and --state-file go with "
			    "--fetch=URL");
		return 0;
	}
	if (c->nrcpt == 0 || c->no_data)
		return err_set(e, ERR_USAGE, "--fetch fetches the message back: give "
		    "--rcpt (the mailbox's address), without --no-data");
	if (c->mx_domain || c->count)
		return err_set(e, ERR_USAGE, "--fetch follows one message: not with --mx "
		    "or --count");
	if (fc->starttls && fc->url.tls)
		return err_set(e, ERR_USAGE, "--fetch-starttls goes with imap:// or pop3://, "
		    "not with %s:// (TLS from the first byte)", fetch_url_scheme(&fc->url));
	if (!fc->url.tls && !fc->starttls && !c->pc.allow_plaintext_auth)
		return err_set(e, ERR_USAGE, "--fetch: the mailbox password would go in "
		    "clear: use %ss://, add --fetch-starttls, or --allow-plaintext-auth",
		    fetch_url_scheme(&fc->url));
	if (fc->expect_auth && fc->auth_serv_id == NULL)
		return err_set(e, ERR_USAGE, "--expect-auth-results needs --auth-serv-id "
		    "(the receiving server's authserv-id: fields of other ids prove "
		    "nothing, RFC 8601 §5)");
	if (fc->auth_serv_id && fc->expect_auth == NULL)
		return err_set(e, ERR_USAGE, "--auth-serv-id goes with --expect-auth-results");
	if (fc->authfile == NULL)
		return err_set(e, ERR_USAGE, "--fetch needs the mailbox password: "
		    "--fetch-authfile FILE (never on the command line)");
	if (fc->url.user[0])
		snprintf(fc->user, sizeof(fc->user), "%s", fc->url.user);
	if (fetch_authfile(fc, e) < 0)
		return -1;
	if (fc->user[0] == '\0')
		return err_set(e, ERR_USAGE, "--fetch: no user name: give it in the URL "
		    "(imap://USER@HOST) or as user= in --fetch-authfile");
	if (!fc->lost_after_set)
		fc->lost_after = FETCH_LOST_AFTER_DEFAULT;

	/* the SMTP side's TLS options apply; the rest is the mailbox's own */
	*pc = c->pc;
	pc->phase_ids = fetch_phases;
	pc->host = fc->url.host;
	pc->port = fc->url.port;
	pc->port_from_default = 0;
	pc->starttls = fc->starttls;
	pc->implicit_tls = fc->url.tls;
	pc->sni = NULL;
	pc->proxy = 0;
	pc->fcrdns = 0;
	pc->dane = 0;
	pc->dane_rollover = 0;
	pc->require_tls = 0;
	pc->expect_cert_file = NULL;
	memset(&pc->expect_cert, 0, sizeof(pc->expect_cert));
	pc->srv_domain = NULL;
	pc->authuser = fc->user;
	pc->authpass = fc->pass;
	pc->want_login = 1;
	pc->argv_alloc = NULL;
	pc->argv_orig = NULL;
	memset(&pc->limits, 0, sizeof(pc->limits));
	return 0;
}

void
smtp_fetch_free(struct fetch_config *fc)
{
	if (fc->pass) {
		explicit_bzero(fc->pass, strlen(fc->pass));
		free(fc->pass);
	}
	fc->pass = NULL;
	fc->pc.authpass = NULL;
}

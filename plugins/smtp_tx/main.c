/* main.c - check_smtp_tx - prove an SMTP server works, one timed phase at a
 * time.
 *
 * main reads the options (options.c), checks what they mean together, and
 * runs one of: a single session (session.c), the MX hosts of a domain
 * (mx.c, with sts.c), or the same session N times (repeat.c). */
#include <config.h>

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "opts.h"
#include "plugin_auth.h"
#include "smtp_msg.h"
#include "smtp_tx.h"

/* Build a message of configuration C into M (lib/smtp_msg): a token of
 * its own (the time and random bytes), the --body-file read now. */
int
smtp_build_message(const struct smtp_config *c, struct smtp_message *m,
    struct err *e)
{
	struct smtp_msg_in in;
	struct sbuf body;
	unsigned char rnd[SMTP_MSG_RANDOM];
	time_t now = time(NULL);
	int rc;

	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return err_set(e, ERR_INTERNAL, "no random bytes for the token");
	smtp_msg_token(m->token, sizeof(m->token), now, rnd);
	sbuf_init(&body);
	/* a FIFO is refused, not waited for (opts_open_file) */
	if (c->body_file && opts_read_file("--body-file", c->body_file,
	    (size_t)SMTP_BODY_MAX, &body, e) < 0) {
		sbuf_free(&body);
		return -1;
	}
	memset(&in, 0, sizeof(in));
	in.token = m->token;
	in.date = now;
	in.from = c->from;
	in.rcpt = c->rcpt;
	in.nrcpt = c->nrcpt;
	in.helo = c->helo;
	in.headers = c->headers;
	in.nheaders = c->nheaders;
	in.body = c->body_file ? sbuf_str(&body) : NULL;
	in.body_len = body.len;
	in.size = c->size;
	rc = smtp_msg_build(&in, &m->text, e);
	sbuf_free(&body);
	return rc;
}

void
smtp_check_init(struct smtp_check *s, const struct smtp_config *c,
    const struct deadline *dl)
{
	s->cfg = c;
	s->msg = &c->msg;
	s->helo = c->helo;
	plugin_init(&s->p, &c->pc, dl);
	sbuf_init(&s->seen);
	sbuf_init(&s->own.text);
	smtp_reply_init(&s->reply);
}

struct smtp_check *
smtp_session_new(const struct smtp_check *t, const char *host,
    const struct net_addrs *addrs)
{
	struct smtp_check *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	smtp_check_init(c, t->cfg, &t->p.dl);
	c->sts = t->sts;
	/* a certificate failure of an MX host weighs what the MTA-STS mode says */
	if (c->sts && c->sts->policy)
		c->p.untrusted_state = c->sts->fail;
	c->p.host = host;
	c->p.addrs = *addrs;
	c->p.have_addrs = 1;
	return c;
}

void
smtp_check_fini(struct smtp_check *s)
{
	sbuf_free(&s->seen);
	sbuf_free(&s->own.text);
	free(s->fetch_fact);
	s->fetch_fact = NULL;
}

void
smtp_session_free(struct smtp_check *c)
{
	if (c == NULL)
		return;
	result_free(&c->p.res);
	smtp_check_fini(c);
	free(c);
}

/* What the options mean together, once, after parsing: completes C and
 * builds the message. Returns -1 with *e set (ERR_USAGE) on a usage error. */
static int
smtp_validate(struct smtp_config *c, struct err *e)
{
	if (smtp_dauth_validate(c, e) < 0)
		return -1;
	if (c->pc.host == NULL && c->mx_domain == NULL)
		return err_set(e, ERR_USAGE, "no host to check: give -H HOST (or HOST alone) "
		    "or --mx DOMAIN");
	if (textcheck_validate(&c->tc, &c->pc, e) < 0)
		return -1;
	if (c->pc.unix_socket && c->count)
		return err_set(e, ERR_USAGE, "--count repeats a TCP session: not with -H %.64s "
		    "(a unix socket)", c->pc.host);
	if (c->pc.host && c->mx_domain)
		return err_set(e, ERR_USAGE, "-H and --mx exclude each other");
	if (c->all_mx && !c->mx_domain)
		return err_set(e, ERR_USAGE, "--all-mx needs --mx DOMAIN");
	if (c->mx_domain)
		c->pc.use_ldns = 1;
	if ((c->mta_sts || c->tls_rpt) && !c->mx_domain)
		return err_set(e, ERR_USAGE, "--mta-sts and --tls-rpt check a domain: give "
		    "--mx DOMAIN");
	if (c->mta_sts_port && !c->mta_sts)
		return err_set(e, ERR_USAGE, "--mta-sts-port goes with --mta-sts");
	if (c->mta_sts) {
		/* RFC 8461 §4.2: STARTTLS, and a certificate valid for the MX name */
		if (c->pc.implicit_tls)
			return err_set(e, ERR_USAGE, "--mta-sts checks STARTTLS on port 25: "
			    "drop -s");
		if (c->pc.verify != TLS_VERIFY_FULL || c->pc.sni)
			return err_set(e, ERR_USAGE, "--mta-sts verifies each MX certificate "
			    "for the MX name: drop --verify and --sni");
		if (c->pc.dane)
			return err_set(e, ERR_USAGE, "--mta-sts judges each MX certificate by "
			    "PKIX and the MX name, which a DANE match would replace "
			    "(RFC 8461 §2 leaves hosts with DANE to DANE): check --dane in "
			    "a run of its own");
		c->pc.starttls = 1;
	}
	if (plugin_validate(&c->pc, 465, e) < 0 || smtp_addresses_validate(c, e) < 0)
		return -1;
	if (smtp_fetch_validate(c, e) < 0)
		return -1;
	if ((c->authmech || c->auth_auto) && !c->pc.authuser)
		return err_set(e, ERR_USAGE, "-A needs a user (-U) and a password or token");
	if (plugin_has_token(&c->pc) && c->authmech && !sasl_mech_token(c->authmech))
		return err_set(e, ERR_USAGE, "-A %s uses a password: an OAuth token goes "
		    "with -A XOAUTH2 or OAUTHBEARER", sasl_mech_name(c->authmech));
	if (!plugin_has_token(&c->pc) && sasl_mech_token(c->authmech))
		return err_set(e, ERR_USAGE, "-A %s needs --oauth-token-file or "
		    "--oauth-token-command", sasl_mech_name(c->authmech));
	if (c->no_data && c->nrcpt == 0)
		return err_set(e, ERR_USAGE, "--no-data needs at least one --rcpt");
	if ((c->nheaders || c->body_file || c->size) && c->nrcpt == 0)
		return err_set(e, ERR_USAGE, "--header, --body-file and --size need --rcpt");
	if (c->nresps > c->ncmds)
		return err_set(e, ERR_USAGE, "more -R than -C: each -R goes with the -C "
		    "before it");
	if ((c->parallel || c->interval > 0) && !c->count)
		return err_set(e, ERR_USAGE, "--parallel and --interval go with --count N");
	if (c->count && c->mx_domain)
		return err_set(e, ERR_USAGE, "--count repeats one host: use -H, not --mx");
	if (c->nrcpt && !c->no_data && smtp_build_message(c, &c->msg, e) < 0) {
		e->kind = ERR_USAGE;
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	/* Static storage: zero pages the kernel maps only where the check
	 * writes. calloc() of this ~150 KB struct made glibc clear the part
	 * of it in the heap's first arena: 32 page faults on every run. */
	static struct smtp_config cfg;
	static struct smtp_check session;
	struct smtp_check *s = &session;
	struct err e;
	int rc;

	smtp_setup(&cfg);
	sbuf_init(&cfg.msg.text);
	plugin_parse(&cfg.pc, argc, argv);
	err_clear(&e);
	if (smtp_validate(&cfg, &e) < 0)
		plugin_usage_error(&cfg.pc, e.msg);

	smtp_check_init(s, &cfg, NULL);
	if (cfg.mx_domain) {
		s->p.host = cfg.mx_domain;   /* the run checks the domain */
		smtp_dauth_run(s);
		smtp_run_mx(s);
		smtp_sts_ok(s);
		smtp_dauth_ok(s);
		dns_free(s->p.dns);
		s->p.dns = NULL;
	} else if (cfg.count) {
		smtp_run_repeat(s);
	} else if (cfg.pc.all_addresses) {
		smtp_run_addresses(s);
	} else if (smtp_session(s) == 0 && cfg.fetch.url_arg && s->accepted_us) {
		smtp_fetch(s);
	}
	rc = plugin_finish(&s->p);
	smtp_check_fini(s);
	textcheck_free(&cfg.tc);
	sbuf_free(&cfg.msg.text);
	smtp_fetch_free(&cfg.fetch);
	plugin_config_free(&cfg.pc);
	return rc;
}

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
#include "smtp_msg.h"
#include "smtp_tx.h"

/* Build the message of this run into s->msg (lib/smtp_msg): a token of its
 * own (the time and random bytes), the --body-file read now. */
int
smtp_build_message(struct smtp_check *s, struct err *e)
{
	struct smtp_msg_in in;
	struct sbuf body;
	unsigned char rnd[SMTP_MSG_RANDOM];
	time_t now = time(NULL);
	int rc;

	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return err_set(e, ERR_INTERNAL, "no random bytes for the token");
	smtp_msg_token(s->token, sizeof(s->token), now, rnd);
	sbuf_init(&body);
	/* a FIFO is refused, not waited for (opts_open_file) */
	if (s->body_file && opts_read_file("--body-file", s->body_file,
	    (size_t)SMTP_BODY_MAX, &body, e) < 0) {
		sbuf_free(&body);
		return -1;
	}
	memset(&in, 0, sizeof(in));
	in.token = s->token;
	in.date = now;
	in.from = s->from;
	in.rcpt = s->rcpt;
	in.nrcpt = s->nrcpt;
	in.helo = s->helo;
	in.headers = s->headers;
	in.nheaders = s->nheaders;
	in.body = s->body_file ? sbuf_str(&body) : NULL;
	in.body_len = body.len;
	in.size = s->size;
	rc = smtp_msg_build(&in, &s->msg, e);
	sbuf_free(&body);
	return rc;
}
/* A fresh session for HOST with the configuration of T (same deadline). */
struct smtp_check *
smtp_clone(const struct smtp_check *t, const char *host,
    const struct net_addrs *addrs)
{
	struct smtp_check *c = malloc(sizeof(*c));
	int i;

	if (c == NULL)
		return NULL;
	memcpy(c, t, sizeof(*c));
	result_init(&c->p.res, c->p.service);
	for (i = 0; i < c->p.phases.n; i++) {
		c->p.phases.p[i].ran = 0;
		c->p.phases.p[i].secs = 0;
	}
	c->p.phases.cur = -1;
	sbuf_init(&c->seen);
	c->p.host = host;
	c->p.addrs = *addrs;
	c->p.have_addrs = 1;
	c->p.dns = NULL;
	c->p.tls = NULL;
	c->p.connected = 0;
	c->p.have_tls_info = 0;
	c->p.ptr_name[0] = '\0';
	smtp_reply_init(&c->reply);
	return c;
}

void
smtp_clone_free(struct smtp_check *c)
{
	if (c == NULL)
		return;
	result_free(&c->p.res);
	sbuf_free(&c->seen);
	free(c);
}

int
main(int argc, char **argv)
{
	/* Static storage: zero pages the kernel maps only where the check
	 * writes. calloc() of this ~150 KB struct made glibc clear the part
	 * of it in the heap's first arena: 32 page faults on every run. */
	static struct smtp_check session;
	struct smtp_check *s = &session;
	struct err e;
	int rc;

	smtp_setup(s);
	sbuf_init(&s->seen);
	sbuf_init(&s->msg);
	plugin_init(&s->p);
	plugin_parse(&s->p, argc, argv);

	/* ---- what the options mean together */
	if (s->p.host == NULL && s->mx_domain == NULL)
		plugin_usage_error(&s->p, "no host to check: give -H HOST or --mx DOMAIN");
	if (s->p.host && s->mx_domain)
		plugin_usage_error(&s->p, "-H and --mx exclude each other");
	if (s->all_mx && !s->mx_domain)
		plugin_usage_error(&s->p, "--all-mx needs --mx DOMAIN");
	if (s->mx_domain)
		s->p.use_ldns = 1;
	if ((s->mta_sts || s->tls_rpt) && !s->mx_domain)
		plugin_usage_error(&s->p, "--mta-sts and --tls-rpt check a domain: give "
		    "--mx DOMAIN");
	if (s->mta_sts_port && !s->mta_sts)
		plugin_usage_error(&s->p, "--mta-sts-port goes with --mta-sts");
	if (s->mta_sts) {
		/* RFC 8461 §4.2: STARTTLS, and a certificate valid for the MX name */
		if (s->p.implicit_tls)
			plugin_usage_error(&s->p, "--mta-sts checks STARTTLS on port 25: "
			    "drop -s");
		if (s->p.verify != TLS_VERIFY_FULL || s->p.sni)
			plugin_usage_error(&s->p, "--mta-sts verifies each MX certificate "
			    "for the MX name: drop --verify and --sni");
		if (s->p.dane)
			plugin_usage_error(&s->p, "--mta-sts judges each MX certificate by "
			    "PKIX and the MX name, which a DANE match would replace "
			    "(RFC 8461 §2 leaves hosts with DANE to DANE): check --dane in "
			    "a run of its own");
		s->p.starttls = 1;
	}
	plugin_check_tls_opts(&s->p, 465);
	if (s->authtype && !s->p.authuser)
		plugin_usage_error(&s->p, "-A needs a user (-U) and a password");
	s->want_auth = plugin_want_login(&s->p);
	if (s->no_data && s->nrcpt == 0)
		plugin_usage_error(&s->p, "--no-data needs at least one --rcpt");
	if ((s->nheaders || s->body_file || s->size) && s->nrcpt == 0)
		plugin_usage_error(&s->p, "--header, --body-file and --size need --rcpt");
	if (s->nresps > s->ncmds)
		plugin_usage_error(&s->p, "more -R than -C: each -R goes with the -C before it");
	if ((s->parallel || s->interval > 0) && !s->count)
		plugin_usage_error(&s->p, "--parallel and --interval go with --count N");
	if (s->count && s->mx_domain)
		plugin_usage_error(&s->p, "--count repeats one host: use -H, not --mx");
	err_clear(&e);
	if (s->nrcpt && !s->no_data && smtp_build_message(s, &e) < 0)
		plugin_usage_error(&s->p, e.msg);

	plugin_start(&s->p);
	if (s->mx_domain) {
		s->p.host = s->mx_domain;   /* for the JSON output */
		smtp_run_mx(s);
		smtp_sts_ok(s);
		dns_free(s->p.dns);
		s->p.dns = NULL;
	} else if (s->count) {
		smtp_run_repeat(s);
	} else {
		smtp_session(s);
	}
	rc = plugin_finish(&s->p);
	sbuf_free(&s->seen);
	sbuf_free(&s->msg);
	return rc;
}

/* plugin.c - see plugin.h: the run's life (init, start, finish), the
 * alarm() backstop, and what a failure means (its state, its message).
 * The options are in plugin_opts.c, the connection in plugin_connect.c,
 * TLS in plugin_tls.c, DNS in plugin_dns.c, the printers in
 * plugin_output.c. */
#include <config.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ini.h"
#include "plugin.h"
#include "plugin_int.h"

static void plugin_backstop(int sig);

/* async-signal-safe backstop: preformatted message, write(2), _exit(2) */
static char backstop_msg[256];
static size_t backstop_len;
static int backstop_code = STATE_CRITICAL;

static void
plugin_backstop(int sig)
{
	ssize_t w;

	(void)sig;
	w = write(STDOUT_FILENO, backstop_msg, backstop_len);
	(void)w;
	_exit(backstop_code);
}

void
plugin_init(struct plugin *p, const struct plugin_config *c,
    const struct deadline *dl)
{
	struct sigaction sa;
	int64_t end;

	p->cfg = c;
	p->host = c->host;
	p->port = c->port;
	p->untrusted_state = STATE_CRITICAL;
	result_init(&p->res, c->service);
	phase_set_init(&p->phases, c->phase_ids);
	if (dl) {
		p->dl = *dl;
		return;
	}
	deadline_init(&p->dl, c->timeout);
	/* -t counts from plugin_parse on, when the files were read; the
	 * backstop plugin_parse armed for that already guards the run */
	end = c->run_start_us + (int64_t)(c->timeout * 1e6);
	if (c->run_start_us && end < p->dl.end_us)
		p->dl.end_us = end;
	/* a write to a connection the server has reset (OpenSSL writes with
	 * write(2), e.g. its close_notify) must be an error to report, not a
	 * signal that kills the plugin before it prints anything */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

/* The alarm() backstop for the rest of the run: c->timeout from
 * c->run_start_us on, plus one second. */
void
plugin_arm(const struct plugin_config *c)
{
	struct sigaction sa;
	int64_t left_us;
	int n;

	n = snprintf(backstop_msg, sizeof(backstop_msg),
	    "%s %s - internal backstop: the run overran its %g s timeout\n",
	    c->service, state_name(c->timeout_state), c->timeout);
	backstop_len = n > 0 ? (size_t)n : 0;
	backstop_code = c->timeout_state;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = plugin_backstop;
	sigaction(SIGALRM, &sa, NULL);
	left_us = c->run_start_us + (int64_t)(c->timeout * 1e6) - deadline_now_us();
	alarm(left_us > 0 ? (unsigned)((left_us + 999999) / 1000000) + 1 : 1);
}

void
plugin_fail(struct plugin *p, const struct err *e)
{
	enum state st = plugin_err_state(p, e);
	const char *phase = phase_current(&p->phases);
	enum phase_id id = phase_current_id(&p->phases);

	if (e->kind == ERR_RESOLVE || (e->kind == ERR_TIMEOUT && e->phase &&
	    strcmp(e->phase, "dns") == 0))
		result_problem(&p->res, st, "%s", e->msg);
	else if (e->kind == ERR_TIMEOUT && (id == PHASE_CONNECT || id == PHASE_DNS))
		result_problem(&p->res, st, "%s: %s in phase %s (timeout %g s)",
		    p->target, e->msg, phase, p->cfg->timeout);
	else if (e->kind == ERR_TIMEOUT)
		result_problem(&p->res, st, "%s: %s within %.1f s in phase %s (timeout %g s)",
		    p->target, e->msg, phase_running_secs(&p->phases), phase, p->cfg->timeout);
	else if (e->kind == ERR_REJECTED)
		result_problem(&p->res, st, "%s: %s: %s", p->target, e->msg, e->reply);
	else if (e->kind == ERR_MISSING_FEATURE || e->kind == ERR_CONNECT ||
	    e->kind == ERR_USAGE)
		result_problem(&p->res, st, "%s: %s", p->target, e->msg);
	else if (e->reply[0])
		result_problem(&p->res, st, "%s: %s in phase %s: %s", p->target,
		    e->msg, phase, e->reply);
	else
		result_problem(&p->res, st, "%s: %s in phase %s", p->target, e->msg,
		    phase);
}

void
plugin_close(struct plugin *p)
{
	dns_free(p->dns);
	p->dns = NULL;
	tls_free(p->tls);
	p->tls = NULL;
	if (p->connected)
		conn_close(&p->conn);
	p->connected = 0;
}

enum state
plugin_err_state(const struct plugin *p, const struct err *e)
{
	switch (e->kind) {
	case ERR_NONE:
		return STATE_OK;
	case ERR_USAGE:
	case ERR_INTERNAL:
		return STATE_UNKNOWN;
	case ERR_TIMEOUT:
		return p->cfg->timeout_state;
	case ERR_REJECTED:
		if (e->reply_code >= 400 && e->reply_code < 500 && e->reply_code != 421)
			return STATE_WARNING;
		return STATE_CRITICAL;
	default:
		return STATE_CRITICAL;
	}
}

int
plugin_finish(struct plugin *p)
{
	enum state s;
	double total;

	phase_end(&p->phases);
	total = deadline_elapsed(&p->dl);
	phase_report(&p->phases, &p->cfg->limits, total, &p->res, NULL);
	s = result_state(&p->res);
	alarm(0);
	plugin_print(p, total);
	result_free(&p->res);
	return (int)s;
}

void
plugin_config_free(struct plugin_config *c)
{
	extra_opts_free(c->argv_orig, c->argv_alloc);
	c->argv_alloc = NULL;
	if (c->authpass) {
		explicit_bzero(c->authpass, strlen(c->authpass));
		free(c->authpass);
		c->authpass = NULL;
	}
}

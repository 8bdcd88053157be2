/* plugin.c - see plugin.h */
#include <config.h>

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ini.h"
#include "plugin.h"

static int plugin_common(void *ctx, int id, const char *arg, struct err *e);
static void plugin_help(const struct plugin *p);
static void plugin_backstop(int sig);

const struct opt_spec plugin_common_opts[] = {
	{ 'H', "hostname", required_argument, "HOST",
	  "Host name or IPv4/IPv6 address of the server to check." },
	{ 'p', "port", required_argument, "PORT",
	  "TCP port (default: the protocol's port)." },
	{ '4', "use-ipv4", no_argument, NULL, "Connect over IPv4 only." },
	{ '6', "use-ipv6", no_argument, NULL, "Connect over IPv6 only." },
	{ 't', "timeout", required_argument, "SEC[:STATE]",
	  "Hard deadline for the whole run, in seconds (default 10). Every "
	  "connect, read, write and lookup draws on it. STATE (ok, warning, "
	  "critical, unknown) is the state on timeout (default critical)." },
	{ 'w', "warning", required_argument, "RANGE",
	  "Warning threshold on the total time in seconds (Nagios range: "
	  "10, 10:, ~:10, 10:20, @10:20)." },
	{ 'c', "critical", required_argument, "RANGE",
	  "Critical threshold on the total time in seconds." },
	{ OPT_WARNING_PHASE, "warning-phase", required_argument, "PHASE=RANGE",
	  "Warning threshold on one phase's time (repeatable), e.g. banner=2." },
	{ OPT_CRITICAL_PHASE, "critical-phase", required_argument, "PHASE=RANGE",
	  "Critical threshold on one phase's time (repeatable)." },
	{ OPT_OUTPUT, "output", required_argument, "FORMAT",
	  "nagios (default) or json: one JSON object, same exit code." },
	{ OPT_JSON, "json", no_argument, NULL, "Same as --output=json." },
	{ OPT_EXTRA_OPTS, "extra-opts", optional_argument, "[SECTION][@FILE]",
	  "Read options from an ini file (default section: the plugin's name; "
	  "default file: /etc/nagios/plugins.ini and the other "
	  "monitoring-plugins locations). Keeps secrets off the command line." },
	{ 'v', "verbose", no_argument, NULL,
	  "Print the protocol transcript after the status line (secrets "
	  "replaced by ***). Twice for more detail." },
	{ 'V', "version", no_argument, NULL, "Print the version and exit." },
	{ 'h', "help", no_argument, NULL, "Print this help and exit." },
	OPT_END
};

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
plugin_init(struct plugin *p)
{
	p->family = AF_UNSPEC;
	p->timeout = 10;
	p->timeout_state = STATE_CRITICAL;
	result_init(&p->res, p->service);
	phase_set_init(&p->phases, p->phase_names);
}

static int
plugin_timeout(struct plugin *p, const char *arg, struct err *e)
{
	char num[32];
	const char *colon = strchr(arg, ':');
	size_t n = colon ? (size_t)(colon - arg) : strlen(arg);

	if (n >= sizeof(num))
		return err_set(e, ERR_USAGE, "timeout '%.32s' is not a number of seconds", arg);
	memcpy(num, arg, n);
	num[n] = '\0';
	if (opts_seconds("timeout", num, &p->timeout, e) < 0)
		return -1;
	if (colon && state_parse(colon + 1, &p->timeout_state) < 0)
		return err_set(e, ERR_USAGE, "timeout state '%.32s' must be ok, warning, "
		    "critical or unknown", colon + 1);
	return 0;
}

static int
plugin_common(void *ctx, int id, const char *arg, struct err *e)
{
	struct plugin *p = ctx;
	long v;

	switch (id) {
	case 'H':
		if (arg[0] == '\0')
			return err_set(e, ERR_USAGE, "empty host name");
		p->host = arg;
		return 0;
	case 'p':
		if (opts_int("port", arg, 1, 65535, &v, e) < 0)
			return -1;
		p->port = (int)v;
		return 0;
	case '4':
		p->family = AF_INET;
		return 0;
	case '6':
		p->family = AF_INET6;
		return 0;
	case 't':
		return plugin_timeout(p, arg, e);
	case 'w':
		return range_parse(&p->phases.total_warn, arg, e);
	case 'c':
		return range_parse(&p->phases.total_crit, arg, e);
	case OPT_WARNING_PHASE:
		return phase_threshold(&p->phases, arg, 0, e);
	case OPT_CRITICAL_PHASE:
		return phase_threshold(&p->phases, arg, 1, e);
	case OPT_OUTPUT:
		if (strcmp(arg, "json") == 0)
			p->json = 1;
		else if (strcmp(arg, "nagios") == 0)
			p->json = 0;
		else
			return err_set(e, ERR_USAGE, "--output must be nagios or json, not '%.32s'", arg);
		return 0;
	case OPT_JSON:
		p->json = 1;
		return 0;
	case OPT_EXTRA_OPTS:
		return 0;   /* expanded before parsing */
	case 'v':
		p->verbose++;
		return 0;
	case 'V':
		printf("%s (%s %s)\n", p->name, PACKAGE_NAME, PACKAGE_VERSION);
		result_free(&p->res);
		extra_opts_free(p->argv_orig, p->argv_alloc);
		exit(STATE_UNKNOWN);
	case 'h':
		plugin_help(p);
		result_free(&p->res);
		extra_opts_free(p->argv_orig, p->argv_alloc);
		exit(STATE_UNKNOWN);
	default:
		if (p->handler)
			return p->handler(p->ctx, id, arg, e);
		return err_set(e, ERR_INTERNAL, "unhandled option %d", id);
	}
}

static void
plugin_help(const struct plugin *p)
{
	const struct opt_spec *tables[] = { plugin_common_opts, p->opts, NULL };

	printf("%s (%s %s)\n\n", p->name, PACKAGE_NAME, PACKAGE_VERSION);
	opts_wrap(stdout, p->description, 0);
	printf("\nUsage: %s %s\n\nOptions:\n", p->name, p->synopsis);
	opts_help(stdout, tables);
	printf("\nExit states: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (usage "
	    "errors and the plugin's own faults only).\n");
	if (p->examples)
		printf("\nExamples:\n%s", p->examples);
}

void
plugin_usage_error(struct plugin *p, const char *msg)
{
	printf("%s UNKNOWN - %s\nUsage: %s %s\nTry '%s --help' for all options "
	    "and examples.\n", p->service, msg, p->name, p->synopsis, p->name);
	result_free(&p->res);
	extra_opts_free(p->argv_orig, p->argv_alloc);
	exit(STATE_UNKNOWN);
}

void
plugin_parse(struct plugin *p, int argc, char **argv)
{
	const struct opt_spec *tables[] = { plugin_common_opts, p->opts, NULL };
	struct err e;
	int nargc;

	err_clear(&e);
	p->argv_orig = argv;
	if (extra_opts_expand(argc, argv, p->name, &nargc, &p->argv_alloc, &e) < 0)
		plugin_usage_error(p, e.msg);
	if (opts_parse(nargc, p->argv_alloc, tables, plugin_common, p, &e) < 0)
		plugin_usage_error(p, e.msg);
}

void
plugin_start(struct plugin *p)
{
	struct sigaction sa;
	int n;

	deadline_init(&p->dl, p->timeout);
	n = snprintf(backstop_msg, sizeof(backstop_msg),
	    "%s %s - internal backstop: the run overran its %g s timeout\n",
	    p->service, state_name(p->timeout_state), p->timeout);
	backstop_len = n > 0 ? (size_t)n : 0;
	backstop_code = p->timeout_state;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = plugin_backstop;
	sigaction(SIGALRM, &sa, NULL);
	alarm((unsigned)ceil(p->timeout) + 1);
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
		return p->timeout_state;
	case ERR_REJECTED:
		if (e->reply_code >= 400 && e->reply_code < 500 && e->reply_code != 421)
			return STATE_WARNING;
		return STATE_CRITICAL;
	default:
		return STATE_CRITICAL;
	}
}

/* --output=json: one object, for cron probes and log pipelines. */
static void
plugin_print_json(const struct plugin *p, double total, FILE *f)
{
	const struct result *r = &p->res;
	struct sbuf j, tmp;
	const char *line, *nl;
	int i, first;

	sbuf_init(&j);
	sbuf_init(&tmp);
	sbuf_add(&j, "{\"plugin\":");
	sbuf_json_str(&j, p->name);
	sbuf_add(&j, ",\"service\":");
	sbuf_json_str(&j, p->service);
	sbuf_printf(&j, ",\"state\":\"%s\",\"exit_code\":%d,\"summary\":",
	    state_name(result_state(r)), (int)result_state(r));
	result_summary(r, &tmp);
	sbuf_json_str(&j, sbuf_str(&tmp));
	if (p->host) {
		sbuf_add(&j, ",\"host\":");
		sbuf_json_str(&j, p->host);
		sbuf_printf(&j, ",\"port\":%d", p->port);
	}
	sbuf_add(&j, ",\"problems\":[");
	for (i = 0; i < r->nproblems; i++) {
		sbuf_printf(&j, "%s{\"state\":\"%s\",\"text\":", i ? "," : "",
		    state_name(r->problems[i].state));
		sbuf_json_str(&j, r->problems[i].text);
		sbuf_addc(&j, '}');
	}
	sbuf_add(&j, "],\"phases\":{");
	for (i = 0, first = 1; i < p->phases.n; i++) {
		if (!p->phases.p[i].ran)
			continue;
		sbuf_printf(&j, "%s\"%s\":%.6f", first ? "" : ",",
		    p->phases.p[i].name, p->phases.p[i].secs);
		first = 0;
	}
	sbuf_printf(&j, "},\"time\":%.6f,\"perfdata\":", total);
	sbuf_json_str(&j, sbuf_str(&r->perf));
	sbuf_add(&j, ",\"details\":[");
	for (line = sbuf_str(&r->details), first = 1; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (nl == NULL)
			break;
		sbuf_reset(&tmp);
		sbuf_addn(&tmp, line, (size_t)(nl - line));
		sbuf_add(&j, first ? "" : ",");
		sbuf_json_str(&j, sbuf_str(&tmp));
		first = 0;
	}
	sbuf_add(&j, "]");
	if (r->transcript.len) {
		sbuf_add(&j, ",\"transcript\":");
		sbuf_json_str(&j, sbuf_str(&r->transcript));
	}
	sbuf_add(&j, "}\n");
	fputs(sbuf_str(&j), f);
	sbuf_free(&j);
	sbuf_free(&tmp);
}

int
plugin_finish(struct plugin *p)
{
	enum state s;
	double total;

	phase_end(&p->phases);
	total = deadline_elapsed(&p->dl);
	phase_report(&p->phases, total, &p->res);
	s = result_state(&p->res);
	alarm(0);
	if (p->json)
		plugin_print_json(p, total, stdout);
	else
		result_print(&p->res, stdout);
	fflush(stdout);
	result_free(&p->res);
	extra_opts_free(p->argv_orig, p->argv_alloc);
	return (int)s;
}

/* plugin.h - what every plugin shares: the common options of SPEC §3,
 * usage errors, --help/--version, the run's deadline and its alarm()
 * backstop, the mapping of an error kind to a Nagios state, and printing
 * the result. This is the only file in lib/ that exits the process. */
#ifndef MP_PLUGIN_H
#define MP_PLUGIN_H

#include "deadline.h"
#include "err.h"
#include "opts.h"
#include "phase.h"
#include "result.h"

enum {
	OPT_WARNING_PHASE = OPT_LONG_BASE,
	OPT_CRITICAL_PHASE,
	OPT_EXTRA_OPTS,
	OPT_OUTPUT,
	OPT_JSON,
	OPT_PLUGIN_BASE = OPT_LONG_BASE + 64   /* plugins number theirs from here */
};

struct plugin {
	/* set by the plugin before plugin_parse */
	const char *name;          /* "check_smtp_tx" */
	const char *service;       /* "SMTP" */
	const char *synopsis;      /* one usage line, without the name */
	const char *description;   /* what it checks */
	const char *examples;      /* example command lines, with comments */
	const struct opt_spec *opts;   /* the plugin's own options */
	opt_handler handler;       /* called for the plugin's own options */
	void *ctx;                 /* passed to handler */
	int default_port;
	const char *const *phase_names;

	/* the common options, filled by plugin_parse */
	const char *host;
	int port;                  /* 0: not given */
	int family;                /* AF_UNSPEC, AF_INET, AF_INET6 */
	double timeout;            /* seconds, default 10 */
	enum state timeout_state;  /* default CRITICAL */
	int verbose;
	int json;

	/* run state */
	struct deadline dl;
	struct phase_set phases;
	struct result res;
	char **argv_alloc;         /* argv after --extra-opts expansion */
	char **argv_orig;
};

/* The common option table (SPEC §3). */
extern const struct opt_spec plugin_common_opts[];

/* Initialise P (after setting the fields above): result and phases. */
void plugin_init(struct plugin *p);

/* Expand --extra-opts and parse every option. On a usage error prints
 * the UNKNOWN line with a hint and exits 3; --help/--version print and
 * exit 3 (as monitoring-plugins do). */
void plugin_parse(struct plugin *p, int argc, char **argv);

/* Print "SERVICE UNKNOWN - MSG" and the usage hint; exit 3. */
void plugin_usage_error(struct plugin *p, const char *msg)
	__attribute__((noreturn));

/* Start the run's clock and arm the alarm() backstop (timeout + 1 s). */
void plugin_start(struct plugin *p);

/* The state an error of kind E means (timeouts: --timeout's STATE;
 * 4xx rejections WARNING, 5xx CRITICAL, 421 CRITICAL). */
enum state plugin_err_state(const struct plugin *p, const struct err *e);

/* Stop timing, add the phase perfdata and thresholds, print, free and
 * return the exit code. */
int plugin_finish(struct plugin *p);

#endif

/* plugin_output.c - the three printers of plugin_finish: the Nagios
 * text, --output=json and --output=openmetrics. */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "json.h"
#include "metrics.h"
#include "plugin.h"
#include "plugin_int.h"

static void plugin_print_metrics(const struct plugin *p, FILE *f);

/* --output=json: one object, for cron probes and log pipelines (lib/json.h). */
static void
plugin_print_json(const struct plugin *p, double total, FILE *f)
{
	struct json_target t;
	struct sbuf j;

	t.plugin = p->cfg->name;
	t.service = p->cfg->service;
	t.host = p->host;
	t.port = p->port;
	t.time = total;
	t.phases = &p->phases;
	t.tls = p->have_tls_info ? &p->tls_info : NULL;
	sbuf_init(&j);
	json_format(&j, &t, &p->res);
	fputs(sbuf_str(&j), f);
	sbuf_free(&j);
}

/* --output=openmetrics: the perfdata facts for Prometheus (lib/metrics.h). */
static void
plugin_print_metrics(const struct plugin *p, FILE *f)
{
	struct metrics_target t;
	struct sbuf m;

	t.plugin = p->cfg->name;
	t.service = p->cfg->service;
	t.host = p->host;
	t.port = p->host ? p->port : 0;
	sbuf_init(&m);
	metrics_format(&m, &t, &p->res);
	fputs(sbuf_str(&m), f);
	sbuf_free(&m);
}

/* The Nagios output in one write(2): stdio would first allocate its
 * buffer and ask whether stdout is a terminal, for text that is already
 * in memory (on the bench VM, a page fault and two system calls a run). */
static void
plugin_print_nagios(struct plugin *p)
{
	struct sbuf out;
	size_t off = 0;

	sbuf_init(&out);
	result_format(&p->res, &out);
	if (out.failed) {
		struct sbuf again;

		/* formatted once more, into fresh memory, for stdio */
		sbuf_init(&again);
		result_format(&p->res, &again);
		fputs(sbuf_str(&again), stdout);
		sbuf_free(&again);
	} else {
		fflush(stdout);   /* anything stdio still holds goes first */
		while (off < out.len) {
			ssize_t n = write(STDOUT_FILENO, out.s + off, out.len - off);

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			off += (size_t)n;
		}
	}
	sbuf_free(&out);
}

void
plugin_print(struct plugin *p, double total)
{
	if (p->cfg->output == PLUGIN_OUT_JSON)
		plugin_print_json(p, total, stdout);
	else if (p->cfg->output == PLUGIN_OUT_OPENMETRICS)
		plugin_print_metrics(p, stdout);
	else
		plugin_print_nagios(p);
	fflush(stdout);
}

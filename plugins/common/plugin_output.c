/* plugin_output.c - the three printers of plugin_finish: the Nagios
 * text, --output=json and --output=openmetrics. */
#include <config.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "metrics.h"
#include "plugin.h"
#include "plugin_int.h"

static void plugin_print_metrics(const struct plugin *p, FILE *f);

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
	sbuf_printf(&j, "},\"time\":%.6f", total);
	if (p->have_tls_info) {
		const struct tls_info *in = &p->tls_info;

		sbuf_add(&j, ",\"tls\":{\"protocol\":");
		sbuf_json_str(&j, in->protocol);
		sbuf_add(&j, ",\"cipher\":");
		sbuf_json_str(&j, in->cipher);
		sbuf_printf(&j, ",\"verified\":%s", in->verified ? "true" : "false");
		if (!(in->problems & TLS_P_NO_CERT)) {
			sbuf_add(&j, ",\"subject\":");
			sbuf_json_str(&j, in->subject);
			sbuf_add(&j, ",\"issuer\":");
			sbuf_json_str(&j, in->issuer);
			sbuf_add(&j, ",\"names\":");
			sbuf_json_str(&j, in->names);
			sbuf_add(&j, ",\"not_after\":");
			sbuf_json_str(&j, in->not_after);
			sbuf_printf(&j, ",\"days_left\":%.0f", floor(in->days_left));
			sbuf_add(&j, ",\"sha256\":");
			sbuf_json_str(&j, in->fingerprint);
		}
		if (!in->verified) {
			sbuf_add(&j, ",\"verify_error\":");
			sbuf_json_str(&j, in->verify_msg);
		}
		sbuf_addc(&j, '}');
	}
	sbuf_add(&j, sbuf_str(&p->json_extra));
	sbuf_add(&j, ",\"perfdata\":");
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

/* --output=openmetrics: the perfdata facts for Prometheus (lib/metrics.h). */
static void
plugin_print_metrics(const struct plugin *p, FILE *f)
{
	struct metrics_target t;
	struct sbuf m;

	t.plugin = p->name;
	t.service = p->service;
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
	if (p->output == PLUGIN_OUT_JSON)
		plugin_print_json(p, total, stdout);
	else if (p->output == PLUGIN_OUT_OPENMETRICS)
		plugin_print_metrics(p, stdout);
	else
		plugin_print_nagios(p);
	fflush(stdout);
}

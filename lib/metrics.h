/* metrics.h - --output=openmetrics: the state and the perfdata of a run in
 * the OpenMetrics text format, for the node_exporter textfile collector
 * (a cron job writes it to DIR/NAME.prom) and anything else that scrapes
 * Prometheus text.
 *
 * Families, in order of first appearance (each once, TYPE/HELP/UNIT before
 * all its samples, as OpenMetrics requires):
 *   mailprobe_state            0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN
 *   mailprobe_phase_seconds    one sample per phase, label phase="NAME"
 *   mailprobe_time_seconds     the total (perfdata label `time`); a family
 *                              of its own so that summing the phases never
 *                              counts it twice
 *   mailprobe_LABEL[_UNIT]     every other perfdata item (cert_days,
 *                              mx_count, rate, runs, runs_failed), LABEL
 *                              reduced to [a-zA-Z0-9_]
 *   mailprobe_spf_state, mailprobe_dmarc_state   --spf, --dmarc: the worst
 *                              state of the check's findings
 * Every sample carries plugin, service, host and port labels; an item of
 * one host of several (--all-mx) carries mx="HOST" as well. The text ends
 * with "# EOF". Prometheus' classic text parser (node_exporter) reads
 * "# UNIT" and "# EOF" as comments, so the same text serves both.
 * Thresholds are not exported. Pure: no I/O. */
#ifndef MP_METRICS_H
#define MP_METRICS_H

#include "result.h"
#include "sbuf.h"

/* The labels every sample carries. HOST NULL and PORT 0 are left out. */
struct metrics_target {
	const char *plugin;     /* "check_smtp_tx" */
	const char *service;    /* "SMTP" */
	const char *host;       /* -H, the --mx domain, or NULL */
	int port;
};

/* Append the OpenMetrics text for R (its state and its perfdata items) to
 * OUT. A perfdata label that occurs twice for the same host keeps its
 * first value (a metric may have one sample per label set). */
void metrics_format(struct sbuf *out, const struct metrics_target *t,
    const struct result *r);

/* Append S to OUT as the value of an OpenMetrics label, without quotes:
 * backslash, double quote and newline escaped. */
void metrics_label_value(struct sbuf *out, const char *s);

/* Append NAME to OUT with every character outside [a-zA-Z0-9_] replaced
 * by '_' (a metric name part). */
void metrics_name_part(struct sbuf *out, const char *name);

/* Append V so that it reads back as the same double: integers without a
 * fraction, others in the shortest %g form that round-trips; NaN, +Inf,
 * -Inf as OpenMetrics spells them. */
void metrics_number(struct sbuf *out, double v);

#endif

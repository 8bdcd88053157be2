/* json.h - --output=json (SPEC §2): one JSON object for a run, for cron
 * probes and log pipelines, rendered from the data of the run: its
 * result (state, problems, perfdata, long output, transcript and the
 * facts of lib/facts.h), its phases and its TLS session. Pure: no I/O.
 *
 * The members, in this order (those in brackets only when there is
 * something to say):
 *   plugin, service, state, exit_code, summary, [host, port], problems,
 *   phases (the ones that ran), time, [tls], [tls_rpt], [mta_sts], [mx],
 *   perfdata, details (one string per long output line), [transcript] */
#ifndef MP_JSON_H
#define MP_JSON_H

#include "phase.h"
#include "result.h"
#include "sbuf.h"
#include "tls.h"

/* What the result does not hold. */
struct json_target {
	const char *plugin;     /* "check_smtp_tx" */
	const char *service;    /* "SMTP" */
	const char *host;       /* -H, the --mx domain, or NULL: no host, no port */
	int port;
	double time;            /* the run's total, seconds */
	const struct phase_set *phases;   /* the phases that ran, or NULL */
	const struct tls_info *tls;       /* the session's TLS, or NULL */
};

/* Append the object for R and T to OUT, with a newline at the end. */
void json_format(struct sbuf *out, const struct json_target *t,
    const struct result *r);

/* Append the facts of R (lib/facts.h) that it has, each as ",\"name\":"
 * and its object: tls_rpt, mta_sts, mx (a part of json_format). */
void json_facts(struct sbuf *out, const struct result *r);

#endif

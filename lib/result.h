/* result.h - plugin output: state, status line, long output, perfdata.
 *
 * Follows the Monitoring Plugins Development Guidelines:
 *   SERVICE STATE - text | 'label'=value[UOM];[warn];[crit];[min];[max] ...
 *   long output, one fact per line
 * A result owns its buffers; result_free releases them. */
#ifndef MP_RESULT_H
#define MP_RESULT_H

#include <stdio.h>

#include "range.h"
#include "sbuf.h"

enum state {
	STATE_OK = 0,
	STATE_WARNING = 1,
	STATE_CRITICAL = 2,
	STATE_UNKNOWN = 3
};

/* "OK", "WARNING", "CRITICAL", "UNKNOWN". */
const char *state_name(enum state s);

/* The worse of two states: CRITICAL > WARNING > UNKNOWN > OK. */
enum state state_worst(enum state a, enum state b);

/* Parse "ok"/"warning"/"critical"/"unknown" (any case) or "0".."3". */
int state_parse(const char *text, enum state *out);

#define RESULT_PROBLEMS_MAX 16
#define RESULT_PROBLEM_LEN 512

struct result_problem {
	enum state state;
	char text[RESULT_PROBLEM_LEN];
};

/* One perfdata item kept as data as well as in the perfdata text, so that
 * other output formats (lib/metrics) never parse the text back. */
#define PERF_LABEL_MAX 64
#define PERF_HOST_MAX 256

struct perf_item {
	char host[PERF_HOST_MAX];      /* one host of several (--all-mx), or "" */
	char label[PERF_LABEL_MAX];    /* without the host prefix: "banner", "time" */
	double value;
	char uom[8];                   /* "s", or "" */
	char warn[RANGE_TEXT_MAX];     /* threshold text as given, or "" */
	char crit[RANGE_TEXT_MAX];
	double min, max;               /* NaN: not given */
};

/* lib/facts.h */
struct fact_tlsrpt;
struct fact_certs;
struct fact_addrs;
struct fact_sts;
struct fact_mx;
struct fact_fetch;
struct fact_domain_auth;
struct fact_domain_dns;   /* issue 22 (i22b) */
struct fact_mailbox;
struct tls_info;   /* lib/tls.h */

struct result {
	const char *service;           /* "SMTP", "IMAP", "POP3" (static) */
	int nproblems;
	int dropped;                   /* problems beyond RESULT_PROBLEMS_MAX */
	struct sbuf ok_text;           /* summary when nothing is wrong */
	struct sbuf details;           /* long output lines */
	struct sbuf transcript;        /* -v protocol transcript */
	struct sbuf perf;              /* perfdata, space separated */
	struct perf_item *items;       /* the same perfdata as data (owned) */
	int nitems, capitems;
	int items_lost;                /* items not stored: out of memory */
	/* Facts beside the verdict, for the output formats (lib/facts.h,
	 * rendered by lib/json and, in the long output, facts_text): NULL
	 * when the run found none. They point into the plugin's storage;
	 * result_free and result_merge leave them alone, result_init clears
	 * them. */
	const struct tls_info *tls;    /* the TLS session and certificate */
	const struct fact_tlsrpt *tls_rpt;
	const struct fact_sts *mta_sts;
	const struct fact_mx *mx;
	const struct fact_certs *certs;   /* --all-certs: the other certificates */
	const struct fact_addrs *addrs;   /* --all-addresses: each address */
	const struct fact_fetch *fetch;   /* check_smtp_tx --fetch */
	const struct fact_domain_auth *domain_auth;   /* --spf, --dmarc */
	const struct fact_domain_dns *domain_dns;   /* --dkim, --dnssec-expiry, --dnsbl */
	const struct fact_mailbox *mailbox;   /* IMAP/POP3 mailbox health (issue 21) */
	/* last, and not cleared by result_init: only problems[0..nproblems)
	 * are ever read, so a run touches none of the 8 KB it does not use */
	struct result_problem problems[RESULT_PROBLEMS_MAX];
};

void result_init(struct result *r, const char *service);
void result_free(struct result *r);

/* Record a problem of state S (WARNING, CRITICAL or UNKNOWN). Text is made
 * safe for a status line (no '|', no control characters). */
void result_problem(struct result *r, enum state s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Set the summary shown when there is no problem. */
void result_ok(struct result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Append one line of long output. */
void result_detail(struct result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The state: worst of all problems, OK when none. */
enum state result_state(const struct result *r);

/* Append one perfdata item. UOM may be "" or NULL; WARN/CRIT may be NULL
 * or unset ranges; MIN/MAX are left out when NaN. */
void result_perf(struct result *r, const char *label, double value,
    const char *uom, const struct range *warn, const struct range *crit,
    double min, double max);

/* The same for one host of several: the perfdata label becomes
 * HOST_LABEL, the stored item keeps HOST and LABEL apart. HOST NULL is
 * result_perf. */
void result_perf_host(struct result *r, const char *host, const char *label,
    double value, const char *uom, const struct range *warn,
    const struct range *crit, double min, double max);

/* Append SRC's perfdata (text and items) to DST's. */
void result_merge_perf(struct result *dst, const struct result *src);

/* Format one perfdata item into OUT (pure; used by result_perf). */
void perf_format(struct sbuf *out, const char *label, double value,
    const char *uom, const struct range *warn, const struct range *crit,
    double min, double max);

/* Copy SRC's problems, long output and transcript into DST (perfdata is
 * not copied: the caller labels it). */
void result_merge(struct result *dst, const struct result *src);

/* Append SRC's long output (its facts, then its detail lines) to DST's
 * detail lines, each line prefixed by INDENT. */
void result_merge_details(struct result *dst, const struct result *src,
    const char *indent);

/* Line 1 (status + perfdata), the long output (the facts, lib/facts.h,
 * then the detail lines) and the transcript: appended to OUT (the caller
 * prints it: plugins/common/plugin_output.c). */
void result_format(const struct result *r, struct sbuf *out);

/* The status text of line 1, without service and state. */
void result_summary(const struct result *r, struct sbuf *out);

#endif

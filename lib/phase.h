/* phase.h - per-phase timing and thresholds.
 *
 * Every phase of every plugin is one value of enum phase_id, and its name
 * (the perfdata label, the word in messages and in --warning-phase) is in
 * one table in phase.c. A plugin declares the subset it uses, in the order
 * of its perfdata (SPEC §4/§5); each one that ran is timed in microseconds
 * on the monotonic clock and becomes one perfdata label; the total is
 * `time`. --warning-phase/--critical-phase PHASE=RANGE and -w/-c (on the
 * total) are checked here. */
#ifndef MP_PHASE_H
#define MP_PHASE_H

#include <stdint.h>

#include "err.h"
#include "range.h"
#include "result.h"

#define PHASE_MAX 32

/* The phases of all plugins. Protocols share a value where they share the
 * label (banner, starttls, ...). The order here is not the perfdata order:
 * each plugin gives its own list to phase_set_init. */
enum phase_id {
	PHASE_NONE = -1,      /* no phase; also ends a plugin's list */
	PHASE_DNS,
	PHASE_CONNECT,
	PHASE_TLS,
	PHASE_BANNER,
	PHASE_EHLO,
	PHASE_CAPABILITY,
	PHASE_STARTTLS,
	PHASE_RELAY,
	PHASE_AUTH,
	PHASE_LOGIN,
	PHASE_MAIL,
	PHASE_RCPT,
	PHASE_DATA,
	PHASE_DATASENT,
	PHASE_QUIT,
	PHASE_LOGOUT,
	PHASE_MTA_STS,
	PHASE_POSTURE,        /* --require-tls: the probes before STARTTLS */
	PHASE_COMMANDS,       /* check_smtp's -C commands */
	PHASE_PROBE_RSA,      /* --all-certs: a handshake for the RSA certificate */
	PHASE_PROBE_ECDSA,    /* ... the ECDSA certificate */
	PHASE_PROBE_EDDSA,    /* ... an Ed25519/Ed448 certificate */
	PHASE_PROBE_TLS10,    /* --forbid-tls=1.0: a TLS 1.0 handshake */
	PHASE_PROBE_TLS11,    /* --forbid-tls=1.1 */
	PHASE_PROBE_WEAK,     /* --forbid-cipher=weak */
	PHASE_DELIVERY,       /* --fetch: from the 2xx after DATA to the message seen */
	PHASE_DOMAIN,         /* --mx: the domain's own DNS checks (--spf, --dmarc, ...) */
	PHASE_MAILBOX,        /* IMAP/POP3 mailbox health: STATUS, EXAMINE, FETCH, STAT, TOP */
	PHASE_COUNT           /* not a phase: the number of them */
};

/* The name of ID ("dns", "mta_sts", ...; static), or "" for PHASE_NONE. */
const char *phase_name(enum phase_id id);

/* Does ID end in a reply of the server that --expect-reply may judge? No
 * for the transport phases (dns, connect, tls), whose work is done before
 * the server says anything, nor for posture and commands, whose replies
 * --require-tls and -R judge. */
int phase_has_reply(enum phase_id id);

struct phase {
	const char *name;     /* static: phase_name(id) */
	int ran;              /* timed at least once */
	enum phase_id id;     /* beside ran: fills what was padding */
	double secs;          /* accumulated duration */
};

/* The timings of one session: run state, fresh for each session. */
struct phase_set {
	int n;
	int cur;              /* index of the running phase, -1 when none */
	int64_t cur_start_us;
	struct phase p[PHASE_MAX];   /* last: a run uses only the first n */
};

/* The thresholds: configuration, filled from the command line once and
 * then only read by every session of the run. */
struct phase_limits {
	struct range total_warn, total_crit;  /* -w / -c on `time` */
	struct range warn[PHASE_COUNT], crit[PHASE_COUNT];   /* by enum phase_id */
};

/* Declare the phases: IDS in perfdata order, ended by PHASE_NONE (static). */
void phase_set_init(struct phase_set *ps, const enum phase_id *ids);

/* The phase of list IDS (ended by PHASE_NONE) called NAME (as the
 * command line gives it), or PHASE_NONE. */
enum phase_id phase_lookup(const enum phase_id *ids, const char *name);

/* Start timing ID (ends any running phase first). A phase that PS does not
 * declare is not timed, and PHASE_NONE only ends the running phase. */
void phase_begin(struct phase_set *ps, enum phase_id id);

/* Stop the running phase and add its time. */
void phase_end(struct phase_set *ps);

/* End the running phase and record ID as done in no time (its work was
 * done by an earlier step, e.g. capabilities read from the greeting), so
 * that the perfdata labels stay the same from run to run. */
void phase_skip(struct phase_set *ps, enum phase_id id);

/* Record SECS more for phase ID without touching the running phase: a
 * span measured apart from the step clock (--fetch's delivery, from the
 * DATA reply to the message seen). A phase PS does not declare is ignored. */
void phase_add(struct phase_set *ps, enum phase_id id, double secs);

/* Seconds spent in the running phase so far (0 when none). */
double phase_running_secs(const struct phase_set *ps);

/* Name of the running phase, or "" when none. */
const char *phase_current(const struct phase_set *ps);

/* The running phase, or PHASE_NONE. */
enum phase_id phase_current_id(const struct phase_set *ps);

/* Parse "PHASE=RANGE" for --warning-phase (critical = 0) or
 * --critical-phase (critical = 1) into L; PHASE must be one of IDS (the
 * plugin's list, ended by PHASE_NONE). `time` means the total. */
int phase_threshold(struct phase_limits *l, const enum phase_id *ids,
    const char *arg, int critical, struct err *e);

/* Emit one perfdata item for each phase that ran and `time` = TOTAL,
 * with the thresholds of L, and record a problem for each threshold that
 * trips. With a PREFIX (one host of several) labels become PREFIX_phase
 * and the messages name PREFIX. */
void phase_report(const struct phase_set *ps, const struct phase_limits *l,
    double total, struct result *r, const char *prefix);

#endif

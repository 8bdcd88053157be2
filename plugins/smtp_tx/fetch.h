/* fetch.h - check_smtp_tx --fetch: the round trip. After the final DATA
 * reply is 2xx the message is fetched back from the mailbox over IMAP or
 * POP3, timed (phase delivery), found in the folder or in \Junk, and
 * deleted. Not installed, not for lib/.
 *
 *   fetch_opts.c   --fetch, --fetch-starttls, --fetch-authfile, --fetch-keep,
 *                  --lost-after: the options, taken together once
 *                  (smtp_fetch_validate), the mailbox's configuration
 *   fetch.c        smtp_fetch: the run, its verdict and its output
 *   fetch_imap.c   the IMAP session: login, SPECIAL-USE \Junk, UID SEARCH,
 *                  IDLE or polling, \Deleted + UID EXPUNGE
 *   fetch_pop3.c   the POP3 sessions: login, UIDL, TOP n 0, DELE
 *   fetch_state.c  --state-file: the pending probes, locked, replaced
 *                  atomically, recovered when corrupt
 *   fetch_path.c   the message's path (Received:, --require-tls-hops) and
 *                  its Authentication-Results (--expect-auth-results)
 *
 * Every read and write waits on the run's deadline or an earlier one: the
 * search for the message (its sleeps and IDLE) ends a margin before it
 * (struct fetch_run.wait), the commands until the cleanup half of that
 * margin later (cmds), so that "not delivered" is said in time and the
 * mailbox session still says goodbye. */
#ifndef MP_SMTP_FETCH_H
#define MP_SMTP_FETCH_H

#include <stdint.h>
#include <time.h>

#include "caps.h"
#include "facts.h"
#include "fetchurl.h"
#include "plugin.h"

/* The option ids of --fetch (in options.c's table), numbered apart from
 * options.c's own enum so that either can grow. */
enum {
	FETCH_OPT_URL = OPT_PLUGIN_BASE + 48,
	FETCH_OPT_STARTTLS,
	FETCH_OPT_AUTHFILE,
	FETCH_OPT_KEEP,
	FETCH_OPT_LOST_AFTER,
	FETCH_OPT_REQUIRE_TLS_HOPS,
	FETCH_OPT_EXPECT_AUTH,
	FETCH_OPT_AUTH_SERV_ID,
	FETCH_OPT_STATE_FILE
};

#define FETCH_LOST_AFTER_DEFAULT 3600
#define FETCH_UIDS_MAX 64          /* UIDs deleted in one run (the rest next time) */

/* The configuration of --fetch: filled by the options, completed by
 * smtp_fetch_validate, then only read. */
struct fetch_config {
	const char *url_arg;       /* --fetch, or NULL: no round trip */
	struct fetch_url url;
	int starttls;              /* --fetch-starttls */
	const char *authfile;      /* --fetch-authfile */
	int keep;                  /* --fetch-keep */
	long lost_after;           /* --lost-after, seconds */
	int lost_after_set;
	int require_tls_hops;      /* --require-tls-hops */
	const char *expect_auth;   /* --expect-auth-results */
	const char *auth_serv_id;  /* --auth-serv-id */
	const char *state_file;    /* --state-file */
	char user[FETCH_USER_MAX]; /* the URL's user, else the authfile's */
	char *pass;                /* owned, wiped by smtp_fetch_free */
	struct plugin_config pc;   /* the mailbox server: the SMTP side's TLS
	                            * options (-D, --verify, --ca-file, ...),
	                            * the URL's host, port and TLS */
};

struct smtp_config;
struct smtp_check;

/* --state-file: one probe looked for (the pending ones, the new one last). */
struct fetch_probe {
	const char *token;
	int found;
	int junk;
	int64_t seen_us;           /* monotonic */
	double seen_at;            /* wall clock, seconds */
	unsigned long uid;         /* IMAP */
	char folder[FETCH_FOLDER_MAX];
};

/* One round trip's state (fetch.c makes it, the protocol files fill it). */
struct fetch_run {
	const struct fetch_config *fc;
	const char *token;         /* the probe's token */
	struct plugin m;           /* the mailbox session (its problems, details
	                            * and transcript are merged into the SMTP
	                            * result at the end) */
	struct deadline wait;      /* the search ends here: the run's deadline
	                            * less a margin for the goodbye and output */
	struct deadline run;       /* the run's deadline */
	struct deadline cmds;      /* the mailbox session's reads and writes until
	                            * the cleanup: halfway between the two, so
	                            * that a command begun as the search ends is
	                            * still answered, and one never answered ends
	                            * before the run's deadline */
	struct caps caps;
	int found;                 /* the message was seen */
	int64_t seen_us;
	char folder[FETCH_FOLDER_MAX];   /* where it was seen ("" for POP3) */
	int junk;                  /* in the \Junk folder */
	int deleted;               /* the probe was removed */
	int stale;                 /* probes of earlier runs removed */
	int rounds;                /* searches made */
	int stopped;               /* a verdict is recorded already (untrusted TLS) */
	struct fetch_probe *pend;  /* --state-file: the probes looked for in one
	                            * pass without waiting; NULL: the one probe
	                            * of this run, waited for */
	int npend;
	struct sbuf headers;       /* the message's Received: and
	                            * Authentication-Results: fields (IMAP) or its
	                            * header (POP3), once found */
};

/* fetch_opts.c */
/* The option handler for the --fetch options (ids of options.c). */
int smtp_fetch_option(struct fetch_config *fc, int id, const char *arg,
    struct err *e);
/* The --fetch options taken together (after plugin_validate): reads the
 * authfile, builds fc->pc from the SMTP side's C. ERR_USAGE. */
int smtp_fetch_validate(struct smtp_config *c, struct err *e);
/* Wipe and free the password. */
void smtp_fetch_free(struct fetch_config *fc);

/* fetch.c */
/* The round trip of session S, whose message was accepted: records its
 * verdict, perfdata and lines in S's result. */
void smtp_fetch(struct smtp_check *s);
/* Run the mailbox session of F, record its failure, close it and merge
 * its result into S's: 0 when it ran to the end. */
int fetch_session(struct smtp_check *s, struct fetch_run *f);
/* Add TEXT (", ...") to S's OK line, before the banner. */
void fetch_ok_add(struct smtp_check *s, const char *text);
/* Put TEXT first among R's detail lines. */
void fetch_detail_first(struct result *r, const char *text);
/* Wait until END_US (monotonic) or the wait deadline of F, whichever is
 * first, or until the mailbox connection has something to read. */
void fetch_sleep(struct fetch_run *f, int64_t end_us);
/* The time left before the search must end, in microseconds (<= 0: none). */
int64_t fetch_left_us(const struct fetch_run *f);

/* fetch_path.c */
/* Judge the headers of the message F found (F->headers) into R: the
 * path as long output, --require-tls-hops, --expect-auth-results. */
void fetch_path_verdict(const struct fetch_run *f, struct result *r,
    const char *target, struct fact_fetch *ff);

/* fetch_state.c */
/* The round trip of --state-file: the pending probes and the new one
 * looked for once, each found one reported and deleted, the lost ones
 * CRITICAL, the state file updated. */
void smtp_fetch_stateful(struct smtp_check *s, struct fetch_run *f);
/* Mark probe P found now in FOLDER (JUNK: the \Junk one). */
void fetch_probe_seen(struct fetch_probe *p, const char *folder, int junk);

/* fetch_imap.c: 0 with f->found set or not, -1 with *e set; a problem
 * recorded already sets f->stopped. */
int fetch_imap(struct fetch_run *f, struct err *e);

/* fetch_pop3.c: the same for POP3. */
int fetch_pop3(struct fetch_run *f, struct err *e);

#endif

/* mbox_health.h - mailbox health in the mailbox plugins (issue 21): after
 * a successful login and before LOGOUT/QUIT, each folder's message counts
 * (IMAP STATUS MESSAGES/UNSEEN/RECENT, POP3 STAT), the age of its oldest
 * and newest message (IMAP INTERNALDATE through EXAMINE and FETCH, POP3
 * the Date: header through TOP n 0) and the quota of its roots (IMAP
 * GETQUOTAROOT), each judged against Nagios ranges. Everything is
 * read-only: EXAMINE, never SELECT; no STORE, EXPUNGE or DELE. The round
 * trips are billed to phase mailbox.
 *
 * mbox_health.c is the driver: options, the judgement, perfdata, facts and
 * the summary; mbox_health_imap.c and mbox_health_pop3.c speak the
 * protocols and hand each folder's figures to mbox_health_folder. */
#ifndef MP_MBOX_HEALTH_H
#define MP_MBOX_HEALTH_H

#include "facts.h"
#include "plugin.h"
#include "range.h"
#include "sbuf.h"

struct mbox_check;
struct mbox_config;
struct mbox_proto;
struct plugin;

#define MBOX_HEALTH_FOLDER_ARGS 32     /* --folder given at most this often */
#define MBOX_HEALTH_MAX_FOLDERS 50     /* --max-folders default */

/* The option ids (plugin.h numbers the plugins' own from OPT_PLUGIN_BASE;
 * mbox.h uses the first few). */
enum {
	MBOX_OPT_FOLDER = OPT_PLUGIN_BASE + 16,
	MBOX_OPT_MAX_FOLDERS,
	MBOX_OPT_MESSAGES,
	MBOX_OPT_UNSEEN,
	MBOX_OPT_RECENT,
	MBOX_OPT_OLDEST_AGE,
	MBOX_OPT_NEWEST_AGE,
	MBOX_OPT_QUOTA
};

#define MBOX_HEALTH_BILLED \
	" Read after the login (-U with -P or --authfile) and before the logout; its " \
	"round trips are billed to phase mailbox."

/* the options both protocols have */
#define MBOX_HEALTH_OPTS_COMMON(what) \
	{ MBOX_OPT_MESSAGES, "messages", required_argument, "WARN[,CRIT]", \
	  "Nagios ranges on the number of messages in " what ": --messages=:100,:500 " \
	  "(or 100,500) is WARNING above 100 and CRITICAL above 500; --messages=1: " \
	  "is WARNING for an empty one." MBOX_HEALTH_BILLED }, \
	{ MBOX_OPT_OLDEST_AGE, "oldest-age", required_argument, "WARN[,CRIT]", \
	  "The age of the oldest message in " what ", in seconds or with s, m, h, d: " \
	  "--oldest-age=2d,7d is WARNING when it is older than 2 days, CRITICAL " \
	  "when older than 7 (a mailbox nobody reads). A bare age N means the " \
	  "range 0:N; a Nagios range in seconds is taken as well. An empty folder " \
	  "has no age and passes." }, \
	{ MBOX_OPT_NEWEST_AGE, "newest-age", required_argument, "WARN[,CRIT]", \
	  "The same for the newest message: --newest-age=1h,1d is WARNING when " \
	  "nothing arrived for an hour (the feed behind the mailbox died)." }

/* IMAP's */
#define MBOX_HEALTH_OPTS_IMAP \
	{ MBOX_OPT_FOLDER, "folder", required_argument, "NAME", \
	  "A folder to check after the login (repeatable; default INBOX when a " \
	  "mailbox option is given), in UTF-8 (sent in modified UTF-7, RFC 3501 " \
	  "5.1.3); '*' is every selectable folder LIST returns, at most " \
	  "--max-folders. Counts come from STATUS, ages from EXAMINE (read-only) " \
	  "and FETCH INTERNALDATE (the first and last message in arrival order, " \
	  "ESORT when offered), quotas from GETQUOTAROOT: nothing is ever changed. " \
	  "A folder that cannot be read (one that does not exist) is CRITICAL. " \
	  "Perfdata per folder: NAME_messages, NAME_unseen, NAME_recent, " \
	  "NAME_oldest_age, NAME_newest_age." MBOX_HEALTH_BILLED }, \
	{ MBOX_OPT_MAX_FOLDERS, "max-folders", required_argument, "N", \
	  "With --folder='*': check at most N folders (default 50, at most 200); " \
	  "the number left out is named in the long output." }, \
	MBOX_HEALTH_OPTS_COMMON("each folder"), \
	{ MBOX_OPT_UNSEEN, "unseen", required_argument, "WARN[,CRIT]", \
	  "Nagios ranges on each folder's unseen messages (STATUS UNSEEN): " \
	  "--unseen=:10,:50." }, \
	{ MBOX_OPT_RECENT, "recent", required_argument, "WARN[,CRIT]", \
	  "Nagios ranges on each folder's recent messages (STATUS RECENT)." }, \
	{ MBOX_OPT_QUOTA, "quota", required_argument, "WARN%[,CRIT%]", \
	  "Percent of a quota limit used (GETQUOTAROOT, RFC 9208/2087) for the " \
	  "roots of the folders checked: --quota=80%,95% is WARNING above 80% of " \
	  "the STORAGE or MESSAGE limit, CRITICAL above 95%. Perfdata " \
	  "quota_ROOT_storage in bytes and quota_ROOT_message, each with the " \
	  "limit as max. A server that does not announce QUOTA is UNKNOWN." }

/* POP3's: the maildrop is one folder, INBOX */
#define MBOX_HEALTH_OPTS_POP3 \
	MBOX_HEALTH_OPTS_COMMON("the maildrop (STAT; ages from the Date: header " \
	  "of the first and the last message, TOP n 0)")

/* A threshold pair of one option. */
struct mbox_limit {
	int set;
	struct range warn, crit;
	const char *text;          /* the option's argument, for messages */
};

/* The configuration (part of struct mbox_config). */
struct mbox_health_config {
	int wanted;                /* some mailbox option was given */
	const char *folders[MBOX_HEALTH_FOLDER_ARGS];
	int nfolders;              /* --folder given (0: INBOX) */
	int all_folders;           /* --folder='*' */
	int max_folders;           /* 0: MBOX_HEALTH_MAX_FOLDERS */
	struct mbox_limit messages, unseen, recent, oldest, newest;
	int quota;                 /* --quota given */
	double quota_warn, quota_crit;   /* percent; < 0: not given */
	const char *quota_text;
};

/* Handle option ID (one of the MBOX_OPT_* above) into H. 1 when ID is
 * not one of them; else 0, or -1 with *e filled (ERR_USAGE). */
int mbox_health_option(struct mbox_health_config *h, int id, const char *arg,
    struct err *e);

/* The options taken together (after plugin_validate): they need a login;
 * POP3 has one folder and no UNSEEN, RECENT or QUOTA. */
int mbox_health_validate(const struct mbox_config *c, const struct mbox_proto *proto,
    struct err *e);

/* The step (mbox.c's table, phase mailbox): the protocol's health hook. */
int mbox_health_run(struct mbox_check *m, struct err *e);

/* For the protocol hooks: the next folder slot of the run's fact (NULL
 * when FACT_FOLDERS_MAX are taken), named NAME (UTF-8, cut to fit). */
struct fact_folder *mbox_health_folder_new(struct mbox_check *m, const char *name);

/* For the protocol hooks: F's figures are complete: judged, perfdata. */
void mbox_health_folder(struct mbox_check *m, struct fact_folder *f);

/* For the IMAP hook: the quota root Q (figures as the server sent them:
 * STORAGE in KiB) judged once per root; a root already judged is skipped. */
void mbox_health_quota(struct mbox_check *m, const struct fact_quota *q);

/* ", INBOX 3 messages (1 unseen) ..." for line 1 after a successful run. */
void mbox_health_summary(const struct mbox_check *m, struct sbuf *out);

/* "3 d 4 h", "5 min", "12 s": an age in words into OUT. */
void mbox_health_age_text(double secs, char *out, size_t cap);

/* The protocol hooks. */
int mbox_health_imap(struct mbox_check *m, struct err *e);
int mbox_health_pop3(struct mbox_check *m, struct err *e);

#endif

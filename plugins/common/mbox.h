/* mbox.h - the session shared by the mailbox plugins (IMAP, POP3):
 * connect (or find the server through --srv), greeting, capabilities,
 * STARTTLS/STLS, --require-cap, an optional login, and LOGOUT/QUIT.
 * Each protocol gives its steps in a struct mbox_proto; the session,
 * the verdict and the output are the same for both. */
#ifndef MP_MBOX_H
#define MP_MBOX_H

#include "caps.h"
#include "mbox_health.h"
#include "plugin.h"
#include "sasl.h"
#include "sbuf.h"
#include "textcheck.h"

struct mbox_check;

/* The options of the mailbox plugins beyond the common ones (and beyond
 * textcheck's), handled by mbox.c for both. */
enum {
	MBOX_OPT_ALLOW_PREAUTH = OPT_PLUGIN_BASE,   /* IMAP only */
	MBOX_OPT_REQUIRE_CAP,
	MBOX_OPT_SRV,
	MBOX_OPT_AUTHTYPE
};

/* --authtype: a SASL mechanism, or the protocol's own login command. */
enum mbox_login {
	MBOX_LOGIN_DEFAULT = 0,     /* IMAP: AUTHENTICATE PLAIN, else LOGIN; POP3: AUTH
	                             * PLAIN, else USER/PASS; with a token: OAUTHBEARER,
	                             * else XOAUTH2 */
	MBOX_LOGIN_SASL,            /* authmech, or the strongest offered (auth_auto) */
	MBOX_LOGIN_COMMAND,         /* IMAP LOGIN, POP3 USER/PASS */
	MBOX_LOGIN_APOP             /* POP3 APOP */
};

#define MBOX_AUTHTYPE_OPT(text) \
	{ MBOX_OPT_AUTHTYPE, "authtype", required_argument, "MECH", text }

/* --srv for the option tables (RFC 6186). */
#define MBOX_SRV_OPT(text) \
	{ MBOX_OPT_SRV, "srv", required_argument, "DOMAIN", text }

/* The usage line of both mailbox plugins. */
#define MBOX_SYNOPSIS "-H HOST [-p PORT] [-S|--starttls] [-U USER (-P PASS|--authfile " \
	"FILE)] [-e STRING] [--require-cap LIST] [-D WARN[,CRIT]] [-w RANGE] [-c RANGE] " \
	"[-t SEC[:STATE]] [-v] ..."

/* --require-cap for the option tables; TEXT says what the server lists. */
#define MBOX_REQUIRE_CAP_OPT(text) \
	{ MBOX_OPT_REQUIRE_CAP, "require-cap", required_argument, "LIST", text }

/* The configuration: filled by the option parsing in mbox_main, then only
 * read by the session. */
struct mbox_config {
	struct plugin_config pc;    /* first */
	struct textcheck tc;
	const char *require_cap;    /* --require-cap LIST, or NULL */
	int allow_preauth;          /* IMAP --allow-preauth */
	enum mbox_login login;      /* --authtype */
	enum sasl_mech authmech;    /* with MBOX_LOGIN_SASL, or SASL_NONE for auto */
	int auth_auto;              /* --authtype=auto */
	struct mbox_health_config health;   /* issue 21: --folder, --messages, ... */
};

/* Where the capability list at hand (mbox_check.caps) came from. */
enum mbox_caps_from {
	MBOX_CAPS_NONE = 0,   /* no list for the current state (e.g. one from before login) */
	MBOX_CAPS_CODE,       /* sent unasked, as a greeting's or a login reply's [CAPABILITY]
	                       * code: possibly partial (Cyrus lists only some in its greeting) */
	MBOX_CAPS_ASKED       /* the answer to CAPABILITY / CAPA in the current state */
};

struct mbox_proto {
	/* the plugin, for --help, the man page and the output */
	const char *name;           /* "check_imap_banner" */
	const char *service;        /* "IMAP" */
	const char *synopsis, *description, *examples, *compat;
	const struct opt_spec *opts;   /* its own options (mbox.c handles them) */
	const struct plugin_alias *aliases;   /* check_imap, check_simap, ... */
	int default_port;           /* 143, 110 */
	/* the protocol */
	const char *tls_service;    /* SRV names (RFC 6186): "imaps", "pop3s" */
	const char *plain_service;  /* "imap", "pop3" */
	int tls_port;               /* 993, 995 */
	const char *starttls_name;  /* "STARTTLS", "STLS": for the summary */
	const char *logout_name;    /* "LOGOUT", "QUIT" */
	/* --require-tls before TLS: a capability that must be there (IMAP's
	 * LOGINDISABLED) or must not (POP3's USER), or NULL */
	const char *plain_must_have;
	const char *plain_must_not;
	/* the steps; each returns 0 or -1 with *e set */
	int (*banner)(struct mbox_check *m, struct err *e);
	int (*capability)(struct mbox_check *m, struct err *e);
	int (*starttls)(struct mbox_check *m, struct err *e);
	int (*login)(struct mbox_check *m, struct err *e);
	int (*logout)(struct mbox_check *m, struct err *e);
	/* ask for the capabilities (again) in the current state and set
	 * caps_from to MBOX_CAPS_ASKED; used by --require-cap when a required
	 * one is missing from a list that was not asked for; NULL: cannot */
	int (*recapability)(struct mbox_check *m, struct err *e);
	/* the SASL mechanisms offered (space separated) into OUT, for
	 * --require-auth and --forbid-auth */
	void (*offered)(const struct mbox_check *m, char *out, size_t cap);
	/* the size of the plugin's check struct (mbox_check first in it), for
	 * one more session: --all-addresses */
	size_t check_size;
	/* issue 21: the mailbox health after the login (mbox_health.h), or
	 * NULL */
	int (*health)(struct mbox_check *m, struct err *e);
};

/* One session's run state. */
struct mbox_check {
	struct plugin p;            /* first: the protocols embed mbox_check first */
	const struct mbox_config *cfg;   /* set by mbox_main */
	int preauth;                /* IMAP PREAUTH: already logged in */
	int logged_in;
	int apop;                   /* POP3: the greeting carries an APOP timestamp */
	char greeting[512];
	char raw[CONN_LINE_MAX + 1];   /* the last line read, as sent (for -e) */
	enum mbox_caps_from caps_from;   /* set by the protocol's steps */
	struct sbuf cap_missing;    /* --require-cap entries left to judge after login
	                             * (mbox_main owns and frees it) */
	struct caps caps;           /* filled by the protocol's steps */
	const struct mbox_proto *proto;   /* set by mbox_main, for the steps */
	struct fact_mailbox mailbox;   /* issue 21: what the health step found (last: large) */
};

/* The first decisions of a login, the same for IMAP and POP3: SASL or the
 * protocol's own command (without --authtype: SASL when a token is given,
 * or when DEFAULT_SASL, the protocol's PLAIN being offered), the mechanism
 * (plugin_auth_choose on OFFERED) and the secret (*SECRET, the password or
 * the token: plugin_auth_secret_free it). Returns 1 for SASL (*MECH set),
 * 0 for the protocol's command, -1 with *E filled (nothing to free). */
int mbox_login_prepare(struct mbox_check *m, int default_sasl, const char *offered,
    enum sasl_mech *mech, char **secret, struct err *e);

/* Parse the options, run the session in M (zeroed; the protocol's check
 * embeds it first), print, and return the exit code. */
int mbox_main(struct mbox_check *m, const struct mbox_proto *proto,
    int argc, char **argv);

#endif

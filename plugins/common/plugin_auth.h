/* plugin_auth.h - what the logins of the three plugins share beyond the
 * user and password of plugin.h: the OAuth 2.0 token (--oauth-token-file,
 * --oauth-token-command) for XOAUTH2/OAUTHBEARER, and the posture of the
 * mechanisms a server offers (--require-auth, --forbid-auth). A plugin
 * that logs in puts PLUGIN_AUTH_OPTS into its option table. */
#ifndef MP_PLUGIN_AUTH_H
#define MP_PLUGIN_AUTH_H

#include "plugin.h"
#include "sasl.h"

enum {
	OPT_OAUTH_TOKEN_FILE = OPT_AUTH_BASE,
	OPT_OAUTH_TOKEN_COMMAND,
	OPT_REQUIRE_AUTH,
	OPT_FORBID_AUTH
};

#define PLUGIN_AUTH_OPTS \
	{ OPT_OAUTH_TOKEN_FILE, "oauth-token-file", required_argument, "FILE", \
	  "An OAuth 2.0 access token for -A XOAUTH2 or OAUTHBEARER (the first " \
	  "line of FILE, read at every run, so that a refresher can replace it). " \
	  "FILE readable by group or others is WARNING." }, \
	{ OPT_OAUTH_TOKEN_COMMAND, "oauth-token-command", required_argument, "CMD", \
	  "Run CMD (split at spaces; no shell unless CMD names one) and use its " \
	  "first line of output as the token; it gets at most half of the time " \
	  "left, and a failure is UNKNOWN." }, \
	{ OPT_REQUIRE_AUTH, "require-auth", required_argument, "MECH[,...]", \
	  "WARNING unless the server offers at least one of these SASL " \
	  "mechanisms (e.g. SCRAM-SHA-256,SCRAM-SHA-1)." }, \
	{ OPT_FORBID_AUTH, "forbid-auth", required_argument, "MECH[,...]", \
	  "WARNING when the server offers any of these (e.g. PLAIN,LOGIN); the " \
	  "offered mechanisms are listed in the long output and JSON." }

/* The options above, into C. */
int plugin_auth_option(struct plugin_config *c, int id, const char *arg,
    struct err *e);

/* 1 when C gives an OAuth token (a file or a command). */
int plugin_has_token(const struct plugin_config *c);

/* -A's value: a mechanism of lib/sasl.h, or "auto" (*AUTO set, *M
 * SASL_NONE). ERR_USAGE naming the mechanisms otherwise. */
int plugin_auth_mech(const char *arg, enum sasl_mech *m, int *autom,
    struct err *e);

/* The mechanism of this login: M when given (the server must offer it:
 * else ERR_MISSING_FEATURE naming what it offers), the strongest of
 * OFFERED for -A auto, or without -A the plugin's default DEF when offered
 * (PLAIN, else LOGIN for SMTP). With a token only XOAUTH2/OAUTHBEARER. */
int plugin_auth_choose(const struct plugin *p, enum sasl_mech m, int autom,
    const char *offered, enum sasl_mech *out, struct err *e);

/* The secret of the login into *SECRET (owned: plugin_auth_secret_free):
 * the password, or the token read from --oauth-token-file or printed by
 * --oauth-token-command now (a world-readable token file is a WARNING in
 * P's result). -1 with *E filled (ERR_USAGE: unreadable, empty, the
 * command failed or overran its share of the deadline). */
int plugin_auth_secret(struct plugin *p, char **secret, struct err *e);

/* Wipe and free a secret of plugin_auth_secret. */
void plugin_auth_secret_free(char *secret);

/* The initial response of SA, in base64, into OUT (CAP bytes): its
 * length, 0 when the mechanism has none, -1 with *E filled. */
long plugin_sasl_initial(struct sasl *sa, char *out, size_t cap, struct err *e);

/* The answer to the server's base64 challenge B64 (LEN characters), in
 * base64, into OUT (CAP bytes): its length (0: an empty answer), or -1
 * with *E filled: ERR_PROTO when the challenge is not base64, or whatever
 * the mechanism refuses (lib/sasl.h). The caller then cancels the
 * exchange as its protocol says ("*"). OUT is a secret: wipe it. */
long plugin_sasl_answer(struct sasl *sa, const char *b64, size_t len, char *out,
    size_t cap, struct err *e);

/* The words of a failed login of USER with MECHANISM (e.g. "AUTH
 * SCRAM-SHA-256"), with the server's own (sa->server_error) when it sent
 * some, into E's message; E keeps the server's reply. */
void plugin_auth_failed(struct err *e, const char *user, const char *mechanism,
    const struct sasl *sa);

/* --require-auth and --forbid-auth against OFFERED (mechanism names
 * separated by spaces); the offered ones are a detail line. */
void plugin_auth_posture(struct plugin *p, const char *offered);

#endif

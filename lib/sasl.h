/* sasl.h - the client side of the SASL mechanisms the plugins log in with
 * (RFC 4422): PLAIN (RFC 4616), LOGIN, CRAM-MD5 (RFC 2195), SCRAM-SHA-1 and
 * SCRAM-SHA-256 (RFC 5802, 7677; the server's signature verified),
 * XOAUTH2 and OAUTHBEARER (RFC 7628).
 *
 * Protocol-independent: the messages are raw bytes; SMTP (334), IMAP and
 * POP3 ("+") carry them in base64, which the caller adds and removes. The
 * digests come from the TLS module (tls_hmac, tls_hash, tls_pbkdf2 in
 * tls.h). Everything a struct sasl holds is secret or derived from a
 * secret: sasl_wipe it at the end of every login that began. */
#ifndef MP_SASL_H
#define MP_SASL_H

#include <stddef.h>

#include "err.h"
#include "tls.h"

/* By strength, weakest first (sasl_mech_auto picks the last offered). */
enum sasl_mech {
	SASL_NONE = 0,
	SASL_LOGIN,          /* user name and password, each on request */
	SASL_PLAIN,          /* both in one message */
	SASL_CRAM_MD5,       /* HMAC-MD5 of the server's challenge */
	SASL_SCRAM_SHA1,     /* salted challenge-response, both sides proven */
	SASL_SCRAM_SHA256,
	SASL_XOAUTH2,        /* an OAuth 2.0 bearer token (Google, Microsoft) */
	SASL_OAUTHBEARER     /* the same, standardised (RFC 7628) */
};

/* The longest message either side may send in one step, decoded. */
#define SASL_MSG_MAX 4096
/* SCRAM: the most PBKDF2 iterations a server may ask for (each costs the
 * run CPU time that no deadline can interrupt). */
#define SASL_SCRAM_ITER_MAX 1000000u

/* "SCRAM-SHA-256" and so on (static); "" for SASL_NONE. */
const char *sasl_mech_name(enum sasl_mech m);

/* The mechanism called NAME (any case), or SASL_NONE. */
enum sasl_mech sasl_mech_parse(const char *name);

/* 1 for the mechanisms that send a token rather than use a password. */
int sasl_mech_token(enum sasl_mech m);

/* 1 for the mechanisms that send the password itself (PLAIN, LOGIN). */
int sasl_mech_cleartext(enum sasl_mech m);

/* 1 when NAME is among OFFERED (mechanism names separated by spaces or
 * commas, any case). */
int sasl_offered(const char *offered, const char *name);

/* -A auto: the strongest mechanism of OFFERED that fits: with TOKEN the
 * token mechanisms (OAUTHBEARER before XOAUTH2), else SCRAM-SHA-256,
 * SCRAM-SHA-1, CRAM-MD5, and PLAIN or LOGIN only when TLS. SASL_NONE
 * when none does. */
enum sasl_mech sasl_mech_auto(const char *offered, int tls, int token);

struct sasl {
	enum sasl_mech mech;
	const char *user;            /* not owned */
	const char *secret;          /* the password or the token; not owned */
	const char *host;            /* OAUTHBEARER: the server's name, or NULL */
	int port;                    /* and its port, or 0 */
	int step;                    /* server messages answered so far */
	int verified;                /* SCRAM: the server's signature matched */
	int failed;                  /* the server sent an error message */
	enum tls_md md;              /* SCRAM's or CRAM-MD5's digest */
	char nonce[64];              /* SCRAM: the client nonce */
	char first_bare[640];        /* SCRAM: client-first-message-bare */
	char auth_msg[2 * SASL_MSG_MAX];   /* SCRAM: AuthMessage */
	unsigned char server_sig[TLS_MD_MAX];   /* SCRAM: the expected v= */
	char server_error[256];      /* the server's own words for a failure
	                              * (SCRAM e=, an OAuth JSON status),
	                              * cleaned for printing, or "" */
};

/* Begin a login with mechanism M as USER with SECRET (a password or, for
 * XOAUTH2/OAUTHBEARER, the token); HOST and PORT go into OAUTHBEARER's
 * message (NULL/0: left out). SCRAM's nonce is made from getrandom.
 * Returns 0, or -1 with *E filled (ERR_USAGE: the credentials are too
 * long or hold a NUL-free text the mechanism cannot carry). */
int sasl_begin(struct sasl *s, enum sasl_mech m, const char *user,
    const char *secret, const char *host, int port, struct err *e);

/* Replace the SCRAM client nonce (the test vectors of RFC 5802/7677). */
void sasl_set_nonce(struct sasl *s, const char *nonce);

/* The client's first message, for the initial response (PLAIN, SCRAM,
 * XOAUTH2, OAUTHBEARER), into OUT (CAP bytes): returns its length, 0 when
 * the mechanism waits for the server first (LOGIN, CRAM-MD5), -1 with *E
 * filled. */
long sasl_first(struct sasl *s, unsigned char *out, size_t cap, struct err *e);

/* The answer to the server's message IN (LEN bytes, decoded) into OUT
 * (CAP bytes): returns its length (may be 0: an empty answer), or -1 with
 * *E filled: ERR_PROTO for a message that is malformed, comes once too
 * often, or (SCRAM) carries a server signature that does not match: "server
 * proof does not match". A token mechanism's failure message (an OAuth
 * JSON status) is kept in server_error and answered as RFC 7628 asks, so
 * that the server can send its failure reply. */
long sasl_step(struct sasl *s, const unsigned char *in, size_t len,
    unsigned char *out, size_t cap, struct err *e);

/* The server said the login succeeded, with its final message IN (LEN
 * bytes, decoded; NULL when it sent none there). SCRAM: the server's
 * signature must have been verified by now (here, when IN carries it):
 * else -1 with ERR_PROTO "the server did not prove that it knows the
 * password". Returns 0. */
int sasl_finish(struct sasl *s, const unsigned char *in, size_t len,
    struct err *e);

/* Wipe S (explicit_bzero). */
void sasl_wipe(struct sasl *s);

#endif

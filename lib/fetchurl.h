/* fetchurl.h - the mailbox of check_smtp_tx --fetch=URL, and the probe
 * token's time: pure functions, no I/O.
 *
 * URL forms as curl and RFC 5092 (IMAP) / RFC 2384 (POP) write them:
 *   imap://USER@HOST[:PORT][/FOLDER]    imaps://...
 *   pop3://USER@HOST[:PORT]             pop3s://...
 * USER and FOLDER are %-decoded (user%40example.org); HOST may be an IPv6
 * literal in brackets. No password in the URL: it belongs in a file
 * (--fetch-authfile), never on the command line. Nothing is allocated. */
#ifndef MP_FETCHURL_H
#define MP_FETCHURL_H

#include <stddef.h>
#include <time.h>

#include "err.h"

#define FETCH_USER_MAX 256
#define FETCH_HOST_MAX 256
#define FETCH_FOLDER_MAX 256

enum fetch_proto {
	FETCH_IMAP = 1,
	FETCH_POP3
};

struct fetch_url {
	enum fetch_proto proto;
	int tls;                        /* imaps, pop3s: TLS from the first byte */
	int port;                       /* given, or the scheme's default */
	char user[FETCH_USER_MAX];      /* decoded; "" when the URL has none */
	char host[FETCH_HOST_MAX];      /* without brackets */
	char folder[FETCH_FOLDER_MAX];  /* decoded; IMAP: "INBOX" when none */
};

/* Parse URL into *U. ERR_USAGE naming what is wrong (unknown scheme, a
 * password in the URL, a bad port, a folder for POP3, a control
 * character, a field too long). */
int fetch_url_parse(const char *url, struct fetch_url *u, struct err *e);

/* The scheme of U ("imap", "imaps", "pop3", "pop3s"; static). */
const char *fetch_url_scheme(const struct fetch_url *u);

/* The time a probe token names: TEXT contains "mp-<seconds>-<hex>" (the
 * token of lib/smtp_msg, e.g. in a Subject line). Returns 1 and sets
 * *when, or 0 when TEXT holds no token. */
int fetch_token_time(const char *text, size_t len, time_t *when);

#endif

/* mtasts.h - MTA-STS (RFC 8461) and SMTP TLS Reporting (RFC 8460): the
 * pure parts. libc only, no I/O: the TXT records and the policy text come
 * from lib/dns and lib/https, and everything here is fed by the network,
 * so every function takes explicit lengths and reads no byte past them.
 *
 * Each parser says what is wrong in plain words (WHY, caller's buffer):
 * "line 3: mode 'enforcing' is not enforce, testing or none". */
#ifndef MP_MTASTS_H
#define MP_MTASTS_H

#include <stddef.h>

#define MTASTS_ID_MAX 32          /* RFC 8461 §3.1: 1*32(ALPHA / DIGIT) */
#define MTASTS_MX_MAX 32          /* mx patterns kept; more is an error */
#define MTASTS_NAME_MAX 256
#define MTASTS_MAX_AGE_MAX 31557600L   /* RFC 8461 §3.2: about a year */
#define MTASTS_POLICY_MAX 65536   /* RFC 8461 §3.3: senders may stop beyond 64 KiB */
#define MTASTS_RUA_MAX 512

enum mtasts_mode {
	MTASTS_NONE = 0,
	MTASTS_TESTING,
	MTASTS_ENFORCE
};

/* The _mta-sts TXT record (RFC 8461 §3.1). */
struct mtasts_txt {
	char id[MTASTS_ID_MAX + 1];
};

/* A policy (RFC 8461 §3.2). */
struct mtasts_policy {
	enum mtasts_mode mode;
	long max_age;
	int nmx;
	char mx[MTASTS_MX_MAX][MTASTS_NAME_MAX];   /* as published, lower case, no trailing dot */
};

/* The _smtp._tls TXT record (RFC 8460 §3). */
struct tlsrpt_txt {
	char rua[MTASTS_RUA_MAX];   /* the rua value, URIs comma separated */
	int nuri;
};

/* "enforce", "testing", "none". */
const char *mtasts_mode_name(enum mtasts_mode m);

/* The TXT set of _mta-sts.DOMAIN: N records, REC[i] of LEN[i] bytes
 * (each record's strings already joined). Records that do not begin with
 * "v=STSv1" are ignored. Returns 1 with *OUT filled when exactly one
 * record is STSv1 and well formed; 0 when none is (no policy published);
 * -1 when there is more than one, or the one is malformed (WHY says
 * which). */
int mtasts_txt_parse(const char *const *rec, const size_t *len, int n,
    struct mtasts_txt *out, char *why, size_t cap);

/* The policy text TEXT of LEN bytes (lines end in LF or CRLF). 0 with *P
 * filled, or -1 with WHY naming the first problem and its line. Unknown
 * keys are ignored (RFC 8461 §3.2); version, mode and max_age are
 * required, and at least one mx unless the mode is none. */
int mtasts_policy_parse(const char *text, size_t len, struct mtasts_policy *p,
    char *why, size_t cap);

/* 1 when host name HOST matches mx pattern PAT (RFC 8461 §4.1): equal,
 * ignoring case and a trailing dot, or PAT is "*.rest" and HOST is one
 * more label in front of "rest". */
int mtasts_mx_match(const char *pat, const char *host);

/* The index of the first pattern of P that HOST matches, or -1. */
int mtasts_policy_match(const struct mtasts_policy *p, const char *host);

/* The TXT set of _smtp._tls.DOMAIN as for mtasts_txt_parse, for
 * "v=TLSRPTv1" records: 1 with *OUT filled, 0 when there is none, -1 when
 * there are several or the one is malformed (WHY). */
int tlsrpt_txt_parse(const char *const *rec, const size_t *len, int n,
    struct tlsrpt_txt *out, char *why, size_t cap);

#endif

/* err.h - the one error type of lib/: caller-owned, no heap.
 *
 * Every lib/ function that can fail returns 0 or -1 and fills a struct err.
 * The plugin maps err.kind to a Nagios state in one place. The message is
 * our own words; server text, when there is some, is kept apart in
 * err.reply so that output can quote it verbatim (after sanitising). */
#ifndef MP_ERR_H
#define MP_ERR_H

enum err_kind {
	ERR_NONE = 0,
	ERR_USAGE,           /* bad command line or option value */
	ERR_RESOLVE,         /* host name could not be resolved */
	ERR_CONNECT,         /* refused, unreachable, reset during connect */
	ERR_TIMEOUT,         /* the run's deadline struck */
	ERR_CLOSED,          /* peer closed or reset the connection */
	ERR_TLS,             /* handshake or TLS I/O failed */
	ERR_TLS_VERIFY,      /* certificate did not verify */
	ERR_PROTO,           /* reply malformed, too long, unexpected */
	ERR_REJECTED,        /* server answered with a refusal (4xx/5xx, NO, -ERR) */
	ERR_MISSING_FEATURE, /* a required extension/capability is absent */
	ERR_DNS,             /* DNS lookup failed (SERVFAIL, NODATA, ...) */
	ERR_INTERNAL         /* our own failure: out of memory, bug */
};

#define ERR_MSG_MAX 256
#define ERR_REPLY_MAX 256

struct err {
	enum err_kind kind;
	int sys_errno;            /* errno when a system call failed, else 0 */
	int reply_code;           /* server reply code (SMTP), else 0 */
	const char *phase;        /* static phase name where it struck, or NULL */
	char msg[ERR_MSG_MAX];    /* our words */
	char reply[ERR_REPLY_MAX];/* the server's words, sanitised, or "" */
};

/* Reset to ERR_NONE. */
void err_clear(struct err *e);

/* Set kind and a printf-formatted message; returns -1 so callers can
 * write `return err_set(e, ERR_PROTO, "...")`. */
int err_set(struct err *e, enum err_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Like err_set, with errno kept in sys_errno. */
int err_sys(struct err *e, enum err_kind kind, int sys_errno, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Keep a copy of the server's words (made printable, truncated with "..."). */
void err_set_reply(struct err *e, const char *text, size_t len);

/* Short name of a kind, for JSON and tests ("timeout", "tls-verify", ...). */
const char *err_kind_name(enum err_kind kind);

/* Copy LEN bytes of untrusted TEXT to DST (size CAP, always terminated)
 * replacing control characters, '|' and bytes that are not UTF-8 so the
 * result is safe on a Nagios status line and in JSON. Longer text ends in "...". Returns strlen(dst). */
size_t err_sanitize(char *dst, size_t cap, const char *text, size_t len);

#endif

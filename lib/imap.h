/* imap.h - IMAP response lines (RFC 9051 / 3501 §7), pure parsers. */
#ifndef MP_IMAP_H
#define MP_IMAP_H

#include <stddef.h>

#include "caps.h"
#include "err.h"

enum imap_kind {
	IMAP_UNTAGGED,      /* "* ..." */
	IMAP_TAGGED,        /* "A1 OK ..." */
	IMAP_CONTINUATION   /* "+ ..." */
};

enum imap_status {
	IMAP_NONE = 0,      /* not a status response (e.g. "* CAPABILITY ...") */
	IMAP_OK,
	IMAP_NO,
	IMAP_BAD,
	IMAP_PREAUTH,
	IMAP_BYE
};

#define IMAP_TAG_MAX 32
#define IMAP_TEXT_MAX 4097

struct imap_resp {
	enum imap_kind kind;
	enum imap_status status;
	char tag[IMAP_TAG_MAX];       /* tagged responses only */
	char keyword[32];             /* untagged data name, upper case ("CAPABILITY") */
	char code[IMAP_TEXT_MAX];     /* resp-text-code inside [...], or "" */
	char text[IMAP_TEXT_MAX];     /* the human-readable rest */
};

/* Parse one response line (no CRLF). ERR_PROTO when malformed. */
int imap_resp_parse(const char *line, size_t len, struct imap_resp *r,
    struct err *e);

/* Name of a status ("OK", "NO", ...). */
const char *imap_status_name(enum imap_status s);

/* Parse space-separated capability atoms into *c (appending). */
int imap_caps_parse(const char *s, size_t len, struct caps *c, struct err *e);

/* 1 when CODE (a resp-text-code) is "CAPABILITY" or "CAPABILITY ...". */
int imap_code_is_caps(const char *code);

/* If CODE is "CAPABILITY ...", parse its atoms into *c and return 1;
 * 0 when it is another code; -1 on error. */
int imap_code_caps(const char *code, struct caps *c, struct err *e);

/* IN as an IMAP quoted string (RFC 9051 §4.3: '\\' and '"' escaped) into
 * OUT (CAP bytes, NUL-terminated). -1 when IN holds CR or LF (a quoted
 * string cannot) or OUT is too small. */
int imap_quote(const char *in, char *out, size_t cap);

/* ---- mailbox health (issue 21): the data of LIST, STATUS, QUOTAROOT,
 * QUOTA and FETCH INTERNALDATE, pure parsers of the text after the data
 * name (struct imap_resp.text). A literal in these replies is the
 * caller's to inline first (imap_literal_inline). */

#define IMAP_MAILBOX_MAX 1024      /* a mailbox name as sent (modified UTF-7) */
#define IMAP_QUOTA_RES_MAX 8       /* resources of one QUOTA response kept */
#define IMAP_QUOTAROOTS_MAX 8      /* roots of one QUOTAROOT response kept */

/* An astring (atom, quoted string; NIL is the atom "NIL") at *P, before
 * END, into OUT (CAP bytes, NUL-terminated, quotes and escapes removed);
 * *P is moved past it and past one blank. -1 when malformed or too long. */
int imap_astring(const char **p, const char *end, char *out, size_t cap);

/* "* LIST (FLAGS) DELIM NAME": the text after "LIST". */
struct imap_list {
	char name[IMAP_MAILBOX_MAX];  /* as sent (modified UTF-7) */
	char delim;                   /* the hierarchy delimiter, '\0' for NIL */
	int noselect;                 /* \Noselect or \NonExistent: no folder to open */
};
int imap_list_parse(const char *text, struct imap_list *l, struct err *e);

/* "* STATUS NAME (MESSAGES 3 UNSEEN 1 RECENT 0 ...)": the text after
 * "STATUS". Numbers over 2^32-1 (RFC 9051 number) are ERR_PROTO. */
struct imap_status_data {
	char name[IMAP_MAILBOX_MAX];
	int have_messages, have_unseen, have_recent;
	unsigned long messages, unseen, recent;
};
int imap_status_data_parse(const char *text, struct imap_status_data *s,
    struct err *e);

/* "* QUOTAROOT NAME ROOT...": the text after "QUOTAROOT" (RFC 9208 §5.2);
 * at most IMAP_QUOTAROOTS_MAX roots are kept (more is set beyond). */
struct imap_quotaroot {
	char name[IMAP_MAILBOX_MAX];
	int nroots, more;
	char roots[IMAP_QUOTAROOTS_MAX][256];
};
int imap_quotaroot_parse(const char *text, struct imap_quotaroot *q,
    struct err *e);

/* "* QUOTA ROOT (STORAGE 10 512 MESSAGE 1 100)": the text after "QUOTA"
 * (RFC 9208 §5.1). Usage and limit are number64 (at most 2^63-1); STORAGE
 * counts units of 1024 octets. At most IMAP_QUOTA_RES_MAX resources. */
struct imap_quota_res {
	char name[32];                /* upper case: "STORAGE", "MESSAGE" */
	unsigned long long usage, limit;
};
struct imap_quota {
	char root[256];
	int n;
	struct imap_quota_res res[IMAP_QUOTA_RES_MAX];
};
int imap_quota_parse(const char *text, struct imap_quota *q, struct err *e);

/* "* N FETCH (... INTERNALDATE "05-Dec-2026 09:00:00 +0000" ...)": the
 * text after "FETCH". 1 with *when set (seconds since the epoch) when an
 * INTERNALDATE is there, 0 when none, -1 (ERR_PROTO) when malformed. */
int imap_fetch_internaldate(const char *text, long long *when, struct err *e);

/* An IMAP date-time (RFC 9051 §9, without the quotes: "d-Mon-yyyy
 * hh:mm:ss +zzzz", the day possibly space-padded) into seconds since the
 * epoch. -1 when malformed. */
int imap_datetime_parse(const char *s, size_t len, long long *when);

/* A literal announced at the end of a response line: 1 with *N its size
 * when LINE (LEN bytes) ends with "{N}" or "{N+}" (N over 2^64-1 reads as
 * ULLONG_MAX), else 0. */
int imap_literal_size(const char *line, size_t len, unsigned long long *n);

/* LINE (LEN bytes, ending with the literal "{N}" of imap_literal_size)
 * and NEXT (NLEN bytes, the line read after it, whose first N bytes are
 * the literal: a literal holding CRLF is not supported) joined into OUT
 * (CAP bytes, NUL-terminated, *OLEN its length) with the literal as a
 * quoted string, so that the parsers above read it. -1 (ERR_PROTO) when
 * NEXT is shorter than N, the literal holds a NUL, or OUT is too small. */
int imap_literal_inline(const char *line, size_t len, const char *next,
    size_t nlen, char *out, size_t cap, size_t *olen, struct err *e);

#endif

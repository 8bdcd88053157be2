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

#endif

/* sbuf.h - a growable string buffer, always NUL-terminated.
 *
 * Owner frees with sbuf_free. On allocation failure the buffer sets
 * `failed` and further appends are ignored (checked once at the end),
 * so output building never needs per-call error handling. */
#ifndef MP_SBUF_H
#define MP_SBUF_H

#include <stddef.h>

struct sbuf {
	char *s;       /* NUL-terminated text, or NULL before the first append */
	size_t len;
	size_t cap;
	int failed;    /* an allocation failed: contents are incomplete */
};

void sbuf_init(struct sbuf *b);
void sbuf_free(struct sbuf *b);
void sbuf_reset(struct sbuf *b);          /* empty, keep memory */
void sbuf_addn(struct sbuf *b, const char *s, size_t n);
void sbuf_add(struct sbuf *b, const char *s);
void sbuf_addc(struct sbuf *b, char c);
/* Append N bytes of untrusted S cleaned by err_sanitize (err.h) as line 1
 * is: a control byte or a byte that is not UTF-8 becomes '?', TAB, CR and
 * LF a blank, '|' a '/'. Never longer than N. */
void sbuf_add_clean(struct sbuf *b, const char *s, size_t n);
void sbuf_printf(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Append S as a JSON string literal, quotes included, in pure ASCII:
 * every character outside printable ASCII is escaped as its code point
 * (\uXXXX, a surrogate pair above U+FFFF); a byte that is not part of a
 * valid UTF-8 sequence becomes \ufffd. */
void sbuf_json_str(struct sbuf *b, const char *s);

/* Decode the UTF-8 sequence at S (N > 0 bytes left) strictly (no overlong
 * forms, no surrogates, nothing above U+10FFFF): returns its length and
 * sets *CP, or 0 when S[0] does not start a valid sequence. */
size_t sbuf_utf8_decode(const unsigned char *s, size_t n, unsigned int *cp);

/* The text ("" when empty); valid until the next append or free. */
const char *sbuf_str(const struct sbuf *b);

#endif

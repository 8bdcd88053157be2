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
void sbuf_printf(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Append S as a JSON string literal, quotes included; bytes that are not
 * printable ASCII or valid-looking UTF-8 lead bytes are escaped as \u00XX. */
void sbuf_json_str(struct sbuf *b, const char *s);

/* The text ("" when empty); valid until the next append or free. */
const char *sbuf_str(const struct sbuf *b);

#endif

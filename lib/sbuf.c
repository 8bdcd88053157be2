/* sbuf.c - see sbuf.h */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "sbuf.h"

static int sbuf_grow(struct sbuf *b, size_t need);

void
sbuf_init(struct sbuf *b)
{
	memset(b, 0, sizeof(*b));
}

void
sbuf_free(struct sbuf *b)
{
	free(b->s);
	sbuf_init(b);
}

void
sbuf_reset(struct sbuf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

static int
sbuf_grow(struct sbuf *b, size_t need)
{
	size_t ncap;
	char *p;

	if (b->failed)
		return -1;
	if (b->len + need + 1 <= b->cap)
		return 0;
	ncap = b->cap ? b->cap : 64;
	while (ncap < b->len + need + 1)
		ncap *= 2;
	p = realloc(b->s, ncap);
	if (p == NULL) {
		b->failed = 1;
		return -1;
	}
	b->s = p;
	b->cap = ncap;
	return 0;
}

void
sbuf_addn(struct sbuf *b, const char *s, size_t n)
{
	if (sbuf_grow(b, n) < 0)
		return;
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
sbuf_add(struct sbuf *b, const char *s)
{
	sbuf_addn(b, s, strlen(s));
}

void
sbuf_addc(struct sbuf *b, char c)
{
	sbuf_addn(b, &c, 1);
}

void
sbuf_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || sbuf_grow(b, (size_t)n) < 0)
		return;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* Decode the UTF-8 sequence at S (N > 0 bytes left) strictly: no overlong
 * forms, no surrogates, nothing above U+10FFFF. Returns its length and
 * sets *CP, or 0 for a byte that does not start a valid sequence. */
size_t
sbuf_utf8_decode(const unsigned char *s, size_t n, unsigned int *cp)
{
	unsigned int c;
	size_t len, i;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1fu;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0fu;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07u;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3fu);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) || c > 0x10ffff ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

void
sbuf_json_str(struct sbuf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0;

	sbuf_addc(b, '"');
	while (i < n) {
		unsigned int cp;
		size_t u;

		switch (p[i]) {
		case '"': sbuf_add(b, "\\\""); i++; continue;
		case '\\': sbuf_add(b, "\\\\"); i++; continue;
		case '\n': sbuf_add(b, "\\n"); i++; continue;
		case '\r': sbuf_add(b, "\\r"); i++; continue;
		case '\t': sbuf_add(b, "\\t"); i++; continue;
		default:
			break;
		}
		if (p[i] >= 0x20 && p[i] < 0x7f) {
			sbuf_addc(b, (char)p[i++]);
			continue;
		}
		/* keep the output pure ASCII (server text is untrusted): a
		 * character is escaped as its code point, a byte that is not
		 * UTF-8 as U+FFFD */
		u = sbuf_utf8_decode(p + i, n - i, &cp);
		if (u == 0) {
			cp = 0xfffd;
			u = 1;
		}
		i += u;
		if (cp >= 0x10000) {
			cp -= 0x10000;
			sbuf_printf(b, "\\u%04x\\u%04x", 0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
		} else {
			sbuf_printf(b, "\\u%04x", cp);
		}
	}
	sbuf_addc(b, '"');
}

void
sbuf_add_clean(struct sbuf *b, const char *s, size_t n)
{
	/* err_sanitize never makes text longer: N + 1 bytes hold it all */
	if (sbuf_grow(b, n) < 0)
		return;
	b->len += err_sanitize(b->s + b->len, n + 1, s, n);
}

const char *
sbuf_str(const struct sbuf *b)
{
	return b->s ? b->s : "";
}

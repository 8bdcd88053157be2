/* utf7.c - see utf7.h */
#include <config.h>

#include <stdint.h>
#include <string.h>

#include "b64.h"
#include "utf7.h"

static int utf7_put_utf8(char *out, size_t cap, size_t *o, uint32_t cp);
static int utf7_next_utf8(const unsigned char **p, uint32_t *cp);
static int utf7_put(char *out, size_t cap, size_t *o, char c);

static const char utf7_b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

static int
utf7_put(char *out, size_t cap, size_t *o, char c)
{
	if (*o + 1 >= cap)
		return -1;
	out[(*o)++] = c;
	return 0;
}

/* Code point CP as UTF-8 at OUT[*o]. */
static int
utf7_put_utf8(char *out, size_t cap, size_t *o, uint32_t cp)
{
	unsigned char b[4];
	size_t n, i;

	if (cp < 0x80) {
		b[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (unsigned char)(0xc0 | (cp >> 6));
		b[1] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (unsigned char)(0xe0 | (cp >> 12));
		b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		b[0] = (unsigned char)(0xf0 | (cp >> 18));
		b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	if (*o + n >= cap)
		return -1;
	for (i = 0; i < n; i++)
		out[(*o)++] = (char)b[i];
	return 0;
}

int
utf7_decode(const char *in, size_t len, char *out, size_t cap, struct err *e)
{
	const unsigned char *p = (const unsigned char *)in, *end = p + len;
	size_t o = 0;

	if (cap == 0)
		return err_set(e, ERR_INTERNAL, "no room for a mailbox name");
	out[0] = '\0';
	while (p < end) {
		uint32_t bits = 0, hi = 0;
		int nbits = 0, units = 0;

		if (*p < 0x20 || *p > 0x7e)
			goto bad;
		if (*p != '&') {
			if (utf7_put(out, cap, &o, (char)*p++) < 0)
				goto small;
			continue;
		}
		p++;
		if (p < end && *p == '-') {   /* "&-" is "&" */
			p++;
			if (utf7_put(out, cap, &o, '&') < 0)
				goto small;
			continue;
		}
		for (; p < end && *p != '-'; p++) {
			int v = b64_digit(*p, ',');

			if (v < 0)
				goto bad;
			bits = (bits << 6) | (uint32_t)v;
			nbits += 6;
			if (nbits < 16)
				continue;
			nbits -= 16;
			{
				uint32_t u = (bits >> nbits) & 0xffff;

				bits &= (1u << nbits) - 1;
				units++;
				if (hi) {
					if (u < 0xdc00 || u > 0xdfff)
						goto bad;
					if (utf7_put_utf8(out, cap, &o, 0x10000 +
					    ((hi - 0xd800) << 10) + (u - 0xdc00)) < 0)
						goto small;
					hi = 0;
				} else if (u >= 0xd800 && u <= 0xdbff) {
					hi = u;
				} else if (u >= 0xdc00 && u <= 0xdfff) {
					goto bad;
				} else {
					/* printable ASCII must stand for itself; an
					 * ASCII control character is no name's */
					if (u < 0x80)
						goto bad;
					if (utf7_put_utf8(out, cap, &o, u) < 0)
						goto small;
				}
			}
		}
		/* the run ends with "-", holds something, leaves no
		 * surrogate open and at most 5 zero bits */
		if (p >= end || units == 0 || hi || nbits >= 6 || bits != 0)
			goto bad;
		p++;
	}
	out[o] = '\0';
	return 0;
bad:
	out[0] = '\0';
	return err_set(e, ERR_PROTO, "mailbox name is not modified UTF-7");
small:
	out[0] = '\0';
	return err_set(e, ERR_PROTO, "mailbox name too long");
}

/* The code point at *P (UTF-8, advanced past it); -1 when invalid
 * (overlong, a surrogate, past U+10FFFF, truncated). */
static int
utf7_next_utf8(const unsigned char **p, uint32_t *cp)
{
	const unsigned char *s = *p;
	uint32_t c = s[0], min;
	int n, i;

	if (c < 0x80) {
		n = 0;
		min = 0;
	} else if ((c & 0xe0) == 0xc0) {
		n = 1;
		c &= 0x1f;
		min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		n = 2;
		c &= 0x0f;
		min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		n = 3;
		c &= 0x07;
		min = 0x10000;
	} else {
		return -1;
	}
	for (i = 1; i <= n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return -1;   /* also stops at the NUL */
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return -1;
	*cp = c;
	*p = s + n + 1;
	return 0;
}

int
utf7_encode(const char *in, char *out, size_t cap, struct err *e)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t o = 0;

	if (cap == 0)
		return err_set(e, ERR_INTERNAL, "no room for a mailbox name");
	out[0] = '\0';
	while (*p) {
		uint32_t bits = 0, cp;
		int nbits = 0;

		if (*p >= 0x20 && *p <= 0x7e) {
			if (utf7_put(out, cap, &o, (char)*p) < 0 ||
			    (*p == '&' && utf7_put(out, cap, &o, '-') < 0))
				goto small;
			p++;
			continue;
		}
		if (utf7_put(out, cap, &o, '&') < 0)
			goto small;
		while (*p && (*p < 0x20 || *p > 0x7e)) {
			uint32_t u[2];
			int nu, i;

			if (*p < 0x80 || utf7_next_utf8(&p, &cp) < 0) {
				out[0] = '\0';
				return err_set(e, ERR_USAGE, "mailbox name is not valid UTF-8 "
				    "text");
			}
			if (cp >= 0x10000) {
				u[0] = 0xd800 + ((cp - 0x10000) >> 10);
				u[1] = 0xdc00 + ((cp - 0x10000) & 0x3ff);
				nu = 2;
			} else {
				u[0] = cp;
				nu = 1;
			}
			for (i = 0; i < nu; i++) {
				bits = (bits << 16) | u[i];
				nbits += 16;
				while (nbits >= 6) {
					nbits -= 6;
					if (utf7_put(out, cap, &o, utf7_b64[(bits >> nbits) & 0x3f]) < 0)
						goto small;
				}
				bits &= (1u << nbits) - 1;
			}
		}
		if (nbits > 0 &&
		    utf7_put(out, cap, &o, utf7_b64[(bits << (6 - nbits)) & 0x3f]) < 0)
			goto small;
		if (utf7_put(out, cap, &o, '-') < 0)
			goto small;
	}
	out[o] = '\0';
	return 0;
small:
	out[0] = '\0';
	return err_set(e, ERR_USAGE, "mailbox name too long");
}

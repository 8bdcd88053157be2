/* err.c - see err.h */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "sbuf.h"

void
err_clear(struct err *e)
{
	memset(e, 0, sizeof(*e));
}

static void
err_vset(struct err *e, enum err_kind kind, const char *fmt, va_list ap)
{
	e->kind = kind;
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
}

int
err_set(struct err *e, enum err_kind kind, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(e, kind, fmt, ap);
	va_end(ap);
	return -1;
}

int
err_sys(struct err *e, enum err_kind kind, int sys_errno, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(e, kind, fmt, ap);
	va_end(ap);
	e->sys_errno = sys_errno;
	return -1;
}

/* Length of the valid UTF-8 sequence at S (N bytes left), or 0: strict
 * (no overlong forms or surrogates), and the C1 controls U+0080..U+009F,
 * which some terminals obey, count as invalid too. */
static size_t
err_utf8_len(const unsigned char *s, size_t n)
{
	unsigned int cp;
	size_t len = sbuf_utf8_decode(s, n, &cp);

	return len > 1 && cp >= 0xa0 ? len : 0;
}

size_t
err_sanitize(char *dst, size_t cap, const char *text, size_t len)
{
	const unsigned char *t = (const unsigned char *)text;
	size_t o = 0, i = 0;

	if (cap == 0)
		return 0;
	while (i < len && o + 1 < cap) {
		unsigned char c = t[i];

		if (c >= 0x80) {
			/* UTF-8 passes (SMTPUTF8 servers); other bytes do not */
			size_t u = err_utf8_len(t + i, len - i);

			if (u > 0 && o + u + 1 <= cap) {
				memcpy(dst + o, t + i, u);
				o += u;
				i += u;
				continue;
			}
			if (u > 0)
				break;
			c = '?';
		} else if (c == '|') {
			c = '/';
		} else if (c == '\t' || c == '\r' || c == '\n') {
			c = ' ';
		} else if (c < 0x20 || c == 0x7f) {
			c = '?';
		}
		dst[o++] = (char)c;
		i++;
	}
	dst[o] = '\0';
	if (i < len && cap >= 4) {
		o = (o > cap - 4) ? cap - 4 : o;
		while (o > 0 && ((unsigned char)dst[o] & 0xc0) == 0x80)
			o--;   /* do not cut a UTF-8 sequence in half */
		memcpy(dst + o, "...", 4);
		o += 3;
	}
	return o;
}

void
err_set_reply(struct err *e, const char *text, size_t len)
{
	err_sanitize(e->reply, sizeof(e->reply), text, len);
}

const char *
err_kind_name(enum err_kind kind)
{
	static const char *const names[] = {
		[ERR_NONE] = "none",
		[ERR_USAGE] = "usage",
		[ERR_RESOLVE] = "resolve",
		[ERR_CONNECT] = "connect",
		[ERR_TIMEOUT] = "timeout",
		[ERR_CLOSED] = "closed",
		[ERR_TLS] = "tls",
		[ERR_TLS_VERIFY] = "tls-verify",
		[ERR_PROTO] = "protocol",
		[ERR_REJECTED] = "rejected",
		[ERR_MISSING_FEATURE] = "missing-feature",
		[ERR_DNS] = "dns",
		[ERR_INTERNAL] = "internal",
	};

	if ((unsigned)kind < sizeof(names) / sizeof(names[0]) && names[kind])
		return names[kind];
	return "unknown";
}

/* err.c - see err.h */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

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

size_t
err_sanitize(char *dst, size_t cap, const char *text, size_t len)
{
	size_t o = 0, i;

	if (cap == 0)
		return 0;
	for (i = 0; i < len && o + 1 < cap; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c == '|')
			c = '/';
		else if (c == '\t' || c == '\r' || c == '\n')
			c = ' ';
		else if (c < 0x20 || c == 0x7f)
			c = '?';
		dst[o++] = (char)c;
	}
	dst[o] = '\0';
	if (i < len && cap >= 4) {
		o = (o > cap - 4) ? cap - 4 : o;
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

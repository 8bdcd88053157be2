/* smtp.c - see smtp.h */
#include <config.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "smtp.h"

static void smtp_enhanced(struct smtp_reply *r, const char *t, size_t n);
static void smtp_auth_add(struct smtp_ext *x, const char *s, size_t n);
static int smtp_text_ok(const char *s, size_t n);

void
smtp_reply_init(struct smtp_reply *r)
{
	r->code = 0;
	r->nlines = 0;
	r->done = 0;
	r->enh[0] = '\0';
	r->len = 0;
	r->text[0] = '\0';
}

/* Reply text may be any octet but control characters (tab is allowed);
 * 8-bit text is let through (SMTPUTF8 servers send UTF-8). */
static int
smtp_text_ok(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return 0;
	}
	return 1;
}

/* RFC 3463: class.subject.detail at the start of the first line. */
static void
smtp_enhanced(struct smtp_reply *r, const char *t, size_t n)
{
	size_t i = 0, start;
	int part;

	if (n < 5 || t[0] != '0' + r->code / 100 || t[1] != '.')
		return;
	i = 2;
	for (part = 0; part < 2; part++) {
		start = i;
		while (i < n && isdigit((unsigned char)t[i]) && i - start < 3)
			i++;
		if (i == start)
			return;
		if (part == 0) {
			if (i >= n || t[i] != '.')
				return;
			i++;
		}
	}
	if (i < n && t[i] != ' ')
		return;
	if (i < sizeof(r->enh)) {
		memcpy(r->enh, t, i);
		r->enh[i] = '\0';
	}
}

int
smtp_reply_feed(struct smtp_reply *r, const char *line, size_t len,
    struct err *e)
{
	const char *text;
	size_t tlen;
	int code;

	if (r->done)
		return err_set(e, ERR_PROTO, "reply line after the end of the reply");
	if (len < 3 || !isdigit((unsigned char)line[0]) ||
	    !isdigit((unsigned char)line[1]) || !isdigit((unsigned char)line[2]) ||
	    (len > 3 && line[3] != ' ' && line[3] != '-'))
		return err_set(e, ERR_PROTO, "malformed reply line (not a 3-digit code)");
	if (line[0] < '2' || line[0] > '5')
		return err_set(e, ERR_PROTO, "invalid reply code %.3s", line);
	code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
	if (r->nlines > 0 && code != r->code)
		return err_set(e, ERR_PROTO,
		    "reply code changed from %d to %d inside one reply", r->code, code);
	text = len > 4 ? line + 4 : "";
	tlen = len > 4 ? len - 4 : 0;
	if (!smtp_text_ok(text, tlen))
		return err_set(e, ERR_PROTO, "reply %d contains control characters", code);
	if (r->len + tlen + 2 > sizeof(r->text))
		return err_set(e, ERR_PROTO, "reply longer than %d bytes", SMTP_REPLY_MAX);
	if (r->nlines > 0)
		r->text[r->len++] = '\n';
	memcpy(r->text + r->len, text, tlen);
	r->len += tlen;
	r->text[r->len] = '\0';
	if (r->nlines == 0) {
		r->code = code;
		smtp_enhanced(r, text, tlen);
	}
	r->nlines++;
	if (len == 3 || line[3] == ' ') {
		r->done = 1;
		return 1;
	}
	return 0;
}

long
smtp_reply_parse(const char *buf, size_t len, struct smtp_reply *r,
    struct err *e)
{
	size_t pos = 0;

	smtp_reply_init(r);
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n;
		int rc;

		if (nl == NULL)
			break;
		n = (size_t)(nl - (buf + pos));
		rc = smtp_reply_feed(r, buf + pos,
		    (n > 0 && buf[pos + n - 1] == '\r') ? n - 1 : n, e);
		pos += n + 1;
		if (rc < 0)
			return -1;
		if (rc == 1)
			return (long)pos;
	}
	return err_set(e, ERR_PROTO, "truncated reply (no final line)");
}

size_t
smtp_reply_line1_len(const struct smtp_reply *r)
{
	const char *nl = memchr(r->text, '\n', r->len);

	return nl ? (size_t)(nl - r->text) : r->len;
}

int
smtp_read_reply(struct conn *c, struct smtp_reply *r, struct err *e)
{
	char line[CONN_LINE_MAX + 1];
	size_t len;
	int rc;

	smtp_reply_init(r);
	do {
		if (conn_read_line(c, line, sizeof(line), &len, e) < 0)
			return -1;
		rc = smtp_reply_feed(r, line, len, e);
		if (rc < 0) {
			err_set_reply(e, line, len);
			return -1;
		}
	} while (rc == 0);
	return 0;
}

/* Add the mechanisms of one AUTH line ("PLAIN LOGIN", also from the old
 * "AUTH=PLAIN LOGIN"), upper case, each once; those that do not fit in
 * x->auth are left out (256 bytes hold every mechanism in use). */
static void
smtp_auth_add(struct smtp_ext *x, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		char mech[64];
		size_t start, len, have, k;

		while (i < n && s[i] == ' ')
			i++;
		start = i;
		while (i < n && s[i] != ' ')
			i++;
		len = i - start;
		if (len == 0 || len >= sizeof(mech))
			continue;
		for (k = 0; k < len; k++)
			mech[k] = (char)toupper((unsigned char)s[start + k]);
		mech[len] = '\0';
		if (smtp_ext_auth_has(x, mech))
			continue;
		have = strlen(x->auth);
		if (have + len + 2 > sizeof(x->auth))
			continue;
		if (have)
			x->auth[have++] = ' ';
		memcpy(x->auth + have, mech, len + 1);
	}
}

static const struct {
	const char *name;
	unsigned bit;
} smtp_known_ext[] = {
	{ "STARTTLS", SMTP_EXT_STARTTLS },
	{ "PIPELINING", SMTP_EXT_PIPELINING },
	{ "SIZE", SMTP_EXT_SIZE },
	{ "8BITMIME", SMTP_EXT_8BITMIME },
	{ "SMTPUTF8", SMTP_EXT_SMTPUTF8 },
	{ "CHUNKING", SMTP_EXT_CHUNKING },
	{ "DSN", SMTP_EXT_DSN },
	{ "AUTH", SMTP_EXT_AUTH },
	{ "ENHANCEDSTATUSCODES", SMTP_EXT_ENHANCEDSTATUSCODES },
};

int
smtp_ehlo_parse(const struct smtp_reply *r, struct smtp_ext *x, struct err *e)
{
	const char *p = r->text, *end = r->text + r->len;
	size_t n;
	int first = 1;

	memset(x, 0, sizeof(*x));
	caps_init(&x->kw);
	if (r->code != 250)
		return err_set(e, ERR_PROTO, "EHLO reply is %d, not 250", r->code);
	while (p <= end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		size_t klen, i;

		n = (size_t)(le - p);
		if (first) {
			size_t d = strcspn(p, " \n");

			if (d > n)
				d = n;
			if (d >= sizeof(x->domain))
				d = sizeof(x->domain) - 1;
			memcpy(x->domain, p, d);
			x->domain[d] = '\0';
			first = 0;
		} else if (n > 0) {
			if (caps_add(&x->kw, p, n, e) < 0)
				return -1;
			klen = strcspn(p, " =\n");
			if (klen > n)
				klen = n;
			for (i = 0; i < sizeof(smtp_known_ext) / sizeof(smtp_known_ext[0]); i++) {
				if (strlen(smtp_known_ext[i].name) == klen &&
				    strncasecmp(p, smtp_known_ext[i].name, klen) == 0)
					x->flags |= smtp_known_ext[i].bit;
			}
			if (klen == 4 && strncasecmp(p, "SIZE", 4) == 0 && n > 5 &&
			    isdigit((unsigned char)p[5]))
				/* RFC 1870: digits only; anything else means "not stated" */
				x->size = strtol(p + 5, NULL, 10);
			if (klen == 4 && strncasecmp(p, "AUTH", 4) == 0 && n > 5)
				smtp_auth_add(x, p + 5, n - 5);
		}
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return 0;
}

int
smtp_ext_auth_has(const struct smtp_ext *x, const char *mech)
{
	const char *p = x->auth;
	size_t ml = strlen(mech);

	while (*p) {
		size_t n = strcspn(p, " ");

		if (n == ml && strncasecmp(p, mech, ml) == 0)
			return 1;
		p += n;
		p += strspn(p, " ");
	}
	return 0;
}

/* imap.c - see imap.h */
#include <config.h>

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "civil.h"
#include "imap.h"

static const struct {
	const char *name;
	enum imap_status st;
} imap_statuses[] = {
	{ "OK", IMAP_OK }, { "NO", IMAP_NO }, { "BAD", IMAP_BAD },
	{ "PREAUTH", IMAP_PREAUTH }, { "BYE", IMAP_BYE },
};

const char *
imap_status_name(enum imap_status s)
{
	size_t i;

	for (i = 0; i < sizeof(imap_statuses) / sizeof(imap_statuses[0]); i++)
		if (imap_statuses[i].st == s)
			return imap_statuses[i].name;
	return "NONE";
}

/* Length of the word at P, up to a blank or END: never reads past END
 * (the line need not be NUL-terminated). */
static size_t
imap_word_len(const char *p, const char *end)
{
	const char *sp = memchr(p, ' ', (size_t)(end - p));

	return sp ? (size_t)(sp - p) : (size_t)(end - p);
}

static int
imap_copy(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		return -1;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

int
imap_resp_parse(const char *line, size_t len, struct imap_resp *r,
    struct err *e)
{
	const char *p = line, *end = line + len, *w;
	size_t n, i;

	memset(r, 0, offsetof(struct imap_resp, code));
	r->code[0] = r->text[0] = '\0';
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return err_set(e, ERR_PROTO, "response contains control characters");
	}
	if (len == 0)
		return err_set(e, ERR_PROTO, "empty response line");
	if (*p == '+') {
		r->kind = IMAP_CONTINUATION;
		p++;
		if (p < end && *p == ' ')
			p++;
		if (imap_copy(r->text, sizeof(r->text), p, (size_t)(end - p)) < 0)
			return err_set(e, ERR_PROTO, "response line too long");
		return 0;
	}
	/* tag or "*" */
	n = imap_word_len(p, end);
	if (n == 1 && *p == '*') {
		r->kind = IMAP_UNTAGGED;
	} else {
		if (n == 0 || n >= IMAP_TAG_MAX)
			return err_set(e, ERR_PROTO, "malformed response (bad tag)");
		for (i = 0; i < n; i++) {
			if (!isgraph((unsigned char)p[i]) || strchr("(){%*\"\\]", p[i]))
				return err_set(e, ERR_PROTO, "malformed response (bad tag)");
		}
		r->kind = IMAP_TAGGED;
		imap_copy(r->tag, sizeof(r->tag), p, n);
	}
	p += n;
	if (p >= end || *p != ' ')
		return err_set(e, ERR_PROTO, "malformed response (nothing after the tag)");
	p++;
	/* status word or untagged keyword */
	w = p;
	n = imap_word_len(p, end);
	if (n == 0)
		return err_set(e, ERR_PROTO, "malformed response (empty keyword)");
	for (i = 0; i < sizeof(imap_statuses) / sizeof(imap_statuses[0]); i++) {
		if (strlen(imap_statuses[i].name) == n &&
		    strncasecmp(w, imap_statuses[i].name, n) == 0)
			r->status = imap_statuses[i].st;
	}
	if (r->kind == IMAP_TAGGED &&
	    r->status != IMAP_OK && r->status != IMAP_NO && r->status != IMAP_BAD)
		return err_set(e, ERR_PROTO,
		    "malformed tagged response (expected OK, NO or BAD)");
	if (r->kind == IMAP_UNTAGGED && r->status == IMAP_NONE &&
	    isdigit((unsigned char)*w)) {
		/* "* 3 EXISTS": the data name follows the number */
		const char *w2 = w + n;

		if (w2 < end && *w2 == ' ') {
			size_t n2;

			w2++;
			n2 = imap_word_len(w2, end);
			p = w2;
			w = w2;
			n = n2;
		}
	}
	if (n < sizeof(r->keyword)) {
		for (i = 0; i < n; i++)
			r->keyword[i] = (char)toupper((unsigned char)w[i]);
		r->keyword[n] = '\0';
	}
	p += n;
	if (p < end && *p == ' ')
		p++;
	if (r->status != IMAP_NONE && p < end && *p == '[') {
		const char *close = memchr(p, ']', (size_t)(end - p));

		if (close == NULL)
			return err_set(e, ERR_PROTO, "malformed response code (no ']')");
		if (imap_copy(r->code, sizeof(r->code), p + 1, (size_t)(close - p - 1)) < 0)
			return err_set(e, ERR_PROTO, "response code too long");
		p = close + 1;
		if (p < end && *p == ' ')
			p++;
	}
	if (imap_copy(r->text, sizeof(r->text), p, (size_t)(end - p)) < 0)
		return err_set(e, ERR_PROTO, "response line too long");
	return 0;
}

int
imap_caps_parse(const char *s, size_t len, struct caps *c, struct err *e)
{
	size_t i = 0;

	while (i < len) {
		size_t start;

		while (i < len && s[i] == ' ')
			i++;
		start = i;
		while (i < len && s[i] != ' ')
			i++;
		if (i > start && caps_add(c, s + start, i - start, e) < 0)
			return -1;
	}
	return 0;
}

int
imap_code_is_caps(const char *code)
{
	return strncasecmp(code, "CAPABILITY", 10) == 0 &&
	    (code[10] == ' ' || code[10] == '\0');
}

int
imap_code_caps(const char *code, struct caps *c, struct err *e)
{
	if (!imap_code_is_caps(code))
		return 0;
	if (imap_caps_parse(code + 10, strlen(code + 10), c, e) < 0)
		return -1;
	return 1;
}

int
imap_quote(const char *in, char *out, size_t cap)
{
	size_t o = 0;

	if (cap < 3)
		return -1;
	out[o++] = '"';
	for (; *in; in++) {
		if (*in == '\r' || *in == '\n' || o + 4 > cap)
			return -1;
		if (*in == '"' || *in == '\\')
			out[o++] = '\\';
		out[o++] = *in;
	}
	out[o++] = '"';
	out[o] = '\0';
	return 0;
}

/* ---- mailbox health (issue 21) */

static int imap_number(const char **p, const char *end, unsigned long long max,
    unsigned long long *v);
static int imap_atom_char(char c);
static int imap_digits(const char *s, int n, unsigned *v);

/* RFC 9051 ATOM-CHAR (and "]", which resp-specials allows in an astring) */
static int
imap_atom_char(char c)
{
	return (unsigned char)c > 0x20 && (unsigned char)c < 0x7f &&
	    strchr("(){ %*\"\\", c) == NULL;
}

int
imap_astring(const char **p, const char *end, char *out, size_t cap)
{
	const char *s = *p;
	size_t o = 0;

	if (cap == 0 || s >= end)
		return -1;
	if (*s == '"') {
		for (s++; s < end && *s != '"'; s++) {
			if (*s == '\\') {
				if (++s >= end || (*s != '\\' && *s != '"'))
					return -1;
			}
			if (o + 1 >= cap)
				return -1;
			out[o++] = *s;
		}
		if (s >= end)
			return -1;
		s++;
	} else {
		for (; s < end && imap_atom_char(*s); s++) {
			if (o + 1 >= cap)
				return -1;
			out[o++] = *s;
		}
		if (o == 0)
			return -1;
	}
	out[o] = '\0';
	if (s < end && *s == ' ')
		s++;
	*p = s;
	return 0;
}

/* A decimal number at *P of at most MAX; *P moved past it and one blank. */
static int
imap_number(const char **p, const char *end, unsigned long long max,
    unsigned long long *v)
{
	const char *s = *p;
	unsigned long long n = 0;

	if (s >= end || *s < '0' || *s > '9')
		return -1;
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		unsigned d = (unsigned)(*s - '0');

		if (n > (max - d) / 10)
			return -1;
		n = n * 10 + d;
	}
	if (s < end && *s == ' ')
		s++;
	*p = s;
	*v = n;
	return 0;
}

int
imap_list_parse(const char *text, struct imap_list *l, struct err *e)
{
	const char *p = text, *end = text + strlen(text), *close;
	char delim[8];

	memset(l, 0, sizeof(*l));
	if (*p != '(' || (close = memchr(p, ')', (size_t)(end - p))) == NULL)
		return err_set(e, ERR_PROTO, "malformed LIST response (no flags)");
	{
		const char *f = p + 1;

		while (f < close) {
			size_t n = strcspn(f, " )");

			if ((n == 9 && strncasecmp(f, "\\Noselect", 9) == 0) ||
			    (n == 12 && strncasecmp(f, "\\NonExistent", 12) == 0))
				l->noselect = 1;
			f += n;
			f += strspn(f, " ");
		}
	}
	p = close + 1;
	if (p >= end || *p != ' ')
		return err_set(e, ERR_PROTO, "malformed LIST response (no delimiter)");
	p++;
	if (imap_astring(&p, end, delim, sizeof(delim)) < 0)
		return err_set(e, ERR_PROTO, "malformed LIST response (bad delimiter)");
	if (strcmp(delim, "NIL") == 0)
		l->delim = '\0';
	else if (strlen(delim) == 1)
		l->delim = delim[0];
	else
		return err_set(e, ERR_PROTO, "malformed LIST response (bad delimiter)");
	if (p >= end || imap_astring(&p, end, l->name, sizeof(l->name)) < 0)
		return err_set(e, ERR_PROTO, "malformed LIST response (bad mailbox name)");
	return 0;
}

int
imap_status_data_parse(const char *text, struct imap_status_data *s,
    struct err *e)
{
	const char *p = text, *end = text + strlen(text);

	memset(s, 0, sizeof(*s));
	if (imap_astring(&p, end, s->name, sizeof(s->name)) < 0)
		return err_set(e, ERR_PROTO, "malformed STATUS response (bad mailbox name)");
	if (p >= end || *p != '(')
		return err_set(e, ERR_PROTO, "malformed STATUS response (no list)");
	p++;
	while (p < end && *p != ')') {
		char item[32];
		unsigned long long v;
		size_t n = strcspn(p, " )");

		if (n == 0 || n >= sizeof(item) || p + n >= end || p[n] != ' ')
			return err_set(e, ERR_PROTO, "malformed STATUS response (bad item)");
		memcpy(item, p, n);
		item[n] = '\0';
		p += n + 1;
		/* RFC 9051: MESSAGES, UNSEEN, RECENT are number (32 bits);
		 * SIZE, HIGHESTMODSEQ number64 */
		if (imap_number(&p, end, strcasecmp(item, "MESSAGES") == 0 ||
		    strcasecmp(item, "UNSEEN") == 0 || strcasecmp(item, "RECENT") == 0 ||
		    strcasecmp(item, "UIDNEXT") == 0 || strcasecmp(item, "UIDVALIDITY") == 0 ?
		    0xffffffffULL : 0x7fffffffffffffffULL, &v) < 0)
			return err_set(e, ERR_PROTO, "STATUS %s is not a number within the "
			    "protocol's range", item);
		if (strcasecmp(item, "MESSAGES") == 0) {
			s->messages = (unsigned long)v;
			s->have_messages = 1;
		} else if (strcasecmp(item, "UNSEEN") == 0) {
			s->unseen = (unsigned long)v;
			s->have_unseen = 1;
		} else if (strcasecmp(item, "RECENT") == 0) {
			s->recent = (unsigned long)v;
			s->have_recent = 1;
		}
	}
	if (p >= end)
		return err_set(e, ERR_PROTO, "malformed STATUS response (no ')')");
	return 0;
}

int
imap_quotaroot_parse(const char *text, struct imap_quotaroot *q, struct err *e)
{
	const char *p = text, *end = text + strlen(text);
	char tmp[256];

	memset(q, 0, sizeof(*q));
	if (imap_astring(&p, end, q->name, sizeof(q->name)) < 0)
		return err_set(e, ERR_PROTO, "malformed QUOTAROOT response (bad mailbox name)");
	while (p < end) {
		/* "" is a valid root name (imap_astring takes it) */
		if (imap_astring(&p, end, tmp, sizeof(tmp)) < 0)
			return err_set(e, ERR_PROTO, "malformed QUOTAROOT response");
		if (q->nroots < IMAP_QUOTAROOTS_MAX)
			memcpy(q->roots[q->nroots++], tmp, strlen(tmp) + 1);
		else
			q->more = 1;
	}
	return 0;
}

int
imap_quota_parse(const char *text, struct imap_quota *q, struct err *e)
{
	const char *p = text, *end = text + strlen(text);

	memset(q, 0, sizeof(*q));
	if (imap_astring(&p, end, q->root, sizeof(q->root)) < 0)
		return err_set(e, ERR_PROTO, "malformed QUOTA response (bad root)");
	if (p >= end || *p != '(')
		return err_set(e, ERR_PROTO, "malformed QUOTA response (no list)");
	p++;
	while (p < end && *p != ')') {
		char name[32];
		unsigned long long u, l;
		size_t n = strcspn(p, " )");

		if (n == 0 || n >= sizeof(name) || p + n >= end || p[n] != ' ')
			return err_set(e, ERR_PROTO, "malformed QUOTA response (bad resource)");
		memcpy(name, p, n);
		name[n] = '\0';
		p += n + 1;
		if (imap_number(&p, end, 0x7fffffffffffffffULL, &u) < 0 ||
		    imap_number(&p, end, 0x7fffffffffffffffULL, &l) < 0)
			return err_set(e, ERR_PROTO, "QUOTA %s: usage or limit is not a "
			    "number within the protocol's range", name);
		if (q->n < IMAP_QUOTA_RES_MAX) {
			size_t i;

			for (i = 0; name[i]; i++)
				name[i] = (char)toupper((unsigned char)name[i]);
			memcpy(q->res[q->n].name, name, strlen(name) + 1);
			q->res[q->n].usage = u;
			q->res[q->n].limit = l;
			q->n++;
		}
	}
	if (p >= end)
		return err_set(e, ERR_PROTO, "malformed QUOTA response (no ')')");
	return 0;
}

/* N digits at S into *V (no sign, no blank). */
static int
imap_digits(const char *s, int n, unsigned *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (unsigned)(s[i] - '0');
	}
	return 0;
}

int
imap_datetime_parse(const char *s, size_t len, long long *when)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	unsigned d, y, hh, mm, ss, zh, zm, m;
	char sign;

	/* "dd-Mon-yyyy hh:mm:ss +zzzz": 26 bytes, the day's first digit
	 * possibly a blank (RFC 9051 date-day-fixed) */
	if (len != 26 || s[2] != '-' || s[6] != '-' || s[11] != ' ' || s[14] != ':' ||
	    s[17] != ':' || s[20] != ' ')
		return -1;
	if (imap_digits(s[0] == ' ' ? s + 1 : s, s[0] == ' ' ? 1 : 2, &d) < 0 ||
	    imap_digits(s + 7, 4, &y) < 0 || imap_digits(s + 12, 2, &hh) < 0 ||
	    imap_digits(s + 15, 2, &mm) < 0 || imap_digits(s + 18, 2, &ss) < 0 ||
	    imap_digits(s + 22, 2, &zh) < 0 || imap_digits(s + 24, 2, &zm) < 0)
		return -1;
	sign = s[21];
	for (m = 0; m < 12; m++)
		if (strncasecmp(months + (size_t)3 * m, s + 3, 3) == 0)
			break;
	if (m == 12 || d < 1 || d > 31 || hh > 23 || mm > 59 || ss > 60 ||
	    (sign != '+' && sign != '-') || zh > 23 || zm > 59 || y < 1000)
		return -1;
	*when = civil_days(y, m + 1, d) * 86400 + (long long)hh * 3600 +
	    (long long)mm * 60 + ss - (sign == '-' ? -1 : 1) *
	    ((long long)zh * 3600 + (long long)zm * 60);
	return 0;
}

int
imap_fetch_internaldate(const char *text, long long *when, struct err *e)
{
	const char *p = strcasestr(text, "INTERNALDATE ");
	const char *q;

	if (p == NULL)
		return 0;
	p += strlen("INTERNALDATE ");
	if (*p != '"' || (q = strchr(p + 1, '"')) == NULL ||
	    imap_datetime_parse(p + 1, (size_t)(q - p - 1), when) < 0)
		return err_set(e, ERR_PROTO, "malformed INTERNALDATE in FETCH response");
	return 1;
}

int
imap_literal_size(const char *line, size_t len, unsigned long long *n)
{
	const char *o;
	size_t i;

	if (len < 3 || line[len - 1] != '}')
		return 0;
	o = memrchr(line, '{', len);
	if (o == NULL)
		return 0;
	*n = 0;
	i = (size_t)(o - line) + 1;
	if (i >= len - 1 || line[i] < '0' || line[i] > '9')
		return 0;
	for (; i < len - 1 && line[i] >= '0' && line[i] <= '9'; i++) {
		unsigned dgt = (unsigned)(line[i] - '0');

		*n = *n > (~0ULL - dgt) / 10 ? ~0ULL : *n * 10 + dgt;
	}
	if (line[i] == '+')
		i++;
	return i == len - 1 ? 1 : 0;
}

int
imap_literal_inline(const char *line, size_t len, const char *next,
    size_t nlen, char *out, size_t cap, size_t *olen, struct err *e)
{
	unsigned long long n;
	const char *o = memrchr(line, '{', len);
	size_t k = 0, i;

	if (o == NULL || imap_literal_size(line, len, &n) != 1)
		return err_set(e, ERR_INTERNAL, "no literal to inline");
	if (n > nlen)
		return err_set(e, ERR_PROTO, "a literal of %llu bytes holds a line break", n);
	if ((size_t)(o - line) + 2 * n + 3 + (nlen - n) >= cap)
		return err_set(e, ERR_PROTO, "response line too long");
	memcpy(out, line, (size_t)(o - line));
	k = (size_t)(o - line);
	out[k++] = '"';
	for (i = 0; i < n; i++) {
		if (next[i] == '\0')
			return err_set(e, ERR_PROTO, "a literal holds a NUL byte");
		if (next[i] == '"' || next[i] == '\\')
			out[k++] = '\\';
		out[k++] = next[i];
	}
	out[k++] = '"';
	memcpy(out + k, next + n, nlen - (size_t)n);
	k += nlen - (size_t)n;
	out[k] = '\0';
	*olen = k;
	return 0;
}

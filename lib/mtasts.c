/* mtasts.c - see mtasts.h. Grammar references are to RFC 8461 (MTA-STS)
 * and RFC 8460 (TLS-RPT); ABNF literals are case-insensitive unless the
 * RFC marks them %s. */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "mtasts.h"

#define MTASTS_QUOTE 64   /* how much of a bad value a message quotes */

static int why_set(char *why, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void quote(char *out, size_t cap, const char *s, size_t n);
static int is_alnum(int c);
static int is_wsp(int c);
static int is_ext_name_char(int c);
static int is_ext_value_char(int c);
static int domain_valid(const char *s, size_t n);
static int txt_fields(const char *r, size_t n, size_t pos, int tlsrpt,
    struct mtasts_txt *sts, struct tlsrpt_txt *rpt, char *why, size_t cap);
static int rua_parse(const char *v, size_t n, struct tlsrpt_txt *rpt,
    char *why, size_t cap);
static int policy_max_age(const char *val, size_t vlen, const char *q, int line,
    struct mtasts_policy *p, char *why, size_t cap);
static int policy_mx(const char *val, size_t vlen, const char *q, int line,
    struct mtasts_policy *p, char *why, size_t cap);

/* Fill WHY (when given); returns -1 for `return why_set(...)`. */
static int
why_set(char *why, size_t cap, const char *fmt, ...)
{
	va_list ap;

	if (why && cap) {
		va_start(ap, fmt);
		vsnprintf(why, cap, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* A printable copy of N bytes of untrusted S for a message. */
static void
quote(char *out, size_t cap, const char *s, size_t n)
{
	err_sanitize(out, cap, s, n);
}

static int
is_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

static int
is_wsp(int c)
{
	return c == ' ' || c == '\t';
}

static int
is_ext_name_char(int c)
{
	return is_alnum(c) || c == '_' || c == '-' || c == '.';
}

/* sts-ext-value / tlsrpt-ext-value: %x21-3A / %x3C / %x3E-7E (no ';', '=') */
static int
is_ext_value_char(int c)
{
	return (c >= 0x21 && c <= 0x3a) || c == 0x3c || (c >= 0x3e && c <= 0x7e);
}

const char *
mtasts_mode_name(enum mtasts_mode m)
{
	switch (m) {
	case MTASTS_ENFORCE:
		return "enforce";
	case MTASTS_TESTING:
		return "testing";
	default:
		return "none";
	}
}

/* 1 when S (N bytes, one trailing dot allowed) is a host name: labels of
 * 1-63 letters, digits and inner hyphens, 253 bytes at most. */
static int
domain_valid(const char *s, size_t n)
{
	size_t i, lab = 0;

	if (n > 0 && s[n - 1] == '.')
		n--;
	if (n == 0 || n > 253)
		return 0;
	for (i = 0; i < n; i++) {
		int c = (unsigned char)s[i];

		if (c == '.') {
			if (lab == 0 || s[i - 1] == '-')
				return 0;
			lab = 0;
			continue;
		}
		if (!is_alnum(c) && c != '-')
			return 0;
		if (c == '-' && lab == 0)
			return 0;
		if (++lab > 63)
			return 0;
	}
	return lab > 0 && s[n - 1] != '-';
}

/* The fields after the version tag of a TXT record R of N bytes, from
 * POS: 1*(field-delim field) [field-delim], field-delim = *WSP ";" *WSP.
 * For STS the id field is required; for TLS-RPT the rua field. */
static int
txt_fields(const char *r, size_t n, size_t pos, int tlsrpt,
    struct mtasts_txt *sts, struct tlsrpt_txt *rpt, char *why, size_t cap)
{
	const char *req = tlsrpt ? "rua" : "id";
	char q[MTASTS_QUOTE];
	int have = 0;

	for (;;) {
		size_t name, nlen, val, vlen;

		while (pos < n && is_wsp((unsigned char)r[pos]))
			pos++;
		if (pos == n)
			break;
		if (r[pos] != ';') {
			quote(q, sizeof(q), r + pos, n - pos);
			return why_set(why, cap, "expected ';' before '%s'", q);
		}
		pos++;
		while (pos < n && is_wsp((unsigned char)r[pos]))
			pos++;
		if (pos == n)
			break;   /* a trailing delimiter is allowed */
		name = pos;
		while (pos < n && is_ext_name_char((unsigned char)r[pos]))
			pos++;
		nlen = pos - name;
		if (nlen == 0 || nlen > 32 || !is_alnum((unsigned char)r[name]) ||
		    pos == n || r[pos] != '=') {
			quote(q, sizeof(q), r + name, n - name);
			return why_set(why, cap, "'%s' is not a NAME=VALUE field", q);
		}
		pos++;
		val = pos;
		if (tlsrpt && nlen == 3 && memcmp(r + name, "rua", 3) == 0) {
			/* the URIs run to the next ';' */
			while (pos < n && r[pos] != ';')
				pos++;
			vlen = pos - val;
			while (vlen > 0 && is_wsp((unsigned char)r[val + vlen - 1]))
				vlen--;
			if (have)
				return why_set(why, cap, "more than one rua field");
			if (rua_parse(r + val, vlen, rpt, why, cap) < 0)
				return -1;
			have = 1;
			continue;
		}
		while (pos < n && is_ext_value_char((unsigned char)r[pos]))
			pos++;
		vlen = pos - val;
		if (vlen == 0) {
			quote(q, sizeof(q), r + name, nlen);
			return why_set(why, cap, "field %s has no value", q);
		}
		if (pos < n && r[pos] != ';' && !is_wsp((unsigned char)r[pos])) {
			quote(q, sizeof(q), r + name, n - name);
			return why_set(why, cap, "invalid character in field '%s'", q);
		}
		/* %s"id=": case-sensitive */
		if (!tlsrpt && nlen == 2 && memcmp(r + name, "id", 2) == 0) {
			size_t i;

			for (i = 0; i < vlen; i++)
				if (!is_alnum((unsigned char)r[val + i]))
					break;
			if (i < vlen || vlen > MTASTS_ID_MAX) {
				quote(q, sizeof(q), r + val, vlen);
				return why_set(why, cap, "id '%s' is not 1 to %d letters and "
				    "digits", q, MTASTS_ID_MAX);
			}
			if (have)
				return why_set(why, cap, "more than one id field");
			memcpy(sts->id, r + val, vlen);
			sts->id[vlen] = '\0';
			have = 1;
		}
	}
	if (!have)
		return why_set(why, cap, "no %s field", req);
	return 0;
}

/* rua = uri *(*WSP "," *WSP uri); each a mailto: or https: URI. */
static int
rua_parse(const char *v, size_t n, struct tlsrpt_txt *rpt, char *why,
    size_t cap)
{
	char q[MTASTS_QUOTE];
	size_t pos = 0;

	if (n == 0)
		return why_set(why, cap, "rua is empty");
	if (n >= sizeof(rpt->rua))
		return why_set(why, cap, "rua is longer than %zu bytes",
		    sizeof(rpt->rua) - 1);
	rpt->nuri = 0;
	while (pos <= n) {
		size_t u = pos, ulen, i, scheme;

		while (pos < n && v[pos] != ',')
			pos++;
		ulen = pos - u;
		while (ulen > 0 && is_wsp((unsigned char)v[u])) {
			u++;
			ulen--;
		}
		while (ulen > 0 && is_wsp((unsigned char)v[u + ulen - 1]))
			ulen--;
		quote(q, sizeof(q), v + u, ulen);
		if (ulen == 0)
			return why_set(why, cap, "rua has an empty URI");
		for (i = 0; i < ulen; i++)
			if ((unsigned char)v[u + i] <= 0x20 || (unsigned char)v[u + i] >= 0x7f)
				return why_set(why, cap, "rua URI '%s' contains a blank or "
				    "a character that is not ASCII", q);
		if (ulen > 7 && strncasecmp(v + u, "mailto:", 7) == 0)
			scheme = 7;
		else if (ulen > 8 && strncasecmp(v + u, "https://", 8) == 0)
			scheme = 8;
		else
			return why_set(why, cap, "rua URI '%s' is neither mailto: nor "
			    "https:", q);
		if (scheme == 7 && (memchr(v + u + 7, '@', ulen - 7) == NULL ||
		    v[u + 7] == '@' || v[u + ulen - 1] == '@'))
			return why_set(why, cap, "rua URI '%s' has no address", q);
		rpt->nuri++;
		pos++;   /* past the ',' (or past the end: the loop ends) */
	}
	memcpy(rpt->rua, v, n);
	rpt->rua[n] = '\0';
	return 0;
}

/* Shared by both TXT parsers: find the one record starting with TAG. */
static int
txt_set(const char *const *rec, const size_t *len, int n, const char *tag,
    int tlsrpt, struct mtasts_txt *sts, struct tlsrpt_txt *rpt, char *why,
    size_t cap)
{
	size_t tl = strlen(tag);
	int i, found = -1, count = 0;

	for (i = 0; i < n; i++) {
		/* %s"v=STSv1": case-sensitive; "v=STSv10" is another version */
		if (len[i] < tl || memcmp(rec[i], tag, tl) != 0)
			continue;
		if (len[i] > tl && rec[i][tl] != ';' && !is_wsp((unsigned char)rec[i][tl]))
			continue;
		count++;
		found = i;
	}
	if (count == 0)
		return 0;
	if (count > 1)
		return why_set(why, cap, "%d TXT records begin with %s (there must be "
		    "exactly one)", count, tag);
	if (txt_fields(rec[found], len[found], tl, tlsrpt, sts, rpt, why, cap) < 0)
		return -1;
	return 1;
}

int
mtasts_txt_parse(const char *const *rec, const size_t *len, int n,
    struct mtasts_txt *out, char *why, size_t cap)
{
	memset(out, 0, sizeof(*out));
	return txt_set(rec, len, n, "v=STSv1", 0, out, NULL, why, cap);
}

int
tlsrpt_txt_parse(const char *const *rec, const size_t *len, int n,
    struct tlsrpt_txt *out, char *why, size_t cap)
{
	memset(out, 0, sizeof(*out));
	return txt_set(rec, len, n, "v=TLSRPTv1", 1, NULL, out, why, cap);
}

/* The value VAL[VLEN] of a policy's max_age field (Q: it quoted, LINE: its
 * line) into p->max_age; -1 with WHY. */
static int
policy_max_age(const char *val, size_t vlen, const char *q, int line,
    struct mtasts_policy *p, char *why, size_t cap)
{
	long age = 0;
	size_t i;

	for (i = 0; i < vlen; i++) {
		if (val[i] < '0' || val[i] > '9' || i >= 10)
			break;
		age = age * 10 + (val[i] - '0');
	}
	if (vlen == 0 || i < vlen)
		return why_set(why, cap, "line %d: max_age '%s' is not a number "
		    "of seconds", line, q);
	if (age > MTASTS_MAX_AGE_MAX)
		return why_set(why, cap, "line %d: max_age %ld is over the "
		    "maximum of %ld seconds", line, age, MTASTS_MAX_AGE_MAX);
	p->max_age = age;
	return 0;
}

/* The value VAL[VLEN] of a policy's mx field, lower-cased and without a
 * trailing dot, added to p->mx; -1 with WHY. */
static int
policy_mx(const char *val, size_t vlen, const char *q, int line,
    struct mtasts_policy *p, char *why, size_t cap)
{
	const char *d = val;
	size_t dn = vlen, i;
	char *out;

	if (dn >= 2 && d[0] == '*' && d[1] == '.') {
		d += 2;
		dn -= 2;
	}
	if (!domain_valid(d, dn))
		return why_set(why, cap, "line %d: mx '%s' is not a host name "
		    "or *.domain pattern", line, q);
	if (p->nmx >= MTASTS_MX_MAX)
		return why_set(why, cap, "line %d: more than %d mx patterns",
		    line, MTASTS_MX_MAX);
	if (vlen > 0 && val[vlen - 1] == '.')
		vlen--;   /* the trailing dot means nothing here */
	out = p->mx[p->nmx++];
	for (i = 0; i < vlen; i++) {
		char c = val[i];

		out[i] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
	}
	out[vlen] = '\0';
	return 0;
}

int
mtasts_policy_parse(const char *text, size_t len, struct mtasts_policy *p,
    char *why, size_t cap)
{
	char q[MTASTS_QUOTE];
	size_t pos = 0;
	int line = 0, have_version = 0, have_mode = 0, have_age = 0, any = 0;

	memset(p, 0, sizeof(*p));
	p->max_age = -1;
	if (len > MTASTS_POLICY_MAX)
		return why_set(why, cap, "the policy is larger than %d bytes",
		    MTASTS_POLICY_MAX);
	while (pos < len) {
		const char *l = text + pos, *nl = memchr(l, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - l) : len - pos, klen, v, vlen, i;

		pos += n + (nl ? 1 : 0);
		line++;
		if (n > 0 && l[n - 1] == '\r')
			n--;
		if (n == 0)
			continue;   /* blank lines: tolerated */
		any = 1;
		for (i = 0; i < n; i++) {
			unsigned char c = (unsigned char)l[i];

			if ((c < 0x20 && c != '\t') || c == 0x7f)
				return why_set(why, cap, "line %d: control character 0x%02x",
				    line, c);
		}
		for (klen = 0; klen < n && is_ext_name_char((unsigned char)l[klen]); klen++)
			;
		if (klen == 0 || klen > 32 || klen == n || l[klen] != ':' ||
		    !is_alnum((unsigned char)l[0])) {
			quote(q, sizeof(q), l, n);
			return why_set(why, cap, "line %d: '%s' is not a 'key: value' line",
			    line, q);
		}
		v = klen + 1;
		while (v < n && is_wsp((unsigned char)l[v]))
			v++;
		vlen = n - v;
		while (vlen > 0 && is_wsp((unsigned char)l[v + vlen - 1]))
			vlen--;
		quote(q, sizeof(q), l + v, vlen);
		if (klen == 7 && strncasecmp(l, "version", 7) == 0) {
			if (have_version)
				return why_set(why, cap, "line %d: a second version field", line);
			if (vlen != 5 || strncasecmp(l + v, "STSv1", 5) != 0)
				return why_set(why, cap, "line %d: version '%s' is not STSv1",
				    line, q);
			have_version = 1;
		} else if (klen == 4 && strncasecmp(l, "mode", 4) == 0) {
			if (have_mode)
				return why_set(why, cap, "line %d: a second mode field", line);
			if (vlen == 7 && strncasecmp(l + v, "enforce", 7) == 0)
				p->mode = MTASTS_ENFORCE;
			else if (vlen == 7 && strncasecmp(l + v, "testing", 7) == 0)
				p->mode = MTASTS_TESTING;
			else if (vlen == 4 && strncasecmp(l + v, "none", 4) == 0)
				p->mode = MTASTS_NONE;
			else
				return why_set(why, cap, "line %d: mode '%s' is not enforce, "
				    "testing or none", line, q);
			have_mode = 1;
		} else if (klen == 7 && strncasecmp(l, "max_age", 7) == 0) {
			if (have_age)
				return why_set(why, cap, "line %d: a second max_age field", line);
			if (policy_max_age(l + v, vlen, q, line, p, why, cap) < 0)
				return -1;
			have_age = 1;
		} else if (klen == 2 && strncasecmp(l, "mx", 2) == 0) {
			if (policy_mx(l + v, vlen, q, line, p, why, cap) < 0)
				return -1;
		}
		/* other keys: extensions, ignored (RFC 8461 §3.2) */
	}
	if (!any)
		return why_set(why, cap, "the policy is empty");
	if (!have_version)
		return why_set(why, cap, "no version field");
	if (!have_mode)
		return why_set(why, cap, "no mode field");
	if (!have_age)
		return why_set(why, cap, "no max_age field");
	if (p->nmx == 0 && p->mode != MTASTS_NONE)
		return why_set(why, cap, "no mx field (required unless the mode is none)");
	return 0;
}

int
mtasts_mx_match(const char *pat, const char *host)
{
	size_t pl = strlen(pat), hl = strlen(host);
	const char *dot;

	if (pl > 0 && pat[pl - 1] == '.')
		pl--;
	if (hl > 0 && host[hl - 1] == '.')
		hl--;
	if (pl == 0 || hl == 0)
		return 0;
	if (pl > 2 && pat[0] == '*' && pat[1] == '.') {
		/* exactly one label in place of the '*' */
		dot = memchr(host, '.', hl);
		if (dot == NULL || dot == host)
			return 0;
		dot++;
		return (size_t)(host + hl - dot) == pl - 2 &&
		    strncasecmp(dot, pat + 2, pl - 2) == 0;
	}
	return pl == hl && strncasecmp(pat, host, pl) == 0;
}

int
mtasts_policy_match(const struct mtasts_policy *p, const char *host)
{
	int i;

	for (i = 0; i < p->nmx; i++)
		if (mtasts_mx_match(p->mx[i], host))
			return i;
	return -1;
}

/* pop3.c - see pop3.h */
#include <config.h>

#include <string.h>
#include <strings.h>

#include "civil.h"
#include "pop3.h"

int
pop3_status_parse(const char *line, size_t len, int *ok,
    const char **text, size_t *tlen, struct err *e)
{
	size_t skip, i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return err_set(e, ERR_PROTO, "response contains control characters");
	}
	if (len >= 3 && memcmp(line, "+OK", 3) == 0) {
		*ok = 1;
		skip = 3;
	} else if (len >= 4 && memcmp(line, "-ERR", 4) == 0) {
		*ok = 0;
		skip = 4;
	} else {
		return err_set(e, ERR_PROTO, "malformed response (neither +OK nor -ERR)");
	}
	if (len > skip && line[skip] != ' ')
		return err_set(e, ERR_PROTO, "malformed response (neither +OK nor -ERR)");
	if (len > skip)
		skip++;
	*text = line + skip;
	*tlen = len - skip;
	return 0;
}

int
pop3_multi_line(const char *line, size_t len, const char **data, size_t *dlen)
{
	if (len == 1 && line[0] == '.')
		return 1;
	if (len > 0 && line[0] == '.') {
		line++;
		len--;
	}
	*data = line;
	*dlen = len;
	return 0;
}

int
pop3_capa_feed(struct caps *c, const char *line, size_t len, struct err *e)
{
	const char *data;
	size_t dlen, i;

	if (pop3_multi_line(line, len, &data, &dlen) == 1)
		return 1;
	for (i = 0; i < dlen; i++) {
		unsigned char ch = (unsigned char)data[i];

		if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
			return err_set(e, ERR_PROTO, "CAPA line contains control characters");
	}
	if (caps_add(c, data, dlen, e) < 0)
		return -1;
	return 0;
}

int
pop3_apop_timestamp(const char *greeting, size_t len, char *out, size_t cap)
{
	const char *p = greeting, *end = greeting + len;

	/* RFC 1939 §7: the first <...@...> in the greeting ("+OK <ready>
	 * <1896.697170952@dbc.mtview.ca.us>" has it second) */
	while ((p = memchr(p, '<', (size_t)(end - p))) != NULL) {
		const char *gt = memchr(p, '>', (size_t)(end - p));
		const char *at = gt ? memchr(p, '@', (size_t)(gt - p)) : NULL;

		if (gt == NULL)
			return 0;
		if (at != NULL && (size_t)(gt - p + 2) <= cap) {
			memcpy(out, p, (size_t)(gt - p + 1));
			out[gt - p + 1] = '\0';
			return 1;
		}
		p = gt;
	}
	return 0;
}

/* ---- mailbox health (issue 21) */

static int pop3_num(const char **p, const char *end, unsigned max_digits,
    unsigned long long *v);

int
pop3_stat_parse(const char *text, size_t len, unsigned long long *count,
    unsigned long long *octets, struct err *e)
{
	const char *p = text, *end = text + len;

	if (pop3_num(&p, end, 18, count) < 0 || p >= end || *p != ' ')
		return err_set(e, ERR_PROTO, "malformed STAT reply (expected \"+OK count "
		    "octets\")");
	p++;
	if (pop3_num(&p, end, 18, octets) < 0 || (p < end && *p != ' '))
		return err_set(e, ERR_PROTO, "malformed STAT reply (expected \"+OK count "
		    "octets\")");
	return 0;
}

/* At most MAX_DIGITS decimal digits at *P (at least one). */
static int
pop3_num(const char **p, const char *end, unsigned max_digits,
    unsigned long long *v)
{
	const char *s = *p;
	unsigned n = 0;

	*v = 0;
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		if (++n > max_digits)
			return -1;
		*v = *v * 10 + (unsigned)(*s - '0');
	}
	if (n == 0)
		return -1;
	*p = s;
	return 0;
}

int
pop3_date_parse(const char *s, size_t len, long long *when)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	static const struct {
		const char *name;
		int hours;
	} zones[] = {
		{ "UT", 0 }, { "GMT", 0 }, { "Z", 0 }, { "UTC", 0 },
		{ "EST", -5 }, { "EDT", -4 }, { "CST", -6 }, { "CDT", -5 },
		{ "MST", -7 }, { "MDT", -6 }, { "PST", -8 }, { "PDT", -7 },
	};
	const char *p = s, *end = s + len;
	unsigned long long d, y, hh, mm, ss = 0, z;
	long long off = 0;
	unsigned m, nd;
	size_t i;

#define SKIP_WS() while (p < end && (*p == ' ' || *p == '\t')) p++
	SKIP_WS();
	/* an optional day name and comma */
	if (end - p >= 4 && ((p[0] >= 'A' && p[0] <= 'Z') || (p[0] >= 'a' && p[0] <= 'z')) &&
	    p[3] == ',') {
		p += 4;
		SKIP_WS();
	}
	if (pop3_num(&p, end, 2, &d) < 0 || d < 1 || d > 31)
		return -1;
	SKIP_WS();
	if (end - p < 3)
		return -1;
	for (m = 0; m < 12; m++)
		if (strncasecmp(months + (size_t)3 * m, p, 3) == 0)
			break;
	if (m == 12)
		return -1;
	p += 3;
	SKIP_WS();
	{
		const char *ys = p;

		if (pop3_num(&p, end, 4, &y) < 0)
			return -1;
		nd = (unsigned)(p - ys);
	}
	if (nd == 2)   /* RFC 5322 §4.3 */
		y += y < 50 ? 2000 : 1900;
	else if (nd == 3)
		y += 1900;
	SKIP_WS();
	if (pop3_num(&p, end, 2, &hh) < 0 || p >= end || *p != ':')
		return -1;
	p++;
	if (pop3_num(&p, end, 2, &mm) < 0)
		return -1;
	if (p < end && *p == ':') {
		p++;
		if (pop3_num(&p, end, 2, &ss) < 0)
			return -1;
	}
	if (hh > 23 || mm > 59 || ss > 60)
		return -1;
	SKIP_WS();
	if (p < end && (*p == '+' || *p == '-')) {
		int neg = *p == '-';
		const char *zs = ++p;

		if (pop3_num(&p, end, 4, &z) < 0 || p - zs != 4 || z % 100 > 59)
			return -1;
		off = (long long)(z / 100) * 3600 + (long long)(z % 100) * 60;
		if (neg)
			off = -off;
	} else {
		size_t n = 0;

		while (p + n < end && ((p[n] >= 'A' && p[n] <= 'Z') || (p[n] >= 'a' && p[n] <= 'z')))
			n++;
		for (i = 0; i < sizeof(zones) / sizeof(zones[0]); i++)
			if (strlen(zones[i].name) == n && strncasecmp(zones[i].name, p, n) == 0)
				break;
		/* RFC 5322 §4.3: other alphabetic zones mean -0000 */
		off = i < sizeof(zones) / sizeof(zones[0]) ? zones[i].hours * 3600LL : 0;
		if (n == 0)
			return -1;
		p += n;
	}
	SKIP_WS();
	if (p < end && *p != '(')   /* a comment may follow: "(UTC)" */
		return -1;
#undef SKIP_WS
	*when = civil_days((long long)y, m + 1, (unsigned)d) * 86400 +
	    (long long)(hh * 3600 + mm * 60 + ss) - off;
	return 0;
}

int
pop3_header_date(const char *line, size_t len, long long *when)
{
	if (len < 5 || strncasecmp(line, "Date:", 5) != 0)
		return 0;
	return pop3_date_parse(line + 5, len - 5, when) == 0 ? 1 : 0;
}

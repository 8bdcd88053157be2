/* pop3.c - see pop3.h */
#include <config.h>

#include <string.h>

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

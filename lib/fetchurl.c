/* fetchurl.c - see fetchurl.h */
#include <config.h>

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "fetchurl.h"

static const struct {
	const char *scheme;
	enum fetch_proto proto;
	int tls;
	int port;
} fetch_schemes[] = {
	{ "imap", FETCH_IMAP, 0, 143 },
	{ "imaps", FETCH_IMAP, 1, 993 },
	{ "pop3", FETCH_POP3, 0, 110 },
	{ "pop3s", FETCH_POP3, 1, 995 },
};

static int fetch_hex(int c);
static int fetch_decode(const char *s, size_t n, char *out, size_t cap,
    const char *what, struct err *e);

static int
fetch_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* %-decode N bytes of S into OUT (capacity CAP), refusing control
 * characters and NUL, named WHAT in the message. */
static int
fetch_decode(const char *s, size_t n, char *out, size_t cap, const char *what,
    struct err *e)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		int c = (unsigned char)s[i];

		if (c == '%') {
			int hi, lo;

			if (i + 2 >= n)
				return err_set(e, ERR_USAGE, "--fetch: bad %%-escape in the %s", what);
			hi = fetch_hex((unsigned char)s[i + 1]);
			lo = fetch_hex((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0)
				return err_set(e, ERR_USAGE, "--fetch: bad %%-escape in the %s", what);
			c = hi * 16 + lo;
			i += 2;
		}
		if (c < 0x20 || c == 0x7f)
			return err_set(e, ERR_USAGE, "--fetch: control character in the %s", what);
		if (o + 1 >= cap)
			return err_set(e, ERR_USAGE, "--fetch: the %s is too long", what);
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return 0;
}

const char *
fetch_url_scheme(const struct fetch_url *u)
{
	size_t i;

	for (i = 0; i < sizeof(fetch_schemes) / sizeof(fetch_schemes[0]); i++)
		if (fetch_schemes[i].proto == u->proto && fetch_schemes[i].tls == u->tls)
			return fetch_schemes[i].scheme;
	return "?";
}

int
fetch_url_parse(const char *url, struct fetch_url *u, struct err *e)
{
	const char *p, *auth, *slash, *at, *hs, *he, *colon;
	size_t i, n;

	memset(u, 0, sizeof(*u));
	p = strstr(url, "://");
	if (p == NULL)
		return err_set(e, ERR_USAGE, "--fetch needs a URL: imap://USER@HOST[:PORT]"
		    "[/FOLDER], imaps://, pop3:// or pop3s://");
	n = (size_t)(p - url);
	for (i = 0; i < sizeof(fetch_schemes) / sizeof(fetch_schemes[0]); i++) {
		if (strlen(fetch_schemes[i].scheme) == n &&
		    strncasecmp(url, fetch_schemes[i].scheme, n) == 0) {
			u->proto = fetch_schemes[i].proto;
			u->tls = fetch_schemes[i].tls;
			u->port = fetch_schemes[i].port;
		}
	}
	if (u->proto == 0)
		return err_set(e, ERR_USAGE, "--fetch: unknown scheme '%.*s' (imap, imaps, "
		    "pop3 or pop3s)", (int)(n > 16 ? 16 : n), url);
	auth = p + 3;
	slash = strchr(auth, '/');
	if (slash == NULL)
		slash = auth + strlen(auth);
	/* the last '@' before the path: a user name may hold a decoded '@' only */
	at = NULL;
	for (p = auth; p < slash; p++)
		if (*p == '@')
			at = p;
	if (at) {
		if (memchr(auth, ':', (size_t)(at - auth)) != NULL)
			return err_set(e, ERR_USAGE, "--fetch: no password in the URL (it "
			    "would show in the process list): use --fetch-authfile");
		if (memchr(auth, ';', (size_t)(at - auth)) != NULL)
			return err_set(e, ERR_USAGE, "--fetch: ;AUTH= in the URL is not "
			    "supported");
		if (fetch_decode(auth, (size_t)(at - auth), u->user, sizeof(u->user),
		    "user name", e) < 0)
			return -1;
		hs = at + 1;
	} else {
		hs = auth;
	}
	if (*hs == '[') {
		he = memchr(hs, ']', (size_t)(slash - hs));
		if (he == NULL)
			return err_set(e, ERR_USAGE, "--fetch: no ']' after the IPv6 address");
		colon = he + 1 < slash && he[1] == ':' ? he + 1 : NULL;
		if (he + 1 < slash && colon == NULL)
			return err_set(e, ERR_USAGE, "--fetch: junk after the IPv6 address");
		hs++;
	} else {
		colon = memchr(hs, ':', (size_t)(slash - hs));
		he = colon ? colon : slash;
	}
	n = (size_t)(he - hs);
	if (n == 0)
		return err_set(e, ERR_USAGE, "--fetch: the URL names no host");
	if (n >= sizeof(u->host))
		return err_set(e, ERR_USAGE, "--fetch: the host name is too long");
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)hs[i];

		if (!isalnum(c) && !strchr(".-_:", c))
			return err_set(e, ERR_USAGE, "--fetch: invalid character in the host "
			    "name");
	}
	memcpy(u->host, hs, n);
	u->host[n] = '\0';
	if (colon) {
		long port = 0;

		if (colon + 1 == slash)
			return err_set(e, ERR_USAGE, "--fetch: empty port");
		for (p = colon + 1; p < slash; p++) {
			if (!isdigit((unsigned char)*p) || port > 65535)
				return err_set(e, ERR_USAGE, "--fetch: the port must be a number "
				    "from 1 to 65535");
			port = port * 10 + (*p - '0');
		}
		if (port < 1 || port > 65535)
			return err_set(e, ERR_USAGE, "--fetch: the port must be a number from 1 "
			    "to 65535");
		u->port = (int)port;
	}
	if (*slash == '/' && slash[1] != '\0') {
		const char *f = slash + 1, *end = f + strcspn(f, ";?#");

		if (u->proto == FETCH_POP3)
			return err_set(e, ERR_USAGE, "--fetch: a POP3 mailbox has no folders");
		if (*end != '\0')
			return err_set(e, ERR_USAGE, "--fetch: URL parameters (;?#) are not "
			    "supported");
		if (fetch_decode(f, (size_t)(end - f), u->folder, sizeof(u->folder),
		    "folder", e) < 0)
			return -1;
		if (strchr(u->folder, '"') || strchr(u->folder, '\\'))
			return err_set(e, ERR_USAGE, "--fetch: the folder name may not hold "
			    "'\"' or '\\'");
	}
	if (u->proto == FETCH_IMAP && u->folder[0] == '\0')
		strcpy(u->folder, "INBOX");
	return 0;
}

int
fetch_token_time(const char *text, size_t len, time_t *when)
{
	size_t i;

	for (i = 0; i + 4 < len; i++) {
		size_t j = i + 3, d0;
		long long t = 0;

		if (text[i] != 'm' || text[i + 1] != 'p' || text[i + 2] != '-')
			continue;
		if (i > 0 && (isalnum((unsigned char)text[i - 1]) || text[i - 1] == '-'))
			continue;
		d0 = j;
		while (j < len && isdigit((unsigned char)text[j]) && j - d0 < 12)
			t = t * 10 + (text[j++] - '0');
		if (j == d0 || j >= len || text[j] != '-' || j + 1 >= len ||
		    !isxdigit((unsigned char)text[j + 1]))
			continue;
		*when = (time_t)t;
		return 1;
	}
	return 0;
}

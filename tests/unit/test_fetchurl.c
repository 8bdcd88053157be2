/* test_fetchurl.c - the --fetch URL and the probe token's time
 * (lib/fetchurl.c), table-driven. */
#include <config.h>

#include <string.h>

#include "fetchurl.h"
#include "tap.h"

struct good_case {
	const char *url;
	enum fetch_proto proto;
	int tls, port;
	const char *user, *host, *folder;
};

static void
test_good(void)
{
	static const struct good_case cases[] = {
		{ "imap://probe@127.0.0.1", FETCH_IMAP, 0, 143, "probe", "127.0.0.1", "INBOX" },
		{ "imap://probe@127.0.0.1/", FETCH_IMAP, 0, 143, "probe", "127.0.0.1", "INBOX" },
		{ "imaps://probe%40lab.test@mail.lab.test:10993/Probes",
		  FETCH_IMAP, 1, 10993, "probe@lab.test", "mail.lab.test", "Probes" },
		{ "IMAPS://u@h/INBOX.sub%20dir", FETCH_IMAP, 1, 993, "u", "h", "INBOX.sub dir" },
		{ "imap://probe@lab.test@h:1", FETCH_IMAP, 0, 1, "probe@lab.test", "h", "INBOX" },
		{ "imap://[::1]:1143/INBOX", FETCH_IMAP, 0, 1143, "", "::1", "INBOX" },
		{ "imap://u@[::1]", FETCH_IMAP, 0, 143, "u", "::1", "INBOX" },
		{ "pop3://probe@127.0.0.1:1110", FETCH_POP3, 0, 1110, "probe", "127.0.0.1", "" },
		{ "pop3s://probe@127.0.0.1", FETCH_POP3, 1, 995, "probe", "127.0.0.1", "" },
		{ "pop3s://probe@127.0.0.1/", FETCH_POP3, 1, 995, "probe", "127.0.0.1", "" },
		{ "pop3://h:65535", FETCH_POP3, 0, 65535, "", "h", "" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct good_case *c = &cases[i];
		struct fetch_url u;
		struct err e;

		err_clear(&e);
		if (!ok(fetch_url_parse(c->url, &u, &e) == 0, "%s parses (%s)", c->url, e.msg))
			continue;
		is_int(u.proto, c->proto, "%s: protocol", c->url);
		is_int(u.tls, c->tls, "%s: tls", c->url);
		is_int(u.port, c->port, "%s: port", c->url);
		is_str(u.user, c->user, "%s: user", c->url);
		is_str(u.host, c->host, "%s: host", c->url);
		is_str(u.folder, c->folder, "%s: folder", c->url);
	}
	{
		struct fetch_url u;
		struct err e;

		err_clear(&e);
		fetch_url_parse("pop3s://h", &u, &e);
		is_str(fetch_url_scheme(&u), "pop3s", "fetch_url_scheme pop3s");
		fetch_url_parse("imap://h", &u, &e);
		is_str(fetch_url_scheme(&u), "imap", "fetch_url_scheme imap");
	}
}

struct bad_case {
	const char *url;
	const char *msg;   /* a part of the message */
};

static void
test_bad(void)
{
	static const struct bad_case cases[] = {
		{ "", "needs a URL" },
		{ "127.0.0.1", "needs a URL" },
		{ "http://h", "unknown scheme 'http'" },
		{ "imapx://h", "unknown scheme" },
		{ "imap://u:secret@h", "no password in the URL" },
		{ "imap://u;AUTH=PLAIN@h", ";AUTH=" },
		{ "imap://", "names no host" },
		{ "imap://u@", "names no host" },
		{ "imap://u@:143", "names no host" },
		{ "imap://h:", "empty port" },
		{ "imap://h:0", "port must be" },
		{ "imap://h:65536", "port must be" },
		{ "imap://h:99999999999999999999", "port must be" },
		{ "imap://h:12x", "port must be" },
		{ "imap://h h", "invalid character in the host" },
		{ "imap://[::1", "no ']'" },
		{ "imap://[::1]x", "junk after" },
		{ "pop3://h/INBOX", "no folders" },
		{ "imap://h/INBOX;UIDVALIDITY=1", "parameters" },
		{ "imap://h/INBOX?x", "parameters" },
		{ "imap://h/a%2", "bad %-escape" },
		{ "imap://h/a%zz", "bad %-escape" },
		{ "imap://h/a%0d%0aA1 LOGOUT", "control character" },
		{ "imap://u%00@h", "control character" },
		{ "imap://h/a%22b", "may not hold" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fetch_url u;
		struct err e;
		int rc;

		err_clear(&e);
		rc = fetch_url_parse(cases[i].url, &u, &e);
		ok(rc == -1 && e.kind == ERR_USAGE && strstr(e.msg, cases[i].msg) != NULL,
		    "'%s' refused: %s", cases[i].url, e.msg);
	}
	{
		char big[600];
		struct fetch_url u;
		struct err e;

		memset(big, 'a', sizeof(big));
		memcpy(big, "imap://", 7);
		big[sizeof(big) - 1] = '\0';
		err_clear(&e);
		ok(fetch_url_parse(big, &u, &e) == -1 && strstr(e.msg, "too long"),
		    "a host of 592 bytes is too long: %s", e.msg);
		memcpy(big, "imap://h/", 9);
		err_clear(&e);
		ok(fetch_url_parse(big, &u, &e) == -1 && strstr(e.msg, "too long"),
		    "a folder of 590 bytes is too long: %s", e.msg);
	}
}

static void
test_token(void)
{
	static const struct {
		const char *text;
		int found;
		long long when;
	} cases[] = {
		{ "Subject: mailprobe test mp-1795492091-e733c224cbf573ab", 1, 1795492091 },
		{ "mp-1-a", 1, 1 },
		{ "xmp-1795492091-e733c224", 0, 0 },
		{ "mp--e7", 0, 0 },
		{ "mp-123", 0, 0 },
		{ "mp-123-", 0, 0 },
		{ "mp-123-zz", 0, 0 },
		{ "mp-9999999999999999-ab", 0, 0 },
		{ "", 0, 0 },
		{ "mp-", 0, 0 },
		{ "a mp-x then mp-42-f", 1, 42 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		time_t when = 0;
		int rc = fetch_token_time(cases[i].text, strlen(cases[i].text), &when);

		is_int(rc, cases[i].found, "token in '%s': found", cases[i].text);
		if (cases[i].found)
			is_int((long long)when, cases[i].when, "token in '%s': time", cases[i].text);
	}
}

int
main(void)
{
	test_good();
	test_bad();
	test_token();
	return done_testing();
}

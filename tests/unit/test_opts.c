/* test_opts.c - the option table: parsing, --help, numbers and seconds; host
 * names and the files options name. */
#include <config.h>

#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deadline.h"
#include "err.h"
#include "opts.h"
#include "sbuf.h"
#include "tap.h"

/* ------------------------------------------------------------ opts */
enum {
	OPT_NODATA = OPT_LONG_BASE,
	OPT_RCPT,
	OPT_SNI,
	OPT_STARTTLS,
	OPT_SSL,
	OPT_PROXY
};

static const struct opt_spec test_table[] = {
	{ 'H', "hostname", required_argument, "HOST", "Host to check." },
	{ 'p', "port", required_argument, "PORT", "Port." },
	{ 'v', "verbose", no_argument, NULL, "More output." },
	{ 's', "tls", no_argument, NULL, "Implicit TLS." },
	{ 's', "ssl", no_argument, NULL, NULL },   /* hidden alias */
	{ OPT_NODATA, "no-data", no_argument, NULL, "Stop before DATA." },
	{ OPT_RCPT, "rcpt", required_argument, "ADDR", "Recipient." },
	{ OPT_SNI, "sni", optional_argument, "NAME", "SNI name." },
	OPT_END
};
static const struct opt_spec *const test_tables[] = { test_table, NULL };

/* check_tcp's letters before check_smtp's (lib/opts.h OPT_SHORT): -S is
 * --ssl, -r --proxy's value must be one of v1|v2 to be taken from the
 * next word; the second table's -s, -S and -H keep their long names only */
static const struct opt_spec letters_tcp[] = {
	{ OPT_SHORT('S', OPT_SSL), "ssl", no_argument, NULL, "Implicit TLS." },
	{ OPT_STARTTLS, "starttls", no_argument, NULL, "STARTTLS." },
	{ OPT_SHORT('r', OPT_PROXY), "proxy", optional_argument, "v1|v2", "PROXY." },
	OPT_END
};
static const struct opt_spec letters_smtp[] = {
	{ OPT_SHORT('S', OPT_STARTTLS), "starttls2", no_argument, NULL, "STARTTLS." },
	{ 'H', "hostname", required_argument, "HOST", "Host to check." },
	{ 'v', "verbose", no_argument, NULL, "More output." },
	OPT_END
};
static const struct opt_spec *const letter_tables[] = { letters_tcp, letters_smtp, NULL };

struct seen {
	struct sbuf log;   /* "id:arg " per call */
	int refuse;        /* id to refuse */
	int positional;    /* take words that are no option (OPT_ARG, logged "@") */
};

static int
handler(void *ctx, int id, const char *arg, struct err *e)
{
	struct seen *s = ctx;

	if (id == s->refuse)
		return err_set(e, ERR_USAGE, "refused option %d", id);
	if (id == OPT_ARG && !s->positional)
		return err_set(e, ERR_USAGE, "unexpected argument '%s'", arg);
	if (id == OPT_ARG)
		sbuf_add(&s->log, "@");
	else if (id < OPT_LONG_BASE)
		sbuf_printf(&s->log, "%c", id);
	else
		sbuf_printf(&s->log, "#%d", id - OPT_LONG_BASE);
	sbuf_printf(&s->log, "=%s ", arg ? arg : "(null)");
	return 0;
}

/* Forget getopt's internal state (a glibc full re-initialisation: optind
 * = 0). opts_parse sets optind = 1, which keeps the scan pointer of the
 * previous run; test_opts_reparse shows that on its own. */
static void
getopt_forget(void)
{
	static char arg0[] = "prog";
	char *argv[] = { arg0, NULL };

	optind = 0;
	opterr = 0;
	while (getopt(1, argv, "") != -1)
		;
}

/* Parse a space-separated command line (no quoting; "_" stands for a
 * blank inside an argument). */
static int
parse_line_with(const struct opt_spec *const *tables, const char *line,
    struct seen *s, struct err *e)
{
	char copy[512], *argv[32], *tok, *save = NULL;
	int argc = 0;
	size_t i;

	snprintf(copy, sizeof(copy), "prog %s", line);
	for (tok = strtok_r(copy, " ", &save); tok && argc < 31;
	    tok = strtok_r(NULL, " ", &save)) {
		for (i = 0; tok[i]; i++)
			if (tok[i] == '_')
				tok[i] = ' ';
		argv[argc++] = tok;
	}
	argv[argc] = NULL;
	sbuf_reset(&s->log);
	err_clear(e);
	getopt_forget();
	return opts_parse(argc, argv, tables, handler, s, e);
}

static int
parse_line(const char *line, struct seen *s, struct err *e)
{
	return parse_line_with(test_tables, line, s, e);
}

static void
test_opts(void)
{
	static const struct {
		const char *line;
		const char *log;
	} good[] = {
		{ "-H mail.example", "H=mail.example " },
		{ "-Hmail.example", "H=mail.example " },
		{ "--hostname mail.example", "H=mail.example " },
		{ "--hostname=mail.example", "H=mail.example " },
		{ "--host=mail.example", "H=mail.example " },   /* unique prefix */
		{ "-v -v", "v=(null) v=(null) " },
		{ "-vv", "v=(null) v=(null) " },
		{ "-vH h", "v=(null) H=h " },
		{ "--tls", "s=(null) " },
		{ "--ssl", "s=(null) " },
		{ "-s", "s=(null) " },
		{ "--no-data", "#0=(null) " },
		{ "--rcpt a@b --rcpt=c@d", "#1=a@b #1=c@d " },
		{ "--sni", "#2=(null) " },
		{ "--sni=mx.example", "#2=mx.example " },
		{ "-H h -p 25 -v --rcpt=a@b --no-data",
		  "H=h p=25 v=(null) #1=a@b #0=(null) " },
		{ "-H -v", "H=-v " },                    /* required arg taken as is */
		{ "--rcpt=", "#1= " },
		{ "", "" },
		{ "-- ", "" },
	};
	static const struct {
		const char *line;
		const char *what;
	} bad[] = {
		{ "-H", "-H without argument" },
		{ "-v -p", "-p without argument at the end" },
		{ "--hostname", "--hostname without argument" },
		{ "--rcpt", "--rcpt without argument" },
		{ "-x", "unknown short option" },
		{ "-vx", "unknown option in a cluster" },
		{ "--bogus", "unknown long option" },
		{ "--bogus=1", "unknown long option with value" },
		{ "--verbose=1", "argument to a no-argument option" },
		{ "--no-data=yes", "argument to a long-only flag" },
		{ "stray", "stray argument" },
		{ "-H h stray", "stray argument after options" },
		{ "stray -H h", "stray argument before options" },
		{ "-- -H", "argument after --" },
		{ "--s", "ambiguous prefix (--sni / --ssl)" },
	};
	struct seen s;
	struct err e;
	size_t i;
	int rc;

	memset(&s, 0, sizeof(s));
	sbuf_init(&s.log);
	s.refuse = -1;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		rc = parse_line(good[i].line, &s, &e);
		if (!is_int(rc, 0, "opts_parse '%s' succeeds", good[i].line))
			diag("error: %s", e.msg);
		is_str(sbuf_str(&s.log), good[i].log, "opts_parse '%s' handler calls",
		    good[i].line);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		rc = parse_line(bad[i].line, &s, &e);
		ok(rc == -1 && e.kind == ERR_USAGE && e.msg[0] != '\0',
		    "opts_parse '%s' (%s) -> ERR_USAGE", bad[i].line, bad[i].what);
		diag("  message: %s", e.msg);
	}
	/* messages name the option */
	parse_line("-x", &s, &e);
	ok(strstr(e.msg, "-x") != NULL, "unknown -x named: %s", e.msg);
	parse_line("--bogus", &s, &e);
	ok(strstr(e.msg, "--bogus") != NULL, "unknown --bogus named: %s", e.msg);
	parse_line("-H", &s, &e);
	ok(strstr(e.msg, "-H") != NULL, "missing argument of -H named: %s", e.msg);
	parse_line("--rcpt", &s, &e);
	ok(strstr(e.msg, "--rcpt") != NULL, "missing argument of --rcpt named: %s", e.msg);
	parse_line("-H h stray", &s, &e);
	ok(strstr(e.msg, "stray") != NULL, "stray argument named: %s", e.msg);
	/* --verbose exists; it only takes no value: saying "unknown option -v"
	 * sends the user looking for the wrong thing */
	parse_line("--verbose=1", &s, &e);
	ok(strstr(e.msg, "--verbose") != NULL,
	    "'--verbose=1': the message names --verbose: %s", e.msg);

	/* the handler's error stops the parse */
	s.refuse = 'p';
	rc = parse_line("-v -p 0 -H h", &s, &e);
	ok(rc == -1 && strstr(e.msg, "refused") != NULL, "handler error returned: %s",
	    e.msg);
	is_str(sbuf_str(&s.log), "v=(null) ", "no option handled after the refusal");
	s.refuse = -1;


	/* help output mentions every visible option and the alias */
	{
		struct sbuf help;
		const char *buf;

		sbuf_init(&help);
		opts_help(&help, test_tables);
		buf = sbuf_str(&help);
		ok(strstr(buf, "-H, --hostname=HOST") != NULL, "help: -H, --hostname=HOST");
		ok(strstr(buf, "--tls, --ssl") != NULL, "help: alias listed");
		ok(strstr(buf, "--sni[=NAME]") != NULL, "help: optional argument");
		ok(strstr(buf, "\n     --no-data\n") != NULL,
		    "help: long-only option without a short letter");
		sbuf_free(&help);
	}
	sbuf_free(&s.log);
}

/* Positional words, letters that are data of the table, and an optional
 * argument from the next word. */
static void
test_opts_letters(void)
{
	static const struct {
		const struct opt_spec *const *tables;
		int positional;
		const char *line;
		const char *log;
	} good[] = {
		{ test_tables, 1, "h", "@=h " },
		{ test_tables, 1, "h -p 25 -v", "p=25 v=(null) @=h " },
		{ test_tables, 1, "-p 25 h", "p=25 @=h " },
		{ test_tables, 1, "-H x -- -y", "H=x @=-y " },
		{ letter_tables, 0, "-S", "#4=(null) " },
		{ letter_tables, 0, "--ssl --starttls --starttls2", "#4=(null) #3=(null) #3=(null) " },
		{ letter_tables, 0, "-r v2", "#5=v2 " },
		{ letter_tables, 0, "-rv1", "#5=v1 " },
		{ letter_tables, 0, "--proxy v2", "#5=v2 " },
		{ letter_tables, 1, "-r host", "#5=(null) @=host " },
		{ letter_tables, 1, "-r -H h", "#5=(null) H=h " },
		{ letter_tables, 0, "--hostname h -v", "H=h v=(null) " },
	};
	struct seen s;
	struct sbuf help;
	struct err e;
	size_t i;
	int rc;

	memset(&s, 0, sizeof(s));
	sbuf_init(&s.log);
	s.refuse = -1;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		s.positional = good[i].positional;
		rc = parse_line_with(good[i].tables, good[i].line, &s, &e);
		if (!is_int(rc, 0, "letters: '%s' succeeds", good[i].line))
			diag("error: %s", e.msg);
		is_str(sbuf_str(&s.log), good[i].log, "letters: '%s' handler calls",
		    good[i].line);
	}
	s.positional = 0;
	rc = parse_line_with(letter_tables, "-r v3", &s, &e);
	ok(rc == -1 && strstr(e.msg, "v3") != NULL, "letters: '-r v3': v3 is no "
	    "alternative of v1|v2, so a stray word: %s", e.msg);
	sbuf_init(&help);
	opts_help(&help, letter_tables);
	ok(strstr(sbuf_str(&help), " -S, --ssl\n") != NULL, "letters: help gives -S to --ssl");
	ok(strstr(sbuf_str(&help), "     --starttls2\n") != NULL,
	    "letters: help shows --starttls2 without the letter -S it lost");
	sbuf_free(&help);
	sbuf_free(&s.log);
}

/* opts_parse called twice in one process, the second time on an ARGV whose
 * strings live where the first one's did (as any reused buffer does):
 * each call must parse its own ARGV from the start. */
static void
test_opts_reparse(void)
{
	static char buf[64];
	char *argv[3];
	struct seen s;
	struct err e;
	int rc;

	memset(&s, 0, sizeof(s));
	sbuf_init(&s.log);
	s.refuse = -1;
	getopt_forget();

	strcpy(buf, "prog");
	strcpy(buf + 5, "-s");
	argv[0] = buf;
	argv[1] = buf + 5;
	argv[2] = NULL;
	err_clear(&e);
	rc = opts_parse(2, argv, test_tables, handler, &s, &e);
	ok(rc == 0, "first opts_parse ('-s') succeeds");

	memset(buf, 0, sizeof(buf));
	strcpy(buf, "prog");
	strcpy(buf + 5, "--no-data");
	sbuf_reset(&s.log);
	err_clear(&e);
	rc = opts_parse(2, argv, test_tables, handler, &s, &e);
	if (!is_int(rc, 0, "second opts_parse ('--no-data') in the same process succeeds"))
		diag("error: %s (getopt's scan pointer was left from the first run; "
		    "opts_parse sets optind = 1, glibc needs optind = 0 to start afresh)",
		    e.msg);
	is_str(sbuf_str(&s.log), "#0=(null) ", "second opts_parse sees --no-data");
	sbuf_free(&s.log);
}

static void
test_opts_values(void)
{
	static const struct {
		const char *arg;
		long min, max, want;
	} ints_good[] = {
		{ "25", 1, 65535, 25 }, { "1", 1, 65535, 1 }, { "65535", 1, 65535, 65535 },
		{ "0", 0, 10, 0 }, { "-5", -10, 10, -5 }, { "+7", 0, 10, 7 },
	};
	static const struct {
		const char *arg;
		long min, max;
	} ints_bad[] = {
		{ "0", 1, 65535 }, { "65536", 1, 65535 }, { "-1", 1, 65535 },
		{ "abc", 1, 65535 }, { "", 1, 65535 }, { "25x", 1, 65535 },
		{ "2 5", 1, 65535 }, { "25 ", 1, 65535 }, { "1.5", 1, 65535 },
		{ "99999999999999999999999", 1, LONG_MAX },
		{ "-99999999999999999999999", LONG_MIN, 0 },
		{ "0x19", 1, 65535 },
	};
	static const struct {
		const char *arg;
		double want;
	} secs_good[] = {
		{ "10", 10 }, { "0.5", 0.5 }, { "1.25", 1.25 }, { "86400", 86400 },
		{ "0.001", 0.001 },
	};
	static const char *const secs_bad[] = {
		"0", "-1", "-0.5", "abc", "", "10s", "inf", "nan", "86401", "1e9", " ",
		"10 ",
	};
	struct err e;
	long lv;
	double dv;
	size_t i;

	for (i = 0; i < sizeof(ints_good) / sizeof(ints_good[0]); i++) {
		lv = -12345;
		err_clear(&e);
		is_int(opts_int("port", ints_good[i].arg, ints_good[i].min, ints_good[i].max,
		    &lv, &e), 0, "opts_int('%s') in [%ld, %ld]", ints_good[i].arg,
		    ints_good[i].min, ints_good[i].max);
		is_int(lv, ints_good[i].want, "opts_int('%s') = %ld", ints_good[i].arg,
		    ints_good[i].want);
	}
	for (i = 0; i < sizeof(ints_bad) / sizeof(ints_bad[0]); i++) {
		lv = -12345;
		err_clear(&e);
		ok(opts_int("port", ints_bad[i].arg, ints_bad[i].min, ints_bad[i].max,
		    &lv, &e) == -1 && e.kind == ERR_USAGE && lv == -12345,
		    "opts_int('%s') in [%ld, %ld] -> ERR_USAGE, value untouched",
		    ints_bad[i].arg, ints_bad[i].min, ints_bad[i].max);
	}
	err_clear(&e);
	opts_int("--port", "abc", 1, 65535, &lv, &e);
	ok(strstr(e.msg, "--port") && strstr(e.msg, "abc") && strstr(e.msg, "65535"),
	    "opts_int message names option, value and range: %s", e.msg);

	for (i = 0; i < sizeof(secs_good) / sizeof(secs_good[0]); i++) {
		dv = -1;
		err_clear(&e);
		is_int(opts_seconds("timeout", secs_good[i].arg, &dv, &e), 0,
		    "opts_seconds('%s')", secs_good[i].arg);
		is_double(dv, secs_good[i].want, 1e-9, "opts_seconds('%s') = %g",
		    secs_good[i].arg, secs_good[i].want);
	}
	for (i = 0; i < sizeof(secs_bad) / sizeof(secs_bad[0]); i++) {
		dv = -1;
		err_clear(&e);
		ok(opts_seconds("timeout", secs_bad[i], &dv, &e) == -1 &&
		    e.kind == ERR_USAGE && dv == -1,
		    "opts_seconds('%s') -> ERR_USAGE, value untouched", secs_bad[i]);
	}
}

/* opts_hostname and opts_open_file (issue 14 items 10, 11) */
static void
test_opts_files(void)
{
	static const struct {
		const char *host;
		int want;
	} hosts[] = {
		{ "mail.example", 0 },
		{ "mail.example.", 0 },          /* the root label at the end */
		{ "127.0.0.1", 0 },
		{ "::1", 0 },
		{ "[2001:db8::1]", 0 },
		{ "localhost", 0 },
		{ "", -1 },
		{ ".", -1 },
		{ ".example", -1 },
		{ "a..b", -1 },
		{ "a.b..", -1 },
	};
	char name[300], dir[] = "/tmp/mp-test-files.XXXXXX", path[64];
	struct sbuf b;
	struct err e;
	size_t i;
	int fd;

	for (i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
		err_clear(&e);
		is_int(opts_hostname("-H", hosts[i].host, &e), hosts[i].want,
		    "opts_hostname('%s') = %d", hosts[i].host, hosts[i].want);
		if (hosts[i].want < 0)
			ok(e.kind == ERR_USAGE, "opts_hostname('%s'): ERR_USAGE: %s",
			    hosts[i].host, e.msg);
	}
	/* 253 characters: fine; 254 with a final dot: fine; 254 without: not */
	memset(name, 'a', sizeof(name));
	for (i = 63; i < 253; i += 64)
		name[i] = '.';
	name[253] = '\0';
	is_int(opts_hostname("-H", name, &e), 0, "253 characters: a host name");
	name[253] = '.';
	name[254] = '\0';
	is_int(opts_hostname("-H", name, &e), 0, "253 characters and the root dot");
	name[253] = 'a';
	err_clear(&e);
	is_int(opts_hostname("-H", name, &e), -1, "254 characters: not a host name");
	ok(strstr(e.msg, "253") != NULL, "the message says the limit: %s", e.msg);
	memset(name, 'a', 64);
	name[64] = '\0';
	is_int(opts_hostname("-H", name, &e), -1, "a label of 64 characters: refused");

	if (mkdtemp(dir) == NULL) {
		ok(0, "mkdtemp");
		return;
	}
	snprintf(path, sizeof(path), "%s/fifo", dir);
	if (mkfifo(path, 0600) < 0) {
		ok(0, "mkfifo");
	} else {
		int64_t t0 = deadline_now_us();

		err_clear(&e);
		fd = opts_open_file("--authfile", path, &e);
		ok(fd == -1 && e.kind == ERR_USAGE, "a FIFO is refused: %s", e.msg);
		ok(strstr(e.msg, path) && strstr(e.msg, "not a regular file"),
		    "the message names the FIFO");
		ok(deadline_now_us() - t0 < 1000000, "and at once, without a writer");
		unlink(path);
	}
	err_clear(&e);
	ok(opts_open_file("--body-file", dir, &e) == -1 && strstr(e.msg, "directory"),
	    "a directory is refused: %s", e.msg);
	err_clear(&e);
	ok(opts_open_file("--body-file", "", &e) == -1 && e.kind == ERR_USAGE,
	    "an empty file name is refused: %s", e.msg);
	snprintf(path, sizeof(path), "%s/file", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ok(fd >= 0 && write(fd, "0123456789", 10) == 10, "a regular file written");
	if (fd >= 0)
		close(fd);
	sbuf_init(&b);
	sbuf_add(&b, "pre:");
	err_clear(&e);
	is_int(opts_read_file("--body-file", path, 10, &b, &e), 0,
	    "opts_read_file: 10 bytes with MAX 10");
	is_str(sbuf_str(&b), "pre:0123456789", "opts_read_file appends");
	err_clear(&e);
	is_int(opts_read_file("--body-file", path, 9, &b, &e), -1,
	    "opts_read_file: 10 bytes with MAX 9 is refused");
	ok(e.kind == ERR_USAGE && strstr(e.msg, "larger"), "ERR_USAGE: %s", e.msg);
	sbuf_free(&b);
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	test_opts();
	test_opts_letters();
	test_opts_reparse();
	test_opts_values();
	test_opts_files();
	return done_testing();
}

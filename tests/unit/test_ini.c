/* test_ini.c - ini parsing and --extra-opts expansion (lib/ini.c). */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ini.h"
#include "sbuf.h"
#include "tap.h"

/* ------------------------------------------------------------ recorder */
struct rec {
	struct sbuf s;     /* "key=value" or "key" (NULL value), '|' separated */
	int calls;
	int fail_at;       /* return -1 on this call (1-based), 0: never */
};

static int
rec_cb(void *ctx, const char *key, const char *value, struct err *e)
{
	struct rec *r = ctx;

	r->calls++;
	if (r->fail_at && r->calls == r->fail_at)
		return err_set(e, ERR_USAGE, "callback refused %s", key);
	if (r->s.len)
		sbuf_addc(&r->s, '|');
	sbuf_add(&r->s, key);
	if (value) {
		sbuf_addc(&r->s, '=');
		sbuf_add(&r->s, value);
	}
	return 0;
}

/* Run ini_parse on a C string; the recorded entries are left in R. */
static int
run(struct rec *r, const char *text, size_t len, const char *section, int *found,
    struct err *e)
{
	sbuf_reset(&r->s);
	r->calls = 0;
	err_clear(e);
	*found = -1;
	return ini_parse(text, len, section, rec_cb, r, found, e);
}

static const char sample[] =
	"; a comment\n"
	"# another comment\n"
	"\n"
	"   ; an indented comment\n"
	"[other]\n"
	"authpass = wrong\n"
	"[check_smtp_tx]\n"
	"  authuser   =   alice  \n"
	"authpass=s3cret\n"
	"\t\n"
	"starttls\n"
	"  verbose  \n"
	"expect = ESMTP Postfix # not a comment\n"
	"helo = a;b ; c\n"
	"sni = \"  quoted value  \"\n"
	"empty =\n"
	"quoted_empty = \"\"\n"
	"half = \"abc\n"
	"eq = a=b=c\n"
	"#commented = out\n"
	"[check_imap_banner]\n"
	"port = 993\n"
	"[check_smtp_tx]\n"
	"timeout=5";    /* no newline at the end */

static const char sample_want[] =
	"authuser=alice|authpass=s3cret|starttls|verbose|"
	"expect=ESMTP Postfix # not a comment|helo=a;b ; c|sni=  quoted value  |"
	"empty=|quoted_empty=|half=\"abc|eq=a=b=c|timeout=5";

static void
test_ini_parse(void)
{
	struct rec r;
	struct err e;
	int found, rc;
	struct sbuf crlf;
	size_t i;

	memset(&r, 0, sizeof(r));
	sbuf_init(&r.s);

	rc = run(&r, sample, strlen(sample), "check_smtp_tx", &found, &e);
	is_int(rc, 12, "12 entries in [check_smtp_tx] (two blocks)");
	is_int(found, 1, "section found");
	is_str(sbuf_str(&r.s), sample_want, "entries, trimmed, quotes removed, no inline comments");

	rc = run(&r, sample, strlen(sample), "check_imap_banner", &found, &e);
	is_int(rc, 1, "one entry in [check_imap_banner]");
	is_str(sbuf_str(&r.s), "port=993", "only the wanted section's entries");

	rc = run(&r, sample, strlen(sample), "other", &found, &e);
	is_str(sbuf_str(&r.s), "authpass=wrong", "[other]");

	rc = run(&r, sample, strlen(sample), "absent", &found, &e);
	is_int(rc, 0, "absent section: 0 entries");
	is_int(found, 0, "absent section: found = 0");
	is_int(r.calls, 0, "absent section: no callback");

	rc = run(&r, sample, strlen(sample), "check_smtp", &found, &e);
	is_int(found, 0, "a prefix of a section name does not match");
	rc = run(&r, sample, strlen(sample), "check_smtp_tx_more", &found, &e);
	is_int(found, 0, "a longer name does not match");

	/* CRLF line endings give the same result */
	sbuf_init(&crlf);
	for (i = 0; sample[i]; i++) {
		if (sample[i] == '\n')
			sbuf_addc(&crlf, '\r');
		sbuf_addc(&crlf, sample[i]);
	}
	rc = run(&r, crlf.s, crlf.len, "check_smtp_tx", &found, &e);
	is_int(rc, 12, "CRLF: 12 entries");
	is_str(sbuf_str(&r.s), sample_want, "CRLF: same entries, no CR kept");
	rc = run(&r, crlf.s, crlf.len, "check_imap_banner", &found, &e);
	is_str(sbuf_str(&r.s), "port=993", "CRLF: section header with CR matches");
	sbuf_free(&crlf);

	/* a section that is present but empty */
	rc = run(&r, "[a]\n[b]\nx=1\n", 12, "a", &found, &e);
	is_int(rc, 0, "empty section: 0 entries");
	is_int(found, 1, "empty section: found = 1");

	/* a section header with blanks around it */
	rc = run(&r, "  [a]  \nx=1\n", 12, "a", &found, &e);
	ok(rc == 1 && found == 1, "indented section header");

	/* empty text */
	rc = run(&r, "", 0, "a", &found, &e);
	ok(rc == 0 && found == 0, "empty text: nothing found");

	/* LEN is honoured */
	rc = run(&r, "[a]\nx=1\ny=2\n", 8, "a", &found, &e);
	is_str(sbuf_str(&r.s), "x=1", "only LEN bytes parsed");

	/* malformed */
	rc = run(&r, "[sect\nx=1\n", 10, "sect", &found, &e);
	is_int(rc, -1, "'[sect' -> -1");
	is_int(e.kind, ERR_USAGE, "'[sect' -> ERR_USAGE");
	ok(strstr(e.msg, "1") != NULL, "'[sect' error names the line: %s", e.msg);
	rc = run(&r, "; c\n[other\n", 11, "sect", &found, &e);
	ok(rc == -1 && e.kind == ERR_USAGE, "'[other' in another section -> ERR_USAGE");
	ok(strstr(e.msg, "2") != NULL, "error names line 2: %s", e.msg);
	rc = run(&r, "[sect]\n=value\n", 14, "sect", &found, &e);
	ok(rc == -1 && e.kind == ERR_USAGE, "'=value' -> ERR_USAGE");
	rc = run(&r, "[sect]\n   =  value\n", 19, "sect", &found, &e);
	ok(rc == -1 && e.kind == ERR_USAGE, "'   =  value' -> ERR_USAGE");
	rc = run(&r, "[sect]\nx=a\0b\n", 13, "sect", &found, &e);
	ok(rc == -1 && e.kind == ERR_USAGE, "NUL byte -> ERR_USAGE");
	{
		struct sbuf big;

		sbuf_init(&big);
		sbuf_add(&big, "[sect]\nkey=");
		for (i = 0; i < 5000; i++)
			sbuf_addc(&big, 'v');
		sbuf_addc(&big, '\n');
		rc = run(&r, big.s, big.len, "sect", &found, &e);
		ok(rc == -1 && e.kind == ERR_USAGE, "5000-byte line -> ERR_USAGE");
		sbuf_free(&big);
	}

	/* the callback can stop the parse */
	r.fail_at = 2;
	rc = run(&r, "[s]\na=1\nb=2\nc=3\n", 16, "s", &found, &e);
	is_int(rc, -1, "callback -1 stops the parse");
	is_int(r.calls, 2, "no callback after the refusal");
	ok(strstr(e.msg, "callback refused b") != NULL,
	    "the callback's error is kept: %s", e.msg);
	r.fail_at = 0;
	sbuf_free(&r.s);
}

/* ------------------------------------------------------------ extra-opts */
static char tmpdir[] = "/tmp/mp-test-ini-XXXXXX";
static char inifile[300];

static int
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/* "a b c" from a NULL-terminated argv, for comparisons. */
static void
join_argv(struct sbuf *out, int argc, char **argv)
{
	int i;

	sbuf_reset(out);
	for (i = 0; i < argc; i++) {
		if (i)
			sbuf_addc(out, ' ');
		sbuf_add(out, argv[i] ? argv[i] : "(NULL)");
	}
}

static const char ini_text[] =
	"[check_smtp_tx]\n"
	"authpass = x\n"
	"authuser=alice\n"
	"starttls\n"
	"P = short secret\n"
	"[mysect]\n"
	"hostname = mx.example\n"
	"warning = 5\n"
	"[empty]\n";

static void
test_extra_opts(void)
{
	char spec[400], spec2[400];
	char **nargv;
	int nargc, rc;
	struct err e;
	struct sbuf s;

	sbuf_init(&s);
	if (mkdtemp(tmpdir) == NULL) {
		ok(0, "mkdtemp");
		return;
	}
	snprintf(inifile, sizeof(inifile), "%s/test.ini", tmpdir);
	if (!ok(write_file(inifile, ini_text) == 0, "wrote %s", inifile))
		return;

	/* no --extra-opts: the same array */
	{
		char *argv[] = { "check_smtp_tx", "-H", "host", "--extra-optsX", NULL };

		err_clear(&e);
		rc = extra_opts_expand(4, argv, "check_smtp_tx", &nargc, &nargv, &e);
		is_int(rc, 0, "no --extra-opts: rc 0");
		ok(nargv == argv, "no --extra-opts: same pointer");
		is_int(nargc, 4, "no --extra-opts: same count");
		extra_opts_free(argv, nargv);   /* must be a no-op */
		is_str(argv[1], "-H", "extra_opts_free left ARGV alone");
	}

	/* a named section: options first, the command line after */
	snprintf(spec, sizeof(spec), "--extra-opts=mysect@%s", inifile);
	{
		char *argv[] = { "check_smtp_tx", "-H", "host", spec, "-v", NULL };

		err_clear(&e);
		rc = extra_opts_expand(5, argv, "check_smtp_tx", &nargc, &nargv, &e);
		if (!is_int(rc, 0, "--extra-opts=mysect@FILE: rc 0"))
			diag("error: %s", e.msg);
		if (rc == 0) {
			join_argv(&s, nargc, nargv);
			is_str(sbuf_str(&s),
			    "check_smtp_tx --hostname=mx.example --warning=5 -H host -v",
			    "ini options before the remaining arguments");
			is_int(nargc, 6, "6 arguments");
			ok(nargv[nargc] == NULL, "NULL-terminated");
			ok(nargv != argv, "a new array");
			extra_opts_free(argv, nargv);
		}
		is_str(argv[3], spec, "ARGV untouched");
	}

	/* default section: the plugin name; a short key gives two words */
	snprintf(spec, sizeof(spec), "--extra-opts=@%s", inifile);
	{
		char *argv[] = { "check_smtp_tx", spec, "-H", "host", NULL };

		err_clear(&e);
		rc = extra_opts_expand(4, argv, "check_smtp_tx", &nargc, &nargv, &e);
		if (!is_int(rc, 0, "--extra-opts=@FILE: rc 0"))
			diag("error: %s", e.msg);
		if (rc == 0) {
			join_argv(&s, nargc, nargv);
			is_str(sbuf_str(&s),
			    "check_smtp_tx --authpass=x --authuser=alice --starttls "
			    "-P short secret -H host",
			    "default section is the plugin name");
			is_int(nargc, 8, "8 arguments");
			is_str(nargv[5], "short secret", "short option value is one word");
			extra_opts_free(argv, nargv);
		}
	}

	/* two --extra-opts, expanded in order */
	snprintf(spec, sizeof(spec), "--extra-opts=mysect@%s", inifile);
	snprintf(spec2, sizeof(spec2), "--extra-opts=@%s", inifile);
	{
		char *argv[] = { "check_smtp_tx", spec, "-v", spec2, NULL };

		err_clear(&e);
		rc = extra_opts_expand(4, argv, "check_smtp_tx", &nargc, &nargv, &e);
		is_int(rc, 0, "two --extra-opts: rc 0");
		if (rc == 0) {
			join_argv(&s, nargc, nargv);
			is_str(sbuf_str(&s),
			    "check_smtp_tx --hostname=mx.example --warning=5 --authpass=x "
			    "--authuser=alice --starttls -P short secret -v",
			    "both sections, in order, then the rest");
			extra_opts_free(argv, nargv);
		}
	}

	/* an empty section: only the --extra-opts argument goes */
	snprintf(spec, sizeof(spec), "--extra-opts=empty@%s", inifile);
	{
		char *argv[] = { "check_smtp_tx", "-v", spec, NULL };

		err_clear(&e);
		rc = extra_opts_expand(3, argv, "check_smtp_tx", &nargc, &nargv, &e);
		is_int(rc, 0, "empty section: rc 0");
		if (rc == 0) {
			join_argv(&s, nargc, nargv);
			is_str(sbuf_str(&s), "check_smtp_tx -v", "empty section: argument removed");
			extra_opts_free(argv, nargv);
		}
	}

	/* a missing section */
	snprintf(spec, sizeof(spec), "--extra-opts=nope@%s", inifile);
	{
		char *argv[] = { "check_smtp_tx", spec, NULL };

		err_clear(&e);
		nargv = NULL;
		rc = extra_opts_expand(2, argv, "check_smtp_tx", &nargc, &nargv, &e);
		is_int(rc, -1, "missing section: -1");
		is_int(e.kind, ERR_USAGE, "missing section: ERR_USAGE");
		ok(strstr(e.msg, "nope") != NULL, "message names the section: %s", e.msg);
		ok(nargv == argv, "on error *NARGV is ARGV (safe to free)");
		extra_opts_free(argv, nargv);
	}

	/* the plugin's section absent */
	snprintf(spec, sizeof(spec), "--extra-opts=@%s", inifile);
	{
		char *argv[] = { "check_pop3_banner", spec, NULL };

		err_clear(&e);
		rc = extra_opts_expand(2, argv, "check_pop3_banner", &nargc, &nargv, &e);
		ok(rc == -1 && e.kind == ERR_USAGE,
		    "default section absent -> ERR_USAGE: %s", e.msg);
		ok(strstr(e.msg, "check_pop3_banner") != NULL, "message names the section");
	}

	/* a missing file */
	snprintf(spec, sizeof(spec), "--extra-opts=sect@%s/does-not-exist.ini", tmpdir);
	{
		char *argv[] = { "check_smtp_tx", spec, NULL };

		err_clear(&e);
		rc = extra_opts_expand(2, argv, "check_smtp_tx", &nargc, &nargv, &e);
		is_int(rc, -1, "missing file: -1");
		is_int(e.kind, ERR_USAGE, "missing file: ERR_USAGE");
		ok(strstr(e.msg, "does-not-exist.ini") != NULL, "message names the file: %s",
		    e.msg);
	}

	/* a malformed file */
	{
		char bad[320];
		char *argv[] = { "check_smtp_tx", spec, NULL };

		snprintf(bad, sizeof(bad), "%s/bad.ini", tmpdir);
		write_file(bad, "[check_smtp_tx\nx=1\n");
		snprintf(spec, sizeof(spec), "--extra-opts=@%s", bad);
		err_clear(&e);
		rc = extra_opts_expand(2, argv, "check_smtp_tx", &nargc, &nargv, &e);
		ok(rc == -1 && e.kind == ERR_USAGE, "malformed file -> ERR_USAGE: %s", e.msg);
		ok(strstr(e.msg, "bad.ini") != NULL, "message names the file");
		unlink(bad);
	}

	/* the default location through NAGIOS_CONFIG_PATH */
	{
		char dflt[320], empty_dir[320];
		char *argv[] = { "check_smtp_tx", "--extra-opts", "-v", NULL };
		char *argv2[] = { "check_smtp_tx", "--extra-opts=mysect", NULL };

		snprintf(dflt, sizeof(dflt), "%s/plugins.ini", tmpdir);
		write_file(dflt, ini_text);
		setenv("NAGIOS_CONFIG_PATH", tmpdir, 1);
		err_clear(&e);
		rc = extra_opts_expand(3, argv, "check_smtp_tx", &nargc, &nargv, &e);
		if (!is_int(rc, 0, "bare --extra-opts with NAGIOS_CONFIG_PATH: rc 0"))
			diag("error: %s", e.msg);
		if (rc == 0) {
			join_argv(&s, nargc, nargv);
			is_str(sbuf_str(&s), "check_smtp_tx --authpass=x --authuser=alice "
			    "--starttls -P short secret -v", "bare --extra-opts: plugin section");
			extra_opts_free(argv, nargv);
		}
		err_clear(&e);
		rc = extra_opts_expand(2, argv2, "check_smtp_tx", &nargc, &nargv, &e);
		is_int(rc, 0, "--extra-opts=mysect with NAGIOS_CONFIG_PATH: rc 0");
		if (rc == 0) {
			join_argv(&s, nargc, nargv);
			is_str(sbuf_str(&s), "check_smtp_tx --hostname=mx.example --warning=5",
			    "--extra-opts=SECTION reads the default file");
			extra_opts_free(argv2, nargv);
		}
		unlink(dflt);

		/* no file anywhere (only when the system has none either) */
		snprintf(empty_dir, sizeof(empty_dir), "%s", tmpdir);
		setenv("NAGIOS_CONFIG_PATH", empty_dir, 1);
		if (access("/etc/nagios/plugins.ini", F_OK) != 0 &&
		    access("/usr/local/nagios/etc/plugins.ini", F_OK) != 0 &&
		    access("/usr/local/etc/nagios/plugins.ini", F_OK) != 0 &&
		    access("/etc/opt/nagios/plugins.ini", F_OK) != 0 &&
		    access("/etc/nagios-plugins.ini", F_OK) != 0 &&
		    access("/usr/local/etc/nagios-plugins.ini", F_OK) != 0 &&
		    access("/etc/opt/nagios-plugins.ini", F_OK) != 0 &&
		    access("/etc/monitoring-plugins/plugins.ini", F_OK) != 0) {
			err_clear(&e);
			rc = extra_opts_expand(2, argv2, "check_smtp_tx", &nargc, &nargv, &e);
			ok(rc == -1 && e.kind == ERR_USAGE,
			    "no ini file anywhere -> ERR_USAGE: %s", e.msg);
		} else {
			diag("a system plugins.ini exists: 'no file' case not tested");
		}
		unsetenv("NAGIOS_CONFIG_PATH");
	}

	unlink(inifile);
	rmdir(tmpdir);
	sbuf_free(&s);
}

/* issue 14 item 9: each word knows its ini key, file and line, so an
 * error about it can name them and leave out the value */
static void
test_extra_opts_origin(void)
{
	char dir[] = "/tmp/mp-test-origin.XXXXXX", path[128], spec[200];
	const char *key, *file;
	char **nargv;
	int nargc, line, rc, i, seen = 0;
	struct err e;

	if (mkdtemp(dir) == NULL) {
		ok(0, "mkdtemp");
		return;
	}
	snprintf(path, sizeof(path), "%s/o.ini", dir);
	write_file(path, "; comment\n[check_smtp_tx]\n\npassword = s3cret\np=25\n");
	snprintf(spec, sizeof(spec), "--extra-opts=@%s", path);
	{
		char *argv[] = { "check_smtp_tx", "-v", spec, NULL };

		err_clear(&e);
		rc = extra_opts_expand(3, argv, "check_smtp_tx", &nargc, &nargv, &e);
		is_int(rc, 0, "origin: rc 0");
		if (rc != 0)
			goto out;
		is_int(nargc, 5, "origin: argv0, --password=s3cret, -p, 25, -v");
		for (i = 0; i < nargc; i++) {
			rc = extra_opts_origin(argv, nargv, nargv[i], &key, &file, &line);
			if (strcmp(nargv[i], "--password=s3cret") == 0) {
				seen++;
				ok(rc == 0 && strcmp(key, "password") == 0 && strcmp(file, path) == 0 &&
				    line == 4, "--password=...: key password, file, line 4");
			} else if (strcmp(nargv[i], "-p") == 0 || strcmp(nargv[i], "25") == 0) {
				seen++;
				ok(rc == 0 && strcmp(key, "p") == 0 && line == 5,
				    "%s: key p, line 5 (the value's word too)", nargv[i]);
			} else {
				ok(rc == -1, "%s: from the command line", nargv[i]);
			}
		}
		is_int(seen, 3, "the three ini words were found");
		ok(extra_opts_origin(argv, argv, argv[1], &key, &file, &line) == -1,
		    "no expansion: every word is from the command line");
		extra_opts_free(argv, nargv);
	}
out:
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	test_ini_parse();
	test_extra_opts();
	test_extra_opts_origin();
	return done_testing();
}

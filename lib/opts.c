/* opts.c - see opts.h */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "opts.h"
#include "sbuf.h"

#define OPTS_MAX 128

static const struct opt_spec *opts_by_letter(const struct opt_spec *const *tables,
    int letter);
static int opts_letter_owned(const struct opt_spec *const *tables,
    const struct opt_spec *spec);
static int opts_is_alternative(const char *alts, const char *word);

int
opts_id(int spec_id)
{
	return spec_id >= (OPT_LONG_BASE << 8) ? spec_id >> 8 : spec_id;
}

int
opts_letter(int spec_id)
{
	if (spec_id >= (OPT_LONG_BASE << 8))
		return spec_id & 0xff;
	return spec_id > OPT_ARG && spec_id < OPT_LONG_BASE ? spec_id : 0;
}

/* The row that owns short letter LETTER: the first that names it. */
static const struct opt_spec *
opts_by_letter(const struct opt_spec *const *tables, int letter)
{
	const struct opt_spec *s;

	for (; *tables; tables++)
		for (s = *tables; s->name; s++)
			if (opts_letter(s->id) == letter)
				return s;
	return NULL;
}

/* 1 when SPEC's letter is its own (no earlier row names it). */
static int
opts_letter_owned(const struct opt_spec *const *tables, const struct opt_spec *spec)
{
	int l = opts_letter(spec->id);

	return l != 0 && opts_by_letter(tables, l) == spec;
}

/* 1 when WORD is one of the '|'-separated alternatives in ALTS ("v1|v2"). */
static int
opts_is_alternative(const char *alts, const char *word)
{
	size_t n = strlen(word), k;
	const char *p = alts;

	if (alts == NULL || n == 0 || strchr(alts, '|') == NULL)
		return 0;
	while (*p) {
		k = strcspn(p, "|");
		if (k == n && strncmp(p, word, n) == 0)
			return 1;
		p += k;
		if (*p == '|')
			p++;
	}
	return 0;
}

int
opts_parse(int argc, char **argv, const struct opt_spec *const *tables,
    opt_handler handler, void *ctx, struct err *e)
{
	struct opts_fault f;

	return opts_parse_at(argc, argv, tables, handler, ctx, &f, e);
}

/* A getopt error (C is '?' or ':') as ERR_USAGE naming the option. */
static int
opts_fault(const struct opt_spec *const *tables, int c, const char *bad,
    struct opts_fault *f, struct err *e)
{
	const struct opt_spec *s;

	if (c == '?') {
		if (strncmp(bad, "--", 2) == 0) {
			/* the name only: "--password=VALUE" may carry a secret */
			size_t n = strcspn(bad, "=");

			if (n > 64)
				n = 64;
			if (bad[n] == '=' && optopt != 0) {
				f->kind = OPTS_FAULT_NOARG;
				return err_set(e, ERR_USAGE, "option %.*s takes no argument",
				    (int)n, bad);
			}
			f->kind = OPTS_FAULT_UNKNOWN;
			return err_set(e, ERR_USAGE, "unknown or ambiguous option %.*s",
			    (int)n, bad);
		}
		f->kind = OPTS_FAULT_UNKNOWN;
		if (optopt > 0 && optopt < OPT_LONG_BASE)
			return err_set(e, ERR_USAGE, "unknown option -%c", optopt);
		return err_set(e, ERR_USAGE, "unknown option %.64s", bad);
	}
	f->kind = OPTS_FAULT_NEEDARG;
	s = optopt > 0 && optopt < OPT_LONG_BASE ? opts_by_letter(tables, optopt) : NULL;
	if (s && strncmp(bad, "--", 2) != 0)
		return err_set(e, ERR_USAGE, "option -%c needs an argument (%s)",
		    optopt, s->arg ? s->arg : "value");
	return err_set(e, ERR_USAGE, "option %.64s needs an argument", bad);
}

int
opts_parse_at(int argc, char **argv, const struct opt_spec *const *tables,
    opt_handler handler, void *ctx, struct opts_fault *f, struct err *e)
{
	struct option longopts[OPTS_MAX + 1];
	const struct opt_spec *rows[OPTS_MAX];
	char shortopts[OPTS_MAX * 3 + 2];
	const struct opt_spec *const *t;
	const struct opt_spec *s;
	size_t nl = 0, ns = 0;
	int c, li, letter, i;

	f->word = NULL;
	f->kind = OPTS_FAULT_NONE;
	shortopts[ns++] = ':';   /* report a missing argument as ':' */
	for (t = tables; *t; t++) {
		for (s = *t; s->name; s++) {
			if (nl >= OPTS_MAX)
				return err_set(e, ERR_INTERNAL, "too many options");
			rows[nl] = s;
			longopts[nl].name = s->name;
			longopts[nl].has_arg = s->has_arg;
			longopts[nl].flag = NULL;
			longopts[nl].val = opts_id(s->id);
			nl++;
			letter = opts_letter(s->id);
			if (letter != 0 && !memchr(shortopts, letter, ns)) {
				shortopts[ns++] = (char)letter;
				if (s->has_arg == required_argument)
					shortopts[ns++] = ':';
				else if (s->has_arg == optional_argument) {
					shortopts[ns++] = ':';
					shortopts[ns++] = ':';
				}
			}
		}
	}
	memset(&longopts[nl], 0, sizeof(longopts[nl]));
	shortopts[ns] = '\0';

	optind = 0;   /* glibc: 0 starts a fresh scan, 1 may resume an old one */
	opterr = 0;
	for (;;) {
		li = -1;
		c = getopt_long(argc, argv, shortopts, longopts, &li);
		if (c == -1)
			break;
		f->word = argv[optind - 1];
		if (c == '?' || c == ':')
			return opts_fault(tables, c, argv[optind - 1], f, e);
		/* the row: by its long name, or the owner of the letter */
		s = li >= 0 ? rows[li] : opts_by_letter(tables, c);
		if (s == NULL)
			return err_set(e, ERR_INTERNAL, "no row for option %d", c);
		c = opts_id(s->id);
		if (s->has_arg == optional_argument && optarg == NULL &&
		    optind < argc && argv[optind][0] != '-' && argv[optind][0] != '\0' &&
		    (li >= 0 || opts_is_alternative(s->arg, argv[optind]))) {
			/* "--sni NAME" and "-r v2" mean "--sni=NAME" and "-rv2" */
			optarg = argv[optind++];
		}
		f->word = argv[optind - 1];   /* the value's word, when separate */
		if (handler(ctx, c, optarg, e) < 0) {
			f->kind = OPTS_FAULT_VALUE;
			return -1;
		}
	}
	for (i = optind; i < argc; i++) {
		f->word = argv[i];
		if (handler(ctx, OPT_ARG, argv[i], e) < 0) {
			f->kind = OPTS_FAULT_STRAY;
			return -1;
		}
	}
	f->word = NULL;
	return 0;
}

void
opts_wrap(struct sbuf *out, const char *text, int indent)
{
	const char *p = text;
	int col = 0;

	while (*p) {
		size_t w = strcspn(p, " \n");

		if (col == 0) {
			sbuf_printf(out, "%*s", indent, "");
			col = indent;
		} else if (col + 1 + (int)w > 79) {
			sbuf_printf(out, "\n%*s", indent, "");
			col = indent;
		} else {
			sbuf_addc(out, ' ');
			col++;
		}
		sbuf_printf(out, "%.*s", (int)w, p);
		col += (int)w;
		p += w;
		if (*p == '\n') {
			sbuf_addc(out, '\n');
			col = 0;
			p++;
		}
		while (*p == ' ')
			p++;
	}
	if (col)
		sbuf_addc(out, '\n');
}

void
opts_help(struct sbuf *out, const struct opt_spec *const *tables)
{
	const struct opt_spec *const *all = tables;
	const struct opt_spec *s, *alias;

	for (; *tables; tables++) {
		for (s = *tables; s->name; s++) {
			struct sbuf head;

			if (s->help == NULL)
				continue;
			sbuf_init(&head);
			if (opts_letter_owned(all, s))
				sbuf_printf(&head, " -%c, ", opts_letter(s->id));
			else
				sbuf_add(&head, "     ");
			sbuf_printf(&head, "--%s", s->name);
			for (alias = s + 1; alias->name && alias->help == NULL; alias++)
				sbuf_printf(&head, ", --%s", alias->name);
			if (s->has_arg == required_argument)
				sbuf_printf(&head, "=%s", s->arg ? s->arg : "VALUE");
			else if (s->has_arg == optional_argument)
				sbuf_printf(&head, "[=%s]", s->arg ? s->arg : "VALUE");
			sbuf_printf(out, "%s\n", sbuf_str(&head));
			opts_wrap(out, s->help, 8);
			sbuf_free(&head);
		}
	}
}

int
opts_int(const char *name, const char *arg, long min, long max, long *out,
    struct err *e)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end != '\0' || v < min || v > max)
		return err_set(e, ERR_USAGE, "%s must be a whole number from %ld to %ld, "
		    "not '%.32s'", name, min, max, arg);
	*out = v;
	return 0;
}

int
opts_hostname(const char *name, const char *arg, struct err *e)
{
	size_t n = strlen(arg), label = 0, i;

	if (n == 0)
		return err_set(e, ERR_USAGE, "%s needs a host name, not an empty string",
		    name);
	if (strchr(arg, ':'))
		return 0;   /* an IPv6 literal: the resolver judges it */
	if (n > 254 || (n == 254 && arg[253] != '.'))
		return err_set(e, ERR_USAGE, "%s: a host name has at most 253 characters, "
		    "not %zu", name, n);
	for (i = 0; i < n; i++) {
		if (arg[i] != '.') {
			if (++label > 63)
				return err_set(e, ERR_USAGE, "%s: a label of a host name has at "
				    "most 63 characters", name);
			continue;
		}
		/* a dot ends a label that must not be empty (the root label
		 * after a final dot is never seen here) */
		if (label == 0)
			return err_set(e, ERR_USAGE, "%s: '%.64s' is not a host name: it has "
			    "an empty label (a leading dot or two dots in a row)", name, arg);
		label = 0;
	}
	return 0;
}

int
opts_open_file(const char *what, const char *path, struct err *e)
{
	struct stat st;
	int fd;

	if (path[0] == '\0')
		return err_set(e, ERR_USAGE, "%s needs a file name, not an empty string",
		    what);
	/* O_NONBLOCK: a FIFO (or a device) must not block the run before its
	 * deadline exists; it is refused below */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return err_sys(e, ERR_USAGE, errno, "cannot read %s %s: %s", what, path,
		    strerror(errno));
	if (fstat(fd, &st) < 0) {
		int en = errno;

		close(fd);
		return err_sys(e, ERR_USAGE, en, "cannot read %s %s: %s", what, path,
		    strerror(en));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return err_set(e, ERR_USAGE, "%s %s is not a regular file (%s)", what, path,
		    S_ISDIR(st.st_mode) ? "a directory" : S_ISFIFO(st.st_mode) ?
		    "a FIFO" : S_ISSOCK(st.st_mode) ? "a socket" : "a device");
	}
	return fd;
}

int
opts_read_file(const char *what, const char *path, size_t max, struct sbuf *out,
    struct err *e)
{
	int fd = opts_open_file(what, path, e), rc;

	if (fd < 0)
		return -1;
	rc = opts_read_fd(what, path, fd, max, out, e);
	close(fd);
	return rc;
}

int
opts_read_fd(const char *what, const char *path, int fd, size_t max,
    struct sbuf *out, struct err *e)
{
	char buf[4096];
	size_t start = out->len;
	ssize_t n;
	int rc = 0;

	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = err_sys(e, ERR_USAGE, errno, "cannot read %s %s: %s", what, path,
			    strerror(errno));
			break;
		}
		if (n == 0)
			break;
		if (out->len - start + (size_t)n > max) {
			rc = err_set(e, ERR_USAGE, "%s %s is larger than %zu bytes", what,
			    path, max);
			break;
		}
		sbuf_addn(out, buf, (size_t)n);
	}
	explicit_bzero(buf, sizeof(buf));
	if (rc == 0 && out->failed)
		rc = err_set(e, ERR_INTERNAL, "out of memory reading %s %s", what, path);
	return rc;
}

int
opts_seconds(const char *name, const char *arg, double *out, struct err *e)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno || end == arg || *end != '\0' || !isfinite(v) || v <= 0 || v > 86400)
		return err_set(e, ERR_USAGE, "%s must be a number of seconds > 0, "
		    "not '%.32s'", name, arg);
	*out = v;
	return 0;
}

void
opts_man_text(struct sbuf *out, const char *text)
{
	const char *p;
	int bol = 1;

	for (p = text; *p; p++) {
		if (bol && (*p == '.' || *p == '\''))
			sbuf_add(out, "\\&");
		bol = 0;
		if (*p == '\\')
			sbuf_add(out, "\\e");
		else if (*p == '-')
			sbuf_add(out, "\\-");
		else if (*p == '\n') {
			sbuf_add(out, "\n.br\n");
			bol = 1;
		} else
			sbuf_addc(out, *p);
	}
}

void
opts_man(struct sbuf *out, const struct opt_spec *const *tables)
{
	const struct opt_spec *const *all = tables;
	const struct opt_spec *s, *alias;

	for (; *tables; tables++) {
		for (s = *tables; s->name; s++) {
			if (s->help == NULL)
				continue;
			sbuf_add(out, ".TP\n");
			if (opts_letter_owned(all, s))
				sbuf_printf(out, "\\fB\\-%c\\fR, ", opts_letter(s->id));
			sbuf_add(out, "\\fB\\-\\-");
			opts_man_text(out, s->name);
			sbuf_add(out, "\\fR");
			for (alias = s + 1; alias->name && alias->help == NULL; alias++) {
				sbuf_add(out, ", \\fB\\-\\-");
				opts_man_text(out, alias->name);
				sbuf_add(out, "\\fR");
			}
			if (s->has_arg != no_argument) {
				sbuf_add(out, s->has_arg == optional_argument ? "[=\\fI" : "=\\fI");
				opts_man_text(out, s->arg ? s->arg : "VALUE");
				sbuf_add(out, s->has_arg == optional_argument ? "\\fR]" : "\\fR");
			}
			sbuf_addc(out, '\n');
			opts_man_text(out, s->help);
			sbuf_addc(out, '\n');
		}
	}
}

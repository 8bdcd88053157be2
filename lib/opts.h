/* opts.h - option tables for getopt_long, shared by parsing and --help.
 *
 * One table entry per option: a short letter (or an id >= OPT_LONG_BASE
 * when the option has none), the long name, whether it takes an argument,
 * the argument's name and the help text. --help and the man pages are
 * printed from the same tables. */
#ifndef MP_OPTS_H
#define MP_OPTS_H

#include <getopt.h>
#include <stdio.h>

#include "err.h"
#include "sbuf.h"

#define OPT_LONG_BASE 256

/* A word that is no option (a positional argument, e.g. check_smtp's
 * host) is handed to the handler with this id; the handler may refuse it
 * (OPTS_FAULT_STRAY). */
#define OPT_ARG 1

/* The id of a long option (>= OPT_LONG_BASE) that also has the short
 * letter LETTER: its handler sees ID whichever of the two was used. So the
 * letter an option has is data of the table: check_smtp's -S is STARTTLS,
 * check_tcp's -S implicit TLS, and both tables name the same ids. A letter
 * belongs to the first row (in table order) that names it: a later row
 * with the same letter is reached by its long name only, and --help shows
 * it without the letter. */
#define OPT_SHORT(letter, id) (((id) << 8) | (letter))

struct opt_spec {
	int id;               /* short letter, or >= OPT_LONG_BASE */
	const char *name;     /* long name, without "--" */
	int has_arg;          /* no_argument, required_argument, optional_argument */
	const char *arg;      /* argument name for help, or NULL */
	const char *help;     /* NULL: a hidden alias of the entry before it */
};

#define OPT_END { 0, NULL, 0, NULL, NULL }

/* Handle option ID with argument ARG (NULL when none). Return 0, or -1
 * with *e set (ERR_USAGE for a bad value). */
typedef int (*opt_handler)(void *ctx, int id, const char *arg, struct err *e);

/* The id the handler sees for the table row id SPEC_ID, and the short
 * letter the row names (0: none). */
int opts_id(int spec_id);
int opts_letter(int spec_id);

/* Parse ARGV with the NULL-terminated list of TABLES. Words that are no
 * option go to the handler as OPT_ARG, after the options (GNU getopt
 * permutes them); an unknown option is ERR_USAGE. An optional argument may
 * be the next word when the option is given by its long name ("--sni
 * NAME"), or by its letter when the word is one of the alternatives the
 * row's argument name lists ("-r v2" for "v1|v2"). The messages name an
 * unknown long option without its "=VALUE". */
int opts_parse(int argc, char **argv, const struct opt_spec *const *tables,
    opt_handler handler, void *ctx, struct err *e);

/* What opts_parse_at refused, for callers that must not quote the word
 * (an option read from an ini file may hold a secret). */
enum opts_fault_kind {
	OPTS_FAULT_NONE = 0,
	OPTS_FAULT_UNKNOWN,   /* unknown or ambiguous option */
	OPTS_FAULT_NOARG,     /* a value given to an option that takes none */
	OPTS_FAULT_NEEDARG,   /* an option without its value */
	OPTS_FAULT_STRAY,     /* a word that is no option */
	OPTS_FAULT_VALUE      /* the handler refused the value */
};

struct opts_fault {
	enum opts_fault_kind kind;
	const char *word;     /* the word of ARGV at fault (the value's word
	                         when separate), or NULL */
};

/* opts_parse, and on an error what was refused in *F. */
int opts_parse_at(int argc, char **argv, const struct opt_spec *const *tables,
    opt_handler handler, void *ctx, struct opts_fault *f, struct err *e);

/* Append the options of TABLES to OUT, one paragraph each, wrapped to 80
 * columns (for --help; the caller prints OUT). */
void opts_help(struct sbuf *out, const struct opt_spec *const *tables);

/* Append the options of TABLES to OUT as a man(7) .TP list. */
void opts_man(struct sbuf *out, const struct opt_spec *const *tables);

/* Append TEXT to OUT with man(7) special characters escaped. */
void opts_man_text(struct sbuf *out, const char *text);

/* Append TEXT to OUT word-wrapped to 79 columns, each line indented by
 * INDENT; a '\n' in TEXT starts a new line. */
void opts_wrap(struct sbuf *out, const char *text, int indent);

/* Parse an integer in [MIN, MAX] for option NAME. */
int opts_int(const char *name, const char *arg, long min, long max,
    long *out, struct err *e);

/* Option NAME's host name ARG: not empty; unless an IPv6 literal, at most
 * 253 characters (and a final dot), no empty label, labels of at most 63. */
int opts_hostname(const char *name, const char *arg, struct err *e);

/* Open PATH (named WHAT in messages, e.g. "--authfile") for reading
 * without blocking and refuse anything but a regular file (a FIFO would
 * hang the run): returns the descriptor, or -1 with ERR_USAGE. */
int opts_open_file(const char *what, const char *path, struct err *e);

/* Append the contents of the regular file PATH (opts_open_file) to OUT;
 * a file of more than MAX bytes is ERR_USAGE. The stack copy is wiped (secrets). */
int opts_read_file(const char *what, const char *path, size_t max,
    struct sbuf *out, struct err *e);

/* The same from FD, an open regular file (opts_open_file), which the
 * caller closes. */
int opts_read_fd(const char *what, const char *path, int fd, size_t max,
    struct sbuf *out, struct err *e);

/* Parse a number of seconds > 0 for option NAME. */
int opts_seconds(const char *name, const char *arg, double *out,
    struct err *e);

#endif

/* ini.h - the --extra-opts ini files of monitoring-plugins.
 *
 *   ; a comment line; the section's default name is the plugin's
 *   [check_smtp_tx]
 *   authpass = s3cret         (becomes --authpass=s3cret)
 *   starttls                  (becomes --starttls)
 *
 * Comments start with ';' or '#' at the beginning of a line; there are no
 * comments after a value (a password may contain ';' or '#'). Values keep
 * inner blanks; one pair of surrounding double quotes is removed. */
#ifndef MP_INI_H
#define MP_INI_H

#include <stddef.h>

#include "err.h"

/* Called for each KEY[=VALUE] of the wanted section; VALUE is NULL for a
 * bare key. Return -1 (with *e set) to stop. */
typedef int (*ini_cb)(void *ctx, const char *key, const char *value,
    struct err *e);

/* Parse TEXT (LEN bytes) and call CB for each entry of SECTION.
 * Returns the number of entries passed to CB, or -1 with ERR_USAGE naming
 * the line for a malformed file; a section that is absent gives 0 and
 * *found = 0. */
int ini_parse(const char *text, size_t len, const char *section, ini_cb cb,
    void *ctx, int *found, struct err *e);

/* ini_parse with the line number of each entry passed to CB. */
typedef int (*ini_line_cb)(void *ctx, const char *key, const char *value,
    int lineno, struct err *e);
int ini_parse_lines(const char *text, size_t len, const char *section,
    ini_line_cb cb, void *ctx, int *found, struct err *e);

/* Expand --extra-opts[=[SECTION][@FILE]] in ARGV: the options read from the
 * ini file are placed first, the remaining arguments after them (so the
 * command line wins). PLUGIN is the default section. Without @FILE the
 * monitoring-plugins default locations are searched (NAGIOS_CONFIG_PATH,
 * /etc/nagios/plugins.ini, ...). *NARGV is a new NULL-terminated array
 * the caller frees with extra_opts_free; when ARGV holds no --extra-opts,
 * *NARGV is ARGV itself. */
int extra_opts_expand(int argc, char **argv, const char *plugin,
    int *nargc, char ***nargv, struct err *e);

void extra_opts_free(char **argv, char **nargv);

/* Where WORD, one of the words of NARGV made by extra_opts_expand from
 * ARGV, came from: 0 with *KEY, *FILE and *LINE (pointing into the word's
 * allocation) for a word read from an ini file, -1 for one of the command
 * line (or when NARGV is ARGV). An error about such a word names the key,
 * file and line, never the value (it may be a password). */
int extra_opts_origin(char **argv, char **nargv, const char *word,
    const char **key, const char **file, int *line);

#endif

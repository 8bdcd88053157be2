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

#endif

/* plugin_int.h - what the files of plugins/common share among themselves
 * and with no one else (plugin.h is the plugins' interface). */
#ifndef MP_PLUGIN_INT_H
#define MP_PLUGIN_INT_H

#include "plugin.h"

/* plugin.c: (re)arm the alarm() backstop for the rest of the run:
 * c->timeout from c->run_start_us on, plus one second. */
void plugin_arm(const struct plugin_config *c);

/* plugin_dns.c: --dane: fetch the TLSA records of _PORT._tcp.HOST into
 * p->tlsa (phase dns). */
int plugin_tlsa(struct plugin *p, struct err *e);

/* plugin_output.c: print the result to stdout in the --output format;
 * TOTAL is the run's time in seconds. */
void plugin_print(struct plugin *p, double total);

/* plugin_help.c: the option tables of C (at most PLUGIN_TABLES_MAX
 * entries, the last NULL) in the order that gives each short letter its
 * owner (lib/opts.h); --help and the man page printed from them. */
#define PLUGIN_TABLES_MAX 6
void plugin_tables(const struct plugin_config *c, const struct opt_spec **t);
void plugin_help(const struct plugin_config *c);
void plugin_man(const struct plugin_config *c);

#endif

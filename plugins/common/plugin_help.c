/* plugin_help.c - see plugin_int.h: the option tables of a plugin in the
 * order that gives each short letter its owner, and --help and the man
 * page printed from them. */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "plugin.h"
#include "plugin_int.h"
#include "textcheck.h"

/* The option tables of C, in the order that gives each short letter to
 * its owner (lib/opts.h): the letters of the program the plugin (or the
 * alias it was invoked by) replaces, then check_tcp's text options before
 * the plugin's own or after them. */
void
plugin_tables(const struct plugin_config *c, const struct opt_spec **t)
{
	size_t n = 0;
	int tcp = c->letters == PLUGIN_LETTERS_TCP;

	t[n++] = plugin_common_opts;
	t[n++] = tcp ? plugin_letters_tcp : plugin_letters_smtp;
	t[n++] = plugin_common_tls_opts;
	if (tcp && c->tc)
		t[n++] = textcheck_opts;
	if (c->opts)
		t[n++] = c->opts;
	if (!tcp && c->tc)
		t[n++] = textcheck_opts;
	t[n] = NULL;
}

void
plugin_help(const struct plugin_config *c)
{
	const struct opt_spec *tables[PLUGIN_TABLES_MAX];
	struct sbuf out;

	plugin_tables(c, tables);
	sbuf_init(&out);
	sbuf_printf(&out, "%s (%s %s)\n\n", c->name, PACKAGE_NAME, PACKAGE_VERSION);
	opts_wrap(&out, c->description, 0);
	sbuf_printf(&out, "\nUsage: %s %s\n\nOptions:\n", c->name, c->synopsis);
	opts_help(&out, tables);
	sbuf_printf(&out, "\nExit states: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (usage "
	    "errors and the plugin's own faults only).\n");
	if (c->examples)
		sbuf_printf(&out, "\nExamples:\n%s", c->examples);
	if (c->compat)
		sbuf_printf(&out, "\nCompatibility:\n%s", c->compat);
	fputs(sbuf_str(&out), stdout);
	sbuf_free(&out);
}

void
plugin_man(const struct plugin_config *c)
{
	const struct opt_spec *tables[PLUGIN_TABLES_MAX];
	const char *line, *nl;
	struct sbuf out;

	plugin_tables(c, tables);
	sbuf_init(&out);
	sbuf_printf(&out, ".TH %s 1 \"\" \"%s %s\" \"Monitoring plugins\"\n", c->name,
	    PACKAGE_NAME, PACKAGE_VERSION);
	sbuf_printf(&out, ".SH NAME\n%s \\- %s plugin of %s\n", c->name, c->service, PACKAGE_NAME);
	sbuf_printf(&out, ".SH SYNOPSIS\n.B %s\n", c->name);
	opts_man_text(&out, c->synopsis);
	sbuf_printf(&out, "\n.SH DESCRIPTION\n");
	opts_man_text(&out, c->description);
	sbuf_printf(&out, "\n.SH OPTIONS\n");
	opts_man(&out, tables);
	sbuf_printf(&out, ".SH EXIT STATUS\n0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (usage errors "
	    "and the plugin's own faults only; also after \\fB\\-\\-help\\fR and "
	    "\\fB\\-\\-version\\fR, as monitoring\\-plugins do).\n");
	sbuf_printf(&out, ".SH OUTPUT\nLine 1: \\fISERVICE STATE \\- text | perfdata\\fR; "
	    "then long output, one fact per line; with \\fB\\-v\\fR the protocol "
	    "transcript (secrets replaced by ***). \\fB\\-\\-output=json\\fR prints "
	    "one JSON object instead, \\fB\\-\\-output=openmetrics\\fR the state "
	    "and the perfdata as OpenMetrics text; the exit status is the same.\n");
	if (c->examples) {
		sbuf_printf(&out, ".SH EXAMPLES\n");
		for (line = c->examples; *line; line = nl + 1) {
			nl = strchr(line, '\n');
			if (nl == NULL)
				break;
			if (line[0] == ' ' && line[1] == ' ' && line[2] != ' ')
				sbuf_printf(&out, ".PP\n.B ");
			else
				sbuf_printf(&out, ".br\n");
			while (*line == ' ')
				line++;
			{
				char tmp[512];

				snprintf(tmp, sizeof(tmp), "%.*s", (int)(nl - line), line);
				opts_man_text(&out, tmp);
			}
			sbuf_addc(&out, '\n');
		}
	}
	if (c->compat) {
		sbuf_printf(&out, ".SH COMPATIBILITY\n.nf\n");
		opts_man_text(&out, c->compat);
		sbuf_printf(&out, "\n.fi\n");
	}
	sbuf_printf(&out, ".SH SEE ALSO\ncheck_smtp_tx(1), check_imap_banner(1), check_pop3_banner(1)\n");
	fputs(sbuf_str(&out), stdout);
	sbuf_free(&out);
}


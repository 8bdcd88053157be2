/* plugin.c - see plugin.h */
#include <config.h>

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "conn.h"
#include "ini.h"
#include "metrics.h"
#include "net.h"
#include "plugin.h"

static int plugin_common(void *ctx, int id, const char *arg, struct err *e);
static void plugin_help(const struct plugin *p);
static void plugin_man(const struct plugin *p);
static int plugin_tlsa(struct plugin *p, struct err *e);
static void plugin_backstop(int sig);
static void plugin_arm(struct plugin *p);
static void plugin_pre_timeout(struct plugin *p, int argc, char **argv);
static void plugin_print_metrics(const struct plugin *p, FILE *f);

const struct opt_spec plugin_common_opts[] = {
	/* hidden: prints the man page, made from the same tables as --help */
	{ OPT_HELP_MAN, "help-man", no_argument, NULL, NULL },
	{ 'H', "hostname", required_argument, "HOST",
	  "Host name or IPv4/IPv6 address of the server to check." },
	{ 'p', "port", required_argument, "PORT",
	  "TCP port (default: the protocol's port)." },
	{ '4', "use-ipv4", no_argument, NULL, "Connect over IPv4 only." },
	{ '6', "use-ipv6", no_argument, NULL, "Connect over IPv6 only." },
	{ 't', "timeout", required_argument, "SEC[:STATE]",
	  "Hard deadline for the whole run, in seconds (default 10). Every "
	  "connect, read, write and lookup draws on it. STATE (ok, warning, "
	  "critical, unknown) is the state on timeout (default critical)." },
	{ 'w', "warning", required_argument, "RANGE",
	  "Warning threshold on the total time in seconds (Nagios range: "
	  "10, 10:, ~:10, 10:20, @10:20)." },
	{ 'c', "critical", required_argument, "RANGE",
	  "Critical threshold on the total time in seconds." },
	{ OPT_WARNING_PHASE, "warning-phase", required_argument, "PHASE=RANGE",
	  "Warning threshold on one phase's time (repeatable), e.g. banner=2." },
	{ OPT_CRITICAL_PHASE, "critical-phase", required_argument, "PHASE=RANGE",
	  "Critical threshold on one phase's time (repeatable)." },
	{ 'S', "starttls", no_argument, NULL,
	  "Upgrade the connection with STARTTLS (STLS for POP3); a server "
	  "that does not offer it is CRITICAL." },
	{ 's', "tls", no_argument, NULL,
	  "Implicit TLS from the first byte (default port becomes 465, 993 "
	  "or 995)." },
	{ 's', "ssl", no_argument, NULL, NULL },
	{ OPT_SNI, "sni", optional_argument, "NAME",
	  "Server name for SNI and for the certificate name check (default: "
	  "the host name; bare --sni is accepted as in check_smtp)." },
	{ 'r', "proxy", optional_argument, "v1|v2",
	  "Send a PROXY protocol header (default v1) with the real source and "
	  "destination addresses before anything else." },
	{ 'D', "certificate", required_argument, "WARN[,CRIT]",
	  "Days of certificate validity left below which the state is WARNING "
	  "(CRITICAL). Without -S or -s this implies -S." },
	{ OPT_VERIFY, "verify", required_argument, "full|chain|none",
	  "Certificate verification: full (default: trusted chain and host "
	  "name), chain (trusted chain only) or none (facts still shown, "
	  "expiry still judged with -D)." },
	{ OPT_CA_FILE, "ca-file", required_argument, "FILE",
	  "Trust the CA certificates in FILE (PEM) instead of the system store." },
	{ OPT_CA_PATH, "ca-path", required_argument, "DIR",
	  "Trust the CA certificates in DIR (hashed, as c_rehash makes)." },
	{ OPT_TLS_MIN, "tls-min", required_argument, "1.2|1.3",
	  "CRITICAL when the negotiated TLS version is older." },
	{ 'U', "authuser", required_argument, "USER",
	  "User name for the login check (AUTH, LOGIN, USER)." },
	{ 'P', "authpass", required_argument, "PASSWORD",
	  "Password for the login check. Better: --authfile or --extra-opts, "
	  "which keep it off the command line and out of the process list." },
	{ OPT_AUTHFILE, "authfile", required_argument, "FILE",
	  "Read 'user=...' and 'password=...' lines (or just the password on "
	  "the first line) from FILE, which must not be readable by group or "
	  "others." },
	{ OPT_ALLOW_PLAINTEXT_AUTH, "allow-plaintext-auth", no_argument, NULL,
	  "Allow credentials over an unencrypted connection (refused by "
	  "default, before anything is sent)." },
	{ OPT_DNS_SERVER, "dns-server", required_argument, "ADDR[:PORT]",
	  "Resolve every name through this DNS server (ldns; IPv4, [IPv6]:PORT) "
	  "instead of the system's resolver." },
	{ OPT_FCRDNS, "fcrdns", no_argument, NULL,
	  "The server's address must have a PTR record whose name resolves back "
	  "to it (forward-confirmed reverse DNS), else WARNING; an SMTP banner "
	  "naming another host is WARNING too." },
	{ OPT_DANE, "dane", optional_argument, "required",
	  "Verify the certificate against the DNSSEC-validated TLSA records of "
	  "_PORT._tcp.HOST (RFC 6698/7671/7672); a matching record replaces "
	  "PKIX verification. Without TLSA records the check says so and goes "
	  "on (CRITICAL with --dane=required). Every record that matches no "
	  "certificate the server sent is named. --dane=rollover (also "
	  "required,rollover) adds: a second key must be published (a record "
	  "for the next key, or a CA record), else WARNING, because replacing "
	  "the only key breaks DANE until DNS catches up (RFC 7671 §8.1)." },
	{ OPT_REQUIRE_TLS, "require-tls", no_argument, NULL,
	  "Security posture (implies -S unless -s): the plaintext session must "
	  "not invite secrets. SMTP: no STARTTLS on a plain port is CRITICAL; "
	  "AUTH offered before STARTTLS is WARNING; on a submission port (587, "
	  "or when -U is given) MAIL FROM accepted before STARTTLS is WARNING. "
	  "IMAP without LOGINDISABLED, or POP3 offering USER or APOP (a "
	  "timestamp in the greeting), before TLS is WARNING." },
	{ OPT_EXPECT_CERT_FILE, "expect-cert-file", required_argument, "PEM",
	  "The server must serve the certificate in this file (the first "
	  "certificate in it: a full chain or key+certificate file works). "
	  "Another one is WARNING naming both notAfter dates: typically renewed "
	  "on disk but the server not reloaded. Implies -S without -s." },
	{ OPT_OUTPUT, "output", required_argument, "FORMAT",
	  "nagios (default); json: one JSON object; openmetrics: the state "
	  "and the perfdata as OpenMetrics gauges (mailprobe_state, "
	  "mailprobe_phase_seconds{phase=...}, mailprobe_time_seconds, "
	  "mailprobe_cert_days, ...; --all-mx adds mx=\"HOST\"), ending in "
	  "'# EOF', for the node_exporter textfile collector, whose parser "
	  "reads '# UNIT' and '# EOF' as comments. The exit code is the same "
	  "in every format." },
	{ OPT_JSON, "json", no_argument, NULL, "Same as --output=json." },
	{ OPT_EXTRA_OPTS, "extra-opts", optional_argument, "[SECTION][@FILE]",
	  "Read options from an ini file (default section: the plugin's name; "
	  "default file: /etc/nagios/plugins.ini and the other "
	  "monitoring-plugins locations). Keeps secrets off the command line." },
	{ 'v', "verbose", no_argument, NULL,
	  "Print the protocol transcript after the status line (secrets "
	  "replaced by ***). Twice for more detail." },
	{ 'V', "version", no_argument, NULL, "Print the version and exit." },
	{ 'h', "help", no_argument, NULL, "Print this help and exit." },
	OPT_END
};

/* async-signal-safe backstop: preformatted message, write(2), _exit(2) */
static char backstop_msg[256];
static size_t backstop_len;
static int backstop_code = STATE_CRITICAL;

static void
plugin_backstop(int sig)
{
	ssize_t w;

	(void)sig;
	w = write(STDOUT_FILENO, backstop_msg, backstop_len);
	(void)w;
	_exit(backstop_code);
}

void
plugin_init(struct plugin *p)
{
	p->family = AF_UNSPEC;
	p->timeout = 10;
	p->timeout_state = STATE_CRITICAL;
	p->untrusted_state = STATE_CRITICAL;
	result_init(&p->res, p->service);
	phase_set_init(&p->phases, p->phase_names);
	sbuf_init(&p->json_extra);
}

static int
plugin_timeout(struct plugin *p, const char *arg, struct err *e)
{
	char num[32];
	const char *colon = strchr(arg, ':');
	size_t n = colon ? (size_t)(colon - arg) : strlen(arg);

	if (n >= sizeof(num))
		return err_set(e, ERR_USAGE, "timeout '%.32s' is not a number of seconds", arg);
	memcpy(num, arg, n);
	num[n] = '\0';
	if (opts_seconds("timeout", num, &p->timeout, e) < 0)
		return -1;
	if (colon && state_parse(colon + 1, &p->timeout_state) < 0)
		return err_set(e, ERR_USAGE, "timeout state '%.32s' must be ok, warning, "
		    "critical or unknown", colon + 1);
	return 0;
}

static void
plugin_set_pass(struct plugin *p, const char *pass)
{
	if (p->authpass) {
		explicit_bzero(p->authpass, strlen(p->authpass));
		free(p->authpass);
	}
	p->authpass = strdup(pass);
}

/* --authfile: "user=..." / "password=..." lines, or the password alone. */
static int
plugin_authfile(struct plugin *p, const char *path, struct err *e)
{
	static char user[256];
	char buf[4096], *line, *save = NULL;
	struct stat st;
	size_t len = 0;
	ssize_t n = 0;
	int fd, first = 1, rc = 0;

	/* a FIFO would block: opts_open_file refuses what is not a regular file */
	fd = opts_open_file("--authfile", path, e);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || (st.st_mode & 077)) {
		close(fd);
		return err_set(e, ERR_USAGE, "--authfile %s is readable by group or others "
		    "(mode %03o): chmod 600 it", path, (unsigned)(st.st_mode & 0777));
	}
	/* on the stack, not in a buffer that grows: no copy of the password
	 * is left behind in freed memory */
	while (len < sizeof(buf) - 1) {
		n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	if (len == sizeof(buf) - 1)
		rc = err_set(e, ERR_USAGE, "--authfile %s is larger than %zu bytes", path,
		    sizeof(buf) - 2);
	else if (n < 0)
		rc = err_sys(e, ERR_USAGE, errno, "cannot read --authfile %s: %s", path,
		    strerror(errno));
	close(fd);
	buf[len] = '\0';
	for (line = rc ? NULL : strtok_r(buf, "\r\n", &save); line;
	    line = strtok_r(NULL, "\r\n", &save)) {
		char *eq = strchr(line, '='), *v;
		size_t kl;

		if (*line == '#' || *line == ';')
			continue;
		if (eq == NULL) {
			if (first)
				plugin_set_pass(p, line);
			first = 0;
			continue;
		}
		first = 0;
		kl = (size_t)(eq - line);
		while (kl > 0 && (line[kl - 1] == ' ' || line[kl - 1] == '\t'))
			kl--;
		for (v = eq + 1; *v == ' ' || *v == '\t'; v++)
			;
		if ((kl == 4 && strncmp(line, "user", 4) == 0) ||
		    (kl == 8 && strncmp(line, "username", 8) == 0)) {
			if (*v == '\0') {
				rc = err_set(e, ERR_USAGE, "--authfile %s: the user name is empty",
				    path);
				break;
			}
			snprintf(user, sizeof(user), "%s", v);
			p->authuser = user;
		} else if ((kl == 8 && strncmp(line, "password", 8) == 0) ||
		    (kl == 4 && strncmp(line, "pass", 4) == 0)) {
			if (*v == '\0') {
				rc = err_set(e, ERR_USAGE, "--authfile %s: the password is empty",
				    path);
				break;
			}
			plugin_set_pass(p, v);
		}
	}
	explicit_bzero(buf, sizeof(buf));
	if (rc == 0 && p->authpass == NULL)
		rc = err_set(e, ERR_USAGE, "--authfile %s holds no password", path);
	return rc;
}

/* -D WARN[,CRIT]: alert when fewer days are left, i.e. ranges "WARN:" */
static int
plugin_cert_days(struct plugin *p, const char *arg, struct err *e)
{
	char w[32], c[32];
	const char *comma = strchr(arg, ',');
	long days;

	snprintf(w, sizeof(w), "%.*s", (int)(comma ? (size_t)(comma - arg) : strlen(arg)), arg);
	if (opts_int("--certificate", w, 0, 36500, &days, e) < 0)
		return -1;
	snprintf(w, sizeof(w), "%ld:", days);
	if (range_parse(&p->cert_warn, w, e) < 0)
		return -1;
	if (comma) {
		if (opts_int("--certificate", comma + 1, 0, 36500, &days, e) < 0)
			return -1;
		snprintf(c, sizeof(c), "%ld:", days);
		if (range_parse(&p->cert_crit, c, e) < 0)
			return -1;
	}
	return 0;
}

/* A file (DIR: a directory) named by option WHAT, read later by OpenSSL:
 * not empty, and when it exists, of the right type (OpenSSL would wait
 * for a FIFO). A missing file is left to the reader, which says so. */
static int
plugin_file_arg(const struct plugin *p, const char *what, const char *arg,
    int dir, struct err *e)
{
	struct stat st;

	(void)p;
	if (arg[0] == '\0')
		return err_set(e, ERR_USAGE, "%s needs a %s name, not an empty string",
		    what, dir ? "directory" : "file");
	if (stat(arg, &st) < 0)
		return 0;
	if (dir && !S_ISDIR(st.st_mode))
		return err_set(e, ERR_USAGE, "%s %s is not a directory", what, arg);
	if (!dir && S_ISDIR(st.st_mode))
		return err_set(e, ERR_USAGE, "%s: %s is a directory; give the "
		    "certificate file (PEM)", what, arg);
	if (!dir && !S_ISREG(st.st_mode))
		return err_set(e, ERR_USAGE, "%s %s is not a regular file", what, arg);
	return 0;
}

static int
plugin_common(void *ctx, int id, const char *arg, struct err *e)
{
	struct plugin *p = ctx;
	long v;

	switch (id) {
	case 'H':
		if (opts_hostname("-H", arg, e) < 0)
			return -1;
		p->host = arg;
		return 0;
	case 'p':
		if (opts_int("port", arg, 1, 65535, &v, e) < 0)
			return -1;
		p->port = (int)v;
		return 0;
	case '4':
		p->family = AF_INET;
		return 0;
	case '6':
		p->family = AF_INET6;
		return 0;
	case 't':
		return plugin_timeout(p, arg, e);
	case 'w':
		return range_parse(&p->phases.total_warn, arg, e);
	case 'c':
		return range_parse(&p->phases.total_crit, arg, e);
	case OPT_WARNING_PHASE:
		return phase_threshold(&p->phases, arg, 0, e);
	case OPT_CRITICAL_PHASE:
		return phase_threshold(&p->phases, arg, 1, e);
	case OPT_OUTPUT:
		if (strcmp(arg, "json") == 0)
			p->output = PLUGIN_OUT_JSON;
		else if (strcmp(arg, "openmetrics") == 0)
			p->output = PLUGIN_OUT_OPENMETRICS;
		else if (strcmp(arg, "nagios") == 0)
			p->output = PLUGIN_OUT_NAGIOS;
		else
			return err_set(e, ERR_USAGE, "--output must be nagios, json or "
			    "openmetrics, not '%.32s'", arg);
		return 0;
	case OPT_JSON:
		p->output = PLUGIN_OUT_JSON;
		return 0;
	case 'S':
		p->starttls = 1;
		return 0;
	case 's':
		p->implicit_tls = 1;
		return 0;
	case OPT_SNI:
		if (arg && (arg[0] == '\0' || strpbrk(arg, " /")))
			return err_set(e, ERR_USAGE, "--sni needs a host name");
		p->sni = arg;
		return 0;
	case 'r':
		if (arg == NULL || strcmp(arg, "v1") == 0 || strcmp(arg, "1") == 0)
			p->proxy = 1;
		else if (strcmp(arg, "v2") == 0 || strcmp(arg, "2") == 0)
			p->proxy = 2;
		else
			return err_set(e, ERR_USAGE, "--proxy must be v1 or v2, not '%.16s'", arg);
		return 0;
	case 'D':
		return plugin_cert_days(p, arg, e);
	case OPT_VERIFY:
		if (strcmp(arg, "full") == 0)
			p->verify = TLS_VERIFY_FULL;
		else if (strcmp(arg, "chain") == 0)
			p->verify = TLS_VERIFY_CHAIN;
		else if (strcmp(arg, "none") == 0)
			p->verify = TLS_VERIFY_NONE;
		else
			return err_set(e, ERR_USAGE, "--verify must be full, chain or none");
		return 0;
	case OPT_CA_FILE:
		if (plugin_file_arg(p, "--ca-file", arg, 0, e) < 0)
			return -1;
		p->ca_file = arg;
		return 0;
	case OPT_CA_PATH:
		if (plugin_file_arg(p, "--ca-path", arg, 1, e) < 0)
			return -1;
		p->ca_path = arg;
		return 0;
	case 'U':
		if (arg[0] == '\0')
			return err_set(e, ERR_USAGE, "-U needs a user name, not an empty "
			    "string");
		p->authuser = arg;
		return 0;
	case 'P':
		if (arg[0] == '\0')
			return err_set(e, ERR_USAGE, "-P needs a password, not an empty "
			    "string");
		plugin_set_pass(p, arg);
		return p->authpass ? 0 : err_set(e, ERR_INTERNAL, "out of memory");
	case OPT_AUTHFILE:
		return plugin_authfile(p, arg, e);
	case OPT_ALLOW_PLAINTEXT_AUTH:
		p->allow_plaintext_auth = 1;
		return 0;
	case OPT_DNS_SERVER:
		if (arg[0] == '\0')
			return err_set(e, ERR_USAGE, "--dns-server needs an address, not an "
			    "empty string");
		p->dns_server = arg;
		p->use_ldns = 1;
		return 0;
	case OPT_FCRDNS:
		p->fcrdns = 1;
		return 0;
	case OPT_DANE:
		if (p->dane == 0)   /* a bare --dane never undoes =required */
			p->dane = 1;
		if (arg == NULL)
			return 0;
		if (strcmp(arg, "required") == 0) {
			p->dane = 2;
		} else if (strcmp(arg, "rollover") == 0) {
			p->dane_rollover = 1;
		} else if (strcmp(arg, "required,rollover") == 0 ||
		    strcmp(arg, "rollover,required") == 0) {
			p->dane = 2;
			p->dane_rollover = 1;
		} else {
			return err_set(e, ERR_USAGE, "--dane takes no value, 'required', "
			    "'rollover' or 'required,rollover'");
		}
		return 0;
	case OPT_REQUIRE_TLS:
		p->require_tls = 1;
		return 0;
	case OPT_EXPECT_CERT_FILE:
		if (plugin_file_arg(p, "--expect-cert-file", arg, 0, e) < 0)
			return -1;
		p->expect_cert_file = arg;
		return 0;
	case OPT_TLS_MIN:
		if (strcmp(arg, "1.2") == 0)
			p->tls_min = 12;
		else if (strcmp(arg, "1.3") == 0)
			p->tls_min = 13;
		else
			return err_set(e, ERR_USAGE, "--tls-min must be 1.2 or 1.3");
		return 0;
	case OPT_EXTRA_OPTS:
		return 0;   /* expanded before parsing */
	case 'v':
		p->verbose++;
		return 0;
	case 'V':
		printf("%s (%s %s)\n", p->name, PACKAGE_NAME, PACKAGE_VERSION);
		result_free(&p->res);
		extra_opts_free(p->argv_orig, p->argv_alloc);
		exit(STATE_UNKNOWN);
	case OPT_HELP_MAN:
		plugin_man(p);
		result_free(&p->res);
		extra_opts_free(p->argv_orig, p->argv_alloc);
		exit(0);
	case 'h':
		plugin_help(p);
		result_free(&p->res);
		extra_opts_free(p->argv_orig, p->argv_alloc);
		exit(STATE_UNKNOWN);
	default:
		if (p->handler)
			return p->handler(p->ctx, id, arg, e);
		return err_set(e, ERR_INTERNAL, "unhandled option %d", id);
	}
}

static void
plugin_help(const struct plugin *p)
{
	const struct opt_spec *tables[] = { plugin_common_opts, p->opts, NULL };

	printf("%s (%s %s)\n\n", p->name, PACKAGE_NAME, PACKAGE_VERSION);
	opts_wrap(stdout, p->description, 0);
	printf("\nUsage: %s %s\n\nOptions:\n", p->name, p->synopsis);
	opts_help(stdout, tables);
	printf("\nExit states: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (usage "
	    "errors and the plugin's own faults only).\n");
	if (p->examples)
		printf("\nExamples:\n%s", p->examples);
	if (p->compat)
		printf("\nCompatibility:\n%s", p->compat);
}

static void
plugin_man(const struct plugin *p)
{
	const struct opt_spec *tables[] = { plugin_common_opts, p->opts, NULL };
	const char *line, *nl;

	printf(".TH %s 1 \"\" \"%s %s\" \"Monitoring plugins\"\n", p->name,
	    PACKAGE_NAME, PACKAGE_VERSION);
	printf(".SH NAME\n%s \\- %s plugin of %s\n", p->name, p->service, PACKAGE_NAME);
	printf(".SH SYNOPSIS\n.B %s\n", p->name);
	opts_man_text(stdout, p->synopsis);
	printf("\n.SH DESCRIPTION\n");
	opts_man_text(stdout, p->description);
	printf("\n.SH OPTIONS\n");
	opts_man(stdout, tables);
	printf(".SH EXIT STATUS\n0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (usage errors "
	    "and the plugin's own faults only; also after \\fB\\-\\-help\\fR and "
	    "\\fB\\-\\-version\\fR, as monitoring\\-plugins do).\n");
	printf(".SH OUTPUT\nLine 1: \\fISERVICE STATE \\- text | perfdata\\fR; "
	    "then long output, one fact per line; with \\fB\\-v\\fR the protocol "
	    "transcript (secrets replaced by ***). \\fB\\-\\-output=json\\fR prints "
	    "one JSON object instead, \\fB\\-\\-output=openmetrics\\fR the state "
	    "and the perfdata as OpenMetrics text; the exit status is the same.\n");
	if (p->examples) {
		printf(".SH EXAMPLES\n");
		for (line = p->examples; *line; line = nl + 1) {
			nl = strchr(line, '\n');
			if (nl == NULL)
				break;
			if (line[0] == ' ' && line[1] == ' ' && line[2] != ' ')
				printf(".PP\n.B ");
			else
				printf(".br\n");
			while (*line == ' ')
				line++;
			{
				char tmp[512];

				snprintf(tmp, sizeof(tmp), "%.*s", (int)(nl - line), line);
				opts_man_text(stdout, tmp);
			}
			putchar('\n');
		}
	}
	if (p->compat) {
		printf(".SH COMPATIBILITY\n.nf\n");
		opts_man_text(stdout, p->compat);
		printf("\n.fi\n");
	}
	printf(".SH SEE ALSO\ncheck_smtp_tx(1), check_imap_banner(1), check_pop3_banner(1)\n");
}

void
plugin_usage_error(struct plugin *p, const char *msg)
{
	char clean[ERR_MSG_MAX * 2];

	/* MSG may quote the command line: cleaned as server text is, so no
	 * '|' starts perfdata and no escape sequence reaches a terminal */
	err_sanitize(clean, sizeof(clean), msg, strlen(msg));
	printf("%s UNKNOWN - %s\nUsage: %s %s\nTry '%s --help' for all options "
	    "and examples.\n", p->service, clean, p->name, p->synopsis, p->name);
	result_free(&p->res);
	extra_opts_free(p->argv_orig, p->argv_alloc);
	exit(STATE_UNKNOWN);
}

/* The -t of the command line, looked for before the options are parsed,
 * so that the backstop guards the reading of --extra-opts and --authfile
 * files with it (default: 10 s; an ini file's -t counts from parsing on). */
static void
plugin_pre_timeout(struct plugin *p, int argc, char **argv)
{
	struct err e;
	const char *arg;
	int i;

	for (i = 1; i < argc; i++) {
		arg = NULL;
		if (strcmp(argv[i], "--") == 0)
			break;
		if ((strcmp(argv[i], "-t") == 0 || strcmp(argv[i], "--timeout") == 0) &&
		    i + 1 < argc)
			arg = argv[++i];
		else if (strncmp(argv[i], "--timeout=", 10) == 0)
			arg = argv[i] + 10;
		else if (strncmp(argv[i], "-t", 2) == 0 && argv[i][2] != '-')
			arg = argv[i] + 2;
		err_clear(&e);
		if (arg)
			(void)plugin_timeout(p, arg, &e);
	}
}

/* The alarm() backstop for the rest of the run: p->timeout from
 * p->run_start_us on, plus one second. */
static void
plugin_arm(struct plugin *p)
{
	struct sigaction sa;
	int64_t left_us;
	int n;

	n = snprintf(backstop_msg, sizeof(backstop_msg),
	    "%s %s - internal backstop: the run overran its %g s timeout\n",
	    p->service, state_name(p->timeout_state), p->timeout);
	backstop_len = n > 0 ? (size_t)n : 0;
	backstop_code = p->timeout_state;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = plugin_backstop;
	sigaction(SIGALRM, &sa, NULL);
	left_us = p->run_start_us + (int64_t)(p->timeout * 1e6) - deadline_now_us();
	alarm(left_us > 0 ? (unsigned)((left_us + 999999) / 1000000) + 1 : 1);
}

void
plugin_parse(struct plugin *p, int argc, char **argv)
{
	const struct opt_spec *tables[] = { plugin_common_opts, p->opts, NULL };
	struct opts_fault f;
	struct err e;
	int nargc;

	err_clear(&e);
	/* the clock starts before any file is read (--extra-opts, --authfile,
	 * --body-file): a file that blocks cannot outlast -t */
	p->run_start_us = deadline_now_us();
	plugin_pre_timeout(p, argc, argv);
	plugin_arm(p);
	p->argv_orig = argv;
	if (extra_opts_expand(argc, argv, p->name, &nargc, &p->argv_alloc, &e) < 0)
		plugin_usage_error(p, e.msg);
	if (opts_parse_at(nargc, p->argv_alloc, tables, plugin_common, p, &f, &e) < 0) {
		const char *key, *file;
		char msg[ERR_MSG_MAX + 1024];
		int line;

		if (extra_opts_origin(argv, p->argv_alloc, f.word, &key, &file, &line) < 0)
			plugin_usage_error(p, e.msg);
		/* never the value of an ini entry: it may be a password */
		snprintf(msg, sizeof(msg), "--extra-opts %.512s line %d: %s '%.64s'%s", file,
		    line, f.kind == OPTS_FAULT_UNKNOWN ? "unknown or ambiguous option" :
		    f.kind == OPTS_FAULT_VALUE ? "invalid value for option" : "option",
		    key, f.kind == OPTS_FAULT_NOARG || f.kind == OPTS_FAULT_STRAY ?
		    " takes no value" : f.kind == OPTS_FAULT_NEEDARG ? " needs a value" :
		    f.kind == OPTS_FAULT_VALUE ? " (the value is not shown)" : "");
		plugin_usage_error(p, msg);
	}
	/* an -t of the ini file is known now */
	plugin_arm(p);
}

void
plugin_start(struct plugin *p)
{
	struct sigaction sa;
	int64_t end;

	deadline_init(&p->dl, p->timeout);
	/* -t counts from plugin_parse on, when the files were read */
	end = p->run_start_us + (int64_t)(p->timeout * 1e6);
	if (p->run_start_us && end < p->dl.end_us)
		p->dl.end_us = end;
	else
		p->run_start_us = p->dl.start_us;
	plugin_arm(p);
	/* a write to a connection the server has reset (OpenSSL writes with
	 * write(2), e.g. its close_notify) must be an error to report, not a
	 * signal that kills the plugin before it prints anything */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

static int
plugin_proxy_header(const struct plugin *p, struct conn *c,
    const struct net_peer *peer, struct err *e)
{
	const struct net_addr *src = &peer->local, *dst = &peer->remote;
	int sport = 0, v6 = dst->family == AF_INET6;

	if (src->family == AF_INET6)
		sport = ntohs(((const struct sockaddr_in6 *)&src->ss)->sin6_port);
	else
		sport = ntohs(((const struct sockaddr_in *)&src->ss)->sin_port);
	if (p->proxy == 1) {
		char line[256];

		snprintf(line, sizeof(line), "PROXY %s %s %s %d %d", v6 ? "TCP6" : "TCP4",
		    src->text, dst->text, sport, peer->port);
		return conn_send_line(c, line, e);
	} else {
		/* v2: signature, version 2 + PROXY, family/protocol, length */
		static const unsigned char sig[12] = {
			0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a
		};
		unsigned char h[16 + 36];
		size_t n = 16;

		memcpy(h, sig, 12);
		h[12] = 0x21;
		h[13] = v6 ? 0x21 : 0x11;
		if (v6) {
			const struct sockaddr_in6 *s6 = (const void *)&src->ss;
			const struct sockaddr_in6 *d6 = (const void *)&dst->ss;

			memcpy(h + n, &s6->sin6_addr, 16);
			memcpy(h + n + 16, &d6->sin6_addr, 16);
			memcpy(h + n + 32, &s6->sin6_port, 2);
			memcpy(h + n + 34, &d6->sin6_port, 2);
			n += 36;
		} else {
			const struct sockaddr_in *s4 = (const void *)&src->ss;
			const struct sockaddr_in *d4 = (const void *)&dst->ss;

			memcpy(h + n, &s4->sin_addr, 4);
			memcpy(h + n + 4, &d4->sin_addr, 4);
			memcpy(h + n + 8, &s4->sin_port, 2);
			memcpy(h + n + 10, &d4->sin_port, 2);
			n += 12;
		}
		h[14] = 0;
		h[15] = (unsigned char)(n - 16);
		if (c->transcript)
			sbuf_printf(c->transcript, "C: [PROXY v2 header, %zu bytes]\n", n);
		return conn_write(c, h, n, e);
	}
}

/* --dane: fetch the TLSA records of _PORT._tcp.HOST (HOST: --sni, else
 * the host name). Records without the AD bit are not used (RFC 7672 §2.2). */
static int
plugin_tlsa(struct plugin *p, struct err *e)
{
	const char *base = p->sni ? p->sni : p->host;
	int n = 0;

	if (net_is_literal(base))
		return err_set(e, ERR_USAGE, "--dane needs a host name (or --sni NAME), "
		    "not the address %s", base);
	phase_begin(&p->phases, "dns");
	if (plugin_dns(p, e) == NULL || dns_tlsa(p->dns, base, p->port, &p->dl,
	    p->tlsa, DNS_TLSA_MAX, &n, &p->tlsa_secure, e) < 0) {
		char tmp[ERR_MSG_MAX];

		snprintf(tmp, sizeof(tmp), "%s", e->msg);
		err_set(e, e->kind == ERR_TIMEOUT ? ERR_TIMEOUT : ERR_DNS,
		    "DANE: TLSA lookup for _%d._tcp.%s failed: %s", p->port, base, tmp);
		return -1;
	}
	p->ntlsa = n;
	p->tlsa_looked_up = 1;
	if (n == 0) {
		if (p->dane == 2)
			result_problem(&p->res, STATE_CRITICAL, "DANE: no TLSA records for "
			    "_%d._tcp.%s (--dane=required)", p->port, base);
		else
			result_detail(&p->res, "DANE: no TLSA records for _%d._tcp.%s; "
			    "PKIX verification applies", p->port, base);
	} else if (!p->tlsa_secure) {
		result_problem(&p->res, STATE_CRITICAL, "DANE: the %d TLSA record%s of "
		    "_%d._tcp.%s %s not DNSSEC-validated (no AD bit from the resolver)",
		    n, n > 1 ? "s" : "", p->port, base, n > 1 ? "are" : "is");
		p->ntlsa = 0;
	}
	return 0;
}

/* "3 1 1 0a1b2c3d4e5f6071..." for messages. */
static void
plugin_tlsa_text(const struct dns_tlsa *r, char *out, size_t cap)
{
	size_t i, o;

	o = (size_t)snprintf(out, cap, "%u %u %u ", r->usage, r->selector, r->mtype);
	for (i = 0; i < r->len && i < 8 && o + 3 < cap; i++)
		o += (size_t)snprintf(out + o, cap - o, "%02x", r->data[i]);
	if (r->len > 8 && o + 4 < cap)
		snprintf(out + o, cap - o, "...");
}

/* --dane: name each TLSA record that matches nothing the server sent, and
 * with --dane=rollover insist on a second key: a record that does not
 * match the current certificate (the next key, published ahead), or a CA
 * record (usage 0/2), which survives a new leaf key (RFC 7671 §8.1). */
static void
plugin_tlsa_each(struct plugin *p, const struct tls_info *in)
{
	const char *base = p->sni ? p->sni : p->host;
	char rec[64];
	int i, spare = 0, u = 0, n = in->ntlsa < p->ntlsa ? in->ntlsa : p->ntlsa;

	for (i = 0; i < n; i++) {
		plugin_tlsa_text(&p->tlsa[i], rec, sizeof(rec));
		if (!in->tlsa_usable[i]) {
			/* an unknown usage, selector or matching type: no key at all */
			result_detail(&p->res, "DANE: TLSA %s of _%d._tcp.%s is not usable "
			    "(unsupported usage, selector or matching type)", rec, p->port, base);
			continue;
		}
		u++;
		if (p->tlsa[i].usage == 0 || p->tlsa[i].usage == 2)
			spare++;
		if (in->tlsa_match[i])
			continue;
		spare++;
		result_detail(&p->res, "DANE: TLSA %s of _%d._tcp.%s matches no certificate "
		    "the server sent (a next key published ahead, or a stale record)", rec,
		    p->port, base);
	}
	if (p->dane_rollover && u > 0 && spare == 0)
		result_problem(&p->res, STATE_WARNING, "%s: DANE: no second key published: "
		    "%s usable TLSA record%s of _%d._tcp.%s match%s only the current "
		    "certificate, so replacing it breaks DANE until DNS catches up "
		    "(publish the next key first, RFC 7671 §8.1)", p->target,
		    u == 1 ? "the one" : "all", u == 1 ? "" : "s", p->port, base,
		    u == 1 ? "es" : "");
}

/* --expect-cert-file: is the certificate served the one on disk? */
static void
plugin_expect_cert(struct plugin *p, const struct tls_info *in)
{
	const struct tls_info *f = &p->expect_cert;

	if (strcmp(in->fingerprint, f->fingerprint) == 0) {
		result_detail(&p->res, "certificate is the one in %s", p->expect_cert_file);
		return;
	}
	if (f->not_after_epoch > in->not_after_epoch)
		result_problem(&p->res, STATE_WARNING, "%s: serves an older certificate than "
		    "%s (notAfter %s served, %s on disk): renewed but not reloaded?",
		    p->target, p->expect_cert_file, in->not_after, f->not_after);
	else
		result_problem(&p->res, STATE_WARNING, "%s: serves a certificate other than "
		    "the one in %s (notAfter %s served, %s on disk)", p->target,
		    p->expect_cert_file, in->not_after, f->not_after);
	result_detail(&p->res, "certificate in %s: subject %s; SHA-256 %s",
	    p->expect_cert_file, f->subject, f->fingerprint);
}

int
plugin_upgrade(struct plugin *p, struct err *e)
{
	struct tls_tlsa tt[DNS_TLSA_MAX];
	long days;
	int i;
	struct conn *c = &p->conn;
	struct tls_opts o;
	const struct tls_info *in;
	struct tls *t;
	const char *name = p->sni ? p->sni : p->host;
	int literal = name && net_is_literal(name);

	p->tls_untrusted = 0;
	/* checked before OpenSSL is loaded: a session that failed here needs none
	 * of it, and under a slow loader the verdict must not wait for it */
	if (conn_buffered(c) > 0)
		return err_set(e, ERR_PROTO, "server sent %zu unexpected bytes before the "
		    "TLS handshake (refusing: plaintext injected after the go-ahead "
		    "could be taken as encrypted)", conn_buffered(c));
	memset(&o, 0, sizeof(o));
	o.sni = name;
	o.verify_ip = literal ? name : NULL;
	o.verify = p->verify;
	o.ca_file = p->ca_file;
	o.ca_path = p->ca_path;
	o.min_version = p->tls_min;
	for (i = 0; i < p->ntlsa; i++) {
		tt[i].usage = p->tlsa[i].usage;
		tt[i].selector = p->tlsa[i].selector;
		tt[i].mtype = p->tlsa[i].mtype;
		tt[i].data = p->tlsa[i].data;
		tt[i].len = p->tlsa[i].len;
	}
	o.tlsa = tt;
	o.ntlsa = p->ntlsa;
	o.dane_base = p->sni ? p->sni : p->host;
	t = tls_new(&o, e);
	if (t == NULL)
		return -1;
	if (tls_start(t, c, e) < 0) {
		tls_free(t);
		return -1;
	}
	p->tls = t;
	in = tls_get_info(t);
	p->tls_info = *in;
	p->have_tls_info = 1;
	result_detail(&p->res, "TLS: %s, cipher %s", in->protocol, in->cipher);
	/* whole days, truncated toward zero: 5.9 days left is 5, expired 3.2
	 * days ago is -3, in the text and in the perfdata alike */
	days = (long)in->days_left;
	if (!(in->problems & TLS_P_NO_CERT)) {
		result_detail(&p->res, "certificate: subject %s; issuer %s", in->subject,
		    in->issuer);
		result_detail(&p->res, "certificate names: %s", in->names[0] ? in->names : "none");
		if (in->days_left < 0)
			result_detail(&p->res, "certificate expired on %s (%ld days ago); "
			    "SHA-256 %s", in->not_after, -days, in->fingerprint);
		else
			result_detail(&p->res, "certificate valid until %s (%ld days left); "
			    "SHA-256 %s", in->not_after, days, in->fingerprint);
		result_perf_host(&p->res, p->perf_prefix, "cert_days", (double)days, "",
		    &p->cert_warn, &p->cert_crit, NAN, NAN);
	}
	if (in->dane > 0)
		result_detail(&p->res, "DANE: the certificate matches TLSA %s", in->dane_match);
	else if (p->dane && p->ntlsa > 0 && in->dane_usable == 0)
		result_problem(&p->res, STATE_CRITICAL, "DANE: none of the %d TLSA records "
		    "is usable", p->ntlsa);
	if (p->ntlsa > 0)
		plugin_tlsa_each(p, in);
	if (p->expect_cert_file && !(in->problems & TLS_P_NO_CERT))
		plugin_expect_cert(p, in);
	if (!in->verified && p->untrusted_state == STATE_OK) {
		/* a policy that is switched off (MTA-STS mode none): noted only */
		p->tls_untrusted = 1;
		result_detail(&p->res, "%s: %s (phase %s; not enforced)", p->target,
		    in->verify_msg, phase_current(&p->phases));
	} else if (!in->verified) {
		p->tls_untrusted = 1;
		result_problem(&p->res, p->untrusted_state, "%s: %s (phase %s)", p->target,
		    in->verify_msg, phase_current(&p->phases));
	} else if (in->days_left < 0) {
		/* verification off (--verify=none, or DANE-EE): expiry still counts */
		result_problem(&p->res, p->cert_warn.set || p->cert_crit.set ?
		    STATE_CRITICAL : STATE_WARNING, "%s: certificate expired %ld day%s ago "
		    "(notAfter %s)", p->target, -days, days == -1 ? "" : "s", in->not_after);
	} else if (range_alert(&p->cert_crit, (double)days)) {
		result_problem(&p->res, STATE_CRITICAL, "%s: certificate expires in %ld days "
		    "(critical below %.0f, notAfter %s)", p->target, days,
		    p->cert_crit.start, in->not_after);
	} else if (range_alert(&p->cert_warn, (double)days)) {
		result_problem(&p->res, STATE_WARNING, "%s: certificate expires in %ld days "
		    "(warning below %.0f, notAfter %s)", p->target, days,
		    p->cert_warn.start, in->not_after);
	}
	if (!in->version_ok)
		result_problem(&p->res, STATE_CRITICAL, "%s: negotiated %s, older than the "
		    "required TLSv1.%d", p->target, in->protocol, p->tls_min - 10);
	return 0;
}

int
plugin_srv(struct plugin *p, const char *tls_service, const char *plain_service)
{
	struct dns_srv srv[DNS_SRV_MAX];
	char name[DNS_NAME_MAX + 32];
	struct err e;
	int n = 0;

	err_clear(&e);
	snprintf(name, sizeof(name), "_%s._tcp.%s", p->implicit_tls ? tls_service :
	    plain_service, p->srv_domain);
	phase_begin(&p->phases, "dns");
	if (plugin_dns(p, &e) == NULL ||
	    dns_srv(p->dns, name, &p->dl, srv, DNS_SRV_MAX, &n, &e) < 0) {
		result_problem(&p->res, plugin_err_state(p, &e), "cannot look up the SRV "
		    "records %s: %s", name, e.msg);
		return -1;
	}
	if (n == 0) {
		result_problem(&p->res, STATE_CRITICAL, "no SRV record %s", name);
		return -1;
	}
	if (strcmp(srv[0].target, ".") == 0) {
		result_problem(&p->res, STATE_CRITICAL, "%s does not offer this service "
		    "(SRV %s has the target \".\", RFC 6186)", p->srv_domain, name);
		return -1;
	}
	memcpy(p->srv_host, srv[0].target, sizeof(p->srv_host));
	p->host = p->srv_host;
	if (p->port == 0 || p->port_from_default)
		p->port = (int)srv[0].port;
	result_detail(&p->res, "SRV %s: %u %u %u %s%s", name, srv[0].prio, srv[0].weight,
	    srv[0].port, srv[0].target, n > 1 ? " (first of several)" : "");
	return 0;
}

void
plugin_check_tls_opts(struct plugin *p, int tls_port)
{
	if (p->starttls && p->implicit_tls)
		plugin_usage_error(p, "-S (STARTTLS) and -s (implicit TLS) exclude each other");
	if ((p->cert_warn.set || p->cert_crit.set || p->dane || p->require_tls ||
	    p->expect_cert_file) && !p->implicit_tls)
		p->starttls = 1;
	if (p->expect_cert_file) {
		struct err e;

		err_clear(&e);
		if (tls_cert_file(p->expect_cert_file, &p->expect_cert, &e) < 0) {
			char msg[ERR_MSG_MAX + 32];

			snprintf(msg, sizeof(msg), "--expect-cert-file: %s", e.msg);
			plugin_usage_error(p, msg);
		}
	}
	if (p->srv_domain && p->host)
		plugin_usage_error(p, "-H and --srv exclude each other");
	if (p->srv_domain)
		p->use_ldns = 1;
	if (p->dane && !p->sni && p->host && net_is_literal(p->host))
		plugin_usage_error(p, "--dane needs a host name: give -H NAME or --sni NAME");
	if (p->port == 0) {
		p->port = p->implicit_tls ? tls_port : p->default_port;
		p->port_from_default = 1;
	}
}

int
plugin_want_login(struct plugin *p)
{
	if (!p->authuser && !p->authpass)
		return 0;
	if (!p->authuser || !p->authpass)
		plugin_usage_error(p, "the login check needs both a user (-U) and a "
		    "password (-P, --authfile or --extra-opts)");
	if (!p->starttls && !p->implicit_tls && !p->allow_plaintext_auth)
		plugin_usage_error(p, "refusing to send credentials over an "
		    "unencrypted connection: add -S (STARTTLS) or -s (implicit TLS), "
		    "or --allow-plaintext-auth");
	return 1;
}

int
plugin_connect(struct plugin *p, struct err *e)
{
	struct net_addrs addrs;
	int fd, literal = net_is_literal(p->host);

	snprintf(p->target, sizeof(p->target), literal && strchr(p->host, ':') &&
	    p->host[0] != '[' ? "[%s]:%d" : "%s:%d", p->host, p->port);
	if (p->have_addrs) {
		addrs = p->addrs;
	} else {
		if (!literal)
			phase_begin(&p->phases, "dns");
		if (p->use_ldns && !literal) {
			int cname;

			if (plugin_dns(p, e) == NULL ||
			    dns_addrs(p->dns, p->host, p->port, p->family, &p->dl, &addrs,
			    &cname, e) < 0)
				return -1;
		} else if (net_resolve(p->host, p->port, p->family, &p->dl, &addrs, e) < 0) {
			return -1;
		}
	}
	phase_begin(&p->phases, "connect");
	if (addrs.n == 1 && !literal)
		snprintf(p->target, sizeof(p->target), "%s[%s]:%d", p->host,
		    addrs.a[0].text, p->port);
	fd = net_connect(&addrs, &p->dl, &p->peer, e);
	if (fd < 0)
		return -1;
	if (literal)
		snprintf(p->target, sizeof(p->target), p->peer.remote.family == AF_INET6 ?
		    "[%s]:%d" : "%s:%d", p->peer.remote.text, p->peer.port);
	else
		snprintf(p->target, sizeof(p->target), "%s[%s]:%d", p->host,
		    p->peer.remote.text, p->peer.port);
	conn_init(&p->conn, fd, &p->dl);
	p->connected = 1;
	if (p->fcrdns)
		plugin_fcrdns(p);
	if (p->dane && plugin_tlsa(p, e) < 0)
		return -1;
	if (p->verbose)
		p->conn.transcript = &p->res.transcript;
	if (p->proxy && plugin_proxy_header(p, &p->conn, &p->peer, e) < 0)
		return -1;
	if (p->implicit_tls) {
		phase_begin(&p->phases, "tls");
		if (plugin_upgrade(p, e) < 0)
			return -1;
	}
	return 0;
}

struct dns *
plugin_dns(struct plugin *p, struct err *e)
{
	if (p->dns == NULL)
		p->dns = dns_new(p->dns_server, e);
	return p->dns;
}

void
plugin_fcrdns(struct plugin *p)
{
	char names[DNS_PTR_MAX][DNS_NAME_MAX];
	const char *addr = p->peer.remote.text;
	struct err e;
	int i, j, n = 0;

	err_clear(&e);
	phase_begin(&p->phases, "dns");
	if (plugin_dns(p, &e) == NULL || dns_ptr(p->dns, &p->peer.remote, &p->dl,
	    names, DNS_PTR_MAX, &n, &e) < 0) {
		result_problem(&p->res, STATE_WARNING, "FCrDNS: cannot look up the PTR of "
		    "%s: %s", addr, e.msg);
		return;
	}
	if (n == 0) {
		result_problem(&p->res, STATE_WARNING, "FCrDNS: %s has no PTR record", addr);
		return;
	}
	for (i = 0; i < n; i++) {
		struct net_addrs fwd;
		int cname;

		err_clear(&e);
		if (dns_addrs(p->dns, names[i], p->peer.port, AF_UNSPEC, &p->dl, &fwd,
		    &cname, &e) < 0)
			continue;
		for (j = 0; j < fwd.n; j++) {
			if (strcmp(fwd.a[j].text, addr) == 0) {
				memcpy(p->ptr_name, names[i], sizeof(p->ptr_name));
				p->ptr_name[sizeof(p->ptr_name) - 1] = '\0';
				result_detail(&p->res, "FCrDNS: %s -> %s -> %s", addr, names[i], addr);
				return;
			}
		}
	}
	result_problem(&p->res, STATE_WARNING, "FCrDNS: the PTR name%s of %s (%s%s) "
	    "do%s not resolve back to it", n > 1 ? "s" : "", addr, names[0],
	    n > 1 ? ", ..." : "", n > 1 ? "" : "es");
}

void
plugin_tls_summary(const struct plugin *p, const char *via, struct sbuf *out)
{
	const struct tls_info *in = &p->tls_info;

	if (!p->have_tls_info)
		return;
	sbuf_printf(out, ", %s%s%s", in->protocol, p->starttls ? " via " : "",
	    p->starttls ? via : "");
	if (!(in->problems & TLS_P_NO_CERT))
		sbuf_printf(out, in->days_left < 0 ? ", certificate expired %ld days ago" :
		    ", certificate %ld days left", labs((long)in->days_left));
}

void
plugin_fail(struct plugin *p, const struct err *e)
{
	enum state st = plugin_err_state(p, e);
	const char *phase = phase_current(&p->phases);

	if (e->kind == ERR_RESOLVE || (e->kind == ERR_TIMEOUT && e->phase &&
	    strcmp(e->phase, "dns") == 0))
		result_problem(&p->res, st, "%s", e->msg);
	else if (e->kind == ERR_TIMEOUT && (strcmp(phase, "connect") == 0 ||
	    strcmp(phase, "dns") == 0))
		result_problem(&p->res, st, "%s: %s in phase %s (timeout %g s)",
		    p->target, e->msg, phase, p->timeout);
	else if (e->kind == ERR_TIMEOUT)
		result_problem(&p->res, st, "%s: %s within %.1f s in phase %s (timeout %g s)",
		    p->target, e->msg, phase_running_secs(&p->phases), phase, p->timeout);
	else if (e->kind == ERR_REJECTED)
		result_problem(&p->res, st, "%s: %s: %s", p->target, e->msg, e->reply);
	else if (e->kind == ERR_MISSING_FEATURE || e->kind == ERR_CONNECT ||
	    e->kind == ERR_USAGE)
		result_problem(&p->res, st, "%s: %s", p->target, e->msg);
	else if (e->reply[0])
		result_problem(&p->res, st, "%s: %s in phase %s: %s", p->target,
		    e->msg, phase, e->reply);
	else
		result_problem(&p->res, st, "%s: %s in phase %s", p->target, e->msg,
		    phase);
}

void
plugin_close(struct plugin *p)
{
	dns_free(p->dns);
	p->dns = NULL;
	tls_free(p->tls);
	p->tls = NULL;
	if (p->connected)
		conn_close(&p->conn);
	p->connected = 0;
}

enum state
plugin_err_state(const struct plugin *p, const struct err *e)
{
	switch (e->kind) {
	case ERR_NONE:
		return STATE_OK;
	case ERR_USAGE:
	case ERR_INTERNAL:
		return STATE_UNKNOWN;
	case ERR_TIMEOUT:
		return p->timeout_state;
	case ERR_REJECTED:
		if (e->reply_code >= 400 && e->reply_code < 500 && e->reply_code != 421)
			return STATE_WARNING;
		return STATE_CRITICAL;
	default:
		return STATE_CRITICAL;
	}
}

/* --output=json: one object, for cron probes and log pipelines. */
static void
plugin_print_json(const struct plugin *p, double total, FILE *f)
{
	const struct result *r = &p->res;
	struct sbuf j, tmp;
	const char *line, *nl;
	int i, first;

	sbuf_init(&j);
	sbuf_init(&tmp);
	sbuf_add(&j, "{\"plugin\":");
	sbuf_json_str(&j, p->name);
	sbuf_add(&j, ",\"service\":");
	sbuf_json_str(&j, p->service);
	sbuf_printf(&j, ",\"state\":\"%s\",\"exit_code\":%d,\"summary\":",
	    state_name(result_state(r)), (int)result_state(r));
	result_summary(r, &tmp);
	sbuf_json_str(&j, sbuf_str(&tmp));
	if (p->host) {
		sbuf_add(&j, ",\"host\":");
		sbuf_json_str(&j, p->host);
		sbuf_printf(&j, ",\"port\":%d", p->port);
	}
	sbuf_add(&j, ",\"problems\":[");
	for (i = 0; i < r->nproblems; i++) {
		sbuf_printf(&j, "%s{\"state\":\"%s\",\"text\":", i ? "," : "",
		    state_name(r->problems[i].state));
		sbuf_json_str(&j, r->problems[i].text);
		sbuf_addc(&j, '}');
	}
	sbuf_add(&j, "],\"phases\":{");
	for (i = 0, first = 1; i < p->phases.n; i++) {
		if (!p->phases.p[i].ran)
			continue;
		sbuf_printf(&j, "%s\"%s\":%.6f", first ? "" : ",",
		    p->phases.p[i].name, p->phases.p[i].secs);
		first = 0;
	}
	sbuf_printf(&j, "},\"time\":%.6f", total);
	if (p->have_tls_info) {
		const struct tls_info *in = &p->tls_info;

		sbuf_add(&j, ",\"tls\":{\"protocol\":");
		sbuf_json_str(&j, in->protocol);
		sbuf_add(&j, ",\"cipher\":");
		sbuf_json_str(&j, in->cipher);
		sbuf_printf(&j, ",\"verified\":%s", in->verified ? "true" : "false");
		if (!(in->problems & TLS_P_NO_CERT)) {
			sbuf_add(&j, ",\"subject\":");
			sbuf_json_str(&j, in->subject);
			sbuf_add(&j, ",\"issuer\":");
			sbuf_json_str(&j, in->issuer);
			sbuf_add(&j, ",\"names\":");
			sbuf_json_str(&j, in->names);
			sbuf_add(&j, ",\"not_after\":");
			sbuf_json_str(&j, in->not_after);
			sbuf_printf(&j, ",\"days_left\":%.0f", floor(in->days_left));
			sbuf_add(&j, ",\"sha256\":");
			sbuf_json_str(&j, in->fingerprint);
		}
		if (!in->verified) {
			sbuf_add(&j, ",\"verify_error\":");
			sbuf_json_str(&j, in->verify_msg);
		}
		sbuf_addc(&j, '}');
	}
	sbuf_add(&j, sbuf_str(&p->json_extra));
	sbuf_add(&j, ",\"perfdata\":");
	sbuf_json_str(&j, sbuf_str(&r->perf));
	sbuf_add(&j, ",\"details\":[");
	for (line = sbuf_str(&r->details), first = 1; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (nl == NULL)
			break;
		sbuf_reset(&tmp);
		sbuf_addn(&tmp, line, (size_t)(nl - line));
		sbuf_add(&j, first ? "" : ",");
		sbuf_json_str(&j, sbuf_str(&tmp));
		first = 0;
	}
	sbuf_add(&j, "]");
	if (r->transcript.len) {
		sbuf_add(&j, ",\"transcript\":");
		sbuf_json_str(&j, sbuf_str(&r->transcript));
	}
	sbuf_add(&j, "}\n");
	fputs(sbuf_str(&j), f);
	sbuf_free(&j);
	sbuf_free(&tmp);
}

/* --output=openmetrics: the perfdata facts for Prometheus (lib/metrics.h). */
static void
plugin_print_metrics(const struct plugin *p, FILE *f)
{
	struct metrics_target t;
	struct sbuf m;

	t.plugin = p->name;
	t.service = p->service;
	t.host = p->host;
	t.port = p->host ? p->port : 0;
	sbuf_init(&m);
	metrics_format(&m, &t, &p->res);
	fputs(sbuf_str(&m), f);
	sbuf_free(&m);
}

/* The Nagios output in one write(2): stdio would first allocate its
 * buffer and ask whether stdout is a terminal, for text that is already
 * in memory (on the bench VM, a page fault and two system calls a run). */
static void
plugin_print_nagios(struct plugin *p)
{
	struct sbuf out;
	size_t off = 0;

	sbuf_init(&out);
	result_format(&p->res, &out);
	if (out.failed) {
		result_print(&p->res, stdout);
	} else {
		fflush(stdout);   /* anything stdio still holds goes first */
		while (off < out.len) {
			ssize_t n = write(STDOUT_FILENO, out.s + off, out.len - off);

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			off += (size_t)n;
		}
	}
	sbuf_free(&out);
}

int
plugin_finish(struct plugin *p)
{
	enum state s;
	double total;

	phase_end(&p->phases);
	total = deadline_elapsed(&p->dl);
	phase_report(&p->phases, total, &p->res, NULL);
	s = result_state(&p->res);
	alarm(0);
	if (p->output == PLUGIN_OUT_JSON)
		plugin_print_json(p, total, stdout);
	else if (p->output == PLUGIN_OUT_OPENMETRICS)
		plugin_print_metrics(p, stdout);
	else
		plugin_print_nagios(p);
	fflush(stdout);
	result_free(&p->res);
	sbuf_free(&p->json_extra);
	extra_opts_free(p->argv_orig, p->argv_alloc);
	if (p->authpass) {
		explicit_bzero(p->authpass, strlen(p->authpass));
		free(p->authpass);
		p->authpass = NULL;
	}
	return (int)s;
}

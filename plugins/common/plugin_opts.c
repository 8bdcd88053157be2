/* plugin_opts.c - see plugin.h: the common option table (SPEC §3), its
 * handler, --authfile, the usage checks, --help and --help-man. */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ini.h"
#include "net.h"
#include "plugin.h"
#include "plugin_auth.h"
#include "plugin_int.h"
#include "textcheck.h"

static int plugin_common(void *ctx, int id, const char *arg, struct err *e);
static int plugin_common_tls(struct plugin_config *c, int id, const char *arg,
    struct err *e);
static int plugin_common_login(struct plugin_config *c, int id, const char *arg,
    struct err *e);
static void plugin_pre_timeout(struct plugin_config *c, int argc, char **argv);
static void plugin_replace_secret(char **secret, const char *new);
static void plugin_old_syntax(int argc, char **argv);
static void plugin_alias(struct plugin_config *c, const char *argv0);

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
	{ 'w', "warning-time", required_argument, NULL, NULL },   /* check_tcp 2.x */
	{ 'c', "critical", required_argument, "RANGE",
	  "Critical threshold on the total time in seconds." },
	{ 'c', "critical-time", required_argument, NULL, NULL },
	{ OPT_WARNING_PHASE, "warning-phase", required_argument, "PHASE=RANGE",
	  "Warning threshold on one phase's time (repeatable), e.g. banner=2." },
	{ OPT_CRITICAL_PHASE, "critical-phase", required_argument, "PHASE=RANGE",
	  "Critical threshold on one phase's time (repeatable)." },
	OPT_END
};

/* --starttls, --tls and --proxy with check_smtp's letters */
const struct opt_spec plugin_letters_smtp[] = {
	{ OPT_SHORT('S', OPT_STARTTLS), "starttls", no_argument, NULL,
	  "Upgrade the connection with STARTTLS; a server that does not offer "
	  "it is CRITICAL." },
	{ OPT_SHORT('s', OPT_TLS), "tls", no_argument, NULL,
	  "Implicit TLS from the first byte (default port 465)." },
	{ OPT_SHORT('s', OPT_TLS), "ssl", no_argument, NULL, NULL },
	{ OPT_SHORT('r', OPT_PROXY), "proxy", optional_argument, "v1|v2",
	  "Send a PROXY protocol header (default v1) with the real source and "
	  "destination addresses before anything else." },
	OPT_END
};

/* the same with check_tcp's letters: -S is --ssl, STARTTLS is long only */
const struct opt_spec plugin_letters_tcp[] = {
	{ OPT_SHORT('S', OPT_TLS), "ssl", no_argument, NULL,
	  "Implicit TLS from the first byte (default port 993, 995 or 465), as "
	  "check_tcp's -S." },
	{ OPT_SHORT('S', OPT_TLS), "tls", no_argument, NULL, NULL },
	{ OPT_STARTTLS, "starttls", no_argument, NULL,
	  "Upgrade the connection with STARTTLS (STLS for POP3); a server that "
	  "does not offer it is CRITICAL." },
	{ OPT_PROXY, "proxy", optional_argument, "v1|v2",
	  "Send a PROXY protocol header (default v1) with the real source and "
	  "destination addresses before anything else." },
	OPT_END
};

/* The TLS, login, DNS and output options. */
const struct opt_spec plugin_common_tls_opts[] = {
	{ OPT_SNI, "sni", optional_argument, "NAME",
	  "Server name for SNI and for the certificate name check (default: "
	  "the host name; bare --sni is accepted as in check_smtp)." },
	{ OPT_IGNORE_CERT_EXPIRY, "ignore-certificate-expiration", no_argument, NULL,
	  "An expired certificate is noted, not judged (check_smtp 3.0); -D is "
	  "not judged either." },
	{ 'D', "certificate", required_argument, "WARN[,CRIT]",
	  "Days of certificate validity left below which the state is WARNING "
	  "(CRITICAL). Without --tls this implies --starttls." },
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
	  "Security posture (implies --starttls unless --tls): the plaintext session must "
	  "not invite secrets. SMTP: no STARTTLS on a plain port is CRITICAL; "
	  "AUTH offered before STARTTLS is WARNING; on a submission port (587, "
	  "or when -U is given) MAIL FROM accepted before STARTTLS is WARNING. "
	  "IMAP without LOGINDISABLED, or POP3 offering USER or APOP (a "
	  "timestamp in the greeting), before TLS is WARNING." },
	{ OPT_EXPECT_CERT_FILE, "expect-cert-file", required_argument, "PEM",
	  "The server must serve the certificate in this file (the first "
	  "certificate in it: a full chain or key+certificate file works). "
	  "Another one is WARNING naming both notAfter dates: typically renewed "
	  "on disk but the server not reloaded. Implies --starttls without --tls." },
	{ OPT_ALL_CERTS, "all-certs", no_argument, NULL,
	  "After the handshake, one more for each other key type the server "
	  "may hold a certificate of (RSA, ECDSA, Ed25519), each offering only "
	  "that type's signature algorithms; every certificate is judged as "
	  "the first (trust, name, expiry and -D, DANE). Perfdata cert_days "
	  "becomes the minimum, with cert_days_rsa, cert_days_ecdsa (and "
	  "cert_days_eddsa). Implies --starttls without --tls." },
	{ OPT_CERT_POLICY, "cert-policy", required_argument, "report|strict",
	  "Certificate quality, always shown in the long output (key type and "
	  "size, signature, extended key usage, validity, must-staple). strict "
	  "judges it: an RSA key under 2048 bits or an EC key under 256, a "
	  "SHA-1 or MD5 signature on the leaf or an intermediate, an extended "
	  "key usage without serverAuth are WARNING; OCSP must-staple without "
	  "a stapled response is CRITICAL; validity over 398 days is noted. "
	  "report (default): only noted." },
	{ OPT_FORBID_TLS, "forbid-tls", required_argument, "1.0,1.1[:critical]",
	  "After the check, one short handshake per listed protocol offering "
	  "only it (OpenSSL's security level is lowered to 0 on that probe "
	  "connection alone, as -v says): acceptance is WARNING (CRITICAL with "
	  ":critical), naming the protocol; a server that cannot be probed "
	  "(no connection, reset, rate limit) is WARNING, never a pass. "
	  "Perfdata: probe_tls10, probe_tls11. Implies --starttls without --tls." },
	{ OPT_FORBID_CIPHER, "forbid-cipher", required_argument, "weak[:critical]",
	  "As --forbid-tls, one handshake offering only weak cipher suites (no "
	  "forward secrecy, RC4, 3DES, export, NULL, anonymous; TLS 1.0 to 1.2): "
	  "acceptance is WARNING (CRITICAL with :critical). Perfdata: probe_weak." },
	{ OPT_ALL_ADDRESSES, "all-addresses", no_argument, NULL,
	  "Check every address of the host (all A and AAAA records; -4 or -6 "
	  "keep one family) at once, on one deadline: line 1 names the worst, "
	  "the long output and JSON list each address, perfdata is labelled "
	  "ADDR_phase. A family failing while the other works is WARNING "
	  "(\"IPv6 fails, IPv4 works\"), every address failing CRITICAL. With "
	  "--mx it needs --all-mx, and checks every address of every MX host." },
	{ OPT_OUTPUT, "output", required_argument, "FORMAT",
	  "nagios (default); json: one JSON object; openmetrics: the state "
	  "and the perfdata as OpenMetrics gauges (mailprobe_state, "
	  "mailprobe_phase_seconds{phase=...}, mailprobe_time_seconds, "
	  "mailprobe_cert_days, ...; --all-mx adds mx=\"HOST\"), ending in "
	  "'# EOF', for the node_exporter textfile collector, whose parser "
	  "reads '# UNIT' and '# EOF' as comments. The exit code is the same "
	  "in every format." },
	{ OPT_JSON, "json", no_argument, NULL, "Same as --output=json." },
	{ OPT_OUTPUT_FORMAT, "output-format", required_argument, "FORMAT",
	  "monitoring-plugins 3.0: one-line, icinga2 and summary-only give "
	  "the usual text (the long output included)." },
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

static int
plugin_timeout(struct plugin_config *c, const char *arg, struct err *e)
{
	char num[32];
	const char *colon = strchr(arg, ':');
	size_t n = colon ? (size_t)(colon - arg) : strlen(arg);

	if (n >= sizeof(num))
		return err_set(e, ERR_USAGE, "timeout '%.32s' is not a number of seconds", arg);
	memcpy(num, arg, n);
	num[n] = '\0';
	if (opts_seconds("timeout", num, &c->timeout, e) < 0)
		return -1;
	if (colon && state_parse(colon + 1, &c->timeout_state) < 0)
		return err_set(e, ERR_USAGE, "timeout state '%.32s' must be ok, warning, "
		    "critical or unknown", colon + 1);
	return 0;
}

/* *SECRET replaced by a copy of NEW (the old one wiped); NULL when out of
 * memory. */
static void
plugin_replace_secret(char **secret, const char *new)
{
	if (*secret) {
		explicit_bzero(*secret, strlen(*secret));
		free(*secret);
	}
	*secret = strdup(new);
}

int
plugin_authfile_read(const char *what, const char *path, char *user, size_t ucap,
    char **pass, struct err *e)
{
	char buf[4096], *line, *save = NULL;
	struct stat st;
	size_t len = 0;
	ssize_t n = 0;
	int fd, first = 1, rc = 0;

	user[0] = '\0';
	/* a FIFO would block: opts_open_file refuses what is not a regular file */
	fd = opts_open_file(what, path, e);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || (st.st_mode & 077)) {
		close(fd);
		return err_set(e, ERR_USAGE, "%s %s is readable by group or others "
		    "(mode %03o): chmod 600 it", what, path, (unsigned)(st.st_mode & 0777));
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
		rc = err_set(e, ERR_USAGE, "%s %s is larger than %zu bytes", what, path,
		    sizeof(buf) - 2);
	else if (n < 0)
		rc = err_sys(e, ERR_USAGE, errno, "cannot read %s %s: %s", what, path,
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
				plugin_replace_secret(pass, line);
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
				rc = err_set(e, ERR_USAGE, "%s %s: the user name is empty", what,
				    path);
				break;
			}
			snprintf(user, ucap, "%s", v);
		} else if ((kl == 8 && strncmp(line, "password", 8) == 0) ||
		    (kl == 4 && strncmp(line, "pass", 4) == 0)) {
			if (*v == '\0') {
				rc = err_set(e, ERR_USAGE, "%s %s: the password is empty", what,
				    path);
				break;
			}
			plugin_replace_secret(pass, v);
		}
	}
	explicit_bzero(buf, sizeof(buf));
	if (rc == 0 && *pass == NULL)
		rc = err_set(e, ERR_USAGE, "%s %s holds no password", what, path);
	return rc;
}

/* --authfile: "user=..." / "password=..." lines, or the password alone. */
static int
plugin_authfile(struct plugin_config *c, const char *path, struct err *e)
{
	static char user[256];
	int rc = plugin_authfile_read("--authfile", path, user, sizeof(user),
	    &c->authpass, e);

	if (rc == 0 && user[0])
		c->authuser = user;
	return rc;
}

/* -D WARN[,CRIT]: alert when fewer days are left, i.e. ranges "WARN:" */
static int
plugin_cert_days(struct plugin_config *c, const char *arg, struct err *e)
{
	char w[32], cr[32];
	const char *comma = strchr(arg, ',');
	long days;

	snprintf(w, sizeof(w), "%.*s", (int)(comma ? (size_t)(comma - arg) : strlen(arg)), arg);
	if (opts_int("--certificate", w, 0, 36500, &days, e) < 0)
		return -1;
	snprintf(w, sizeof(w), "%ld:", days);
	if (range_parse(&c->cert_warn, w, e) < 0)
		return -1;
	if (comma) {
		if (opts_int("--certificate", comma + 1, 0, 36500, &days, e) < 0)
			return -1;
		snprintf(cr, sizeof(cr), "%ld:", days);
		if (range_parse(&c->cert_crit, cr, e) < 0)
			return -1;
	}
	return 0;
}

/* A file (DIR: a directory) named by option WHAT, read later by OpenSSL:
 * not empty, and when it exists, of the right type (OpenSSL would wait
 * for a FIFO). A missing file is left to the reader, which says so. */
static int
plugin_file_arg(const struct plugin_config *c, const char *what, const char *arg,
    int dir, struct err *e)
{
	struct stat st;

	(void)c;
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

/* -H HOST, or an absolute path: a unix socket (check_smtp's -H). */
static int
plugin_host(struct plugin_config *c, const char *arg, struct err *e)
{
	if (arg[0] == '/') {
		if (strlen(arg) >= NET_UNIX_PATH_MAX)
			return err_set(e, ERR_USAGE, "-H: a unix socket path has at most %d "
			    "characters", NET_UNIX_PATH_MAX - 1);
		c->unix_socket = 1;
		c->host = arg;
		return 0;
	}
	c->unix_socket = 0;
	if (opts_hostname("-H", arg, e) < 0)
		return -1;
	c->host = arg;
	return 0;
}

/* --output-format of monitoring-plugins 3.0: its text formats are ours. */
static int
plugin_output_format(struct plugin_config *c, const char *arg, struct err *e)
{
	static const char *const text[] = { "one-line", "icinga2", "summary-only", NULL };
	int i;

	for (i = 0; text[i]; i++)
		if (strcmp(arg, text[i]) == 0) {
			c->output = PLUGIN_OUT_NAGIOS;
			return 0;
		}
	return err_set(e, ERR_USAGE, "--output-format must be one-line, icinga2 or "
	    "summary-only (for JSON: --output=json), not '%.32s'", arg);
}

/* The common options (one switch in three, by subject, so that none is
 * longer than a screenful): run and output options here, then
 * plugin_common_tls (connection and TLS), then plugin_common_login
 * (credentials and DNS), which hands the rest to the plugin's handler. */
static int
plugin_common(void *ctx, int id, const char *arg, struct err *e)
{
	struct plugin_config *c = ctx;
	long v;

	switch (id) {
	case OPT_ARG: {
		const char *key, *file;
		int line;

		/* an empty word, as Nagios passes an unused '$ARG1$' (Debian's
		 * command definitions quote it), is nothing */
		if (arg[0] == '\0')
			return 0;
		/* check_smtp HOST, check_imap HOST: the host as the only word;
		 * never a word of an --extra-opts file (a flag's value there
		 * may be a secret) */
		if (c->host || extra_opts_origin(c->argv_orig, c->argv_alloc, arg, &key,
		    &file, &line) == 0)
			return err_set(e, ERR_USAGE, "unexpected argument '%.64s'", arg);
	}
		/* fall through */
	case 'H':
		return plugin_host(c, arg, e);
	case 'p':
		if (opts_int("port", arg, 1, 65535, &v, e) < 0)
			return -1;
		c->port = (int)v;
		return 0;
	case '4':
		c->family = AF_INET;
		return 0;
	case '6':
		c->family = AF_INET6;
		return 0;
	case 't':
		return plugin_timeout(c, arg, e);
	case 'w':
		return range_parse(&c->limits.total_warn, arg, e);
	case 'c':
		return range_parse(&c->limits.total_crit, arg, e);
	case OPT_WARNING_PHASE:
		return phase_threshold(&c->limits, c->phase_ids, arg, 0, e);
	case OPT_CRITICAL_PHASE:
		return phase_threshold(&c->limits, c->phase_ids, arg, 1, e);
	case OPT_OUTPUT:
		if (strcmp(arg, "json") == 0)
			c->output = PLUGIN_OUT_JSON;
		else if (strcmp(arg, "openmetrics") == 0)
			c->output = PLUGIN_OUT_OPENMETRICS;
		else if (strcmp(arg, "nagios") == 0)
			c->output = PLUGIN_OUT_NAGIOS;
		else
			return err_set(e, ERR_USAGE, "--output must be nagios, json or "
			    "openmetrics, not '%.32s'", arg);
		return 0;
	case OPT_JSON:
		c->output = PLUGIN_OUT_JSON;
		return 0;
	case OPT_OUTPUT_FORMAT:
		return plugin_output_format(c, arg, e);
	case OPT_ALL_CERTS:
	case OPT_CERT_POLICY:
	case OPT_FORBID_TLS:
	case OPT_FORBID_CIPHER:
	case OPT_ALL_ADDRESSES:
		return plugin_probe_option(c, id, arg, e);
	case OPT_EXTRA_OPTS:
		return 0;   /* expanded before parsing */
	case 'v':
		c->verbose++;
		return 0;
	case 'V':
		printf("%s (%s %s)\n", c->name, PACKAGE_NAME, PACKAGE_VERSION);
		plugin_config_free(c);
		exit(STATE_UNKNOWN);
	case OPT_HELP_MAN:
		plugin_man(c);
		plugin_config_free(c);
		exit(0);
	case 'h':
		plugin_help(c);
		plugin_config_free(c);
		exit(STATE_UNKNOWN);
	default:
		return plugin_common_tls(c, id, arg, e);
	}
}

static int
plugin_common_tls(struct plugin_config *c, int id, const char *arg, struct err *e)
{
	switch (id) {
	case OPT_STARTTLS:
		c->starttls = 1;
		return 0;
	case OPT_TLS:
		c->implicit_tls = 1;
		return 0;
	case OPT_IGNORE_CERT_EXPIRY:
		c->ignore_cert_expiry = 1;
		return 0;
	case OPT_SNI:
		if (arg && (arg[0] == '\0' || strpbrk(arg, " /")))
			return err_set(e, ERR_USAGE, "--sni needs a host name");
		c->sni = arg;
		return 0;
	case OPT_PROXY:
		if (arg == NULL || strcmp(arg, "v1") == 0 || strcmp(arg, "1") == 0)
			c->proxy = 1;
		else if (strcmp(arg, "v2") == 0 || strcmp(arg, "2") == 0)
			c->proxy = 2;
		else
			return err_set(e, ERR_USAGE, "--proxy must be v1 or v2, not '%.16s'", arg);
		return 0;
	case 'D':
		return plugin_cert_days(c, arg, e);
	case OPT_VERIFY:
		if (strcmp(arg, "full") == 0)
			c->verify = TLS_VERIFY_FULL;
		else if (strcmp(arg, "chain") == 0)
			c->verify = TLS_VERIFY_CHAIN;
		else if (strcmp(arg, "none") == 0)
			c->verify = TLS_VERIFY_NONE;
		else
			return err_set(e, ERR_USAGE, "--verify must be full, chain or none");
		return 0;
	case OPT_CA_FILE:
		if (plugin_file_arg(c, "--ca-file", arg, 0, e) < 0)
			return -1;
		c->ca_file = arg;
		return 0;
	case OPT_CA_PATH:
		if (plugin_file_arg(c, "--ca-path", arg, 1, e) < 0)
			return -1;
		c->ca_path = arg;
		return 0;
	case OPT_DANE:
		if (c->dane == 0)   /* a bare --dane never undoes =required */
			c->dane = 1;
		if (arg == NULL)
			return 0;
		if (strcmp(arg, "required") == 0) {
			c->dane = 2;
		} else if (strcmp(arg, "rollover") == 0) {
			c->dane_rollover = 1;
		} else if (strcmp(arg, "required,rollover") == 0 ||
		    strcmp(arg, "rollover,required") == 0) {
			c->dane = 2;
			c->dane_rollover = 1;
		} else {
			return err_set(e, ERR_USAGE, "--dane takes no value, 'required', "
			    "'rollover' or 'required,rollover'");
		}
		return 0;
	case OPT_REQUIRE_TLS:
		c->require_tls = 1;
		return 0;
	case OPT_EXPECT_CERT_FILE:
		if (plugin_file_arg(c, "--expect-cert-file", arg, 0, e) < 0)
			return -1;
		c->expect_cert_file = arg;
		return 0;
	case OPT_TLS_MIN:
		if (strcmp(arg, "1.2") == 0)
			c->tls_min = 12;
		else if (strcmp(arg, "1.3") == 0)
			c->tls_min = 13;
		else
			return err_set(e, ERR_USAGE, "--tls-min must be 1.2 or 1.3");
		return 0;
	default:
		return plugin_common_login(c, id, arg, e);
	}
}

static int
plugin_common_login(struct plugin_config *c, int id, const char *arg, struct err *e)
{
	switch (id) {
	case 'U':
		if (arg[0] == '\0')
			return err_set(e, ERR_USAGE, "-U needs a user name, not an empty "
			    "string");
		c->authuser = arg;
		return 0;
	case 'P':
		if (arg[0] == '\0')
			return err_set(e, ERR_USAGE, "-P needs a password, not an empty "
			    "string");
		plugin_replace_secret(&c->authpass, arg);
		return c->authpass ? 0 : err_set(e, ERR_INTERNAL, "out of memory");
	case OPT_AUTHFILE:
		return plugin_authfile(c, arg, e);
	case OPT_ALLOW_PLAINTEXT_AUTH:
		c->allow_plaintext_auth = 1;
		return 0;
	case OPT_DNS_SERVER:
		if (arg[0] == '\0')
			return err_set(e, ERR_USAGE, "--dns-server needs an address, not an "
			    "empty string");
		c->dns_server = arg;
		c->use_ldns = 1;
		return 0;
	case OPT_FCRDNS:
		c->fcrdns = 1;
		return 0;
	default:
		if (id >= OPT_AUTH_BASE && id < OPT_TEXTCHECK_BASE)
			return plugin_auth_option(c, id, arg, e);
		/* check_tcp's text options, then the plugin's own */
		if (c->tc && (id == 'e' || id == 'E' || id == 'M' ||
		    (id >= OPT_TEXTCHECK_BASE && id < OPT_PLUGIN_BASE)))
			return textcheck_option(c->tc, id, arg, e);
		if (c->handler)
			return c->handler(c->ctx, id, arg, e);
		return err_set(e, ERR_INTERNAL, "unhandled option %d", id);
	}
}

void
plugin_usage_error(struct plugin_config *c, const char *msg)
{
	char clean[ERR_MSG_MAX * 2];

	/* MSG may quote the command line: cleaned as server text is, so no
	 * '|' starts perfdata and no escape sequence reaches a terminal */
	err_sanitize(clean, sizeof(clean), msg, strlen(msg));
	printf("%s UNKNOWN - %s\nUsage: %s %s\nTry '%s --help' for all options "
	    "and examples.\n", c->service, clean, c->name, c->synopsis, c->name);
	plugin_config_free(c);
	exit(STATE_UNKNOWN);
}

/* -wt, -ct and -to: the old forms monitoring-plugins still accept (and
 * test) for -w, -c and -t. ARGV is our own copy (after --extra-opts). */
static void
plugin_old_syntax(int argc, char **argv)
{
	static const char *const old[][2] = {
		{ "-wt", "-w" }, { "-ct", "-c" }, { "-to", "-t" }
	};
	static char buf[3][3];
	size_t k;
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		for (k = 0; k < sizeof(old) / sizeof(old[0]); k++)
			if (strcmp(argv[i], old[k][0]) == 0) {
				memcpy(buf[k], old[k][1], 3);
				argv[i] = buf[k];
			}
}

/* Invoked by the name of a program it stands in for (argv[0]'s last
 * component): that program's name, service, letters and defaults. */
static void
plugin_alias(struct plugin_config *c, const char *argv0)
{
	const struct plugin_alias *a;
	const char *base = argv0 ? strrchr(argv0, '/') : NULL;

	base = base ? base + 1 : argv0;
	for (a = c->aliases; base && a && a->name; a++)
		if (strcmp(base, a->name) == 0) {
			c->alias = a;
			c->name = a->name;
			c->service = a->service;
			c->letters = a->letters;
			return;
		}
}

/* The -t of the command line, looked for before the options are parsed,
 * so that the backstop guards the reading of --extra-opts and --authfile
 * files with it (default: 10 s; an ini file's -t counts from parsing on). */
static void
plugin_pre_timeout(struct plugin_config *c, int argc, char **argv)
{
	struct err e;
	const char *arg;
	int i;

	for (i = 1; i < argc; i++) {
		arg = NULL;
		if (strcmp(argv[i], "--") == 0)
			break;
		if ((strcmp(argv[i], "-t") == 0 || strcmp(argv[i], "--timeout") == 0 ||
		    strcmp(argv[i], "-to") == 0) && i + 1 < argc)
			arg = argv[++i];
		else if (strncmp(argv[i], "--timeout=", 10) == 0)
			arg = argv[i] + 10;
		else if (strncmp(argv[i], "-t", 2) == 0 && argv[i][2] != '-' &&
		    strcmp(argv[i], "-to") != 0)
			arg = argv[i] + 2;
		err_clear(&e);
		if (arg)
			(void)plugin_timeout(c, arg, &e);
	}
}

void
plugin_parse(struct plugin_config *c, int argc, char **argv)
{
	const struct opt_spec *tables[PLUGIN_TABLES_MAX];
	struct opts_fault f;
	struct err e;
	int nargc;

	err_clear(&e);
	plugin_alias(c, argc > 0 ? argv[0] : NULL);
	plugin_tables(c, tables);
	c->family = AF_UNSPEC;
	c->timeout = 10;
	c->timeout_state = STATE_CRITICAL;
	/* the clock starts before any file is read (--extra-opts, --authfile,
	 * --body-file): a file that blocks cannot outlast -t */
	c->run_start_us = deadline_now_us();
	plugin_pre_timeout(c, argc, argv);
	plugin_arm(c);
	c->argv_orig = argv;
	if (extra_opts_expand(argc, argv, c->name, &nargc, &c->argv_alloc, &e) < 0)
		plugin_usage_error(c, e.msg);
	plugin_old_syntax(nargc, c->argv_alloc);
	if (opts_parse_at(nargc, c->argv_alloc, tables, plugin_common, c, &f, &e) < 0) {
		const char *key, *file;
		char msg[ERR_MSG_MAX + 1024];
		int line;

		if (extra_opts_origin(argv, c->argv_alloc, f.word, &key, &file, &line) < 0)
			plugin_usage_error(c, e.msg);
		/* never the value of an ini entry: it may be a password */
		snprintf(msg, sizeof(msg), "--extra-opts %.512s line %d: %s '%.64s'%s", file,
		    line, f.kind == OPTS_FAULT_UNKNOWN ? "unknown or ambiguous option" :
		    f.kind == OPTS_FAULT_VALUE ? "invalid value for option" : "option",
		    key, f.kind == OPTS_FAULT_NOARG || f.kind == OPTS_FAULT_STRAY ?
		    " takes no value" : f.kind == OPTS_FAULT_NEEDARG ? " needs a value" :
		    f.kind == OPTS_FAULT_VALUE ? " (the value is not shown)" : "");
		plugin_usage_error(c, msg);
	}
	/* an -t of the ini file is known now */
	plugin_arm(c);
}

int
plugin_validate(struct plugin_config *c, int tls_port, struct err *e)
{
	if (c->starttls && c->implicit_tls)
		return err_set(e, ERR_USAGE, "--starttls and --tls (implicit TLS) exclude "
		    "each other");
	/* check_simap, check_spop, check_ssmtp: TLS from the first byte */
	if (c->alias && c->alias->implicit_tls && !c->starttls)
		c->implicit_tls = 1;
	if (plugin_probe_validate(c, e) < 0)
		return -1;
	if ((c->cert_warn.set || c->cert_crit.set || c->dane || c->require_tls ||
	    c->expect_cert_file) && !c->implicit_tls)
		c->starttls = 1;
	if (c->expect_cert_file) {
		struct err fe;

		err_clear(&fe);
		if (tls_cert_file(c->expect_cert_file, &c->expect_cert, &fe) < 0)
			return err_set(e, ERR_USAGE, "--expect-cert-file: %s", fe.msg);
	}
	if (c->srv_domain && c->host)
		return err_set(e, ERR_USAGE, "-H and --srv exclude each other");
	if (c->srv_domain)
		c->use_ldns = 1;
	if (c->unix_socket && (c->proxy || c->dane || c->fcrdns))
		return err_set(e, ERR_USAGE, "-H %.64s is a unix socket: --proxy, --dane and "
		    "--fcrdns need a TCP connection", c->host);
	if (c->dane && !c->sni && c->host && net_is_literal(c->host))
		return err_set(e, ERR_USAGE, "--dane needs a host name: give -H NAME or "
		    "--sni NAME");
	if (c->port == 0) {
		c->port = c->implicit_tls ? tls_port : c->default_port;
		c->port_from_default = 1;
	}
	if (c->oauth_token_file && c->oauth_token_command)
		return err_set(e, ERR_USAGE, "--oauth-token-file and --oauth-token-command "
		    "exclude each other");
	if (!c->authuser && !c->authpass && !plugin_has_token(c))
		return 0;
	if (!c->authuser || (!c->authpass && !plugin_has_token(c)))
		return err_set(e, ERR_USAGE, "the login check needs both a user (-U) and "
		    "a password (-P, --authfile or --extra-opts) or an OAuth token "
		    "(--oauth-token-file, --oauth-token-command)");
	if (!c->starttls && !c->implicit_tls && !c->allow_plaintext_auth)
		return err_set(e, ERR_USAGE, "refusing to send credentials over an "
		    "unencrypted connection: add %s, or --allow-plaintext-auth",
		    c->letters == PLUGIN_LETTERS_TCP ? "--starttls or -S (implicit TLS)" :
		    "-S (STARTTLS) or -s (implicit TLS)");
	c->want_login = 1;
	return 0;
}

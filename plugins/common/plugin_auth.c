/* plugin_auth.c - see plugin_auth.h */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "b64.h"
#include "opts.h"
#include "plugin_auth.h"

extern char **environ;

#define AUTH_TOKEN_MAX 8192
#define AUTH_ARGV_MAX 32

static int auth_token_file(struct plugin *p, struct sbuf *out, struct err *e);
static int auth_token_command(struct plugin *p, struct sbuf *out, struct err *e);
static int auth_list_check(const char *what, const char *list, struct err *e);
static int auth_token_trim(struct sbuf *t, const char *what, struct err *e);

/* LIST: mechanism names of lib/sasl.h, comma separated. */
static int
auth_list_check(const char *what, const char *list, struct err *e)
{
	const char *p = list;

	if (*list == '\0')
		return err_set(e, ERR_USAGE, "%s needs a list of SASL mechanisms", what);
	while (*p) {
		size_t n = strcspn(p, ",");
		char one[32];

		if (n == 0 || n >= sizeof(one))
			return err_set(e, ERR_USAGE, "%s: '%.32s' is not a mechanism", what, p);
		memcpy(one, p, n);
		one[n] = '\0';
		if (sasl_mech_parse(one) == SASL_NONE)
			return err_set(e, ERR_USAGE, "%s: unknown mechanism '%s' (PLAIN, "
			    "LOGIN, CRAM-MD5, SCRAM-SHA-1, SCRAM-SHA-256, XOAUTH2, OAUTHBEARER)",
			    what, one);
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

int
plugin_auth_option(struct plugin_config *c, int id, const char *arg,
    struct err *e)
{
	switch (id) {
	case OPT_OAUTH_TOKEN_FILE:
		if (arg[0] == '\0')
			return err_set(e, ERR_USAGE, "--oauth-token-file needs a file name");
		c->oauth_token_file = arg;
		return 0;
	case OPT_OAUTH_TOKEN_COMMAND:
		if (arg[strspn(arg, " \t")] == '\0')
			return err_set(e, ERR_USAGE, "--oauth-token-command needs a command");
		c->oauth_token_command = arg;
		return 0;
	case OPT_REQUIRE_AUTH:
		c->require_auth = arg;
		return auth_list_check("--require-auth", arg, e);
	case OPT_FORBID_AUTH:
		c->forbid_auth = arg;
		return auth_list_check("--forbid-auth", arg, e);
	default:
		return err_set(e, ERR_INTERNAL, "unhandled option %d", id);
	}
}

int
plugin_has_token(const struct plugin_config *c)
{
	return c->oauth_token_file != NULL || c->oauth_token_command != NULL;
}

int
plugin_auth_mech(const char *arg, enum sasl_mech *m, int *autom, struct err *e)
{
	*autom = strcasecmp(arg, "auto") == 0;
	*m = *autom ? SASL_NONE : sasl_mech_parse(arg);
	if (!*autom && *m == SASL_NONE)
		return err_set(e, ERR_USAGE, "--authtype must be PLAIN, LOGIN, CRAM-MD5, "
		    "SCRAM-SHA-1, SCRAM-SHA-256, XOAUTH2, OAUTHBEARER or auto, not '%.32s'",
		    arg);
	return 0;
}

int
plugin_auth_choose(const struct plugin *p, enum sasl_mech m, int autom,
    const char *offered, enum sasl_mech *out, struct err *e)
{
	int token = plugin_has_token(p->cfg);

	if (autom) {
		m = sasl_mech_auto(offered, p->tls != NULL, token);
		if (m == SASL_NONE)
			return err_set(e, ERR_MISSING_FEATURE, "-A auto: no mechanism fit to "
			    "use %s(offered: %s)", token ? "with a token " : p->tls ? "" :
			    "before TLS ", offered[0] ? offered : "none");
	} else if (m == SASL_NONE) {
		m = token ? (sasl_offered(offered, "OAUTHBEARER") ? SASL_OAUTHBEARER :
		    SASL_XOAUTH2) : sasl_offered(offered, "PLAIN") ? SASL_PLAIN : SASL_LOGIN;
	}
	if (!sasl_offered(offered, sasl_mech_name(m)))
		return err_set(e, ERR_MISSING_FEATURE, "AUTH %s not offered (offered: %s)",
		    sasl_mech_name(m), offered[0] ? offered : "none");
	*out = m;
	return 0;
}

/* The token's first line, without surrounding blanks; refused empty. */
static int
auth_token_trim(struct sbuf *t, const char *what, struct err *e)
{
	size_t n, start;

	if (t->failed)
		return err_set(e, ERR_INTERNAL, "out of memory");
	n = strcspn(sbuf_str(t), "\r\n");
	while (n > 0 && (t->s[n - 1] == ' ' || t->s[n - 1] == '\t'))
		n--;
	start = strspn(sbuf_str(t), " \t");
	if (start >= n)
		return err_set(e, ERR_USAGE, "%s gave an empty token", what);
	memmove(t->s, t->s + start, n - start);
	explicit_bzero(t->s + (n - start), t->len - (n - start));
	t->len = n - start;
	return 0;
}

static int
auth_token_file(struct plugin *p, struct sbuf *out, struct err *e)
{
	const char *path = p->cfg->oauth_token_file;
	struct stat st;
	int fd, rc;

	fd = opts_open_file("--oauth-token-file", path, e);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) == 0 && (st.st_mode & 077))
		result_problem(&p->res, STATE_WARNING, "--oauth-token-file %s is readable by "
		    "group or others (mode %03o): chmod 600 it", path,
		    (unsigned)(st.st_mode & 0777));
	rc = opts_read_fd("--oauth-token-file", path, fd, AUTH_TOKEN_MAX, out, e);
	close(fd);
	if (rc < 0)
		return -1;
	return auth_token_trim(out, "--oauth-token-file", e);
}

/* --oauth-token-command: its stdout, read within half of the time left. */
static int
auth_token_command(struct plugin *p, struct sbuf *out, struct err *e)
{
	char cmd[1024], *argv[AUTH_ARGV_MAX + 1], *save = NULL, *w, buf[512];
	posix_spawn_file_actions_t fa;
	struct deadline dl;
	int pfd[2], argc = 0, status = 0, rc = -1;
	pid_t pid;

	if (strlen(p->cfg->oauth_token_command) >= sizeof(cmd))
		return err_set(e, ERR_USAGE, "--oauth-token-command is too long");
	snprintf(cmd, sizeof(cmd), "%s", p->cfg->oauth_token_command);
	for (w = strtok_r(cmd, " \t", &save); w && argc < AUTH_ARGV_MAX;
	    w = strtok_r(NULL, " \t", &save))
		argv[argc++] = w;
	argv[argc] = NULL;
	if (argc == 0)
		return err_set(e, ERR_USAGE, "--oauth-token-command needs a command");
	deadline_cap(&dl, &p->dl, deadline_left_us(&p->dl) / 2);
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return err_sys(e, ERR_INTERNAL, errno, "pipe: %s", strerror(errno));
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], STDOUT_FILENO);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[1]);
	if (rc != 0) {
		close(pfd[0]);
		return err_set(e, ERR_USAGE, "--oauth-token-command: cannot run %s: %s",
		    argv[0], strerror(rc));
	}
	rc = -1;
	for (;;) {
		struct pollfd pf = { pfd[0], POLLIN, 0 };
		int left = deadline_left_ms(&dl), n;
		ssize_t r;

		if (left <= 0) {
			err_set(e, ERR_USAGE, "--oauth-token-command %s gave no token within "
			    "%.1f s (half of the time left)", argv[0],
			    (double)(dl.end_us - dl.start_us) / 1e6);
			goto reap;
		}
		n = poll(&pf, 1, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			continue;
		r = read(pfd[0], buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;   /* the end of its output */
		if (out->len + (size_t)r > AUTH_TOKEN_MAX) {
			err_set(e, ERR_USAGE, "--oauth-token-command printed more than %d bytes",
			    AUTH_TOKEN_MAX);
			goto reap;
		}
		sbuf_addn(out, buf, (size_t)r);
	}
	rc = 0;
reap:
	explicit_bzero(buf, sizeof(buf));
	close(pfd[0]);
	if (rc < 0)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (rc == 0 && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
		rc = err_set(e, ERR_USAGE, "--oauth-token-command %s %s %d", argv[0],
		    WIFEXITED(status) ? "exited with status" : "was killed by signal",
		    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	if (rc == 0)
		rc = auth_token_trim(out, "--oauth-token-command", e);
	return rc;
}

int
plugin_auth_secret(struct plugin *p, char **secret, struct err *e)
{
	struct sbuf t;
	int rc;

	*secret = NULL;
	if (!plugin_has_token(p->cfg)) {
		*secret = strdup(p->cfg->authpass);
		return *secret ? 0 : err_set(e, ERR_INTERNAL, "out of memory");
	}
	sbuf_init(&t);
	rc = p->cfg->oauth_token_file ? auth_token_file(p, &t, e) :
	    auth_token_command(p, &t, e);
	if (rc == 0)
		*secret = strdup(sbuf_str(&t));
	if (t.s)
		explicit_bzero(t.s, t.len);
	sbuf_free(&t);
	if (rc == 0 && *secret == NULL)
		rc = err_set(e, ERR_INTERNAL, "out of memory");
	return rc;
}

void
plugin_auth_secret_free(char *secret)
{
	if (secret == NULL)
		return;
	explicit_bzero(secret, strlen(secret));
	free(secret);
}

void
plugin_auth_posture(struct plugin *p, const char *offered)
{
	const char *r = p->cfg->require_auth, *f = p->cfg->forbid_auth;
	char one[32], bad[256] = "";
	int found = 0;

	result_detail(&p->res, "SASL mechanisms offered%s: %s", p->tls ? "" :
	    " before TLS", offered[0] ? offered : "none");
	while (r && *r) {
		size_t n = strcspn(r, ",");

		snprintf(one, sizeof(one), "%.*s", (int)n, r);
		found |= sasl_offered(offered, one);
		r += n + (r[n] == ',');
	}
	if (p->cfg->require_auth && !found)
		result_problem(&p->res, STATE_WARNING, "%s: none of the required SASL "
		    "mechanisms (%s) is offered (offered: %s)", p->target, p->cfg->require_auth,
		    offered[0] ? offered : "none");
	while (f && *f) {
		size_t n = strcspn(f, ",");

		snprintf(one, sizeof(one), "%.*s", (int)n, f);
		if (sasl_offered(offered, one)) {
			size_t at = strlen(bad);

			snprintf(bad + at, sizeof(bad) - at, "%s%s", at ? ", " : "", one);
		}
		f += n + (f[n] == ',');
	}
	if (bad[0])
		result_problem(&p->res, STATE_WARNING, "%s: forbidden SASL mechanism%s "
		    "offered%s: %s", p->target, strchr(bad, ',') ? "s" : "", p->tls ? "" :
		    " before TLS", bad);
}

long
plugin_sasl_initial(struct sasl *sa, char *out, size_t cap, struct err *e)
{
	unsigned char msg[SASL_MSG_MAX];
	long n = sasl_first(sa, msg, sizeof(msg), e);

	if (n > 0 && (n = b64_encode(msg, (size_t)n, out, cap)) < 0)
		n = err_set(e, ERR_USAGE, "%s: the initial response is too long",
		    sasl_mech_name(sa->mech));
	explicit_bzero(msg, sizeof(msg));
	return n;
}

long
plugin_sasl_answer(struct sasl *sa, const char *b64, size_t len, char *out,
    size_t cap, struct err *e)
{
	unsigned char in[SASL_MSG_MAX], msg[SASL_MSG_MAX];
	long n, dl = b64_decode(b64, len, in, sizeof(in));

	if (dl < 0)
		return err_set(e, ERR_PROTO, "%s: a challenge that is not base64 (or "
		    "longer than %d bytes)", sasl_mech_name(sa->mech), SASL_MSG_MAX);
	n = sasl_step(sa, in, (size_t)dl, msg, sizeof(msg), e);
	if (n == 0 && cap > 0)
		out[0] = '\0';
	else if (n > 0 && (n = b64_encode(msg, (size_t)n, out, cap)) < 0)
		n = err_set(e, ERR_USAGE, "%s: a response too long", sasl_mech_name(sa->mech));
	explicit_bzero(in, sizeof(in));
	explicit_bzero(msg, sizeof(msg));
	return n;
}

void
plugin_auth_failed(struct err *e, const char *user, const char *mechanism,
    const struct sasl *sa)
{
	size_t n;

	snprintf(e->msg, sizeof(e->msg), "authentication failed for %.128s (%.40s)", user,
	    mechanism);
	n = strlen(e->msg);
	if (sa->server_error[0] && n + 20 < sizeof(e->msg)) {
		size_t k = strlen(sa->server_error);

		memcpy(e->msg + n, "; the server said: ", 19);
		n += 19;
		if (k > sizeof(e->msg) - n - 1)
			k = sizeof(e->msg) - n - 1;   /* cut: the server's text is long */
		memcpy(e->msg + n, sa->server_error, k);
		e->msg[n + k] = '\0';
	}
}

/* ini.c - see ini.h */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ini.h"
#include "opts.h"
#include "sbuf.h"

#define INI_LINE_MAX 4096
#define INI_FILE_MAX ((size_t)1024 * 1024)

static const char *ini_trim(char *s, size_t *n);
static int ini_read_file(const char *path, struct sbuf *out, struct err *e);

/* Trim blanks around S[0..*n); returns the new start. */
static const char *
ini_trim(char *s, size_t *n)
{
	while (*n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		(*n)--;
	}
	while (*n > 0 && (s[*n - 1] == ' ' || s[*n - 1] == '\t' || s[*n - 1] == '\r'))
		(*n)--;
	return s;
}

struct ini_adapter {
	ini_cb cb;
	void *ctx;
};

static int
ini_adapt(void *ctx, const char *key, const char *value, int lineno,
    struct err *e)
{
	const struct ini_adapter *a = ctx;

	(void)lineno;
	return a->cb(a->ctx, key, value, e);
}

int
ini_parse(const char *text, size_t len, const char *section, ini_cb cb,
    void *ctx, int *found, struct err *e)
{
	struct ini_adapter a;

	a.cb = cb;
	a.ctx = ctx;
	return ini_parse_lines(text, len, section, ini_adapt, &a, found, e);
}

int
ini_parse_lines(const char *text, size_t len, const char *section,
    ini_line_cb cb, void *ctx, int *found, struct err *e)
{
	char line[INI_LINE_MAX];
	size_t pos = 0;
	int lineno = 0, in_section = 0, count = 0;

	*found = 0;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		const char *s;
		char *eq;

		lineno++;
		if (n >= sizeof(line))
			return err_set(e, ERR_USAGE, "ini file line %d is too long", lineno);
		memcpy(line, text + pos, n);
		line[n] = '\0';
		pos += n + (nl ? 1 : 0);
		if (memchr(line, '\0', n))
			return err_set(e, ERR_USAGE, "ini file line %d contains a NUL byte", lineno);
		s = ini_trim(line, &n);
		((char *)s)[n] = '\0';
		if (n == 0 || *s == ';' || *s == '#')
			continue;
		if (*s == '[') {
			if (s[n - 1] != ']')
				return err_set(e, ERR_USAGE,
				    "ini file line %d: section header without ']'", lineno);
			in_section = (n - 2 == strlen(section) &&
			    strncmp(s + 1, section, n - 2) == 0);
			if (in_section)
				*found = 1;
			continue;
		}
		if (!in_section)
			continue;
		eq = strchr(s, '=');
		if (eq == NULL) {
			if (cb(ctx, s, NULL, lineno, e) < 0)
				return -1;
		} else {
			size_t kl = (size_t)(eq - s), vl = strlen(eq + 1);
			const char *k, *v;

			*eq = '\0';
			k = ini_trim((char *)s, &kl);
			((char *)k)[kl] = '\0';
			v = ini_trim(eq + 1, &vl);
			if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"') {
				v++;
				vl -= 2;
			}
			((char *)v)[vl] = '\0';
			if (kl == 0)
				return err_set(e, ERR_USAGE,
				    "ini file line %d: empty option name", lineno);
			if (cb(ctx, k, v, lineno, e) < 0)
				return -1;
		}
		count++;
	}
	return count;
}

static int
ini_read_file(const char *path, struct sbuf *out, struct err *e)
{
	/* a FIFO or a device is refused, never waited for */
	return opts_read_file("extra-opts file", path, INI_FILE_MAX, out, e);
}

struct argv_build {
	char **v;
	int n, cap;
	const char *path;   /* the ini file being read */
};

static int
argv_push(struct argv_build *b, char *s, struct err *e)
{
	if (s == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	if (b->n + 2 > b->cap) {
		int ncap = b->cap ? b->cap * 2 : 16;
		char **nv = realloc(b->v, (size_t)ncap * sizeof(*nv));

		if (nv == NULL) {
			free(s);
			return err_set(e, ERR_INTERNAL, "out of memory");
		}
		b->v = nv;
		b->cap = ncap;
	}
	b->v[b->n++] = s;
	b->v[b->n] = NULL;
	return 0;
}

/* A copy of WORD followed by its origin: "WORD\0KEY\0FILE\0LINE\0", or
 * "WORD\0\0" for a word of the command line (KEY NULL). */
static char *
argv_word(const char *word, const char *key, const char *path, int lineno)
{
	struct sbuf s;

	sbuf_init(&s);
	sbuf_add(&s, word);
	sbuf_addc(&s, '\0');
	if (key) {
		sbuf_add(&s, key);
		sbuf_addc(&s, '\0');
		sbuf_add(&s, path);
		sbuf_addc(&s, '\0');
		sbuf_printf(&s, "%d", lineno);
	}
	sbuf_addc(&s, '\0');
	if (s.failed) {
		sbuf_free(&s);
		return NULL;
	}
	return s.s;   /* the caller owns it */
}

static int
extra_opts_cb(void *ctx, const char *key, const char *value, int lineno,
    struct err *e)
{
	struct argv_build *b = ctx;
	struct sbuf s;

	sbuf_init(&s);
	if (strlen(key) == 1) {
		/* a short option: "-x" then its value as its own word */
		sbuf_printf(&s, "-%s", key);
		if (argv_push(b, argv_word(sbuf_str(&s), key, b->path, lineno), e) < 0)
			goto fail;
		if (value && argv_push(b, argv_word(value, key, b->path, lineno), e) < 0)
			goto fail;
	} else {
		sbuf_printf(&s, "--%s", key);
		if (value)
			sbuf_printf(&s, "=%s", value);
		if (s.failed || argv_push(b, argv_word(sbuf_str(&s), key, b->path,
		    lineno), e) < 0)
			goto fail;
	}
	explicit_bzero(s.s, s.cap);
	sbuf_free(&s);
	return 0;
fail:
	if (s.s)
		explicit_bzero(s.s, s.cap);
	sbuf_free(&s);
	return err_set(e, ERR_INTERNAL, "out of memory");
}

int
extra_opts_origin(char **argv, char **nargv, const char *word,
    const char **key, const char **file, int *line)
{
	const char *k;

	if (nargv == NULL || nargv == argv || word == NULL)
		return -1;
	k = word + strlen(word) + 1;
	if (*k == '\0')
		return -1;   /* from the command line */
	*key = k;
	*file = k + strlen(k) + 1;
	*line = (int)strtol(*file + strlen(*file) + 1, NULL, 10);
	return 0;
}

/* The default locations, in monitoring-plugins' order. */
static const char *const extra_opts_paths[] = {
	"/etc/nagios/plugins.ini",
	"/usr/local/nagios/etc/plugins.ini",
	"/usr/local/etc/nagios/plugins.ini",
	"/etc/opt/nagios/plugins.ini",
	"/etc/nagios-plugins.ini",
	"/usr/local/etc/nagios-plugins.ini",
	"/etc/opt/nagios-plugins.ini",
	"/etc/monitoring-plugins/plugins.ini",
	NULL
};

static int
extra_opts_default_file(char *out, size_t cap)
{
	const char *env = getenv("NAGIOS_CONFIG_PATH");
	int i;

	if (env) {
		const char *p = env;

		while (*p) {
			size_t n = strcspn(p, ":");
			static const char *const names[] = { "plugins.ini", "nagios-plugins.ini" };
			int j;

			for (j = 0; j < 2; j++) {
				if (snprintf(out, cap, "%.*s/%s", (int)n, p, names[j]) < (int)cap &&
				    access(out, R_OK) == 0)
					return 0;
			}
			p += n;
			p += strspn(p, ":");
		}
	}
	for (i = 0; extra_opts_paths[i]; i++) {
		if (access(extra_opts_paths[i], R_OK) == 0) {
			snprintf(out, cap, "%s", extra_opts_paths[i]);
			return 0;
		}
	}
	return -1;
}

int
extra_opts_expand(int argc, char **argv, const char *plugin,
    int *nargc, char ***nargv, struct err *e)
{
	struct argv_build b = { NULL, 0, 0, NULL };
	struct sbuf text;
	char section[256], path[1024];
	int i, found, rc = -1;

	*nargc = argc;
	*nargv = argv;
	for (i = 1; i < argc; i++)
		if (strncmp(argv[i], "--extra-opts", 12) == 0 &&
		    (argv[i][12] == '\0' || argv[i][12] == '='))
			break;
	if (i == argc)
		return 0;

	sbuf_init(&text);
	if (argv_push(&b, argv_word(argv[0], NULL, NULL, 0), e) < 0)
		goto out;
	for (i = 1; i < argc; i++) {
		const char *spec, *at;

		if (!(strncmp(argv[i], "--extra-opts", 12) == 0 &&
		    (argv[i][12] == '\0' || argv[i][12] == '=')))
			continue;
		spec = argv[i][12] == '=' ? argv[i] + 13 : "";
		at = strchr(spec, '@');
		snprintf(section, sizeof(section), "%.*s",
		    (int)(at ? (size_t)(at - spec) : strlen(spec)), spec);
		if (section[0] == '\0')
			snprintf(section, sizeof(section), "%s", plugin);
		if (at && at[1]) {
			snprintf(path, sizeof(path), "%s", at + 1);
		} else if (extra_opts_default_file(path, sizeof(path)) < 0) {
			err_set(e, ERR_USAGE,
			    "--extra-opts: no ini file given and none found "
			    "(/etc/nagios/plugins.ini, ...)");
			goto out;
		}
		if (text.s)
			explicit_bzero(text.s, text.len);
		sbuf_reset(&text);
		if (ini_read_file(path, &text, e) < 0)
			goto out;
		b.path = path;
		if (ini_parse_lines(sbuf_str(&text), text.len, section, extra_opts_cb, &b,
		    &found, e) < 0) {
			char tmp[ERR_MSG_MAX];

			snprintf(tmp, sizeof(tmp), "%s", e->msg);
			err_set(e, ERR_USAGE, "%s: %s", path, tmp);
			goto out;
		}
		if (!found) {
			err_set(e, ERR_USAGE, "--extra-opts: section [%s] not found in %s",
			    section, path);
			goto out;
		}
	}
	for (i = 1; i < argc; i++) {
		if (strncmp(argv[i], "--extra-opts", 12) == 0 &&
		    (argv[i][12] == '\0' || argv[i][12] == '='))
			continue;
		if (argv_push(&b, argv_word(argv[i], NULL, NULL, 0), e) < 0)
			goto out;
	}
	*nargc = b.n;
	*nargv = b.v;
	b.v = NULL;
	rc = 0;
out:
	if (text.s)
		explicit_bzero(text.s, text.len);
	sbuf_free(&text);
	if (b.v) {
		b.v[b.n] = NULL;
		extra_opts_free(argv, b.v);
	}
	return rc;
}

void
extra_opts_free(char **argv, char **nargv)
{
	int i;

	if (nargv == NULL || nargv == argv)
		return;
	for (i = 0; nargv[i]; i++) {
		/* secrets came through here: wipe before freeing (the word
		 * and its origin, see argv_word) */
		char *k = nargv[i] + strlen(nargv[i]) + 1;
		size_t n = (size_t)(k - nargv[i]) + 1;

		if (*k) {
			char *f = k + strlen(k) + 1;

			n = (size_t)(f + strlen(f) + 1 - nargv[i]);
			n += strlen(nargv[i] + n) + 1;
		}
		explicit_bzero(nargv[i], n);
		free(nargv[i]);
	}
	free(nargv);
}

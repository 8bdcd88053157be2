/* authres.c - see authres.h */
#include <config.h>

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "authres.h"

static size_t authres_skip_cfws(const char *v, size_t i, size_t len);
static size_t authres_token(const char *v, size_t i, size_t len, char *out,
    size_t cap);

/* Skip blanks and (nested) comments from I. */
static size_t
authres_skip_cfws(const char *v, size_t i, size_t len)
{
	int depth = 0;

	for (; i < len; i++) {
		char c = v[i];

		if (c == '(')
			depth++;
		else if (c == ')' && depth > 0)
			depth--;
		else if (c == '\\' && depth > 0 && i + 1 < len)
			i++;
		else if (depth == 0 && !isspace((unsigned char)c))
			break;
	}
	return i;
}

/* A token (up to a blank, ';', '=', '(' or a quote), lower case, into OUT
 * (cut at CAP - 1); returns the index after it. */
static size_t
authres_token(const char *v, size_t i, size_t len, char *out, size_t cap)
{
	size_t n = 0;

	for (; i < len; i++) {
		char c = v[i];

		if (isspace((unsigned char)c) || c == ';' || c == '=' || c == '(' || c == '"' ||
		    (unsigned char)c < 0x20 || c == 0x7f)
			break;
		if (n + 1 < cap)
			out[n++] = (char)tolower((unsigned char)c);
	}
	out[n] = '\0';
	return i;
}

int
authres_parse(const char *value, size_t len, struct authres *a, struct err *e)
{
	size_t i;
	char word[sizeof(a->m[0].method)];

	memset(a, 0, sizeof(*a));
	i = authres_skip_cfws(value, 0, len);
	if (i < len && value[i] == '"') {
		/* a quoted authserv-id */
		size_t n = 0;

		for (i++; i < len && value[i] != '"'; i++)
			if (n + 1 < sizeof(a->serv_id))
				a->serv_id[n++] = value[i];
		a->serv_id[n] = '\0';
		i++;
	} else {
		i = authres_token(value, i, len, a->serv_id, sizeof(a->serv_id));
	}
	if (a->serv_id[0] == '\0')
		return err_set(e, ERR_PROTO, "Authentication-Results without an authserv-id");
	/* an optional version, then the methods after ';' */
	while (i < len) {
		while (i < len && value[i] != ';') {
			if (value[i] == '"') {
				for (i++; i < len && value[i] != '"'; i++)
					;
			} else if (value[i] == '(') {
				i = authres_skip_cfws(value, i, len);
				continue;
			}
			i++;
		}
		if (i >= len)
			break;
		i = authres_skip_cfws(value, i + 1, len);
		i = authres_token(value, i, len, word, sizeof(word));
		if (word[0] == '\0' || strcmp(word, "none") == 0)
			continue;
		i = authres_skip_cfws(value, i, len);
		if (i >= len || value[i] != '=')
			continue;   /* a method without a result: skipped */
		if (a->n >= AUTHRES_METHODS_MAX)
			break;
		memcpy(a->m[a->n].method, word, sizeof(word));
		{
			/* "dkim/1": the method version is not part of the name */
			char *slash = strchr(a->m[a->n].method, '/');

			if (slash)
				*slash = '\0';
		}
		i = authres_skip_cfws(value, i + 1, len);
		i = authres_token(value, i, len, a->m[a->n].result, sizeof(a->m[a->n].result));
		if (a->m[a->n].result[0] != '\0' && a->m[a->n].method[0] != '\0')
			a->n++;
	}
	return 0;
}

int
authres_expect_valid(const char *expect, struct err *e)
{
	const char *p = expect;

	if (*p == '\0')
		return err_set(e, ERR_USAGE, "--expect-auth-results needs METHOD=RESULT[,...]");
	while (*p) {
		size_t n = strcspn(p, ","), k;
		const char *eq = memchr(p, '=', n);

		if (eq == NULL || eq == p || eq + 1 == p + n)
			return err_set(e, ERR_USAGE, "--expect-auth-results: '%.*s' is not "
			    "METHOD=RESULT", (int)(n > 64 ? 64 : n), p);
		for (k = 0; k < n; k++)
			if (!isalnum((unsigned char)p[k]) && !strchr("=|-_.", p[k]))
				return err_set(e, ERR_USAGE, "--expect-auth-results: invalid "
				    "character in '%.*s'", (int)(n > 64 ? 64 : n), p);
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

/* 1 when RESULT is one of the '|'-separated ALTS (N bytes). */
static int
authres_alt(const char *alts, size_t n, const char *result)
{
	size_t rl = strlen(result);

	while (n > 0) {
		size_t k = 0;

		while (k < n && alts[k] != '|')
			k++;
		if (k == rl && strncasecmp(alts, result, k) == 0)
			return 1;
		alts += k;
		n -= k;
		if (n > 0) {
			alts++;
			n--;
		}
	}
	return 0;
}

int
authres_check(const struct authres *a, const char *expect, char *out, size_t cap,
    struct err *e)
{
	const char *p = expect;
	size_t o = 0;
	int bad = 0, i;

	if (authres_expect_valid(expect, e) < 0)
		return -1;
	if (cap > 0)
		out[0] = '\0';
	while (*p) {
		size_t n = strcspn(p, ","), ml;
		const char *eq = memchr(p, '=', n);
		const char *got = NULL;
		int match = 0;

		ml = (size_t)(eq - p);
		for (i = 0; i < a->n; i++) {
			if (strlen(a->m[i].method) != ml || strncasecmp(a->m[i].method, p, ml) != 0)
				continue;
			if (got == NULL)
				got = a->m[i].result;
			if (authres_alt(eq + 1, (size_t)(p + n - eq - 1), a->m[i].result))
				match = 1;
		}
		if (!match) {
			int w;

			bad++;
			if (got)
				w = snprintf(out + o, cap - o, "%s%.*s=%s (expected %.*s)",
				    o ? ", " : "", (int)ml, p, got, (int)(p + n - eq - 1), eq + 1);
			else
				w = snprintf(out + o, cap - o, "%s%.*s missing", o ? ", " : "",
				    (int)ml, p);
			if (w > 0 && (size_t)w < cap - o)
				o += (size_t)w;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return bad;
}

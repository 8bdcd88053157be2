/* tap.h - a tiny header-only TAP producer for the unit tests.
 *
 *   plan(N);                      print "1..N" first (optional)
 *   ok(cond, fmt, ...);           one test point
 *   is_int(got, want, fmt, ...);  integers (compared as long long)
 *   is_str(got, want, fmt, ...);  strings, NULL-safe (NULL equals only NULL)
 *   is_double(got, want, eps, fmt, ...);  |got - want| <= eps (NaN == NaN)
 *   diag(fmt, ...);               "# " diagnostic line(s)
 *   todo_start(reason) / todo_end();  points in between are TODO (known bugs)
 *   return done_testing();        print the plan if none was given; the exit
 *                                 status is non-zero when the plan was wrong
 *
 * Every check returns 1 when it passed. A failure prints the file and line
 * and, for the is_* checks, what was received and what was expected, with
 * control characters escaped. Names are printf formats. */
#ifndef MP_TAP_H
#define MP_TAP_H

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TAP_UNUSED __attribute__((unused))
#define TAP_PRINTF(f, a) __attribute__((format(printf, f, a)))

static struct {
	int n;              /* test points so far */
	int failed;
	int planned;        /* -1: no plan yet */
	const char *todo;   /* reason, while inside todo_start/todo_end */
} tap_state TAP_UNUSED = { 0, 0, -1, NULL };

/* Print TEXT as a diagnostic: each line prefixed with "# ". */
static TAP_UNUSED void
tap_diag_text(const char *text)
{
	const char *p = text;

	fflush(stdout);
	while (*p) {
		size_t n = strcspn(p, "\n");

		printf("# %.*s\n", (int)n, p);
		p += n;
		if (*p == '\n')
			p++;
	}
}

static TAP_UNUSED TAP_PRINTF(1, 2) void
diag(const char *fmt, ...)
{
	char buf[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	tap_diag_text(buf);
}

static TAP_UNUSED void
plan(int n)
{
	tap_state.planned = n;
	printf("1..%d\n", n);
	fflush(stdout);
}

static TAP_UNUSED void
todo_start(const char *reason)
{
	tap_state.todo = reason;
}

static TAP_UNUSED void
todo_end(void)
{
	tap_state.todo = NULL;
}

static TAP_UNUSED TAP_PRINTF(4, 0) int
tap_vok(int pass, const char *file, int line, const char *fmt, va_list ap)
{
	char name[512];
	size_t i;

	vsnprintf(name, sizeof(name), fmt, ap);
	/* '#' would start a TAP directive, a newline would end the line */
	for (i = 0; name[i]; i++) {
		if (name[i] == '#')
			name[i] = '_';
		else if (name[i] == '\n' || name[i] == '\r')
			name[i] = ' ';
	}
	tap_state.n++;
	printf("%sok %d - %s", pass ? "" : "not ", tap_state.n, name);
	if (tap_state.todo)
		printf(" # TODO %s", tap_state.todo);
	putchar('\n');
	if (!pass) {
		if (!tap_state.todo)
			tap_state.failed++;
		printf("#   Failed %stest '%s'\n#   at %s line %d.\n",
		    tap_state.todo ? "(TODO) " : "", name, file, line);
	}
	fflush(stdout);
	return pass;
}

static TAP_UNUSED TAP_PRINTF(4, 5) int
tap_ok(int pass, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = tap_vok(pass, file, line, fmt, ap);
	va_end(ap);
	return rc;
}

/* Quote S for a diagnostic: C escapes, at most about 300 characters. */
static TAP_UNUSED void
tap_quote(char *out, size_t cap, const char *s)
{
	size_t o = 0, i, len;

	if (s == NULL) {
		snprintf(out, cap, "NULL");
		return;
	}
	len = strlen(s);
	out[o++] = '\'';
	for (i = 0; i < len && o + 8 < cap; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n')
			o += (size_t)snprintf(out + o, cap - o, "\\n");
		else if (c == '\r')
			o += (size_t)snprintf(out + o, cap - o, "\\r");
		else if (c == '\t')
			o += (size_t)snprintf(out + o, cap - o, "\\t");
		else if (c == '\\' || c == '\'')
			o += (size_t)snprintf(out + o, cap - o, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			o += (size_t)snprintf(out + o, cap - o, "\\x%02x", c);
		else
			out[o++] = (char)c;
	}
	out[o++] = '\'';
	out[o] = '\0';
	if (i < len)
		snprintf(out + o, cap - o, "... (%zu bytes)", len);
}

static TAP_UNUSED TAP_PRINTF(5, 6) int
tap_is_int(long long got, long long want, const char *file, int line,
    const char *fmt, ...)
{
	va_list ap;
	int pass = got == want;

	va_start(ap, fmt);
	tap_vok(pass, file, line, fmt, ap);
	va_end(ap);
	if (!pass)
		printf("#          got: %lld\n#     expected: %lld\n", got, want);
	return pass;
}

static TAP_UNUSED TAP_PRINTF(5, 6) int
tap_is_str(const char *got, const char *want, const char *file, int line,
    const char *fmt, ...)
{
	char g[400], w[400];
	va_list ap;
	int pass;

	if (got == NULL || want == NULL)
		pass = got == want;
	else
		pass = strcmp(got, want) == 0;
	va_start(ap, fmt);
	tap_vok(pass, file, line, fmt, ap);
	va_end(ap);
	if (!pass) {
		tap_quote(g, sizeof(g), got);
		tap_quote(w, sizeof(w), want);
		printf("#          got: %s\n#     expected: %s\n", g, w);
	}
	return pass;
}

static TAP_UNUSED TAP_PRINTF(6, 7) int
tap_is_double(double got, double want, double eps, const char *file,
    int line, const char *fmt, ...)
{
	va_list ap;
	int pass;

	if (isnan(got) || isnan(want))
		pass = isnan(got) && isnan(want);
	else
		pass = fabs(got - want) <= eps;
	va_start(ap, fmt);
	tap_vok(pass, file, line, fmt, ap);
	va_end(ap);
	if (!pass)
		printf("#          got: %.9g\n#     expected: %.9g (+/- %g)\n",
		    got, want, eps);
	return pass;
}

/* Print the plan when none was given. Returns the exit status: 0, or 1
 * when a plan was given and the count differs (failures are left to the
 * TAP driver to count). */
static TAP_UNUSED int
done_testing(void)
{
	if (tap_state.planned < 0) {
		printf("1..%d\n", tap_state.n);
		tap_state.planned = tap_state.n;
	} else if (tap_state.planned != tap_state.n) {
		printf("# planned %d tests but ran %d\n", tap_state.planned,
		    tap_state.n);
		fflush(stdout);
		return 1;
	}
	if (tap_state.failed)
		printf("# failed %d of %d tests\n", tap_state.failed, tap_state.n);
	fflush(stdout);
	return 0;
}

#define ok(cond, ...) \
	tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define is_int(got, want, ...) \
	tap_is_int((long long)(got), (long long)(want), __FILE__, __LINE__, \
	    __VA_ARGS__)
#define is_str(got, want, ...) \
	tap_is_str((got), (want), __FILE__, __LINE__, __VA_ARGS__)
#define is_double(got, want, eps, ...) \
	tap_is_double((double)(got), (double)(want), (double)(eps), __FILE__, \
	    __LINE__, __VA_ARGS__)

#endif

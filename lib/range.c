/* range.c - see range.h */
#include <config.h>

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "range.h"

static int range_number(const char *s, size_t n, double *out);

/* Parse exactly N bytes of S as a finite decimal number. */
static int
range_number(const char *s, size_t n, double *out)
{
	char tmp[RANGE_TEXT_MAX];
	char *end;
	size_t i;

	if (n == 0 || n >= sizeof(tmp))
		return -1;
	for (i = 0; i < n; i++) {
		/* no hex, no exponent surprises, no inf/nan */
		if (!strchr("0123456789.-+", s[i]))
			return -1;
	}
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	errno = 0;
	*out = strtod(tmp, &end);
	if (errno != 0 || *end != '\0' || !isfinite(*out))
		return -1;
	return 0;
}

int
range_parse(struct range *r, const char *text, struct err *e)
{
	const char *p = text, *colon;
	size_t len = strlen(text);

	memset(r, 0, sizeof(*r));
	if (len == 0)
		return err_set(e, ERR_USAGE, "empty threshold range");
	if (len >= RANGE_TEXT_MAX)
		return err_set(e, ERR_USAGE, "threshold range too long: '%.20s...'", text);
	memcpy(r->text, text, len + 1);

	if (*p == '@') {
		r->inside = 1;
		p++;
	}
	colon = strchr(p, ':');
	if (colon == NULL) {
		/* "N" means 0:N */
		r->start = 0;
		if (range_number(p, strlen(p), &r->end) < 0)
			goto bad;
	} else {
		size_t slen = (size_t)(colon - p);
		const char *endp = colon + 1;

		if (strchr(endp, ':'))
			goto bad;
		if (slen == 1 && *p == '~')
			r->start_inf = 1;
		else if (slen == 0)
			r->start = 0;
		else if (range_number(p, slen, &r->start) < 0)
			goto bad;
		if (*endp == '\0')
			r->end_inf = 1;
		else if (range_number(endp, strlen(endp), &r->end) < 0)
			goto bad;
	}
	if (!r->start_inf && !r->end_inf && r->start > r->end)
		return err_set(e, ERR_USAGE,
		    "threshold range '%s': start is greater than end", text);
	r->set = 1;
	return 0;
bad:
	r->set = 0;
	return err_set(e, ERR_USAGE, "invalid threshold range '%s' "
	    "(expected N, N:, ~:N, N:M or @N:M)", text);
}

int
range_alert(const struct range *r, double value)
{
	int within = 1;

	if (!r->set)
		return 0;
	if (!r->start_inf && value < r->start)
		within = 0;
	if (!r->end_inf && value > r->end)
		within = 0;
	return r->inside ? within : !within;
}

/* dmarc.c - see dmarc.h: the tag list of RFC 7489 §6.3 and §6.4. */
#include <config.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dmarc.h"
#include "txtrec.h"

static int dmarc_tag(struct dmarc_record *r, const char *name, size_t nlen,
    const char *val, size_t vlen, char *why, size_t cap);
static int dmarc_policy_parse(const char *v, size_t n, enum dmarc_policy *p);
static int dmarc_uris(const char *v, size_t n, char out[][DMARC_URI_MAX],
    int *count, const char *tag, char *why, size_t cap);
static void dmarc_trim(const char **s, size_t *n);
static int dmarc_eat(const char **s, size_t *n, const char *tok, int fold);

const char *
dmarc_policy_name(enum dmarc_policy p)
{
	switch (p) {
	case DMARC_P_NONE:
		return "none";
	case DMARC_P_QUARANTINE:
		return "quarantine";
	case DMARC_P_REJECT:
		return "reject";
	default:
		return "unset";
	}
}

/* Blanks (WSP, and the CR LF of folded text) off both ends of *S (*N bytes). */
static void
dmarc_trim(const char **s, size_t *n)
{
	while (*n > 0 && strchr(" \t\r\n", (*s)[0])) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && strchr(" \t\r\n", (*s)[*n - 1]))
		(*n)--;
}

/* Skip blanks (space, tab) at *S, then TOK (ASCII case ignored when
 * FOLD): 1 when it was there (and is passed), else 0. */
static int
dmarc_eat(const char **s, size_t *n, const char *tok, int fold)
{
	size_t k = strlen(tok);

	while (*n > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	if (*n < k || (fold ? strncasecmp(*s, tok, k) : memcmp(*s, tok, k)) != 0)
		return 0;
	*s += k;
	*n -= k;
	return 1;
}

int
dmarc_is_record(const char *text, size_t len)
{
	const char *p = text;
	size_t n = len;

	dmarc_trim(&p, &n);
	return dmarc_eat(&p, &n, "v", 1) && dmarc_eat(&p, &n, "=", 0) &&
	    dmarc_eat(&p, &n, "DMARC1", 0) && dmarc_eat(&p, &n, "", 0) &&
	    (n == 0 || *p == ';');
}

int
dmarc_select(const char *const *rec, const size_t *len, int n, int *which)
{
	return txtrec_select(rec, len, n, dmarc_is_record, which);
}

static int
dmarc_policy_parse(const char *v, size_t n, enum dmarc_policy *p)
{
	if (n == 4 && strncasecmp(v, "none", 4) == 0)
		*p = DMARC_P_NONE;
	else if (n == 10 && strncasecmp(v, "quarantine", 10) == 0)
		*p = DMARC_P_QUARANTINE;
	else if (n == 6 && strncasecmp(v, "reject", 6) == 0)
		*p = DMARC_P_REJECT;
	else
		return -1;
	return 0;
}

/* A comma-separated URI list (RFC 7489 §6.4: dmarc-uri *("," dmarc-uri)). */
static int
dmarc_uris(const char *v, size_t n, char out[][DMARC_URI_MAX], int *count,
    const char *tag, char *why, size_t cap)
{
	size_t i = 0;

	*count = 0;
	while (i <= n) {
		size_t start = i, len;
		const char *u;

		while (i < n && v[i] != ',')
			i++;
		u = v + start;
		len = i - start;
		dmarc_trim(&u, &len);
		if (len == 0) {
			snprintf(why, cap, "%s: empty URI", tag);
			return -1;
		}
		if (*count >= DMARC_URIS_MAX) {
			snprintf(why, cap, "%s: more than %d URIs", tag, DMARC_URIS_MAX);
			return -1;
		}
		if (len >= DMARC_URI_MAX) {
			snprintf(why, cap, "%s: a URI longer than %d bytes", tag,
			    DMARC_URI_MAX - 1);
			return -1;
		}
		if (memchr(u, ':', len) == NULL) {
			snprintf(why, cap, "%s: '%.*s' is not a URI", tag,
			    (int)(len > 64 ? 64 : len), u);
			return -1;
		}
		memcpy(out[*count], u, len);
		out[*count][len] = '\0';
		(*count)++;
		i++;
	}
	return 0;
}

/* One tag NAME=VAL of the record into R. */
static int
dmarc_tag(struct dmarc_record *r, const char *name, size_t nlen, const char *val,
    size_t vlen, char *why, size_t cap)
{
	char num[16];
	char *end;
	long v;

#define DMARC_IS(s) (nlen == sizeof(s) - 1 && strncasecmp(name, s, nlen) == 0)
	if (DMARC_IS("p") || DMARC_IS("sp")) {
		enum dmarc_policy *dst = DMARC_IS("p") ? &r->p : &r->sp;

		if (dmarc_policy_parse(val, vlen, dst) < 0) {
			snprintf(why, cap, "%.*s='%.*s' is not none, quarantine or reject",
			    (int)nlen, name, (int)(vlen > 32 ? 32 : vlen), val);
			return -1;
		}
		return 0;
	}
	if (DMARC_IS("pct") || DMARC_IS("ri")) {
		if (vlen == 0 || vlen >= sizeof(num)) {
			snprintf(why, cap, "%.*s needs a number", (int)nlen, name);
			return -1;
		}
		memcpy(num, val, vlen);
		num[vlen] = '\0';
		v = strtol(num, &end, 10);
		if (*end || !isdigit((unsigned char)num[0]) ||
		    (DMARC_IS("pct") && v > 100)) {
			snprintf(why, cap, "%.*s='%s' is not %s", (int)nlen, name, num,
			    DMARC_IS("pct") ? "a percentage (0-100)" : "a number of seconds");
			return -1;
		}
		if (DMARC_IS("pct"))
			r->pct = (int)v;
		else
			r->ri = v;
		return 0;
	}
	if (DMARC_IS("adkim") || DMARC_IS("aspf")) {
		if (vlen != 1 || (tolower((unsigned char)val[0]) != 'r' &&
		    tolower((unsigned char)val[0]) != 's')) {
			snprintf(why, cap, "%.*s='%.*s' is not r or s", (int)nlen, name,
			    (int)(vlen > 16 ? 16 : vlen), val);
			return -1;
		}
		if (DMARC_IS("adkim"))
			r->adkim = (char)tolower((unsigned char)val[0]);
		else
			r->aspf = (char)tolower((unsigned char)val[0]);
		return 0;
	}
	if (DMARC_IS("rua"))
		return dmarc_uris(val, vlen, r->rua, &r->nrua, "rua", why, cap);
	if (DMARC_IS("ruf"))
		return dmarc_uris(val, vlen, r->ruf, &r->nruf, "ruf", why, cap);
	if (DMARC_IS("fo")) {
		snprintf(r->fo, sizeof(r->fo), "%.*s", (int)(vlen < sizeof(r->fo) ? vlen :
		    sizeof(r->fo) - 1), val);
		return 0;
	}
#undef DMARC_IS
	return 0;   /* rf and unknown tags: ignored */
}

int
dmarc_parse(const char *text, size_t len, struct dmarc_record *out, char *why,
    size_t cap)
{
	static const char *const known[] = {
		"v", "p", "sp", "pct", "ri", "adkim", "aspf", "rua", "ruf", "fo", "rf"
	};
	unsigned seen = 0;
	size_t i = 0;
	int first = 1;

	memset(out, 0, sizeof(*out));
	out->pct = 100;
	out->adkim = out->aspf = 'r';
	out->ri = 86400;
	snprintf(out->fo, sizeof(out->fo), "0");
	if (!dmarc_is_record(text, len)) {
		snprintf(why, cap, "does not begin with v=DMARC1");
		return -1;
	}
	while (i < len) {
		size_t start = i, n, k, nlen;
		const char *t, *eq, *val;
		size_t vlen;

		while (i < len && text[i] != ';')
			i++;
		t = text + start;
		n = i - start;
		i++;
		dmarc_trim(&t, &n);
		if (n == 0)
			continue;   /* "p=reject;" ends in an empty tag */
		for (k = 0; k < n; k++)
			if ((unsigned char)t[k] < 0x20 && t[k] != '\t') {
				snprintf(why, cap, "control character in the record");
				return -1;
			}
		eq = memchr(t, '=', n);
		if (eq == NULL) {
			snprintf(why, cap, "'%.*s' is not a tag=value pair",
			    (int)(n > 32 ? 32 : n), t);
			return -1;
		}
		nlen = (size_t)(eq - t);
		while (nlen > 0 && (t[nlen - 1] == ' ' || t[nlen - 1] == '\t'))
			nlen--;
		val = eq + 1;
		vlen = n - (size_t)(val - t);
		dmarc_trim(&val, &vlen);
		if (first) {
			first = 0;
			continue;   /* v=DMARC1, checked above */
		}
		for (k = 0; k < sizeof(known) / sizeof(known[0]); k++)
			if (strlen(known[k]) == nlen && strncasecmp(t, known[k], nlen) == 0)
				break;
		if (k < sizeof(known) / sizeof(known[0])) {
			if (k == 0 || (seen & (1u << k))) {
				snprintf(why, cap, "tag %s given twice", known[k]);
				return -1;
			}
			seen |= 1u << k;
		}
		if (dmarc_tag(out, t, nlen, val, vlen, why, cap) < 0)
			return -1;
	}
	return 0;
}

int
dmarc_mailto_domain(const char *uri, char *out, size_t cap)
{
	const char *at, *end;
	size_t n, k;

	if (cap == 0)
		return -1;
	out[0] = '\0';
	if (strncasecmp(uri, "mailto:", 7) != 0)
		return 0;
	end = uri + 7 + strcspn(uri + 7, "!?");
	for (at = end; at > uri + 7 && at[-1] != '@'; at--)
		;
	if (at == uri + 7 || at == end || at - 1 == uri + 7)
		return -1;
	n = (size_t)(end - at);
	if (n >= cap)
		return -1;
	for (k = 0; k < n; k++) {
		unsigned char c = (unsigned char)at[k];

		if (!isalnum(c) && c != '-' && c != '.' && c != '_')
			return -1;
		out[k] = (char)tolower(c);
	}
	out[n] = '\0';
	if (n > 0 && out[n - 1] == '.')
		out[n - 1] = '\0';
	return out[0] ? 1 : -1;
}

void
dmarc_org_domain(const char *domain, char *out, size_t cap)
{
	size_t n = strlen(domain), k;
	const char *p;
	int dots = 0;

	if (cap == 0)
		return;
	if (n > 0 && domain[n - 1] == '.')
		n--;
	for (p = domain + n; p > domain; p--) {
		if (p[-1] == '.' && ++dots == 2)
			break;
	}
	n -= (size_t)(p - domain);
	if (n >= cap)
		n = cap - 1;
	for (k = 0; k < n; k++)
		out[k] = (char)tolower((unsigned char)p[k]);
	out[n] = '\0';
}

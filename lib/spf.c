/* spf.c - see spf.h: the SPF record grammar of RFC 7208 §4.6 and §12,
 * and the macros of §7, without I/O. */
#include <config.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "spf.h"
#include "txtrec.h"

static int spf_term_parse(const char *t, size_t n, struct spf_record *r, int idx,
    char *why, size_t cap);
static int spf_mech_parse(const char *t, size_t n, struct spf_term *m, char *why,
    size_t cap);
static int spf_spec_check(const char *spec, int *has_macro, char *why,
    size_t cap);
static int spf_cidr(const char *t, size_t *n, int *c4, int *c6, int v6only);
static int spf_num(const char *s, size_t n, int max);
static int spf_macro_value(char letter, const struct spf_macro_ctx *ctx,
    char *out, size_t cap);
static int spf_macro_one(const char *p, const char *end,
    const struct spf_macro_ctx *ctx, char *out, size_t cap, char *why,
    size_t wcap);

static const char *const spf_mechs[] = {
	[SPF_ALL] = "all", [SPF_INCLUDE] = "include", [SPF_A] = "a",
	[SPF_MX] = "mx", [SPF_PTR] = "ptr", [SPF_IP4] = "ip4", [SPF_IP6] = "ip6",
	[SPF_EXISTS] = "exists"
};

const char *
spf_result_name(enum spf_result r)
{
	static const char *const names[] = {
		[SPF_NONE] = "none", [SPF_NEUTRAL] = "neutral", [SPF_PASS] = "pass",
		[SPF_FAIL] = "fail", [SPF_SOFTFAIL] = "softfail",
		[SPF_TEMPERROR] = "temperror", [SPF_PERMERROR] = "permerror"
	};

	if ((unsigned)r >= sizeof(names) / sizeof(names[0]))
		return "?";
	return names[r];
}

enum spf_result
spf_qual_result(char qual)
{
	switch (qual) {
	case '-':
		return SPF_FAIL;
	case '~':
		return SPF_SOFTFAIL;
	case '?':
		return SPF_NEUTRAL;
	default:
		return SPF_PASS;
	}
}

const char *
spf_mech_name(enum spf_mech m)
{
	if ((unsigned)m >= sizeof(spf_mechs) / sizeof(spf_mechs[0]))
		return "?";
	return spf_mechs[m];
}

int
spf_is_record(const char *text, size_t len)
{
	if (len < 6 || strncasecmp(text, "v=spf1", 6) != 0)
		return 0;
	return len == 6 || text[6] == ' ';
}

int
spf_select(const char *const *rec, const size_t *len, int n, int *which)
{
	return txtrec_select(rec, len, n, spf_is_record, which);
}

/* A decimal number of S (N bytes) without leading zeros, at most MAX: the
 * number, or -1. */
static int
spf_num(const char *s, size_t n, int max)
{
	int v = 0;
	size_t i;

	if (n == 0 || n > 3 || (n > 1 && s[0] == '0'))
		return -1;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v <= max ? v : -1;
}

/* The dual-cidr-length at the end of T (*N bytes): "/4", "//6" or "/4//6"
 * (only "/6" for ip6 when V6ONLY). Shortens *N to what precedes it. 0, or
 * -1 when a length is malformed. */
static int
spf_cidr(const char *t, size_t *n, int *c4, int *c6, int v6only)
{
	size_t end = *n, i;
	int v;

	/* "//M" at the end */
	for (i = end; i > 0 && isdigit((unsigned char)t[i - 1]); i--)
		;
	if (!v6only && i >= 2 && i < end && t[i - 1] == '/' && t[i - 2] == '/') {
		if ((v = spf_num(t + i, end - i, 128)) < 0)
			return -1;
		*c6 = v;
		end = i - 2;
		for (i = end; i > 0 && isdigit((unsigned char)t[i - 1]); i--)
			;
	}
	if (i >= 1 && i < end && t[i - 1] == '/' && (i < 2 || t[i - 2] != '/')) {
		if ((v = spf_num(t + i, end - i, v6only ? 128 : 32)) < 0)
			return -1;
		if (v6only)
			*c6 = v;
		else
			*c4 = v;
		end = i - 1;
	}
	/* a '/' left at the end is a length that did not parse */
	if (end > 0 && t[end - 1] == '/')
		return -1;
	*n = end;
	return 0;
}

int
spf_macro_check(const char *spec, char *why, size_t cap)
{
	const char *p;
	int found = 0;

	for (p = spec; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c < 0x21 || c > 0x7e) {
			snprintf(why, cap, "byte 0x%02x is not allowed", c);
			return -1;
		}
		if (c != '%')
			continue;
		found = 1;
		if (p[1] == '%' || p[1] == '_' || p[1] == '-') {
			p++;
			continue;
		}
		if (p[1] != '{') {
			snprintf(why, cap, "'%%' must be followed by {, %%, _ or -");
			return -1;
		}
		p += 2;
		if (strchr("slodiphcrtv", tolower((unsigned char)*p)) == NULL || *p == '\0') {
			snprintf(why, cap, "unknown macro letter '%c'", *p ? *p : '?');
			return -1;
		}
		p++;
		while (isdigit((unsigned char)*p))
			p++;
		if (*p == 'r' || *p == 'R')
			p++;
		while (*p && strchr(".-+,/_=", *p))
			p++;
		if (*p != '}') {
			snprintf(why, cap, "macro not closed by }");
			return -1;
		}
	}
	return found;
}

unsigned
spf_macro_letters(const char *spec)
{
	unsigned bits = 0;
	const char *p;

	for (p = spec; *p; p++) {
		if (p[0] != '%')
			continue;
		if (p[1] == '{' && isalpha((unsigned char)p[2])) {
			bits |= 1u << (tolower((unsigned char)p[2]) - 'a');
			p += 2;
		} else if (p[1]) {
			p++;
		}
	}
	return bits;
}

/* A domain-spec (RFC 7208 §7.1): a macro-string that ends in "." toplabel
 * or in a macro-expand; c, r and t are for exp only. */
static int
spf_spec_check(const char *spec, int *has_macro, char *why, size_t cap)
{
	const char *end, *dot, *q;
	size_t len = strlen(spec);
	int m, alpha = 0;

	if (len == 0) {
		snprintf(why, cap, "empty domain");
		return -1;
	}
	if ((m = spf_macro_check(spec, why, cap)) < 0)
		return -1;
	*has_macro = m;
	if (m && (spf_macro_letters(spec) & ((1u << ('c' - 'a')) | (1u << ('r' - 'a')) |
	    (1u << ('t' - 'a'))))) {
		snprintf(why, cap, "the macros c, r and t are for exp= only");
		return -1;
	}
	if (spec[len - 1] == '}')
		return 0;
	end = spec + len;
	if (end[-1] == '.')
		end--;
	for (dot = end; dot > spec && dot[-1] != '.'; dot--)
		;
	if (dot == spec || dot == end) {
		snprintf(why, cap, "'%.64s' is not a domain name (no top-level label)", spec);
		return -1;
	}
	for (q = dot; q < end; q++) {
		if (isalpha((unsigned char)*q))
			alpha = 1;
		else if (!isdigit((unsigned char)*q) && *q != '-')
			break;
	}
	if (q != end || !alpha || dot[0] == '-' || end[-1] == '-') {
		snprintf(why, cap, "'%.64s' does not end in a valid top-level label", spec);
		return -1;
	}
	return 0;
}

/* A mechanism T of N bytes (the qualifier already taken) into M. */
static int
spf_mech_parse(const char *t, size_t n, struct spf_term *m, char *why, size_t cap)
{
	size_t name_len, i;
	const char *arg;
	char addr[64];

	for (name_len = 0; name_len < n && t[name_len] != ':' && t[name_len] != '/';
	    name_len++)
		;
	for (i = 0; i < sizeof(spf_mechs) / sizeof(spf_mechs[0]); i++)
		if (strlen(spf_mechs[i]) == name_len && strncasecmp(t, spf_mechs[i],
		    name_len) == 0)
			break;
	if (i == sizeof(spf_mechs) / sizeof(spf_mechs[0])) {
		snprintf(why, cap, "unknown mechanism '%.*s'", (int)(name_len > 32 ? 32 :
		    name_len), t);
		return -1;
	}
	m->mech = (enum spf_mech)i;
	m->cidr4 = 32;
	m->cidr6 = 128;
	arg = t + name_len;
	n -= name_len;
	switch (m->mech) {
	case SPF_ALL:
		if (n != 0) {
			snprintf(why, cap, "all takes no argument");
			return -1;
		}
		return 0;
	case SPF_A:
	case SPF_MX:
		if (spf_cidr(arg, &n, &m->cidr4, &m->cidr6, 0) < 0) {
			snprintf(why, cap, "bad CIDR length");
			return -1;
		}
		if (n == 0)
			return 0;
		break;
	case SPF_PTR:
		if (n == 0)
			return 0;
		break;
	case SPF_IP4:
	case SPF_IP6:
		if (n < 2 || arg[0] != ':') {
			snprintf(why, cap, "%s needs an address", spf_mechs[m->mech]);
			return -1;
		}
		arg++;
		n--;
		if (spf_cidr(arg, &n, &m->cidr4, &m->cidr6, m->mech == SPF_IP6) < 0) {
			snprintf(why, cap, "bad CIDR length");
			return -1;
		}
		if (n == 0 || n >= sizeof(addr)) {
			snprintf(why, cap, "%s needs an address", spf_mechs[m->mech]);
			return -1;
		}
		memcpy(addr, arg, n);
		addr[n] = '\0';
		if (inet_pton(m->mech == SPF_IP4 ? AF_INET : AF_INET6, addr, m->addr) != 1) {
			snprintf(why, cap, "'%.48s' is not an %s address", addr,
			    m->mech == SPF_IP4 ? "IPv4" : "IPv6");
			return -1;
		}
		return 0;
	default:
		break;
	}
	/* include, exists, and a, mx, ptr with a domain: ":" domain-spec */
	if (n < 2 || arg[0] != ':') {
		snprintf(why, cap, "%s needs ':' and a domain", spf_mechs[m->mech]);
		return -1;
	}
	if (n - 1 >= sizeof(m->spec)) {
		snprintf(why, cap, "domain longer than %zu bytes", sizeof(m->spec) - 1);
		return -1;
	}
	memcpy(m->spec, arg + 1, n - 1);
	m->spec[n - 1] = '\0';
	return spf_spec_check(m->spec, &m->has_macro, why, cap);
}

/* The term T of N bytes (index IDX, from 1) into R. */
static int
spf_term_parse(const char *t, size_t n, struct spf_record *r, int idx, char *why,
    size_t cap)
{
	char sub[200];
	const char *t0 = t;
	size_t name_len, n0 = n, k;
	struct spf_term *m;

	for (k = 0; k < n; k++) {
		if ((unsigned char)t[k] < 0x21 || (unsigned char)t[k] > 0x7e) {
			snprintf(sub, sizeof(sub), "byte 0x%02x is not allowed",
			    (unsigned char)t[k]);
			goto bad;
		}
	}
	/* a modifier: name "=" macro-string (RFC 7208 §12) */
	if (n > 0 && isalpha((unsigned char)t[0])) {
		for (name_len = 1; name_len < n && (isalnum((unsigned char)t[name_len]) ||
		    strchr("-_.", t[name_len])); name_len++)
			;
		if (name_len < n && t[name_len] == '=') {
			const char *v = t + name_len + 1;
			size_t vn = n - name_len - 1;
			char *dst = NULL;
			int hm;

			if (name_len == 8 && strncasecmp(t, "redirect", 8) == 0)
				dst = r->redirect;
			else if (name_len == 3 && strncasecmp(t, "exp", 3) == 0)
				dst = r->exp;
			if (dst == NULL) {
				char tmp[SPF_SPEC_MAX];

				/* unknown modifiers are ignored, but must be macro-strings */
				snprintf(tmp, sizeof(tmp), "%.*s", (int)vn, v);
				if (spf_macro_check(tmp, sub, sizeof(sub)) < 0)
					goto bad;
				return 0;
			}
			if (dst[0]) {
				snprintf(sub, sizeof(sub), "%.*s= given twice", (int)name_len, t);
				goto bad;
			}
			if (vn == 0 || vn >= SPF_SPEC_MAX) {
				snprintf(sub, sizeof(sub), "%.*s= needs a domain", (int)name_len, t);
				goto bad;
			}
			memcpy(dst, v, vn);
			dst[vn] = '\0';
			if (spf_spec_check(dst, &hm, sub, sizeof(sub)) < 0)
				goto bad;
			return 0;
		}
	}
	if (r->nterms >= SPF_TERMS_MAX) {
		snprintf(sub, sizeof(sub), "more than %d mechanisms", SPF_TERMS_MAX);
		goto bad;
	}
	m = &r->terms[r->nterms];
	memset(m, 0, sizeof(*m));
	snprintf(m->text, sizeof(m->text), "%.*s", (int)n, t);
	m->qual = '+';
	if (n > 0 && strchr("+-~?", t[0])) {
		m->qual = t[0];
		t++;
		n--;
	}
	if (spf_mech_parse(t, n, m, sub, sizeof(sub)) < 0)
		goto bad;
	r->nterms++;
	return 0;
bad:
	snprintf(why, cap, "term %d '%.*s%s': %s", idx, (int)(n0 > 48 ? 48 : n0), t0,
	    n0 > 48 ? "..." : "", sub);
	return -1;
}

int
spf_parse(const char *text, size_t len, struct spf_record *out, char *why, size_t cap)
{
	size_t i = 6, start;
	int idx = 0, k;

	memset(out, 0, sizeof(*out));
	if (!spf_is_record(text, len)) {
		snprintf(why, cap, "does not begin with v=spf1");
		return -1;
	}
	for (;;) {
		while (i < len && text[i] == ' ')
			i++;
		if (i >= len)
			break;
		start = i;
		while (i < len && text[i] != ' ')
			i++;
		idx++;
		if (spf_term_parse(text + start, i - start, out, idx, why, cap) < 0)
			return -1;
	}
	for (k = 0; k < out->nterms; k++) {
		switch (out->terms[k].mech) {
		case SPF_INCLUDE:
		case SPF_A:
		case SPF_MX:
		case SPF_PTR:
		case SPF_EXISTS:
			out->lookups++;
			break;
		case SPF_ALL:
			out->has_all = 1;
			break;
		default:
			break;
		}
	}
	if (out->redirect[0] && !out->has_all)
		out->lookups++;
	return 0;
}

int
spf_addr_in(const unsigned char *net, const unsigned char *addr, int v6, int prefix)
{
	int bytes = prefix / 8, bits = prefix % 8;

	if (prefix < 0 || prefix > (v6 ? 128 : 32))
		return 0;
	if (memcmp(net, addr, (size_t)bytes) != 0)
		return 0;
	if (bits == 0)
		return 1;
	return ((net[bytes] ^ addr[bytes]) & (0xff << (8 - bits)) & 0xff) == 0;
}

/* The value of macro LETTER (lower case) into OUT. 0, or -1 when CTX has
 * no such value. */
static int
spf_macro_value(char letter, const struct spf_macro_ctx *ctx, char *out, size_t cap)
{
	const char *at, *v = NULL;
	unsigned char a[16];
	int i;

	switch (letter) {
	case 's':
		v = ctx->sender;
		break;
	case 'l':
	case 'o':
		if (ctx->sender == NULL || (at = strrchr(ctx->sender, '@')) == NULL)
			return -1;
		if (letter == 'l')
			snprintf(out, cap, "%.*s", (int)(at - ctx->sender), ctx->sender);
		else
			snprintf(out, cap, "%s", at + 1);
		return 0;
	case 'd':
		v = ctx->domain;
		break;
	case 'h':
		v = ctx->helo;
		break;
	case 'p':
		v = "unknown";   /* no validated PTR name (RFC 7208 §7.3) */
		break;
	case 'i':
	case 'c':
	case 'v':
		if (ctx->ip == NULL)
			return -1;
		if (inet_pton(AF_INET, ctx->ip, a) == 1) {
			if (letter == 'v')
				snprintf(out, cap, "in-addr");
			else
				snprintf(out, cap, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
			return 0;
		}
		if (inet_pton(AF_INET6, ctx->ip, a) != 1)
			return -1;
		if (letter == 'v') {
			snprintf(out, cap, "ip6");
		} else if (letter == 'c') {
			snprintf(out, cap, "%s", ctx->ip);
		} else {
			size_t o = 0;

			if (cap < 64)
				return -1;
			for (i = 0; i < 16; i++) {
				o += (size_t)snprintf(out + o, cap - o, "%s%x.%x", i ? "." : "",
				    a[i] >> 4, a[i] & 15);
			}
		}
		return 0;
	default:
		return -1;
	}
	if (v == NULL)
		return -1;
	snprintf(out, cap, "%s", v);
	return 0;
}

/* One macro-expand "%{...}" from P (END: its closing brace) appended to
 * OUT (CAP bytes, NUL-terminated). */
static int
spf_macro_one(const char *p, const char *end, const struct spf_macro_ctx *ctx,
    char *out, size_t cap, char *why, size_t wcap)
{
	char val[SPF_SPEC_MAX * 2], delims[8] = "";
	const char *parts[128];
	size_t plen[128], o = strlen(out), k;
	char letter = p[2];
	const char *q = p + 3;
	int ndigits = 0, rev = 0, nparts = 0, i, first, from;

	if (spf_macro_value((char)tolower((unsigned char)letter), ctx, val,
	    sizeof(val)) < 0) {
		snprintf(why, wcap, "macro %%{%c} has no value here", letter);
		return -1;
	}
	while (q < end && isdigit((unsigned char)*q)) {
		ndigits = ndigits * 10 + (*q - '0');
		if (ndigits > 128)
			ndigits = 128;
		q++;
	}
	if (q > p + 3 && ndigits == 0) {
		snprintf(why, wcap, "macro %%{%c0}: zero parts", letter);
		return -1;
	}
	if (q < end && (*q == 'r' || *q == 'R')) {
		rev = 1;
		q++;
	}
	for (k = 0; q < end && k + 1 < sizeof(delims); q++)
		if (strchr(delims, *q) == NULL)
			delims[k++] = *q;
	delims[k] = '\0';
	if (delims[0] == '\0')
		snprintf(delims, sizeof(delims), ".");
	/* split */
	for (q = val; nparts < 128;) {
		size_t n = strcspn(q, delims);

		parts[nparts] = q;
		plen[nparts++] = n;
		if (q[n] == '\0')
			break;
		q += n + 1;
	}
	if (rev) {
		for (i = 0; i < nparts / 2; i++) {
			const char *t = parts[i];
			size_t tl = plen[i];

			parts[i] = parts[nparts - 1 - i];
			plen[i] = plen[nparts - 1 - i];
			parts[nparts - 1 - i] = t;
			plen[nparts - 1 - i] = tl;
		}
	}
	from = ndigits && ndigits < nparts ? nparts - ndigits : 0;
	for (i = from, first = 1; i < nparts; i++, first = 0) {
		size_t j;

		if (!first) {
			if (o + 1 >= cap)
				goto full;
			out[o++] = '.';
		}
		for (j = 0; j < plen[i]; j++) {
			unsigned char c = (unsigned char)parts[i][j];
			int esc = isupper((unsigned char)letter) && !isalnum(c) &&
			    strchr("-._~", c) == NULL;

			/* an escaped octet takes 3 bytes: room for it and the NUL */
			if (o + (esc ? 3 : 1) >= cap)
				goto full;
			if (esc)
				o += (size_t)snprintf(out + o, cap - o, "%%%02X", c);
			else
				out[o++] = (char)c;
		}
		out[o] = '\0';
	}
	return 0;
full:
	out[o] = '\0';
	snprintf(why, wcap, "expansion too long");
	return -1;
}

int
spf_macro_expand(const char *spec, const struct spf_macro_ctx *ctx, char *dst,
    size_t dcap, char *why, size_t wcap)
{
	char out[1024];
	const size_t cap = sizeof(out);
	const char *p, *s;
	size_t o = 0;

	if (dcap == 0)
		return -1;
	dst[0] = '\0';
	out[0] = '\0';
	if (spf_macro_check(spec, why, wcap) < 0)
		return -1;
	for (p = spec; *p; p++) {
		if (*p != '%') {
			if (o + 1 >= cap)
				goto full;
			out[o++] = *p;
			out[o] = '\0';
			continue;
		}
		if (p[1] == '%' || p[1] == '_' || p[1] == '-') {
			const char *lit = p[1] == '%' ? "%" : p[1] == '_' ? " " : "%20";

			if (o + strlen(lit) >= cap)
				goto full;
			memcpy(out + o, lit, strlen(lit) + 1);
			o += strlen(lit);
			p++;
			continue;
		}
		s = strchr(p, '}');   /* spf_macro_check found it */
		if (s == NULL || spf_macro_one(p, s, ctx, out, cap, why, wcap) < 0)
			return -1;
		o = strlen(out);
		p = s;
	}
	/* §7.3: over 253 octets, drop labels from the left */
	s = out;
	while (strlen(s) > 253 && strchr(s, '.'))
		s = strchr(s, '.') + 1;
	if (strlen(s) > 253) {
		snprintf(why, wcap, "expanded name longer than 253 octets");
		return -1;
	}
	if (strlen(s) >= dcap)
		goto full;
	memcpy(dst, s, strlen(s) + 1);
	return 0;
full:
	snprintf(why, wcap, "expansion too long");
	return -1;
}

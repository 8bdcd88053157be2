/* dkim.c - see dkim.h */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "b64.h"
#include "dkim.h"

#define DKIM_TAG_NAME_MAX 32

/* One tag of a tag list: name and value, trimmed, inside the record. */
struct dkim_tag {
	const char *name, *val;
	size_t nlen, vlen;
};

/* A DER element: its contents inside the input. */
struct der {
	const unsigned char *p;
	size_t len;
};

static int dkim_wsp(char c);
static int dkim_tags(const char *rec, size_t len, struct dkim_tag *t, int *n,
    char *why, size_t cap);
static int dkim_is(const struct dkim_tag *t, const char *name);
static int dkim_list_has(const char *v, size_t n, const char *item);
static void dkim_text(char *out, size_t cap, const char *s, size_t n);
static int dkim_key(const struct dkim_tag *p, struct dkim_key *k, char *why,
    size_t cap);
static int der_next(const unsigned char **p, const unsigned char *end,
    unsigned char tag, struct der *out);

/* FWS and WSP of RFC 5322 as DKIM allows them in a tag list. */
static int
dkim_wsp(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Split REC into at most DKIM_TAGS_MAX tags (RFC 6376 §3.2): names
 * ALPHA *(ALPHA / DIGIT / "_"), values of VALCHARs with blanks inside, no
 * name twice. Empty specs (";;", a trailing ";") are skipped. */
static int
dkim_tags(const char *rec, size_t len, struct dkim_tag *t, int *n, char *why,
    size_t cap)
{
	size_t i = 0;

	*n = 0;
	while (i <= len) {
		size_t s = i, e, eq, j;
		struct dkim_tag *g;
		int k;

		while (i < len && rec[i] != ';')
			i++;
		e = i++;            /* the spec is rec[s..e); skip the ';' */
		while (s < e && dkim_wsp(rec[s]))
			s++;
		while (e > s && dkim_wsp(rec[e - 1]))
			e--;
		if (s == e)
			continue;
		for (eq = s; eq < e && rec[eq] != '='; eq++)
			;
		if (eq == e) {
			snprintf(why, cap, "'%.*s' is not a TAG=VALUE pair",
			    (int)(e - s > 40 ? 40 : e - s), rec + s);
			for (j = 0; why[j]; j++)
				if ((unsigned char)why[j] < 0x20 || (unsigned char)why[j] > 0x7e)
					why[j] = '?';
			return -1;
		}
		if (*n >= DKIM_TAGS_MAX) {
			snprintf(why, cap, "more than %d tags", DKIM_TAGS_MAX);
			return -1;
		}
		g = &t[(*n)++];
		g->name = rec + s;
		g->nlen = eq - s;
		while (g->nlen > 0 && dkim_wsp(g->name[g->nlen - 1]))
			g->nlen--;
		g->val = rec + eq + 1;
		g->vlen = e - eq - 1;
		while (g->vlen > 0 && dkim_wsp(g->val[0])) {
			g->val++;
			g->vlen--;
		}
		if (g->nlen == 0 || g->nlen > DKIM_TAG_NAME_MAX ||
		    !((g->name[0] >= 'a' && g->name[0] <= 'z') ||
		    (g->name[0] >= 'A' && g->name[0] <= 'Z'))) {
			snprintf(why, cap, "a tag name must begin with a letter");
			return -1;
		}
		for (j = 1; j < g->nlen; j++) {
			char c = g->name[j];

			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') || c == '_')) {
				snprintf(why, cap, "tag name '%.*s' holds a character other "
				    "than letters, digits and _", (int)j, g->name);
				return -1;
			}
		}
		for (j = 0; j < g->vlen; j++) {
			unsigned char c = (unsigned char)g->val[j];

			if (!dkim_wsp((char)c) && (c < 0x21 || c > 0x7e)) {
				snprintf(why, cap, "the value of tag '%.*s' holds a byte 0x%02x",
				    (int)g->nlen, g->name, c);
				return -1;
			}
		}
		for (k = 0; k + 1 < *n; k++)
			if (t[k].nlen == g->nlen && memcmp(t[k].name, g->name, g->nlen) == 0) {
				snprintf(why, cap, "tag '%.*s' appears twice", (int)g->nlen,
				    g->name);
				return -1;
			}
	}
	return 0;
}

/* Tag T is NAME (case-sensitive, RFC 6376 §3.2). */
static int
dkim_is(const struct dkim_tag *t, const char *name)
{
	return t->nlen == strlen(name) && memcmp(t->name, name, t->nlen) == 0;
}

/* The colon-separated list V of N bytes holds ITEM (blanks around items
 * ignored; case-insensitive, as the hash and service names are tokens). */
static int
dkim_list_has(const char *v, size_t n, const char *item)
{
	size_t i = 0, il = strlen(item);

	while (i <= n) {
		size_t s = i, e;

		while (i < n && v[i] != ':')
			i++;
		e = i++;
		while (s < e && dkim_wsp(v[s]))
			s++;
		while (e > s && dkim_wsp(v[e - 1]))
			e--;
		if (e - s == il && strncasecmp(v + s, item, il) == 0)
			return 1;
	}
	return 0;
}

/* S of N bytes into OUT as printable text, cut to CAP. */
static void
dkim_text(char *out, size_t cap, const char *s, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n && o + 1 < cap; i++) {
		char c = s[i];

		if (c <= 0x20 || c >= 0x7f)
			c = '?';
		out[o++] = c;
	}
	out[o] = '\0';
}

/* Read one DER element of tag TAG at *P (before END) into OUT and move *P
 * past it. Definite lengths only, of at most 4 length octets; the contents
 * must lie inside [*P, END). */
static int
der_next(const unsigned char **p, const unsigned char *end, unsigned char tag,
    struct der *out)
{
	const unsigned char *q = *p;
	size_t len, nb, i;

	if (end - q < 2 || q[0] != tag)
		return -1;
	q++;
	if (*q < 0x80) {
		len = *q++;
	} else {
		nb = *q++ & 0x7f;
		if (nb == 0 || nb > 4 || (size_t)(end - q) < nb)
			return -1;      /* indefinite, or longer than any key */
		for (len = 0, i = 0; i < nb; i++)
			len = len << 8 | *q++;
	}
	if (len > (size_t)(end - q))
		return -1;
	out->p = q;
	out->len = len;
	*p = q + len;
	return 0;
}

int
dkim_rsa_bits(const unsigned char *der, size_t len, int *bits, char *why,
    size_t cap)
{
	static const unsigned char rsa_oid[] = {
		0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01
	};
	const unsigned char *p = der, *end = der + len, *q, *qe;
	struct der top, alg, oid, bs, rsa, n, e;
	unsigned char top8;
	size_t i;

	*bits = 0;
	if (der_next(&p, end, 0x30, &top) < 0 || p != end) {
		snprintf(why, cap, "the key is not one DER SEQUENCE");
		return -1;
	}
	q = top.p;
	qe = top.p + top.len;
	if (q < qe && *q == 0x30) {
		/* SubjectPublicKeyInfo: SEQUENCE { AlgorithmIdentifier, BIT STRING } */
		if (der_next(&q, qe, 0x30, &alg) < 0 ||
		    der_next(&q, qe, 0x03, &bs) < 0 || q != qe) {
			snprintf(why, cap, "the key is not a SubjectPublicKeyInfo");
			return -1;
		}
		p = alg.p;
		if (der_next(&p, alg.p + alg.len, 0x06, &oid) < 0 ||
		    oid.len != sizeof(rsa_oid) || memcmp(oid.p, rsa_oid, oid.len) != 0) {
			snprintf(why, cap, "the key is not an RSA key (another algorithm)");
			return -1;
		}
		if (bs.len < 1 || bs.p[0] != 0) {
			snprintf(why, cap, "the key's BIT STRING is malformed");
			return -1;
		}
		p = bs.p + 1;
		end = bs.p + bs.len;
		if (der_next(&p, end, 0x30, &rsa) < 0 || p != end) {
			snprintf(why, cap, "the key holds no RSAPublicKey");
			return -1;
		}
		q = rsa.p;
		qe = rsa.p + rsa.len;
	}
	/* RSAPublicKey: SEQUENCE { INTEGER modulus, INTEGER publicExponent } */
	if (der_next(&q, qe, 0x02, &n) < 0 || der_next(&q, qe, 0x02, &e) < 0 ||
	    q != qe) {
		snprintf(why, cap, "the key is not an RSA public key (modulus, exponent)");
		return -1;
	}
	if (n.len < 1 || (n.p[0] & 0x80) || e.len < 1 || (e.p[0] & 0x80)) {
		snprintf(why, cap, "the RSA key has a negative modulus or exponent");
		return -1;
	}
	for (i = 0; i < n.len && n.p[i] == 0; i++)
		;
	if (i == n.len) {
		snprintf(why, cap, "the RSA modulus is zero");
		return -1;
	}
	if (n.len - i > 8192) {
		snprintf(why, cap, "the RSA modulus is absurdly large");
		return -1;
	}
	*bits = (int)(n.len - i - 1) * 8;
	for (top8 = n.p[i]; top8; top8 >>= 1)
		(*bits)++;
	return 0;
}

/* The key of tag P (p=) into K: revoked when empty, else base64 decoded
 * (blanks inside removed) and judged by its type. */
static int
dkim_key(const struct dkim_tag *p, struct dkim_key *k, char *why, size_t cap)
{
	char enc[B64_ENCODED_SIZE(DKIM_KEY_MAX)];
	unsigned char raw[DKIM_KEY_MAX];
	size_t i, n = 0;
	long got;

	for (i = 0; i < p->vlen; i++) {
		if (dkim_wsp(p->val[i]))
			continue;
		if (n + 1 >= sizeof(enc)) {
			snprintf(why, cap, "the key (p=) is longer than %d bytes", DKIM_KEY_MAX);
			return -1;
		}
		enc[n++] = p->val[i];
	}
	if (n == 0) {
		k->revoked = 1;
		return 0;
	}
	got = b64_decode(enc, n, raw, sizeof(raw));
	if (got <= 0) {
		snprintf(why, cap, "the key (p=) is not base64");
		return -1;
	}
	if (k->type == DKIM_K_ED25519) {
		if (got != 32) {
			snprintf(why, cap, "the Ed25519 key is %ld bytes, not 32 (RFC 8463)", got);
			return -1;
		}
		k->bits = 256;
		return 0;
	}
	if (k->type == DKIM_K_RSA)
		return dkim_rsa_bits(raw, (size_t)got, &k->bits, why, cap);
	return 0;   /* another type: not judged here */
}

int
dkim_parse(const char *rec, size_t len, struct dkim_key *k, char *why, size_t cap)
{
	struct dkim_tag t[DKIM_TAGS_MAX];
	const struct dkim_tag *p = NULL;
	int i, n;

	memset(k, 0, sizeof(*k));
	snprintf(k->ktext, sizeof(k->ktext), "rsa");
	k->sha256 = 1;
	k->email = 1;
	if (cap > 0)
		why[0] = '\0';
	if (dkim_tags(rec, len, t, &n, why, cap) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		const struct dkim_tag *g = &t[i];

		if (dkim_is(g, "v")) {
			if (i != 0) {
				snprintf(why, cap, "v= is not the first tag");
				return -1;
			}
			if (g->vlen != 5 || memcmp(g->val, "DKIM1", 5) != 0) {
				snprintf(why, cap, "v= is not DKIM1");
				return -1;
			}
			k->has_v = 1;
		} else if (dkim_is(g, "k")) {
			dkim_text(k->ktext, sizeof(k->ktext), g->val, g->vlen);
			if (g->vlen == 3 && strncasecmp(g->val, "rsa", 3) == 0)
				k->type = DKIM_K_RSA;
			else if (g->vlen == 7 && strncasecmp(g->val, "ed25519", 7) == 0)
				k->type = DKIM_K_ED25519;
			else
				k->type = DKIM_K_OTHER;
		} else if (dkim_is(g, "h")) {
			k->sha256 = dkim_list_has(g->val, g->vlen, "sha256");
		} else if (dkim_is(g, "s")) {
			k->email = dkim_list_has(g->val, g->vlen, "*") ||
			    dkim_list_has(g->val, g->vlen, "email");
		} else if (dkim_is(g, "t")) {
			k->testing = dkim_list_has(g->val, g->vlen, "y");
			k->strict = dkim_list_has(g->val, g->vlen, "s");
		} else if (dkim_is(g, "p")) {
			p = g;
		}
	}
	if (p == NULL) {
		snprintf(why, cap, "no key (p= is missing)");
		return -1;
	}
	return dkim_key(p, k, why, cap);
}

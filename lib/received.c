/* received.c - see received.h */
#include <config.h>

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "received.h"

#define RECEIVED_VALUE_MAX 4096

struct received_collect {
	struct received_path *p;
};

static void received_word_after(const char *v, size_t len, const char *kw,
    char *out, size_t cap);
static const char *received_find_word(const char *v, size_t len, const char *kw);
static void received_tls_comment(const char *v, size_t len, struct received_hop *h);
static void received_collect_one(void *ctx, const char *value, size_t vlen);

int
received_with_tls(const char *w)
{
	static const char *const tls[] = {
		"ESMTPS", "ESMTPSA", "LMTPS", "LMTPSA", "UTF8SMTPS", "UTF8SMTPSA",
		"UTF8LMTPS", "UTF8LMTPSA",
	};
	size_t i;

	for (i = 0; i < sizeof(tls) / sizeof(tls[0]); i++)
		if (strcasecmp(w, tls[i]) == 0)
			return 1;
	return 0;
}

/* Where keyword KW stands as a word of V (outside comments), or NULL. */
static const char *
received_find_word(const char *v, size_t len, const char *kw)
{
	size_t kl = strlen(kw), i;
	int depth = 0;

	for (i = 0; i < len; i++) {
		char c = v[i];

		if (c == '(')
			depth++;
		else if (c == ')' && depth > 0)
			depth--;
		else if (c == ';' && depth == 0)
			return NULL;   /* the date follows */
		if (depth > 0 || i + kl >= len)
			continue;
		if ((i == 0 || isspace((unsigned char)v[i - 1])) &&
		    strncasecmp(v + i, kw, kl) == 0 && isspace((unsigned char)v[i + kl]))
			return v + i + kl;
	}
	return NULL;
}

/* The word after keyword KW, into OUT. */
static void
received_word_after(const char *v, size_t len, const char *kw, char *out, size_t cap)
{
	const char *p = received_find_word(v, len, kw), *end = v + len;
	size_t n = 0;

	out[0] = '\0';
	if (p == NULL)
		return;
	while (p < end && isspace((unsigned char)*p))
		p++;
	while (p + n < end && !isspace((unsigned char)p[n]) && p[n] != '(' &&
	    p[n] != ';' && p[n] != ')')
		n++;
	if (n >= cap)
		n = cap - 1;
	memcpy(out, p, n);
	out[n] = '\0';
}

/* TLS named in a comment: "(using TLSv1.3 with cipher ...)" (Postfix),
 * "(version=TLSv1.2 cipher=...)" (Sendmail), "(TLS1.3)" / "(TLS1.2)"
 * (Exim), "(TLS: ...)". */
static void
received_tls_comment(const char *v, size_t len, struct received_hop *h)
{
	size_t i;
	int depth = 0;

	for (i = 0; i < len; i++) {
		if (v[i] == '(') {
			depth++;
			continue;
		}
		if (v[i] == ')' && depth > 0) {
			depth--;
			continue;
		}
		if (depth == 0 || i + 4 > len || strncasecmp(v + i, "TLS", 3) != 0)
			continue;
		if (i > 0 && isalnum((unsigned char)v[i - 1]))
			continue;   /* STARTTLS words, "STLS": not a statement */
		if (v[i + 3] == 'v' || isdigit((unsigned char)v[i + 3]) || v[i + 3] == ':' ||
		    v[i + 3] == ' ') {
			size_t n = 0;

			h->tls = RECEIVED_TLS_YES;
			if (h->tls_version[0] == '\0' && (v[i + 3] == 'v' ||
			    isdigit((unsigned char)v[i + 3]))) {
				while (i + n < len && n + 1 < sizeof(h->tls_version) &&
				    (isalnum((unsigned char)v[i + n]) || v[i + n] == '.'))
					n++;
				memcpy(h->tls_version, v + i, n);
				h->tls_version[n] = '\0';
			}
		}
	}
}

void
received_hop_parse(const char *value, size_t len, struct received_hop *h)
{
	size_t i;

	memset(h, 0, sizeof(*h));
	received_word_after(value, len, "from", h->from, sizeof(h->from));
	received_word_after(value, len, "by", h->by, sizeof(h->by));
	received_word_after(value, len, "with", h->with, sizeof(h->with));
	for (i = 0; h->with[i]; i++)
		h->with[i] = (char)toupper((unsigned char)h->with[i]);
	if (h->with[0])
		h->tls = received_with_tls(h->with) ? RECEIVED_TLS_YES : RECEIVED_TLS_NO;
	received_tls_comment(value, len, h);
}

int
received_fields(const char *hdr, size_t len, const char *name, int max,
    void (*fn)(void *ctx, const char *value, size_t vlen), void *ctx)
{
	char val[RECEIVED_VALUE_MAX];
	size_t nl = strlen(name), i = 0;
	int count = 0;

	while (i < len && count < max) {
		size_t eol = i, vlen = 0;

		/* the field's first line */
		while (eol < len && hdr[eol] != '\n')
			eol++;
		if (eol - i > nl && strncasecmp(hdr + i, name, nl) == 0 && hdr[i + nl] == ':') {
			size_t j = i + nl + 1;

			for (;;) {
				for (; j < eol; j++) {
					char c = hdr[j];

					if (c == '\r')
						continue;
					if (c == '\t')
						c = ' ';
					if (vlen + 1 < sizeof(val))
						val[vlen++] = c;
				}
				/* folded: the next line begins with a blank */
				if (eol + 1 < len && (hdr[eol + 1] == ' ' || hdr[eol + 1] == '\t')) {
					j = eol + 1;
					eol = j;
					while (eol < len && hdr[eol] != '\n')
						eol++;
					continue;
				}
				break;
			}
			val[vlen] = '\0';
			fn(ctx, val, vlen);
			count++;
		}
		i = eol + 1;
	}
	return count;
}

static void
received_collect_one(void *ctx, const char *value, size_t vlen)
{
	struct received_collect *rc = ctx;
	struct received_path *p = rc->p;

	if (p->n < RECEIVED_HOPS_MAX)
		received_hop_parse(value, vlen, &p->hop[p->n++]);
	else
		p->more++;
}

int
received_path_parse(const char *hdr, size_t len, struct received_path *p)
{
	struct received_collect rc;

	memset(p, 0, sizeof(*p));
	rc.p = p;
	received_fields(hdr, len, "Received", 1 << 20, received_collect_one, &rc);
	return p->n;
}

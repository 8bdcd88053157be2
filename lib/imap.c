/* imap.c - see imap.h */
#include <config.h>

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "imap.h"

static const struct {
	const char *name;
	enum imap_status st;
} imap_statuses[] = {
	{ "OK", IMAP_OK }, { "NO", IMAP_NO }, { "BAD", IMAP_BAD },
	{ "PREAUTH", IMAP_PREAUTH }, { "BYE", IMAP_BYE },
};

const char *
imap_status_name(enum imap_status s)
{
	size_t i;

	for (i = 0; i < sizeof(imap_statuses) / sizeof(imap_statuses[0]); i++)
		if (imap_statuses[i].st == s)
			return imap_statuses[i].name;
	return "NONE";
}

/* Length of the word at P, up to a blank or END: never reads past END
 * (the line need not be NUL-terminated). */
static size_t
imap_word_len(const char *p, const char *end)
{
	const char *sp = memchr(p, ' ', (size_t)(end - p));

	return sp ? (size_t)(sp - p) : (size_t)(end - p);
}

static int
imap_copy(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		return -1;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

int
imap_resp_parse(const char *line, size_t len, struct imap_resp *r,
    struct err *e)
{
	const char *p = line, *end = line + len, *w;
	size_t n, i;

	memset(r, 0, offsetof(struct imap_resp, code));
	r->code[0] = r->text[0] = '\0';
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return err_set(e, ERR_PROTO, "response contains control characters");
	}
	if (len == 0)
		return err_set(e, ERR_PROTO, "empty response line");
	if (*p == '+') {
		r->kind = IMAP_CONTINUATION;
		p++;
		if (p < end && *p == ' ')
			p++;
		if (imap_copy(r->text, sizeof(r->text), p, (size_t)(end - p)) < 0)
			return err_set(e, ERR_PROTO, "response line too long");
		return 0;
	}
	/* tag or "*" */
	n = imap_word_len(p, end);
	if (n == 1 && *p == '*') {
		r->kind = IMAP_UNTAGGED;
	} else {
		if (n == 0 || n >= IMAP_TAG_MAX)
			return err_set(e, ERR_PROTO, "malformed response (bad tag)");
		for (i = 0; i < n; i++) {
			if (!isgraph((unsigned char)p[i]) || strchr("(){%*\"\\]", p[i]))
				return err_set(e, ERR_PROTO, "malformed response (bad tag)");
		}
		r->kind = IMAP_TAGGED;
		imap_copy(r->tag, sizeof(r->tag), p, n);
	}
	p += n;
	if (p >= end || *p != ' ')
		return err_set(e, ERR_PROTO, "malformed response (nothing after the tag)");
	p++;
	/* status word or untagged keyword */
	w = p;
	n = imap_word_len(p, end);
	if (n == 0)
		return err_set(e, ERR_PROTO, "malformed response (empty keyword)");
	for (i = 0; i < sizeof(imap_statuses) / sizeof(imap_statuses[0]); i++) {
		if (strlen(imap_statuses[i].name) == n &&
		    strncasecmp(w, imap_statuses[i].name, n) == 0)
			r->status = imap_statuses[i].st;
	}
	if (r->kind == IMAP_TAGGED &&
	    r->status != IMAP_OK && r->status != IMAP_NO && r->status != IMAP_BAD)
		return err_set(e, ERR_PROTO,
		    "malformed tagged response (expected OK, NO or BAD)");
	if (r->kind == IMAP_UNTAGGED && r->status == IMAP_NONE &&
	    isdigit((unsigned char)*w)) {
		/* "* 3 EXISTS": the data name follows the number */
		const char *w2 = w + n;

		if (w2 < end && *w2 == ' ') {
			size_t n2;

			w2++;
			n2 = imap_word_len(w2, end);
			p = w2;
			w = w2;
			n = n2;
		}
	}
	if (n < sizeof(r->keyword)) {
		for (i = 0; i < n; i++)
			r->keyword[i] = (char)toupper((unsigned char)w[i]);
		r->keyword[n] = '\0';
	}
	p += n;
	if (p < end && *p == ' ')
		p++;
	if (r->status != IMAP_NONE && p < end && *p == '[') {
		const char *close = memchr(p, ']', (size_t)(end - p));

		if (close == NULL)
			return err_set(e, ERR_PROTO, "malformed response code (no ']')");
		if (imap_copy(r->code, sizeof(r->code), p + 1, (size_t)(close - p - 1)) < 0)
			return err_set(e, ERR_PROTO, "response code too long");
		p = close + 1;
		if (p < end && *p == ' ')
			p++;
	}
	if (imap_copy(r->text, sizeof(r->text), p, (size_t)(end - p)) < 0)
		return err_set(e, ERR_PROTO, "response line too long");
	return 0;
}

int
imap_caps_parse(const char *s, size_t len, struct caps *c, struct err *e)
{
	size_t i = 0;

	while (i < len) {
		size_t start;

		while (i < len && s[i] == ' ')
			i++;
		start = i;
		while (i < len && s[i] != ' ')
			i++;
		if (i > start && caps_add(c, s + start, i - start, e) < 0)
			return -1;
	}
	return 0;
}

int
imap_code_is_caps(const char *code)
{
	return strncasecmp(code, "CAPABILITY", 10) == 0 &&
	    (code[10] == ' ' || code[10] == '\0');
}

int
imap_code_caps(const char *code, struct caps *c, struct err *e)
{
	if (!imap_code_is_caps(code))
		return 0;
	if (imap_caps_parse(code + 10, strlen(code + 10), c, e) < 0)
		return -1;
	return 1;
}

int
imap_quote(const char *in, char *out, size_t cap)
{
	size_t o = 0;

	if (cap < 3)
		return -1;
	out[o++] = '"';
	for (; *in; in++) {
		if (*in == '\r' || *in == '\n' || o + 4 > cap)
			return -1;
		if (*in == '"' || *in == '\\')
			out[o++] = '\\';
		out[o++] = *in;
	}
	out[o++] = '"';
	out[o] = '\0';
	return 0;
}

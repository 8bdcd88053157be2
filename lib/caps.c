/* caps.c - see caps.h */
#include <config.h>

#include <string.h>
#include <strings.h>

#include "caps.h"

static size_t caps_word_len(const char *s);

void
caps_init(struct caps *c)
{
	c->n = 0;
	c->used = 0;
}

int
caps_add(struct caps *c, const char *s, size_t len, struct err *e)
{
	while (len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len == 0)
		return 0;
	{
		size_t i;

		for (i = 0; i < len; i++)
			if (((unsigned char)s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7f)
				return err_set(e, ERR_PROTO, "capability contains control characters");
	}
	if (c->n >= CAPS_MAX || c->used + len + 1 > CAPS_STORE)
		return err_set(e, ERR_PROTO,
		    "capability list too long (more than %d entries or %d bytes)",
		    CAPS_MAX, CAPS_STORE);
	c->off[c->n++] = (uint16_t)c->used;
	memcpy(c->store + c->used, s, len);
	c->store[c->used + len] = '\0';
	c->used += len + 1;
	return 0;
}

const char *
caps_get(const struct caps *c, int i)
{
	return (i >= 0 && i < c->n) ? c->store + c->off[i] : NULL;
}

static size_t
caps_word_len(const char *s)
{
	return strcspn(s, " \t");
}

const char *
caps_find(const struct caps *c, const char *name)
{
	size_t nl = strlen(name);
	int i;

	for (i = 0; i < c->n; i++) {
		const char *ent = caps_get(c, i);

		if (caps_word_len(ent) == nl && strncasecmp(ent, name, nl) == 0)
			return ent;
	}
	return NULL;
}

int
caps_has(const struct caps *c, const char *name)
{
	return caps_find(c, name) != NULL;
}

int
caps_missing(const struct caps *c, const char *list, struct sbuf *missing)
{
	const char *p = list;
	char name[128];
	int count = 0;

	while (*p) {
		size_t n = strcspn(p, ", \t");

		if (n > 0 && n < sizeof(name)) {
			memcpy(name, p, n);
			name[n] = '\0';
			if (!caps_has(c, name)) {
				if (count++)
					sbuf_addc(missing, ',');
				sbuf_add(missing, name);
			}
		}
		p += n;
		p += strspn(p, ", \t");
	}
	return count;
}

void
caps_join(const struct caps *c, struct sbuf *out, const char *sep)
{
	int i;

	for (i = 0; i < c->n; i++) {
		const char *ent = caps_get(c, i);

		if (i)
			sbuf_add(out, sep);
		sbuf_addn(out, ent, caps_word_len(ent));
	}
}

int
caps_require(const struct caps *c, const char *list, const char *what,
    struct err *e)
{
	struct sbuf miss;
	int n, rc = 0;

	sbuf_init(&miss);
	n = caps_missing(c, list, &miss);
	if (n > 0) {
		/* plural: "extensions", "capabilities" */
		size_t wl = strlen(what);
		int y = wl > 0 && what[wl - 1] == 'y';

		rc = err_set(e, ERR_MISSING_FEATURE, "required %.*s%s not offered: %s",
		    (int)(n > 1 && y ? wl - 1 : wl), what, n > 1 ? (y ? "ies" : "s") : "",
		    sbuf_str(&miss));
	}
	sbuf_free(&miss);
	return rc;
}

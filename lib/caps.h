/* caps.h - a bounded list of capability / extension entries.
 *
 * Used for EHLO keywords ("SIZE 10240000", "AUTH PLAIN LOGIN"), IMAP
 * capabilities ("IMAP4rev1", "AUTH=PLAIN") and POP3 CAPA lines ("SASL
 * PLAIN"). Entries are copied in; a list that would overflow is ERR_PROTO. */
#ifndef MP_CAPS_H
#define MP_CAPS_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "sbuf.h"

#define CAPS_MAX 128
#define CAPS_STORE 8192

struct caps {
	int n;
	size_t used;                /* bytes of store in use */
	uint16_t off[CAPS_MAX];
	char store[CAPS_STORE];     /* last: a run touches only what it uses */
};

void caps_init(struct caps *c);

/* Add one entry (LEN bytes of S, surrounding blanks trimmed; empty ignored). */
int caps_add(struct caps *c, const char *s, size_t len, struct err *e);

/* Entry I (0-based). */
const char *caps_get(const struct caps *c, int i);

/* The entry whose first word equals NAME (case-insensitive), or NULL.
 * "SIZE" finds "SIZE 10240000"; "AUTH=PLAIN" finds "AUTH=PLAIN". */
const char *caps_find(const struct caps *c, const char *name);

/* 1 when caps_find(c, name) != NULL. */
int caps_has(const struct caps *c, const char *name);

/* Check a comma/space separated LIST of names; append the missing ones,
 * comma separated, to MISSING. Returns how many are missing. */
int caps_missing(const struct caps *c, const char *list, struct sbuf *missing);

/* ERR_MISSING_FEATURE "required WHAT not offered: A,B" when entries of
 * LIST are missing (WHAT: "extension", "capability"); else 0. */
int caps_require(const struct caps *c, const char *list, const char *what,
    struct err *e);

/* Append every entry's first word to OUT, separated by SEP. */
void caps_join(const struct caps *c, struct sbuf *out, const char *sep);

#endif

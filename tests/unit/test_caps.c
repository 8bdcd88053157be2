/* test_caps.c - the capability set of EHLO/CAPA/CAPABILITY answers. */
#include <config.h>

#include <string.h>

#include "caps.h"
#include "err.h"
#include "sbuf.h"
#include "tap.h"

/* ------------------------------------------------------------ caps */
static void
test_caps(void)
{
	static struct caps c;
	struct sbuf s;
	struct err e;
	char entry[200];
	int i, rc;

	sbuf_init(&s);
	caps_init(&c);
	err_clear(&e);
	is_int(caps_add(&c, "  SIZE 1000\t ", 13, &e), 0, "caps_add trims blanks");
	is_str(caps_get(&c, 0), "SIZE 1000", "trimmed entry");
	is_int(caps_add(&c, "   ", 3, &e), 0, "caps_add of blanks: ignored");
	is_int(caps_add(&c, "", 0, &e), 0, "caps_add of nothing: ignored");
	is_int(c.n, 1, "blank entries not stored");
	caps_add(&c, "AUTH PLAIN LOGIN", 16, &e);
	caps_add(&c, "STARTTLSxxxx", 8, &e);
	is_str(caps_get(&c, 2), "STARTTLS", "caps_add copies LEN bytes");
	is_str(caps_find(&c, "auth"), "AUTH PLAIN LOGIN", "caps_find by first word");
	is_str(caps_find(&c, "PLAIN"), NULL, "a later word is not found");
	is_str(caps_find(&c, "SIZE 1000"), NULL, "whole entry is not a first word");
	caps_join(&c, &s, ", ");
	is_str(sbuf_str(&s), "SIZE, AUTH, STARTTLS", "caps_join with ', '");
	sbuf_reset(&s);
	caps_init(&c);
	caps_join(&c, &s, ",");
	is_str(sbuf_str(&s), "", "caps_join of nothing");
	is_int(caps_missing(&c, "A,B", &s), 2, "everything missing from an empty list");
	is_str(sbuf_str(&s), "A,B", "missing A,B");

	/* CAPS_MAX entries */
	caps_init(&c);
	rc = 0;
	for (i = 0; i < CAPS_MAX && rc == 0; i++) {
		int n = snprintf(entry, sizeof(entry), "E%d", i);

		rc = caps_add(&c, entry, (size_t)n, &e);
	}
	is_int(rc, 0, "%d entries fit", CAPS_MAX);
	err_clear(&e);
	is_int(caps_add(&c, "ONE-MORE", 8, &e), -1, "entry %d -> -1", CAPS_MAX + 1);
	is_int(e.kind, ERR_PROTO, "too many entries -> ERR_PROTO");
	is_int(c.n, CAPS_MAX, "count stays %d", CAPS_MAX);
	is_str(caps_get(&c, CAPS_MAX - 1), "E127", "last entry intact");

	/* CAPS_STORE bytes: 99-byte entries take 100 bytes each */
	caps_init(&c);
	memset(entry, 'x', 99);
	rc = 0;
	for (i = 0; i < CAPS_STORE / 100 && rc == 0; i++) {
		entry[0] = (char)('A' + i % 26);
		rc = caps_add(&c, entry, 99, &e);
	}
	is_int(rc, 0, "%d entries of 99 bytes fit", CAPS_STORE / 100);
	err_clear(&e);
	rc = caps_add(&c, entry, 99, &e);
	is_int(rc, -1, "store overflow -> -1");
	is_int(e.kind, ERR_PROTO, "store overflow -> ERR_PROTO");
	is_int(c.n, CAPS_STORE / 100, "count unchanged after overflow");
	ok(c.used <= CAPS_STORE, "store used %zu <= %d", c.used, CAPS_STORE);
	/* a small entry still fits in what is left */
	err_clear(&e);
	is_int(caps_add(&c, "TINY", 4, &e), 0, "a small entry fits in the rest");
	is_str(caps_get(&c, c.n - 1), "TINY", "small entry stored");
	sbuf_free(&s);
}

int
main(void)
{
	test_caps();
	return done_testing();
}

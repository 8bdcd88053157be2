/* fuzz_pop3 - POP3 (lib/pop3): the first line and every line after a
 * CAPA list go to pop3_status_parse (and pop3_apop_timestamp), the lines
 * after a "+OK" to pop3_capa_feed until its ".". */
#include <config.h>

#include "fuzz_common.h"
#include "pop3.h"

struct pop3_state {
	int in_capa;
	size_t apop_cap;            /* output size for pop3_apop_timestamp */
	struct caps caps;
	struct sbuf missing;
};

static struct pop3_state st;

static void
check_apop(const char *line, size_t len, size_t cap)
{
	char *out = malloc(cap ? cap : 1);
	const char *gt;

	if (out == NULL)
		abort();
	if (pop3_apop_timestamp(line, len, out, cap) == 1) {
		/* "<...@...>" and a NUL, inside OUT (the line may hold NULs:
		 * the plugin has pop3_status_parse refuse those first) */
		fuzz_check(cap >= 4 && out[0] == '<');
		gt = memchr(out, '>', cap);
		fuzz_check(gt != NULL && (size_t)(gt - out) + 2 <= cap && gt[1] == '\0');
		fuzz_check(memchr(out, '@', (size_t)(gt - out)) != NULL);
	}
	free(out);
}

/* issue 21: STAT's text and the Date: header parsers on every line */
static void
health(const char *line, size_t len)
{
	unsigned long long c, o;
	long long when;
	struct err e;
	int rc;

	err_clear(&e);
	if (pop3_stat_parse(line, len, &c, &o, &e) < 0)
		fuzz_check(e.kind == ERR_PROTO);
	else
		fuzz_check(c < 1000000000000000000ULL && o < 1000000000000000000ULL);
	(void)pop3_date_parse(line, len, &when);
	rc = pop3_header_date(line, len, &when);
	fuzz_check(rc == 0 || rc == 1);
}

static void
feed_line(void *ctx, const char *line, size_t len)
{
	struct pop3_state *s = ctx;
	const char *text = NULL;
	size_t tlen = 0;
	struct err e;
	int ok = -1, rc;

	err_clear(&e);
	if (s->in_capa) {
		rc = pop3_capa_feed(&s->caps, line, len, &e);
		fuzz_check(rc >= -1 && rc <= 1);
		if (rc != 0) {
			fuzz_check(s->caps.n <= CAPS_MAX && s->caps.used <= CAPS_STORE);
			(void)caps_has(&s->caps, "STLS");
			sbuf_reset(&s->missing);
			(void)caps_missing(&s->caps, "USER, SASL,STLS PIPELINING", &s->missing);
			caps_join(&s->caps, &s->missing, " ");
			caps_init(&s->caps);
			s->in_capa = 0;
		}
		return;
	}
	check_apop(line, len, s->apop_cap);
	health(line, len);
	if (pop3_status_parse(line, len, &ok, &text, &tlen, &e) < 0) {
		fuzz_check(e.kind == ERR_PROTO);
		return;
	}
	fuzz_check(ok == 0 || ok == 1);
	fuzz_check(text >= line && text + tlen == line + len);
	if (ok)
		s->in_capa = 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	st.in_capa = 0;
	/* the first byte picks the APOP buffer size, 0..255 */
	st.apop_cap = size > 0 ? data[0] : 0;
	caps_init(&st.caps);
	sbuf_init(&st.missing);
	fuzz_each_line(data, size, feed_line, &st);
	sbuf_free(&st.missing);
	return 0;
}

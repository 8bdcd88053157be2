/* fuzz_smtp_reply - SMTP replies (lib/smtp): smtp_reply_parse over the whole
 * input, smtp_reply_feed line by line, smtp_ehlo_parse on every complete 250
 * reply. */
#include <config.h>

#include "fuzz_common.h"
#include "smtp.h"

static struct smtp_reply reply;    /* 64 KiB: not on the stack */
static struct smtp_ext ext;

static void
check_reply(const struct smtp_reply *r)
{
	fuzz_check(r->len < sizeof(r->text));
	/* control characters (NUL among them) are refused, so the text is
	 * exactly LEN printable bytes */
	fuzz_check(strlen(r->text) == r->len);
	fuzz_check(strlen(r->enh) < sizeof(r->enh));
	fuzz_check(smtp_reply_line1_len(r) <= r->len);
	fuzz_check(r->nlines >= 1);
	fuzz_check(r->code >= 200 && r->code <= 599);
}

static void
check_ehlo(const struct smtp_reply *r)
{
	struct err e;
	int i;

	err_clear(&e);
	if (r->code != 250)
		return;
	if (smtp_ehlo_parse(r, &ext, &e) < 0) {
		fuzz_check(e.kind != ERR_NONE);
		return;
	}
	fuzz_check(strlen(ext.domain) < sizeof(ext.domain));
	fuzz_check(strlen(ext.auth) < sizeof(ext.auth));
	fuzz_check(ext.kw.n >= 0 && ext.kw.n <= CAPS_MAX);
	for (i = 0; i < ext.kw.n; i++)
		fuzz_check(strlen(caps_get(&ext.kw, i)) < CAPS_STORE);
	(void)smtp_ext_auth_has(&ext, "PLAIN");
	(void)smtp_ext_auth_has(&ext, "");
	(void)caps_has(&ext.kw, "SIZE");
	(void)caps_find(&ext.kw, "AUTH");
}

static void
feed_line(void *ctx, const char *line, size_t len)
{
	struct err e;
	int rc;

	(void)ctx;
	err_clear(&e);
	rc = smtp_reply_feed(&reply, line, len, &e);
	if (rc < 0) {
		fuzz_check(e.kind == ERR_PROTO);
		smtp_reply_init(&reply);
		return;
	}
	if (rc == 1) {
		fuzz_check(reply.done);
		check_reply(&reply);
		check_ehlo(&reply);
		smtp_reply_init(&reply);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_exact_copy(data, size);
	size_t pos = 0;

	/* whole replies, one after another, as smtp_reply_parse sees them */
	while (pos < size) {
		struct err e;
		long used;

		err_clear(&e);
		used = smtp_reply_parse(buf + pos, size - pos, &reply, &e);
		if (used < 0) {
			fuzz_check(e.kind == ERR_PROTO);
			break;
		}
		fuzz_check(used > 0 && (size_t)used <= size - pos);
		check_reply(&reply);
		check_ehlo(&reply);
		pos += (size_t)used;
	}
	free(buf);

	/* the same bytes line by line */
	smtp_reply_init(&reply);
	fuzz_each_line(data, size, feed_line, NULL);
	return 0;
}

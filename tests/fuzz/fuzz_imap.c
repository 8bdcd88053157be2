/* fuzz_imap - IMAP responses (lib/imap): imap_resp_parse on each line,
 * then imap_code_caps on its response code and imap_caps_parse on the text
 * of "* CAPABILITY" lines; both capability parsers also get the raw input. */
#include <config.h>

#include "fuzz_common.h"
#include "imap.h"

static struct imap_resp resp;
static struct caps caps;

/* TEXT: the entries came from a line imap_resp_parse accepted (no control
 * characters, so no NUL), so none reads as empty. Raw input may hold NULs. */
static void
check_caps(const struct caps *c, int text)
{
	int i;

	fuzz_check(c->n >= 0 && c->n <= CAPS_MAX);
	fuzz_check(c->used <= CAPS_STORE);
	for (i = 0; i < c->n; i++)
		fuzz_check(!text || strlen(caps_get(c, i)) > 0);
	(void)caps_has(c, "IMAP4rev1");
	(void)caps_find(c, "AUTH=PLAIN");
}

/* issue 21: the data parsers of the mailbox health on what they would get */
static void
health(const struct imap_resp *r)
{
	static struct imap_list l;
	static struct imap_status_data st;
	static struct imap_quotaroot qr;
	static struct imap_quota q;
	struct err e;
	long long when;
	int rc;

	err_clear(&e);
	if (imap_list_parse(r->text, &l, &e) == 0)
		fuzz_check(strlen(l.name) < sizeof(l.name));
	if (imap_status_data_parse(r->text, &st, &e) == 0)
		fuzz_check(!st.have_messages || st.messages <= 0xffffffffUL);
	if (imap_quotaroot_parse(r->text, &qr, &e) == 0)
		fuzz_check(qr.nroots >= 0 && qr.nroots <= IMAP_QUOTAROOTS_MAX);
	if (imap_quota_parse(r->text, &q, &e) == 0)
		fuzz_check(q.n >= 0 && q.n <= IMAP_QUOTA_RES_MAX);
	rc = imap_fetch_internaldate(r->text, &when, &e);
	fuzz_check(rc >= -1 && rc <= 1);
}

/* issue 21: a literal at the end of LINE inlined into the line after it
 * (here: the same bytes) */
static void
literal(const char *line, size_t len)
{
	static char out[3 * 4096 + 16];
	unsigned long long n;
	size_t olen;
	struct err e;

	err_clear(&e);
	if (imap_literal_size(line, len, &n) == 1 &&
	    imap_literal_inline(line, len, line, len, out, sizeof(out), &olen, &e) == 0)
		fuzz_check(olen < sizeof(out) && strlen(out) <= olen);
}

static void
parse_line(void *ctx, const char *line, size_t len)
{
	struct err e;
	int rc;

	(void)ctx;
	err_clear(&e);
	literal(line, len);
	if (imap_resp_parse(line, len, &resp, &e) < 0) {
		fuzz_check(e.kind == ERR_PROTO);
		return;
	}
	fuzz_check(strlen(resp.tag) < sizeof(resp.tag));
	fuzz_check(strlen(resp.keyword) < sizeof(resp.keyword));
	fuzz_check(strlen(resp.code) <= len);
	fuzz_check(strlen(resp.text) <= len);
	fuzz_check(imap_status_name(resp.status) != NULL);
	if (resp.kind == IMAP_TAGGED)
		fuzz_check(resp.tag[0] != '\0');
	rc = imap_code_caps(resp.code, &caps, &e);
	fuzz_check(rc >= -1 && rc <= 1);
	if (rc < 0)
		caps_init(&caps);
	if (resp.kind == IMAP_UNTAGGED && strcmp(resp.keyword, "CAPABILITY") == 0 &&
	    imap_caps_parse(resp.text, strlen(resp.text), &caps, &e) < 0)
		caps_init(&caps);
	check_caps(&caps, 1);
	health(&resp);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err e;
	char *s;

	caps_init(&caps);
	fuzz_each_line(data, size, parse_line, NULL);

	/* the capability parsers on the raw input */
	caps_init(&caps);
	s = fuzz_exact_copy(data, size);
	if (imap_caps_parse(s, size, &caps, &e) == 0)
		check_caps(&caps, 0);
	free(s);
	caps_init(&caps);
	s = fuzz_str_copy(data, size);
	if (imap_code_caps(s, &caps, &e) == 1)
		check_caps(&caps, 1);
	free(s);
	return 0;
}

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

static void
parse_line(void *ctx, const char *line, size_t len)
{
	struct err e;
	int rc;

	(void)ctx;
	err_clear(&e);
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

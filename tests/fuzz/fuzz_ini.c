/* fuzz_ini - --extra-opts files (lib/ini): ini_parse over the input (an
 * exact-size copy) for a few section names, with a callback that counts the
 * entries and reads every key and value to its NUL. */
#include <config.h>

#include "fuzz_common.h"
#include "ini.h"

struct count {
	int n;
	int stop_at;                /* return -1 at this entry (0: never) */
};

static int
count_cb(void *ctx, const char *key, const char *value, struct err *e)
{
	struct count *c = ctx;
	size_t kl = strlen(key);

	fuzz_check(kl > 0);
	fuzz_check(strchr(key, '\n') == NULL);
	if (value != NULL)
		fuzz_check(strchr(value, '\n') == NULL);
	c->n++;
	if (c->stop_at && c->n == c->stop_at) {
		err_set(e, ERR_USAGE, "stopped at entry %d", c->n);
		return -1;
	}
	return 0;
}

static void
try_section(const char *buf, size_t size, const char *section, int stop_at)
{
	struct count c = { 0, stop_at };
	struct err e;
	int found = -1, rc;

	err_clear(&e);
	rc = ini_parse(buf, size, section, count_cb, &c, &found, &e);
	fuzz_check(found == 0 || found == 1);
	if (rc < 0) {
		fuzz_check(e.kind == ERR_USAGE);
		return;
	}
	fuzz_check(rc == c.n);
	if (!found)
		fuzz_check(rc == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_exact_copy(data, size);

	try_section(buf, size, "check_smtp_tx", 0);
	try_section(buf, size, "", 0);
	try_section(buf, size, "a", size > 0 ? data[0] % 4 : 0);
	free(buf);
	return 0;
}

/* fuzz_received - Received: fields (lib/received): received_path_parse on
 * the whole input as a header block, received_hop_parse on each line. */
#include <config.h>

#include "fuzz_common.h"
#include "received.h"

static struct received_path path;

static void
check_hop(const struct received_hop *h)
{
	fuzz_check(strlen(h->from) < sizeof(h->from));
	fuzz_check(strlen(h->by) < sizeof(h->by));
	fuzz_check(strlen(h->with) < sizeof(h->with));
	fuzz_check(strlen(h->tls_version) < sizeof(h->tls_version));
	fuzz_check(h->tls == RECEIVED_TLS_UNKNOWN || h->tls == RECEIVED_TLS_NO ||
	    h->tls == RECEIVED_TLS_YES);
	/* a protocol word that says TLS makes the hop encrypted */
	fuzz_check(!received_with_tls(h->with) || h->tls == RECEIVED_TLS_YES);
}

static void
parse_line(void *ctx, const char *line, size_t len)
{
	struct received_hop h;

	(void)ctx;
	received_hop_parse(line, len, &h);
	check_hop(&h);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_exact_copy(data, size);
	int i, n;

	n = received_path_parse(s, size, &path);
	fuzz_check(n == path.n && n >= 0 && n <= RECEIVED_HOPS_MAX);
	fuzz_check(path.more >= 0);
	for (i = 0; i < path.n; i++)
		check_hop(&path.hop[i]);
	free(s);
	fuzz_each_line(data, size, parse_line, NULL);
	return 0;
}

/* test_net.c - net_is_literal: which -H values are address literals. */
#include <config.h>

#include "net.h"
#include "tap.h"

/* ------------------------------------------------------------ net */
static void
test_net_literal(void)
{
	static const struct {
		const char *host;
		int want;
	} cases[] = {
		{ "127.0.0.1", 1 },
		{ "192.0.2.255", 1 },
		{ "::1", 1 },
		{ "[::1]", 1 },
		{ "2001:db8::25", 1 },
		{ "[2001:db8::25]", 1 },
		{ "::ffff:192.0.2.1", 1 },
		{ "mail.example", 0 },
		{ "localhost", 0 },
		{ "", 0 },
		{ "[]", 0 },
		{ "[", 0 },
		{ "1.2.3", 0 },
		{ "1.2.3.4.5", 0 },
		{ "256.1.1.1", 0 },
		{ "1.2.3.4 ", 0 },
		{ "[::1", 0 },
		{ "::1]", 0 },
		{ "[[::1]]", 0 },
		{ "2001:db8::g", 0 },
		{ "0x7f.0.0.1", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		is_int(net_is_literal(cases[i].host), cases[i].want, "net_is_literal('%s') = %d",
		    cases[i].host, cases[i].want);
}

int
main(void)
{
	test_net_literal();
	return done_testing();
}

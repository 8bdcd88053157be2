/* test_proxy.c - the PROXY protocol header bytes (lib/proxy.h), v1 and v2,
 * for IPv4 and IPv6, against the examples of haproxy's proxy-protocol.txt
 * layout worked out by hand. */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>

#include "proxy.h"
#include "tap.h"

static const struct {
	int family;
	const char *src, *dst;
	int sport, dport;
	const char *v1;      /* the line, without CRLF */
	const char *v2;      /* the header, in hex */
} cases[] = {
	{ AF_INET, "192.0.2.1", "198.51.100.2", 40000, 25,
	  "PROXY TCP4 192.0.2.1 198.51.100.2 40000 25",
	  "0d0a0d0a000d0a515549540a" "21" "11" "000c"
	  "c0000201" "c6336402" "9c40" "0019" },
	{ AF_INET, "127.0.0.1", "127.0.0.2", 1, 65535,
	  "PROXY TCP4 127.0.0.1 127.0.0.2 1 65535",
	  "0d0a0d0a000d0a515549540a" "21" "11" "000c"
	  "7f000001" "7f000002" "0001" "ffff" },
	{ AF_INET6, "2001:db8::1", "2001:db8::2", 50000, 587,
	  "PROXY TCP6 2001:db8::1 2001:db8::2 50000 587",
	  "0d0a0d0a000d0a515549540a" "21" "21" "0024"
	  "20010db8000000000000000000000001"
	  "20010db8000000000000000000000002" "c350" "024b" },
	{ AF_INET6, "::1", "::1", 2525, 10025,
	  "PROXY TCP6 ::1 ::1 2525 10025",
	  "0d0a0d0a000d0a515549540a" "21" "21" "0024"
	  "00000000000000000000000000000001"
	  "00000000000000000000000000000001" "09dd" "2729" },
};

/* One end of the connection, as net_connect fills it. */
static void
set_addr(struct net_addr *a, int family, const char *text, int port)
{
	memset(a, 0, sizeof(*a));
	a->family = family;
	snprintf(a->text, sizeof(a->text), "%s", text);
	if (family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&a->ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((unsigned short)port);
		(void)inet_pton(AF_INET6, text, &s6->sin6_addr);
		a->len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&a->ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons((unsigned short)port);
		(void)inet_pton(AF_INET, text, &s4->sin_addr);
		a->len = sizeof(*s4);
	}
}

int
main(void)
{
	struct net_peer peer;
	unsigned char h[PROXY_V2_MAX];
	char line[256], hex[2 * PROXY_V2_MAX + 1];
	size_t i, j, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		set_addr(&peer.local, cases[i].family, cases[i].src, cases[i].sport);
		set_addr(&peer.remote, cases[i].family, cases[i].dst, cases[i].dport);
		peer.port = cases[i].dport;

		n = proxy_v1_line(&peer, line, sizeof(line));
		is_str(line, cases[i].v1, "v1 %s -> %s", cases[i].src, cases[i].dst);
		is_int((long long)n, (long long)strlen(cases[i].v1), "v1 %s: length",
		    cases[i].src);

		memset(h, 0xee, sizeof(h));
		n = proxy_v2_header(&peer, h);
		for (j = 0; j < n; j++)
			snprintf(hex + 2 * j, 3, "%02x", h[j]);
		hex[2 * n] = '\0';
		is_str(hex, cases[i].v2, "v2 %s -> %s", cases[i].src, cases[i].dst);
		is_int((long long)n, cases[i].family == AF_INET6 ? 52 : 28,
		    "v2 %s: length (16 + addresses and ports)", cases[i].src);
	}

	/* a short buffer cuts the line, NUL-terminated, and says how much */
	n = proxy_v1_line(&peer, line, 12);
	is_str(line, "PROXY TCP6 ", "v1 cut to a 12-byte buffer");
	is_int((long long)n, 11, "v1 cut: length 11");

	return done_testing();
}

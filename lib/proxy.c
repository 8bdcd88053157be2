/* proxy.c - see proxy.h */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>

#include "proxy.h"

size_t
proxy_v1_line(const struct net_peer *peer, char *out, size_t cap)
{
	const struct net_addr *src = &peer->local, *dst = &peer->remote;
	int sport = 0, v6 = dst->family == AF_INET6, n;

	if (src->family == AF_INET6)
		sport = ntohs(((const struct sockaddr_in6 *)&src->ss)->sin6_port);
	else
		sport = ntohs(((const struct sockaddr_in *)&src->ss)->sin_port);
	n = snprintf(out, cap, "PROXY %s %s %s %d %d", v6 ? "TCP6" : "TCP4",
	    src->text, dst->text, sport, peer->port);
	if (n < 0)
		return 0;
	return (size_t)n < cap ? (size_t)n : cap - 1;
}

size_t
proxy_v2_header(const struct net_peer *peer, unsigned char out[PROXY_V2_MAX])
{
	/* v2: signature, version 2 + PROXY, family/protocol, length */
	static const unsigned char sig[12] = {
		0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a
	};
	const struct net_addr *src = &peer->local, *dst = &peer->remote;
	unsigned char *h = out;
	size_t n = 16;
	int v6 = dst->family == AF_INET6;

	memcpy(h, sig, 12);
	h[12] = 0x21;
	h[13] = v6 ? 0x21 : 0x11;
	if (v6) {
		const struct sockaddr_in6 *s6 = (const void *)&src->ss;
		const struct sockaddr_in6 *d6 = (const void *)&dst->ss;

		memcpy(h + n, &s6->sin6_addr, 16);
		memcpy(h + n + 16, &d6->sin6_addr, 16);
		memcpy(h + n + 32, &s6->sin6_port, 2);
		memcpy(h + n + 34, &d6->sin6_port, 2);
		n += 36;
	} else {
		const struct sockaddr_in *s4 = (const void *)&src->ss;
		const struct sockaddr_in *d4 = (const void *)&dst->ss;

		memcpy(h + n, &s4->sin_addr, 4);
		memcpy(h + n + 4, &d4->sin_addr, 4);
		memcpy(h + n + 8, &s4->sin_port, 2);
		memcpy(h + n + 10, &d4->sin_port, 2);
		n += 12;
	}
	h[14] = 0;
	h[15] = (unsigned char)(n - 16);
	return n;
}

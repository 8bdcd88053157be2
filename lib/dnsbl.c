/* dnsbl.c - see dnsbl.h */
#include <config.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "dnsbl.h"

int
dnsbl_name(const char *addr, const char *zone, char *out, size_t cap)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char b[16];
	size_t zl = strlen(zone), o = 0;
	int i, w;

	if (cap > 0)
		out[0] = '\0';
	if (zl > 0 && zone[zl - 1] == '.')
		zl--;
	if (zl == 0 || zone[0] == '.')
		return -1;
	if (inet_pton(AF_INET, addr, b) == 1) {
		w = snprintf(out, cap, "%u.%u.%u.%u.%.*s", b[3], b[2], b[1], b[0],
		    (int)zl, zone);
		return w < 0 || (size_t)w >= cap ? -1 : 0;
	}
	if (inet_pton(AF_INET6, addr, b) != 1)
		return -1;
	if (cap < 64 + zl + 1)
		return -1;
	for (i = 15; i >= 0; i--) {
		out[o++] = hex[b[i] & 0x0f];
		out[o++] = '.';
		out[o++] = hex[b[i] >> 4];
		out[o++] = '.';
	}
	memcpy(out + o, zone, zl);
	out[o + zl] = '\0';
	return 0;
}

enum dnsbl_code
dnsbl_classify(const unsigned char a[4])
{
	if (a[0] != 127)
		return DNSBL_UNEXPECTED;
	return dnsbl_refusal(a)[0] ? DNSBL_REFUSED : DNSBL_LISTED;
}

const char *
dnsbl_refusal(const unsigned char a[4])
{
	if (a[0] != 127)
		return "";
	if (a[1] == 0 && a[2] == 0 && a[3] == 1)
		return "query refused (127.0.0.1 is never a listing, RFC 5782 §5)";
	if (a[1] != 255 || a[2] != 255)
		return "";
	switch (a[3]) {
	case 252:
		return "typing error in the DNSBL name";
	case 254:
		return "query through a public or open resolver refused";
	case 255:
		return "excessive number of queries";
	default:
		return "";
	}
}

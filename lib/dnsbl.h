/* dnsbl.h - DNS blocklists (RFC 5782): the pure parts. libc only, no I/O:
 * the name to look up for an address in a list's zone, and what an A
 * record answered there means. The lookups are lib/dns's (dns_addrs,
 * dns_txt). */
#ifndef MP_DNSBL_H
#define MP_DNSBL_H

#include <stddef.h>

/* Room for the longest name: 32 nibbles of an IPv6 address (64 bytes)
 * and a zone of up to 253. */
#define DNSBL_NAME_MAX 320

enum dnsbl_code {
	DNSBL_LISTED = 0,     /* 127.0.0.0/8: the address is listed (RFC 5782 §2.1) */
	DNSBL_REFUSED,        /* an operator's "you may not query us" code */
	DNSBL_UNEXPECTED      /* outside 127.0.0.0/8: not a DNSBL answer */
};

/* The name of ADDR (an IPv4 or IPv6 address, as text) in ZONE into OUT
 * (CAP bytes): IPv4 octets reversed (RFC 5782 §2.1: 2.0.0.127.ZONE), IPv6
 * as 32 nibbles reversed (§2.4). A trailing dot of ZONE is dropped. 0, or
 * -1 when ADDR is not an address, ZONE is empty, or OUT is too small. */
int dnsbl_name(const char *addr, const char *zone, char *out, size_t cap);

/* What the A record A (network order) answered in a list means. The
 * refusal codes: 127.255.255.252 (typing error in the zone name),
 * 127.255.255.254 (query through a public or open resolver),
 * 127.255.255.255 (excessive number of queries), as Spamhaus documents
 * them, and 127.0.0.1, which RFC 5782 §5 forbids listing and which
 * URIBL and SURBL return to a resolver they block. */
enum dnsbl_code dnsbl_classify(const unsigned char a[4]);

/* The meaning of refusal code A in plain words (static), or "" when A is
 * none. */
const char *dnsbl_refusal(const unsigned char a[4]);

#endif

/* proxy.h - the PROXY protocol header (haproxy's proxy-protocol.txt, v1
 * and v2) that -r sends before anything else: pure functions that compute
 * the bytes from where a connection went; the caller sends them. */
#ifndef MP_PROXY_H
#define MP_PROXY_H

#include <stddef.h>

#include "net.h"

/* The largest v2 header: 16 bytes of signature, version, family and
 * length, then two IPv6 addresses and two ports. */
#define PROXY_V2_MAX (16 + 36)

/* The v1 line for PEER, "PROXY TCP4|TCP6 SRC DST SPORT DPORT", without
 * the CRLF (conn_send_line adds it), into OUT (capacity CAP; 256 always
 * suffices). Returns its length; a longer line is cut at CAP - 1. */
size_t proxy_v1_line(const struct net_peer *peer, char *out, size_t cap);

/* The binary v2 header for PEER (PROXY command, TCP over IPv4 or IPv6)
 * into OUT. Returns its length: 28 for IPv4, 52 for IPv6. */
size_t proxy_v2_header(const struct net_peer *peer,
    unsigned char out[PROXY_V2_MAX]);

#endif

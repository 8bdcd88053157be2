/* net.h - resolve and connect, every step drawing on the run's deadline.
 *
 * Errors are kept apart for the admin: ERR_RESOLVE (the name does not
 * resolve), ERR_CONNECT (refused / unreachable, sys_errno tells which),
 * ERR_TIMEOUT (nothing answered in time). */
#ifndef MP_NET_H
#define MP_NET_H

#include <netinet/in.h>
#include <sys/socket.h>

#include "deadline.h"
#include "err.h"

#define NET_ADDRS_MAX 16
#define NET_ADDRSTR 64   /* fits an IPv6 literal with scope */
#define NET_UNIX_PATH_MAX 108   /* sizeof(sockaddr_un.sun_path) */

struct net_addr {
	struct sockaddr_storage ss;
	socklen_t len;
	int family;                /* AF_INET or AF_INET6 */
	char text[NET_ADDRSTR];    /* numeric form, no brackets */
};

struct net_addrs {
	int n;                     /* first: a run touches n and a[0], not a[15] */
	struct net_addr a[NET_ADDRS_MAX];
};

/* Where a connection went: filled by net_connect. */
struct net_peer {
	struct net_addr remote;
	struct net_addr local;
	int port;
};

/* 1 when HOST is an IPv4 or IPv6 literal (brackets allowed for IPv6). */
int net_is_literal(const char *host);

/* Resolve HOST (name or literal) for PORT. FAMILY is AF_UNSPEC, AF_INET or
 * AF_INET6 (-4/-6). Literals never touch DNS. Waits at most until the
 * deadline. ERR_RESOLVE carries the resolver's words. */
int net_resolve(const char *host, int port, int family,
    const struct deadline *dl, struct net_addrs *out, struct err *e);

/* Try each address in order with a non-blocking connect, until one
 * answers; each try gets an equal share of the time left (the last one
 * all of it). Returns a connected, non-blocking socket, or -1. */
int net_connect(const struct net_addrs *addrs, const struct deadline *dl,
    struct net_peer *peer, struct err *e);

/* Connect to the unix stream socket PATH (absolute) within the deadline.
 * PEER gets family AF_UNIX, the path (shortened) as its text, port 0.
 * ERR_CONNECT names the cause (no such socket, refused, permission
 * denied); ERR_TIMEOUT when a full backlog keeps it waiting. Returns a
 * connected, non-blocking socket, or -1. */
int net_connect_unix(const char *path, const struct deadline *dl,
    struct net_peer *peer, struct err *e);

/* Numeric text of a socket address into OUT (no brackets). */
void net_addr_text(const struct sockaddr *sa, char *out, size_t cap);

#endif

/* resolve.h - the one resolver entry point: the addresses of a host name
 * through the DNS module (lib/dns.h, ldns) when a resolver is given, else
 * through the system's resolver (net_resolve, getaddrinfo). Kept apart
 * from net.c, which is also built into the modules (EXT_CORE), so that
 * the TLS module never needs the DNS one. */
#ifndef MP_RESOLVE_H
#define MP_RESOLVE_H

#include "deadline.h"
#include "dns.h"
#include "err.h"
#include "net.h"

/* A/AAAA of HOST (a name or a literal) for PORT into *out, FAMILY as for
 * net_resolve: through D with dns_addrs, or with net_resolve when D is
 * NULL. *cname (when CNAME is not NULL) as dns_addrs sets it, 0 without
 * D. Errors as each of them reports them. */
int resolve_addrs(struct dns *d, const char *host, int port, int family,
    const struct deadline *dl, struct net_addrs *out, int *cname,
    struct err *e);

#endif

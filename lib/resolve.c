/* resolve.c - see resolve.h */
#include <config.h>

#include "resolve.h"

int
resolve_addrs(struct dns *d, const char *host, int port, int family,
    const struct deadline *dl, struct net_addrs *out, int *cname,
    struct err *e)
{
	int alias = 0, rc;

	if (d)
		rc = dns_addrs(d, host, port, family, dl, out, &alias, e);
	else
		rc = net_resolve(host, port, family, dl, out, e);
	if (cname)
		*cname = alias;
	return rc;
}

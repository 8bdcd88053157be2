/* https.h - one HTTP/1.1 GET over TLS, for the MTA-STS policy (RFC 8461
 * §3.3): full certificate verification for the host name, no redirects,
 * a required media type, a bounded body, the run's deadline.
 *
 * libc plus the tls_*()/dns_*() calls of lib/ext, so the plugins stay
 * libc-only. Only the host's own addresses (and the resolver, when one
 * is given) are contacted. */
#ifndef MP_HTTPS_H
#define MP_HTTPS_H

#include <stddef.h>

#include "deadline.h"
#include "dns.h"
#include "err.h"
#include "net.h"
#include "tls.h"

struct https_req {
	const char *host;        /* SNI, the name verified, Host: */
	int port;                /* 443 unless testing */
	const char *path;        /* "/.well-known/mta-sts.txt" */
	int family;              /* AF_UNSPEC, AF_INET, AF_INET6 */
	struct dns *dns;         /* resolve through lib/dns, or NULL: net_resolve */
	const char *ca_file;     /* trust anchors, or NULL: the system store */
	const char *ca_path;
	const char *media_type;  /* required Content-Type ("text/plain"), or NULL */
	size_t max_body;         /* more is an error; at most 16 MiB */
};

struct https_resp {
	int status;              /* 200 */
	char target[NET_ADDRSTR + 300];   /* "host[addr]:port", for messages */
	char content_type[128];
	char *body;              /* max_body + 1 bytes, NUL after len; free with https_resp_free */
	size_t len;
	struct tls_info tls;     /* the server's certificate (when have_tls) */
	int have_tls;
};

/* GET https://HOST:PORT/PATH. 0 when the answer is 200 with the media
 * type and a body within max_body; else -1 with *e: ERR_RESOLVE,
 * ERR_CONNECT, ERR_TIMEOUT, ERR_TLS, ERR_TLS_VERIFY (the words of
 * tls_info.verify_msg), ERR_PROTO (a redirect, another status, the wrong
 * media type, too large, malformed HTTP), ERR_CLOSED. *r is filled as far
 * as the exchange got; free it with https_resp_free in every case. */
int https_get(const struct https_req *q, const struct deadline *dl,
    struct https_resp *r, struct err *e);

void https_resp_free(struct https_resp *r);

#endif

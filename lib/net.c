/* net.c - see net.h */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/un.h>
#include <unistd.h>

#include "net.h"

static int net_unbracket(const char *host, char *out, size_t cap);
static int net_try_one(const struct net_addr *a, const struct deadline *dl,
    int budget_ms, struct err *e);
static int net_wait_gai(struct gaicb *req, const struct deadline *dl);

/* Copy HOST without surrounding [] into OUT. */
static int
net_unbracket(const char *host, char *out, size_t cap)
{
	size_t n = strlen(host);

	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		host++;
		n -= 2;
	}
	if (n == 0 || n >= cap)
		return -1;
	memcpy(out, host, n);
	out[n] = '\0';
	return 0;
}

int
net_is_literal(const char *host)
{
	char h[256];
	unsigned char buf[sizeof(struct in6_addr)];

	if (net_unbracket(host, h, sizeof(h)) < 0)
		return 0;
	return inet_pton(AF_INET, h, buf) == 1 || inet_pton(AF_INET6, h, buf) == 1;
}

void
net_addr_text(const struct sockaddr *sa, char *out, size_t cap)
{
	if (getnameinfo(sa, sa->sa_family == AF_INET6 ?
	    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in),
	    out, (socklen_t)cap, NULL, 0, NI_NUMERICHOST) != 0)
		snprintf(out, cap, "?");
}

/* Wait for an asynchronous getaddrinfo until the deadline. */
static int
net_wait_gai(struct gaicb *req, const struct deadline *dl)
{
	const struct gaicb *list[1];
	struct timespec ts;
	int64_t left;
	int rc;

	list[0] = req;
	for (;;) {
		rc = gai_error(req);
		if (rc != EAI_INPROGRESS)
			return rc;
		left = deadline_left_us(dl);
		if (left <= 0)
			return EAI_INPROGRESS;
		ts.tv_sec = (time_t)(left / 1000000);
		ts.tv_nsec = (long)(left % 1000000) * 1000;
		(void)gai_suspend(list, 1, &ts);
	}
}

int
net_resolve(const char *host, int port, int family,
    const struct deadline *dl, struct net_addrs *out, struct err *e)
{
	struct addrinfo hints, *res = NULL, *ai;
	struct gaicb req, *reqs[1];
	char h[256], portstr[16];
	int rc;

	memset(out, 0, sizeof(*out));
	if (net_unbracket(host, h, sizeof(h)) < 0)
		return err_set(e, ERR_RESOLVE, "cannot resolve '%.64s': invalid host name", host);
	snprintf(portstr, sizeof(portstr), "%d", port);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	hints.ai_flags = AI_NUMERICSERV;

	if (net_is_literal(h)) {
		hints.ai_flags |= AI_NUMERICHOST;
		rc = getaddrinfo(h, portstr, &hints, &res);
	} else {
		hints.ai_flags |= AI_ADDRCONFIG;
		memset(&req, 0, sizeof(req));
		req.ar_name = h;
		req.ar_service = portstr;
		req.ar_request = &hints;
		reqs[0] = &req;
		rc = getaddrinfo_a(GAI_NOWAIT, reqs, 1, NULL);
		if (rc == 0) {
			rc = net_wait_gai(&req, dl);
			if (rc == EAI_INPROGRESS) {
				/* The lookup thread may still finish later; it
				 * owns req until then, and we exit soon. */
				if (gai_cancel(&req) == EAI_ALLDONE)
					freeaddrinfo(req.ar_result);
				e->phase = "dns";
				return err_set(e, ERR_TIMEOUT,
				    "cannot resolve %s: no answer from the resolver within %.1f s",
				    h, deadline_elapsed(dl));
			}
			res = req.ar_result;
		}
	}
	if (rc != 0) {
		const char *why = gai_strerror(rc);

		if (rc == EAI_NONAME || rc == EAI_NODATA)
			why = "no such host (NXDOMAIN or no address record)";
		else if (rc == EAI_ADDRFAMILY)
			why = family == AF_INET6 ? "no IPv6 address" : "no IPv4 address";
		else if (rc == EAI_FAMILY && net_is_literal(h))
			why = family == AF_INET6 ? "not an IPv6 address (-6)" :
			    "not an IPv4 address (-4)";
		else if (rc == EAI_AGAIN)
			why = "temporary DNS failure (SERVFAIL or no resolver reachable)";
		e->phase = "dns";
		return err_set(e, ERR_RESOLVE, "cannot resolve %s: %s", h, why);
	}
	for (ai = res; ai && out->n < NET_ADDRS_MAX; ai = ai->ai_next) {
		struct net_addr *a = &out->a[out->n];

		if (ai->ai_addrlen > sizeof(a->ss))
			continue;
		memcpy(&a->ss, ai->ai_addr, ai->ai_addrlen);
		a->len = ai->ai_addrlen;
		a->family = ai->ai_family;
		net_addr_text(ai->ai_addr, a->text, sizeof(a->text));
		out->n++;
	}
	freeaddrinfo(res);
	if (out->n == 0) {
		e->phase = "dns";
		return err_set(e, ERR_RESOLVE, "cannot resolve %s: no usable address", h);
	}
	return 0;
}

/* One non-blocking connect; returns the socket or -1. */
static int
net_try_one(const struct net_addr *a, const struct deadline *dl,
    int budget_ms, struct err *e)
{
	struct pollfd pfd;
	int fd, rc, soerr = 0;
	socklen_t slen = sizeof(soerr);
	int64_t start = deadline_now_us(), end = start + (int64_t)budget_ms * 1000;

	fd = socket(a->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
	if (fd < 0)
		return err_sys(e, ERR_CONNECT, errno, "cannot create socket: %s",
		    strerror(errno));
	if (connect(fd, (const struct sockaddr *)&a->ss, a->len) == 0)
		return fd;
	if (errno != EINPROGRESS) {
		soerr = errno;
		goto fail;
	}
	pfd.fd = fd;
	pfd.events = POLLOUT;
	for (;;) {
		int64_t now = deadline_now_us();
		int wait = deadline_ms_between(now, end < dl->end_us ? end : dl->end_us);

		if (wait == 0) {
			close(fd);
			return err_set(e, ERR_TIMEOUT,
			    "connection to %s timed out after %.1f s", a->text,
			    (double)(deadline_now_us() - start) / 1e6);
		}
		rc = poll(&pfd, 1, wait);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0) {
			soerr = errno;
			goto fail;
		}
		if (rc > 0)
			break;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &slen) < 0)
		soerr = errno;
	if (soerr == 0)
		return fd;
fail:
	close(fd);
	switch (soerr) {
	case ECONNREFUSED:
		return err_sys(e, ERR_CONNECT, soerr, "connection refused");
	case ENETUNREACH:
		return err_sys(e, ERR_CONNECT, soerr, "network unreachable");
	case EHOSTUNREACH:
		return err_sys(e, ERR_CONNECT, soerr, "host unreachable");
	case ETIMEDOUT:
		return err_sys(e, ERR_TIMEOUT, soerr, "connection timed out");
	default:
		return err_sys(e, ERR_CONNECT, soerr, "cannot connect: %s",
		    strerror(soerr));
	}
}

int
net_connect(const struct net_addrs *addrs, const struct deadline *dl,
    struct net_peer *peer, struct err *e)
{
	struct sockaddr_storage ls;
	socklen_t llen = sizeof(ls);
	int i, fd = -1;

	memset(peer, 0, sizeof(*peer));
	e->phase = "connect";
	for (i = 0; i < addrs->n; i++) {
		int left = deadline_left_ms(dl);
		int budget = left / (addrs->n - i);

		if (left == 0) {
			if (e->kind == ERR_NONE)
				err_set(e, ERR_TIMEOUT, "no time left to connect");
			break;
		}
		if (budget < 1)
			budget = 1;
		fd = net_try_one(&addrs->a[i], dl, budget, e);
		if (fd >= 0)
			break;
	}
	if (fd < 0)
		return -1;
	err_clear(e);
	peer->remote = addrs->a[i];
	if (addrs->a[i].family == AF_INET6)
		peer->port = ntohs(((struct sockaddr_in6 *)&addrs->a[i].ss)->sin6_port);
	else
		peer->port = ntohs(((struct sockaddr_in *)&addrs->a[i].ss)->sin_port);
	memset(&ls, 0, sizeof(ls));
	if (getsockname(fd, (struct sockaddr *)&ls, &llen) == 0) {
		memcpy(&peer->local.ss, &ls, llen);
		peer->local.len = llen;
		peer->local.family = ls.ss_family;
		net_addr_text((struct sockaddr *)&ls, peer->local.text,
		    sizeof(peer->local.text));
	}
	return fd;
}

int
net_connect_unix(const char *path, const struct deadline *dl,
    struct net_peer *peer, struct err *e)
{
	struct sockaddr_un sun;
	struct pollfd pfd;
	int fd, wait, rc, soerr = 0;
	socklen_t slen = sizeof(soerr);

	memset(peer, 0, sizeof(*peer));
	e->phase = "connect";
	if (strlen(path) >= sizeof(sun.sun_path))
		return err_set(e, ERR_CONNECT, "unix socket path too long");
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return err_sys(e, ERR_CONNECT, errno, "cannot create socket: %s",
		    strerror(errno));
	if (connect(fd, (const struct sockaddr *)&sun, sizeof(sun)) < 0) {
		soerr = errno;
		if (soerr != EINPROGRESS && soerr != EAGAIN)
			goto fail;
		/* a full backlog: wait for it within the deadline */
		pfd.fd = fd;
		pfd.events = POLLOUT;
		do {
			wait = deadline_left_ms(dl);
			if (wait == 0) {
				close(fd);
				return err_set(e, ERR_TIMEOUT, "connection to %s timed out", path);
			}
			rc = poll(&pfd, 1, wait);
		} while (rc < 0 && errno == EINTR);
		soerr = 0;
		if (rc < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &slen) < 0)
			soerr = errno;
		if (soerr == EAGAIN) {
			/* AF_UNIX reports a full backlog again: connect once more */
			soerr = connect(fd, (const struct sockaddr *)&sun, sizeof(sun)) < 0 ?
			    errno : 0;
		}
		if (soerr != 0 && soerr != EISCONN)
			goto fail;
	}
	peer->remote.family = AF_UNIX;
	peer->local.family = AF_UNIX;
	snprintf(peer->remote.text, sizeof(peer->remote.text), "%s", path);
	snprintf(peer->local.text, sizeof(peer->local.text), "localhost");
	return fd;
fail:
	close(fd);
	switch (soerr) {
	case ECONNREFUSED:
		return err_sys(e, ERR_CONNECT, soerr, "connection refused (nothing "
		    "listens on the socket)");
	case ENOENT:
		return err_sys(e, ERR_CONNECT, soerr, "no such socket");
	case EACCES:
		return err_sys(e, ERR_CONNECT, soerr, "permission denied");
	case ENOTSOCK:
	case ENOTDIR:
		return err_sys(e, ERR_CONNECT, soerr, "not a socket");
	default:
		return err_sys(e, ERR_CONNECT, soerr, "cannot connect: %s",
		    strerror(soerr));
	}
}

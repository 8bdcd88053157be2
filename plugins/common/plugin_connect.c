/* plugin_connect.c - see plugin.h: resolve, connect, the PROXY header
 * (its bytes from lib/proxy.c) and, with -s, the TLS handshake. */
#include <config.h>

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "conn.h"
#include "net.h"
#include "plugin.h"
#include "plugin_int.h"
#include "proxy.h"
#include "resolve.h"

/* -r: the PROXY header, before anything else (lib/proxy.h builds it). */
static int
plugin_proxy_header(const struct plugin *p, struct conn *c,
    const struct net_peer *peer, struct err *e)
{
	if (p->cfg->proxy == 1) {
		char line[256];

		(void)proxy_v1_line(peer, line, sizeof(line));
		return conn_send_line(c, line, e);
	} else {
		unsigned char h[PROXY_V2_MAX];
		size_t n = proxy_v2_header(peer, h);

		if (c->transcript)
			sbuf_printf(c->transcript, "C: [PROXY v2 header, %zu bytes]\n", n);
		return conn_write(c, h, n, e);
	}
}

int
plugin_resolve(struct plugin *p, struct net_addrs *out, struct err *e)
{
	struct dns *d = NULL;

	/* a literal needs no resolver: the DNS module is not even loaded */
	if (p->cfg->use_ldns && !net_is_literal(p->host) && (d = plugin_dns(p, e)) == NULL)
		return -1;
	return resolve_addrs(d, p->host, p->port, p->cfg->family, &p->dl, out, NULL, e);
}

/* -H /path: a unix socket (typically LMTP): no DNS, the connect timed. */
static int
plugin_connect_unix(struct plugin *p, struct err *e)
{
	int fd;

	snprintf(p->target, sizeof(p->target), "%s", p->host);
	phase_begin(&p->phases, PHASE_CONNECT);
	fd = net_connect_unix(p->host, &p->dl, &p->peer, e);
	if (fd < 0)
		return -1;
	conn_init(&p->conn, fd, &p->dl);
	p->connected = 1;
	if (p->cfg->verbose && !p->no_transcript)
		p->conn.transcript = &p->res.transcript;
	if (p->cfg->implicit_tls) {
		phase_begin(&p->phases, PHASE_TLS);
		if (plugin_upgrade(p, e) < 0)
			return -1;
	}
	return 0;
}

int
plugin_connect(struct plugin *p, struct err *e)
{
	struct net_addrs addrs;
	int fd, literal;

	if (p->host[0] == '/')
		return plugin_connect_unix(p, e);
	literal = net_is_literal(p->host);

	snprintf(p->target, sizeof(p->target), literal && strchr(p->host, ':') &&
	    p->host[0] != '[' ? "[%s]:%d" : "%s:%d", p->host, p->port);
	if (p->have_addrs) {
		addrs = p->addrs;
	} else {
		if (!literal)
			phase_begin(&p->phases, PHASE_DNS);
		if (plugin_resolve(p, &addrs, e) < 0)
			return -1;
	}
	phase_begin(&p->phases, PHASE_CONNECT);
	if (addrs.n == 1 && !literal)
		snprintf(p->target, sizeof(p->target), "%s[%s]:%d", p->host,
		    addrs.a[0].text, p->port);
	fd = net_connect(&addrs, &p->dl, &p->peer, e);
	if (fd < 0)
		return -1;
	if (literal)
		snprintf(p->target, sizeof(p->target), p->peer.remote.family == AF_INET6 ?
		    "[%s]:%d" : "%s:%d", p->peer.remote.text, p->peer.port);
	else
		snprintf(p->target, sizeof(p->target), "%s[%s]:%d", p->host,
		    p->peer.remote.text, p->peer.port);
	conn_init(&p->conn, fd, &p->dl);
	p->connected = 1;
	if (p->cfg->verbose && !p->no_transcript)
		p->conn.transcript = &p->res.transcript;
	/* the PROXY header goes first on the connection, and is the end of
	 * phase connect; the look-ups of --fcrdns and --dane are phase dns */
	if (p->cfg->proxy && plugin_proxy_header(p, &p->conn, &p->peer, e) < 0)
		return -1;
	if (p->cfg->fcrdns)
		plugin_fcrdns(p);
	if (p->cfg->dane && plugin_tlsa(p, e) < 0)
		return -1;
	if (p->cfg->implicit_tls) {
		phase_begin(&p->phases, PHASE_TLS);
		if (plugin_upgrade(p, e) < 0)
			return -1;
	}
	return 0;
}

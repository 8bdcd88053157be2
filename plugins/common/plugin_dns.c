/* plugin_dns.c - see plugin.h: the lookups the common options ask for:
 * --srv (SRV), --fcrdns (PTR and back) and --dane (TLSA). */
#include <config.h>

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "net.h"
#include "plugin.h"
#include "plugin_int.h"


/* --dane: fetch the TLSA records of _PORT._tcp.HOST (HOST: --sni, else
 * the host name). Records without the AD bit are not used (RFC 7672 §2.2). */
int
plugin_tlsa(struct plugin *p, struct err *e)
{
	const char *base = p->cfg->sni ? p->cfg->sni : p->host;
	int n = 0;

	if (net_is_literal(base))
		return err_set(e, ERR_USAGE, "--dane needs a host name (or --sni NAME), "
		    "not the address %s", base);
	phase_begin(&p->phases, PHASE_DNS);
	if (plugin_dns(p, e) == NULL || dns_tlsa(p->dns, base, p->port, &p->dl,
	    p->tlsa, DNS_TLSA_MAX, &n, &p->tlsa_secure, e) < 0) {
		char tmp[ERR_MSG_MAX];

		snprintf(tmp, sizeof(tmp), "%s", e->msg);
		err_set(e, e->kind == ERR_TIMEOUT ? ERR_TIMEOUT : ERR_DNS,
		    "DANE: TLSA lookup for _%d._tcp.%s failed: %s", p->port, base, tmp);
		return -1;
	}
	p->ntlsa = n;
	p->tlsa_looked_up = 1;
	if (n == 0) {
		if (p->cfg->dane == 2)
			result_problem(&p->res, STATE_CRITICAL, "DANE: no TLSA records for "
			    "_%d._tcp.%s (--dane=required)", p->port, base);
		else
			result_detail(&p->res, "DANE: no TLSA records for _%d._tcp.%s; "
			    "PKIX verification applies", p->port, base);
	} else if (!p->tlsa_secure) {
		result_problem(&p->res, STATE_CRITICAL, "DANE: the %d TLSA record%s of "
		    "_%d._tcp.%s %s not DNSSEC-validated (no AD bit from the resolver)",
		    n, n > 1 ? "s" : "", p->port, base, n > 1 ? "are" : "is");
		p->ntlsa = 0;
	}
	return 0;
}

int
plugin_srv(struct plugin *p, const char *tls_service, const char *plain_service)
{
	struct dns_srv srv[DNS_SRV_MAX];
	char name[DNS_NAME_MAX + 32];
	struct err e;
	int n = 0;

	err_clear(&e);
	snprintf(name, sizeof(name), "_%s._tcp.%s", p->cfg->implicit_tls ? tls_service :
	    plain_service, p->cfg->srv_domain);
	phase_begin(&p->phases, PHASE_DNS);
	if (plugin_dns(p, &e) == NULL ||
	    dns_srv(p->dns, name, &p->dl, srv, DNS_SRV_MAX, &n, &e) < 0) {
		result_problem(&p->res, plugin_err_state(p, &e), "cannot look up the SRV "
		    "records %s: %s", name, e.msg);
		return -1;
	}
	if (n == 0) {
		result_problem(&p->res, STATE_CRITICAL, "no SRV record %s", name);
		return -1;
	}
	if (strcmp(srv[0].target, ".") == 0) {
		result_problem(&p->res, STATE_CRITICAL, "%s does not offer this service "
		    "(SRV %s has the target \".\", RFC 6186)", p->cfg->srv_domain, name);
		return -1;
	}
	memcpy(p->srv_host, srv[0].target, sizeof(p->srv_host));
	p->host = p->srv_host;
	if (p->port == 0 || p->cfg->port_from_default)
		p->port = (int)srv[0].port;
	result_detail(&p->res, "SRV %s: %u %u %u %s%s", name, srv[0].prio, srv[0].weight,
	    srv[0].port, srv[0].target, n > 1 ? " (first of several)" : "");
	return 0;
}

struct dns *
plugin_dns(struct plugin *p, struct err *e)
{
	if (p->dns == NULL)
		p->dns = dns_new(p->cfg->dns_server, e);
	return p->dns;
}

void
plugin_fcrdns(struct plugin *p)
{
	char names[DNS_PTR_MAX][DNS_NAME_MAX];
	const char *addr = p->peer.remote.text;
	struct err e;
	int i, j, n = 0;

	err_clear(&e);
	phase_begin(&p->phases, PHASE_DNS);
	if (plugin_dns(p, &e) == NULL || dns_ptr(p->dns, &p->peer.remote, &p->dl,
	    names, DNS_PTR_MAX, &n, &e) < 0) {
		result_problem(&p->res, STATE_WARNING, "FCrDNS: cannot look up the PTR of "
		    "%s: %s", addr, e.msg);
		return;
	}
	if (n == 0) {
		result_problem(&p->res, STATE_WARNING, "FCrDNS: %s has no PTR record", addr);
		return;
	}
	for (i = 0; i < n; i++) {
		struct net_addrs fwd;
		int cname;

		err_clear(&e);
		if (dns_addrs(p->dns, names[i], p->peer.port, AF_UNSPEC, &p->dl, &fwd,
		    &cname, &e) < 0)
			continue;
		for (j = 0; j < fwd.n; j++) {
			if (strcmp(fwd.a[j].text, addr) == 0) {
				memcpy(p->ptr_name, names[i], sizeof(p->ptr_name));
				p->ptr_name[sizeof(p->ptr_name) - 1] = '\0';
				result_detail(&p->res, "FCrDNS: %s -> %s -> %s", addr, names[i], addr);
				return;
			}
		}
	}
	result_problem(&p->res, STATE_WARNING, "FCrDNS: the PTR name%s of %s (%s%s) "
	    "do%s not resolve back to it", n > 1 ? "s" : "", addr, names[0],
	    n > 1 ? ", ..." : "", n > 1 ? "" : "es");
}

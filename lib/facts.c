/* facts.c - see facts.h: the facts of a run as lines of long output, for
 * the Nagios text (lib/result.c); lib/json.c renders the same facts as
 * JSON. */
#include <config.h>

#include <stdlib.h>

#include "certq.h"
#include "facts.h"
#include "sbuf.h"

/* The TLS session and the server's certificate. */
static void
facts_tls(const struct tls_info *in, const char *indent, struct sbuf *out)
{
	/* whole days, truncated toward zero: 5.9 days left is 5, expired 3.2
	 * days ago is -3, in the text and in the perfdata alike */
	long days = (long)in->days_left;

	sbuf_printf(out, "%sTLS: %s, cipher %s\n", indent, in->protocol, in->cipher);
	if (in->problems & TLS_P_NO_CERT)
		return;
	sbuf_printf(out, "%scertificate: subject %s; issuer %s\n", indent, in->subject,
	    in->issuer);
	sbuf_printf(out, "%scertificate names: %s\n", indent, in->names[0] ? in->names :
	    "none");
	if (in->days_left < 0)
		sbuf_printf(out, "%scertificate expired on %s (%ld days ago); SHA-256 %s\n",
		    indent, in->not_after, -days, in->fingerprint);
	else
		sbuf_printf(out, "%scertificate valid until %s (%ld days left); SHA-256 %s\n",
		    indent, in->not_after, days, in->fingerprint);
	if (in->key_text[0]) {
		char q[256];

		certq_summary(in, q, sizeof(q));
		sbuf_printf(out, "%scertificate quality: %s\n", indent, q);
	}
}

const char *
facts_key_name(int key)
{
	switch (key) {
	case TLS_KEY_RSA:
		return "RSA";
	case TLS_KEY_ECDSA:
		return "ECDSA";
	case TLS_KEY_EDDSA:
		return "EdDSA";
	default:
		return "other";
	}
}

/* --all-certs: each other key type's certificate, or why there is none. */
static void
facts_certs(const struct fact_certs *fc, const char *indent, struct sbuf *out)
{
	int i;

	for (i = 0; i < fc->n; i++) {
		const struct fact_cert *c = &fc->c[i];
		const struct tls_info *in = &c->cert;
		const char *k = facts_key_name(c->key);
		char q[256];

		switch (c->outcome) {
		case FACT_CERT_SERVED:
			sbuf_printf(out, "%s%s certificate (%s): subject %s; issuer %s; "
			    "names %s\n", indent, k, in->key_text, in->subject, in->issuer,
			    in->names[0] ? in->names : "none");
			sbuf_printf(out, "%s%s certificate %s %s (%ld days %s); %s; SHA-256 %s\n",
			    indent, k, in->days_left < 0 ? "expired on" : "valid until",
			    in->not_after, labs((long)in->days_left), in->days_left < 0 ?
			    "ago" : "left", in->verified ? "verified" : in->verify_msg,
			    in->fingerprint);
			certq_summary(in, q, sizeof(q));
			sbuf_printf(out, "%s%s certificate quality: %s\n", indent, k, q);
			break;
		case FACT_CERT_SAME:
			sbuf_printf(out, "%s%s certificate: asked for %s signatures, the server "
			    "sent the same %s certificate\n", indent, k, k, in->key_text);
			break;
		default:
			sbuf_printf(out, "%s%s certificate: %s\n", indent, k, c->why);
		}
	}
}

/* --spf, --dmarc: the records, then one line per finding. */
static void
facts_domain_auth(const struct fact_domain_auth *a, const char *indent,
    struct sbuf *out)
{
	int i;

	if (a->spf_found)
		sbuf_printf(out, "%sSPF record of %s: %s\n", indent, a->domain, a->spf_record);
	if (a->dmarc_found)
		sbuf_printf(out, "%sDMARC record at %s%s: %s\n", indent, a->dmarc_name,
		    a->dmarc_org ? " (the organizational domain's)" : "", a->dmarc_record);
	for (i = 0; i < a->nfind; i++) {
		if (a->find[i].state == STATE_OK)
			sbuf_printf(out, "%s%s\n", indent, a->find[i].text);
		else
			sbuf_printf(out, "%s%s: %s\n", indent, state_name(a->find[i].state),
			    a->find[i].text);
	}
}

void
facts_text(const struct result *r, const char *indent, struct sbuf *out)
{
	const struct fact_sts *sts = r->mta_sts;

	if (r->tls)
		facts_tls(r->tls, indent, out);
	if (r->certs)
		facts_certs(r->certs, indent, out);
	if (r->tls_rpt && r->tls_rpt->valid)
		sbuf_printf(out, "%sTLS-RPT %s: rua=%s\n", indent, r->tls_rpt->name,
		    r->tls_rpt->rec.rua);
	if (sts && sts->id.id[0])
		sbuf_printf(out, "%sMTA-STS record %s: id %s\n", indent, sts->record,
		    sts->id.id);
	if (sts && sts->policy) {
		int i;

		sbuf_printf(out, "%sMTA-STS policy %s: mode %s, max_age %ld s, mx ", indent,
		    sts->url, mtasts_mode_name(sts->pol.mode), sts->pol.max_age);
		for (i = 0; i < sts->pol.nmx; i++)
			sbuf_printf(out, "%s%s", i ? ", " : "", sts->pol.mx[i]);
		sbuf_add(out, sts->pol.nmx ? "\n" : "(none)\n");
	}
	if (r->domain_auth)
		facts_domain_auth(r->domain_auth, indent, out);
}

/* certq.c - see certq.h */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "certq.h"

static int certq_add(struct certq_finding *out, int n, int max, enum state s,
    int strict, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Append one finding when there is room; returns the new count. */
static int
certq_add(struct certq_finding *out, int n, int max, enum state s, int strict,
    const char *fmt, ...)
{
	va_list ap;

	if (n >= max)
		return n;
	out[n].state = strict ? s : STATE_OK;
	va_start(ap, fmt);
	vsnprintf(out[n].text, sizeof(out[n].text), fmt, ap);
	va_end(ap);
	return n + 1;
}

int
certq_judge(const struct tls_info *in, int strict, struct certq_finding *out,
    int max)
{
	int n = 0;

	if (in->key_type == TLS_KEY_RSA && in->key_bits > 0 && in->key_bits < 2048)
		n = certq_add(out, n, max, STATE_WARNING, strict,
		    "RSA key of %d bits (under 2048)", in->key_bits);
	else if (in->key_type == TLS_KEY_ECDSA && in->key_bits > 0 && in->key_bits < 256)
		n = certq_add(out, n, max, STATE_WARNING, strict,
		    "EC key of %d bits (under 256)", in->key_bits);
	if (in->weak_md)
		n = certq_add(out, n, max, STATE_WARNING, strict,
		    "%s signature on %s", in->weak_md == TLS_WEAK_MD5 ? "MD5" : "SHA-1",
		    in->weak_where[0] ? in->weak_where : "a certificate of the chain");
	if (in->eku == TLS_EKU_OTHER)
		n = certq_add(out, n, max, STATE_WARNING, strict,
		    "extended key usage without serverAuth");
	if (in->validity_days > CERTQ_MAX_VALIDITY)
		n = certq_add(out, n, max, STATE_OK, strict,
		    "valid for %ld days (more than the %d a public CA may issue)",
		    in->validity_days, CERTQ_MAX_VALIDITY);
	if (in->must_staple && !in->stapled)
		n = certq_add(out, n, max, STATE_CRITICAL, strict,
		    "OCSP must-staple, but no OCSP response was stapled");
	return n;
}

void
certq_summary(const struct tls_info *in, char *out, size_t cap)
{
	static const char *const eku[] = { "no EKU", "EKU serverAuth",
	    "EKU without serverAuth" };

	snprintf(out, cap, "%s, signed %s, %s, valid %ld days, %s", in->key_text[0] ?
	    in->key_text : "key ?", in->sig_alg[0] ? in->sig_alg : "?",
	    eku[in->eku >= 0 && in->eku <= 2 ? in->eku : 0], in->validity_days,
	    !in->must_staple ? "no must-staple" : in->stapled ?
	    "must-staple, OCSP response stapled" : "must-staple, nothing stapled");
}

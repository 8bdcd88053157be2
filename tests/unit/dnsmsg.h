/* dnsmsg.h - DNS messages for the unit tests of lib/dns (test_dns,
 * test_dns_sigs), built with ldns: a message with one question, records
 * in zone-file syntax added to its answer section, its wire form. A
 * failure is a bug in the test: abort(). */
#ifndef MAILPROBE_TESTS_DNSMSG_H
#define MAILPROBE_TESTS_DNSMSG_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <ldns/ldns.h>

#include "tap.h"

/* A query (QR clear) or answer (QR set) with ID, RD set and one question
 * (none when QNAME is NULL). */
static inline ldns_pkt *
dnsmsg_new(uint16_t id, int qr, const char *qname, ldns_rr_type t, ldns_rr_class c)
{
	ldns_pkt *p = ldns_pkt_new();

	if (p == NULL)
		abort();
	ldns_pkt_set_id(p, id);
	ldns_pkt_set_qr(p, qr != 0);
	ldns_pkt_set_rd(p, true);
	ldns_pkt_set_opcode(p, LDNS_PACKET_QUERY);
	if (qname) {
		ldns_rr *q = ldns_rr_new();

		if (q == NULL)
			abort();
		ldns_rr_set_owner(q, ldns_dname_new_frm_str(qname));
		ldns_rr_set_type(q, t);
		ldns_rr_set_class(q, c);
		ldns_rr_set_question(q, true);
		ldns_pkt_push_rr(p, LDNS_SECTION_QUESTION, q);
	}
	return p;
}

/* Add a record in zone-file syntax (default TTL 300) to the answer section. */
static inline void dnsmsg_add(ldns_pkt *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static inline void
dnsmsg_add(ldns_pkt *p, const char *fmt, ...)
{
	char text[512];
	ldns_rr *rr = NULL;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (ldns_rr_new_frm_str(&rr, text, 300, NULL, NULL) != LDNS_STATUS_OK) {
		diag("bad record in the test: %s", text);
		abort();
	}
	ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER, rr);
}

/* The wire form of P, its length in *LEN; P is freed. The caller frees the result. */
static inline uint8_t *
dnsmsg_wire(ldns_pkt *p, size_t *len)
{
	uint8_t *w = NULL;

	if (ldns_pkt2wire(&w, p, len) != LDNS_STATUS_OK)
		abort();
	ldns_pkt_free(p);
	return w;
}

#endif

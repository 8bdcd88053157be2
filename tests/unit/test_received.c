/* test_received.c - Received: fields (lib/received.c): hops, the with
 * protocol, TLS words, folding, table-driven. */
#include <config.h>

#include <string.h>

#include "received.h"
#include "tap.h"

struct hop_case {
	const char *value;
	const char *from, *by, *with, *tls_version;
	enum received_tls tls;
};

static void
test_hops(void)
{
	static const struct hop_case cases[] = {
		/* Postfix, STARTTLS */
		{ "from mail.lab.test (localhost [127.0.0.1]) (using TLSv1.3 with cipher "
		  "TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 server-signature "
		  "RSA-PSS (2048 bits) server-digest SHA256) (No client certificate requested) "
		  "by mail.lab.test (Postfix) with ESMTPS id 4F1C2A7215B for <probe@lab.test>; "
		  "Sat, 5 Dec 2026 07:00:00 +0000 (UTC)",
		  "mail.lab.test", "mail.lab.test", "ESMTPS", "TLSv1.3", RECEIVED_TLS_YES },
		/* Postfix, in clear */
		{ "from [127.0.0.1] (localhost [127.0.0.1]) by mail.lab.test (Postfix) with "
		  "ESMTP id 0AAAEA807A5 for <probe@lab.test>; Sat, 5 Dec 2026 07:00:00 +0000",
		  "[127.0.0.1]", "mail.lab.test", "ESMTP", "", RECEIVED_TLS_NO },
		/* authenticated submission over TLS */
		{ "from client.example by smtp.example with esmtpsa id X; date",
		  "client.example", "smtp.example", "ESMTPSA", "", RECEIVED_TLS_YES },
		/* Dovecot LMTP */
		{ "from mail.lab.test by mail.lab.test with LMTP id abc (envelope-from "
		  "<a@lab.test>) for <probe@lab.test>; Sat, 5 Dec 2026 07:00:00 +0000",
		  "mail.lab.test", "mail.lab.test", "LMTP", "", RECEIVED_TLS_NO },
		/* Exim */
		{ "from h.example ([192.0.2.1]) by mx.example with esmtp (Exim 4.96) (TLS1.3) "
		  "tls TLS_AES_256_GCM_SHA384 id 1x; date",
		  "h.example", "mx.example", "ESMTP", "TLS1.3", RECEIVED_TLS_YES },
		/* Sendmail */
		{ "from a.example (a.example [192.0.2.2]) by b.example (8.17/8.17) with ESMTP id "
		  "X (version=TLSv1.2 cipher=ECDHE-RSA-AES256-GCM-SHA384 bits=256 verify=NO); date",
		  "a.example", "b.example", "ESMTP", "TLSv1.2", RECEIVED_TLS_YES },
		/* UTF8SMTPS (RFC 6531) */
		{ "from a by b with UTF8SMTPS id 1; date", "a", "b", "UTF8SMTPS", "", RECEIVED_TLS_YES },
		/* no with clause: unknown */
		{ "by localhost; date", "", "localhost", "", "", RECEIVED_TLS_UNKNOWN },
		/* words inside comments and after the date are not clauses */
		{ "(from fake with ESMTPS) from real by mx with SMTP; with ESMTPS",
		  "real", "mx", "SMTP", "", RECEIVED_TLS_NO },
		/* a STARTTLS word in a comment is no statement of TLS */
		{ "from a (STARTTLS offered) by b with ESMTP; d", "a", "b", "ESMTP", "",
		  RECEIVED_TLS_NO },
		{ "", "", "", "", "", RECEIVED_TLS_UNKNOWN },
		{ "from", "", "", "", "", RECEIVED_TLS_UNKNOWN },
		{ "((((", "", "", "", "", RECEIVED_TLS_UNKNOWN },
		{ "(TLS", "", "", "", "", RECEIVED_TLS_UNKNOWN },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct hop_case *c = &cases[i];
		struct received_hop h;

		received_hop_parse(c->value, strlen(c->value), &h);
		is_str(h.from, c->from, "hop %zu: from", i);
		is_str(h.by, c->by, "hop %zu: by", i);
		is_str(h.with, c->with, "hop %zu: with", i);
		is_str(h.tls_version, c->tls_version, "hop %zu: TLS version", i);
		is_int(h.tls, c->tls, "hop %zu: tls", i);
	}
}

static void
test_path(void)
{
	static const char hdr[] =
	    "Return-Path: <a@lab.test>\r\n"
	    "Delivered-To: probe@lab.test\r\n"
	    "Received: from mail.lab.test\r\n"
	    "\tby mail.lab.test with LMTP\r\n"
	    "\tid x; Sat, 5 Dec 2026 07:00:00 +0000\r\n"
	    "Received: from relay.lab.test (relay [127.0.0.1])\r\n"
	    " (using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))\r\n"
	    " by mail.lab.test (Postfix) with ESMTPS id A; date\r\n"
	    "X-Received: from nowhere by nobody with ESMTP; d\r\n"
	    "received: from [127.0.0.1] by relay.lab.test (Postfix) with ESMTP id B; date\r\n"
	    "Subject: mailprobe test\r\n";
	struct received_path p;
	char big[70000];
	size_t i, o = 0;

	is_int(received_path_parse(hdr, strlen(hdr), &p), 3, "three Received: fields");
	is_str(p.hop[0].with, "LMTP", "hop 0 (topmost): LMTP, folded");
	is_str(p.hop[0].by, "mail.lab.test", "hop 0: by, across folded lines");
	is_str(p.hop[1].with, "ESMTPS", "hop 1: ESMTPS");
	is_str(p.hop[1].tls_version, "TLSv1.3", "hop 1: TLSv1.3 from the folded comment");
	is_str(p.hop[2].from, "[127.0.0.1]", "hop 2: the first hop, lower-case field name");
	is_int(p.hop[2].tls, RECEIVED_TLS_NO, "hop 2: in clear");
	is_int(received_path_parse("", 0, &p), 0, "empty header block: no hops");
	is_int(received_path_parse("Received:", 9, &p), 1, "a bare 'Received:' is one empty hop");
	is_int(p.hop[0].tls, RECEIVED_TLS_UNKNOWN, "empty hop: TLS unknown");
	/* more hops than kept */
	for (i = 0; i < 40; i++)
		o += (size_t)snprintf(big + o, sizeof(big) - o, "Received: from h%zu by x with "
		    "ESMTP; d\n", i);
	is_int(received_path_parse(big, o, &p), RECEIVED_HOPS_MAX, "40 hops: %d kept",
	    RECEIVED_HOPS_MAX);
	is_int(p.more, 40 - RECEIVED_HOPS_MAX, "40 hops: the rest counted");
	/* one field folded over more than 4 KiB is cut, not overrun */
	o = (size_t)snprintf(big, sizeof(big), "Received: from a");
	while (o < 60000)
		o += (size_t)snprintf(big + o, sizeof(big) - o, "\r\n (padding padding padding)");
	o += (size_t)snprintf(big + o, sizeof(big) - o, "\r\n by b with ESMTPS; d\r\n");
	is_int(received_path_parse(big, o, &p), 1, "a 60 KB field: one hop");
	is_str(p.hop[0].from, "a", "a 60 KB field: from kept");
	ok(received_with_tls("esmtps") && !received_with_tls("ESMTP") &&
	    received_with_tls("LMTPSA") && !received_with_tls(""), "received_with_tls");
}

int
main(void)
{
	test_hops();
	test_path();
	return done_testing();
}

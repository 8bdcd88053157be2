#!/bin/bash
# tests/lab/lab_dns_posture.sh - SPF and DMARC records for check_smtp_tx --spf/--dmarc (issue 22),
# sourced by lab_dns.sh. Call lab_dns_posture after lab_init and before lab_dns_start:
#
#   lab_dns_posture    the records below: names under lab.test through lab_dns_record (signed with
#                      the rest of lab.test), and two zones of their own through lab_dns_zone
#
# Every test domain has MX 10 mail.lab.test (the lab's Postfix) so that an --mx run's session
# passes and only the domain's findings decide. In lab.test (lookups: DNS queries a receiver makes):
#   _dmarc              v=DMARC1; p=reject (the organizational domain's record, RFC 7489 §6.6.3)
#   spf-good            ip4:127.0.0.1 a:mail.lab.test mx include:spf-inc -all       (3 lookups)
#   spf-inc             ip4:192.0.2.0/24 ip6:2001:db8::/32 ~all
#   spf-redirect        redirect=spf-good.lab.test                                  (4 lookups)
#   spf-many            include:spf-n1 include:spf-n2 -all, nested to 12 lookups (limit 10)
#   spf-void            a:/a:/mx: names that do not exist (3 void lookups, limit 2), then ip4, -all
#   spf-plusall         +all
#   spf-neutral         ip4:127.0.0.1 ?all;  spf-noall: ip4:127.0.0.1 (no all, no redirect)
#   spf-two             two v=spf1 records;  spf-syntax: ip4:127.0.0.300;  spf-none: no SPF record
#   spf-loop            include:spf-loop.lab.test (an include of itself)
#   spf-long            one TXT record of 10 strings, 2500 bytes (over UDP: TC, then TCP)
#   spf-bigmx           mx:big.lab.test (50 MX records: over the limit of 10 per mx, §4.6.4)
#   spf-ptr             ptr ip4:127.0.0.1 -all (ptr: counted, never matches)
#   spf-exists          exists:%{i}.ok.spf-exists.lab.test -all; 127.0.0.1.ok.spf-exists A 127.0.0.1
#   dmarc-reject        p=reject; pct=50; rua at its own domain
#   dmarc-none          p=none;   dmarc-nop: no p= (rua only);  dmarc-two: two v=DMARC1 records
#   dmarc-ext-ok        p=quarantine; rua=mailto:agg@reports.test, authorized in reports.test
#   dmarc-ext-bad       p=reject; rua and ruf at reports.test, not authorized there
# Zones of their own (unsigned, answered by NSD through unbound's "." stub):
#   nodmarc.test        MX 10 mail.lab.test, v=spf1 -all, and no DMARC anywhere above it
#   reports.test        dmarc-ext-ok.lab.test._report._dmarc TXT v=DMARC1 (RFC 7489 §7.1);
#                       _dmarc: p=reject; sp=none, and sub.reports.test (MX, no _dmarc) under it;
#                       both with MX 10 mail.lab.test

lab_dns_posture() {
	local d s i
	for d in spf-good spf-inc spf-redirect spf-many spf-n1 spf-n2 spf-n3 spf-void spf-plusall \
		spf-neutral spf-noall spf-two spf-syntax spf-none spf-loop spf-long spf-bigmx spf-ptr \
		spf-exists dmarc-reject \
		dmarc-none dmarc-nop dmarc-two dmarc-ext-ok dmarc-ext-bad; do
		lab_dns_record "$d MX 10 mail.lab.test." || return 1
	done
	lab_dns_record '_dmarc TXT "v=DMARC1; p=reject; rua=mailto:dmarc@lab.test"'
	lab_dns_record 'spf-good TXT "v=spf1 ip4:127.0.0.1 a:mail.lab.test mx include:spf-inc.lab.test -all"'
	lab_dns_record 'spf-good TXT "google-site-verification=not-an-spf-record"'
	lab_dns_record 'spf-inc TXT "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 ~all"'
	lab_dns_record 'spf-redirect TXT "v=spf1 redirect=spf-good.lab.test"'
	lab_dns_record 'spf-many TXT "v=spf1 include:spf-n1.lab.test include:spf-n2.lab.test -all"'
	lab_dns_record 'spf-n1 TXT "v=spf1 a:mail.lab.test a:mail2.lab.test a:host2.lab.test mx:two.lab.test include:spf-n3.lab.test ~all"'
	lab_dns_record 'spf-n2 TXT "v=spf1 a:mail.lab.test a:mail2.lab.test a:ns.lab.test ~all"'
	lab_dns_record 'spf-n3 TXT "v=spf1 a:mail.lab.test a:mail2.lab.test ~all"'
	lab_dns_record 'spf-void TXT "v=spf1 a:nx1.spf-void.lab.test a:nx2.spf-void.lab.test mx:nx3.spf-void.lab.test ip4:127.0.0.1 -all"'
	lab_dns_record 'spf-plusall TXT "v=spf1 +all"'
	lab_dns_record 'spf-neutral TXT "v=spf1 ip4:127.0.0.1 ?all"'
	lab_dns_record 'spf-noall TXT "v=spf1 ip4:127.0.0.1"'
	lab_dns_record 'spf-two TXT "v=spf1 ip4:127.0.0.1 -all"'
	lab_dns_record 'spf-two TXT "v=spf1 ip4:127.0.0.2 -all"'
	lab_dns_record 'spf-syntax TXT "v=spf1 ip4:127.0.0.300 -all"'
	lab_dns_record 'spf-loop TXT "v=spf1 include:spf-loop.lab.test -all"'
	lab_dns_record 'spf-bigmx TXT "v=spf1 mx:big.lab.test -all"'
	lab_dns_record 'spf-ptr TXT "v=spf1 ptr ip4:127.0.0.1 -all"'
	lab_dns_record 'spf-exists TXT "v=spf1 exists:%{i}.ok.spf-exists.lab.test -all"'
	lab_dns_record '127.0.0.1.ok.spf-exists A 127.0.0.1'
	# 10 character-strings of 250 bytes: one record of 2500 bytes, over DNS_TXT_LEN
	s='"v=spf1 ip4:127.0.0.1'
	printf -v i '%*s' 229 ''
	s+="${i// /x}\""
	for ((i = 2; i <= 10; i++)); do
		printf -v d '%*s' 250 ''
		s+=" \"${d// /y}\""
	done
	lab_dns_record "spf-long TXT $s"
	lab_dns_record '_dmarc.dmarc-reject TXT "v=DMARC1; p=reject; pct=50; rua=mailto:agg@dmarc-reject.lab.test"'
	lab_dns_record '_dmarc.dmarc-none TXT "v=DMARC1; p=none; rua=mailto:agg@lab.test"'
	lab_dns_record '_dmarc.dmarc-nop TXT "v=DMARC1; rua=mailto:agg@lab.test"'
	lab_dns_record '_dmarc.dmarc-two TXT "v=DMARC1; p=reject"'
	lab_dns_record '_dmarc.dmarc-two TXT "v=DMARC1; p=none"'
	lab_dns_record '_dmarc.dmarc-ext-ok TXT "v=DMARC1; p=quarantine; rua=mailto:agg@reports.test"'
	lab_dns_record '_dmarc.dmarc-ext-bad TXT "v=DMARC1; p=reject; rua=mailto:agg@reports.test; ruf=mailto:forensic@reports.test"'

	{
		lab_dns_zone_head nodmarc.test
		printf '@        MX    10 mail.lab.test.\n@        TXT   "v=spf1 -all"\n'
	} | lab_dns_zone nodmarc.test || return 1
	{
		lab_dns_zone_head reports.test
		cat <<'EOF'
@        MX    10 mail.lab.test.
dmarc-ext-ok.lab.test._report._dmarc TXT "v=DMARC1"
_dmarc   TXT   "v=DMARC1; p=reject; sp=none"
sub      MX    10 mail.lab.test.
EOF
	} | lab_dns_zone reports.test || return 1
}

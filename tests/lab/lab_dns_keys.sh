#!/bin/bash
# tests/lab/lab_dns_keys.sh - the lab DNS records of issue 22's DKIM, DNSSEC-expiry and DNSBL checks
# (check_smtp_tx --dkim, --dnssec-expiry, --dnsbl; tests/integration/domain_dns.test). Sourced by
# tests/lab/lab_dns.sh, which calls each function from one hook line:
#
#   lab_dns_keys_records DIR    (in lab_dns_write_zones) prints the records below for lab.test, and
#                               writes and signs the zones short.lab.test and plain.lab.test in DIR
#   lab_dns_keys_nsd_conf DIR   (in lab_dns_write_nsd_conf) prints NSD's zone: entries for them
#   lab_dns_keys_stubs          (in lab_dns_write_unbound_conf) their names, for unbound's stub zones
#
# In lab.test (signed by lab_dns_sign, RRSIGs valid 30 days):
#   dk         MX 10 mail.lab.test; TXT "v=spf1 -all"
#   s2048._domainkey.dk   k=rsa, a 2048-bit key        s1024._domainkey.dk  k=rsa, 1024 bits
#   s512._domainkey.dk    k=rsa, 512 bits              ed._domainkey.dk     k=ed25519 (RFC 8463)
#   revoked._domainkey.dk "v=DKIM1; k=rsa; p="         testing._domainkey.dk  2048 bits, t=y
#   broken._domainkey.dk  "v=DKIM1; p=!!!"             (no record for any other selector)
#   alias._domainkey.dk   CNAME s1.plain.lab.test (a 2048-bit key in the unsigned zone)
#   bl.lab.test    a DNSBL: 127.0.0.2 and ::2 listed (A 127.0.0.2, TXT "spam source"),
#                  nothing else (NXDOMAIN: not listed)
#   mxbl.lab.test  a DNSBL that lists 127.0.0.1 (A 127.0.0.4, TXT "listed for the mailprobe lab")
#   refuse.lab.test  every name: A 127.255.255.254 (Spamhaus: "query through a public resolver")
#   odd.lab.test     every name: A 192.0.2.1 (outside 127/8: not a DNSBL answer; only data, no
#                    traffic goes there)
#   short, plain   delegations (short with a DS, plain without) to the zones below
# short.lab.test (signed with keys of its own, RRSIGs that expire 3 days after the lab starts):
#   @ MX 10 mail.lab.test, TXT "v=spf1 -all"; s2048._domainkey as dk's;
#   bogus._domainkey TXT "v=DKIM1; p=", changed after signing (its RRSIG does not verify:
#   unbound says SERVFAIL)
# plain.lab.test (unsigned, delegated without a DS: insecure): @ MX 10 mail.lab.test, s1 TXT a
#   2048-bit DKIM key

LAB_DNS_KEYS_SHORT_DAYS=${LAB_DNS_KEYS_SHORT_DAYS:-3}

# Fixed public keys (made with openssl genpkey; public halves only, nothing secret).
LAB_DNS_KEY_512='MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAMUwj6/FS1Yfoj4uj0Pn6VmJpLfEkcniY0n62kJc189NwVxFxvrLKfdYuCbOmYS9DdpssSSKYWCXnaAh85H9lOMCAwEAAQ=='
LAB_DNS_KEY_1024='MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDR+RIM2aY286zwYqNFJaFQ0qvEZ5td+HwPO5Ntl06PNR0SVpT05TgQ2R+VqsxK2tSERwLWi+fe3zEOfKdjtfh9UDnLMPKaJpw4CxJv0YUXfguaOxaxoGBa+vYatr+V9TnzmA1uevR3c0mi+97/Zlt0olssx4t1Sdwbj1CruUicvQIDAQAB'
LAB_DNS_KEY_2048='MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAyXJSq9CEDLcP0tbmVvB1TdrJD/mFFbgqGajUmB3faH2CRxODLHP9UAMv2p4VB9QG5ypem/vnmgrqERjy1eHtm8j26pYVSOM8qYXI5ujP4FZGtDVekSeL1M49yM8r5zyYe8oWvcIZRCiVYfb4qFrJufxRbItvGdrcSSAiySiLshFvjDI5pPVeyIMzHYLumrl5k5VgACQc3fwvfr5/C11se8jXi9w4H1xcvU2OI9D5hbbQpHxRwEQCzuwFaJrfTiQREt7sFIxdDvTVpD3Q7NRebzCHmFnf7UGIvn0OGmC1ViIdgYJ+kJehdzxDDjkRhJbMQUW0QC5rRm4yYRPp+x1eXQIDAQAB'
LAB_DNS_KEY_ED='8Lgann0TcZTiieIx9glNtOTpaGwBeaxIAcFca6mDRBA='

# lab_dns_keys_txt OWNER TEXT: a TXT record, TEXT cut into character-strings of 200 bytes.
lab_dns_keys_txt() {
	local owner=$1 text=$2 out=''
	while [ ${#text} -gt 200 ]; do
		out+=" \"${text:0:200}\""
		text=${text:200}
	done
	printf '%s TXT%s "%s"\n' "$owner" "$out" "$text"
}

# The DKIM keys under DOMAIN (relative owner names of the zone being written).
lab_dns_keys_dkim() {
	local dom=$1
	lab_dns_keys_txt "s2048._domainkey$dom" "v=DKIM1; k=rsa; p=$LAB_DNS_KEY_2048"
	lab_dns_keys_txt "s1024._domainkey$dom" "v=DKIM1; k=rsa; p=$LAB_DNS_KEY_1024"
	lab_dns_keys_txt "s512._domainkey$dom" "v=DKIM1; k=rsa; p=$LAB_DNS_KEY_512"
	lab_dns_keys_txt "ed._domainkey$dom" "v=DKIM1; k=ed25519; p=$LAB_DNS_KEY_ED"
	lab_dns_keys_txt "revoked._domainkey$dom" "v=DKIM1; k=rsa; p="
	lab_dns_keys_txt "testing._domainkey$dom" "v=DKIM1; t=y; p=$LAB_DNS_KEY_2048"
	lab_dns_keys_txt "broken._domainkey$dom" "v=DKIM1; p=!!!"
}

# lab_dns_keys_sub DIR: write and sign short.lab.test, write plain.lab.test (in DIR); print the
# delegations (and short's DS) for lab.test. Logs go to DIR/keys-sign.log.
lab_dns_keys_sub() {
	local d=$1 ksk zsk
	{
		lab_dns_zone_head short.lab.test
		cat <<'EOF'
@        MX    10 mail.lab.test.
@        TXT   "v=spf1 -all"
EOF
		lab_dns_keys_txt "s2048._domainkey" "v=DKIM1; k=rsa; p=$LAB_DNS_KEY_2048"
		printf 'bogus._domainkey TXT "v=DKIM1; p=%s"\n' "$LAB_DNS_KEY_ED"
	} >"$d/short.zone" || return 1
	{
		lab_dns_zone_head plain.lab.test
		printf '@        MX    10 mail.lab.test.\n@        TXT   "v=spf1 -all"\n'
	} >"$d/plain.zone" || return 1
	lab_dns_keys_txt "s1" "v=DKIM1; k=rsa; p=$LAB_DNS_KEY_2048" >>"$d/plain.zone" || return 1
	(
		cd "$d" || exit 1
		ksk=$(ldns-keygen -a ECDSAP256SHA256 -k short.lab.test) || exit 1
		zsk=$(ldns-keygen -a ECDSAP256SHA256 short.lab.test) || exit 1
		ldns-signzone -i "$(date -u -d '-1 hour' +%Y%m%d%H%M%S)" \
			-e "$(date -u -d "+$LAB_DNS_KEYS_SHORT_DAYS days" +%Y%m%d%H%M%S)" \
			-f short.zone.signed short.zone "$ksk" "$zsk" || exit 1
		cp "$ksk.ds" short.ds || exit 1
		# Broken on purpose: a record changed after signing, so its RRSIG does not verify (a
		# record appended instead would be denied by the signed NSEC chain, which a resolver
		# that caches NSEC (RFC 8198) answers from without asking).
		sed -i 's|"v=DKIM1; p='"$LAB_DNS_KEY_ED"'"|"v=DKIM1; p="|' short.zone.signed || exit 1
		grep -q '"v=DKIM1; p="' short.zone.signed || exit 1
	) >>"$d/keys-sign.log" 2>&1 || return 1
	printf 'short    NS    ns.lab.test.\n'
	grep -v '^;' "$d/short.ds"
	printf 'plain    NS    ns.lab.test.\n'
}

lab_dns_keys_records() {
	local d=$1 ip6
	printf '; issue 22 (tests/lab/lab_dns_keys.sh)\n'
	printf 'dk       MX    10 mail.lab.test.\n'
	printf 'dk       TXT   "v=spf1 -all"\n'
	lab_dns_keys_dkim .dk
	# a selector that is an alias (CNAME) into the unsigned plain.lab.test, as hosted DKIM is
	printf 'alias._domainkey.dk CNAME s1.plain.lab.test.\n'
	# the DNSBLs (RFC 5782): 127.0.0.2 and ::2 listed in bl, 127.0.0.1 in mxbl
	printf '2.0.0.127.bl A 127.0.0.2\n'
	printf '2.0.0.127.bl TXT "spam source"\n'
	ip6=2$(printf '.0%.0s' $(seq 31))
	printf '%s.bl A 127.0.0.2\n' "$ip6"
	printf '%s.bl TXT "spam source (IPv6)"\n' "$ip6"
	printf '1.0.0.127.mxbl A 127.0.0.4\n'
	printf '1.0.0.127.mxbl TXT "listed for the mailprobe lab"\n'
	printf '*.refuse A 127.255.255.254\n'
	printf '*.odd A 192.0.2.1\n'
	if ! lab_dns_keys_sub "$d"; then
		lab_log "lab_dns_keys: writing or signing short.lab.test failed"
		lab_dns_dump_logs "$d/keys-sign.log"
		return 1
	fi
}

lab_dns_keys_nsd_conf() {
	local d=$1
	printf 'zone:\n\tname: "short.lab.test"\n\tzonefile: "%s/short.zone.signed"\n' "$d"
	printf 'zone:\n\tname: "plain.lab.test"\n\tzonefile: "%s/plain.zone"\n' "$d"
}

lab_dns_keys_stubs() {
	echo short.lab.test. plain.lab.test.
}

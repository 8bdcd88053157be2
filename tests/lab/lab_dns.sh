#!/bin/bash
# tests/lab/lab_dns.sh - a private DNS for the mailprobe tests: a DNSSEC-signed lab.test and an
# unsigned 127.in-addr.arpa served by NSD, and a validating unbound in front of it. Sourced after
# tests/lab/lab.sh (it uses lab_init's $LAB_DIR, lab_free_port and the process registry).
#
#   lab_dns_record 'RR'      one more record for lab.test (zone file syntax, relative names allowed;
#                            before lab_dns_start)
#   lab_dns_zone NAME <FILE  one more zone (unsigned), its zone file on stdin (before lab_dns_start)
#   lab_dns_posture          the SPF and DMARC records of --spf/--dmarc (lab_dns_posture.sh)
#   lab_dns_start            write, sign and serve the zones; export LAB_NSD_PORT (NSD, authoritative,
#                            no AD bit) and LAB_DNS_PORT (unbound, validating: AD bit for lab.test);
#                            rewrite $LAB_DIR/env. 0, 1 (failed; logs shown) or 77 (tools missing).
#   lab_dns_spki_sha256 CERT the SHA-256 of CERT's SubjectPublicKeyInfo (TLSA 3 1 1 data)
#   lab_dns_ad NAME [TYPE]   true when unbound answers NAME with the AD bit
#   lab_dns_silent_start     a "resolver" that never answers: a UDP socket on
#                            127.0.0.1@LAB_DNS_SILENT_PORT that swallows every query (socat, else
#                            perl-base); registered, so lab_stop ends it
#   LAB_DNS_VERBOSITY=N      unbound's log verbosity (default 1; 3+ logs every upstream query),
#                            in $LAB_DIR/unbound/unbound.log
#
# Call it after the other lab components have their ports (lab_postfix_std_listeners,
# lab_dovecot_start): TLSA and SRV records are made from their LAB_*_PORT variables and the
# lab_pki certificates when they exist, and left out otherwise. lab_stop stops both daemons:
# they run in the foreground (nsd -d, unbound -d) and are recorded with lab_register_pid.
#
# What is in lab.test (addresses all on loopback):
#   mail A 127.0.0.1, mail2 A 127.0.0.1, ns A 127.0.0.1
#   lab.test   MX 10 mx1 (A 127.0.0.3: nothing listens there), MX 20 mx2 (A 127.0.0.1)
#   null       MX 0 .                        (RFC 7505)
#   nomx       A 127.0.0.1, no MX            (implicit MX)
#   alias      MX 10 cn; cn CNAME mail       (RFC 2181 §10.3)
#   literal    MX 10 127.0.0.1.              (an address literal as MX name)
#   big        50 MX to long names, each A 127.0.0.1 (the answer is > 1232 bytes: TC over UDP)
#   two        MX 10 mail, MX 20 mail2
#   host2 A 127.0.0.2; nowhere A 127.0.0.5
#   bogus      MX 10 mail, signed, then changed to MX 20: its RRSIG fails, unbound says SERVFAIL
#   TLSA _<LAB_SMTP_STARTTLS_PORT>._tcp.mail 3 1 1 <SPKI SHA-256 of $LAB_PKI_DIR/good.crt>
#   TLSA _<LAB_SMTP_WRONGHOST_PORT>._tcp.mail 3 1 1 <a hash matching nothing>
#        (no TLSA for any other port, e.g. LAB_SMTPS_PORT: "no TLSA records" cases)
#   SRV  _imap._tcp / _imaps._tcp -> mail.lab.test at LAB_IMAP_PORT / LAB_IMAPS_PORT,
#        _pop3._tcp 0 0 0 . (not offered)
# and in 127.in-addr.arpa: 127.0.0.1 -> mail.lab.test, 127.0.0.2 -> host2.lab.test,
#   127.0.0.4 -> nowhere.lab.test (which does not map back), nothing for 127.0.0.6.
#
# Containment: NSD binds 127.0.0.1@LAB_NSD_PORT only and has no control socket; unbound binds
# 127.0.0.1@LAB_DNS_PORT, sends from 127.0.0.1 only (outgoing-interface), has stub zones for ".",
# lab.test and 127.in-addr.arpa that all point at the lab NSD (so there is no root hint, no
# delegation it could follow elsewhere), a static trust anchor (no RFC 5011 updates) and no
# remote control. lab_dns_start checks that neither daemon listens anywhere but on loopback.

# issue 22 (i22b): DKIM, short-lived RRSIG and DNSBL records (hooks below: lab_dns_keys_*)
# shellcheck source=lab_dns_keys.sh
. "$(dirname "${BASH_SOURCE[0]}")/lab_dns_keys.sh"

lab_dns_have() {
	local t
	for t in nsd unbound ldns-keygen ldns-signzone drill openssl; do
		if ! command -v "$t" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$t" ]; then
			lab_log "$t is not installed: skipping the lab DNS"
			return 77
		fi
	done
	return 0
}

lab_dns_bin() {
	command -v "$1" 2>/dev/null || echo "/usr/sbin/$1"
}

# lab_dns_record 'RR': an extra lab.test record (before lab_dns_start).
lab_dns_record() {
	lab_need_init || return 1
	mkdir -p "$LAB_DIR/nsd" || return 1
	printf '%s\n' "$*" >>"$LAB_DIR/nsd/extra.rr"
}

# lab_dns_zone NAME: one more zone NAME (unsigned), its zone file text on stdin (before
# lab_dns_start); NSD serves it, and unbound has a stub zone for it (its "." stub alone cannot prime).
lab_dns_zone() {
	lab_need_init || return 1
	mkdir -p "$LAB_DIR/nsd" || return 1
	cat >"$LAB_DIR/nsd/extra-$1.zone" || return 1
	printf 'zone:\n\tname: "%s"\n\tzonefile: "%s"\n' "$1" "$LAB_DIR/nsd/extra-$1.zone" \
		>>"$LAB_DIR/nsd/extra-zones.conf"
	printf '%s.\n' "$1" >>"$LAB_DIR/nsd/extra-zones.list"
}

# lab_dns_zone_head NAME: the first lines of every lab zone file: $ORIGIN NAME., TTL 300, the SOA
# and NS of ns.lab.test.
lab_dns_zone_head() {
	printf '$ORIGIN %s.\n$TTL 300\n' "$1"
	printf '@        SOA   ns.lab.test. hostmaster.lab.test. 1 3600 600 86400 300\n'
	printf '@        NS    ns.lab.test.\n'
}

# lab_dns_spki_sha256 CERT: hex SHA-256 of the certificate's public key (DER SPKI).
lab_dns_spki_sha256() {
	local h
	h=$(openssl x509 -in "$1" -pubkey -noout 2>/dev/null |
		openssl pkey -pubin -outform DER 2>/dev/null | sha256sum) || return 1
	h=${h%% *}
	[ ${#h} = 64 ] || return 1
	echo "$h"
}

# lab_dns_find_cert NAME: the certificate NAME.crt (good, wronghost...) of the lab PKI (lab_pki in
# lab.sh), if it has been made.
lab_dns_find_cert() {
	local f=${LAB_PKI_DIR:-$LAB_DIR/pki}/$1.crt
	[ -f "$f" ] && openssl x509 -in "$f" -noout 2>/dev/null || return 1
	echo "$f"
}

# Which lab ports get TLSA and SRV records. Override with LAB_DNS_TLSA_PORT (good certificate)
# and LAB_DNS_TLSA_WRONG_PORT (the wronghost certificate's port) before lab_dns_start.
lab_dns_ports() {
	: "${LAB_DNS_TLSA_PORT:=${LAB_SMTP_STARTTLS_PORT:-}}"
	: "${LAB_DNS_TLSA_WRONG_PORT:=${LAB_SMTP_WRONGHOST_PORT:-}}"
	export LAB_DNS_TLSA_PORT LAB_DNS_TLSA_WRONG_PORT
}

lab_dns_write_zones() {
	local d=$1 i name cert h
	lab_dns_ports
	{
		lab_dns_zone_head lab.test
		cat <<'EOF'
ns       A     127.0.0.1
mail     A     127.0.0.1
mail2    A     127.0.0.1
; the domain's MX set: the preferred host refuses connections
@        MX    10 mx1.lab.test.
@        MX    20 mx2.lab.test.
mx1      A     127.0.0.3
mx2      A     127.0.0.1
null     MX    0 .
nomx     A     127.0.0.1
alias    MX    10 cn.lab.test.
cn       CNAME mail.lab.test.
literal  MX    10 127.0.0.1.
two      MX    10 mail.lab.test.
two      MX    20 mail2.lab.test.
host2    A     127.0.0.2
nowhere  A     127.0.0.5
; signed, then changed (lab_dns_sign): a bogus answer
bogus    MX    10 mail.lab.test.
; an MX whose name does not resolve (no record for missing.lab.test)
dangling MX    10 missing.lab.test.
; an unsigned sub-zone: delegated without a DS, so its answers are insecure
insecure NS    ns.lab.test.
EOF
		# 50 MX records to 63-octet labels: far over 1232 bytes, so NSD sets TC over UDP
		for ((i = 1; i <= 50; i++)); do
			printf -v name 'mx%02d-a-rather-long-host-label-to-make-the-mx-answer-large-xx' "$i"
			name=${name:0:63}
			printf 'big      MX    %d %s.big.lab.test.\n' $((i * 10)) "$name"
			printf '%s.big A 127.0.0.1\n' "$name"
		done
		# DANE (RFC 7672): TLSA for the STARTTLS listener with the good certificate ...
		if [ -n "$LAB_DNS_TLSA_PORT" ]; then
			if cert=$(lab_dns_find_cert good) && h=$(lab_dns_spki_sha256 "$cert"); then
				printf '_%s._tcp.mail TLSA 3 1 1 %s\n' "$LAB_DNS_TLSA_PORT" "$h"
			else
				lab_log "lab_dns: no good.crt in ${LAB_PKI_DIR:-$LAB_DIR/pki}: no TLSA for port $LAB_DNS_TLSA_PORT"
			fi
		fi
		# ... and one matching nothing for the listener with the wronghost certificate
		if [ -n "$LAB_DNS_TLSA_WRONG_PORT" ]; then
			printf '_%s._tcp.mail TLSA 3 1 1 %s\n' "$LAB_DNS_TLSA_WRONG_PORT" \
				"$(printf 'mailprobe lab: matches no key' | sha256sum | cut -d' ' -f1)"
		fi
		# RFC 6186 SRV records (IMAP ports come from the lab's Dovecot, when it runs)
		[ -z "${LAB_IMAP_PORT:-}" ] ||
			printf '_imap._tcp SRV 0 1 %s mail.lab.test.\n' "$LAB_IMAP_PORT"
		[ -z "${LAB_IMAPS_PORT:-}" ] ||
			printf '_imaps._tcp SRV 0 1 %s mail.lab.test.\n' "$LAB_IMAPS_PORT"
		printf '_pop3._tcp SRV 0 0 0 .\n'
		lab_dns_keys_records "$d" || return 1   # issue 22 (i22b)
		[ ! -f "$d/extra.rr" ] || cat "$d/extra.rr"
	} >"$d/lab.test.zone"

	# the unsigned sub-zone, with the same TLSA as mail.lab.test's: it
	# matches, but no validating resolver can vouch for it
	{
		lab_dns_zone_head insecure.lab.test
		cat <<'EOF'
mail     A     127.0.0.1
EOF
		cert=${LAB_PKI_DIR:-$LAB_DIR/pki}/good.crt
		if [ -n "$LAB_DNS_TLSA_PORT" ] && [ -f "$cert" ]; then
			printf '_%s._tcp.mail TLSA 3 1 1 %s\n' "$LAB_DNS_TLSA_PORT" "$(lab_dns_spki_sha256 "$cert")"
		fi
	} >"$d/insecure.zone"

	{
		lab_dns_zone_head 127.in-addr.arpa
		cat <<'EOF'
1.0.0    PTR   mail.lab.test.
2.0.0    PTR   host2.lab.test.
4.0.0    PTR   nowhere.lab.test.
EOF
	} >"$d/127.zone"
}

# Sign lab.test with a fresh ECDSA P-256 KSK and ZSK; the KSK's DS becomes unbound's anchor.
lab_dns_sign() {
	local d=$1 ksk zsk
	(
		cd "$d" || exit 1
		ksk=$(ldns-keygen -a ECDSAP256SHA256 -k lab.test) || exit 1
		zsk=$(ldns-keygen -a ECDSAP256SHA256 lab.test) || exit 1
		# inception an hour back: clocks and validators may disagree by a little
		ldns-signzone -i "$(date -u -d '-1 hour' +%Y%m%d%H%M%S)" \
			-e "$(date -u -d '+30 days' +%Y%m%d%H%M%S)" \
			-f lab.test.zone.signed lab.test.zone "$ksk" "$zsk" || exit 1
		cp "$ksk.ds" trust-anchor.ds || exit 1
		# Broken on purpose: bogus's MX changed after signing, so its RRSIG does not verify.
		# (Not a name added after signing: unbound may answer that NXDOMAIN from an NSEC it
		# has cached, RFC 8198, and never see it as bogus.)
		sed -i -E 's/^(bogus\.lab\.test\.[[:space:]]+[0-9]+[[:space:]]+IN[[:space:]]+MX[[:space:]]+)10 /\120 /' \
			lab.test.zone.signed || exit 1
		grep -Eq '^bogus\.lab\.test\.[[:space:]]+[0-9]+[[:space:]]+IN[[:space:]]+MX[[:space:]]+20 ' \
			lab.test.zone.signed || { echo "lab_dns_sign: bogus's MX not found in the signed zone"; exit 1; }
	) >>"$d/sign.log" 2>&1
}

lab_dns_write_nsd_conf() {
	local d=$1
	cat >"$d/nsd.conf" <<EOF
# Generated by tests/lab/lab_dns.sh: authoritative for the lab zones, loopback only.
server:
	ip-address: 127.0.0.1@$LAB_NSD_PORT
	port: $LAB_NSD_PORT
	do-ip4: yes
	do-ip6: no
	reuseport: no
	server-count: 1
	username: ""
	chroot: ""
	zonesdir: "$d"
	database: ""
	zonelistfile: "$d/zone.list"
	xfrdfile: "$d/xfrd.state"
	xfrdir: "$d"
	pidfile: "$d/nsd.pid"
	logfile: "$d/nsd.log"
	verbosity: 1
	hide-version: yes
	hide-identity: yes
	refuse-any: no
	zonefiles-check: no
	zonefiles-write: 0
remote-control:
	control-enable: no
zone:
	name: "lab.test"
	zonefile: "$d/lab.test.zone.signed"
zone:
	name: "127.in-addr.arpa"
	zonefile: "$d/127.zone"
zone:
	name: "insecure.lab.test"
	zonefile: "$d/insecure.zone"
EOF
	[ ! -f "$d/extra-zones.conf" ] || cat "$d/extra-zones.conf" >>"$d/nsd.conf"
	lab_dns_keys_nsd_conf "$d" >>"$d/nsd.conf"
}

lab_dns_write_unbound_conf() {
	local u=$1 n=$2 z
	{
		cat <<EOF
# Generated by tests/lab/lab_dns.sh: a validating resolver whose only upstream is the lab NSD.
server:
	interface: 127.0.0.1@$LAB_DNS_PORT
	port: $LAB_DNS_PORT
	outgoing-interface: 127.0.0.1
	do-ip4: yes
	do-ip6: no
	do-udp: yes
	do-tcp: yes
	so-reuseport: no
	num-threads: 1
	access-control: 127.0.0.0/8 allow
	do-daemonize: no
	username: ""
	chroot: ""
	directory: "$u"
	pidfile: "$u/unbound.pid"
	logfile: "$u/unbound.log"
	use-syslog: no
	log-time-ascii: yes
	verbosity: ${LAB_DNS_VERBOSITY:-1}
	log-servfail: yes
	val-log-level: 2
	module-config: "validator iterator"
	trust-anchor-file: "$u/trust-anchor.ds"
	val-bogus-ttl: 5
	do-not-query-localhost: no
	qname-minimisation: no
	prefetch: no
	prefetch-key: no
	harden-referral-path: no
	target-fetch-policy: "0 0 0 0 0"
	trust-anchor-signaling: no
	root-key-sentinel: no
	hide-version: yes
	hide-identity: yes
	# unbound's built-in local zones would answer these itself
	local-zone: "test." nodefault
	local-zone: "127.in-addr.arpa." nodefault
remote-control:
	control-enable: no
EOF
		# shellcheck disable=SC2046 # the names of the extra zones (lab_dns_zone, lab_dns_keys)
		for z in . lab.test. insecure.lab.test. 127.in-addr.arpa. \
			$(cat "$LAB_DIR/nsd/extra-zones.list" 2>/dev/null) $(lab_dns_keys_stubs); do
			printf 'stub-zone:\n\tname: "%s"\n\tstub-addr: 127.0.0.1@%s\n\tstub-prime: no\n\tstub-first: no\n' \
				"$z" "$n"
		done
	} >"$u/unbound.conf"
}

lab_dns_dump_logs() {
	local f
	for f in "$@"; do
		[ -s "$f" ] || continue
		lab_log "---- $f"
		tail -n 30 "$f" | sed 's/^/lab:   /' >&2
	done
}

# lab_dns_wait PORT NAME TYPE [SEC [PID [ERE]]]: until 127.0.0.1@PORT answers NAME (with DO set)
# and the answer (drill's text) has a line matching ERE (default: any answer), at most SEC s;
# gives up at once when PID (the daemon) is gone.
lab_dns_wait() {
	local port=$1 name=$2 type=$3 sec=${4:-5} pid=${5:-} re=${6:-^;; flags: } end
	end=$(($(lab_now_us) + sec * 1000000))
	# first until the daemon has bound the port (a query sent before that would be lost, and drill
	# would sit out its own timeout)
	while [ -z "$(ss -Hlun "( sport = :$port )" 2>/dev/null)" ]; do
		[ "$(lab_now_us)" -lt "$end" ] || return 1
		[ -z "$pid" ] || kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.02
	done
	while :; do
		if timeout 2 drill -D -p "$port" @127.0.0.1 "$name" "$type" </dev/null 2>/dev/null |
			grep -Eq -- "$re"; then
			return 0
		fi
		[ "$(lab_now_us)" -lt "$end" ] || return 1
		[ -z "$pid" ] || kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.05
	done
}

LAB_DNS_AD_RE='^;; flags: [a-z ]*\bad\b'

# lab_dns_ad NAME [TYPE]: unbound's answer for NAME carries the AD bit.
lab_dns_ad() {
	timeout 5 drill -D -p "${LAB_DNS_PORT:-0}" @127.0.0.1 "$1" "${2:-A}" </dev/null 2>/dev/null |
		grep -Eq "$LAB_DNS_AD_RE"
}

# lab_dns_check_loopback PID...: like lab_check_loopback_only (every socket that PID or a
# descendant listens on is on 127.0.0.0/8 or ::1), in one awk pass over ss(8).
lab_dns_check_loopback() {
	local pids
	pids=" $(lab_descendants "$@" | tr '\n' ' ') "
	ss -Hltunp 2>/dev/null | awk -v pids="$pids" '
		{
			n = split($0, a, "pid=")
			mine = 0
			for (i = 2; i <= n; i++) {
				p = a[i]
				sub(/[^0-9].*/, "", p)
				if (p != "" && index(pids, " " p " ")) mine = 1
			}
			if (!mine) next
			addr = $5
			sub(/:[^:]*$/, "", addr)
			sub(/%.*/, "", addr)
			if (addr !~ /^(127\.|\[::1\]|\[::ffff:127\.)/) {
				print "lab: NON-LOOPBACK LISTENER: " $0 > "/dev/stderr"
				bad = 1
			}
		}
		END { exit bad }'
}

# lab_dns_register_children PID NAME: record PID's descendants in the registry just before PID's
# own line (PID was registered at once when it was started). lab_stop works backwards, so the
# daemon is asked to stop first (and stops its children); a child left over is stopped after it.
lab_dns_register_children() {
	local pid=$1 name=$2 p st lines=
	for p in $(lab_descendants "$pid"); do
		[ "$p" != "$pid" ] || continue
		st=$(lab_pid_starttime "$p") || continue
		lines+="pid $p $st $name"$'\n'
	done
	[ -n "$lines" ] || return 0
	awk -v pid="$pid" -v add="$lines" '
		$1 == "pid" && $2 == pid && !done { printf "%s", add; done = 1 }
		{ print }
		END { if (!done) printf "%s", add }' "$LAB_DIR/registry" >"$LAB_DIR/registry.new" &&
		mv "$LAB_DIR/registry.new" "$LAB_DIR/registry"
}

lab_dns_start() {
	local d u t0 pid i
	lab_need_init || return 1
	lab_dns_have || return 77
	t0=$(lab_now_us)
	d=$LAB_DIR/nsd
	u=$LAB_DIR/unbound
	if [ -f "$u/running" ]; then
		lab_log "lab_dns: already running in this lab"
		return 0
	fi
	mkdir -p "$d" "$u" || return 1
	if [ -z "${LAB_NSD_PORT:-}" ]; then
		LAB_NSD_PORT=$(lab_free_port) || return 1
	fi
	if [ -z "${LAB_DNS_PORT:-}" ]; then
		LAB_DNS_PORT=$(lab_free_port) || return 1
	fi
	export LAB_NSD_PORT LAB_DNS_PORT

	lab_dns_write_zones "$d" || return 1
	if ! lab_dns_sign "$d"; then
		lab_log "lab_dns: signing lab.test failed"
		lab_dns_dump_logs "$d/sign.log"
		return 1
	fi
	cp "$d/trust-anchor.ds" "$u/trust-anchor.ds" || return 1
	lab_dns_write_nsd_conf "$d" || return 1
	lab_dns_write_unbound_conf "$u" "$LAB_NSD_PORT" || return 1
	# NSD in the foreground (-d): $! is the daemon itself.
	"$(lab_dns_bin nsd)" -d -c "$d/nsd.conf" </dev/null >>"$d/stderr.log" 2>&1 &
	pid=$!
	LAB_NSD_PID=$pid
	lab_register_pid "$pid" nsd || {
		lab_dns_dump_logs "$d/stderr.log" "$d/nsd.log"
		return 1
	}
	if ! lab_dns_wait "$LAB_NSD_PORT" lab.test SOA 5 "$pid"; then
		lab_log "lab_dns: NSD does not answer on 127.0.0.1@$LAB_NSD_PORT"
		lab_dns_register_children "$pid" nsd-child
		"$(lab_dns_bin nsd-checkconf)" "$d/nsd.conf" >"$d/checkconf.log" 2>&1
		lab_dns_dump_logs "$d/checkconf.log" "$d/stderr.log" "$d/nsd.log"
		return 1
	fi
	lab_dns_register_children "$pid" nsd-child || return 1
	if ! lab_dns_check_loopback "$pid"; then
		lab_log "lab_dns: NSD listens on a non-loopback address: stopping it"
		lab_kill_pid "$pid"
		return 1
	fi

	"$(lab_dns_bin unbound)" -d -c "$u/unbound.conf" </dev/null >>"$u/stderr.log" 2>&1 &
	pid=$!
	LAB_UNBOUND_PID=$pid
	lab_register_pid "$pid" unbound || {
		lab_dns_dump_logs "$u/stderr.log" "$u/unbound.log"
		return 1
	}
	# unbound answers only once it has validated: wait for the AD bit on mail.lab.test
	if ! lab_dns_wait "$LAB_DNS_PORT" mail.lab.test A 5 "$pid" "$LAB_DNS_AD_RE"; then
		if lab_dns_wait "$LAB_DNS_PORT" mail.lab.test A 1 "$pid"; then
			lab_log "lab_dns: unbound's answer for mail.lab.test has no AD bit (validation fails)"
		else
			lab_log "lab_dns: unbound does not answer on 127.0.0.1@$LAB_DNS_PORT"
		fi
		"$(lab_dns_bin unbound-checkconf)" "$u/unbound.conf" >"$u/checkconf.log" 2>&1
		lab_dns_dump_logs "$u/checkconf.log" "$u/stderr.log" "$u/unbound.log"
		return 1
	fi
	if ! lab_dns_check_loopback "$pid"; then
		lab_log "lab_dns: unbound listens on a non-loopback address: stopping it"
		lab_kill_pid "$pid"
		return 1
	fi
	export LAB_NSD_PID LAB_UNBOUND_PID
	: >"$u/running"
	lab_write_env >/dev/null
	i=$(($(lab_now_us) - t0))
	lab_log "dns up in $((i / 1000)) ms: NSD 127.0.0.1@$LAB_NSD_PORT, unbound 127.0.0.1@$LAB_DNS_PORT (validating lab.test)"
	return 0
}

# lab_dns_silent_start: a UDP socket on 127.0.0.1@$LAB_DNS_SILENT_PORT that takes every datagram
# and answers none (the resolver that never answers). socat when installed, else perl (Debian's
# perl-base is essential). Ends by itself after 10 minutes (socat: of silence) at the latest.
lab_dns_silent_start() {
	local port pid i
	lab_need_init || return 1
	port=$(lab_free_port) || return 1
	if command -v socat >/dev/null 2>&1; then
		socat -T 600 -u "UDP-RECV:$port,bind=127.0.0.1" /dev/null \
			</dev/null >>"$LAB_DIR/silent-dns.log" 2>&1 &
	elif command -v perl >/dev/null 2>&1; then
		# shellcheck disable=SC2016 # the script is perl's
		perl -MIO::Socket::INET -e '
			alarm 600;
			my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => $ARGV[0],
			    Proto => "udp") or die "bind 127.0.0.1:$ARGV[0]: $!\n";
			my $buf;
			while (defined $s->recv($buf, 65535)) { }' "$port" \
			</dev/null >>"$LAB_DIR/silent-dns.log" 2>&1 &
	else
		lab_log "lab_dns_silent_start: neither socat nor perl is installed"
		return 77
	fi
	pid=$!
	lab_register_pid "$pid" silent-dns || return 1
	for ((i = 0; i < 100; i++)); do
		if [ -n "$(ss -Hlun "( sport = :$port )" 2>/dev/null)" ]; then
			LAB_DNS_SILENT_PORT=$port
			LAB_DNS_SILENT_PID=$pid
			export LAB_DNS_SILENT_PORT LAB_DNS_SILENT_PID
			return 0
		fi
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	lab_log "lab_dns_silent_start: nothing bound 127.0.0.1:$port"
	lab_dns_dump_logs "$LAB_DIR/silent-dns.log"
	lab_kill_pid "$pid"
	return 1
}

# SPF and DMARC records for --spf/--dmarc (issue 22): lab_dns_posture
# shellcheck source=lab_dns_posture.sh
. "$(dirname "${BASH_SOURCE[0]}")/lab_dns_posture.sh"

#!/usr/bin/env bash
# make bench: mailprobe side by side with the tools admins use today, on the
# same private servers (tests/lab), in alternation within one run.
# Reports medians of wall time, CPU time and peak RSS (bench/runstat, from
# wait4), instruction counts (valgrind callgrind: repeatable on a noisy
# machine), the ratio ours/theirs, and the goals of the project's issue 8.
# Every TLS row runs twice: with --ca-file (the lab CA alone), and with the
# system store as production runs it (no option: a copy of /etc/ssl/certs
# with the lab CA added, rehashed, named by SSL_CERT_DIR and SSL_CERT_FILE).
# Writes the table to bench/results.md. Never part of `make check`.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$(cd "$here/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
PLUGINDIR=${PLUGINDIR:-$top_builddir/plugins}
FAKESRV=${FAKESRV:-$top_builddir/tests/hostile/fakesrv}
RUNSTAT=${RUNSTAT:-$top_builddir/bench/runstat}
FLOOR=${FLOOR:-$top_builddir/bench/floor}
FLOOR_TLS=${FLOOR_TLS:-$top_builddir/bench/floor-tls}
export MAILPROBE_EXT_DIR=${MAILPROBE_EXT_DIR:-$top_builddir/lib/.libs}
RUNS=${BENCH_RUNS:-15}
MP=/usr/lib/nagios/plugins
out=${BENCH_OUT:-$top_srcdir/bench/results.md}

need() { command -v "$1" >/dev/null 2>&1 || { echo "bench: $1 is missing ($2)" >&2; exit 1; }; }
need valgrind "apt-get install valgrind"
need swaks "apt-get install swaks"
need smtpping "apt-get install smtpping"
[ -x "$MP/check_smtp" ] || { echo "bench: $MP/check_smtp is missing (apt-get install monitoring-plugins-standard)" >&2; exit 1; }
[ -x "$RUNSTAT" ] || { echo "bench: build bench/runstat first (make bench does)" >&2; exit 1; }
[ -x "$FLOOR" ] && [ -x "$FLOOR_TLS" ] ||
	{ echo "bench: build bench/floor and bench/floor-tls first (make bench does)" >&2; exit 1; }

# shellcheck source=/dev/null
. "$top_srcdir/tests/lab/lab.sh"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lab/lab_dns.sh"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lab/lab_https.sh"
fakes=()
cleanup() {
	local p
	for p in "${fakes[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	lab_stop
}
trap cleanup EXIT
lab_init >/dev/null || exit 1
# STARTTLS MX hosts tmx1..tmx5.lab.test for --all-mx and --mta-sts: one more Postfix listener,
# whose certificate (of the lab CA) names *.lab.test
lab_pki >/dev/null || exit 1
lab_pki_issue tmx 'DNS:*.lab.test' >/dev/null || exit 1
mxtls=$(lab_free_port) || exit 1
lab_postfix_listener "127.0.0.1:$mxtls" -o syslog_name=postfix/tmx -o smtpd_tls_security_level=may \
	-o "smtpd_tls_chain_files=$LAB_PKI_DIR/tmx.pem" >/dev/null || exit 1
# issue 19: a server holding an RSA and an ECDSA certificate, TLS 1.2 at least
lab_pki_dual >/dev/null || exit 1
dualp=$(lab_free_port) || exit 1
lab_postfix_listener "127.0.0.1:$dualp" -o syslog_name=postfix/dual -o smtpd_tls_security_level=may \
	-o "smtpd_tls_chain_files=$LAB_PKI_DIR/dual-rsa.pem,$LAB_PKI_DIR/dual-ec.pem" \
	-o "smtpd_tls_protocols=>=TLSv1.2" >/dev/null || exit 1
if declare -F lab_start >/dev/null; then lab_start >/dev/null || exit 1
else lab_postfix_start >/dev/null || exit 1; fi

# The system store as production uses it: a copy of /etc/ssl/certs (its hash links and its
# bundle file) with the lab CA added to both, passed through the environment (sysenv), never
# with --ca-file or --ca-path
sys=$LAB_DIR/system-store
[ -s /etc/ssl/certs/ca-certificates.crt ] ||
	{ echo "bench: /etc/ssl/certs/ca-certificates.crt is missing (apt-get install ca-certificates)" >&2; exit 1; }
mkdir -p "$sys" && cp -a /etc/ssl/certs/. "$sys/" && rm -f "$sys/ca-certificates.crt" &&
	cat /etc/ssl/certs/ca-certificates.crt "$LAB_CA_FILE" >"$sys/ca-certificates.crt" &&
	cp "$LAB_CA_FILE" "$sys/mailprobe-lab-ca.pem" && openssl rehash "$sys" >/dev/null 2>&1 ||
	{ echo "bench: cannot make the system store copy in $sys" >&2; exit 1; }
sysenv() { export SSL_CERT_DIR=$sys SSL_CERT_FILE=$sys/ca-certificates.crt; }
nosysenv() { unset SSL_CERT_DIR SSL_CERT_FILE; }
nosysenv

# MTA-STS: a policy for tls2.lab.test served by the lab's nginx (when installed)
have_https=0
if lab_https_have >/dev/null 2>&1; then
	printf 'version: STSv1\nmode: enforce\nmx: *.lab.test\nmax_age: 86400\n' >"$LAB_DIR/sts-policy"
	lab_https_site mta-sts.tls2.lab.test policy "$LAB_DIR/sts-policy" >/dev/null &&
		lab_https_start >/dev/null 2>&1 && have_https=1
fi
[ $have_https = 1 ] || echo "bench: no nginx: the --mta-sts rows are left out" >&2
declare -F lab_dovecot_start >/dev/null && [ -z "${LAB_IMAP_PORT:-}" ] && lab_dovecot_start >/dev/null

# two MX hosts on their own addresses, each slow to greet (300 ms)
mxport=$(lab_free_port)
for a in 127.0.0.11 127.0.0.12; do
	"$FAKESRV" -a "$a" -p "$mxport" slowbanner 300 >/dev/null 2>&1 &
	fakes+=($!)
done
lab_dns_record "slowmx.lab.test. 60 IN MX 10 mxa.lab.test."
lab_dns_record "slowmx.lab.test. 60 IN MX 20 mxb.lab.test."
lab_dns_record "mxa.lab.test. 60 IN A 127.0.0.11"
lab_dns_record "mxb.lab.test. 60 IN A 127.0.0.12"
for i in 1 2 3 4 5; do
	lab_dns_record "tmx$i.lab.test. 60 IN A 127.0.0.1"
	lab_dns_record "tls5.lab.test. 60 IN MX ${i}0 tmx$i.lab.test."
done
lab_dns_record "tls1.lab.test. 60 IN MX 10 tmx1.lab.test."
lab_dns_record "tls2.lab.test. 60 IN MX 10 tmx1.lab.test."
lab_dns_record "tls2.lab.test. 60 IN MX 20 tmx2.lab.test."
lab_dns_record '_mta-sts.tls2.lab.test. 60 IN TXT "v=STSv1; id=bench1"'
lab_dns_record "mta-sts.tls2.lab.test. 60 IN A 127.0.0.1"
lab_dns_start >/dev/null || exit 1
lab_wait_port 127.0.0.11 "$mxport" >/dev/null 2>&1
lab_wait_port 127.0.0.12 "$mxport" >/dev/null 2>&1

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
instr() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null | awk '/Collected :/ { print $NF }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

rows=()
floor_what= floor_cmd=()
# floor WHAT -- CMD...: measure CMD in the next pair's alternation too and add its row below:
# the least time any client can take for what that pair does (bench/floor.c: no options,
# checks or output), against theirs in that pair. The goal's ratio cannot go below it.
floor() {
	floor_what=$1; shift 2
	floor_cmd=("$@")
}
# pair NAME GOAL -- OURS... -- THEIRS...
pair() {
	local name=$1 goal=$2; shift 3
	local ours=() theirs=() i s
	while [ "$1" != "--" ]; do ours+=("$1"); shift; done; shift
	theirs=("$@")
	local ow=() oc=() orss=() tw=() tc=() trss=() fw=() rc floor_ok=1
	for ((i = 0; i < RUNS; i++)); do
		s=$("$RUNSTAT" "${ours[@]}" 2>&1 >/dev/null); read -r w c m _ <<<"$s"
		ow+=("$w"); oc+=("$c"); orss+=("$m")
		s=$("$RUNSTAT" "${theirs[@]}" 2>&1 >/dev/null); read -r w c m _ <<<"$s"
		tw+=("$w"); tc+=("$c"); trss+=("$m")
		[ ${#floor_cmd[@]} -gt 0 ] || continue
		s=$("$RUNSTAT" "${floor_cmd[@]}" 2>&1 >/dev/null); read -r w _ _ rc <<<"$s"
		[ "$rc" = 0 ] || floor_ok=0
		fw+=("$w")
	done
	local mow moc mor mtw mtc mtr oi ti
	mow=$(printf '%s\n' "${ow[@]}" | median); mtw=$(printf '%s\n' "${tw[@]}" | median)
	moc=$(printf '%s\n' "${oc[@]}" | median); mtc=$(printf '%s\n' "${tc[@]}" | median)
	mor=$(printf '%s\n' "${orss[@]}" | median); mtr=$(printf '%s\n' "${trss[@]}" | median)
	oi=$(instr "${ours[@]}"); ti=$(instr "${theirs[@]}")
	rows+=("$(printf '| %s | %.1f / %.1f ms (%s) | %.1f / %.1f ms (%s) | %.1f / %.1f MB (%s) | %.2f / %.2f M (%s) | %s |' \
		"$name" "$(awk -v x="$mow" 'BEGIN{print x/1000}')" "$(awk -v x="$mtw" 'BEGIN{print x/1000}')" "$(ratio "$mow" "$mtw")" \
		"$(awk -v x="$moc" 'BEGIN{print x/1000}')" "$(awk -v x="$mtc" 'BEGIN{print x/1000}')" "$(ratio "$moc" "$mtc")" \
		"$(awk -v x="$mor" 'BEGIN{print x/1024}')" "$(awk -v x="$mtr" 'BEGIN{print x/1024}')" "$(ratio "$mor" "$mtr")" \
		"$(awk -v x="${oi:-0}" 'BEGIN{print x/1e6}')" "$(awk -v x="${ti:-0}" 'BEGIN{print x/1e6}')" "$(ratio "${oi:-0}" "${ti:-0}")" "$goal")")
	if [ ${#floor_cmd[@]} -gt 0 ]; then
		local mfw
		mfw=$(printf '%s\n' "${fw[@]}" | median)
		if [ $floor_ok = 1 ]; then
			rows+=("$(printf '| floor: %s | %.1f ms (%s of theirs above) | | | | what bounds the ratio |' \
				"$floor_what" "$(awk -v x="$mfw" 'BEGIN{print x/1000}')" "$(ratio "$mfw" "$mtw")")")
		else
			echo "bench: floor failed: ${floor_cmd[*]}" >&2
		fi
		floor_what= floor_cmd=()
	fi
	echo "bench: $name done" >&2
}

S=$PLUGINDIR/check_smtp_tx
I=$PLUGINDIR/check_imap_banner
P=$PLUGINDIR/check_pop3_banner
H=127.0.0.1
tls=(--ca-file "$LAB_CA_FILE" --sni mail.lab.test)

floor "starting a process that does nothing (/bin/true)" -- /bin/true
pair "SMTP banner+EHLO+QUIT vs check_smtp" "instr <= 0.5x, RSS and wall <= 1.0x" -- \
	"$S" -H $H -p "$LAB_SMTP_PORT" -F probe.lab.test -- \
	"$MP/check_smtp" -H $H -p "$LAB_SMTP_PORT"
pair "SMTP STARTTLS (full verification) vs check_smtp -S (none)" "<= 1.0x instr, RSS, wall" -- \
	"$S" -H $H -p "$LAB_SMTP_STARTTLS_PORT" -S "${tls[@]}" -F probe.lab.test -- \
	"$MP/check_smtp" -H $H -p "$LAB_SMTP_STARTTLS_PORT" -S
sysenv
pair "SMTP STARTTLS (full verification), system store, vs check_smtp -S (none)" "<= 1.0x instr, RSS, wall" -- \
	"$S" -H $H -p "$LAB_SMTP_STARTTLS_PORT" -S --sni mail.lab.test -F probe.lab.test -- \
	"$MP/check_smtp" -H $H -p "$LAB_SMTP_STARTTLS_PORT" -S
nosysenv
pair "SMTPS (implicit TLS, full verification) vs check_ssmtp (none)" "<= 1.0x instr, RSS, wall" -- \
	"$S" -H $H -p "$LAB_SMTPS_PORT" -s "${tls[@]}" -F probe.lab.test -- \
	"$MP/check_ssmtp" -H $H -p "$LAB_SMTPS_PORT"
sysenv
pair "SMTPS (implicit TLS, full verification), system store, vs check_ssmtp (none)" "<= 1.0x instr, RSS, wall" -- \
	"$S" -H $H -p "$LAB_SMTPS_PORT" -s --sni mail.lab.test -F probe.lab.test -- \
	"$MP/check_ssmtp" -H $H -p "$LAB_SMTPS_PORT"
nosysenv
# the default resolver: a host name through getaddrinfo (here /etc/hosts), not an address
pair "SMTP banner+EHLO+QUIT, -H localhost (system resolver) vs check_smtp -H localhost" "instr <= 0.5x, RSS and wall <= 1.0x" -- \
	"$S" -H localhost -p "$LAB_SMTP_PORT" -F probe.lab.test -- \
	"$MP/check_smtp" -H localhost -p "$LAB_SMTP_PORT"
pair "SMTP whole transaction, plain, vs swaks" "-" -- \
	"$S" -H $H -p "$LAB_SMTP_PORT" -F probe.lab.test -f probe@lab.test --rcpt probe@lab.test -- \
	swaks --server "$H:$LAB_SMTP_PORT" --helo probe.lab.test --from probe@lab.test --to probe@lab.test --silent 2
floor "check_smtp -S alone (banner, EHLO, STARTTLS, no AUTH, no message)" -- \
	"$MP/check_smtp" -H $H -p "$LAB_SUBMISSION_PORT" -S
pair "SMTP whole transaction, STARTTLS+AUTH, vs swaks" "wall <= 0.1x" -- \
	"$S" -H $H -p "$LAB_SUBMISSION_PORT" -S "${tls[@]}" -F probe.lab.test -U "$LAB_USER" -P "$LAB_PASS" -f "$LAB_USER" --rcpt "$LAB_USER" -- \
	swaks --server "$H:$LAB_SUBMISSION_PORT" --tls --helo probe.lab.test --auth PLAIN --auth-user "$LAB_USER" --auth-password "$LAB_PASS" --from "$LAB_USER" --to "$LAB_USER" --silent 2
sysenv
pair "SMTP whole transaction, STARTTLS+AUTH, system store, vs swaks" "wall <= 0.1x" -- \
	"$S" -H $H -p "$LAB_SUBMISSION_PORT" -S --sni mail.lab.test -F probe.lab.test -U "$LAB_USER" -P "$LAB_PASS" -f "$LAB_USER" --rcpt "$LAB_USER" -- \
	swaks --server "$H:$LAB_SUBMISSION_PORT" --tls --helo probe.lab.test --auth PLAIN --auth-user "$LAB_USER" --auth-password "$LAB_PASS" --from "$LAB_USER" --to "$LAB_USER" --silent 2
nosysenv
# IMAP/POP3: MODE names the Dovecot login mode the rows ran against
imap_pop_rows() {
	local mode=$1
	floor "connect, greeting, LOGOUT and its reply (SPEC: a check reads it)" -- \
		"$FLOOR" $H "$LAB_IMAP_PORT" "A1 LOGOUT" "A1 "
	pair "IMAP banner vs check_imap$mode" "wall <= 0.5x, instr and RSS <= 1.0x" -- \
		"$I" -H $H -p "$LAB_IMAP_PORT" -- "$MP/check_imap" -H $H -p "$LAB_IMAP_PORT"
	floor "connect and TLS handshake, nothing verified, nothing read" -- \
		"$FLOOR_TLS" $H "$LAB_IMAPS_PORT"
	pair "IMAPS banner vs check_simap$mode" "wall <= 0.5x, instr and RSS <= 1.0x" -- \
		"$I" -H $H -p "$LAB_IMAPS_PORT" -S "${tls[@]}" -- "$MP/check_simap" -H $H -p "$LAB_IMAPS_PORT"
	sysenv
	pair "IMAPS banner, system store, vs check_simap$mode" "wall <= 0.5x, instr and RSS <= 1.0x" -- \
		"$I" -H $H -p "$LAB_IMAPS_PORT" -S --sni mail.lab.test -- "$MP/check_simap" -H $H -p "$LAB_IMAPS_PORT"
	nosysenv
	floor "connect, greeting, QUIT and its reply (no CAPA)" -- \
		"$FLOOR" $H "$LAB_POP3_PORT" QUIT "+OK"
	pair "POP3 banner vs check_pop$mode" "wall <= 0.5x, instr and RSS <= 1.0x" -- \
		"$P" -H $H -p "$LAB_POP3_PORT" -- "$MP/check_pop" -H $H -p "$LAB_POP3_PORT"
	floor "connect and TLS handshake, nothing verified, nothing read" -- \
		"$FLOOR_TLS" $H "$LAB_POP3S_PORT"
	pair "POP3S banner vs check_spop$mode" "wall <= 0.5x, instr and RSS <= 1.0x" -- \
		"$P" -H $H -p "$LAB_POP3S_PORT" -S "${tls[@]}" -- "$MP/check_spop" -H $H -p "$LAB_POP3S_PORT"
	sysenv
	pair "POP3S banner, system store, vs check_spop$mode" "wall <= 0.5x, instr and RSS <= 1.0x" -- \
		"$P" -H $H -p "$LAB_POP3S_PORT" -S --sni mail.lab.test -- "$MP/check_spop" -H $H -p "$LAB_POP3S_PORT"
	nosysenv
}
if [ -n "${LAB_IMAP_PORT:-}" ]; then
	# Dovecot's default login mode forks a new imap-login/pop3-login process for every
	# connection: about 20 ms here before the greeting, the same wait for both tools.
	imap_pop_rows ""
	# Its high-performance mode (service_count = 0, process_min_avail) greets at once, so
	# the rows below show what each client costs by itself.
	lab_dovecot_stop
	if LAB_DOVECOT_LOGIN=performance lab_dovecot_start >/dev/null; then
		imap_pop_rows " (Dovecot login processes kept running)"
	else
		echo "bench: Dovecot did not restart in its performance login mode" >&2
	fi
fi

# --all-mx over STARTTLS MX hosts (tmx1..tmx5, one Postfix listener): N hosts against one, each
# with --ca-file and with the system store; the sessions share one TLS context and trust store
D=(--dns-server "127.0.0.1:$LAB_DNS_PORT" -p "$mxtls" -F probe.lab.test -S)
sysenv
pair "--all-mx -S, 1 MX host: system store vs --ca-file" "<= 1.0x instr, RSS" -- \
	"$S" --mx tls1.lab.test --all-mx "${D[@]}" -- "$S" --mx tls1.lab.test --all-mx "${D[@]}" --ca-file "$LAB_CA_FILE"
nosysenv
for n in 2 5; do
	pair "--all-mx -S, $n MX hosts vs 1 MX host, --ca-file" "instr <= $(awk -v n=$n 'BEGIN { print 1 + 0.25 * (n - 1) }')x" -- \
		"$S" --mx tls$n.lab.test --all-mx "${D[@]}" --ca-file "$LAB_CA_FILE" -- \
		"$S" --mx tls1.lab.test --all-mx "${D[@]}" --ca-file "$LAB_CA_FILE"
	sysenv
	pair "--all-mx -S, $n MX hosts vs 1 MX host, system store" "instr <= $(awk -v n=$n 'BEGIN { print 1 + 0.25 * (n - 1) }')x" -- \
		"$S" --mx tls$n.lab.test --all-mx "${D[@]}" -- "$S" --mx tls1.lab.test --all-mx "${D[@]}"
	nosysenv
done
if [ $have_https = 1 ]; then
	M=(--mx tls2.lab.test --all-mx --mta-sts --mta-sts-port "$LAB_HTTPS_PORT" -p "$mxtls"
		--dns-server "127.0.0.1:$LAB_DNS_PORT" -F probe.lab.test)
	sysenv
	pair "--mta-sts --all-mx (policy over HTTPS, 2 MX hosts): system store vs --ca-file" "<= 1.0x instr, RSS" -- \
		"$S" "${M[@]}" -- "$S" "${M[@]}" --ca-file "$LAB_CA_FILE"
	nosysenv
fi
# DANE: TLSA 3 1 1 through the lab's validating resolver; the trust store is set up all the same
pair "SMTP STARTTLS --dane (TLSA via --dns-server) vs check_smtp -S (none)" "-" -- \
	"$S" -H mail.lab.test -p "$LAB_SMTP_STARTTLS_PORT" -S --dane --dns-server "127.0.0.1:$LAB_DNS_PORT" "${tls[@]}" -F probe.lab.test -- \
	"$MP/check_smtp" -H $H -p "$LAB_SMTP_STARTTLS_PORT" -S
sysenv
pair "SMTP STARTTLS --dane (TLSA via --dns-server), system store, vs check_smtp -S (none)" "-" -- \
	"$S" -H mail.lab.test -p "$LAB_SMTP_STARTTLS_PORT" -S --dane --dns-server "127.0.0.1:$LAB_DNS_PORT" -F probe.lab.test -- \
	"$MP/check_smtp" -H $H -p "$LAB_SMTP_STARTTLS_PORT" -S
nosysenv

# issue 19: both certificates and the TLS floor in one run, against check_ssl_cert (Debian 12:
# monitoring-plugins-contrib), which needs one run per key type for the same answers (expiry,
# chain, name of each certificate; TLS 1.0 and 1.1 refused). Its SCT and OCSP checks, which
# we do not make, are switched off. Its --rsa offers only PKCS#1 signatures, which TLS 1.3 does
# not use: against a TLS 1.3 server it fails the handshake without --tls1_2.
CSC=${CHECK_SSL_CERT:-/usr/lib/nagios/plugins/check_ssl_cert}
if [ -x "$CSC" ]; then
	# shellcheck disable=SC2016 # expanded by the inner bash
	pair "--all-certs --forbid-tls=1.0,1.1 (RSA+ECDSA) vs check_ssl_cert --rsa --tls1_2, then --ecdsa, --require-no-tls1 --require-no-tls1_1" "wall, CPU <= 1.0x" -- \
		"$S" -H $H -p "$dualp" -S "${tls[@]}" --all-certs --forbid-tls=1.0,1.1 -- \
		bash -c 'for k in "--rsa --tls1_2" --ecdsa; do "$0" -H 127.0.0.1 -p "$1" -P smtp --rootcert-file "$2" -m mail.lab.test $k --require-no-tls1 --require-no-tls1_1 --ignore-sct --ignore-ocsp >/dev/null || exit 1; done' \
		"$CSC" "$dualp" "$LAB_CA_FILE"
else
	echo "bench: no check_ssl_cert (apt-get install monitoring-plugins-contrib bind9-host bc): the --all-certs row is left out" >&2
fi

# throughput: messages per second at 5 in parallel, bounded in count and time
N=${BENCH_MESSAGES:-400}
# the same message size as smtpping's default (-s 10: 10 KiB)
ours_rate=$("$S" -H $H -p "$LAB_SMTP_PORT" -F probe.lab.test -f probe@lab.test --rcpt probe@lab.test \
	--size 10240 --count "$N" --parallel 5 -t 60 | sed -n 's/.*| rate=\([0-9.]*\).*/\1/p')
t0=$EPOCHREALTIME
timeout 60 smtpping -q -P 5 -c "$N" -w 0 -p "$LAB_SMTP_PORT" -S probe@lab.test -H probe.lab.test \
	probe@lab.test @"$H" >/dev/null 2>&1
t1=$EPOCHREALTIME
theirs_rate=$(awk -v n="$N" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", n / (b - a) }')
rows+=("$(printf '| --count %d --parallel 5 --size 10240 vs smtpping -P 5 -c %d (10 KiB) | %.1f / %.1f messages/s (%s) | | | | >= 1.1x |' \
	"$N" "$N" "${ours_rate:-0}" "$theirs_rate" "$(ratio "${ours_rate:-0}" "$theirs_rate")")")

# --all-mx over two MX hosts that each greet after 300 ms
s=$("$RUNSTAT" "$S" --mx slowmx.lab.test --all-mx --dns-server "127.0.0.1:$LAB_DNS_PORT" -p "$mxport" -F probe.lab.test -t 5 2>&1 >/dev/null)
read -r w _ <<<"$s"
rows+=("$(printf '| --all-mx, 2 MX hosts greeting after 300 ms | %.1f ms wall | | | | < 450 ms |' "$(awk -v x="$w" 'BEGIN{print x/1000}')")")

# a local round trip (--fetch, issue 18): SMTP accepted, Postfix delivers to the Maildir, Dovecot's
# IDLE wakes the check; against the floor of its parts run alone: the SMTP transaction and an
# IMAP login (the delivery itself, Postfix's queue manager and virtual(8), is the rest)
fauth=$LAB_DIR/bench-fetch.auth
( umask 077; printf 'password=%s\n' "$LAB_PASS" >"$fauth" )
iauth=$LAB_DIR/bench-imap.auth
( umask 077; printf 'user=%s\npassword=%s\n' "$LAB_USER" "$LAB_PASS" >"$iauth" )
rt=() st=() it=()
for ((i = 0; i < RUNS; i++)); do
	s=$("$RUNSTAT" "$S" -H $H -p "$LAB_SMTP_PORT" -F probe.lab.test -f probe@lab.test --rcpt probe@lab.test \
		--fetch "imap://probe%40lab.test@$H:$LAB_IMAP_PORT" --fetch-authfile "$fauth" \
		--allow-plaintext-auth 2>&1 >/dev/null); read -r w _ <<<"$s"; rt+=("$w")
	s=$("$RUNSTAT" "$S" -H $H -p "$LAB_SMTP_PORT" -F probe.lab.test -f probe@lab.test --rcpt probe@lab.test \
		2>&1 >/dev/null); read -r w _ <<<"$s"; st+=("$w")
	s=$("$RUNSTAT" "$I" -H $H -p "$LAB_IMAP_PORT" --authfile "$iauth" --allow-plaintext-auth \
		2>&1 >/dev/null); read -r w _ <<<"$s"; it+=("$w")
done
mrt=$(printf '%s\n' "${rt[@]}" | median); mst=$(printf '%s\n' "${st[@]}" | median)
mit=$(printf '%s\n' "${it[@]}" | median)
rows+=("$(printf '| local round trip: --fetch imap:// (IDLE) | %.1f ms wall (floor %.1f: SMTP transaction %.1f + IMAP login %.1f; %s) | | | | - |' \
	"$(awk -v x="$mrt" 'BEGIN{print x/1000}')" "$(awk -v a="$mst" -v b="$mit" 'BEGIN{print (a+b)/1000}')" \
	"$(awk -v x="$mst" 'BEGIN{print x/1000}')" "$(awk -v x="$mit" 'BEGIN{print x/1000}')" \
	"$(ratio "$mrt" "$((${mst%.*} + ${mit%.*}))")x the floor")")

{
	echo "# mailprobe benchmark"
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "- machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(uname -r)"
	echo "- mailprobe $("$S" -V | sed 's/.*(mailprobe //; s/)//'), monitoring-plugins $(dpkg-query -W -f='${Version}' monitoring-plugins-standard 2>/dev/null), swaks $(dpkg-query -W -f='${Version}' swaks 2>/dev/null), smtpping $(dpkg-query -W -f='${Version}' smtpping 2>/dev/null)"
	echo "- servers: Postfix $(dpkg-query -W -f='${Version}' postfix 2>/dev/null), Dovecot $(dpkg-query -W -f='${Version}' dovecot-core 2>/dev/null), OpenSSL $(openssl version | awk '{print $2}')"
	echo "- medians of $RUNS alternating runs (each process started with posix_spawn, see bench/runstat.c); instructions from one callgrind run each; cells are ours / theirs (ratio)"
	echo
	echo "| comparison | wall | CPU | peak RSS | instructions | goal |"
	echo "|---|---|---|---|---|---|"
	printf '%s\n' "${rows[@]}"
} | tee "$out"

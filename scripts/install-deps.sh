#!/usr/bin/env bash
# Install everything mailprobe needs to build and to run its test lab, on
# Debian 12 (as root). The distribution's own mail and DNS daemons are kept
# from starting during the install: the lab runs private instances on
# loopback high ports instead.
set -euo pipefail

PACKAGES=(
	build-essential autoconf automake libtool pkg-config make
	libssl-dev libldns-dev ldnsutils openssl ca-certificates
	postfix dovecot-core dovecot-imapd dovecot-pop3d dovecot-lmtpd dovecot-sieve nsd unbound nginx-light
	iproute2 util-linux procps valgrind python3
	# the test suite's other tools: fuzzing, static analysis, the real
	# monitoring daemons and the Debian package build
	clang libclang-rt-14-dev clang-tidy cppcheck
	icinga2 nagios4-core debhelper lintian curl jq
	# make bench: check_ssl_cert (and what it calls) beside --all-certs
	monitoring-plugins-contrib bind9-host bc
	# --output=openmetrics is checked with a real OpenMetrics parser
	python3-prometheus-client
	# the lab's Cyrus IMAP/POP3 (unpacked below, not installed): the shared
	# libraries its programs link that Postfix and Dovecot do not bring,
	# and the SASL plugins for its sasldb (auxprop) logins
	libxapian30 libical3 libsasl2-modules libsasl2-modules-db
)

# Cyrus IMAP's packages conflict with Dovecot's (both provide imap-server
# and pop3-server): the lab runs Cyrus from .debs unpacked here, never
# installed (tests/lab/lab_cyrus.sh looks here, or at $LAB_CYRUS_ROOT).
CYRUS_ROOT=${LAB_CYRUS_ROOT:-/var/lib/mailprobe-lab/cyrus}
CYRUS_DEBS=(cyrus-common cyrus-imapd cyrus-pop3d sasl2-bin)

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: run as root (apt-get and the test lab need it)" >&2
	exit 1
fi

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done

# cyrus_unpack: download the Cyrus .debs and unpack them into $CYRUS_ROOT
# (once: a marker file says it is done); make the system user "cyrus" (group
# mail) that its master process runs the services as.
cyrus_unpack() {
	local tmp p
	if ! getent passwd cyrus >/dev/null; then
		echo "install-deps: adding the system user cyrus (group mail) for the lab's Cyrus"
		useradd --system --gid mail --home-dir /nonexistent --no-create-home \
			--shell /usr/sbin/nologin cyrus
	fi
	if [ -f "$CYRUS_ROOT/.mailprobe-unpacked" ] && [ -x "$CYRUS_ROOT/usr/lib/cyrus/bin/master" ]; then
		echo "install-deps: Cyrus already unpacked in $CYRUS_ROOT"
		return 0
	fi
	tmp=$(mktemp -d /tmp/mailprobe-cyrus.XXXXXX)
	# apt-get download drops its privileges to _apt, which must be able to write here
	chown _apt "$tmp" 2>/dev/null || true
	if ! (cd "$tmp" && apt-get download -q "${CYRUS_DEBS[@]}" </dev/null); then
		# package lists too old for the current versions: refresh once
		apt-get update -qq
		(cd "$tmp" && apt-get download -q "${CYRUS_DEBS[@]}" </dev/null)
	fi
	rm -rf -- "$CYRUS_ROOT.new"
	mkdir -p "$CYRUS_ROOT.new"
	for p in "$tmp"/*.deb; do
		dpkg-deb -x "$p" "$CYRUS_ROOT.new"
		# shellcheck disable=SC2016 # dpkg-deb's format, not the shell's
		dpkg-deb --show --showformat='${Package} ${Version}\n' "$p" >>"$CYRUS_ROOT.new/.mailprobe-unpacked"
	done
	rm -rf -- "$tmp" "$CYRUS_ROOT"
	mv "$CYRUS_ROOT.new" "$CYRUS_ROOT"
	echo "install-deps: Cyrus unpacked in $CYRUS_ROOT ($(paste -sd, "$CYRUS_ROOT/.mailprobe-unpacked"))"
}

if [ ${#missing[@]} -eq 0 ]; then
	echo "install-deps: all ${#PACKAGES[@]} packages already installed"
	cyrus_unpack
	exit 0
fi

# Keep postfix/dovecot/nsd/unbound from starting (and binding port 25, 53,
# 143, ... on every interface) while they are installed.
ours=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
	chmod 755 /usr/sbin/policy-rc.d
	ours=1
fi
cleanup() { if [ -n "$ours" ]; then rm -f /usr/sbin/policy-rc.d; fi; }
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
echo "install-deps: installing ${missing[*]}"
apt-get update -qq
apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
cyrus_unpack

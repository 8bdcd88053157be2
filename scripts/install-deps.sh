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
	# the lab's Exim (unpacked below, not installed): the library its
	# daemon links that nothing else brings
	libidn12
)

# Cyrus IMAP's packages conflict with Dovecot's (both provide imap-server
# and pop3-server): the lab runs Cyrus from .debs unpacked here, never
# installed (tests/lab/lab_cyrus.sh looks here, or at $LAB_CYRUS_ROOT).
CYRUS_ROOT=${LAB_CYRUS_ROOT:-/var/lib/mailprobe-lab/cyrus}
CYRUS_DEBS=(cyrus-common cyrus-imapd cyrus-pop3d sasl2-bin)
# Exim, the second SMTP server the tests run check_smtp_tx against, is an MTA
# like Postfix (both provide mail-transport-agent): unpacked the same way
# (tests/lab/lab_exim.sh looks here, or at $LAB_EXIM_ROOT).
EXIM_ROOT=${LAB_EXIM_ROOT:-/var/lib/mailprobe-lab/exim}
EXIM_DEBS=(exim4-daemon-light)

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: run as root (apt-get and the test lab need it)" >&2
	exit 1
fi

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done

# debs_unpack NAME ROOT PROGRAM DEB...: download the .debs and unpack them
# into ROOT (once: a marker file says it is done, and PROGRAM under ROOT runs).
debs_unpack() {
	local name=$1 root=$2 prog=$3 tmp p
	shift 3
	if [ -f "$root/.mailprobe-unpacked" ] && [ -x "$root/$prog" ]; then
		echo "install-deps: $name already unpacked in $root"
		return 0
	fi
	tmp=$(mktemp -d "/tmp/mailprobe-$name.XXXXXX")
	# apt-get download drops its privileges to _apt, which must be able to write here
	chown _apt "$tmp" 2>/dev/null || true
	if ! (cd "$tmp" && apt-get download -q "$@" </dev/null); then
		# package lists too old for the current versions: refresh once
		apt-get update -qq
		(cd "$tmp" && apt-get download -q "$@" </dev/null)
	fi
	rm -rf -- "$root.new"
	mkdir -p "$root.new"
	for p in "$tmp"/*.deb; do
		dpkg-deb -x "$p" "$root.new"
		# shellcheck disable=SC2016 # dpkg-deb's format, not the shell's
		dpkg-deb --show --showformat='${Package} ${Version}\n' "$p" >>"$root.new/.mailprobe-unpacked"
	done
	rm -rf -- "$tmp" "$root"
	mv "$root.new" "$root"
	echo "install-deps: $name unpacked in $root ($(paste -sd, "$root/.mailprobe-unpacked"))"
}

# system_user NAME GROUP-OPTION: a system user without a home or a shell, for
# a daemon of the lab that drops its privileges to a compiled-in user
system_user() {
	getent passwd "$1" >/dev/null && return 0
	echo "install-deps: adding the system user $1 for the lab"
	useradd --system "$2" --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin "$1"
}

# unpack_servers: Cyrus (its master runs the services as the user cyrus, group
# mail) and Exim (compiled to run as Debian-exim).
unpack_servers() {
	system_user cyrus --gid=mail
	debs_unpack cyrus "$CYRUS_ROOT" usr/lib/cyrus/bin/master "${CYRUS_DEBS[@]}"
	system_user Debian-exim --user-group
	debs_unpack exim "$EXIM_ROOT" usr/sbin/exim4 "${EXIM_DEBS[@]}"
}

if [ ${#missing[@]} -eq 0 ]; then
	echo "install-deps: all ${#PACKAGES[@]} packages already installed"
	unpack_servers
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
unpack_servers

#!/usr/bin/env bash
# Install everything mailprobe needs to build and to run its test lab, on
# Debian 12 (as root). The distribution's own mail and DNS daemons are kept
# from starting during the install: the lab runs private instances on
# loopback high ports instead.
set -euo pipefail

PACKAGES=(
	build-essential autoconf automake libtool pkg-config make
	libssl-dev libldns-dev ldnsutils openssl ca-certificates
	postfix dovecot-core dovecot-imapd dovecot-pop3d dovecot-lmtpd nsd unbound nginx-light
	iproute2 util-linux procps valgrind python3
	# the test suite's other tools: fuzzing, static analysis, the real
	# monitoring daemons and the Debian package build
	clang libclang-rt-14-dev clang-tidy cppcheck
	icinga2 nagios4-core debhelper lintian curl jq
	# --output=openmetrics is checked with a real OpenMetrics parser
	python3-prometheus-client
)

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: run as root (apt-get and the test lab need it)" >&2
	exit 1
fi

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "install-deps: all ${#PACKAGES[@]} packages already installed"
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

#!/usr/bin/env bash
# Quick start on a fresh Debian 12 (as root): install the dependencies,
# build, start a private mail lab on loopback (Postfix on a high port) and
# run the plugins against it so you see real output. The lab keeps running
# so you can try more command lines; the last lines say how to stop it.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
[ -x configure ] || autoreconf -fi
[ -f Makefile ] || ./configure
make -j"$(nproc)"

envfile=$(bash tests/lab/lab.sh start | tail -n 1)
# shellcheck disable=SC1090
. "$envfile"

show() {
	printf '\n$ %s\n' "$*"
	set +e
	"$@"
	printf '(exit code %d)\n' "$?"
	set -e
}

echo
echo "The lab: Postfix for ${LAB_DOMAIN} on 127.0.0.1:${LAB_SMTP_PORT} (files in ${LAB_DIR})"
show plugins/check_smtp_tx -H 127.0.0.1 -p "$LAB_SMTP_PORT"
show plugins/check_smtp_tx -H 127.0.0.1 -p "$LAB_SMTP_PORT" -v -w 0.5 -c 1
show plugins/check_smtp_tx -H 127.0.0.1 -p "$LAB_SMTP_PORT" --critical-phase=banner=~:0
show plugins/check_smtp_tx -H 127.0.0.1 -p "$LAB_SMTP_PORT" --output=json
show plugins/check_smtp_tx -H 127.0.0.1 -p 1
echo
echo "The lab is still running. Its settings: . $envfile"
echo "Stop it with: bash tests/lab/lab.sh stop $envfile"

#!/usr/bin/env bash
# Quick start on a fresh Debian 12 (as root): install the dependencies,
# build, start a private mail lab on loopback (Postfix, Dovecot, a signed DNS
# zone, all on high ports) and run the plugins against it so you see real
# output. The lab keeps running so you can try more command lines; the last
# lines say how to use and stop it.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
[ -x configure ] || autoreconf -fi
[ -f Makefile ] || ./configure
make -j"$(nproc)"

envfile=$(bash tests/lab/lab.sh start | tail -n 1)
# shellcheck disable=SC1090
. "$envfile"
auth=$LAB_DIR/probe.auth
( umask 077; printf 'user=%s\npassword=%s\n' "$LAB_USER" "$LAB_PASS" >"$auth" )

show() {
	printf '\n$ %s\n' "$*"
	set +e
	"$@"
	printf '(exit code %d)\n' "$?"
	set -e
}

tls=(--ca-file "$LAB_CA_FILE" --sni mail.lab.test)
echo
echo "The lab (files in $LAB_DIR):"
sed -n 's/^# /  /p' "$envfile"
show plugins/check_smtp_tx -H 127.0.0.1 -p "$LAB_SMTP_PORT"
show plugins/check_smtp_tx -H 127.0.0.1 -p "$LAB_SMTP_STARTTLS_PORT" -S "${tls[@]}" -D 30,7
show plugins/check_smtp_tx -H 127.0.0.1 -p "$LAB_SUBMISSION_PORT" -S "${tls[@]}" \
	-A LOGIN -U "$LAB_USER" --authfile "$auth" -f "$LAB_USER" --rcpt "$LAB_USER" -v
show plugins/check_smtp_tx -H 127.0.0.1 -p "$LAB_SMTP_PORT" -f "$LAB_USER" --rcpt someone@example.org
show plugins/check_smtp_tx -H 127.0.0.1 -p "$LAB_SMTP_PORT" -f "$LAB_USER" --rcpt someone@example.org --expect-reply rcpt=5xx
show plugins/check_smtp_tx -H 127.0.0.1 -p "$LAB_SMTP_EXPIRED_PORT" -S "${tls[@]}"
if [ -n "${LAB_EXIM_PORT:-}" ]; then
	# the same transaction against the second SMTP server, Exim (GnuTLS, its own queue ids)
	show plugins/check_smtp_tx -H 127.0.0.1 -p "$LAB_EXIM_PORT" -S "${tls[@]}" -f "$LAB_USER" --rcpt "$LAB_USER"
fi
if [ -n "${LAB_DNS_PORT:-}" ]; then
	show plugins/check_smtp_tx --mx lab.test --all-mx --dns-server "127.0.0.1:$LAB_DNS_PORT" -p "$LAB_SMTP_PORT"
	show plugins/check_smtp_tx -H mail.lab.test -p "$LAB_SMTP_STARTTLS_PORT" --dane --dns-server "127.0.0.1:$LAB_DNS_PORT"
fi
show plugins/check_imap_banner -H 127.0.0.1 -p "$LAB_IMAPS_PORT" -S "${tls[@]}" -U "$LAB_USER" --authfile "$auth"
show plugins/check_pop3_banner -H 127.0.0.1 -p "$LAB_POP3_PORT" --starttls "${tls[@]}" --require-cap UIDL,TOP
show plugins/check_pop3_banner -H 127.0.0.1 -p 1
show plugins/check_smtp_tx -H 127.0.0.1 -p "$LAB_SMTP_PORT" --output=json
echo
echo "The lab is still running. Load its settings with: . $envfile"
echo "(a probe user's credentials are in $auth)"
echo "Stop it with: bash tests/lab/lab.sh stop $envfile"

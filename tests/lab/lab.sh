#!/bin/bash
# tests/lab/lab.sh - private mail servers on loopback for the mailprobe tests.
#
# Sourced by the integration tests (bash), or run as a command:
#   tests/lab/lab.sh start          start a lab (lab_start: PKI, Postfix, Dovecot), keep it, print a
#                                   summary of its ports (stderr) and the path of its env file (stdout)
#   tests/lab/lab.sh stop ENVFILE   stop that lab and remove its directory
#
# This file holds lab_start, lab_summary and the command line; it sources the rest from its own
# directory: lab_core.sh (lab_init, ports, the process registry and lab_stop, probes, DNS
# isolation, mailbox helpers), lab_pki.sh, lab_postfix.sh (with lab_postfix_std_listeners) and
# lab_dovecot.sh.
#
# Sourced API (all functions are `set -u` safe and never call `exit`):
#   lab_init                        make $LAB_DIR, pick ports, export LAB_* variables
#   lab_free_port [VAR]             a free TCP/UDP port on loopback, never the same twice in one lab
#   lab_postfix_conf 'k = v'        add a main.cf line (before lab_postfix_start)
#   lab_postfix_user NAME           add NAME@lab.test as a Maildir mailbox (before lab_postfix_start)
#   lab_postfix_listener ADDR:PORT [-o k=v ...]   add an smtpd listener to master.cf
#   lab_postfix_service NAME CMD [-o k=v ...]     add an internal (unix) service to master.cf
#   lab_postfix_start               start the private Postfix, wait for its 220 banner
#   lab_pki                         test CA + good/expiring/expired/wronghost/selfsigned certificates
#                                   in $LAB_PKI_DIR; exports LAB_CA_FILE
#   lab_pki_issue NAME SAN [DAYS [DIR]]   one more certificate of the lab CA (NAME.key/.crt/.pem)
#   lab_postfix_std_listeners       STARTTLS, submission, SMTPS, bad-certificate and PROXY listeners
#                                   (LAB_*_PORT, see the function)
#   lab_dovecot_start               private Dovecot: IMAP/POP3 (+TLS) ports, SASL socket for Postfix,
#                                   LAB_USER/LAB_PASS, LAB_USER2/LAB_PASS2 (= lab_dovecot_launch +
#                                   lab_dovecot_wait)
#   lab_start                       all of the above and lab_postfix_start (after lab_init)
#   lab_summary                     a few lines naming the lab's ports
#   (more components in files of their own, sourced after this one: lab_dns.sh, lab_https.sh,
#   lab_cyrus.sh - a private Cyrus IMAP/POP3 server; lab_exim.sh - a private Exim)
#   lab_register_pid PID NAME       lab_stop will stop PID (started by the caller)
#   lab_kill_pid PID                stop one registered pid now
#   lab_stop                        stop everything lab_* started, remove $LAB_DIR unless LAB_KEEP=1
#   lab_mailbox_count USER          messages delivered to USER@lab.test
#   lab_wait_mailbox USER N [SEC]   wait until USER has at least N messages
#   lab_mailbox_grep USER STRING    the delivered files of USER containing STRING
#   lab_wait_token USER STRING [SEC]    wait until a message with STRING arrives, print its file
#   lab_resolv_isolated CMD...      run CMD with /etc/resolv.conf pointing at 127.0.0.1 only
#   lab_wait_port ADDR PORT [SEC]   wait until ADDR:PORT accepts connections
#   lab_wait_banner ADDR PORT [SEC] [ERE]   wait until ADDR:PORT greets with a line matching ERE
#   lab_check_loopback_only PID...  fail if PID or a descendant listens on a non-loopback address
#
# Every component records how to stop it in $LAB_DIR/registry ("stop NAME" calls lab_NAME_stop,
# "pid PID STARTTIME NAME" kills exactly that process); lab_stop works through it backwards, so a
# lab started by one process (the CLI) can be stopped by another.
#
# Rules kept here: everything binds 127.0.0.0/8 or ::1 on high ports; Postfix has no client
# services (smtp, relay, lmtp), default_transport is error and DNS is off; daemons never inherit
# the caller's stdin/stdout/stderr; only processes recorded in the registry are ever signalled.

# The functions live in files beside this one, sourced here from this file's directory.
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lab_core.sh
. "$(dirname "${BASH_SOURCE[0]}")/lab_core.sh"
# shellcheck source=lab_pki.sh
. "$(dirname "${BASH_SOURCE[0]}")/lab_pki.sh"
# shellcheck source=lab_postfix.sh
. "$(dirname "${BASH_SOURCE[0]}")/lab_postfix.sh"
# shellcheck source=lab_dovecot.sh
. "$(dirname "${BASH_SOURCE[0]}")/lab_dovecot.sh"

# ------------------------------------------------------------------------------ everything

# lab_start: the whole mail lab: lab_pki, lab_postfix_std_listeners, lab_dovecot_start,
# lab_postfix_start (lab_init first). 0 when all runs, 77 when something is not installed (skip),
# else 1; lab_stop cleans up in every case.
lab_start() {
	local rc
	lab_need_root || return 77
	lab_have_postfix || return 77
	lab_have_dovecot || return 77
	lab_need_init || return 1
	lab_pki || return $?
	lab_postfix_std_listeners || return $?
	# Dovecot starts while Postfix does.
	lab_dovecot_launch || return $?
	lab_postfix_start
	rc=$?
	[ $rc = 0 ] || return $rc
	lab_dovecot_wait || return $?
	lab_log "$(lab_summary | head -1)"
	return 0
}

# lab_summary: the ports and addresses of this lab, a few lines.
lab_summary() {
	local a=$LAB_ADDR
	printf 'mail lab %s: Postfix %s:%s plain, STARTTLS %s, submission %s, SMTPS %s, PROXY %s\n' \
		"$LAB_DIR" "$a" "$LAB_SMTP_PORT" "${LAB_SMTP_STARTTLS_PORT:--}" \
		"${LAB_SUBMISSION_PORT:--}" "${LAB_SMTPS_PORT:--}" "${LAB_SMTP_PROXY_PORT:--}"
	printf 'STARTTLS with bad certificates: expiring %s, expired %s, wronghost %s, selfsigned %s\n' \
		"${LAB_SMTP_EXPIRING_PORT:--}" "${LAB_SMTP_EXPIRED_PORT:--}" \
		"${LAB_SMTP_WRONGHOST_PORT:--}" "${LAB_SMTP_SELFSIGNED_PORT:--}"
	if [ -n "${LAB_IMAP_PORT:-}" ]; then
		# shellcheck disable=SC2016 # names the variable, not the password
		printf 'Dovecot %s: IMAP %s, IMAPS %s, POP3 %s, POP3S %s; user %s (password: $LAB_PASS)\n' \
			"$a" "$LAB_IMAP_PORT" "$LAB_IMAPS_PORT" "$LAB_POP3_PORT" "$LAB_POP3S_PORT" "$LAB_USER"
		[ -z "${LAB_DOVECOT_REMOTE_ADDR:-}" ] ||
			printf 'same ports on %s (remote-like), %s expiring, %s expired, %s wronghost, %s selfsigned\n' \
				"$LAB_DOVECOT_REMOTE_ADDR" "$LAB_DOVECOT_EXPIRING_ADDR" "$LAB_DOVECOT_EXPIRED_ADDR" \
				"$LAB_DOVECOT_WRONGHOST_ADDR" "$LAB_DOVECOT_SELFSIGNED_ADDR"
	fi
	if [ -n "${LAB_CYRUS_IMAP_PORT:-}" ]; then
		# shellcheck disable=SC2016,SC2153 # names the variable, not the password; set by lab_cyrus_start
		printf 'Cyrus %s: IMAP %s, IMAPS %s, POP3 %s, POP3S %s; user %s (password: $LAB_CYRUS_PASS)\n' \
			"$a" "$LAB_CYRUS_IMAP_PORT" "$LAB_CYRUS_IMAPS_PORT" "$LAB_CYRUS_POP3_PORT" \
			"$LAB_CYRUS_POP3S_PORT" "$LAB_CYRUS_USER"
	fi
	if [ -n "${LAB_EXIM_PORT:-}" ]; then
		# shellcheck disable=SC2016,SC2153 # names the variable, not the password; set by lab_exim_start
		printf 'Exim %s: SMTP %s (STARTTLS, AUTH after it), SMTPS %s; user %s (password: $LAB_EXIM_PASS)\n' \
			"$a" "$LAB_EXIM_PORT" "$LAB_EXIM_SMTPS_PORT" "$LAB_EXIM_USER"
	fi
	[ -z "${LAB_CA_FILE:-}" ] || printf 'CA: %s\n' "$LAB_CA_FILE"
}

# ------------------------------------------------------------------------------ CLI

# lab_write_env: $LAB_DIR/env (mode 600: it holds the lab passwords) with the summary as comments
# and an export line for every LAB_* variable; prints its path.
lab_write_env() {
	local v f=$LAB_DIR/env
	: >"$f"
	chmod 600 "$f"
	lab_summary | sed 's/^/# /' >>"$f"
	for v in ${!LAB_@}; do
		case $v in
		LAB_KEEP | LAB_POSTFIX_USERS_DEFAULT | LAB_PKI_CERTS) continue ;;
		esac
		printf 'export %s=%q\n' "$v" "${!v}" >>"$f"
	done
	# OpenSSL (and so the plugins) trust the lab CA in a shell that loads
	# this file: a command line needs no --ca-file to verify the lab
	[ -z "${LAB_CA_FILE:-}" ] || printf 'export SSL_CERT_FILE=%q\n' "$LAB_CA_FILE" >>"$f"
	echo "$f"
}

lab_main() {
	set -u
	local cmd=${1:-} rc
	case $cmd in
	start)
		LAB_KEEP=1
		lab_init || exit 1
		lab_start
		rc=$?
		if [ $rc != 0 ]; then
			LAB_KEEP=0
			lab_stop
			exit $rc
		fi
		lab_summary | tail -n +2 >&2 # (lab_start logged the first line)
		# the DNS part (signed lab.test zone, validating resolver) when present
		if [ -f "$(dirname "${BASH_SOURCE[0]}")/lab_dns.sh" ]; then
			# shellcheck source=/dev/null
			. "$(dirname "${BASH_SOURCE[0]}")/lab_dns.sh"
			lab_dns_start >&2 || lab_log "DNS not started; the rest of the lab is up"
		fi
		# Cyrus IMAP/POP3 beside Dovecot, when scripts/install-deps.sh unpacked it
		if [ -f "$(dirname "${BASH_SOURCE[0]}")/lab_cyrus.sh" ]; then
			# shellcheck source=/dev/null
			. "$(dirname "${BASH_SOURCE[0]}")/lab_cyrus.sh"
			lab_cyrus_start >&2 || lab_log "Cyrus not started; the rest of the lab is up"
		fi
		# Exim beside Postfix, when scripts/install-deps.sh unpacked it
		if [ -f "$(dirname "${BASH_SOURCE[0]}")/lab_exim.sh" ]; then
			# shellcheck source=/dev/null
			. "$(dirname "${BASH_SOURCE[0]}")/lab_exim.sh"
			lab_exim_start >&2 || lab_log "Exim not started; the rest of the lab is up"
		fi
		lab_write_env
		;;
	stop)
		local envf=${2:-}
		case $envf in
		/tmp/mplab.*/env) ;;
		*) echo "usage: $0 stop /tmp/mplab.XXXXXX/env" >&2; exit 2 ;;
		esac
		[ -f "$envf" ] || { echo "lab: $envf: no such lab (already stopped?)" >&2; exit 0; }
		# shellcheck disable=SC1090
		. "$envf"
		LAB_KEEP=0
		lab_stop
		;;
	*)
		echo "usage: $0 start | stop ENVFILE" >&2
		exit 2
		;;
	esac
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	lab_main "$@"
	exit $?
fi

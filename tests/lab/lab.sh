#!/bin/bash
# tests/lab/lab.sh - private mail servers on loopback for the mailprobe tests.
#
# Sourced by the integration tests (bash), or run as a command:
#   tests/lab/lab.sh start          start a lab (lab_start: PKI, Postfix, Dovecot), keep it, print a
#                                   summary of its ports (stderr) and the path of its env file (stdout)
#   tests/lab/lab.sh stop ENVFILE   stop that lab and remove its directory
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
#   lab_nsd_start                   (later issue)
#   (more components in files of their own, sourced after this one: lab_dns.sh, lab_https.sh,
#   lab_cyrus.sh - a private Cyrus IMAP/POP3 server)
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

lab_log() { printf 'lab: %s\n' "$*" >&2; }

# lab_dump_logs FILE...: each non-empty FILE on stderr, under a "---- FILE" line.
lab_dump_logs() {
	local f
	for f; do
		[ -s "$f" ] || continue
		lab_log "---- $f"
		sed 's/^/lab:   /' "$f" >&2
	done
}

# Return 77 (automake's "skip") with a message unless we are root.
lab_need_root() {
	if [ "$(id -u)" != 0 ]; then
		lab_log "needs root (private Postfix/Dovecot/NSD instances, mount namespaces): skipping"
		return 77
	fi
	return 0
}

lab_need_init() {
	if [ -z "${LAB_DIR:-}" ] || [ ! -d "${LAB_DIR:-}" ]; then
		lab_log "lab_init has not been called (or the lab was stopped)"
		return 1
	fi
	return 0
}

# ------------------------------------------------------------------------------ init / ports

lab_init() {
	if [ -n "${LAB_DIR:-}" ] && [ -d "${LAB_DIR:-}" ] && [ -f "$LAB_DIR/registry" ]; then
		lab_log "lab already initialised in $LAB_DIR"
		return 0
	fi
	LAB_DIR=$(mktemp -d /tmp/mplab.XXXXXX) || { lab_log "mktemp failed"; return 1; }
	chmod 755 "$LAB_DIR" || return 1
	: >"$LAB_DIR/registry"
	: >"$LAB_DIR/ports"
	LAB_DOMAIN=lab.test
	LAB_HOST=mail.lab.test
	LAB_ADDR=127.0.0.1
	# shellcheck disable=SC2119
	LAB_SMTP_PORT=$(lab_free_port) || return 1
	# The resolver configuration used by lab_resolv_isolated.
	LAB_RESOLV_CONF=$LAB_DIR/resolv.conf
	printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"$LAB_RESOLV_CONF"
	LAB_MAIL_DIR=$LAB_DIR/mail
	LAB_POSTFIX_DIR=$LAB_DIR/postfix
	LAB_POSTFIX_CONF=$LAB_POSTFIX_DIR/etc
	LAB_POSTFIX_LOG=$LAB_POSTFIX_DIR/maillog
	export LAB_DIR LAB_DOMAIN LAB_HOST LAB_ADDR LAB_SMTP_PORT LAB_RESOLV_CONF LAB_MAIL_DIR \
		LAB_POSTFIX_DIR LAB_POSTFIX_CONF LAB_POSTFIX_LOG
	return 0
}

# lab_port_in_use PORT: true if any TCP or UDP socket on this machine uses PORT locally.
lab_port_in_use() {
	local out
	out=$(ss -Htuan "( sport = :$1 )" 2>/dev/null) || return 0 # cannot tell: treat as used
	[ -n "$out" ]
}

# lab_free_port [VAR]: a random free port in 20000-60999, recorded in $LAB_DIR/ports so that it is
# never handed out twice in one lab (works from $(...) subshells too). Prints it, or stores it in VAR.
# shellcheck disable=SC2120 # VAR is optional
lab_free_port() {
	local var=${1:-} p i
	lab_need_init || return 1
	for ((i = 0; i < 200; i++)); do
		p=$(( ((RANDOM << 15) | RANDOM) % 41000 + 20000 ))
		grep -qx "$p" "$LAB_DIR/ports" 2>/dev/null && continue
		lab_port_in_use "$p" && continue
		echo "$p" >>"$LAB_DIR/ports"
		if [ -n "$var" ]; then printf -v "$var" '%s' "$p"; else echo "$p"; fi
		return 0
	done
	lab_log "no free port found"
	return 1
}

# lab_free_ports VAR...: lab_free_port for several variables (exported), with one look at the
# sockets in use instead of one per port.
lab_free_ports() {
	local used var p i
	lab_need_init || return 1
	if ! used=$(ss -Htuan 2>/dev/null | awk '{ n = split($5, a, ":"); printf " %s", a[n] }'); then
		for var; do
			lab_free_port "$var" || return 1
			# shellcheck disable=SC2163 # exports the variable named by $var
			export "$var"
		done
		return 0
	fi
	used+=" $(tr '\n' ' ' <"$LAB_DIR/ports") "
	for var; do
		for ((i = 0; i < 200; i++)); do
			p=$(( ((RANDOM << 15) | RANDOM) % 41000 + 20000 ))
			[[ $used == *" $p "* ]] || break
		done
		[ $i -lt 200 ] || { lab_log "no free port found"; return 1; }
		used+="$p "
		echo "$p" >>"$LAB_DIR/ports"
		printf -v "$var" '%s' "$p"
		# shellcheck disable=SC2163
		export "$var"
	done
	return 0
}

# ------------------------------------------------------------------------------ process registry

# Start time (clock ticks since boot) of PID, to make sure we never signal a recycled pid.
lab_pid_starttime() {
	local s
	{ IFS= read -r s <"/proc/$1/stat"; } 2>/dev/null || return 1
	s=${s##*) } # fields from 3 (state) on; comm may contain spaces and parentheses
	# shellcheck disable=SC2086
	set -- $s
	echo "${20}" # field 22
}

lab_pid_state() {
	local s
	{ IFS= read -r s <"/proc/$1/stat"; } 2>/dev/null || return 1
	s=${s##*) }
	echo "${s%% *}"
}

# lab_register_pid PID NAME: lab_stop will stop this process (one the caller started).
lab_register_pid() {
	local st
	lab_need_init || return 1
	if ! st=$(lab_pid_starttime "$1"); then
		lab_log "pid $1 (${2:-process}) is already gone"
		return 1
	fi
	echo "pid $1 $st ${2:-process}" >>"$LAB_DIR/registry"
}

lab_register_stop() {
	lab_need_init || return 1
	grep -qx "stop $1" "$LAB_DIR/registry" || echo "stop $1" >>"$LAB_DIR/registry"
}

# lab_alive PID STARTTIME: PID still runs and is the process that was recorded (same start time;
# zombies count as gone).
lab_alive() {
	local st state
	st=$(lab_pid_starttime "$1") || return 1
	[ "$st" = "${2:-}" ] || return 1
	state=$(lab_pid_state "$1") || return 1
	[ "$state" != Z ] && [ "$state" != X ]
}

# lab_terminate PID STARTTIME NAME: SIGTERM, wait up to 5 s, then SIGKILL; reap if it is our child.
lab_terminate() {
	local pid=$1 st=$2 name=${3:-process} i
	if lab_alive "$pid" "$st"; then
		kill -TERM "$pid" 2>/dev/null
		for ((i = 0; i < 50; i++)); do
			lab_alive "$pid" "$st" || break
			sleep 0.1
		done
		if lab_alive "$pid" "$st"; then
			lab_log "$name (pid $pid) ignored SIGTERM, sending SIGKILL"
			kill -KILL "$pid" 2>/dev/null
			sleep 0.1
		fi
	fi
	wait "$pid" 2>/dev/null # reaps it when it is a child of this shell; harmless otherwise
	return 0
}

# lab_kill_pid PID: stop one registered process now and drop it from the registry.
lab_kill_pid() {
	local pid=$1 line kind p st name
	lab_need_init || return 1
	while read -r kind p st name; do
		[ "$kind" = pid ] && [ "$p" = "$pid" ] && lab_terminate "$p" "$st" "$name"
	done <"$LAB_DIR/registry"
	line=$(grep -v "^pid $pid " "$LAB_DIR/registry")
	printf '%s\n' "$line" | sed '/^$/d' >"$LAB_DIR/registry"
}

# lab_snapshot PID: PID and all its descendants as "pid:starttime" lines.
lab_snapshot() {
	local p st
	for p in $(lab_descendants "$1"); do
		st=$(lab_pid_starttime "$p") && printf '%s:%s\n' "$p" "$st"
	done
}

# lab_wait_gone SEC PID:STARTTIME...: wait (at most SEC s) until all these processes are gone.
lab_wait_gone() {
	local sec=$1 end p left
	shift
	end=$(($(lab_now_us) + sec * 1000000))
	while :; do
		left=0
		for p; do
			lab_alive "${p%:*}" "${p#*:}" && { left=1; break; }
		done
		[ $left = 0 ] && return 0
		[ "$(lab_now_us)" -lt "$end" ] || return 1
		sleep 0.02
	done
}

# lab_stop: stop everything in the registry (last started first), then remove $LAB_DIR unless
# LAB_KEEP=1. Safe to call more than once and from an EXIT trap.
lab_stop() {
	local dir=${LAB_DIR:-} lines i kind a b c
	if [ -z "$dir" ] || [ ! -d "$dir" ]; then
		return 0
	fi
	if [ -f "$dir/registry" ]; then
		mapfile -t lines <"$dir/registry"
		# First tell every daemon that can be told without waiting (lab_NAME_signal) to stop, so
		# that they shut down in parallel; then stop and wait for each, newest first.
		for ((i = ${#lines[@]} - 1; i >= 0; i--)); do
			read -r kind a b c <<<"${lines[i]}"
			[ "$kind" = stop ] && declare -F "lab_${a}_signal" >/dev/null && "lab_${a}_signal"
		done
		for ((i = ${#lines[@]} - 1; i >= 0; i--)); do
			read -r kind a b c <<<"${lines[i]}"
			case $kind in
			stop)
				# a component of its own file (lab_cyrus.sh...) stopped by a shell that
				# did not source it (tests/lab/lab.sh stop ENVFILE)
				if ! declare -F "lab_${a}_stop" >/dev/null && [[ $a =~ ^[a-z0-9]+$ ]] &&
					[ -f "$(dirname "${BASH_SOURCE[0]}")/lab_$a.sh" ]; then
					# shellcheck source=/dev/null
					. "$(dirname "${BASH_SOURCE[0]}")/lab_$a.sh"
				fi
				if declare -F "lab_${a}_stop" >/dev/null; then
					"lab_${a}_stop"
				else
					lab_log "no stop function for $a"
				fi
				;;
			pid) lab_terminate "$a" "$b" "$c" ;;
			esac
		done
		: >"$dir/registry"
	fi
	if [ "${LAB_KEEP:-0}" = 1 ]; then
		lab_log "LAB_KEEP=1: keeping $dir"
	else
		case $dir in
		/tmp/mplab.*) rm -rf -- "$dir" ;;
		*) lab_log "refusing to remove unexpected LAB_DIR $dir" ;;
		esac
	fi
	return 0
}

# ------------------------------------------------------------------------------ helpers

# Loopback-only address check for anything we are asked to bind.
lab_is_loopback() {
	case $1 in
	127.*.*.* | '[::1]' | ::1) return 0 ;;
	*) return 1 ;;
	esac
}

# Microseconds since the epoch (for bounded waits measured on the wall clock).
lab_now_us() {
	local t=${EPOCHREALTIME//[.,]/}
	echo "$t"
}

# lab_probe ADDR PORT ERE: one connection attempt, at most 3 s in all (connect, first line, QUIT).
# ERE empty: succeed when the connection opens. Otherwise print the first line if it matches.
# Runs in a child bash under timeout(1): a /dev/tcp connect has no timeout of its own (a
# throttled Postfix master with a full backlog leaves it hanging for minutes).
lab_probe() {
	# shellcheck disable=SC2016 # the script is for the child bash
	timeout -k 1 3 bash -c '
		exec 3<>"/dev/tcp/$1/$2" || exit 1
		[ -n "$3" ] || exit 0
		IFS= read -r -t 2 -u 3 l || exit 1
		l=${l%$'"'"'\r'"'"'}
		[[ $l =~ $3 ]] || exit 1
		printf "QUIT\r\n" >&3
		IFS= read -r -t 1 -u 3 _
		printf "%s\n" "$l"' lab-probe "$1" "$2" "$3" </dev/null 2>/dev/null
}

# lab_wait_port ADDR PORT [SEC]: wait (at most SEC s, default 20) until ADDR:PORT accepts a TCP
# connection. ADDR may be [::1] or ::1.
lab_wait_port() {
	local addr=${1#[} port=$2 sec=${3:-20} end
	addr=${addr%]}
	end=$(($(lab_now_us) + sec * 1000000))
	while :; do
		lab_probe "$addr" "$port" '' && return 0
		[ "$(lab_now_us)" -lt "$end" ] || return 1
		sleep 0.1
	done
}

# lab_wait_banner ADDR PORT [SEC] [ERE]: wait (at most about SEC s, default 20) until ADDR:PORT
# sends a first line matching ERE (default: an SMTP 220 greeting); sends QUIT; prints the line.
lab_wait_banner() {
	local addr=${1#[} port=$2 sec=${3:-20} re=${4:-^220[[:space:]]} end
	addr=${addr%]}
	end=$(($(lab_now_us) + sec * 1000000))
	while :; do
		lab_probe "$addr" "$port" "$re" && return 0
		[ "$(lab_now_us)" -lt "$end" ] || return 1
		sleep 0.1
	done
}

# lab_descendants PID...: PID and all its descendants, one per line.
lab_descendants() {
	local -A kids=()
	local f s pid ppid queue=("$@") out=()
	for f in /proc/[0-9]*/stat; do
		{ IFS= read -r s <"$f"; } 2>/dev/null || continue
		pid=${f#/proc/}
		pid=${pid%/stat}
		s=${s##*) }
		# shellcheck disable=SC2086 # split the numeric fields
		set -- $s
		ppid=$2
		kids[$ppid]+=" $pid"
	done
	while [ ${#queue[@]} -gt 0 ]; do
		pid=${queue[0]}
		queue=("${queue[@]:1}")
		out+=("$pid")
		for f in ${kids[$pid]:-}; do queue+=("$f"); done
	done
	printf '%s\n' "${out[@]}"
}

# lab_check_loopback_only PID...: every listening TCP socket / bound UDP socket held by PID or one of
# its descendants must be on 127.0.0.0/8 or ::1. Prints the offenders and fails otherwise.
lab_check_loopback_only() {
	local -A mine=()
	local p line local_addr bad=0 found rest
	for p in $(lab_descendants "$@"); do mine[$p]=1; done
	while IFS= read -r line; do
		found=0
		rest=$line
		# every pid=N of the line (no subprocesses: ss lists every socket of the machine)
		while [[ $rest =~ pid=([0-9]+)(.*)$ ]]; do
			[ -n "${mine[${BASH_REMATCH[1]}]:-}" ] && found=1
			rest=${BASH_REMATCH[2]}
		done
		[ $found = 1 ] || continue
		# ss -H: Netid State Recv-Q Send-Q Local:Port Peer:Port Process
		read -r _ _ _ _ local_addr _ <<<"$line"
		local_addr=${local_addr%:*}
		local_addr=${local_addr%%%*} # 127.0.0.1%lo
		case $local_addr in
		127.*.*.* | '[::1]' | '[::ffff:127.'*) ;;
		*)
			lab_log "NON-LOOPBACK LISTENER: $line"
			bad=1
			;;
		esac
	done < <(ss -Hltunp 2>/dev/null)
	[ $bad = 0 ]
}

# lab_resolv_isolated CMD...: run CMD in a private mount namespace where /etc/resolv.conf says
# "nameserver 127.0.0.1" (timeout 1 s, 1 attempt): names not in /etc/hosts fail fast and no DNS
# query leaves loopback. Returns CMD's exit status (77 with a message if isolation is impossible).
lab_resolv_isolated() {
	local conf=${LAB_RESOLV_CONF:-}
	if [ -z "$conf" ] || [ ! -f "$conf" ]; then
		lab_log "lab_resolv_isolated: no LAB_RESOLV_CONF (call lab_init first)"
		return 77
	fi
	lab_need_root || return 77
	if ! command -v unshare >/dev/null; then
		lab_log "lab_resolv_isolated: unshare(1) missing"
		return 77
	fi
	# shellcheck disable=SC2016 # the script is for the child sh
	unshare -m --propagation private -- /bin/sh -c '
		mount --bind "$1" /etc/resolv.conf || { echo "lab: cannot bind-mount $1" >&2; exit 125; }
		shift
		exec "$@"' lab-resolv-isolated "$conf" "$@"
}

# True when lab_resolv_isolated can be used here (root, unshare and bind mounts permitted).
lab_resolv_isolation_works() {
	[ -n "${LAB_RESOLV_CONF:-}" ] || return 1
	[ "$(id -u)" = 0 ] || return 1
	local got
	got=$(lab_resolv_isolated cat /etc/resolv.conf 2>/dev/null) || return 1
	[ "$got" = "$(cat "$LAB_RESOLV_CONF")" ]
}

# ------------------------------------------------------------------------------ mailboxes

# lab_mailbox_count USER: messages delivered (Maildir new/ + cur/) for USER@lab.test.
lab_mailbox_count() {
	local d=${LAB_MAIL_DIR:-/nonexistent}/$1 n=0 f
	for f in "$d"/new/* "$d"/cur/*; do
		[ -f "$f" ] && n=$((n + 1))
	done
	echo "$n"
}

# lab_wait_mailbox USER N [SEC]: wait (bounded, default 10 s) for at least N messages.
lab_wait_mailbox() {
	local user=$1 want=$2 sec=${3:-10} i
	for ((i = 0; i < sec * 10; i++)); do
		[ "$(lab_mailbox_count "$user")" -ge "$want" ] && return 0
		sleep 0.1
	done
	return 1
}

# lab_mailbox_grep USER STRING: print the delivered files of USER@lab.test containing STRING (fixed
# string); false when there is none.
lab_mailbox_grep() {
	local d=${LAB_MAIL_DIR:-/nonexistent}/$1 f found=1
	for f in "$d"/new/* "$d"/cur/*; do
		[ -f "$f" ] || continue
		if grep -qF -- "$2" "$f"; then
			echo "$f"
			found=0
		fi
	done
	return $found
}

# lab_wait_token USER STRING [SEC]: wait (bounded, default 10 s) until a message containing STRING
# has been delivered to USER@lab.test; prints its file.
lab_wait_token() {
	local user=$1 tok=$2 sec=${3:-10} i
	for ((i = 0; i < sec * 20; i++)); do
		lab_mailbox_grep "$user" "$tok" && return 0
		sleep 0.05
	done
	return 1
}

# ------------------------------------------------------------------------------ Postfix

LAB_POSTFIX_USERS_DEFAULT="probe probe2 postmaster"

lab_have_postfix() {
	if ! command -v postfix >/dev/null 2>&1 && [ ! -x /usr/sbin/postfix ]; then
		lab_log "postfix is not installed: skipping"
		return 77
	fi
	return 0
}

lab_postfix_bin() {
	command -v postfix 2>/dev/null || echo /usr/sbin/postfix
}

# Make sure the files the configuration is collected in exist.
lab_postfix_prepare() {
	lab_need_init || return 1
	mkdir -p "$LAB_POSTFIX_CONF" "$LAB_POSTFIX_DIR/queue" "$LAB_POSTFIX_DIR/data" "$LAB_MAIL_DIR" || return 1
	[ -f "$LAB_POSTFIX_DIR/listeners" ] || : >"$LAB_POSTFIX_DIR/listeners"
	[ -f "$LAB_POSTFIX_DIR/main.extra" ] || : >"$LAB_POSTFIX_DIR/main.extra"
	if [ ! -f "$LAB_POSTFIX_DIR/users" ]; then
		# shellcheck disable=SC2086 # a list
		printf '%s\n' $LAB_POSTFIX_USERS_DEFAULT >"$LAB_POSTFIX_DIR/users"
	fi
}

# lab_postfix_conf 'name = value': an extra main.cf line (later lines win, as in main.cf).
lab_postfix_conf() {
	lab_postfix_prepare || return 1
	printf '%s\n' "$*" >>"$LAB_POSTFIX_DIR/main.extra"
}

# lab_postfix_user NAME: another Maildir mailbox NAME@lab.test.
lab_postfix_user() {
	lab_postfix_prepare || return 1
	grep -qx "$1" "$LAB_POSTFIX_DIR/users" || echo "$1" >>"$LAB_POSTFIX_DIR/users"
}

# lab_postfix_listener ADDR:PORT [-o name=value ...]: one more smtpd listener in master.cf, e.g.
#   lab_postfix_listener 127.0.0.1:$LAB_SMTPS_PORT -o smtpd_tls_wrappermode=yes \
#       -o smtpd_tls_chain_files=$LAB_DIR/pki/smtps.pem -o smtpd_tls_security_level=encrypt
# ADDR must be loopback (127.x.y.z or [::1]). Call it before lab_postfix_start; if Postfix already
# runs, master.cf is rewritten and Postfix reloaded.
lab_postfix_listener() {
	local ep=${1:-} addr port line
	shift || true
	case $ep in
	\[*\]:*) addr=${ep%]:*}]; port=${ep##*]:} ;;
	*:*) addr=${ep%:*}; port=${ep##*:} ;;
	*) lab_log "lab_postfix_listener: want ADDR:PORT, got '$ep'"; return 1 ;;
	esac
	if ! lab_is_loopback "$addr"; then
		lab_log "lab_postfix_listener: $addr is not a loopback address"
		return 1
	fi
	if ! [[ $port =~ ^[0-9]+$ ]] || [ "$port" -lt 1024 ] || [ "$port" -gt 65535 ]; then
		lab_log "lab_postfix_listener: bad or privileged port '$port'"
		return 1
	fi
	lab_postfix_prepare || return 1
	line="$addr:$port inet n - n - - smtpd"
	while [ $# -gt 0 ]; do
		case $1 in
		-o)
			[ $# -ge 2 ] || { lab_log "lab_postfix_listener: -o needs name=value"; return 1; }
			line+=$'\n'"  -o $2"
			shift 2
			;;
		*)
			lab_log "lab_postfix_listener: unexpected argument '$1'"
			return 1
			;;
		esac
	done
	printf '%s\n' "$line" >>"$LAB_POSTFIX_DIR/listeners"
	if [ -f "$LAB_POSTFIX_DIR/running" ]; then
		lab_postfix_write_master || return 1
		lab_postfix_age_conf
		"$(lab_postfix_bin)" -c "$LAB_POSTFIX_CONF" reload </dev/null >>"$LAB_POSTFIX_DIR/start.log" 2>&1 || return 1
		lab_wait_port "$addr" "$port" 20 || { lab_log "listener $ep did not come up"; return 1; }
		lab_postfix_check_listeners || return 1
	fi
	return 0
}

# lab_postfix_service NAME COMMAND [-o k=v ...]: an extra internal (unix socket) service in
# master.cf, e.g. a second trivial-rewrite with its own transports that one listener uses through
# -o rewrite_service_name=NAME. Never an inet service: listeners go through lab_postfix_listener.
lab_postfix_service() {
	local name=${1:-} cmd=${2:-} line
	shift 2 || { lab_log "lab_postfix_service: want NAME COMMAND"; return 1; }
	if ! [[ $name =~ ^[a-z][a-z0-9-]*$ && $cmd =~ ^[a-z][a-z0-9-]*$ ]]; then
		lab_log "lab_postfix_service: bad service name or command '$name' '$cmd'"
		return 1
	fi
	lab_postfix_prepare || return 1
	line="$name unix - - n - - $cmd"
	while [ $# -gt 0 ]; do
		[ "$1" = -o ] && [ $# -ge 2 ] || { lab_log "lab_postfix_service: want -o name=value"; return 1; }
		line+=$'\n'"  -o $2"
		shift 2
	done
	printf '%s\n' "$line" >>"$LAB_POSTFIX_DIR/listeners"
}

lab_postfix_write_main() {
	local ipv=ipv4 uid gid
	# ::1 usable? Then Postfix may speak IPv6 too (listeners still only where master.cf says).
	if grep -q '^00000000000000000000000000000001 ' /proc/net/if_inet6 2>/dev/null; then
		ipv=all
	fi
	uid=$(id -u nobody 2>/dev/null || echo 65534)
	gid=$(id -g nobody 2>/dev/null || echo 65534)
	LAB_MAIL_UID=$uid
	LAB_MAIL_GID=$gid
	export LAB_MAIL_UID LAB_MAIL_GID
	cat >"$LAB_POSTFIX_CONF/main.cf" <<EOF
# Generated by tests/lab/lab.sh - a private, loopback-only Postfix for the mailprobe tests.
compatibility_level = 3.6
queue_directory = $LAB_POSTFIX_DIR/queue
data_directory = $LAB_POSTFIX_DIR/data
# postfix-files, dynamicmaps.cf: the distribution's (never written to)
meta_directory = /etc/postfix
mail_owner = postfix
setgid_group = postdrop

myhostname = $LAB_HOST
mydomain = $LAB_DOMAIN
myorigin = \$mydomain
mydestination =
smtpd_banner = \$myhostname ESMTP Postfix (mailprobe lab)

# Loopback only, and nothing ever leaves the machine.
inet_interfaces = loopback-only
inet_protocols = $ipv
mynetworks = 127.0.0.0/8 [::1]/128
relayhost =
relay_domains =
default_transport = error:mailprobe lab: no mail leaves this host
relay_transport = error:mailprobe lab: no mail leaves this host
local_transport = error:mailprobe lab: no local delivery
disable_dns_lookups = yes
smtp_dns_support_level = disabled
lmtp_dns_support_level = disabled
smtp_host_lookup = native
smtpd_peername_lookup = no
smtpd_client_port_logging = yes
alias_maps =
alias_database =
local_recipient_maps =
biff = no
append_dot_mydomain = no
readme_directory = no
smtputf8_enable = yes

# Delivery for lab.test into Maildirs under $LAB_MAIL_DIR.
virtual_mailbox_domains = $LAB_DOMAIN
virtual_mailbox_base = $LAB_MAIL_DIR
virtual_mailbox_maps = texthash:$LAB_POSTFIX_CONF/vmailbox
virtual_uid_maps = static:$uid
virtual_gid_maps = static:$gid
virtual_minimum_uid = 1

# Relaying for other domains is refused (no permit_mynetworks: the tests come from 127.0.0.1).
smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination
smtpd_recipient_restrictions =
relay_domains_reject_code = 550
smtpd_error_sleep_time = 0

# Logging without syslog.
maillog_file = $LAB_POSTFIX_LOG
maillog_file_prefixes = $LAB_POSTFIX_DIR
EOF
	# lab_postfix_conf lines replace the defaults above in place (postconf -e), no duplicates.
	local kv
	while IFS= read -r kv; do
		[ -n "$kv" ] || continue
		postconf -c "$LAB_POSTFIX_CONF" -e "$kv" || { lab_log "bad main.cf line: $kv"; return 1; }
	done <"$LAB_POSTFIX_DIR/main.extra"
	local u
	: >"$LAB_POSTFIX_CONF/vmailbox"
	while read -r u; do
		[ -n "$u" ] || continue
		echo "$u@$LAB_DOMAIN $u/" >>"$LAB_POSTFIX_CONF/vmailbox"
	done <"$LAB_POSTFIX_DIR/users"
	chown "$uid:$gid" "$LAB_MAIL_DIR" || return 1
	# master.lock, tls caches and the verify database live here; post-install only warns about it.
	chown postfix: "$LAB_POSTFIX_DIR/data" || return 1
	chmod 700 "$LAB_POSTFIX_DIR/data"
}

lab_postfix_write_master() {
	cat >"$LAB_POSTFIX_CONF/master.cf" <<EOF
# Generated by tests/lab/lab.sh. No smtp/relay/lmtp/local client services on purpose:
# this instance can receive mail on loopback and deliver it to lab.test Maildirs, nothing else.
# service type  private unpriv  chroot  wakeup  maxproc command
# ---------------------------------------------------------------- listeners
$LAB_ADDR:$LAB_SMTP_PORT inet n - n - - smtpd
EOF
	cat "$LAB_POSTFIX_DIR/listeners" >>"$LAB_POSTFIX_CONF/master.cf"
	cat >>"$LAB_POSTFIX_CONF/master.cf" <<'EOF'
# ---------------------------------------------------------------- internal services
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
proxymap  unix  -       -       n       -       -       proxymap
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
virtual   unix  -       n       n       -       -       virtual
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
}

# Postfix re-reads a configuration file or table (main.cf, texthash:) every 300 ms until its mtime
# is at least a second old (it might still be being written): freshly written files cost each
# Postfix program one to two seconds. Ours are complete, so date them back.
lab_postfix_age_conf() {
	touch -d '-1 minute' "$LAB_POSTFIX_CONF"/* 2>/dev/null
	return 0
}

# The queue directories, made as /etc/postfix/postfix-files describes them, plus the quick-start
# flag file: `postfix start` then skips its integrity checks (post-install create-missing runs
# ~40 postconf processes, postsuper scans the queue), which cost about a second for an empty
# queue. Without postfix-files nothing is made and `postfix start` does it the slow way.
lab_postfix_make_queue() {
	local q=$LAB_POSTFIX_DIR/queue files=/etc/postfix/postfix-files path type owner group mode rest
	local -A by_owner=() by_mode=()
	local dirs=() k
	[ -r "$files" ] || return 0
	while IFS=: read -r path type owner group mode rest; do
		# shellcheck disable=SC2016 # a literal $ in postfix-files
		case $path in
		'$queue_directory/'*) ;;
		*) continue ;;
		esac
		[ "$type" = d ] || continue
		path=$q/${path#\$queue_directory/}
		owner=${owner//\$mail_owner/postfix}
		group=${group//\$setgid_group/postdrop}
		[ "$group" = - ] && group=
		case $owner$group$mode in *'$'*) lab_log "postfix-files: unexpected entry for $path"; return 0 ;; esac
		dirs+=("$path")
		by_owner["$owner${group:+:$group}"]+=" $path"
		by_mode[$mode]+=" $path"
	done <"$files"
	[ ${#dirs[@]} -gt 0 ] || return 0
	mkdir -p "${dirs[@]}" || return 0
	# shellcheck disable=SC2086 # the lists are our own paths (no spaces: mktemp names)
	for k in "${!by_owner[@]}"; do chown "$k" ${by_owner[$k]} || return 0; done
	# shellcheck disable=SC2086
	for k in "${!by_mode[@]}"; do chmod "$k" ${by_mode[$k]} || return 0; done
	: >"$q/quick-start"
}

lab_postfix_master_pid() {
	local f=$LAB_POSTFIX_DIR/queue/pid/master.pid p
	[ -f "$f" ] || return 1
	p=$(tr -dc 0-9 <"$f")
	[ -n "$p" ] && [ -d "/proc/$p" ] || return 1
	# The file outlives the master: make sure the pid is still our master (it works in the queue
	# directory), not a recycled one.
	[ "$(readlink "/proc/$p/cwd" 2>/dev/null)" = "$LAB_POSTFIX_DIR/queue" ] || return 1
	echo "$p"
}

lab_postfix_check_listeners() {
	local mp
	mp=$(lab_postfix_master_pid) || { lab_log "postfix master pid not found"; return 1; }
	if ! lab_check_loopback_only "$mp"; then
		lab_log "Postfix listens on a non-loopback address: stopping it"
		lab_postfix_stop
		return 1
	fi
}

lab_postfix_dump_log() {
	lab_dump_logs "$LAB_POSTFIX_DIR/start.log" "$LAB_POSTFIX_LOG"
}

# lab_postfix_start: write main.cf/master.cf, start Postfix, wait for the banner on $LAB_SMTP_PORT.
lab_postfix_start() {
	local pf banner t0 i
	lab_need_root || return 77
	lab_have_postfix || return 77
	lab_postfix_prepare || return 1
	pf=$(lab_postfix_bin)
	lab_postfix_write_main || return 1
	lab_postfix_write_master || return 1
	lab_postfix_age_conf
	lab_postfix_make_queue
	t0=$SECONDS
	lab_register_stop postfix
	if ! "$pf" -c "$LAB_POSTFIX_CONF" start </dev/null >>"$LAB_POSTFIX_DIR/start.log" 2>&1; then
		lab_log "postfix -c $LAB_POSTFIX_CONF start failed"
		lab_postfix_dump_log
		return 1
	fi
	: >"$LAB_POSTFIX_DIR/running"
	# Up to 20 s for the banner, but give up at once when a Postfix daemon died of a fatal error
	# (a bad main.cf/master.cf line shows up only when smtpd starts).
	for ((i = 0; i < 20; i++)); do
		banner=$(lab_wait_banner "$LAB_ADDR" "$LAB_SMTP_PORT" 1) && break
		banner=
		grep -q ' fatal: ' "$LAB_POSTFIX_LOG" 2>/dev/null && break
	done
	if [ -z "$banner" ]; then
		lab_log "no 220 banner on $LAB_ADDR:$LAB_SMTP_PORT"
		lab_postfix_dump_log
		return 1
	fi
	lab_postfix_check_listeners || return 1
	lab_log "postfix up on $LAB_ADDR:$LAB_SMTP_PORT in $((SECONDS - t0)) s: $banner"
	return 0
}

# lab_postfix_signal: what `postfix stop` does first (SIGTERM to the master), without its waiting;
# remembers the master and its children for lab_postfix_stop. Used by lab_stop.
lab_postfix_signal() {
	local mp
	[ -n "${LAB_POSTFIX_DIR:-}" ] && [ -d "$LAB_POSTFIX_DIR" ] || return 0
	mp=$(lab_postfix_master_pid) || return 0
	lab_snapshot "$mp" >"$LAB_POSTFIX_DIR/stopping"
	kill -TERM "$mp" 2>/dev/null
	return 0
}

# lab_postfix_stop: `postfix -c DIR stop` (unless lab_postfix_signal did its part already), then
# wait (bounded) for the master and all its children to be gone.
lab_postfix_stop() {
	local mp pf p procs=()
	[ -n "${LAB_POSTFIX_CONF:-}" ] && [ -f "$LAB_POSTFIX_CONF/main.cf" ] || return 0
	pf=$(lab_postfix_bin)
	# The master and its children (smtpd, qmgr, postlogd...), with start times: all of them must be
	# gone before the caller removes the directory they work in.
	if [ -s "$LAB_POSTFIX_DIR/stopping" ]; then
		mapfile -t procs <"$LAB_POSTFIX_DIR/stopping"
	elif mp=$(lab_postfix_master_pid); then
		mapfile -t procs < <(lab_snapshot "$mp")
		if [ ${#procs[@]} -gt 0 ]; then
			"$pf" -c "$LAB_POSTFIX_CONF" stop </dev/null >>"$LAB_POSTFIX_DIR/start.log" 2>&1
		fi
	fi
	# (Not running: `postfix stop` would only fail, after the one-second pause Postfix makes on
	# every fatal error.)
	if [ ${#procs[@]} -gt 0 ] && ! lab_wait_gone 10 "${procs[@]}"; then
		lab_log "postfix still running 10 s after stop; aborting it"
		"$pf" -c "$LAB_POSTFIX_CONF" abort </dev/null >>"$LAB_POSTFIX_DIR/start.log" 2>&1
		for p in "${procs[@]}"; do
			lab_terminate "${p%:*}" "${p#*:}" postfix
		done
	fi
	rm -f "$LAB_POSTFIX_DIR/running" "$LAB_POSTFIX_DIR/stopping"
	return 0
}

# ------------------------------------------------------------------------------ test PKI

# lab_pki: a private CA and leaf certificates under $LAB_DIR/pki, made once per lab (later calls
# return at once) with the openssl CLI in one pass; EC P-256 keys, so it takes a fraction of a
# second. Exports LAB_PKI_DIR and LAB_CA_FILE (the CA certificate, PEM). For each NAME of
# $LAB_PKI_CERTS: NAME.key, NAME.crt, and NAME.pem (key then certificate: smtpd_tls_chain_files).
#   good        CN mail.lab.test, SAN DNS:mail.lab.test, DNS:localhost, IP:127.0.0.1; 1 year
#   expiring    the same names; notAfter 5 days 12 hours from now (5 whole days left)
#   expired     the same names; notAfter 3 days 12 hours ago (expired 3 whole days ago)
#   wronghost   CN and SAN DNS:other.example.test only (issued by the CA, valid 1 year)
#   selfsigned  the names of "good", but signed by its own key instead of the CA
# Every leaf's notBefore lies a day back, so clock steps of a few hours do not matter.
LAB_PKI_CERTS="good expiring expired wronghost selfsigned"

# lab_utc_time EPOCH: the time as openssl ca's -startdate/-enddate want it (YYYYMMDDHHMMSSZ).
lab_utc_time() {
	local out
	TZ=UTC printf -v out '%(%Y%m%d%H%M%S)TZ' "$1"
	echo "$out"
}

lab_pki() {
	local d now day=86400
	lab_need_init || return 1
	d=$LAB_DIR/pki
	LAB_PKI_DIR=$d
	LAB_CA_FILE=$d/ca.crt
	export LAB_PKI_DIR LAB_CA_FILE
	[ -f "$d/done" ] && return 0
	if ! command -v openssl >/dev/null 2>&1; then
		lab_log "the openssl command is not installed: skipping"
		return 77
	fi
	rm -rf -- "$d"
	mkdir -p "$d/newcerts" || return 1
	chmod 755 "$d" || return 1
	: >"$d/index.txt"
	echo 1000 >"$d/serial"
	cat >"$d/ca.cnf" <<EOF
# Generated by tests/lab/lab.sh: the mailprobe lab CA (openssl ca -config ca.cnf).
[ ca ]
default_ca = lab_ca
[ lab_ca ]
dir = $d
database = $d/index.txt
new_certs_dir = $d/newcerts
serial = $d/serial
certificate = $d/ca.crt
private_key = $d/ca.key
default_md = sha256
policy = lab_policy
unique_subject = no
copy_extensions = none
email_in_dn = no
[ lab_policy ]
commonName = supplied
[ req ]
distinguished_name = req_dn
prompt = no
[ req_dn ]
CN = unused
[ ca_ext ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[ leaf_ext ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:mail.lab.test,DNS:localhost,IP:127.0.0.1
[ wronghost_ext ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:other.example.test
[ self_ext ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
subjectAltName = DNS:mail.lab.test,DNS:localhost,IP:127.0.0.1
EOF
	now=$(printf '%(%s)T' -1)
	# A subshell (cd, umask); every step checked (set -e would be void when the caller tests us).
	(
		cd "$d" || exit 1
		umask 077
		newkey=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -noenc)
		openssl req -config ca.cnf -x509 "${newkey[@]}" -keyout ca.key -out ca.crt \
			-subj '/CN=mailprobe lab CA' -days 3650 -extensions ca_ext || exit 1
		openssl req -config ca.cnf -x509 "${newkey[@]}" -keyout selfsigned.key \
			-out selfsigned.crt -subj '/CN=mail.lab.test' -days 365 -extensions self_ext || exit 1
		for n in good expiring expired wronghost; do
			ext=leaf_ext
			cn=mail.lab.test
			start=$((now - day))
			end=$((now + 365 * day))
			case $n in
			expiring) end=$((now + 5 * day + day / 2)) ;;
			expired) start=$((now - 30 * day)) end=$((now - 3 * day - day / 2)) ;;
			wronghost) ext=wronghost_ext cn=other.example.test ;;
			esac
			openssl req -config ca.cnf -new "${newkey[@]}" -keyout "$n.key" -out "$n.csr" \
				-subj "/CN=$cn" || exit 1
			openssl ca -config ca.cnf -batch -notext -in "$n.csr" -out "$n.crt" \
				-startdate "$(lab_utc_time "$start")" -enddate "$(lab_utc_time "$end")" \
				-extensions "$ext" || exit 1
		done
		for n in $LAB_PKI_CERTS; do
			cat "$n.key" "$n.crt" >"$n.pem" || exit 1
		done
		chmod 644 ./*.crt
	) </dev/null >"$d/openssl.log" 2>&1
	# shellcheck disable=SC2181
	if [ $? != 0 ] || [ ! -s "$d/selfsigned.pem" ]; then
		lab_log "making the test PKI failed:"
		sed 's/^/lab:   /' "$d/openssl.log" >&2
		return 1
	fi
	: >"$d/done"
	return 0
}

# lab_pki_issue NAME SAN [DAYS [DIR]]: one more server certificate of the lab CA (after lab_pki):
# DIR/NAME.key, NAME.crt and NAME.pem (key + certificate, as Postfix's chain files want; DIR is
# $LAB_PKI_DIR by default), with subjectAltName SAN ("DNS:a.lab.test,DNS:b.lab.test"), valid from a
# day ago for DAYS days (default 365). A new key every time, as a renewal makes.
lab_pki_issue() {
	local name=$1 san=$2 days=${3:-365} dir=${4:-${LAB_PKI_DIR:-}} now cn
	[ -n "$dir" ] && [ -f "${LAB_PKI_DIR:-}/ca.cnf" ] || { lab_log "lab_pki_issue: call lab_pki first"; return 1; }
	[[ $name =~ ^[A-Za-z0-9_-]+$ && $days =~ ^[0-9]+$ ]] || { lab_log "lab_pki_issue: bad name or days"; return 1; }
	cn=${san%%,*}
	cn=${cn#*:}
	now=$(printf '%(%s)T' -1)
	printf '[ issue_ext ]\nbasicConstraints = critical,CA:FALSE\nkeyUsage = critical,digitalSignature\nextendedKeyUsage = serverAuth\nsubjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\nsubjectAltName = %s\n' \
		"$san" >"$dir/$name.ext" || return 1
	(
		cd "$dir" || exit 1
		umask 077
		openssl req -config "$LAB_PKI_DIR/ca.cnf" -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
			-noenc -keyout "$name.key" -out "$name.csr" -subj "/CN=$cn" || exit 1
		openssl ca -config "$LAB_PKI_DIR/ca.cnf" -batch -notext -in "$name.csr" -out "$name.crt" \
			-startdate "$(lab_utc_time $((now - 86400)))" \
			-enddate "$(lab_utc_time $((now + days * 86400)))" \
			-extfile "$name.ext" -extensions issue_ext || exit 1
		cat "$name.key" "$name.crt" >"$name.pem" || exit 1
		chmod 644 "$name.crt"
	) </dev/null >"$dir/$name.log" 2>&1 || {
		lab_log "lab_pki_issue: making $name failed:"
		sed 's/^/lab:   /' "$dir/$name.log" >&2
		return 1
	}
}

# ------------------------------------------------------------------------------ standard listeners

# lab_postfix_std_listeners: the Postfix listeners of the TLS and transaction tests, next to the plain
# one on $LAB_SMTP_PORT (no STARTTLS there). Call before lab_postfix_start; makes the PKI.
#   LAB_SMTP_STARTTLS_PORT     STARTTLS offered (good certificate)
#   LAB_SUBMISSION_PORT        STARTTLS required, AUTH (Dovecot SASL) only after it; relays only
#                              for authenticated clients (everyone else: 554 Relay access denied)
#   LAB_SMTPS_PORT             implicit TLS (smtpd_tls_wrappermode), good certificate
#   LAB_SMTP_EXPIRING_PORT, LAB_SMTP_EXPIRED_PORT, LAB_SMTP_WRONGHOST_PORT,
#   LAB_SMTP_SELFSIGNED_PORT   STARTTLS with that certificate of lab_pki
#   LAB_SMTP_PROXY_PORT        plain, expects a PROXY protocol (v1 or v2) header first
lab_postfix_std_listeners() {
	local a=$LAB_ADDR pki rc v n
	lab_need_init || return 1
	if [ -f "$LAB_DIR/std-listeners" ]; then
		return 0
	fi
	lab_pki
	rc=$?
	[ $rc = 0 ] || return $rc
	pki=$LAB_PKI_DIR
	lab_dovecot_paths
	lab_free_ports LAB_SMTP_STARTTLS_PORT LAB_SUBMISSION_PORT LAB_SMTPS_PORT \
		LAB_SMTP_EXPIRING_PORT LAB_SMTP_EXPIRED_PORT LAB_SMTP_WRONGHOST_PORT \
		LAB_SMTP_SELFSIGNED_PORT LAB_SMTP_PROXY_PORT || return 1
	lab_postfix_listener "$a:$LAB_SMTP_STARTTLS_PORT" -o syslog_name=postfix/starttls \
		-o smtpd_tls_security_level=may -o "smtpd_tls_chain_files=$pki/good.pem" || return 1
	lab_postfix_listener "$a:$LAB_SUBMISSION_PORT" -o syslog_name=postfix/submission \
		-o smtpd_tls_security_level=encrypt -o "smtpd_tls_chain_files=$pki/good.pem" \
		-o smtpd_sasl_auth_enable=yes -o smtpd_tls_auth_only=yes \
		-o smtpd_sasl_type=dovecot -o "smtpd_sasl_path=$LAB_DOVECOT_AUTH_SOCKET" \
		-o smtpd_sasl_security_options=noanonymous \
		-o smtpd_relay_restrictions=permit_sasl_authenticated,reject || return 1
	# shellcheck disable=SC2153 # set by lab_free_port above
	lab_postfix_listener "$a:$LAB_SMTPS_PORT" -o syslog_name=postfix/smtps \
		-o smtpd_tls_wrappermode=yes -o smtpd_tls_security_level=encrypt \
		-o "smtpd_tls_chain_files=$pki/good.pem" || return 1
	for v in expiring expired wronghost selfsigned; do
		n=LAB_SMTP_${v^^}_PORT
		lab_postfix_listener "$a:${!n}" -o "syslog_name=postfix/$v" \
			-o smtpd_tls_security_level=may -o "smtpd_tls_chain_files=$pki/$v.pem" || return 1
	done
	lab_postfix_listener "$a:$LAB_SMTP_PROXY_PORT" -o syslog_name=postfix/proxy \
		-o smtpd_upstream_proxy_protocol=haproxy -o smtpd_upstream_proxy_timeout=5s || return 1
	: >"$LAB_DIR/std-listeners"
	return 0
}

# ------------------------------------------------------------------------------ Dovecot

# lab_dovecot_paths: LAB_DOVECOT_DIR, _CONF, _LOG and _AUTH_SOCKET (the SASL socket for Postfix).
lab_dovecot_paths() {
	LAB_DOVECOT_DIR=$LAB_DIR/dovecot
	LAB_DOVECOT_CONF=$LAB_DOVECOT_DIR/dovecot.conf
	LAB_DOVECOT_LOG=$LAB_DOVECOT_DIR/dovecot.log
	LAB_DOVECOT_AUTH_SOCKET=$LAB_DOVECOT_DIR/auth-postfix
	export LAB_DOVECOT_DIR LAB_DOVECOT_CONF LAB_DOVECOT_LOG LAB_DOVECOT_AUTH_SOCKET
}

lab_have_dovecot() {
	if ! command -v dovecot >/dev/null 2>&1 && [ ! -x /usr/sbin/dovecot ]; then
		lab_log "dovecot is not installed: skipping"
		return 77
	fi
	if ! id dovecot >/dev/null 2>&1 || ! id dovenull >/dev/null 2>&1; then
		lab_log "the dovecot/dovenull users are missing (dovecot-core not set up): skipping"
		return 77
	fi
	return 0
}

lab_dovecot_bin() {
	command -v dovecot 2>/dev/null || echo /usr/sbin/dovecot
}

# True when the whole of 127.0.0.0/8 is local (Linux's lo has 127.0.0.1/8), so that 127.0.0.2...
# can be bound.
lab_loopback_net8() {
	ip -4 -o addr show dev lo 2>/dev/null | grep -q ' 127\.0\.0\.1/8 '
}

# lab_dovecot_start: a private Dovecot (IMAP, POP3, SASL for Postfix) on 127.0.0.1, no system
# auth: passdb passwd-file with
#   LAB_USER=probe@lab.test / LAB_PASS, LAB_USER2=probe2@lab.test / LAB_PASS2 (random per lab)
# mail in the Maildirs Postfix delivers to ($LAB_MAIL_DIR/USER, uid nobody), good certificate.
# Ports (every address below): LAB_IMAP_PORT (STARTTLS offered), LAB_IMAPS_PORT, LAB_POP3_PORT
# (STLS offered), LAB_POP3S_PORT.
# Addresses: 127.0.0.1 ($LAB_ADDR) counts as a secured connection for Dovecot (local = remote
# address): plaintext login works there and LOGINDISABLED is never offered. Where all of
# 127.0.0.0/8 is local, more addresses serve the same ports (empty variables otherwise):
#   LAB_DOVECOT_REMOTE_ADDR=127.0.0.2      good certificate, behaves like a remote server
#                                          (LOGINDISABLED / no plaintext login before TLS)
#   LAB_DOVECOT_EXPIRING_ADDR=127.0.0.3    the lab_pki certificates of that name
#   LAB_DOVECOT_EXPIRED_ADDR=127.0.0.4
#   LAB_DOVECOT_WRONGHOST_ADDR=127.0.0.5
#   LAB_DOVECOT_SELFSIGNED_ADDR=127.0.0.6
# (the good/expiring/expired certificates name 127.0.0.1 and mail.lab.test, not 127.0.0.3...: use
# --sni mail.lab.test with them.)
# LMTP (RFC 2033), when dovecot-lmtpd is installed (else LAB_LMTP_PORT is empty): LAB_LMTP_PORT on
# $LAB_ADDR, plaintext, delivering to the same Maildirs; LAB_LMTP_FULL_USER=full@lab.test is a
# mailbox known to LMTP only whose quota is 1 KB, so a larger message is refused for it after the
# final dot (552 5.2.2) while the other recipients take it.
lab_dovecot_start() {
	lab_dovecot_launch || return $?
	lab_dovecot_wait
}

# lab_dovecot_launch: lab_dovecot_start without the wait for the greeting (lab_dovecot_wait), so that
# Postfix can start meanwhile.
lab_dovecot_launch() {
	local rc pki d conf addrs uid gid i v mp st dh= login_mode=
	local protocols='imap pop3'
	# LAB_DOVECOT_LOGIN=performance: Dovecot's high-performance login mode
	# (pre-forked login processes serving many connections) instead of its
	# default, one new login process per connection (bench uses both)
	[ "${LAB_DOVECOT_LOGIN:-}" != performance ] ||
		login_mode=$'  service_count = 0\n  process_min_avail = 2'

	lab_need_root || return 77
	lab_have_dovecot || return 77
	lab_need_init || return 1
	lab_pki
	rc=$?
	[ $rc = 0 ] || return $rc
	pki=$LAB_PKI_DIR
	lab_dovecot_paths
	d=$LAB_DOVECOT_DIR
	conf=$LAB_DOVECOT_CONF
	if [ -f "$d/running" ]; then
		lab_log "dovecot already started in this lab"
		return 0
	fi
	mkdir -p "$d" "$LAB_MAIL_DIR" || return 1
	chmod 755 "$d" || return 1
	uid=$(id -u nobody 2>/dev/null || echo 65534)
	gid=$(id -g nobody 2>/dev/null || echo 65534)
	chown "$uid:$gid" "$LAB_MAIL_DIR" || return 1
	lab_free_ports LAB_IMAP_PORT LAB_IMAPS_PORT LAB_POP3_PORT LAB_POP3S_PORT || return 1
	LAB_LMTP_PORT=
	LAB_LMTP_FULL_USER=
	if [ -x /usr/lib/dovecot/lmtp ]; then
		lab_free_ports LAB_LMTP_PORT || return 1
		LAB_LMTP_FULL_USER=full@$LAB_DOMAIN
		protocols+=' lmtp'
	fi
	export LAB_LMTP_PORT LAB_LMTP_FULL_USER
	addrs=$LAB_ADDR
	LAB_DOVECOT_REMOTE_ADDR=
	LAB_DOVECOT_EXPIRING_ADDR=
	LAB_DOVECOT_EXPIRED_ADDR=
	LAB_DOVECOT_WRONGHOST_ADDR=
	LAB_DOVECOT_SELFSIGNED_ADDR=
	if lab_loopback_net8; then
		LAB_DOVECOT_REMOTE_ADDR=127.0.0.2
		LAB_DOVECOT_EXPIRING_ADDR=127.0.0.3
		LAB_DOVECOT_EXPIRED_ADDR=127.0.0.4
		LAB_DOVECOT_WRONGHOST_ADDR=127.0.0.5
		LAB_DOVECOT_SELFSIGNED_ADDR=127.0.0.6
		addrs+=" 127.0.0.2 127.0.0.3 127.0.0.4 127.0.0.5 127.0.0.6"
	else
		lab_log "only 127.0.0.1 is local here: Dovecot serves no other addresses"
	fi
	export LAB_DOVECOT_REMOTE_ADDR LAB_DOVECOT_EXPIRING_ADDR LAB_DOVECOT_EXPIRED_ADDR \
		LAB_DOVECOT_WRONGHOST_ADDR LAB_DOVECOT_SELFSIGNED_ADDR
	LAB_USER=probe@$LAB_DOMAIN
	LAB_USER2=probe2@$LAB_DOMAIN
	[ -n "${LAB_PASS:-}" ] || printf -v LAB_PASS 'mplab-pw-%04x%04x%04x' $RANDOM $RANDOM $RANDOM
	[ -n "${LAB_PASS2:-}" ] || printf -v LAB_PASS2 'mplab-pw2-%04x%04x%04x' $RANDOM $RANDOM $RANDOM
	export LAB_USER LAB_PASS LAB_USER2 LAB_PASS2
	# user:{scheme}password:uid:gid:gecos:home:shell:extra
	{
		printf '%s:{PLAIN}%s:%s:%s::%s::\n' "$LAB_USER" "$LAB_PASS" "$uid" "$gid" "$LAB_MAIL_DIR/probe"
		printf '%s:{PLAIN}%s:%s:%s::%s::\n' "$LAB_USER2" "$LAB_PASS2" "$uid" "$gid" "$LAB_MAIL_DIR/probe2"
	} >"$d/users" || return 1
	chown root:dovecot "$d/users" && chmod 640 "$d/users" || return 1
	[ -r /usr/share/dovecot/dh.pem ] && dh="ssl_dh = </usr/share/dovecot/dh.pem"
	cat >"$conf" <<EOF
# Generated by tests/lab/lab.sh - a private, loopback-only Dovecot for the mailprobe tests.
instance_name = mplab-${LAB_DIR##*.}
base_dir = $d/run
state_dir = $d/state
log_path = $LAB_DOVECOT_LOG
hostname = $LAB_HOST
protocols = $protocols
listen = $LAB_ADDR
login_greeting = Dovecot (mailprobe lab) ready.
shutdown_clients = yes
default_internal_user = dovecot
default_login_user = dovenull
first_valid_uid = 1
mail_uid = $uid
mail_gid = $gid
mail_location = maildir:$LAB_MAIL_DIR/%n
auth_mechanisms = plain login
disable_plaintext_auth = yes
auth_cache_size = 0
# A failed login answers at once (the default waits 2 s: tests of wrong passwords stay fast).
auth_failure_delay = 0
ssl = yes
ssl_cert = <$pki/good.crt
ssl_key = <$pki/good.key
$dh
EOF
	if [ -n "$LAB_DOVECOT_EXPIRING_ADDR" ]; then
		for i in expiring expired wronghost selfsigned; do
			v=LAB_DOVECOT_${i^^}_ADDR
			cat >>"$conf" <<EOF
local ${!v} {
  ssl_cert = <$pki/$i.crt
  ssl_key = <$pki/$i.key
}
EOF
		done
	fi
	if [ -n "$LAB_LMTP_PORT" ]; then
		# the over-quota mailbox: a userdb of its own before the static one (LMTP looks up
		# users in the userdb only), the quota plugin for LMTP deliveries alone
		printf '%s::%s:%s::%s::userdb_quota_rule=*:storage=1K\n' "$LAB_LMTP_FULL_USER" "$uid" "$gid" \
			"$LAB_MAIL_DIR/full" >"$d/userdb-lmtp" &&
			chown root:dovecot "$d/userdb-lmtp" && chmod 640 "$d/userdb-lmtp" || return 1
		cat >>"$conf" <<EOF
userdb {
  driver = passwd-file
  args = username_format=%u $d/userdb-lmtp
}
protocol lmtp {
  mail_plugins = \$mail_plugins quota
}
plugin {
  quota = maildir:User quota
}
service lmtp {
  inet_listener lmtp {
    address = $LAB_ADDR
    port = $LAB_LMTP_PORT
  }
}
EOF
	fi
	# shellcheck disable=SC2153 # the ports were set by lab_free_port above
	cat >>"$conf" <<EOF
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $d/users
}
userdb {
  driver = static
  args = uid=$uid gid=$gid home=$LAB_MAIL_DIR/%n
}
# The listener names override Dovecot's built-in ones (143, 993, 110, 995 on every address).
service imap-login {
$login_mode
  inet_listener imap {
    address = $addrs
    port = $LAB_IMAP_PORT
  }
  inet_listener imaps {
    address = $addrs
    port = $LAB_IMAPS_PORT
    ssl = yes
  }
}
service pop3-login {
$login_mode
  inet_listener pop3 {
    address = $addrs
    port = $LAB_POP3_PORT
  }
  inet_listener pop3s {
    address = $addrs
    port = $LAB_POP3S_PORT
    ssl = yes
  }
}
service auth {
  unix_listener $LAB_DOVECOT_AUTH_SOCKET {
    mode = 0660
    user = postfix
    group = postfix
  }
}
EOF
	lab_register_stop dovecot
	if ! "$(lab_dovecot_bin)" -c "$conf" </dev/null >>"$d/start.log" 2>&1; then
		lab_log "dovecot -c $conf failed"
		lab_dovecot_dump_log
		return 1
	fi
	mp=
	for ((i = 0; i < 50; i++)); do
		mp=$(tr -dc 0-9 <"$d/run/master.pid" 2>/dev/null) && [ -n "$mp" ] && break
		sleep 0.05
	done
	if [ -z "$mp" ] || ! st=$(lab_pid_starttime "$mp"); then
		lab_log "dovecot did not write $d/run/master.pid"
		lab_dovecot_dump_log
		return 1
	fi
	echo "$mp $st" >"$d/master.id"
	: >"$d/running"
	return 0
}

# lab_dovecot_wait: wait (about 20 s at most) until the Dovecot of lab_dovecot_launch greets on
# $LAB_IMAP_PORT, then make sure it listens on loopback only.
lab_dovecot_wait() {
	local d=$LAB_DOVECOT_DIR mp st banner i
	read -r mp st 2>/dev/null <"$d/master.id" || { lab_log "dovecot was not launched"; return 1; }
	banner=
	for ((i = 0; i < 20; i++)); do
		banner=$(lab_wait_banner "$LAB_ADDR" "$LAB_IMAP_PORT" 1 '^\* OK') && break
		banner=
		lab_alive "$mp" "$st" || break
	done
	if [ -z "$banner" ]; then
		lab_log "no IMAP greeting on $LAB_ADDR:$LAB_IMAP_PORT"
		lab_dovecot_dump_log
		return 1
	fi
	if ! lab_check_loopback_only "$mp"; then
		lab_log "Dovecot listens on a non-loopback address: stopping it"
		lab_dovecot_stop
		return 1
	fi
	return 0
}

lab_dovecot_dump_log() {
	lab_dump_logs "$LAB_DOVECOT_DIR/start.log" "$LAB_DOVECOT_LOG"
}

# lab_dovecot_signal: SIGTERM to the recorded master (pid and start time), no waiting; remembers it
# and its children for lab_dovecot_stop. Used by lab_stop.
lab_dovecot_signal() {
	local d=${LAB_DOVECOT_DIR:-${LAB_DIR:-/nonexistent}/dovecot} mp st
	[ -f "$d/master.id" ] || return 0
	read -r mp st <"$d/master.id"
	[ -n "$mp" ] && lab_alive "$mp" "$st" || return 0
	lab_snapshot "$mp" >"$d/stopping"
	kill -TERM "$mp" 2>/dev/null
	return 0
}

# lab_dovecot_stop: lab_dovecot_signal, then wait (bounded) until the master and all its children
# are gone. (`doveadm stop` sends the same signal but then polls for seconds.)
lab_dovecot_stop() {
	local d=${LAB_DOVECOT_DIR:-${LAB_DIR:-/nonexistent}/dovecot} p procs=()
	[ -f "$d/stopping" ] || lab_dovecot_signal
	[ -f "$d/stopping" ] && mapfile -t procs <"$d/stopping"
	if [ ${#procs[@]} -gt 0 ] && ! lab_wait_gone 10 "${procs[@]}"; then
		lab_log "dovecot still running 10 s after SIGTERM; killing what is left"
		for p in "${procs[@]}"; do
			lab_terminate "${p%:*}" "${p#*:}" dovecot
		done
	fi
	rm -f "$d/master.id" "$d/running" "$d/stopping"
	return 0
}

# ------------------------------------------------------------------------------ NSD (later issue)
# lab_nsd_start: nsd -c $LAB_DIR/nsd/nsd.conf (ip-address: 127.0.0.1@$LAB_DNS_PORT, pidfile
#     and zonesdir under $LAB_DIR), lab_register_stop nsd; unbound likewise (lab_unbound_*).
# lab_nsd_stop: kill the pid from its pidfile (recorded start time), wait bounded.
# lab_stop calls lab_NAME_stop for every "stop NAME" line in the registry, newest first.
lab_nsd_start() {
	lab_log "lab_nsd_start: not implemented yet"
	return 77
}

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

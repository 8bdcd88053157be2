#!/bin/bash
# tests/lab/lab_core.sh - the core of the lab: lab_init, free ports, the process registry and
# lab_stop, probes (ports, banners, loopback-only listeners), DNS isolation, mailbox helpers.
# Sourced by tests/lab/lab.sh, which names the whole API and the rules; source lab.sh, not this.

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

# lab_server_prelude HAVE: what the start of an unpacked server (Cyrus, Exim) checks first: root
# (else 77), HAVE (that server's own check: 0, or 77 to skip, or 1), lab_init, and the lab PKI
# (lab_pki.sh) made. 0, or the code the start returns.
lab_server_prelude() {
	local rc
	lab_need_root || return 77
	"$1"
	rc=$?
	[ $rc = 0 ] || return $rc
	lab_need_init || return 1
	lab_pki
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

# Ports are picked at random in 20000-60999 among those no socket uses, and recorded in
# $LAB_DIR/ports. Tests run in parallel (make check -j) and a daemon binds its ports a while after
# they are picked, so a pick also avoids every other lab's record (/tmp/mplab.*/ports, removed with
# the lab), under a lock (LAB_PORTS_LOCK) that makes the look and the record one step.
LAB_PORTS_LOCK=${LAB_PORTS_LOCK:-/tmp/mplab-ports.lock}

# lab_ports_locked CMD...: CMD with LAB_PORTS_LOCK held (waits up to 30 s for it).
lab_ports_locked() {
	local fd rc
	# read-only (flock does not need more), made by the first lab, mode 644: any user's lab
	# can lock it
	[ -e "$LAB_PORTS_LOCK" ] || : >>"$LAB_PORTS_LOCK" 2>/dev/null
	exec {fd}<"$LAB_PORTS_LOCK" || { lab_log "cannot open $LAB_PORTS_LOCK"; return 1; }
	if ! flock -w 30 "$fd"; then
		exec {fd}>&-
		lab_log "cannot lock $LAB_PORTS_LOCK"
		return 1
	fi
	"$@"
	rc=$?
	exec {fd}>&-
	return $rc
}

# lab_ports_recorded: the ports every lab on this machine recorded, one line each.
lab_ports_recorded() {
	local f
	for f in /tmp/mplab.*/ports; do
		[ -f "$f" ] && cat -- "$f"
	done
	return 0
}

# lab_free_port [VAR]: a random free port in 20000-60999 that no lab has recorded, recorded in
# $LAB_DIR/ports (works from $(...) subshells too). Prints it, or stores it in VAR.
# shellcheck disable=SC2120 # VAR is optional
lab_free_port() {
	lab_need_init || return 1
	lab_ports_locked lab_free_port_locked "${1:-}"
}

lab_free_port_locked() {
	local var=$1 p i taken
	taken=" $(lab_ports_recorded | tr '\n' ' ') "
	for ((i = 0; i < 200; i++)); do
		p=$(( ((RANDOM << 15) | RANDOM) % 41000 + 20000 ))
		[[ $taken == *" $p "* ]] && continue
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
	lab_need_init || return 1
	lab_ports_locked lab_free_ports_locked "$@"
}

lab_free_ports_locked() {
	local used var p i
	if ! used=$(ss -Htuan 2>/dev/null | awk '{ n = split($5, a, ":"); printf " %s", a[n] }'); then
		for var; do
			lab_free_port_locked "$var" || return 1
			# shellcheck disable=SC2163 # exports the variable named by $var
			export "$var"
		done
		return 0
	fi
	used+=" $(lab_ports_recorded | tr '\n' ' ') "
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

# lab_wait_imap_greeting ADDR PORT PID START: wait (about 20 s at most) for an IMAP "* OK" greeting
# on ADDR:PORT while the process PID (started at START) lives; prints it. False when none came.
lab_wait_imap_greeting() {
	local addr=$1 port=$2 pid=$3 st=$4 banner i
	for ((i = 0; i < 20; i++)); do
		banner=$(lab_wait_banner "$addr" "$port" 1 '^\* OK') && { echo "$banner"; return 0; }
		lab_alive "$pid" "$st" || return 1
	done
	return 1
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

# lab_master_signal DIR: SIGTERM to the master recorded in DIR/master.id (pid and start time), no
# waiting; remembers it and its children in DIR/stopping for lab_master_stop.
lab_master_signal() {
	local d=$1 mp st
	[ -f "$d/master.id" ] || return 0
	read -r mp st <"$d/master.id"
	[ -n "$mp" ] && lab_alive "$mp" "$st" || return 0
	lab_snapshot "$mp" >"$d/stopping"
	kill -TERM "$mp" 2>/dev/null
	return 0
}

# lab_master_stop DIR NAME: lab_master_signal DIR unless done, then wait (bounded) until the master
# and its children are gone, killing what is left after 10 s; reaps the master when it is our
# child. NAME is for the log.
lab_master_stop() {
	local d=$1 name=$2 p procs=()
	[ -f "$d/stopping" ] || lab_master_signal "$d"
	[ -f "$d/stopping" ] && mapfile -t procs <"$d/stopping"
	if [ ${#procs[@]} -gt 0 ] && ! lab_wait_gone 10 "${procs[@]}"; then
		lab_log "$name still running 10 s after SIGTERM; killing what is left"
		for p in "${procs[@]}"; do
			lab_terminate "${p%:*}" "${p#*:}" "$name"
		done
	fi
	[ ${#procs[@]} -gt 0 ] && wait "${procs[0]%:*}" 2>/dev/null
	rm -f "$d/master.id" "$d/running" "$d/stopping"
	return 0
}

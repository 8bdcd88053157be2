#!/bin/bash
# tests/lab/lab.sh - private mail servers on loopback for the mailprobe tests.
#
# Sourced by the integration tests (bash), or run as a command:
#   tests/lab/lab.sh start          start a lab, keep it, print the path of its env file (last line)
#   tests/lab/lab.sh stop ENVFILE   stop that lab and remove its directory
#
# Sourced API (all functions are `set -u` safe and never call `exit`):
#   lab_init                        make $LAB_DIR, pick ports, export LAB_* variables
#   lab_free_port [VAR]             a free TCP/UDP port on loopback, never the same twice in one lab
#   lab_postfix_conf 'k = v'        add a main.cf line (before lab_postfix_start)
#   lab_postfix_user NAME           add NAME@lab.test as a Maildir mailbox (before lab_postfix_start)
#   lab_postfix_listener ADDR:PORT [-o k=v ...]   add an smtpd listener to master.cf
#   lab_postfix_start               start the private Postfix, wait for its 220 banner
#   lab_dovecot_start, lab_nsd_start    (later issues: see the marked spot below)
#   lab_register_pid PID NAME       lab_stop will stop PID (started by the caller)
#   lab_kill_pid PID                stop one registered pid now
#   lab_stop                        stop everything lab_* started, remove $LAB_DIR unless LAB_KEEP=1
#   lab_mailbox_count USER          messages delivered to USER@lab.test
#   lab_wait_mailbox USER N [SEC]   wait until USER has at least N messages
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

# lab_stop: stop everything in the registry (last started first), then remove $LAB_DIR unless
# LAB_KEEP=1. Safe to call more than once and from an EXIT trap.
lab_stop() {
	local dir=${LAB_DIR:-} lines i kind a b c
	if [ -z "$dir" ] || [ ! -d "$dir" ]; then
		return 0
	fi
	if [ -f "$dir/registry" ]; then
		mapfile -t lines <"$dir/registry"
		for ((i = ${#lines[@]} - 1; i >= 0; i--)); do
			read -r kind a b c <<<"${lines[i]}"
			case $kind in
			stop)
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
	local p line local_addr bad=0 found pids
	for p in $(lab_descendants "$@"); do mine[$p]=1; done
	while IFS= read -r line; do
		found=0
		pids=$(grep -o 'pid=[0-9]*' <<<"$line" | cut -d= -f2)
		for p in $pids; do [ -n "${mine[$p]:-}" ] && found=1; done
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

# ------------------------------------------------------------------------------ Postfix

LAB_POSTFIX_USERS_DEFAULT="probe postmaster"

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
		"$(lab_postfix_bin)" -c "$LAB_POSTFIX_CONF" reload </dev/null >>"$LAB_POSTFIX_DIR/start.log" 2>&1 || return 1
		lab_wait_port "$addr" "$port" 20 || { lab_log "listener $ep did not come up"; return 1; }
		lab_postfix_check_listeners || return 1
	fi
	return 0
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

lab_postfix_master_pid() {
	local f=$LAB_POSTFIX_DIR/queue/pid/master.pid p
	[ -f "$f" ] || return 1
	p=$(tr -dc 0-9 <"$f")
	[ -n "$p" ] && [ -d "/proc/$p" ] || return 1
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
	local f
	for f in "$LAB_POSTFIX_DIR/start.log" "$LAB_POSTFIX_LOG"; do
		[ -s "$f" ] || continue
		lab_log "---- $f"
		sed 's/^/lab:   /' "$f" >&2
	done
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

# lab_postfix_stop: `postfix -c DIR stop`, then wait (bounded) for the master to be gone.
lab_postfix_stop() {
	local mp pf i p st procs=() left=0
	[ -n "${LAB_POSTFIX_CONF:-}" ] && [ -f "$LAB_POSTFIX_CONF/main.cf" ] || return 0
	pf=$(lab_postfix_bin)
	# The master and its children (smtpd, qmgr, postlogd...), with start times: all of them must be
	# gone before the caller removes the directory they work in.
	if mp=$(lab_postfix_master_pid); then
		for p in $(lab_descendants "$mp"); do
			st=$(lab_pid_starttime "$p") && procs+=("$p:$st")
		done
	fi
	"$pf" -c "$LAB_POSTFIX_CONF" stop </dev/null >>"$LAB_POSTFIX_DIR/start.log" 2>&1
	for ((i = 0; i < 100; i++)); do
		left=0
		for p in "${procs[@]}"; do
			lab_alive "${p%:*}" "${p#*:}" && left=1
		done
		[ $left = 0 ] && break
		sleep 0.1
	done
	if [ $left = 1 ]; then
		lab_log "postfix still running 10 s after stop; aborting it"
		"$pf" -c "$LAB_POSTFIX_CONF" abort </dev/null >>"$LAB_POSTFIX_DIR/start.log" 2>&1
		for p in "${procs[@]}"; do
			lab_terminate "${p%:*}" "${p#*:}" postfix
		done
	fi
	rm -f "$LAB_POSTFIX_DIR/running"
	return 0
}

# ------------------------------------------------------------------------------ later components
# Dovecot (issue: IMAP/POP3 + SASL for submission) and NSD/unbound (issue: MX, DANE, FCrDNS) join
# here with the same pattern as Postfix:
#   lab_dovecot_start: write $LAB_DIR/dovecot/dovecot.conf (base_dir/state_dir under $LAB_DIR,
#       listen = 127.0.0.1, ports from lab_free_port, auth unix_listener for Postfix SASL at
#       $LAB_DIR/dovecot/auth-client), start `dovecot -c FILE` with stdio redirected,
#       lab_register_stop dovecot, wait with lab_wait_banner ... '^\* OK', then
#       lab_check_loopback_only on its master pid.
#   lab_dovecot_stop: `doveadm -c FILE stop` (or kill the recorded master pid), wait bounded.
#   lab_nsd_start: nsd -c $LAB_DIR/nsd/nsd.conf (ip-address: 127.0.0.1@$LAB_DNS_PORT, pidfile
#       and zonesdir under $LAB_DIR), lab_register_stop nsd; unbound likewise (lab_unbound_*).
#   lab_nsd_stop: kill the pid from its pidfile (recorded start time), wait bounded.
# lab_stop calls lab_NAME_stop for every "stop NAME" line in the registry, newest first.
lab_dovecot_start() {
	lab_log "lab_dovecot_start: not implemented yet"
	return 77
}
lab_nsd_start() {
	lab_log "lab_nsd_start: not implemented yet"
	return 77
}

# ------------------------------------------------------------------------------ CLI

lab_write_env() {
	local v f=$LAB_DIR/env
	: >"$f"
	for v in ${!LAB_@}; do
		case $v in
		LAB_KEEP | LAB_POSTFIX_USERS_DEFAULT) continue ;;
		esac
		printf 'export %s=%q\n' "$v" "${!v}" >>"$f"
	done
	echo "$f"
}

lab_main() {
	set -u
	local cmd=${1:-} rc
	case $cmd in
	start)
		LAB_KEEP=1
		lab_init || exit 1
		lab_postfix_start
		rc=$?
		if [ $rc != 0 ]; then
			LAB_KEEP=0
			lab_stop
			exit $rc
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

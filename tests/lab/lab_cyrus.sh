#!/bin/bash
# tests/lab/lab_cyrus.sh - a private Cyrus IMAP/POP3 server (Cyrus IMAP 3.6 from Debian's .debs,
# unpacked by scripts/install-deps.sh, never installed: its packages conflict with Dovecot's).
# Sourced after tests/lab/lab.sh (it uses lab_init's $LAB_DIR, lab_pki, lab_free_ports and the
# process registry).
#
#   lab_cyrus_have              0 when the unpacked Cyrus is there ($LAB_CYRUS_ROOT, default
#                               /var/lib/mailprobe-lab/cyrus), 77 when it is not (skip), 1 when
#                               it is there but cannot run (a shared library missing)
#   lab_cyrus_start             start it; 0, 1 (failed; logs shown) or 77 (not there, not root)
#     LAB_CYRUS_IMAP_PORT       IMAP, STARTTLS offered; LOGINDISABLED before it
#     LAB_CYRUS_IMAPS_PORT      IMAP over implicit TLS
#     LAB_CYRUS_POP3_PORT       POP3, STLS offered; APOP timestamp in the greeting, no USER before STLS
#     LAB_CYRUS_POP3S_PORT      POP3 over implicit TLS
#     LAB_CYRUS_LMTP_PORT       LMTP (lmtpd -a, no authentication) for deliveries from the lab's Postfix
#     LAB_CYRUS_USER            probe@lab.test (sasldb, virtdomains: userid)
#     LAB_CYRUS_PASS            its password (random per lab)
#     LAB_CYRUS_LOG             what Cyrus sends to syslog
#   all on 127.0.0.1 ($LAB_ADDR), with lab_pki's good certificate (mail.lab.test, 127.0.0.1).
#   lab_stop stops it (lab_cyrus_signal/lab_cyrus_stop through the registry).
#
# How it runs: `master -C imapd.conf -M cyrus.conf -p PIDFILE` in the foreground (its pid is the
# one we start), every path of both files under $LAB_DIR/cyrus; the services run as the system
# user cyrus (group mail; scripts/install-deps.sh creates it, and so does lab_cyrus_start when it
# is missing). Cyrus logs only through syslog(3), to /dev/log: master runs in a mount namespace
# (unshare -m) whose /dev is $LAB_DIR/cyrus/dev, where a small python3 listener owns the "log"
# socket and appends every message to $LAB_CYRUS_LOG. Nothing outside the namespace changes.

LAB_CYRUS_ROOT=${LAB_CYRUS_ROOT:-/var/lib/mailprobe-lab/cyrus}

lab_cyrus_bin() { echo "$LAB_CYRUS_ROOT/usr/lib/cyrus/bin/$1"; }

# The directory of libcyrus*.so (multiarch: usr/lib/x86_64-linux-gnu).
lab_cyrus_libdir() {
	local f
	for f in "$LAB_CYRUS_ROOT"/usr/lib/*/libcyrus.so.0; do
		[ -e "$f" ] && { dirname "$f"; return 0; }
	done
	return 1
}

lab_cyrus_have() {
	local b libdir missing
	for b in "$(lab_cyrus_bin master)" "$(lab_cyrus_bin imapd)" "$(lab_cyrus_bin pop3d)" \
		"$LAB_CYRUS_ROOT/usr/sbin/saslpasswd2"; do
		if [ ! -x "$b" ]; then
			lab_log "Cyrus is not unpacked ($b missing; scripts/install-deps.sh does it): skipping"
			return 77
		fi
	done
	command -v python3 >/dev/null 2>&1 || { lab_log "python3 is missing (Cyrus' syslog listener): skipping"; return 77; }
	command -v unshare >/dev/null 2>&1 || { lab_log "unshare(1) is missing: skipping"; return 77; }
	libdir=$(lab_cyrus_libdir) || { lab_log "Cyrus: no libcyrus.so.0 under $LAB_CYRUS_ROOT/usr/lib"; return 1; }
	missing=$(for b in master imapd pop3d; do
		LD_LIBRARY_PATH=$libdir ldd "$(lab_cyrus_bin "$b")" 2>&1 | grep 'not found'
	done | sort -u)
	if [ -n "$missing" ]; then
		lab_log "Cyrus cannot run, shared libraries missing (scripts/install-deps.sh installs them):"
		lab_log "$missing"
		return 1
	fi
	return 0
}

# lab_cyrus_user: the system user cyrus in group mail (Cyrus' compiled-in CYRUS_USER).
lab_cyrus_user() {
	getent passwd cyrus >/dev/null && return 0
	lab_log "adding the system user cyrus (group mail)"
	useradd --system --gid mail --home-dir /nonexistent --no-create-home \
		--shell /usr/sbin/nologin cyrus </dev/null >&2 || return 1
}

# lab_cyrus_syslog SOCKET FILE: a syslog sink (python3, foreground) that binds the datagram
# socket SOCKET (mode 666: the services run as cyrus) and appends each message to FILE.
lab_cyrus_syslog() {
	# shellcheck disable=SC2016 # python
	exec python3 -c '
import os, socket, sys
path, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
os.chmod(path, 0o666)
with open(out, "ab", buffering=0) as f:
    while True:
        d = s.recv(65536)
        f.write(d.rstrip(b"\0\n") + b"\n")
' "$1" "$2"
}

lab_cyrus_paths() {
	LAB_CYRUS_DIR=$LAB_DIR/cyrus
	LAB_CYRUS_LOG=$LAB_CYRUS_DIR/syslog.log
	export LAB_CYRUS_DIR LAB_CYRUS_LOG
}

lab_cyrus_dump_log() {
	lab_dump_logs "$LAB_CYRUS_DIR/start.log" "$LAB_CYRUS_LOG"
}

lab_cyrus_start() {
	local rc d libdir a=$LAB_ADDR pid st i sp realm user
	lab_server_prelude lab_cyrus_have
	rc=$?
	[ $rc = 0 ] || return $rc
	lab_cyrus_paths
	d=$LAB_CYRUS_DIR
	if [ -f "$d/running" ]; then
		lab_log "cyrus already started in this lab"
		return 0
	fi
	lab_cyrus_user || { lab_log "cannot add the system user cyrus"; return 1; }
	libdir=$(lab_cyrus_libdir) || return 1
	# conf/*: what Cyrus' mkimap makes in a configdirectory
	mkdir -p "$d/conf/db" "$d/conf/socket" "$d/conf/log" "$d/conf/msg" "$d/conf/ptclient" \
		"$d/conf/quota" "$d/conf/user" "$d/conf/sieve" "$d/conf/sync" "$d/spool" "$d/sieve" \
		"$d/tls" "$d/dev" "$d/run" || return 1
	chmod 755 "$d" "$d/dev" || return 1
	lab_free_ports LAB_CYRUS_IMAP_PORT LAB_CYRUS_IMAPS_PORT LAB_CYRUS_POP3_PORT \
		LAB_CYRUS_POP3S_PORT LAB_CYRUS_LMTP_PORT || return 1
	# the services read the key as cyrus
	cp "$LAB_PKI_DIR/good.crt" "$LAB_PKI_DIR/good.key" "$d/tls/" || return 1
	cp "$LAB_CA_FILE" "$d/tls/ca.crt" || return 1

	cat >"$d/imapd.conf" <<EOF
# Generated by tests/lab/lab_cyrus.sh - a private, loopback-only Cyrus for the mailprobe tests.
configdirectory: $d/conf
partition-default: $d/spool
defaultpartition: default
sievedir: $d/sieve
proc_path: $d/run/proc
mboxname_lockpath: $d/run/lock
temp_path: $d/run
servername: $LAB_HOST
serverinfo: min
syslog_prefix: mplab-${LAB_DIR##*.}
virtdomains: userid
admins: cyrus
allowanonymouslogin: no
sasl_pwcheck_method: auxprop
sasl_auxprop_plugin: sasldb
sasl_sasldb_path: $d/sasldb2
sasl_mech_list: PLAIN LOGIN CRAM-MD5 SCRAM-SHA-1 SCRAM-SHA-256
tls_server_cert: $d/tls/good.crt
tls_server_key: $d/tls/good.key
tls_client_ca_file: $d/tls/ca.crt
tls_client_certs: off
tls_sessions_db_path: $d/conf/tls_sessions.db
tls_session_timeout: 0
master_bind_errors_fatal: 1
autocreate_quota: 0
autocreate_post: 1
popminpoll: 0
EOF
	# Master does not hand -C on to what it runs: each command names the file. No START entries
# beyond the database recovery, no EVENTS, no sieve/http/nntp. LMTP over TCP (lmtpd -a: the
# loopback client is trusted, as Postfix's lmtp transport would be on a real host) is how the
# lab's Postfix delivers into Cyrus (fetch_cyrus.test).
	cat >"$d/cyrus.conf" <<EOF
# Generated by tests/lab/lab_cyrus.sh
START {
  recover cmd="$(lab_cyrus_bin ctl_cyrusdb) -C $d/imapd.conf -r"
}
SERVICES {
  imap  cmd="$(lab_cyrus_bin imapd) -C $d/imapd.conf" listen="$a:$LAB_CYRUS_IMAP_PORT" prefork=0
  imaps cmd="$(lab_cyrus_bin imapd) -C $d/imapd.conf -s" listen="$a:$LAB_CYRUS_IMAPS_PORT" prefork=0
  pop3  cmd="$(lab_cyrus_bin pop3d) -C $d/imapd.conf" listen="$a:$LAB_CYRUS_POP3_PORT" prefork=0
  pop3s cmd="$(lab_cyrus_bin pop3d) -C $d/imapd.conf -s" listen="$a:$LAB_CYRUS_POP3S_PORT" prefork=0
  lmtp  cmd="$(lab_cyrus_bin lmtpd) -C $d/imapd.conf -a" listen="$a:$LAB_CYRUS_LMTP_PORT" prefork=0
}
EVENTS {
}
EOF

	# the login: probe@lab.test (realm lab.test in the sasldb)
	LAB_CYRUS_USER=probe@$LAB_DOMAIN
	[ -n "${LAB_CYRUS_PASS:-}" ] || printf -v LAB_CYRUS_PASS 'mplab-cy-%04x%04x%04x' $RANDOM $RANDOM $RANDOM
	export LAB_CYRUS_USER LAB_CYRUS_PASS
	user=${LAB_CYRUS_USER%@*}
	realm=${LAB_CYRUS_USER#*@}
	if ! printf '%s' "$LAB_CYRUS_PASS" | LD_LIBRARY_PATH=$libdir \
		"$LAB_CYRUS_ROOT/usr/sbin/saslpasswd2" -p -c -f "$d/sasldb2" -u "$realm" "$user" \
		>>"$d/start.log" 2>&1; then
		lab_log "saslpasswd2 failed"
		lab_cyrus_dump_log
		return 1
	fi
	chown -R cyrus:mail "$d/conf" "$d/spool" "$d/sieve" "$d/tls" "$d/run" "$d/sasldb2" || return 1
	chmod 640 "$d/sasldb2" "$d/tls/good.key" || return 1

	# syslog sink, then master in its own mount namespace with $d/dev as /dev
	sp=$d/dev/log
	: >"$LAB_CYRUS_LOG"
	(lab_cyrus_syslog "$sp" "$LAB_CYRUS_LOG") </dev/null >>"$d/start.log" 2>&1 &
	pid=$!
	lab_register_pid "$pid" cyrus-syslog || return 1
	for ((i = 0; i < 100; i++)); do
		[ -S "$sp" ] && break
		sleep 0.02
	done
	[ -S "$sp" ] || { lab_log "the syslog listener did not create $sp"; lab_cyrus_dump_log; return 1; }
	ln -sfn /proc/self/fd "$d/dev/fd" && ln -sfn /proc/self/fd/0 "$d/dev/stdin" &&
		ln -sfn /proc/self/fd/1 "$d/dev/stdout" && ln -sfn /proc/self/fd/2 "$d/dev/stderr" || return 1
	lab_register_stop cyrus
	# A process group of its own: master ends with kill(0, SIGTERM) as the user cyrus, which
	# reaches every Cyrus process in its group; started in the test's group, a neighbouring test's
	# Cyrus (make check -j) died with it. setpgid(0, 0) (python3, already needed for the syslog
	# listener) keeps the pid, which setsid(1) does not when the shell has job control.
	# shellcheck disable=SC2016 # the scripts are for the children
	python3 -c 'import os, sys; os.setpgid(0, 0); os.execvp(sys.argv[1], sys.argv[1:])' \
		unshare -m --propagation private -- /bin/sh -c '
		dev=$1
		shift
		for n in null zero full random urandom tty; do
			: >"$dev/$n" && mount --bind "/dev/$n" "$dev/$n" || exit 125
		done
		mkdir -p "$dev/shm" && mount -t tmpfs -o mode=1777 tmpfs "$dev/shm" || exit 125
		mount --rbind "$dev" /dev || exit 125
		exec "$@"' lab-cyrus "$d/dev" \
		env LD_LIBRARY_PATH="$libdir" \
		"$(lab_cyrus_bin master)" -C "$d/imapd.conf" -M "$d/cyrus.conf" -p "$d/run/master.pid" \
		</dev/null >>"$d/start.log" 2>&1 &
	pid=$!
	st=$(lab_pid_starttime "$pid") || { lab_log "cyrus master exited at once"; lab_cyrus_dump_log; return 1; }
	echo "$pid $st" >"$d/master.id"
	: >"$d/running"
	if ! lab_wait_imap_greeting "$a" "$LAB_CYRUS_IMAP_PORT" "$pid" "$st" >/dev/null; then
		lab_log "no IMAP greeting from Cyrus on $a:$LAB_CYRUS_IMAP_PORT"
		lab_cyrus_dump_log
		return 1
	fi
	if ! lab_wait_banner "$a" "$LAB_CYRUS_POP3_PORT" 5 '^\+OK' >/dev/null; then
		lab_log "no POP3 greeting from Cyrus on $a:$LAB_CYRUS_POP3_PORT"
		lab_cyrus_dump_log
		return 1
	fi
	if ! lab_check_loopback_only "$pid"; then
		lab_log "Cyrus listens on a non-loopback address: stopping it"
		lab_cyrus_stop
		return 1
	fi
	lab_log "cyrus up: IMAP $LAB_CYRUS_IMAP_PORT, IMAPS $LAB_CYRUS_IMAPS_PORT, POP3 $LAB_CYRUS_POP3_PORT, POP3S $LAB_CYRUS_POP3S_PORT, LMTP $LAB_CYRUS_LMTP_PORT on $a"
	return 0
}

# lab_cyrus_signal: SIGTERM to the recorded master (pid and start time), no waiting; remembers it
# and its children for lab_cyrus_stop. Used by lab_stop.
lab_cyrus_signal() {
	lab_master_signal "${LAB_DIR:-/nonexistent}/cyrus"
}

# lab_cyrus_stop: lab_cyrus_signal, then wait (bounded) until master and its services are gone.
lab_cyrus_stop() {
	lab_master_stop "${LAB_DIR:-/nonexistent}/cyrus" cyrus
}

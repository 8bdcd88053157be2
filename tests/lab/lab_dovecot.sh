#!/bin/bash
# tests/lab/lab_dovecot.sh - the lab's private Dovecot: IMAP/POP3 (+TLS), the SASL socket for
# Postfix, LMTP; start (launch + wait) and stop.
# Sourced by tests/lab/lab.sh (it uses lab_core.sh and lab_pki.sh); source lab.sh, not this.

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
# SASL mechanisms: LAB_DOVECOT_AUTH_MECHS (default "plain login"; the passwords are stored in the
# clear, so "cram-md5 scram-sha-1 scram-sha-256" work too), for IMAP, POP3 and Postfix's AUTH.
# With LAB_DOVECOT_OAUTH2_URL (an introspection URL ending in "access_token=") an oauth2 passdb
# checks the tokens of "xoauth2 oauthbearer" (add them to LAB_DOVECOT_AUTH_MECHS).
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
# final dot (552 5.2.2) while the other recipients take it. The same LMTP service also listens on
# the unix socket LAB_LMTP_SOCKET ($LAB_DOVECOT_DIR/lmtp.sock, mode 0666), as a local MTA reaches
# it (check_smtp -H /path -L).
# Mailbox health (issue 21), where all of 127.0.0.0/8 is local (else the variables are empty): a
# user of its own, LAB_BOX_USER=box@lab.test / LAB_BOX_PASS (Maildir $LAB_MAIL_DIR/box, empty at
# start), with a quota of LAB_BOX_QUOTA_KB KiB and LAB_BOX_QUOTA_MSGS messages. The quota plugin and
# IMAP QUOTA (imap_quota) are enabled on LAB_DOVECOT_QUOTA_ADDR=127.0.0.8 only (same ports as
# above; like 127.0.0.2 it is not "secured": use --starttls): on 127.0.0.1 the same user sees a
# server without QUOTA, and every other user and address behaves as before.
# Sieve (RFC 5228), when dovecot-sieve is installed too (else LAB_SIEVE is empty): LMTP deliveries
# run the user's ~/.dovecot.sieve (home: $LAB_MAIL_DIR/USER, the Maildir itself).
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
	LAB_LMTP_SOCKET=
	if [ -x /usr/lib/dovecot/lmtp ]; then
		lab_free_ports LAB_LMTP_PORT || return 1
		LAB_LMTP_FULL_USER=full@$LAB_DOMAIN
		LAB_LMTP_SOCKET=$d/lmtp.sock
		protocols+=' lmtp'
	fi
	export LAB_LMTP_PORT LAB_LMTP_FULL_USER LAB_LMTP_SOCKET
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
	# LAB_DOVECOT_DUALCERT=1: one more address, LAB_DOVECOT_DUALCERT_ADDR (127.0.0.31), serving an
	# RSA certificate (ssl_cert, dual-rsa) and an ECDSA one (ssl_alt_cert, dual-ec) at once
	LAB_DOVECOT_DUALCERT_ADDR=
	if [ "${LAB_DOVECOT_DUALCERT:-}" = 1 ] && lab_loopback_net8; then
		lab_pki_dual || return 1
		LAB_DOVECOT_DUALCERT_ADDR=127.0.0.31
		addrs+=" $LAB_DOVECOT_DUALCERT_ADDR"
	fi
	export LAB_DOVECOT_DUALCERT_ADDR
	# issue 21: the mailbox-health user and the address with the quota plugin
	LAB_DOVECOT_QUOTA_ADDR=
	LAB_BOX_USER=
	LAB_BOX_QUOTA_KB=100
	LAB_BOX_QUOTA_MSGS=20
	if lab_loopback_net8; then
		LAB_DOVECOT_QUOTA_ADDR=127.0.0.8
		addrs+=" $LAB_DOVECOT_QUOTA_ADDR"
		LAB_BOX_USER=box@$LAB_DOMAIN
		[ -n "${LAB_BOX_PASS:-}" ] || printf -v LAB_BOX_PASS 'mplab-box-%04x%04x%04x' $RANDOM $RANDOM $RANDOM
	fi
	export LAB_DOVECOT_QUOTA_ADDR LAB_BOX_USER LAB_BOX_PASS LAB_BOX_QUOTA_KB LAB_BOX_QUOTA_MSGS
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
		# issue 21: its quota comes with the passdb lookup (userdb_ fields)
		[ -z "$LAB_BOX_USER" ] ||
			printf '%s:{PLAIN}%s:%s:%s::%s::userdb_quota_rule=*:storage=%sK userdb_quota_rule2=*:messages=%s\n' \
				"$LAB_BOX_USER" "$LAB_BOX_PASS" "$uid" "$gid" "$LAB_MAIL_DIR/box" \
				"$LAB_BOX_QUOTA_KB" "$LAB_BOX_QUOTA_MSGS"
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
auth_mechanisms = ${LAB_DOVECOT_AUTH_MECHS:-plain login}
disable_plaintext_auth = yes
auth_cache_size = 0
# A failed login answers at once (the default waits 2 s: tests of wrong passwords stay fast).
auth_failure_delay = 0
# The junk folder, marked for SPECIAL-USE (RFC 6154): check_smtp_tx --fetch looks for its probe
# there too (tests/integration/fetch.test files messages into it).
namespace inbox {
  inbox = yes
  mailbox Junk {
    special_use = \\Junk
    auto = create
  }
}
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
	if [ -n "$LAB_DOVECOT_DUALCERT_ADDR" ]; then
		cat >>"$conf" <<EOF
local $LAB_DOVECOT_DUALCERT_ADDR {
  ssl_cert = <$pki/dual-rsa.crt
  ssl_key = <$pki/dual-rsa.key
  ssl_alt_cert = <$pki/dual-ec.crt
  ssl_alt_key = <$pki/dual-ec.key
}
EOF
	fi
	LAB_SIEVE=
	if [ -n "$LAB_LMTP_PORT" ] && [ -e /usr/lib/dovecot/modules/lib90_sieve_plugin.so ]; then
		LAB_SIEVE=1
	fi
	export LAB_SIEVE
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
  mail_plugins = \$mail_plugins quota${LAB_SIEVE:+ sieve}
}
plugin {
  quota = maildir:User quota
  ${LAB_SIEVE:+sieve = file:~/sieve;active=~/.dovecot.sieve}
}
service lmtp {
  inet_listener lmtp {
    address = $LAB_ADDR
    port = $LAB_LMTP_PORT
  }
  unix_listener $LAB_LMTP_SOCKET {
    mode = 0666
  }
}
EOF
	fi
	if [ -n "${LAB_DOVECOT_OAUTH2_URL:-}" ]; then
		# OAuth 2.0 tokens (XOAUTH2, OAUTHBEARER) checked against this introspection URL
		cat >"$d/oauth2.conf.ext" <<EOF
introspection_mode = get
introspection_url = $LAB_DOVECOT_OAUTH2_URL
force_introspection = yes
username_attribute = username
active_attribute = active
active_value = true
EOF
		cat >>"$conf" <<EOF
passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = $d/oauth2.conf.ext
}
EOF
	fi
	if [ -n "$LAB_DOVECOT_QUOTA_ADDR" ]; then
		# issue 21: the quota plugin and IMAP QUOTA on this address only
		cat >>"$conf" <<EOF
local $LAB_DOVECOT_QUOTA_ADDR {
  protocol imap {
    mail_plugins = \$mail_plugins quota imap_quota
  }
  protocol pop3 {
    mail_plugins = \$mail_plugins quota
  }
}
EOF
		[ -n "$LAB_LMTP_PORT" ] || printf 'plugin {\n  quota = maildir:User quota\n}\n' >>"$conf"
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
	local d=$LAB_DOVECOT_DIR mp st
	read -r mp st 2>/dev/null <"$d/master.id" || { lab_log "dovecot was not launched"; return 1; }
	if ! lab_wait_imap_greeting "$LAB_ADDR" "$LAB_IMAP_PORT" "$mp" "$st" >/dev/null; then
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
	lab_master_signal "${LAB_DOVECOT_DIR:-${LAB_DIR:-/nonexistent}/dovecot}"
}

# lab_dovecot_stop: lab_dovecot_signal, then wait (bounded) until the master and all its children
# are gone. (`doveadm stop` sends the same signal but then polls for seconds.)
lab_dovecot_stop() {
	lab_master_stop "${LAB_DOVECOT_DIR:-${LAB_DIR:-/nonexistent}/dovecot}" dovecot
}

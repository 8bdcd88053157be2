# tests/integration/tap.sh - TAP helpers for the bash integration tests (sourced).
#
#   plan N | done_testing | skip_all REASON | bail_out REASON
#   ok STATUS NAME            one TAP line: "ok" when STATUS is 0
#   skip NAME REASON          one "ok N - NAME # SKIP REASON" line
#   diag TEXT...              "# " lines (multi-line text allowed)
#   run_plugin NAME ARGS...   run $PLUGINDIR/NAME (timeout 30 s, DNS isolated to loopback when
#                             possible); sets OUT, ERR, RC, ELAPSED (seconds, float), CMD
#   assert_rc EXPECTED NAME   EXPECTED may list alternatives: "2" or "2|3"
#   assert_line1 ERE NAME     first stdout line matches ERE
#   assert_out ERE NAME       some stdout line matches ERE
#   assert_not_out ERE NAME   no stdout line matches ERE
#   assert_lt VALUE MAX NAME  VALUE < MAX (floats)
#   assert_not_line1 ERE NAME the first stdout line does not match ERE
#   assert_absent STRING NAME the fixed STRING occurs in neither stdout nor stderr
#   assert_perf LABEL [ERE] NAME   line 1's perfdata has LABEL (quoted or not) whose value, the
#                             part up to the first ';' or space, matches ERE (default: a number)
#   perfdata                  print line 1's perfdata (after the first '|')
#   start_fakesrv SCENARIO [ARG]   start $FAKESRV in the background; sets FAKE_PORT, FAKE_PID
#   stop_fakesrv [PID]        stop one fakesrv now (default: the last one started)
#
# Every assertion prints exactly one TAP line; on failure it adds "# " lines with the command, its
# exit code, time and complete output. Environment from the Makefile: top_srcdir, top_builddir,
# PLUGINDIR, FAKESRV. Uses lab.sh (sourced here) for the lab directory, pids and DNS isolation.

: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${PLUGINDIR:=$top_builddir/plugins}"
: "${FAKESRV:=$top_builddir/tests/hostile/fakesrv}"

# The suite must not depend on the caller's environment (issue 16): a shell that loaded a lab's env
# file (SSL_CERT_FILE pointing at a CA since removed), an admin's OpenSSL or Nagios settings, a
# resolver option or a locale would change what the plugins trust, read and print. Cleared here
# (and in the Makefile's AM_TESTS_ENVIRONMENT); a test that wants one sets it for one run.
unset SSL_CERT_FILE SSL_CERT_DIR OPENSSL_CONF OPENSSL_MODULES OPENSSL_ENGINES MP_CONFIG_FILE \
	LOCALDOMAIN RES_OPTIONS HOSTALIASES LANGUAGE LC_CTYPE LC_MESSAGES
for tap_v in $(compgen -e); do
	case $tap_v in NAGIOS_* | ICINGA_*) unset "$tap_v" ;; esac
done
unset tap_v
export LC_ALL=C LANG=C

if ! declare -F lab_init >/dev/null; then
	# shellcheck source=../lab/lab.sh
	. "$top_srcdir/tests/lab/lab.sh"
fi

TAP_N=0
TAP_FAILED=0
TAP_PLANNED=
OUT=
ERR=
RC=
ELAPSED=
CMD=
FAKE_PORT=
FAKE_PID=
# run_plugin isolates DNS (lab_resolv_isolated) unless RUN_ISOLATED=0; "auto": when it works.
: "${RUN_ISOLATED:=auto}"
TAP_ISOLATION=
# The trust store is pinned: a test that wants one sets these itself (trust_store.test); the
# caller's (e.g. a sourced lab env file, which sets SSL_CERT_FILE) must not decide a verdict.
unset SSL_CERT_FILE SSL_CERT_DIR

plan() {
	TAP_PLANNED=$1
	echo "1..$1"
}

# Prints the plan (unless plan was used) and a summary. Returns 0 even when tests failed: the
# "not ok" lines carry the failures, and automake's tap-driver would add an ERROR for a non-zero
# exit status on top of them.
done_testing() {
	[ -n "$TAP_PLANNED" ] || echo "1..$TAP_N"
	TAP_PLANNED=${TAP_PLANNED:-$TAP_N}
	[ "$TAP_FAILED" = 0 ] || diag "$TAP_FAILED of $TAP_N tests failed"
	return 0
}

# The whole file is skipped: a "1..0 # SKIP" plan. Exit status 0, because automake's tap-driver
# reports any other status (77 included) as an ERROR.
skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

bail_out() {
	echo "Bail out! $*"
	exit 1
}

diag() {
	local line
	while IFS= read -r line; do
		printf '# %s\n' "$line"
	done <<<"$*"
}

# TAP test names must not contain a bare '#' (it would start a directive).
tap_name() {
	local n=$*
	printf '%s' "${n//#/\\#}"
}

ok() {
	local status=$1
	shift
	TAP_N=$((TAP_N + 1))
	if [ "$status" = 0 ]; then
		echo "ok $TAP_N - $(tap_name "$*")"
		return 0
	fi
	echo "not ok $TAP_N - $(tap_name "$*")"
	TAP_FAILED=$((TAP_FAILED + 1))
	return 1
}

skip() {
	local name=$1
	shift
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $(tap_name "$name") # SKIP $(tap_name "$*")"
}

# Everything about the last run_plugin, as "# " lines.
diag_run() {
	diag "command: $CMD"
	diag "exit: $RC   elapsed: ${ELAPSED}s"
	if [ -n "$OUT" ]; then
		diag "stdout:"
		diag "$(sed 's/^/  | /' <<<"$OUT")"
	else
		diag "stdout: (empty)"
	fi
	if [ -n "$ERR" ]; then
		diag "stderr:"
		diag "$(sed 's/^/  | /' <<<"$ERR")"
	fi
}

tap_now_us() {
	local t=${EPOCHREALTIME//[.,]/}
	echo "$t"
}

# run_plugin NAME ARGS...: run "$PLUGINDIR/NAME" ARGS with a 30 s timeout guard (stdin /dev/null).
run_plugin() {
	local name=$1 bin t0 t1 us outf errf
	shift
	bin=$PLUGINDIR/$name
	outf=${LAB_DIR:-/tmp}/run.$$.out
	errf=${LAB_DIR:-/tmp}/run.$$.err
	CMD="$name $*"
	if [ "$RUN_ISOLATED" = auto ] && [ -z "$TAP_ISOLATION" ]; then
		if lab_resolv_isolation_works; then TAP_ISOLATION=yes; else TAP_ISOLATION=no; fi
		[ "$TAP_ISOLATION" = yes ] || diag "note: DNS isolation unavailable, plugins use the system resolver"
	fi
	t0=$(tap_now_us)
	if [ "$RUN_ISOLATED" = 1 ] || { [ "$RUN_ISOLATED" = auto ] && [ "$TAP_ISOLATION" = yes ]; }; then
		lab_resolv_isolated timeout -k 5 30 ${PLUGIN_WRAPPER:-} "$bin" "$@" </dev/null >"$outf" 2>"$errf"
	else
		timeout -k 5 30 ${PLUGIN_WRAPPER:-} "$bin" "$@" </dev/null >"$outf" 2>"$errf"
	fi
	RC=$?
	t1=$(tap_now_us)
	us=$((t1 - t0))
	printf -v ELAPSED '%d.%06d' $((us / 1000000)) $((us % 1000000))
	OUT=$(cat "$outf")
	ERR=$(cat "$errf")
	rm -f "$outf" "$errf"
	[ "$RC" != 124 ] || ERR+=$'\n'"(run_plugin: killed by the 30 s timeout guard)"
	return 0
}

assert_rc() {
	local want=$1 name=$2
	case "|$want|" in
	*"|$RC|"*)
		ok 0 "$name"
		return 0
		;;
	esac
	ok 1 "$name"
	diag "expected exit code $want, got $RC"
	diag_run
	return 1
}

assert_line1() {
	local re=$1 name=$2 l1
	l1=${OUT%%$'\n'*}
	if [[ $l1 =~ $re ]]; then
		ok 0 "$name"
		return 0
	fi
	ok 1 "$name"
	diag "first stdout line does not match /$re/"
	diag_run
	return 1
}

tap_out_has() {
	local re=$1 line
	while IFS= read -r line; do
		[[ $line =~ $re ]] && return 0
	done <<<"$OUT"
	return 1
}

assert_out() {
	local re=$1 name=$2
	if tap_out_has "$re"; then
		ok 0 "$name"
		return 0
	fi
	ok 1 "$name"
	diag "no stdout line matches /$re/"
	diag_run
	return 1
}

assert_not_out() {
	local re=$1 name=${2:-"no stdout line matches /$1/"}
	if ! tap_out_has "$re"; then
		ok 0 "$name"
		return 0
	fi
	ok 1 "$name"
	diag "a stdout line matches /$re/"
	diag_run
	return 1
}

assert_lt() {
	local val=$1 max=$2 name=$3
	if awk -v a="$val" -v b="$max" 'BEGIN { exit !(a + 0 < b + 0) }'; then
		ok 0 "$name"
		return 0
	fi
	ok 1 "$name"
	diag "$val is not less than $max"
	diag_run
	return 1
}

assert_not_line1() {
	local re=$1 name=$2 l1
	l1=${OUT%%$'\n'*}
	if ! [[ $l1 =~ $re ]]; then
		ok 0 "$name"
		return 0
	fi
	ok 1 "$name"
	diag "first stdout line matches /$re/"
	diag_run
	return 1
}

assert_absent() {
	local str=$1 name=$2
	if [ -z "$str" ]; then
		ok 1 "$name"
		diag "assert_absent: empty string"
		return 1
	fi
	case "$OUT"$'\n'"$ERR" in
	*"$str"*)
		ok 1 "$name"
		diag "the output contains the string that must not appear (not repeated here)"
		diag "command: $CMD"
		diag "exit: $RC"
		return 1
		;;
	esac
	ok 0 "$name"
	return 0
}

perfdata() {
	local l1=${OUT%%$'\n'*}
	case $l1 in
	*'|'*) printf '%s\n' "${l1#*|}" ;;
	*) return 1 ;;
	esac
}

assert_perf() {
	local label=$1 re name perf item lab val
	if [ $# -ge 3 ]; then
		re=$2
		name=$3
	else
		re='^-?[0-9]+(\.[0-9]+)?[a-zA-Z%]*$'
		name=$2
	fi
	perf=$(perfdata) || perf=
	for item in $perf; do
		lab=${item%%=*}
		lab=${lab#\'}
		lab=${lab%\'}
		[ "$lab" = "$label" ] || continue
		val=${item#*=}
		val=${val%%;*}
		if [[ $val =~ $re ]]; then
			ok 0 "$name"
			return 0
		fi
		ok 1 "$name"
		diag "perfdata $label=$val does not match /$re/"
		diag_run
		return 1
	done
	ok 1 "$name"
	diag "no perfdata label '$label' on line 1"
	diag_run
	return 1
}

# start_fakesrv SCENARIO [ARG]: fakesrv on ${FAKE_ADDR:-127.0.0.1}, kernel-chosen port; waits
# (bounded, 5 s) for its port file. Registered with the lab, so lab_stop ends it.
start_fakesrv() {
	local pf log pid i
	lab_need_init || return 1
	if [ ! -x "$FAKESRV" ]; then
		diag "fakesrv not built: $FAKESRV"
		return 1
	fi
	i=0
	while [ -e "$LAB_DIR/fakesrv.$i.port" ] || [ -e "$LAB_DIR/fakesrv.$i.log" ]; do i=$((i + 1)); done
	pf=$LAB_DIR/fakesrv.$i.port
	log=$LAB_DIR/fakesrv.$i.log
	: >"$log"
	"$FAKESRV" -a "${FAKE_ADDR:-127.0.0.1}" -P "$pf" "$@" </dev/null >>"$log" 2>&1 &
	pid=$!
	lab_register_pid "$pid" fakesrv
	for ((i = 0; i < 50; i++)); do
		[ -s "$pf" ] && break
		if ! kill -0 "$pid" 2>/dev/null; then break; fi
		sleep 0.1
	done
	if [ ! -s "$pf" ]; then
		diag "fakesrv $* did not start:"
		diag "$(cat "$log")"
		return 1
	fi
	FAKE_PORT=$(tr -dc 0-9 <"$pf")
	FAKE_PID=$pid
	return 0
}

stop_fakesrv() {
	local pid=${1:-$FAKE_PID}
	[ -n "$pid" ] || return 0
	lab_kill_pid "$pid"
	[ "$pid" != "$FAKE_PID" ] || { FAKE_PID=; FAKE_PORT=; }
}

# tests/hostile/hostile.sh - helpers for the tests/hostile/*.test files (sourced after tap.sh).
#
#   hostile_init                    lab_init, EXIT trap, checks that the plugins and fakesrv exist
#   hostile_case LABEL RC ERE SEC FAKESRV-ARGS... -- PLUGIN ARGS...
#       start fakesrv with FAKESRV-ARGS, run PLUGIN -H 127.0.0.1 -p PORT -t SEC ARGS, stop fakesrv;
#       three TAP points: exit code RC (alternatives as "2|3"), line 1 matches ERE, and the run
#       ended within SEC + 1 s (the -t deadline plus one second of slack)
#   HOSTILE_RAW=1 hostile_case ...  the same plus a fourth point: line 1 of the plugin's raw stdout
#       has no control bytes (NUL included) and is valid UTF-8 (for scenarios that send binary)
#   hostile_expect_out ERE NAME      one more TAP point on the last run: some stdout line matches
#
# A fakesrv that does not start still yields the same number of TAP points (all "not ok"), so the
# counts in a report stay comparable.

HOSTILE_ADDR=127.0.0.1
HOSTILE_WRAPDIR=
HOSTILE_RAWOUT=

hostile_init() {
	local p
	trap lab_stop EXIT
	lab_init || bail_out "lab_init failed"
	for p in check_smtp_tx check_imap_banner check_pop3_banner; do
		[ -x "$PLUGINDIR/$p" ] || bail_out "plugin not built: $PLUGINDIR/$p"
	done
	[ -x "$FAKESRV" ] || bail_out "fakesrv not built: $FAKESRV (make tests/hostile/fakesrv)"
	# Wrappers that keep a byte-exact copy of the plugin's stdout (bash variables lose NUL bytes).
	HOSTILE_WRAPDIR=$LAB_DIR/rawplugins
	HOSTILE_RAWOUT=$LAB_DIR/raw.out
	mkdir -p "$HOSTILE_WRAPDIR" || bail_out "cannot create $HOSTILE_WRAPDIR"
	for p in check_smtp_tx check_imap_banner check_pop3_banner; do
		# shellcheck disable=SC2016 # "$@" and $rc are for the wrapper
		printf '#!/bin/bash\n"%s" "$@" >"%s"\nrc=$?\ncat "%s"\nexit $rc\n' \
			"$PLUGINDIR/$p" "$HOSTILE_RAWOUT" "$HOSTILE_RAWOUT" >"$HOSTILE_WRAPDIR/$p"
		chmod +x "$HOSTILE_WRAPDIR/$p"
	done
}

# Line 1 of the raw stdout: no byte below 0x20, no DEL, valid UTF-8.
hostile_assert_raw_clean() {
	local name=$1 l1
	if [ ! -f "$HOSTILE_RAWOUT" ]; then
		ok 1 "$name"
		diag "no raw copy of stdout ($HOSTILE_RAWOUT)"
		return 1
	fi
	l1=$(head -n 1 "$HOSTILE_RAWOUT" | od -An -v -tx1 | tr -s ' \n' '  ')
	if LC_ALL=C head -n 1 "$HOSTILE_RAWOUT" | tr -d '\n' | LC_ALL=C grep -q '[[:cntrl:]]' ||
		[ "$(head -n 1 "$HOSTILE_RAWOUT" | tr -d '\n' | tr -d '\000' | wc -c)" != \
			"$(head -n 1 "$HOSTILE_RAWOUT" | tr -d '\n' | wc -c)" ]; then
		ok 1 "$name"
		diag "line 1 contains control bytes; hex: ${l1:0:600}"
		diag_run
		return 1
	fi
	if ! head -n 1 "$HOSTILE_RAWOUT" | iconv -f UTF-8 -t UTF-8 >/dev/null 2>&1; then
		ok 1 "$name"
		diag "line 1 is not valid UTF-8; hex: ${l1:0:600}"
		diag_run
		return 1
	fi
	ok 0 "$name"
}

hostile_case() {
	local label=$1 want=$2 re=$3 sec=$4 plugin raw=${HOSTILE_RAW:-0} npoints=3
	local -a fargs=()
	shift 4
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		fargs+=("$1")
		shift
	done
	[ $# -gt 0 ] && shift
	plugin=$1
	shift
	[ "$raw" = 1 ] && npoints=4
	if ! start_fakesrv "${fargs[@]}"; then
		local i
		for ((i = 0; i < npoints; i++)); do
			ok 1 "$label: fakesrv ${fargs[*]} did not start"
		done
		return 1
	fi
	rm -f "$HOSTILE_RAWOUT"
	if [ "$raw" = 1 ]; then
		PLUGINDIR=$HOSTILE_WRAPDIR run_plugin "$plugin" -H "$HOSTILE_ADDR" -p "$FAKE_PORT" \
			-t "$sec" "$@"
	else
		run_plugin "$plugin" -H "$HOSTILE_ADDR" -p "$FAKE_PORT" -t "$sec" "$@"
	fi
	stop_fakesrv "$FAKE_PID"
	CMD="$CMD    [fakesrv ${fargs[*]}]"
	assert_rc "$want" "$label: exit code $want"
	assert_line1 "$re" "$label: line 1 names the fault and the phase"
	# HOSTILE_SLACK: extra seconds when a wrapper (valgrind) slows every run
	assert_lt "$ELAPSED" "$((sec + 1 + ${HOSTILE_SLACK:-0}))" "$label: ends within -t $sec + 1 s (took ${ELAPSED}s)"
	[ "$raw" = 1 ] && hostile_assert_raw_clean "$label: no raw binary on line 1"
	return 0
}

hostile_expect_out() {
	assert_out "$1" "$2"
}

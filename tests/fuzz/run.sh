#!/usr/bin/env bash
# run.sh - build the libFuzzer targets and run each one for a bounded time.
#
# Run it from the build directory (where `make fuzz` works):
#   FUZZ_SECONDS=30 bash /path/to/src/tests/fuzz/run.sh
# Environment:
#   FUZZ_SECONDS   seconds per target (default 30); 0 only replays the seeds
#   FUZZ_TARGETS   space-separated subset (default: all, see TARGETS below)
#   FUZZ_NO_BUILD  1: do not run `make fuzz` first
#   FUZZ_KEEP_CORPUS  a directory: keep each grown corpus there as DIR/<target>
#   top_srcdir     the source tree (default: two levels above this script)
#   MAKE           make program (default: make)
# Each target starts from a copy of tests/fuzz/corpus/<target>/ (the seeds
# are never modified) with tests/fuzz/<target>.dict when there is one. Per
# target it prints
#   fuzz <target>: N execs, cov C, ft F, OK|CRASH
# and, for a failure, the input that caused it (libFuzzer's artifact, kept
# next to the binary as tests/fuzz/<target>-crash-<sha1>, -leak-, -timeout-
# or -oom-), the sanitizer's summary and the full log. The last line is
#   fuzz: N passed, N failed
# The exit status is 0 only when every target ran clean.
set -u

TARGETS="fuzz_smtp_reply fuzz_imap fuzz_pop3 fuzz_range fuzz_ini fuzz_b64 fuzz_line_reader fuzz_dns fuzz_mtasts fuzz_sasl fuzz_received fuzz_authres fuzz_spf fuzz_dmarc fuzz_dkim fuzz_utf7"

here=$(cd "$(dirname "$0")" && pwd)
srcdir=${top_srcdir:-$(cd "$here/../.." && pwd)}
seconds=${FUZZ_SECONDS:-30}
targets=${FUZZ_TARGETS:-$TARGETS}
make=${MAKE:-make}
outdir=tests/fuzz

case $seconds in
''|*[!0-9]*) echo "run.sh: FUZZ_SECONDS must be a whole number of seconds" >&2; exit 2 ;;
esac
if [ ! -d "$srcdir/tests/fuzz/corpus" ]; then
	echo "run.sh: no seed corpus under $srcdir/tests/fuzz/corpus (set top_srcdir)" >&2
	exit 2
fi

if [ "${FUZZ_NO_BUILD:-0}" != 1 ]; then
	if [ ! -f Makefile ]; then
		echo "run.sh: run me from the build directory (no Makefile in $PWD)" >&2
		exit 2
	fi
	if ! $make fuzz; then
		echo "run.sh: make fuzz failed (clang and libclang-rt-*-dev installed?)" >&2
		echo "fuzz: 0 passed, $(echo $targets | wc -w) failed"
		exit 1
	fi
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/mailprobe-fuzz.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT

# Sanitizer settings unless the caller chose others. libFuzzer's own
# -detect_leaks=1 is the default, so a leak fails the run as well.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# Larger inputs where the code has larger limits: a reply over 64 KiB, a
# line reader whose buffer is 16 KiB.
max_len() {
	case $1 in
	fuzz_smtp_reply) echo 70000 ;;
	fuzz_line_reader) echo 40000 ;;
	fuzz_ini) echo 8192 ;;
	*) echo 4096 ;;
	esac
}

passed=0
failed=0
for t in $targets; do
	bin=$outdir/$t
	log=$outdir/$t.log
	if [ ! -x "$bin" ]; then
		echo "fuzz $t: 0 execs, cov 0, ft 0, CRASH"
		echo "  not built: $bin"
		failed=$((failed + 1))
		continue
	fi
	corpus=$work/$t
	mkdir -p "$corpus"
	if [ -d "$srcdir/tests/fuzz/corpus/$t" ]; then
		cp -p "$srcdir/tests/fuzz/corpus/$t"/* "$corpus"/ 2>/dev/null
	fi
	dict=()
	if [ -f "$srcdir/tests/fuzz/$t.dict" ]; then
		dict=(-dict="$srcdir/tests/fuzz/$t.dict")
	fi
	rm -f "$outdir/$t"-crash-* "$outdir/$t"-leak-* "$outdir/$t"-timeout-* \
		"$outdir/$t"-oom-* "$outdir/$t"-slow-unit-*
	if [ "$seconds" -eq 0 ]; then
		limit=-runs=0          # the seeds once, no mutation
	else
		limit=-max_total_time=$seconds
	fi
	"$bin" "$limit" -timeout=10 -rss_limit_mb=2048 \
		-max_len="$(max_len "$t")" -print_final_stats=1 \
		-artifact_prefix="$outdir/$t-" "${dict[@]}" "$corpus" >"$log" 2>&1
	rc=$?
	if [ -n "${FUZZ_KEEP_CORPUS:-}" ]; then
		mkdir -p "$FUZZ_KEEP_CORPUS/$t" && cp -p "$corpus"/* "$FUZZ_KEEP_CORPUS/$t"/ 2>/dev/null
	fi

	execs=$(awk '/^stat::number_of_executed_units:/ { n = $2 } END { print n + 0 }' "$log")
	if [ "$execs" -eq 0 ]; then
		# no final stats (killed?): the last "#N" status line
		execs=$(awk '/^#[0-9]+/ { n = substr($1, 2) } END { print n + 0 }' "$log")
	fi
	cov=$(awk '{ for (i = 1; i < NF; i++) if ($i == "cov:") c = $(i + 1) } END { print c + 0 }' "$log")
	ft=$(awk '{ for (i = 1; i < NF; i++) if ($i == "ft:") f = $(i + 1) } END { print f + 0 }' "$log")
	if [ "$rc" -eq 0 ] && ! grep -q 'ERROR: \(AddressSanitizer\|LeakSanitizer\|libFuzzer\)\|runtime error:' "$log"; then
		echo "fuzz $t: $execs execs, cov $cov, ft $ft, OK"
		passed=$((passed + 1))
	else
		echo "fuzz $t: $execs execs, cov $cov, ft $ft, CRASH"
		artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
		if [ -n "$artifact" ]; then
			echo "  input:     $PWD/$artifact"
			echo "  reproduce: $bin $artifact"
		fi
		grep -m 3 -E 'SUMMARY:|invariant failed|runtime error:' "$log" | sed 's/^/  /'
		echo "  log:       $PWD/$log (exit $rc)"
		failed=$((failed + 1))
	fi
done

echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

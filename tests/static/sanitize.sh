#!/usr/bin/env bash
# sanitize.sh - build the tree in a separate directory with
# --enable-sanitizers (AddressSanitizer + UndefinedBehaviorSanitizer, see
# m4/mp_warnings.m4) and run the unit tests there, leaks included.
#
#   bash /path/to/src/tests/static/sanitize.sh
# Environment:
#   top_srcdir   the source tree (default: two levels above this script)
#   SAN_BUILDDIR the build directory (default: ./_san); reused if present
#   SAN_CC       the compiler (default: gcc; see below for clang)
#   SAN_TESTS    tests to run (default: UNIT_TESTS from Makefile.am)
#   MAKE         make program (default: make)
# A source tree that was configured in place cannot host a VPATH build; the
# script then builds from a clean copy of the tracked (and not ignored) files
# made with git, in SAN_BUILDDIR/src, and runs autoreconf there.
# gcc is the default because the TLS/DNS modules (lib/mailprobe_*.la) are
# linked with -Wl,--no-undefined: gcc links its ASan runtime (libasan.so)
# into a shared object, clang leaves the __asan_* symbols for the executable
# to provide, so with clang that link fails until the modules drop
# --no-undefined in sanitizer builds. SAN_CC=clang is worth a try after that.
# Last line: "sanitize: N passed, N failed (CC, ASan+UBSan)" counting test
# programs; the exit status is non-zero when any failed or the build broke.
set -u

here=$(cd "$(dirname "$0")" && pwd)
srcdir=$(cd "${top_srcdir:-$here/../..}" && pwd)
make=${MAKE:-make}
jobs=$(nproc 2>/dev/null || echo 2)
cc=${SAN_CC:-gcc}
mkdir -p "${SAN_BUILDDIR:-_san}" || exit 2
bdir=$(cd "${SAN_BUILDDIR:-_san}" && pwd)

fail() {
	echo "sanitize.sh: $*" >&2
	echo "sanitize: 0 passed, 1 failed ($cc, ASan+UBSan)"
	exit 1
}

# The sources to configure: the tree itself, or a clean copy of it.
src=$srcdir
if [ -f "$srcdir/config.status" ] || [ ! -x "$srcdir/configure" ]; then
	command -v git >/dev/null && git -C "$srcdir" rev-parse --git-dir >/dev/null 2>&1 ||
		fail "$srcdir is configured in place (or has no configure) and is no git checkout: run 'make distclean' there or give a clean tree"
	src=$bdir/src
	echo "== copying the sources to $src (the tree is configured in place)"
	mkdir -p "$src" || exit 2
	# tracked and untracked-but-not-ignored files; never the build dir itself
	rel=${bdir#"$srcdir"/}
	(cd "$srcdir" && git ls-files -z --cached --others --exclude-standard) |
		(cd "$srcdir" && while IFS= read -r -d '' f; do
			case $f in "$rel"/*) continue ;; esac
			[ -e "$f" ] && printf '%s\0' "$f"
		done) |
		(cd "$srcdir" && xargs -0 cp --parents -p -t "$src") ||
		fail "copying the sources failed"
	(cd "$src" && autoreconf -fi >"$bdir/autoreconf.out" 2>&1) ||
		{ cat "$bdir/autoreconf.out"; fail "autoreconf failed in $src"; }
fi

build=$bdir/build
mkdir -p "$build" || exit 2
cd "$build" || exit 2
if [ ! -f Makefile ] || [ "$src/configure" -nt config.status ]; then
	echo "== configure (CC=$cc --enable-sanitizers) in $build"
	"$src/configure" -q CC="$cc" --enable-sanitizers >configure.out 2>&1 ||
		{ cat configure.out; fail "configure failed"; }
fi
echo "== build"
if ! $make -j"$jobs" >build.out 2>&1; then
	grep -E 'error|undefined reference' build.out | head -n 20
	grep -q "undefined reference to .__asan" build.out &&
		echo "sanitize.sh: the modules cannot link with $cc's ASan (see the comment at the top)" >&2
	fail "build failed (log: $build/build.out)"
fi

# The unit tests, as Makefile.am lists them (it stays the one list).
tests=${SAN_TESTS:-$(printf 'print-var:\n\t@: $(info $(UNIT_TESTS))\n' |
	$make -s --no-print-directory -f Makefile -f - print-var)}
[ -n "$tests" ] || fail "no unit tests found (UNIT_TESTS in Makefile.am)"

echo "== make check TESTS=\"$tests\""
ulimit -c 0
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
AM_COLOR_TESTS=no $make -j"$jobs" check TESTS="$tests" >check.out 2>&1
rc=$?
grep -E '^(FAIL|ERROR|XPASS): |^# [A-Z]+: ' check.out

passed=0
failed=0
for t in $tests; do
	base=${t%.test}   # automake names X.test's results X.trs and X.log
	trs=$base.trs
	if [ -f "$trs" ] && grep -q '^:global-test-result: PASS' "$trs" &&
	   ! grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$base.log"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "-- $base.log:"
		grep -E -A 30 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|^not ok|Bail out' "$base.log" 2>/dev/null | head -n 60
	fi
done
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
	tail -n 30 check.out
	failed=1
fi
echo "sanitize: $passed passed, $failed failed ($cc, ASan+UBSan; logs in $build/tests)"
[ "$failed" -eq 0 ]

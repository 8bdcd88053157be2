#!/usr/bin/env bash
# valgrind.sh - run every unit test program under valgrind (memcheck):
# invalid reads/writes, uninitialised values and definite leaks fail it.
#
# Run it from a build directory configured WITHOUT --enable-sanitizers
# (valgrind and ASan exclude each other):
#   bash /path/to/src/tests/static/valgrind.sh
# Environment:
#   VG_TESTS   test programs (default: UNIT_TESTS from Makefile.am)
#   VALGRIND   the program (default: valgrind)
#   MAKE       make program (default: make)
# Each test runs as `make check` would run it (AM_TESTS_ENVIRONMENT),
# under valgrind --error-exitcode=1 --leak-check=full
# --errors-for-leak-kinds=definite. Last line:
#   valgrind: N passed, N failed
set -u

make=${MAKE:-make}
valgrind=${VALGRIND:-valgrind}

if [ ! -f Makefile ]; then
	echo "valgrind.sh: run me from a configured build directory" >&2
	exit 2
fi
if ! command -v "$valgrind" >/dev/null; then
	echo "valgrind.sh: $valgrind not found (apt-get install valgrind)" >&2
	exit 2
fi
if grep -q '^SAN_CFLAGS = .*-fsanitize' Makefile; then
	echo "valgrind.sh: this build uses --enable-sanitizers; valgrind needs a plain build" >&2
	exit 2
fi

# UNIT_TESTS and AM_TESTS_ENVIRONMENT as Makefile.am has them (GNU make's
# $(info) prints them unexpanded by any shell)
mkvar() {
	printf 'print-var:\n\t@: $(info $(%s))\n' "$1" |
		$make -s --no-print-directory -f Makefile -f - print-var
}
tests=${VG_TESTS:-$(mkvar UNIT_TESTS)}
[ -n "$tests" ] || { echo "valgrind.sh: no unit tests found" >&2; exit 2; }
tests_env=$(mkvar AM_TESTS_ENVIRONMENT)

# build the tree (the tests may load the TLS/DNS modules) and the test
# programs, without running them
# shellcheck disable=SC2086
$make -j"$(nproc 2>/dev/null || echo 2)" all $tests >/dev/null || {
	echo "valgrind.sh: building $tests failed" >&2
	echo "valgrind: 0 passed, 1 failed"
	exit 1
}

# what `make check` gives the tests (top_srcdir, PLUGINDIR, ...)
eval "$tests_env"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mailprobe-vg.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
for t in $tests; do
	log=$tmp/$(basename "$t").vg
	"$valgrind" -q --error-exitcode=1 --leak-check=full \
		--errors-for-leak-kinds=definite --show-leak-kinds=definite \
		--track-origins=yes --log-file="$log" "./$t" >"$tmp/out" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ] && [ ! -s "$log" ]; then
		echo "ok   $t"
		passed=$((passed + 1))
	else
		echo "FAIL $t (exit $rc)"
		sed 's/^/  /' "$log" | head -n 80
		grep -E '^not ok|^Bail out' "$tmp/out" | sed 's/^/  /' | head -n 20
		failed=$((failed + 1))
	fi
done
echo "valgrind: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

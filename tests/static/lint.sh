#!/usr/bin/env bash
# lint.sh - static analysis of lib/ and plugins/: cppcheck and clang-tidy
# (checks in the top-level .clang-tidy). Exits non-zero on any finding.
#
# Run it from a configured build directory (it needs config.h), in-tree or
# VPATH:
#   bash /path/to/src/tests/static/lint.sh
# Environment:
#   top_srcdir    the source tree (default: two levels above this script)
#   top_builddir  where config.h is (default: the current directory, then
#                 top_srcdir)
#   LINT_TOOLS    "cppcheck clang-tidy" (default) or one of them
#   LINT_VERBOSE  1: print clang-tidy's full output (notes, code excerpts)
#   CLANG_TIDY, CPPCHECK  the programs (default clang-tidy, cppcheck)
# Prints every finding as FILE:LINE: ... [check] and ends with
#   lint: N findings (cppcheck N, clang-tidy N)
# Exit status: 0 clean, 1 findings, 2 a tool is missing or the setup is wrong.
# Silence a finding that is not a bug where it is, with a reason:
#   cppcheck:   // cppcheck-suppress <id>   on the line before
#   clang-tidy: // NOLINT(<check>)          on the line, or NOLINTNEXTLINE(...)
set -u

here=$(cd "$(dirname "$0")" && pwd)
srcdir=${top_srcdir:-$(cd "$here/../.." && pwd)}
srcdir=$(cd "$srcdir" && pwd)
tools=${LINT_TOOLS:-cppcheck clang-tidy}
clang_tidy=${CLANG_TIDY:-clang-tidy}
cppcheck=${CPPCHECK:-cppcheck}
jobs=$(nproc 2>/dev/null || echo 2)

builddir=$(cd "${top_builddir:-$PWD}" && pwd)
if [ -f "$builddir/Makefile" ] && [ -f "$builddir/config.h" ]; then
	# the preprocessor flags the build uses (-I, -D such as MP_PKGLIBDIR),
	# printed by make itself; relative -I paths hold from the build dir
	flags=$(printf 'print-var:\n\t@: $(info %s)\n' \
		'$(DEFS) $(DEFAULT_INCLUDES) $(INCLUDES) $(AM_CPPFLAGS) $(CPPFLAGS) $(OPENSSL_CFLAGS) $(LDNS_CFLAGS)' |
		(cd "$builddir" && ${MAKE:-make} -s --no-print-directory -f Makefile -f - print-var))
	eval "set -- $flags"
	incflags=("$@")
	toolcwd=$builddir
elif [ -f "$srcdir/config.h" ] || [ -f "$builddir/config.h" ]; then
	confdir=$builddir
	[ -f "$confdir/config.h" ] || confdir=$srcdir
	# shellcheck disable=SC2207
	incflags=(-I"$confdir" -I"$srcdir/lib" -I"$srcdir/plugins/common" $(pkg-config --cflags openssl ldns 2>/dev/null))
	toolcwd=$srcdir
else
	echo "lint.sh: no config.h: run configure first, and lint.sh from the build directory" >&2
	exit 2
fi

files=$(cd "$srcdir" && find lib plugins -name "*.c" | LC_ALL=C sort | sed "s#^#$srcdir/#")

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mailprobe-lint.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

n_cppcheck=0
n_tidy=0
setup_failed=0

for tool in $tools; do
	case $tool in
	cppcheck)
		if ! command -v "$cppcheck" >/dev/null; then
			echo "lint.sh: $cppcheck not found (apt-get install cppcheck)" >&2
			setup_failed=1
			continue
		fi
		echo "== cppcheck ($("$cppcheck" --version))"
		# shellcheck disable=SC2086
		(cd "$toolcwd" && "$cppcheck" -q -j "$jobs" \
			--enable=warning,performance,portability \
			--error-exitcode=1 --inline-suppr \
			--suppress=missingIncludeSystem \
			--template='{file}:{line}: {severity}: {message} [{id}]' \
			"${incflags[@]}" $files) >"$tmp/cppcheck.out" 2>&1
		rc=$?
		grep -E '^[^ ]+:[0-9]+: [a-z]+: ' "$tmp/cppcheck.out" |
			sed "s#^$srcdir/##" >"$tmp/cppcheck.findings"
		n_cppcheck=$(wc -l <"$tmp/cppcheck.findings")
		if [ "$rc" -ne 0 ] && [ "$n_cppcheck" -eq 0 ]; then
			cat "$tmp/cppcheck.out"
			echo "lint.sh: cppcheck failed (exit $rc) without a finding" >&2
			setup_failed=1
		fi
		cat "$tmp/cppcheck.findings"
		;;
	clang-tidy)
		if ! command -v "$clang_tidy" >/dev/null; then
			echo "lint.sh: $clang_tidy not found (apt-get install clang-tidy)" >&2
			setup_failed=1
			continue
		fi
		echo "== clang-tidy ($("$clang_tidy" --version | sed -n 's/.*LLVM version //p'))"
		# one file per process, in parallel; no compile_commands.json needed
		export clang_tidy srcdir tmp toolcwd
		printf '%s\n' $files | xargs -P "$jobs" -I{} sh -c '
			f=$1; shift
			out="$tmp/tidy.$(basename "$(dirname "$f")")_$(basename "$f").out"
			cd "$toolcwd" && "$clang_tidy" --quiet --config-file="$srcdir/.clang-tidy" \
				--warnings-as-errors="*" "$f" -- "$@" >"$out" 2>&1
			echo $? >"$out.rc"' sh {} "${incflags[@]}"
		cat "$tmp"/tidy.*.out >"$tmp/tidy.out" 2>/dev/null
		# "error:" because of --warnings-as-errors; shown as findings, paths
		# relative to the source tree, each once (a header is seen per file)
		sed -n -E 's#^('"$srcdir"'/)?([^ :]+:[0-9]+:[0-9]+): (warning|error): (.*) \[([^]]+)\]$#\2: \4 [\5]#p' \
			"$tmp/tidy.out" | sed 's/,-warnings-as-errors\]$/]/' |
			LC_ALL=C sort -t: -k1,1 -k2,2n -u >"$tmp/tidy.findings"
		n_tidy=$(wc -l <"$tmp/tidy.findings")
		if [ "${LINT_VERBOSE:-0}" = 1 ]; then
			cat "$tmp/tidy.out"
		else
			cat "$tmp/tidy.findings"
		fi
		if [ "$n_tidy" -eq 0 ] && grep -qv '^0$' "$tmp"/tidy.*.out.rc; then
			cat "$tmp/tidy.out"
			echo "lint.sh: clang-tidy failed without a finding" >&2
			setup_failed=1
		fi
		;;
	*)
		echo "lint.sh: unknown tool '$tool' in LINT_TOOLS" >&2
		setup_failed=1
		;;
	esac
done

total=$((n_cppcheck + n_tidy))
echo "lint: $total findings (cppcheck $n_cppcheck, clang-tidy $n_tidy)"
if [ "$setup_failed" -ne 0 ]; then
	exit 2
fi
[ "$total" -eq 0 ]

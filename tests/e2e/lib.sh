# Shared helpers for the end-to-end tests (source it: . "$(dirname "$0")/lib.sh").
# Exit codes: 0 pass, 77 skip (last stderr line says why), other = fail.
set -u
: "${TRACECAST:?TRACECAST not set (run through make check)}"
: "${PROGS:=}" "${TC_CORPUS:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../corpus" && pwd)}"
TC_TMP=$(mktemp -d /tmp/tracecast-test.XXXXXX)
trap 'rm -rf "$TC_TMP"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "skipped: $*" >&2; exit 77; }
need() { command -v "$1" >/dev/null 2>&1 || skip "$1 is not installed (make deps installs it)"; }

# wait_for TIMEOUT_SECS CMD...: poll CMD until it succeeds (no fixed sleeps).
wait_for() {
	local t=$1; shift
	local end=$((SECONDS + t))
	until "$@"; do
		[ $SECONDS -ge $end ] && return 1
		sleep 0.05
	done
}

# asciinema_cat FILE: Debian's asciinema 2.2 needs a terminal for cat.
asciinema_cat() {
	script -qec "asciinema cat '$1'" /dev/null </dev/null
}

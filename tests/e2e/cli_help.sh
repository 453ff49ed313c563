#!/bin/bash
# The command line's conventions (issue 2): `--version` prints
# "tracecast X.Y.Z" (the version of include/tracecast/version.h) and exits 0;
# `--help` of every subcommand exits 0 and prints on stdout a usage line
# naming the command; an unknown command and an unknown option of every
# subcommand exit 2 with a message naming the culprit on stderr.
. "$(dirname "$0")/lib.sh"
ROOT=${TC_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$TC_TMP" || fail "cd"
unset TRACECAST_CTL TRACECAST_FILE

out=$("$TRACECAST" --version 2>"$TC_TMP/err"); rc=$?
[ $rc = 0 ] || fail "--version: exit $rc"
[[ $out =~ ^tracecast\ [0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "--version printed '$out'"
want=$(sed -n 's/^#define TRACECAST_VERSION "\(.*\)"$/\1/p' "$ROOT/include/tracecast/version.h")
[ "$out" = "tracecast $want" ] || fail "--version '$out', version.h says '$want'"
[ ! -s "$TC_TMP/err" ] || fail "--version wrote to stderr: $(cat "$TC_TMP/err")"

"$TRACECAST" --help >"$TC_TMP/out" 2>"$TC_TMP/err" || fail "--help: exit $?"
grep -q '^usage: tracecast ' "$TC_TMP/out" || fail "--help: no usage line: $(cat "$TC_TMP/out")"

for c in rec play dump cat info convert export stats mark; do
	"$TRACECAST" "$c" --help >"$TC_TMP/out" 2>"$TC_TMP/err"
	rc=$?
	[ $rc = 0 ] || fail "$c --help: exit $rc: $(cat "$TC_TMP/err")"
	grep -q "^usage: tracecast $c\\b" "$TC_TMP/out" ||
		fail "$c --help: no 'usage: tracecast $c' line on stdout: $(head -5 "$TC_TMP/out")"
	[ ! -s "$TC_TMP/err" ] || fail "$c --help wrote to stderr: $(cat "$TC_TMP/err")"

	"$TRACECAST" "$c" --no-such-option-42 x >"$TC_TMP/out" 2>"$TC_TMP/err"
	rc=$?
	[ $rc = 2 ] || fail "$c --no-such-option-42: exit $rc, want 2"
	grep -q -- 'no-such-option-42' "$TC_TMP/err" ||
		fail "$c: the unknown option is not named: $(cat "$TC_TMP/err")"
	grep -q '^tracecast mark: not inside a recorded session' "$TC_TMP/err" &&
		fail "$c: usage error reported as something else: $(cat "$TC_TMP/err")"
done
# nothing was created by the refused commands (e.g. rec's FILE 'x')
[ -z "$(ls -A "$TC_TMP" | grep -v -e '^out$' -e '^err$')" ] || fail "files left: $(ls -A "$TC_TMP")"

"$TRACECAST" no-such-command >"$TC_TMP/out" 2>"$TC_TMP/err"
rc=$?
[ $rc = 2 ] || fail "unknown command: exit $rc, want 2"
grep -q "no-such-command" "$TC_TMP/err" || fail "unknown command not named: $(cat "$TC_TMP/err")"
"$TRACECAST" --no-such-option >/dev/null 2>&1
rc=$?
[ $rc = 2 ] || fail "unknown top-level option: exit $rc, want 2"
"$TRACECAST" </dev/null >/dev/null 2>&1
rc=$?
[ $rc = 2 ] || fail "no command: exit $rc, want 2"
exit 0

#!/bin/bash
# export on bad input: a malformed line is reported FILE:LINE:COL and
# skipped (--strict fails and writes nothing); an unknown format and a bad
# time are usage errors; output files are 0600, never half-written.
. "$(dirname "$0")/lib.sh"
F=$TC_ROOT/tests/fixtures/report/window.cast
for fmt in folded callgrind speedscope chrome strace; do
	"$TRACECAST" export "$F" --format $fmt -o "$TC_TMP/out.$fmt" 2> "$TC_TMP/err" || fail "$fmt: exit $? on one bad line: $(cat "$TC_TMP/err")"
	grep -q "window.cast:13:25: invalid JSON" "$TC_TMP/err" || fail "$fmt: bad line not reported FILE:LINE:COL: $(cat "$TC_TMP/err")"
	[ "$(stat -c %a "$TC_TMP/out.$fmt")" = 600 ] || fail "$fmt: mode $(stat -c %a "$TC_TMP/out.$fmt")"
	"$TRACECAST" export "$F" --format $fmt --strict -o "$TC_TMP/strict.$fmt" 2> "$TC_TMP/err" && fail "$fmt --strict: exit 0"
	[ -e "$TC_TMP/strict.$fmt" ] && fail "$fmt --strict: a failed export left its output"
	ls "$TC_TMP" | grep -q '\.tmp\.' && fail "$fmt: temporary file left"
done
python3 -c "import json; json.load(open('$TC_TMP/out.speedscope')); json.load(open('$TC_TMP/out.chrome'))" || fail "JSON outputs do not parse"
[ "$(wc -l < "$TC_TMP/out.strace")" = 7 ] || fail "strace: $(wc -l < "$TC_TMP/out.strace") lines, want the 7 good ones"
# the strace export's window: --from/--to in any spelling of the grammar
[ "$("$TRACECAST" export "$F" --format strace --from 0:00.25 --to 0.5 2>/dev/null | wc -l)" = 3 ] || fail "strace --from 0:00.25 --to 0.5"
"$TRACECAST" export "$F" --format nosuch > /dev/null 2>&1; [ $? = 2 ] || fail "unknown format: not exit 2"
"$TRACECAST" export "$F" --format strace --to 1e3 > /dev/null 2>&1; [ $? = 2 ] || fail "bad time: not exit 2"
# an existing output is refused without --force, kept as it was
echo keep > "$TC_TMP/exists"
"$TRACECAST" export "$F" --format strace -o "$TC_TMP/exists" 2> "$TC_TMP/err"; [ $? = 2 ] || fail "existing output: not exit 2"
[ "$(cat "$TC_TMP/exists")" = keep ] || fail "existing output changed"
"$TRACECAST" export "$F" --format strace -o "$TC_TMP/exists" --force 2> /dev/null || fail "--force failed"
[ "$(wc -l < "$TC_TMP/exists")" = 7 ] || fail "--force did not replace"
# no syscalls: the stats message and exit 1
"$TRACECAST" stats "$TC_ROOT/tests/fixtures/player/resize.cast" > /dev/null 2> "$TC_TMP/err"; [ $? = 1 ] || fail "stats without s events: not exit 1"
grep -q "no syscalls recorded (record with --strace)" "$TC_TMP/err" || fail "stats: $(cat "$TC_TMP/err")"
echo "export input: bad lines FILE:LINE:COL, --strict, 0600, --force"

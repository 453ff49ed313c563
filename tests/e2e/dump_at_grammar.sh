#!/bin/bash
# dump --at uses lib's one time grammar (tc_time.h): huge times clamp to
# the end (no overflow: the asan build traps signed and float-cast
# overflow), the usual forms still work, junk is refused with exit 2.
. "$(dirname "$0")/lib.sh"
F=$TC_ROOT/tests/fixtures/player/resize.cast
"$TRACECAST" dump --at end "$F" > "$TC_TMP/end" || fail "dump --at end failed"
for t in 1000000000:0 1000000000:0:0 9999999999999 99999999999999999999999.5 153722867:59:59; do
	"$TRACECAST" dump --at "$t" "$F" > "$TC_TMP/big" 2> "$TC_TMP/err" || { cat "$TC_TMP/err"; fail "dump --at $t failed"; }
	cmp -s "$TC_TMP/big" "$TC_TMP/end" || fail "dump --at $t is not the end screen"
done
# the same times in the other spellings give the same screen
"$TRACECAST" dump --at 0.7 "$F" > "$TC_TMP/a" || fail "dump --at 0.7"
"$TRACECAST" dump --at 0:00.7 "$F" > "$TC_TMP/b" || fail "dump --at 0:00.7"
"$TRACECAST" dump --at 0:0:0.700 "$F" > "$TC_TMP/c" || fail "dump --at 0:0:0.700"
cmp -s "$TC_TMP/a" "$TC_TMP/b" && cmp -s "$TC_TMP/a" "$TC_TMP/c" || fail "0.7, 0:00.7 and 0:0:0.700 differ"
cmp -s "$TC_TMP/a" "$TC_TMP/end" && fail "the screen at 0.7 equals the end: the fixture cannot tell times apart"
for t in -1 1e3 nan inf 1.5:00 "1 " 1:2:3:4; do
	"$TRACECAST" dump --at "$t" "$F" > /dev/null 2> "$TC_TMP/err"
	rc=$?
	[ $rc -eq 2 ] || fail "dump --at '$t' exited $rc, not 2 (usage)"
	grep -q "bad time" "$TC_TMP/err" || fail "dump --at '$t': no 'bad time' message"
done
echo "dump --at grammar: clamped, spellings agree, junk refused"

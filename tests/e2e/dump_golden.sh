#!/bin/bash
# Golden screens: `tracecast dump --at end` of every recording of the
# corpus and of tests/fixtures/player/ equals what tmux showed for the same
# bytes (tests/golden/gen_golden.py made tests/golden/expected/*.txt).
# Where tmux 3.3a and libvterm 0.1.4 differ for a known reason
# (tests/golden/KNOWN-DIFFERENCES.md), the exact diff is checked in as
# NAME.known-diff and must stay exactly that.
. "$(dirname "$0")/lib.sh"
EXP=$TC_ROOT/tests/golden/expected
[ -d "$TC_CORPUS" ] || fail "no corpus at $TC_CORPUS (tests/corpus is part of the project)"
n=0
for rec in "$TC_CORPUS"/*.cast "$TC_CORPUS"/*.json "$TC_CORPUS"/*.cast.gz "$TC_ROOT"/tests/fixtures/player/*.cast; do
	[ -f "$rec" ] || continue
	name=$(basename "$rec")
	exp=$EXP/$name.txt
	[ -f "$exp" ] || fail "$name: no golden screen (run tests/golden/gen_golden.py $rec)"
	"$TRACECAST" dump --at end "$rec" > "$TC_TMP/out" 2> "$TC_TMP/err" || fail "$name: dump failed: $(cat "$TC_TMP/err")"
	rows=$(wc -l < "$TC_TMP/out")
	[ "$rows" -eq "$(wc -l < "$exp")" ] || fail "$name: $rows lines, tmux had $(wc -l < "$exp")"
	d=$(diff "$exp" "$TC_TMP/out")
	if [ -f "$EXP/$name.known-diff" ]; then
		[ "$d" == "$(cat "$EXP/$name.known-diff")" ] || \
			fail "$name: differs from tmux other than the known difference:
$d"
	else
		[ -z "$d" ] || fail "$name: differs from tmux:
$d"
	fi
	n=$((n + 1))
done
[ "$n" -ge 40 ] || fail "only $n recordings compared"
echo "golden: $n screens equal to tmux's ($(ls "$EXP"/*.known-diff | wc -l) with known differences)"

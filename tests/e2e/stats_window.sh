#!/bin/bash
# stats on a hand-made recording: windows (--from/--to, --between-markers),
# threads (--by tid/pid: CLONE_THREAD keeps the pid), the profile section
# with lost samples, and a malformed line reported FILE:LINE:COL and
# skipped (--strict fails on it).
. "$(dirname "$0")/lib.sh"
F=$TC_ROOT/tests/fixtures/report/window.cast
j() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
"$TRACECAST" stats "$F" > "$TC_TMP/out" 2> "$TC_TMP/err" || fail "stats exited $?"
grep -q "window.cast:13:25: invalid JSON" "$TC_TMP/err" || fail "no FILE:LINE:COL for the bad line: $(cat "$TC_TMP/err")"
grep -q "6 calls, 3 errors" "$TC_TMP/out" || fail "whole file: $(head -1 "$TC_TMP/out")"
grep -q "  perf: 2 stack samples, 3 lost" "$TC_TMP/out" || fail "profile section lacks the lost samples"
"$TRACECAST" stats --strict "$F" > /dev/null 2>&1 && fail "--strict did not fail on the bad line"
[ "$("$TRACECAST" stats --json --between-markers A B "$F" 2>/dev/null | j 'd["calls"], d["errors"]')" = "4 1" ] ||
	fail "--between-markers A B: not the 4 calls (1 error) between them"
[ "$("$TRACECAST" stats --json --from 0.25 --to 0:00.5 "$F" 2>/dev/null | j 'sorted(s["syscall"] for s in d["syscalls"])')" = "['clone', 'futex', 'write']" ] ||
	fail "--from 0.25 --to 0:00.5: wrong calls"
[ "$("$TRACECAST" stats --json --by pid "$F" 2>/dev/null | j 'len(d["groups"]), d["groups"][0]["comm"]')" = "1 demo" ] ||
	fail "--by pid: the CLONE_THREAD thread is not in its process, or no comm from proc samples"
[ "$("$TRACECAST" stats --json --by tid "$F" 2>/dev/null | j 'sorted(g["tid"] for g in d["groups"])')" = "[100, 101]" ] ||
	fail "--by tid: not two threads"
"$TRACECAST" stats --between-markers A nosuch "$F" > /dev/null 2> "$TC_TMP/err" && fail "a missing marker did not fail"
grep -q "marker 'nosuch' not found after the first one" "$TC_TMP/err" || fail "missing marker message: $(cat "$TC_TMP/err")"
"$TRACECAST" stats --from 2 --to 1 "$F" > /dev/null 2>&1; [ $? -eq 2 ] || fail "--to before --from is not a usage error"
"$TRACECAST" stats --from 5 "$F" 2>/dev/null | grep -q "no syscalls in the window (7 in the recording)" || fail "empty window message"
"$TRACECAST" stats --top 2 --errors "$F" 2>/dev/null > "$TC_TMP/out"
awk 'length($0) > 80 { exit 1 }' "$TC_TMP/out" || fail "a line over 80 columns"
grep -Eq "^0:00.300 +0.100000 +101  futex" "$TC_TMP/out" || fail "--top: futex with its start 0:00.300: $(cat "$TC_TMP/out")"
grep -Eq "^ +1  openat +EACCES +0:00.699" "$TC_TMP/out" || fail "--errors: openat EACCES"
echo "stats windows, threads, profile, malformed lines: ok"

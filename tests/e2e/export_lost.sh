#!/bin/bash
# Lost and idle stack samples (FORMAT.md point 13) in every stack format:
# lost rounds are shown as the frame "[lost]" (folded: one "[lost] N" line
# first), never hidden; idle samples are left out unless --idle, and
# stderr says how many.
. "$(dirname "$0")/lib.sh"
F=$TC_ROOT/tests/fixtures/report/lost.cast   # py: 5 on-CPU, 2 idle, lost 4; perf: 1, lost 2
"$TRACECAST" export "$F" --format folded > "$TC_TMP/f" 2> "$TC_TMP/err" || fail "folded failed"
[ "$(head -1 "$TC_TMP/f")" = "[lost] 6" ] || fail "folded: first line $(head -1 "$TC_TMP/f"), want [lost] 6"
grep -q "main;wait" "$TC_TMP/f" && fail "folded: idle samples counted without --idle"
grep -q "2 idle samples left out (--idle includes them)" "$TC_TMP/err" || fail "no idle notice: $(cat "$TC_TMP/err")"
"$TRACECAST" export "$F" --format folded --idle 2> /dev/null | grep -qx "main;wait 2" || fail "--idle: idle samples missing"
[ "$("$TRACECAST" export "$F" --format folded --src py 2>/dev/null | head -1)" = "[lost] 4" ] || fail "--src py: lost"
"$TRACECAST" export "$F" --format callgrind -o "$TC_TMP/callgrind.out.lost" 2>/dev/null || fail "callgrind failed"
callgrind_annotate "$TC_TMP/callgrind.out.lost" > "$TC_TMP/ann" 2>&1 || fail "callgrind_annotate: $(cat "$TC_TMP/ann")"
grep -Eq "^ *12 \(100.0%\) +PROGRAM TOTALS" "$TC_TMP/ann" || fail "callgrind totals: $(cat "$TC_TMP/ann")"
grep -Eq "^ *6 \(50.00%\) +lost.cast:\[lost\]" "$TC_TMP/ann" || fail "callgrind: [lost] not 6 samples: $(cat "$TC_TMP/ann")"
"$TRACECAST" export "$F" --format speedscope > "$TC_TMP/s.json" 2>/dev/null || fail "speedscope failed"
python3 - "$TC_TMP/s.json" <<'PY' || fail "speedscope lost samples"
import json, sys
d = json.load(open(sys.argv[1]))
fr = [f["name"] for f in d["shared"]["frames"]]
py = [p for p in d["profiles"] if p["name"] == "pid 7 tid 7 (py)"][0]
lost = [w for s, w in zip(py["samples"], py["weights"]) if [fr[i] for i in s] == ["[lost]"]]
assert lost == [0.04], (lost, py)
assert abs(sum(py["weights"]) - 0.09) < 1e-9, py["weights"]
assert any(p["name"] == "lost samples (perf)" for p in d["profiles"]), [p["name"] for p in d["profiles"]]
PY
echo "lost samples shown as [lost], idle samples only with --idle"

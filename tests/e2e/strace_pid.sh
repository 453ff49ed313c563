#!/bin/bash
# rec --strace --strace-pid PID: a process started outside the recording is
# traced on the same timeline, its lines tagged "@PID ", and after the
# recording it still runs, not stopped and no longer traced.
. "$(dirname "$0")/lib.sh"
need strace
need python3
strace -qq -o /dev/null true 2>/dev/null || skip "strace cannot trace here (ptrace refused)"

probe=/nonexistent-tc-strace-pid-$$
# the outside process: a stat of a missing path every 20 ms; it writes its
# own pid (whatever wrappers the shell puts around a background job)
sh -c 'echo $$ >"$1.tmp" && mv "$1.tmp" "$1"; while :; do [ -e "$2" ]; sleep 0.02; done' \
	sh "$TC_TMP/bg.pid" "$probe" </dev/null >/dev/null 2>&1 &
wait_for 10 test -s "$TC_TMP/bg.pid" || fail "background process did not start"
bg=$(cat "$TC_TMP/bg.pid")
trap 'kill "$bg" 2>/dev/null; rm -rf "$TC_TMP"' EXIT
grep -q '^State:' /proc/$bg/status || fail "background process is gone"

# the command runs until the background loop has been seen in the trace
# file the recorder writes (flushed every 100 ms), at most 20 s
# (a regex that does not match itself: grep's own argv is traced too)
cmd="for i in \$(seq 400); do grep -q 'nonexistent-tc-strace-pid-[0-9]' '$TC_TMP/f.cast' 2>/dev/null && break; sleep 0.05; done; echo command-done"
"$TRACECAST" rec -q --strace --strace-pid "$bg" "$TC_TMP/f.cast" -- sh -c "$cmd" \
	</dev/null >"$TC_TMP/out" 2>"$TC_TMP/err" || fail "rec exited $?: $(cat "$TC_TMP/err")"
grep -q command-done "$TC_TMP/out" || fail "command did not run"

kill -0 "$bg" 2>/dev/null || fail "the attached process died"
state=$(awk '/^State:/ {print $2}' /proc/$bg/status)
tracer=$(awk '/^TracerPid:/ {print $2}' /proc/$bg/status)
case $state in T|t) fail "the attached process was left stopped (State $state)" ;; esac
[ "$tracer" = 0 ] || fail "the attached process is still traced by $tracer"
# and it keeps running: its loop forks new sleeps
# (read from /proc/PID/task/PID/children in one go: `pgrep -P` scans all of
# /proc and, on a loaded machine, misses a 20 ms sleep every time)
sleep_children() { [ -n "$(cat "/proc/$bg/task/$bg/children" 2>/dev/null)" ]; }
wait_for 10 sleep_children || fail "the attached process does not run on"

python3 - "$TC_TMP/f.cast" "$bg" "$probe" <<'EOF' || fail "checks on the recording failed"
import json, sys
path, bg, probe = sys.argv[1], sys.argv[2], sys.argv[3]
lines = open(path, encoding="utf-8").read().splitlines()
hdr = json.loads(lines[0])
ev = [json.loads(l) for l in lines[1:] if l.strip()]
errs = []
st = hdr["tracecast"]["sources"]["strace"]
att = st.get("attach", [])
if not (len(att) == 1 and att[0]["pid"] == int(bg) and "-p" in att[0]["argv"]):
    errs.append("header attach: %r" % att)
if "argv" not in st:
    errs.append("header argv missing")
tagged = [e for e in ev if e[1] == "s" and e[2].startswith("@%s " % bg)]
plain = [e for e in ev if e[1] == "s" and not e[2].startswith("@")]
if not any(probe in e[2] for e in tagged):
    errs.append("no tagged line with the probe path (%d tagged)" % len(tagged))
if any(probe in e[2] for e in plain):
    errs.append("the probe path in an untagged line")
if not any("command-done" in e[2] for e in plain):
    errs.append("the command's own write is not in untagged lines")
if any(e[1] == "s" and e[2].startswith("@") and not e[2].startswith("@%s " % bg) for e in ev):
    errs.append("a line tagged with another pid")
t = [e[0] for e in ev]
if any(t[i] < t[i - 1] for i in range(1, len(t))):
    errs.append("times decrease")
if not (t and t[0] >= 0):
    errs.append("negative time")
for e in errs:
    print("FAIL:", e, file=sys.stderr)
sys.exit(1 if errs else 0)
EOF
exit 0

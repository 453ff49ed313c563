#!/bin/bash
# make demo (samples/demo.sh) in both of its modes, with DEMO_CAST in a temp
# dir and TRACECAST set:
# - no terminal: records samples/session.sh with --strace --profile (the
#   header has sources.strace and sources.profile, the session's markers are
#   there), prints `tracecast info` and one `dump --overlay --size 128x30`
#   frame per marker plus the end (form feed lines between), exits 0;
# - the session lasts about 10 s (8 to 14) and shows what tracecast is
#   for: a failed call (-1 ENOENT, -1 ECONNREFUSED syscalls), its four
#   markers, a busy second (a proc sample at >= 80% CPU);
# - in a tmux pane: plays it at normal speed with --quit-at-end (the pane's
#   output, taken with pipe-pane, shows the player's frames at x1 on the
#   alternate screen), comes back to the shell by itself with exit 0, main
#   screen and cursor back, the pane's `stty -a` unchanged, and the last
#   thing on the screen is the end frame with its panels.
. "$(dirname "$0")/lib.sh"
need strace
need tmux
strace -qq -o /dev/null true 2>/dev/null || skip "strace cannot trace here (ptrace refused)"
DEMO=$TC_ROOT/samples/demo.sh
[ -x "$DEMO" ] || fail "$DEMO is not executable"

# --- not a terminal ---
cast=$TC_TMP/nt/demo.cast
DEMO_CAST=$cast TRACECAST=$TRACECAST timeout 120 "$DEMO" </dev/null >"$TC_TMP/out" 2>"$TC_TMP/err"
rc=$?
[ $rc -eq 0 ] || fail "demo without a terminal: exit $rc: $(tail -n 5 "$TC_TMP/err" "$TC_TMP/out")"
[ -s "$cast" ] || fail "no recording at DEMO_CAST=$cast"
grep -q 'recording without --strace --profile' "$TC_TMP/out" &&
	fail "demo recorded without --strace --profile: $(grep 'recording without' "$TC_TMP/out")"
python3 - "$cast" "$TC_TMP/out" <<'PY' || fail "demo output or recording not as expected"
import json, sys
cast, out = sys.argv[1], open(sys.argv[2], encoding="utf-8").read()
lines = open(cast, encoding="utf-8").read().splitlines()
hdr = json.loads(lines[0])
src = hdr.get("tracecast", {}).get("sources", {})
for s in ("strace", "profile"):
    if s not in src:
        sys.exit("header has no sources.%s: %r" % (s, src))
ev = [json.loads(l) for l in lines[1:] if l.strip()]
codes = {e[1] for e in ev}
for c in "osp":
    if c not in codes:
        sys.exit("no %r events in the demo recording" % c)
marks = [e[2] for e in ev if e[1] == "m"]
if marks != ["config not found", "connect refused", "busy second", "done"]:
    sys.exit("markers %r" % marks)
dur = ev[-1][0]
if not 8 <= dur <= 16:
    sys.exit("the session lasts %.1f s, not about 10" % dur)
sys_lines = [e[2] for e in ev if e[1] == "s"]
for err in ("= -1 ENOENT", "= -1 ECONNREFUSED"):
    if not any(err in l for l in sys_lines):
        sys.exit("no syscall failing with %s" % err)
# the busy second: python3 on the CPU (a share of a core; the machine
# may be shared, so at least a quarter of one)
cpu = [p["cpu"] for e in ev if e[1] == "p" for d in [json.loads(e[2])] if d.get("src") == "proc"
       for p in d.get("procs", []) if p.get("comm", "").startswith("python3")]
if not cpu or max(cpu) < 0.25:
    sys.exit("no busy second in the proc samples (python3's max cpu %r)" % (max(cpu) if cpu else None))
# the info
for need in ("format:      asciicast v2", "markers:     %d" % len(marks), "connect refused"):
    if need not in out:
        sys.exit("info output lacks %r" % need)
if "demo: not a terminal: tracecast dump --overlay --size 128x30" not in out:
    sys.exit("no 'not a terminal' dump line")
dump = out.split("demo: not a terminal:", 1)[1].split("\n", 1)[1]
frames = dump.split("\n\f\n")
if len(frames) != len(marks) + 1:
    sys.exit("%d frames for %d markers + end" % (len(frames), len(marks)))
dur = ev[-1][0]
for i, f in enumerate(frames):
    fl = f.rstrip("\n").split("\n")
    if len(fl) != 30:
        sys.exit("frame %d has %d lines, not 30" % (i, len(fl)))
    if "syscalls" not in f or "CPU" not in f:
        sys.exit("frame %d lacks the syscall panel or the profile strip:\n%s" % (i, f))
    if " view " in fl[29]:
        sys.exit("frame %d clips the recording: %r" % (i, fl[29]))
    if " / 0:%02d.%d" % (int(dur), int(dur * 10) % 10) not in fl[29]:
        sys.exit("frame %d status line %r lacks the duration %.1f" % (i, fl[29], dur))
last = frames[-1]
if "== end ==" not in last or "== end ==" in frames[0]:
    sys.exit("the end frame lacks the session's end (or the first has it):\n" + last)
PY

# --- in a terminal (tmux pane) ---
SOCK=tcdemo$$
T() { tmux -L "$SOCK" -f /dev/null "$@"; }
trap 'T kill-server >/dev/null 2>&1; rm -rf "$TC_TMP"' EXIT
T new-session -d -s d -x 120 -y 30 env -i PATH=/usr/bin:/bin TERM=tmux-256color 'PS1=$ ' bash --norc --noprofile
T set -g status off
T set -g window-size manual
pane_has() { T capture-pane -p -t d | grep -q -- "$1"; }
stty_to() { # FILE: the pane's stty -a
	T send-keys -t d "stty -a > $1.tmp && mv $1.tmp $1" Enter
	wait_for 20 test -s "$1" || fail "no stty -a from the pane"
}
stty_to "$TC_TMP/stty0"
T pipe-pane -o -t d "cat >> $TC_TMP/pane.out"
cast2=$TC_TMP/t/demo.cast
T send-keys -t d "clear; DEMO_CAST=$cast2 TRACECAST=$TRACECAST $DEMO; echo EXIT=\$?" Enter
wait_for 120 pane_has 'EXIT=[0-9]' || fail "demo in a terminal did not come back: $(T capture-pane -p -t d | tail -n 5)"
pane_has 'EXIT=0' || fail "demo in a terminal: $(T capture-pane -p -t d | grep 'EXIT=[0-9]')"
T pipe-pane -t d
[ "$(T display -p -t d '#{alternate_on},#{cursor_flag}')" = "0,1" ] ||
	fail "alternate screen or hidden cursor left after the demo's play"
stty_to "$TC_TMP/stty1"
cmp -s "$TC_TMP/stty0" "$TC_TMP/stty1" || fail "stty -a changed: $(diff "$TC_TMP/stty0" "$TC_TMP/stty1")"
grep -aq "demo: tracecast play --quit-at-end $cast2" "$TC_TMP/pane.out" ||
	fail "demo in a terminal did not say it plays"
grep -aq 'not a terminal' "$TC_TMP/pane.out" && fail "demo in a terminal printed dump frames"
grep -aq $'\e\\[?1049h' "$TC_TMP/pane.out" || fail "the player never entered the alternate screen"
dur=$(python3 -c 'import json,sys; l=open(sys.argv[1]).read().splitlines(); t=json.loads(l[-1])[0]; print("0:%02d.%d" % (int(t), int(t*10)%10))' "$cast2")
grep -aq "/ $dur  x1" "$TC_TMP/pane.out" || fail "no player frame with '/ $dur  x1' in the pane's output"
screen=$(T capture-pane -p -t d)
grep -q "syscalls" <<<"$screen" && grep -q "CPU" <<<"$screen" && grep -q "== end ==" <<<"$screen" ||
	fail "the demo did not end on a frame with the panels: $screen"
echo "demo: both modes checked"

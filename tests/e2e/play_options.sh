#!/bin/bash
# play's clock options, measured with --stats in a pty (script): --from and
# --to bound the play, the idle-time limit (header's 2 s, or -i) shortens
# the 6 s pause between output events of the fixture even though syscall
# lines go on during it (idle is measured on "o" events only), -s scales
# the wall time, and frames are drawn at most 60 times a second.
. "$(dirname "$0")/lib.sh"
need script
F=$TC_ROOT/tests/fixtures/player/interactive.cast
run() { # STATS ARGS...: play in a 100x30 pty, quit at the end
	local st=$1; shift
	script -qec "stty cols 100 rows 30; '$TRACECAST' play -Q --stats '$st' $*" /dev/null </dev/null >/dev/null 2>&1
	[ -s "$st" ] || fail "play $* wrote no stats"
}
val() { sed -n "s/^$2=//p" "$1"; }
# 38 s .. 47 s holds the pause 39.5 -> 45.5 (only "s" events inside it)
run "$TC_TMP/a" --from 38 --to 47 -s 4 "$F"
[ "$(val "$TC_TMP/a" recording_s)" = "5.000" ] || fail "header idle limit 2 s: play length $(val "$TC_TMP/a" recording_s), want 9 - (6 - 2) = 5.000"
run "$TC_TMP/b" --from 38 --to 47 -s 4 -i 0 "$F"
[ "$(val "$TC_TMP/b" recording_s)" = "9.000" ] || fail "-i 0: play length $(val "$TC_TMP/b" recording_s), want 9.000"
run "$TC_TMP/c" --from 38 --to 47 -s 4 -i 0.5 "$F"
# -i 0.5 caps every 1 s gap between the ticks too: 4 gaps of 0.5 s
[ "$(val "$TC_TMP/c" recording_s)" = "2.000" ] || fail "-i 0.5: play length $(val "$TC_TMP/c" recording_s), want 2.000"
# wall time follows the speed: 5 s at x4 = 1.25 s (generous upper bound on a loaded machine)
python3 - "$(val "$TC_TMP/a" wall_s)" "$(val "$TC_TMP/a" frames)" <<'PY' || fail "wall time or frame rate off"
import sys
wall, frames = float(sys.argv[1]), int(sys.argv[2])
if not 1.2 <= wall <= 4.0:
    sys.exit("wall %.3f s for 1.25 s of play" % wall)
if frames > 60 * wall + 2:
    sys.exit("%d frames in %.3f s: more than 60/s" % (frames, wall))
if frames < 5:
    sys.exit("only %d frames drawn" % frames)
PY
echo "play options: from/to, idle limit (header, -i), speed, frame rate checked"

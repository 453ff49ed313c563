#!/bin/bash
# Player benchmark on the ~200 MB recording of bench/gen_cast.c
# (bench/out/big.cast, made by bench/format.sh or here):
#  1. `tracecast dump --at end` vs the floor (bench/play_floor.c: the same
#     "o" bytes, pre-extracted, fed into a bare libvterm): wall and CPU,
#     medians of RUNS (default 3) interleaved runs; goal <= 1.5x. Peak RSS
#     of dump; goal < 32 MB.
#  2. Seeking back: `dump --at end,T` minus `dump --at end` (the engine
#     restarts from the file's start and replays up to T).
#  3. `tracecast play` at a speed where output outruns the frame rate, in a
#     pty (script), --quit-at-end: wall time vs the expected
#     duration/speed, frames drawn (<= 60/s), CPU seconds (--stats).
# Writes docs/bench/play.md. Alone: make BUILD=build bench BENCH_ONLY=play
set -u
cd "$(dirname "$0")/.." || exit 1
: "${TRACECAST:=$PWD/build/tracecast}" "${BENCHBIN:=$PWD/build/bench}"
RUNS=${RUNS:-3}
SPEED=${SPEED:-200}
OUT=bench/out
DOC=docs/bench/play.md
mkdir -p "$OUT" docs/bench
for b in "$TRACECAST" "$BENCHBIN/gen_cast" "$BENCHBIN/play_floor"; do
	[ -x "$b" ] || { echo "bench/play.sh: $b missing (run through make bench)" >&2; exit 1; }
done
command -v script >/dev/null || { echo "bench/play.sh: script (bsdutils) missing" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench/play.sh: /usr/bin/time missing (apt-get install time)" >&2; exit 1; }
tmp=$(mktemp -d /tmp/tracecast-bench-play.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
CAST=$OUT/big.cast
if ! [ -s "$CAST" ]; then
	echo "bench/play.sh: generating $CAST"
	"$BENCHBIN/gen_cast" big "$CAST" 162000 >/dev/null || exit 1
fi
RAW=$tmp/big.raw
"$BENCHBIN/play_floor" extract "$CAST" "$RAW" || exit 1
read -r W H < <(head -1 "$CAST" | python3 -c 'import json,sys; h=json.load(sys.stdin); print(h["width"], h["height"])')

# run1 NAME CMD...: stdout to /dev/null; appends "NAME wall cpu maxrss_kb"
run1() {
	local name=$1; shift
	TMPRSS=$tmp/rss python3 - "$name" "$@" >> "$tmp/runs" <<'PY'
import os, subprocess, sys, time
name, cmd = sys.argv[1], sys.argv[2:]
# peak RSS from /usr/bin/time (wait4's ru_maxrss would count the forked
# Python before exec); CPU from wait4 (time's own share is negligible)
rss = os.environ["TMPRSS"]
t0 = time.monotonic()
p = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", rss] + cmd, stdout=subprocess.DEVNULL)
_, status, ru = os.wait4(p.pid, 0)
wall = time.monotonic() - t0
if status != 0:
    sys.exit("bench/play.sh: %s failed (%d)" % (" ".join(cmd), status))
print(name, "%.3f" % wall, "%.3f" % (ru.ru_utime + ru.ru_stime), open(rss).read().split()[-1])
PY
}
: > "$tmp/runs"
T90=$(python3 -c "
import json
last = None
for line in open('$CAST'):
    pass
print('%.3f' % (json.loads(line)[0] * 0.9))")
for i in $(seq "$RUNS"); do
	run1 dump "$TRACECAST" dump --at end "$CAST" || exit 1
	run1 floor "$BENCHBIN/play_floor" feed "$RAW" "$W" "$H" || exit 1
	run1 seekback "$TRACECAST" dump --at "end,$T90" "$CAST" || exit 1
done
med() { # NAME FIELD(2 wall, 3 cpu, 4 rss)
	awk -v n="$1" -v f="$2" '$1 == n { print $f }' "$tmp/runs" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}
dw=$(med dump 2); dc=$(med dump 3); dr=$(med dump 4)
fw=$(med floor 2); fc=$(med floor 3)
sw=$(med seekback 2); sc=$(med seekback 3)
rw=$(python3 -c "print('%.2f' % ($dw / $fw))")
rc=$(python3 -c "print('%.2f' % ($dc / $fc))")
sbw=$(python3 -c "print('%.1f' % ($sw - $dw))")
sbc=$(python3 -c "print('%.1f' % ($sc - $dc))")
mb=$(python3 -c "print('%.1f' % ($dr / 1024))")
size=$(python3 -c "print('%.0f' % ($(stat -c %s "$CAST") / 1e6))")
osize=$(python3 -c "print('%.0f' % ($(stat -c %s "$RAW") / 1e6))")
rate=$(python3 -c "print('%.0f' % ($(stat -c %s "$RAW") / 1e6 / $fc))")

# 3. play at high speed in a pty of 120x40
script -qfec "stty cols 120 rows 40; '$TRACECAST' play --quit-at-end --speed $SPEED --stats '$tmp/stats' '$CAST'" /dev/null > /dev/null 2>&1 < /dev/null
[ -s "$tmp/stats" ] || { echo "bench/play.sh: play --stats wrote nothing" >&2; exit 1; }
. "$tmp/stats"
expect=$(python3 -c "print('%.2f' % ($recording_s / $speed))")
late=$(python3 -c "print('%.1f' % (100 * ($wall_s / ($recording_s / $speed) - 1)))")
fps=$(python3 -c "print('%.1f' % ($frames / $wall_s))")
cpupct=$(python3 -c "print('%.0f' % (100 * $cpu_s / $wall_s))")

{
	echo "## Player (\`bench/play.sh\`)"
	echo
	echo "Recording: \`bench/out/big.cast\` ($size MB, ${W}x$H, $osize MB of \"o\" data, 162000 events of ~1 KiB: text, SGR, UTF-8; \`bench/gen_cast big\`). Medians of $RUNS interleaved runs; CPU = user + sys from wait4; machine shared by several builds, so wall times are noisy and the CPU ratio is the steadier figure."
	echo
	echo "| what | wall s | CPU s | peak RSS | vs floor (wall / CPU) | goal |"
	echo "| --- | --- | --- | --- | --- | --- |"
	echo "| \`tracecast dump --at end big.cast\` | $dw | $dc | $mb MB | ${rw}x / ${rc}x | <= 1.5x, RSS < 32 MB |"
	echo "| floor: \`play_floor feed big.raw $W $H\` (bare libvterm, same bytes) | $fw | $fc | | 1x | |"
	echo "| seek back from the end to 90% (\`dump --at end,$T90\` minus \`--at end\`) | +$sbw | +$sbc | | | |"
	echo
	echo "libvterm 0.1.4 itself takes about $rate MB/s of output here (the floor), so the engine (replay from the start) seeks back at that rate: a seek back to T costs the replay of the output before T, about 0.5 s per $((rate / 2)) MB; interactive up to roughly 10 MB of output before the target, seconds for the 200 MB file. The player feeds at most 1 MiB between looks at the keyboard, so it stays responsive (status line says \"seeking...\") meanwhile."
	echo
	echo "Play at speed x$speed in a 120x40 pty (\`script\`), \`--quit-at-end\`: $recording_s s of recording expected to take $expect s; took $wall_s s (${late}% late, including the index pass over the file), $frames frames drawn ($fps/s, limit 60), $((bytes / 1024)) KiB written to the terminal, CPU $cpu_s s ($cpupct% of one core)."
	echo
	echo "Commands:"
	echo
	echo '```sh illustrative'
	echo "${BENCHBIN#$PWD/}/play_floor extract $CAST big.raw"
	echo "${TRACECAST#$PWD/} dump --at end $CAST            # x$RUNS, interleaved with:"
	echo "${BENCHBIN#$PWD/}/play_floor feed big.raw $W $H"
	echo "${TRACECAST#$PWD/} dump --at end,$T90 $CAST"
	echo "script -qfec \"stty cols 120 rows 40; tracecast play --quit-at-end --speed $SPEED --stats FILE $CAST\" /dev/null"
	echo '```'
} > "$DOC"
cat "$DOC"
python3 -c "import sys; sys.exit(0 if $rc <= 1.5 and $dr < 32768 else 1)" || { echo "bench/play.sh: goal missed (CPU ratio $rc, RSS $mb MB)" >&2; exit 1; }

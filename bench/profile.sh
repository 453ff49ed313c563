#!/bin/bash
# bench/profile.sh: the cost of `tracecast rec --profile`, as the CPU
# seconds (user + system) of the whole tree, recorder included, against the
# same command recorded without --profile, in one run, median of RUNS
# (default 3) runs each, baseline and profiled runs alternating:
#   proc at 20 Hz    on a 10-process tree doing fixed work (bench/prof_work)
#   perf at 99 Hz    on the same tree
#   python at 100 Hz on the eventlet sample (samples/eventlet-wsgi/run.sh),
#                    else on a pure-Python loop
# and the samples lost (perf: PERF_RECORD_LOST; python: samples received
# against the rate asked). Writes docs/bench/profile.md.
# Environment (from make bench): TRACECAST, BENCHBIN, PROGS.
set -u
cd "$(dirname "$0")/.." || exit 1
: "${TRACECAST:=$PWD/build/tracecast}" "${BENCHBIN:=$PWD/build/bench}" "${PROGS:=$PWD/build/progs}"
RUNS=${RUNS:-3}
RUNS_PY=${RUNS_PY:-7}   # Python's CPU seconds vary +-20% run to run here
OUT=docs/bench/profile.md
W=$(mktemp -d /tmp/tracecast-bench-prof.XXXXXX)
trap 'rm -rf "$W"' EXIT
for x in "$TRACECAST" "$BENCHBIN/prof_work"; do
	[ -x "$x" ] || { echo "bench/profile.sh: $x missing (make bench builds it)"; exit 1; }
done
export TRACECAST_PYTHONPATH=${TRACECAST_PYTHONPATH:-$PWD/recorder/python}
TREE="$BENCHBIN/prof_work 10 40 10000000 80"
# a CPU-bound pure-Python loop with fixed work (context for the eventlet
# figure: the sampler's cost is per second, so it weighs more on a light
# workload)
cat > "$W/loop.py" <<'PY'
def f(n):
    return sum(i * i for i in range(n))
for _ in range(1500):
    f(20000)
PY
LOOPW="/usr/bin/python3 $W/loop.py"
if [ -x samples/eventlet-wsgi/run.sh ] && /usr/bin/python3 -c 'import eventlet' 2>/dev/null; then
	PYW="env REQUESTS=${PY_REQUESTS:-100} samples/eventlet-wsgi/run.sh"
	PYNAME="the eventlet sample (samples/eventlet-wsgi/run.sh, REQUESTS=${PY_REQUESTS:-100})"
else
	PYW=$LOOPW
	PYNAME="the pure-Python loop (eventlet sample not available)"
fi

# one SPEC CMD: one recording; prints "cpu_seconds" and keeps the file
one() {
	local spec=$1; shift
	local t="$W/time" f="$W/rec.cast" prof=()
	[ "$spec" = none ] || prof=(--profile="$spec")
	rm -f "$f"
	/usr/bin/time -o "$t" -f "%U %S" "$TRACECAST" rec -q --headless --overwrite "${prof[@]}" "$f" -- "$@" \
		</dev/null >/dev/null 2>"$W/err" || { echo "bench/profile.sh: rec failed: $(cat "$W/err")" >&2; return 1; }
	awk '{printf "%.3f\n", $1 + $2}' "$t"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

# bench NAME SPEC CMD...: RUNS alternating pairs; sets BASE PROF PCT and
# keeps the last profiled recording as $W/NAME.cast
bench() {
	local name=$1 spec=$2; shift 2
	: > "$W/$name.base"; : > "$W/$name.prof"
	local runs=$RUNS
	case $spec in python*) runs=$RUNS_PY ;; esac
	for _ in $(seq "$runs"); do
		one none "$@" >> "$W/$name.base" || return 1
		one "$spec" "$@" >> "$W/$name.prof" || return 1
		cp "$W/rec.cast" "$W/$name.cast"
		cat "$W/err" >> "$W/$name.err"
	done
	BASE=$(median < "$W/$name.base"); PROF=$(median < "$W/$name.prof")
	PCT=$(awk -v b="$BASE" -v p="$PROF" 'BEGIN {printf "%+.1f", 100 * (p - b) / b}')
	echo "bench/profile.sh: $name: base $BASE s, profiled $PROF s ($PCT%) [$(tr '\n' ' ' < "$W/$name.base")| $(tr '\n' ' ' < "$W/$name.prof")]"
}

# counts of a recording: "perf_samples perf_lost py_samples py_threads_seconds proc_samples"
counts() {
	/usr/bin/python3 - "$1" <<'PY'
import json, sys
perf = lost = py = proc = 0
first = last = None
for line in open(sys.argv[1]).readlines()[1:]:
    t, code, data = json.loads(line)
    if code != "p":
        continue
    d = json.loads(data)
    if d["src"] == "perf":
        if "lost" in d: lost += d["lost"]
        else: perf += 1
    elif d["src"] == "py":
        py += 1
        first = t if first is None else first
        last = t
    elif d["src"] == "proc":
        proc += 1
print(perf, lost, py, round((last or 0) - (first or 0), 2), proc)
PY
}

bench proc proc:20 $TREE || exit 1
P_BASE=$BASE P_PROF=$PROF P_PCT=$PCT; read -r _ _ _ _ P_N <<< "$(counts "$W/proc.cast")"
bench perf perf:99 $TREE || exit 1
F_BASE=$BASE F_PROF=$PROF F_PCT=$PCT; read -r F_N F_LOST _ _ _ <<< "$(counts "$W/perf.cast")"
F_REFUSED=$(grep -c "perf_event_open refused" "$W/perf.err")
export TRACECAST_PY_STATS="$W/pystats.python"
bench python python:100 $PYW || exit 1
Y_BASE=$BASE Y_PROF=$PROF Y_PCT=$PCT; read -r _ _ Y_N Y_SPAN _ <<< "$(counts "$W/python.cast")"
export TRACECAST_PY_STATS="$W/pystats.pyloop"
bench pyloop python:100 $LOOPW || exit 1
L_BASE=$BASE L_PROF=$PROF L_PCT=$PCT
unset TRACECAST_PY_STATS
# the sampler threads' own CPU seconds per profiled run (all processes)
Y_OWN=$(awk -v n="$RUNS_PY" '{s += $2} END {printf "%.3f", s / n}' "$W/pystats.python")
L_OWN=$(awk -v n="$RUNS_PY" '{s += $2} END {printf "%.3f", s / n}' "$W/pystats.pyloop")

{
	echo "## Profiler overhead (bench/profile.sh)"
	echo
	echo "CPU seconds (user + system) of the whole recorded tree including the"
	echo "recorder, from \`/usr/bin/time -f '%U %S' $TRACECAST rec -q --headless"
	echo "[--profile=SPEC] FILE -- CMD\`, against the same recording without --profile;"
	echo "median of $RUNS runs each, baseline and profiled runs alternating, in one run"
	echo "of \`make bench\` (BENCH_ONLY=profile). $(nproc) cores, shared with other work."
	echo
	echo "| source | workload | baseline CPU s | profiled CPU s | overhead | goal |"
	echo "| --- | --- | --- | --- | --- | --- |"
	echo "| proc:20 | \`prof_work 10 40 10000000 80\` (10 processes, fixed work) | $P_BASE | $P_PROF | $P_PCT% | < 1% |"
	if [ "$F_REFUSED" -gt 0 ]; then
		echo "| perf:99 | same tree | $F_BASE | $F_PROF | perf refused here: not measured | < 5% |"
	else
		echo "| perf:99 | same tree | $F_BASE | $F_PROF | $F_PCT% | < 5% |"
	fi
	echo "| python:100 | $PYNAME | $Y_BASE | $Y_PROF | $Y_PCT% | < 10% |"
	echo "| python:100 | a CPU-bound pure-Python loop, fixed work (context) | $L_BASE | $L_PROF | $L_PCT% | |"
	echo
	echo "Python rows: median of $RUNS_PY runs each (Python's CPU seconds vary by"
	echo "+-20% from run to run on this shared machine, the C workload's by 1%)."
	echo 'The sampler threads'"'"' own CPU time (`time.thread_time()` at their exit,'
	echo "TRACECAST_PY_STATS), a noise-free part of the cost: $Y_OWN s per run of"
	echo "the eventlet sample ($(awk -v o="$Y_OWN" -v b="$Y_BASE" 'BEGIN {printf "%.1f", 100 * o / b}')% of its baseline), $L_OWN s per run of the loop"
	echo "($(awk -v o="$L_OWN" -v b="$L_BASE" 'BEGIN {printf "%.1f", 100 * o / b}')%); the rest of the difference is the recorder's side and the"
	echo "GIL hand-offs the sampler's wake-ups force on busy threads."
	echo
	echo "Samples in the last profiled recording of each: proc $P_N ticks;"
	echo "perf $F_N samples, **$F_LOST lost** (goal: none); python $Y_N samples over"
	echo "${Y_SPAN} s of sampling (all threads of all Python processes; at 100 Hz per"
	echo "thread; a CPU-bound thread holding the GIL delays the sampler thread, so"
	echo "fewer samples than the rate asks are expected, never an error)."
	echo
	echo "The python sampler's cost is per second and per Python process, not per"
	echo "unit of work, and is mostly wake-ups: measured here (2026-11-27), a C"
	echo "program doing nothing but nanosleep 100 times a second costs 2.9-3.0 ms of"
	echo "CPU a second, a Python thread doing only time.sleep 3.6 ms/s (5.4-7.5 ms/s"
	echo "in a process with other threads), and a wake-up finds the caches cold: the"
	echo "same small piece of Python costs ~7x more just after a 10 ms sleep than"
	echo "run again right after (sum of a 100-item list: 19 us, then 2.6 us). The"
	echo "recorder's own CPU goes from ~0.01 s to ~0.07 s per run of the eventlet"
	echo "sample: it wakes to write each sample one reorder window after the sample's"
	echo "time, i.e. at the sampling rate (the samplers now sample on one"
	echo "CLOCK_MONOTONIC grid so all processes' samples of a round share that wake-up)."
	echo
	echo "Per-run CPU seconds (baseline | profiled):"
	echo
	for n in proc perf python pyloop; do
		echo "- $n: $(tr '\n' ' ' < "$W/$n.base")| $(tr '\n' ' ' < "$W/$n.prof")"
	done
} > "$OUT"
cat "$OUT"

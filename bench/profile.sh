#!/bin/bash
# bench/profile.sh: the cost of `tracecast rec --profile`, as the CPU
# seconds (user + system) of the whole tree, recorder included, against the
# same command recorded without --profile, in one run, medians, baseline
# and profiled runs alternating:
#   proc at 20 Hz    on a 10-process tree doing fixed work (bench/prof_work)
#   perf at 99 Hz    on the same tree
#   python at 100 Hz on the eventlet sample (samples/eventlet-wsgi/run.sh) as
#                    shipped and with REQUESTS=100, and on a pure-Python
#                    loop: the outside sampler, the native and the
#                    pure-Python in-process samplers against the floor (a
#                    thread that only wakes 100 Hz in each Python process)
#                    and cProfile
# and the samples lost (perf: PERF_RECORD_LOST). Writes docs/bench/profile.md.
# Environment (from make bench): TRACECAST, BENCHBIN, PROGS; RUNS (proc,
# perf; default 11), RUNS_PY (default 7), RUNS_PY10 (default 25).
# PROFILE_ONLY=outside measures only the outside sampler against no
# --profile (the eventlet rows and the recorder's own CPU) and puts its
# section into docs/bench/profile.md between the "outside" markers,
# leaving the rest of the file as the last full run wrote it.
set -u
cd "$(dirname "$0")/.." || exit 1
: "${TRACECAST:=$PWD/build/tracecast}" "${BENCHBIN:=$PWD/build/bench}" "${PROGS:=$PWD/build/progs}"
RUNS=${RUNS:-11}
RUNS_PY=${RUNS_PY:-7}   # Python's CPU seconds vary +-20% run to run here
LOADAVG=$(cut -d' ' -f1-3 /proc/loadavg)
OUT=docs/bench/profile.md
W=$(mktemp -d /tmp/tracecast-bench-prof.XXXXXX)
trap 'rm -rf "$W"' EXIT
for x in "$TRACECAST" "$BENCHBIN/prof_work"; do
	[ -x "$x" ] || { echo "bench/profile.sh: $x missing (make bench builds it)"; exit 1; }
done
export TRACECAST_PYTHONPATH=${TRACECAST_PYTHONPATH:-$PWD/recorder/python}
unset TRACECAST_PY_NATIVE
TREE="$BENCHBIN/prof_work 10 40 10000000 80"
WAKER=$BENCHBIN/waker_preload.so
SFLOOR=$BENCHBIN/sampler_floor
[ -f "$WAKER" ] || { echo "bench/profile.sh: $WAKER missing (make bench builds it)"; exit 1; }
# The seed workflow's profiler, for comparison: cProfile started in every
# Python process of the tree through a sitecustomize (as `python -m
# cProfile` would for the main thread), its stats dumped at exit.
mkdir -p "$W/cprofile" "$W/cprof.out"
cat > "$W/cprofile/sitecustomize.py" <<'PY'
import atexit, cProfile, os
_p = cProfile.Profile()
_p.enable()
def _dump():
    _p.disable()
    _p.dump_stats(os.path.join(os.environ["TC_CPROF_OUT"], "%d.prof" % os.getpid()))
atexit.register(_dump)
PY
# a CPU-bound pure-Python loop with fixed work (context: the sampler's cost
# is per second, so it weighs more on a light workload)
cat > "$W/loop.py" <<'PY'
def f(n):
    return sum(i * i for i in range(n))
for _ in range(1500):
    f(20000)
PY
LOOPW="/usr/bin/python3 $W/loop.py"
/usr/bin/python3 -c 'import eventlet' 2>/dev/null || { echo "bench/profile.sh: python3-eventlet missing (make deps)"; exit 1; }
EVW="samples/eventlet-wsgi/run.sh"

# one SPEC CMD: one recording; prints "cpu_seconds" and keeps the file
# The python variants, as SPEC: "outside" is --profile=python-outside:100
# (the outside sampler, what --profile=python picks here); "native" and
# "pure" are --profile=python-inside:100 with the native module and with
# the pure-Python sampler (TRACECAST_PY_NATIVE=""); "floor" records without --profile, with a
# thread that only wakes 100 times a second in each Python process
# (bench/waker_preload.c); "cprofile" without --profile, with cProfile on.
one() {
	local spec=$1; shift
	local t="$W/time" f="$W/rec.cast" prof=() envs=() bin=$TRACECAST
	case $spec in
	none) ;;
	outside) prof=(--profile=python-outside:100) ;;
	old) prof=(--profile=python-outside:100); bin=$OLD_TRACECAST ;;
	native) prof=(--profile=python-inside:100) ;;
	pure) prof=(--profile=python-inside:100); envs=(TRACECAST_PY_NATIVE=) ;;
	floor) envs=(TC_WAKER_HZ=100 "LD_PRELOAD=$WAKER") ;;
	cprofile) envs=("PYTHONPATH=$W/cprofile" "TC_CPROF_OUT=$W/cprof.out") ;;
	*) prof=(--profile="$spec") ;;
	esac
	# a run that fails (the eventlet client timing out on a loaded machine)
	# is run again, twice at most
	# (the recorder's own CPU, perf stat --no-inherit, into $W/self_ms when
	# perf runs here: the rest of the tree's CPU is the target's)
	local ps=()
	[ -n "$PERF_SELF" ] && ps=(perf stat -x, -e task-clock --no-inherit -o "$W/perfself")
	for try in 1 2 3; do
		rm -f "$f"
		env "${envs[@]}" /usr/bin/time -o "$t" -f "%U %S" "${ps[@]}" "$bin" rec -q --headless --overwrite \
			"${prof[@]}" "$f" -- "$@" </dev/null >/dev/null 2>"$W/err" && break
		[ "$try" = 3 ] && { echo "bench/profile.sh: rec failed: $(cat "$W/err")" >&2; return 1; }
		echo "bench/profile.sh: rec failed, run again: $(tail -n 2 "$W/err")" >&2
	done
	awk '{printf "%.3f\n", $1 + $2}' "$t"
	if [ -n "$PERF_SELF" ]; then
		awk -F, '/task-clock/ {printf "%.1f\n", $1}' "$W/perfself" > "$W/self_ms"
	fi
}
PERF_SELF=
perf stat -x, -e task-clock --no-inherit -o /dev/null true 2>/dev/null && PERF_SELF=1

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
# pct BASEFILE FILE: the overhead in %, as the median of the per-round
# differences (FILE's run minus the baseline run of the same round, next
# to it in time: slow drifts of the machine's speed cancel) over the
# baseline's median
pct() {
	local b d
	b=$(median < "$1")
	d=$(paste -d' ' "$1" "$2" | awk '{print $2 - $1}' | median)
	awk -v b="$b" -v d="$d" 'BEGIN {printf "%+.1f", 100 * d / b}'
}

# bench NAME SPEC CMD...: RUNS alternating pairs; sets BASE PROF PCT and
# keeps the last profiled recording as $W/NAME.cast
bench() {
	local name=$1 spec=$2; shift 2
	: > "$W/$name.base"; : > "$W/$name.prof"
	for _ in $(seq "$RUNS"); do
		one none "$@" >> "$W/$name.base" || return 1
		one "$spec" "$@" >> "$W/$name.prof" || return 1
		cp "$W/rec.cast" "$W/$name.cast"
		cat "$W/err" >> "$W/$name.err"
	done
	BASE=$(median < "$W/$name.base"); PROF=$(median < "$W/$name.prof")
	PCT=$(pct "$W/$name.base" "$W/$name.prof")
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
    elif d["src"] == "py" and "stack" in d:  # not a lost-rounds record
        py += 1
        first = t if first is None else first
        last = t
    elif d["src"] == "proc":
        proc += 1
print(perf, lost, py, round((last or 0) - (first or 0), 2), proc)
PY
}

# lostpy FILE: "samples lost late torn deep" of the outside sampler's recording
lostpy() {
	/usr/bin/python3 - "$1" <<'PY'
import json, sys
n = lost = late = torn = deep = 0
for line in open(sys.argv[1]).readlines()[1:]:
    t, code, data = json.loads(line)
    if code != "p":
        continue
    d = json.loads(data)
    if d.get("src") != "py":
        continue
    if "lost" in d:
        lost += d["lost"]; late += d["late"]; torn += d["torn"]; deep += d["deep"]
    else:
        n += 1
print(n, lost, late, torn, deep)
PY
}
# pylost NAME: "L lost of N (late, torn, deep)" over all runs of the outside sampler
pylost() {
	awk '{n += $1; l += $2; a += $3; t += $4; d += $5} END {printf "%d of %d (%d late, %d torn, %d too deep)", l, n + l, a, t, d}' "$W/pyoutlost.$1"
}

# pybench NAME RUNS CMD...: RUNS rounds of the python variants, in turn
# within each round; sets NAME_<variant> medians in $W/NAME.<variant>
PYV="none outside native pure floor cprofile"
pybench() {
	local name=$1 runs=$2 v; shift 2
	for v in $PYV; do : > "$W/$name.$v"; : > "$W/$name.$v.self"; done
	: > "$W/pystats.$name"; : > "$W/pyoutlost.$name"
	for _ in $(seq "$runs"); do
		for v in $PYV; do
			case $v in native|pure) export TRACECAST_PY_STATS="$W/pystats.$name" ;; esac
			one "$v" "$@" >> "$W/$name.$v" || return 1
			[ -n "$PERF_SELF" ] && cat "$W/self_ms" >> "$W/$name.$v.self"
			unset TRACECAST_PY_STATS
			[ "$v" = native ] && cp "$W/rec.cast" "$W/$name.cast"
			if [ "$v" = outside ]; then
				cp "$W/rec.cast" "$W/$name.out.cast"
				lostpy "$W/rec.cast" >> "$W/pyoutlost.$name"
			fi
		done
	done
	echo "bench/profile.sh: $name: $(for v in $PYV; do printf '%s %s ' "$v" "$(median < "$W/$name.$v")"; done)"
}
# verdict PCT LIMIT: "met" if PCT < LIMIT (percent), else "**not met**"
verdict() {
	awk -v p="$1" -v l="$2" 'BEGIN {print (p + 0 < l + 0) ? "met" : "**not met**"}'
}
# pyrow NAME LABEL: a table row of the variants' medians against none
pyrow() {
	local name=$1 label=$2 b v m row
	b=$(median < "$W/$name.none")
	row="| $label | $b"
	for v in outside native pure floor cprofile; do
		m=$(median < "$W/$name.$v")
		row="$row | $m ($(pct "$W/$name.none" "$W/$name.$v")%)"
	done
	echo "$row |"
}
# pyown NAME IMPL RUNS: the sampler threads' own CPU seconds per run (all processes)
pyown() {
	awk -v i="$2" -v n="$3" '$3 == i {s += $2} END {printf "%.3f", s / n}' "$W/pystats.$1"
}
# pyskip NAME IMPL: "skipped of rounds+skipped" over all runs (rounds a
# sampler skipped being late: the python source's samples lost)
pyskip() {
	awk -v i="$2" '$3 == i {r += $4; k += $5} END {printf "%d of %d", k, r + k}' "$W/pystats.$1"
}

# recself NAME SPEC CMD...: the recorder's own CPU ms (perf stat task-clock,
# not inherited: the recorder alone), median of RUNS_SELF (default 5)
recself() {
	local name=$1 spec=$2 prof=(); shift 2
	[ "$spec" = none ] || prof=(--profile="$spec")
	: > "$W/self.$name"
	for _ in $(seq "${RUNS_SELF:-5}"); do
		perf stat -x, -e task-clock --no-inherit -o "$W/perfstat" "$TRACECAST" rec -q --headless \
			--overwrite "${prof[@]}" "$W/self.cast" -- "$@" </dev/null >/dev/null 2>&1 || return 1
		awk -F, '/task-clock/ {printf "%.1f\n", $1}' "$W/perfstat" >> "$W/self.$name"
	done
	median < "$W/self.$name"
}

if [ "${PROFILE_ONLY:-}" = outside ]; then
	PYV="none outside"
	# OLD_TRACECAST=BINARY: also that build's outside sampler, in the same
	# rounds (to measure a change of the sampler against its previous version)
	[ -n "${OLD_TRACECAST:-}" ] && PYV="none outside old"
	RUNS_PY10=${RUNS_PY10:-25}
	pybench ev10 "$RUNS_PY10" env REQUESTS=10 $EVW || exit 1
	pybench ev100 "$RUNS_PY" env REQUESTS=100 $EVW || exit 1
	S_NONE=$(recself none none env REQUESTS=100 $EVW) &&
		S_OUT=$(recself pyout python-outside:100 env REQUESTS=100 $EVW) &&
		S_LOOP0=$(recself loop0 none $LOOPW) && S_LOOPO=$(recself loopo python-outside:100 $LOOPW) || exit 1
	S_LOOPS=$( { /usr/bin/time -f %e /usr/bin/python3 "$W/loop.py" >/dev/null; } 2>&1 | tail -1)
	# the floor of any sampler that wakes HZ times a second, inside or
	# outside: a process that sleeps 5 s, with and without a thread that
	# only wakes 100 times a second (bench/waker_preload.c), alternating
	: > "$W/wake.0"; : > "$W/wake.1"
	for _ in $(seq "${RUNS_SELF:-5}"); do
		for v in 0 1; do
			envs=(); [ "$v" = 1 ] && envs=(TC_WAKER_HZ=100 "LD_PRELOAD=$WAKER")
			env "${envs[@]}" /usr/bin/time -o "$W/wt" -f "%U %S" /usr/bin/python3 -c 'import time; time.sleep(5)'
			awk '{printf "%.3f\n", $1 + $2}' "$W/wt" >> "$W/wake.$v"
		done
	done
	# the raw limit of a 100 Hz sampler reading from outside
	# (bench/sampler_floor.c): its own CPU on the same runs of the sample,
	# level 0 woken 100 times a second only, 1 with one 8-byte read of
	# each Python process a tick, 2 with a schedstat read of each of their
	# threads too (what knowing which threads ran takes); interleaved
	for n in 10 100; do
		for lv in 0 1 2; do : > "$W/floor.$n.$lv"; done
		for _ in $(seq "${RUNS_SELF:-5}"); do
			for lv in 0 1 2; do
				SF_LEVEL=$lv REQUESTS=$n "$SFLOOR" 100 $EVW </dev/null 2>&1 >/dev/null |
					sed -n 's/^sampler_floor: cpu_ms=\([0-9.]*\).*/\1/p' >> "$W/floor.$n.$lv"
			done
		done
	done
	castlen() { tail -n 1 "$1" | /usr/bin/python3 -c 'import json, sys; print("%.1f" % json.loads(sys.stdin.read())[0])'; }
	EV10_S=$(castlen "$W/ev10.out.cast"); EV100_S=$(castlen "$W/ev100.out.cast")
	WAKE_MS=$(paste -d' ' "$W/wake.0" "$W/wake.1" | awk '{print ($2 - $1) * 1000 / 5}' | median)
	# where the recorder's CPU goes: one REQUESTS=100 recording under perf
	# record (cpu-clock, DWARF call graphs: the build has no frame
	# pointers), each part's share with its callees
	WHERE=
	if [ -n "$PERF_SELF" ] && REQUESTS=100 perf record -q -e cpu-clock -F 2000 --call-graph dwarf,16384 \
		--no-inherit -o "$W/perf.data" "$TRACECAST" rec -q --headless --overwrite \
		--profile=python-outside:100 "$W/where.cast" -- $EVW </dev/null >/dev/null 2>&1; then
		perf report -i "$W/perf.data" --children --sort sym --stdio -g none 2>/dev/null > "$W/where.txt"
		share() { awk -v s="$1" '$1 ~ /%$/ && $4 == s {print $1; exit}' "$W/where.txt"; }
		WHERE="the sampler's tick $(share src_tick) (of it: the walks \`py_walk_sample\` $(share py_walk_sample),
of which the re-read that checks a chain \`pt_verify\` $(share pt_verify); the threads' \`/proc\` reads
\`pyout_tasks_begin\` $(share pyout_tasks_begin); the looks for new processes and execs
\`pyout_tree_look\` $(share pyout_tree_look) and its \`tr_check_exes\` $(share tr_check_exes) (a tail call: perf
shows it apart); writing the events \`po_emit_stack\` $(share po_emit_stack)); the loop's \`poll\` syscall
$(share __x64_sys_poll) (woken HZ times a second); in all, the \`process_vm_readv\` syscalls
$(share __x64_sys_process_vm_readv) and the \`pread\` ones $(share __x64_sys_pread64)"
	fi
	O10=$(pct "$W/ev10.none" "$W/ev10.outside"); O100=$(pct "$W/ev100.none" "$W/ev100.outside")
	SEC=$W/outside.md
	{
		echo "<!-- outside: begin (PROFILE_ONLY=outside bench/profile.sh) -->"
		echo "### python-outside:100, the outside sampler (goal: < 3% on the eventlet sample)"
		echo
		echo "\`PROFILE_ONLY=outside BENCH_ONLY=profile make bench\`: $RUNS_PY10 rounds (REQUESTS=10)"
		echo "or $RUNS_PY rounds (REQUESTS=100) of a recording without --profile and one with"
		echo "\`--profile=python-outside:100\`, alternating; CPU seconds of the whole tree,"
		echo "recorder included, medians; overhead as above. Load average at the start:"
		echo "$LOADAVG (2 cores shared with other work)."
		echo
		echo "| workload | none | outside | goal |"
		echo "| --- | --- | --- | --- |"
		echo "| the eventlet sample as shipped (REQUESTS=10) | $(median < "$W/ev10.none") | $(median < "$W/ev10.outside") ($O10%) | < 3%: $(verdict "$O10" 3) |"
		echo "| the eventlet sample, REQUESTS=100 | $(median < "$W/ev100.none") | $(median < "$W/ev100.outside") ($O100%) | < 3%: $(verdict "$O100" 3) |"
		if [ -n "${OLD_TRACECAST:-}" ]; then
			echo "| as shipped, the previous version (OLD_TRACECAST=$OLD_TRACECAST) | | $(median < "$W/ev10.old") ($(pct "$W/ev10.none" "$W/ev10.old")%) | |"
			echo "| REQUESTS=100, the previous version | | $(median < "$W/ev100.old") ($(pct "$W/ev100.none" "$W/ev100.old")%) | |"
		fi
		echo
		if [ -n "$PERF_SELF" ]; then
			echo "Where the overhead is, per run (the recorder's own CPU from \`perf stat -e task-clock"
			echo "--no-inherit\` around it in the same runs; the target's: the tree's CPU minus the recorder's),"
			echo "medians of the per-round differences:"
			echo
			echo "| workload | recorder ms: none | recorder ms: outside | recorder's extra CPU | target's extra CPU |"
			echo "| --- | ---: | ---: | ---: | ---: |"
			for nv in ev10:outside ev100:outside ${OLD_TRACECAST:+ev10:old ev100:old}; do
				n=${nv%%:*} v=${nv#*:}
				/usr/bin/python3 - "$W/$n.none" "$W/$n.none.self" "$W/$n.$v" "$W/$n.$v.self" "$n" "$v" <<'PY'
import statistics as st, sys
f = lambda p: [float(x) for x in open(p).read().split()]
a, sa, b, sb = (f(p) for p in sys.argv[1:5])
base = st.median(a)
rec = st.median(y - x for x, y in zip(sa, sb))
tgt = st.median((tb - yb / 1000) - (ta - ya / 1000) for ta, ya, tb, yb in zip(a, sa, b, sb))
label = {"ev10": "as shipped (REQUESTS=10)", "ev100": "REQUESTS=100"}[sys.argv[5]]
if sys.argv[6] == "old":
    label += ", the previous version"
print("| %s | %.1f | %.1f | %+.1f ms (%+.1f%%) | %+.1f ms (%+.1f%%) |" % (
    label, st.median(sa), st.median(sb), rec, 100 * rec / 1000 / base, 1000 * tgt, 100 * tgt / base))
PY
			done
			echo
		fi
		echo "Samples lost (lost events: late rounds, torn stacks, deep chains) over all"
		echo "runs: $(pylost ev10) on REQUESTS=10; $(pylost ev100) on REQUESTS=100."
		echo
		echo "The recorder's own CPU (\`perf stat -e task-clock --no-inherit\`, median of"
		echo "${RUNS_SELF:-5}): $S_NONE ms without --profile, $S_OUT ms with python-outside:100 on"
		echo "REQUESTS=100 (two Python processes); on one Python process (the CPU-bound loop,"
		echo "one thread, ${S_LOOPS} s unrecorded): $S_LOOP0 ms without, $S_LOOPO ms with, about"
		echo "$(awk -v a="$S_LOOP0" -v b="$S_LOOPO" -v s="$S_LOOPS" 'BEGIN {printf "%.1f", (b - a) / s}') ms of the recorder's CPU per second of one busy process at 100 Hz."
		echo
		echo "The floor of any 100 Hz sampler here, wherever it runs: a process that sleeps 5 s costs"
		echo "$WAKE_MS ms of CPU per second more with a thread that only wakes 100 times a second"
		echo "(bench/waker_preload.c; median of ${RUNS_SELF:-5} pairs). Against the baseline's CPU per second"
		echo "of wall time, that floor alone is $(awk -v w="$WAKE_MS" -v c="$(median < "$W/ev10.none")" -v s="$EV10_S" 'BEGIN {printf "%.1f", 100 * w * s / 1000 / c}')% of the sample as shipped ($EV10_S s)"
		echo "and $(awk -v w="$WAKE_MS" -v c="$(median < "$W/ev100.none")" -v s="$EV100_S" 'BEGIN {printf "%.1f", 100 * w * s / 1000 / c}')% of REQUESTS=100 ($EV100_S s)."
		echo
		echo "The raw limit of a sampler that reads from outside at 100 Hz here"
		echo "(bench/sampler_floor.c, run on the same sample, its own CPU, median of ${RUNS_SELF:-5};"
		echo "in brackets against the baseline tree's CPU above), beside the recorder's extra CPU"
		echo "with python-outside:100 (from the table above):"
		echo
		echo "| workload | woken 100/s | + 1 read per process | + 1 schedstat read per thread | the recorder's extra |"
		echo "| --- | ---: | ---: | ---: | ---: |"
		for n in 10 100; do
			b=$(median < "$W/ev$n.none")
			cell() { awk -v m="$1" -v b="$b" 'BEGIN {printf "%.1f ms (%.1f%%)", m, 100 * m / 1000 / b}'; }
			extra=$(paste -d' ' "$W/ev$n.none.self" "$W/ev$n.outside.self" | awk '{print $2 - $1}' | median)
			echo "| REQUESTS=$n | $(cell "$(median < "$W/floor.$n.0")") | $(cell "$(median < "$W/floor.$n.1")") | $(cell "$(median < "$W/floor.$n.2")") | $(cell "$extra") |"
		done
		echo
		if [ -n "$WHERE" ]; then
			echo "Where the recorder's CPU goes with python-outside:100 (\`perf record -e cpu-clock"
			echo "--call-graph dwarf --no-inherit\` on one REQUESTS=100 recording; shares of the recorder's"
			echo "samples, callees included): $WHERE."
			echo
		fi
		echo "Per-run CPU seconds:"
		echo
		for n in ev10 ev100; do
			for v in $PYV; do
				echo "- $n $v: $(tr '\n' ' ' < "$W/$n.$v")"
			done
		done
		echo "<!-- outside: end -->"
	} > "$SEC"
	touch "$OUT"
	awk -v sec="$SEC" '
		/<!-- outside: begin/ { skip = 1; while ((getline l < sec) > 0) print l; done = 1; next }
		/<!-- outside: end -->/ { skip = 0; next }
		!skip { print }
		END { if (!done) { print ""; while ((getline l < sec) > 0) print l } }' "$OUT" > "$W/profile.md"
	cp "$W/profile.md" "$OUT"
	cat "$SEC"
	exit 0
fi

bench proc proc:20 $TREE || exit 1
P_BASE=$BASE P_PROF=$PROF P_PCT=$PCT; read -r _ _ _ _ P_N <<< "$(counts "$W/proc.cast")"
bench perf perf:99 $TREE || exit 1
F_BASE=$BASE F_PROF=$PROF F_PCT=$PCT; read -r F_N F_LOST _ _ _ <<< "$(counts "$W/perf.cast")"
F_REFUSED=$(grep -c "perf_event_open refused" "$W/perf.err")
RUNS_PY10=${RUNS_PY10:-25}
pybench ev10 "$RUNS_PY10" env REQUESTS=10 $EVW || exit 1
pybench ev100 "$RUNS_PY" env REQUESTS=100 $EVW || exit 1
pybench loop "$RUNS_PY" $LOOPW || exit 1
read -r _ _ Y_N Y_SPAN _ <<< "$(counts "$W/ev100.cast")"
if command -v perf >/dev/null; then
	S_NONE=$(recself none none env REQUESTS=100 $EVW) && S_PY=$(recself py python-inside:100 env REQUESTS=100 $EVW) &&
		S_OUT=$(recself pyout python-outside:100 env REQUESTS=100 $EVW) &&
		S_LOOP0=$(recself loop0 none $LOOPW) && S_LOOPO=$(recself loopo python-outside:100 $LOOPW) &&
		S_PROC0=$(recself proc0 none $TREE) && S_PROC=$(recself proc proc:20 $TREE) || exit 1
	# the loop's length, for the recorder's CPU per second of one process
	S_LOOPS=$( { /usr/bin/time -f %e /usr/bin/python3 "$W/loop.py" >/dev/null; } 2>&1 | tail -1)
fi
read -r _ _ Y10_N Y10_SPAN _ <<< "$(counts "$W/ev10.cast")"

{
	echo "## Profiler overhead (bench/profile.sh)"
	echo
	echo "CPU seconds (user + system) of the whole recorded tree including the"
	echo "recorder, from \`/usr/bin/time -f '%U %S' $TRACECAST rec -q --headless"
	echo "[--profile=SPEC] FILE -- CMD\`, against the same recording without --profile;"
	echo "$RUNS rounds of a baseline and a profiled run (python: see below), in one run"
	echo "of \`make bench\` (BENCH_ONLY=profile); the CPU columns are medians, the"
	echo "overhead is the median of the per-round differences (each profiled run minus"
	echo "the baseline run next to it, so that slow drifts of this shared machine's"
	echo "speed cancel) over the baseline's median. $(nproc) cores, shared with other work."
	echo
	echo "| source | workload | baseline CPU s | profiled CPU s | overhead | goal |"
	echo "| --- | --- | --- | --- | --- | --- |"
	echo "| proc:20 | \`prof_work 10 40 10000000 80\` (10 processes, fixed work) | $P_BASE | $P_PROF | $P_PCT% | < 1%: $(verdict "$P_PCT" 1) |"
	if [ "$F_REFUSED" -gt 0 ]; then
		echo "| perf:99 | same tree | $F_BASE | $F_PROF | perf refused here: not measured | < 5% |"
	else
		echo "| perf:99 | same tree | $F_BASE | $F_PROF | $F_PCT% | < 5%: $(verdict "$F_PCT" 5) |"
	fi
	echo
	echo "Samples in the last profiled recording: proc $P_N ticks; perf $F_N samples,"
	echo "**$F_LOST lost** (goal: none)."
	echo
	echo "### python:100 (goals: < 10% in-process, < 3% outside, on the eventlet sample)"
	echo
	echo "Five recordings of each workload in turn, $RUNS_PY10 rounds (REQUESTS=10) or"
	echo "$RUNS_PY rounds (the others); medians, and in brackets the overhead against"
	echo "none (median of the per-round differences over none's median, as above):"
	echo
	echo "- **outside**: \`--profile=python-outside:100\`, the outside sampler (the recorder"
	echo "  reads the stacks with process_vm_readv; what \`--profile=python\` picks here);"
	echo "- **native**: \`--profile=python-inside:100\`, the in-process native sampler (\`_tracecast_sampler\`);"
	echo "- **pure**: the same with \`TRACECAST_PY_NATIVE=\` (the pure-Python sampler);"
	echo "- **floor**: no --profile; \`LD_PRELOAD=waker_preload.so TC_WAKER_HZ=100\` starts"
	echo "  a thread in each Python process that only wakes 100 times a second and"
	echo "  sleeps again (bench/waker_preload.c): the raw limit of any sampler that runs"
	echo "  inside the process at that rate, on this machine;"
	echo "- **cprofile**: no --profile; cProfile on in each Python process (through a"
	echo "  sitecustomize, stats dumped at exit): the seed workflow's profiler."
	echo
	echo "| workload | none | outside | native | pure | floor | cprofile |"
	echo "| --- | --- | --- | --- | --- | --- | --- |"
	pyrow ev10 "the eventlet sample as shipped (\`samples/eventlet-wsgi/run.sh\`, REQUESTS=10)"
	pyrow ev100 "the eventlet sample, REQUESTS=100 (7 s, mostly waiting)"
	pyrow loop "a CPU-bound pure-Python loop, fixed work"
	echo
	Y_PCT=$(pct "$W/ev10.none" "$W/ev10.native")
	O10=$(pct "$W/ev10.none" "$W/ev10.outside"); O100=$(pct "$W/ev100.none" "$W/ev100.outside")
	echo "Goals: the outside sampler < 3% on the eventlet sample as shipped: $(verdict "$O10" 3)"
	echo "($O10%), and on REQUESTS=100: $(verdict "$O100" 3) ($O100%). The in-process native"
	echo "sampler < 10% on the sample as shipped: $(verdict "$Y_PCT" 10) ($Y_PCT%). The loop is"
	echo "context: an in-process sampler's cost is per second and per Python process."
	echo
	echo "The outside sampler's samples lost, over all runs (lost events: rounds"
	echo "late, stacks torn under every try, chains too deep): $(pylost ev10) on"
	echo "REQUESTS=10; $(pylost ev100) on REQUESTS=100; $(pylost loop) on the loop."
	echo
	echo "The sampler threads' own CPU seconds per run (\`time.thread_time()\` or"
	echo "CLOCK_THREAD_CPUTIME_ID at their exit, TRACECAST_PY_STATS; all Python processes):"
	echo "native $(pyown ev10 native "$RUNS_PY10") / pure $(pyown ev10 python "$RUNS_PY10") s on REQUESTS=10,"
	echo "native $(pyown ev100 native "$RUNS_PY") / pure $(pyown ev100 python "$RUNS_PY") s on REQUESTS=100,"
	echo "native $(pyown loop native "$RUNS_PY") / pure $(pyown loop python "$RUNS_PY") s on the loop."
	echo
	echo "Rounds skipped, being late (a thread held the GIL past the next round;"
	echo "the python source's samples lost), over all runs: native $(pyskip ev10 native),"
	echo "pure $(pyskip ev10 python) (REQUESTS=10); native $(pyskip ev100 native), pure"
	echo "$(pyskip ev100 python) (REQUESTS=100); native $(pyskip loop native), pure $(pyskip loop python) (loop)."
	echo
	if [ -n "${S_NONE:-}" ]; then
		echo "The recorder's own CPU (\`perf stat -e task-clock --no-inherit\`, the recorder"
		echo "process alone, median of ${RUNS_SELF:-5}): $S_NONE ms without --profile, $S_PY ms with"
		echo "python-inside:100 (native), $S_OUT ms with python-outside:100 on REQUESTS=100"
		echo "(two Python processes); $S_LOOP0 ms without, $S_LOOPO ms with python-outside:100"
		echo "on the loop (one Python process, one thread, ${S_LOOPS} s unrecorded): the"
		echo "outside sampler's cost in the recorder is about $(awk -v a="$S_LOOP0" -v b="$S_LOOPO" -v s="$S_LOOPS" 'BEGIN {printf "%.1f", (b - a) / s}') ms of CPU per second"
		echo "for one process at 100 Hz. $S_PROC0 ms without, $S_PROC ms with proc:20"
		echo "on the 10-process tree."
		echo
	fi
	echo "Samples in the last native recording: $Y10_N over ${Y10_SPAN} s (REQUESTS=10),"
	echo "$Y_N over ${Y_SPAN} s (REQUESTS=100); all threads of all Python processes, 100"
	echo "a second per thread (a thread that holds the GIL delays the sampler: a late"
	echo "round is skipped, never sent in a burst)."
	echo
	echo "Per-run CPU seconds:"
	echo
	for n in proc perf; do
		echo "- $n: $(tr '\n' ' ' < "$W/$n.base")| $(tr '\n' ' ' < "$W/$n.prof")"
	done
	for n in ev10 ev100 loop; do
		for v in $PYV; do
			echo "- $n $v: $(tr '\n' ' ' < "$W/$n.$v")"
		done
	done
} > "$OUT"
cat "$OUT"

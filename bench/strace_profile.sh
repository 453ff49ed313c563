#!/bin/bash
# bench/strace_profile.sh: what --profile=python adds to --strace (issue 12:
# the in-process sampler's own syscalls were 19-20% of the trace and cost
# 0.3-0.9x more CPU). The eventlet sample (samples/eventlet-wsgi/run.sh,
# REQUESTS=10 as shipped, and REQUESTS=100: 7 s, mostly waiting) recorded
# with `tracecast rec --strace` and with `--strace --profile=python:100`,
# RUNS (default 7) rounds, the two alternating; CPU seconds (user+system)
# of the whole tree, recorder and strace included (/usr/bin/time); medians
# and the median of the per-round ratios. Also the "s" lines of each and the
# sampler lines dropped. Goal: at most 1.15x the CPU of --strace alone.
# REQS (default "10 100") picks the workloads; PY_SPEC (default python:100)
# the --profile value. Which sampler ran (the header's python_sampler:
# "outside" where the recorder may read its children's memory, as here) is
# checked in every profiled recording and written in the table: a run whose
# sampler differs from the first one's fails. Writes
# docs/bench/strace_profile.md. Alone:
#   make bench BENCH_ONLY=strace_profile
set -u
cd "$(dirname "$0")/.." || exit 1
: "${TRACECAST:=$PWD/build/tracecast}"
RUNS=${RUNS:-7}
OUT=${OUT:-docs/bench/strace_profile.md}
W=$(mktemp -d /tmp/tracecast-bench-sp.XXXXXX)
trap 'rm -rf "$W"' EXIT
[ -x "$TRACECAST" ] || { echo "bench/strace_profile.sh: $TRACECAST missing"; exit 1; }
command -v strace >/dev/null || { echo "bench/strace_profile.sh: strace missing (make deps)"; exit 1; }
/usr/bin/python3 -c 'import eventlet' 2>/dev/null || { echo "bench/strace_profile.sh: python3-eventlet missing (make deps)"; exit 1; }
export TRACECAST_PYTHONPATH=${TRACECAST_PYTHONPATH:-$PWD/recorder/python}
unset TRACECAST_PY_NATIVE
EVW=samples/eventlet-wsgi/run.sh
PY_SPEC=${PY_SPEC:-python:100}
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)

# one MODE REQ: prints "cpu s_lines dropped sampler"
one() {
	local prof=() f="$W/r.cast"
	[ "$1" = py ] && prof=(--profile="$PY_SPEC")
	rm -f "$f"
	env REQUESTS="$2" /usr/bin/time -o "$W/time" -f "%U %S" "$TRACECAST" rec -q --headless \
		--overwrite --strace "${prof[@]}" "$f" -- $EVW </dev/null >/dev/null 2>"$W/err" ||
		{ echo "bench/strace_profile.sh: rec failed: $(cat "$W/err")" >&2; return 1; }
	/usr/bin/python3 - "$f" "$(awk '{print $1 + $2}' "$W/time")" <<'PY'
import json, sys
s = d = 0
lines = open(sys.argv[1]).readlines()
prof = json.loads(lines[0]).get("tracecast", {}).get("sources", {}).get("profile", {})
for line in lines[1:]:
    t, code, data = json.loads(line)
    if code == "s":
        s += 1
    elif code == "t" and "dropped_sampler_lines" in data:
        d = json.loads(data)["dropped_sampler_lines"]
print(sys.argv[2], s, d, prof.get("python_sampler", "-"))
PY
}

rows=()
for req in ${REQS:-10 100}; do
	: > "$W/strace.$req"; : > "$W/py.$req"
	for _ in $(seq "$RUNS"); do
		one strace "$req" >> "$W/strace.$req" || exit 1
		one py "$req" >> "$W/py.$req" || exit 1
	done
	samplers=$(awk '{print $4}' "$W/py.$req" | sort -u | tr '\n' ' ')
	[ "$(echo $samplers | wc -w)" = 1 ] ||
		{ echo "bench/strace_profile.sh: the sampler changed between runs: $samplers" >&2; exit 1; }
	row=$(/usr/bin/python3 - "$W/strace.$req" "$W/py.$req" "$req" <<'PY'
import statistics as st, sys
a = [l.split() for l in open(sys.argv[1])]
b = [l.split() for l in open(sys.argv[2])]
ratio = st.median(float(y[0]) / float(x[0]) for x, y in zip(a, b))
med = lambda rows, i: st.median(float(r[i]) for r in rows)
print("| eventlet sample, REQUESTS=%s | %s | %.2f | %.2f | **%.2fx** (%s) | %d | %d | %d |" % (
    sys.argv[3], b[0][3], med(a, 0), med(b, 0), ratio, "met" if ratio <= 1.15 else "**not met**",
    med(a, 1), med(b, 1), med(b, 2)))
PY
)
	echo "bench/strace_profile.sh: $row"
	rows+=("$row")
done
{
	echo "## --strace with --profile=python (bench/strace_profile.sh)"
	echo
	echo "Produced by \`bench/strace_profile.sh\` (RUNS=$RUNS), $(date -u '+%Y-%m-%d %H:%M UTC'), load average $LOAD0 at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end, on $(nproc) shared cores."
	echo "CPU seconds (user + system) of the whole tree, recorder and strace included, from"
	echo "\`/usr/bin/time -f '%U %S' tracecast rec -q --headless --strace [--profile=$PY_SPEC] FILE -- samples/eventlet-wsgi/run.sh\`;"
	echo "$RUNS rounds, the two alternating; medians, and the median of the per-round ratios."
	echo "sampler: the header's \`python_sampler\` (outside: the recorder reads the stacks with"
	echo "process_vm_readv, no thread in the process; inside: the in-process sampler)."
	echo "\"s\" lines: the recording's strace lines (medians); dropped: the in-process sampler threads' lines"
	echo "the strace source left out (the \`t\` event \`dropped_sampler_lines\`, docs/FORMAT.md point 12)."
	echo
	echo "| workload | sampler | --strace CPU s | --strace --profile=python CPU s | ratio (goal <= 1.15x) | s lines | s lines with the sampler | sampler lines dropped |"
	echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
	for r in "${rows[@]}"; do echo "$r"; done
	echo
	echo "Per-run CPU seconds (--strace | --strace --profile):"
	echo
	for req in ${REQS:-10 100}; do
		echo "- REQUESTS=$req: $(awk '{printf "%s ", $1}' "$W/strace.$req")| $(awk '{printf "%s ", $1}' "$W/py.$req")"
	done
} > "$OUT"
echo "bench/strace_profile.sh: wrote $OUT"

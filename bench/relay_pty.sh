#!/bin/bash
# bench/relay_pty.sh: relay throughput to a real terminal (issue 11 item 6:
# the relay to the terminal must not stall the loop, nor cost throughput).
# Each tool runs on a fresh pty whose master bench/pty_drain.c reads as fast
# as bytes come: plain `cat` (the floor: one pty, no recorder), `script -q
# -c` (util-linux, records to a file) and `tracecast rec -q` (records to a
# .cast, relays to the pty without blocking its loop). The three run
# interleaved in each of RUNS rounds (default 7); figures are medians, and
# ratios are medians of the per-round ratios. Writes docs/bench/relay_pty.md.
# Environment (from make bench): TRACECAST, BENCHBIN, PROGS; RELAY_BYTES.
set -u
cd "$(dirname "$0")/.." || exit 1
: "${TRACECAST:=$PWD/build/tracecast}" "${BENCHBIN:=$PWD/build/bench}" "${PROGS:=$PWD/build/progs}"
RUNS=${RUNS:-7}
SIZE=${RELAY_BYTES:-50000000}
OUT=docs/bench/relay_pty.md
W=$(mktemp -d /tmp/tracecast-bench-relay.XXXXXX)
trap 'rm -rf "$W"' EXIT
for x in "$TRACECAST" "$BENCHBIN/pty_drain" "$PROGS/rec_gen"; do
	[ -x "$x" ] || { echo "bench/relay_pty.sh: $x missing (make bench builds it)"; exit 1; }
done
command -v script >/dev/null || { echo "bench/relay_pty.sh: script (util-linux) missing"; exit 1; }
"$PROGS/rec_gen" "$SIZE" 5 > "$W/data.txt"
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
tools="cat script tracecast"

# run TOOL: one run; appends "wall cpu bytes" to $W/TOOL
run() {
	case $1 in
	cat)       "$BENCHBIN/pty_drain" cat "$W/data.txt" ;;
	script)    "$BENCHBIN/pty_drain" script -q -c "cat $W/data.txt" "$W/out.script" ;;
	tracecast) "$BENCHBIN/pty_drain" "$TRACECAST" rec -q --overwrite "$W/out.cast" -- cat "$W/data.txt" ;;
	esac >> "$W/$1" || echo "bench/relay_pty.sh: $1 failed" >&2
	rm -f "$W/out.script" "$W/out.cast"
}

for i in $(seq "$RUNS"); do
	for t in $tools; do run "$t"; done
done
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

# median COLUMN FILE
median() { awk -v c="$1" '{print $c}' "$2" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# ratio_median A B: the median over rounds of A's wall / B's wall
ratio_median() {
	paste -d' ' "$W/$1" "$W/$2" | awk '$4 > 0 {print $1 / $4}' | sort -g |
		awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]}'
}
bytes=$(median 3 "$W/cat")

{
	echo "## Relay to a terminal: tracecast rec vs script vs cat (bench/relay_pty.sh)"
	echo
	echo "\`cat\` of $((SIZE / 1000000)) MB of mixed text (\`rec_gen $SIZE 5\`) onto a pty"
	echo "whose master is read as fast as bytes come (bench/pty_drain.c: the tool runs"
	echo "on the pty as its controlling terminal, stdin, stdout and stderr). $RUNS rounds,"
	echo "the three tools interleaved in each; medians. Wall = fork to reap; CPU = user"
	echo "+ system seconds of the tool's process tree; MB/s = bytes the terminal got"
	echo "($bytes, after ONLCR) per wall second. $(date -u '+%F %H:%M') UTC, $(nproc) cores,"
	echo "load average $load_start at the start, $load_end at the end (shared machine)."
	echo "Made by \`make bench BENCH_ONLY=relay_pty\`."
	echo
	echo "| tool | wall s | MB/s | CPU s | wall / cat | wall / script |"
	echo "| --- | ---: | ---: | ---: | ---: | ---: |"
	for t in $tools; do
		w=$(median 1 "$W/$t"); c=$(median 2 "$W/$t")
		awk -v t="$t" -v w="$w" -v c="$c" -v b="$bytes" -v rc="$(ratio_median "$t" cat)" \
		    -v rs="$(ratio_median "$t" script)" 'BEGIN {
			printf "| %s | %.2f | %.1f | %.2f | %sx | %sx |\n", t, w, (w > 0 ? b / w / 1e6 : 0), c, rc, rs }'
	done
	echo
	echo "Per-run wall seconds:"
	echo
	for t in $tools; do echo "- $t: $(awk '{printf "%s ", $1}' "$W/$t")"; done
	echo
	echo "Commands (DATA = the rec_gen file):"
	echo
	echo '```text'
	echo "cat:       \$BENCHBIN/pty_drain cat DATA"
	echo "script:    \$BENCHBIN/pty_drain script -q -c 'cat DATA' OUT"
	echo "tracecast: \$BENCHBIN/pty_drain tracecast rec -q --overwrite OUT.cast -- cat DATA"
	echo '```'
} > "$OUT"
cat "$OUT"
